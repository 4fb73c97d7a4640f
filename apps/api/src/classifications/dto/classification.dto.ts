import { metadataSchema } from '@chorus/tasks';
import { z } from 'zod';

/** An ISO 8601 date-time Postgres can store: zod accepts the year 0000, which does not exist. */
const dateTime = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time' })
  .refine((value) => !value.startsWith('0000'), 'must be a date-time from the year 1 on');

export const classificationSchema = z.strictObject({
  workflowId: z.uuid('must be the id of a workflow'),
  workflowVersion: z.int('must be a whole number').min(1).max(2_147_483_647),
  subjectId: z.uuid('must be the id of a subject'),
  /** Checked against the workflow version by packages/tasks. */
  annotations: z.unknown(),
  startedAt: dateTime.optional(),
  finishedAt: dateTime.optional(),
  metadata: metadataSchema('keep what describes the classifying, such as the device or the tool, not the answer').default({}),
}).refine(({ startedAt, finishedAt }) => !startedAt || !finishedAt || Date.parse(startedAt) <= Date.parse(finishedAt), {
  path: ['finishedAt'],
  message: 'must not be before startedAt (both come from the same clock)',
});
export type ClassificationInput = z.infer<typeof classificationSchema>;

export const idempotencyKeySchema = z
  .string({ error: 'is required: send a fresh random key (a UUID) with each new classification, and the same key on a retry' })
  .min(8, 'must be at least 8 characters')
  .max(200, 'must be at most 200 characters');
