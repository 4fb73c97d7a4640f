import { z } from 'zod';

/** The query of `GET /classifications`: a volunteer's own classifications, a page at a time. */
export const ownClassificationsQuerySchema = z.object({
  workflowId: z.uuid('must be the id of a workflow').optional(),
  limit: z.coerce.number().int('must be a whole number').min(1).max(100).default(20),
  before: z.iso
    .datetime({ offset: true, error: 'must be a date and time with its zone: the createdAt of the last classification of the page before' })
    .optional(),
});
export type OwnClassificationsQuery = z.infer<typeof ownClassificationsQuerySchema>;
