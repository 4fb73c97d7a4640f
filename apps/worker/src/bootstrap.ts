import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { PinoNestLogger, createLogger } from '@chorus/runtime';
import type { WorkerConfig } from './config/config';
import { WorkerModule } from './worker.module';

/** The worker process: no HTTP, only BullMQ processors. Tests start it in-process with their own configuration. */
export async function createWorker(config: WorkerConfig): Promise<INestApplicationContext> {
  const logger = createLogger(config.logLevel, 'worker');
  // A failure to start (Postgres never answered, say) reaches the caller, as the API's does, rather than exiting here.
  const app = await NestFactory.createApplicationContext(WorkerModule.with(config), { logger: new PinoNestLogger(logger), abortOnError: false });
  return app;
}
