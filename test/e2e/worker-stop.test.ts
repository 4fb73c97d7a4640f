/**
 * Stopping the worker process (its built entry point) when Redis has gone first, as Ctrl-C on `pnpm start` used to
 * leave it: draining its jobs would then wait for ever. It stops within its drain deadline, at once on a second
 * Ctrl-C, and says what happened as JSON log lines, never as bare stack traces.
 */
import { type ManagedProcess, linesNotJson, processesOnScratchDatabase, withRedisGone, workerProcess } from '../support/processes';
import { until } from '../support/waiting';

jest.setTimeout(60_000);

const { running, url: databaseUrl } = processesOnScratchDatabase();
let worker: ManagedProcess;

/** A worker (with `env` besides its own) running against a redis-server of the test's own, which is then killed under it. */
async function workerWithRedisGone(env: NodeJS.ProcessEnv = {}): Promise<void> {
  const own = { DATABASE_URL: databaseUrl(), QUEUE_PREFIX: '{worker-stop}', LOG_LEVEL: 'info' };
  worker = await withRedisGone(running, (redisUrl) => workerProcess({ ...env, ...own, REDIS_URL: redisUrl }), (output) => output.includes('ECONNREFUSED'));
}

it('stops within its drain deadline when Redis is gone, saying so in JSON log lines', async () => {
  await workerWithRedisGone({ DRAIN_DEADLINE_SECONDS: '2' }); // the jobs would never drain: the deadline's length is not what is tested
  const code = await worker.kill('SIGINT');
  const output = worker.output();
  expect(output).toContain('SIGINT: draining jobs, then stopping (at most 2 s');
  expect(output).toContain('jobs still running after 2 s: stopping without them');
  expect(code).toBe(1);
  // The lost connection is a warning of each worker's own (ECONNREFUSED, or EPIPE when the write came first).
  expect(output).toMatch(/"level":40,[^\n]*"context":"AggregationProcessor","msg":"aggregation worker: /);
  expect(linesNotJson(output)).toEqual([]);
});

it('stops at once on a second Ctrl-C, and a repeated SIGTERM leaves the drain to go on', async () => {
  await workerWithRedisGone();
  const pid = Number(/"pid":(\d+)/.exec(worker.output())![1]);
  const exited = worker.kill('SIGTERM');
  await until(async () => worker.output().includes('SIGTERM: draining jobs'), 'the drain to begin');
  process.kill(pid, 'SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(worker.output()).not.toContain('stopping now');
  expect(() => process.kill(pid, 0)).not.toThrow(); // still draining
  process.kill(pid, 'SIGINT');
  expect(await exited).toBe(1);
  expect(worker.output()).toContain('SIGINT again: stopping now');
  expect(worker.output()).not.toContain('jobs still running after');
});
