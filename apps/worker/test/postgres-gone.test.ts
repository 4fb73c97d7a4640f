/**
 * The worker process (its built entry point) when its Postgres goes away after it started (a proxy before it, cut)
 * and comes back: it keeps running, and aggregates what was stored meanwhile, and what comes after, with no step by hand.
 */
import { randomUUID } from 'node:crypto';
import { type ManagedProcess, linesNotJson, workerProcess } from '../../../test/support/processes';
import { type Stack, startStack } from '../../../test/support/stack';
import { type TcpProxy, tcpProxy } from '../../../test/support/tcp-proxy';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { voteWorkflow } from '../../../test/support/workflows';

jest.setTimeout(120_000);

let stack: Stack;
let proxy: TcpProxy;
let worker: ManagedProcess;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  const url = new URL(stack.config.databaseUrl);
  proxy = await tcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  url.port = String(proxy.port);
  worker = workerProcess({ DATABASE_URL: url.toString(), REDIS_URL: stack.config.redisUrl, QUEUE_PREFIX: stack.config.queuePrefix, LOG_LEVEL: 'warn', RECONCILE_EVERY_MS: '1000' });
});
afterAll(async () => {
  await worker?.kill('SIGKILL');
  await proxy?.close();
  await stack?.stop();
});

it('aggregates, once Postgres is back, what was stored while the worker could not reach it, and what comes after', async () => {
  const { workflowId, subjectIds } = await voteWorkflow(stack, 3, 10);
  const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const classify = (subjectId: string) => volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  await worker.start();
  await classify(subjectIds[0]!);
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'the first answer aggregated');

  await proxy.cut();
  await classify(subjectIds[1]!); // the API reaches Postgres; the worker does not
  await until(async () => worker.output().includes('it will be retried'), 'the worker to fail the job and say it will retry');
  expect(await laggingSubjects(stack.db, workflowId)).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 3_000)); // its pool's connections are all gone by now

  await proxy.restore();
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'the answer stored meanwhile aggregated', 90_000);
  await classify(subjectIds[2]!);
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'a later answer aggregated', 30_000);
  expect(worker.exitCode()).toBeNull();
  expect(linesNotJson(worker.output())).toEqual([]);
});
