import { Queue } from 'bullmq';
import type { Logger } from '@nestjs/common';
import { type ManagedProcess, freePort, redisServer } from '../../../test/support/processes';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { MaintenanceProcessor } from '../src/maintenance/maintenance.processor';

/**
 * A Redis that stays away for several of the worker's schedule checks and comes back empty: the worker creates the
 * maintenance schedules again, and says so once, not once for every check that waited for Redis meanwhile.
 */
let redis: ManagedProcess;
let stack: Stack;
let redisUrl: string;

beforeAll(async () => {
  const port = await freePort();
  redisUrl = `redis://127.0.0.1:${port}`;
  redis = redisServer(port);
  await redis.start();
  stack = await startStack({ worker: false, env: { REDIS_URL: redisUrl } });
});
afterAll(async () => {
  await stack?.stop();
  await redis?.kill('SIGTERM');
});

it('warns once that the maintenance schedules were missing when Redis comes back empty after several checks', async () => {
  const worker = await stack.startWorker({ redisUrl, reconcileEveryMs: 200 });
  const warn = jest.spyOn((worker.get(MaintenanceProcessor) as unknown as { logger: Logger }).logger, 'warn');
  const maintenance = new Queue('maintenance', { connection: { url: redisUrl }, prefix: stack.config.queuePrefix });
  const scheduled = async () => Boolean((await maintenance.getJobScheduler('reconcile-aggregation')) && (await maintenance.getJobScheduler('estimate-skills')));
  try {
    await until(scheduled, 'the schedules');
    await redis.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // ten checks' time
    await redis.start(); // empty
    await until(scheduled, 'the schedules to be created again');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const missing = warn.mock.calls.filter(([message]) => String(message).startsWith('maintenance schedules were missing'));
    expect(missing).toHaveLength(1);
  } finally {
    await maintenance.close();
    await stack.stopWorker();
  }
});
