import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { ACCOUNT_PASSWORD, newAccount, newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { type PlanNode, planOf, sortsAbove } from '../../../test/support/plans';
import { voteWorkflow } from '../../../test/support/workflows';
import { COMMENT_COLUMNS, COMMENT_ROWS, COMMENT_ROWS_SINCE } from '../src/exports/comment-rows';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack.stop();
});

const downloadPath = (projectId: string) => `/api/v1/projects/${projectId}/comments/download`;

/** The download as it is answered: status, headers and text (gunzipped by fetch when it was gzipped). */
async function download(path: string, token: string | undefined, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.baseUrl}${path}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const ndjsonRows = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** `count` comments of the project on the subject, `comment <count>` the oldest, each a second before the next, changed at `changedAt` (SQL of `n`). */
async function seedComments(projectId: string, subjectId: string, userId: string, changedAt: string, count = 5000) {
  await stack.db.query(
    `INSERT INTO subject_comments (project_id, subject_id, user_id, body, created_at, updated_at)
     SELECT $1, $2, $3, 'comment ' || n, now() - interval '1 day' - n * interval '1 second', ${changedAt} FROM generate_series(1, $4::int) n`,
    [projectId, subjectId, userId, count],
  );
}

/** A report by `userId` of every tenth comment seeded (`comment 10`, `comment 20`…), made two days before. */
async function seedReports(projectId: string, userId: string) {
  await stack.db.query(
    `INSERT INTO comment_reports (comment_id, project_id, user_id, reason, created_at, reported_at)
     SELECT c.id, c.project_id, $2, 'spam', now() - interval '2 days', now() - interval '2 days' FROM subject_comments c
     WHERE c.project_id = $1 AND c.body ~ '^comment [0-9]+0$'`,
    [projectId, userId],
  );
}

describe('the comments download', () => {
  it('gives every comment of the project, hidden ones flagged, the same rows in CSV and NDJSON, gzipped for a client that takes it', async () => {
    const { projectId, subjectIds } = await voteWorkflow(stack, 2);
    const [subjectId, otherSubjectId] = subjectIds as [string, string];
    const volunteer = await newAccount(stack, 'Grace');
    const leaving = await newAccount(stack, 'Sol');
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    const first = await volunteer.client.postComment(subjectId, { projectId, body: 'A **stamp**? #Stamps #postmark; =HYPERLINK("x")' });
    const rude = await volunteer.client.postComment(otherSubjectId, { projectId, body: 'Something rude' });
    await leaving.client.postComment(subjectId, { projectId, body: 'I was here' });
    await moderator.client.postComment(subjectId, { projectId, body: 'Please be kind.' });
    const answer = await stack.client.postComment(subjectId, { projectId, body: 'A postmark: see the date in the ring.', replyTo: first.id });
    await volunteer.client.editComment(first.id, 'A **stamp**? #Stamps #postmark');
    await moderator.client.hideComment(rude.id, 'Rude to another volunteer');
    await leaving.client.deleteAccount(ACCOUNT_PASSWORD);
    // Another project's comments are not in it.
    const other = await voteWorkflow(stack, 1);
    await volunteer.client.postComment(other.subjectIds[0]!, { projectId: other.projectId, body: 'Elsewhere' });

    const ndjson = await download(`${downloadPath(projectId)}?format=ndjson`, stack.client.token, { 'accept-encoding': 'gzip' });
    expect([ndjson.status, ndjson.headers.get('content-type'), ndjson.headers.get('content-encoding')]).toEqual([200, 'application/x-ndjson; charset=utf-8', 'gzip']);
    expect(ndjson.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="comments-.*-${projectId}-\\d{8}T\\d{6}Z\\.ndjson"`));
    const rows = ndjsonRows(ndjson.text);
    expect(rows.map((row) => Object.keys(row))).toEqual(rows.map(() => Object.keys(COMMENT_COLUMNS)));
    const [{ rows: [subject] }, { rows: [volunteerRow] }] = await Promise.all([
      stack.db.query('SELECT external_id FROM subjects WHERE id = $1', [subjectId]),
      stack.db.query('SELECT id FROM users WHERE id = $1', [volunteer.id]),
    ]);
    expect(rows[0]).toEqual({
      comment_id: first.id,
      subject_id: subjectId,
      external_id: subject.external_id,
      board_discussion_id: null,
      board: null,
      discussion_title: null,
      author: volunteerRow.id,
      author_role: 'volunteer',
      body: 'A **stamp**? #Stamps #postmark',
      hashtags: ['stamps', 'postmark'],
      reply_to: null,
      created_at: first.createdAt,
      edited_at: expect.any(String),
      hidden: false,
      hidden_reason: null,
      hidden_at: null,
      hidden_by: null,
      reports_open: 0,
      reports_handled: 0,
      report_reasons: [],
      deleted_at: null,
      updated_at: expect.any(String),
    });
    expect(rows[1]).toMatchObject({ comment_id: rude.id, subject_id: otherSubjectId, hidden: true, hidden_reason: 'Rude to another volunteer', hidden_at: expect.any(String), hidden_by: moderator.id, edited_at: null });
    expect(rows.slice(2).map((row) => [row.body, row.author, row.author_role])).toEqual([
      ['I was here', 'former volunteer', 'volunteer'],
      ['Please be kind.', moderator.id, 'moderator'],
      ['A postmark: see the date in the ring.', expect.any(String), 'researcher'],
    ]);
    expect([rows[4]!.comment_id, rows[4]!.reply_to]).toEqual([answer.id, first.id]);

    const csv = await download(`${downloadPath(projectId)}?format=csv`, stack.client.token, { 'accept-encoding': 'identity' });
    expect([csv.status, csv.headers.get('content-type'), csv.headers.get('content-encoding')]).toEqual([200, 'text/csv; charset=utf-8', null]);
    const records = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(rows.length);
    expect(records.map((record) => record.comment_id)).toEqual(rows.map((row) => row.comment_id));
    expect([records[0]!.hashtags, records[1]!.hidden, records[0]!.hidden, records[0]!.reply_to, records[4]!.reply_to]).toEqual(['stamps;postmark', 'true', 'false', '', first.id]);
  });

  it('gives CSV cells as written, a formula shown as text, and names a reviewer author a reviewer', async () => {
    const { projectId, subjectIds } = await voteWorkflow(stack, 1);
    const volunteer = await newAccount(stack, 'Lena');
    const reviewer = await newMember(stack, projectId, 'reviewer', 'Rita');
    const bodies = ['=HYPERLINK("http://evil.example","Open")', 'He wrote "Dear Sir,"\nthen, "yours"; and stopped', '- list item\n- another'];
    for (const body of bodies) await volunteer.client.postComment(subjectIds[0]!, { projectId, body });
    await reviewer.client.postComment(subjectIds[0]!, { projectId, body: 'Checked: the date is 1893.' });

    const csv = await download(`${downloadPath(projectId)}?format=csv`, stack.client.token);
    const records = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(records.map((record) => [record.body, record.author_role])).toEqual([
      ['\'=HYPERLINK("http://evil.example","Open")', 'volunteer'],
      ['He wrote "Dear Sir,"\nthen, "yours"; and stopped', 'volunteer'],
      ["'- list item\n- another", 'volunteer'],
      ['Checked: the date is 1893.', 'reviewer'],
    ]);
    // NDJSON gives each body as written.
    const rows = ndjsonRows((await download(`${downloadPath(projectId)}?format=ndjson`, stack.client.token)).text);
    expect(rows.map((row) => row.body)).toEqual([...bodies, 'Checked: the date is 1893.']);
  });

  it('is the project researchers’ and their downloads keys’ only, by token or link; others are refused before the query is read', async () => {
    const { projectId } = await voteWorkflow(stack, 1);
    const other = await voteWorkflow(stack, 1);
    const volunteer = await newAccount(stack, 'Ida');
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    const scientist = await newMember(stack, projectId, 'scientist', 'Sci');
    const ownersKey = await stack.client.createApiKey({ name: 'Nightly comments', scope: 'downloads' });
    const outsidersKey = await volunteer.client.createApiKey({ name: 'Mine', scope: 'downloads' });

    const refused = [
      [undefined, 401],
      [volunteer.token, 403],
      [moderator.token, 403],
      [outsidersKey.secret, 403],
    ] as const;
    for (const [token, status] of refused) {
      // A bad parameter too: who asks is answered first.
      const answer = await download(`${downloadPath(projectId)}?format=xml`, token);
      expect([status, answer.status, answer.headers.get('content-type')]).toEqual([status, status, 'application/problem+json; charset=utf-8']);
    }
    for (const token of [scientist.token, ownersKey.secret]) expect((await download(`${downloadPath(projectId)}?format=ndjson`, token)).status).toBe(200);

    // A link opens this project's download without a header, and no other's; only researchers may ask for one.
    const linked = await fetch(`${stack.baseUrl}/api/v1/projects/${projectId}/comments/download-links`, { method: 'POST', headers: { authorization: `Bearer ${ownersKey.secret}` } });
    expect(linked.status).toBe(201);
    const { url, absoluteUrl } = (await linked.json()) as { url: string; absoluteUrl: string };
    expect(url).toMatch(new RegExp(`^${downloadPath(projectId)}\\?token=`));
    // This stack has no PUBLIC_URL: the whole link is under the address the request was sent to, not localhost.
    expect(absoluteUrl).toBe(`${stack.baseUrl}${url}`);
    expect((await download(`${url}&format=csv`, undefined)).status).toBe(200);
    // since= too, as the workflows' links take it.
    expect((await download(`${url}&format=ndjson&since=2999-01-01`, undefined))).toMatchObject({ status: 200, text: '' });
    const token = new URL(url, stack.baseUrl).searchParams.get('token')!;
    expect((await download(`${downloadPath(other.projectId)}?token=${encodeURIComponent(token)}`, undefined)).status).toBe(401);
    const asked = await fetch(`${stack.baseUrl}/api/v1/projects/${projectId}/comments/download-links`, { method: 'POST', headers: { authorization: `Bearer ${moderator.token}` } });
    expect(asked.status).toBe(403);
    // A draft project's download is no outsider's business: 404, as its discussions.
    const draft = await stack.client.createProject({ title: `Draft ${randomUUID().slice(0, 8)}` });
    expect((await download(downloadPath(draft.id), volunteer.token)).status).toBe(404);
    expect((await download(downloadPath(draft.id), stack.client.token)).text).toBe(`${Object.keys(COMMENT_COLUMNS).join(',')}\n`);
  });

  it('gives again, since a moment, each comment posted, edited, hidden, shown again or unnamed after it, and a tombstone for each deleted, none before', async () => {
    const project = await stack.client.createProject({ title: `Since ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Letters' });
    const text = (externalId: string) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] });
    const { subjectIds: [kept, doomed] } = await stack.client.addSubjects(set.id, [text('kept'), text('doomed')]);
    const projectId = project.id;
    const volunteer = await newAccount(stack, 'Ada');
    const leaving = await newAccount(stack, 'Bo');
    const reporter = await newAccount(stack, 'Cy');
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    const post = (who: { client: typeof stack.client }, subjectId: string, body: string) => who.client.postComment(subjectId, { projectId, body });
    const edited = await post(volunteer, kept!, 'First #draft');
    const hidden = await post(volunteer, kept!, 'Rude');
    const unnamed = await post(leaving, kept!, 'Bye');
    const deleted = await post(volunteer, kept!, 'Oops');
    const withSubject = await post(volunteer, doomed!, 'On a subject that goes');
    await post(volunteer, kept!, 'Never changed');

    // A moment as a data team's script would send it, to the millisecond: the database's now (`after`: just past it).
    const moment = async (after = false) =>
      (await stack.db.query(`SELECT to_char((now() + interval '${after ? 1 : 0} millisecond') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at`)).rows[0].at as string;
    const since = async (at: string) => ndjsonRows((await download(`${downloadPath(projectId)}?format=ndjson&since=${at}`, stack.client.token)).text);
    const comesAgain = async (change: () => Promise<unknown>) => {
      const before = await moment();
      await change();
      const rows = await since(before);
      expect(await since(await moment(true))).toEqual([]);
      return rows;
    };
    expect(await since(await moment(true))).toEqual([]);

    const posted = await comesAgain(() => post(volunteer, kept!, 'Later'));
    expect(posted.map((row) => [row.body, row.updated_at === row.created_at])).toEqual([['Later', true]]);
    expect((await comesAgain(() => volunteer.client.editComment(edited.id, 'First, edited'))).map((row) => [row.comment_id, row.body])).toEqual([[edited.id, 'First, edited']]);
    expect((await comesAgain(() => moderator.client.hideComment(hidden.id, 'Be kind'))).map((row) => [row.comment_id, row.hidden])).toEqual([[hidden.id, true]]);
    expect((await comesAgain(() => moderator.client.unhideComment(hidden.id))).map((row) => [row.comment_id, row.hidden, row.hidden_reason])).toEqual([[hidden.id, false, null]]);
    expect((await comesAgain(() => leaving.client.deleteAccount(ACCOUNT_PASSWORD))).map((row) => [row.comment_id, row.author])).toEqual([[unnamed.id, 'former volunteer']]);

    // Its reports change it too: reported, its reports dismissed, reported again after that, each at the change's moment.
    const reportsOf = (row: Record<string, unknown>) => [row.comment_id, row.reports_open, row.reports_handled, row.report_reasons];
    let report: Awaited<ReturnType<typeof reporter.client.reportComment>> | undefined;
    const [reported] = await comesAgain(async () => (report = await reporter.client.reportComment(edited.id, { reason: 'spam', note: 'an advert' })));
    expect([reportsOf(reported!), reported!.updated_at]).toEqual([[edited.id, 1, 0, ['spam']], report!.reportedAt]);
    // A report made again as it is while it is open changes nothing; with other words, it comes again with them.
    const before = await moment();
    expect((await reporter.client.reportComment(edited.id, { reason: 'spam', note: 'an advert' })).replayed).toBe(true);
    expect(await since(before)).toEqual([]);
    expect((await comesAgain(() => reporter.client.reportComment(edited.id, { reason: 'other', note: 'an advert' }))).map(reportsOf)).toEqual([[edited.id, 1, 0, ['other']]]);
    expect((await comesAgain(() => moderator.client.dismissCommentReports(edited.id))).map(reportsOf)).toEqual([[edited.id, 0, 1, ['other']]]);
    expect((await comesAgain(() => reporter.client.reportComment(edited.id, { reason: 'abuse' }))).map(reportsOf)).toEqual([[edited.id, 1, 0, ['abuse']]]);

    // Edited and reported after the moment: once, with both changes.
    const secondReporter = await newAccount(stack, 'Di');
    const [both, ...again] = await comesAgain(async () => {
      await volunteer.client.editComment(edited.id, 'First, edited twice');
      await secondReporter.client.reportComment(edited.id, { reason: 'spam' });
    });
    expect(again).toEqual([]);
    expect([both!.body, ...reportsOf(both!)]).toEqual(['First, edited twice', edited.id, 2, 0, ['abuse', 'spam']]);

    // Deleted by its author: a tombstone, nothing but its ids and when it went.
    const [tombstone, ...others] = await comesAgain(() => volunteer.client.deleteComment(deleted.id));
    expect(others).toEqual([]);
    expect(Object.fromEntries(Object.entries(tombstone!).filter(([, value]) => value !== null))).toEqual({
      comment_id: deleted.id,
      subject_id: kept,
      external_id: 'kept',
      deleted_at: tombstone!.updated_at,
      updated_at: expect.any(String),
    });
    expect(Object.keys(tombstone!)).toEqual(Object.keys(COMMENT_COLUMNS));
    // Gone with its subject (in no other set, never classified): its tombstone still names the subject.
    const [subjectGone] = await comesAgain(() => stack.client.removeSubject(set.id, doomed!));
    expect([subjectGone!.comment_id, subjectGone!.subject_id, subjectGone!.external_id, subjectGone!.body]).toEqual([withSubject.id, doomed, 'doomed', null]);

    // A full download has no tombstones; a since= one gives the changed rows in its order (oldest first), then the tombstones.
    const full = ndjsonRows((await download(`${downloadPath(projectId)}?format=ndjson`, stack.client.token)).text);
    expect(full.map((row) => row.body)).toEqual(['First, edited twice', 'Rude', 'Bye', 'Never changed', 'Later']);
    expect(full.every((row) => row.deleted_at === null)).toBe(true);
    const all = await since('2000-01-01');
    expect(all.map((row) => row.body ?? row.comment_id)).toEqual([...full.map((row) => row.body), deleted.id, withSubject.id]);
    // CSV gives the same rows: a tombstone's empty cells, its hidden too.
    const csv = parse((await download(`${downloadPath(projectId)}?format=csv&since=2000-01-01`, stack.client.token)).text, { columns: true }) as Record<string, string>[];
    const asCells = (row: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(row).map(([column, value]) => [column, value === null ? '' : Array.isArray(value) ? value.join(';') : String(value)]));
    expect(csv).toEqual(all.map(asCells));
    // In the future: nothing, as every download; a moment it cannot read: 422 naming since, as every download.
    expect(await since('2999-01-01')).toEqual([]);
    for (const moment of ['yesterday', '2026-12-01T09:30:00', '2026-02-30']) {
      const refused = await download(`${downloadPath(projectId)}?since=${moment}`, stack.client.token);
      expect([refused.status, refused.headers.get('content-type'), JSON.parse(refused.text).errors?.[0]?.pointer]).toEqual([422, 'application/problem+json; charset=utf-8', '/query/since']);
    }
    const unencoded = await download(`${downloadPath(projectId)}?since=2026-12-01T10:00:00+01:00`, stack.client.token);
    expect(JSON.parse(unencoded.text).errors).toEqual([{ pointer: '/query/since', message: expect.stringContaining('send the "+" of a zone such as +01:00 as %2B') }]);
  });

  it('counts each comment’s reports still to handle and those handled, with their reasons, never naming who reported', async () => {
    const { projectId, subjectIds } = await voteWorkflow(stack, 1);
    const author = await newAccount(stack, 'Nell');
    const [rae, sam, tom] = [await newAccount(stack, 'Rae'), await newAccount(stack, 'Sam'), await newAccount(stack, 'Tom')];
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    const post = (body: string) => author.client.postComment(subjectIds[0]!, { projectId, body });
    const advert = await post('Cheap stamps at stamps.example');
    const blunt = await post('You are all wrong');
    const phone = await post('Call me on 555 0100');
    const quiet = await post('A postmark from 1893');
    await rae.client.reportComment(advert.id, { reason: 'spam' });
    await sam.client.reportComment(advert.id, { reason: 'other', note: 'Looks like an advert' });
    await tom.client.reportComment(advert.id, { reason: 'spam' });
    await rae.client.reportComment(blunt.id, { reason: 'abuse', note: 'Rude to me' });
    await moderator.client.dismissCommentReports(blunt.id, 'Blunt, not abusive');
    await sam.client.reportComment(blunt.id, { reason: 'abuse' });
    await tom.client.reportComment(phone.id, { reason: 'personal-data' });
    await moderator.client.hideComment(phone.id, 'Personal data');

    const full = async () => ndjsonRows((await download(`${downloadPath(projectId)}?format=ndjson`, stack.client.token)).text);
    const counted = (rows: Record<string, unknown>[]) => rows.map((row) => [row.comment_id, row.reports_open, row.reports_handled, row.report_reasons]);
    const rows = await full();
    expect(counted(rows)).toEqual([
      [advert.id, 3, 0, ['spam', 'other', 'spam']],
      [blunt.id, 1, 1, ['abuse', 'abuse']],
      [phone.id, 0, 1, ['personal-data']],
      [quiet.id, 0, 0, []],
    ]);
    // As the team's list of reported comments counts them.
    const listed = (await stack.client.reportedComments(projectId, { status: 'open' })).comments;
    expect(listed.map((comment) => [comment.commentId, comment.openReports]).sort()).toEqual(counted(rows).filter(([, open]) => Number(open) > 0).map(([id, open]) => [id, open]).sort());
    // Shown again, a hidden comment's reports nobody dismissed are to handle again.
    await moderator.client.unhideComment(phone.id);
    expect(counted(await full())[2]).toEqual([phone.id, 1, 0, ['personal-data']]);

    const csv = await download(`${downloadPath(projectId)}?format=csv`, stack.client.token);
    const records = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(records.map((record) => [record.reports_open, record.reports_handled, record.report_reasons])).toEqual([
      ['3', '0', 'spam;other;spam'],
      ['1', '1', 'abuse;abuse'],
      ['1', '0', 'personal-data'],
      ['0', '0', ''],
    ]);
    // Neither who reported nor what they wrote: not their user ids, names or pseudonyms, nor their notes.
    const pseudonyms = listed.flatMap((comment) => comment.notes.map((note) => note.reporter));
    expect(pseudonyms).not.toEqual([]);
    const ndjson = (await download(`${downloadPath(projectId)}?format=ndjson`, stack.client.token)).text;
    for (const secret of [rae.id, sam.id, tom.id, 'Rae', 'Sam', 'Tom', ...pseudonyms, 'Looks like an advert', 'Rude to me', 'Blunt, not abusive']) {
      expect(csv.text).not.toContain(secret);
      expect(ndjson).not.toContain(secret);
    }
  });

  it('reads a since= download’s few comments by their own index and their reports’, not by walking the project’s comments', async () => {
    const { projectId, subjectIds } = await voteWorkflow(stack, 1);
    const volunteer = await newAccount(stack, 'Vi');
    const reporter = await newAccount(stack, 'Wes');
    // Many comments, few changed lately: the project's oldest first would be read whole for them.
    await seedComments(projectId, subjectIds[0]!, volunteer.id, "CASE WHEN n % 1000 = 0 THEN now() ELSE now() - interval '1 day' + n * interval '1 millisecond' END");
    // Many reports, made the day before; and one comment left as it was, reported lately.
    await seedReports(projectId, reporter.id);
    const [{ id: reported }] = (await stack.db.query("SELECT id FROM subject_comments WHERE project_id = $1 AND body = 'comment 2501'", [projectId])).rows;
    await reporter.client.reportComment(reported, { reason: 'spam' });
    await stack.db.query('ANALYZE subject_comments; ANALYZE comment_reports');
    const since = new Date(Date.now() - 3_600_000);
    const plan = JSON.stringify(await planOf(stack, COMMENT_ROWS_SINCE, [projectId, since]));
    expect(plan).toContain('"Index Name":"subject_comments_project_changed_idx"');
    expect(plan).toContain('"Index Name":"comment_reports_project_changed_idx"');
    expect(plan).not.toContain('"Index Name":"subject_comments_project_recent_idx"');
    const rows = ndjsonRows((await download(`${downloadPath(projectId)}?format=ndjson&since=${since.toISOString()}`, stack.client.token)).text);
    expect(rows.map((row) => row.body)).toEqual(['comment 5000', 'comment 4000', 'comment 3000', 'comment 2501', 'comment 2000', 'comment 1000']);
  });

  it('has a plan check that sees a sort of the comments whichever input of a merge join reads them, and not the other input’s', () => {
    const comments: PlanNode = { 'Node Type': 'Index Scan', Alias: 'c' };
    const sortedReports: PlanNode = { 'Node Type': 'Sort', 'Parent Relationship': 'Outer', 'Sort Key': ['r.comment_id'], Plans: [{ 'Node Type': 'Seq Scan', Alias: 'r' }] };
    // A Merge Right Join reads the comments as its inner input: they stream, only the reports are sorted.
    expect(sortsAbove({ Plan: { 'Node Type': 'Merge Join', Plans: [sortedReports, { ...comments, 'Parent Relationship': 'Inner' }] } }, 'c')).toEqual([]);
    const sortedComments: PlanNode = { 'Node Type': 'Sort', 'Parent Relationship': 'Inner', 'Sort Key': ['c.created_at', 'c.id'], Plans: [comments] };
    expect(sortsAbove({ Plan: { 'Node Type': 'Merge Join', Plans: [sortedReports, sortedComments] } }, 'c')).toEqual([['c.created_at', 'c.id']]);
  });

  it('streams a wide since= download’s comments, and the whole download’s, in order as it reads them: only their keys are sorted, never the comments', async () => {
    const { projectId, subjectIds } = await voteWorkflow(stack, 1);
    const volunteer = await newAccount(stack, 'Xu');
    const reporter = await newAccount(stack, 'Yan');
    // Every comment changed since the moment (as after its author deleted their account), a tenth of them reported: so
    // many that a sort of them all would hold the download back.
    await seedComments(projectId, subjectIds[0]!, volunteer.id, 'now()', 30_000);
    await seedReports(projectId, reporter.id);
    await stack.db.query('ANALYZE subject_comments; ANALYZE comment_reports');
    const since = new Date(Date.now() - 3_600_000);
    const wide = await planOf(stack, COMMENT_ROWS_SINCE, [projectId, since]);
    const whole = await planOf(stack, COMMENT_ROWS, [projectId]);
    // Of a wide since=, the changed comments' keys alone are sorted (the CTE's rows, not the comments read by them).
    expect(sortsAbove(wide, 'changed')).toEqual([['changed.created_at', 'changed.id']]);
    for (const plan of [wide, whole]) {
      expect(sortsAbove(plan, 'c')).toEqual([]);
    }
    // A sort of the comments is seen: without their indexes, the whole download is sorted.
    await stack.db.query('BEGIN');
    try {
      await stack.db.query('SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off');
      expect(sortsAbove(await planOf(stack, COMMENT_ROWS, [projectId]), 'c')).toEqual([['c.created_at', 'c.id']]);
    } finally {
      await stack.db.query('ROLLBACK');
    }
    const rows = ndjsonRows((await download(`${downloadPath(projectId)}?format=ndjson&since=${since.toISOString()}`, stack.client.token)).text);
    expect(rows.map((row) => row.body)).toEqual(Array.from({ length: 30_000 }, (_, index) => `comment ${30_000 - index}`));
    expect(rows.filter((row) => row.reports_open === 1).length).toBe(3000);
  });
});
