import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { type JobPayload, workerConcurrency } from '@chorus/jobs';
import type { Job } from 'bullmq';
import { AggregationService } from './aggregation.service';

type AggregationJob = Job<JobPayload<'aggregation', 'aggregate-subject'>>;

@Processor('aggregation', { concurrency: workerConcurrency.aggregation })
export class AggregationProcessor extends WorkerHost {
  private readonly logger = new Logger(AggregationProcessor.name);

  constructor(private readonly aggregation: AggregationService) {
    super();
  }

  async process(job: AggregationJob): Promise<string> {
    if (job.name !== 'aggregate-subject') throw new Error(`aggregation queue has no handler for job "${job.name}"`);
    const outcome = await this.aggregation.aggregateSubject(job.data.workflowId, job.data.subjectId);
    if (outcome === 'retired') this.logger.debug(`retired ${job.data.subjectId} in ${job.data.workflowId}`);
    return outcome;
  }
}
