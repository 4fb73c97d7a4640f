import { type CommentNotification, type NotificationPage, notificationPageSchema, subjectCommentSchema } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { ACCOUNT_PASSWORD, newAccount, newMember } from '../../../test/support/accounts';
import { aliasesReading, indexesOf, planOf } from '../../../test/support/plans';
import { mailStop, oneClickStop, refusal, sendRaw } from '../../../test/support/requests';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { voteWorkflow } from '../../../test/support/workflows';
import { EmailLinks } from '../src/auth/email-links';
import { signerFor } from '../src/auth/tokens';
import { NOTIFICATIONS, NOTIFY } from '../src/notifications/notifications.service';

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
/** The page's notifications of comments: a test of comments has no other. */
const ofComments = (page: NotificationPage): CommentNotification[] => page.notifications.filter((each): each is CommentNotification => 'comment' in each);
const kindsOf = (page: NotificationPage) => ofComments(page).map((each) => [each.kind, each.comment.id]);

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
      comment: { id: reply.id, subjectId, boardDiscussionId: null, projectId, projectSlug: slug, excerpt: `A postmark, @${graceName}: see the ring.`, author: { displayName: reply.author.displayName } },
    });
    expect(ofComments(page)[0]!.comment.excerpt).toBe(`${'Long '.repeat(28).trimEnd()}…`);
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
    expect([page.notifications.length, page.unread, ofComments(page)[0]!.comment.excerpt]).toEqual([20, 20000, 'comment 1']);
  });
});

describe('following a discussion', () => {
  const notifiedOf = async (commentId: string) =>
    (await stack.db.query('SELECT user_id, kind FROM comment_notifications WHERE comment_id = $1 ORDER BY kind, user_id', [commentId])).rows as { user_id: string; kind: string }[];

  it('tells those who commented earlier on the subject of each new comment there, not its author, nor of another subject, nor an edit', async () => {
    const { projectId, subjectId, otherSubjectId } = await liveSubject();
    const [ann, bob, cy, dee] = await Promise.all(['Ann', 'Bob', 'Cy', 'Dee'].map((name) => newAccount(stack, uniqueName(name))));
    const first = await ann!.client.postComment(subjectId, { projectId, body: 'A comet?' });
    await cy!.client.postComment(otherSubjectId, { projectId, body: 'On the other subject' });
    // Her own second comment tells no one: she is its author, and no one else is there yet.
    await ann!.client.postComment(subjectId, { projectId, body: 'Or a satellite?' });
    expect(await notifiedOf(first.id)).toEqual([]);
    const answer = await bob!.client.postComment(subjectId, { projectId, body: 'A satellite: it moves.' });
    expect(await notifiedOf(answer.id)).toEqual([{ user_id: ann!.id, kind: 'discussion' }]);
    const page = await ann!.client.notifications();
    expect(notificationPageSchema.parse(page)).toEqual(page);
    expect([kindsOf(page), page.unread]).toEqual([[['discussion', answer.id]], 1]);
    expect((await bob!.client.notifications()).notifications).toEqual([]);
    expect((await cy!.client.notifications()).notifications).toEqual([]);
    // An edit tells of new mentions only, not the discussion again.
    await bob!.client.editComment(answer.id, 'A satellite: it moves fast.');
    expect(await notifiedOf(answer.id)).toEqual([{ user_id: ann!.id, kind: 'discussion' }]);

    // A third comment tells both earlier commenters; one whose account is deleted since is not told.
    await dee!.client.postComment(subjectId, { projectId, body: 'Agreed.' });
    await dee!.client.deleteAccount(ACCOUNT_PASSWORD);
    const third = await cy!.client.postComment(subjectId, { projectId, body: 'Which one?' });
    expect(await notifiedOf(third.id)).toEqual(
      [ann!.id, bob!.id].sort().map((user_id) => ({ user_id, kind: 'discussion' })),
    );
  });

  it('tells each volunteer once a comment, a reply or a mention winning over the discussion; never one stopped from commenting', async () => {
    const { projectId, subjectId } = await liveSubject();
    const names = ['Eli', 'Fay', 'Gus', 'Hal', 'Ivy'].map(uniqueName);
    const [eli, fay, gus, hal, ivy] = await Promise.all(names.map((name) => newAccount(stack, name)));
    const moderator = await newMember(stack, projectId, 'moderator', uniqueName('Mod'));
    const question = await eli!.client.postComment(subjectId, { projectId, body: 'What is this?' });
    await fay!.client.postComment(subjectId, { projectId, body: 'No idea.' });
    await hal!.client.postComment(subjectId, { projectId, body: 'A moth.' });
    await ivy!.client.postComment(subjectId, { projectId, body: 'Spam spam' });
    await moderator.client.banFromComments(projectId, ivy!.id, 'Spam');
    const reply = await gus!.client.postComment(subjectId, { projectId, body: `A moth, @${names[1]}.`, replyTo: question.id });
    expect(await notifiedOf(reply.id)).toEqual(
      [
        { user_id: hal!.id, kind: 'discussion' },
        { user_id: fay!.id, kind: 'mention' },
        { user_id: eli!.id, kind: 'reply' },
      ],
    );
    expect(kindsOf(await eli!.client.notifications())).toEqual([['reply', reply.id], ['discussion', expect.any(String)], ['discussion', expect.any(String)], ['discussion', expect.any(String)]]);
    // Nor does the banned volunteer follow: the discussion says so, and following is refused as commenting is; stopping is not.
    expect((await ivy!.client.subjectDiscussion(subjectId, projectId)).following).toBe(false);
    await refusal(ivy!.client.followDiscussion(subjectId, projectId), { status: 403, type: 'urn:chorus:problem:comment-banned' });
    expect(await ivy!.client.unfollowDiscussion(subjectId, projectId)).toEqual({ following: false });
  });

  it('follows a discussion without commenting, and unfollows one commented in: unfollowing wins, until followed again', async () => {
    const { projectId, subjectId } = await liveSubject();
    const [jo, kai, lee] = await Promise.all(['Jo', 'Kai', 'Lee'].map((name) => newAccount(stack, uniqueName(name))));
    expect((await jo!.client.subjectDiscussion(subjectId, projectId)).following).toBe(false);
    expect((await stack.anonymous.subjectDiscussion(subjectId, projectId)).following).toBe(false);
    // Following, twice: the same answer.
    expect(await jo!.client.followDiscussion(subjectId, projectId)).toEqual({ following: true });
    expect(await jo!.client.followDiscussion(subjectId, projectId)).toEqual({ following: true });
    expect((await jo!.client.subjectDiscussion(subjectId, projectId)).following).toBe(true);
    const kaisFirst = await kai!.client.postComment(subjectId, { projectId, body: 'First!' });
    expect((await kai!.client.subjectDiscussion(subjectId, projectId)).following).toBe(true);
    const second = await lee!.client.postComment(subjectId, { projectId, body: 'Second.' });
    expect(await notifiedOf(second.id)).toEqual([jo!.id, kai!.id].sort().map((user_id) => ({ user_id, kind: 'discussion' })));

    // Kai unfollows the discussion he commented in; commenting again there does not follow it again.
    expect(await kai!.client.unfollowDiscussion(subjectId, projectId)).toEqual({ following: false });
    expect(await kai!.client.unfollowDiscussion(subjectId, projectId)).toEqual({ following: false });
    await kai!.client.postComment(subjectId, { projectId, body: 'Still here.' });
    expect((await kai!.client.subjectDiscussion(subjectId, projectId)).following).toBe(false);
    const third = await lee!.client.postComment(subjectId, { projectId, body: 'Third.' });
    expect(await notifiedOf(third.id)).toEqual([{ user_id: jo!.id, kind: 'discussion' }]);
    // A reply to him is still told.
    const reply = await lee!.client.postComment(subjectId, { projectId, body: 'To you.', replyTo: kaisFirst.id });
    expect(await notifiedOf(reply.id)).toEqual([
      { user_id: jo!.id, kind: 'discussion' },
      { user_id: kai!.id, kind: 'reply' },
    ]);

    expect(await kai!.client.followDiscussion(subjectId, projectId)).toEqual({ following: true });
    const fourth = await lee!.client.postComment(subjectId, { projectId, body: 'Fourth.' });
    expect(await notifiedOf(fourth.id)).toEqual([jo!.id, kai!.id].sort().map((user_id) => ({ user_id, kind: 'discussion' })));
  });

  const followsOf = async (subjectId: string) =>
    (await stack.db.query('SELECT user_id, following, chosen FROM discussion_follows WHERE subject_id = $1 ORDER BY user_id', [subjectId])).rows as { user_id: string; following: boolean; chosen: boolean }[];

  it('stores a follow as a volunteer first comments in a discussion, never over their own choice; unfollowing one never followed stores nothing', async () => {
    const { projectId, subjectId } = await liveSubject();
    const [ola, pia, rex] = await Promise.all(['Ola', 'Pia', 'Rex'].map((name) => newAccount(stack, uniqueName(name))));
    await ola!.client.postComment(subjectId, { projectId, body: 'A first.' });
    await ola!.client.postComment(subjectId, { projectId, body: 'A second.' });
    expect(await pia!.client.unfollowDiscussion(subjectId, projectId)).toEqual({ following: false });
    expect(await followsOf(subjectId)).toEqual([{ user_id: ola!.id, following: true, chosen: false }]);
    await pia!.client.followDiscussion(subjectId, projectId);
    await pia!.client.unfollowDiscussion(subjectId, projectId);
    await pia!.client.postComment(subjectId, { projectId, body: 'Mine.' });
    await rex!.client.followDiscussion(subjectId, projectId);
    await rex!.client.postComment(subjectId, { projectId, body: 'Followed first.' });
    expect(await followsOf(subjectId)).toEqual(
      [
        { user_id: ola!.id, following: true, chosen: false },
        { user_id: pia!.id, following: false, chosen: true },
        { user_id: rex!.id, following: true, chosen: true },
      ].sort((a, b) => a.user_id.localeCompare(b.user_id)),
    );
  });

  it('unfollows a volunteer whose comments there are all hidden by a moderator, or deleted, until one is shown again; never one who chose to follow', async () => {
    const { projectId, subjectId } = await liveSubject();
    const [sam, tia, uma, val] = await Promise.all(['Sam', 'Tia', 'Uma', 'Val'].map((name) => newAccount(stack, uniqueName(name))));
    const moderator = await newMember(stack, projectId, 'moderator', uniqueName('Mod'));
    const sams = await sam!.client.postComment(subjectId, { projectId, body: 'Rude words' });
    const tias = await Promise.all([tia!.client.postComment(subjectId, { projectId, body: 'Rude too' }), tia!.client.postComment(subjectId, { projectId, body: 'But this is fine' })]);
    const umas = await uma!.client.postComment(subjectId, { projectId, body: 'Rude as well' });
    await uma!.client.followDiscussion(subjectId, projectId);
    const vals = await val!.client.postComment(subjectId, { projectId, body: 'Oops, wrong subject' });
    await Promise.all([moderator.client.hideComment(sams.id, 'Rude'), moderator.client.hideComment(tias[0]!.id, 'Rude'), moderator.client.hideComment(umas.id, 'Rude')]);
    await val!.client.deleteComment(vals.id);
    // Sam's only comment is hidden and Val's deleted: they follow it no more; Tia has one shown; Uma chose to follow.
    const next = await moderator.client.postComment(subjectId, { projectId, body: 'Please stay civil.' });
    expect(await notifiedOf(next.id)).toEqual([tia!.id, uma!.id].sort().map((user_id) => ({ user_id, kind: 'discussion' })));
    expect([(await sam!.client.subjectDiscussion(subjectId, projectId)).following, (await uma!.client.subjectDiscussion(subjectId, projectId)).following]).toEqual([false, true]);

    // Shown again, Sam's comment follows the discussion again.
    await moderator.client.unhideComment(sams.id);
    expect((await sam!.client.subjectDiscussion(subjectId, projectId)).following).toBe(true);
    const after = await moderator.client.postComment(subjectId, { projectId, body: 'Thanks.' });
    expect(await notifiedOf(after.id)).toEqual([sam!.id, tia!.id, uma!.id].sort().map((user_id) => ({ user_id, kind: 'discussion' })));
  });

  it('drops the follow of a volunteer whose last two comments there two moderators hide at once, in every discussion', async () => {
    const { projectId, subjectIds } = await voteWorkflow(stack, 8);
    const volunteer = await newAccount(stack, uniqueName('Abe'));
    const [one, two] = await Promise.all(['Mod', 'Mod'].map((name) => newMember(stack, projectId, 'moderator', uniqueName(name))));
    const pairs = await Promise.all(subjectIds.map(async (subjectId) => [await volunteer.client.postComment(subjectId, { projectId, body: 'Rude' }), await volunteer.client.postComment(subjectId, { projectId, body: 'Rude again' })]));
    await Promise.all(pairs.flatMap(([first, second]) => [one!.client.hideComment(first!.id, 'Rude'), two!.client.hideComment(second!.id, 'Rude')]));
    expect((await stack.db.query('SELECT subject_id FROM discussion_follows WHERE user_id = $1', [volunteer.id])).rows).toEqual([]);
  });

  it('keeps a follow when a moderator hides a volunteer’s comment as they post another there', async () => {
    const { projectId, subjectIds } = await voteWorkflow(stack, 8);
    const volunteer = await newAccount(stack, uniqueName('Bea'));
    const moderator = await newMember(stack, projectId, 'moderator', uniqueName('Mod'));
    const firsts = await Promise.all(subjectIds.map((subjectId) => volunteer.client.postComment(subjectId, { projectId, body: 'Rude' })));
    await Promise.all(subjectIds.flatMap((subjectId, index) => [moderator.client.hideComment(firsts[index]!.id, 'Rude'), volunteer.client.postComment(subjectId, { projectId, body: 'Sorry.' })]));
    const followed = (await stack.db.query('SELECT subject_id FROM discussion_follows WHERE user_id = $1 AND following', [volunteer.id])).rows.map((row: { subject_id: string }) => row.subject_id);
    expect(followed.sort()).toEqual([...subjectIds].sort());
  });

  it('keeps an unfollow of a volunteer whose comments there were all hidden when their comment is shown again', async () => {
    const { projectId, subjectId } = await liveSubject();
    const volunteer = await newAccount(stack, uniqueName('Cal'));
    const moderator = await newMember(stack, projectId, 'moderator', uniqueName('Mod'));
    const rude = await volunteer.client.postComment(subjectId, { projectId, body: 'Rude' });
    await moderator.client.hideComment(rude.id, 'Rude');
    expect(await volunteer.client.unfollowDiscussion(subjectId, projectId)).toEqual({ following: false });
    await moderator.client.unhideComment(rude.id);
    expect((await volunteer.client.subjectDiscussion(subjectId, projectId)).following).toBe(false);
    const next = await moderator.client.postComment(subjectId, { projectId, body: 'Thanks.' });
    expect(await notifiedOf(next.id)).toEqual([]);
  });

  it('gives no follow back to a deleted account whose hidden comment is shown again', async () => {
    const { projectId, subjectId } = await liveSubject();
    const volunteer = await newAccount(stack, uniqueName('Flo'));
    const moderator = await newMember(stack, projectId, 'moderator', uniqueName('Mod'));
    const rude = await volunteer.client.postComment(subjectId, { projectId, body: 'Rude' });
    await moderator.client.hideComment(rude.id, 'Rude');
    await volunteer.client.deleteAccount(ACCOUNT_PASSWORD);
    await moderator.client.unhideComment(rude.id);
    expect(await followsOf(subjectId)).toEqual([]);
  });

  it('drops the follows of a volunteer banned with their comments hidden: the ban lifted, they are not told of new comments', async () => {
    const { projectId, subjectId } = await liveSubject();
    const [banned, other] = await Promise.all(['Dan', 'Eve'].map((name) => newAccount(stack, uniqueName(name))));
    const moderator = await newMember(stack, projectId, 'moderator', uniqueName('Mod'));
    await banned!.client.postComment(subjectId, { projectId, body: 'Rude' });
    await moderator.client.banFromComments(projectId, banned!.id, 'Rude', { hideComments: true });
    await moderator.client.liftCommentBan(projectId, banned!.id);
    const next = await other!.client.postComment(subjectId, { projectId, body: 'A crater.' });
    expect(await notifiedOf(next.id)).toEqual([]);
    expect((await banned!.client.subjectDiscussion(subjectId, projectId)).following).toBe(false);
  });

  it('reads the followers of a discussion from its follows by their index, not from its comments', async () => {
    const { projectId, subjectId, otherSubjectId } = await liveSubject();
    const author = await newAccount(stack, uniqueName('Wes'));
    const many = (await stack.db.query(`INSERT INTO users (kind, display_name) SELECT 'registered', 'Many ' || n FROM generate_series(1, 2000) n RETURNING id`)).rows.map((row: { id: string }) => row.id);
    await stack.db.query(`INSERT INTO subject_comments (project_id, subject_id, user_id, body) SELECT $1, $2, u, 'Elsewhere' FROM unnest($3::uuid[]) u`, [projectId, otherSubjectId, many]);
    await stack.db.query(`INSERT INTO discussion_follows (project_id, subject_id, user_id, following, chosen) SELECT $1, $2, u, true, false FROM unnest($3::uuid[]) u`, [projectId, otherSubjectId, many]);
    await stack.db.query('ANALYZE discussion_follows');
    await stack.db.query('ANALYZE subject_comments');
    const plan = await planOf(stack, NOTIFY, [randomUUID(), null, [], projectId, false, author.id, subjectId]);
    // The many accounts go, their comments and follows with them, before the next tests.
    await stack.db.query('DELETE FROM subject_comments WHERE subject_id = $1', [otherSubjectId]);
    await stack.db.query('DELETE FROM users WHERE id = ANY($1::uuid[])', [many]);
    // Its unique key (project, subject, volunteer) or its index of subjects, whichever the planner finds smaller, and
    // the board discussions' key (`bd`); of the comments, only the one replied to (`r`), never the discussion's earlier ones.
    expect(indexesOf(plan, 'd')).toEqual([expect.stringMatching(/^discussion_follows_(subject_key|subject_idx)$/)]);
    expect(indexesOf(plan, 'bd')).toEqual(['discussion_follows_board_key']);
    expect(aliasesReading(plan, 'subject_comments').filter((alias) => alias !== 'r')).toEqual([]);
  });

  it('tells nobody of a comment hidden since', async () => {
    const { projectId, subjectId } = await liveSubject();
    const [mo, ned] = await Promise.all(['Mo', 'Ned'].map((name) => newAccount(stack, uniqueName(name))));
    const moderator = await newMember(stack, projectId, 'moderator', uniqueName('Mod'));
    await mo!.client.postComment(subjectId, { projectId, body: 'A crater.' });
    const rude = await ned!.client.postComment(subjectId, { projectId, body: 'Rude words' });
    await moderator.client.hideComment(rude.id, 'Rude');
    const page = await mo!.client.notifications();
    expect([page.notifications, page.unread]).toEqual([[], 0]);
  });

  it('tells no one who may no longer read the project: a draft’s member removed from it', async () => {
    const draft = await stack.client.createProject({ title: `Draft ${randomUUID().slice(0, 8)}` });
    const set = await stack.client.createSubjectSet(draft.id, { name: 'Set' });
    await stack.client.addSubjects(set.id, [{ externalId: 'd1', locations: [{ type: 'text', text: 'Draft subject' }] }]);
    const [{ id: subjectId }] = (await stack.db.query('SELECT id FROM subjects WHERE project_id = $1', [draft.id])).rows;
    const member = await newMember(stack, draft.id, 'collaborator', uniqueName('Pat'));
    await member.client.postComment(subjectId, { projectId: draft.id, body: 'Looks blurry.' });
    const whileMember = await stack.client.postComment(subjectId, { projectId: draft.id, body: 'It is.' });
    expect(await notifiedOf(whileMember.id)).toEqual([{ user_id: member.id, kind: 'discussion' }]);
    await stack.client.removeMember(draft.id, member.id);
    const after = await stack.client.postComment(subjectId, { projectId: draft.id, body: 'Fixed now.' });
    expect(await notifiedOf(after.id)).toEqual([]);
    // Nor may they follow it now.
    const refused = await send('PUT', `/subjects/${subjectId}/follow?projectId=${draft.id}`, member.token);
    expect(refused.status).toBe(404);
  });

  it('refuses a guest with account-required, and bad input naming the field, changing nothing', async () => {
    const { projectId, subjectId, otherSubjectId } = await liveSubject();
    const { token } = await stack.anonymous.guest();
    for (const method of ['PUT', 'DELETE']) {
      const guest = await send(method, `/subjects/${subjectId}/follow?projectId=${projectId}`, token);
      expect([guest.status, guest.contentType, guest.body.type]).toEqual([403, 'application/problem+json; charset=utf-8', 'urn:chorus:problem:account-required']);
    }
    const volunteer = await newAccount(stack, 'Quin');
    for (const [path, pointer] of [
      [`/subjects/${subjectId}/follow`, '/query/projectId'],
      [`/subjects/${subjectId}/follow?projectId=nope`, '/query/projectId'],
      [`/subjects/${subjectId}/follow?projectId=${projectId}&extra=1`, '/query'],
      [`/subjects/nope/follow?projectId=${projectId}`, '/params/id'],
    ] as const) {
      const answer = await send('PUT', path, volunteer.token);
      expect([path, answer.status, answer.contentType, answer.body.errors]).toEqual([path, 422, 'application/problem+json; charset=utf-8', [expect.objectContaining({ pointer: expect.stringMatching(new RegExp(`^${pointer}`)) })]]);
    }
    const { projectId: elsewhere } = await liveSubject();
    const missing = await send('PUT', `/subjects/${otherSubjectId}/follow?projectId=${elsewhere}`, volunteer.token);
    expect([missing.status, missing.contentType]).toEqual([404, 'application/problem+json; charset=utf-8']);
    expect((await stack.db.query('SELECT 1 FROM discussion_follows WHERE user_id = $1', [volunteer.id])).rows).toEqual([]);
  });
});

describe('mails of replies and mentions', () => {
  /** The mails of discussions sent to `email` so far, once none waits in the outbox (a comment's mails are kept before its answer). */
  const mailsTo = async (email: string) => {
    await until(async () => (await stack.db.query('SELECT 1 FROM mail_outbox WHERE "to" = $1', [email])).rowCount === 0, `the mails to ${email} sent`, 10_000);
    return stack.inbox.mails.filter((mail) => mail.to === email && mail.text.includes('/account#discussion-mails'));
  };
  const outboxTo = async (email: string) => (await stack.db.query('SELECT count(*)::int AS n FROM mail_outbox WHERE "to" = $1', [email])).rows[0].n as number;
  /**
   * Runs `post`, its mail to `email` put off by the mail server and then held back (due in an hour), as a busy outbox
   * holds it; answers how many such mails wait.
   */
  const heldBack = async (email: string, post: () => Promise<unknown>) => {
    // The mails before (an invitation's) sent first, so that the one put off is this one.
    await until(async () => (await stack.db.query('SELECT 1 FROM mail_outbox WHERE next_attempt_at <= now() + interval \'1 minute\'')).rowCount === 0, 'the outbox empty', 10_000);
    stack.inbox.putOffNext(1);
    await post();
    const attempted = () => stack.db.query('SELECT 1 FROM mail_outbox WHERE "to" = $1 AND attempts > 0 AND claim IS NULL', [email]);
    await until(async () => (await attempted()).rowCount! > 0, `the mail to ${email} put off`, 10_000);
    await stack.db.query("UPDATE mail_outbox SET next_attempt_at = now() + interval '1 hour' WHERE \"to\" = $1", [email]);
    return outboxTo(email);
  };
  const optIn = (who: { client: typeof stack.anonymous }, language?: 'en' | 'fr' | 'de') => who.client.changeAccount({ discussionMails: true, ...(language ? { language } : {}) });

  it('mails an account that asked for it, once, in its language, quoting the comment as plain text, with links to it and to stop', async () => {
    const { projectId, slug, subjectId } = await liveSubject();
    const graceName = uniqueName('Grace');
    const grace = await newAccount(stack, graceName);
    const ida = await newAccount(stack, uniqueName('Ida'));
    expect(await grace.client.account()).toMatchObject({ discussionMails: false });
    expect(await optIn(grace, 'fr')).toMatchObject({ discussionMails: true, language: 'fr' });
    const question = await grace.client.postComment(subjectId, { projectId, body: 'Is this a stamp?' });
    // Her own reply, mentioning herself: no mail.
    await grace.client.postComment(subjectId, { projectId, body: `Or a postmark, @${graceName}?`, replyTo: question.id });

    const key = randomUUID();
    const body = `**Yes**, a <b>postmark</b>: see [the ring](https://example.org/ring), @${graceName}.`;
    const reply = await ida.client.postComment(subjectId, { projectId, body, replyTo: question.id }, key);
    // A retry with the same key, and an edit that mentions her again, mail nothing more.
    expect((await ida.client.postComment(subjectId, { projectId, body, replyTo: question.id }, key)).replayed).toBe(true);
    await ida.client.editComment(reply.id, `${body} Edited, @${graceName}.`);

    const mails = await mailsTo(grace.email);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    const { title } = await stack.anonymous.getProject(projectId);
    expect(mail!.subject).toBe(`${reply.author.displayName} vous a répondu dans «\u00a0${title}\u00a0»`);
    expect(mail!.text).toContain(`\n> Yes, a postmark: see the ring, @${graceName}.\n`);
    expect(mail!.text).not.toMatch(/<b>|\*\*|example\.org\/ring/);
    expect(mail!.text).toContain(`${stack.config.publicUrl}/projects/${slug}/subjects/${subjectId}#comment-${reply.id}`);
    expect(mail!.text).toContain(`${stack.config.publicUrl}/account#discussion-mails`);
    expect(mail!.text).toMatch(/^Bonjour /);
  });

  it('mails a follower of the discussion of a new comment there only if they asked for mails of followed discussions, in their language', async () => {
    const { projectId, subjectId } = await liveSubject();
    const quietName = uniqueName('Quiet');
    const [fan, quiet, writer] = await Promise.all([uniqueName('Fan'), quietName, uniqueName('Writer')].map((name) => newAccount(stack, name)));
    // Mails of replies and mentions are not mails of the discussions followed: off until asked for apart.
    await optIn(fan!, 'de');
    await optIn(quiet!);
    expect(await fan!.client.account()).toMatchObject({ discussionMails: true, followedDiscussionMails: false });
    await fan!.client.followDiscussion(subjectId, projectId);
    await writer!.client.postComment(subjectId, { projectId, body: 'Before.' });
    expect(await mailsTo(fan!.email)).toEqual([]);
    expect(await fan!.client.changeAccount({ followedDiscussionMails: true })).toMatchObject({ discussionMails: true, followedDiscussionMails: true });
    stack.inbox.mails.length = 0;
    await quiet!.client.postComment(subjectId, { projectId, body: 'Hmm.' });
    const comment = await writer!.client.postComment(subjectId, { projectId, body: 'A *moth*.' });
    const { title } = await stack.anonymous.getProject(projectId);
    const mails = await mailsTo(fan!.email);
    // Both comments after they followed it: Quiet's, then Writer's.
    expect(mails.map((mail) => mail.subject).sort()).toEqual([quiet!, writer!].map((who) => `„${title}“: ${who === quiet ? quietName : comment.author.displayName} hat in einer Diskussion geschrieben, der Sie folgen`).sort());
    expect(mails.find((mail) => mail.text.includes('> A moth.'))!.text).toContain(`${comment.author.displayName} hat in einer Diskussion, der Sie folgen, im Projekt „${title}“ auf Chorus geschrieben:\n\n> A moth.\n`);
    expect(kindsOf(await quiet!.client.notifications())).toEqual([['discussion', comment.id]]);
    expect(await mailsTo(quiet!.email)).toEqual([]);
  });

  it('mails a follower of a board’s discussion of a new comment there, linking to it on the board, and stops by the mail’s one-click address', async () => {
    const { projectId, slug } = await liveSubject();
    const [fan, writer] = await Promise.all([uniqueName('Fan'), uniqueName('Writer')].map((name) => newAccount(stack, name)));
    await fan!.client.changeAccount({ followedDiscussionMails: true });
    const board = await stack.client.createBoard(projectId, { title: 'Chat' });
    const started = await writer!.client.startBoardDiscussion(board.id, { title: 'Moths', body: 'Seen any?' });
    await fan!.client.followBoardDiscussion(started.id);
    const comment = await writer!.client.postBoardComment(started.id, { body: 'A *moth*.' });
    const [mail] = await mailsTo(fan!.email);
    expect(mail!.text).toContain(`${stack.config.publicUrl}/projects/${slug}/talk/${started.id}#comment-${comment.id}`);
    const clicked = await mailStop(stack, mail!).click();
    expect([clicked.status, clicked.body]).toEqual([200, { mails: 'followedDiscussionMails', project: null }]);
    expect(await fan!.client.account()).toMatchObject({ followedDiscussionMails: false });
  });

  it('mails none who did not ask, nor an account whose email is not verified, nor the author; and stops when asked to', async () => {
    const { projectId, subjectId } = await liveSubject();
    const [quietName, unverifiedName, authorName, stoppedName] = [uniqueName('Quiet'), uniqueName('Unver'), uniqueName('Author'), uniqueName('Stopped')];
    const quiet = await newAccount(stack, quietName);
    const unverified = await newAccount(stack, unverifiedName, { verified: false });
    const author = await newAccount(stack, authorName);
    const stopped = await newAccount(stack, stoppedName);
    for (const who of [unverified, author, stopped]) await optIn(who);
    expect(await stopped.client.changeAccount({ discussionMails: false })).toMatchObject({ discussionMails: false });
    const comment = await author.client.postComment(subjectId, { projectId, body: `@${quietName} @${unverifiedName} @${authorName} @${stoppedName}: look` });
    // All but the author are told in the app.
    for (const who of [quiet, unverified, stopped]) expect(kindsOf(await who.client.notifications())).toEqual([['mention', comment.id]]);
    for (const who of [quiet, unverified, author, stopped]) expect(await mailsTo(who.email)).toEqual([]);
  });

  it('mails the team of @team in their languages, and no one of a draft project they may not read', async () => {
    const { projectId, subjectId } = await liveSubject();
    const moderator = await newMember(stack, projectId, 'moderator', uniqueName('Mod'));
    await optIn(moderator, 'de');
    const volunteer = await newAccount(stack, uniqueName('Vi'));
    const comment = await volunteer.client.postComment(subjectId, { projectId, body: '@team is this a stamp?' });
    const [mail] = await mailsTo(moderator.email);
    expect(mail!.subject).toMatch(/: .* hat das Team gerufen \(@team\)$/);
    expect(mail!.text).toContain(`#comment-${comment.id}`);

    const outsiderName = uniqueName('Out');
    const outsider = await newAccount(stack, outsiderName);
    await optIn(outsider);
    const draft = await stack.client.createProject({ title: `Draft ${randomUUID().slice(0, 8)}` });
    const set = await stack.client.createSubjectSet(draft.id, { name: 'Set' });
    await stack.client.addSubjects(set.id, [{ externalId: 'd1', locations: [{ type: 'text', text: 'Draft subject' }] }]);
    const [{ id: draftSubject }] = (await stack.db.query('SELECT id FROM subjects WHERE project_id = $1', [draft.id])).rows;
    await stack.client.postComment(draftSubject, { projectId: draft.id, body: `@${outsiderName}, a secret` });
    expect(await mailsTo(outsider.email)).toEqual([]);
  });

  it('mails the team of @team who asked for it, and no moderator who did not', async () => {
    const { projectId, subjectId } = await liveSubject();
    const ticked = await newMember(stack, projectId, 'moderator', uniqueName('Ticked'));
    const unticked = await newMember(stack, projectId, 'moderator', uniqueName('Unticked'));
    await optIn(ticked);
    const volunteer = await newAccount(stack, uniqueName('Vo'));
    const comment = await volunteer.client.postComment(subjectId, { projectId, body: '@team a question' });
    expect(await mailsTo(ticked.email)).toHaveLength(1);
    expect(kindsOf(await unticked.client.notifications())).toEqual([['team-mention', comment.id]]);
    expect(await mailsTo(unticked.email)).toEqual([]);
  });

  it('counts the mails of followed discussions apart: a busy one never crowds out a reply’s mail; its link stops those only', async () => {
    const { projectId, subjectId } = await liveSubject();
    const reader = await newAccount(stack, uniqueName('Fan'));
    await reader.client.changeAccount({ discussionMails: true, followedDiscussionMails: true });
    const question = await reader.client.postComment(subjectId, { projectId, body: 'A stamp?' });
    const moderator = await newMember(stack, projectId, 'moderator', uniqueName('Chatty'));
    for (let i = 0; i < 11; i += 1) await moderator.client.postComment(subjectId, { projectId, body: `number ${i}` });
    expect(await mailsTo(reader.email)).toHaveLength(10);
    const reply = await moderator.client.postComment(subjectId, { projectId, body: 'Yes.', replyTo: question.id });
    const mails = await mailsTo(reader.email);
    expect(mails).toHaveLength(11);
    expect(mails.filter((mail) => mail.text.includes(`#comment-${reply.id}`))).toHaveLength(1);

    // A mail client's one-click POST to the mail's List-Unsubscribe address.
    const clicked = await mailStop(stack, mails.find((mail) => mail.text.includes('> number 0'))!).click();
    expect([clicked.status, clicked.body]).toEqual([200, { mails: 'followedDiscussionMails', project: null }]);
    expect(await reader.client.account()).toMatchObject({ discussionMails: true, followedDiscussionMails: false });
  });

  it('mails one address at most DISCUSSION_MAILS_PER_ADDRESS_PER_HOUR (10) replies and mentions, however many a team member writes; each is still a notification', async () => {
    const { projectId, subjectId } = await liveSubject();
    const readerName = uniqueName('Busy');
    const reader = await newAccount(stack, readerName);
    await optIn(reader);
    // A moderator's comments have no hourly limit.
    const moderator = await newMember(stack, projectId, 'moderator', uniqueName('Chatty'));
    for (let i = 0; i < 12; i += 1) await moderator.client.postComment(subjectId, { projectId, body: `@${readerName} number ${i}` });
    expect((await reader.client.notifications({ limit: 100 })).unread).toBe(12);
    expect(await mailsTo(reader.email)).toHaveLength(10);
  });

  it('sends discussion mails after account mails: a password reset asked after a burst of them goes before those not yet sent', async () => {
    const resetting = await newAccount(stack, uniqueName('Forgetful'));
    await stack.db.query("UPDATE users SET link_mailed_at = now() - interval '61 seconds' WHERE id = $1", [resetting.id]);
    const readers = Array.from({ length: 12 }, (_, i) => `burst-${i}-${randomUUID().slice(0, 8)}@example.org`);
    stack.inbox.answerAfter(300);
    try {
      const sentBefore = stack.inbox.mails.length;
      // Due a minute before the reset is asked for.
      await stack.db.query(
        `INSERT INTO mail_outbox (kind, "to", subject, text, next_attempt_at) SELECT 'discussion', address, 'Burst', 'A reply', now() - interval '1 minute' FROM unnest($1::text[]) address`,
        [readers],
      );
      await stack.anonymous.requestPasswordReset(resetting.email);
      await stack.inbox.take(resetting.email);
      await Promise.all(readers.map((reader) => stack.inbox.take(reader, /Burst/)));
      const order = stack.inbox.mails.slice(sentBefore).map((mail) => mail.to);
      expect(order.indexOf(resetting.email)).toBeLessThan(order.length - 1 - 5);
    } finally {
      stack.inbox.answerAfter(0);
    }
  });

  it('stops with one click of the mail’s link or its List-Unsubscribe header, signed in or not, dropping those not yet sent', async () => {
    const { projectId, subjectId } = await liveSubject();
    const readerName = uniqueName('Clicks');
    const reader = await newAccount(stack, readerName);
    await optIn(reader);
    const author = await newAccount(stack, uniqueName('Writes'));
    await author.client.postComment(subjectId, { projectId, body: `@${readerName} first` });
    const [mail] = await mailsTo(reader.email);
    const { token, click, clickAt } = mailStop(stack, mail!);

    // A mail kept meanwhile, not yet sent, goes with the click.
    const held = await heldBack(reader.email, () => author.client.postComment(subjectId, { projectId, body: `@${readerName} second` }));
    expect(held).toBe(1);
    const clicked = await click();
    expect([clicked.status, clicked.body]).toEqual([200, { mails: 'discussionMails', project: null }]);
    expect(await outboxTo(reader.email)).toBe(0);
    expect(await reader.client.account()).toMatchObject({ discussionMails: false });
    // The page's way, the token in the body: again, the same answer.
    expect(await stack.anonymous.stopMails(token)).toEqual({ mails: 'discussionMails', project: null });
    // The address mails sent before the one stop name in their List-Unsubscribe header: the same.
    expect(await clickAt('/discussion-unsubscriptions')).toMatchObject({ status: 200, body: { mails: 'discussionMails', project: null } });
    await author.client.postComment(subjectId, { projectId, body: `@${readerName} third` });
    expect(await mailsTo(reader.email)).toHaveLength(1);

    const refused = await send('POST', '/unsubscriptions?token=not-a-token', undefined);
    expect([refused.status, refused.body.errors]).toEqual([422, [expect.objectContaining({ pointer: '/query/token' })]]);
    // A token of another kind of link (an email's verification) stops nothing.
    const verification = (await stack.app.get(EmailLinks).verification({ sub: reader.id, email: reader.email })).split('#token=')[1];
    expect((await send('POST', '/unsubscriptions', undefined, { token: verification })).status).toBe(422);
  });

  it('stops by the links of mails sent before the one stop, signed as they were, at their earlier addresses (any kind at any) and the one', async () => {
    const { projectId } = await liveSubject();
    const reader = await newAccount(stack, uniqueName('Kept'));
    await reader.client.changeAccount({ discussionMails: true, followedDiscussionMails: true, reportMails: true, completionMails: true, volunteerCompletionMails: true });
    await reader.client.setNewsSubscription(projectId, true);
    // The label and the claims as the mails already sent have them: changing either breaks their links.
    const signer = signerFor(stack.config.authSecret, 'chorus news unsubscriptions');
    const sub = reader.id;
    const earlier: [path: string, claims: object, stopped: object][] = [
      ['/discussion-unsubscriptions', { sub, purpose: 'discussion-unsubscribe' }, { mails: 'discussionMails', project: null }],
      ['/discussion-unsubscriptions', { sub, purpose: 'discussion-unsubscribe', followed: true }, { mails: 'followedDiscussionMails', project: null }],
      ['/discussion-unsubscriptions', { sub, purpose: 'report-mails-unsubscribe' }, { mails: 'reportMails', project: null }],
      ['/completion-unsubscriptions', { sub, purpose: 'completion-unsubscribe', team: true }, { mails: 'completionMails', project: null }],
      ['/completion-unsubscriptions', { sub, purpose: 'completion-unsubscribe', team: false }, { mails: 'volunteerCompletionMails', project: null }],
      ['/news-unsubscriptions', { sub, project: projectId, purpose: 'news-unsubscribe' }, { mails: 'news', project: expect.objectContaining({ id: projectId }) }],
    ];
    for (const [path, claims, stopped] of earlier) {
      const token = await signer.signAsync(claims);
      for (const at of [path, '/unsubscriptions']) expect(await oneClickStop(stack, at, token)).toMatchObject({ status: 200, body: stopped });
    }
    expect(await reader.client.account()).toMatchObject({ discussionMails: false, followedDiscussionMails: false, reportMails: false, completionMails: false, volunteerCompletionMails: false });
    expect(await reader.client.newsSubscription(projectId)).toMatchObject({ subscribed: false });

    // Each earlier address takes any mail's token, as the one does.
    await reader.client.changeAccount({ completionMails: true });
    await reader.client.setNewsSubscription(projectId, true);
    const news = await signer.signAsync({ sub, project: projectId, purpose: 'news-unsubscribe' });
    expect(await oneClickStop(stack, '/discussion-unsubscriptions', news)).toMatchObject({ status: 200, body: { mails: 'news' } });
    const completion = await signer.signAsync({ sub, purpose: 'completion-unsubscribe', team: true });
    expect(await oneClickStop(stack, '/news-unsubscriptions', completion)).toMatchObject({ status: 200, body: { mails: 'completionMails' } });
    expect(await reader.client.account()).toMatchObject({ completionMails: false });
    expect(await reader.client.newsSubscription(projectId)).toMatchObject({ subscribed: false });
  });

  it('drops the mails not yet sent when their reader unticks the box or deletes the account, the comment is hidden or deleted, or its author banned', async () => {
    const { projectId, subjectId } = await liveSubject();
    const names = [uniqueName('Unticks'), uniqueName('Leaves'), uniqueName('Reads')];
    const [unticks, leaves, reads] = await Promise.all(names.map((name) => newAccount(stack, name)));
    for (const who of [unticks!, leaves!, reads!]) await optIn(who);
    const author = await newAccount(stack, uniqueName('Writer'));
    const moderator = await newMember(stack, projectId, 'moderator', uniqueName('Mod'));

    expect(await heldBack(unticks!.email, () => author.client.postComment(subjectId, { projectId, body: `@${names[0]} hello` }))).toBe(1);
    await unticks!.client.changeAccount({ discussionMails: false });
    expect(await outboxTo(unticks!.email)).toBe(0);

    expect(await heldBack(leaves!.email, () => author.client.postComment(subjectId, { projectId, body: `@${names[1]} hello` }))).toBe(1);
    await leaves!.client.deleteAccount(ACCOUNT_PASSWORD);
    expect(await outboxTo(leaves!.email)).toBe(0);

    let hidden = { id: '' };
    expect(await heldBack(reads!.email, async () => (hidden = await author.client.postComment(subjectId, { projectId, body: `@${names[2]} rude` })))).toBe(1);
    await moderator.client.hideComment(hidden.id, 'Rude');
    expect(await outboxTo(reads!.email)).toBe(0);

    let deleted = { id: '' };
    expect(await heldBack(reads!.email, async () => (deleted = await author.client.postComment(subjectId, { projectId, body: `@${names[2]} oops` })))).toBe(1);
    await author.client.deleteComment(deleted.id);
    expect(await outboxTo(reads!.email)).toBe(0);

    // A ban drops what its volunteer wrote in that project and was not yet mailed.
    expect(await heldBack(reads!.email, () => author.client.postComment(subjectId, { projectId, body: `@${names[2]} spam` }))).toBe(1);
    await moderator.client.banFromComments(projectId, author.id, 'Spam');
    expect(await outboxTo(reads!.email)).toBe(0);
  });

  it('sends the news and discussion mails not yet sent to the old address to the new one once the account verifies it, not before', async () => {
    const { projectId, subjectId } = await liveSubject();
    const name = uniqueName('Moves');
    const mover = await newAccount(stack, name);
    await optIn(mover);
    const author = await newAccount(stack, uniqueName('Writer'));
    expect(await heldBack(mover.email, () => author.client.postComment(subjectId, { projectId, body: `@${name} hello` }))).toBe(1);
    // A news mail written for the account and one of the account's own, held back as well: the account's own mails are
    // its owner's to see. A news mail naming no account (kept before mails named theirs) cannot follow it: it is dropped.
    await stack.db.query(
      `INSERT INTO mail_outbox (kind, "to", subject, text, next_attempt_at, user_id)
       SELECT kind, $1, 'Held', 'Held', now() + interval '1 hour', CASE WHEN kind = 'news' THEN $2::uuid END FROM unnest(ARRAY['news', 'account']) kind
       UNION ALL SELECT 'news', $1, 'Unnamed', 'Held', now() + interval '1 hour', NULL`,
      [mover.email, mover.id],
    );
    // The mails held back (the change's own notices go at once).
    const kindsTo = async (email: string) =>
      (await stack.db.query(`SELECT kind FROM mail_outbox WHERE "to" = $1 AND next_attempt_at > now() + interval '1 minute' ORDER BY kind`, [email])).rows.map((row) => row.kind as string);

    await stack.db.query('UPDATE users SET link_mailed_at = NULL WHERE id = $1', [mover.id]);
    const next = `moved-${randomUUID().slice(0, 8)}@example.org`;
    await mover.client.changeEmail({ email: next, password: ACCOUNT_PASSWORD });
    expect(await kindsTo(mover.email)).toEqual(['account', 'discussion', 'news', 'news']);
    await stack.anonymous.verifyEmail(stack.inbox.linkToken(await stack.inbox.take(next, /new email/)));
    expect(await kindsTo(mover.email)).toEqual(['account']);
    expect(await kindsTo(next)).toEqual(['discussion', 'news']);
    await stack.db.query('DELETE FROM mail_outbox WHERE "to" = ANY($1)', [[mover.email, next]]);
  });

  it('keeps no mail of a comment whose transaction rolls back after telling', async () => {
    const { projectId, subjectId } = await liveSubject();
    const readerName = uniqueName('Never');
    const reader = await newAccount(stack, readerName);
    await optIn(reader);
    const author = await newAccount(stack, uniqueName('Fails'));
    const key = randomUUID();
    // The post's last step, keeping its answer for retries, fails: after its notifications and mails are written.
    await stack.db.query(`CREATE OR REPLACE FUNCTION fail_answer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'forced failure'; END $$`);
    await stack.db.query(`CREATE TRIGGER fail_answer BEFORE UPDATE ON idempotent_requests FOR EACH ROW WHEN (NEW.key = '${key}') EXECUTE FUNCTION fail_answer()`);
    try {
      await expect(author.client.postComment(subjectId, { projectId, body: `@${readerName} lost` }, key)).rejects.toMatchObject({ status: 500 });
    } finally {
      await stack.db.query('DROP TRIGGER fail_answer ON idempotent_requests; DROP FUNCTION fail_answer()');
    }
    expect(await outboxTo(reader.email)).toBe(0);
    expect((await reader.client.notifications()).notifications).toEqual([]);
    expect(await mailsTo(reader.email)).toEqual([]);
  });

  it('gives back to a reader’s hour the mails of comments that then failed: ten refused mentions leave the next one mailed', async () => {
    const { projectId, subjectId } = await liveSubject();
    const readerName = uniqueName('Spared');
    const reader = await newAccount(stack, readerName);
    await optIn(reader);
    // A moderator's comments have no hourly limit of their own, so only the reader's hour of mails is in play.
    const moderator = await newMember(stack, projectId, 'moderator', uniqueName('Failing'));
    const prefix = randomUUID();
    await stack.db.query(`CREATE OR REPLACE FUNCTION fail_answer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'forced failure'; END $$`);
    await stack.db.query(`CREATE TRIGGER fail_answer BEFORE UPDATE ON idempotent_requests FOR EACH ROW WHEN (NEW.key LIKE '${prefix}%') EXECUTE FUNCTION fail_answer()`);
    try {
      for (let i = 0; i < 10; i += 1) {
        await expect(moderator.client.postComment(subjectId, { projectId, body: `@${readerName} lost ${i}` }, `${prefix}-${i}`)).rejects.toMatchObject({ status: 500 });
      }
    } finally {
      await stack.db.query('DROP TRIGGER fail_answer ON idempotent_requests; DROP FUNCTION fail_answer()');
    }
    await moderator.client.postComment(subjectId, { projectId, body: `@${readerName} kept` });
    const mails = await mailsTo(reader.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('kept');
  });

  it('refuses a setting that is not true or false, naming it, changing nothing', async () => {
    const volunteer = await newAccount(stack, 'Zed');
    const refused = await send('PATCH', '/account', volunteer.token, { discussionMails: 'yes', displayName: 'Changed' });
    expect([refused.status, refused.contentType, refused.body.errors]).toEqual([422, 'application/problem+json; charset=utf-8', [expect.objectContaining({ pointer: '/discussionMails' })]]);
    expect(await volunteer.client.account()).toMatchObject({ displayName: 'Zed', discussionMails: false });
    const guest = await stack.anonymous.guest();
    expect((await send('PATCH', '/account', guest.token, { discussionMails: true })).status).toBe(403);
  });
});
