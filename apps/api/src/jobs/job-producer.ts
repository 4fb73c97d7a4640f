import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { ReaggregationRun } from '@chorus/client';
import { type JobPayload, type QueueName, type ReaggregationProgress, type ReaggregationReason, type ReaggregationScope, aggregationJob, queueNames, reaggregationJob, reaggregationRunId, webhookDeliveryJob } from '@chorus/jobs';
import { recordReaggregationRequested } from '@chorus/db';
import { throttledWarning } from '@chorus/runtime';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Job, Queue, RedisClient } from 'bullmq';
import { REDIS_AWAY_MS, withinRedisWait } from '../common/redis-wait';


/** A re-aggregation as Redis has it, with who asked for it (null: Chorus itself) and when. */
export interface ReaggregationJob {
  run: ReaggregationRun;
  /** The run's own id (`reaggregationRunId`), as the workflow's list of runs knows it. */
  runId: string;
  requestedAt: Date;
  requestedBy: string | null;
  /** Why Chorus started it, if not for skills it re-learned. */
  reason: ReaggregationReason | null;
}

/** A queue as the metrics show it: its jobs by state, and how many workers take them. */
export interface QueueFigures {
  jobs: Record<string, number>;
  /** Null where Redis cannot list its clients (`workersOf`). */
  workers: number | null;
}

/**
 * How many workers take a queue's jobs (BullMQ counts the Redis connections named after the queue that its workers
 * keep), or null where Redis will not list its clients (Google's Memorystore refuses CLIENT LIST: BullMQ then answers
 * one made-up worker, which would hide that none runs). BullMQ lists such connections on every database of the
 * server: only those on this installation's database (REDIS_URL's) are its workers.
 */
async function workersOf(queue: Queue): Promise<number | null> {
  const workers = await queue.getWorkers();
  if (workers.length === 1 && !workers[0]!.addr && !workers[0]!.id) return null;
  const db = String(databaseOf(await queue.backend.client));
  return workers.filter((worker) => worker.db === db).length;
}

/** The Redis database a connection uses (a cluster has only database 0). */
function databaseOf(client: RedisClient): number {
  return Number(client.options.db ?? 0);
}

/**
 * Enqueues jobs for the worker. Enqueueing never fails or holds up a request: while Redis is away BullMQ would
 * wait for it, so each call is bounded, and work that could not be enqueued is found again from the database by the
 * worker's reconciler (aggregation lags classifications). An add that completes late is harmless: jobs are deduplicated.
 */
@Injectable()
export class JobProducer {
  private readonly logger = new Logger(JobProducer.name);
  /** Per workflow: the aggregation add on its way to Redis, and the one that follows it if a commit came meanwhile. */
  private readonly aggregationAdds = new Map<string, { sent: Promise<boolean>; next?: Promise<boolean> }>();
  /** Until when aggregation adds are skipped (the reconciler finds their work), after one failed. */
  private redisAwayUntil = 0;
  /** An add fails every `REDIS_AWAY_MS` while Redis is away, for whichever workflow a submit came to: said twice a minute at most. */
  private readonly warnOfFailedAdd = throttledWarning((message) => this.logger.warn(message));

  constructor(
    @InjectQueue('aggregation') private readonly aggregation: Queue,
    @InjectQueue('reaggregation') private readonly reaggregation: Queue,
    @InjectQueue('maintenance') private readonly maintenance: Queue,
    @InjectQueue('webhooks') private readonly webhooks: Queue,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /**
   * Asks for the workflow's outbox to be aggregated, after a commit that put a subject there. What matters is that
   * an add reaches Redis after the commit, so concurrent submits share adds: at most one is on its way per workflow,
   * and every commit made while it is gets the single add that follows it. True once Redis has the request; false at
   * once for a while after an add failed.
   */
  aggregate(workflowId: string): Promise<boolean> {
    if (Date.now() < this.redisAwayUntil) return Promise.resolve(false);
    const pending = this.aggregationAdds.get(workflowId);
    if (!pending) return this.sendAggregation(workflowId);
    pending.next ??= pending.sent.then(() => (Date.now() < this.redisAwayUntil ? false : this.sendAggregation(workflowId)));
    return pending.next;
  }

  private sendAggregation(workflowId: string): Promise<boolean> {
    const job = aggregationJob(workflowId);
    const sent = withinRedisWait(this.aggregation.add(job.name, job.data, job.opts)).then(
      () => true,
      (error: Error) => {
        this.redisAwayUntil = Date.now() + REDIS_AWAY_MS;
        this.warnOfFailedAdd(`could not enqueue aggregation of workflow ${workflowId} (${error.message}); not trying again for ${REDIS_AWAY_MS / 1000} s`);
        return false;
      },
    );
    const pending = { sent };
    this.aggregationAdds.set(workflowId, pending);
    void sent.then(() => {
      if (this.aggregationAdds.get(workflowId) === pending) this.aggregationAdds.delete(workflowId);
    });
    return sent;
  }

  /**
   * Enqueues a whole workflow's re-aggregation, and records the request in the workflow's list of runs. While one is
   * waiting, that one is returned (the request is the same run, and becomes the researcher's if Chorus started it);
   * while one is running, that one is returned, and this one runs after it. Throws when Redis is away.
   */
  async reaggregate(workflowId: string, scope: ReaggregationScope, requestedBy: string): Promise<ReaggregationRun> {
    const job = reaggregationJob(workflowId, scope, requestedBy);
    const added = await withinRedisWait(this.reaggregation.add(job.name, job.data, job.opts));
    const found = (await this.findReaggregation(added.id!))!;
    const created = found.runId === job.data.runId;
    if (created || found.run.state === 'active') {
      await recordReaggregationRequested(this.db, { id: job.data.runId!, jobId: created ? added.id! : null, workflowId, scope, requestedBy });
      // Behind a run under way, this one waits for it to end: the answer is the run under way, with this run's id.
      return { ...found.run, runId: job.data.runId! };
    }
    if (!found.requestedBy) await recordReaggregationRequested(this.db, { id: found.runId, jobId: found.run.id, workflowId, scope, requestedBy });
    return found.run;
  }

  /**
   * Asks for the webhook deliveries kept by a commit to be sent. Should Redis not take them, the worker's reconciler
   * enqueues them later (they wait in `webhook_deliveries`): so this never fails.
   */
  async deliverWebhooks(deliveryIds: string[]): Promise<void> {
    if (!deliveryIds.length) return;
    try {
      await withinRedisWait(this.webhooks.addBulk(deliveryIds.map((id) => webhookDeliveryJob(id))));
    } catch (error) {
      this.warnOfFailedAdd(`could not enqueue ${deliveryIds.length} webhook deliveries (${(error as Error).message}); the reconciler will`);
    }
  }

  /** A re-aggregation by job id, or undefined once it is gone from Redis's bounded history. */
  async reaggregationRun(id: string): Promise<ReaggregationRun | undefined> {
    return (await this.findReaggregation(id))?.run;
  }

  /** The workflow's re-aggregations waiting or running now (one per scope at most), with who asked for each and when. */
  async liveReaggregations(workflowId: string): Promise<ReaggregationJob[]> {
    const jobs = [];
    for (const scope of ['all', 'unretired'] as const) {
      const id = await withinRedisWait(this.reaggregation.getDeduplicationJobId(reaggregationJob(workflowId, scope).opts.deduplication!.id));
      const job = id ? await this.findReaggregation(id) : undefined;
      if (job && job.run.state !== 'completed' && job.run.state !== 'failed') jobs.push(job);
    }
    return jobs;
  }

  /** A re-aggregation's job by its id, with its run's own id and who asked for it; undefined once Redis forgot it. */
  async findReaggregation(id: string): Promise<ReaggregationJob | undefined> {
    const job: Job<JobPayload<'reaggregation', 'reaggregate-workflow'>> | undefined = await withinRedisWait(this.reaggregation.getJob(id));
    if (!job) return undefined;
    const progress = typeof job.progress === 'object' ? (job.progress as unknown as ReaggregationProgress) : null;
    const runId = reaggregationRunId(job);
    const run: ReaggregationRun = {
      id,
      runId,
      workflowId: job.data.workflowId,
      scope: job.data.scope,
      state: await withinRedisWait(job.getState()),
      progress: progress && { done: progress.done, total: progress.total, after: progress.after },
      ...(job.failedReason ? { failedReason: job.failedReason } : {}),
    };
    return { run, runId, requestedAt: new Date(job.timestamp), requestedBy: job.data.requestedBy ?? null, reason: job.data.reason ?? null };
  }

  /** Every queue's job counts by state and workers, or undefined while Redis is away. */
  async queueFigures(): Promise<Record<QueueName, QueueFigures> | undefined> {
    const queues = { aggregation: this.aggregation, reaggregation: this.reaggregation, maintenance: this.maintenance, webhooks: this.webhooks };
    try {
      const figures = await withinRedisWait(
        Promise.all(
          queueNames.map(async (name) => {
            const [jobs, workers] = await Promise.all([queues[name].getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'), workersOf(queues[name])]);
            return [name, { jobs, workers }] as const;
          }),
        ),
      );
      return Object.fromEntries(figures) as Record<QueueName, QueueFigures>;
    } catch {
      return undefined;
    }
  }

  /**
   * How many workers take aggregation jobs now (none: classifications are stored, never aggregated), or null while
   * Redis is away or will not list its clients (`workersOf`).
   */
  async aggregationWorkers(): Promise<number | null> {
    try {
      return await withinRedisWait(workersOf(this.aggregation));
    } catch {
      return null;
    }
  }

  async ping(): Promise<boolean> {
    try {
      await withinRedisWait(this.aggregation.count());
      return true;
    } catch {
      return false;
    }
  }
}
