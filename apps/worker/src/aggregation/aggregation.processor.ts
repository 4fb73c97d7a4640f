import { Injectable } from '@nestjs/common';
import type { JobPayload } from '@chorus/jobs';
import type { Job } from 'bullmq';
import { AggregationService, type DrainReport } from './aggregation.service';
import { LoggedWorkerHost } from '../jobs/logged-worker-host';
import { CompletionService } from '../reaggregation/completion.service';
import { WebhookDeliveries } from '../webhooks/webhook-deliveries.service';

type AggregationJob = Job<JobPayload<'aggregation', 'aggregate-workflow'>>;

// Its queue and worker options: processorOf, in WorkerModule.
@Injectable()
export class AggregationProcessor extends LoggedWorkerHost {
  constructor(private readonly aggregation: AggregationService, private readonly completion: CompletionService, private readonly webhooks: WebhookDeliveries) {
    super();
  }

  /** Fails (and so is retried with backoff) when a subject could not be aggregated; the others are done. */
  async process(job: AggregationJob): Promise<Omit<DrainReport, 'failed' | 'deliveries'>> {
    if (job.name !== 'aggregate-workflow') throw new Error(`aggregation queue has no handler for job "${job.name}"`);
    const { aggregated, retired, routedOut, failed, workflow, deliveries } = await this.aggregation.drainOutbox(job.data.workflowId);
    // The webhook deliveries kept with the retirements; one whose job is lost here the reconciler enqueues.
    await this.webhooks.enqueue(deliveries);
    if (failed.length) throw new Error(`${failed.length} subjects of workflow ${job.data.workflowId} could not be aggregated: ${failed.slice(0, 10).join(', ')}`);
    if (retired) this.logger.debug(`retired ${retired} subjects in ${job.data.workflowId}`);
    await this.aggregation.advanceSequenceFronts(job.data.workflowId, workflow);
    // The API also enqueues one when a workflow is finished or subjects are retired by hand: it may have completed, or opened again.
    await this.completion.reaggregateAfterDrain(job.data.workflowId, { retired, workflow });
    return { aggregated, retired, routedOut };
  }
}
