import type { ChorusApiError, ChorusClient } from '@chorus/client';
import { getQueueToken } from '@nestjs/bullmq';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { type Stack, startStack } from '../../../test/support/stack';
import { yesNoWorkflow } from '../../../test/support/workflows';
import { ClassificationWriter, type ClassificationRow } from '../src/classifications/classification-writer';
import { JobProducer } from '../src/jobs/job-producer';

/** Concurrent submits share one statement and one commit (group commit), each still gets its own answer, and they share their requests for aggregation. */

let stack: Stack;
let writer: ClassificationWriter;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  writer = stack.app.get(ClassificationWriter);
});
afterAll(async () => {
  await stack.stop();
});

async function workflowWith(externalIds: string[]) {
  const { projectId, workflowId } = await yesNoWorkflow(stack, externalIds.map((externalId) => ({ externalId })), 10);
  const { rows } = await stack.db.query('SELECT id FROM subjects WHERE project_id = $1 ORDER BY external_id', [projectId]);
  return { workflowId, subjectIds: rows.map((row) => row.id as string) };
}

async function guestIds(count: number): Promise<string[]> {
  const { rows } = await stack.db.query("INSERT INTO users (kind, display_name) SELECT 'guest', 'Guest ' || g FROM generate_series(1, $1) g RETURNING id", [count]);
  return rows.map((row) => row.id as string);
}

const row = (workflowId: string, subjectId: string, userId: string, idempotencyKey = randomUUID()): ClassificationRow => ({
  workflowId,
  workflowVersion: 1,
  subjectId,
  userId,
  asAccount: false,
  annotations: [{ task: 'T0', value: 'yes' }],
  startedAt: null,
  finishedAt: null,
  metadata: {},
  idempotencyKey,
});

async function counts(workflowId: string) {
  const { rows } = await stack.db.query(
    `SELECT st.subject_id, st.classification_count, st.counted_count, (SELECT count(*)::int FROM classifications c WHERE c.workflow_id = st.workflow_id AND c.subject_id = st.subject_id) AS stored,
       EXISTS (SELECT 1 FROM aggregation_outbox o WHERE o.workflow_id = st.workflow_id AND o.subject_id = st.subject_id) AS owed
     FROM subject_workflow_status st WHERE st.workflow_id = $1 ORDER BY st.subject_id`,
    [workflowId],
  );
  return new Map(rows.map(({ subject_id, ...rest }) => [subject_id as string, rest]));
}

/** What `work` gives, once it is checked to have run `statements` statements outside a transaction (the pool's queries are observed, not replaced). */
async function statementsOf<T>(work: () => Promise<T>, statements: number): Promise<T> {
  const pool = (stack.app.get<DataSource>(getDataSourceToken()).driver as unknown as { master: { query: () => unknown } }).master;
  const query = jest.spyOn(pool, 'query');
  try {
    const result = await work();
    expect(query).toHaveBeenCalledTimes(statements);
    return result;
  } finally {
    query.mockRestore();
  }
}

it('stores the submits of one moment in one statement: several volunteers on one subject count once each, and what may not be stored is left out', async () => {
  const { workflowId, subjectIds: [first, second] } = await workflowWith(['a', 'b']);
  const elsewhere = await workflowWith(['c']);
  const volunteers = await guestIds(3);
  const results = await statementsOf(() => Promise.all([
    ...volunteers.map((userId) => writer.store(row(workflowId, first!, userId))),
    writer.store(row(workflowId, second!, volunteers[0]!)),
    writer.store(row(workflowId, elsewhere.subjectIds[0]!, volunteers[1]!)), // a subject of another workflow
  ]), 1);
  const stored = { id: expect.any(String), currentVersion: 1, afterRetirement: false, paused: false };
  expect(results.slice(0, 4)).toEqual([stored, stored, stored, stored]);
  expect(new Set(results.slice(0, 4).map((result) => result?.id)).size).toBe(4);
  expect(results[4]).toBeUndefined();
  const after = await counts(workflowId);
  expect(after.get(first!)).toEqual({ classification_count: 3, counted_count: 3, stored: 3, owed: true });
  expect(after.get(second!)).toEqual({ classification_count: 1, counted_count: 1, stored: 1, owed: true });
  expect((await counts(elsewhere.workflowId)).get(elsewhere.subjectIds[0]!)).toEqual({ classification_count: 0, counted_count: 0, stored: 0, owed: false });
});

it('leaves a replay and a second classification out of the batch, which stays one statement for the rest', async () => {
  const { workflowId, subjectIds: [first, second] } = await workflowWith(['a', 'b']);
  const [volunteer, other] = await guestIds(2);
  const key = randomUUID();
  const storedBefore = await writer.store(row(workflowId, first!, volunteer!, key));
  const sameKey = randomUUID();
  const results = await statementsOf(() => Promise.all([
    writer.store(row(workflowId, first!, volunteer!, key)), // a replay
    writer.store(row(workflowId, first!, volunteer!)), // the same subject again, with a new key
    writer.store(row(workflowId, first!, other!)),
    writer.store(row(workflowId, second!, volunteer!, sameKey)),
    writer.store(row(workflowId, second!, volunteer!, sameKey)), // sent twice at once
  ]), 1);
  expect(results.map((result) => (result ? 'stored' : 'left out'))).toEqual(['left out', 'left out', 'stored', 'stored', 'left out']);
  expect(storedBefore).toEqual({ id: expect.any(String), currentVersion: 1, afterRetirement: false, paused: false });
  const after = await counts(workflowId);
  expect(after.get(first!)).toMatchObject({ classification_count: 2, stored: 2 });
  expect(after.get(second!)).toMatchObject({ classification_count: 1, stored: 1 });
});

it('answers concurrent submits over HTTP each with its own outcome: stored, replayed, or already classified', async () => {
  const { workflowId, subjectIds } = await workflowWith(['a', 'b', 'c', 'd']);
  const volunteer: ChorusClient = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const answer = (subjectId: string) => ({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'no' }] });
  const key = randomUUID();
  const submit = (subjectId: string, idempotencyKey: string) =>
    volunteer.request<{ id: string; replayed?: boolean }>('POST', '/classifications', answer(subjectId), { 'idempotency-key': idempotencyKey }).catch((error: ChorusApiError) => ({ status: error.status, body: undefined }));
  const first = await submit(subjectIds[0]!, key);
  const answers = await Promise.all([submit(subjectIds[0]!, key), submit(subjectIds[0]!, randomUUID()), ...subjectIds.slice(1).map((id) => submit(id, randomUUID()))]);
  expect(answers.map((a) => a.status)).toEqual([200, 409, 201, 201, 201]);
  expect(first.status).toBe(201);
  expect(answers[0]!.body).toEqual({ id: first.body?.id });
  const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE workflow_id = $1', [workflowId]);
  expect(rows[0].n).toBe(4);
});

it('tells each stored classification the workflow’s current version, so that a page learns of a newer one', async () => {
  const { workflowId, subjectIds } = await workflowWith(['a', 'b']);
  const volunteer: ChorusClient = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const answer = (subjectId: string) => ({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'no' }] });
  expect(await volunteer.classify(answer(subjectIds[0]!), randomUUID())).toMatchObject({ currentVersion: 1, replayed: false });
  const { definition } = await stack.client.getWorkflow(workflowId);
  await stack.client.updateWorkflow(workflowId, { ...definition, name: 'W, reworded' });
  expect(await volunteer.classify(answer(subjectIds[1]!), randomUUID())).toMatchObject({ currentVersion: 2, replayed: false });
});

it('stores an answer to a paused workflow or project and says it is paused, to a volunteer (not to its researchers, who may go on)', async () => {
  const { workflowId, subjectIds } = await workflowWith(['a', 'b', 'c', 'd']);
  const volunteer: ChorusClient = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const answer = (subjectId: string) => ({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'no' }] });
  expect((await volunteer.classify(answer(subjectIds[0]!), randomUUID())).paused).toBeUndefined();
  const { projectId } = await stack.client.getWorkflow(workflowId);
  await stack.client.updateProject(projectId, { status: 'paused' });
  expect(await volunteer.classify(answer(subjectIds[1]!), randomUUID())).toMatchObject({ paused: true, replayed: false });
  expect((await stack.client.classify(answer(subjectIds[2]!), randomUUID())).paused).toBeUndefined();
  await stack.client.updateProject(projectId, { status: 'live' });
  await stack.client.pauseWorkflow(workflowId);
  expect(await volunteer.classify(answer(subjectIds[3]!), randomUUID())).toMatchObject({ paused: true, replayed: false });
  expect((await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE workflow_id = $1', [workflowId])).rows[0].n).toBe(4);
});

it('says on a replay whether the workflow or its project is paused now (to a volunteer, not to its researchers), as the first answer does', async () => {
  const { workflowId, subjectIds } = await workflowWith(['a', 'b', 'c']);
  const volunteer: ChorusClient = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const answer = (subjectId: string) => ({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'no' }] });
  const [before, paused, researchers] = [randomUUID(), randomUUID(), randomUUID()];
  await volunteer.classify(answer(subjectIds[0]!), before);
  expect((await volunteer.classify(answer(subjectIds[0]!), before)).paused).toBeUndefined();
  await stack.client.pauseWorkflow(workflowId);
  // Its first answer lost on the way, the page replays it.
  expect(await volunteer.classify(answer(subjectIds[1]!), paused)).toMatchObject({ paused: true, replayed: false });
  expect(await volunteer.classify(answer(subjectIds[1]!), paused)).toMatchObject({ paused: true, replayed: true });
  // Stored before the pause, replayed during it: as the workflow is now.
  expect(await volunteer.classify(answer(subjectIds[0]!), before)).toMatchObject({ paused: true, replayed: true });
  await stack.client.classify(answer(subjectIds[2]!), researchers);
  expect(await stack.client.classify(answer(subjectIds[2]!), researchers)).toMatchObject({ replayed: true });
  expect((await stack.client.classify(answer(subjectIds[2]!), researchers)).paused).toBeUndefined();
  await stack.client.activateWorkflow(workflowId);
  expect((await volunteer.classify(answer(subjectIds[1]!), paused)).paused).toBeUndefined();
  const { projectId } = await stack.client.getWorkflow(workflowId);
  await stack.client.updateProject(projectId, { status: 'paused' });
  expect(await volunteer.classify(answer(subjectIds[1]!), paused)).toMatchObject({ paused: true, replayed: true });
});

it('refuses an idempotency key sent again with other answers as a subject already classified (409), naming the key, and keeps the first answers', async () => {
  const { workflowId, subjectIds } = await workflowWith(['a']);
  const volunteer: ChorusClient = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const key = randomUUID();
  const submit = (value: string) =>
    volunteer.request<{ id: string }>('POST', '/classifications', { workflowId, workflowVersion: 1, subjectId: subjectIds[0], annotations: [{ task: 'T0', value }] }, { 'idempotency-key': key });
  const first = await submit('yes');
  expect((await submit('yes')).body).toEqual({ id: first.body.id });
  const changed = await submit('no').catch((error: ChorusApiError) => error);
  expect(changed).toMatchObject({
    status: 409,
    problem: { type: 'urn:chorus:problem:already-classified', errors: [{ pointer: '/headers/idempotency-key', message: expect.stringContaining('with other answers') }] },
  });
  const { rows } = await stack.db.query('SELECT annotations FROM classifications WHERE workflow_id = $1', [workflowId]);
  expect(rows).toEqual([{ annotations: [{ task: 'T0', value: 'yes' }] }]);
});

it('asks Redis for aggregation once per workflow for the commits of one moment, and once more for those made while it asked', async () => {
  const queue = stack.app.get<Queue>(getQueueToken('aggregation'), { strict: false });
  const add = jest.spyOn(queue, 'add'); // observed, not replaced: the adds reach the stack's Redis
  const producer = stack.app.get(JobProducer);
  const workflowId = randomUUID();
  const first = producer.aggregate(workflowId);
  const meanwhile = Array.from({ length: 9 }, () => producer.aggregate(workflowId));
  expect(add).toHaveBeenCalledTimes(1); // the commits made while the first add is on its way wait for the next one
  expect(await Promise.all([first, ...meanwhile])).toEqual(Array(10).fill(true));
  expect(add).toHaveBeenCalledTimes(2);
  add.mockRestore();
  const waiting = await queue.getJobs(['waiting']);
  expect(waiting.filter((job) => job.data.workflowId === workflowId)).toHaveLength(1); // deduplicated per workflow
});
