import { notificationPageSchema, subjectCommentSchema } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { ACCOUNT_PASSWORD, newAccount, newMember } from '../../../test/support/accounts';
import { sendRaw } from '../../../test/support/requests';
import { type Stack, startStack } from '../../../test/support/stack';
import { voteWorkflow } from '../../../test/support/workflows';
import { NOTIFICATIONS } from '../src/notifications/notifications.service';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack.stop();
});

/** A request sent as it is (`sendRaw`). */
const send = (method: string, path: string, token: string | undefined, body?: unknown) => sendRaw<Record<string, unknown>>(stack, method, path, token, body);

async function liveSubject() {
  const { projectId, subjectIds } = await voteWorkflow(stack, 2);
  const [{ slug }] = (await stack.db.query('SELECT slug FROM projects WHERE id = $1', [projectId])).rows;
  return { projectId, slug: slug as string, subjectId: subjectIds[0]!, otherSubjectId: subjectIds[1]! };
}

/** A display name no other test gives, so that an @mention of it names one account. */
const uniqueName = (name: string) => `${name}${randomUUID().slice(0, 6)}`;
const kindsOf = (page: { notifications: { kind: string; comment: { id: string } }[] }) => page.notifications.map((each) => [each.kind, each.comment.id]);

describe('replies to comments', () => {
  it('stores the comment a reply answers, and reads it back with its author’s name, flat in the discussion, oldest first', async () => {
    const { projectId, subjectId } = await liveSubject();
    const grace = await newAccount(stack, 'Grace');
    const ida = await newAccount(stack, 'Ida');
    const question = await grace.client.postComment(subjectId, { projectId, body: 'Is this a stamp?' });
    expect(question.replyTo).toBeNull();
    const { replayed: _, ...reply } = await ida.client.postComment(subjectId, { projectId, body: 'A postmark.', replyTo: question.id });
    expect(subjectCommentSchema.parse(reply)).toEqual(reply);
    expect(reply.replyTo).toEqual({ id: question.id, authorDisplayName: 'Grace' });
    const discussion = await stack.anonymous.subjectDiscussion(subjectId, projectId);
    expect(discussion.comments.map((comment) => [comment.body, comment.replyTo?.id ?? null])).toEqual([['Is this a stamp?', null], ['A postmark.', question.id]]);
    expect((await stack.anonymous.projectComments(projectId)).comments[0]!.replyTo).toEqual({ id: question.id, authorDisplayName: 'Grace' });

    // Its author's account deleted: the reply still says which comment, by a former volunteer.
    await grace.client.deleteAccount(ACCOUNT_PASSWORD);
    expect((await stack.anonymous.subjectDiscussion(subjectId, projectId)).comments[1]!.replyTo).toEqual({ id: question.id, authorDisplayName: null });
  });

  it('says no more of the comment answered once it is hidden, to volunteers but its author, or deleted, to everyone', async () => {
    const { projectId, subjectId } = await liveSubject();
    const author = await newAccount(stack, 'Jo');
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    const first = await author.client.postComment(subjectId, { projectId, body: 'Something rude' });
    const reply = await moderator.client.postComment(subjectId, { projectId, body: 'Please be kind.', replyTo: first.id });
    await moderator.client.hideComment(first.id, 'Rude');
    const replyAsSeenBy = async (client: typeof stack.anonymous) => (await client.subjectDiscussion(subjectId, projectId)).comments.find((comment) => comment.id === reply.id)!.replyTo;
    expect(await replyAsSeenBy(stack.anonymous)).toBeNull();
    expect(await replyAsSeenBy(author.client)).toEqual({ id: first.id, authorDisplayName: 'Jo' });
    expect(await replyAsSeenBy(moderator.client)).toEqual({ id: first.id, authorDisplayName: 'Jo' });

    await moderator.client.unhideComment(first.id);
    await author.client.deleteComment(first.id);
    expect(await replyAsSeenBy(moderator.client)).toBeNull();
    // The download keeps which comment it answered.
    expect((await stack.db.query('SELECT reply_to FROM subject_comments WHERE id = $1', [reply.id])).rows).toEqual([{ reply_to: first.id }]);
  });

  it('refuses a reply to a comment of another subject, hidden, deleted, or none, naming /replyTo and saying which, storing nothing', async () => {
    const { projectId, subjectId, otherSubjectId } = await liveSubject();
    const volunteer = await newAccount(stack, 'Kit');
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    const elsewhere = await volunteer.client.postComment(otherSubjectId, { projectId, body: 'On the other subject' });
    const hidden = await volunteer.client.postComment(subjectId, { projectId, body: 'Hidden soon' });
    await moderator.client.hideComment(hidden.id, 'Off topic');
    const deleted = await volunteer.client.postComment(subjectId, { projectId, body: 'Deleted soon' });
    await volunteer.client.deleteComment(deleted.id);
    const before = (await stack.db.query('SELECT count(*)::int AS n FROM subject_comments WHERE project_id = $1', [projectId])).rows[0].n;
    for (const [replyTo, said] of [
      [elsewhere.id, /names no comment on this subject/],
      [randomUUID(), /names no comment on this subject/],
      [hidden.id, /moderators hid/],
      [deleted.id, /its author deleted/],
      ['nope', /must be the id of the comment/],
    ] as const) {
      const answer = await send('POST', `/subjects/${subjectId}/comments`, volunteer.token, { projectId, body: 'A reply', replyTo });
      expect([answer.status, answer.contentType, answer.body.errors]).toEqual([422, 'application/problem+json; charset=utf-8', [{ pointer: '/replyTo', message: expect.stringMatching(said) }]]);
    }
    expect((await stack.db.query('SELECT count(*)::int AS n FROM subject_comments WHERE project_id = $1', [projectId])).rows[0].n).toBe(before);
    expect((await moderator.client.notifications()).notifications).toEqual([]);
  });
});

describe('notifications', () => {
  it('tells a volunteer of a reply to their comment and of a mention, newest first, never the author of their own, with the unread count', async () => {
    const { projectId, slug, subjectId } = await liveSubject();
    const graceName = uniqueName('Grace');
    const grace = await newAccount(stack, graceName);
    const ida = await newAccount(stack, uniqueName('Ida'));
    const question = await grace.client.postComment(subjectId, { projectId, body: 'Is this a stamp?' });
    // Replying to herself, and mentioning herself: she is told of neither.
    await grace.client.postComment(subjectId, { projectId, body: `Or a postmark, @${graceName}?`, replyTo: question.id });
    const reply = await ida.client.postComment(subjectId, { projectId, body: `A postmark, @${graceName}: see the ring.`, replyTo: question.id });
    const mention = await ida.client.postComment(subjectId, { projectId, body: `${'Long '.repeat(40)}@${graceName}.` });

    const page = await grace.client.notifications();
    expect(notificationPageSchema.parse(page)).toEqual(page);
    // One notification a comment: the reply that mentions her too is a reply.
    expect(kindsOf(page)).toEqual([['mention', mention.id], ['reply', reply.id]]);
    expect(page.unread).toBe(2);
    expect(page.notifications[1]).toEqual({
      id: expect.any(String),
      kind: 'reply',
      createdAt: expect.any(String),
      readAt: null,
      comment: { id: reply.id, subjectId, projectId, projectSlug: slug, excerpt: `A postmark, @${graceName}: see the ring.`, author: { displayName: reply.author.displayName } },
    });
    expect(page.notifications[0]!.comment.excerpt).toBe(`${'Long '.repeat(28).trimEnd()}…`);
    expect((await ida.client.notifications()).notifications).toEqual([]);

    // A page at a time.
    const first = await grace.client.notifications({ limit: 1 });
    expect([kindsOf(first), first.next !== null]).toEqual([[['mention', mention.id]], true]);
    expect(kindsOf(await grace.client.notifications({ limit: 1, after: first.next! }))).toEqual([['reply', reply.id]]);
  });

  it('marks some or all read, again changing nothing, and never another volunteer’s', async () => {
    const { projectId, subjectId } = await liveSubject();
    const name = uniqueName('Lee');
    const lee = await newAccount(stack, name);
    const other = await newAccount(stack, uniqueName('Max'));
    for (const n of [1, 2, 3]) await other.client.postComment(subjectId, { projectId, body: `@${name} number ${n}` });
    const [third, second] = (await lee.client.notifications()).notifications;
    await other.client.markNotificationsRead([third!.id]);
    expect((await lee.client.notifications()).unread).toBe(3);
    await lee.client.markNotificationsRead([third!.id, second!.id]);
    const some = await lee.client.notifications();
    expect([some.unread, some.notifications.map((each) => each.readAt !== null)]).toEqual([1, [true, true, false]]);
    const readAt = some.notifications[0]!.readAt;
    await lee.client.markNotificationsRead();
    await lee.client.markNotificationsRead();
    const all = await lee.client.notifications();
    expect([all.unread, all.notifications.map((each) => each.readAt !== null), all.notifications[0]!.readAt]).toEqual([0, [true, true, true], readAt]);
  });

  it('tells the project’s team of @team, and a mention only the one account with that exact name', async () => {
    const { projectId, subjectId } = await liveSubject();
    const moderator = await newMember(stack, projectId, 'moderator', uniqueName('Mod'));
    const reviewer = await newMember(stack, projectId, 'reviewer', uniqueName('Rev'));
    const shared = uniqueName('Sam');
    const twins = [await newAccount(stack, shared), await newAccount(stack, shared)];
    const single = uniqueName('Una');
    const una = await newAccount(stack, single);
    const volunteer = await newAccount(stack, uniqueName('Vi'));
    const comment = await volunteer.client.postComment(subjectId, { projectId, body: `@team, @${shared} and @${single.toLowerCase()}: is this a stamp?` });
    expect(kindsOf(await moderator.client.notifications())).toEqual([['team-mention', comment.id]]);
    expect(kindsOf(await stack.client.notifications({ limit: 1 }))).toEqual([['team-mention', comment.id]]);
    // A reviewer is not of the team that wears the badge; two accounts named alike, nor a name in other capitals, are none.
    expect((await reviewer.client.notifications()).notifications).toEqual([]);
    for (const twin of twins) expect((await twin.client.notifications()).notifications).toEqual([]);
    expect((await una.client.notifications()).notifications).toEqual([]);

    // An edit that mentions her tells her, once; the team is not told again.
    await volunteer.client.editComment(comment.id, `@team, @${single}: is this a stamp?`);
    await volunteer.client.editComment(comment.id, `@team, @${single}: is this a stamp? Sorry, edited.`);
    expect(kindsOf(await una.client.notifications())).toEqual([['mention', comment.id]]);
    expect((await moderator.client.notifications()).notifications).toHaveLength(1);
  });

  it('leaves out a comment hidden or deleted since, and tells no one outside a draft project of its comments', async () => {
    const { projectId, subjectId } = await liveSubject();
    const name = uniqueName('Wren');
    const wren = await newAccount(stack, name);
    const moderator = await newMember(stack, projectId, 'moderator', uniqueName('Mod'));
    const other = await newAccount(stack, uniqueName('Xan'));
    const hidden = await other.client.postComment(subjectId, { projectId, body: `@${name} rude` });
    const deleted = await other.client.postComment(subjectId, { projectId, body: `@${name} oops` });
    const kept = await other.client.postComment(subjectId, { projectId, body: `@${name} hello` });
    await moderator.client.hideComment(hidden.id, 'Rude');
    await other.client.deleteComment(deleted.id);
    const page = await wren.client.notifications();
    expect([kindsOf(page), page.unread]).toEqual([[['mention', kept.id]], 1]);
    await moderator.client.unhideComment(hidden.id);
    expect(kindsOf(await wren.client.notifications())).toEqual([['mention', kept.id], ['mention', hidden.id]]);

    // A draft's comments: its team is told, an outsider mentioned is not.
    const draft = await stack.client.createProject({ title: `Draft ${randomUUID().slice(0, 8)}` });
    const set = await stack.client.createSubjectSet(draft.id, { name: 'Set' });
    await stack.client.addSubjects(set.id, [{ externalId: 'd1', locations: [{ type: 'text', text: 'Draft subject' }] }]);
    const [{ id: draftSubject }] = (await stack.db.query('SELECT id FROM subjects WHERE project_id = $1', [draft.id])).rows;
    const secret = await stack.client.postComment(draftSubject, { projectId: draft.id, body: `@${name}, a secret` });
    expect(kindsOf(await wren.client.notifications())).toEqual([['mention', kept.id], ['mention', hidden.id]]);
    expect((await stack.db.query('SELECT 1 FROM comment_notifications WHERE comment_id = $1', [secret.id])).rows).toEqual([]);
  });

  it('goes with the account deleted', async () => {
    const { projectId, subjectId } = await liveSubject();
    const name = uniqueName('Yve');
    const yve = await newAccount(stack, name);
    await stack.client.postComment(subjectId, { projectId, body: `@${name} thanks` });
    expect((await stack.db.query('SELECT count(*)::int AS n FROM comment_notifications WHERE user_id = $1', [yve.id])).rows[0].n).toBe(1);
    await yve.client.deleteAccount(ACCOUNT_PASSWORD);
    expect((await stack.db.query('SELECT count(*)::int AS n FROM comment_notifications WHERE user_id = $1', [yve.id])).rows[0].n).toBe(0);
  });

  it('refuses a guest with account-required, and bad input naming the field', async () => {
    const { token } = await stack.anonymous.guest();
    for (const [method, path, body] of [
      ['GET', '/account/notifications', undefined],
      ['POST', '/account/notifications/read', {}],
    ] as const) {
      const guest = await send(method, path, token, body);
      expect([path, guest.status, guest.contentType, guest.body.type]).toEqual([path, 403, 'application/problem+json; charset=utf-8', 'urn:chorus:problem:account-required']);
    }
    const volunteer = await newAccount(stack, 'Zed');
    for (const [method, path, body, pointer] of [
      ['GET', '/account/notifications?limit=0', undefined, '/query/limit'],
      ['GET', '/account/notifications?after=yesterday', undefined, '/query/after'],
      ['POST', '/account/notifications/read', { ids: [] }, '/ids'],
      ['POST', '/account/notifications/read', { ids: ['nope'] }, '/ids/0'],
    ] as const) {
      const answer = await send(method, path, volunteer.token, body);
      expect([path, answer.status, answer.contentType, answer.body.errors]).toEqual([path, 422, 'application/problem+json; charset=utf-8', [expect.objectContaining({ pointer })]]);
    }
  });

  it('reads a page of a volunteer’s notifications from their index, newest first, not by sorting all of them', async () => {
    const { projectId, subjectId } = await liveSubject();
    const volunteer = await newAccount(stack, uniqueName('Abe'));
    const author = await newAccount(stack, 'Author');
    // Many notifications of one volunteer: sorting them all for a page of 20 would read every one.
    await stack.db.query(
      `WITH posted AS (
         INSERT INTO subject_comments (project_id, subject_id, user_id, body, created_at)
         SELECT $1, $2, $3, 'comment ' || n, now() - n * interval '1 second' FROM generate_series(1, 20000) n RETURNING id, created_at)
       INSERT INTO comment_notifications (user_id, comment_id, kind, created_at) SELECT $4, id, 'mention', created_at FROM posted`,
      [projectId, subjectId, author.id, volunteer.id],
    );
    await stack.db.query('ANALYZE comment_notifications');
    await stack.db.query('ANALYZE subject_comments');
    const plan = (await stack.db.query(`EXPLAIN ${NOTIFICATIONS}`, [volunteer.id, null, null, 21])).rows.map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Index Scan Backward using comment_notifications_user_recent_idx on comment_notifications/);
    expect(plan).not.toMatch(/Sort/);
    const page = await volunteer.client.notifications();
    expect([page.notifications.length, page.unread, page.notifications[0]!.comment.excerpt]).toEqual([20, 20000, 'comment 1']);
  });
});
