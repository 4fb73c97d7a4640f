import { z } from 'zod';
import { pageLimitSchema, timeCursorSchema } from '../../common/zod';

/** The query of `GET /classifications`: a volunteer's own classifications, a page at a time. */
export const ownClassificationsQuerySchema = z.strictObject({
  workflowId: z.uuid('must be the id of a workflow').optional(),
  limit: pageLimitSchema(100, 20),
  after: timeCursorSchema,
});
export type OwnClassificationsQuery = z.infer<typeof ownClassificationsQuerySchema>;
