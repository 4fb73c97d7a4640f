import type { ChorusApiError } from '@chorus/client';
import { type Stack, startStack } from '../../../test/support/stack';
import { classifyUntilFinished } from '../../../test/support/volunteers';

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

  for (let volunteer = 0; volunteer < 2; volunteer++) {
    const client = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await classifyUntilFinished(client, first.id, (subject) => (subject.externalId === 'ad' ? 'yes' : 'no'));
  }
  for (let i = 0; i < 200 && (await stack.client.stats(first.id)).retired < 2; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await stack.client.stats(first.id)).toMatchObject({ retired: 2 });
  const reader = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  expect((await reader.queue(second.id)).subjects.map((subject) => subject.externalId)).toEqual(['news']);
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
