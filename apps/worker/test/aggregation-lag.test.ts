import { Queue, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { queueNames } from '@chorus/jobs';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { voteWorkflow } from '../../../test/support/workflows';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack.stop();
});

const connection = () => ({ url: stack.config.redisUrl, maxRetriesPerRequest: null });

// Each test starts with an empty aggregation queue, whatever an earlier one left in it.
beforeEach(async () => {
  const aggregation = new Queue('aggregation', { connection: connection(), prefix: stack.config.queuePrefix });
  await aggregation.obliterate({ force: true });
  await aggregation.close();
});

async function classify(workflowId: string, subjectId: string): Promise<void> {
  const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  await volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
}

async function counts(workflowId: string): Promise<{ classification_count: number; aggregated_count: number }[]> {
  const { rows } = await stack.db.query('SELECT classification_count, aggregated_count FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY subject_id', [workflowId]);
  return rows;
}

async function metrics(): Promise<string> {
  const response = await fetch(`${stack.baseUrl}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of an unlabelled gauge in a Prometheus text scrape. */
function gauge(scrape: string, name: string): number {
  const line = scrape.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`${name} is not in the scrape`);
  return Number(line.slice(name.length + 1));
}

it('reports in /metrics how many subjects wait in the outbox and how long the oldest has waited, and none once a worker has caught up', async () => {
  const { workflowId, subjectIds } = await voteWorkflow(stack, 3);
  for (const subjectId of subjectIds) await classify(workflowId, subjectId);

  // No worker runs: three subjects wait, all in the one job the API asked for.
  let scrape = await metrics();
  expect(gauge(scrape, 'chorus_aggregation_lagging_subjects')).toBe(3);
  expect(scrape).toMatch(/^chorus_aggregation_queue_jobs\{state="waiting"\} 1$/m);
  expect(gauge(scrape, 'chorus_metrics_scrape_ok')).toBe(1);

  // The lag is the age of the oldest row in the outbox.
  await stack.db.query("UPDATE aggregation_outbox SET queued_at = now() - interval '1 hour' WHERE workflow_id = $1 AND subject_id = $2", [workflowId, subjectIds[0]]);
  scrape = await metrics();
  expect(gauge(scrape, 'chorus_aggregation_lag_seconds')).toBeGreaterThanOrEqual(3600);
  expect(gauge(scrape, 'chorus_aggregation_lag_seconds')).toBeLessThan(3600 + 60);

  await stack.startWorker();
  try {
    await until(async () => gauge(await metrics(), 'chorus_aggregation_lagging_subjects') === 0, 'the scrape to show no lag');
    scrape = await metrics();
    expect(gauge(scrape, 'chorus_aggregation_lagging_subjects')).toBe(0);
    expect(gauge(scrape, 'chorus_aggregation_lag_seconds')).toBe(0);
    expect(await laggingSubjects(stack.db, workflowId)).toBe(0);
  } finally {
    await stack.stopWorker();
  }
});

it('tells in /metrics and health how many workers take each queue’s jobs: none until one starts, and none once it stops', async () => {
  const workers = (scrape: string) => queueNames.map((queue) => gauge(scrape, `chorus_queue_workers{queue="${queue}"}`));
  const aggregationWorkers = async () => ((await (await fetch(`${stack.baseUrl}/api/v1/health`)).json()) as { aggregationWorkers: number }).aggregationWorkers;
  expect(workers(await metrics())).toEqual(queueNames.map(() => 0));
  expect(await aggregationWorkers()).toBe(0);

  await stack.startWorker();
  try {
    for (const count of workers(await metrics())) expect(count).toBeGreaterThanOrEqual(1);
    expect(await aggregationWorkers()).toBeGreaterThanOrEqual(1);
  } finally {
    await stack.stopWorker();
  }
  await until(async () => workers(await metrics()).every((count) => count === 0), 'the scrape to show no worker');
  expect(await aggregationWorkers()).toBe(0);
});

it('runs one more aggregation for a classification that arrives while its workflow’s job is active, so that it is aggregated too', async () => {
  const { workflowId, subjectIds: [first, second] } = await voteWorkflow(stack, 2);
  await classify(workflowId, first!); // the API asks for the workflow's aggregation; no worker runs yet

  // The test takes that job itself and holds it active. A real worker's job would drain a classification stored
  // while it runs as long as it still reads the outbox; this one is past its last read, as a job is between reading
  // an empty outbox and completing, so only a job run after it can aggregate what arrives now.
  const aggregation = new Queue('aggregation', { connection: connection(), prefix: stack.config.queuePrefix });
  const holder = new Worker('aggregation', null, { connection: connection(), prefix: stack.config.queuePrefix, autorun: false });
  const token = randomUUID();
  try {
    const active = await holder.getNextJob(token, { block: false });
    expect(active?.data).toEqual({ workflowId });

    await classify(workflowId, second!); // the API asks again while the job is active
    // Still one job per workflow at a time: nothing else waits while it is active.
    expect(await aggregation.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).toEqual({ waiting: 0, active: 1, delayed: 0, prioritized: 0 });

    await active!.moveToCompleted({ aggregated: 0, retired: 0 }, token, false);
    // The request made while it was active now waits as a job of its own.
    expect(await aggregation.getJobCounts('waiting', 'active')).toEqual({ waiting: 1, active: 0 });
  } finally {
    await holder.close();
    await aggregation.close();
  }

  // A worker whose reconciler cannot help (it waits an hour for anything), so only that job can aggregate the workflow.
  await stack.startWorker({ reconcileEveryMs: 3_600_000, reconcileGraceMs: 3_600_000 });
  try {
    await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'the follow-up aggregation');
    expect(await counts(workflowId)).toEqual([
      { classification_count: 1, aggregated_count: 1 },
      { classification_count: 1, aggregated_count: 1 },
    ]);
  } finally {
    await stack.stopWorker();
  }
});
