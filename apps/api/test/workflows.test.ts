import { ChorusApiError, type ChorusClient, type WorkflowInput } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { newAccount, newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { VERSION_HISTORY } from '../src/workflows/workflow-versions';

let stack: Stack;
let projectId: string;
let subjectSetId: string;

const definition = (question = 'Is it an advertisement?'): WorkflowInput => ({
  name: 'Ad or not?',
  firstTask: 'T0',
  tasks: { T0: { type: 'single', question, answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
  retirement: { rule: 'count', count: 3 },
});

const problemOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: ChorusApiError) => error);

beforeAll(async () => {
  stack = await startStack({ worker: false });
  projectId = (await stack.client.createProject({ title: 'Workflows', status: 'live' })).id;
  subjectSetId = (await stack.client.createSubjectSet(projectId, { name: 'Set' })).id;
  await stack.client.addSubjects(subjectSetId, [{ externalId: 'a', locations: [{ type: 'text', text: 'A coach.' }] }]);
});
afterAll(() => stack.stop());

async function guest(): Promise<ChorusClient> {
  return stack.anonymous.withToken((await stack.anonymous.guest()).token);
}

describe('workflow versions', () => {
  it('keep the version for an unchanged definition and add one for a changed one', async () => {
    const { id, version } = await stack.client.createWorkflow(projectId, { ...definition(), subjectSetIds: [subjectSetId] });
    expect(version).toBe(1);
    expect(await stack.client.updateWorkflow(id, definition())).toEqual({ id, version: 1 });
    expect(await stack.client.updateWorkflow(id, definition('Is this a paid notice?'))).toEqual({ id, version: 2 });
    const workflow = await stack.client.getWorkflow(id);
    expect(workflow).toMatchObject({ version: 2, status: 'draft', subjectSetIds: [subjectSetId] });
    expect(workflow.definition.tasks.T0).toMatchObject({ question: 'Is this a paid notice?' });
    expect(workflow.definition.selection).toEqual({ order: 'random', goldStandardRate: 0 });
    // Every version stays readable, as the classifications that name it were answered.
    const first = await stack.client.getWorkflowVersion(id, 1);
    expect(first).toMatchObject({ id, version: 1, createdAt: expect.stringMatching(/^\d{4}-/) });
    expect(first.definition.tasks.T0).toMatchObject({ question: 'Is it an advertisement?' });
    expect((await problemOf(stack.client.getWorkflowVersion(id, 3)))?.problem.errors).toEqual([{ pointer: '/params/version', message: 'names nothing that exists' }]);
    expect((await problemOf(stack.client.getWorkflowVersion(id, 0)))?.problem.errors).toEqual([{ pointer: '/params/version', message: 'versions start at 1' }]);
    expect((await problemOf(stack.client.getWorkflowVersion(id, 99_999_999_999)))?.problem.errors).toEqual([{ pointer: '/params/version', message: 'is beyond any version' }]);
  });

  it('list a workflow’s versions to its team, newest first, with their authors, classifications and what each changed', async () => {
    const { id } = await stack.client.createWorkflow(projectId, { ...definition(), subjectSetIds: [subjectSetId] });
    const classify = async (volunteer: ChorusClient, workflowVersion: number) => {
      const subjectId = (await volunteer.queue(id)).subjects[0]!.id;
      await volunteer.classify({ workflowId: id, workflowVersion, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    };
    await classify(stack.client, 1); // the team's try in draft, counted toward nothing
    await stack.client.activateWorkflow(id);
    await classify(await guest(), 1);
    await classify(await guest(), 1);
    await stack.client.updateWorkflow(id, definition('Is this a paid notice?'));
    await classify(await guest(), 2);
    const scientist = await newMember(stack, projectId, 'scientist', 'Grace Scientist');
    await scientist.client.updateWorkflow(id, { ...definition('Is this a paid notice?'), retirement: { rule: 'count', count: 2 } });

    const { versions } = await stack.client.workflowVersions(id);
    expect(versions.map(({ version, classifications, createdBy }) => [version, classifications, createdBy?.displayName])).toEqual([
      [3, 0, 'Grace Scientist'],
      [2, 1, 'Researcher'],
      [1, 2, 'Researcher'],
    ]);
    expect(versions.reduce((sum, version) => sum + version.classifications, 0)).toBe((await stack.client.stats(id)).classifications);
    expect(versions[0]).toMatchObject({ createdBy: { id: scientist.id }, createdAt: (await stack.client.getWorkflowVersion(id, 3)).createdAt });
    // What the save of each said at length, in short: the words alone compute nothing again; a rule that retires sooner does.
    expect(versions.map((version) => version.changes)).toEqual([
      { fields: ['/retirement'], consensus: true, warnings: [{ pointer: '/retirement', message: expect.stringContaining('asks for at most 2 classifications where it asked for 3') }], sameAs: null },
      { fields: ['/tasks/T0'], consensus: false, warnings: [], sameAs: null },
      null,
    ]);
    expect(JSON.stringify(versions)).not.toContain(scientist.email);

    // The team's (a moderator too); 403 for others who may see the workflow, 404 for those who may not, 401 without a token.
    const moderator = await newMember(stack, projectId, 'moderator', 'Mo');
    expect((await moderator.client.workflowVersions(id)).versions.map((version) => version.version)).toEqual([3, 2, 1]);
    const outsider = await newAccount(stack, 'Outsider');
    for (const caller of [outsider.client, await guest()]) {
      const refused = await problemOf(caller.workflowVersions(id));
      expect([refused?.status, refused?.problem.detail]).toEqual([403, expect.stringContaining("Only the project's moderators and researchers may do this")]);
    }
    expect((await problemOf(stack.anonymous.workflowVersions(id)))?.status).toBe(401);
    const draftProject = await stack.client.createProject({ title: `Unpublished ${randomUUID().slice(0, 8)}` });
    const unpublished = await stack.client.createWorkflow(draftProject.id, definition());
    expect((await stack.client.workflowVersions(unpublished.id)).versions.map((version) => [version.version, version.changes])).toEqual([[1, null]]);
    const hidden = await problemOf(outsider.client.workflowVersions(unpublished.id));
    expect([hidden?.status, hidden?.problem.errors]).toEqual([404, [{ pointer: '/params/id', message: 'names nothing that exists' }]]);
    const missing = await problemOf(stack.client.workflowVersions(randomUUID()));
    expect([missing?.status, missing?.problem.errors?.[0]?.pointer]).toEqual([404, '/params/id']);
  });

  it('make an earlier version current again as a new version, from the definition that version holds, which the history says it has again', async () => {
    const { id } = await stack.client.createWorkflow(projectId, { ...definition(), subjectSetIds: [subjectSetId] });
    await stack.client.updateWorkflow(id, { ...definition('Is this a paid notice?'), retirement: { rule: 'count', count: 5 } });
    const first = await stack.client.getWorkflowVersion(id, 1);
    expect(await stack.client.updateWorkflow(id, first.definition)).toMatchObject({ id, version: 3 });
    expect((await stack.client.getWorkflowVersion(id, 3)).definition).toEqual(first.definition);
    expect((await stack.client.workflowVersions(id)).versions.map((version) => [version.version, version.changes?.fields, version.changes?.sameAs])).toEqual([
      [3, ['/retirement', '/tasks/T0'], 1],
      [2, ['/retirement', '/tasks/T0'], null],
      [1, undefined, undefined],
    ]);
  });

  it('say, of a version with the definition of several earlier ones, the newest of them', async () => {
    const { id } = await stack.client.createWorkflow(projectId, { ...definition(), subjectSetIds: [subjectSetId] });
    const first = (await stack.client.getWorkflowVersion(id, 1)).definition;
    await stack.client.updateWorkflow(id, definition('Is this a paid notice?'));
    const second = (await stack.client.getWorkflowVersion(id, 2)).definition;
    for (const again of [first, second, first]) await stack.client.updateWorkflow(id, again);
    expect((await stack.client.workflowVersions(id)).versions.map((version) => [version.version, version.changes?.sameAs])).toEqual([
      [5, 3],
      [4, 2],
      [3, 1],
      [2, null],
      [1, undefined],
    ]);
  });

  it('count each version’s classifications from their own index alone (an index-only scan), not by reading every classification', async () => {
    const plan = await stack.db.query('BEGIN').then(async () => {
      try {
        // The tables are small here, so the planner is told to take an index over a scan, as it would at scale.
        await stack.db.query('SET LOCAL enable_seqscan = off');
        await stack.db.query('SET LOCAL enable_bitmapscan = off');
        return (await stack.db.query(`EXPLAIN ${VERSION_HISTORY}`, [randomUUID()])).rows.map((row) => row['QUERY PLAN']).join('\n');
      } finally {
        await stack.db.query('ROLLBACK');
      }
    });
    expect(plan).toMatch(/Index Only Scan using classifications_versions_idx on classifications\b/);
  });

  it('warn, when saved, of a retirement rule on a task that a branch leads past', async () => {
    const branching: WorkflowInput = {
      name: 'Branching',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'single', question: 'Is there a ship?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
        T1: { type: 'single', question: 'Sail or steam?', answers: [{ value: 'sail', label: 'Sail' }, { value: 'steam', label: 'Steam' }] },
      },
      retirement: { rule: 'agreement', task: 'T1', minimum: 3, threshold: 0.8, maximum: 10 },
    };
    const created = await stack.client.createWorkflow(projectId, branching);
    expect(created.warnings).toEqual([{ pointer: '/retirement/task', message: expect.stringContaining('no answers to "T1"') }]);
    const fixed = await stack.client.updateWorkflow(created.id, { ...branching, retirement: { rule: 'agreement', task: 'T0', answer: 'no', minimum: 3, threshold: 0.8, maximum: 10 } });
    expect([fixed.version, fixed.warnings]).toEqual([2, undefined]);
  });

  it('warn, when saved, of an agreement rule on a branching question that retires on any answer; refuse an answer the question has not', async () => {
    const cameraTraps = (blanks: object): WorkflowInput => ({
      name: 'Camera traps',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'single', question: 'Is there an animal?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
        T1: { type: 'single', question: 'Which species?', answers: [{ value: 'fox', label: 'Fox' }, { value: 'deer', label: 'Deer' }, { value: 'boar', label: 'Boar' }] },
      },
      retirement: { rule: 'any', rules: [{ rule: 'agreement', task: 'T0', minimum: 3, threshold: 1, maximum: 15, ...blanks }, { rule: 'agreement', task: 'T1', minimum: 5, threshold: 0.7, maximum: 15 }] },
    });
    const created = await stack.client.createWorkflow(projectId, cameraTraps({}));
    expect(created.warnings).toEqual([{ pointer: '/retirement/rules/0/answer', message: expect.stringContaining('give `answer` (such as "no") to retire only on that answer') }]);
    const refused = await problemOf(stack.client.updateWorkflow(created.id, cameraTraps({ answer: 'No' })));
    expect([refused?.status, refused?.problem.errors]).toEqual([422, [{ pointer: '/retirement/rules/0/answer', message: 'must be one of the answers of task T0: "yes", "no"' }]]);
    expect((await stack.client.getWorkflow(created.id)).version).toBe(1);
    const fixed = await stack.client.updateWorkflow(created.id, cameraTraps({ answer: 'no' }));
    expect([fixed.version, fixed.warnings]).toEqual([2, undefined]);
  });

  it('warn, when saved, of a gold-standard rate with no gold standard, a short training set or one that retires, and classified subjects unlinked', async () => {
    const project = await stack.client.createProject({ title: `Warnings ${randomUUID().slice(0, 8)}`, status: 'live' });
    const [regular, training] = [await stack.client.createSubjectSet(project.id, { name: 'Regular' }), await stack.client.createSubjectSet(project.id, { name: 'Training' })];
    const text = (externalId: string) => ({ externalId, locations: [{ type: 'text' as const, text: `Snippet ${externalId}` }] });
    await stack.client.addSubjects(regular.id, [text('r1'), text('r2')]);
    const [unknown] = (await stack.client.addSubjects(training.id, [text('t1'), { ...text('t2'), goldStandard: { T0: 'yes' } }])).subjectIds;
    const goldOnly = await stack.client.createWorkflow(project.id, { ...definition(), selection: { order: 'random', goldStandardRate: 0.2 }, subjectSetIds: [regular.id] });
    expect(goldOnly.warnings).toEqual([{ pointer: '/selection/goldStandardRate', message: expect.stringContaining('no linked subject has known answers') }]);

    const selection = { order: 'random' as const, goldStandardRate: 0.2, training: { subjectSetId: training.id, classifications: 2 } };
    const withTraining = [regular.id, training.id];
    const created = await stack.client.createWorkflow(project.id, { ...definition(), selection: { ...selection, training: { ...selection.training, classifications: 3 } }, subjectSetIds: withTraining });
    expect(created.warnings).toEqual([
      { pointer: '/selection/training/classifications', message: expect.stringContaining('asks for 3 training subjects, but the training set has 2') },
      { pointer: '/selection/training/subjectSetId', message: expect.stringContaining('names a set with a subject without known answers (goldStandard): such a subject retires') },
    ]);
    // Two training subjects asked for, both with known answers: nothing to say.
    await stack.client.removeSubject(training.id, unknown!);
    await stack.client.addSubjects(training.id, [{ ...text('t3'), goldStandard: { T0: 'no' } }]);
    expect((await stack.client.updateWorkflow(created.id, { ...definition(), selection, subjectSetIds: withTraining })).warnings).toBeUndefined();

    // A set whose subjects were classified or are held, unlinked: said, with how many; an unused one unlinked says nothing.
    await stack.client.activateWorkflow(created.id);
    const volunteer = await guest();
    const queue = await volunteer.queue(created.id, 10);
    const trainingOne = queue.subjects.find((subject) => subject.externalId?.startsWith('t'))!;
    await volunteer.classify({ workflowId: created.id, workflowVersion: queue.workflowVersion, subjectId: trainingOne.id, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    const noTraining = { order: 'random' as const, goldStandardRate: 0.2 };
    const unlinked = await stack.client.updateWorkflow(created.id, { ...definition(), selection: noTraining, subjectSetIds: [regular.id] });
    expect(unlinked.warnings).toEqual([
      { pointer: '/subjectSetIds', message: expect.stringMatching(/^leaves out sets whose 2 subjects were classified, retired or held by volunteers in this workflow/) },
      { pointer: '/selection/goldStandardRate', message: expect.stringContaining('no linked subject has known answers') },
    ]);
    const relinked = await stack.client.updateWorkflow(created.id, { ...definition(), subjectSetIds: [training.id, regular.id] });
    expect(relinked.warnings).toBeUndefined();
    await volunteer.releaseHolds(created.id, queue.subjects.filter((subject) => subject.externalId?.startsWith('r')).map((subject) => subject.id));
    expect((await stack.client.updateWorkflow(created.id, { ...definition(), subjectSetIds: [training.id] })).warnings).toBeUndefined();
  });

  it('warn, when saved, of an effect into a set no workflow serves, until the set is linked to one', async () => {
    const project = await stack.client.createProject({ title: `Routing warnings ${randomUUID().slice(0, 8)}`, status: 'live' });
    const [first, later] = [await stack.client.createSubjectSet(project.id, { name: 'First stage' }), await stack.client.createSubjectSet(project.id, { name: 'Later stage' })];
    const routing = { ...definition(), effects: [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: later.id }], subjectSetIds: [first.id] };
    const created = await stack.client.createWorkflow(project.id, routing);
    const unserved = {
      pointer: '/effects/0/addToSubjectSet',
      message: `names subject set "Later stage" (${later.id}), which no workflow serves: the subjects this effect moves there are classified no further until the set is linked to the workflow they should go on to (in its subjectSetIds), unless the set is only meant to gather them`,
    };
    expect(created.warnings).toEqual([unserved]);
    // Said once: a save that changes neither the effects nor the links (a reworded question) says it no more.
    expect((await stack.client.updateWorkflow(created.id, { ...routing, ...definition('Is it an advert?') })).warnings).toBeUndefined();
    const routedOn = { ...routing, effects: [{ when: { task: 'T0', answer: 'no' }, addToSubjectSet: later.id }] };
    expect((await stack.client.updateWorkflow(created.id, routedOn)).warnings).toEqual([unserved]);
    expect((await stack.client.updateWorkflow(created.id, { ...routedOn, subjectSetIds: [] })).warnings).toEqual([unserved]);
    // The later stage's workflow made, serving the set: nothing to say.
    const serving = await stack.client.createWorkflow(project.id, { ...definition(), subjectSetIds: [later.id] });
    expect((await stack.client.updateWorkflow(created.id, routing)).warnings).toBeUndefined();
    // Finished, it serves nothing: the set is served by no workflow again.
    await stack.client.finishWorkflow(serving.id);
    expect((await stack.client.updateWorkflow(created.id, routedOn)).warnings).toEqual([unserved]);
  });

  it('warn, when a save leaves a set no workflow serves, of the workflows whose effects move subjects into it', async () => {
    const project = await stack.client.createProject({ title: `Routing warnings ${randomUUID().slice(0, 8)}`, status: 'live' });
    const [first, later, other] = await Promise.all(['First stage', 'Later stage', 'Other'].map((name) => stack.client.createSubjectSet(project.id, { name })));
    const routing = await stack.client.createWorkflow(project.id, {
      ...definition(),
      name: 'Sort',
      effects: [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: later!.id }],
      subjectSetIds: [first!.id],
    });
    const serving = await stack.client.createWorkflow(project.id, { ...definition(), name: 'Transcribe', subjectSetIds: [later!.id] });
    const unrouted = {
      pointer: '/subjectSetIds',
      message: `leaves subject set "Later stage" (${later!.id}) served by no workflow, while workflow "Sort" (${routing.id}) moves subjects into it by its effects: they are classified no further there until a workflow serves the set again`,
    };
    expect((await stack.client.updateWorkflow(serving.id, { ...definition(), name: 'Transcribe', subjectSetIds: [other!.id] })).warnings).toEqual([unrouted]);
    // Served by another workflow, the set is not left unserved.
    await stack.client.updateWorkflow(serving.id, { ...definition(), name: 'Transcribe', subjectSetIds: [later!.id] });
    const also = await stack.client.createWorkflow(project.id, { ...definition(), name: 'Transcribe too', subjectSetIds: [later!.id] });
    expect((await stack.client.updateWorkflow(serving.id, { ...definition(), name: 'Transcribe', subjectSetIds: [other!.id] })).warnings).toBeUndefined();
    expect((await stack.client.updateWorkflow(also.id, { ...definition(), name: 'Transcribe too', subjectSetIds: [other!.id] })).warnings).toEqual([unrouted]);
  });

  it('read a set id stored malformed (saved before ids were checked) as naming no set, failing no other workflow’s or set’s read', async () => {
    const project = await stack.client.createProject({ title: `Malformed routing ${randomUUID().slice(0, 8)}`, status: 'live' });
    // One after the other: the list is in the sets' order of creation, which two made at once would leave to chance.
    const first = await stack.client.createSubjectSet(project.id, { name: 'First stage' });
    const later = await stack.client.createSubjectSet(project.id, { name: 'Later stage' });
    const routing = await stack.client.createWorkflow(project.id, { ...definition(), name: 'Sort', effects: [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: later!.id }], subjectSetIds: [first!.id] });
    const broken = await stack.client.createWorkflow(project.id, { ...definition(), name: 'Old', subjectSetIds: [first!.id] });
    await stack.db.query(`UPDATE workflow_versions SET definition = jsonb_set(definition, '{effects}', '[{"when": {"task": "T0"}, "addToSubjectSet": "set-2"}]') WHERE workflow_id = $1`, [broken.id]);
    const { subjectSets } = await stack.client.subjectSets(project.id);
    expect(subjectSets.map((set) => [set.name, set.routedBy.map((workflow) => workflow.name)])).toEqual([['First stage', []], ['Later stage', ['Sort']]]);
    const routedOn = { ...definition(), name: 'Sort', effects: [{ when: { task: 'T0', answer: 'no' }, addToSubjectSet: later!.id }], subjectSetIds: [first!.id] };
    expect((await stack.client.updateWorkflow(routing.id, routedOn)).warnings?.map((warning) => warning.pointer)).toEqual(['/effects/0/addToSubjectSet']);
  });

  it('read a set id stored in capitals (saved before the schema lowercased ids) as naming that set', async () => {
    const project = await stack.client.createProject({ title: `Capital routing ${randomUUID().slice(0, 8)}`, status: 'live' });
    // One after the other: the list is in the sets' order of creation.
    const first = await stack.client.createSubjectSet(project.id, { name: 'First stage' });
    const later = await stack.client.createSubjectSet(project.id, { name: 'Later stage' });
    const old = await stack.client.createWorkflow(project.id, { ...definition(), name: 'Old', subjectSetIds: [first!.id] });
    const effects = JSON.stringify([{ when: { task: 'T0' }, addToSubjectSet: later!.id.toUpperCase() }]);
    await stack.db.query(`UPDATE workflow_versions SET definition = jsonb_set(definition, '{effects}', $2::jsonb) WHERE workflow_id = $1`, [old.id, effects]);
    const { subjectSets } = await stack.client.subjectSets(project.id);
    expect(subjectSets.map((set) => [set.name, set.routedBy.map((workflow) => workflow.name)])).toEqual([['First stage', []], ['Later stage', ['Old']]]);
  });

  it('refuse a task key that differs from an earlier version’s only in case, whose download columns would clash', async () => {
    const { id } = await stack.client.createWorkflow(projectId, { ...definition(), subjectSetIds: [subjectSetId] });
    const renamed = { ...definition(), firstTask: 't0', tasks: { t0: definition().tasks.T0! } };
    const problem = await problemOf(stack.client.updateWorkflow(id, renamed));
    expect(problem?.problem.errors).toEqual([{ pointer: '/tasks/t0', message: expect.stringMatching(/^differs from task "T0" of an earlier version only in case/) }]);
    expect((await stack.client.getWorkflow(id)).version).toBe(1);
    // A key whose columns an earlier version's task makes too (T0_known_answer is T0's known answer).
    const overwriting = { ...definition(), firstTask: 'T0_known', tasks: { T0_known: definition().tasks.T0! } };
    expect((await problemOf(stack.client.updateWorkflow(id, overwriting)))?.problem.errors).toEqual([
      { pointer: '/tasks/T0_known', message: expect.stringMatching(/^would make the downloads' column "T0_known_answer", which task "T0" makes too .*\(task "T0" is an earlier version's\)$/) },
    ]);
    // Another key altogether is a new task: its columns are its own.
    expect(await stack.client.updateWorkflow(id, { ...definition(), firstTask: 'T1', tasks: { T1: definition().tasks.T0! } })).toEqual({ id, version: 2 });
    // A workflow whose versions from before this check differ in case stays editable with either key as it was.
    const { rows: [current] } = await stack.db.query('SELECT definition FROM workflow_versions WHERE workflow_id = $1 AND version = 2', [id]);
    await stack.db.query('INSERT INTO workflow_versions (workflow_id, version, definition) VALUES ($1, 3, $2)', [id, JSON.stringify({ ...current.definition, firstTask: 't1', tasks: { t1: current.definition.tasks.T1 } })]);
    await stack.db.query('UPDATE workflows SET version = 3 WHERE id = $1', [id]);
    expect(await stack.client.updateWorkflow(id, { ...definition(), firstTask: 'T1', tasks: { T1: definition().tasks.T0! } })).toEqual({ id, version: 4 });
  });

  it('refuse an edit made from what is no longer current (If-Match), so no researcher silently undoes another', async () => {
    const created = await fetch(`${stack.baseUrl}/api/v1/projects/${projectId}/workflows`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.client.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...definition(), subjectSetIds: [subjectSetId] }),
    });
    const { id } = (await created.json()) as { id: string };
    const etag = async () => (await fetch(`${stack.baseUrl}/api/v1/workflows/${id}`, { headers: { authorization: `Bearer ${stack.client.token}` } })).headers.get('etag')!;
    const read = await etag();
    expect(created.headers.get('etag')).toBe(read); // the first edit needs no read first
    expect(read).toMatch(/^"1-[\w-]+"$/);
    // Two researchers edit what they read: the first to save wins, the second is told to read it again.
    expect(await stack.client.updateWorkflow(id, definition('First edit?'), read)).toEqual({ id, version: 2 });
    const late = await problemOf(stack.client.updateWorkflow(id, definition('Second edit?'), read));
    expect(late?.status).toBe(412);
    expect(late?.problem.type).toMatch(/version-conflict$/);
    expect(late?.problem.detail).toMatch(/^The workflow's ETag is "2-[\w-]+" now, not "1-[\w-]+": it has changed since you read it \(someone saved .* If-Match: "2-[\w-]+"\.$/);
    expect((await stack.client.getWorkflow(id)).definition.tasks.T0).toMatchObject({ question: 'First edit?' });
    // Linking other sets changes it too, though not its version.
    const other = (await stack.client.createSubjectSet(projectId, { name: 'Other' })).id;
    const beforeLink = await etag();
    expect(await stack.client.updateWorkflow(id, { ...definition('First edit?'), subjectSetIds: [subjectSetId, other] }, beforeLink)).toEqual({ id, version: 2 });
    expect((await problemOf(stack.client.updateWorkflow(id, { ...definition('First edit?'), subjectSetIds: [subjectSetId] }, beforeLink)))?.status).toBe(412);
    expect((await stack.client.getWorkflow(id)).subjectSetIds.sort()).toEqual([subjectSetId, other].sort());
    expect(await stack.client.updateWorkflow(id, definition('Second edit?'), await etag())).toEqual({ id, version: 3 });
    // A weak tag never matches strongly; a list matches when it holds the current tag, which a PUT answers with.
    const weak = await problemOf(stack.client.request('PUT', `/workflows/${id}`, definition('Second edit?'), { 'if-match': `W/${await etag()}` }));
    expect(weak?.status).toBe(412);
    expect(weak?.problem.title).toBe('Precondition failed');
    expect(weak?.problem.detail).toMatch(/: a weak ETag \(W\/…\) never matches If-Match, .* Send the ETag without W\/, with If-Match: "3-[\w-]+"\.$/);
    const saved = await fetch(`${stack.baseUrl}/api/v1/workflows/${id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${stack.client.token}`, 'content-type': 'application/json', 'if-match': `"0-stale", ${await etag()}` },
      body: JSON.stringify(definition('Third edit?')),
    });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('etag')).toBe(await etag());
    expect(saved.headers.get('etag')).toMatch(/^"4-/);
  });

  it('accept classifications of an older version and record which one', async () => {
    const { id } = await stack.client.createWorkflow(projectId, { ...definition(), subjectSetIds: [subjectSetId] });
    await stack.client.activateWorkflow(id);
    const volunteer = await guest();
    const queue = await volunteer.queue(id);
    await stack.client.updateWorkflow(id, definition('Changed wording'));
    const subjectId = queue.subjects[0]!.id;
    await volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    const { rows } = await stack.db.query('SELECT workflow_version FROM classifications WHERE workflow_id = $1', [id]);
    expect(rows).toEqual([{ workflow_version: 1 }]);
    const unknown = await problemOf((await guest()).classify({ workflowId: id, workflowVersion: 3, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID()));
    expect(unknown?.problem.errors).toEqual([{ pointer: '/workflowVersion', message: expect.stringContaining('current version is 2') }]);

    // Classified now: a version in other words only computes nothing again; one with another rule does.
    const reworded = await stack.client.updateWorkflow(id, definition('Changed wording again'));
    expect([reworded.version, reworded.reaggregation]).toEqual([3, undefined]);
    expect((await stack.db.query('SELECT reaggregations_requested AS n FROM workflows WHERE id = $1', [id])).rows[0].n).toBe(0);
    const stricter = await stack.client.updateWorkflow(id, { ...definition('Changed wording again'), retirement: { rule: 'count', count: 4 } });
    expect(stricter.version).toBe(4);
    expect(stricter.reaggregation).toMatchObject({ state: expect.any(String) });
  });

  it('keep the retirement, selection and effects a PUT leaves out, computing nothing again for a reworded question; sent, they change', async () => {
    const adverts = await stack.client.createSubjectSet(projectId, { name: `Adverts ${randomUUID().slice(0, 8)}` });
    await stack.client.createWorkflow(projectId, { ...definition(), subjectSetIds: [adverts.id] }); // the later stage, so that the effect's set is served
    const rules: Pick<WorkflowInput, 'retirement' | 'selection' | 'effects'> = {
      retirement: { rule: 'count', count: 3 },
      selection: { order: 'priority', goldStandardRate: 0 },
      effects: [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: adverts.id }],
    };
    const { id } = await stack.client.createWorkflow(projectId, { ...definition(), ...rules, subjectSetIds: [subjectSetId] });
    await stack.client.activateWorkflow(id);
    const subjectId = (await stack.client.queue(id)).subjects[0]!.id;
    await (await guest()).classify({ workflowId: id, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    const requested = async () => (await stack.db.query('SELECT reaggregations_requested AS n FROM workflows WHERE id = $1', [id])).rows[0].n;
    const { retirement: _, ...wordsOnly } = definition('Is this a paid notice?');

    const reworded = await stack.client.updateWorkflow(id, wordsOnly);
    expect([reworded.version, reworded.reaggregation, reworded.warnings]).toEqual([2, undefined, undefined]);
    expect(await requested()).toBe(0);
    const kept = (await stack.client.getWorkflow(id)).definition;
    expect([kept.tasks.T0, kept.retirement, kept.selection, kept.effects]).toEqual([expect.objectContaining({ question: 'Is this a paid notice?' }), rules.retirement, rules.selection, rules.effects]);

    // Sent, each is taken whole; a rule that asks for more says the subjects retired already stay so.
    const raised = await stack.client.updateWorkflow(id, { ...wordsOnly, retirement: { rule: 'count', count: 6 } });
    expect(raised.version).toBe(3);
    expect(raised.reaggregation).toMatchObject({ state: expect.any(String) });
    expect(raised.warnings).toEqual([{ pointer: '/retirement', message: expect.stringContaining('subjects retired already stay retired') }]);
    await stack.client.updateWorkflow(id, { ...wordsOnly, selection: { order: 'random' }, effects: [] });
    const changed = (await stack.client.getWorkflow(id)).definition;
    expect([changed.retirement, changed.selection, changed.effects]).toEqual([{ rule: 'count', count: 6 }, { order: 'random', goldStandardRate: 0 }, []]);

    // A new workflow takes the defaults.
    const created = await stack.client.createWorkflow(projectId, wordsOnly);
    const defaults = (await stack.client.getWorkflow(created.id)).definition;
    expect([defaults.retirement, defaults.selection, defaults.effects]).toEqual([{ rule: 'count', count: 5 }, { order: 'random', goldStandardRate: 0 }, []]);
  });

  it('refuse a PUT that renames the task a kept retirement rule or effect names, saying the rule was kept and must be sent', async () => {
    const adverts = await stack.client.createSubjectSet(projectId, { name: `Kept ${randomUUID().slice(0, 8)}` });
    const { id } = await stack.client.createWorkflow(projectId, {
      ...definition(),
      retirement: { rule: 'agreement', task: 'T0', minimum: 3, threshold: 0.8, maximum: 10 },
      effects: [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: adverts.id }],
    });
    const { retirement: _, tasks, ...rest } = definition();
    const renamed = { ...rest, firstTask: 'Q0', tasks: { Q0: tasks.T0! } };
    const problem = (await problemOf(stack.client.updateWorkflow(id, renamed)))?.problem;
    const kept = (field: string) => `"T0" is not a task of this workflow. The request left out "${field}", so it was kept from the current version; send a "${field}" that names one of the request's tasks`;
    expect(problem?.errors).toEqual([
      { pointer: '/retirement/task', message: kept('retirement') },
      { pointer: '/effects/0/when/task', message: kept('effects') },
    ]);
    expect(problem?.detail).toContain('/retirement/task "T0" is not a task of this workflow. The request left out "retirement", so it was kept from the current version');
    // Sent, a rule naming a task the request lacks is refused as written, with nothing said of keeping.
    const sent = (await problemOf(stack.client.updateWorkflow(id, { ...renamed, retirement: { rule: 'agreement', task: 'T0', minimum: 3, threshold: 0.8, maximum: 10 }, effects: [] })))?.problem;
    expect(sent?.errors).toEqual([{ pointer: '/retirement/task', message: '"T0" is not a task of this workflow' }]);
    expect((await stack.client.updateWorkflow(id, { ...renamed, retirement: { rule: 'count', count: 3 }, effects: [] })).version).toBe(2);
  });

  it('compute nothing again for a version that only tightens the limits new answers are held to; a choice taken away does', async () => {
    const page = (limits: { maxChoices?: number; maxLength?: number }, answers = ['a', 'b', 'c'], help?: string): WorkflowInput => ({
      name: 'Letters',
      firstTask: 'M',
      tasks: {
        M: { type: 'multiple', question: 'What is on the page?', answers: answers.map((value) => ({ value, label: value.toUpperCase() })), maxChoices: limits.maxChoices, ...(help ? { help } : {}), next: 'T' },
        T: { type: 'transcription', instruction: 'Type the letter', maxLength: limits.maxLength },
      },
      retirement: { rule: 'count', count: 3 },
    });
    const { id } = await stack.client.createWorkflow(projectId, { ...page({}), subjectSetIds: [subjectSetId] });
    await stack.client.activateWorkflow(id);
    const subjectId = (await stack.client.queue(id)).subjects[0]!.id;
    await (await guest()).classify({ workflowId: id, workflowVersion: 1, subjectId, annotations: [{ task: 'M', value: ['a', 'b', 'c'] }, { task: 'T', value: 'Dear Sir, the parcel came.' }] }, randomUUID());
    const requested = async () => (await stack.db.query('SELECT reaggregations_requested AS n FROM workflows WHERE id = $1', [id])).rows[0].n;

    const limited = await stack.client.updateWorkflow(id, page({ maxChoices: 1, maxLength: 10 }, ['a', 'b', 'c'], 'Tick one.'));
    expect([limited.version, limited.reaggregation]).toEqual([2, undefined]);
    expect(await requested()).toBe(0);
    expect((await stack.client.reaggregations(id)).runs).toEqual([]);

    const fewer = await stack.client.updateWorkflow(id, page({ maxChoices: 1, maxLength: 10 }, ['a', 'b'], 'Tick one.'));
    expect(fewer.version).toBe(3);
    expect(fewer.reaggregation).toMatchObject({ state: expect.any(String) });
    expect(await requested()).toBe(1);
    expect((await stack.client.reaggregations(id)).runs).toHaveLength(1);
  });

  it('compute nothing again when only the suggested tags of an open vocabulary change, and everything when the vocabulary closes (tester 23 F5)', async () => {
    const tagging = (vocabulary: string[], allowFreeTags = true): WorkflowInput => ({
      name: 'Family photos',
      firstTask: 'G',
      tasks: { G: { type: 'tagging', instruction: 'Who is in the photo?', vocabulary, allowFreeTags } },
      retirement: { rule: 'count', count: 3 },
    });
    const { id } = await stack.client.createWorkflow(projectId, { ...tagging(['Brother']), subjectSetIds: [subjectSetId] });
    await stack.client.activateWorkflow(id);
    const subjectId = (await stack.client.queue(id)).subjects[0]!.id;
    await (await guest()).classify({ workflowId: id, workflowVersion: 1, subjectId, annotations: [{ task: 'G', value: { add: ['Brother', 'Aunt'] } }] }, randomUUID());
    const requested = async () => (await stack.db.query('SELECT reaggregations_requested AS n FROM workflows WHERE id = $1', [id])).rows[0].n;

    const suggested = await stack.client.updateWorkflow(id, tagging(['Brother', 'Sister']));
    expect([suggested.version, suggested.reaggregation]).toEqual([2, undefined]);
    expect(await requested()).toBe(0);
    expect((await stack.client.workflowVersions(id)).versions[0]!.changes).toEqual({ fields: ['/tasks/G'], consensus: false, warnings: [], sameAs: null });

    const closed = await stack.client.updateWorkflow(id, tagging(['Brother', 'Sister'], false));
    expect(closed.reaggregation).toMatchObject({ state: expect.any(String) });
    expect(await requested()).toBe(1);
  });

  it('keep the location a task opens on, computing nothing again when only it changes, and refuse one no subject can have', async () => {
    const messages = (showLocation: unknown): WorkflowInput => ({
      name: 'Postcard messages',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Transcribe the message on the back', showLocation } as WorkflowInput['tasks'][string] },
    });
    const { id } = await stack.client.createWorkflow(projectId, { ...messages(2), subjectSetIds: [subjectSetId] });
    expect((await stack.client.getWorkflow(id)).definition.tasks.T0).toMatchObject({ showLocation: 2 });
    await stack.client.activateWorkflow(id);
    const subjectId = (await stack.client.queue(id)).subjects[0]!.id;
    await (await guest()).classify({ workflowId: id, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'Dear Mother,' }] }, randomUUID());
    const front = await stack.client.updateWorkflow(id, messages(1));
    expect([front.version, front.reaggregation, front.warnings]).toEqual([2, undefined, undefined]);
    for (const [showLocation, message] of [
      [0, /^must be at least 1: a subject's locations are counted from 1 in the order they were uploaded/],
      [51, /^must be at most 50, the most locations a subject may have$/],
    ] as const) {
      const refused = await problemOf(stack.client.updateWorkflow(id, messages(showLocation)));
      expect([refused?.status, refused?.problem.errors]).toEqual([422, [{ pointer: '/tasks/T0/showLocation', message: expect.stringMatching(message) }]]);
    }
    expect((await stack.client.getWorkflow(id)).version).toBe(2);
  });

  it('take subject set ids written in capitals as the same sets, storing them lowercase', async () => {
    const later = await stack.client.createSubjectSet(projectId, { name: 'Capitals' });
    const [linked, routed] = [subjectSetId.toUpperCase(), later.id.toUpperCase()];
    const { id } = await stack.client.createWorkflow(projectId, {
      ...definition(),
      selection: { order: 'random', goldStandardRate: 0, setWeights: { [linked]: 2 }, training: { subjectSetId: linked, classifications: 1 } },
      effects: [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: routed }],
      subjectSetIds: [linked],
    });
    const workflow = await stack.client.getWorkflow(id);
    expect(workflow.subjectSetIds).toEqual([subjectSetId]);
    expect(workflow.definition.selection).toMatchObject({ setWeights: { [subjectSetId]: 2 }, training: { subjectSetId } });
    expect(workflow.definition.effects).toEqual([{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: later.id }]);
  });

  it('refuse subject sets of another project by pointer', async () => {
    const other = await stack.client.createProject({ title: 'Other' });
    const otherSet = await stack.client.createSubjectSet(other.id, { name: 'Theirs' });
    const error = await problemOf(stack.client.createWorkflow(projectId, { ...definition(), subjectSetIds: [subjectSetId, otherSet.id] }));
    expect(error?.status).toBe(422);
    expect(error?.problem.errors).toEqual([{ pointer: '/subjectSetIds/1', message: 'is not a subject set of this project' }]);
  });

  it('serve a draft workflow to its researchers but not to volunteers, who cannot classify in it either', async () => {
    const { id } = await stack.client.createWorkflow(projectId, { ...definition(), subjectSetIds: [subjectSetId] });
    const subjectId = (await stack.client.queue(id)).subjects[0]!.id;
    // Unpublished work: to a volunteer it does not exist, not even by name; they cannot read its definition, versions or stats.
    const error = await problemOf((await guest()).queue(id));
    expect(error?.status).toBe(404);
    expect(JSON.stringify(error?.problem)).not.toContain(definition().name);
    const volunteer = await guest();
    for (const read of [() => volunteer.getWorkflow(id), () => volunteer.getWorkflowVersion(id, 1), () => volunteer.stats(id)]) {
      expect((await problemOf(read()))?.status).toBe(404);
    }
    expect((await stack.client.getWorkflow(id)).status).toBe('draft');
    const refused = await problemOf((await guest()).classify({ workflowId: id, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID()));
    expect(refused?.problem.errors).toEqual([{ pointer: '/workflowId', message: 'names no workflow you can classify in' }]);
    await stack.client.classify({ workflowId: id, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  });

  it('finish a workflow: volunteers are told it is complete, it feeds no other, and activating it opens it again', async () => {
    const { id } = await stack.client.createWorkflow(projectId, { ...definition('Finished early'), subjectSetIds: [subjectSetId] });
    await stack.client.activateWorkflow(id);
    expect((await problemOf((await guest()).request('POST', `/workflows/${id}/finish`)))?.status).toBe(403); // researchers only
    expect((await stack.client.request<{ status: string }>('POST', `/workflows/${id}/finish`)).body.status).toBe('finished');
    expect(await (await guest()).queue(id)).toMatchObject({ subjects: [], finished: true, reason: 'workflow-finished' });
    await stack.client.activateWorkflow(id);
    expect((await (await guest()).queue(id)).subjects.length).toBeGreaterThan(0);
  });

  it('delete a workflow nobody has classified in, with its links and holds, but never one with classifications', async () => {
    const { id: mistake } = await stack.client.createWorkflow(projectId, { ...definition('A mistaken copy'), subjectSetIds: [subjectSetId] });
    await stack.client.activateWorkflow(mistake);
    expect((await (await guest()).queue(mistake)).subjects.length).toBeGreaterThan(0); // held, and then deleted with it
    expect((await problemOf((await guest()).deleteWorkflow(mistake)))?.status).toBe(403); // researchers only
    const active = await problemOf(stack.client.deleteWorkflow(mistake));
    expect([active?.status, active?.problem.type]).toEqual([409, 'urn:chorus:problem:workflow-not-paused']); // volunteers may be at work
    await stack.client.request('POST', `/workflows/${mistake}/pause`);
    await stack.client.deleteWorkflow(mistake);
    expect((await problemOf(stack.client.getWorkflow(mistake)))?.status).toBe(404);
    const { rows } = await stack.db.query(
      `SELECT (SELECT count(*) FROM assignments WHERE workflow_id = $1)::int + (SELECT count(*) FROM subject_workflow_status WHERE workflow_id = $1)::int
              + (SELECT count(*) FROM workflow_versions WHERE workflow_id = $1)::int AS left`,
      [mistake],
    );
    expect(rows[0].left).toBe(0);
    expect((await stack.client.getProject(projectId)).workflows.map((workflow) => workflow.id)).not.toContain(mistake);

    const { id: worked } = await stack.client.createWorkflow(projectId, { ...definition(), subjectSetIds: [subjectSetId] });
    await stack.client.activateWorkflow(worked); // not a try in draft, which would go with it (draft-tries.test)
    const subjectId = (await stack.client.queue(worked)).subjects[0]!.id;
    await stack.client.classify({ workflowId: worked, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    await stack.client.pauseWorkflow(worked);
    const refused = await problemOf(stack.client.deleteWorkflow(worked));
    expect([refused?.status, refused?.problem.type]).toEqual([409, 'urn:chorus:problem:workflow-classified']);
    expect((await stack.client.stats(worked)).classifications).toBe(1);
  });

  it('refuse an idempotency key reused for another subject instead of dropping the answer', async () => {
    const { id } = await stack.client.createWorkflow(projectId, { ...definition(), subjectSetIds: [subjectSetId] });
    await stack.client.activateWorkflow(id);
    await stack.client.addSubjects(subjectSetId, [{ externalId: 'b', locations: [{ type: 'text', text: 'A cart.' }] }]);
    const volunteer = await guest();
    const [first, second] = (await volunteer.queue(id)).subjects;
    const key = randomUUID();
    const answer = (subjectId: string) => ({ workflowId: id, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'no' }] });
    const stored = await volunteer.classify(answer(first!.id), key);
    expect(await volunteer.classify(answer(first!.id), key)).toEqual({ id: stored.id, replayed: true });
    const reused = await problemOf(volunteer.classify(answer(second!.id), key));
    expect(reused?.problem.errors).toEqual([{ pointer: '/headers/idempotency-key', message: expect.stringContaining('already used') }]);
  });
});

describe('project access', () => {
  it('lets only researchers change a project, and hides drafts from others', async () => {
    const volunteer = await guest();
    expect((await problemOf(volunteer.createProject({ title: 'Mine' })))?.status).toBe(403);
    expect((await problemOf(volunteer.createSubjectSet(projectId, { name: 'x' })))?.status).toBe(403);
    expect((await problemOf(volunteer.addSubjects(subjectSetId, [{ locations: [{ type: 'text', text: 'x' }] }])))?.status).toBe(403);
    const draft = await stack.client.createProject({ title: 'Secret draft' });
    expect((await problemOf(volunteer.getProject(draft.id)))?.status).toBe(404);
    const bySlug = await problemOf(volunteer.getProject(draft.slug));
    expect(bySlug?.status).toBe(404);
    expect(JSON.stringify(bySlug?.problem)).not.toContain(draft.id);
    expect((await volunteer.listProjects()).projects.map((project) => project.id)).not.toContain(draft.id);
    expect((await stack.client.getProject(draft.slug)).id).toBe(draft.id);
  });

  it('keeps answers a volunteer gives after the project is paused or finished, says so at the queue, and keeps a paused project readable but unlisted', async () => {
    const project = await stack.client.createProject({ title: `Pausing ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    await stack.client.addSubjects(set.id, ['p1', 'p2', 'p3'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
    const { id: workflowId } = await stack.client.createWorkflow(project.id, { ...definition(), subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(workflowId);
    const volunteer = await guest();
    const [first, second] = (await volunteer.queue(workflowId, 2)).subjects;
    const answer = (subjectId: string) => volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());

    await stack.client.updateProject(project.id, { status: 'paused' });
    const paused = await problemOf(volunteer.queue(workflowId));
    expect(paused?.status).toBe(409);
    expect(paused?.problem.type).toMatch(/workflow-not-active$/);
    expect(paused?.problem.detail).toMatch(/project is paused/);
    // A reloaded page reads the workflow and its project again: "paused", not "not found".
    expect((await volunteer.getWorkflow(workflowId)).id).toBe(workflowId);
    expect((await volunteer.getProject(project.slug)).status).toBe('paused');
    expect((await volunteer.listProjects()).projects.map((each) => each.id)).not.toContain(project.id);
    const wrong = await problemOf(volunteer.classify({ workflowId, workflowVersion: 1, subjectId: first!.id, annotations: [{ task: 'T0', value: 'maybe' }] }, randomUUID()));
    expect(wrong?.problem.errors?.map((error) => error.pointer)).toEqual(['/annotations/0/value']);
    expect((await answer(first!.id)).replayed).toBe(false);
    expect((await stack.client.queue(workflowId, 1)).subjects).toHaveLength(1);

    await stack.client.updateProject(project.id, { status: 'finished' });
    // Finished by its researchers, not complete: said as such.
    expect(await volunteer.queue(workflowId)).toMatchObject({ subjects: [], finished: true, reason: 'project-finished' });
    expect((await answer(second!.id)).replayed).toBe(false);
    const { rows } = await stack.db.query('SELECT count(*)::int AS stored FROM classifications WHERE workflow_id = $1', [workflowId]);
    expect(rows).toEqual([{ stored: 2 }]);
  });

  it('lists projects without their field guides and with their descriptions’ openings only; the project itself has both whole', async () => {
    const description = `${'A long account of the collection and its history. '.repeat(40)}The end.`;
    const fieldGuide = '# Field guide\n\n'.padEnd(20_000, 'x');
    const project = await stack.client.createProject({ title: `Listed ${randomUUID().slice(0, 8)}`, status: 'live', description, fieldGuide });
    const listed = (await (await guest()).listProjects()).projects.find((each) => each.id === project.id)!;
    expect(listed).not.toHaveProperty('fieldGuide');
    expect(listed.description.length).toBeLessThanOrEqual(300);
    expect(listed.description).toMatch(/^A long account of the collection\b.*\bits…$/); // cut after a whole word
    expect(await stack.client.getProject(project.slug)).toMatchObject({ description, fieldGuide });
    // Cut in characters, not in halves of one: 400 emoji without a space give 299 of them and "…".
    const emoji = await stack.client.createProject({ title: `Emoji ${randomUUID().slice(0, 8)}`, status: 'live', description: '🦉'.repeat(400) });
    const listedEmoji = (await (await guest()).listProjects()).projects.find((each) => each.id === emoji.id)!;
    expect(listedEmoji.description).toBe(`${'🦉'.repeat(299)}…`);
  });

  it('lists a project’s Markdown description as the words a reader sees: no syntax, no raw HTML, each block on a line', async () => {
    const description = [
      '# About us',
      'Help us read **old letters** from [the archive](https://example.org/archive).\nOne <b>line</b> more.',
      '- *Transcribe* them\n- Tag `names`',
      '<script>alert(1)</script>',
      '![A letter from 1871](https://example.org/letter.jpg)',
    ].join('\n\n');
    const project = await stack.client.createProject({ title: `Markdown ${randomUUID().slice(0, 8)}`, status: 'live', description });
    const listed = (await (await guest()).listProjects()).projects.find((each) => each.id === project.id)!;
    expect(listed.description).toBe('About us\nHelp us read old letters from the archive.\nOne line more.\nTranscribe them\nTag names\nA letter from 1871');
    expect((await stack.client.getProject(project.slug)).description).toBe(description);
    // Cut after the Markdown is gone, so a cut never leaves half of its syntax (an opening ** without its closing).
    const long = await stack.client.createProject({ title: `Long ${randomUUID().slice(0, 8)}`, status: 'live', description: 'Read **bold words** here. '.repeat(40) });
    const listedLong = (await (await guest()).listProjects()).projects.find((each) => each.id === long.id)!;
    expect(listedLong.description).toMatch(/^Read bold words here\. Read bold words .*…$/);
    expect(listedLong.description).not.toContain('*');
  });

  it('lists projects whose descriptions nest lists or quotes thousands deep, or parse slowly, with the others', async () => {
    // Only the opening of each is read (the first 1,000 characters, whose parse takes at most some 90 ms, on writing).
    const word = `Deep${randomUUID().slice(0, 8)}`;
    const descriptions = [`${'- '.repeat(3000)}x`, '>'.repeat(20_000), 'a\n=\n'.repeat(5000)];
    for (const description of descriptions) await stack.client.createProject({ title: `${word} ${descriptions.indexOf(description)}`, status: 'live', description });
    const listed = (await (await guest()).listProjects({ search: word })).projects.map(({ title, description }) => [title, description]);
    expect(listed).toEqual([
      [`${word} 2`, `${Array(150).fill('a').join('\n')}…`],
      [`${word} 1`, '…'], // none of their words in their openings, and "…" says there is more
      [`${word} 0`, '…'],
    ]);
  });

  it('refuses to pause or finish a project that has never been live, which would publish it, changing nothing', async () => {
    const project = await stack.client.createProject({ title: `Never launched ${randomUUID().slice(0, 8)}` });
    for (const status of ['paused', 'finished'] as const) {
      const refused = await problemOf(stack.client.updateProject(project.id, { status, title: 'Renamed' }));
      expect([refused?.status, refused?.problem.errors]).toEqual([422, [{ pointer: '/status', message: expect.stringContaining(`cannot go from draft to ${status}`) }]]);
    }
    expect(await problemOf(guest().then((volunteer) => volunteer.getProject(project.slug)))).toMatchObject({ status: 404 });
    for (const status of ['paused', 'finished'] as const) {
      const made = await problemOf(stack.client.createProject({ title: `Made ${status}`, status }));
      expect([made?.status, made?.problem.errors?.[0]?.pointer]).toEqual([422, '/status']);
    }
    expect((await stack.client.getProject(project.slug)).title).toBe(project.title);
    await stack.client.updateProject(project.id, { status: 'live' });
    expect((await stack.client.updateProject(project.id, { status: 'paused' })).status).toBe('paused');
  });

  it('refuses to activate a workflow with no subject set, or to unlink the last set of an active one, which could never serve anything', async () => {
    const { id } = await stack.client.createWorkflow(projectId, definition());
    const refused = await problemOf(stack.client.activateWorkflow(id));
    expect([refused?.status, refused?.problem.type, refused?.problem.errors?.[0]?.pointer]).toEqual([422, 'urn:chorus:problem:no-subject-set', '/params/id']);
    expect((await stack.client.getWorkflow(id)).status).toBe('draft');
    await stack.client.updateWorkflow(id, { ...definition(), subjectSetIds: [subjectSetId] });
    expect((await stack.client.activateWorkflow(id)).status).toBe('active');

    const emptied = await problemOf(stack.client.updateWorkflow(id, { ...definition(), name: 'Renamed', subjectSetIds: [] }));
    expect([emptied?.status, emptied?.problem.errors]).toEqual([422, [{ pointer: '/subjectSetIds', message: expect.stringMatching(/^is empty, but the workflow is active/) }]]);
    expect(await stack.client.getWorkflow(id)).toMatchObject({ version: 1, subjectSetIds: [subjectSetId] });
    await stack.client.request('POST', `/workflows/${id}/pause`);
    expect((await stack.client.updateWorkflow(id, { ...definition(), subjectSetIds: [] })).version).toBe(1);
  });

  it('numbers the slug made from a title other projects have, so a common title blocks nobody', async () => {
    const title = `Common title ${randomUUID().slice(0, 8)}`;
    const slugs = [];
    for (let i = 0; i < 3; i++) slugs.push((await stack.client.createProject({ title })).slug);
    const base = title.toLowerCase().replace(/ /g, '-');
    expect(slugs).toEqual([base, `${base}-2`, `${base}-3`]);
    // Made at the same moment, each takes the next number (three retries once fell short, and the fourth got 409).
    const together = await Promise.all([0, 1, 2, 3, 4, 5].map(() => stack.client.createProject({ title })));
    expect(together.map((project) => project.slug).sort()).toEqual([4, 5, 6, 7, 8, 9].map((n) => `${base}-${n}`));
    // Accents are dropped, and a title with nothing to keep makes "project", numbered: always a slug the rule takes.
    expect((await stack.client.createProject({ title: `Ünïcödé Bïrds ${title}` })).slug).toBe(`unicode-birds-${base}`);
    const bare = [(await stack.client.createProject({ title: '!!!' })).slug, (await stack.client.createProject({ title: '!!!' })).slug];
    for (const slug of bare) expect(slug).toMatch(/^project(-\d+)?$/);
    expect(bare[0]).not.toBe(bare[1]);
  });

  it('makes a readable slug of a title in another script, keeping its letters, unique and found at its percent-encoded address', async () => {
    const tag = randomUUID().slice(0, 8);
    const slugOf = async (title: string) => (await stack.client.createProject({ title: `${title} ${tag}`, status: 'live' })).slug;
    expect(await slugOf('כתבי יד')).toBe(`כתבי-יד-${tag}`);
    expect(await slugOf('مخطوطات')).toBe(`مخطوطات-${tag}`);
    // Thai's vowels and tone marks are marks of its letters, kept with them.
    expect(await slugOf('ต้นฉบับ')).toBe(`ต้นฉบับ-${tag}`);
    expect(await slugOf('日本語')).toBe(`日本語-${tag}`);
    // Latin letters lose their accents, as ever; a title in two scripts keeps both.
    expect(await slugOf('Écrits')).toBe(`ecrits-${tag}`);
    // Latin letters that are not a letter and an accent are spelt as their readers spell them in ASCII, not dropped (tester 21b F7).
    expect(await slugOf('Øresund Æble Straße Łódź Þingvellir')).toBe(`oresund-aeble-strasse-lodz-thingvellir-${tag}`);
    expect(await slugOf('Letters מכתבים')).toBe(`letters-מכתבים-${tag}`);
    // The same title again is numbered, as a Latin one is.
    expect(await slugOf('כתבי יד')).toBe(`כתבי-יד-${tag}-2`);
    // Found by that slug, which the client sends percent-encoded, and by one typed in another Unicode form ("e" and an accent).
    const hebrew = await stack.anonymous.getProject(`כתבי-יד-${tag}`);
    expect([hebrew.title, hebrew.slug]).toEqual([`כתבי יד ${tag}`, `כתבי-יד-${tag}`]);
    const chosen = await stack.client.createProject({ title: 'Chosen', slug: `écrits-choisis-${tag}`, status: 'live' });
    expect(chosen.slug).toBe(`écrits-choisis-${tag}`);
    expect((await stack.anonymous.getProject(`e\u0301crits-choisis-${tag}`)).id).toBe(chosen.id);
    // A chosen slug may be in any script too, stored in NFKC; capitals still are not a slug's.
    const renamed = await stack.client.updateProject(chosen.id, { slug: `e\u0301crits-${tag}` });
    expect(renamed.slug).toBe(`\u00e9crits-${tag}`);
    const capital = await problemOf(stack.client.updateProject(chosen.id, { slug: `Écrits-${tag}` }));
    expect(capital?.problem.errors).toEqual([{ pointer: '/slug', message: expect.stringMatching(/^use lower-case letters \(of any script/) }]);
    // No address that passes for another: a Cyrillic "а" among Latin letters, an invisible variation selector or filler
    // are refused; full-width letters are the same address as their plain ones.
    for (const lookalike of [`p\u0430leo-${tag}`, `paleo\uFE0F-${tag}`, `pa\u3164leo-${tag}`]) {
      const refused = await problemOf(stack.client.updateProject(chosen.id, { slug: lookalike }));
      expect([lookalike, refused?.problem.errors?.[0]?.pointer]).toEqual([lookalike, '/slug']);
    }
    expect((await stack.client.updateProject(chosen.id, { slug: `\uFF50\uFF41\uFF4C\uFF45\uFF4F-${tag}` })).slug).toBe(`paleo-${tag}`);
    expect((await stack.anonymous.getProject(`\uFF50\uFF41\uFF4C\uFF45\uFF4F-${tag}`)).id).toBe(chosen.id);
    // A title mixing look-alike scripts gets the Latin letters it has.
    expect(await slugOf('P\u0430leo')).toBe(`p-leo-${tag}`);
  });

  it('refuses a taken slug with 409, and one shaped like a project id, naming the field', async () => {
    await stack.client.createProject({ title: 'Unique', slug: 'unique-slug' });
    expect((await problemOf(stack.client.createProject({ title: 'Again', slug: 'unique-slug' })))?.status).toBe(409);
    const other = await stack.client.createProject({ title: 'Another' });
    const shaped = await problemOf(stack.client.createProject({ title: 'Shadow', slug: other.id }));
    expect(shaped?.problem.errors).toEqual([{ pointer: '/slug', message: expect.stringContaining('has the shape of a project id') }]);
    // Nor is one made from such a title: /projects/<slug> would look for a project with that id.
    expect((await stack.client.createProject({ title: other.id })).slug).toBe(`project-${other.id}`);
  });

  it('moves a project to a new slug, its old addresses still leading to it and to no other project', async () => {
    const tag = randomUUID().slice(0, 8);
    const project = await stack.client.createProject({ title: 'Moving', slug: `old-${tag}`, status: 'live' });
    expect((await stack.client.updateProject(project.id, { slug: `new-${tag}` })).slug).toBe(`new-${tag}`);
    expect(await stack.anonymous.getProject(`old-${tag}`)).toMatchObject({ id: project.id, slug: `new-${tag}` });
    expect(await stack.anonymous.getProject(`new-${tag}`)).toMatchObject({ id: project.id });
    // Moved again, both old addresses lead to it; moved back, its slug is its own again.
    await stack.client.updateProject(project.id, { slug: `newer-${tag}` });
    for (const slug of [`old-${tag}`, `new-${tag}`]) expect((await stack.anonymous.getProject(slug)).slug).toBe(`newer-${tag}`);
    await stack.client.updateProject(project.id, { slug: `old-${tag}` });
    expect((await stack.anonymous.getProject(`newer-${tag}`)).slug).toBe(`old-${tag}`);
    // Nobody else takes a former slug, by choice or from a title, and a slug in use is refused.
    const taker = await problemOf(stack.client.createProject({ title: 'Taker', slug: `new-${tag}` }));
    expect([taker?.status, taker?.problem.type, taker?.problem.detail]).toEqual([409, 'urn:chorus:problem:slug-taken', expect.stringContaining("was another project's address")]);
    expect((await stack.client.createProject({ title: `New ${tag}` })).slug).toBe(`new-${tag}-2`);
    const other = await stack.client.createProject({ title: 'Other', slug: `other-${tag}` });
    expect((await problemOf(stack.client.updateProject(other.id, { slug: `newer-${tag}` })))?.problem.type).toBe('urn:chorus:problem:slug-taken');
    const taken = await problemOf(stack.client.updateProject(project.id, { slug: `other-${tag}` }));
    expect([taken?.status, taken?.problem.type]).toEqual([409, 'urn:chorus:problem:slug-taken']);
    expect((await stack.anonymous.getProject(`new-${tag}`)).id).toBe(project.id);
    const badShape = await problemOf(stack.client.updateProject(project.id, { slug: 'Not A Slug' }));
    expect(badShape?.problem.errors).toEqual([{ pointer: '/slug', message: 'use lower-case letters (of any script: כתבי-יד, ต้นฉบับ), digits and single dashes' }]);
    expect((await stack.anonymous.getProject(project.id)).slug).toBe(`old-${tag}`);
    // A draft's slugs, former or not, tell a stranger no more than a slug nobody has.
    const hidden = await stack.client.createProject({ title: 'Hidden', slug: `hidden-${tag}` });
    await stack.client.updateProject(hidden.id, { slug: `hidden-now-${tag}` });
    for (const slug of [`hidden-${tag}`, `hidden-now-${tag}`, `nothing-${tag}`]) {
      expect((await problemOf(stack.anonymous.getProject(slug)))?.problem).toMatchObject({ status: 404, detail: `Project "${slug}" was not found` });
    }
  });

  it('gives an active workflow’s stats to anyone while its project is public, and to none but its team once the project is not', async () => {
    const project = await stack.client.createProject({ title: `Figures ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    await stack.client.addSubjects(set.id, [{ externalId: 'f', locations: [{ type: 'text', text: 'A figure.' }] }]);
    const { id } = await stack.client.createWorkflow(project.id, { ...definition(), subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(id);
    const [signedOut, volunteer, stranger] = [stack.anonymous, await guest(), (await newAccount(stack, 'Stranger')).client];
    // The project page shows them to volunteers, signed in or not.
    for (const reader of [signedOut, volunteer, stranger]) expect(await reader.stats(id)).toMatchObject({ subjects: 1, retired: 0, classifications: 0, volunteers: 0 });
    await stack.client.updateProject(project.id, { status: 'draft' });
    for (const reader of [signedOut, volunteer, stranger]) {
      const refused = await problemOf(reader.stats(id));
      expect(refused?.status).toBe(404);
      expect(JSON.stringify(refused?.problem)).not.toMatch(/"subjects"|"retired"|"classifications"/);
    }
    expect(await stack.client.stats(id)).toMatchObject({ subjects: 1 }); // its team still follows it
  });
});
