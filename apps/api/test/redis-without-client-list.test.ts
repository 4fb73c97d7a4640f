import { type ManagedProcess, freePort, redisServer } from '../../../test/support/processes';
import { type Stack, startStack } from '../../../test/support/stack';

/**
 * A Redis that will not list its clients, as Google's Memorystore refuses CLIENT LIST: the API cannot count the
 * workers, and says so (null, no gauge) rather than BullMQ's one made-up worker, which would hide that none runs.
 */
let redis: ManagedProcess;
let stack: Stack;

beforeAll(async () => {
  const port = await freePort();
  redis = redisServer(port, ['--rename-command', 'CLIENT', '']);
  await redis.start();
  stack = await startStack({ worker: false, env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
});
afterAll(async () => {
  await stack?.stop();
  await redis?.kill('SIGTERM');
});

it('answers health ok with the workers unknown, and leaves the workers gauge out, where Redis will not list its clients', async () => {
  const health = await fetch(`${stack.baseUrl}/api/v1/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok', postgres: 'up', redis: 'up', aggregationWorkers: null });
  const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
  expect(metrics).toMatch(/^chorus_aggregation_queue_jobs\{state="waiting"\} 0$/m);
  expect(metrics).not.toMatch(/^chorus_queue_workers\{/m);
  // Classifications are taken as ever.
  expect((await stack.anonymous.guest()).token).toEqual(expect.any(String));
});
