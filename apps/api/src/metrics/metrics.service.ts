import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge } from 'prom-client';
import { type QueueName, queueNames } from '@chorus/jobs';
import type { DataSource } from 'typeorm';
import { JobProducer, type QueueFigures } from '../jobs/job-producer';
import { withProcessMetrics } from './process-metrics';

interface Snapshot {
  /** Each queue's job counts by state and workers, or undefined while Redis is away. */
  queues: Record<QueueName, QueueFigures> | undefined;
  /** NaN while Postgres is away. */
  lagging: number;
  lagSeconds: number;
}

const LAG = `SELECT count(*)::int AS lagging, coalesce(extract(epoch FROM now() - min(queued_at)), 0)::float AS lag
  FROM aggregation_outbox`;

/** Prometheus metrics: counters kept in the process, gauges read from Postgres and Redis at each scrape. */
@Injectable()
export class MetricsService {
  readonly registry = withProcessMetrics();
  private readonly submitted = new Counter({ name: 'chorus_classifications_submitted_total', help: 'Classifications committed by this API process (replays not counted)', registers: [this.registry] });
  private pending: Promise<Snapshot> | undefined;

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly jobs: JobProducer) {
    const snapshot = () => this.snapshot();
    for (const queue of queueNames) {
      new Gauge({
        name: `chorus_${queue}_queue_jobs`,
        help: `Jobs of the ${queue} queue by state (absent while Redis is away)`,
        labelNames: ['state'],
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const [state, count] of Object.entries((await snapshot()).queues?.[queue].jobs ?? {})) this.set({ state }, count);
        },
      });
    }
    new Gauge({
      name: 'chorus_queue_workers',
      help: 'Workers taking the jobs of each queue (0: none runs, and its jobs wait; absent while Redis is away or will not list its clients)',
      labelNames: ['queue'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [queue, { workers }] of Object.entries((await snapshot()).queues ?? {})) if (workers !== null) this.set({ queue }, workers);
      },
    });
    new Gauge({
      name: 'chorus_aggregation_lagging_subjects',
      help: 'Subjects whose aggregation has not yet seen all their classifications (NaN while Postgres is away)',
      registers: [this.registry],
      async collect() {
        this.set((await snapshot()).lagging);
      },
    });
    new Gauge({
      name: 'chorus_aggregation_lag_seconds',
      help: 'Age of the oldest classification not yet aggregated (NaN while Postgres is away)',
      registers: [this.registry],
      async collect() {
        this.set((await snapshot()).lagSeconds);
      },
    });
    new Gauge({
      name: 'chorus_metrics_scrape_ok',
      help: 'Whether the last scrape could read Redis and Postgres',
      registers: [this.registry],
      async collect() {
        const { queues, lagging } = await snapshot();
        this.set(queues && !Number.isNaN(lagging) ? 1 : 0);
      },
    });
  }

  classificationSubmitted(): void {
    this.submitted.inc();
  }

  /** One read of Postgres and Redis per scrape, shared by every gauge (a registry collects them all at once). */
  private snapshot(): Promise<Snapshot> {
    this.pending ??= Promise.all([this.jobs.queueFigures(), this.lag()])
      .then(([queues, lag]) => ({ queues, ...lag }))
      .finally(() => setImmediate(() => (this.pending = undefined)));
    return this.pending;
  }

  /** How far aggregation lags, as NaN while Postgres is away (the scrape still answers, with the process's metrics). */
  private async lag(): Promise<Pick<Snapshot, 'lagging' | 'lagSeconds'>> {
    try {
      const [row]: { lagging: number; lag: number }[] = await this.db.query(LAG);
      return { lagging: row!.lagging, lagSeconds: row!.lag };
    } catch {
      return { lagging: Number.NaN, lagSeconds: Number.NaN };
    }
  }
}
