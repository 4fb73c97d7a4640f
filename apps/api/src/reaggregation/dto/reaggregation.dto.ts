import { z } from 'zod';
import { ZodPipe } from '../../common/zod';

export const reaggregationRequestSchema = z
  .strictObject({
    scope: z.enum(['all', 'unretired'], 'must be "all" (every classified subject) or "unretired"').default('all'),
  })
  .default({ scope: 'all' });
export type ReaggregationRequest = z.infer<typeof reaggregationRequestSchema>;

/** BullMQ numbers its jobs; a run's own id is a UUID (or, for runs from before runs had ids, `job-<id>-<time>`). */
export const isJobId = (key: string) => /^[0-9]{1,20}$/.test(key);

export const runParam = new ZodPipe(
  z.string().regex(/^[0-9A-Za-z-]{1,64}$/, "must be a re-aggregation's job id (the `id` its request answered) or a listed run's `id`"),
  '/params/run',
);
