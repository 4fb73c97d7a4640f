/**
 * The fault test (issue 5). Volunteers submit steadily, retrying as real clients do, while the worker is killed with
 * SIGKILL, Redis restarts empty and the API is killed and started again. Afterwards: the classifications stored are
 * exactly the acknowledged ones, none twice, and every subject's consensus and retirement equal a recomputation from
 * scratch. The API and worker run as their own processes (their built entry points) against a redis-server of the
 * test's own. CI runs one round of faults; `CHORUS_FAULT_ROUNDS=10 node infra/test.mjs test/e2e/fault.test.ts` is
 * the long form.
 */
import { ChorusApiError, ChorusClient } from '@chorus/client';
import { type ClassificationRecord, findRetirement, reduceSubject } from '@chorus/consensus';
import type { WorkflowDefinition } from '@chorus/tasks';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type ManagedProcess, apiProcess, freePort, redisServer, workerProcess } from '../support/processes';
import { createTestDatabase } from '../support/services';
import { until } from '../support/waiting';

const ROUNDS = Number(process.env.CHORUS_FAULT_ROUNDS ?? 1);
const VOLUNTEERS = 12;
const SUBJECTS = 400 * ROUNDS;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

jest.setTimeout(120_000 + ROUNDS * 60_000);

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Client;
let redis: ManagedProcess;
let api: ManagedProcess;
let worker: ManagedProcess;
let baseUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const redisPort = await freePort();
  const apiPort = await freePort();
  baseUrl = `http://127.0.0.1:${apiPort}`;
  const env = { DATABASE_URL: database.url, REDIS_URL: `redis://127.0.0.1:${redisPort}`, QUEUE_PREFIX: '{fault}', LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '8' };
  redis = redisServer(redisPort);
  api = apiProcess(apiPort, { ...env, AUTH_SECRET: 'fault-test-secret-0123456789' });
  worker = workerProcess({ ...env, RECONCILE_EVERY_MS: '500', RECONCILE_GRACE_MS: '500' });
  await redis.start();
  await Promise.all([api.start(), worker.start()]);
  db = new Client({ connectionString: database.url });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  for (const process_ of [worker, api, redis]) await process_?.kill('SIGKILL');
  await database?.drop();
});

/** As the classifier does: a network error or a 5xx is tried again with the same request (and idempotency key). */
async function retried<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const transient = !(error instanceof ChorusApiError) || error.status >= 500;
      if (!transient || attempt > 600) throw error;
      await sleep(50 + Math.random() * 150);
    }
  }
}

interface Acknowledged {
  id: string;
  subjectId: string;
}

/** A volunteer who answers by the subject's parity, wrong one time in five, until told to stop or finished. */
async function volunteer(index: number, workflowId: string, stopped: () => boolean, acknowledged: Acknowledged[]): Promise<void> {
  const anonymous = new ChorusClient({ baseUrl });
  const client = anonymous.withToken((await retried(() => anonymous.guest())).token);
  while (!stopped()) {
    const batch = await retried(() => client.queue(workflowId, 5));
    if (batch.finished) return;
    if (!batch.subjects.length) await sleep(200);
    for (const subject of batch.subjects) {
      const position = Number(subject.externalId!.slice(1));
      const value = (position + (position % 5 === index % 5 ? 1 : 0)) % 2 === 0 ? 'yes' : 'no';
      const input = { workflowId, workflowVersion: batch.workflowVersion, subjectId: subject.id, annotations: [{ task: 'T0', value }] };
      const key = randomUUID();
      const { id } = await retried(() => client.classify(input, key));
      acknowledged.push({ id, subjectId: subject.id });
      await sleep(20);
    }
  }
}

async function faults(): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    for (let kill = 0; kill < 3; kill++) {
      await sleep(1_500);
      await worker.kill('SIGKILL');
      await sleep(300);
      await worker.start();
    }
    await sleep(1_500);
    await redis.restart('SIGKILL');
    await sleep(1_500);
    await api.restart('SIGKILL');
    await sleep(1_500);
  }
}

async function waitUntilAggregated(workflowId: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const { rows } = await db.query('SELECT count(*)::int AS lagging FROM subject_workflow_status WHERE workflow_id = $1 AND aggregated_count < classification_count', [workflowId]);
    if (rows[0].lagging === 0) return;
    if (Date.now() > deadline) throw new Error(`${rows[0].lagging} subjects were still not aggregated 90 s after the load stopped`);
    await sleep(250);
  }
}

it('loses and doubles nothing through worker kills, a Redis restart and an API restart, and ends in the from-scratch consensus', async () => {
  const researcher = new ChorusClient({ baseUrl });
  const account = { email: `fault-${randomUUID()}@example.org`, password: 'correct horse battery' };
  await researcher.register({ ...account, displayName: 'Researcher' });
  // No mail server here: the account's email is marked verified directly, so that it signs in (once made: after the answer).
  const verified = async () => ((await db.query('UPDATE users SET email_verified_at = now() WHERE email = $1', [account.email])).rowCount ?? 0) > 0;
  await until(verified, `the account of ${account.email}, made after the answer`, 10_000);
  const session = await researcher.login(account);
  const client = researcher.withToken(session.token);
  const project = await client.createProject({ title: 'Fault test', status: 'live' });
  const set = await client.createSubjectSet(project.id, { name: 'Snippets' });
  await client.addSubjects(set.id, Array.from({ length: SUBJECTS }, (_, i) => ({ externalId: `s${i}`, locations: [{ type: 'text' as const, text: `Snippet ${i}` }] })));
  const { id: workflowId } = await client.createWorkflow(project.id, {
    name: 'Ad or not?',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Ad?', algorithm: 'vote', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'agreement', task: 'T0', minimum: 2, threshold: 0.99, maximum: 4 },
    subjectSetIds: [set.id],
  });
  await client.activateWorkflow(workflowId);

  const acknowledged: Acknowledged[] = [];
  let stop = false;
  const volunteers = Array.from({ length: VOLUNTEERS }, (_, i) => volunteer(i, workflowId, () => stop, acknowledged));
  await faults();
  stop = true;
  await Promise.all(volunteers);
  await waitUntilAggregated(workflowId);

  // Nothing lost, nothing doubled.
  const { rows: stored } = await db.query('SELECT id, subject_id, user_id FROM classifications WHERE workflow_id = $1', [workflowId]);
  expect(acknowledged.length).toBeGreaterThan(100 * ROUNDS);
  expect(new Set(acknowledged.map((a) => a.id)).size).toBe(acknowledged.length);
  expect(stored.map((row) => row.id).sort()).toEqual(acknowledged.map((a) => a.id).sort());
  expect(new Set(stored.map((row) => `${row.subject_id}:${row.user_id}`)).size).toBe(stored.length);

  // Every subject ends where a recomputation from all its classifications ends.
  const definition = (await client.getWorkflow(workflowId)).definition as WorkflowDefinition;
  const mismatches = await recomputationMismatches(workflowId, definition);
  expect(mismatches).toEqual([]);
  const retired = await db.query('SELECT count(*)::int AS n FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NOT NULL', [workflowId]);
  expect(retired.rows[0].n).toBeGreaterThan(0);
});

async function recomputationMismatches(workflowId: string, definition: WorkflowDefinition): Promise<string[]> {
  const { rows: statuses } = await db.query(
    'SELECT subject_id, classification_count, counted_count, retired_at, retirement_reason, retired_by_classification_id FROM subject_workflow_status WHERE workflow_id = $1 AND classification_count > 0',
    [workflowId],
  );
  const { rows: classifications } = await db.query(
    `SELECT id, subject_id, user_id, annotations, NOT (gold_standard OR after_retirement) AS counts, after_retirement FROM classifications
     WHERE workflow_id = $1 ORDER BY created_at, id`,
    [workflowId],
  );
  const { rows: consensus } = await db.query('SELECT subject_id, task, answer, agreement FROM consensus WHERE workflow_id = $1', [workflowId]);
  const mismatches: string[] = [];
  for (const status of statuses) {
    const records: ClassificationRecord[] = classifications
      .filter((row) => row.subject_id === status.subject_id)
      .map((row) => ({ id: row.id, volunteer: row.user_id, annotations: row.annotations, countsTowardRetirement: row.counts }));
    // The consensus is the one the subject retired with: answers given while it was retired are not in it.
    const whileUnretired = new Set(classifications.filter((row) => !row.after_retirement).map((row) => row.id));
    const expected = reduceSubject(definition, records.filter((record) => whileUnretired.has(record.id)));
    const retirement = findRetirement(definition, records);
    const subject = status.subject_id;
    if (status.classification_count !== records.length) mismatches.push(`${subject}: classification_count ${status.classification_count}, stored ${records.length}`);
    if (status.counted_count !== records.filter((r) => r.countsTowardRetirement).length) mismatches.push(`${subject}: counted_count ${status.counted_count}`);
    if (Boolean(status.retired_at) !== retirement.decision.retire) mismatches.push(`${subject}: retired ${Boolean(status.retired_at)}, recomputed ${retirement.decision.retire}`);
    if (retirement.decision.retire && status.retired_by_classification_id !== retirement.triggeredBy) mismatches.push(`${subject}: retired by ${status.retired_by_classification_id}, recomputed ${retirement.triggeredBy}`);
    if (retirement.decision.retire && status.retirement_reason !== retirement.decision.reason) mismatches.push(`${subject}: reason ${status.retirement_reason}, recomputed ${retirement.decision.reason}`);
    for (const task of expected) {
      const row = consensus.find((c) => c.subject_id === subject && c.task === task.task);
      const sameAgreement = row?.agreement === null ? task.agreement === null : Math.abs(Number(row?.agreement) - Number(task.agreement)) < 1e-9;
      if (row?.answer !== task.answer || !sameAgreement) {
        mismatches.push(`${subject}/${task.task}: stored ${row?.answer} (${row?.agreement}), recomputed ${task.answer} (${task.agreement})`);
      }
    }
  }
  return mismatches;
}
