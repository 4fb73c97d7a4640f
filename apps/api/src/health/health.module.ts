import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';

/** `GET /health`: whether Postgres and Redis answer (the job queue's producer comes from the global JobsModule). */
@Module({ controllers: [HealthController] })
export class HealthModule {}
