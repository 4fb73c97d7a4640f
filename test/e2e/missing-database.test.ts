/**
 * The API and the worker (their built entry points) pointed at a database that does not exist, as a mistyped name in
 * DATABASE_URL would: in production both stop, naming DATABASE_URL and the fix, rather than start an empty Chorus;
 * told to (DATABASE_CREATE=true) they create it, saying so at warn (the migrations applied, at info: migrations.test.ts).
 */
import { Client } from 'pg';
import { type ManagedProcess, apiProcess, freePort, linesNotJson, workerProcess } from '../support/processes';
import { testDatabaseName, testRedis, withDatabase } from '../support/services';

jest.setTimeout(90_000);

const base = process.env.CHORUS_TEST_DATABASE_URL!;
const running: ManagedProcess[] = [];

afterAll(async () => {
  for (const started of running.reverse()) await started.kill('SIGKILL');
});

async function bothProcesses(env: NodeJS.ProcessEnv): Promise<{ api: ManagedProcess; worker: ManagedProcess }> {
  const redis = testRedis();
  const common = { NODE_ENV: 'production', LOG_LEVEL: 'info', ...env, REDIS_URL: redis.url, QUEUE_PREFIX: redis.queuePrefix, AUTH_SECRET: 'missing-database-secret-0123456' };
  const [api, worker] = [apiProcess(await freePort(), common), workerProcess(common)];
  running.push(api, worker);
  return { api, worker };
}

async function exists(name: string): Promise<boolean> {
  const admin = new Client({ connectionString: withDatabase(base, 'postgres') });
  await admin.connect();
  try {
    return (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await admin.end();
  }
}

/** The process's log lines of this level (40: warn) from its database, as messages. */
function databaseLines(process: ManagedProcess, level: number): string[] {
  return process
    .output()
    .split('\n')
    .filter((line) => line.startsWith(`{"level":${level},`) && line.includes('"context":"Database"'))
    .map((line) => JSON.parse(line).msg as string);
}

it('stops in production, naming DATABASE_URL and the fix, rather than create a database that does not exist', async () => {
  const name = testDatabaseName();
  const { api, worker } = await bothProcesses({ DATABASE_URL: withDatabase(base, name) });
  const outcomes = await Promise.allSettled([api.start(), worker.start()]);
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
  for (const process of [api, worker]) {
    expect(process.exitCode()).toBe(1);
    expect(process.output()).toContain(`DATABASE_URL: Postgres at ${new URL(base).hostname}:${new URL(base).port || 5432} has no database "${name}"; correct the name in DATABASE_URL`);
    expect(process.output()).toContain('DATABASE_CREATE=true');
  }
  expect(await exists(name)).toBe(false);
});

it('creates it when DATABASE_CREATE=true, warning that it did', async () => {
  const name = testDatabaseName();
  // At warn: the API's start at info (a line per route) would push the warning out of the output kept.
  const { api, worker } = await bothProcesses({ DATABASE_URL: withDatabase(base, name), DATABASE_CREATE: 'true', LOG_LEVEL: 'warn' });
  await api.start();
  await worker.start();
  expect(await exists(name)).toBe(true);
  expect(databaseLines(api, 40)).toEqual([expect.stringMatching(new RegExp(`^database "${name}" did not exist on Postgres at .*\\(DATABASE_URL\\); created it$`))]);
  // The worker found the database made and migrated.
  expect(databaseLines(worker, 40)).toEqual([]);
  for (const process of [api, worker]) expect(linesNotJson(process.output())).toEqual([]);
});
