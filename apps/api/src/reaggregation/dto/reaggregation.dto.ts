import { z } from 'zod';
import { ZodPipe } from '../../common/zod';

export const reaggregationRequestSchema = z
  .strictObject({
    scope: z.enum(['all', 'unretired'], 'must be "all" (every classified subject) or "unretired"').default('all'),
  })
  .default({ scope: 'all' });
export type ReaggregationRequest = z.infer<typeof reaggregationRequestSchema>;

/** BullMQ numbers its jobs. */
export const jobIdParam = new ZodPipe(z.string().regex(/^[0-9]{1,20}$/, 'must be the id a re-aggregation request returned'), '/params/jobId');
