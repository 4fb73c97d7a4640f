import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { HeaderValue } from '../common/header.decorator';
import { ProblemException } from '../common/problem';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { MetricsService } from './metrics.service';

/**
 * Prometheus scrape endpoint at /metrics (outside /api/v1): keep it on the internal network, or set METRICS_TOKEN and
 * give it to the scraper (`authorization: { credentials: ... }` in Prometheus), which then must send it.
 */
@ApiExcludeController()
@Controller('metrics')
@Public('own-credentials')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  getMetrics(@HeaderValue('authorization') authorization: string | undefined): Promise<string> {
    if (this.config.metricsToken && !sameSecret(authorization ?? '', `Bearer ${this.config.metricsToken}`)) {
      throw new ProblemException(401, 'The metrics are for the scraper that sends METRICS_TOKEN as a bearer token.', [{ pointer: '/headers/authorization', message: 'must be Bearer <METRICS_TOKEN>' }]);
    }
    return this.metrics.registry.metrics();
  }
}

/** Compared in constant time (as digests, so that lengths do not matter either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
