import { SUBJECT_REPORT_LIMITS, commentReportSchema, reportedCommentPageSchema } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { ACCOUNT_PASSWORD, newAccount, newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { voteWorkflow } from '../../../test/support/workflows';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack.stop();
});

/** A request sent as it is, for what the client's types would not let through: the status, media type and problem. */
async function send(method: string, path: string, token: string | undefined, body?: unknown) {
  const response = await fetch(`${stack.baseUrl}/api/v1${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), body: (text ? JSON.parse(text) : {}) as { type?: string; detail?: string; errors?: { pointer: string }[] } };
}

const reportsOf = async (commentId: string) => (await stack.db.query('SELECT user_id, reason, note, dismissed_at FROM comment_reports WHERE comment_id = $1 ORDER BY created_at', [commentId])).rows;

/** A live project's subject, with a comment on it by a volunteer. */
async function commented(body = 'Buy cheap watches at example.com') {
  const { projectId, subjectIds } = await voteWorkflow(stack, 1);
  const subjectId = subjectIds[0]!;
  const author = await newAccount(stack, 'Author');
  const comment = await author.client.postComment(subjectId, { projectId, body });
  return { projectId, subjectId, author, commentId: comment.id };
}

describe('reporting a comment', () => {
  it('stores the report of a signed-in volunteer, answers a report made again with the first, storing nothing more, and erases its note with the account', async () => {
    const { commentId } = await commented();
    const reporter = await newAccount(stack, 'Reporter');
    const report = await reporter.client.reportComment(commentId, { reason: 'spam', note: '  An advert  ' });
    expect(report).toMatchObject({ commentId, reason: 'spam', note: 'An advert', replayed: false });
    const { replayed: _, ...answered } = report;
    expect(commentReportSchema.parse(answered)).toEqual(answered);
    const again = await reporter.client.reportComment(commentId, { reason: 'abuse' });
    expect(again).toEqual({ ...answered, replayed: true });
    expect(await reportsOf(commentId)).toEqual([{ user_id: reporter.id, reason: 'spam', note: 'An advert', dismissed_at: null }]);
    // Its note, free text, goes with the reporter's account; the reason stays for the moderators.
    await reporter.client.deleteAccount(ACCOUNT_PASSWORD);
    expect(await reportsOf(commentId)).toEqual([{ user_id: reporter.id, reason: 'spam', note: null, dismissed_at: null }]);
  });

  it('refuses its author, a guest, a comment the caller may not see, and bad input naming the field, storing nothing', async () => {
    const { projectId, commentId, author } = await commented();
    const own = await send('POST', `/comments/${commentId}/reports`, author.token, { reason: 'spam' });
    expect([own.status, own.contentType, own.body.type]).toEqual([409, 'application/problem+json; charset=utf-8', 'urn:chorus:problem:own-comment']);
    expect(own.body.detail).toContain('your own comment');

    const guest = (await stack.anonymous.guest()).token;
    const refusedGuest = await send('POST', `/comments/${commentId}/reports`, guest, { reason: 'spam' });
    expect([refusedGuest.status, refusedGuest.body.type]).toEqual([403, 'urn:chorus:problem:account-required']);

    const reporter = await newAccount(stack, 'Reporter');
    for (const [body, pointer] of [
      [{ reason: 'rude' }, '/reason'],
      [{}, '/reason'],
      [{ reason: 'other', note: 'x'.repeat(SUBJECT_REPORT_LIMITS.noteLength + 1) }, '/note'],
      [{ reason: 'other', because: 'why' }, '/because'],
    ] as const) {
      const refused = await send('POST', `/comments/${commentId}/reports`, reporter.token, body);
      expect([pointer, refused.status, refused.contentType, refused.body.errors?.map((error) => error.pointer)]).toEqual([pointer, 422, 'application/problem+json; charset=utf-8', [pointer]]);
    }
    const missing = await send('POST', `/comments/${randomUUID()}/reports`, reporter.token, { reason: 'spam' });
    expect([missing.status, missing.body.errors?.map((error) => error.pointer)]).toEqual([404, ['/params/id']]);

    // Hidden by the moderators: volunteers no longer see it, so there is nothing to report (404, as to read it).
    await stack.client.hideComment(commentId, 'Spam');
    expect((await send('POST', `/comments/${commentId}/reports`, reporter.token, { reason: 'spam' })).status).toBe(404);
    await stack.client.unhideComment(commentId);
    // A project set back to draft: not public to the volunteer, 404 as for its discussions.
    await stack.client.updateProject(projectId, { status: 'draft' });
    expect((await send('POST', `/comments/${commentId}/reports`, reporter.token, { reason: 'spam' })).status).toBe(404);
    expect(await reportsOf(commentId)).toEqual([]);
  });
});

describe('the reported comments list', () => {
  it('lists each reported comment to the project’s moderators and researchers with its body, author, subject, reasons and pseudonymous notes, newest first report first, a page at a time', async () => {
    const older = await commented('An advert');
    const { projectId } = older;
    const newerAuthor = await newAccount(stack, 'Nell');
    const newer = await newerAuthor.client.postComment(older.subjectId, { projectId, body: 'My phone number is 555 0100' });
    const [first, second] = [await newAccount(stack, 'First'), await newAccount(stack, 'Second')];
    await first.client.reportComment(older.commentId, { reason: 'spam', note: 'Selling watches' });
    await second.client.reportComment(older.commentId, { reason: 'spam' });
    await second.client.reportComment(newer.id, { reason: 'personal-data', note: 'A phone number' });
    // A later report does not move a comment up.
    await first.client.reportComment(older.commentId, { reason: 'other' });

    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    for (const team of [moderator.client, stack.client]) {
      const page = await team.reportedComments(projectId);
      expect(reportedCommentPageSchema.parse(page)).toEqual(page);
      expect([page.total, page.comments.map((comment) => comment.body)]).toEqual([2, ['My phone number is 555 0100', 'An advert']]);
    }
    const [subject] = (await stack.db.query('SELECT external_id FROM subjects WHERE id = $1', [older.subjectId])).rows;
    const page = await moderator.client.reportedComments(projectId);
    expect(page.comments[1]).toMatchObject({
      commentId: older.commentId,
      author: { displayName: 'Author' },
      subject: { id: older.subjectId, name: subject.external_id },
      hidden: null,
      reports: 2,
      reasons: { spam: 2 },
      openReports: 2,
      dismissal: null,
    });
    expect(page.comments[0]!.notes).toEqual([{ reporter: expect.stringMatching(/^reporter-/), reason: 'personal-data', note: 'A phone number', reportedAt: expect.any(String) }]);
    // The same volunteer has the same pseudonym on every comment of the project, and never their id or name.
    expect(page.comments[1]!.notes).toEqual([{ reporter: expect.stringMatching(/^reporter-/), reason: 'spam', note: 'Selling watches', reportedAt: expect.any(String) }]);
    expect(page.comments[1]!.notes[0]!.reporter).not.toBe(page.comments[0]!.notes[0]!.reporter);
    for (const reporter of [first, second]) expect(JSON.stringify(page)).not.toContain(reporter.id);
    expect(JSON.stringify(page)).not.toMatch(/First|Second/);

    const firstPage = await moderator.client.reportedComments(projectId, { limit: 1 });
    const nextPage = await moderator.client.reportedComments(projectId, { limit: 1, after: firstPage.next! });
    expect([...firstPage.comments, ...nextPage.comments].map((comment) => comment.commentId)).toEqual([newer.id, older.commentId]);
    expect(nextPage.next).toBeNull();

    for (const [query, pointer] of [['after=yesterday', '/query/after'], ['limit=0', '/query/limit'], ['limit=101', '/query/limit'], ['status=closed', '/query/status']] as const) {
      const refused = await send('GET', `/projects/${projectId}/reported-comments?${query}`, moderator.token);
      expect([query, refused.status, refused.body.errors?.map((error) => error.pointer)]).toEqual([query, 422, [pointer]]);
    }
  });

  it('keeps the list from volunteers (403) and a draft project’s from outsiders (404)', async () => {
    const { projectId, commentId } = await commented();
    const volunteer = await newAccount(stack, 'Vol');
    await volunteer.client.reportComment(commentId, { reason: 'spam' });
    const refused = await send('GET', `/projects/${projectId}/reported-comments`, volunteer.token);
    expect([refused.status, refused.contentType]).toEqual([403, 'application/problem+json; charset=utf-8']);
    expect((await send('POST', `/comments/${commentId}/reports/dismissal`, volunteer.token, {})).status).toBe(403);
    const reviewer = await newMember(stack, projectId, 'reviewer', 'Rev');
    expect((await send('GET', `/projects/${projectId}/reported-comments`, reviewer.token)).status).toBe(403);
    await stack.client.updateProject(projectId, { status: 'draft' });
    expect((await send('GET', `/projects/${projectId}/reported-comments`, volunteer.token)).status).toBe(404);
    expect((await send('POST', `/comments/${commentId}/reports/dismissal`, volunteer.token, {})).status).toBe(404);
    expect((await reportsOf(commentId)).map((row) => row.dismissed_at)).toEqual([null]);
  });

  it('handles a comment’s reports when a moderator dismisses them (it stays shown) or hides it; a new report opens a dismissed one again', async () => {
    const { projectId, subjectId, commentId } = await commented('Probably fine');
    const hiddenOne = await (await newAccount(stack, 'Rude')).client.postComment(subjectId, { projectId, body: 'Something rude' });
    const [first, second] = [await newAccount(stack, 'First'), await newAccount(stack, 'Second')];
    await first.client.reportComment(commentId, { reason: 'other' });
    await first.client.reportComment(hiddenOne.id, { reason: 'abuse' });
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    const listed = async (status: 'open' | 'handled' | 'all') => (await moderator.client.reportedComments(projectId, { status })).comments.map((comment) => comment.commentId);
    expect(await listed('open')).toEqual([hiddenOne.id, commentId]);

    expect(await moderator.client.dismissCommentReports(commentId, '  Not spam  ')).toEqual({ dismissed: 1 });
    expect(await moderator.client.dismissCommentReports(commentId, 'Again')).toEqual({ dismissed: 0 }); // a retry changes nothing
    await moderator.client.hideComment(hiddenOne.id, 'Rude to another volunteer');
    expect(await listed('open')).toEqual([]);
    expect(await listed('handled')).toEqual([hiddenOne.id, commentId]);
    expect(await listed('all')).toEqual([hiddenOne.id, commentId]);
    const handled = (await moderator.client.reportedComments(projectId, { status: 'handled' })).comments;
    expect(handled.map((comment) => [comment.hidden?.reason ?? null, comment.openReports, comment.dismissal?.note ?? null])).toEqual([
      ['Rude to another volunteer', 1, null],
      [null, 0, 'Not spam'],
    ]);
    const [row] = (await stack.db.query('SELECT dismissed_by, dismissal_note FROM comment_reports WHERE comment_id = $1', [commentId])).rows;
    expect(row).toEqual({ dismissed_by: moderator.id, dismissal_note: 'Not spam' });
    // Still shown to volunteers.
    expect((await stack.anonymous.subjectDiscussion(subjectId, projectId)).comments.map((comment) => comment.body)).toEqual(['Probably fine']);

    await second.client.reportComment(commentId, { reason: 'spam' });
    expect(await listed('open')).toEqual([commentId]);

    const notReported = await send('POST', `/comments/${(await first.client.postComment(subjectId, { projectId, body: 'Hello' })).id}/reports/dismissal`, moderator.token, {});
    expect([notReported.status, notReported.body.errors?.map((error) => error.pointer)]).toEqual([404, ['/params/id']]);
    const long = await send('POST', `/comments/${commentId}/reports/dismissal`, moderator.token, { note: 'x'.repeat(SUBJECT_REPORT_LIMITS.dismissalNoteLength + 1) });
    expect([long.status, long.body.errors?.map((error) => error.pointer)]).toEqual([422, ['/note']]);
  });
});
