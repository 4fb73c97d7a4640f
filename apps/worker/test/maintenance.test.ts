import { type Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';

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

async function until(condition: () => Promise<boolean>, attempts = 100, everyMs = 50): Promise<void> {
  for (let i = 0; i < attempts && !(await condition()); i++) await new Promise((resolve) => setTimeout(resolve, everyMs));
}

async function workflowWithClassifiedSubjects(n: number): Promise<string> {
  const project = await stack.client.createProject({ title: `Maintenance ${randomUUID().slice(0, 6)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  await stack.client.addSubjects(set.id, Array.from({ length: n }, (_, i) => ({ externalId: `m${i}`, locations: [{ type: 'text' as const, text: `Subject ${i}` }] })));
  const { id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'W',
    firstTask: 'T0',
    // A vote, not bayes (the default for two answers): the worker's skills estimate at boot re-aggregates bayes workflows.
    tasks: { T0: { type: 'single', question: 'Q', algorithm: 'vote', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 5 },
    subjectSetIds: [set.id],
  });
  await stack.client.activateWorkflow(workflowId);
  const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const { rows } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1', [workflowId]);
  for (const { subject_id: subjectId } of rows) {
    await volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  }
  return workflowId;
}

async function lagging(workflowId: string): Promise<number> {
  const { rows: [row] } = await stack.db.query('SELECT count(*)::int AS n FROM subject_workflow_status WHERE workflow_id = $1 AND aggregated_count < classification_count', [workflowId]);
  return row.n;
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
  expect(await lagging(workflowId)).toBe(3);
  // The API's requests for aggregation are lost (as when Redis was away, or the API crashed after the commit).
  const aggregation = queue('aggregation');
  const maintenance = queue('maintenance');
  await aggregation.obliterate({ force: true });

  const started = Date.now();
  await stack.startWorker({ reconcileEveryMs: 200, reconcileGraceMs: 10 * 60_000 });
  try {
    // The reconciler runs several times while the rows are young: each run enqueues nothing, and nothing is aggregated.
    await until(async () => (await reconcileRuns(maintenance, started)).length >= 3);
    const young = await reconcileRuns(maintenance, started);
    expect(young.length).toBeGreaterThanOrEqual(3);
    expect(young.map((job) => job.returnvalue)).toEqual(young.map(() => 0));
    expect(await aggregationJobsOf(aggregation, workflowId)).toEqual([]);
    expect(await lagging(workflowId)).toBe(3);

    // One of the same rows, older than the grace period: the next run enqueues the workflow, and the worker aggregates
    // all its subjects.
    const backdated = Date.now();
    const { rowCount } = await stack.db.query(
      "UPDATE aggregation_outbox SET queued_at = queued_at - interval '11 minutes' WHERE (workflow_id, subject_id) IN (SELECT workflow_id, subject_id FROM aggregation_outbox WHERE workflow_id = $1 LIMIT 1)",
      [workflowId],
    );
    expect(rowCount).toBe(1);
    await until(async () => (await lagging(workflowId)) === 0);
    expect(await lagging(workflowId)).toBe(0);
    expect((await reconcileRuns(maintenance, backdated)).some((job) => job.returnvalue === 1)).toBe(true);

    // The other workflow's rows are still young: never enqueued, still owed.
    expect(await aggregationJobsOf(aggregation, other)).toEqual([]);
    expect(await lagging(other)).toBe(2);
  } finally {
    await maintenance.close();
    await aggregation.close();
    await stack.stopWorker();
  }
});

it('creates the maintenance schedules again each time Redis has lost them, and the reconciler runs again', async () => {
  await stack.startWorker({ reconcileEveryMs: 200 });
  const maintenance = queue('maintenance');
  const scheduled = async () => Boolean((await maintenance.getJobScheduler('reconcile-aggregation')) && (await maintenance.getJobScheduler('estimate-skills')));
  try {
    await until(scheduled);
    expect(await maintenance.getJobScheduler('reconcile-aggregation')).toMatchObject({ key: 'reconcile-aggregation', every: 200 });
    expect(await maintenance.getJobScheduler('estimate-skills')).toMatchObject({ key: 'estimate-skills' });

    // Twice, so the second loss comes after the worker has already noticed one: it keeps watching. The second time only
    // the skills schedule is lost, and it is missed all the same.
    for (const lost of [['estimate-skills', 'reconcile-aggregation'], ['estimate-skills']]) {
      // As when Redis restarts empty: the schedules are gone, and with them the next run of each job.
      for (const name of lost) expect(await maintenance.removeJobScheduler(name)).toBe(true);

      // The worker notices within a few of its watch intervals (reconcileEveryMs) and creates both again.
      await until(scheduled);
      const recreated = Date.now();
      expect(await maintenance.getJobScheduler('reconcile-aggregation')).toMatchObject({ key: 'reconcile-aggregation', every: 200 });
      expect(await maintenance.getJobScheduler('estimate-skills')).toMatchObject({ key: 'estimate-skills' });
      // Two runs at least: a run left over from the old schedule could account for one.
      await until(async () => (await reconcileRuns(maintenance, recreated)).length >= 2);
      expect((await reconcileRuns(maintenance, recreated)).length).toBeGreaterThanOrEqual(2);
    }
  } finally {
    await maintenance.close();
    await stack.stopWorker();
  }
});
