import { parseEnv, serviceEnvFields } from '@chorus/runtime';
import { z } from 'zod';

const workerEnvSchema = z.object(serviceEnvFields);

export interface WorkerConfig {
  databaseUrl: string;
  databasePoolSize: number;
  redisUrl: string;
  queuePrefix: string;
  logLevel: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const e = parseEnv(workerEnvSchema, env);
  return { databaseUrl: e.DATABASE_URL, databasePoolSize: e.DATABASE_POOL_SIZE, redisUrl: e.REDIS_URL, queuePrefix: e.QUEUE_PREFIX, logLevel: e.LOG_LEVEL };
}

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
