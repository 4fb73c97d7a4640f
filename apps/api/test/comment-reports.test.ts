import { SUBJECT_REPORT_LIMITS, commentReportSchema, reportedCommentPageSchema } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { ACCOUNT_PASSWORD, type TestAccount, newAccount, newMember } from '../../../test/support/accounts';
import { sendRaw } from '../../../test/support/requests';
import { type Stack, startStack } from '../../../test/support/stack';
import { committedMeanwhile } from '../../../test/support/waiting';
import { voteWorkflow } from '../../../test/support/workflows';
import { DiscussionsService } from '../src/discussions/discussions.service';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack.stop();
});

/** A request sent as it is (`sendRaw`). */
const send = (method: string, path: string, token: string | undefined, body?: unknown) => sendRaw(stack, method, path, token, body);

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
  it('stores the report of a signed-in volunteer, gives it the reason and note of a report made again while it is open, and erases its note with the account', async () => {
    const { commentId } = await commented();
    const reporter = await newAccount(stack, 'Reporter');
    const report = await reporter.client.reportComment(commentId, { reason: 'spam', note: '  An advert  ' });
    expect(report).toMatchObject({ commentId, reason: 'spam', note: 'An advert', replayed: false });
    const { replayed: _, ...answered } = report;
    expect(commentReportSchema.parse(answered)).toEqual(answered);
    // Reported again while open: the same report, with the volunteer's latest words, its time moved for the downloads.
    const again = await reporter.client.reportComment(commentId, { reason: 'abuse', note: 'Insults too' });
    expect(again).toEqual({ ...answered, reason: 'abuse', note: 'Insults too', reportedAt: expect.any(String), replayed: true });
    expect(Date.parse(again.reportedAt)).toBeGreaterThan(Date.parse(report.reportedAt));
    expect(await reportsOf(commentId)).toEqual([{ user_id: reporter.id, reason: 'abuse', note: 'Insults too', dismissed_at: null }]);
    // Sent again as it is, it changes nothing.
    expect(await reporter.client.reportComment(commentId, { reason: 'abuse', note: 'Insults too' })).toEqual(again);
    // Its note, free text, goes with the reporter's account; the reason stays for the moderators.
    await reporter.client.deleteAccount(ACCOUNT_PASSWORD);
    expect(await reportsOf(commentId)).toEqual([{ user_id: reporter.id, reason: 'abuse', note: null, dismissed_at: null }]);
  });

  it('opens a volunteer’s dismissed report again when they report the comment again, with the new reason and note, where the first report listed it', async () => {
    const { projectId, subjectId, commentId } = await commented('Meet me at the market');
    const later = await (await newAccount(stack, 'Later')).client.postComment(subjectId, { projectId, body: 'Commented later' });
    const reporter = await newAccount(stack, 'Reporter');
    const first = await reporter.client.reportComment(commentId, { reason: 'other', note: 'Odd' });
    await (await newAccount(stack, 'Other')).client.reportComment(later.id, { reason: 'spam' });
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    expect(await moderator.client.dismissCommentReports(commentId, 'Harmless')).toEqual({ dismissed: 1 });
    expect((await moderator.client.reportedComments(projectId)).comments.map((comment) => comment.commentId)).toEqual([later.id]);

    // The comment changed since: reported again, the report is open again, as the volunteer says it now.
    const again = await send('POST', `/comments/${commentId}/reports`, reporter.token, { reason: 'personal-data', note: 'A phone number now' });
    expect([again.status, again.body]).toEqual([201, { id: first.id, commentId, reason: 'personal-data', note: 'A phone number now', reportedAt: expect.any(String) }]);
    expect(Date.parse((again.body as { reportedAt: string }).reportedAt)).toBeGreaterThan(Date.parse(first.reportedAt));
    expect(await reportsOf(commentId)).toEqual([{ user_id: reporter.id, reason: 'personal-data', note: 'A phone number now', dismissed_at: null }]);
    const [row] = (await stack.db.query('SELECT dismissed_by, dismissal_note FROM comment_reports WHERE comment_id = $1', [commentId])).rows;
    expect(row).toEqual({ dismissed_by: null, dismissal_note: null });
    const open = (await moderator.client.reportedComments(projectId)).comments;
    // Where its first report put it: before the comment first reported later.
    expect(open.map((comment) => comment.commentId)).toEqual([later.id, commentId]);
    expect(open[1]).toMatchObject({ reports: 1, openReports: 1, reasons: { 'personal-data': 1 }, firstReportedAt: first.reportedAt, dismissal: null });
    expect(open[1]!.notes).toEqual([{ reporter: expect.stringMatching(/^reporter-/), reason: 'personal-data', note: 'A phone number now', reportedAt: (again.body as { reportedAt: string }).reportedAt }]);
    expect(open[1]!.lastReportedAt).toBe((again.body as { reportedAt: string }).reportedAt);

    // Open again, reported again: the same report, with the latest words.
    expect(await reporter.client.reportComment(commentId, { reason: 'spam' })).toEqual({ id: first.id, commentId, reason: 'spam', note: null, reportedAt: expect.any(String), replayed: true });
    expect(await reportsOf(commentId)).toEqual([{ user_id: reporter.id, reason: 'spam', note: null, dismissed_at: null }]);
  });

  it('lists when the comment was edited, so that the moderators know when its words changed after its first report', async () => {
    const { projectId, commentId, author } = await commented('First words');
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    const report = await (await newAccount(stack, 'Reporter')).client.reportComment(commentId, { reason: 'abuse' });
    expect((await moderator.client.reportedComments(projectId)).comments[0]).toMatchObject({ body: 'First words', editedAt: null });
    await author.client.editComment(commentId, 'Other words');
    const [listed] = (await moderator.client.reportedComments(projectId)).comments;
    expect(listed).toMatchObject({ body: 'Other words', editedAt: expect.any(String) });
    expect(Date.parse(listed!.editedAt!)).toBeGreaterThan(Date.parse(report.reportedAt));
  });

  it('refuses a comment hidden from volunteers to its team too (404), storing nothing; its author still gets 409', async () => {
    const { projectId, commentId, author } = await commented();
    await stack.client.hideComment(commentId, 'Spam');
    const [moderator, scientist] = [await newMember(stack, projectId, 'moderator', 'Mod'), await newMember(stack, projectId, 'scientist', 'Sci')];
    for (const team of [moderator.token, scientist.token]) {
      const refused = await send('POST', `/comments/${commentId}/reports`, team, { reason: 'spam' });
      expect([refused.status, refused.body.errors?.map((error) => error.pointer)]).toEqual([404, ['/params/id']]);
    }
    expect((await send('POST', `/comments/${commentId}/reports`, author.token, { reason: 'spam' })).status).toBe(409);
    expect(await reportsOf(commentId)).toEqual([]);
    expect((await moderator.client.reportedComments(projectId, { status: 'all' })).comments).toEqual([]);
  });

  it.each([
    ['deleted by its author', (commentId: string, author: TestAccount) => author.client.deleteComment(commentId)],
    ['hidden by a moderator', (commentId: string) => stack.client.hideComment(commentId, 'Spam')],
  ])('answers 404, storing nothing, for a comment %s between its check and the report', async (_, change) => {
    const { commentId, author } = await commented();
    const reporter = await newAccount(stack, 'Reporter');
    const discussions = stack.app.get(DiscussionsService);
    const visible = discussions.visible.bind(discussions);
    const checked = jest.spyOn(discussions, 'visible').mockImplementationOnce(async (...args) => {
      const row = await visible(...args);
      await change(commentId, author);
      return row;
    });
    try {
      const refused = await send('POST', `/comments/${commentId}/reports`, reporter.token, { reason: 'spam' });
      expect([refused.status, refused.body.errors?.map((error) => error.pointer)]).toEqual([404, ['/params/id']]);
      expect(await reportsOf(commentId)).toEqual([]);
    } finally {
      checked.mockRestore();
    }
  });

  it('answers a report stored meanwhile by another request of the reporter’s, or dismissed meanwhile by a moderator, never a 404', async () => {
    const { projectId, commentId } = await commented();
    const reporter = await newAccount(stack, 'Reporter');

    // Sent twice at once: the first stored commits while the other waits for it, which gives it its words. The first's
    // created_at, a second after the other's now(), stands for a transaction begun after the other's statement: the
    // report made again takes that time, never an earlier one.
    const first = "INSERT INTO comment_reports (comment_id, project_id, user_id, reason, created_at) VALUES ($1, $2, $3, $4, now() + interval '1 second')";
    const twice = await committedMeanwhile(stack.config.databaseUrl, first, [commentId, projectId, reporter.id, 'spam'], () =>
      send('POST', `/comments/${commentId}/reports`, reporter.token, { reason: 'abuse', note: 'Sent twice' }),
    );
    expect([twice.status, twice.body]).toEqual([200, expect.objectContaining({ reason: 'abuse', note: 'Sent twice' })]);
    expect(await reportsOf(commentId)).toEqual([{ user_id: reporter.id, reason: 'abuse', note: 'Sent twice', dismissed_at: null }]);
    const { rows: [times] } = await stack.db.query('SELECT created_at, reported_at FROM comment_reports WHERE comment_id = $1', [commentId]);
    expect([times.reported_at, twice.body]).toEqual([times.created_at, expect.objectContaining({ reportedAt: times.created_at.toISOString() })]);

    // Dismissed while the report waits for it: the report opens it again with the volunteer's words.
    await reporter.client.reportComment(commentId, { reason: 'spam', note: 'Open again' });
    const dismissal = 'UPDATE comment_reports SET dismissed_at = now() WHERE comment_id = $1';
    const reopened = await committedMeanwhile(stack.config.databaseUrl, dismissal, [commentId], () => send('POST', `/comments/${commentId}/reports`, reporter.token, { reason: 'personal-data', note: 'Reopened' }));
    expect([reopened.status, reopened.body]).toEqual([201, expect.objectContaining({ reason: 'personal-data', note: 'Reopened' })]);
    expect(await reportsOf(commentId)).toEqual([{ user_id: reporter.id, reason: 'personal-data', note: 'Reopened', dismissed_at: null }]);
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
    const [first, second, third] = [await newAccount(stack, 'First'), await newAccount(stack, 'Second'), await newAccount(stack, 'Third')];
    await first.client.reportComment(older.commentId, { reason: 'spam', note: 'Selling watches' });
    await second.client.reportComment(older.commentId, { reason: 'spam' });
    await second.client.reportComment(newer.id, { reason: 'personal-data', note: 'A phone number' });

    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    for (const team of [moderator.client, stack.client]) {
      const page = await team.reportedComments(projectId);
      expect(reportedCommentPageSchema.parse(page)).toEqual(page);
      expect([page.total, page.comments.map((comment) => comment.body)]).toEqual([2, ['My phone number is 555 0100', 'An advert']]);
    }
    const firstPage = await moderator.client.reportedComments(projectId, { limit: 1 });
    // A later report, by a volunteer who had not reported it, while the moderator reads page by page, does not move the comment up.
    await third.client.reportComment(older.commentId, { reason: 'other', note: 'Still there' });
    const nextPage = await moderator.client.reportedComments(projectId, { limit: 1, after: firstPage.next! });
    expect([...firstPage.comments, ...nextPage.comments].map((comment) => comment.commentId)).toEqual([newer.id, older.commentId]);
    expect(nextPage.next).toBeNull();
    const [subject] = (await stack.db.query('SELECT external_id FROM subjects WHERE id = $1', [older.subjectId])).rows;
    const page = await moderator.client.reportedComments(projectId);
    expect(page.comments[1]).toMatchObject({
      commentId: older.commentId,
      author: { displayName: 'Author' },
      subject: { id: older.subjectId, name: subject.external_id },
      hidden: null,
      reports: 3,
      reasons: { spam: 2, other: 1 },
      openReports: 3,
      dismissal: null,
    });
    expect(page.comments.map((comment) => comment.body)).toEqual(['My phone number is 555 0100', 'An advert']);
    expect(page.comments[0]!.notes).toEqual([{ reporter: expect.stringMatching(/^reporter-/), reason: 'personal-data', note: 'A phone number', reportedAt: expect.any(String) }]);
    expect(page.comments[1]!.notes).toEqual([
      { reporter: expect.stringMatching(/^reporter-/), reason: 'other', note: 'Still there', reportedAt: expect.any(String) },
      { reporter: expect.stringMatching(/^reporter-/), reason: 'spam', note: 'Selling watches', reportedAt: expect.any(String) },
    ]);
    // One volunteer has one pseudonym on every comment of the project (Second, on both), another volunteer another, and never their id or name.
    const withNote = await newerAuthor.client.postComment(older.subjectId, { projectId, body: 'Another advert' });
    await second.client.reportComment(withNote.id, { reason: 'spam', note: 'Another advert' });
    await first.client.reportComment(withNote.id, { reason: 'spam', note: 'Me too' });
    const notes = (await moderator.client.reportedComments(projectId)).comments.find((comment) => comment.commentId === withNote.id)!.notes;
    const [byFirst, bySecond] = [notes.find((note) => note.note === 'Me too')!.reporter, notes.find((note) => note.note === 'Another advert')!.reporter];
    expect(bySecond).toBe(page.comments[0]!.notes[0]!.reporter);
    expect(byFirst).toBe(page.comments[1]!.notes[1]!.reporter);
    expect(new Set([byFirst, bySecond, page.comments[1]!.notes[0]!.reporter]).size).toBe(3);
    for (const reporter of [first, second, third]) expect(JSON.stringify(page)).not.toContain(reporter.id);
    expect(JSON.stringify(page)).not.toMatch(/First|Second|Third/);

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
