import { Processor, WorkerHost } from '@nestjs/bullmq';
import { type JobPayload, type ReaggregationProgress, stallOptions, workerConcurrency } from '@chorus/jobs';
import type { Job } from 'bullmq';
import { ReaggregationService } from './reaggregation.service';

type ReaggregationJob = Job<JobPayload<'reaggregation', 'reaggregate-workflow'>>;

@Processor('reaggregation', { concurrency: workerConcurrency.reaggregation, ...stallOptions })
export class ReaggregationProcessor extends WorkerHost {
  constructor(private readonly reaggregation: ReaggregationService) {
    super();
  }

  process(job: ReaggregationJob): Promise<ReaggregationProgress> {
    if (job.name !== 'reaggregate-workflow') throw new Error(`reaggregation queue has no handler for job "${job.name}"`);
    return this.reaggregation.reaggregate(job.data.workflowId, job.data.scope, resumable(job.progress), (progress) => job.updateProgress({ ...progress }));
  }
}

/** The progress a crashed attempt left behind, if any: the next attempt goes on after its cursor. */
function resumable(progress: Job['progress']): ReaggregationProgress | undefined {
  if (typeof progress !== 'object' || progress === null || !('after' in progress) || typeof progress.after !== 'string') return undefined;
  return { ...(progress as unknown as ReaggregationProgress) };
}
