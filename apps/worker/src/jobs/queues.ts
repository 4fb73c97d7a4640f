import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { openQueue, queueNames } from '@chorus/jobs';
import { warningOfErrors } from '@chorus/runtime';
import type { Queue } from 'bullmq';
import type { WorkerConfig } from '../config/config';

const logger = new Logger('Queues');

/**
 * The worker's queues (it enqueues aggregation and re-aggregation, and keeps the maintenance schedules), whose errors
 * (Redis away) go to the log from the moment each is made, as its workers' do (`LoggedWorkerHost`).
 */
export function queueProviders(config: WorkerConfig): Provider[] {
  return queueNames.map((name) => ({
    provide: getQueueToken(name),
    useFactory: () => openQueue(name, { url: config.redisUrl, prefix: config.queuePrefix }, 'worker', warningOfErrors(`${name} queue`, (message) => logger.warn(message))),
  }));
}

/** Closes the queues when the worker stops. */
@Injectable()
export class Queues implements OnApplicationShutdown {
  constructor(private readonly modules: ModuleRef) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(queueNames.map((name) => this.modules.get<Queue>(getQueueToken(name)).close()));
  }
}
