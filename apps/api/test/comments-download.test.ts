import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { ACCOUNT_PASSWORD, newAccount, newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { voteWorkflow } from '../../../test/support/workflows';
import { COMMENT_COLUMNS } from '../src/exports/comment-rows';

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
    const answer = await stack.client.postComment(subjectId, { projectId, body: 'A postmark: see the date in the ring.' });
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
      author: volunteerRow.id,
      author_role: 'volunteer',
      body: 'A **stamp**? #Stamps #postmark',
      hashtags: ['stamps', 'postmark'],
      created_at: first.createdAt,
      edited_at: expect.any(String),
      hidden: false,
      hidden_reason: null,
      hidden_at: null,
      hidden_by: null,
    });
    expect(rows[1]).toMatchObject({ comment_id: rude.id, subject_id: otherSubjectId, hidden: true, hidden_reason: 'Rude to another volunteer', hidden_at: expect.any(String), hidden_by: moderator.id, edited_at: null });
    expect(rows.slice(2).map((row) => [row.body, row.author, row.author_role])).toEqual([
      ['I was here', 'former volunteer', 'volunteer'],
      ['Please be kind.', moderator.id, 'moderator'],
      ['A postmark: see the date in the ring.', expect.any(String), 'researcher'],
    ]);
    expect(rows[4]!.comment_id).toBe(answer.id);

    const csv = await download(`${downloadPath(projectId)}?format=csv`, stack.client.token, { 'accept-encoding': 'identity' });
    expect([csv.status, csv.headers.get('content-type'), csv.headers.get('content-encoding')]).toEqual([200, 'text/csv; charset=utf-8', null]);
    const records = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(rows.length);
    expect(records.map((record) => record.comment_id)).toEqual(rows.map((row) => row.comment_id));
    expect([records[0]!.hashtags, records[1]!.hidden, records[0]!.hidden]).toEqual(['stamps;postmark', 'true', 'false']);
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
    const since = await download(`${downloadPath(projectId)}?since=2026-12-01`, stack.client.token);
    expect([since.status, JSON.parse(since.text).errors]).toEqual([422, [expect.objectContaining({ pointer: '/query/since' })]]);

    // A link opens this project's download without a header, and no other's; only researchers may ask for one.
    const linked = await fetch(`${stack.baseUrl}/api/v1/projects/${projectId}/comments/download-links`, { method: 'POST', headers: { authorization: `Bearer ${ownersKey.secret}` } });
    expect(linked.status).toBe(201);
    const { url } = (await linked.json()) as { url: string };
    expect(url).toMatch(new RegExp(`^${downloadPath(projectId)}\\?token=`));
    expect((await download(`${url}&format=csv`, undefined)).status).toBe(200);
    const token = new URL(url, stack.baseUrl).searchParams.get('token')!;
    expect((await download(`${downloadPath(other.projectId)}?token=${encodeURIComponent(token)}`, undefined)).status).toBe(401);
    const asked = await fetch(`${stack.baseUrl}/api/v1/projects/${projectId}/comments/download-links`, { method: 'POST', headers: { authorization: `Bearer ${moderator.token}` } });
    expect(asked.status).toBe(403);
    // A draft project's download is no outsider's business: 404, as its discussions.
    const draft = await stack.client.createProject({ title: `Draft ${randomUUID().slice(0, 8)}` });
    expect((await download(downloadPath(draft.id), volunteer.token)).status).toBe(404);
    expect((await download(downloadPath(draft.id), stack.client.token)).text).toBe(`${Object.keys(COMMENT_COLUMNS).join(',')}\n`);
  });
});
