import { SUBJECT_RESULT_SORTS, SUBJECT_RESULT_STATUSES } from '@chorus/client';
import { z } from 'zod';
import { classificationAfterSchema } from '../../classifications/dto/own-classifications.dto';
import { pageCursorSchema, pageLimitSchema } from '../../common/zod';

/**
 * Where a page of a workflow's subject results starts (the `next` of the page before): after the subject of this id,
 * in id order; after this count of favourites and subject id, most favourites first.
 */
const SUBJECT_CURSOR = /^(?:(\d{1,9})_)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The `next` of a page of subject results that ends with this subject (`favourites`: its count, sorted by them). */
export const subjectResultsCursor = (subjectId: string, favourites: number | null) => (favourites === null ? subjectId : `${favourites}_${subjectId}`);

/** The longest `q`: an externalId is at most this long. */
const LONGEST_EXTERNAL_ID = 500;

/** The query of `GET /workflows/:id/subject-results`. */
export const subjectResultsQuerySchema = z
  .strictObject({
    status: z.enum(SUBJECT_RESULT_STATUSES, 'must be all, active (subjects still served) or retired').default('all'),
    q: z
      .string()
      .trim()
      .max(LONGEST_EXTERNAL_ID, `must be at most ${LONGEST_EXTERNAL_ID} characters: the start of an externalId, or a subject's id`)
      // An empty search is no search (a form sent with the field left blank).
      .transform((q) => q || undefined)
      .optional(),
    sort: z.enum(SUBJECT_RESULT_SORTS, 'must be id (subject id order) or favourites (the most favourites first)').default('id'),
    limit: pageLimitSchema(100, 25),
    after: pageCursorSchema(SUBJECT_CURSOR, ([favourites, subjectId]) => ({ subjectId: subjectId!, favourites: favourites === undefined ? null : Number(favourites) })),
  })
  .superRefine(({ sort, after }, ctx) => {
    // (Run on a cursor refused already too, as it was sent: a string.)
    if (typeof after === 'object' && (after.favourites === null) !== (sort === 'id')) {
      ctx.addIssue({ code: 'custom', path: ['after'], message: `is the "next" of a page in another order: give the sort of the page before (sort=${sort === 'id' ? 'favourites' : 'id'})` });
    }
  });
export type SubjectResultsQuery = z.infer<typeof subjectResultsQuerySchema>;

/** The query of `GET /workflows/:id/subject-results/:subjectId`: a page of the subject's classifications. */
export const subjectResultQuerySchema = z.strictObject({
  limit: pageLimitSchema(100, 50),
  after: classificationAfterSchema,
});
export type SubjectResultQuery = z.infer<typeof subjectResultQuerySchema>;
