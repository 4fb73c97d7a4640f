import { ChorusClient } from '@chorus/client';
import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { newAccount, newMember } from '../../../test/support/accounts';
import { refusal } from '../../../test/support/requests';
import { type Stack, startStack } from '../../../test/support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

/** A project with a set of three subjects: two images (one described), a text with a highlighted word, an audio clip; metadata of every kind. */
async function setOfSubjects() {
  const project = await stack.client.createProject({ title: `Set file ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Letters, 1850' });
  await stack.client.addSubjects(set.id, [
    {
      externalId: 'letter-1',
      locations: [{ type: 'image', url: 'https://example.org/1.jpg', alt: 'A letter, folded' }, { type: 'image', url: 'https://example.org/1b.jpg' }],
      metadata: { page: 1, note: '=HYPERLINK("https://example.org")', '#box': 'B-12', tags: ['a', 'b'], quote: 'He said "hi", then left\nfor Leeds' },
    },
    { externalId: 'letter-2', locations: [{ type: 'text', text: 'Dear Sir, the keyword here', highlights: [[14, 21]] }], metadata: { page: 2 } },
    { externalId: 'letter-3', locations: [{ type: 'audio', url: 'https://example.org/3.mp3' }], metadata: {} },
  ]);
  return { project, set };
}

const rowsOf = (csv: string) => parse(csv, { columns: true }) as Record<string, string>[];

describe("a subject set's CSV file", () => {
  it('gives the subjects in the set’s order in the upload’s columns, each metadata key a column, escaped and guarded as the other downloads', async () => {
    const { set } = await setOfSubjects();
    const csv = await stack.client.subjectSetCsv(set.id);
    expect(csv.split('\n')[0]).toBe('external_id,image_url,image_alt,image_url_2,image_alt_2,audio_url,text,#box,note,page,quote,tags');
    expect(rowsOf(csv)).toEqual([
      {
        external_id: 'letter-1',
        image_url: 'https://example.org/1.jpg',
        image_alt: 'A letter, folded',
        image_url_2: 'https://example.org/1b.jpg',
        image_alt_2: '',
        audio_url: '',
        text: '',
        '#box': 'B-12',
        note: `'=HYPERLINK("https://example.org")`,
        page: '1',
        quote: 'He said "hi", then left\nfor Leeds',
        tags: '["a","b"]',
      },
      { external_id: 'letter-2', image_url: '', image_alt: '', image_url_2: '', image_alt_2: '', audio_url: '', text: 'Dear Sir, the [[keyword]] here', '#box': '', note: '', page: '2', quote: '', tags: '' },
      { external_id: 'letter-3', image_url: '', image_alt: '', image_url_2: '', image_alt_2: '', audio_url: 'https://example.org/3.mp3', text: '', '#box': '', note: '', page: '', quote: '', tags: '' },
    ]);
  });

  it('is uploaded again into the set without adding a subject: each found by its external id', async () => {
    const { project, set } = await setOfSubjects();
    const csv = await stack.client.subjectSetCsv(set.id);
    const corrected = csv.replace('He said', 'She said');
    const uploaded = await stack.client.uploadSubjects(set.id, corrected, 'text/csv');
    expect([uploaded.created, uploaded.existing, uploaded.addedToSet]).toEqual([0, 3, 0]);
    const { rows } = await stack.db.query('SELECT external_id, locations, metadata FROM subjects WHERE project_id = $1 ORDER BY external_id', [project.id]);
    expect(rows.map((row) => row.external_id)).toEqual(['letter-1', 'letter-2', 'letter-3']);
    // The file's metadata as text, a formula's guard read off again, as README says.
    expect(rows[0].metadata).toEqual({ page: '1', note: '=HYPERLINK("https://example.org")', '#box': 'B-12', tags: '["a","b"]', quote: 'She said "hi", then left\nfor Leeds' });
    expect(rows[1].locations).toEqual([{ type: 'text', text: 'Dear Sir, the keyword here', highlights: [[14, 21]] }]);
    expect((await stack.client.subjectSetCsv(set.id)).split('\n')[0]).toBe(csv.split('\n')[0]);
  });

  it('gives back, uploaded again, the values the formula guard wrote with an apostrophe: nothing added, nothing changed', async () => {
    const project = await stack.client.createProject({ title: `Set file ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Guarded' });
    const metadata = { condition: '- torn', tags: 'torn;-faded;@ink', sum: '=1+1', count: '-5', own: "'-5", quoted: "'=x", '-note': 'a key a spreadsheet would run' };
    await stack.client.addSubjects(set.id, [
      { externalId: '-A12', locations: [{ type: 'text', text: '- item one' }], metadata },
      { externalId: '+B7', locations: [{ type: 'text', text: '@ the start' }], metadata: {} },
    ]);
    const before = await stack.db.query('SELECT id, external_id, locations, metadata FROM subjects WHERE project_id = $1 ORDER BY external_id', [project.id]);
    const csv = await stack.client.subjectSetCsv(set.id);
    // The download keeps the guard: a spreadsheet shows these as text.
    expect(rowsOf(csv)[0]).toMatchObject({ external_id: "'-A12", text: "'- item one", condition: "'- torn", tags: "torn;'-faded;'@ink", sum: "'=1+1", count: '-5', own: "''-5", quoted: "''=x", "'-note": 'a key a spreadsheet would run' });
    const uploaded = await stack.client.uploadSubjects(set.id, csv, 'text/csv');
    expect([uploaded.created, uploaded.existing, uploaded.addedToSet]).toEqual([0, 2, 0]);
    const after = await stack.db.query('SELECT id, external_id, locations, metadata FROM subjects WHERE project_id = $1 ORDER BY external_id', [project.id]);
    // What the second subject lacks comes back as "" (README: a re-upload stores metadata as text, empty cells as "");
    // an apostrophe the guard does not write (before a number) stays.
    const lacking = Object.fromEntries(Object.keys(metadata).map((key) => [key, '']));
    const expected = before.rows.map((row) => (row.external_id === '+B7' ? { ...row, metadata: lacking } : row));
    expect(after.rows).toEqual(expected);
  });

  it('is for the project’s researchers only, and refuses another format naming it', async () => {
    const { project, set } = await setOfSubjects();
    const file = (client: ChorusClient, query = '') => client.request('GET', `/subject-sets/${set.id}/subjects.csv${query}`);
    const stranger = await newAccount(stack, 'Stranger');
    const moderator = await newMember(stack, project.id, 'moderator');
    const scientist = await newMember(stack, project.id, 'scientist');
    await refusal(file(stranger.client), { status: 403 });
    await refusal(file(moderator.client), { status: 403 });
    await refusal(file(stack.anonymous), { status: 401 });
    expect((await scientist.client.subjectSetCsv(set.id)).startsWith('external_id,')).toBe(true);
    await refusal(file(stack.client, '?format=json'), { status: 422, pointers: ['/query/format'] });
  });

  it('opens by a download link without an Authorization header, for a browser to save as it streams; the link is the set’s alone', async () => {
    const { project, set } = await setOfSubjects();
    const open = (url: string) => fetch(`${stack.baseUrl}${url}`).then(async (response) => ({ status: response.status, type: response.headers.get('content-disposition'), text: await response.text() }));
    const link = await stack.client.subjectSetCsvLink(set.id);
    expect(link.url).toMatch(new RegExp(`^/api/v1/subject-sets/${set.id}/subjects\\.csv\\?token=`));
    const opened = await open(link.url);
    expect([opened.status, opened.type]).toEqual([200, expect.stringMatching(/^attachment; filename="subjects-letters-1850-/)]);
    expect(opened.text).toBe(await stack.client.subjectSetCsv(set.id));
    // Another set's address with this link's token is refused, as is the set without any token.
    const other = await stack.client.createSubjectSet(project.id, { name: 'Other' });
    const elsewhere = await open(link.url.replace(set.id, other.id));
    expect([elsewhere.status, JSON.parse(elsewhere.text).errors[0].pointer]).toEqual([401, '/query/token']);
    expect((await open(`/api/v1/subject-sets/${set.id}/subjects.csv`)).status).toBe(401);
    const moderator = await newMember(stack, project.id, 'moderator');
    await refusal(moderator.client.subjectSetCsvLink(set.id), { status: 403 });
  });

  it('is refused, naming them, when metadata keys would be read by an upload as locations, a priority or known answers', async () => {
    const project = await stack.client.createProject({ title: `Set file ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Colliding' });
    const metadata = { Text: 'a caption', '#Priority': '3', 'Gold Standard T0': 'yes', 'Image URL': 'https://example.org/x.jpg', page: '1' };
    await stack.client.addSubjects(set.id, [{ externalId: 'x', locations: [{ type: 'image', url: 'https://example.org/1.jpg' }], metadata }]);
    const refused = await refusal(stack.client.subjectSetCsv(set.id), { status: 409, type: 'urn:chorus:problem:subject-set-file-misread' });
    for (const named of ['"Text" (read as text)', `"#Priority" (read as the subjects' priority)`, '"Gold Standard T0" (read as gold_standard_T0)', '"Image URL" (read as image_url)']) expect(refused.problem.detail).toContain(named);
    expect(refused.problem.detail).not.toContain('"page"');
  });
});
