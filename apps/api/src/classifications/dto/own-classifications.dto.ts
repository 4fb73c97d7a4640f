import { z } from 'zod';
import { pageLimitSchema, timeCursorSchema } from '../../common/zod';

/** The `after` of a list of classifications in time order: the `next` of the page before, as its time and id. */
export const classificationAfterSchema = timeCursorSchema;

/** The query of `GET /classifications`: a volunteer's own classifications, a page at a time. */
export const ownClassificationsQuerySchema = z.strictObject({
  workflowId: z.uuid('must be the id of a workflow').optional(),
  limit: pageLimitSchema(100, 20),
  after: classificationAfterSchema,
});
export type OwnClassificationsQuery = z.infer<typeof ownClassificationsQuerySchema>;
