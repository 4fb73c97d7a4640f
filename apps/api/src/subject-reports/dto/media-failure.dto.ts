import { z } from 'zod';
import { pageLimitSchema, timeCursorSchema } from '../../common/zod';

/** A volunteer's browser could not load one of the media of a subject of the workflow it was showing. */
export const mediaFailureInputSchema = z.strictObject({
  subjectId: z.uuid('must be the id of a subject of the workflow'),
  location: z.int('must be a whole number: which of the subject’s locations, numbered from 1').min(1, 'must be at least 1: locations are numbered from 1').max(10_000, 'must name one of the subject’s locations'),
  /** Optional: without it, the address the location has now is taken for the one that failed. */
  url: z.string('must be the address the browser failed to load, as the subject gave it').max(2000, 'must be at most 2000 characters: the longest address a subject may have').optional(),
});
export type MediaFailureInput = z.infer<typeof mediaFailureInputSchema>;

/** The query of `GET /workflows/:id/media-failures`. */
export const mediaFailuresQuerySchema = z.strictObject({
  limit: pageLimitSchema(100, 20),
  after: timeCursorSchema,
});
export type MediaFailuresQuery = z.infer<typeof mediaFailuresQuerySchema>;
