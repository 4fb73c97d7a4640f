/**
 * The worker process (its built entry point) while its jobs fail, as every job does while Postgres cannot be reached
 * (a proxy before it, cut): each worker says so, a warning while the job will be retried and an error once it has
 * failed for good, each at most once per throttle window however many jobs fail.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { type ManagedProcess, linesNotJson, workerProcess } from '../../../test/support/processes';
import { createTestDatabase, testRedis } from '../../../test/support/services';
import { type TcpProxy, tcpProxy } from '../../../test/support/tcp-proxy';
import { until } from '../../../test/support/waiting';

jest.setTimeout(60_000);

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let proxy: TcpProxy;
let worker: ManagedProcess;
let aggregation: Queue;

beforeAll(async () => {
  database = await createTestDatabase();
  const url = new URL(database.url);
  proxy = await tcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  url.port = String(proxy.port);
  const redis = testRedis();
  const hour = String(3_600_000);
  worker = workerProcess({ DATABASE_URL: url.toString(), REDIS_URL: redis.url, QUEUE_PREFIX: redis.queuePrefix, LOG_LEVEL: 'warn', RECONCILE_EVERY_MS: hour, SKILLS_EVERY_MS: hour });
  aggregation = new Queue('aggregation', { connection: { url: redis.url }, prefix: redis.queuePrefix });
});
afterAll(async () => {
  await worker?.kill('SIGKILL');
  await aggregation?.obliterate({ force: true });
  await aggregation?.close();
  await proxy?.close();
  await database?.drop();
});

/** The worker's log lines at `level` whose message says an aggregation job failed. */
function failures(level: number): string[] {
  return worker
    .output()
    .split('\n')
    .filter((line) => line.startsWith(`{"level":${level},`) && line.includes('"msg":"aggregation job '))
    .map((line) => JSON.parse(line).msg as string);
}

it('warns that failing jobs will be retried, and says when one has failed for good, once per throttle window', async () => {
  await worker.start();
  await proxy.cut();
  // Three jobs, each failing twice in quick succession: six failed attempts, three of them the last.
  const jobs = await Promise.all(
    [1, 2, 3].map(() => aggregation.add('aggregate-workflow', { workflowId: randomUUID() }, { attempts: 2, backoff: { type: 'fixed', delay: 100 } })),
  );
  await until(async () => (await Promise.all(jobs.map((job) => job.isFailed()))).every(Boolean), 'the jobs to fail for good');
  await until(async () => failures(50).length > 0, 'the worker to say a job failed for good');

  const [retrying, ...moreRetrying] = failures(40);
  expect(moreRetrying).toEqual([]);
  expect(retrying).toMatch(/^aggregation job aggregate-workflow \(\d+\) failed \(attempt 1 of 2\): .+; it will be retried$/);
  const [lost, ...moreLost] = failures(50);
  expect(moreLost).toEqual([]);
  expect(lost).toMatch(/^aggregation job aggregate-workflow \(\d+\) failed for good after 2 of 2 attempts: .+$/);
  // What failed them: Postgres, out of reach.
  expect(lost).toMatch(/ECONNREFUSED|Connection terminated|connect/);
  expect(linesNotJson(worker.output())).toEqual([]);
});
