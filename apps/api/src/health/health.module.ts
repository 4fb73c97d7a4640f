import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';

/** `GET /health`: whether the API can serve (Postgres answers), and whether Redis does (the job queue's producer comes from the global JobsModule). */
@Module({ controllers: [HealthController] })
export class HealthModule {}
