/**
 * The API process (its built entry point) when Redis goes away under it: every queue it registers, those the board
 * shows but it never adds to included, says so in throttled JSON warnings, never as stack traces on the console.
 */
import { apiProcess, freePort, linesNotJson, processesOnScratchDatabase, withRedisGone } from '../support/processes';
import { until } from '../support/waiting';

jest.setTimeout(60_000);

const { running, url: databaseUrl } = processesOnScratchDatabase();

it('warns of a lost Redis in JSON log lines only, once per queue however often it reconnects', async () => {
  const apiPort = await freePort();
  const env = { DATABASE_URL: databaseUrl(), QUEUE_PREFIX: '{api-redis-gone}', LOG_LEVEL: 'info', AUTH_SECRET: 'api-redis-gone-secret-0123456789' };
  // Reconnecting again and again meanwhile, every queue's connection fails several times over.
  const api = await withRedisGone(running, (redisUrl) => apiProcess(apiPort, { ...env, REDIS_URL: redisUrl }), (output) => (output.match(/"msg":"maintenance queue: /g) ?? []).length > 0);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const output = api.output();
  expect(linesNotJson(output)).toEqual([]);
  for (const queue of ['aggregation', 'reaggregation', 'maintenance']) expect((output.match(new RegExp(`"msg":"${queue} queue: `, 'g')) ?? []).length).toBe(1);
});

it('says so in JSON log lines only when Redis is away from the start, before the API has a listener on its queues', async () => {
  const [nothingThere, apiPort] = [await freePort(), await freePort()];
  const env = { DATABASE_URL: databaseUrl(), QUEUE_PREFIX: '{api-redis-gone}', LOG_LEVEL: 'info', AUTH_SECRET: 'api-redis-gone-secret-0123456789' };
  const api = apiProcess(apiPort, { ...env, REDIS_URL: `redis://127.0.0.1:${nothingThere}` });
  running.push(api);
  await api.start();
  await until(async () => (api.output().match(/"msg":"maintenance queue: /g) ?? []).length > 0, 'the maintenance queue to warn that Redis is away', 20_000);
  expect(linesNotJson(api.output())).toEqual([]);
});
