import { type ChorusApiError, workflowSkillsSchema } from '@chorus/client';
import { newAccount, newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { carefulMinorityWorkflow, voteWorkflow } from '../../../test/support/workflows';

/**
 * A `bayes` workflow's learned skills, as its researchers read them: the worker learns them (a real run, on the
 * workflow's completion) from a careful volunteer and two contrary ones, who answer every gold standard subject wrong.
 */

jest.setTimeout(120_000);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

describe('GET /workflows/:id/skills', () => {
  it('lists each volunteer’s learned skill, the least accurate first, named as the raw download names them, with what it rests on and their gold agreement', async () => {
    const [careful, ...contrary] = [await newAccount(stack, 'Careful Carla'), await newAccount(stack, 'Contrary Cid'), await newAccount(stack, 'Contrary Dee')];
    const { workflowId } = await carefulMinorityWorkflow(stack, stack.client, 1, async () => [careful, ...contrary].map((account) => account.client));
    const { skills } = workflowSkillsSchema.parse(await stack.client.skills(workflowId));

    // Each volunteer answered the 7 subjects, 6 of them gold standard: the careful one agreed with all 6, the others with none.
    expect(skills.map(({ task, volunteerId, volunteer, answers, gold }) => ({ task, volunteerId, volunteer, answers, gold }))).toEqual([
      ...[contrary[0]!, contrary[1]!]
        .map((account, index) => ({ task: 'T0', volunteerId: account.id, volunteer: { kind: 'registered', name: index ? 'Contrary Dee' : 'Contrary Cid' }, answers: 7, gold: { answers: 6, agreed: 0 } }))
        .sort((a, b) => a.volunteerId.localeCompare(b.volunteerId)),
      { task: 'T0', volunteerId: careful.id, volunteer: { kind: 'registered', name: 'Careful Carla' }, answers: 7, gold: { answers: 6, agreed: 6 } },
    ]);
    // Learned from the gold standard: the careful volunteer is the more accurate (all of them pulled toward the crowd,
    // two thirds of whose answers are wrong, on 7 answers each).
    const [first, second, third] = skills;
    expect(first!.accuracy).toBeLessThan(third!.accuracy);
    expect(second!.accuracy).toBeLessThan(third!.accuracy);
    // Their confusion per true answer: a contrary volunteer says "no" when it is "yes" more often than the careful one.
    expect(first!.confusion.yes!.no).toBeGreaterThan(third!.confusion.yes!.no!);
    expect(third!.confusion.yes!.yes).toBeGreaterThan(first!.confusion.yes!.yes!);
    expect(Object.values(third!.confusion.no!).reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    // As the worker stored them, no second copy: its rows' time.
    const { rows } = await stack.db.query('SELECT max(updated_at) AS at FROM volunteer_skills WHERE workflow_id = $1', [workflowId]);
    expect(third!.learnedAt).toBe((rows[0].at as Date).toISOString());
    // Never an email.
    expect(JSON.stringify(skills)).not.toContain('@');
  });

  it('is empty for a workflow whose votes are not weighed by skill', async () => {
    const { workflowId } = await voteWorkflow(stack, 2);
    expect(await stack.client.skills(workflowId)).toEqual({ skills: [] });
  });

  it('is for the project’s researchers only', async () => {
    const project = await stack.client.createProject({ title: 'Skills access', status: 'live' });
    const { id: workflowId } = await stack.client.createWorkflow(project.id, {
      name: 'W',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    });
    const outsider = await newAccount(stack, 'Outsider');
    const moderator = await newMember(stack, project.id, 'moderator', 'Moderator');
    for (const client of [outsider.client, moderator.client]) expect((await client.skills(workflowId).catch((error: ChorusApiError) => error)) as ChorusApiError).toMatchObject({ status: 403 });
    expect((await stack.anonymous.skills(workflowId).catch((error: ChorusApiError) => error)) as ChorusApiError).toMatchObject({ status: 401 });
    const scientist = await newMember(stack, project.id, 'scientist', 'Scientist');
    expect(await scientist.client.skills(workflowId)).toEqual({ skills: [] });
  });
});
