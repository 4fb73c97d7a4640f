import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { defaultJobOptions, queueNames, redisOptions } from '@chorus/jobs';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { JobProducer } from './job-producer';

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: { url: config.redisUrl, ...redisOptions('producer') },
        prefix: config.queuePrefix,
        defaultJobOptions,
      }),
    }),
    // The API produces aggregation and re-aggregation jobs; every queue is registered so the queue board shows them all.
    BullModule.registerQueue(...queueNames.map((name) => ({ name }))),
  ],
  providers: [JobProducer],
  exports: [JobProducer],
})
export class JobsModule {}
