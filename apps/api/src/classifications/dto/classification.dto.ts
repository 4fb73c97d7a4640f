import { z } from 'zod';

export const classificationSchema = z.strictObject({
  workflowId: z.uuid('must be the id of a workflow'),
  workflowVersion: z.int('must be a whole number').min(1).max(2_147_483_647),
  subjectId: z.uuid('must be the id of a subject'),
  /** Checked against the workflow version by packages/tasks. */
  annotations: z.unknown(),
  startedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  finishedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  metadata: z
    .record(z.string().max(200), z.unknown())
    .refine((metadata) => JSON.stringify(metadata).length <= 16_384, 'must be at most 16 KiB as JSON')
    .default({}),
});
export type ClassificationInput = z.infer<typeof classificationSchema>;

export const idempotencyKeySchema = z
  .string({ error: 'is required: send a fresh random key (a UUID) with each new classification, and the same key on a retry' })
  .min(8, 'must be at least 8 characters')
  .max(200, 'must be at most 200 characters');
