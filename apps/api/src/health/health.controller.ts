import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { healthSchema } from '@chorus/client';
import type { FastifyReply } from 'fastify';
import type { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { ApiZodResponse } from '../common/zod';
import { JobProducer } from '../jobs/job-producer';

@ApiTags('health')
@Controller('health')
@Public()
export class HealthController {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly jobs: JobProducer) {}

  /** 200 when Postgres and Redis both answer; 503 naming the one that does not. Says how many workers aggregate (none runs: 0). */
  @Get()
  @ApiZodResponse(healthSchema, { description: 'Both Postgres and Redis answer; 503 with the same shape when one does not' })
  async getHealth(@Res({ passthrough: true }) reply: FastifyReply) {
    const [postgres, redis, aggregationWorkers] = await Promise.all([this.db.query('SELECT 1').then(() => true, () => false), this.jobs.ping(), this.jobs.aggregationWorkers()]);
    const ok = postgres && redis;
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'degraded', postgres: postgres ? 'up' : 'down', redis: redis ? 'up' : 'down', aggregationWorkers };
  }
}
