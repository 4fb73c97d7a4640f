import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { queueNames } from '@chorus/jobs';
import { warnOfErrors } from '@chorus/runtime';
import type { Queue } from 'bullmq';

/** The worker's queues' errors (Redis gone) go to the log, as its workers' do (`LoggedWorkerHost`). */
@Injectable()
export class QueueErrors implements OnModuleInit {
  private readonly logger = new Logger(QueueErrors.name);

  constructor(private readonly modules: ModuleRef) {}

  onModuleInit(): void {
    for (const name of queueNames) warnOfErrors(this.modules.get<Queue>(getQueueToken(name), { strict: false }), `${name} queue`, (message) => this.logger.warn(message));
  }
}
