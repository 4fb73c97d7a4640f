/**
 * The API and the worker pointed at a Redis database the server does not have (`redis://…/16` where it has 16,
 * numbered 0–15): both stop, naming REDIS_URL and the fix, rather than go on in database 0, where another
 * installation's queues may be. A Redis that cannot be reached still lets them start and wait for it.
 */
import { Redis } from 'ioredis';
import { type ManagedProcess, apiProcess, freePort, workerProcess } from '../support/processes';
import { testDatabaseName, testRedis, withDatabase } from '../support/services';

jest.setTimeout(90_000);

const running: ManagedProcess[] = [];
// A database that does not exist: the processes must stop on REDIS_URL before they would look for it.
const env = { NODE_ENV: 'production', LOG_LEVEL: 'warn', DATABASE_URL: withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName()), AUTH_SECRET: 'redis-database-secret-0123456789' };

afterAll(async () => {
  for (const started of running.reverse()) await started.kill('SIGKILL');
});

/** How many databases the test's Redis has: the first number it does not have. */
async function databasesOf(url: string): Promise<number> {
  const redis = new Redis(url);
  try {
    const [, count] = (await redis.config('GET', 'databases')) as [string, string];
    return Number(count);
  } finally {
    redis.disconnect();
  }
}

it('stops both processes, naming REDIS_URL, when the Redis server has no database of that number', async () => {
  const redis = testRedis();
  const count = await databasesOf(redis.url);
  const missing = Object.assign(new URL(redis.url), { pathname: `/${count}` }).toString();
  // The worker is given it as ioredis's `?db=`, which goes over the path.
  const asQuery = Object.assign(new URL(redis.url), { pathname: '/0', search: `?db=${count}` }).toString();
  const common = { ...env, QUEUE_PREFIX: redis.queuePrefix };
  const [api, worker] = [apiProcess(await freePort(), { ...common, REDIS_URL: missing }), workerProcess({ ...common, REDIS_URL: asQuery })];
  running.push(api, worker);
  const outcomes = await Promise.allSettled([api.start(), worker.start()]);
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
  for (const process of [api, worker]) {
    expect(process.exitCode()).toBe(1);
    expect(process.output()).toContain(`REDIS_URL: the Redis server at ${new URL(redis.url).hostname}:${new URL(redis.url).port || 6379} has no database ${count} (its ${count} are numbered 0 to ${count - 1}); choose one that exists`);
  }
});

it('still starts, waiting for it, when the Redis of a numbered database cannot be reached', async () => {
  const port = await freePort();
  const api = apiProcess(port, { ...env, NODE_ENV: 'development', DATABASE_URL: withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName()), REDIS_URL: `redis://127.0.0.1:${await freePort()}/3` });
  running.push(api);
  await api.start();
  const health = await (await fetch(`http://127.0.0.1:${port}/api/v1/health`)).json();
  expect(health).toMatchObject({ postgres: 'up', redis: 'down' });
});
