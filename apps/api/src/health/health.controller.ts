import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
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

  /**
   * Whether this API can serve (the answer a load balancer or readiness probe routes by): 200 while Postgres answers,
   * `degraded` when Redis does not (submissions go on; their aggregation waits for it), 503 `down` when Postgres does not. Says how many workers
   * aggregate (none runs: 0; null while Redis is away).
   */
  @Get()
  @ApiOperation({
    summary: 'Whether this API can serve, for a load balancer or readiness probe (no token needed).',
    description: '200 while Postgres answers: `status` `ok`, or `degraded` when Redis does not (classifications are still stored; their aggregation waits for it). 503 with `status` `down` when Postgres does not. `aggregationWorkers` says how many workers aggregate (0 when none runs; null while Redis is away).',
  })
  @ApiZodResponse(healthSchema, {
    description: 'The API can serve: Postgres answers. `status` is `ok` when Redis answers too, `degraded` when it does not (submissions still work; aggregation waits for Redis)',
    also: { status: 503, description: 'The API cannot serve: Postgres does not answer (`status` is `down`)' },
  })
  async getHealth(@Res({ passthrough: true }) reply: FastifyReply) {
    const [postgres, redis, aggregationWorkers] = await Promise.all([this.db.query('SELECT 1').then(() => true, () => false), this.jobs.ping(), this.jobs.aggregationWorkers()]);
    void reply.status(postgres ? 200 : 503);
    return { status: !postgres ? 'down' : redis ? 'ok' : 'degraded', postgres: postgres ? 'up' : 'down', redis: redis ? 'up' : 'down', aggregationWorkers };
  }
}
