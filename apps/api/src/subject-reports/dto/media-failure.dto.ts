import { z } from 'zod';

/** A volunteer's browser could not load one of the media of a subject of the workflow it was showing. */
export const mediaFailureInputSchema = z.strictObject({
  subjectId: z.uuid('must be the id of a subject of the workflow'),
  location: z.int('must be a whole number: which of the subject’s locations, numbered from 1').min(1, 'must be at least 1: locations are numbered from 1').max(10_000, 'must name one of the subject’s locations'),
});
export type MediaFailureInput = z.infer<typeof mediaFailureInputSchema>;
