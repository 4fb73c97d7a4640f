import { boardDiscussionPageSchema, boardDiscussionPath, boardDiscussionSchema, boardDiscussionStartedSchema, boardSchema, projectCommentPageSchema, subjectCommentSchema, subjectDiscussionSchema } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ACCOUNT_PASSWORD, newAccount, newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { voteWorkflow } from '../../../test/support/workflows';
import { projectCommentsSql } from '../src/discussions/discussions.service';

const COMMENTS_AN_HOUR = 4;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false, env: { COMMENTS_PER_ACCOUNT_PER_HOUR: String(COMMENTS_AN_HOUR) } });
});
afterAll(async () => {
  await stack.stop();
});

/** A request sent as it is, for what the client's types would not let through: the status, headers and problem. */
async function send(method: string, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.baseUrl}/api/v1${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, contentType: response.headers.get('content-type'), body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/** The rows of an NDJSON download. */
async function downloaded(path: string, token: string) {
  const text = await fetch(`${stack.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } }).then((response) => response.text());
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const storedComments = async (subjectId: string) => (await stack.db.query('SELECT body, hashtags FROM subject_comments WHERE subject_id = $1 ORDER BY created_at', [subjectId])).rows;
const bodiesOf = (page: { comments: { body: string }[] }) => page.comments.map((comment) => comment.body);

async function liveSubject() {
  const { projectId, subjectIds } = await voteWorkflow(stack, 2);
  return { projectId, subjectId: subjectIds[0]!, otherSubjectId: subjectIds[1]! };
}

describe('subjects’ discussions', () => {
  it('lists a subject’s comments oldest first, a page at a time, with the subject, each author’s name, the team’s badge and the hashtags', async () => {
    const { projectId, subjectId } = await liveSubject();
    const volunteer = await newAccount(stack, 'Grace');
    const posted = await volunteer.client.postComment(subjectId, { projectId, body: '  Is this a **stamp** or a postmark? #Stamps #postmark #stamps  ' });
    expect(posted.replayed).toBe(false);
    const { replayed: _, ...comment } = posted;
    expect(subjectCommentSchema.parse(comment)).toEqual(comment);
    expect(comment).toMatchObject({ projectId, subjectId, author: { displayName: 'Grace', team: false }, mine: true, body: 'Is this a **stamp** or a postmark? #Stamps #postmark #stamps', hashtags: ['stamps', 'postmark'], editedAt: null, hidden: null });
    await stack.client.postComment(subjectId, { projectId, body: 'A postmark: see the date in the ring.' });
    await volunteer.client.postComment(subjectId, { projectId, body: 'Thank you!' });

    // A guest reads it without a token; pages of two, oldest first.
    const first = await stack.anonymous.subjectDiscussion(subjectId, projectId, { limit: 2 });
    expect(subjectDiscussionSchema.parse(first)).toEqual(first);
    await stack.db.query(`UPDATE subjects SET metadata = '{"page": 3, "#secret": "gold"}' WHERE id = $1`, [subjectId]);
    const [subject] = (await stack.db.query('SELECT external_id, locations FROM subjects WHERE id = $1', [subjectId])).rows;
    expect((await stack.anonymous.subjectDiscussion(subjectId, projectId)).subject).toEqual({ id: subjectId, externalId: subject.external_id, locations: subject.locations, metadata: { page: 3 } });
    expect(bodiesOf(first)).toEqual(['Is this a **stamp** or a postmark? #Stamps #postmark #stamps', 'A postmark: see the date in the ring.']);
    expect(first.comments.map((each) => [each.author.team, each.mine])).toEqual([[false, false], [true, false]]);
    expect(first.next).toEqual(expect.any(String));
    const second = await stack.anonymous.subjectDiscussion(subjectId, projectId, { limit: 2, after: first.next! });
    expect(bodiesOf(second)).toEqual(['Thank you!']);
    expect(second.next).toBeNull();
  });

  it('lists a project’s recent comments newest first, and by hashtag', async () => {
    const { projectId, subjectId, otherSubjectId } = await liveSubject();
    const volunteer = await newAccount(stack, 'Ida');
    await volunteer.client.postComment(subjectId, { projectId, body: 'A #stamp' });
    await volunteer.client.postComment(otherSubjectId, { projectId, body: 'No stamp here' });
    await volunteer.client.postComment(otherSubjectId, { projectId, body: 'Another #Stamp, see page#top' });
    await stack.db.query(`UPDATE subjects SET metadata = metadata || '{"title": "Page 2", "#answer": "yes"}' WHERE id = $1`, [otherSubjectId]);
    const recent = await stack.anonymous.projectComments(projectId);
    expect(projectCommentPageSchema.parse(recent)).toEqual(recent);
    expect(bodiesOf(recent)).toEqual(['Another #Stamp, see page#top', 'No stamp here', 'A #stamp']);
    expect(recent.comments.map((comment) => comment.subjectId)).toEqual([otherSubjectId, otherSubjectId, subjectId]);
    // Each with its subject as volunteers see it (its hidden metadata left out), to be named by its title.
    const other = (await stack.anonymous.subjectDiscussion(otherSubjectId, projectId)).subject;
    expect(other.metadata).toMatchObject({ title: 'Page 2' });
    expect(other.metadata).not.toHaveProperty('#answer');
    expect(recent.comments.map((comment) => comment.subject)).toEqual([other, other, (await stack.anonymous.subjectDiscussion(subjectId, projectId)).subject]);
    expect(bodiesOf(await stack.anonymous.projectComments(projectId, { tag: '#STAMP' }))).toEqual(['Another #Stamp, see page#top', 'A #stamp']);
    expect(bodiesOf(await stack.anonymous.projectComments(projectId, { tag: 'top' }))).toEqual([]);
    const paged = await stack.anonymous.projectComments(projectId, { limit: 1, after: (await stack.anonymous.projectComments(projectId, { limit: 1 })).next! });
    expect(bodiesOf(paged)).toEqual(['No stamp here']);
    // Tags in scripts with combining marks are stored whole, and the filter takes the tag their link carries.
    await volunteer.client.postComment(subjectId, { projectId, body: 'Seen in #İstanbul, #हिन्दी' });
    expect(await storedComments(subjectId)).toContainEqual({ body: 'Seen in #İstanbul, #हिन्दी', hashtags: ['i̇stanbul', 'हिन्दी'] });
    expect(bodiesOf(await stack.anonymous.projectComments(projectId, { tag: 'i̇stanbul' }))).toEqual(['Seen in #İstanbul, #हिन्दी']);
    expect(bodiesOf(await stack.anonymous.projectComments(projectId, { tag: '#हिन्दी' }))).toEqual(['Seen in #İstanbul, #हिन्दी']);
    const bad = await send('GET', `/projects/${projectId}/comments?tag=${encodeURIComponent('no spaces')}`, undefined);
    expect([bad.status, bad.contentType, bad.body.errors]).toEqual([422, 'application/problem+json; charset=utf-8', [expect.objectContaining({ pointer: '/query/tag' })]]);
  });

  it('finds a project’s comments by words of their body, whatever their case and accents, with a hashtag and a page at a time; hidden ones only for the team', async () => {
    const { projectId, subjectId, otherSubjectId } = await liveSubject();
    const other = await liveSubject();
    const volunteer = await newAccount(stack, 'Vera');
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    await volunteer.client.postComment(subjectId, { projectId, body: 'Un TIMBRE de Genève, #stamp' });
    await volunteer.client.postComment(otherSubjectId, { projectId, body: 'Ecrits à la main: 100% sure' });
    await volunteer.client.postComment(otherSubjectId, { projectId, body: 'A crown on a timbre? #stamp' });
    await stack.client.postComment(subjectId, { projectId, body: 'Nothing here, 100 sure, a_b' });
    await stack.client.postComment(other.subjectId, { projectId: other.projectId, body: 'Un timbre in another project' });
    const found = async (query: { q: string; tag?: string; limit?: number; after?: string }, reader = stack.anonymous) => bodiesOf(await reader.projectComments(projectId, query));

    expect(await found({ q: 'geneve' })).toEqual(['Un TIMBRE de Genève, #stamp']);
    expect(await found({ q: '  ÉCRITS  ' })).toEqual(['Ecrits à la main: 100% sure']);
    // Each word, anywhere in the body, in any order.
    expect(await found({ q: 'timbre crown' })).toEqual(['A crown on a timbre? #stamp']);
    expect(await found({ q: 'timbre' })).toEqual(['A crown on a timbre? #stamp', 'Un TIMBRE de Genève, #stamp']);
    // `%` and `_` are what they are, not wildcards.
    expect(await found({ q: '100%' })).toEqual(['Ecrits à la main: 100% sure']);
    expect(await found({ q: 'a%b' })).toEqual([]);
    expect(await found({ q: 'n_thing' })).toEqual([]);
    expect(await found({ q: 'a_b' })).toEqual(['Nothing here, 100 sure, a_b']);
    // With a hashtag, and a page at a time (the cursor as without q).
    expect(await found({ q: 'sure', tag: 'stamp' })).toEqual([]);
    expect(await found({ q: 'genève', tag: '#stamp' })).toEqual(['Un TIMBRE de Genève, #stamp']);
    const first = await stack.anonymous.projectComments(projectId, { q: 'TIMBRE', limit: 1 });
    expect(projectCommentPageSchema.parse(first)).toEqual(first);
    expect([bodiesOf(first), first.next]).toEqual([['A crown on a timbre? #stamp'], expect.any(String)]);
    const second = await stack.anonymous.projectComments(projectId, { q: 'TIMBRE', limit: 1, after: first.next! });
    expect([bodiesOf(second), second.next]).toEqual([['Un TIMBRE de Genève, #stamp'], null]);

    // Hidden: not found by other volunteers, found by the team (marked) and by its author.
    const [hidden] = (await stack.anonymous.projectComments(projectId, { q: 'crown' })).comments;
    await moderator.client.hideComment(hidden!.id, 'Off topic');
    const stranger = await newAccount(stack, 'Wes');
    expect(await found({ q: 'crown' }, stranger.client)).toEqual([]);
    expect(await found({ q: 'crown' })).toEqual([]);
    expect((await moderator.client.projectComments(projectId, { q: 'crown' })).comments.map((each) => [each.body, each.hidden?.reason])).toEqual([['A crown on a timbre? #stamp', 'Off topic']]);
    expect(await found({ q: 'crown' }, volunteer.client)).toEqual(['A crown on a timbre? #stamp']);

    // More than 8 different words (each one more reading of every comment) is refused; a word repeated, in any case, counts once.
    expect(await found({ q: 'crown Crown CROWN crown crown crown crown crown crown timbre' }, volunteer.client)).toEqual(['A crown on a timbre? #stamp']);
    for (const q of ['', '   ', 'x'.repeat(201), 'a b c d e f g h i']) {
      const bad = await send('GET', `/projects/${projectId}/comments?q=${encodeURIComponent(q)}`, undefined);
      expect([q.length, bad.status, bad.contentType, bad.body.errors]).toEqual([q.length, 422, 'application/problem+json; charset=utf-8', [expect.objectContaining({ pointer: '/query/q' })]]);
    }
    expect(await found({ q: ` ${'x'.repeat(200)} ` })).toEqual([]);
  });

  it('lists one volunteer’s comments to the project’s team, hidden ones too, with a hashtag, words and a page at a time; refused to anyone else and for a bad id', async () => {
    const { projectId, subjectId, otherSubjectId } = await liveSubject();
    const other = await liveSubject();
    const spammer = await newAccount(stack, 'Spammy');
    const bystander = await newAccount(stack, 'Bystander');
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    const scientist = await newMember(stack, projectId, 'scientist', 'Sci');
    await spammer.client.postComment(subjectId, { projectId, body: 'Cheap watches #deal' });
    const hidden = await spammer.client.postComment(otherSubjectId, { projectId, body: 'Cheap pills' });
    await spammer.client.postComment(otherSubjectId, { projectId, body: 'Cheap shoes #deal' });
    await bystander.client.postComment(subjectId, { projectId, body: 'Cheap? A real stamp #deal' });
    await spammer.client.postComment(other.subjectId, { projectId: other.projectId, body: 'Cheap elsewhere' });
    await moderator.client.hideComment(hidden.id, 'Spam');
    const theirs = async (query: { tag?: string; q?: string; limit?: number; after?: string } = {}, reader = moderator.client) => bodiesOf(await reader.projectComments(projectId, { ...query, author: spammer.id }));

    expect(await theirs()).toEqual(['Cheap shoes #deal', 'Cheap pills', 'Cheap watches #deal']);
    expect(await theirs({}, scientist.client)).toEqual(['Cheap shoes #deal', 'Cheap pills', 'Cheap watches #deal']);
    expect((await moderator.client.projectComments(projectId, { author: spammer.id })).comments[1]!.hidden?.reason).toBe('Spam');
    expect(await theirs({ tag: 'deal' })).toEqual(['Cheap shoes #deal', 'Cheap watches #deal']);
    expect(await theirs({ q: 'watches' })).toEqual(['Cheap watches #deal']);
    expect(bodiesOf(await moderator.client.projectComments(projectId, { author: bystander.id }))).toEqual(['Cheap? A real stamp #deal']);
    const first = await moderator.client.projectComments(projectId, { author: spammer.id, limit: 2 });
    expect(projectCommentPageSchema.parse(first)).toEqual(first);
    expect([bodiesOf(first), first.next]).toEqual([['Cheap shoes #deal', 'Cheap pills'], expect.any(String)]);
    expect(await theirs({ limit: 2, after: first.next! })).toEqual(['Cheap watches #deal']);

    // Anyone else: a volunteer (the author too), a guest, no token at all; a bad id is named whoever asks.
    for (const token of [bystander.token, spammer.token, (await stack.anonymous.guest()).token, undefined]) {
      const refused = await send('GET', `/projects/${projectId}/comments?author=${spammer.id}`, token);
      expect([refused.status, refused.contentType, refused.body.detail]).toEqual([403, 'application/problem+json; charset=utf-8', expect.stringContaining('moderators and researchers')]);
    }
    for (const token of [moderator.token, bystander.token]) {
      const bad = await send('GET', `/projects/${projectId}/comments?author=nope`, token);
      expect([bad.status, bad.contentType, bad.body.errors]).toEqual([422, 'application/problem+json; charset=utf-8', [expect.objectContaining({ pointer: '/query/author' })]]);
    }
  });

  it('reads one volunteer’s comments in a project along the index of their comments by project, newest first: neither their whole history nor the project’s comments', async () => {
    const [{ projectId, subjectId }, ...others] = [await liveSubject(), await liveSubject(), await liveSubject(), await liveSubject()];
    const [prolific, rare, crowd] = [await newAccount(stack, 'Prolific'), await newAccount(stack, 'Rare'), await newAccount(stack, 'Crowd')];
    // The project's comments are mostly others' (walking them newest first reads thousands for a page of the volunteer's),
    // and the volunteer wrote thousands in other projects (reading all theirs, then sorting, reads those too).
    await stack.db.query(
      `INSERT INTO subject_comments (project_id, subject_id, user_id, body, hashtags, created_at)
       SELECT $1, $2, CASE WHEN n % 500 = 0 THEN $3 WHEN n % 5000 = 1 THEN $4 ELSE $5 END::uuid, 'comment ' || n, '{}', now() - n * interval '1 second' FROM generate_series(1, 20000) n`,
      [projectId, subjectId, prolific.id, rare.id, crowd.id],
    );
    for (const other of others) {
      await stack.db.query(
        `INSERT INTO subject_comments (project_id, subject_id, user_id, body, hashtags, created_at)
         SELECT $1, $2, $3, 'elsewhere ' || n, '{}', now() - n * interval '1 second' FROM generate_series(1, 7000) n`,
        [other.projectId, other.subjectId, prolific.id],
      );
    }
    // Statistics of every row, not of a sample (48,000 rows: ANALYZE samples 30,000 at the default target): the plan is the one
    // the true figures give, the same at each run.
    await stack.db.query('SET default_statistics_target = 1000');
    await stack.db.query('ANALYZE subject_comments');
    await stack.db.query('RESET default_statistics_target');
    const planOf = async (author: string) => JSON.stringify((await stack.db.query(`EXPLAIN (FORMAT JSON) ${projectCommentsSql([])}`, [projectId, true, null, null, null, 21, null, author])).rows[0]['QUERY PLAN']);
    // A volunteer who wrote most of the table's comments elsewhere seems to the planner (which takes author and project
    // as independent) to have thousands here too, and its plan changes from run to run between this index and the
    // project's newest first, both unsorted; one with few comments is read along this index.
    expect(await planOf(rare.id)).toContain('"Index Name":"subject_comments_user_project_idx"');
    for (const author of [prolific.id, rare.id]) expect(await planOf(author)).not.toContain('"Node Type":"Sort"');
    expect((await stack.client.projectComments(projectId, { author: rare.id })).comments).toHaveLength(4);
    const page = await stack.client.projectComments(projectId, { author: prolific.id, limit: 3 });
    expect(bodiesOf(page)).toEqual(['comment 500', 'comment 1000', 'comment 1500']);
  });

  it('reads a hashtag’s comments by its index, not by walking the project’s comments', async () => {
    const { projectId, subjectId } = await liveSubject();
    const volunteer = await newAccount(stack, 'Una');
    // Many comments, few with the tag: walking the project's newest first would read nearly all of them for a page.
    await stack.db.query(
      `INSERT INTO subject_comments (project_id, subject_id, user_id, body, hashtags, created_at)
       SELECT $1, $2, $3, 'comment ' || n, CASE WHEN n % 5000 = 0 THEN '{rare}'::text[] ELSE '{common}'::text[] END, now() - n * interval '1 second'
       FROM generate_series(1, 20000) n`,
      [projectId, subjectId, volunteer.id],
    );
    await stack.db.query('ANALYZE subject_comments');
    const [{ 'QUERY PLAN': plan }] = (await stack.db.query(`EXPLAIN (FORMAT JSON) ${projectCommentsSql([])}`, [projectId, false, 'rare', null, null, 21, volunteer.id, null])).rows;
    expect(JSON.stringify(plan)).toContain('"Index Name":"subject_comments_hashtags_idx"');
    expect((await stack.anonymous.projectComments(projectId, { tag: 'rare' })).comments).toHaveLength(4);
  });

  it('finds a rare word among many comments by the trigram index of their folded bodies, nothing for an absent one, and %, _, \\ and a full-width ％ as the letters they are', async () => {
    const { projectId, subjectId } = await liveSubject();
    const volunteer = await newAccount(stack, 'Tess');
    await stack.db.query(
      `INSERT INTO subject_comments (project_id, subject_id, user_id, body, hashtags, created_at)
       SELECT $1, $2, $3, 'Seen on page ' || n || ', a stamp', '{}', now() - n * interval '1 second' FROM generate_series(1, 20000) n`,
      [projectId, subjectId, volunteer.id],
    );
    for (const body of ['A ZEPPELIN over Genève', 'Tally 100% sure', 'Tally 1000 sure', 'Folded a_b', 'Folded axb', 'Path a\\b', 'Path ab', 'Big ox']) {
      await stack.client.postComment(subjectId, { projectId, body });
    }
    await stack.db.query('ANALYZE subject_comments');
    const planOf = async (words: string[]) => JSON.stringify((await stack.db.query(`EXPLAIN (FORMAT JSON) ${projectCommentsSql(words)}`, [projectId, false, null, null, null, 21, volunteer.id, null, ...words])).rows[0]['QUERY PLAN']);
    expect(await planOf(['zeppelin', 'geneve'])).toContain('"Index Name":"subject_comments_body_trgm_idx"');
    // A word of 2 letters holds no trigram: the index would be read whole and every comment then read again, so the
    // project's comments are read newest first, as without the index.
    const short = await planOf(['ox']);
    expect(short).toContain('"Index Name":"subject_comments_project_recent_idx"');
    expect(short).not.toContain('subject_comments_body_trgm_idx');
    const found = async (q: string) => bodiesOf(await stack.anonymous.projectComments(projectId, { q })).sort();

    expect(await found('zeppelin')).toEqual(['A ZEPPELIN over Genève']);
    expect(await found('GENEVE zeppelin')).toEqual(['A ZEPPELIN over Genève']);
    expect(await found('dirigible')).toEqual([]);
    expect(await found('zeppelin dirigible')).toEqual([]);
    // Letters, never wildcards: an escape of the folded word, since unaccent reads ％ as %.
    expect(await found('100%')).toEqual(['Tally 100% sure']);
    expect(await found('100％')).toEqual(['Tally 100% sure']);
    expect(await found('a_b')).toEqual(['Folded a_b']);
    expect(await found('a\\b')).toEqual(['Path a\\b']);
    // Words of fewer than 3 letters hold no trigram: read without the index's help, found all the same.
    expect(await found('ox')).toEqual(['Big ox']);
    expect(await found('folded xb')).toEqual(['Folded axb']);
  });

  it('tells a guest to sign in, and a caller without a token to authenticate, storing nothing', async () => {
    const { projectId, subjectId } = await liveSubject();
    const { token } = await stack.anonymous.guest();
    const guest = await send('POST', `/subjects/${subjectId}/comments`, token, { projectId, body: 'Hello' });
    expect([guest.status, guest.contentType, guest.body.type]).toEqual([403, 'application/problem+json; charset=utf-8', 'urn:chorus:problem:account-required']);
    expect(guest.body.detail).toMatch(/^Sign in to comment/);
    const nobody = await send('POST', `/subjects/${subjectId}/comments`, undefined, { projectId, body: 'Hello' });
    expect([nobody.status, nobody.contentType]).toEqual([401, 'application/problem+json; charset=utf-8']);
    expect(await storedComments(subjectId)).toEqual([]);
  });

  it('refuses an empty comment, one over 2,000 characters, and a subject of another project, naming the field, storing nothing', async () => {
    const { projectId, subjectId } = await liveSubject();
    const other = await liveSubject();
    const volunteer = await newAccount(stack, 'Kay');
    for (const [body, pointer, status] of [
      [{ projectId, body: '   ' }, '/body', 422],
      [{ projectId, body: 'x'.repeat(2001) }, '/body', 422],
      [{ projectId, body: 'ok', extra: 1 }, '/extra', 422],
      [{ projectId: other.projectId, body: 'ok' }, '/params/id', 404],
    ] as const) {
      const answer = await send('POST', `/subjects/${subjectId}/comments`, volunteer.token, body);
      expect([answer.status, answer.contentType, answer.body.errors]).toEqual([status, 'application/problem+json; charset=utf-8', [expect.objectContaining({ pointer })]]);
    }
    expect(await storedComments(subjectId)).toEqual([]);
    // 2,000 characters once trimmed are taken.
    const longest = ` ${'y'.repeat(2000)} `;
    expect((await volunteer.client.postComment(subjectId, { projectId, body: longest })).body).toBe(longest.trim());
  });

  it('answers a retry with the same Idempotency-Key with the first comment, storing one', async () => {
    const { projectId, subjectId } = await liveSubject();
    const volunteer = await newAccount(stack, 'Lin');
    const key = randomUUID();
    const first = await volunteer.client.postComment(subjectId, { projectId, body: 'Once #only' }, key);
    const again = await volunteer.client.postComment(subjectId, { projectId, body: 'Once #only' }, key);
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ ...first, replayed: true });
    expect(await storedComments(subjectId)).toEqual([{ body: 'Once #only', hashtags: ['only'] }]);
    const reused = await send('POST', `/subjects/${subjectId}/comments`, volunteer.token, { projectId, body: 'Something else' }, { 'idempotency-key': key });
    expect([reused.status, reused.body.errors]).toEqual([422, [expect.objectContaining({ pointer: '/headers/idempotency-key' })]]);
  });

  it(`lets an account post ${COMMENTS_AN_HOUR} comments an hour, then says when to try again; others are not held up`, async () => {
    const { projectId, subjectId } = await liveSubject();
    const volunteer = await newAccount(stack, 'Max');
    for (let i = 0; i < COMMENTS_AN_HOUR; i++) await volunteer.client.postComment(subjectId, { projectId, body: `Comment ${i}` });
    const refused = await send('POST', `/subjects/${subjectId}/comments`, volunteer.token, { projectId, body: 'One too many' });
    expect([refused.status, refused.contentType, refused.body.type]).toEqual([429, 'application/problem+json; charset=utf-8', 'urn:chorus:problem:too-many-requests']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-limit')).toBe(String(COMMENTS_AN_HOUR));
    expect(await storedComments(subjectId)).toHaveLength(COMMENTS_AN_HOUR);
    const other = await newAccount(stack, 'Ned');
    await expect(other.client.postComment(subjectId, { projectId, body: 'Mine goes through' })).resolves.toMatchObject({ body: 'Mine goes through' });
  });

  it('refuses a comment or an edit with over 10 different @mentions, naming /body, storing nothing', async () => {
    const { projectId, subjectId } = await liveSubject();
    const volunteer = await newAccount(stack, 'Mentioner');
    const names = (count: number) => Array.from({ length: count }, (_, i) => `@name${i}`).join(' ');
    const comment = await volunteer.client.postComment(subjectId, { projectId, body: `${names(10)} @name0` });
    for (const [method, path, body] of [
      ['POST', `/subjects/${subjectId}/comments`, { projectId, body: names(11) }],
      ['POST', `/subjects/${subjectId}/comments`, { projectId, body: `${names(10)} @team` }],
      ['PATCH', `/comments/${comment.id}`, { body: names(11) }],
    ] as const) {
      const refused = await send(method, path, volunteer.token, body);
      expect([refused.status, refused.contentType, refused.body.errors]).toEqual([
        422,
        'application/problem+json; charset=utf-8',
        [expect.objectContaining({ pointer: '/body', message: expect.stringContaining('at most 10 @mentions') })],
      ]);
    }
    expect(await storedComments(subjectId)).toEqual([{ body: `${names(10)} @name0`, hashtags: [] }]);
  });

  it('counts an edit that notifies anyone against the hourly limit, as a new comment (not the team’s), and not one that notifies no one', async () => {
    const { projectId, subjectId } = await liveSubject();
    const volunteer = await newAccount(stack, 'Editor');
    const names = Array.from({ length: COMMENTS_AN_HOUR }, (_, i) => `Told${i}_${randomUUID().slice(0, 6)}`);
    const mentioned = await Promise.all(names.map((name) => newAccount(stack, name)));
    const comment = await volunteer.client.postComment(subjectId, { projectId, body: 'First' });
    // Edits that tell no one are not counted.
    for (let i = 0; i < COMMENTS_AN_HOUR; i++) await volunteer.client.editComment(comment.id, `Quiet ${i}`);
    for (let i = 1; i < COMMENTS_AN_HOUR; i++) await volunteer.client.editComment(comment.id, `Hello @${names[i - 1]}`);
    const refused = await send('PATCH', `/comments/${comment.id}`, volunteer.token, { body: `Hello @${names.at(-1)}` });
    expect([refused.status, refused.contentType, refused.body.type]).toEqual([429, 'application/problem+json; charset=utf-8', 'urn:chorus:problem:too-many-requests']);
    expect(await storedComments(subjectId)).toEqual([{ body: `Hello @${names.at(-2)}`, hashtags: [] }]);
    expect((await mentioned.at(-1)!.client.notifications()).notifications).toEqual([]);

    const moderator = await newMember(stack, projectId, 'moderator', 'Editing mod');
    const answer = await moderator.client.postComment(subjectId, { projectId, body: 'Answer' });
    for (const name of names) await moderator.client.editComment(answer.id, `Thanks @${name}`);
  });

  it('gives back the hourly-limit slot of a comment or an edit whose transaction fails after counting it', async () => {
    const { projectId, subjectId } = await liveSubject();
    const volunteer = await newAccount(stack, 'Unlucky');
    const name = `Told_${randomUUID().slice(0, 6)}`;
    await newAccount(stack, name);
    const comment = await volunteer.client.postComment(subjectId, { projectId, body: 'First' });
    // A check at commit, after the slot is taken, refuses comments saying "Doomed".
    await stack.db.query(`CREATE FUNCTION doomed_comment() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'doomed'; END $$;
      CREATE CONSTRAINT TRIGGER doomed_comment AFTER INSERT OR UPDATE ON subject_comments DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.body LIKE 'Doomed%') EXECUTE FUNCTION doomed_comment()`);
    try {
      for (let i = 0; i < COMMENTS_AN_HOUR; i++) {
        expect((await send('PATCH', `/comments/${comment.id}`, volunteer.token, { body: `Doomed @${name}` })).status).toBe(500);
        expect((await send('POST', `/subjects/${subjectId}/comments`, volunteer.token, { projectId, body: 'Doomed too' })).status).toBe(500);
      }
    } finally {
      await stack.db.query('DROP TRIGGER doomed_comment ON subject_comments; DROP FUNCTION doomed_comment()');
    }
    expect(await storedComments(subjectId)).toEqual([{ body: 'First', hashtags: [] }]);
    // The first comment took one slot; the failed ones none.
    await volunteer.client.editComment(comment.id, `Hello @${name}`);
    for (let i = 2; i < COMMENTS_AN_HOUR; i++) await volunteer.client.postComment(subjectId, { projectId, body: `Comment ${i}` });
    expect((await send('POST', `/subjects/${subjectId}/comments`, volunteer.token, { projectId, body: 'One too many' })).status).toBe(429);
  });

  it('does not count the comments of the project’s team in their own project, whose volunteers they answer', async () => {
    const { projectId, subjectId } = await liveSubject();
    const moderator = await newMember(stack, projectId, 'moderator', 'Answering mod');
    for (let i = 0; i <= COMMENTS_AN_HOUR; i++) await moderator.client.postComment(subjectId, { projectId, body: `Answer ${i}` });
    expect(await storedComments(subjectId)).toHaveLength(COMMENTS_AN_HOUR + 1);
    // In another project they are a volunteer like any other.
    const elsewhere = await liveSubject();
    for (let i = 0; i < COMMENTS_AN_HOUR; i++) await moderator.client.postComment(elsewhere.subjectId, { projectId: elsewhere.projectId, body: `Question ${i}` });
    const refused = await send('POST', `/subjects/${elsewhere.subjectId}/comments`, moderator.token, { projectId: elsewhere.projectId, body: 'One too many' });
    expect(refused.status).toBe(429);
  });

  it('lets the author edit and delete their comment, and nobody else', async () => {
    const { projectId, subjectId } = await liveSubject();
    const author = await newAccount(stack, 'Olga');
    const stranger = await newAccount(stack, 'Pia');
    const comment = await author.client.postComment(subjectId, { projectId, body: 'A #stamp' });
    const edited = await author.client.editComment(comment.id, ' A #postmark after all ');
    expect(edited).toMatchObject({ id: comment.id, body: 'A #postmark after all', hashtags: ['postmark'], editedAt: expect.any(String), createdAt: comment.createdAt });
    for (const [method, body] of [['PATCH', { body: 'Mine now' }], ['DELETE', undefined]] as const) {
      const refused = await send(method, `/comments/${comment.id}`, stranger.token, body);
      expect([refused.status, refused.contentType]).toEqual([403, 'application/problem+json; charset=utf-8']);
    }
    const empty = await send('PATCH', `/comments/${comment.id}`, author.token, { body: '' });
    expect([empty.status, empty.body.errors]).toEqual([422, [expect.objectContaining({ pointer: '/body' })]]);
    expect(await storedComments(subjectId)).toEqual([{ body: 'A #postmark after all', hashtags: ['postmark'] }]);
    await author.client.deleteComment(comment.id);
    expect(await storedComments(subjectId)).toEqual([]);
    expect((await send('DELETE', `/comments/${comment.id}`, author.token)).status).toBe(404);
  });

  it('lets the project’s moderators hide a comment with a reason: volunteers no longer see it, the team sees it marked, until shown again', async () => {
    const { projectId, subjectId } = await liveSubject();
    const author = await newAccount(stack, 'Quinn');
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    const comment = await author.client.postComment(subjectId, { projectId, body: 'Something rude' });
    await author.client.postComment(subjectId, { projectId, body: 'Something kind' });

    const refused = await send('PUT', `/comments/${comment.id}/hidden`, author.token, { reason: 'I say so' });
    expect([refused.status, refused.contentType]).toEqual([403, 'application/problem+json; charset=utf-8']);
    const noReason = await send('PUT', `/comments/${comment.id}/hidden`, moderator.token, { reason: ' ' });
    expect([noReason.status, noReason.body.errors]).toEqual([422, [expect.objectContaining({ pointer: '/reason' })]]);

    const hidden = await moderator.client.hideComment(comment.id, 'Rude to another volunteer');
    expect(hidden.hidden).toEqual({ hiddenAt: expect.any(String), reason: 'Rude to another volunteer' });
    const stranger = await newAccount(stack, 'Rhea');
    for (const other of [stack.anonymous, stranger.client]) {
      expect(bodiesOf(await other.subjectDiscussion(subjectId, projectId))).toEqual(['Something kind']);
      expect(bodiesOf(await other.projectComments(projectId))).toEqual(['Something kind']);
    }
    expect((await send('PATCH', `/comments/${comment.id}`, stranger.token, { body: 'Sorry' })).status).toBe(404);
    // Its author still sees it, marked hidden but not why (the reason is the team's), and is told it can no longer change.
    const ownView = (await author.client.subjectDiscussion(subjectId, projectId)).comments.map((each) => each.hidden);
    expect(ownView).toEqual([{ hiddenAt: hidden.hidden!.hiddenAt, reason: null }, null]);
    expect((await author.client.projectComments(projectId)).comments.map((each) => [each.body, each.hidden?.reason])).toEqual([
      ['Something kind', undefined],
      ['Something rude', null],
    ]);
    for (const [method, body] of [['PATCH', { body: 'Sorry' }], ['DELETE', undefined]] as const) {
      const refused = await send(method, `/comments/${comment.id}`, author.token, body);
      expect([refused.status, refused.contentType, refused.body.type]).toEqual([409, 'application/problem+json; charset=utf-8', 'urn:chorus:problem:comment-hidden']);
      expect(refused.body.detail).toContain('the project\'s moderators hid it');
      expect(refused.body.detail).not.toContain('Rude');
    }
    expect(await storedComments(subjectId)).toEqual([{ body: 'Something rude', hashtags: [] }, { body: 'Something kind', hashtags: [] }]);
    for (const team of [moderator.client, stack.client]) {
      const seen = await team.subjectDiscussion(subjectId, projectId);
      expect(seen.comments.map((each) => [each.body, each.hidden?.reason ?? null])).toEqual([['Something rude', 'Rude to another volunteer'], ['Something kind', null]]);
      expect(bodiesOf(await team.projectComments(projectId))).toEqual(['Something kind', 'Something rude']);
    }
    // The moderator's own comment carries the team's badge.
    expect((await moderator.client.postComment(subjectId, { projectId, body: 'Please be kind.' })).author.team).toBe(true);

    await moderator.client.unhideComment(comment.id);
    expect(bodiesOf(await stack.anonymous.subjectDiscussion(subjectId, projectId))).toEqual(['Something rude', 'Something kind', 'Please be kind.']);
  });

  it('shows the author of a hidden comment the replies’ link to it, which other volunteers do not see', async () => {
    const { projectId, subjectId } = await liveSubject();
    const [ada, bea, cy] = [await newAccount(stack, 'Ada'), await newAccount(stack, 'Bea'), await newAccount(stack, 'Cy')];
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    const asked = await ada.client.postComment(subjectId, { projectId, body: 'Is this a stamp?' });
    const reply = await bea.client.postComment(subjectId, { projectId, body: 'A postmark', replyTo: asked.id });
    await moderator.client.hideComment(asked.id, 'Off topic');
    const replyToSeenBy = async (reader: typeof stack.client) => [
      (await reader.subjectDiscussion(subjectId, projectId)).comments.find((each) => each.id === reply.id)?.replyTo,
      (await reader.projectComments(projectId)).comments.find((each) => each.id === reply.id)?.replyTo,
    ];
    const link = { id: asked.id, authorDisplayName: 'Ada' };
    expect(await replyToSeenBy(ada.client)).toEqual([link, link]);
    expect(await replyToSeenBy(moderator.client)).toEqual([link, link]);
    expect(await replyToSeenBy(cy.client)).toEqual([null, null]);
    expect(await replyToSeenBy(bea.client)).toEqual([null, null]);
  });

  it('keeps a draft project’s discussions from outsiders, and its team’s own', async () => {
    const project = await stack.client.createProject({ title: `Draft ${randomUUID().slice(0, 8)}` });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    await stack.client.addSubjects(set.id, [{ externalId: 'd1', locations: [{ type: 'text', text: 'Draft subject' }] }]);
    const [{ id: subjectId }] = (await stack.db.query('SELECT id FROM subjects WHERE project_id = $1', [project.id])).rows;
    await stack.client.postComment(subjectId, { projectId: project.id, body: 'A note for the team' });
    const outsider = await newAccount(stack, 'Rae');
    for (const [method, path, token, body] of [
      ['GET', `/subjects/${subjectId}/comments?projectId=${project.id}`, undefined, undefined],
      ['GET', `/subjects/${subjectId}/comments?projectId=${project.id}`, outsider.token, undefined],
      ['GET', `/projects/${project.id}/comments`, outsider.token, undefined],
      ['POST', `/subjects/${subjectId}/comments`, outsider.token, { projectId: project.id, body: 'Let me in' }],
    ] as const) {
      const answer = await send(method, path, token, body);
      expect([method, path, token === undefined, answer.status, answer.contentType]).toEqual([method, path, token === undefined, 404, 'application/problem+json; charset=utf-8']);
    }
    expect(bodiesOf(await stack.client.subjectDiscussion(subjectId, project.id))).toEqual(['A note for the team']);
    expect(await storedComments(subjectId)).toHaveLength(1);
  });

  it('keeps a deleted account’s comments, without its name or the link to its profile', async () => {
    const { projectId, subjectId } = await liveSubject();
    const volunteer = await newAccount(stack, 'Sol');
    await volunteer.client.changeAccount({ publicProfile: true });
    await volunteer.client.postComment(subjectId, { projectId, body: 'I was here' });
    expect((await stack.anonymous.subjectDiscussion(subjectId, projectId)).comments[0]!.author).toEqual({ id: volunteer.id, displayName: 'Sol', team: false });
    await volunteer.client.deleteAccount(ACCOUNT_PASSWORD);
    const [comment] = (await stack.anonymous.subjectDiscussion(subjectId, projectId)).comments;
    expect(comment).toMatchObject({ body: 'I was here', author: { id: null, displayName: null, team: false } });
  });

  it('refuses a bad subject, comment and cursor naming the parameter', async () => {
    const { projectId } = await liveSubject();
    const volunteer = await newAccount(stack, 'Tam');
    const cases: [string, string, string][] = [
      ['GET', `/subjects/nope/comments?projectId=${projectId}`, '/params/id'],
      ['GET', `/subjects/${randomUUID()}/comments`, '/query/projectId'],
      ['GET', `/subjects/${randomUUID()}/comments?projectId=${projectId}&after=yesterday`, '/query/after'],
      // The cursor's shape, with a day no month has: refused, not sent to Postgres (which would refuse it, a 500).
      ['GET', `/subjects/${randomUUID()}/comments?projectId=${projectId}&after=2026-02-31T00:00:00.000000Z_${randomUUID()}`, '/query/after'],
      ['PATCH', '/comments/nope', '/params/id'],
    ];
    for (const [method, path, pointer] of cases) {
      const answer = await send(method, path, volunteer.token, method === 'PATCH' ? { body: 'x' } : undefined);
      expect([path, answer.status, answer.body.errors]).toEqual([path, 422, [expect.objectContaining({ pointer })]]);
    }
    const missing = await send('GET', `/subjects/${randomUUID()}/comments?projectId=${projectId}`, undefined);
    expect([missing.status, missing.body.errors]).toEqual([404, [expect.objectContaining({ pointer: '/params/id' })]]);
  });
});

describe('Talk’s boards', () => {
  const liveProject = async () => (await stack.client.createProject({ title: `Boards ${randomUUID().slice(0, 8)}`, status: 'live' })).id;

  it('lets the project’s researchers make, rename, describe, reorder, archive and delete (empty) boards, up to the cap; volunteers read them', async () => {
    const projectId = await liveProject();
    const volunteer = await newAccount(stack, 'Bea');
    const moderator = await newMember(stack, projectId, 'moderator', 'Mo');
    expect(await stack.anonymous.boards(projectId)).toEqual({ boards: [] });
    const help = await stack.client.createBoard(projectId, { title: ' Help ', description: 'Ask how to classify' });
    expect(boardSchema.parse(help)).toEqual(help);
    expect(help).toMatchObject({ projectId, title: 'Help', description: 'Ask how to classify', position: 0, archivedAt: null });
    const science = await stack.client.createBoard(projectId, { title: 'Science' });
    const chat = await stack.client.createBoard(projectId, { title: 'Chat' });
    for (const token of [volunteer.token, moderator.token]) {
      expect((await send('POST', `/projects/${projectId}/boards`, token, { title: 'Mine' })).status).toBe(403);
      expect((await send('PATCH', `/boards/${help.id}`, token, { title: 'Mine' })).status).toBe(403);
      // Asked who they are before what they send: a bad body too.
      expect((await send('POST', `/projects/${projectId}/boards`, token, { title: 'x'.repeat(101) })).status).toBe(403);
      expect((await send('PATCH', `/boards/${help.id}`, token, { position: -1 })).status).toBe(403);
    }
    const bad = await send('POST', `/projects/${projectId}/boards`, stack.client.token, { title: 'x'.repeat(101) });
    expect([bad.status, bad.body.errors]).toEqual([422, [expect.objectContaining({ pointer: '/title' })]]);

    expect(await stack.client.updateBoard(chat.id, { position: 0, title: 'Chatter', description: 'Anything' })).toMatchObject({ title: 'Chatter', description: 'Anything', position: 0 });
    const titles = async () => (await stack.anonymous.boards(projectId)).boards.map((board) => [board.title, board.position]);
    expect(await titles()).toEqual([['Chatter', 0], ['Help', 1], ['Science', 2]]);
    await stack.client.startBoardDiscussion(science.id, { title: 'Why stamps?', body: 'Tell me' });
    const notEmpty = await send('DELETE', `/boards/${science.id}`, stack.client.token);
    expect([notEmpty.status, notEmpty.body.type]).toEqual([409, 'urn:chorus:problem:board-not-empty']);
    expect((await stack.client.updateBoard(science.id, { archived: true })).archivedAt).toEqual(expect.any(String));
    await stack.client.deleteBoard(help.id);
    expect(await titles()).toEqual([['Chatter', 0], ['Science', 1]]);

    // The cap: 20 boards a project.
    await stack.db.query("INSERT INTO project_boards (project_id, title, position) SELECT $1, 'Board ' || n, n + 1 FROM generate_series(1, 18) n", [projectId]);
    const over = await send('POST', `/projects/${projectId}/boards`, stack.client.token, { title: 'One more' });
    expect([over.status, over.body.type]).toEqual([409, 'urn:chorus:problem:too-many-boards']);
  });

  it('lets volunteers start titled discussions in a board, listed the latest active first a page at a time, and comment in them as in a subject’s', async () => {
    const projectId = await liveProject();
    const board = await stack.client.createBoard(projectId, { title: 'Help' });
    const ada = await newAccount(stack, 'Ada');
    const bob = await newAccount(stack, 'Bob');
    const key = randomUUID();
    const started = await ada.client.startBoardDiscussion(board.id, { title: '  How do I mark a stamp?  ', body: 'Is it the whole #stamp?' }, key);
    const { replayed: _, ...answer } = started;
    expect(boardDiscussionStartedSchema.parse(answer)).toEqual(answer);
    expect(started).toMatchObject({ boardId: board.id, title: 'How do I mark a stamp?', startedBy: { displayName: 'Ada' }, commentCount: 1, replayed: false, comment: { subjectId: null, boardDiscussionId: started.id, hashtags: ['stamp'], mine: true } });
    expect(await ada.client.startBoardDiscussion(board.id, { title: '  How do I mark a stamp?  ', body: 'Is it the whole #stamp?' }, key)).toMatchObject({ id: started.id, replayed: true });
    const other = await bob.client.startBoardDiscussion(board.id, { title: 'Hello all', body: 'Glad to be here' });
    const long = await send('POST', `/boards/${board.id}/discussions`, bob.token, { title: 'x'.repeat(201), body: 'Long' });
    expect([long.status, long.body.errors]).toEqual([422, [expect.objectContaining({ pointer: '/title' })]]);
    const guest = await send('POST', `/boards/${board.id}/discussions`, (await stack.anonymous.guest()).token, { title: 'Guest', body: 'Hi' });
    expect([guest.status, guest.body.type]).toEqual([403, 'urn:chorus:problem:account-required']);

    // A reply in the first moves it to the top; pages of one.
    const reply = await bob.client.postBoardComment(started.id, { body: 'Yes, @Ada, the whole one', replyTo: started.comment.id });
    expect(reply).toMatchObject({ boardDiscussionId: started.id, subjectId: null, replyTo: { id: started.comment.id, authorDisplayName: 'Ada' } });
    const first = await stack.anonymous.boardDiscussions(board.id, { limit: 1 });
    expect(boardDiscussionPageSchema.parse(first)).toEqual(first);
    expect(first.discussions.map((each) => [each.title, each.commentCount])).toEqual([['How do I mark a stamp?', 2]]);
    expect(first.discussions[0]!.lastCommentAt).toBe(reply.createdAt);
    const second = await stack.anonymous.boardDiscussions(board.id, { limit: 1, after: first.next! });
    expect([second.discussions.map((each) => each.id), second.next]).toEqual([[other.id], null]);

    const read = await stack.anonymous.boardDiscussion(started.id);
    expect(boardDiscussionSchema.parse(read)).toEqual(read);
    expect(read).toMatchObject({ discussion: { id: started.id, title: 'How do I mark a stamp?', board: { id: board.id, title: 'Help' } }, following: false, commentBanned: false });
    expect(bodiesOf(read)).toEqual(['Is it the whole #stamp?', 'Yes, @Ada, the whole one']);
    // A reply to a comment of another discussion is refused naming /replyTo.
    const elsewhere = await send('POST', `/board-discussions/${other.id}/comments`, ada.token, { body: 'Hm', replyTo: started.comment.id });
    expect([elsewhere.status, elsewhere.body.errors]).toEqual([422, [expect.objectContaining({ pointer: '/replyTo' })]]);

    // Ada follows what she started, and is told of Bob's reply (a reply, first reason); both follow it now.
    expect((await ada.client.boardDiscussion(started.id)).following).toBe(true);
    expect((await ada.client.notifications()).notifications).toEqual([expect.objectContaining({ kind: 'reply', comment: expect.objectContaining({ id: reply.id, subjectId: null, boardDiscussionId: started.id }) })]);
    const carl = await newAccount(stack, 'Carl');
    await carl.client.followBoardDiscussion(started.id);
    await ada.client.postBoardComment(started.id, { body: 'Thanks!' });
    expect((await carl.client.notifications()).notifications.map((each) => each.kind)).toEqual(['discussion']);
    expect((await bob.client.notifications()).notifications.map((each) => each.kind)).toEqual(['discussion']);
    expect((await carl.client.followBoardDiscussion(started.id, false)).following).toBe(false);

    // Archived: read, and closed to new discussions and comments.
    await stack.client.updateBoard(board.id, { archived: true });
    for (const [path, body] of [[`/boards/${board.id}/discussions`, { title: 'Late', body: 'Late' }], [`/board-discussions/${started.id}/comments`, { body: 'Late' }]] as const) {
      const closed = await send('POST', path, bob.token, body);
      expect([closed.status, closed.body.type]).toEqual([409, 'urn:chorus:problem:board-archived']);
    }
    const edit = await send('PATCH', `/comments/${started.comment.id}`, ada.token, { body: 'Changed after' });
    expect([edit.status, edit.body.type]).toEqual([409, 'urn:chorus:problem:board-archived']);
    expect(bodiesOf(await stack.anonymous.boardDiscussion(started.id))).toEqual(['Is it the whole #stamp?', 'Yes, @Ada, the whole one', 'Thanks!']);
  });

  it('refuses to delete a board whose first discussion is being started, and a discussion or comment in a board being archived, once the other commits', async () => {
    const projectId = await liveProject();
    const board = await stack.client.createBoard(projectId, { title: 'Help' });
    const ada = await newAccount(stack, 'Ada');
    const started = await ada.client.startBoardDiscussion(board.id, { title: 'First', body: 'Hi' });
    const empty = await stack.client.createBoard(projectId, { title: 'Empty' });
    const holder = new Client({ connectionString: stack.config.databaseUrl });
    await holder.connect();
    /** `request`'s answer, sent while `holder` holds a change not committed yet, which it commits once the request waits for it (or has answered without waiting). */
    const whileHeld = async (change: string, parameters: unknown[], request: () => Promise<{ status: number; body: Record<string, unknown> }>) => {
      await holder.query('BEGIN');
      await holder.query(change, parameters);
      let answered = false;
      const answer = request().finally(() => {
        answered = true;
      });
      await until(async () => answered || (await stack.db.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%project_boards%'")).rows.length > 0, 'the request to wait');
      await holder.query('COMMIT');
      const { status, body } = await answer;
      return [status, body.type];
    };
    try {
      const startedMeanwhile = "INSERT INTO board_discussions (project_id, board_id, user_id, title) VALUES ($1, $2, $3, 'Meanwhile')";
      expect(await whileHeld(startedMeanwhile, [projectId, empty.id, ada.id], () => send('DELETE', `/boards/${empty.id}`, stack.client.token))).toEqual([409, 'urn:chorus:problem:board-not-empty']);
      expect((await stack.db.query('SELECT title FROM board_discussions WHERE board_id = $1', [empty.id])).rows).toEqual([{ title: 'Meanwhile' }]);

      const archiving = 'UPDATE project_boards SET archived_at = now() WHERE id = $1';
      expect(await whileHeld(archiving, [board.id], () => send('POST', `/boards/${board.id}/discussions`, ada.token, { title: 'Late', body: 'Late' }))).toEqual([409, 'urn:chorus:problem:board-archived']);
      await stack.db.query('UPDATE project_boards SET archived_at = NULL WHERE id = $1', [board.id]);
      expect(await whileHeld(archiving, [board.id], () => send('POST', `/board-discussions/${started.id}/comments`, ada.token, { body: 'Late' }))).toEqual([409, 'urn:chorus:problem:board-archived']);
      expect((await stack.db.query('SELECT count(*)::int AS n FROM subject_comments c JOIN board_discussions d ON d.id = c.board_discussion_id WHERE d.board_id = $1', [board.id])).rows).toEqual([{ n: 1 }]);
      // The board keeps its discussions, but not from their project's deletion.
      await stack.client.updateProject(projectId, { status: 'draft' });
      await stack.client.deleteProject(projectId);
      expect((await stack.db.query('SELECT count(*)::int AS n FROM board_discussions WHERE project_id = $1', [projectId])).rows).toEqual([{ n: 0 }]);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  it('lists and opens a discussion whose comments are all hidden or deleted (a spam title) to the team alone', async () => {
    const projectId = await liveProject();
    const board = await stack.client.createBoard(projectId, { title: 'Chat' });
    const zed = await newAccount(stack, 'Zed');
    const spam = await zed.client.startBoardDiscussion(board.id, { title: 'Cheap stamps at example.com', body: 'Buy now' });
    const regret = await zed.client.startBoardDiscussion(board.id, { title: 'Oops', body: 'Wrong board' });
    const kept = await zed.client.startBoardDiscussion(board.id, { title: 'Kept', body: 'First' });
    await stack.client.postBoardComment(kept.id, { body: 'Second' });
    await stack.client.hideComment(spam.comment.id, 'Spam');
    await zed.client.deleteComment(regret.comment.id);
    await stack.client.hideComment(kept.comment.id, 'Rude');
    const titles = async (client: typeof stack.anonymous) => (await client.boardDiscussions(board.id)).discussions.map((each) => each.title);
    expect(await titles(stack.anonymous)).toEqual(['Kept']);
    expect(await titles(zed.client)).toEqual(['Kept']);
    expect(await titles(stack.client)).toEqual(['Kept', 'Oops', 'Cheap stamps at example.com']);
    for (const id of [spam.id, regret.id]) {
      for (const token of [undefined, zed.token]) expect((await send('GET', `/board-discussions/${id}/comments`, token)).status).toBe(404);
      expect((await send('POST', `/board-discussions/${id}/comments`, zed.token, { body: 'Still here' })).status).toBe(404);
    }
    expect(bodiesOf(await stack.client.boardDiscussion(spam.id))).toEqual(['Buy now']);
  });

  it('keeps a draft project’s boards from outsiders and guests, on every board route', async () => {
    const project = await stack.client.createProject({ title: `Draft ${randomUUID().slice(0, 8)}` });
    const board = await stack.client.createBoard(project.id, { title: 'Team room' });
    const started = await stack.client.startBoardDiscussion(board.id, { title: 'Plans', body: 'A note for the team' });
    const outsider = await newAccount(stack, 'Rae');
    const guest = await stack.anonymous.guest();
    const routes = [
      ['GET', `/projects/${project.id}/boards`, undefined],
      ['POST', `/projects/${project.id}/boards`, { title: 'Mine' }],
      ['PATCH', `/boards/${board.id}`, { title: 'Mine' }],
      ['DELETE', `/boards/${board.id}`, undefined],
      ['GET', `/boards/${board.id}/discussions`, undefined],
      ['POST', `/boards/${board.id}/discussions`, { title: 'Let me in', body: 'Please' }],
      ['GET', `/board-discussions/${started.id}/comments`, undefined],
      ['POST', `/board-discussions/${started.id}/comments`, { body: 'Let me in' }],
      ['PUT', `/board-discussions/${started.id}/follow`, undefined],
      ['DELETE', `/board-discussions/${started.id}/follow`, undefined],
    ] as const;
    const answers = [];
    const expected = [];
    for (const [method, path, body] of routes) {
      for (const [who, token] of [['outsider', outsider.token], ['guest', guest.token]] as const) {
        const answer = await send(method, path, token, body);
        answers.push([method, path, who, answer.status, answer.contentType]);
        expected.push([method, path, who, 404, 'application/problem+json; charset=utf-8']);
      }
    }
    expect(answers).toEqual(expected);
    expect((await stack.db.query('SELECT count(*)::int AS n FROM board_discussions WHERE board_id = $1', [board.id])).rows).toEqual([{ n: 1 }]);
    expect(bodiesOf(await stack.client.boardDiscussion(started.id))).toEqual(['A note for the team']);
  });

  it('refuses a comment-banned volunteer a discussion, a comment and a follow; a ban hides their board comments and drops the follows that came of them, showing one again gives it back', async () => {
    const projectId = await liveProject();
    const board = await stack.client.createBoard(projectId, { title: 'Chat' });
    const ada = await newAccount(stack, 'Ada');
    const ivy = await newAccount(stack, 'Ivy');
    const started = await ada.client.startBoardDiscussion(board.id, { title: 'Hello', body: 'Hi all' });
    const rude = await ivy.client.postBoardComment(started.id, { body: 'Rude words' });
    const follows = async () => (await stack.db.query('SELECT following, chosen FROM discussion_follows WHERE board_discussion_id = $1 AND user_id = $2', [started.id, ivy.id])).rows;
    expect(await follows()).toEqual([{ following: true, chosen: false }]);

    await stack.client.banFromComments(projectId, ivy.id, 'Rude', { hideComments: true });
    for (const [method, path, body] of [
      ['POST', `/boards/${board.id}/discussions`, { title: 'Again', body: 'Again' }],
      ['POST', `/board-discussions/${started.id}/comments`, { body: 'Again' }],
      ['PUT', `/board-discussions/${started.id}/follow`, undefined],
    ] as const) {
      const refused = await send(method, path, ivy.token, body);
      expect([method, path, refused.status, refused.body.type]).toEqual([method, path, 403, 'urn:chorus:problem:comment-banned']);
    }
    expect(bodiesOf(await stack.anonymous.boardDiscussion(started.id))).toEqual(['Hi all']);
    expect(await follows()).toEqual([]);
    expect((await ivy.client.boardDiscussion(started.id)).commentBanned).toBe(true);
    expect([(await ivy.client.boardDiscussions(board.id)).commentBanned, (await ada.client.boardDiscussions(board.id)).commentBanned]).toEqual([true, false]);

    await stack.client.unhideComment(rude.id);
    expect(bodiesOf(await stack.anonymous.boardDiscussion(started.id))).toEqual(['Hi all', 'Rude words']);
    expect(await follows()).toEqual([{ following: true, chosen: false }]);
  });

  it('keeps a deleted account’s board discussion without its name, and a board comment’s deletion as a tombstone of since= downloads', async () => {
    const projectId = await liveProject();
    const board = await stack.client.createBoard(projectId, { title: 'Chat' });
    const sol = await newAccount(stack, 'Sol');
    const started = await sol.client.startBoardDiscussion(board.id, { title: 'Farewell', body: 'I was here' });
    const second = await sol.client.postBoardComment(started.id, { body: 'Bye' });
    await sol.client.deleteComment(second.id);
    await sol.client.deleteAccount(ACCOUNT_PASSWORD);
    expect((await stack.anonymous.boardDiscussions(board.id)).discussions.map((each) => [each.title, each.startedBy])).toEqual([['Farewell', { displayName: null }]]);
    expect((await stack.anonymous.boardDiscussion(started.id)).discussion.startedBy).toEqual({ displayName: null });

    const tombstones = (await downloaded(`/projects/${projectId}/comments/download?format=ndjson&since=2000-01-01`, stack.client.token!)).filter((row) => row.deleted_at !== null);
    expect(tombstones.map((row) => Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null)))).toEqual([
      { comment_id: second.id, board_discussion_id: started.id, deleted_at: tombstones[0]!.updated_at, updated_at: expect.any(String) },
    ]);
  });

  it('hides, reports, searches, lists among one’s own comments and downloads a board discussion’s comments as subjects’ comments', async () => {
    const projectId = await liveProject();
    const board = await stack.client.createBoard(projectId, { title: 'Science' });
    const eve = await newAccount(stack, 'Eve');
    const fay = await newAccount(stack, 'Fay');
    const started = await eve.client.startBoardDiscussion(board.id, { title: 'Dating the letters', body: 'The #postmark says 1902' });
    const spam = await fay.client.postBoardComment(started.id, { body: 'Buy cheap stamps' });

    const found = await stack.anonymous.projectComments(projectId, { q: 'postmark' });
    expect(projectCommentPageSchema.parse(found)).toEqual(found);
    expect(found.comments).toEqual([expect.objectContaining({ id: started.comment.id, subject: null, boardDiscussion: { id: started.id, title: 'Dating the letters', board: { id: board.id, title: 'Science' } } })]);
    expect(bodiesOf(await stack.anonymous.projectComments(projectId, { tag: 'postmark' }))).toEqual(['The #postmark says 1902']);

    await eve.client.reportComment(spam.id, { reason: 'spam' });
    expect((await stack.client.reportedComments(projectId)).comments).toEqual([expect.objectContaining({ commentId: spam.id, subject: null, boardDiscussion: { id: started.id, title: 'Dating the letters' } })]);
    // Its latest comment's time is that of a comment shown: hiding, showing again and deleting one counts it again.
    const lastCommentAt = async () => (await stack.client.boardDiscussions(board.id)).discussions[0]!.lastCommentAt;
    expect(await lastCommentAt()).toBe(spam.createdAt);
    await stack.client.hideComment(spam.id, 'Advert');
    expect(await lastCommentAt()).toBe(started.comment.createdAt);
    await stack.client.unhideComment(spam.id);
    expect(await lastCommentAt()).toBe(spam.createdAt);
    await stack.client.hideComment(spam.id, 'Advert');
    expect(bodiesOf(await eve.client.boardDiscussion(started.id))).toEqual(['The #postmark says 1902']);
    expect((await stack.anonymous.boardDiscussions(board.id)).discussions[0]!.commentCount).toBe(1);
    expect((await fay.client.boardDiscussion(started.id)).following).toBe(false);

    const [own] = (await eve.client.myComments()).comments;
    expect(own).toMatchObject({ id: started.comment.id, subjectId: null, boardDiscussionId: started.id, discussionUrl: `${boardDiscussionPath((await stack.client.getProject(projectId)).slug, started.id)}#comment-${started.comment.id}` });
    const ownRows = await downloaded('/account/comments.ndjson', eve.token);
    expect(ownRows.map((row) => [row.subject_id, row.discussion_title])).toEqual([[null, 'Dating the letters']]);

    const rows = await downloaded(`/projects/${projectId}/comments/download?format=ndjson`, stack.client.token!);
    expect(rows.map((row) => [row.body, row.subject_id, row.board_discussion_id, row.board, row.discussion_title, row.hidden])).toEqual([
      ['The #postmark says 1902', null, started.id, 'Science', 'Dating the letters', false],
      ['Buy cheap stamps', null, started.id, 'Science', 'Dating the letters', true],
    ]);
    // The board's columns come last: consumers of the download read its columns by position.
    const columns = Object.keys(rows[0]!);
    expect([columns.slice(0, 4), columns.slice(-5)]).toEqual([['comment_id', 'subject_id', 'external_id', 'author'], ['deleted_at', 'updated_at', 'board_discussion_id', 'board', 'discussion_title']]);
    await eve.client.deleteComment(started.comment.id);
    expect(await lastCommentAt()).toBe(started.createdAt);
    const [tombstone] = (await stack.db.query('SELECT subject_id, board_discussion_id FROM subject_comment_deletions WHERE comment_id = $1', [started.comment.id])).rows;
    expect(tombstone).toEqual({ subject_id: null, board_discussion_id: started.id });
  });
});
