import type { OwnComment, OwnCommentPage } from '@chorus/client';
import { parse } from 'csv-parse/sync';
import { ACCOUNT_PASSWORD, type TestAccount, newAccount, newMember, signUp } from '../../../test/support/accounts';
import { indexesOf, planOf, sortsAbove } from '../../../test/support/plans';
import { type Stack, startStack } from '../../../test/support/stack';
import { voteWorkflow } from '../../../test/support/workflows';
import { OWN_COMMENTS_PAGE } from '../src/discussions/own-comments';
import { OWN_COMMENT_COLUMNS, OWN_COMMENT_ROWS } from '../src/exports/own-comment-rows';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

async function fetched(path: string, token?: string) {
  const response = await fetch(`${stack.baseUrl}/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Every page of the account's comments, `limit` at a time, following `next`. */
async function everyPage(account: TestAccount, limit: number): Promise<OwnComment[][]> {
  const pages: OwnComment[][] = [];
  let after: string | undefined;
  do {
    const page: OwnCommentPage = await account.client.myComments({ limit, ...(after ? { after } : {}) });
    pages.push(page.comments);
    after = page.next ?? undefined;
  } while (after);
  return pages;
}

describe("a volunteer's own comments", () => {
  let vera: TestAccount;
  let otto: TestAccount;
  let notices: Awaited<ReturnType<typeof voteWorkflow>>;
  let letters: Awaited<ReturnType<typeof voteWorkflow>>;
  let lettersSlug: string;
  const written: string[] = [];
  let hiddenId: string;

  beforeAll(async () => {
    notices = await voteWorkflow(stack, 2);
    letters = await voteWorkflow(stack, 1);
    lettersSlug = (await stack.client.getProject(letters.projectId)).slug;
    vera = await newAccount(stack, 'Vera');
    otto = await newAccount(stack, 'Otto');
    const moderator = await newMember(stack, notices.projectId, 'moderator', 'Mod');
    written.push((await vera.client.postComment(notices.subjectIds[0]!, { projectId: notices.projectId, body: 'A #stamp?' })).id);
    await otto.client.postComment(notices.subjectIds[0]!, { projectId: notices.projectId, body: 'Otto’s own words' });
    written.push((await vera.client.postComment(letters.subjectIds[0]!, { projectId: letters.projectId, body: 'Dear sir' })).id);
    const reply = await vera.client.postComment(notices.subjectIds[1]!, { projectId: notices.projectId, body: 'Something rude', replyTo: undefined });
    hiddenId = reply.id;
    written.push(reply.id);
    await moderator.client.hideComment(hiddenId, 'rude to others');
    const gone = await vera.client.postComment(notices.subjectIds[1]!, { projectId: notices.projectId, body: 'Deleted since' });
    await vera.client.deleteComment(gone.id);
  });

  it('lists only the caller’s comments, in every project, newest first, each with its project and the link to it in its discussion', async () => {
    const { comments, next } = await vera.client.myComments();
    expect(next).toBeNull();
    expect(comments.map((comment) => comment.id)).toEqual([...written].reverse());
    const letter = comments.find((comment) => comment.body === 'Dear sir')!;
    expect(letter).toEqual({
      id: written[1],
      project: { id: letters.projectId, slug: lettersSlug, title: expect.any(String) },
      subjectId: letters.subjectIds[0],
      boardDiscussionId: null,
      discussionUrl: `/projects/${lettersSlug}/subjects/${letters.subjectIds[0]}#comment-${written[1]}`,
      body: 'Dear sir',
      hashtags: [],
      replyTo: null,
      createdAt: expect.any(String),
      editedAt: null,
      hidden: null,
    });
    expect(comments.find((comment) => comment.id === written[0])!.hashtags).toEqual(['stamp']);
    // Another volunteer's comments are never listed, to them nor to anyone else.
    expect(JSON.stringify(comments)).not.toContain('Otto');
    expect((await otto.client.myComments()).comments.map((comment) => comment.body)).toEqual(['Otto’s own words']);
  });

  it('shows a comment the moderators hid to its author as hidden, without the team’s reason', async () => {
    const hidden = (await vera.client.myComments()).comments.find((comment) => comment.id === hiddenId)!;
    expect(hidden.hidden).toEqual({ hiddenAt: expect.any(String), reason: null });
    expect(JSON.stringify(await vera.client.myComments())).not.toContain('rude to others');
  });

  it('pages newest first by keyset: each comment once, across pages, even with comments made at the same moment', async () => {
    const many = await newAccount(stack, 'Mia');
    await stack.db.query(
      `INSERT INTO subject_comments (project_id, subject_id, user_id, body, created_at) SELECT $1, $2, $3, 'comment ' || n, now() - (n / 2) * interval '1 second' FROM generate_series(1, 7) n`,
      [notices.projectId, notices.subjectIds[0], many.id],
    );
    const pages = await everyPage(many, 3);
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    const all = pages.flat();
    expect(new Set(all.map((comment) => comment.id)).size).toBe(7);
    const times = all.map((comment) => comment.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('refuses a cursor or a limit it cannot read (422, problem+json naming the query field)', async () => {
    for (const [query, pointer] of [['after=yesterday', '/query/after'], ['limit=101', '/query/limit'], ['limit=0', '/query/limit']] as const) {
      const refused = await fetched(`/account/comments?${query}`, vera.token);
      expect([refused.status, refused.headers.get('content-type')]).toEqual([422, 'application/problem+json; charset=utf-8']);
      expect((JSON.parse(refused.text) as { errors: { pointer: string }[] }).errors.map((error) => error.pointer)).toEqual([pointer]);
    }
  });

  it('gives the comment a comment answers as its discussion does: not another’s the moderators hid, nor a deleted one; its author’s own, hidden, still', async () => {
    const subjectId = notices.subjectIds[1]!;
    const projectId = notices.projectId;
    const [othersHidden, othersDeleted] = [
      await otto.client.postComment(subjectId, { projectId, body: 'Otto, soon hidden' }),
      await otto.client.postComment(subjectId, { projectId, body: 'Otto, soon deleted' }),
    ];
    const ownHidden = await vera.client.postComment(subjectId, { projectId, body: 'Vera, soon hidden' });
    const replies = [];
    for (const answered of [othersHidden, othersDeleted, ownHidden]) replies.push((await vera.client.postComment(subjectId, { projectId, body: 'A reply', replyTo: answered.id })).id);
    await stack.client.hideComment(othersHidden.id, 'off topic');
    await stack.client.hideComment(ownHidden.id, 'off topic');
    await otto.client.deleteComment(othersDeleted.id);
    const mine = (await vera.client.myComments({ limit: 100 })).comments;
    const shown = replies.map((id) => mine.find((comment) => comment.id === id)!.replyTo);
    expect(shown).toEqual([null, null, ownHidden.id]);
    const discussion = (await vera.client.subjectDiscussion(subjectId, projectId, { limit: 100 })).comments;
    expect(replies.map((id) => discussion.find((comment) => comment.id === id)!.replyTo?.id ?? null)).toEqual(shown);
    const rows = JSON.parse((await fetched('/account/comments.json', vera.token)).text) as Record<string, unknown>[];
    expect(replies.map((id) => rows.find((row) => row.comment_id === id)!.reply_to)).toEqual(shown);
  });

  it('shows its author why a comment was hidden while they are on the project’s team, and no longer once their membership ended; of a private project, then without the link', async () => {
    const project = await voteWorkflow(stack, 1);
    const slug = (await stack.client.getProject(project.projectId)).slug;
    await stack.client.updateProject(project.projectId, { status: 'draft' });
    const member = await newMember(stack, project.projectId, 'moderator', 'Mo');
    const { id } = await member.client.postComment(project.subjectIds[0]!, { projectId: project.projectId, body: 'Off topic' });
    await stack.client.hideComment(id, 'the team’s reason');
    const [onTeam] = (await member.client.myComments()).comments;
    expect(onTeam).toMatchObject({ id, project: { id: project.projectId, slug }, discussionUrl: `/projects/${slug}/subjects/${project.subjectIds[0]}#comment-${id}`, hidden: { reason: 'the team’s reason' } });
    await stack.client.removeMember(project.projectId, member.id);
    const [former] = (await member.client.myComments()).comments;
    expect(former).toMatchObject({ id, body: 'Off topic', project: { id: project.projectId, slug }, discussionUrl: null, hidden: { hiddenAt: expect.any(String), reason: null } });
  });

  it('keeps the project of a comment for a member of it once the operators took it down', async () => {
    const project = await voteWorkflow(stack, 1);
    const member = await newMember(stack, project.projectId, 'collaborator', 'Col');
    const { id } = await member.client.postComment(project.subjectIds[0]!, { projectId: project.projectId, body: 'Still ours' });
    await stack.db.query('UPDATE projects SET taken_down_at = now() WHERE id = $1', [project.projectId]);
    const [comment] = (await member.client.myComments()).comments;
    expect(comment).toMatchObject({ id, project: { id: project.projectId } });
    const [row] = JSON.parse((await fetched('/account/comments.json', member.token)).text) as Record<string, unknown>[];
    expect(row).toMatchObject({ comment_id: id, project_slug: expect.any(String), project_title: expect.any(String) });
  });

  it('gives a former guest’s token none of the account the guest became: kept (signed in without carrying its work), it speaks for the guest; carried, it ended', async () => {
    const kept = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const session = await signUp(stack, { email: `kept-guest-${Date.now()}@example.org`, displayName: 'Gus' });
    const account = stack.anonymous.withToken(session.token);
    const { id } = await account.postComment(notices.subjectIds[0]!, { projectId: notices.projectId, body: 'Signed in now' });
    expect((await account.myComments()).comments.map((comment) => comment.id)).toEqual([id]);
    expect(await kept.myComments()).toEqual({ comments: [], next: null });
    expect((await fetched('/account/comments.csv', kept.token!)).status).toBe(403);
    const carried = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const carriedInto = stack.anonymous.withToken((await signUp(stack, { email: `carried-guest-${Date.now()}@example.org`, displayName: 'Cara' }, carried)).token);
    await carriedInto.postComment(notices.subjectIds[0]!, { projectId: notices.projectId, body: 'Carried in' });
    expect((await fetched('/account/comments', carried.token!)).status).toBe(401);
  });

  it('still lists the comments of a project the caller may no longer read, without a link to it, and without the project once the operators took it down', async () => {
    const project = await voteWorkflow(stack, 1);
    const slug = (await stack.client.getProject(project.projectId)).slug;
    const writer = await newAccount(stack, 'Wil');
    const { id } = await writer.client.postComment(project.subjectIds[0]!, { projectId: project.projectId, body: 'My words' });
    await stack.client.updateProject(project.projectId, { status: 'draft' });
    const [drafted] = (await writer.client.myComments()).comments;
    expect(drafted).toMatchObject({ id, body: 'My words', project: { id: project.projectId, slug }, subjectId: project.subjectIds[0], discussionUrl: null });
    await stack.db.query('UPDATE projects SET taken_down_at = now() WHERE id = $1', [project.projectId]);
    const [removed] = (await writer.client.myComments()).comments;
    expect(removed).toMatchObject({ id, body: 'My words', project: null, discussionUrl: null });
    const [row] = JSON.parse((await fetched('/account/comments.json', writer.token)).text) as Record<string, unknown>[];
    expect(row).toMatchObject({ comment_id: id, body: 'My words', project_slug: null, project_title: null, discussion_url: null });
  });

  it('gives a guest none, and a deleted account none', async () => {
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    expect(await guest.myComments()).toEqual({ comments: [], next: null });
    const leaving = await newAccount(stack, 'Lea');
    await leaving.client.postComment(notices.subjectIds[0]!, { projectId: notices.projectId, body: 'Bye' });
    await leaving.client.deleteAccount(ACCOUNT_PASSWORD);
    expect((await fetched('/account/comments', leaving.token)).status).toBe(401);
    expect((await fetched('/account/comments.csv', leaving.token)).status).toBe(401);
    // Its comment stays in the discussion, nobody's own.
    const { rows } = await stack.db.query(OWN_COMMENT_ROWS, [leaving.id]);
    expect(rows.map((r: { body: string }) => r.body)).toEqual(['Bye']);
  });
});

describe("a volunteer's download of their own comments", () => {
  let vera: TestAccount;
  let projectId: string;
  let slug: string;
  let subjectId: string;
  const ids: string[] = [];

  beforeAll(async () => {
    const project = await voteWorkflow(stack, 1);
    projectId = project.projectId;
    slug = (await stack.client.getProject(projectId)).slug;
    subjectId = project.subjectIds[0]!;
    vera = await newAccount(stack, 'Vera');
    const other = await newAccount(stack, 'Otto');
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    ids.push((await vera.client.postComment(project.subjectIds[0]!, { projectId, body: '=HYPERLINK("x") #Stamps #postmark' })).id);
    ids.push((await vera.client.postComment(project.subjectIds[0]!, { projectId, body: 'Rude', replyTo: ids[0] })).id);
    await other.client.postComment(project.subjectIds[0]!, { projectId, body: 'Not Vera’s' });
    await moderator.client.hideComment(ids[1]!, 'the team’s reason');
  });

  it('gives every comment of the account, oldest first, the same rows in JSON, NDJSON and CSV, and nothing of anyone else', async () => {
    const json = await fetched('/account/comments.json', vera.token);
    expect([json.status, json.headers.get('content-type'), json.headers.get('cache-control')]).toEqual([200, 'application/json; charset=utf-8', 'private, no-store']);
    expect(json.headers.get('content-disposition')).toMatch(/^attachment; filename="own-comments-.*\.json"/);
    const rows = JSON.parse(json.text) as Record<string, unknown>[];
    expect(rows.map((row) => Object.keys(row))).toEqual(rows.map(() => Object.keys(OWN_COMMENT_COLUMNS)));
    expect(rows.map((row) => row.comment_id)).toEqual(ids);
    expect(rows[0]).toMatchObject({ hashtags: ['stamps', 'postmark'], hidden: false, hidden_at: null, reply_to: null });
    // Whole, under the address the download was asked at (no PUBLIC_URL here): a saved file's link still opens.
    expect(rows[0]!.discussion_url).toBe(`${stack.baseUrl}/projects/${slug}/subjects/${subjectId}#comment-${ids[0]}`);
    expect(rows[1]).toMatchObject({ body: 'Rude', hidden: true, hidden_at: expect.any(String), hidden_reason: null, reply_to: ids[0] });
    expect(json.text).not.toMatch(/Not Vera|the team’s reason/);
    const ndjson = await fetched('/account/comments.ndjson', vera.token);
    expect(ndjson.text.trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(rows);
    const csv = await fetched('/account/comments.csv', vera.token);
    expect(csv.text.split('\n')[0]).toBe(Object.keys(OWN_COMMENT_COLUMNS).join(','));
    const records = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(records.map((record) => record.comment_id)).toEqual(ids);
    // A formula is kept from running; a list joined with `;`.
    expect(records[0]).toMatchObject({ body: `'=HYPERLINK("x") #Stamps #postmark`, hashtags: 'stamps;postmark', hidden: 'false' });
    expect(records[1]).toMatchObject({ hidden: 'true', reply_to: ids[0] });
  });

  it('opens by a link the account asked for, which the browser follows without a token', async () => {
    const link = await vera.client.myCommentsDownloadLink({ format: 'csv' });
    expect(link.url).toMatch(/^\/api\/v1\/account\/comments\.csv\?token=/);
    const response = await fetch(`${stack.baseUrl}${link.url}`);
    expect(response.status).toBe(200);
    expect((parse(await response.text(), { columns: true }) as Record<string, string>[]).map((record) => record.comment_id)).toEqual(ids);
    // Not a link to the account's classifications, nor theirs to this.
    const token = new URL(link.url, stack.baseUrl).searchParams.get('token')!;
    expect((await fetched(`/account/classifications.csv?token=${token}`)).status).toBe(401);
    const classificationsLink = await vera.client.myClassificationsDownloadLink({ format: 'csv' });
    const other = new URL(classificationsLink.url, stack.baseUrl).searchParams.get('token')!;
    expect((await fetched(`/account/comments.csv?token=${other}`)).status).toBe(401);
  });

  it('refuses a guest (403, saying to sign in), a caller without a token (401) and a format it does not write (422)', async () => {
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const refused = await fetched('/account/comments.csv', guest.token!);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toMatchObject({ type: 'urn:chorus:problem:account-required', detail: expect.stringMatching(/^Sign in to download your comments/) });
    const link = await guest.myCommentsDownloadLink().catch((error: { status: number; problem: { type: string } }) => error);
    expect(link).toMatchObject({ status: 403, problem: { type: 'urn:chorus:problem:account-required' } });
    expect((await fetched('/account/comments.csv')).status).toBe(401);
    const xml = await fetched('/account/comments.xml', vera.token);
    expect([xml.status, JSON.parse(xml.text).errors]).toEqual([422, [{ pointer: '/params/format', message: 'must be csv, json or ndjson: comments.csv, comments.json or comments.ndjson' }]]);
  });
});

describe('the plan of a volunteer’s comments', () => {
  it('reads a page from their comments in order across projects, newest first: no sort of them, whatever else there is', async () => {
    const first = await voteWorkflow(stack, 1);
    const second = await voteWorkflow(stack, 1);
    const writer = await newAccount(stack, 'Pia');
    const others = await newAccount(stack, 'Ola');
    // A few thousand of theirs across two projects, and many more of someone else's, each stored as it was written (oldest first).
    await stack.db.query(
      `INSERT INTO subject_comments (project_id, subject_id, user_id, body, created_at)
       SELECT CASE WHEN n % 2 = 0 THEN $1::uuid ELSE $3::uuid END, CASE WHEN n % 2 = 0 THEN $2::uuid ELSE $4::uuid END, $5, 'comment ' || n, now() - (4000 - n) * interval '1 minute'
       FROM generate_series(1, 4000) n`,
      [first.projectId, first.subjectIds[0], second.projectId, second.subjectIds[0], writer.id],
    );
    await stack.db.query(
      `INSERT INTO subject_comments (project_id, subject_id, user_id, body, created_at) SELECT $1, $2, $3, 'other ' || n, now() - (20000 - n) * interval '1 second' FROM generate_series(1, 20000) n`,
      [first.projectId, first.subjectIds[0], others.id],
    );
    await stack.db.query('ANALYZE subject_comments');
    const page = await planOf(stack, OWN_COMMENTS_PAGE, [writer.id, null, null, 21]);
    expect(sortsAbove(page, 'c')).toEqual([]);
    expect(indexesOf(page, 'c')).toEqual(['subject_comments_user_recent_idx']);
    const [{ created_at: cursorTime, id: cursorId }] = (await stack.db.query('SELECT created_at, id FROM subject_comments WHERE user_id = $1 ORDER BY created_at DESC, id DESC OFFSET 2000 LIMIT 1', [writer.id])).rows;
    const deeper = await planOf(stack, OWN_COMMENTS_PAGE, [writer.id, cursorTime, cursorId, 21]);
    expect([sortsAbove(deeper, 'c'), indexesOf(deeper, 'c')]).toEqual([[], ['subject_comments_user_recent_idx']]);
    // The download reads their comments alone, by their index (sorting a volunteer's own few thousand, if the planner
    // finds that cheaper, holds back no one else's download), never every comment.
    expect(JSON.stringify(await planOf(stack, OWN_COMMENT_ROWS, [writer.id]))).toMatch(/"Index Name":"subject_comments_user_recent_idx"/);
    // A sort is seen: without the index, each page sorted every comment of theirs.
    await stack.db.query('BEGIN');
    try {
      await stack.db.query('DROP INDEX subject_comments_user_recent_idx');
      expect(sortsAbove(await planOf(stack, OWN_COMMENTS_PAGE, [writer.id, null, null, 21]), 'c')).toEqual([['c.created_at DESC', 'c.id DESC']]);
    } finally {
      await stack.db.query('ROLLBACK');
    }
  });
});
