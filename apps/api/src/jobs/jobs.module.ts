import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { defaultJobOptions, redisOptions } from '@chorus/jobs';
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
    // The API only produces aggregation jobs; maintenance is scheduled by the worker.
    BullModule.registerQueue({ name: 'aggregation' }),
  ],
  providers: [JobProducer],
  exports: [JobProducer],
})
export class JobsModule {}
