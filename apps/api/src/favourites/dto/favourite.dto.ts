import { z } from 'zod';
import { pageCursorSchema, pageLimitSchema, timeCursorPattern } from '../../common/zod';

/** Marking a subject a favourite: the workflow the volunteer was shown it in, where they may classify more. */
export const favouriteInputSchema = z.strictObject({
  workflowId: z.uuid('must be the id of the workflow you were shown the subject in'),
});
export type FavouriteInput = z.infer<typeof favouriteInputSchema>;

/** Where a page of a volunteer's favourites starts: after this one (the `next` of the page before). */
const CURSOR = timeCursorPattern();
/** A cursor from when a subject was marked, to the microsecond as Postgres keeps it, and its id (which breaks ties). */
export const favouriteCursor = (favouritedAt: string, subjectId: string) => `${favouritedAt}_${subjectId}`;

/** The query of `GET /account/favourites`: the caller's favourites, a page at a time, or one subject's. */
export const favouritesQuerySchema = z.strictObject({
  subjectId: z.uuid('must be the id of a subject').optional(),
  limit: pageLimitSchema(100, 20),
  after: pageCursorSchema(CURSOR, ([favouritedAt, subjectId]) => ({ favouritedAt: favouritedAt!, subjectId: subjectId! })),
});
export type FavouritesQuery = z.infer<typeof favouritesQuerySchema>;
