/**
 * A worker killed in the middle of an aggregation job: the job comes back to the queue once its lock lapses, and the
 * next worker runs it (`stallOptions` in @chorus/jobs: a lock of JOB_LOCK_SECONDS, stalled jobs looked for every half
 * of it; BullMQ's own 30 s and 30 s held a workflow's aggregation up to a minute). The workers here hold a 3 s lock,
 * not the 10 s one of a worker left unset, so the test waits seconds, not tens: a worker that ignored the setting would
 * recover too late for it. The workers are the built entry point, in processes of their own; the reconciler is kept
 * out of it (it could queue the workflow again and hide a job left stalled).
 */
import { stallOptions } from '@chorus/jobs';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type ManagedProcess, workerProcess } from '../../../test/support/processes';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { voteWorkflow } from '../../../test/support/workflows';

jest.setTimeout(90_000);

const JOB_LOCK_SECONDS = 3;
const { lockDuration, stalledInterval } = stallOptions(JOB_LOCK_SECONDS * 1000);

let stack: Stack;
let worker: ManagedProcess;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  const { databaseUrl, redisUrl, queuePrefix } = stack.config;
  const hour = String(3_600_000);
  worker = workerProcess({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, QUEUE_PREFIX: queuePrefix, LOG_LEVEL: 'warn', RECONCILE_EVERY_MS: hour, RECONCILE_GRACE_MS: hour, SKILLS_EVERY_MS: hour, JOB_LOCK_SECONDS: String(JOB_LOCK_SECONDS) });
});
afterAll(async () => {
  await worker?.kill('SIGKILL');
  await stack?.stop();
});

it('runs the aggregation job of a worker killed under it on the next worker, once its lock lapses', async () => {
  const { workflowId, subjectIds: [subjectId] } = await voteWorkflow(stack, 1);
  const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: subjectId!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());

  // The job waits (no worker yet); the subject's row is held, so the first worker's job stays active until it is killed.
  const holder = new Client({ connectionString: stack.config.databaseUrl });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('SELECT 1 FROM subject_workflow_status WHERE subject_id = $1 FOR UPDATE', [subjectId]);
  const queue = new Queue('aggregation', { connection: { url: stack.config.redisUrl }, prefix: stack.config.queuePrefix });
  try {
    await worker.start();
    await until(async () => (await queue.getActiveCount()) === 1, 'the first worker to take the job');
    await worker.kill('SIGKILL');
    const killedAt = Date.now();
    await holder.query('ROLLBACK');

    await worker.start();
    const runningAt = Date.now();
    await until(async () => (await stack.db.query('SELECT 1 FROM consensus WHERE subject_id = $1', [subjectId])).rowCount === 1, 'the next worker to aggregate', 60_000);
    // The lock lapses at most lockDuration after the kill; the next worker, once running (it may take a while to start
    // on a busy machine), notices within stalledInterval and runs the job. The bound leaves a loaded machine another
    // stalledInterval for the aggregation and this test's polling; with the 10 s lock of a worker left unset the job
    // would come back 10 to 15 s after the kill (at least 5 s after a worker started within 5 s), with BullMQ's
    // defaults 30 to 60 s.
    const lapsedAndRunning = Math.max(killedAt + lockDuration, runningAt);
    expect(Date.now() - lapsedAndRunning).toBeLessThan(lockDuration + stalledInterval);
    // The consensus commits inside the job, a moment before the job is marked completed.
    await until(async () => (await queue.getCompletedCount()) === 1, 'the job to be marked completed');
    const [job] = await queue.getCompleted();
    expect(job?.stalledCounter).toBe(1);
  } finally {
    await holder.end();
    await queue.close();
  }
});
