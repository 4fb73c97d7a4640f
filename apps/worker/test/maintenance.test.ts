import { type Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { ACCOUNT_PASSWORD, newAccount } from '../../../test/support/accounts';
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

it("finishes stamping a deleted account's classifications that the API died while stamping, and stamps none twice", async () => {
  const many = 2_500; // more than one statement stamps (2,000 each)
  const { workflowId, subjectIds } = await voteWorkflow(stack, many, 10);
  const volunteer = await newAccount(stack, 'Jane Realname');
  const first = await volunteer.client.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[0]!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  // The rest as the first was stored, written at once, each a millisecond older than the one after it.
  await stack.db.query(
    `INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key, created_at)
     SELECT c.workflow_id, 1, s.id, c.user_id, c.annotations, 'k-' || s.id, c.created_at - s.n * interval '1 millisecond'
     FROM classifications c, unnest($2::uuid[]) WITH ORDINALITY AS s(id, n) WHERE c.id = $1`,
    [first.id, subjectIds.slice(1)],
  );
  const stampedSince = async (moment: string): Promise<number> =>
    (await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE user_id = $1 AND updated_at >= $2', [volunteer.id, moment])).rows[0].n;
  const owedSince = async (): Promise<string | null> =>
    (await stack.db.query('SELECT classifications_stamp_owed_at::text AS at FROM users WHERE id = $1', [volunteer.id])).rows[0].at;

  // The API dies after the deletion commits, once it has stamped the first statement's classifications: the newest one
  // cannot be stamped (a trigger made for this test), so the second statement fails.
  const { rows: [newest] } = await stack.db.query('SELECT id FROM classifications WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1', [volunteer.id]);
  await stack.db.query(`CREATE FUNCTION api_dies() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the API died'; END $$`);
  await stack.db.query(`CREATE TRIGGER api_dies BEFORE UPDATE ON classifications FOR EACH ROW WHEN (NEW.id = '${newest.id}') EXECUTE FUNCTION api_dies()`);
  try {
    await expect(volunteer.client.deleteAccount(ACCOUNT_PASSWORD)).rejects.toMatchObject({ status: 500 });
  } finally {
    await stack.db.query('DROP TRIGGER api_dies ON classifications; DROP FUNCTION api_dies()');
  }
  const deletedAt = await owedSince();
  expect(deletedAt).not.toBeNull();
  expect((await stack.db.query('SELECT kind FROM users WHERE id = $1', [volunteer.id])).rows[0].kind).toBe('deleted');
  expect(await stampedSince(deletedAt!)).toBe(2_000);
  const { rows: before } = await stack.db.query('SELECT id, updated_at FROM classifications WHERE user_id = $1 AND updated_at >= $2 ORDER BY id', [volunteer.id, deletedAt]);

  // The worker's reconciler finishes it, once it has been owed for its grace period.
  const maintenance = queue('maintenance');
  try {
    await stack.startWorker({ reconcileEveryMs: 200, reconcileGraceMs: 500 });
    await until(async () => (await owedSince()) === null, 'the reconciler to finish the stamping');
    expect(await stampedSince(deletedAt!)).toBe(many);
    // Those stamped before it died are not stamped again.
    const { rows: after } = await stack.db.query('SELECT id, updated_at FROM classifications WHERE id = ANY($1) ORDER BY id', [before.map((row) => row.id)]);
    expect(after).toEqual(before);
    // Stamped once: later runs find nothing owed.
    const finished = Date.now();
    await until(async () => (await reconcileRuns(maintenance, finished)).length >= 2, 'two more reconciler runs');
    expect(await stampedSince(deletedAt!)).toBe(many);
  } finally {
    await maintenance.close();
    await stack.stopWorker();
  }
  // Incremental downloads give them all again, without the name.
  const rows = JSON.parse(await stack.client.classifications(workflowId, { format: 'json', since: deletedAt!.replace(' ', 'T').replace(/\+00$/, 'Z') })) as { user_kind: string; user_name: string | null }[];
  expect(rows).toHaveLength(many);
  expect(rows.every((row) => row.user_kind === 'deleted' && row.user_name === null)).toBe(true);
}, 120_000);
