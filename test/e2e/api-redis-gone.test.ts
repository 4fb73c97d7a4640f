/**
 * The API process (its built entry point) when Redis goes away under it: every queue it registers, those the board
 * shows but it never adds to included, says so in throttled JSON warnings, never as stack traces on the console.
 */
import { type ManagedProcess, apiProcess, freePort, linesNotJson, redisServer } from '../support/processes';
import { createTestDatabase } from '../support/services';
import { until } from '../support/waiting';

jest.setTimeout(60_000);

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: ManagedProcess;
let api: ManagedProcess;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await api?.kill('SIGKILL');
  await redis?.kill('SIGKILL');
  await database?.drop();
});

it('warns of a lost Redis in JSON log lines only, once per queue however often it reconnects', async () => {
  const [redisPort, apiPort] = [await freePort(), await freePort()];
  redis = redisServer(redisPort);
  await redis.start();
  api = apiProcess(apiPort, { DATABASE_URL: database.url, REDIS_URL: `redis://127.0.0.1:${redisPort}`, QUEUE_PREFIX: '{api-redis-gone}', LOG_LEVEL: 'info', AUTH_SECRET: 'api-redis-gone-secret-0123456789' });
  await api.start();
  await redis.kill('SIGKILL');
  // Reconnecting again and again meanwhile, every queue's connection fails several times over.
  await until(async () => (api.output().match(/"msg":"maintenance queue: /g) ?? []).length > 0, 'the maintenance queue to warn that Redis is gone', 20_000);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const output = api.output();
  expect(linesNotJson(output)).toEqual([]);
  for (const queue of ['aggregation', 'reaggregation', 'maintenance']) expect((output.match(new RegExp(`"msg":"${queue} queue: `, 'g')) ?? []).length).toBe(1);
});
