/**
 * A subject whose volunteers (guests, who need no account) sent long, dissimilar transcriptions (round 13a F10): its
 * aggregation once held its row for the whole alignment (a submit to it waited 14 s), kept the worker's event loop for
 * tens of seconds (other subjects' aggregation waited, and the job's lock lapsed, so it ran twice). Now the subject is
 * read without locking, its consensus is bounded by a work budget, and its row is locked only to write.
 */
import { randomUUID } from 'node:crypto';
import { seededRandom } from '@chorus/consensus';
import { Queue } from 'bullmq';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { activeTranscriptionWorkflow, voteWorkflow } from '../../../test/support/workflows';
import { type AggregationOutcome, AggregationService, keyOf } from '../src/aggregation/aggregation.service';
import { WorkflowDefinitions } from '../src/aggregation/workflow-definitions';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  jest.restoreAllMocks();
  await stack.stop();
});

/** Seeded random words up to 20,000 characters (a transcription task's default `maxLength`): no two texts alike. */
function dissimilarText(seed: number): string {
  const next = seededRandom(seed);
  let text = '';
  for (let i = 1; text.length < 19_980; i++) {
    text += Array.from({ length: 3 + Math.floor(next() * 7) }, () => String.fromCharCode(97 + Math.floor(next() * 26))).join('');
    text += i % (6 + (seed % 5)) === 0 ? '\n' : ' ';
  }
  return text.trim();
}

async function guest() {
  return stack.anonymous.withToken((await stack.anonymous.guest()).token);
}

async function aggregated(workflowId: string, subjectId: string): Promise<{ classification_count: number; aggregated_count: number } | undefined> {
  const { rows } = await stack.db.query('SELECT classification_count, aggregated_count FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflowId, subjectId]);
  return rows[0];
}

/**
 * Holds the aggregation of the workflow where it reads the workflow's definition (the moment it has its subjects in
 * hand) until `release`; `isHeld` once it got there.
 */
function holdAggregationOf(workflowId: string): { isHeld: () => boolean; release: () => void } {
  let held = false;
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const of = WorkflowDefinitions.prototype.of;
  jest.spyOn(WorkflowDefinitions.prototype, 'of').mockImplementation(async function (this: WorkflowDefinitions, manager, id, version) {
    if (id === workflowId) {
      held = true;
      await released;
    }
    return of.call(this, manager, id, version);
  });
  return { isHeld: () => held, release };
}

it('acknowledges a submit to a subject while it aggregates, aggregates other subjects meanwhile, and bounds the subject’s work without the job stalling', async () => {
  const project = await stack.client.createProject({ title: `Heavy ${randomUUID().slice(0, 6)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Pages' });
  await stack.client.addSubjects(set.id, [{ externalId: 'page', locations: [{ type: 'text' as const, text: 'A page' }] }]);
  const heavy = await activeTranscriptionWorkflow(stack.client, project.id, set.id, 10);
  const { rows: [page] } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1', [heavy]);
  const pageId = page.subject_id as string;
  const other = await voteWorkflow(stack, 1);
  const transcribe = async (seed: number) =>
    (await guest()).classify({ workflowId: heavy, workflowVersion: 1, subjectId: pageId, annotations: [{ task: 'T0', value: dissimilarText(seed) }] }, randomUUID());

  // The heavy workflow's aggregation is held, once it has begun, where it reads the workflow's definition: the moment
  // it has the subject in hand (before the change, with the subject's row locked, as for the whole computation).
  const { isHeld, release } = holdAggregationOf(heavy);

  for (let seed = 1; seed <= 5; seed++) await transcribe(seed);
  await stack.startWorker();
  const queue = new Queue('aggregation', { connection: { url: stack.config.redisUrl, maxRetriesPerRequest: null }, prefix: stack.config.queuePrefix });
  try {
    await until(async () => isHeld(), 'the heavy subject’s aggregation to begin');

    // The sixth transcription is acknowledged while the subject aggregates.
    let sixth: 'sent' | 'stored' | Error = 'sent';
    transcribe(6).then(
      () => (sixth = 'stored'),
      (error: Error) => (sixth = error),
    );
    await until(async () => sixth !== 'sent', 'the sixth submit to be acknowledged while its subject aggregates', 15_000);
    expect(sixth).toBe('stored');

    // Another workflow's subject is aggregated meanwhile.
    await (await guest()).classify({ workflowId: other.workflowId, workflowVersion: 1, subjectId: other.subjectIds[0]!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    await until(async () => (await aggregated(other.workflowId, other.subjectIds[0]!))?.aggregated_count === 1, 'the other subject to be aggregated while the heavy one is held');
    expect(await aggregated(heavy, pageId)).toEqual({ classification_count: 6, aggregated_count: 0 });

    // Let go: the heavy subject is aggregated, all six counted (the sixth came while it was read: computed again).
    release();
    await until(async () => (await aggregated(heavy, pageId))?.aggregated_count === 6, 'the heavy subject to be aggregated with its six answers', 120_000);
    const { rows: [consensus] } = await stack.db.query('SELECT votes, result FROM consensus WHERE workflow_id = $1 AND subject_id = $2', [heavy, pageId]);
    expect(consensus.votes).toBe(6);
    // No two alike: five set aside, the result flagged for review.
    expect(consensus.result).toMatchObject({ transcriptions: 6, setAside: 5, overBudget: false, lowConsensus: true });
    const { rows: owed } = await stack.db.query('SELECT 1 FROM aggregation_outbox WHERE workflow_id = $1', [heavy]);
    expect(owed).toEqual([]);
    // No job kept the event loop long enough for its lock to lapse: none stalled, none ran twice.
    const jobs = await queue.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed']);
    expect(jobs.map((job) => job.stalledCounter ?? 0).filter((stalled) => stalled > 0)).toEqual([]);
  } finally {
    release();
    await queue.close();
    await stack.stopWorker();
  }
}, 180_000);

it('writes a subject submitted to while it was computed in that same round, read and computed again with its row locked', async () => {
  jest.restoreAllMocks(); // the test above's hold, whose spy this one's would otherwise call
  const { workflowId, subjectIds } = await voteWorkflow(stack, 1, 5);
  const subjectId = subjectIds[0]!;
  const vote = async () => (await guest()).classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  // Held where it reads the workflow's definition the first time, as above; let go once the second answer is stored.
  const { isHeld, release } = holdAggregationOf(workflowId);
  const rounds: AggregationOutcome[] = [];
  const aggregateSubjects = AggregationService.prototype.aggregateSubjects;
  jest.spyOn(AggregationService.prototype, 'aggregateSubjects').mockImplementation(async function (this: AggregationService, keys) {
    const aggregated = await aggregateSubjects.call(this, keys);
    if (keys.some((key) => key.subjectId === subjectId)) rounds.push(aggregated.outcomes.get(keyOf({ workflowId, subjectId }))!);
    return aggregated;
  });
  await vote();
  await stack.startWorker();
  try {
    await until(async () => isHeld(), 'the subject’s aggregation to begin');
    await vote();
    release();
    await until(async () => (await aggregated(workflowId, subjectId))?.aggregated_count === 2, 'both answers to be aggregated');
    // One round wrote it, with both answers: none left it for another.
    expect(rounds).toEqual(['aggregated']);
  } finally {
    release();
    await stack.stopWorker();
    jest.restoreAllMocks();
  }
});
