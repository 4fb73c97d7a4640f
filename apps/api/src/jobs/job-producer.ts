import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { aggregationJob } from '@chorus/jobs';
import type { Queue } from 'bullmq';

/**
 * Enqueues jobs for the worker. Enqueueing never fails a request: the API's Redis connection fails fast, and work
 * that could not be enqueued is found again from the database (aggregation lags classifications).
 */
@Injectable()
export class JobProducer implements OnModuleInit {
  private readonly logger = new Logger(JobProducer.name);

  constructor(@InjectQueue('aggregation') private readonly aggregation: Queue) {}

  onModuleInit(): void {
    this.aggregation.on('error', (error) => this.logger.warn(`aggregation queue: ${error.message}`));
  }

  async aggregate(workflowId: string, subjectId: string): Promise<boolean> {
    const job = aggregationJob(workflowId, subjectId);
    try {
      await this.aggregation.add(job.name, job.data, job.opts);
      return true;
    } catch (error) {
      this.logger.warn(`could not enqueue aggregation of ${workflowId}/${subjectId}: ${(error as Error).message}`);
      return false;
    }
  }

  async ping(): Promise<boolean> {
    try {
      await this.aggregation.count();
      return true;
    } catch {
      return false;
    }
  }
}
