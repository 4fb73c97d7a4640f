import { OnWorkerEvent } from '@nestjs/bullmq';
import { recordReaggregationFinished, recordReaggregationStarted } from '@chorus/db';
import { type JobPayload, type ReaggregationProgress, reaggregationRunId } from '@chorus/jobs';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { ReaggregationService } from './reaggregation.service';
import { LoggedWorkerHost } from '../jobs/logged-worker-host';

type ReaggregationJob = Job<JobPayload<'reaggregation', 'reaggregate-workflow'>>;

/** Runs re-aggregations, and records each in `reaggregation_runs` as it starts and ends, for researchers to look back on. */
// Its queue and worker options: processorOf, in WorkerModule.
@Injectable()
export class ReaggregationProcessor extends LoggedWorkerHost {
  constructor(private readonly reaggregation: ReaggregationService, private readonly db: DataSource) {
    super();
  }

  async process(job: ReaggregationJob): Promise<ReaggregationProgress> {
    if (job.name !== 'reaggregate-workflow') throw new Error(`reaggregation queue has no handler for job "${job.name}"`);
    const { workflowId, scope, requestedBy, reason } = job.data;
    const id = reaggregationRunId(job);
    await recordReaggregationStarted(this.db, { id, jobId: job.id!, workflowId, scope, requestedBy: requestedBy ?? null, reason: reason ?? null, requestedAt: new Date(job.timestamp) });
    const progress = await this.reaggregation.reaggregate(workflowId, scope, resumable(job.progress), (next) => job.updateProgress({ ...next }));
    await recordReaggregationFinished(this.db, id, { subjects: progress.done, routedOut: progress.routedOut ?? 0 });
    return progress;
  }

  /**
   * A run failed for good: its last attempt threw, or its worker died under it once too often (BullMQ fails a job that
   * stalled more than it allows without the processor knowing, and says so here).
   */
  @OnWorkerEvent('failed')
  async onFailed(job: ReaggregationJob | undefined, error: Error): Promise<void> {
    if (job?.name !== 'reaggregate-workflow' || !(await job.isFailed())) return;
    await recordReaggregationFinished(this.db, reaggregationRunId(job), { failedReason: error.message }).catch((failure: Error) =>
      this.logger.warn(`could not record that re-aggregation ${job.id} failed: ${failure.message}`),
    );
  }
}

/** The progress a crashed attempt left behind, if any: the next attempt goes on after its cursor. */
function resumable(progress: Job['progress']): ReaggregationProgress | undefined {
  if (typeof progress !== 'object' || progress === null || !('after' in progress) || typeof progress.after !== 'string') return undefined;
  return { ...(progress as unknown as ReaggregationProgress) };
}
