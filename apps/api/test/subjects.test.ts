import { type ChorusApiError } from '@chorus/client';
import { type Stack, startStack } from '../../../test/support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

const text = (externalId: string, metadata: Record<string, unknown> = {}) => ({ externalId, metadata, locations: [{ type: 'text' as const, text: `Subject ${externalId}` }] });

describe('subject upload', () => {
  it('is idempotent by externalId, and a re-sent subject joins the new set', async () => {
    const project = await stack.client.createProject({ title: 'Uploads', status: 'live' });
    const first = await stack.client.createSubjectSet(project.id, { name: 'First' });
    const second = await stack.client.createSubjectSet(project.id, { name: 'Second' });
    expect(await stack.client.addSubjects(first.id, [text('a'), text('b')])).toMatchObject({ created: 2, existing: 0 });
    expect(await stack.client.addSubjects(first.id, [text('a'), text('b'), text('c')])).toMatchObject({ created: 1, existing: 2 });
    expect(await stack.client.addSubjects(second.id, [text('a')])).toMatchObject({ created: 0, existing: 1 });
    const { body } = await stack.client.request<{ subjectSets: { name: string; subjects: number }[] }>('GET', `/projects/${project.id}/subject-sets`);
    expect(body.subjectSets).toEqual([expect.objectContaining({ name: 'First', subjects: 3 }), expect.objectContaining({ name: 'Second', subjects: 1 })]);
  });

  it('refuses a batch that repeats an externalId, naming the repeat', async () => {
    const project = await stack.client.createProject({ title: 'Repeats' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    const error = (await stack.client.addSubjects(set.id, [text('x'), text('y'), text('x')]).catch((e) => e)) as ChorusApiError;
    expect(error.problem.errors).toEqual([{ pointer: '/subjects/2/externalId', message: expect.stringContaining('subject 0') }]);
  });

  it('brings subjects added later into linked workflows, hiding private metadata from volunteers', async () => {
    const project = await stack.client.createProject({ title: 'Later', status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    const workflow = await stack.client.createWorkflow(project.id, {
      name: 'W',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] } },
      subjectSetIds: [set.id],
    });
    await stack.client.activateWorkflow(workflow.id);
    await stack.client.addSubjects(set.id, [text('late', { page: 3, '#truth': 'a', '!internal': true })]);
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const queue = await volunteer.queue(workflow.id);
    expect(queue.subjects).toHaveLength(1);
    expect(queue.subjects[0]).toMatchObject({ externalId: 'late', metadata: { page: 3 } });
    expect(await stack.client.stats(workflow.id)).toMatchObject({ subjects: 1, retired: 0 });
  });
});
