import { z } from 'zod';
import { pageLimitSchema, timeCursorSchema } from '../../common/zod';

/** Marking a subject a favourite: the workflow the volunteer was shown it in, where they may classify more. */
export const favouriteInputSchema = z.strictObject({
  workflowId: z.uuid('must be the id of the workflow you were shown the subject in'),
});
export type FavouriteInput = z.infer<typeof favouriteInputSchema>;

/** The query of `GET /account/favourites`: the caller's favourites, a page at a time, or one subject's. */
export const favouritesQuerySchema = z.strictObject({
  subjectId: z.uuid('must be the id of a subject').optional(),
  limit: pageLimitSchema(100, 20),
  /** After the favourite marked then (`time`), of that subject (`id`). */
  after: timeCursorSchema,
});
export type FavouritesQuery = z.infer<typeof favouritesQuerySchema>;
