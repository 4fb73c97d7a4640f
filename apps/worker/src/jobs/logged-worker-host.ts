import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { throttledWarning } from '@chorus/runtime';
import type { Job } from 'bullmq';

/**
 * A processor whose worker's errors (Redis gone, mostly: one per reconnect attempt) go to the log, at most twice a
 * minute, rather than to stderr as bare stack traces, which BullMQ prints for an error nobody listens to. So do its
 * jobs' failed attempts (Postgres gone, mostly: every job fails), a warning while the job will be tried again and an
 * error once it has failed for good, each at most twice a minute.
 */
export abstract class LoggedWorkerHost extends WorkerHost {
  protected readonly logger = new Logger(this.constructor.name);
  private readonly warnOfError = throttledWarning((message) => this.logger.warn(message));
  private readonly warnOfRetry = throttledWarning((message) => this.logger.warn(message));
  private readonly tellFailure = throttledWarning((message) => this.logger.error(message));

  @OnWorkerEvent('error')
  onWorkerError(error: Error): void {
    this.warnOfError(`${this.worker.name} worker: ${error.message}`);
  }

  /** BullMQ sets `finishedOn` only when the attempt that failed was the job's last. */
  @OnWorkerEvent('failed')
  onJobAttemptFailed(job: Job | undefined, error: Error): void {
    const what = `${this.worker.name} job ${job ? `${job.name} (${job.id})` : ''}`.trimEnd();
    const attempts = job?.opts.attempts ?? 1;
    if (!job || job.finishedOn) this.tellFailure(`${what} failed for good${job ? ` after ${job.attemptsMade} of ${attempts} attempts` : ''}: ${error.message}`);
    else this.warnOfRetry(`${what} failed (attempt ${job.attemptsMade} of ${attempts}): ${error.message}; it will be retried`);
  }
}
