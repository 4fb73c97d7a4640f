import { type ManagedProcess, freePort, redisServer } from '../../../test/support/processes';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';

/**
 * Two installations sharing one Redis server on two of its databases (production and staging, say), with the same
 * queue prefix: each counts only the workers on its own database, so one whose worker is down says 0.
 */
let redis: ManagedProcess;
let stack: Stack;
let port: number;

beforeAll(async () => {
  port = await freePort();
  redis = redisServer(port);
  await redis.start();
  stack = await startStack({ worker: false, env: { REDIS_URL: `redis://127.0.0.1:${port}/1` } });
});
afterAll(async () => {
  await stack?.stop();
  await redis?.kill('SIGTERM');
});

async function aggregationWorkers(): Promise<number | null> {
  return ((await (await fetch(`${stack.baseUrl}/api/v1/health`)).json()) as { aggregationWorkers: number | null }).aggregationWorkers;
}

async function workersGauge(): Promise<string | undefined> {
  const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
  return /^chorus_queue_workers\{queue="aggregation"\} (\d+)$/m.exec(metrics)?.[1];
}

it("counts no worker of another installation on another database of the same Redis server", async () => {
  // The other installation's worker, on database 2, with the same queue prefix.
  await stack.startWorker({ redisUrl: `redis://127.0.0.1:${port}/2` });
  const { Redis } = await import('ioredis');
  const admin = new Redis(port, '127.0.0.1');
  const onDatabase2 = (line: string) => line.includes(`name=${stack.config.queuePrefix}:`) && line.includes(' db=2 ');
  await until(async () => String(await admin.client('LIST')).split('\n').some(onDatabase2), "the other installation's worker to connect");
  admin.disconnect();
  expect(await aggregationWorkers()).toBe(0);
  expect(await workersGauge()).toBe('0');

  await stack.stopWorker();
  await stack.startWorker({ redisUrl: `redis://127.0.0.1:${port}/1` });
  await until(async () => (await aggregationWorkers()) === 1, "this installation's worker to be counted");
  expect(await workersGauge()).toBe('1');
});
