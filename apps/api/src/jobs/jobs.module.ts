import { getQueueToken } from '@nestjs/bullmq';
import { Global, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { defaultJobOptions, queueNames, redisOptions } from '@chorus/jobs';
import { warnOfErrors } from '@chorus/runtime';
import { Queue } from 'bullmq';
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
  useFactory: (config: AppConfig) => {
    const queue = new Queue(name, { connection: { url: config.redisUrl, ...redisOptions('producer') }, prefix: config.queuePrefix, defaultJobOptions });
    warnOfErrors(queue, `${name} queue`, (message) => logger.warn(message));
    return queue;
  },
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
