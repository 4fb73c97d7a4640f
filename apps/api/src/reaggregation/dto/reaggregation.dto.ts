import { z } from 'zod';
import { ZodPipe } from '../../common/zod';

export const reaggregationRequestSchema = z
  .strictObject({
    scope: z.enum(['all', 'unretired'], 'must be "all" (every classified subject) or "unretired"').default('all'),
  })
  .default({ scope: 'all' });
export type ReaggregationRequest = z.infer<typeof reaggregationRequestSchema>;

/** BullMQ numbers its jobs; a run's own id (a UUID, in the list) is not one of them. */
export const jobIdParam = new ZodPipe(
  z.string().regex(/^[0-9]{1,20}$/, "must be a re-aggregation's job id: the `id` its request answered, or a listed run's `jobId` (not the run's own `id`)"),
  '/params/jobId',
);
