import { mayCreateDatabase, parseEnv, serviceEnvFields } from '@chorus/runtime';
import { z } from 'zod';

export const workerEnvSchema = z.object({
  ...serviceEnvFields,
  RECONCILE_EVERY_MS: z.coerce.number().int().min(100).default(10_000),
  RECONCILE_GRACE_MS: z.coerce.number().int().min(0).default(2_000),
  SKILLS_EVERY_MS: z.coerce.number().int().min(1_000).default(5 * 60_000),
  // An hour at most: no drain needs longer, and past 24.8 days a timer's delay overflows, so it would fire at once.
  DRAIN_DEADLINE_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  // At least 3 s: the lock is renewed every half of it, BullMQ looks every half of that, and a job's longest wait for
  // the event loop is about a second (1.1 s for 3 million answers): a 2 s lock could lapse under it.
  JOB_LOCK_SECONDS: z.coerce.number().int().min(3).max(600).default(10),
});

export interface WorkerConfig {
  databaseUrl: string;
  databasePoolSize: number;
  /** How long the worker waits at start for a Postgres that does not answer yet before it gives up. */
  databaseWaitMs: number;
  /** Whether a database DATABASE_URL names that does not exist is created (`mayCreateDatabase`). */
  databaseCreate: boolean;
  redisUrl: string;
  queuePrefix: string;
  logLevel: string;
  /** How often the reconciler looks for subjects whose aggregation lags their classifications. */
  reconcileEveryMs: number;
  /** Lagging rows younger than this are left to the job their own submit enqueued. */
  reconcileGraceMs: number;
  /** How often volunteer skill is re-learned and unretired subjects re-aggregated. */
  skillsEveryMs: number;
  /**
   * How long a worker told to stop waits for its jobs to finish before it exits anyway: with Redis or Postgres gone
   * they may never. A job cut short is taken up again once its lock expires (every job can run twice).
   */
  drainDeadlineMs: number;
  /** How long a job's lock lasts unrenewed: the job of a worker that died runs again that long after (`stallOptions`). */
  jobLockMs: number;
  /**
   * Whether webhooks may be delivered to loopback, private, link-local and other non-public addresses (a test's or an
   * intranet's receiver). Off, they are refused, so that a researcher cannot make the worker reach the inside network.
   */
  webhooksAllowPrivateAddresses: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const e = parseEnv(workerEnvSchema, env);
  return {
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseWaitMs: e.DATABASE_WAIT_SECONDS * 1000,
    databaseCreate: mayCreateDatabase(e),
    redisUrl: e.REDIS_URL,
    queuePrefix: e.QUEUE_PREFIX,
    logLevel: e.LOG_LEVEL,
    reconcileEveryMs: e.RECONCILE_EVERY_MS,
    reconcileGraceMs: e.RECONCILE_GRACE_MS,
    skillsEveryMs: e.SKILLS_EVERY_MS,
    drainDeadlineMs: e.DRAIN_DEADLINE_SECONDS * 1000,
    jobLockMs: e.JOB_LOCK_SECONDS * 1000,
    webhooksAllowPrivateAddresses: e.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES === 'true',
  };
}

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
