import type { ChorusClient } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { ACCOUNT_PASSWORD, newMember, signUp } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { WORKFLOW_STATS } from '../src/workflows/workflow-stats-sql';

/**
 * A workflow's figures as its progress counts them, where a count could go wrong: the team's tries in draft count as no
 * classification, and as no volunteer where they are a member's only ones, a guest carried into an account counts once
 * for what moved and still counts for an answer that stayed its own, a gold-standard subject retired or taken down is
 * no retirement but still gold standard, and the subjects of a set unlinked leave `subjects` and `retired` while the
 * work done on them stays in `classifications` and `volunteers`. And each figure is counted from an index alone, so
 * that the lab, which reads them on every page load, is answered quickly at a million classifications.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

const text = (externalId: string) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] });

it('count each volunteer once, not the team’s tries in draft, gold standard apart from retirement, and leave out the subjects of sets unlinked but not the work done on them', async () => {
  const project = await stack.client.createProject({ title: `Figures ${randomUUID().slice(0, 8)}`, status: 'live' });
  const [main, gone] = [await stack.client.createSubjectSet(project.id, { name: 'Main' }), await stack.client.createSubjectSet(project.id, { name: 'Gone' })];
  const gold = (externalId: string) => ({ ...text(externalId), goldStandard: { T0: 'yes' } });
  const [m1, m2, m3, , g2, g3] = (await stack.client.addSubjects(main.id, [text('m1'), text('m2'), text('m3'), gold('g1'), gold('g2'), gold('g3')])).subjectIds as string[] as [string, string, string, string, string, string];
  const [x1] = (await stack.client.addSubjects(gone.id, [text('x1'), text('x2')])).subjectIds as [string];
  const definition = {
    name: 'Ad?',
    firstTask: 'T0',
    tasks: { T0: { type: 'single' as const, question: 'An advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count' as const, count: 5 },
  };
  const { id: workflowId } = await stack.client.createWorkflow(project.id, { ...definition, subjectSetIds: [main.id, gone.id] });
  const answer = (subjectId: string) => ({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] });
  const classify = (as: ChorusClient, subjectId: string) => as.classify(answer(subjectId), randomUUID());

  // A collaborator's try while it is a draft, his only classification: no volunteer. The researcher's try, and then a
  // classification that counts: one volunteer.
  await classify((await newMember(stack, project.id, 'collaborator', 'Otto')).client, m1);
  await classify(stack.client, m1);
  await stack.client.activateWorkflow(workflowId);
  await classify(stack.client, m3);

  const email = `figures-${randomUUID()}@example.org`;
  const account = stack.anonymous.withToken((await signUp(stack, { email, displayName: 'Ida' })).token);
  await classify(account, m2);
  const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  await classify(guest, m2); // stays the guest's: the account classified m2 itself
  await classify(guest, m3); // carried into the account
  expect((await guest.login({ email, password: ACCOUNT_PASSWORD })).guestWork).toEqual({ classifications: 1, alreadyClassified: 1 });
  await classify(stack.anonymous.withToken((await stack.anonymous.guest()).token), x1); // only in the set unlinked below

  // Gold-standard subjects a volunteer reported: one retired by the researcher, the other taken down.
  const reporter = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  for (const subjectId of [g2, g3]) await reporter.reportSubject(workflowId, { subjectId, reason: 'sensitive-content' });
  await stack.client.retireSubjects(workflowId, { externalIds: ['m3', 'x2', 'g2'], reason: 'enough' });
  expect(await stack.client.retireSubjects(workflowId, { externalIds: ['g3'], reason: 'A home address', takeDown: true })).toMatchObject({ retired: 1, takenDown: 1 });
  await stack.client.updateWorkflow(workflowId, { ...definition, subjectSetIds: [main.id] });

  expect(await stack.client.stats(workflowId)).toMatchObject({ subjects: 6, retired: 1, goldStandard: 3, classifications: 5, volunteers: 4, draftTries: 2 });
});

it('are counted from indexes alone: the volunteers in their index’s order, the subjects without reading their rows', async () => {
  const plan = await stack.db.query('BEGIN').then(async () => {
    try {
      // The tables are small here, so the planner is told to take an index over a scan, as it would at scale.
      await stack.db.query('SET LOCAL enable_seqscan = off');
      await stack.db.query('SET LOCAL enable_bitmapscan = off');
      return (await stack.db.query(`EXPLAIN (COSTS OFF) ${WORKFLOW_STATS}`, [randomUUID()])).rows.map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await stack.db.query('ROLLBACK');
    }
  });
  // Each volunteer's entries after the first passed over as the index gives them: neither sorted nor hashed.
  expect(plan).toMatch(/Unique\n\s*->\s+(Parallel )?Index Only Scan using classifications_volunteers_idx on classifications\b/);
  expect(plan).not.toMatch(/HashAggregate|Recursive Union/);
  expect(plan.match(/Index Only Scan using subject_workflow_status_figures_idx on subject_workflow_status\b/g)).toHaveLength(3);
  // Every read of classifications is of an index alone (the count's of either index of the counted ones), and none sorts them.
  expect(plan).not.toMatch(/(?<!Index Only )Scan (using \S+ )?on classifications\b/);
  expect(plan).not.toMatch(/\bSort\b/);
});
