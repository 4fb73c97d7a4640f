import type { ChorusClient, QueueView, WorkflowInput } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { type Stack, startStack } from '../../../test/support/stack';
import { signUp } from '../../../test/support/accounts';
import { refusal } from '../../../test/support/requests';
import { queueWorkflow } from '../../../test/support/workflows';

/** The queue of a volunteer who chose a subject set (`volunteersChooseSubjectSet`, `?subjectSetId=`). */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});

/** A live workflow of `sets` subject sets of `count` subjects each (`queueWorkflow`), under `selection`. */
const workflowOf = (count: number, selection: WorkflowInput['selection'], sets = 3) => queueWorkflow(stack, count, { selection }, sets);

async function guest(): Promise<ChorusClient> {
  return stack.anonymous.withToken((await stack.anonymous.guest()).token);
}

const classify = (client: ChorusClient, queue: QueueView, subjectId: string) =>
  client.classify({ workflowId: queue.workflowId, workflowVersion: queue.workflowVersion, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());

const externalIds = (queue: QueueView) => queue.subjects.map((subject) => subject.externalId);

const holdsIn = async (workflowId: string) => (await stack.db.query('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1', [workflowId])).rows[0].n as number;

describe('a volunteer who chose a subject set', () => {
  it('is served only that set’s subjects, never twice across prefetched batches, then told the set is finished while others still have subjects', async () => {
    const { workflowId, setIds } = await workflowOf(6, { order: 'random', goldStandardRate: 0, volunteersChooseSubjectSet: true });
    const volunteer = await guest();
    const batches: QueueView[] = [];
    // Prefetch: three batches asked before any answer.
    for (let i = 0; i < 3; i++) batches.push(await volunteer.queue(workflowId, 2, { subjectSetId: setIds[1] }));
    const served = batches.flatMap(externalIds);
    expect(served.sort()).toEqual(['s1-000', 's1-001', 's1-002', 's1-003', 's1-004', 's1-005']);
    // Held all: nothing more now, and not finished (they have yet to answer).
    expect(await volunteer.queue(workflowId, 2, { subjectSetId: setIds[1] })).toMatchObject({ subjects: [], finished: false, heldBy: 'you' });
    for (const batch of batches) for (const subject of batch.subjects) await classify(volunteer, batch, subject.id);
    const done = await volunteer.queue(workflowId, 2, { subjectSetId: setIds[1] });
    expect(done).toMatchObject({ subjects: [], finished: true, reason: 'set-finished' });
    // The other sets still serve them, chosen or not.
    expect(externalIds(await volunteer.queue(workflowId, 1, { subjectSetId: setIds[2] }))).toEqual([expect.stringMatching(/^s2-/)]);
    expect(externalIds(await volunteer.queue(workflowId, 10))).not.toContainEqual(expect.stringMatching(/^s1-/));
  });

  it('is told the workflow’s own reason when no other set has anything left for them either', async () => {
    const { workflowId, setIds } = await workflowOf(2, { order: 'random', goldStandardRate: 0, volunteersChooseSubjectSet: true }, 1);
    const volunteer = await guest();
    const batch = await volunteer.queue(workflowId, 5, { subjectSetId: setIds[0] });
    for (const subject of batch.subjects) await classify(volunteer, batch, subject.id);
    expect(await volunteer.queue(workflowId, 5, { subjectSetId: setIds[0] })).toMatchObject({ subjects: [], finished: true, reason: 'seen-everything' });
  });

  it('is served the set in its own order under sequential selection, batch after batch, though it is not the first set', async () => {
    const { workflowId, setIds } = await workflowOf(5, { order: 'sequential', goldStandardRate: 0, volunteersChooseSubjectSet: true });
    const volunteer = await guest();
    const first = await volunteer.queue(workflowId, 2, { subjectSetId: setIds[2] });
    const second = await volunteer.queue(workflowId, 2, { subjectSetId: setIds[2] });
    expect([externalIds(first), externalIds(second)]).toEqual([['s2-000', 's2-001'], ['s2-002', 's2-003']]);
    // Another volunteer starts where the set's front is: its first member nobody has filled.
    expect(externalIds(await (await guest()).queue(workflowId, 1, { subjectSetId: setIds[1] }))).toEqual(['s1-000']);
    // A resumed page of theirs is given back the subjects it held in this set only.
    await volunteer.queue(workflowId, 1, { subjectSetId: setIds[0] });
    expect(externalIds(await volunteer.queue(workflowId, 10, { subjectSetId: setIds[2], resume: true }))).toEqual(['s2-000', 's2-001', 's2-002', 's2-003', 's2-004']);
  });

  it('is served the set by priority under priority selection', async () => {
    const { workflowId, setIds } = await workflowOf(4, { order: 'priority', goldStandardRate: 0, volunteersChooseSubjectSet: true }, 2);
    await stack.client.setPriorities(workflowId, [
      { externalId: 's0-000', priority: -10 },
      { externalId: 's1-002', priority: -5 },
      { externalId: 's1-003', priority: -4 },
    ]);
    const served = await (await guest()).queue(workflowId, 2, { subjectSetId: setIds[1] });
    expect(externalIds(served)).toEqual(['s1-002', 's1-003']);
  });

  it('gets gold-standard slots only from the chosen set’s gold-standard subjects', async () => {
    const { workflowId, setIds } = await workflowOf(3, { order: 'random', goldStandardRate: 1, volunteersChooseSubjectSet: true }, 2);
    await stack.client.addSubjects(setIds[0]!, [{ externalId: 'gold-0', goldStandard: { T0: 'yes' }, locations: [{ type: 'text', text: 'Known 0' }] }]);
    await stack.client.addSubjects(setIds[1]!, [{ externalId: 'gold-1', goldStandard: { T0: 'yes' }, locations: [{ type: 'text', text: 'Known 1' }] }]);
    // Every slot is drawn for gold standard; the set's one fills one (as many volunteers at once as the rule's 3), its regular subjects the rest.
    for (let i = 0; i < 3; i++) {
      const served = externalIds(await (await guest()).queue(workflowId, 3, { subjectSetId: setIds[1] }));
      expect(served).toContain('gold-1');
      expect(served.every((id) => id === 'gold-1' || id?.startsWith('s1-'))).toBe(true);
    }
  });

  it('lists the sets a volunteer may choose, in the workflow’s order, with the subjects left in each; none where they may not choose', async () => {
    const { workflowId, setIds } = await workflowOf(3, { order: 'random', goldStandardRate: 0, volunteersChooseSubjectSet: true }, 2);
    await stack.client.request('POST', `/workflows/${workflowId}/retire`, { externalIds: ['s1-000', 's1-001'], reason: 'done' });
    expect(await stack.anonymous.choosableSets(workflowId)).toEqual({
      sets: [
        { id: setIds[0], name: 'Set 0', subjects: 3, left: 3 },
        { id: setIds[1], name: 'Set 1', subjects: 3, left: 1 },
      ],
    });
    const plain = await workflowOf(1, { order: 'random', goldStandardRate: 0 }, 1);
    expect(await stack.anonymous.choosableSets(plain.workflowId)).toEqual({ sets: [] });
  });
});

/** A live workflow volunteers choose sets of: "Training" (its training set), "Known" (gold-standard subjects only) and "Letters". */
async function withTrainingAndGoldOnly() {
  const project = await stack.client.createProject({ title: `Training ${randomUUID().slice(0, 8)}`, status: 'live' });
  const setIds: Record<'training' | 'known' | 'letters', string> = { training: '', known: '', letters: '' };
  for (const [key, name, gold] of [['training', 'Training', false], ['known', 'Known', true], ['letters', 'Letters', false]] as const) {
    const set = await stack.client.createSubjectSet(project.id, { name });
    await stack.client.addSubjects(set.id, [0, 1].map((i) => ({ externalId: `${key}-${i}`, locations: [{ type: 'text' as const, text: `${name} ${i}` }], ...(gold ? { goldStandard: { T0: 'yes' } } : {}) })));
    setIds[key] = set.id;
  }
  const tasks = { T0: { type: 'single' as const, question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } };
  const selection = { order: 'random' as const, goldStandardRate: 0, volunteersChooseSubjectSet: true, training: { subjectSetId: setIds.training, classifications: 2 } };
  const { id } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'T0', tasks, selection, subjectSetIds: Object.values(setIds) });
  await stack.client.activateWorkflow(id);
  return { workflowId: id, setIds };
}

describe('the list of sets to choose', () => {
  afterEach(() => jest.restoreAllMocks());
  const TRUSTED_MS = 30_000;

  it('answers the public from what this process read in the last 30 s, one statement for reads at once, while the team sees a retirement at once', async () => {
    const { workflowId, setIds } = await workflowOf(2, { order: 'random', goldStandardRate: 0, volunteersChooseSubjectSet: true }, 1);
    // The list's statement is a prepared one, sent to the pool.
    const pool = (stack.app.get(DataSource).driver as unknown as { master: { query: (statement: { text?: string; values?: unknown[] }) => Promise<unknown> } }).master;
    const query = pool.query.bind(pool);
    let statements = 0;
    jest.spyOn(pool, 'query').mockImplementation((statement) => {
      if (statement?.text?.includes('AS "left"') && statement.values?.[0] === workflowId) statements += 1;
      return query(statement);
    });
    const volunteer = await guest();
    const [before] = await Promise.all([stack.anonymous.choosableSets(workflowId), volunteer.choosableSets(workflowId)]);
    expect(before.sets).toEqual([{ id: setIds[0], name: 'Set 0', subjects: 2, left: 2 }]);
    expect(statements).toBe(1);

    await stack.client.request('POST', `/workflows/${workflowId}/retire`, { externalIds: ['s0-000'], reason: 'done' });
    expect((await stack.client.choosableSets(workflowId)).sets[0]?.left).toBe(1);
    expect(await volunteer.choosableSets(workflowId)).toEqual(before);
    // A chosen set is checked against the same list: no statement of its own.
    await volunteer.queue(workflowId, 1, { subjectSetId: setIds[0] });
    expect(statements).toBe(2);
    // The team's chosen set is checked now, by a probe of that set alone.
    await stack.client.queue(workflowId, 1, { subjectSetId: setIds[0] });
    expect(statements).toBe(2);

    jest.spyOn(Date, 'now').mockReturnValue(Date.now() + TRUSTED_MS + 1);
    expect((await stack.anonymous.choosableSets(workflowId)).sets[0]?.left).toBe(1);
  });
});

describe('who may read the list of sets to choose', () => {
  /** A workflow volunteers choose sets of, in a project `status`, itself a draft or active. */
  async function choosingWorkflow(status: 'live' | 'draft', active: boolean) {
    const project = await stack.client.createProject({ title: `Sets to choose ${randomUUID().slice(0, 8)}`, status });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Letter 1' });
    await stack.client.addSubjects(set.id, [{ externalId: 'p1', locations: [{ type: 'text', text: 'Page 1' }] }]);
    const tasks = { T0: { type: 'single' as const, question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } };
    const { id } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'T0', tasks, selection: { order: 'random', goldStandardRate: 0, volunteersChooseSubjectSet: true }, subjectSetIds: [set.id] });
    if (active) await stack.client.activateWorkflow(id);
    return { workflowId: id, setId: set.id };
  }

  it('answers 404 to the signed-out and to a signed-in non-member for a draft workflow and for a workflow of a project that is not public; its members get the list', async () => {
    const outsider = stack.anonymous.withToken((await signUp(stack, { email: `outsider-${randomUUID().slice(0, 8)}@example.org`, displayName: 'Outsider' })).token);
    for (const [status, active] of [['live', false], ['draft', true]] as const) {
      const { workflowId, setId } = await choosingWorkflow(status, active);
      for (const client of [stack.anonymous, outsider]) await refusal(client.choosableSets(workflowId), { status: 404 });
      expect(await stack.client.choosableSets(workflowId)).toEqual({ sets: [{ id: setId, name: 'Letter 1', subjects: 1, left: 1 }] });
    }
  });
});

describe('a chosen subject set the queue refuses', () => {
  const CHOOSE_ANOTHER = 'must be the id of a subject set volunteers may choose in this workflow (GET /workflows/:id/queue/sets lists them): one it serves, not its training set, with subjects that are not all gold standard';
  const queueOf = (client: ChorusClient, workflowId: string, subjectSetId: string) => refusal(client.queue(workflowId, 2, { subjectSetId }), { status: 422 });

  it('refuses a set in a workflow that does not let volunteers choose, naming subjectSetId, and holds nothing', async () => {
    const { workflowId, setIds } = await workflowOf(2, { order: 'random', goldStandardRate: 0 }, 2);
    const refused = await queueOf(await guest(), workflowId, setIds[0]!);
    expect(refused.problem.errors).toEqual([
      { pointer: '/query/subjectSetId', message: 'names a subject set, but this workflow does not let volunteers choose one (its selection has no volunteersChooseSubjectSet): leave subjectSetId out' },
    ]);
    expect(await holdsIn(workflowId)).toBe(0);
  });

  it('refuses a set the workflow does not serve, or not an id, naming subjectSetId, and holds nothing', async () => {
    const { workflowId, projectId } = await workflowOf(2, { order: 'random', goldStandardRate: 0, volunteersChooseSubjectSet: true }, 1);
    const unlinked = await stack.client.createSubjectSet(projectId, { name: 'Not served' });
    const volunteer = await guest();
    for (const subjectSetId of [unlinked.id, randomUUID()]) {
      const refused = await queueOf(volunteer, workflowId, subjectSetId);
      expect(refused.problem.errors).toEqual([{ pointer: '/query/subjectSetId', message: CHOOSE_ANOTHER }]);
    }
    const notAnId = await queueOf(volunteer, workflowId, 'letter-12');
    expect(notAnId.problem.errors?.[0]?.pointer).toBe('/query/subjectSetId');
    expect(await holdsIn(workflowId)).toBe(0);
  });

  it('neither lists nor serves the training set, nor a set of gold-standard subjects only, naming subjectSetId, and holds nothing', async () => {
    const { workflowId, setIds } = await withTrainingAndGoldOnly();
    expect(await stack.anonymous.choosableSets(workflowId)).toEqual({ sets: [{ id: setIds.letters, name: 'Letters', subjects: 2, left: 2 }] });
    const volunteer = await guest();
    for (const subjectSetId of [setIds.training, setIds.known]) {
      const refused = await queueOf(volunteer, workflowId, subjectSetId);
      expect(refused.problem.errors).toEqual([{ pointer: '/query/subjectSetId', message: CHOOSE_ANOTHER }]);
      const refusedToTeam = await queueOf(stack.client, workflowId, subjectSetId);
      expect(refusedToTeam.problem.errors).toEqual([{ pointer: '/query/subjectSetId', message: CHOOSE_ANOTHER }]);
    }
    expect(await holdsIn(workflowId)).toBe(0);
  });

  it('refuses, in the process that saved the links, a set unlinked a moment after the public list was read', async () => {
    const { workflowId, setIds } = await workflowOf(2, { order: 'random', goldStandardRate: 0, volunteersChooseSubjectSet: true }, 2);
    const volunteer = await guest();
    expect((await volunteer.choosableSets(workflowId)).sets.map((set) => set.id)).toEqual(setIds);
    await stack.client.updateWorkflow(workflowId, { ...(await stack.client.getWorkflow(workflowId)).definition, subjectSetIds: [setIds[0]!] });
    const refused = await queueOf(volunteer, workflowId, setIds[1]!);
    expect(refused.problem.errors).toEqual([{ pointer: '/query/subjectSetId', message: CHOOSE_ANOTHER }]);
    expect(await holdsIn(workflowId)).toBe(0);
  });
});
