import { SUBJECT_RESULT_STATUSES } from '@chorus/client';
import { z } from 'zod';
import { classificationAfterSchema } from '../../classifications/dto/own-classifications.dto';
import { pageCursorSchema, pageLimitSchema } from '../../common/zod';

/** Where a page of a workflow's subject results starts: after the subject of this id (the `next` of the page before). */
const SUBJECT_CURSOR = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The longest `q`: an externalId is at most this long. */
const LONGEST_EXTERNAL_ID = 500;

/** The query of `GET /workflows/:id/subject-results`. */
export const subjectResultsQuerySchema = z.strictObject({
  status: z.enum(SUBJECT_RESULT_STATUSES, 'must be all, active (subjects still served) or retired').default('all'),
  q: z
    .string()
    .trim()
    .max(LONGEST_EXTERNAL_ID, `must be at most ${LONGEST_EXTERNAL_ID} characters: the start of an externalId, or a subject's id`)
    // An empty search is no search (a form sent with the field left blank).
    .transform((q) => q || undefined)
    .optional(),
  limit: pageLimitSchema(100, 25),
  after: pageCursorSchema(SUBJECT_CURSOR, ([subjectId]) => subjectId!),
});
export type SubjectResultsQuery = z.infer<typeof subjectResultsQuerySchema>;

/** The query of `GET /workflows/:id/subject-results/:subjectId`: a page of the subject's classifications. */
export const subjectResultQuerySchema = z.strictObject({
  limit: pageLimitSchema(100, 50),
  after: classificationAfterSchema,
});
export type SubjectResultQuery = z.infer<typeof subjectResultQuerySchema>;
