import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import type { ChorusClient } from '@chorus/client';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { voteWorkflow } from '../../../test/support/workflows';
import { CompletionService } from '../src/reaggregation/completion.service';

let stack: Stack;
let worker: INestApplicationContext;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  worker = await stack.startWorker();
});
afterAll(async () => {
  await stack.stop();
});

async function volunteer(): Promise<ChorusClient> {
  return stack.anonymous.withToken((await stack.anonymous.guest()).token);
}

const flip = (answer: string) => (answer === 'yes' ? 'no' : 'yes');

/**
 * Six gold-standard subjects and `open` others (true answer "yes"), retiring at their third answer: each answered by
 * one careful volunteer and two contrary ones, who give the wrong answer every time. Gold first, as volunteers meet
 * them alongside the others: the last open subject's retirement completes the workflow. No skills pass runs here
 * (`SKILLS_EVERY_MS` is minutes), so the consensus as served is the contrary pair's plurality vote; weighed by the
 * skills learned from gold, it is the careful volunteer's.
 */
async function contraryWorkflow(algorithm: 'bayes' | 'vote', open = 3) {
  const project = await stack.client.createProject({ title: `Completion ${randomUUID()}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  const gold = ['yes', 'no', 'yes', 'no', 'yes', 'no'].map((answer, i) => ({ externalId: `gold-${i}`, goldStandard: { T0: answer }, locations: [{ type: 'text' as const, text: `Gold ${i}` }] }));
  await stack.client.addSubjects(set.id, [...gold, ...Array.from({ length: open }, (_, i) => ({ externalId: `open-${i}`, locations: [{ type: 'text' as const, text: `Open ${i}` }] }))]);
  const { id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'W',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Ad?', algorithm, answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 3 },
    subjectSetIds: [set.id],
  });
  await stack.client.activateWorkflow(workflowId);
  const team = [await volunteer(), await volunteer(), await volunteer()];
  await answerAll(workflowId, team, 'ORDER BY NOT s.gold_standard ? \'T0\', s.external_id');
  return { workflowId, set, team };
}

/** Each of the workflow's unretired subjects answered by the careful volunteer and the contrary pair, in `order`. */
async function answerAll(workflowId: string, [careful, ...contrary]: ChorusClient[], order: string) {
  const { rows } = await stack.db.query(
    `SELECT s.id, s.gold_standard FROM subjects s JOIN subject_workflow_status st ON st.subject_id = s.id WHERE st.workflow_id = $1 AND st.retired_at IS NULL ${order}`,
    [workflowId],
  );
  for (const row of rows) {
    const truth = row.gold_standard?.T0 ?? 'yes';
    for (const [client, answer] of [[careful!, truth], ...contrary.map((client) => [client, flip(truth)] as const)] as const) {
      await client.classify({ workflowId, workflowVersion: 1, subjectId: row.id, annotations: [{ task: 'T0', value: answer }] }, randomUUID());
    }
  }
}

/** The consensus download, row by row, without the time its rows last changed. */
async function downloaded(workflowId: string) {
  const rows: Record<string, unknown>[] = JSON.parse(await stack.client.consensus(workflowId, { format: 'json' }));
  return rows.map(({ updated_at: _, ...row }) => row).sort((a, b) => String(a.external_id).localeCompare(String(b.external_id)));
}

/** Every aggregation job has run (and with it every completion signal it gives). */
async function aggregationIdle(): Promise<boolean> {
  const queue = worker.get<Queue>(getQueueToken('aggregation'));
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  return Object.values(counts).every((count) => count === 0);
}

async function settled(workflowId: string): Promise<void> {
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0 && (await aggregationIdle()), 'aggregation to catch up');
}

const runsOf = async (workflowId: string) => (await stack.client.reaggregations(workflowId)).runs;
const runsEnded = async (workflowId: string) => (await runsOf(workflowId)).every((run) => run.finishedAt);

it('re-aggregates a skill workflow whole once when it completes, however often completion is signalled', async () => {
  const { workflowId } = await contraryWorkflow('bayes');
  await settled(workflowId);
  expect((await stack.client.getWorkflow(workflowId)).complete).toBe(true);
  await until(async () => (await runsOf(workflowId)).length > 0, 'the aggregation that retired the last subject to start a run');
  // Signalled again: by the worker as a drain would, twice at once, and by the researcher finishing the workflow.
  const completion = worker.get(CompletionService);
  await Promise.all([completion.reaggregateIfCompleting(workflowId), completion.reaggregateIfCompleting(workflowId)]);
  await stack.client.finishWorkflow(workflowId);
  await settled(workflowId);
  await until(async () => (await runsOf(workflowId)).length > 0 && (await runsEnded(workflowId)), 'the run on completion to end');

  const runs = await runsOf(workflowId);
  expect(runs).toEqual([expect.objectContaining({ scope: 'all', reason: 'completion', requestedBy: null, state: 'completed', subjects: 9 })]);
  // Owed in Postgres with the completion, and answered: the reconciler starts nothing more.
  const { rows: [owed] } = await stack.db.query('SELECT reaggregations_requested AS requested, reaggregations_done AS done FROM workflows WHERE id = $1', [workflowId]);
  expect(owed).toEqual({ requested: 1, done: 1 });
  // It keeps every retirement, and weighs the early-retired subjects by the skills learned from gold.
  const { rows } = await stack.db.query(
    `SELECT c.answer, c.algorithm, st.retired_at IS NOT NULL AS retired FROM subject_workflow_status st JOIN consensus c USING (workflow_id, subject_id)
     WHERE st.workflow_id = $1 AND NOT st.gold_standard`,
    [workflowId],
  );
  expect(rows).toEqual(Array(3).fill({ answer: 'yes', algorithm: 'bayesian-confusion', retired: true }));
});

it('leaves the consensus download as a fresh whole re-aggregation computes it', async () => {
  const { workflowId } = await contraryWorkflow('bayes');
  await until(async () => (await runsOf(workflowId)).some((run) => run.reason === 'completion' && run.finishedAt), 'the run on completion to end');
  const onCompletion = await downloaded(workflowId);

  await stack.client.reaggregate(workflowId, 'all');
  await until(async () => (await runsOf(workflowId)).length === 2 && (await runsEnded(workflowId)), "the researcher's run to end");
  expect(await downloaded(workflowId)).toEqual(onCompletion);
});

it('re-aggregates again when a completed workflow gets new subjects and completes again', async () => {
  const { workflowId, set, team } = await contraryWorkflow('bayes', 1);
  await until(async () => (await runsOf(workflowId)).some((run) => run.finishedAt), 'the first run on completion to end');
  // Its answers wait for one drain, which finds the workflow complete again without having seen it open.
  const aggregation = worker.get<Queue>(getQueueToken('aggregation'));
  await aggregation.pause();
  try {
    await stack.client.addSubjects(set.id, [{ externalId: 'late', locations: [{ type: 'text' as const, text: 'Late' }] }]);
    await answerAll(workflowId, team, 'AND NOT st.gold_standard');
  } finally {
    await aggregation.resume();
  }
  await settled(workflowId);
  await until(async () => (await runsOf(workflowId)).length === 2 && (await runsEnded(workflowId)), 'the second run on completion to end');
  expect((await runsOf(workflowId)).map((run) => run.reason)).toEqual(['completion', 'completion']);
});

it('starts no run when a workflow that weighs no skill completes or is finished', async () => {
  const { workflowId } = await contraryWorkflow('vote');
  await settled(workflowId);
  expect((await stack.client.getWorkflow(workflowId)).complete).toBe(true);
  await stack.client.finishWorkflow(workflowId);
  await settled(workflowId);
  expect(await runsOf(workflowId)).toEqual([]);
  expect((await stack.db.query('SELECT reaggregations_requested AS n FROM workflows WHERE id = $1', [workflowId])).rows[0].n).toBe(0);
});

it('asks nothing of completion after an aggregation that retires no subject of an open workflow, nor reads the workflow again to ask', async () => {
  const { workflowId, subjectIds } = await voteWorkflow(stack, 2, 2, 'bayes');
  const [first, second] = [await volunteer(), await volunteer()];
  const answer = (client: ChorusClient) => client.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[0]!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  // The statements completion makes of the workflow: whether it weighs by skill, and whether it completes.
  const query = jest.spyOn(PostgresQueryRunner.prototype, 'query');
  const made = (statement: RegExp) => query.mock.calls.filter(([sql, parameters]) => statement.test(sql) && parameters?.includes(workflowId)).length;
  const asked = () => made(/UPDATE workflows me SET completed_at|JOIN workflow_versions v ON|FROM subject_workflow_status st WHERE st.workflow_id = \$1 AND st.retired_at IS NULL/);
  const recorded = () => made(/UPDATE workflows me SET completed_at/);
  try {
    await answer(first);
    await settled(workflowId);
    expect(asked()).toBe(0);
    // The drain that retires a subject asks, by one cheap look (the other subject is left), going no further.
    await answer(second);
    await settled(workflowId);
    expect((await stack.client.stats(workflowId)).retired).toBe(1);
    expect(asked()).toBeGreaterThan(0);
    expect(recorded()).toBe(0);
  } finally {
    query.mockRestore();
  }
  expect(await runsOf(workflowId)).toEqual([]);
});

it('re-aggregates a skill workflow whole when the workflow feeding it is finished, with no aggregation of its own to ask', async () => {
  const project = await stack.client.createProject({ title: `Fed ${randomUUID()}`, status: 'live' });
  const [snippets, adverts] = [await stack.client.createSubjectSet(project.id, { name: 'Snippets' }), await stack.client.createSubjectSet(project.id, { name: 'Adverts' })];
  await stack.client.addSubjects(snippets.id, [{ externalId: 'left', locations: [{ type: 'text' as const, text: 'Left' }] }]);
  const { subjectIds } = await stack.client.addSubjects(adverts.id, [{ externalId: 'advert', locations: [{ type: 'text' as const, text: 'Advert' }] }]);
  const task = (algorithm: 'vote' | 'bayes') => ({ type: 'single' as const, question: 'Ad?', algorithm, answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] });
  const feeder = await stack.client.createWorkflow(project.id, {
    name: 'Ad or not?',
    firstTask: 'T0',
    tasks: { T0: task('vote') },
    effects: [{ when: { task: 'T0', answer: 'yes', agreementAtLeast: 0.5 }, addToSubjectSet: adverts.id }],
    subjectSetIds: [snippets.id],
  });
  const fed = await stack.client.createWorkflow(project.id, { name: 'Which ad?', firstTask: 'T0', tasks: { T0: task('bayes') }, subjectSetIds: [adverts.id] });
  for (const { id } of [feeder, fed]) await stack.client.activateWorkflow(id);
  // Everything it has is retired, but its feeder has a subject left: not complete.
  await stack.client.request('POST', `/workflows/${fed.id}/retire`, { subjectIds, reason: 'read' });
  await settled(fed.id);
  expect((await stack.client.getWorkflow(fed.id)).complete).toBe(false);

  await stack.client.finishWorkflow(feeder.id);
  expect((await stack.client.getWorkflow(fed.id)).complete).toBe(true);
  await until(async () => (await runsOf(fed.id)).some((run) => run.finishedAt), 'the sweep to start the run on completion', 25_000);
  expect(await runsOf(fed.id)).toEqual([expect.objectContaining({ scope: 'all', reason: 'completion', state: 'completed' })]);
});
