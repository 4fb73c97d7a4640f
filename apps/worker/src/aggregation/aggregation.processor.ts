import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { type JobPayload, workerConcurrency } from '@chorus/jobs';
import type { Job } from 'bullmq';
import { AggregationBatcher } from './aggregation-batcher';

type AggregationJob = Job<JobPayload<'aggregation', 'aggregate-subject'>>;

@Processor('aggregation', { concurrency: workerConcurrency.aggregation })
export class AggregationProcessor extends WorkerHost {
  private readonly logger = new Logger(AggregationProcessor.name);

  constructor(private readonly batcher: AggregationBatcher) {
    super();
  }

  async process(job: AggregationJob): Promise<string> {
    if (job.name !== 'aggregate-subject') throw new Error(`aggregation queue has no handler for job "${job.name}"`);
    const outcome = await this.batcher.aggregate(job.data);
    if (outcome === 'retired') this.logger.debug(`retired ${job.data.subjectId} in ${job.data.workflowId}`);
    return outcome;
  }
}
