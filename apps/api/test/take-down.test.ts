import {
  type ChorusApiError,
  type ChorusClient,
  type WorkflowInput,
  favouritePageSchema,
  ownClassificationListSchema,
  projectCommentPageSchema,
  subjectDiscussionSchema,
  subjectResultDetailSchema,
  subjectResultPageSchema,
  subjectsUnretiredSchema,
} from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { type TestAccount, newAccount, newMember } from '../../../test/support/accounts';
import { csvTable } from '../../../test/support/csv';
import { type Stack, startStack } from '../../../test/support/stack';
import { refusal } from '../../../test/support/requests';

/**
 * A subject taken down by its project's team (a moderated retirement: personal data, sensitive content) stays down
 * everywhere volunteers could see it: its discussion, the project's recent discussions, their favourites and
 * classifications show it as taken down, with nothing of it, and every workflow of the project stops serving it.
 */

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack.stop();
});

const ASK: Omit<WorkflowInput, 'subjectSetIds' | 'name'> = {
  firstTask: 'T0',
  tasks: { T0: { type: 'single', question: 'Readable?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
  retirement: { rule: 'count', count: 10 },
};

interface Team {
  projectId: string;
  /** The workflow the subject is reported and taken down in, and another of the project over the same set. */
  workflowId: string;
  otherWorkflowId: string;
  setId: string;
  /** Subject ids by externalId (a, b). */
  subjects: Record<string, string>;
  moderator: TestAccount;
  scientist: TestAccount;
}

/** A live project with two workflows over one set of subjects a and b (each retired by its rule at `count` answers), a moderator and a scientist. */
async function twoWorkflows(count = 10): Promise<Team> {
  const project = await stack.client.createProject({ title: `Taken down ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Notices' });
  const { subjectIds } = await stack.client.addSubjects(set.id, [
    { externalId: 'a', metadata: { title: 'Letter to Mrs Smith' }, locations: [{ type: 'text', text: 'Mrs Smith, 12 High Street' }] },
    { externalId: 'b', metadata: { title: 'A notice' }, locations: [{ type: 'text', text: 'A notice' }] },
  ]);
  const workflows = [];
  for (const name of ['Read', 'Transcribe']) {
    const { id } = await stack.client.createWorkflow(project.id, { ...ASK, retirement: { rule: 'count', count }, name, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(id);
    workflows.push(id);
  }
  return {
    projectId: project.id,
    workflowId: workflows[0]!,
    otherWorkflowId: workflows[1]!,
    setId: set.id,
    subjects: { a: subjectIds[0]!, b: subjectIds[1]! },
    moderator: await newMember(stack, project.id, 'moderator', 'Moderator'),
    scientist: await newMember(stack, project.id, 'scientist', 'Scientist'),
  };
}

async function guest(): Promise<ChorusClient> {
  return stack.anonymous.withToken((await stack.anonymous.guest()).token);
}

/** The subjects a new guest is served in the workflow, by externalId. */
const served = async (workflowId: string) => (await (await guest()).queue(workflowId, 5)).subjects.map((subject) => subject.externalId).sort();

describe('a subject taken down', () => {
  it('is shown to volunteers as taken down, with nothing of it, wherever they could see it; its discussion stays readable and takes no new comment but the team’s, who see it all (round 27)', async () => {
    const team = await twoWorkflows();
    const a = team.subjects.a!;
    const volunteer = await newAccount(stack, 'Volunteer');
    const { version } = await stack.client.getWorkflow(team.workflowId);
    await volunteer.client.queue(team.workflowId, 2);
    await volunteer.client.classify({ workflowId: team.workflowId, workflowVersion: version, subjectId: a, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    await volunteer.client.markFavourite(a, team.workflowId);
    await volunteer.client.postComment(a, { projectId: team.projectId, body: 'Is this someone’s address? #privacy' });
    await volunteer.client.postComment(team.subjects.b!, { projectId: team.projectId, body: 'A fine #notice' });
    await (await guest()).reportSubject(team.workflowId, { subjectId: a, reason: 'sensitive-content', note: 'a home address' });
    const shown = (await stack.anonymous.subjectDiscussion(a, team.projectId)).subject;
    expect(shown).toMatchObject({ externalId: 'a', metadata: { title: 'Letter to Mrs Smith' } });
    expect(shown).not.toHaveProperty('takenDown');

    expect(await team.moderator.client.retireSubjects(team.workflowId, { subjectIds: [a], reason: 'A home address' })).toEqual({ retired: 1, takenDown: 1 });

    const takenDown = { id: a, externalId: null, locations: [], metadata: {}, takenDown: true };
    for (const reader of [stack.anonymous, volunteer.client]) {
      const discussion = await reader.subjectDiscussion(a, team.projectId);
      expect(subjectDiscussionSchema.parse(discussion)).toEqual(discussion);
      expect(discussion.subject).toEqual(takenDown);
      expect(discussion.comments.map((comment) => comment.body)).toEqual(['Is this someone’s address? #privacy']);
      const recent = await reader.projectComments(team.projectId);
      expect(projectCommentPageSchema.parse(recent)).toEqual(recent);
      expect(recent.comments.map((comment) => [comment.body, comment.subject])).toEqual([
        ['A fine #notice', (await reader.subjectDiscussion(team.subjects.b!, team.projectId)).subject],
        ['Is this someone’s address? #privacy', takenDown],
      ]);
      expect((await reader.projectComments(team.projectId, { tag: 'privacy' })).comments.map((comment) => comment.subject)).toEqual([takenDown]);
    }
    const favourites = await volunteer.client.myFavourites();
    expect(favouritePageSchema.parse(favourites)).toEqual(favourites);
    expect(favourites.favourites.map((favourite) => favourite.subject)).toEqual([takenDown]);
    const classifications = await volunteer.client.myClassifications();
    expect(ownClassificationListSchema.parse(classifications)).toEqual(classifications);
    expect(classifications.classifications.map((classification) => classification.subject)).toEqual([takenDown]);

    // No new comment but the team's: a clear refusal, and nothing stored.
    await refusal(volunteer.client.postComment(a, { projectId: team.projectId, body: 'Still there?' }), { status: 409, type: 'urn:chorus:problem:subject-taken-down' });
    expect((await stack.db.query('SELECT count(*)::int AS n FROM subject_comments WHERE subject_id = $1', [a])).rows[0].n).toBe(1);
    await team.moderator.client.postComment(a, { projectId: team.projectId, body: 'We took it down: thank you for telling us.' });

    // The team sees it all, marked, wherever they look (their own favourites and classifications too).
    for (const member of [team.moderator, team.scientist]) {
      const { subject } = await member.client.subjectDiscussion(a, team.projectId);
      expect(subject).toMatchObject({ id: a, externalId: 'a', metadata: { title: 'Letter to Mrs Smith' }, takenDown: true });
      expect(subject.locations).toHaveLength(1);
      expect((await member.client.projectComments(team.projectId)).comments.find((comment) => comment.subjectId === a)?.subject).toEqual(subject);
    }
    await team.scientist.client.markFavourite(a, team.workflowId);
    expect((await team.scientist.client.myFavourites()).favourites[0]?.subject).toMatchObject({ externalId: 'a', takenDown: true });

    // Put back in the workflow it was taken down in, and in every other one it was taken out of, it is shown again.
    await team.scientist.client.unretireSubjects(team.workflowId, { subjectIds: [a], reason: 'Address covered' });
    expect((await volunteer.client.subjectDiscussion(a, team.projectId)).subject).toEqual(takenDown);
    await team.scientist.client.unretireSubjects(team.otherWorkflowId, { subjectIds: [a], reason: 'Address covered' });
    expect((await volunteer.client.subjectDiscussion(a, team.projectId)).subject).toEqual(shown);
    await volunteer.client.postComment(a, { projectId: team.projectId, body: 'Thank you' });
  });

  it('is taken out of every workflow of the project, with the same reason and who did it, and put back by name in each (round 27)', async () => {
    const team = await twoWorkflows();
    const a = team.subjects.a!;
    await (await guest()).reportSubject(team.workflowId, { subjectId: a, reason: 'sensitive-content' });
    expect(await served(team.otherWorkflowId)).toEqual(['a', 'b']);

    // A researcher's take-down is a moderator's.
    expect(await team.scientist.client.retireSubjects(team.workflowId, { subjectIds: [a], reason: 'A home address', takeDown: true })).toEqual({ retired: 1, takenDown: 1 });
    for (const workflowId of [team.workflowId, team.otherWorkflowId]) expect(await served(workflowId)).toEqual(['b']);
    const { rows } = await stack.db.query(
      'SELECT workflow_id, retirement_reason, retirement_detail FROM subject_workflow_status WHERE subject_id = $1 AND retired_at IS NOT NULL ORDER BY workflow_id = $2 DESC',
      [a, team.workflowId],
    );
    const detail = { reason: 'A home address', by: team.scientist.id, role: 'scientist', takenDown: true };
    expect(rows).toEqual([
      { workflow_id: team.workflowId, retirement_reason: 'manual', retirement_detail: detail },
      { workflow_id: team.otherWorkflowId, retirement_reason: 'manual', retirement_detail: { ...detail, takenDownIn: team.workflowId } },
    ]);
    const consensusOf = async (workflowId: string) =>
      Object.fromEntries((await stack.client.consensus(workflowId, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line)).map((row) => [row.external_id, row]));
    expect((await consensusOf(team.otherWorkflowId)).a).toMatchObject({ retired: true, retirement_note: 'A home address', retired_by: team.scientist.id, retired_by_role: 'scientist' });

    // There, as where it was taken down, its set's unretirement leaves it retired; named, it is put back there alone.
    expect(subjectsUnretiredSchema.parse(await stack.client.unretireSubjects(team.otherWorkflowId, { subjectSetId: team.setId, reason: 'Start again' }))).toEqual({ unretired: 0, leftModerated: 1 });
    expect(await stack.client.unretireSubjects(team.otherWorkflowId, { externalIds: ['a'], reason: 'Not here' })).toEqual({ unretired: 1, moderatedUnretired: 1 });
    expect(await served(team.otherWorkflowId)).toEqual(['a', 'b']);
    expect(await served(team.workflowId)).toEqual(['b']);
    // Still taken down (its row where it was taken down is): its download row there says so, as its results do.
    expect((await consensusOf(team.otherWorkflowId)).a).toMatchObject({
      retired: false,
      taken_down: true,
      retired_before_take_down: null,
      unretired_retirement: { reason: 'manual', note: 'A home address', by: team.scientist.id, role: 'scientist', takenDown: true, takenDownIn: team.workflowId, at: expect.any(String) },
    });
    expect(await stack.client.subjectResult(team.otherWorkflowId, a)).toMatchObject({ retirement: null, takenDown: true });

    // Sent again where it is taken down already (a moderator, this time, with b, reported since), as a retry would be (no
    // Idempotency-Key here): a changes nothing, there nor where a researcher lifted it by name; b is taken down everywhere.
    await (await guest()).reportSubject(team.workflowId, { subjectId: team.subjects.b!, reason: 'other' });
    const lifted = (await consensusOf(team.otherWorkflowId)).a;
    expect(await team.moderator.client.retireSubjects(team.workflowId, { externalIds: ['a', 'b'], reason: 'Reported' })).toEqual({ retired: 1, alreadyRetired: 1, takenDown: 1 });
    expect(await served(team.otherWorkflowId)).toEqual(['a']);
    expect((await consensusOf(team.workflowId)).a).toMatchObject({ retired: true, retirement_note: 'A home address', retired_by: team.scientist.id });
    expect((await consensusOf(team.otherWorkflowId)).a).toEqual(lifted);
    // Taken down in that workflow, it is out of it again.
    expect(await stack.client.retireSubjects(team.otherWorkflowId, { subjectIds: [a], reason: 'Still there', takeDown: true })).toEqual({ retired: 1, takenDown: 1 });
    expect(await served(team.otherWorkflowId)).toEqual([]);
    // A researcher's retirement of a subject nobody reported is theirs to decide, in that workflow alone.
    const unreported = (await stack.client.addSubjects(team.setId, [{ externalId: 'c', locations: [{ type: 'text', text: 'c' }] }])).subjectIds[0]!;
    await stack.client.retireSubjects(team.workflowId, { subjectIds: [unreported], reason: 'Out of scope' });
    expect(await served(team.otherWorkflowId)).toEqual(['c']);
  });

  it('sent again, reaches the rows in other workflows an older take-down never did, and no row lifted by name', async () => {
    const team = await twoWorkflows();
    const { a, b } = team.subjects as { a: string; b: string };
    for (const subjectId of [a, b]) await (await guest()).reportSubject(team.workflowId, { subjectId, reason: 'sensitive-content' });
    expect(await team.moderator.client.retireSubjects(team.workflowId, { subjectIds: [a, b], reason: 'A home address' })).toEqual({ retired: 2, takenDown: 2 });
    // As older take-downs left them: a's a moderator's retirement from before take-downs were marked, never carried over
    // (its row in the other workflow served); b's carried over to none of the other workflow's rows retired already.
    await stack.db.query("UPDATE subject_workflow_status SET retirement_detail = retirement_detail - 'takenDown' WHERE workflow_id = $1 AND subject_id = $2", [team.workflowId, a]);
    await stack.db.query(
      `UPDATE subject_workflow_status SET retired_at = CASE WHEN subject_id = $3 THEN now() END, retirement_reason = CASE WHEN subject_id = $3 THEN 'count' END, retirement_detail = NULL
       WHERE workflow_id = $1 AND subject_id = ANY($2::uuid[])`,
      [team.otherWorkflowId, [a, b], b],
    );
    // b, retired there by its rule alone, would be served again with its set.
    await stack.client.unretireSubjects(team.otherWorkflowId, { subjectIds: [b], reason: 'More answers' });
    expect(await served(team.otherWorkflowId)).toEqual(['a', 'b']);

    expect(await team.moderator.client.retireSubjects(team.workflowId, { subjectIds: [a, b], reason: 'Reported again' })).toEqual({ retired: 0, alreadyRetired: 2 });
    expect(await served(team.otherWorkflowId)).toEqual([]);
    const { rows } = await stack.db.query('SELECT subject_id, retirement_detail FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY subject_id = $2 DESC', [team.otherWorkflowId, a]);
    expect(rows).toEqual(
      [a, b].map((subjectId) => ({
        subject_id: subjectId,
        retirement_detail: { reason: 'A home address', by: team.moderator.id, role: 'moderator', takenDown: true, takenDownIn: team.workflowId },
      })),
    );
    // Lifted by name there since, each stays lifted when it is sent again: b too, whose rule's retirement since was
    // unretired after (the lifted take-down stays on record).
    expect(await stack.client.unretireSubjects(team.otherWorkflowId, { subjectIds: [a, b], reason: 'Not here' })).toEqual({ unretired: 2, moderatedUnretired: 2 });
    await stack.db.query("UPDATE subject_workflow_status SET retired_at = now(), retirement_reason = 'count' WHERE workflow_id = $1 AND subject_id = $2", [team.otherWorkflowId, b]);
    expect(await stack.client.unretireSubjects(team.otherWorkflowId, { subjectIds: [b], reason: 'More answers' })).toEqual({ unretired: 1 });
    await team.moderator.client.retireSubjects(team.workflowId, { subjectIds: [a, b], reason: 'Reported again' });
    expect(await served(team.otherWorkflowId)).toEqual(['a', 'b']);
  });

  it('gives its row again in another workflow’s incremental download when its take-down is lifted, or made again (round 47)', async () => {
    const team = await twoWorkflows();
    const a = team.subjects.a!;
    const other = team.otherWorkflowId;
    await stack.client.retireSubjects(team.workflowId, { subjectIds: [a], reason: 'A home address', takeDown: true });
    await stack.client.unretireSubjects(other, { subjectIds: [a], reason: 'Not here' });
    const now = async () => (await stack.db.query('SELECT now() AS at')).rows[0].at.toISOString() as string;
    const since = async (at: string) => (await stack.client.consensus(other, { format: 'ndjson', since: at })).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const beforeLifted = await now();
    expect(await since(beforeLifted)).toEqual([]);

    // Lifted where it was taken down: its row in the other workflow is no longer taken down, so it changed.
    await stack.client.unretireSubjects(team.workflowId, { subjectIds: [a], reason: 'Address blurred' });
    expect(await since(beforeLifted)).toEqual([expect.objectContaining({ external_id: 'a', taken_down: false })]);
    const beforeMade = await now();
    await stack.client.retireSubjects(team.workflowId, { subjectIds: [a], reason: 'Still readable', takeDown: true });
    expect(await since(beforeMade)).toEqual([expect.objectContaining({ external_id: 'a', taken_down: true })]);
  });

  it('gives its classifications again in an incremental raw download only when it stops or starts being taken down anywhere in the project, not while another workflow keeps it down', async () => {
    const team = await twoWorkflows();
    const a = team.subjects.a!;
    const [here, other] = [team.workflowId, team.otherWorkflowId];
    const { version } = await stack.client.getWorkflow(here);
    await (await guest()).classify({ workflowId: here, workflowVersion: version, subjectId: a, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    const now = async () => (await stack.db.query('SELECT now() AS at')).rows[0].at.toISOString() as string;
    const since = async (at: string) => (await stack.client.classifications(here, { format: 'ndjson', since: at })).split('\n').filter(Boolean).map((line) => JSON.parse(line).subject_metadata);
    await stack.client.retireSubjects(here, { subjectIds: [a], reason: 'A home address', takeDown: true });

    // Lifted by name in the other workflow, made there again: still down here throughout, its metadata withheld, unchanged.
    const meanwhile = await now();
    await stack.client.unretireSubjects(other, { subjectIds: [a], reason: 'Not here' });
    await stack.client.retireSubjects(other, { subjectIds: [a], reason: 'Here too', takeDown: true });
    await stack.client.unretireSubjects(here, { subjectIds: [a], reason: 'Address blurred' });
    expect(await since(meanwhile)).toEqual([]);
    // Lifted in the last workflow that kept it down: its metadata comes back, so its classification is given again.
    const lifted = await now();
    await stack.client.unretireSubjects(other, { subjectIds: [a], reason: 'Address blurred there too' });
    expect(await since(lifted)).toEqual([{ title: 'Letter to Mrs Smith' }]);
  });

  it('stays down in a workflow its set is linked to after the take-down, or linked to again (round 27)', async () => {
    const team = await twoWorkflows();
    const a = team.subjects.a!;
    const other = team.otherWorkflowId;
    // Classified in the other workflow, then its set unlinked there: its row stays, retired as it left.
    const { version } = await stack.client.getWorkflow(other);
    await (await guest()).classify({ workflowId: other, workflowVersion: version, subjectId: a, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    const elsewhere = await stack.client.createSubjectSet(team.projectId, { name: 'Elsewhere' });
    await stack.client.addSubjects(elsewhere.id, [{ externalId: 'z', locations: [{ type: 'text', text: 'z' }] }]);
    await stack.client.updateWorkflow(other, { ...ASK, name: 'Transcribe', subjectSetIds: [elsewhere.id] });
    expect(await served(other)).toEqual(['z']);

    await (await guest()).reportSubject(team.workflowId, { subjectId: a, reason: 'sensitive-content' });
    await team.moderator.client.retireSubjects(team.workflowId, { subjectIds: [a], reason: 'A home address' });
    const detail = { reason: 'A home address', by: team.moderator.id, role: 'moderator', takenDown: true, takenDownIn: team.workflowId };
    const rowIn = async (workflowId: string) =>
      (await stack.db.query('SELECT retirement_reason, retirement_detail FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflowId, a])).rows[0];
    expect(await rowIn(other)).toEqual({ retirement_reason: 'manual', retirement_detail: { ...detail, unlinked: true } });
    // Its set linked again: the others come back, not it.
    await stack.client.updateWorkflow(other, { ...ASK, name: 'Transcribe', subjectSetIds: [elsewhere.id, team.setId] });
    expect(await served(other)).toEqual(['b', 'z']);
    expect(await rowIn(other)).toEqual({ retirement_reason: 'manual', retirement_detail: detail });

    // A workflow made afterwards over its set never serves it.
    const { id: later } = await stack.client.createWorkflow(team.projectId, { ...ASK, name: 'Later', subjectSetIds: [team.setId] });
    await stack.client.activateWorkflow(later);
    expect(await served(later)).toEqual(['b']);
    expect(await rowIn(later)).toEqual({ retirement_reason: 'manual', retirement_detail: detail });
    // Put back there by name, it is served there.
    expect(await stack.client.unretireSubjects(later, { subjectIds: [a], reason: 'Covered' })).toEqual({ unretired: 1, moderatedUnretired: 1 });
    expect(await served(later)).toEqual(['a', 'b']);
  });

  it('is one only when asked for: a researcher who retires a set with reported subjects takes none of them down (round 28)', async () => {
    const team = await twoWorkflows();
    const a = team.subjects.a!;
    const volunteer = await newAccount(stack, 'Volunteer');
    await volunteer.client.postComment(a, { projectId: team.projectId, body: 'The image does not load' });
    await (await guest()).reportSubject(team.workflowId, { subjectId: a, reason: 'media-does-not-load' });
    const shown = (await stack.anonymous.subjectDiscussion(a, team.projectId)).subject;

    // A whole set is never taken down at once: refused, naming the field, and nothing retired.
    const refused = await team.scientist.client.retireSubjects(team.workflowId, { subjectSetId: team.setId, reason: 'Done', takeDown: true }).then(
      () => undefined,
      (error: ChorusApiError) => error,
    );
    expect([refused?.status, refused?.problem.errors?.map((error) => error.pointer)]).toEqual([422, ['/takeDown']]);
    expect(await served(team.workflowId)).toEqual(['a', 'b']);

    expect(await team.scientist.client.retireSubjects(team.workflowId, { subjectSetId: team.setId, reason: 'Done' })).toEqual({ retired: 2 });
    expect((await volunteer.client.subjectDiscussion(a, team.projectId)).subject).toEqual(shown);
    await volunteer.client.editComment((await volunteer.client.subjectDiscussion(a, team.projectId)).comments[0]!.id, 'The image does not load for me');
    await volunteer.client.postComment(a, { projectId: team.projectId, body: 'Now it does' });
    expect(await served(team.otherWorkflowId)).toEqual(['a', 'b']);
    // Its report is still to handle: the lab offers to take it down.
    expect((await team.moderator.client.reportedSubjects(team.workflowId, { status: 'open' })).subjects).toMatchObject([{ subjectId: a, retired: true, takenDown: false }]);
  });

  it('takes down a subject its rule retired already, in every workflow, where its set’s unretirement leaves it retired (round 28)', async () => {
    const team = await twoWorkflows(1);
    const a = team.subjects.a!;
    const volunteer = await newAccount(stack, 'Volunteer');
    await volunteer.client.postComment(a, { projectId: team.projectId, body: 'Whose address is that?' });
    await stack.startWorker();
    try {
      for (const workflowId of [team.workflowId, team.otherWorkflowId]) {
        const { version } = await stack.client.getWorkflow(workflowId);
        await (await guest()).classify({ workflowId, workflowVersion: version, subjectId: a, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
        for (let i = 0; i < 200 && (await stack.client.stats(workflowId)).retired < 1; i++) await new Promise((resolve) => setTimeout(resolve, 50));
        expect((await stack.client.stats(workflowId)).retired).toBe(1);
      }
    } finally {
      await stack.stopWorker();
    }
    const ruleOf = async (workflowId: string) =>
      (await stack.db.query('SELECT retirement_reason AS reason FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflowId, a])).rows[0].reason as string;
    const rule = await ruleOf(team.workflowId);
    expect(rule).not.toBe('manual');
    const consensusOf = async (workflowId: string) =>
      Object.fromEntries((await stack.client.consensus(workflowId, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line)).map((row) => [row.external_id, row]));
    const decided = { a: (await consensusOf(team.workflowId)).a, other: (await consensusOf(team.otherWorkflowId)).a };
    for (const row of Object.values(decided)) {
      expect(row).toMatchObject({ retirement_reason: rule, retired_by_classification_id: expect.any(String), retired_under_version: 1, taken_down: false, retired_before_take_down: null });
    }
    // Reported after its rule retired it, it is taken down from the reported subjects all the same.
    await (await guest()).reportSubject(team.workflowId, { subjectId: a, reason: 'sensitive-content' });
    expect((await team.moderator.client.reportedSubjects(team.workflowId, { status: 'open' })).subjects).toMatchObject([{ subjectId: a, retired: true, takenDown: false }]);
    expect(await team.moderator.client.retireSubjects(team.workflowId, { subjectIds: [a], reason: 'A home address', takeDown: true })).toEqual({ retired: 0, alreadyRetired: 1, takenDown: 1 });
    expect((await team.moderator.client.reportedSubjects(team.workflowId, { status: 'handled' })).subjects).toMatchObject([{ subjectId: a, takenDown: true }]);

    expect((await volunteer.client.subjectDiscussion(a, team.projectId)).subject).toEqual({ id: a, externalId: null, locations: [], metadata: {}, takenDown: true });
    const [comment] = (await volunteer.client.subjectDiscussion(a, team.projectId)).comments;
    // Its comments stay as they were: no edit but the team's.
    await refusal(volunteer.client.editComment(comment!.id, 'Look: 12 High Street'), { status: 409, type: 'urn:chorus:problem:subject-taken-down' });
    expect((await stack.db.query('SELECT body FROM subject_comments WHERE id = $1', [comment!.id])).rows[0].body).toBe('Whose address is that?');

    // Both rows are the take-down now, each keeping its rule's retirement for the record.
    const { rows } = await stack.db.query(
      'SELECT workflow_id, retirement_reason, retirement_detail FROM subject_workflow_status WHERE subject_id = $1 ORDER BY workflow_id = $2 DESC',
      [a, team.workflowId],
    );
    const detail = { reason: 'A home address', by: team.moderator.id, role: 'moderator', takenDown: true, earlier: { reason: rule, at: expect.any(String) } };
    expect(rows).toEqual([
      { workflow_id: team.workflowId, retirement_reason: 'manual', retirement_detail: detail },
      { workflow_id: team.otherWorkflowId, retirement_reason: 'manual', retirement_detail: { ...detail, takenDownIn: team.workflowId } },
    ]);
    // The consensus download still says which classification decided it, and when its rule retired it, marked taken down.
    for (const [workflowId, before] of [[team.workflowId, decided.a], [team.otherWorkflowId, decided.other]] as const) {
      expect((await consensusOf(workflowId)).a).toMatchObject({
        retired: true,
        retirement_reason: 'manual',
        retired_by: team.moderator.id,
        retired_by_role: 'moderator',
        taken_down: true,
        retired_by_classification_id: before.retired_by_classification_id,
        retired_under_version: 1,
        retired_before_take_down: { reason: rule, at: before.retired_at },
      });
    }
    expect((await consensusOf(team.workflowId)).b).toMatchObject({ taken_down: false, retired_before_take_down: null });
    expect((await stack.client.subjectResult(team.workflowId, a)).retirement).toMatchObject({ reason: 'manual', byClassificationId: decided.a.retired_by_classification_id });
    // Its set unretired in the other workflow, it stays retired there (served nowhere).
    expect(await stack.client.unretireSubjects(team.otherWorkflowId, { subjectSetId: team.setId, reason: 'Start again' })).toEqual({ unretired: 0, leftModerated: 1 });
    for (const workflowId of [team.workflowId, team.otherWorkflowId]) expect(await served(workflowId)).toEqual(['b']);

    // Its rule asking for more, the take-down is lifted by name: the row is open, and its record keeps the take-down with
    // what it took over, the rule's retirement with the classification that met the rule and the version whose rule it was.
    const { definition, subjectSetIds } = await stack.client.getWorkflow(team.workflowId);
    await stack.client.updateWorkflow(team.workflowId, { ...definition, retirement: { rule: 'count', count: 3 }, subjectSetIds });
    expect(await stack.client.unretireSubjects(team.workflowId, { subjectIds: [a], reason: 'Address blurred' })).toMatchObject({ unretired: 1, moderatedUnretired: 1 });
    const lifted = (await consensusOf(team.workflowId)).a;
    expect(lifted).toMatchObject({ retired: false, retired_by_classification_id: null, retired_under_version: null, retired_before_take_down: null });
    expect(lifted.unretired_retirement).toEqual({
      reason: 'manual',
      at: expect.any(String),
      note: 'A home address',
      by: team.moderator.id,
      role: 'moderator',
      takenDown: true,
      earlier: { reason: rule, at: decided.a.retired_at, byClassificationId: decided.a.retired_by_classification_id, underVersion: 1 },
    });
  });

  it('keeps a rule’s deciding classification and version when its retirement is unretired directly, as a lifted take-down’s earlier does', async () => {
    const team = await twoWorkflows();
    const a = team.subjects.a!;
    const decidedBy = randomUUID();
    await stack.db.query(
      "UPDATE subject_workflow_status SET retired_at = now(), retirement_reason = 'count', retired_by_classification_id = $3, retired_under_version = 1 WHERE workflow_id = $1 AND subject_id = $2",
      [team.workflowId, a, decidedBy],
    );
    const rowOf = async () => (await stack.client.consensus(team.workflowId, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line)).find((line) => line.external_id === 'a');
    const retired = await rowOf();
    expect(await stack.client.unretireSubjects(team.workflowId, { subjectIds: [a], reason: 'Counted again' })).toMatchObject({ unretired: 1 });
    const unretired = await rowOf();
    expect(unretired).toMatchObject({ retired: false, retired_by_classification_id: null, retired_under_version: null });
    expect(unretired.unretired_retirement).toEqual({ reason: 'count', at: retired.retired_at, byClassificationId: decidedBy, underVersion: 1 });
  });

  it('keeps a retirement by hand it takes over in the consensus download, an object in JSON, its JSON text in a CSV cell (round 29)', async () => {
    const team = await twoWorkflows();
    const a = team.subjects.a!;
    await team.scientist.client.retireSubjects(team.workflowId, { subjectIds: [a], reason: 'Out of scope' });
    await (await guest()).reportSubject(team.workflowId, { subjectId: a, reason: 'sensitive-content' });
    expect(await team.moderator.client.retireSubjects(team.workflowId, { subjectIds: [a], reason: 'A home address' })).toEqual({ retired: 0, alreadyRetired: 1, takenDown: 1 });

    const [row] = (await stack.client.consensus(team.workflowId, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line)).filter((line) => line.external_id === 'a');
    const earlier = { reason: 'manual', at: expect.any(String), note: 'Out of scope', by: team.scientist.id, role: 'scientist' };
    expect(row).toMatchObject({ taken_down: true, retirement_note: 'A home address', retired_by: team.moderator.id, retired_by_classification_id: null, retired_before_take_down: earlier });
    expect(Object.keys(row.retired_before_take_down).sort()).toEqual(Object.keys(earlier).sort());
    const { header, rows } = csvTable(await stack.client.consensus(team.workflowId, { format: 'csv' }));
    const cells = rows.find((cells) => cells[header.indexOf('external_id')] === 'a')!;
    expect(cells[header.indexOf('taken_down')]).toBe('true');
    expect(JSON.parse(cells[header.indexOf('retired_before_take_down')]!)).toEqual(row.retired_before_take_down);
    // Its row in the other workflow, retired there by the take-down alone, took over nothing.
    const [other] = (await stack.client.consensus(team.otherWorkflowId, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line)).filter((line) => line.external_id === 'a');
    expect(other).toMatchObject({ taken_down: true, retired_before_take_down: null });
    // Lifted by name, the take-down's record keeps the retirement it took over, as the download gave it.
    await stack.client.unretireSubjects(team.workflowId, { subjectIds: [a], reason: 'Address blurred' });
    const [lifted] = (await stack.client.consensus(team.workflowId, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line)).filter((line) => line.external_id === 'a');
    expect(lifted).toMatchObject({ retired: false, retired_before_take_down: null, unretired_retirement: { reason: 'manual', note: 'A home address', takenDown: true } });
    expect(lifted.unretired_retirement.earlier).toEqual(row.retired_before_take_down);
  });

  it('is marked in the results to its researchers, and leaves every reviewer’s list: reviewers are not on the team, and see nothing of it (round 29)', async () => {
    const team = await twoWorkflows();
    const { a, b } = team.subjects as { a: string; b: string };
    const reviewer = await newMember(stack, team.projectId, 'reviewer', 'Reviewer');
    // Both in the reviewer's list: a consensus that needs checking, nobody reviewed yet.
    await stack.db.query(
      `INSERT INTO consensus (workflow_id, subject_id, task, answer, result, agreement, votes, algorithm, computed_at, needs_checking)
       SELECT $1, id, 'T0', 'yes', '{}', 0.5, 2, 'vote', now(), true FROM unnest($2::uuid[]) AS id`,
      [team.workflowId, [a, b]],
    );
    const externalIdsOf = async (reader: ChorusClient) => {
      const page = await reader.subjectResults(team.workflowId);
      expect(subjectResultPageSchema.parse(page)).toEqual(page);
      return page.subjects.map((subject) => subject.externalId).sort();
    };
    expect(await externalIdsOf(reviewer.client)).toEqual(['a', 'b']);
    expect(await reviewer.client.subjectResult(team.workflowId, a)).not.toHaveProperty('takenDown');

    await (await guest()).reportSubject(team.workflowId, { subjectId: a, reason: 'sensitive-content' });
    await team.moderator.client.retireSubjects(team.workflowId, { subjectIds: [a], reason: 'A home address' });

    // Its researchers see it all, marked, in the list and alone, in the workflow it was taken down in and the other.
    for (const workflowId of [team.workflowId, team.otherWorkflowId]) {
      const listed = (await team.scientist.client.subjectResults(workflowId)).subjects;
      expect(Object.fromEntries(listed.map((subject) => [subject.externalId, subject.takenDown ?? false]))).toEqual({ a: true, b: false });
      const detail = await team.scientist.client.subjectResult(workflowId, a);
      expect(subjectResultDetailSchema.parse(detail)).toEqual(detail);
      expect(detail).toMatchObject({ id: a, externalId: 'a', metadata: { title: 'Letter to Mrs Smith' }, takenDown: true });
      expect(detail.locations).toHaveLength(1);
    }
    // The reviewer: out of their list, its results refused, and not theirs to review.
    expect(await externalIdsOf(reviewer.client)).toEqual(['b']);
    await refusal(reviewer.client.subjectResult(team.workflowId, a), { status: 403, type: 'urn:chorus:problem:not-to-check' });
    await refusal(reviewer.client.reviewConsensus(team.workflowId, a, 'T0'), { status: 403, type: 'urn:chorus:problem:not-to-check' });
    expect((await stack.db.query('SELECT count(*)::int AS n FROM consensus_reviews WHERE subject_id = $1', [a])).rows[0].n).toBe(0);
    await reviewer.client.reviewConsensus(team.workflowId, b, 'T0');
  });

  it('reaches a workflow its set is linked to while the take-down is being made: the link waits for it (round 28)', async () => {
    const team = await twoWorkflows();
    const a = team.subjects.a!;
    // A take-down under way: its lock held, its row changed, not committed yet.
    await stack.db.query('BEGIN');
    let linking: Promise<{ id: string }> | undefined;
    try {
      await stack.db.query("SELECT pg_advisory_xact_lock(hashtext('take-down'), hashtext($1::text))", [team.projectId]);
      await stack.db.query(
        `UPDATE subject_workflow_status SET retired_at = now(), retirement_reason = 'manual', retirement_detail = $3 WHERE workflow_id = $1 AND subject_id = $2`,
        [team.workflowId, a, { reason: 'A home address', by: team.moderator.id, role: 'moderator', takenDown: true }],
      );
      let linked = false;
      linking = stack.client.createWorkflow(team.projectId, { ...ASK, name: 'Later', subjectSetIds: [team.setId] }).finally(() => {
        linked = true;
      });
      const waiting = async () => (await stack.db.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rows[0].n as number;
      for (let i = 0; i < 200 && !linked && (await waiting()) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(linked).toBe(false);
    } finally {
      await stack.db.query('COMMIT');
    }
    const { id: later } = await linking!;
    const { rows } = await stack.db.query('SELECT retirement_reason, retirement_detail FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [later, a]);
    expect(rows).toEqual([{ retirement_reason: 'manual', retirement_detail: { reason: 'A home address', by: team.moderator.id, role: 'moderator', takenDown: true, takenDownIn: team.workflowId } }]);
  });
});
