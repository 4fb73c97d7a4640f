import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { openDatabase, owedReaggregations, requestReaggregation } from '@chorus/db';
import { reaggregationJob } from '@chorus/jobs';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { WorkerConfig } from '../src/config/config';
import { WorkflowDefinitions } from '../src/aggregation/workflow-definitions';
import { ReconcilerService } from '../src/maintenance/reconciler.service';
import { CompletionService } from '../src/reaggregation/completion.service';
import { WebhookDeliveries } from '../src/webhooks/webhook-deliveries.service';
import { WebhookSender } from '../src/webhooks/webhook-sender';
import { testRedis } from '../../../test/support/services';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { voteWorkflow } from '../../../test/support/workflows';

let stack: Stack;
let worker: INestApplicationContext;

beforeAll(async () => {
  // The API's Redis is unreachable; the worker's is fine: as when Redis was down while volunteers submitted.
  stack = await startStack({ worker: false, env: { REDIS_URL: 'redis://127.0.0.1:1' } });
});
afterAll(async () => {
  await stack.stop();
});

it('accepts classifications while Redis is down, and aggregates them once a worker reconciles', async () => {
  const health = await fetch(`${stack.baseUrl}/api/v1/health`);
  expect(health.status).toBe(200); // the API serves without Redis
  expect(await health.json()).toEqual({ status: 'degraded', postgres: 'up', redis: 'down', aggregationWorkers: null });

  const { workflowId, subjectIds } = await voteWorkflow(stack, 4, 1);
  const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const add = jest.spyOn(stack.app.get<Queue>(getQueueToken('aggregation'), { strict: false }), 'add');
  const classify = (subjectId: string) => volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  const [last, ...atOnce] = subjectIds;
  // Three at once (the later ones wait for the first one's add), then one more.
  for (const result of [...(await Promise.all(atOnce.map(classify))), await classify(last!)]) expect(result.replayed).toBe(false);
  expect(await laggingSubjects(stack.db, workflowId)).toBe(4);
  // Once an add has failed, the submits waiting for it and those after it do not each wait on Redis: the reconciler
  // finds their work.
  expect(add).toHaveBeenCalledTimes(1);
  add.mockRestore();

  worker = await stack.startWorker({ reconcileEveryMs: 200, reconcileGraceMs: 0 });
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'the reconciler to catch up');
  expect(await stack.client.stats(workflowId)).toMatchObject({ retired: 4, classifications: 4 });
});

it('reports the lag in /metrics, and a scrape that could not reach Redis', async () => {
  const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
  expect(text).toMatch(/^chorus_aggregation_lagging_subjects 0$/m);
  expect(text).toMatch(/^chorus_metrics_scrape_ok 0$/m);
});

it('starts the re-aggregation a new version is owed when the API could not enqueue it, and one that failed for good', async () => {
  const { workflowId, subjectIds } = await voteWorkflow(stack, 2, 3);
  const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  for (const subjectId of subjectIds) await volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'the reconciler to aggregate the answers');
  expect((await stack.client.stats(workflowId)).retired).toBe(0);

  // The API's Redis is away: the new version's run is only recorded as owed.
  const workflow = await stack.client.getWorkflow(workflowId);
  const saved = await stack.client.updateWorkflow(workflowId, { ...(workflow.definition as Parameters<typeof stack.client.updateWorkflow>[1]), retirement: { rule: 'count', count: 1 } });
  expect(saved.reaggregation).toBeUndefined();
  await until(async () => (await stack.client.stats(workflowId)).retired === 2, 'the reconciler to start the owed re-aggregation');
  await until(async () => !(await stack.client.stats(workflowId)).reaggregating, 'the run to answer the request');
  // The run is the researcher's who saved the version, not Chorus's own.
  const { runs } = await stack.client.reaggregations(workflowId);
  expect(runs).toHaveLength(1);
  expect(runs[0]!.requestedBy?.id).toBe((await stack.client.account()).id);

  // A run the queue failed for good (as BullMQ fails one whose attempts are used up) leaves the request owed:
  // the reconciler starts another. This one fails at once: the queue has no handler for its name.
  const reaggregation = worker.get<Queue>(getQueueToken('reaggregation'), { strict: false });
  await stack.db.query('UPDATE workflows SET reaggregations_requested = reaggregations_requested + 1, reaggregation_restarts = 0, reaggregation_requested_at = now() WHERE id = $1', [workflowId]);
  const doomed = await reaggregation.add('no-such-job', { workflowId, scope: 'all' }, { attempts: 1, deduplication: { id: `${workflowId}:all` } });
  await until(async () => (await doomed.getState()) === 'failed', 'the doomed run to fail');
  await until(async () => (await owed(workflowId)) === false, 'the reconciler to run the failed re-aggregation again');
});

it("keeps a researcher's owed request theirs when Chorus asks for the same run (its first skills) before it starts", async () => {
  const { workflowId } = await voteWorkflow(stack, 1, 1);
  const researcher = (await stack.client.account()).id;
  const db = await openDatabase(stack.config.databaseUrl);
  try {
    await requestReaggregation(db, workflowId, researcher);
    await requestReaggregation(db, workflowId, null);
    expect((await owedReaggregations(db, 0)).find((owedRun) => owedRun.workflowId === workflowId)).toEqual({ workflowId, requestedBy: researcher });
  } finally {
    // Answered, so that no later test's reconciler finds it owed.
    await db.query('UPDATE workflows SET reaggregations_done = reaggregations_requested WHERE id = $1', [workflowId]);
    await db.destroy();
  }
});

async function owed(workflowId: string): Promise<boolean> {
  const { rows } = await stack.db.query('SELECT reaggregations_done < reaggregations_requested AS owed FROM workflows WHERE id = $1', [workflowId]);
  return rows[0].owed;
}

it('starts a run that keeps failing again less and less often, then leaves it owed until it is asked for again', async () => {
  const { workflowId } = await voteWorkflow(stack, 1, 3);
  await stack.stopWorker(); // its reconciler would start the runs this reads
  const db = await openDatabase(stack.config.databaseUrl, 1);
  const owedNow = async (restarts: number, agoSeconds: number) => {
    await stack.db.query(
      `UPDATE workflows SET reaggregations_requested = reaggregations_done + 1, reaggregation_restarts = $2,
         reaggregation_requested_at = now() - make_interval(secs => $3) WHERE id = $1`,
      [workflowId, restarts, agoSeconds],
    );
    return (await owedReaggregations(db, 0)).some((owed) => owed.workflowId === workflowId);
  };
  expect(await owedNow(0, 1)).toBe(true);
  expect(await owedNow(1, 30)).toBe(false); // started again half a minute ago: wait a minute
  expect(await owedNow(1, 61)).toBe(true);
  expect(await owedNow(3, 200)).toBe(false); // 4 minutes after the third
  expect(await owedNow(5, 100_000)).toBe(false); // given up
  await db.destroy();
});

it('does not start again a run that ended between its reading what is owed and its asking the queue', async () => {
  const { workflowId } = await voteWorkflow(stack, 1, 3);
  await stack.stopWorker(); // its own reconciler must not act meanwhile
  const db = await openDatabase(stack.config.databaseUrl, 1);
  const connection = { url: testRedis().url };
  const [aggregation, reaggregation] = ['aggregation', 'reaggregation'].map((name) => new Queue(name, { connection, prefix: stack.config.queuePrefix }));
  const reconciler = new ReconcilerService(db, aggregation!, reaggregation!, { reconcileGraceMs: 0 } as WorkerConfig);
  await stack.db.query(
    "UPDATE workflows SET reaggregations_requested = reaggregations_done + 1, reaggregation_restarts = 0, reaggregation_requested_at = now() - interval '1 minute' WHERE id = $1",
    [workflowId],
  );
  // The run answers the request just after the reconciler read it, and its job is gone by the time the queue is asked.
  const askQueue = reaggregation!.getDeduplicationJobId.bind(reaggregation);
  jest.spyOn(reaggregation!, 'getDeduplicationJobId').mockImplementation(async (key) => {
    await stack.db.query('UPDATE workflows SET reaggregations_done = reaggregations_requested WHERE id = $1', [workflowId]);
    return askQueue(key);
  });
  const add = jest.spyOn(reaggregation!, 'add');
  try {
    expect(await reconciler.enqueueOwedReaggregations()).toBe(0);
    expect(add).not.toHaveBeenCalled();
    expect((await stack.db.query('SELECT reaggregation_restarts FROM workflows WHERE id = $1', [workflowId])).rows).toEqual([{ reaggregation_restarts: 0 }]);
  } finally {
    await Promise.all([aggregation!.close(), reaggregation!.close(), db.destroy()]);
  }
});

it('starts no run of the unretired subjects for moved skills beside a whole run of the workflow waiting to start, which will read them', async () => {
  const { workflowId } = await voteWorkflow(stack, 1, 3);
  await stack.stopWorker(); // nothing takes the whole run, and its own reconciler must not act meanwhile
  const db = await openDatabase(stack.config.databaseUrl, 1);
  const connection = { url: testRedis().url };
  const [aggregation, reaggregation] = ['aggregation', 'reaggregation'].map((name) => new Queue(name, { connection, prefix: stack.config.queuePrefix }));
  const reconciler = new ReconcilerService(db, aggregation!, reaggregation!, { reconcileGraceMs: 0 } as WorkerConfig);
  const whole = reaggregationJob(workflowId, 'all');
  const waiting = await reaggregation!.add(whole.name, whole.data, whole.opts);
  await stack.db.query("UPDATE workflows SET skills_reaggregation_owed_at = now() - interval '1 minute' WHERE id = $1", [workflowId]);
  const add = jest.spyOn(reaggregation!, 'add');
  try {
    expect(await waiting.getState()).toBe('waiting');
    expect(await reconciler.enqueueOwedReaggregations()).toBe(0);
    expect(add).not.toHaveBeenCalled();
    // Once the whole run is gone (it started, and ended), moved skills stored since are owed their run again.
    await waiting.remove();
    expect(await reconciler.enqueueOwedReaggregations()).toBe(1);
    expect(add).toHaveBeenCalledWith('reaggregate-workflow', expect.objectContaining({ workflowId, scope: 'unretired' }), expect.anything());
  } finally {
    await reaggregation!.obliterate({ force: true });
    await stack.db.query('UPDATE workflows SET skills_reaggregation_owed_at = NULL WHERE id = $1', [workflowId]);
    await Promise.all([aggregation!.close(), reaggregation!.close(), db.destroy()]);
  }
});

it('removes the rows kept for a hold when their set was unlinked once the hold ends unanswered, and keeps classified ones', async () => {
  const { projectId, workflowId } = await voteWorkflow(stack, 3, 3);
  const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const queue = await volunteer.queue(workflowId, 3);
  const [answered, held, late] = queue.subjects.map((subject) => subject.id) as [string, string, string];
  const classify = (subjectId: string) => volunteer.classify({ workflowId, workflowVersion: queue.workflowVersion, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  await classify(answered);
  const other = await stack.client.createSubjectSet(projectId, { name: 'Other' });
  await stack.client.addSubjects(other.id, [{ externalId: 'o1', locations: [{ type: 'text', text: 'Other' }] }]);
  await stack.client.updateWorkflow(workflowId, { ...(await stack.client.getWorkflow(workflowId)).definition, subjectSetIds: [other.id] });
  // Each row kept, and whether it is marked as kept only for a hold (what the sweep reads).
  const unlinked = async () =>
    new Map(
      (await stack.db.query("SELECT subject_id, kept_for_hold FROM subject_workflow_status WHERE workflow_id = $1 AND retirement_reason = 'unlinked'", [workflowId])).rows.map((row) => [
        row.subject_id as string,
        row.kept_for_hold as boolean,
      ]),
    );
  expect(await unlinked()).toEqual(new Map([[answered, false], [held, true], [late, true]]));
  // The answer on its way is stored.
  expect((await classify(late)).replayed).toBe(false);

  const db = await openDatabase(stack.config.databaseUrl, 1);
  const reconciler = new ReconcilerService(db, undefined as never, undefined as never, {} as WorkerConfig); // its sweep uses no queue
  try {
    await reconciler.sweepExpiredAssignments();
    expect(await unlinked()).toEqual(new Map([[answered, false], [held, true], [late, false]])); // one still held, one answered
    await stack.db.query("UPDATE assignments SET expires_at = now() - interval '1 second' WHERE workflow_id = $1", [workflowId]);
    await reconciler.sweepExpiredAssignments();
    expect(await unlinked()).toEqual(new Map([[answered, false], [late, false]]));
    // Its row gone, a since= consensus download says it left.
    expect((await stack.db.query('SELECT subject_id FROM subject_workflow_departures WHERE workflow_id = $1', [workflowId])).rows).toEqual([{ subject_id: held }]);
  } finally {
    await db.destroy();
  }
});

it('keeps a row kept for a hold whose set is linked again before the hold ends, and no longer marks it', async () => {
  const { projectId, workflowId } = await voteWorkflow(stack, 1, 3);
  const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const [held] = (await volunteer.queue(workflowId, 1)).subjects.map((subject) => subject.id) as [string];
  const { definition, subjectSetIds } = await stack.client.getWorkflow(workflowId);
  const other = await stack.client.createSubjectSet(projectId, { name: 'Other' });
  await stack.client.updateWorkflow(workflowId, { ...definition, subjectSetIds: [other.id] });
  await stack.client.updateWorkflow(workflowId, { ...definition, subjectSetIds });
  const row = async () =>
    (await stack.db.query('SELECT retired_at, kept_for_hold FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflowId, held])).rows;

  const db = await openDatabase(stack.config.databaseUrl, 1);
  const reconciler = new ReconcilerService(db, undefined as never, undefined as never, {} as WorkerConfig);
  try {
    await stack.db.query("UPDATE assignments SET expires_at = now() - interval '1 second' WHERE workflow_id = $1", [workflowId]);
    await reconciler.sweepExpiredAssignments();
    expect(await row()).toEqual([{ retired_at: null, kept_for_hold: false }]);
  } finally {
    await db.destroy();
  }
});

it("starts a skill workflow's run on completion when it was finished while the API could not reach the queue, once however often the sweep runs", async () => {
  worker = await stack.startWorker({ reconcileEveryMs: 200, reconcileGraceMs: 0 });
  const { workflowId, subjectIds } = await voteWorkflow(stack, 2, 3, 'bayes');
  const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[0]!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'the reconciler to aggregate the answer');
  // Its signal to the worker is lost (the API's Redis is away), and no aggregation is owed: only the sweep sees it.
  await stack.client.finishWorkflow(workflowId);
  await until(async () => (await stack.client.reaggregations(workflowId)).runs.some((run) => run.finishedAt), 'the sweep to start the run on completion');
  expect((await stack.client.reaggregations(workflowId)).runs).toEqual([expect.objectContaining({ scope: 'all', reason: 'completion', state: 'completed' })]);

  // Two sweeps at once (two workers' maintenance) start one run between them.
  await stack.stopWorker();
  const other = await voteWorkflow(stack, 2, 3, 'bayes');
  await stack.client.finishWorkflow(other.workflowId);
  const db = await openDatabase(stack.config.databaseUrl, 2);
  const reaggregation = new Queue('reaggregation', { connection: { url: testRedis().url }, prefix: stack.config.queuePrefix });
  const completion = completionService(db, reaggregation);
  try {
    expect(await Promise.all([completion.reaggregateCompleted(), completion.reaggregateCompleted()])).toEqual(expect.arrayContaining([0, 1]));
    expect(await completion.reaggregateCompleted()).toBe(0);
    const { rows } = await stack.db.query('SELECT id, reaggregations_requested AS requested FROM workflows WHERE id = ANY($1) ORDER BY id = $2', [[workflowId, other.workflowId], workflowId]);
    expect(rows).toEqual([{ id: other.workflowId, requested: 1 }, { id: workflowId, requested: 1 }]);
    expect((await reaggregation.getJobs(['waiting'])).map((job) => job.data)).toEqual([expect.objectContaining({ workflowId: other.workflowId, scope: 'all', reason: 'completion' })]);
  } finally {
    await reaggregation.obliterate({ force: true });
    await Promise.all([reaggregation.close(), db.destroy()]);
  }
});

it('starts the other runs on completion when one fails to start, and that one at the next sweep', async () => {
  const [refused, fine] = [await voteWorkflow(stack, 1, 3, 'bayes'), await voteWorkflow(stack, 1, 3, 'bayes')];
  for (const { workflowId } of [refused, fine]) await stack.client.finishWorkflow(workflowId);
  const db = await openDatabase(stack.config.databaseUrl, 1);
  const reaggregation = new Queue('reaggregation', { connection: { url: testRedis().url }, prefix: stack.config.queuePrefix });
  const completion = completionService(db, reaggregation);
  // The database refuses to record one workflow's completion, for this test only.
  const refuse = `refuse_completion_${refused.workflowId.replaceAll('-', '_')}`;
  await stack.db.query(`CREATE FUNCTION ${refuse}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'completion refused by the test'; END $$`);
  await stack.db.query(`CREATE TRIGGER ${refuse} BEFORE UPDATE OF completed_at ON workflows FOR EACH ROW WHEN (OLD.id = '${refused.workflowId}') EXECUTE FUNCTION ${refuse}()`);
  const waiting = async () => (await reaggregation.getJobs(['waiting'])).map((job) => job.data.workflowId).sort();
  try {
    expect(await completion.reaggregateCompleted()).toBe(1);
    expect(await waiting()).toEqual([fine.workflowId]);
    await stack.db.query(`DROP TRIGGER ${refuse} ON workflows; DROP FUNCTION ${refuse}()`);
    expect(await completion.reaggregateCompleted()).toBe(1);
    expect(await waiting()).toEqual([refused.workflowId, fine.workflowId].sort());
  } finally {
    await stack.db.query(`DROP TRIGGER IF EXISTS ${refuse} ON workflows; DROP FUNCTION IF EXISTS ${refuse}()`);
    await reaggregation.obliterate({ force: true });
    await Promise.all([reaggregation.close(), db.destroy()]);
  }
});

/** The webhooks' queues of the completion services made here, closed after the tests. */
const webhookQueues: Queue[] = [];
afterAll(() => Promise.all(webhookQueues.map((queue) => queue.close())));

/** A completion service of its own over `db` and the stack's reaggregation queue; its webhooks' queue (the workflows here have no webhook: nothing is added to it). */
function completionService(db: Awaited<ReturnType<typeof openDatabase>>, reaggregation: Queue): CompletionService {
  const webhooks = new Queue('webhooks', { connection: { url: testRedis().url }, prefix: stack.config.queuePrefix });
  webhookQueues.push(webhooks);
  return new CompletionService(db, new WorkflowDefinitions(), reaggregation, new WebhookDeliveries(db, new WebhookSender({} as WorkerConfig), webhooks));
}
