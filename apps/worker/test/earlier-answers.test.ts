import type { ChorusApiError } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});

/** Transcribe, choose, tag: the limits each task sets for new answers are the fields a new version tightens. */
const definition = (limits: { maxLength?: number; maxChoices?: number; allowFreeTags?: boolean; maxTags?: number }) => ({
  name: 'Letters',
  firstTask: 'T0',
  tasks: {
    T0: { type: 'transcription' as const, instruction: 'Type the letter', mode: 'free' as const, maxLength: limits.maxLength, next: 'M' },
    M: { type: 'multiple' as const, question: 'What is on the page?', answers: [{ value: 'a', label: 'Address' }, { value: 'b', label: 'Body' }, { value: 'c', label: 'Coat of arms' }], maxChoices: limits.maxChoices, next: 'G' },
    G: { type: 'tagging' as const, instruction: 'Tag the page', vocabulary: ['illegible', 'stamp'], allowFreeTags: limits.allowFreeTags, maxTags: limits.maxTags },
  },
  retirement: { rule: 'count' as const, count: 3 },
});

const letter = 'Dear Sir, the parcel came\non Tuesday, as promised.'; // two lines, 50 characters
const answers = [
  { task: 'T0', value: letter },
  { task: 'M', value: ['a', 'b'] },
  { task: 'G', value: { add: ['twins', 'illegible'] } },
];

it('keeps counting answers given under an earlier version that its new limits for new answers would refuse', async () => {
  const project = await stack.client.createProject({ title: `Letters ${randomUUID()}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Pages' });
  await stack.client.addSubjects(set.id, [{ externalId: 'page-4', locations: [{ type: 'text', text: 'A letter' }] }]);
  const { id: workflowId } = await stack.client.createWorkflow(project.id, { ...definition({}), subjectSetIds: [set.id] });
  await stack.client.activateWorkflow(workflowId);
  const guest = async () => {
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const [subject] = (await volunteer.queue(workflowId)).subjects;
    return { volunteer, subjectId: subject!.id };
  };
  const first = await guest();
  await first.volunteer.classify({ workflowId, workflowVersion: 1, subjectId: first.subjectId, annotations: answers }, randomUUID());
  // A second volunteer is at work on the page, under version 1, when the researcher saves version 2.
  const second = await guest();

  const updated = await stack.client.updateWorkflow(workflowId, definition({ maxLength: 20, maxChoices: 1, allowFreeTags: false, maxTags: 1 }));
  expect(updated.warnings).toEqual([{ pointer: '/tasks/G/allowFreeTags', message: expect.stringMatching(/^is false where free tags were allowed: tags given so far that are not in the vocabulary stop counting/) }]);
  expect(await second.volunteer.classify({ workflowId, workflowVersion: 1, subjectId: second.subjectId, annotations: answers }, randomUUID())).toMatchObject({ currentVersion: 2 });
  // A new answer is held to the new version's limits.
  const third = await guest();
  const refused = (await third.volunteer.classify({ workflowId, workflowVersion: 2, subjectId: third.subjectId, annotations: answers }, randomUUID()).catch((e) => e)) as ChorusApiError;
  expect([refused.status, refused.problem.errors?.[0]?.pointer]).toEqual([422, '/annotations/0/value']);

  await until(async () => (await stack.client.reaggregation(workflowId, updated.reaggregation!.id)).state === 'completed', 'the re-aggregation to complete');
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'aggregation to catch up');
  const [row] = (await stack.client.consensus(workflowId, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line));
  expect(row).toMatchObject({
    external_id: 'page-4',
    retired: false,
    classification_count: 2,
    T0_votes: 2,
    T0_answer: letter,
    T0_workflow_version: 2,
    M_votes: 2,
    M_answer: ['a', 'b'],
    // The free tag "twins" no longer counts, the vocabulary's "illegible" still does.
    G_votes: 2,
    G_answer: ['illegible'],
  });
});
