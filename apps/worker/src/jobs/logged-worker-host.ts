import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { throttledWarning } from '@chorus/runtime';

/**
 * A processor whose worker's errors (Redis gone, mostly: one per reconnect attempt) go to the log, at most twice a
 * minute, rather than to stderr as bare stack traces, which BullMQ prints for an error nobody listens to.
 */
export abstract class LoggedWorkerHost extends WorkerHost {
  protected readonly logger = new Logger(this.constructor.name);
  private readonly warnOfError = throttledWarning((message) => this.logger.warn(message));

  @OnWorkerEvent('error')
  onWorkerError(error: Error): void {
    this.warnOfError(`${this.worker.name} worker: ${error.message}`);
  }
}
