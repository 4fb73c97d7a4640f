import { publishedResultSchema } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { Tokens } from '../src/auth/tokens';
import { newAccount, newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { transcribeAndDateWorkflow } from '../../../test/support/workflows';
import { guestsClassify } from '../../../test/support/volunteers';
import { refusal } from '../../../test/support/requests';

/**
 * A project that publishes results (`resultsPublic`, its administrators' to set) shows a retired subject's consensus
 * to volunteers and the public: `GET /workflows/:id/subjects/:subjectId/result`.
 */
const OPERATOR = randomUUID();
let stack: Stack;
let projectId: string;
let workflowId: string;
/**
 * a: retired, reviewed on T1; b: retired; c: classified once, not retired; gone: retired, taken down; checking: retired,
 * its consensus needing checking; stale: retired, its T1 approved before its consensus changed.
 */
let idOf: Record<'a' | 'b' | 'c' | 'gone' | 'checking' | 'stale', string>;

const resultUrl = (workflow: string, subject: string) => `/workflows/${workflow}/subjects/${subject}/result`;
/** The status and pointers of a refusal of the result of `subject`, asked by `as` (the public, without a token, unless told). */
async function refused(subject: string, as = stack.anonymous, workflow = workflowId) {
  const error = await refusal(as.publishedResult(workflow, subject));
  return { status: error.status, type: error.problem.type, pointers: error.problem.errors?.map((field) => field.pointer) };
}
/** Each volunteer's answers: a transcription of two lines, and dated. */
const MINUTE = [{ task: 'T0', value: 'Vestry met\nat seven' }, { task: 'T1', value: 'yes' }];
const NOT_FOUND = { status: 404, type: expect.any(String), pointers: ['/params/subjectId'] };
/** The project does not publish its results: said before any subject is read. */
const NOT_PUBLISHING = { status: 404, type: expect.any(String), pointers: ['/params/id'] };

beforeAll(async () => {
  stack = await startStack({ env: { OPERATOR_IDS: OPERATOR } });
  const made = await transcribeAndDateWorkflow(
    stack.client,
    ['a', 'b', 'c', 'gone', 'checking', 'stale'].map((externalId) => ({ externalId, metadata: { page: externalId, '#archive_ref': 'SECRET-REF-1', '!hidden': 'SECRET-HIDDEN' } })),
    2,
  );
  ({ workflowId } = made);
  projectId = made.project.id;
  idOf = made.idOf as typeof idOf;
  await guestsClassify(stack.anonymous, workflowId, [[idOf.a, idOf.b, idOf.c, idOf.gone, idOf.checking, idOf.stale], [idOf.a, idOf.b, idOf.gone, idOf.checking, idOf.stale]], MINUTE);
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'aggregation');
  await until(async () => (await stack.db.query('SELECT count(*)::int AS n FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NOT NULL', [workflowId])).rows[0].n === 5, 'retirement');
  await stack.client.retireSubjects(workflowId, { subjectIds: [idOf.gone], reason: 'a name in it', takeDown: true });
  await stack.client.reviewConsensus(workflowId, idOf.a, 'T1', 'no');
  // As the worker stores a consensus that needs checking, and one that changed after its approval (a re-aggregation).
  await stack.db.query('UPDATE consensus SET needs_checking = true WHERE workflow_id = $1 AND subject_id = $2', [workflowId, idOf.checking]);
  await stack.client.reviewConsensus(workflowId, idOf.checking, 'T1', 'no');
  await stack.client.approveConsensus(workflowId, idOf.stale, 'T1', 'yes');
  await stack.db.query("UPDATE consensus SET answer = 'no', comparable_answer = NULL WHERE workflow_id = $1 AND subject_id = $2 AND task = 'T1'", [workflowId, idOf.stale]);
});
afterAll(() => stack.stop());

describe('a project’s results setting', () => {
  it('is off until an administrator turns it on, which only the owner and collaborators may do', async () => {
    expect((await stack.anonymous.getProject(projectId)).resultsPublic).toBe(false);
    const scientist = await newMember(stack, projectId, 'scientist', 'Sci');
    await refusal(scientist.client.updateProject(projectId, { resultsPublic: true }), { status: 403 });
    const bad = await refusal(stack.client.request('PATCH', `/projects/${projectId}`, { resultsPublic: 'yes' }));
    expect([bad.status, bad.problem.errors?.map((field) => field.pointer)]).toEqual([422, ['/resultsPublic']]);
    expect((await stack.anonymous.getProject(projectId)).resultsPublic).toBe(false);
  });

  it('keeps every result unpublished while off: 404 naming the project, which does not publish', async () => {
    expect(await refused(idOf.b)).toEqual(NOT_PUBLISHING);
    expect(await refused(idOf.b, stack.client)).toEqual(NOT_PUBLISHING);
    const error = await refusal(stack.anonymous.publishedResults(projectId, idOf.b));
    expect([error.status, error.problem.detail, error.problem.errors?.map((field) => field.pointer)]).toEqual([
      404,
      `Project ${projectId} does not publish its results (resultsPublic)`,
      ['/params/id'],
    ]);
  });
});

describe('a published result', () => {
  beforeAll(async () => {
    expect((await stack.client.updateProject(projectId, { resultsPublic: true })).resultsPublic).toBe(true);
  });

  it('gives a retired subject’s consensus to anyone without a token, a transcription with its line breaks, and never its private metadata', async () => {
    const { body: answer } = await stack.anonymous.request('GET', resultUrl(workflowId, idOf.b));
    const result = publishedResultSchema.parse(answer);
    expect(result).toEqual(answer);
    expect(result).toEqual({
      workflowId,
      workflowName: 'Transcribe and date',
      subjectId: idOf.b,
      retiredAt: expect.any(String),
      metadata: { page: 'b' },
      tasks: {
        T0: { answer: 'Vestry met\nat seven', agreement: 1, votes: 2, algorithm: 'word-alignment-vote', workflowVersion: 1, reviewed: null },
        T1: { answer: 'yes', agreement: 1, votes: 2, algorithm: expect.any(String), workflowVersion: 1, reviewed: null },
      },
    });
    const text = JSON.stringify(result);
    expect(text).not.toContain('SECRET');
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    expect(await guest.publishedResult(workflowId, idOf.b)).toEqual(result);
    expect((await stack.anonymous.getProject(projectId)).resultsPublic).toBe(true);
  });

  it('gives a review with the consensus it replaces, never who reviewed it', async () => {
    const { body: answer } = await stack.anonymous.request('GET', resultUrl(workflowId, idOf.a));
    const result = publishedResultSchema.parse(answer);
    expect(result).toEqual(answer);
    expect(result.tasks.T1).toMatchObject({ answer: 'yes', reviewed: { state: 'corrected', value: 'no' } });
    expect(result.tasks.T0?.reviewed).toBeNull();
    const { rows } = await stack.db.query('SELECT u.id, u.display_name FROM consensus_reviews r JOIN users u ON u.id = r.reviewed_by WHERE r.workflow_id = $1 AND r.subject_id = $2', [workflowId, idOf.a]);
    expect(rows).toHaveLength(1);
    const text = JSON.stringify(result);
    for (const named of [rows[0].id, rows[0].display_name]) expect(text).not.toContain(named);
  });

  it('leaves out a task whose consensus needs checking until a review settles it', async () => {
    const result = await stack.anonymous.publishedResult(workflowId, idOf.checking);
    expect(Object.keys(result.tasks)).toEqual(['T1']);
    expect(result.tasks.T1?.reviewed).toEqual({ state: 'corrected', value: 'no' });
  });

  it('gives an approval whose consensus changed since as no review', async () => {
    const result = await stack.anonymous.publishedResult(workflowId, idOf.stale);
    expect(result.tasks.T1).toMatchObject({ answer: 'no', reviewed: null });
  });

  it('answers anyone without credentials to be asked again (no-cache), and one with them privately', async () => {
    for (const url of [resultUrl(workflowId, idOf.b), `/projects/${projectId}/subjects/${idOf.b}/results`]) {
      const anyone = await fetch(`${stack.baseUrl}/api/v1${url}`);
      expect([anyone.status, anyone.headers.get('cache-control')]).toEqual([200, 'no-cache']);
      const member = await fetch(`${stack.baseUrl}/api/v1${url}`, { headers: { authorization: `Bearer ${stack.client.token}` } });
      expect([member.status, member.headers.get('cache-control')]).toEqual([200, 'private, no-store']);
    }
  });

  it('is not found for a subject not retired, taken down, or not in the workflow', async () => {
    for (const subject of [idOf.c, idOf.gone, randomUUID()]) expect(await refused(subject)).toEqual(NOT_FOUND);
    // Not to its team either: the team reads its results in the lab.
    expect(await refused(idOf.c, stack.client)).toEqual(NOT_FOUND);
  });

  it('is not found for a subject that left the workflow unfinished, a gold-standard one among them, nor for a reported gold-standard one a researcher retired without a take-down', async () => {
    const [kept, loose] = await Promise.all(['Kept', 'Loose'].map((name) => stack.client.createSubjectSet(projectId, { name: `${name} ${randomUUID().slice(0, 8)}` })));
    const known = { T0: 'yes' };
    const [reportedGold] = (await stack.client.addSubjects(kept!.id, [{ externalId: `reported-gold-${randomUUID()}`, goldStandard: known, locations: [{ type: 'text', text: 'Reported gold' }] }])).subjectIds as [string];
    const { subjectIds } = await stack.client.addSubjects(loose!.id, [
      { externalId: `open-${randomUUID()}`, locations: [{ type: 'text', text: 'Open' }] },
      { externalId: `open-gold-${randomUUID()}`, goldStandard: known, locations: [{ type: 'text', text: 'Open gold' }] },
    ]);
    const [open, openGold] = subjectIds as [string, string];
    const definition = {
      name: 'Dated',
      firstTask: 'T0',
      tasks: { T0: { type: 'single' as const, question: 'Dated?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      retirement: { rule: 'count' as const, count: 3 },
    };
    const { id } = await stack.client.createWorkflow(projectId, { ...definition, subjectSetIds: [kept!.id, loose!.id] });
    await stack.client.activateWorkflow(id);
    await guestsClassify(stack.anonymous, id, [[open, openGold]], [{ task: 'T0', value: 'yes' }]);
    await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'aggregation');
    const reporter = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await reporter.reportSubject(id, { subjectId: reportedGold, reason: 'blank-or-unreadable' });
    await stack.client.retireSubjects(id, { subjectIds: [reportedGold], reason: 'blank' });
    await stack.client.updateWorkflow(id, { ...definition, subjectSetIds: [kept!.id] });
    const { rows } = await stack.db.query('SELECT subject_id, retirement_reason FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NOT NULL ORDER BY retirement_reason, subject_id', [id]);
    expect(rows).toEqual(expect.arrayContaining([{ subject_id: reportedGold, retirement_reason: 'manual' }, { subject_id: open, retirement_reason: 'unlinked' }, { subject_id: openGold, retirement_reason: 'unlinked' }]));
    for (const subject of [open, openGold, reportedGold]) {
      expect(await refused(subject, stack.anonymous, id)).toEqual(NOT_FOUND);
      expect((await stack.anonymous.publishedResults(projectId, subject)).results).toEqual([]);
    }
  });

  it('is not found in a draft workflow of a live project, to its team too, and not among the project’s results', async () => {
    const set = await stack.client.createSubjectSet(projectId, { name: `Tried ${randomUUID().slice(0, 8)}` });
    const { subjectIds } = await stack.client.addSubjects(set.id, [{ externalId: `tried-${randomUUID()}`, locations: [{ type: 'text', text: 'Tried' }] }]);
    const { id } = await stack.client.createWorkflow(projectId, {
      name: 'Not yet',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Dated?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      retirement: { rule: 'count', count: 1 },
      subjectSetIds: [set.id],
    });
    await stack.client.retireSubjects(id, { subjectIds, reason: 'done' });
    expect(await refused(subjectIds[0]!, stack.anonymous, id)).toEqual({ status: 404, type: expect.any(String), pointers: ['/params/id'] });
    expect(await refused(subjectIds[0]!, stack.client, id)).toEqual(NOT_FOUND);
    expect((await stack.client.publishedResults(projectId, subjectIds[0]!)).results).toEqual([]);
  });

  it('gives the subject’s results of every workflow of the project not in draft, a finished one’s too, in one answer', async () => {
    const { results } = await stack.anonymous.publishedResults(projectId, idOf.b);
    expect(results).toEqual([await stack.anonymous.publishedResult(workflowId, idOf.b)]);
    // Finished: the project's view lists it to volunteers as finished (marked Complete), its results stay published.
    await stack.client.finishWorkflow(workflowId);
    expect((await stack.anonymous.getProject(projectId)).workflows.find((workflow) => workflow.id === workflowId)?.status).toBe('finished');
    expect((await stack.anonymous.publishedResults(projectId, idOf.b)).results).toEqual(results);
    expect(results.map((result) => result.workflowName)).toEqual(['Transcribe and date']);
    expect((await stack.anonymous.publishedResults(projectId, idOf.c)).results).toEqual([]);
    expect((await refusal(stack.anonymous.publishedResults(randomUUID(), idOf.b))).problem.errors?.map((field) => field.pointer)).toEqual(['/params/id']);
  });

  it('refuses an id that is not one, naming the parameter', async () => {
    for (const [url, pointer] of [
      [resultUrl('nope', idOf.b), '/params/id'],
      [resultUrl(workflowId, 'nope'), '/params/subjectId'],
    ] as const) {
      const error = await refusal(stack.anonymous.request('GET', url));
      expect([error.status, error.problem.errors?.map((field) => field.pointer)]).toEqual([422, [pointer]]);
    }
  });

  it('is not found while the operators have taken the project down, to its team too, and again once restored', async () => {
    const email = `operator-${OPERATOR}@example.org`;
    await stack.db.query("INSERT INTO users (id, kind, display_name, email, email_verified_at) VALUES ($1, 'registered', 'Operator', $2, now())", [OPERATOR, email]);
    const operator = stack.anonymous.withToken((await stack.app.get(Tokens).session({ id: OPERATOR, kind: 'registered', displayName: 'Operator', email, emailVerified: true })).token);
    await operator.takeDownProject(projectId, { reason: 'spam' });
    try {
      expect(await refused(idOf.b)).toEqual({ status: 404, type: expect.any(String), pointers: ['/params/id'] });
      expect(await refused(idOf.b, stack.client)).toEqual(NOT_PUBLISHING);
    } finally {
      await operator.restoreProject(projectId);
    }
    expect((await stack.anonymous.publishedResult(workflowId, idOf.b)).subjectId).toBe(idOf.b);
  });

  it('is hidden with a draft project from anyone but its members', async () => {
    const draft = await stack.client.createProject({ title: `Draft ${randomUUID().slice(0, 8)}` });
    await stack.client.updateProject(draft.id, { resultsPublic: true });
    const set = await stack.client.createSubjectSet(draft.id, { name: 'Drafts' });
    const { subjectIds } = await stack.client.addSubjects(set.id, [{ externalId: 'd', locations: [{ type: 'text', text: 'Draft' }] }]);
    const { id } = await stack.client.createWorkflow(draft.id, {
      name: 'Date',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Dated?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      retirement: { rule: 'count', count: 1 },
      subjectSetIds: [set.id],
    });
    await stack.client.activateWorkflow(id);
    await stack.client.retireSubjects(id, { subjectIds, reason: 'done' });
    const outsider = await newAccount(stack, 'Outsider');
    for (const as of [stack.anonymous, outsider.client]) expect(await refused(subjectIds[0]!, as, id)).toEqual({ status: 404, type: expect.any(String), pointers: ['/params/id'] });
    expect((await stack.client.publishedResult(id, subjectIds[0]!)).tasks).toEqual({});
  });
});
