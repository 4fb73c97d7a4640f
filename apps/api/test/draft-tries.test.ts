import type { ChorusApiError, ChorusClient } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';

/**
 * A researcher tries her workflow while it is a draft (round 16a F9): those tries are kept and marked in the raw
 * download and the subject results, but once the workflow is active they count toward neither the consensus nor the
 * retirement, nor as its stats' classifications and volunteers; a draft holding only tries may be deleted with them.
 */
let stack: Stack;
let workflowId: string;
let subjectIds: Record<string, string>;
let projectId: string;
let setId: string;

const answer = (value: 'yes' | 'no') => [{ task: 'T0', value }];
const classify = (who: ChorusClient, externalId: string, value: 'yes' | 'no') =>
  who.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[externalId]!, annotations: answer(value) }, randomUUID());
const newVolunteer = async () => stack.anonymous.withToken((await stack.anonymous.guest()).token);
const consensusOf = async (externalId: string) =>
  ((await stack.client.consensus(workflowId, { format: 'json' }).then(JSON.parse)) as Record<string, unknown>[]).find((row) => row.external_id === externalId)!;
const aggregated = () => until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'the worker to aggregate');

beforeAll(async () => {
  stack = await startStack();
  projectId = (await stack.client.createProject({ title: `Draft tries ${randomUUID().slice(0, 8)}`, status: 'live' })).id;
  setId = (await stack.client.createSubjectSet(projectId, { name: 'Set' })).id;
  const names = ['tried', 'also tried', 'untried'];
  const { subjectIds: ids } = await stack.client.addSubjects(setId, names.map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
  subjectIds = Object.fromEntries(names.map((name, index) => [name, ids[index]!]));
  workflowId = await draftWorkflow();
});
afterAll(() => stack.stop());

async function draftWorkflow(project = projectId, set = setId): Promise<string> {
  const { id } = await stack.client.createWorkflow(project, {
    name: 'Ad?',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'An advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 2 },
    subjectSetIds: [set],
  });
  return id;
}

describe('classifications made while the workflow is a draft', () => {
  it('count toward neither consensus nor retirement once it is active, and are marked made_in_draft in the raw download', async () => {
    // The researcher tries her draft (a member may): her answers are stored.
    const tryId = (await classify(stack.client, 'tried', 'yes')).id;
    const otherTryId = (await classify(stack.client, 'also tried', 'yes')).id;
    await aggregated();
    expect(await consensusOf('tried')).toMatchObject({ retired: false, classification_count: 0, draft_tries: 1, T0_answer: null, T0_votes: 0 });

    await stack.client.activateWorkflow(workflowId);
    // One volunteer: with her try counted, two answers would have met the rule (count 2) already.
    await classify(await newVolunteer(), 'tried', 'no');
    await aggregated();
    expect(await consensusOf('tried')).toMatchObject({ retired: false, classification_count: 1, draft_tries: 1, T0_answer: 'no', T0_votes: 1, T0_agreement: 1 });

    const retiringId = (await classify(await newVolunteer(), 'tried', 'no')).id;
    await aggregated();
    expect(await consensusOf('tried')).toMatchObject({ retired: true, retirement_reason: 'count', retired_by_classification_id: retiringId, classification_count: 2, draft_tries: 1, T0_answer: 'no', T0_votes: 2, T0_agreement: 1 });

    const rows = (await stack.client.classifications(workflowId, { format: 'json' }).then(JSON.parse)) as Record<string, unknown>[];
    const tries = [tryId, otherTryId];
    expect(rows.map((row) => [tries.includes(row.classification_id as string), row.made_in_draft, row.after_retirement]).sort()).toEqual([
      [false, false, false],
      [false, false, false],
      [true, true, false],
      [true, true, false],
    ]);
    const csv = await stack.client.classifications(workflowId, { format: 'csv' });
    expect(csv.split('\n')[0]).toContain(',after_retirement,made_in_draft,');
  });

  it('are marked madeInDraft among the subject’s classifications in its results, and counted apart from its classificationCount', async () => {
    // Oldest first: the researcher's try, then the two volunteers' classifications.
    const { classifications } = await stack.client.subjectResult(workflowId, subjectIds.tried!);
    expect(classifications.map((classification) => classification.madeInDraft)).toEqual([true, false, false]);
    // Counted apart, as in the consensus download and the stats.
    expect((await stack.client.subjectResults(workflowId)).subjects.find((subject) => subject.id === subjectIds.tried)).toMatchObject({ classificationCount: 2, draftTries: 1 });
  });

  it('count in the workflow’s stats apart, neither as classifications nor as volunteers', async () => {
    // Two tries by the researcher, then two volunteers' classifications of the subject she tried.
    expect(await stack.client.stats(workflowId)).toMatchObject({ classifications: 2, volunteers: 2, draftTries: 2 });
  });

  it('stay out of the consensus when the workflow is re-aggregated', async () => {
    const run = await stack.client.reaggregate(workflowId);
    await until(async () => (await stack.client.reaggregation(workflowId, run.id)).state === 'completed', 'the re-aggregation');
    expect(await consensusOf('tried')).toMatchObject({ retired: true, T0_answer: 'no', T0_votes: 2, T0_agreement: 1 });
  });

  it('leave the subject out of the counted classifications that cap how many volunteers may hold it', async () => {
    const { rows } = await stack.db.query('SELECT classification_count, counted_count, draft_tries FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflowId, subjectIds.tried]);
    expect(rows[0]).toEqual({ classification_count: 3, counted_count: 2, draft_tries: 1 });
  });

  it('are not counted when their subject, retired by hand while the workflow was a draft, is unretired', async () => {
    const other = await draftWorkflow();
    await stack.client.retireSubjects(other, { externalIds: ['tried'], reason: 'trying the return' });
    await stack.client.classify({ workflowId: other, workflowVersion: 1, subjectId: subjectIds.tried!, annotations: answer('yes') }, randomUUID());
    await stack.client.unretireSubjects(other, { externalIds: ['tried'], reason: 'tried too soon' });
    const counted = async () =>
      (await stack.db.query('SELECT counted_count FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [other, subjectIds.tried])).rows[0].counted_count;
    expect(await counted()).toBe(0);
    await until(async () => (await laggingSubjects(stack.db, other)) === 0, 'the worker to aggregate');
    const [row] = ((await stack.client.consensus(other, { format: 'json' }).then(JSON.parse)) as Record<string, unknown>[]).filter((each) => each.external_id === 'tried');
    expect(row).toMatchObject({ retired: false, T0_votes: 0 });
  });

  it('go with their draft when it is deleted, with what hangs from them, while one volunteers classified in is kept', async () => {
    const tried = await draftWorkflow();
    const served = (await stack.client.queue(tried)).subjects.map((subject) => subject.id);
    await stack.client.classify({ workflowId: tried, workflowVersion: 1, subjectId: served[0]!, annotations: answer('yes') }, randomUUID());
    await stack.client.reportSubject(tried, { subjectId: served[1]!, reason: 'blank-or-unreadable' });
    expect(await stack.client.stats(tried)).toMatchObject({ classifications: 0, volunteers: 0, draftTries: 1 });
    await stack.client.deleteWorkflow(tried);
    const { rows } = await stack.db.query(
      `SELECT (SELECT count(*) FROM classifications WHERE workflow_id = $1)::int AS classifications, (SELECT count(*) FROM assignments WHERE workflow_id = $1)::int AS assignments,
              (SELECT count(*) FROM subject_reports WHERE workflow_id = $1)::int AS reports, (SELECT count(*) FROM subject_workflow_status WHERE workflow_id = $1)::int AS hot_rows,
              (SELECT count(*) FROM aggregation_outbox WHERE workflow_id = $1)::int AS outbox, (SELECT count(*) FROM workflows WHERE id = $1)::int AS workflows`,
      [tried],
    );
    expect(rows[0]).toEqual({ classifications: 0, assignments: 0, reports: 0, hot_rows: 0, outbox: 0, workflows: 0 });

    const worked = await draftWorkflow();
    await stack.client.classify({ workflowId: worked, workflowVersion: 1, subjectId: subjectIds.tried!, annotations: answer('yes') }, randomUUID());
    await stack.client.activateWorkflow(worked);
    await (await newVolunteer()).classify({ workflowId: worked, workflowVersion: 1, subjectId: subjectIds.tried!, annotations: answer('no') }, randomUUID());
    await stack.client.pauseWorkflow(worked);
    const refused = await stack.client.deleteWorkflow(worked).then(() => undefined, (error: ChorusApiError) => error);
    expect([refused?.status, refused?.problem.type]).toEqual([409, 'urn:chorus:problem:workflow-classified']);
    expect(await stack.client.stats(worked)).toMatchObject({ classifications: 1, volunteers: 1, draftTries: 1 });
  });

  it('go with their project when it is deleted, as its workflows do', async () => {
    const tried = await stack.client.createProject({ title: `Tried ${randomUUID().slice(0, 8)}`, status: 'draft' });
    const set = await stack.client.createSubjectSet(tried.id, { name: 'Set' });
    const [subjectId] = (await stack.client.addSubjects(set.id, [{ externalId: 'a', locations: [{ type: 'text', text: 'A' }] }])).subjectIds;
    const id = await draftWorkflow(tried.id, set.id);
    await stack.client.classify({ workflowId: id, workflowVersion: 1, subjectId: subjectId!, annotations: answer('yes') }, randomUUID());
    await stack.client.deleteProject(tried.id);
    expect((await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE workflow_id = $1', [id])).rows[0].n).toBe(0);
  });

  it('hold their subjects no longer once the workflow is activated from its draft, so volunteers get them; a volunteer’s holds outlast a pause', async () => {
    const pilot = await draftWorkflow();
    expect((await stack.client.queue(pilot)).subjects).toHaveLength(3);
    expect(await stack.client.stats(pilot)).toMatchObject({ held: 3 });
    await stack.client.activateWorkflow(pilot);
    expect(await stack.client.stats(pilot)).toMatchObject({ held: 0 });
    // Activating it again ends nothing: only a draft's holds are its team's tries.
    const volunteer = await newVolunteer();
    expect((await volunteer.queue(pilot)).subjects).toHaveLength(3);
    await stack.client.activateWorkflow(pilot);
    await stack.client.pauseWorkflow(pilot);
    await stack.client.activateWorkflow(pilot);
    expect(await stack.client.stats(pilot)).toMatchObject({ held: 3 });
  });

  it('still count as having seen the subject: the queue does not serve it to the researcher again once it is active', async () => {
    expect((await stack.client.queue(workflowId)).subjects.map((subject) => subject.externalId)).toEqual(['untried']);
  });
});
