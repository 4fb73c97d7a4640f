import { type ChorusApiError, publishedResultSchema } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { Tokens } from '../src/auth/tokens';
import { newAccount, newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { transcribeAndDateWorkflow } from '../../../test/support/workflows';
import { guestsClassify } from '../../../test/support/volunteers';

/**
 * A project that publishes results (`resultsPublic`, its administrators' to set) shows a retired subject's consensus
 * to volunteers and the public: `GET /workflows/:id/subjects/:subjectId/result`.
 */
const OPERATOR = randomUUID();
let stack: Stack;
let projectId: string;
let workflowId: string;
/** a: retired, reviewed on T1; b: retired; c: classified once, not retired; gone: retired, taken down. */
let idOf: Record<'a' | 'b' | 'c' | 'gone', string>;

const refusal = (call: Promise<unknown>) => call.then(() => undefined, (error: ChorusApiError) => error);
const resultUrl = (workflow: string, subject: string) => `/workflows/${workflow}/subjects/${subject}/result`;
/** The status and pointers of a refusal of the result of `subject`, asked by `as` (the public, without a token, unless told). */
async function refused(subject: string, as = stack.anonymous, workflow = workflowId) {
  const error = await refusal(as.publishedResult(workflow, subject));
  return { status: error?.status, type: error?.problem.type, pointers: error?.problem.errors?.map((field) => field.pointer) };
}
/** Each volunteer's answers: a transcription of two lines, and dated. */
const MINUTE = [{ task: 'T0', value: 'Vestry met\nat seven' }, { task: 'T1', value: 'yes' }];
const NOT_FOUND = { status: 404, type: expect.any(String), pointers: ['/params/subjectId'] };

beforeAll(async () => {
  stack = await startStack({ env: { OPERATOR_IDS: OPERATOR } });
  const made = await transcribeAndDateWorkflow(
    stack.client,
    ['a', 'b', 'c', 'gone'].map((externalId) => ({ externalId, metadata: { page: externalId, '#archive_ref': 'SECRET-REF-1', '!hidden': 'SECRET-HIDDEN' } })),
    2,
  );
  ({ workflowId } = made);
  projectId = made.project.id;
  idOf = made.idOf as typeof idOf;
  await guestsClassify(stack.anonymous, workflowId, [[idOf.a, idOf.b, idOf.c, idOf.gone], [idOf.a, idOf.b, idOf.gone]], MINUTE);
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'aggregation');
  await until(async () => (await stack.db.query('SELECT count(*)::int AS n FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NOT NULL', [workflowId])).rows[0].n === 3, 'retirement');
  await stack.client.retireSubjects(workflowId, { subjectIds: [idOf.gone], reason: 'a name in it', takeDown: true });
  await stack.client.reviewConsensus(workflowId, idOf.a, 'T1', 'no');
});
afterAll(() => stack.stop());

describe('a project’s results setting', () => {
  it('is off until an administrator turns it on, and is a researcher’s or moderator’s to read only', async () => {
    expect((await stack.anonymous.getProject(projectId)).resultsPublic).toBe(false);
    const scientist = await newMember(stack, projectId, 'scientist', 'Sci');
    expect((await refusal(scientist.client.updateProject(projectId, { resultsPublic: true })))?.status).toBe(403);
    const bad = await refusal(stack.client.request('PATCH', `/projects/${projectId}`, { resultsPublic: 'yes' }));
    expect([bad?.status, bad?.problem.errors?.map((field) => field.pointer)]).toEqual([422, ['/resultsPublic']]);
    expect((await stack.anonymous.getProject(projectId)).resultsPublic).toBe(false);
  });

  it('keeps every result unpublished while off: 404, as for no result', async () => {
    expect(await refused(idOf.b)).toEqual(NOT_FOUND);
    expect(await refused(idOf.b, stack.client)).toEqual(NOT_FOUND);
  });
});

describe('a published result', () => {
  beforeAll(async () => {
    expect((await stack.client.updateProject(projectId, { resultsPublic: true })).resultsPublic).toBe(true);
  });

  it('gives a retired subject’s consensus to anyone without a token, a transcription with its line breaks, and never its private metadata', async () => {
    const result = await stack.anonymous.publishedResult(workflowId, idOf.b);
    expect(publishedResultSchema.parse(result)).toEqual(result);
    expect(result).toEqual({
      workflowId,
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
    const result = await stack.anonymous.publishedResult(workflowId, idOf.a);
    expect(result.tasks.T1).toMatchObject({ answer: 'yes', reviewed: { state: 'corrected', value: 'no' } });
    expect(result.tasks.T0?.reviewed).toBeNull();
    expect(JSON.stringify(result)).not.toMatch(/reviewedBy|memberId|volunteer/);
  });

  it('is not found for a subject not retired, taken down, or not in the workflow', async () => {
    for (const subject of [idOf.c, idOf.gone, randomUUID()]) expect(await refused(subject)).toEqual(NOT_FOUND);
    // Not to its team either: the team reads its results in the lab.
    expect(await refused(idOf.c, stack.client)).toEqual(NOT_FOUND);
  });

  it('refuses an id that is not one, naming the parameter', async () => {
    for (const [url, pointer] of [
      [resultUrl('nope', idOf.b), '/params/id'],
      [resultUrl(workflowId, 'nope'), '/params/subjectId'],
    ] as const) {
      const error = await refusal(stack.anonymous.request('GET', url));
      expect([error?.status, error?.problem.errors?.map((field) => field.pointer)]).toEqual([422, [pointer]]);
    }
  });

  it('is not found while the operators have taken the project down, to its team too, and again once restored', async () => {
    const email = `operator-${OPERATOR}@example.org`;
    await stack.db.query("INSERT INTO users (id, kind, display_name, email, email_verified_at) VALUES ($1, 'registered', 'Operator', $2, now())", [OPERATOR, email]);
    const operator = stack.anonymous.withToken((await stack.app.get(Tokens).session({ id: OPERATOR, kind: 'registered', displayName: 'Operator', email, emailVerified: true })).token);
    await operator.takeDownProject(projectId, { reason: 'spam' });
    try {
      expect(await refused(idOf.b)).toEqual({ status: 404, type: expect.any(String), pointers: ['/params/id'] });
      expect(await refused(idOf.b, stack.client)).toEqual(NOT_FOUND);
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
