import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Global, type INestApplicationContext, Logger, Module } from '@nestjs/common';
import { openDatabase } from '@chorus/db';
import { redisOptions } from '@chorus/jobs';
import { DataSource } from 'typeorm';
import { AggregationProcessor } from './aggregation/aggregation.processor';
import { AggregationService } from './aggregation/aggregation.service';
import { WorkflowDefinitions } from './aggregation/workflow-definitions';
import { WORKER_CONFIG, type WorkerConfig } from './config/config';
import { processorOf } from './jobs/processor';
import { Queues, queueProviders } from './jobs/queues';
import { MaintenanceProcessor } from './maintenance/maintenance.processor';
import { ReconcilerService } from './maintenance/reconciler.service';
import { ReaggregationProcessor } from './reaggregation/reaggregation.processor';
import { CompletionService } from './reaggregation/completion.service';
import { ReaggregationService } from './reaggregation/reaggregation.service';
import { SkillsRepository } from './skills/skills.repository';
import { SkillsService } from './skills/skills.service';
import { WebhookDeliveries } from './webhooks/webhook-deliveries.service';
import { WebhookSender } from './webhooks/webhook-sender';
import { WebhooksProcessor } from './webhooks/webhooks.processor';

const databaseLogger = new Logger('Database');

@Global()
@Module({})
export class WorkerModule {
  static with(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        BullModule.forRoot({ connection: { url: config.redisUrl, ...redisOptions('worker') }, prefix: config.queuePrefix }),
        // No queue: only what makes the processors' workers (with their queue's connection and prefix). The queues are
        // provided below, each listening for its errors from the moment it is made.
        BullModule.registerQueue(),
      ],
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        {
          provide: DataSource,
          useFactory: () =>
            openDatabase(config.databaseUrl, config.databasePoolSize, {
              waitMs: config.databaseWaitMs,
              create: config.databaseCreate,
              warn: (message) => databaseLogger.warn(message),
              info: (message) => databaseLogger.log(message),
            }),
        },
        ...queueProviders(config),
        Queues,
        AggregationService,
        WorkflowDefinitions,
        { provide: AggregationProcessor, useClass: processorOf(AggregationProcessor, 'aggregation', config) },
        ReconcilerService,
        { provide: MaintenanceProcessor, useClass: processorOf(MaintenanceProcessor, 'maintenance', config) },
        ReaggregationService,
        { provide: ReaggregationProcessor, useClass: processorOf(ReaggregationProcessor, 'reaggregation', config) },
        CompletionService,
        SkillsRepository,
        SkillsService,
        WebhookSender,
        WebhookDeliveries,
        { provide: WebhooksProcessor, useClass: processorOf(WebhooksProcessor, 'webhooks', config) },
      ],
      exports: [DataSource],
    };
  }
}

/** Closes the data source after the workers have drained. */
export async function closeWorker(app: INestApplicationContext): Promise<void> {
  const db = app.get(DataSource);
  await app.close();
  if (db.isInitialized) await db.destroy();
}
