import { randomUUID } from 'node:crypto';
import type { ChorusApiError } from '@chorus/client';
import { type Stack, startStack } from '../../../test/support/stack';
import { classifyUntilFinished } from '../../../test/support/volunteers';
import { advertisementAnswers, advertisementTasks } from '../../../test/support/workflows';
import { until } from '../../../test/support/waiting';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

const yesNo = { type: 'single' as const, question: 'Ad?', algorithm: 'vote' as const, answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] };

it('moves a retired subject whose consensus meets an effect into the set that feeds the next workflow', async () => {
  const project = await stack.client.createProject({ title: 'Chained', status: 'live' });
  const snippets = await stack.client.createSubjectSet(project.id, { name: 'Snippets' });
  const notAds = await stack.client.createSubjectSet(project.id, { name: 'Not advertisements' });
  await stack.client.addSubjects(snippets.id, ['ad', 'news'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
  const first = await stack.client.createWorkflow(project.id, {
    name: 'Ad or not?',
    firstTask: 'T0',
    tasks: { T0: yesNo },
    retirement: { rule: 'count', count: 2 },
    effects: [{ when: { task: 'T0', answer: 'no', agreementAtLeast: 0.5 }, addToSubjectSet: notAds.id }],
    subjectSetIds: [snippets.id],
  });
  const second = await stack.client.createWorkflow(project.id, {
    name: 'Close reading',
    firstTask: 'T0',
    tasks: { T0: { type: 'close-reading', question: 'In what sense?', senses: [{ value: 'vehicle', label: 'A vehicle' }] } },
    subjectSetIds: [notAds.id],
  });
  await stack.client.activateWorkflow(first.id);
  await stack.client.activateWorkflow(second.id);
  // What the second workflow has is retired (a researcher put one in and retired it), but the first may still send more.
  const { subjectIds: stray } = await stack.client.addSubjects(notAds.id, [{ externalId: 'stray', locations: [{ type: 'text' as const, text: 'stray' }] }]);
  await stack.client.request('POST', `/workflows/${second.id}/retire`, { subjectIds: stray, reason: 'put here by mistake' });
  const reader = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  expect(await reader.queue(second.id)).toMatchObject({ subjects: [], finished: false, retryAfterSeconds: 60, comingFrom: ['Ad or not?'] });
  expect((await stack.client.getWorkflow(second.id)).complete).toBe(false);
  // Its figures on the project page say the same: all it has is retired, and more may come from the first.
  expect(await stack.anonymous.stats(second.id)).toMatchObject({ subjects: 1, retired: 1, comingFrom: ['Ad or not?'] });
  // The first paused, none of its subjects is on its way until it goes on again: the queue and the figures say so.
  await stack.client.pauseWorkflow(first.id);
  expect(await reader.queue(second.id)).toMatchObject({ subjects: [], finished: false, retryAfterSeconds: 60, comingFrom: ['Ad or not?'], feedersPaused: true });
  expect(await stack.client.stats(second.id)).toMatchObject({ comingFrom: ['Ad or not?'], feedersPaused: true });
  expect((await stack.client.getWorkflow(second.id)).complete).toBe(false);
  await stack.client.activateWorkflow(first.id);
  expect((await reader.queue(second.id)).feedersPaused).toBeUndefined();

  for (let volunteer = 0; volunteer < 2; volunteer++) {
    const client = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await classifyUntilFinished(client, first.id, (subject) => (subject.externalId === 'ad' ? 'yes' : 'no'));
  }
  for (let i = 0; i < 200 && (await stack.client.stats(first.id)).retired < 2; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await stack.client.stats(first.id)).toMatchObject({ retired: 2 });
  const served = await reader.queue(second.id);
  expect(served.subjects.map((subject) => subject.externalId)).toEqual(['news']);
  // Once it has answered what came, nothing more can come: the first workflow has retired every subject.
  const answer = { task: 'T0', value: { sense: 'vehicle' } };
  await reader.classify({ workflowId: second.id, workflowVersion: served.workflowVersion, subjectId: served.subjects[0]!.id, annotations: [answer] }, randomUUID());
  const done = await reader.queue(second.id);
  expect(done).toMatchObject({ subjects: [], finished: true, reason: 'seen-everything' });
  expect(done.comingFrom).toBeUndefined();
  expect((await stack.client.stats(second.id)).comingFrom).toBeUndefined();
  await stack.client.request('POST', `/workflows/${second.id}/retire`, { subjectIds: [served.subjects[0]!.id], reason: 'read' });
  expect((await stack.client.getWorkflow(second.id)).complete).toBe(true);
});

it('moves subjects already retired when a new version adds an effect, but not those retired by hand', async () => {
  const project = await stack.client.createProject({ title: 'Effects later', status: 'live' });
  const snippets = await stack.client.createSubjectSet(project.id, { name: 'Snippets' });
  const confirmed = await stack.client.createSubjectSet(project.id, { name: 'Confirmed advertisements' });
  await stack.client.addSubjects(snippets.id, ['ad1', 'ad2', 'torn'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
  const definition = { name: 'Ad or not?', firstTask: 'T0', tasks: { T0: yesNo }, retirement: { rule: 'count' as const, count: 2 }, subjectSetIds: [snippets.id] };
  const { id: workflowId } = await stack.client.createWorkflow(project.id, definition);
  await stack.client.activateWorkflow(workflowId);
  // Every subject gets a "yes"; then "torn" is retired by hand, and the others by their rule with a second "yes".
  await classifyUntilFinished(stack.anonymous.withToken((await stack.anonymous.guest()).token), workflowId, () => 'yes');
  const { rows: [torn] } = await stack.db.query("SELECT id FROM subjects WHERE external_id = 'torn' AND project_id = $1", [project.id]);
  await stack.client.request('POST', `/workflows/${workflowId}/retire`, { subjectIds: [torn.id], reason: 'torn page' });
  await classifyUntilFinished(stack.anonymous.withToken((await stack.anonymous.guest()).token), workflowId, () => 'yes');
  for (let i = 0; i < 200 && (await stack.client.stats(workflowId)).retired < 3; i++) await new Promise((resolve) => setTimeout(resolve, 100));

  const updated = await stack.client.updateWorkflow(workflowId, { ...definition, effects: [{ when: { task: 'T0', answer: 'yes', agreementAtLeast: 0.5 }, addToSubjectSet: confirmed.id }] });
  for (let i = 0; i < 200 && (await stack.client.reaggregation(workflowId, updated.reaggregation!.id)).state !== 'completed'; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  const { rows } = await stack.db.query('SELECT s.external_id FROM subject_set_members m JOIN subjects s ON s.id = m.subject_id WHERE m.subject_set_id = $1 ORDER BY s.external_id', [confirmed.id]);
  expect(rows.map((row) => row.external_id)).toEqual(['ad1', 'ad2']);
});

it('leaves the order of the set it feeds alone when a new version applies its effects again', async () => {
  const project = await stack.client.createProject({ title: 'Ordered', status: 'live' });
  const [snippets, toRead] = await Promise.all(['Snippets', 'To read'].map((name) => stack.client.createSubjectSet(project.id, { name })));
  await stack.client.addSubjects(snippets!.id, ['s1', 's2', 's3'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
  const effect = (agreementAtLeast: number) => [{ when: { task: 'T0', answer: 'no', agreementAtLeast }, addToSubjectSet: toRead!.id }];
  const definition = { name: 'Sort', firstTask: 'T0', tasks: { T0: yesNo }, retirement: { rule: 'count' as const, count: 1 }, subjectSetIds: [snippets!.id] };
  const { id: workflowId } = await stack.client.createWorkflow(project.id, { ...definition, effects: effect(0.5) });
  await stack.client.activateWorkflow(workflowId);
  await classifyUntilFinished(stack.anonymous.withToken((await stack.anonymous.guest()).token), workflowId, () => 'no');
  await until(async () => (await stack.client.stats(workflowId)).retired === 3, 'every subject retired');
  // A researcher adds one more after them: a sequential workflow over the set serves it last.
  await stack.client.addSubjects(toRead!.id, [{ externalId: 'u', locations: [{ type: 'text', text: 'u' }] }]);
  const order = async () =>
    (await stack.db.query('SELECT s.external_id FROM subject_set_members m JOIN subjects s ON s.id = m.subject_id WHERE m.subject_set_id = $1 ORDER BY m.position, s.id', [toRead!.id])).rows.map(
      (row) => row.external_id,
    );
  const before = await order();
  expect(before).toHaveLength(4);
  expect(before.at(-1)).toBe('u');
  const updated = await stack.client.updateWorkflow(workflowId, { ...definition, effects: effect(0.4) });
  await until(async () => (await stack.client.reaggregation(workflowId, updated.reaggregation!.id)).state === 'completed', 'the re-aggregation');
  expect(await order()).toEqual(before);
});

it('refuses an effect that would move subjects into another project’s set', async () => {
  const mine = await stack.client.createProject({ title: 'Mine' });
  const theirs = await stack.client.createProject({ title: 'Theirs' });
  const foreign = await stack.client.createSubjectSet(theirs.id, { name: 'Foreign' });
  const error = (await stack.client
    .createWorkflow(mine.id, { name: 'W', firstTask: 'T0', tasks: { T0: yesNo }, effects: [{ when: { task: 'T0', answer: 'no' }, addToSubjectSet: foreign.id }] })
    .catch((e) => e)) as ChorusApiError;
  expect(error.status).toBe(422);
  expect(error.problem.errors).toEqual([{ pointer: '/effects/0/addToSubjectSet', message: 'is not a subject set of this project' }]);
});

describe('a workflow fed by another’s effects, when nothing is left to a volunteer', () => {
  const text = (externalId: string) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] });

  /**
   * Workflow "Sort" (two subjects, retired at 2) and "Read" (one subject of its own, retired at 2), in one project. Sort
   * is `sort` ('active', 'paused', 'draft' or 'finished') and, with `effectInto`, adds its "no" subjects to that set ('read':
   * Read's, 'elsewhere': a set Read is not linked to). A volunteer classifies Read's one subject; Read's queue answer
   * to them after that, and whether Read is listed as complete.
   */
  async function afterReadingAll(sort: 'active' | 'paused' | 'draft' | 'finished', effectInto?: 'read' | 'elsewhere') {
    const project = await stack.client.createProject({ title: `Feeders ${randomUUID()}`, status: 'live' });
    const [toSort, toRead, elsewhere] = await Promise.all(['To sort', 'To read', 'Elsewhere'].map((name) => stack.client.createSubjectSet(project.id, { name })));
    await stack.client.addSubjects(toSort!.id, [text('a1'), text('a2')]);
    await stack.client.addSubjects(toRead!.id, [text('b1')]);
    const into = effectInto === 'read' ? toRead! : elsewhere!;
    const sortWorkflow = await stack.client.createWorkflow(project.id, {
      name: 'Sort',
      firstTask: 'T0',
      tasks: { T0: yesNo },
      retirement: { rule: 'count', count: 2 },
      subjectSetIds: [toSort!.id],
      effects: effectInto ? [{ when: { task: 'T0', answer: 'no' }, addToSubjectSet: into.id }] : [],
    });
    const read = await stack.client.createWorkflow(project.id, { name: 'Read', firstTask: 'T0', tasks: { T0: yesNo }, retirement: { rule: 'count', count: 2 }, subjectSetIds: [toRead!.id] });
    if (sort !== 'draft') await stack.client.activateWorkflow(sortWorkflow.id);
    if (sort === 'finished') await stack.client.request('POST', `/workflows/${sortWorkflow.id}/finish`);
    if (sort === 'paused') await stack.client.pauseWorkflow(sortWorkflow.id);
    await stack.client.activateWorkflow(read.id);
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const served = await volunteer.queue(read.id);
    await volunteer.classify({ workflowId: read.id, workflowVersion: served.workflowVersion, subjectId: served.subjects[0]!.id, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    return { answer: await volunteer.queue(read.id), complete: (await stack.client.getWorkflow(read.id)).complete };
  }

  it('is told more may come while an active workflow with subjects left adds to its sets, though its own subject is not retired', async () => {
    const { answer } = await afterReadingAll('active', 'read');
    expect(answer).toMatchObject({ subjects: [], finished: false, retryAfterSeconds: 60, comingFrom: ['Sort'] });
    expect(answer.feedersPaused).toBeUndefined();
  });

  it('is told more may come from a paused workflow with subjects left, and that it is paused: none comes until it goes on again', async () => {
    const { answer, complete } = await afterReadingAll('paused', 'read');
    expect(answer).toMatchObject({ subjects: [], finished: false, retryAfterSeconds: 60, comingFrom: ['Sort'], feedersPaused: true });
    expect(complete).toBe(false);
  });

  it.each([
    ['a workflow with no effect', 'active', undefined],
    ['a workflow whose effect adds to a set it is not linked to', 'active', 'elsewhere'],
    ['a draft workflow', 'draft', 'read'],
    ['a finished workflow', 'finished', 'read'],
  ] as const)('is not kept waiting by %s', async (_, sort, effectInto) => {
    const { answer, complete } = await afterReadingAll(sort, effectInto);
    expect(answer).toMatchObject({ subjects: [], finished: true, reason: 'seen-everything' });
    expect(answer.comingFrom).toBeUndefined();
    expect(complete).toBe(false); // its subject has one answer of the two its rule asks for
  });
});

it('acts on no answer to a task the consensus path does not reach: no agreement retirement, no effect, the same after a re-aggregation', async () => {
  const project = await stack.client.createProject({ title: 'Branching', status: 'live' });
  const snippets = await stack.client.createSubjectSet(project.id, { name: 'Snippets' });
  const soap = await stack.client.createSubjectSet(project.id, { name: 'Soap advertisements' });
  const { subjectIds: [subjectId] } = await stack.client.addSubjects(snippets.id, [{ externalId: 'news', locations: [{ type: 'text' as const, text: 'news' }] }]);
  const { id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'Ad or not?',
    firstTask: 'T0',
    tasks: advertisementTasks,
    // The rule on T1 alone would retire the subject at its first "soap"; the count retires it at the third answer.
    retirement: { rule: 'any', rules: [{ rule: 'agreement', task: 'T1', threshold: 0.9, minimum: 1, maximum: 10 }, { rule: 'count', count: 3 }] },
    effects: [{ when: { task: 'T1', answer: 'soap' }, addToSubjectSet: soap.id }],
    subjectSetIds: [snippets.id],
  });
  await stack.client.activateWorkflow(workflowId);
  for (const annotations of [advertisementAnswers(), advertisementAnswers('soap'), advertisementAnswers()]) {
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: subjectId!, annotations }, randomUUID());
    await until(async () => (await stack.db.query('SELECT 1 FROM aggregation_outbox WHERE workflow_id = $1', [workflowId])).rowCount === 0, 'the answer aggregated');
  }
  await until(async () => (await stack.client.stats(workflowId)).retired === 1, 'the subject retired');
  const stored = async () =>
    (await stack.db.query('SELECT task, answer, agreement, votes, result FROM consensus WHERE workflow_id = $1 ORDER BY task', [workflowId])).rows.map(({ result, ...row }) => ({ ...row, notReached: result.notReached ?? null }));
  const expected = [
    { task: 'T0', answer: 'no', agreement: 2 / 3, votes: 3, notReached: null },
    { task: 'T1', answer: null, agreement: null, votes: 1, notReached: { task: 'T0', answer: 'no' } },
  ];
  const { rows: [status] } = await stack.db.query('SELECT retirement_reason FROM subject_workflow_status WHERE workflow_id = $1', [workflowId]);
  expect(status.retirement_reason).toBe('count');
  expect(await stored()).toEqual(expected);
  const inSoap = async () => (await stack.db.query('SELECT count(*)::int AS n FROM subject_set_members WHERE subject_set_id = $1', [soap.id])).rows[0].n;
  expect(await inSoap()).toBe(0);

  const run = await stack.client.reaggregate(workflowId);
  await until(async () => (await stack.client.reaggregation(workflowId, run.id)).state === 'completed', 'the re-aggregation');
  expect(await stored()).toEqual(expected);
  expect(await inSoap()).toBe(0);
});

it('retires a subject on agreement about the answer its rule names only: three "no" retire a blank, three "yes" wait for the next task', async () => {
  const project = await stack.client.createProject({ title: 'Blanks early', status: 'live' });
  const snippets = await stack.client.createSubjectSet(project.id, { name: 'Snippets' });
  const { subjectIds: [blank, ad] } = await stack.client.addSubjects(snippets.id, ['blank', 'ad'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
  const { id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'Ad or not?',
    firstTask: 'T0',
    tasks: advertisementTasks,
    retirement: { rule: 'any', rules: [{ rule: 'agreement', task: 'T0', answer: 'no', minimum: 3, threshold: 1, maximum: 15 }, { rule: 'agreement', task: 'T1', minimum: 3, threshold: 0.9, maximum: 15 }] },
    subjectSetIds: [snippets.id],
  });
  await stack.client.activateWorkflow(workflowId);
  for (const advertised of ['soap', 'tea', 'soap'] as const) {
    for (const [subjectId, annotations] of [[blank!, advertisementAnswers()], [ad!, advertisementAnswers(advertised)]] as const) {
      const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations }, randomUUID());
    }
    await until(async () => (await stack.db.query('SELECT 1 FROM aggregation_outbox WHERE workflow_id = $1', [workflowId])).rowCount === 0, 'the answers aggregated');
  }
  const statuses = async () =>
    Object.fromEntries((await stack.db.query('SELECT subject_id, retirement_reason FROM subject_workflow_status WHERE workflow_id = $1', [workflowId])).rows.map((row) => [row.subject_id, row.retirement_reason]));
  // Three "yes" agree on T0 as fully as three "no", but the rule names "no": the advertisement waits for T1's consensus.
  expect(await statuses()).toEqual({ [blank!]: 'agreement', [ad!]: null });
});
