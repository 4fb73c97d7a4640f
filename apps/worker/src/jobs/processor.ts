import { Processor, type WorkerHost } from '@nestjs/bullmq';
import type { Type } from '@nestjs/common';
import { type QueueName, stallOptions, workerConcurrency } from '@chorus/jobs';
import type { WorkerConfig } from '../config/config';

/**
 * `host` as the processor of `queue`: its worker takes `workerConcurrency[queue]` jobs at once and holds their locks
 * as the configuration says (`stallOptions`). Nest reads a worker's options from its class's decorator, written once
 * for every worker; a subclass decorated here carries this worker's.
 */
export function processorOf<T extends Type<WorkerHost & { process: WorkerHost['process'] }>>(host: T, queue: QueueName, config: WorkerConfig): T {
  @Processor(queue, { concurrency: workerConcurrency[queue], ...stallOptions(config.jobLockMs) })
  class Configured extends host {}
  // Its logger (LoggedWorkerHost) is named after the class.
  Object.defineProperty(Configured, 'name', { value: host.name });
  return Configured;
}
