import { getQueueToken } from '@nestjs/bullmq';
import { Global, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { openQueue, queueNames } from '@chorus/jobs';
import { warningOfErrors } from '@chorus/runtime';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { JobProducer } from './job-producer';

const logger = new Logger('Queues');

/**
 * Every queue, registered so that the queue board shows them all (the API adds only aggregation and re-aggregation
 * jobs). Each warns of its errors (Redis gone), throttled, from the moment it is made: one with no listener yet (while
 * the database is migrated at start, say) would print each one to the console as a stack trace.
 */
const queueProviders = queueNames.map((name) => ({
  provide: getQueueToken(name),
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) =>
    openQueue(name, { url: config.redisUrl, prefix: config.queuePrefix }, 'producer', warningOfErrors(`${name} queue`, (message) => logger.warn(message))),
}));

@Global()
@Module({
  providers: [...queueProviders, JobProducer],
  exports: [...queueProviders.map((provider) => provider.provide), JobProducer],
})
export class JobsModule implements OnApplicationShutdown {
  constructor(private readonly modules: ModuleRef) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(queueNames.map((name) => this.modules.get<Queue>(getQueueToken(name)).close()));
  }
}
