import type { WorkflowInput } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { newAccount, newMember } from '../../../test/support/accounts';
import { refusal, sendRaw } from '../../../test/support/requests';
import { type Stack, startStack } from '../../../test/support/stack';

let stack: Stack;
let projectId: string;
let otherProjectId: string;
let publicProjectId: string;
let sets: { pages: string; training: string; next: string };
let workflowId: string;
let definition: WorkflowInput;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  projectId = (await stack.client.createProject({ title: `Copies ${randomUUID().slice(0, 8)}`, status: 'live' })).id;
  otherProjectId = (await stack.client.createProject({ title: `Elsewhere ${randomUUID().slice(0, 8)}` })).id;
  publicProjectId = (await stack.client.createProject({ title: `In the open ${randomUUID().slice(0, 8)}`, status: 'live' })).id;
  const [pages, training, next] = await Promise.all(['Pages', 'Training', 'Next'].map((name) => stack.client.createSubjectSet(projectId, { name })));
  sets = { pages: pages!.id, training: training!.id, next: next!.id };
  await stack.client.addSubjects(sets.pages, [{ externalId: 'p1', locations: [{ type: 'text', text: 'An advert' }] }]);
  await stack.client.addSubjects(sets.training, [{ externalId: 'g1', goldStandard: { T0: 'yes' }, locations: [{ type: 'text', text: 'Gold' }] }]);
  definition = {
    name: 'Ad or not?',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'An advert?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 3 },
    selection: { order: 'random', goldStandardRate: 0.2, setWeights: { [sets.pages]: 2 }, training: { subjectSetId: sets.training, classifications: 1 } },
    effects: [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: sets.next }],
    subjectSetIds: [sets.pages, sets.training],
  };
  workflowId = (await stack.client.createWorkflow(projectId, definition)).id;
  await stack.client.updateWorkflow(workflowId, { ...definition, tasks: { T0: { ...definition.tasks.T0!, question: 'Is it an advert?' } } as WorkflowInput['tasks'] });
  await stack.client.activateWorkflow(workflowId);
  const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const [subject] = (await stack.db.query("SELECT id FROM subjects WHERE external_id = 'p1'")).rows;
  await guest.classify({ workflowId, workflowVersion: 2, subjectId: subject.id, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
});
afterAll(() => stack.stop());

const current = async () => (await stack.client.getWorkflow(workflowId)).definition;
const countOf = async (sql: string, id: string): Promise<number> => (await stack.db.query(sql, [id])).rows[0].n;

it('copies the current version into the same project, serving the same subject sets, with nothing volunteers gave the source', async () => {
  const copy = await stack.client.copyWorkflow(workflowId);
  expect(copy).toMatchObject({ version: 1, projectId, subjectSetIds: [sets.pages, sets.training], dropped: [], replayed: false });
  const read = await stack.client.getWorkflow(copy.id);
  expect(read).toMatchObject({ projectId, status: 'draft', version: 1, name: 'Ad or not?', subjectSetIds: [sets.pages, sets.training] });
  expect(read.definition).toEqual(await current());
  // Its subjects start afresh; the gold-standard one is gold there too, by its subject's known answers.
  const statuses = (await stack.db.query('SELECT classification_count, retired_at, gold_standard FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY gold_standard', [copy.id])).rows;
  expect(statuses).toEqual([
    { classification_count: 0, retired_at: null, gold_standard: false },
    { classification_count: 0, retired_at: null, gold_standard: true },
  ]);
  expect(await countOf('SELECT count(*)::int AS n FROM classifications WHERE workflow_id = $1', copy.id)).toBe(0);
  expect(await countOf('SELECT count(*)::int AS n FROM classifications WHERE workflow_id = $1', workflowId)).toBe(1);
});

it('keeps the subjects’ priorities in the source when it serves the source’s sets, and starts them at the upload’s elsewhere', async () => {
  const [p1] = (await stack.db.query("SELECT id FROM subjects WHERE external_id = 'p1'")).rows;
  await stack.client.setPriorities(workflowId, [{ subjectId: p1.id, priority: 7.5 }, { externalId: 'g1', priority: -2 }]);
  const priorities = async (id: string) =>
    (await stack.db.query('SELECT s.external_id, st.priority FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1 ORDER BY s.external_id', [id])).rows;
  const copy = await stack.client.copyWorkflow(workflowId, { name: 'Prioritised' });
  expect(await priorities(copy.id)).toEqual([{ external_id: 'g1', priority: -2 }, { external_id: 'p1', priority: 7.5 }]);
  // A set linked to it later starts its subjects at their upload's priority, as for any workflow.
  const later = await stack.client.copyWorkflow(workflowId, { linkSubjectSets: false });
  await stack.client.updateWorkflow(later.id, { ...(await stack.client.getWorkflow(later.id)).definition, subjectSetIds: [sets.pages] });
  expect(await priorities(later.id)).toEqual([{ external_id: 'p1', priority: 0 }]);
  await stack.client.setPriorities(workflowId, [{ subjectId: p1.id, priority: 0 }, { externalId: 'g1', priority: 0 }]);
});

it('copies into another project without subject sets, leaving out and naming what named the source project’s sets', async () => {
  const copy = await stack.client.copyWorkflow(workflowId, { projectId: otherProjectId, name: 'Copie de Ad or not?' });
  expect(copy).toMatchObject({ projectId: otherProjectId, subjectSetIds: [] });
  expect(copy.dropped).toEqual([
    { pointer: '/effects/0', subjectSetId: sets.next },
    { pointer: '/selection/training', subjectSetId: sets.training },
    { pointer: `/selection/setWeights/${sets.pages}`, subjectSetId: sets.pages },
  ]);
  const read = await stack.client.getWorkflow(copy.id);
  const { effects: _effects, selection, ...rest } = await current();
  expect(read).toMatchObject({ projectId: otherProjectId, status: 'draft', name: 'Copie de Ad or not?', subjectSetIds: [] });
  expect(read.definition).toEqual({ ...rest, name: 'Copie de Ad or not?', effects: [], selection: { order: selection.order, goldStandardRate: selection.goldStandardRate } });
});

it('in the same project without the source’s sets, leaves out the training set and weights it would not serve, and keeps its routing', async () => {
  const copy = await stack.client.copyWorkflow(workflowId, { linkSubjectSets: false });
  expect(copy).toMatchObject({ subjectSetIds: [], dropped: [{ pointer: '/selection/training' }, { pointer: `/selection/setWeights/${sets.pages}` }] });
  expect((await stack.client.getWorkflow(copy.id)).definition.effects).toEqual(definition.effects);
});

it('copies without a body, as with an empty one', async () => {
  const researcher = await newMember(stack, projectId, 'scientist', 'Rita');
  const answer = await sendRaw(stack, 'POST', `/workflows/${workflowId}/copies`, researcher.token);
  expect(answer).toMatchObject({ status: 201, body: { projectId, dropped: [] } });
});

it('copying an older version, leaves out its effects into a set deleted since and into a set the copy serves', async () => {
  const [later, gone] = await Promise.all(['Later', 'Gone'].map((name) => stack.client.createSubjectSet(projectId, { name })));
  const { subjectSetIds: _sets, ...first } = definition;
  const routed = { ...first, selection: { order: 'random' as const, goldStandardRate: 0 }, effects: [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: sets.pages }, { when: { task: 'T0', answer: 'no' }, addToSubjectSet: gone!.id }] };
  const id = (await stack.client.createWorkflow(projectId, { ...routed, subjectSetIds: [later!.id] })).id;
  // Version 2 serves the set version 1 routed into, and routes nowhere; the other set is then deleted.
  await stack.client.updateWorkflow(id, { ...routed, effects: [], subjectSetIds: [sets.pages] });
  await stack.client.deleteSubjectSet(gone!.id);
  const copy = await stack.client.copyWorkflow(id, { version: 1 });
  expect(copy).toMatchObject({ subjectSetIds: [sets.pages], dropped: [{ pointer: '/effects/0', subjectSetId: sets.pages }, { pointer: '/effects/1', subjectSetId: gone!.id }] });
  expect((await stack.client.getWorkflow(copy.id)).definition.effects).toEqual([]);
});

it('copies an older version when asked, and refuses one the workflow never had', async () => {
  const copy = await stack.client.copyWorkflow(workflowId, { version: 1 });
  const first = await stack.client.getWorkflowVersion(workflowId, 1);
  expect((await stack.client.getWorkflow(copy.id)).definition).toEqual(first.definition);
  expect((await current()).tasks.T0).toMatchObject({ question: 'Is it an advert?' });
  await refusal(stack.client.copyWorkflow(workflowId, { version: 9 }), { status: 404, pointers: ['/version'] });
});

it('refuses bad fields by their pointers, creating nothing', async () => {
  const before = await countOf('SELECT count(*)::int AS n FROM workflows WHERE project_id = $1', projectId);
  const otherBefore = await countOf('SELECT count(*)::int AS n FROM workflows WHERE project_id = $1', otherProjectId);
  await refusal(stack.client.copyWorkflow(workflowId, { projectId: 'elsewhere' }), { status: 422, type: 'urn:chorus:problem:validation-failed', pointers: ['/projectId'] });
  await refusal(stack.client.copyWorkflow(workflowId, { name: 'x'.repeat(1001), version: 0 }), { status: 422, pointers: ['/name', '/version'] });
  await refusal(stack.client.copyWorkflow(workflowId, { projectId: randomUUID() }), { status: 404, pointers: ['/projectId'] });
  // workflows.name holds 200 characters: creation and edits are held to it too.
  const long = 'x'.repeat(201);
  await refusal(stack.client.copyWorkflow(workflowId, { name: long }), { status: 422, pointers: ['/name'] });
  await refusal(stack.client.createWorkflow(projectId, { ...definition, name: long }), { status: 422, pointers: ['/name'] });
  await refusal(stack.client.updateWorkflow(workflowId, { ...definition, name: long }), { status: 422, pointers: ['/name'] });
  await refusal(stack.client.copyWorkflow(workflowId, { projectId: otherProjectId, linkSubjectSets: true }), { status: 422, pointers: ['/linkSubjectSets'] });
  expect(await countOf('SELECT count(*)::int AS n FROM workflows WHERE project_id = $1', projectId)).toBe(before);
  expect(await countOf('SELECT count(*)::int AS n FROM workflows WHERE project_id = $1', otherProjectId)).toBe(otherBefore);
});

it('is for researchers of both projects only', async () => {
  const before = await countOf('SELECT count(*)::int AS n FROM workflows WHERE project_id = $1', otherProjectId);
  const volunteer = await newAccount(stack, 'Vera');
  await refusal(volunteer.client.copyWorkflow(workflowId), { status: 403 });
  const moderator = await newMember(stack, projectId, 'moderator', 'Mona');
  await refusal(moderator.client.copyWorkflow(workflowId), { status: 403 });
  // A researcher of the source only: the other project, a draft, is not theirs to see.
  const scientist = await newMember(stack, projectId, 'scientist', 'Sam');
  await refusal(scientist.client.copyWorkflow(workflowId, { projectId: otherProjectId }), { status: 404, pointers: ['/projectId'] });
  // A researcher of the target only: the source's project is live, so it is forbidden rather than hidden.
  const elsewhere = await newMember(stack, otherProjectId, 'scientist', 'Elsa');
  await refusal(elsewhere.client.copyWorkflow(workflowId, { projectId: otherProjectId }), { status: 403 });
  expect(await countOf('SELECT count(*)::int AS n FROM workflows WHERE project_id = $1', otherProjectId)).toBe(before);
  // A researcher of the source, into a public project they see but do not research: not a member, then a moderator.
  await refusal(scientist.client.copyWorkflow(workflowId, { projectId: publicProjectId }), { status: 403 });
  await stack.client.invite(publicProjectId, { email: scientist.email, role: 'moderator' });
  await scientist.client.acceptInvitation(publicProjectId);
  await refusal(scientist.client.copyWorkflow(workflowId, { projectId: publicProjectId }), { status: 403 });
  expect(await countOf('SELECT count(*)::int AS n FROM workflows WHERE project_id = $1', publicProjectId)).toBe(0);
});

it('makes one copy of a replayed request', async () => {
  const key = randomUUID();
  const before = await countOf('SELECT count(*)::int AS n FROM workflows WHERE project_id = $1', otherProjectId);
  const first = await stack.client.copyWorkflow(workflowId, { projectId: otherProjectId, name: 'Once' }, key);
  const again = await stack.client.copyWorkflow(workflowId, { projectId: otherProjectId, name: 'Once' }, key);
  expect(again).toEqual({ ...first, replayed: true });
  expect(await countOf('SELECT count(*)::int AS n FROM workflows WHERE project_id = $1', otherProjectId)).toBe(before + 1);
  await refusal(stack.client.copyWorkflow(workflowId, { projectId: otherProjectId, name: 'Twice' }, key), { status: 422, pointers: ['/headers/idempotency-key'] });
});

it('leaves the source as it was when the copy’s definition is edited', async () => {
  const before = await stack.client.getWorkflow(workflowId);
  const copy = await stack.client.copyWorkflow(workflowId, { name: 'Variant' });
  const { definition: copied } = await stack.client.getWorkflow(copy.id);
  await stack.client.updateWorkflow(copy.id, { ...copied, tasks: { T0: { ...copied.tasks.T0!, question: 'Advert or news?' } } as WorkflowInput['tasks'], retirement: { rule: 'count', count: 7 } });
  expect(await stack.client.getWorkflow(copy.id)).toMatchObject({ version: 2, definition: { retirement: { rule: 'count', count: 7 } } });
  expect(await stack.client.getWorkflow(workflowId)).toEqual(before);
});
