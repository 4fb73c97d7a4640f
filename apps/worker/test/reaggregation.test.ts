import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { reaggregationJob } from '@chorus/jobs';
import type { Queue } from 'bullmq';
import type { ChorusApiError, ReaggregationRun } from '@chorus/client';
import { recordReaggregationFinished, recordReaggregationStarted } from '@chorus/db';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';
import { classifyUntilFinished } from '../../../test/support/volunteers';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { ReaggregationService } from '../src/reaggregation/reaggregation.service';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});

const yesNo = { type: 'single' as const, question: 'Ad?', algorithm: 'vote' as const, answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] };
const definition = (count: number) => ({ name: 'Ad or not?', firstTask: 'T0', tasks: { T0: yesNo }, retirement: { rule: 'count' as const, count } });

/** A live workflow retiring at `count`, with `subjects` subjects each classified `yes` by two guests. */
async function classifiedWorkflow(subjects: number, count: number): Promise<{ workflowId: string; setId: string }> {
  const project = await stack.client.createProject({ title: `Re-aggregated ${randomUUID()}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Snippets' });
  await stack.client.addSubjects(set.id, Array.from({ length: subjects }, (_, i) => ({ externalId: `s${i}`, locations: [{ type: 'text' as const, text: `Snippet ${i}` }] })));
  const { id: workflowId } = await stack.client.createWorkflow(project.id, { ...definition(count), subjectSetIds: [set.id] });
  await stack.client.activateWorkflow(workflowId);
  for (let volunteer = 0; volunteer < 2; volunteer++) {
    await classifyUntilFinished(stack.anonymous.withToken((await stack.anonymous.guest()).token), workflowId, () => 'yes');
  }
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'aggregation to catch up');
  return { workflowId, setId: set.id };
}

it('re-aggregates a whole workflow when its retirement rule changes, reporting progress to completion', async () => {
  const { workflowId } = await classifiedWorkflow(7, 5);
  expect(await stack.client.stats(workflowId)).toMatchObject({ subjects: 7, retired: 0, classifications: 14 });

  const updated = await stack.client.updateWorkflow(workflowId, definition(2));
  expect(updated.version).toBe(2);
  expect(updated.reaggregation).toMatchObject({ workflowId, scope: 'all' });
  // The researcher is told what the new rule does to the answers given.
  expect(updated.warnings).toEqual([{ pointer: '/retirement', message: expect.stringContaining('asks for at most 2 classifications where it asked for 5') }]);

  const jobId = updated.reaggregation!.id;
  let run: ReaggregationRun | undefined;
  await until(async () => {
    run = await stack.client.reaggregation(workflowId, jobId);
    return run.state === 'completed';
  }, 'the re-aggregation to complete');
  expect(run?.progress).toMatchObject({ done: 7, total: 7 });
  expect(await stack.client.stats(workflowId)).toMatchObject({ retired: 7 });
  // The workflow's list of runs has it, with who asked (the researcher who saved the version) and what it did.
  const { runs } = await stack.client.reaggregations(workflowId);
  expect(runs).toEqual([
    {
      id: updated.reaggregation!.runId,
      jobId,
      workflowId,
      scope: 'all',
      state: 'completed',
      progress: null,
      requestedBy: { id: expect.any(String), displayName: 'Researcher' },
      reason: null,
      requestedAt: expect.any(String),
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      subjects: 7,
      routedOut: 0,
    },
  ]);
  expect(Date.parse(runs[0]!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(runs[0]!.startedAt!));
  const { rows } = await stack.db.query("SELECT DISTINCT retirement_reason FROM subject_workflow_status WHERE workflow_id = $1", [workflowId]);
  expect(rows).toEqual([{ retirement_reason: 'count' }]);
});

it('resumes an interrupted run after its cursor, leaving the subjects already done untouched', async () => {
  const { workflowId } = await classifiedWorkflow(6, 5);
  await stack.db.query("UPDATE workflow_versions SET definition = jsonb_set(definition, '{retirement,count}', '2') WHERE workflow_id = $1", [workflowId]);
  const { rows } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY subject_id', [workflowId]);
  const ids: string[] = rows.map((row) => row.subject_id);

  await stack.stopWorker();
  const worker = await stack.startWorker();
  const reports: number[] = [];
  const finished = await worker.get(ReaggregationService).reaggregate(workflowId, 'all', { done: 2, total: 6, after: ids[1]! }, async (progress) => {
    reports.push(progress.done);
  });
  expect(finished).toEqual({ done: 6, total: 6, after: ids[5], routedOut: 0 });
  expect(reports).toEqual([2, 6]);
  const retired = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NOT NULL ORDER BY subject_id', [workflowId]);
  expect(retired.rows.map((row) => row.subject_id)).toEqual(ids.slice(2));
});

it('lists runs waiting in the queue before the worker starts them, then as they ended, the newest 100, failed ones with why', async () => {
  const { workflowId } = await classifiedWorkflow(2, 5);
  await stack.stopWorker();
  let worker: INestApplicationContext;
  let waitingJob: string;
  try {
    // Chorus's own run waits in the queue (a skills pass's); the researcher's request joins it, and makes it theirs.
    const own = reaggregationJob(workflowId, 'unretired');
    await stack.app.get<Queue>(getQueueToken('reaggregation'), { strict: false }).add(own.name, own.data, own.opts);
    const waiting = await stack.client.reaggregate(workflowId, 'unretired');
    waitingJob = waiting.id;
    const { runs } = await stack.client.reaggregations(workflowId);
    expect(runs).toEqual([expect.objectContaining({ id: own.data.runId, jobId: waiting.id, scope: 'unretired', state: 'waiting', startedAt: null, finishedAt: null, subjects: null })]);
    expect(runs[0]!.requestedBy?.displayName).toBe('Researcher');
    expect(await stack.client.reaggregationRecord(workflowId, own.data.runId!)).toEqual(runs[0]);
  } finally {
    worker = await stack.startWorker();
  }
  await until(async () => (await stack.client.reaggregations(workflowId)).runs[0]?.state === 'completed', 'the waiting run to complete');
  const db = worker.get(DataSource);

  // Recorded by the worker: a run that failed for good says why; the oldest beyond 100 go.
  const dayAgo = Date.now() - 24 * 3600_000;
  for (let n = 0; n < 101; n += 1) {
    await recordReaggregationStarted(db, { id: `old-${n}`, jobId: null, workflowId, scope: 'all', requestedBy: null, requestedAt: new Date(dayAgo + n * 1000) });
  }
  await recordReaggregationFinished(db, 'old-100', { failedReason: 'the database went away' });
  const listed = (await stack.client.reaggregations(workflowId)).runs;
  // Chorus's own runs are kept apart from the researcher's (the run they joined above, still listed).
  expect(listed.filter((listedRun) => !listedRun.requestedBy)).toHaveLength(100);
  expect(listed).toHaveLength(101);
  expect(listed.map((listedRun) => listedRun.id)).not.toContain('old-0');
  expect(listed.find((listedRun) => listedRun.id === 'old-100')).toMatchObject({ state: 'failed', failedReason: 'the database went away', requestedBy: null, subjects: null });
  // One run is found by its own id as the list has it, ended or not started.
  expect(await stack.client.reaggregationRecord(workflowId, 'old-100')).toEqual(listed.find((listedRun) => listedRun.id === 'old-100'));
  // A run under way whose job number Redis has since given to another run (it lost its keys) is not taken for that
  // run: it is lost, as one lost before it started is (it waited for ever as `unknown` before).
  await recordReaggregationStarted(db, { id: 'before-the-flush', jobId: waitingJob!, workflowId, scope: 'all', requestedBy: null, requestedAt: new Date() });
  expect((await stack.client.reaggregations(workflowId)).runs[0]).toMatchObject({ id: 'before-the-flush', jobId: waitingJob!, state: 'lost', finishedAt: null, note: expect.stringContaining('in its place') });
});

/** Redis loses the re-aggregation queue's keys (as when it restarts empty): BullMQ numbers its jobs from 1 again. */
async function queueKeysLost(): Promise<void> {
  const redis = new Redis(stack.config.redisUrl);
  try {
    const keys = await redis.keys(`${stack.config.queuePrefix}:reaggregation:*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

it('lists a run the queue lost before it started as lost, answered by the run Chorus starts in its place, and never answers its job number for another', async () => {
  const { workflowId } = await classifiedWorkflow(2, 5);
  await stack.stopWorker();
  let asked: ReaggregationRun;
  let unretired: ReaggregationRun;
  try {
    await queueKeysLost();
    asked = await stack.client.reaggregate(workflowId, 'all');
    unretired = await stack.client.reaggregate(workflowId, 'unretired');
    expect([asked.id, unretired.id]).toEqual(['1', '2']);
    await queueKeysLost();
    const { runs } = await stack.client.reaggregations(workflowId);
    expect(runs.map((run) => [run.id, run.state, run.replacedBy])).toEqual([
      [unretired.runId, 'lost', null],
      [asked.runId, 'lost', null],
    ]);
    expect(runs[0]!.note).toContain('ask for it again');
    expect(await stack.client.reaggregationRecord(workflowId, asked.runId)).toMatchObject({ state: 'lost', replacedBy: null, note: expect.stringContaining('in its place') });
  } finally {
    await stack.startWorker({ reconcileEveryMs: 200, reconcileGraceMs: 0 });
  }
  // The reconciler starts the owed run of every subject; its job is number 1 again. (Then a worker as the other tests have it.)
  try {
    await until(async () => (await stack.client.stats(workflowId)).reaggregating === false, 'the owed run to complete');
  } finally {
    await stack.stopWorker();
    await stack.startWorker();
  }
  const { runs } = await stack.client.reaggregations(workflowId);
  const replacing = runs.find((run) => run.state === 'completed')!;
  expect(replacing).toMatchObject({ scope: 'all', jobId: '1' });
  // Both lost runs are answered by it (a run of every subject covers the unretired ones too).
  for (const lost of [asked!, unretired!]) {
    expect(runs.find((run) => run.id === lost.runId)).toMatchObject({ state: 'lost', replacedBy: replacing.id, note: expect.stringContaining(replacing.id) });
  }
  // Job 1 now names the replacing run too: the number the request answered names neither.
  const reused = (await stack.client.reaggregation(workflowId, asked!.id).catch((e) => e)) as ChorusApiError;
  expect(reused.status).toBe(410);
  expect(reused.problem.errors?.[0]?.pointer).toBe('/params/run');
  expect(await stack.client.reaggregationRecord(workflowId, replacing.id)).toMatchObject({ state: 'completed', subjects: 2 });
});

it("keeps a researcher's run listed however many runs Chorus starts itself after it", async () => {
  const { workflowId } = await classifiedWorkflow(1, 5);
  const db = stack.app.get(DataSource);
  const researcher = (await stack.db.query("SELECT id FROM users WHERE display_name = 'Researcher'")).rows[0].id;
  const hourAgo = Date.now() - 3600_000;
  await recordReaggregationStarted(db, { id: `asked-${randomUUID()}`, jobId: null, workflowId, scope: 'all', requestedBy: researcher, requestedAt: new Date(hourAgo) });
  // Every skills pass for a day, each after the researcher's run.
  for (let n = 0; n < 288; n += 1) {
    await recordReaggregationStarted(db, { id: `own-${randomUUID()}`, jobId: null, workflowId, scope: 'unretired', requestedBy: null, requestedAt: new Date(hourAgo + (n + 1) * 1000) });
  }
  const { runs } = await stack.client.reaggregations(workflowId);
  expect(runs).toHaveLength(101);
  expect(runs.at(-1)).toMatchObject({ scope: 'all', requestedBy: { id: researcher, displayName: 'Researcher' } });
});

it('leaves a subject recomputed to the same consensus out of `since` downloads, and gives one whose consensus changed', async () => {
  const { workflowId } = await classifiedWorkflow(3, 5);
  const stamps = async () => (await stack.db.query('SELECT subject_id, updated_at::text AS updated FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY subject_id', [workflowId])).rows;
  const before = await stamps();
  const since: string = (await stack.db.query(`SELECT to_char((now() + interval '1 millisecond') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS since`)).rows[0].since;
  const changedSince = async () => (await stack.client.consensus(workflowId, { format: 'ndjson', since })).split('\n').filter(Boolean).map((line) => JSON.parse(line).subject_id);
  const reaggregated = async () => {
    const run = await stack.client.reaggregate(workflowId, 'all');
    await until(async () => (await stack.client.reaggregation(workflowId, run.id)).state === 'completed', 'the re-aggregation to complete');
  };

  await reaggregated();
  expect(await stamps()).toEqual(before);
  expect(await changedSince()).toEqual([]);

  // A stored consensus that is no longer what its classifications give (as when learned skills move): put right, and given.
  const wrong = before[1].subject_id;
  await stack.db.query("UPDATE consensus SET answer = 'no' WHERE workflow_id = $1 AND subject_id = $2", [workflowId, wrong]);
  await reaggregated();
  expect(await changedSince()).toEqual([wrong]);
  expect(JSON.parse((await stack.client.consensus(workflowId, { format: 'ndjson', since })).trim())).toMatchObject({ subject_id: wrong, T0_answer: 'yes' });
});

it('lists the recorded runs at once while Redis does not answer, each in state unknown unless ended', async () => {
  // An API whose Redis never answers: each question to the queue waits REDIS_WAIT_MS (1 s) before going on without it.
  const noRedis = await startStack({ worker: false, env: { REDIS_URL: 'redis://127.0.0.1:1' } });
  try {
    const project = await noRedis.client.createProject({ title: `Redis away ${randomUUID()}`, status: 'live' });
    const set = await noRedis.client.createSubjectSet(project.id, { name: 'Snippets' });
    const { id: workflowId } = await noRedis.client.createWorkflow(project.id, { ...definition(5), subjectSetIds: [set.id] });
    const db = noRedis.app.get(DataSource);
    for (let n = 0; n < 8; n += 1) {
      await recordReaggregationStarted(db, { id: `run-${n}`, jobId: String(n + 1), workflowId, scope: 'all', requestedBy: null, requestedAt: new Date(Date.now() - n * 1000) });
    }
    await recordReaggregationFinished(db, 'run-7', { subjects: 3, routedOut: 0 });
    const asked = Date.now();
    const { runs } = await noRedis.client.reaggregations(workflowId);
    // One wait on Redis for the whole list; asking for each of the seven runs not ended would take seven more.
    expect(Date.now() - asked).toBeLessThan(3_000);
    expect(runs.map((run) => [run.id, run.state])).toEqual([...Array.from({ length: 7 }, (_, n) => [`run-${n}`, 'unknown']), ['run-7', 'completed']]);
  } finally {
    await noRedis.stop();
  }
});

it('records no run of a deleted workflow, so that a job that waited in the queue meanwhile does not bring its record back', async () => {
  const project = await stack.client.createProject({ title: `Deleted ${randomUUID()}` });
  const { id: workflowId } = await stack.client.createWorkflow(project.id, definition(3));
  const run = { id: `late-${randomUUID()}`, jobId: '1', workflowId, scope: 'all' as const, requestedBy: null, requestedAt: new Date() };
  const db = stack.app.get(DataSource);
  await recordReaggregationStarted(db, run);
  await stack.client.deleteWorkflow(workflowId);
  expect((await stack.db.query('SELECT count(*)::int AS n FROM reaggregation_runs WHERE workflow_id = $1', [workflowId])).rows[0].n).toBe(0);
  await recordReaggregationStarted(db, { ...run, id: `later-${randomUUID()}` });
  await recordReaggregationStarted(db, run);
  expect((await stack.db.query('SELECT count(*)::int AS n FROM reaggregation_runs WHERE workflow_id = $1', [workflowId])).rows[0].n).toBe(0);
});

it('lists a run asked for while another runs as waiting for it, then runs it', async () => {
  const { workflowId } = await classifiedWorkflow(2, 5);
  const holder = new Client({ connectionString: stack.config.databaseUrl });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE subject_workflow_status IN EXCLUSIVE MODE');
    const first = await stack.client.reaggregate(workflowId);
    await until(async () => (await stack.client.reaggregation(workflowId, first.id)).state === 'active', 'the first run to start');
    const second = await stack.client.reaggregate(workflowId);
    expect(second.id).toBe(first.id); // the run under way answers, with the id of the run that waits for it
    const { runs } = await stack.client.reaggregations(workflowId);
    expect(runs.map((run) => [run.id, run.state, run.jobId])).toEqual([
      [second.runId, 'waiting', null],
      [first.runId, 'active', first.id],
    ]);
  } finally {
    await holder.query('ROLLBACK');
    await holder.end();
  }
  await until(async () => (await stack.client.reaggregations(workflowId)).runs.every((run) => run.state === 'completed'), 'both runs to complete');
  const { runs } = await stack.client.reaggregations(workflowId);
  expect(runs).toHaveLength(2);
  expect(runs[0]!.jobId).not.toBe(runs[1]!.jobId);
});

it('refuses a bad scope, an unknown run and a volunteer, naming the field', async () => {
  const { workflowId } = await classifiedWorkflow(1, 5);
  const scope = (await stack.client.request('POST', `/workflows/${workflowId}/reaggregate`, { scope: 'everything' }).catch((e) => e)) as ChorusApiError;
  expect(scope.status).toBe(422);
  expect(scope.problem.errors?.[0]?.pointer).toBe('/scope');
  const unknown = (await stack.client.reaggregation(workflowId, '999999').catch((e) => e)) as ChorusApiError;
  expect(unknown.status).toBe(404);
  expect(unknown.problem.errors?.[0]?.pointer).toBe('/params/run');
  const unknownRun = (await stack.client.reaggregationRecord(workflowId, randomUUID()).catch((e) => e)) as ChorusApiError;
  expect(unknownRun.status).toBe(404);
  const malformed = (await stack.client.reaggregation(workflowId, 'run;drop').catch((e) => e)) as ChorusApiError;
  expect(malformed.status).toBe(422);
  expect(malformed.problem.errors).toEqual([{ pointer: '/params/run', message: expect.stringContaining("a listed run's `id`") }]);
  const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  expect(((await guest.reaggregate(workflowId).catch((e) => e)) as ChorusApiError).status).toBe(403);

  const started = await stack.client.reaggregate(workflowId);
  const elsewhere = await classifiedWorkflow(1, 5);
  expect(((await stack.client.reaggregation(elsewhere.workflowId, started.id).catch((e) => e)) as ChorusApiError).status).toBe(404);
  const ownId = (await stack.client.reaggregations(workflowId)).runs[0]!.id;
  expect(((await stack.client.reaggregationRecord(elsewhere.workflowId, ownId).catch((e) => e)) as ChorusApiError).status).toBe(404);
});

it('keeps the consensus a subject retired with for a task whose answers a new version can no longer read', async () => {
  const project = await stack.client.createProject({ title: `Kept ${randomUUID()}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Birds' });
  await stack.client.addSubjects(set.id, [{ externalId: 'b1', locations: [{ type: 'text', text: 'A bird?' }] }]);
  const animal = (answers: string[]) => ({ type: 'single' as const, question: 'Which?', algorithm: 'vote' as const, answers: answers.map((value) => ({ value, label: value, next: 'B' })) });
  const definition = (answers: string[]) => ({
    name: 'Birds',
    firstTask: 'A',
    tasks: { A: animal(answers), B: { ...yesNo } },
    retirement: { rule: 'agreement' as const, task: 'A', minimum: 2, threshold: 0.9, maximum: 5 },
  });
  const { id: workflowId } = await stack.client.createWorkflow(project.id, { ...definition(['cat', 'dog', 'bird']), subjectSetIds: [set.id] });
  await stack.client.activateWorkflow(workflowId);
  for (let volunteer = 0; volunteer < 2; volunteer++) {
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const [subject] = (await guest.queue(workflowId)).subjects;
    await guest.classify({ workflowId, workflowVersion: 1, subjectId: subject!.id, annotations: [{ task: 'A', value: 'bird' }, { task: 'B', value: 'yes' }] }, randomUUID());
  }
  await until(async () => (await stack.client.stats(workflowId)).retired === 1, 'the subject to retire on agreement');

  // The new version also moves subjects agreed on in A into a set for experts: the kept consensus counts for it.
  const experts = await stack.client.createSubjectSet(project.id, { name: 'For experts' });
  const updated = await stack.client.updateWorkflow(workflowId, { ...definition(['cat', 'dog']), effects: [{ when: { task: 'A', agreementAtLeast: 0.9 }, addToSubjectSet: experts.id }] });
  await until(async () => (await stack.client.reaggregation(workflowId, updated.reaggregation!.id)).state === 'completed', 'the re-aggregation to complete');
  const { rows } = await stack.db.query('SELECT task, answer, votes, workflow_version FROM consensus WHERE workflow_id = $1 ORDER BY task', [workflowId]);
  expect(rows).toEqual([
    { task: 'A', answer: 'bird', votes: 2, workflow_version: 1 },
    { task: 'B', answer: 'yes', votes: 2, workflow_version: 2 },
  ]);
  const [row] = JSON.parse(await stack.client.consensus(workflowId, { format: 'json' }));
  expect(row).toMatchObject({ retired: true, retirement_reason: 'agreement', A_answer: 'bird', A_votes: 2 });
  expect((await stack.client.subjectsOf(experts.id)).subjects.map((subject) => subject.externalId)).toEqual(['b1']);
});
