import { type Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
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

/** One of the stack's queues, on its Redis and prefix, as another process would open it. */
function queue(name: 'aggregation' | 'maintenance'): Queue {
  return new Queue(name, { connection: { url: stack.config.redisUrl }, prefix: stack.config.queuePrefix });
}

async function workflowWithClassifiedSubjects(n: number): Promise<string> {
  const { workflowId, subjectIds } = await voteWorkflow(stack, n);
  const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  for (const subjectId of subjectIds) {
    await volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  }
  return workflowId;
}

/** The reconciler's runs that finished since `since` (ms), oldest first; each returns how many workflows it enqueued. */
async function reconcileRuns(maintenance: Queue, since: number): Promise<Job[]> {
  const jobs = await maintenance.getJobs(['completed', 'failed']);
  return jobs.filter((job) => job.name === 'reconcile-aggregation' && (job.finishedOn ?? 0) >= since).sort((a, b) => a.finishedOn! - b.finishedOn!);
}

async function aggregationJobsOf(aggregation: Queue, workflowId: string): Promise<Job[]> {
  const jobs = await aggregation.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed']);
  return jobs.filter((job) => job.data.workflowId === workflowId);
}

it('leaves a workflow whose subjects entered the outbox within the grace period, and enqueues it once one of them is older', async () => {
  const workflowId = await workflowWithClassifiedSubjects(3);
  const other = await workflowWithClassifiedSubjects(2);
  expect(await laggingSubjects(stack.db, workflowId)).toBe(3);
  // The API's requests for aggregation are lost (as when Redis was away, or the API crashed after the commit).
  const aggregation = queue('aggregation');
  const maintenance = queue('maintenance');
  try {
    await aggregation.obliterate({ force: true });
    const started = Date.now();
    await stack.startWorker({ reconcileEveryMs: 200, reconcileGraceMs: 10 * 60_000 });
    // The reconciler runs several times while the rows are young: each run enqueues nothing, and nothing is aggregated.
    await until(async () => (await reconcileRuns(maintenance, started)).length >= 3, 'three reconciler runs');
    const young = await reconcileRuns(maintenance, started);
    expect(young.length).toBeGreaterThanOrEqual(3);
    expect(young.map((job) => job.returnvalue)).toEqual(young.map(() => 0));
    expect(await aggregationJobsOf(aggregation, workflowId)).toEqual([]);
    expect(await laggingSubjects(stack.db, workflowId)).toBe(3);

    // One of the same rows, older than the grace period: the next run enqueues the workflow, and the worker aggregates
    // all its subjects.
    const backdated = Date.now();
    const { rowCount } = await stack.db.query(
      "UPDATE aggregation_outbox SET queued_at = queued_at - interval '11 minutes' WHERE (workflow_id, subject_id) IN (SELECT workflow_id, subject_id FROM aggregation_outbox WHERE workflow_id = $1 LIMIT 1)",
      [workflowId],
    );
    expect(rowCount).toBe(1);
    await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'the enqueued workflow to be aggregated');
    // The run that enqueued it may be recorded as completed only after the aggregation it asked for.
    await until(async () => (await reconcileRuns(maintenance, backdated)).some((job) => job.returnvalue === 1), 'a run that enqueued one workflow');

    // The other workflow's rows are still young: never enqueued, still owed.
    expect(await aggregationJobsOf(aggregation, other)).toEqual([]);
    expect(await laggingSubjects(stack.db, other)).toBe(2);
  } finally {
    await maintenance.close();
    await aggregation.close();
    await stack.stopWorker();
  }
});

it('creates the maintenance schedules again each time Redis has lost them, and the reconciler runs again', async () => {
  const maintenance = queue('maintenance');
  const scheduled = async () => Boolean((await maintenance.getJobScheduler('reconcile-aggregation')) && (await maintenance.getJobScheduler('estimate-skills')));
  try {
    await stack.startWorker({ reconcileEveryMs: 200 });
    await until(scheduled, 'the schedules');
    expect(await maintenance.getJobScheduler('reconcile-aggregation')).toMatchObject({ key: 'reconcile-aggregation', every: 200 });
    expect(await maintenance.getJobScheduler('estimate-skills')).toMatchObject({ key: 'estimate-skills' });

    // Twice, so the second loss comes after the worker has already noticed one: it keeps watching. The second time only
    // the skills schedule is lost, and it is missed all the same.
    for (const lost of [['estimate-skills', 'reconcile-aggregation'], ['estimate-skills']]) {
      // As when Redis restarts empty: the schedules are gone, and with them the next run of each job.
      for (const name of lost) expect(await maintenance.removeJobScheduler(name)).toBe(true);

      // The worker notices within a few of its watch intervals (reconcileEveryMs) and creates both again.
      await until(scheduled, 'the schedules to be created again');
      const recreated = Date.now();
      expect(await maintenance.getJobScheduler('reconcile-aggregation')).toMatchObject({ key: 'reconcile-aggregation', every: 200 });
      expect(await maintenance.getJobScheduler('estimate-skills')).toMatchObject({ key: 'estimate-skills' });
      // Two runs at least: a run left over from the old schedule could account for one.
      await until(async () => (await reconcileRuns(maintenance, recreated)).length >= 2, 'two reconciler runs on the new schedule');
      expect((await reconcileRuns(maintenance, recreated)).length).toBeGreaterThanOrEqual(2);
    }
  } finally {
    await maintenance.close();
    await stack.stopWorker();
  }
});
