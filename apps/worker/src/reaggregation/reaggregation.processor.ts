import { Processor, WorkerHost } from '@nestjs/bullmq';
import { recordReaggregationFinished, recordReaggregationStarted } from '@chorus/db';
import { type JobPayload, type ReaggregationProgress, stallOptions, workerConcurrency } from '@chorus/jobs';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { ReaggregationService } from './reaggregation.service';

type ReaggregationJob = Job<JobPayload<'reaggregation', 'reaggregate-workflow'>>;

/** Runs re-aggregations, and records each in `reaggregation_runs` as it starts and ends, for researchers to look back on. */
@Processor('reaggregation', { concurrency: workerConcurrency.reaggregation, ...stallOptions })
export class ReaggregationProcessor extends WorkerHost {
  constructor(private readonly reaggregation: ReaggregationService, private readonly db: DataSource) {
    super();
  }

  async process(job: ReaggregationJob): Promise<ReaggregationProgress> {
    if (job.name !== 'reaggregate-workflow') throw new Error(`reaggregation queue has no handler for job "${job.name}"`);
    const { workflowId, scope, requestedBy } = job.data;
    await recordReaggregationStarted(this.db, { id: job.id!, workflowId, scope, requestedBy: requestedBy ?? null, requestedAt: new Date(job.timestamp) });
    try {
      const progress = await this.reaggregation.reaggregate(workflowId, scope, resumable(job.progress), (next) => job.updateProgress({ ...next }));
      await recordReaggregationFinished(this.db, job.id!, { subjects: progress.done });
      return progress;
    } catch (error) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await recordReaggregationFinished(this.db, job.id!, { failedReason: (error as Error).message });
      throw error;
    }
  }
}

/** The progress a crashed attempt left behind, if any: the next attempt goes on after its cursor. */
function resumable(progress: Job['progress']): ReaggregationProgress | undefined {
  if (typeof progress !== 'object' || progress === null || !('after' in progress) || typeof progress.after !== 'string') return undefined;
  return { ...(progress as unknown as ReaggregationProgress) };
}
