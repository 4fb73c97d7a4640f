import { randomUUID } from 'node:crypto';
import { type DefaultJobOptions, type JobsOptions, Queue } from 'bullmq';

/** Every queue, its jobs and their payloads. Jobs carry ids, never state. */
export interface JobRegistry {
  aggregation: {
    /**
     * Recompute the consensus and retirement of every subject of a workflow waiting in `aggregation_outbox`, from
     * all their classifications, in batches until none is left.
     */
    'aggregate-workflow': { workflowId: string };
  };
  reaggregation: {
    /**
     * Recompute every classified subject of a workflow (`all`, after its rules change, when its first skills are
     * learned, or when a workflow weighing answers by skill completes: `reason`) or only the unretired ones (`unretired`, after skills are re-learned). Reports `ReaggregationProgress`
     * and resumes from it after a crash.
     */
    'reaggregate-workflow': { workflowId: string; scope: ReaggregationScope; requestedBy?: string; runId?: string; reason?: ReaggregationReason };
  };
  maintenance: {
    /** Enqueue aggregation for every workflow with subjects long in the outbox (e.g. Redis was down). */
    'reconcile-aggregation': Record<string, never>;
    /** Re-learn volunteer skill for every active workflow, then re-aggregate the subjects it could change. */
    'estimate-skills': Record<string, never>;
  };
  webhooks: {
    /** POST one kept webhook delivery (`webhook_deliveries`) to its webhook's address, signed; retried with backoff on 5xx, 429 and network errors. */
    'deliver-webhook': { deliveryId: string };
  };
}
export type QueueName = keyof JobRegistry;
export type JobName<Q extends QueueName> = keyof JobRegistry[Q] & string;
export type JobPayload<Q extends QueueName, J extends JobName<Q>> = JobRegistry[Q][J];

export type ReaggregationScope = 'all' | 'unretired';
/** Why Chorus started a run itself, when that is not skills it re-learned: `completion`, the workflow completed (or was finished). */
export type ReaggregationReason = 'completion';

/** A re-aggregation's progress: subjects done of the total at the start, and the last subject id done (the cursor). */
export interface ReaggregationProgress {
  done: number;
  total: number;
  after: string | null;
  /** For a run of every subject: the workflow's `reaggregations_requested` when it started, which it answers. */
  answers?: number;
  /** Subjects done that left a set the workflow's effects had put them in, their consensus no longer meeting the effect. */
  routedOut?: number;
}

export const queueNames: QueueName[] = ['aggregation', 'reaggregation', 'maintenance', 'webhooks'];

/** The one place that sets job options: attempts, backoff and bounded history. */
export const defaultJobOptions: DefaultJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 5000 },
};

/** An aggregation job drains one workflow; these many workflows are drained at once. */
export const workerConcurrency: Record<QueueName, number> = { aggregation: 4, reaggregation: 1, maintenance: 1, webhooks: 4 };

/** Attempts at a webhook delivery, the first included, counted on its row: retried after 1, 2, 4 and 8 s. */
export const WEBHOOK_ATTEMPTS = 5;
const WEBHOOK_BACKOFF_MS = 1000;
/** The longest wait between two attempts at a delivery (its job's backoff before the last). */
export const WEBHOOK_LONGEST_BACKOFF_MS = WEBHOOK_BACKOFF_MS * 2 ** (WEBHOOK_ATTEMPTS - 2);

/**
 * One job per webhook delivery and attempts made (`attempts`, as its row counts them), its id the delivery's and those:
 * enqueued again (by the reconciler, after Redis was away) it is the same job; a job lost after some attempts (its
 * worker gone, its own attempts spent) is followed by another under the next id. Run again, it finds the delivery
 * delivered or given up on, and sends nothing.
 */
export function webhookDeliveryJob(deliveryId: string, attempts = 0): { name: 'deliver-webhook'; data: JobPayload<'webhooks', 'deliver-webhook'>; opts: JobsOptions } {
  return {
    name: 'deliver-webhook',
    data: { deliveryId },
    opts: { jobId: `delivery-${deliveryId}-${attempts}`, attempts: WEBHOOK_ATTEMPTS, backoff: { type: 'exponential', delay: WEBHOOK_BACKOFF_MS } },
  };
}

/**
 * How soon the job of a worker that died returns to the queue: its lock lapses `lockMs` after its last renewal
 * (the worker's JOB_LOCK_SECONDS, 10 s unless set, renewed every half of it; BullMQ's 30 s held a workflow's
 * aggregation that long after a crash, while volunteers were served subjects that had met their rule), and stalled
 * jobs are looked for every half of it too (5 s, not BullMQ's 30 s). A lock lost under a live job would run it twice
 * at once, so no job keeps the event loop for seconds: an aggregation batch stops computing after a quarter of a
 * second, skill learning yields between EM iterations (the event loop's longest wait while learning from a million
 * answers, encoding included, was 0.37 s; three million, 1.1 s). A job found stalled a third time fails for good
 * (BullMQ's default, a second time, failed a job on two crashes in a row).
 */
export function stallOptions(lockMs: number): { lockDuration: number; stalledInterval: number; maxStalledCount: number } {
  return { lockDuration: lockMs, stalledInterval: lockMs / 2, maxStalledCount: 2 };
}

/**
 * One job per workflow at a time: classifications stored while a job waits are all its work, and one stored while
 * it runs leaves exactly one more job to run after it, so nothing is missed. Each subject is recomputed once per
 * job however many classifications it received, so the work stays deduplicated per (workflow, subject).
 */
export function aggregationJob(workflowId: string): { name: 'aggregate-workflow'; data: JobPayload<'aggregation', 'aggregate-workflow'>; opts: JobsOptions } {
  return { name: 'aggregate-workflow', data: { workflowId }, opts: { deduplication: { id: workflowId, keepLastIfActive: true } } };
}

/**
 * One re-aggregation per workflow at a time; a request made while one runs leaves one more to run after it.
 * `requestedBy`: the user who asked for it (also when the reconciler starts it later); none for the runs Chorus starts
 * itself (after re-learning skills, or on completion: `reason`).
 * `runId`: the run's own id, which stays unique when Redis, having lost its keys, numbers jobs from 1 again.
 */
/** One run of each scope per workflow: its deduplication key. */
const reaggregationKey = (workflowId: string, scope: ReaggregationScope) => `${workflowId}:${scope}`;

export function reaggregationJob(
  workflowId: string,
  scope: ReaggregationScope,
  requestedBy?: string,
  reason?: ReaggregationReason,
): { name: 'reaggregate-workflow'; data: JobPayload<'reaggregation', 'reaggregate-workflow'>; opts: JobsOptions } {
  return {
    name: 'reaggregate-workflow',
    data: { workflowId, scope, runId: randomUUID(), ...(requestedBy ? { requestedBy } : {}), ...(reason ? { reason } : {}) },
    opts: { deduplication: { id: reaggregationKey(workflowId, scope), keepLastIfActive: true } },
  };
}

/** A run's states in the queue before it starts, and once it is under way. */
export const RUN_WAITING_STATES: ReadonlySet<string> = new Set(['waiting', 'waiting-children', 'delayed', 'prioritized']);
export const RUN_LIVE_STATES: ReadonlySet<string> = new Set([...RUN_WAITING_STATES, 'active']);

/** The state of the queue's re-aggregation of the workflow of this scope (found by its deduplication key), or 'unknown' when it has none. */
export async function stateOfReaggregation(queue: Queue, workflowId: string, scope: ReaggregationScope): Promise<string> {
  const jobId = await queue.getDeduplicationJobId(reaggregationKey(workflowId, scope));
  return jobId ? await queue.getJobState(jobId) : 'unknown';
}

/** The API fails fast when Redis is away (submissions must not wait on it); the worker waits for it forever. */
export function redisOptions(role: 'producer' | 'worker'): { enableOfflineQueue?: boolean; maxRetriesPerRequest: number | null; connectTimeout?: number } {
  return role === 'producer'
    ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 }
    : { maxRetriesPerRequest: null };
}

/**
 * A queue with Chorus's options, whose errors (Redis away) go to `onError` from the moment it is made: BullMQ writes an
 * error nobody listens to on stderr as a bare stack trace, and a queue can meet a lost Redis before the code that
 * would listen to it has started (while the database is migrated at start, say).
 */
export function openQueue(name: QueueName, redis: { url: string; prefix: string }, role: 'producer' | 'worker', onError: (error: Error) => void): Queue {
  const queue = new Queue(name, { connection: { url: redis.url, ...redisOptions(role) }, prefix: redis.prefix, defaultJobOptions });
  queue.on('error', onError);
  return queue;
}

/** A re-aggregation job's run id (one enqueued before runs had ids goes by its job id and the moment it was made). */
export function reaggregationRunId(job: { id?: string; timestamp: number; data: { runId?: string } }): string {
  return job.data.runId ?? `job-${job.id}-${job.timestamp}`;
}
export { refuseMissingRedisDatabase } from './redis-database';
