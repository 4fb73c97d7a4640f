import { z } from 'zod';

/** Variables every Chorus process reads. */
export const serviceEnvFields = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL, e.g. postgres://user@127.0.0.1:5432/chorus' }),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL, e.g. redis://127.0.0.1:6379' }),
  QUEUE_PREFIX: z.string().min(1).default('{chorus}'),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(20),
  DATABASE_WAIT_SECONDS: z.coerce.number().int().min(0).default(60),
  DATABASE_CREATE: z.enum(['true', 'false']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // The API refuses such a webhook's address when it is registered, the worker each connection to one (`hostNotPublic`).
  WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: z.enum(['true', 'false']).default('false'),
};

/**
 * Whether a process creates its database when DATABASE_URL names one that does not exist: as DATABASE_CREATE says, or
 * everywhere but in production, where a missing database is more likely a mistyped name or the wrong server than a
 * first install (an empty Chorus would then take volunteers' work while the real data looked lost).
 */
export function mayCreateDatabase(env: { NODE_ENV: string; DATABASE_CREATE?: 'true' | 'false' }): boolean {
  return env.DATABASE_CREATE ? env.DATABASE_CREATE === 'true' : env.NODE_ENV !== 'production';
}

export class ConfigError extends Error {}

/** The error that stops a process for bad variables: one line per variable, naming it. */
export function invalidConfiguration(issues: { variable: string; message: string }[]): ConfigError {
  return new ConfigError(`invalid configuration:\n${issues.map(({ variable, message }) => `  ${variable}: ${message}`).join('\n')}`);
}

/** Parses the environment once at start-up; a bad variable stops the process with a message that names it. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw invalidConfiguration(parsed.error.issues.map((issue) => ({ variable: issue.path.join('.'), message: issue.message })));
}
