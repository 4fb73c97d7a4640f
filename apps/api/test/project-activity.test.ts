import type { ChorusClient, ProjectActivity } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { refusal } from '../../../test/support/requests';
import { type Stack, startStack } from '../../../test/support/stack';

/**
 * A project's activity per day (`GET /projects/:id/activity`): classifications made on chosen days (their created_at
 * set through the database), counted per day in the researcher's time zone, draft tries left out as the stats leave
 * them out, zero days included, one workflow or the whole project, public as the workflow stats are.
 */
let stack: Stack;
let projectId: string;
let workflowId: string;
let otherWorkflowId: string;
let subjectIds: string[];
let setId: string;

const workflow = (set: string) => ({
  name: 'Ad?',
  firstTask: 'T0',
  tasks: { T0: { type: 'single' as const, question: 'An advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
  retirement: { rule: 'count' as const, count: 10 },
  subjectSetIds: [set],
});
const newVolunteer = async () => stack.anonymous.withToken((await stack.anonymous.guest()).token);

/** Classifies, then dates the classification `at`. */
async function classifyAt(who: ChorusClient, workflow: string, subject: number, at: string): Promise<void> {
  const { id } = await who.classify({ workflowId: workflow, workflowVersion: 1, subjectId: subjectIds[subject]!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  await stack.db.query('UPDATE classifications SET created_at = $2 WHERE id = $1', [id, at]);
}

const figures = (activity: ProjectActivity) => activity.days.map(({ date, classifications, volunteers, newVolunteers, retired }) => [date, classifications, volunteers, newVolunteers, retired]);
const TRUSTED_MS = 30_000;
const MARCH = { from: '2026-03-01', to: '2026-03-05' };

beforeAll(async () => {
  stack = await startStack();
  projectId = (await stack.client.createProject({ title: `Activity ${randomUUID().slice(0, 8)}`, status: 'live' })).id;
  setId = (await stack.client.createSubjectSet(projectId, { name: 'Set' })).id;
  subjectIds = (await stack.client.addSubjects(setId, ['a', 'b', 'c'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })))).subjectIds;
  workflowId = (await stack.client.createWorkflow(projectId, workflow(setId))).id;
  otherWorkflowId = (await stack.client.createWorkflow(projectId, workflow(setId))).id;
  // The researcher's try while the workflow is a draft: counted toward nothing, on a day that otherwise has none.
  await classifyAt(stack.client, workflowId, 2, '2026-03-02T10:00:00Z');
  await stack.client.activateWorkflow(workflowId);
  await stack.client.activateWorkflow(otherWorkflowId);

  const [first, earlier, late] = [await newVolunteer(), await newVolunteer(), await newVolunteer()];
  await classifyAt(first, workflowId, 0, '2026-03-01T10:00:00Z');
  await classifyAt(first, workflowId, 1, '2026-03-03T23:30:00Z'); // 4 March in Paris
  await classifyAt(first, otherWorkflowId, 0, '2026-03-02T08:00:00Z');
  await classifyAt(earlier, workflowId, 0, '2026-02-20T10:00:00Z'); // before the days asked for: not new in them
  await classifyAt(earlier, workflowId, 1, '2026-03-01T12:00:00Z');
  await classifyAt(late, workflowId, 0, '2026-03-05T09:00:00Z');
  await stack.db.query(
    "UPDATE subject_workflow_status SET retired_at = '2026-03-05T10:00:00Z', retirement_reason = 'manual' WHERE workflow_id = $1 AND subject_id = $2",
    [workflowId, subjectIds[0]],
  );
}, 120_000); // a stack and a day's classifications: more than a test's 30 s on a machine busy with other suites
afterAll(() => stack.stop());

describe('GET /projects/:id/activity', () => {
  it('counts one workflow’s classifications, volunteers, new volunteers and retirements per day, zero days included, draft tries left out', async () => {
    const activity = await stack.anonymous.activity(projectId, { ...MARCH, workflowId });
    expect(figures(activity)).toEqual([
      ['2026-03-01', 2, 2, 1, 0],
      ['2026-03-02', 0, 0, 0, 0],
      ['2026-03-03', 1, 1, 0, 0],
      ['2026-03-04', 0, 0, 0, 0],
      ['2026-03-05', 1, 1, 1, 1],
    ]);
    expect(activity).toMatchObject({ ...MARCH, timeZone: 'UTC', workflowId, totals: { classifications: 4, volunteers: 3, newVolunteers: 2, retired: 1 } });
  });

  it('counts the days of the time zone asked for: 23:30 UTC is the next day in Paris', async () => {
    const activity = await stack.anonymous.activity(projectId, { ...MARCH, workflowId, timeZone: 'Europe/Paris' });
    expect(figures(activity).slice(2, 4)).toEqual([
      ['2026-03-03', 0, 0, 0, 0],
      ['2026-03-04', 1, 1, 0, 0],
    ]);
  });

  it('counts the whole project without a workflow, each volunteer new once in it', async () => {
    const activity = await stack.anonymous.activity(projectId, MARCH);
    expect(figures(activity).slice(0, 2)).toEqual([
      ['2026-03-01', 2, 2, 1, 0],
      ['2026-03-02', 1, 1, 0, 0],
    ]);
    expect(activity.totals).toEqual({ classifications: 5, volunteers: 3, newVolunteers: 2, retired: 1 });
    const other = await stack.anonymous.activity(projectId, { ...MARCH, workflowId: otherWorkflowId });
    expect(other.totals).toEqual({ classifications: 1, volunteers: 1, newVolunteers: 1, retired: 0 });
  });

  it('answers the last 30 days up to today by default', async () => {
    const activity = await stack.anonymous.activity(projectId);
    expect(activity.days).toHaveLength(30);
    expect(activity.to).toBe(new Date().toISOString().slice(0, 10));
  });

  it('is a draft project’s members’ only: anyone else gets 404', async () => {
    const draft = (await stack.client.createProject({ title: `Activity draft ${randomUUID().slice(0, 8)}`, status: 'draft' })).id;
    expect((await stack.client.activity(draft, MARCH)).days).toHaveLength(5);
    await refusal(stack.anonymous.activity(draft, MARCH), { status: 404, pointers: ['/params/id'] });
    await refusal(stack.anonymous.activity(draft, { ...MARCH, workflowId }), { status: 404, pointers: ['/params/id'] });
    await refusal(stack.client.activity(draft, { ...MARCH, workflowId }), { status: 404, pointers: ['/query/workflowId'] });
  });

  it('answers anyone not of the team what this process read in the last 30 s, as the stats do; the team as it is now', async () => {
    const APRIL = { from: '2026-04-01', to: '2026-04-03' };
    expect((await stack.anonymous.activity(projectId, APRIL)).totals.classifications).toBe(0);
    await classifyAt(await newVolunteer(), workflowId, 1, '2026-04-02T10:00:00Z');
    expect((await stack.client.activity(projectId, APRIL)).totals.classifications).toBe(1);
    expect((await stack.anonymous.activity(projectId, APRIL)).totals.classifications).toBe(0);
    jest.spyOn(Date, 'now').mockReturnValue(Date.now() + TRUSTED_MS + 1);
    try {
      expect((await stack.anonymous.activity(projectId, APRIL)).totals.classifications).toBe(1);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('leaves a draft workflow of a live project out for anyone not of the team, and answers 404 for it', async () => {
    const MAY = { from: '2026-05-01', to: '2026-05-03' };
    const draftId = (await stack.client.createWorkflow(projectId, workflow(setId))).id;
    await classifyAt(stack.client, draftId, 0, '2026-05-02T10:00:00Z');
    // Counted as if made while the workflow was published (a workflow put back in draft keeps its classifications).
    await stack.db.query('UPDATE classifications SET made_in_draft = false WHERE workflow_id = $1', [draftId]);
    expect((await stack.client.activity(projectId, MAY)).totals.classifications).toBe(1);
    expect((await stack.client.activity(projectId, { ...MAY, workflowId: draftId })).totals.classifications).toBe(1);
    expect((await stack.anonymous.activity(projectId, MAY)).totals.classifications).toBe(0);
    await refusal(stack.anonymous.activity(projectId, { ...MAY, workflowId: draftId }), { status: 404, pointers: ['/query/workflowId'] });
  });

  it.each([
    ['a date not YYYY-MM-DD', { from: '2026-3-1' }, '/query/from'],
    ['a to not a date', { to: 'tomorrow' }, '/query/to'],
    ['from after to', { from: '2026-03-06', to: '2026-03-05' }, '/query/from'],
    ['more than 400 days', { from: '2025-01-01', to: '2026-03-05' }, '/query/from'],
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, '/query/timeZone'],
    ['an offset for a time zone', { timeZone: '+01:00' }, '/query/timeZone'],
    ['a zone Node knows but Postgres does not', { timeZone: 'US/Pacific-New' }, '/query/timeZone'],
    ['a to in year 0000', { to: '0000-01-05' }, '/query/to'],
    ['a from before 2000', { from: '1999-12-31', to: '2000-01-02' }, '/query/from'],
    ['a workflow id not an id', { workflowId: 'nope' }, '/query/workflowId'],
  ])('refuses %s with 422 naming the field', async (_name, query, pointer) => {
    await refusal(stack.anonymous.activity(projectId, query), { status: 422, pointers: [pointer] });
  });

  it('refuses a parameter it does not take, rather than ignoring it', async () => {
    await refusal(stack.anonymous.request('GET', `/projects/${projectId}/activity?tz=Europe/Paris`), { status: 422, pointers: ['/query/tz'] });
  });
});
