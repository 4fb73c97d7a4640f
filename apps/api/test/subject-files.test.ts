import { createHash, randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';
import { signUp } from '../../../test/support/accounts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

async function newSet() {
  const project = await stack.client.createProject({ title: `Files ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Upload' });
  return { projectId: project.id, setId: set.id };
}

async function upload(setId: string, body: string, contentType: string, query = '') {
  const response = await fetch(`${stack.baseUrl}/api/v1/subject-sets/${setId}/subjects${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${stack.client.token}` },
    body,
  });
  return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as { errors?: { pointer: string; message: string }[] } & Record<string, unknown> };
}

const subjectsOf = async (projectId: string) =>
  // One upload is one transaction (one created_at); its passages are named in their order, and their number orders the unnamed.
  (await stack.db.query("SELECT external_id, locations, metadata, gold_standard FROM subjects WHERE project_id = $1 ORDER BY created_at, external_id, (metadata->>'passage')::int", [projectId])).rows;

describe('subject uploads from files', () => {
  it('reads a CSV file: a subject per row, locations from image_url, iiif_service, image_alt and text columns, the rest metadata (an empty cell as "")', async () => {
    const { projectId, setId } = await newSet();
    const csv = [
      'external_id,image_url,iiif_service,image_alt,text,gold_standard_T0,newspaper,#box',
      'p1,https://example.org/p1.jpg,https://example.org/iiif/p1,,"Mr. Smith, of Leeds",yes,The Daily Test,B12',
      'p2,https://example.org/p2.jpg,,A horse-drawn coach outside an inn,,,The Evening Test,',
    ].join('\r\n');
    const answer = await upload(setId, csv, 'text/csv; charset=utf-8');
    expect(answer).toMatchObject({ status: 201, body: { created: 2, existing: 0 } });
    expect(await subjectsOf(projectId)).toEqual([
      {
        external_id: 'p1',
        locations: [{ type: 'image', url: 'https://example.org/p1.jpg', iiifService: 'https://example.org/iiif/p1' }, { type: 'text', text: 'Mr. Smith, of Leeds' }],
        metadata: { newspaper: 'The Daily Test', '#box': 'B12' },
        gold_standard: { T0: 'yes' },
      },
      // The empty #box is kept as "", as a JSON upload's would be; the empty iiif_service, text and gold standard are none.
      { external_id: 'p2', locations: [{ type: 'image', url: 'https://example.org/p2.jpg', alt: 'A horse-drawn coach outside an inn' }], metadata: { newspaper: 'The Evening Test', '#box': '' }, gold_standard: null },
    ]);
    const lonelyAlt = await upload(setId, 'external_id,image_alt,text\nq1,A coach,Hi\n', 'text/csv');
    expect(lonelyAlt.body.errors).toEqual([{ pointer: '/subjects/0', message: 'has an image_alt but no image_url for it (line 2 of the CSV)' }]);
  });

  it('reads a CSV file saved with semicolons or tabs, skipping rows of empty cells, and highlights [[marked]] words of its text columns', async () => {
    const { projectId, setId } = await newSet();
    // Excel writes rows of separators only after rows it formatted: they are skipped, as blank lines are.
    expect(await upload(setId, 'external_id;text;caption\r\ns1;The [[coach]] left;A note, with a comma\r\n;;\r\n ; ;\r\n', 'text/csv')).toMatchObject({ status: 201, body: { created: 1 } });
    const afterEmpty = await upload(setId, 'external_id;text\n;\nbad;\n', 'text/csv');
    expect(afterEmpty.body.errors).toEqual([{ pointer: '/subjects/0/locations', message: 'a subject needs at least one location: an image, a sound or a text (line 3 of the CSV)' }]);
    expect(await upload(setId, 'external_id\ttext\ns2\tA plain one\n', 'text/tab-separated-values')).toMatchObject({ status: 201, body: { created: 1 } });
    // As Windows labels a .csv file.
    expect(await upload(setId, 'external_id;"Date, place";text\ns3;"1851, Leeds";Third\n', 'application/vnd.ms-excel')).toMatchObject({ status: 201, body: { created: 1 } });
    // As many commas as semicolons: the semicolons split off the column volunteers see.
    expect(await upload(setId, 'external_id;text;Ort, Land, Region\ns5;Fifth;Leeds, England, UK\n', 'text/csv')).toMatchObject({ status: 201, body: { created: 1 } });
    // Empty cells after the last column, as Excel writes them, and a quote inside a cell typed by hand.
    expect(await upload(setId, 'external_id,text\ns4,The 12" record,,\n', 'text/csv')).toMatchObject({ status: 201, body: { created: 1 } });
    expect(await subjectsOf(projectId)).toEqual([
      { external_id: 's1', locations: [{ type: 'text', text: 'The coach left', highlights: [[4, 9]] }], metadata: { caption: 'A note, with a comma' }, gold_standard: null },
      { external_id: 's2', locations: [{ type: 'text', text: 'A plain one' }], metadata: {}, gold_standard: null },
      { external_id: 's3', locations: [{ type: 'text', text: 'Third' }], metadata: { 'Date, place': '1851, Leeds' }, gold_standard: null },
      { external_id: 's5', locations: [{ type: 'text', text: 'Fifth' }], metadata: { 'Ort, Land, Region': 'Leeds, England, UK' }, gold_standard: null },
      { external_id: 's4', locations: [{ type: 'text', text: 'The 12" record' }], metadata: {}, gold_standard: null },
    ]);
  });

  it('refuses a CSV file with a bad row or that is not CSV, naming the row and its line, and stores nothing', async () => {
    const { projectId, setId } = await newSet();
    const badRow = await upload(setId, 'external_id,image_url,note\na,https://example.org/a.jpg,"two\nlines"\n\nb,ftp://example.org/b.jpg,\n', 'text/csv');
    expect(badRow.status).toBe(422);
    expect(badRow.contentType).toMatch(/^application\/problem\+json/);
    expect(badRow.body.errors).toEqual([{ pointer: '/subjects/1/locations/0/url', message: 'must be an http(s) URL (line 5 of the CSV, column "image_url")' }]);
    // The same from Windows: a quoted line break of \r\n is one line too.
    const fromWindows = await upload(setId, 'external_id,image_url,note\r\na,https://example.org/a.jpg,"two\r\nlines"\r\n"c","https://example.org/c.jpg","three\r\nmore\r\nlines"\r\n\r\nb,ftp://example.org/b.jpg,\r\n', 'text/csv');
    expect(fromWindows.body.errors).toEqual([{ pointer: '/subjects/2/locations/0/url', message: 'must be an http(s) URL (line 8 of the CSV, column "image_url")' }]);
    // From an old Mac, each line ended by a lone \r; and a ragged row after quoted Windows line breaks.
    const fromOldMac = await upload(setId, 'external_id,image_url\ra,https://example.org/a.jpg\rb,ftp://example.org/b.jpg\r', 'text/csv');
    expect(fromOldMac.body.errors).toEqual([{ pointer: '/subjects/1/locations/0/url', message: 'must be an http(s) URL (line 3 of the CSV, column "image_url")' }]);
    const raggedFromWindows = await upload(setId, 'external_id,text\r\na,"one\r\ntwo\r\nthree"\r\nb\r\n', 'text/csv');
    expect(raggedFromWindows.body.errors).toEqual([{ pointer: '', message: expect.stringMatching(/^is not valid CSV with a header row: line 5 has 1 cell,/) }]);
    const ragged = await upload(setId, 'external_id,text\na,one\nb,two,three,\n', 'text/csv');
    expect(ragged.status).toBe(422);
    expect(ragged.body.errors).toEqual([{ pointer: '', message: expect.stringMatching(/^is not valid CSV with a header row: line 3 has 4 cells, not as many as the header's 2 columns: quote a cell that holds "," /) }]);
    const short = await upload(setId, 'external_id,text,note\na,one\n', 'text/csv');
    expect(short.body.errors).toEqual([{ pointer: '', message: expect.stringMatching(/^is not valid CSV with a header row: line 2 has 2 cells/) }]);
    const one = await upload(setId, 'external_id,text,note\na,one,x\nb\n', 'text/csv');
    expect(one.body.errors).toEqual([{ pointer: '', message: expect.stringMatching(/^is not valid CSV with a header row: line 3 has 1 cell, not as many as the header's 3 columns: .*give the row the header's columns$/) }]);
    const unnamed = await upload(setId, 'external_id,text,\na,one,\n', 'text/csv');
    expect(unnamed.body.errors).toEqual([{ pointer: '', message: expect.stringMatching(/column 3 of the header has no name: name it, or delete the column/) }]);
    const noLocation = await upload(setId, 'external_id,newspaper\na,The Daily Test\n', 'text/csv');
    expect(noLocation.body.errors).toEqual([{ pointer: '', message: expect.stringMatching(/^has no column that gives a subject what volunteers see: its header \(line 1\) reads "external_id", "newspaper"; name one image_url, audio_url or text .*every other column is metadata$/) }]);
    // A repeated external id names both rows by their lines, not the first by its place among the subjects: the lines
    // they start on, where a quoted cell's line breaks do not end them, and after a blank line.
    const repeated = await upload(setId, 'external_id,text,note\nBNL-1,"one","two\nlines"\nBNL-2,two,\n\nBNL-1,"three\nfour",\n', 'text/csv');
    expect(repeated.body.errors).toEqual([{ pointer: '/subjects/2/externalId', message: 'repeats line 2\'s externalId "BNL-1" (line 6 of the CSV, column "external_id")' }]);
    const repeatedTabs = await upload(setId, 'external_id\ttext\nBNL-1\tone\nBNL-2\ttwo\nBNL-1\tthree\n', 'text/tab-separated-values');
    expect(repeatedTabs.body.errors).toEqual([{ pointer: '/subjects/2/externalId', message: 'repeats line 2\'s externalId "BNL-1" (line 4 of the CSV, column "external_id")' }]);
    // A field of a row is named by its column as the header writes it, as well as its line: an image written into its
    // cell as a data: URL, said as such (tester 21b F5), an image_url_2's description too long, an id column named otherwise.
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const columns = await upload(setId, `External_ID,Image_URL,image_url_2,image_alt_2,Letter date\nl1,https://example.org/1.jpg,"${png}",,1851\nl2,https://example.org/2.jpg,https://example.org/2b.jpg,${'x'.repeat(2001)},1852\n`, 'text/csv');
    expect(columns.body.errors).toEqual([
      { pointer: '/subjects/0/locations/1/url', message: expect.stringMatching(/^is a data: URL \(the file itself written into the cell\): .*give its http\(s\) address \(line 2 of the CSV, column "image_url_2"\)$/) },
      { pointer: '/subjects/1/locations/1/alt', message: expect.stringMatching(/ \(line 3 of the CSV, column "image_alt_2"\)$/) },
    ]);
    const idless = await upload(setId, 'Subject_ID,text\nsame,one\nsame,two\n', 'text/csv');
    expect(idless.body.errors).toEqual([{ pointer: '/subjects/1/externalId', message: 'repeats line 2\'s externalId "same" (line 3 of the CSV, column "Subject_ID")' }]);
    // A header alone (a try at an empty set, round 16a F1): the refusal says how an empty set is made.
    const headerOnly = await upload(setId, 'external_id,image_url\n', 'text/csv');
    expect(headerOnly).toMatchObject({ status: 422, body: { errors: [{ pointer: '', message: expect.stringMatching(/^holds no subject .*make the set without uploading a file$/) }] } });
    expect(await subjectsOf(projectId)).toEqual([]);
  });

  it('reads the known columns in any case, keeping the task key of a gold standard and every other column as written', async () => {
    const { projectId, setId } = await newSet();
    const answer = await upload(setId, 'External_ID,Image_URL,IIIF_Service,GOLD_STANDARD_T0,Newspaper\nc1,https://example.org/c1.jpg,https://example.org/iiif/c1,yes,The Daily Test\n', 'text/csv');
    expect(answer).toMatchObject({ status: 201, body: { created: 1 } });
    expect(await subjectsOf(projectId)).toEqual([
      {
        external_id: 'c1',
        locations: [{ type: 'image', url: 'https://example.org/c1.jpg', iiifService: 'https://example.org/iiif/c1' }],
        metadata: { Newspaper: 'The Daily Test' },
        gold_standard: { T0: 'yes' },
      },
    ]);
    const twice = await upload(setId, 'image_url,Image_URL\nhttps://example.org/a.jpg,https://example.org/b.jpg\n', 'text/csv');
    expect(twice.status).toBe(422);
    expect(twice.body.errors).toEqual([{ pointer: '', message: expect.stringContaining('has two columns that both name image_url on line 1, its header: "image_url" (column 1) and "Image_URL" (column 2)') }]);
  });

  it('reads a Zooniverse manifest: subject_id is the external id when there is none, so the file sent again adds nothing; image_url_N in column order', async () => {
    const { projectId, setId } = await newSet();
    const manifest = [
      'subject_id,#filename,//note,image_url_1,image_url_3,date',
      '1001,p1.jpg,donor,https://example.org/p1.jpg,https://example.org/p1b.jpg,1851-03-04',
      '1002,p2.jpg,,https://example.org/p2.jpg,,1851-03-05',
    ].join('\n');
    const first = await upload(setId, manifest, 'text/csv');
    expect(first).toMatchObject({ status: 201, body: { created: 2, existing: 0 } });
    expect(first.body.warnings).toEqual([
      { pointer: '', message: 'The column "subject_id" was read as external_id (as Zooniverse names a subject\'s id), not kept as metadata: the file sent again finds these subjects by it.' },
      { pointer: '/subjects', message: expect.stringContaining('3 images have no description') },
    ]);
    // A retry after a timeout, or the file sent again: nothing is added.
    expect(await upload(setId, manifest, 'text/csv')).toMatchObject({ status: 201, body: { created: 0, existing: 2 } });
    expect(await subjectsOf(projectId)).toEqual([
      {
        external_id: '1001',
        locations: [{ type: 'image', url: 'https://example.org/p1.jpg' }, { type: 'image', url: 'https://example.org/p1b.jpg' }],
        metadata: { '#filename': 'p1.jpg', '//note': 'donor', date: '1851-03-04' },
        gold_standard: null,
      },
      { external_id: '1002', locations: [{ type: 'image', url: 'https://example.org/p2.jpg' }], metadata: { '#filename': 'p2.jpg', '//note': '', date: '1851-03-05' }, gold_standard: null },
    ]);
    // Beside an external_id column, subject_id is metadata (Zooniverse's id, say); without either, the answer says a file sent again adds its rows again.
    const both = await upload(setId, 'external_id,Subject_ID,text\nx1,99,Hello\n', 'text/csv');
    expect(both.body.warnings).toBeUndefined();
    const noId = await upload(setId, 'text,date\nHello again,1851\n', 'text/csv');
    expect(noId.body.warnings).toEqual([{ pointer: '', message: expect.stringMatching(/^The file has no external_id column: sending it again adds every row again, as new subjects\./) }]);
    expect((await stack.db.query("SELECT metadata FROM subjects WHERE project_id = $1 AND external_id = 'x1'", [projectId])).rows[0].metadata).toEqual({ Subject_ID: '99' });
  });

  it("reads Zooniverse's #priority column as the subjects' priority in the set's workflows, with a warning, and refuses one that is not a number, naming its line and column (round 25)", async () => {
    const { projectId, setId } = await newSet();
    const { id: workflowId } = await stack.client.createWorkflow(projectId, {
      name: 'W',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      selection: { order: 'priority' },
      subjectSetIds: [setId],
    });
    const priorities = async () =>
      Object.fromEntries(
        (await stack.db.query('SELECT s.external_id, st.priority, s.metadata FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1', [workflowId])).rows.map((row) => [
          row.external_id,
          [row.priority, row.metadata],
        ]),
      );
    const first = await upload(setId, 'external_id,text,#priority,date\na,A,2,1851\nb,B,-0.5,1852\nc,C,,1853\n', 'text/csv');
    expect(first).toMatchObject({ status: 201, body: { created: 3 } });
    expect(first.body.warnings).toEqual([{ pointer: '', message: expect.stringMatching(/^The column "#priority" was read as the subjects' priority in the workflows this set feeds .*not kept as metadata\.$/) }]);
    expect(await priorities()).toEqual({ a: [2, { date: '1851' }], b: [-0.5, { date: '1852' }], c: [0, { date: '1853' }] });
    // The file sent again, `priority` in any case, sets them again.
    expect(await upload(setId, 'external_id,text,Priority\na,A,1e1\n', 'text/csv')).toMatchObject({ status: 201, body: { existing: 1 } });
    expect((await priorities()).a).toEqual([10, { date: '1851' }]);

    const refused = await upload(setId, 'external_id,text,#priority\nd,D,high\ne,E,3\n', 'text/csv');
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ pointer: '/subjects/0/priority', message: expect.stringMatching(/^is "high", not a number: .*\(line 2 of the CSV, column "#priority"\)$/) }]);
    expect(Object.keys(await priorities()).sort()).toEqual(['a', 'b', 'c']);
    // Two priority columns: neither is surely the one meant, so the file is refused, naming both, and a's priority stays.
    const both = await upload(setId, 'external_id,text,#priority,priority\na,A,1,5\n', 'text/csv');
    expect(both.status).toBe(422);
    expect(both.body.errors).toEqual([{ pointer: '', message: expect.stringMatching(/^has two priority columns on line 1, its header: "#priority" \(column 3\) and "priority" \(column 4\), .*rename or delete the other/) }]);
    expect((await priorities()).a).toEqual([10, { date: '1851' }]);
  });

  it("keeps a file's #priority with the set, so a workflow linked to it later starts its subjects there, whatever another workflow's researchers set since", async () => {
    const { projectId, setId } = await newSet();
    const definition = (name: string, subjectSetIds: string[]) => ({
      name,
      firstTask: 'T0',
      tasks: { T0: { type: 'single' as const, question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      selection: { order: 'priority' as const },
      subjectSetIds,
    });
    const priorities = async (workflowId: string) =>
      Object.fromEntries(
        (await stack.db.query('SELECT s.external_id, st.priority FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1', [workflowId])).rows.map((row) => [row.external_id, row.priority]),
      );
    const { id: first } = await stack.client.createWorkflow(projectId, definition('First', [setId]));
    expect(await upload(setId, 'external_id,text,#priority\na,A,2\nb,B,-0.5\nc,C,\n', 'text/csv')).toMatchObject({ status: 201, body: { created: 3 } });
    // The first workflow's researchers change a's priority there: that workflow's own.
    await stack.client.setPriorities(first, [{ externalId: 'a', priority: 7 }]);
    const { id: later } = await stack.client.createWorkflow(projectId, definition('Linked later', [setId]));
    expect(await priorities(later)).toEqual({ a: 2, b: -0.5, c: 0 });
    expect(await priorities(first)).toEqual({ a: 7, b: -0.5, c: 0 });
    const served = await stack.client.queue(later, 3);
    expect(served.subjects.map((subject) => subject.externalId)).toEqual(['b', 'c', 'a']);
    // A subject two linked sets gave priorities starts at the lowest; the file sent again sets it in every workflow the set feeds.
    const { id: other } = (await stack.client.createSubjectSet(projectId, { name: 'Urgent' }));
    expect(await upload(other, 'external_id,text,priority\na,A,1\n', 'text/csv')).toMatchObject({ status: 201, body: { existing: 1 } });
    const { id: both } = await stack.client.createWorkflow(projectId, definition('Both', [setId, other]));
    expect((await priorities(both)).a).toBe(1);
    expect(await upload(setId, 'external_id,text,#priority\na,A,3\n', 'text/csv')).toMatchObject({ status: 201, body: { existing: 1 } });
    expect([(await priorities(first)).a, (await priorities(later)).a, (await priorities(both)).a]).toEqual([3, 3, 3]);
  });

  it('reads gold standards given as JSON, and refuses what it cannot read faithfully: repeated columns, a service without its image, text that is not UTF-8', async () => {
    const { projectId, setId } = await newSet();
    const gold = await upload(setId, 'external_id,text,gold_standard_T0,gold_standard_T1\ng1,Hi,yes,"[""horse"",""coach""]"\n', 'text/csv');
    expect(gold.status).toBe(201);
    expect((await subjectsOf(projectId))[0].gold_standard).toEqual({ T0: 'yes', T1: ['horse', 'coach'] });
    const repeated = await upload(setId, 'external_id,text,meta,meta\nr1,Hi,a,b\n', 'text/csv');
    expect(repeated.body.errors).toEqual([{ pointer: '', message: expect.stringContaining('the column "meta" appears twice') }]);
    const lonelyService = await upload(setId, 'external_id,iiif_service,text\ni1,https://iiif.example.org/x,Hi\n', 'text/csv');
    expect(lonelyService.body.errors).toEqual([{ pointer: '/subjects/0', message: 'has an iiif_service but no image_url for it (line 2 of the CSV)' }]);
    const latin1 = await fetch(`${stack.baseUrl}/api/v1/subject-sets/${setId}/subjects`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv; charset=iso-8859-1', authorization: `Bearer ${stack.client.token}` },
      body: Buffer.from('external_id,text\nc1,caf\xe9\n', 'latin1'),
    });
    expect(latin1.status).toBe(415);
    const notUtf8 = await fetch(`${stack.baseUrl}/api/v1/subject-sets/${setId}/subjects`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${stack.client.token}` },
      body: Buffer.from('external_id,text\nc1,caf\xe9\n', 'latin1'),
    });
    expect(notUtf8.status).toBe(415);
    expect(((await notUtf8.json()) as { errors: unknown[] }).errors).toEqual([
      { pointer: '', message: 'holds bytes that are not UTF-8, the first on line 2; save the file as UTF-8 (in Excel: Save As, "CSV UTF-8")' },
    ]);
    // Excel's "Unicode Text": UTF-16 with its byte-order mark, and without one (read as UTF-8, its ASCII is all NULs).
    const utf16 = '\ufeffexternal_id,text\nu1,café\n';
    for (const body of [Buffer.from(utf16, 'utf16le'), Buffer.from(utf16.slice(1).replace('é', 'e'), 'utf16le')]) {
      const sent = await fetch(`${stack.baseUrl}/api/v1/subject-sets/${setId}/subjects`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${stack.client.token}` }, body });
      expect(sent.status).toBe(415);
      expect(((await sent.json()) as { errors: unknown[] }).errors).toEqual([
        { pointer: '', message: 'is UTF-16 (as Excel\'s "Unicode Text" and some Windows tools save files); save the file as UTF-8 (in Excel: Save As, "CSV UTF-8")' },
      ]);
    }
    const idless = await upload(setId, 'external_id,text\nn1,One\n,Two\nn3,Three\n', 'text/csv');
    expect(idless.body.errors).toEqual([{ pointer: '/subjects/1/externalId', message: expect.stringMatching(/^is empty, though other rows have one: .* \(line 3 of the CSV, column "external_id"\)$/) }]);
    const unclosed = await upload(setId, 'external_id,text\nq0,fine\nq1,"never closed\nq2,fine\n', 'text/csv');
    expect(unclosed.body.errors).toEqual([{ pointer: '', message: expect.stringContaining('is not valid CSV with a header row: a cell\'s opening quote (") is never closed, so the file from there on line 3 to its end (line 4)') }]);
    const trailing = await upload(setId, 'external_id,text\nq0,fine\nq1,"quoted" then more\n', 'text/csv');
    expect(trailing.body.errors).toEqual([
      { pointer: '', message: 'is not valid CSV with a header row: line 3 has a quoted cell in the column "text" with more text after its closing quote ("like this" that): put the whole cell in quotes and double each quote inside it ("like ""this"" that"), or remove its quotes' },
    ]);
    expect((await subjectsOf(projectId)).map((subject) => subject.external_id)).toEqual(['g1']);
  });

  it('reads a text corpus: a subject per passage, with [[marked]] words highlighted', async () => {
    const { projectId, setId } = await newSet();
    const corpus = 'TO BE SOLD, a [[carriage]] and a pair of horses.\n\n  \nThe [[carriage]] of the [[Mayor]] passed.\r\nIt rained.\n\nOdd [[a [[b]] c]] and [[]] and [[ ]].';
    expect((await upload(setId, corpus, 'text/plain')).body).toMatchObject({ created: 3 });
    expect((await subjectsOf(projectId)).map((subject) => [subject.locations, subject.metadata])).toEqual([
      [[{ type: 'text', text: 'TO BE SOLD, a carriage and a pair of horses.', highlights: [[14, 22]] }], { passage: 1 }],
      [[{ type: 'text', text: 'The carriage of the Mayor passed.\nIt rained.', highlights: [[4, 12], [20, 25]] }], { passage: 2 }],
      // Only a word without brackets inside is a mark: the rest stays as it was written.
      [[{ type: 'text', text: 'Odd [[a b c]] and [[]] and [[ ]].', highlights: [[8, 9]] }], { passage: 3 }],
    ]);
    // A "[[" never closed is read in time that grows with the text: as the square, this one held the API for minutes.
    const unclosed = await upload(setId, `[[${'a'.repeat(400_000)}`, 'text/plain');
    expect(unclosed.status).toBe(422);
    expect(unclosed.body.errors).toEqual([expect.objectContaining({ pointer: '/subjects/0/locations/0/text' })]);
    // A file of blank lines has nothing to read; a JSON list is not the body's shape, and says which is.
    expect((await upload(setId, '\n \n\n', 'text/plain')).body.errors).toEqual([
      { pointer: '', message: 'has no text: send passages, each separated from the next by a blank line (or, for passages of several paragraphs, by a line --- or a form feed)' },
    ]);
    expect((await upload(setId, '[{"locations":[]}]', 'application/json')).body.errors).toEqual([{ pointer: '', message: 'is a list: send the subjects as { "subjects": [...] }' }]);
  });

  it('reads a corpus of letters split by a line --- or a form feed there only, keeping each letter’s paragraphs together', async () => {
    const { projectId, setId } = await newSet();
    const letters = 'Dear Sister,\n\nI write from [[Leeds]].\n\nYour loving brother\n---\nMy dear Tom,\r\n\r\nThe harvest was poor.\n  -----  \nA third.\fA fourth,\n\non its own page.\n\f\n';
    expect((await upload(setId, letters, 'text/plain')).body).toMatchObject({ created: 4 });
    expect((await subjectsOf(projectId)).map((subject) => subject.locations[0])).toEqual([
      { type: 'text', text: 'Dear Sister,\n\nI write from Leeds.\n\nYour loving brother', highlights: [[27, 32]] },
      { type: 'text', text: 'My dear Tom,\n\nThe harvest was poor.' },
      { type: 'text', text: 'A third.' },
      { type: 'text', text: 'A fourth,\n\non its own page.' },
    ]);
    // A passage's first line keeps its indentation, as its other lines do; the blank lines around it go.
    const { projectId: poems, setId: poemSet } = await newSet();
    const verse = '\n  \n    The sea is calm tonight.\n  The tide is full.\n \n\n\tSir,\nI am yours.  \n---\n\n      Dover, 1851\n\n';
    expect((await upload(poemSet, verse, 'text/plain')).body).toMatchObject({ created: 2 });
    expect((await subjectsOf(poems)).map((subject) => subject.locations[0].text)).toEqual(['    The sea is calm tonight.\n  The tide is full.\n \n\n\tSir,\nI am yours.', '      Dover, 1851']);
    const { projectId: stanzas, setId: stanzaSet } = await newSet();
    expect((await upload(stanzaSet, '   Whose woods these are\nI think I know.\n\n\n  His house is in the village though;', 'text/plain')).body).toMatchObject({ created: 2 });
    expect((await subjectsOf(stanzas)).map((subject) => subject.locations[0].text)).toEqual(['   Whose woods these are\nI think I know.', '  His house is in the village though;']);
    // Hyphens inside a line, or fewer than three, are text.
    expect((await upload(setId, 'A well-known -- and --- dash\n--\nstays.', 'text/plain')).body).toMatchObject({ created: 1 });
  });

  it('recognises a text corpus sent again by its passages’ text, adding nothing, and keeps a passage the corpus repeats as many subjects', async () => {
    const { projectId, setId } = await newSet();
    const corpus = 'Dear [[Sir]], the vestry met.\n\n[Page left blank.]\n\nThe rates were set.\n\n[Page left blank.]';
    expect((await upload(setId, corpus, 'text/plain')).body).toMatchObject({ created: 4, existing: 0, addedToSet: 4 });
    // Sent again (a dropped connection, a "did it work?"): every passage is found, nothing added.
    expect((await upload(setId, corpus, 'text/plain')).body).toMatchObject({ created: 0, existing: 4, addedToSet: 0, updated: 0 });
    // A corpus with a passage inserted: the new one is added, the others found (their passage numbers corrected).
    const longer = corpus.replace('\n\nThe rates', '\n\nA new churchwarden.\n\nThe rates');
    expect((await upload(setId, longer, 'text/plain')).body).toMatchObject({ created: 1, existing: 4, addedToSet: 1, updated: 2 });
    const stored = await subjectsOf(projectId);
    // Each passage is named by its set and its number when first uploaded (tester 22 F9), a name it keeps when it moves:
    // the one inserted at 3, whose number "The rates" had, takes the first name free.
    expect(stored.map((subject) => [subject.locations[0].text, subject.metadata.passage, subject.external_id]).sort()).toEqual(
      [
        ['A new churchwarden.', 3, 'Upload#3 (2)'],
        ['Dear Sir, the vestry met.', 1, 'Upload#1'],
        ['The rates were set.', 4, 'Upload#3'],
        ['[Page left blank.]', 2, 'Upload#2'],
        ['[Page left blank.]', 5, 'Upload#4'],
      ].sort(),
    );
    // Sent again, named so, it adds nothing and renames nothing.
    expect((await upload(setId, longer, 'text/plain')).body).toMatchObject({ created: 0, existing: 5, addedToSet: 0, updated: 0 });
    expect(await subjectsOf(projectId)).toEqual(stored);
    // Into another set of the project, the same passages join it, as subjects with ids do, keeping their names; a
    // passage new to the project is named by its own set.
    const other = await stack.client.createSubjectSet(projectId, { name: 'Other' });
    expect((await upload(other.id, corpus, 'text/plain')).body).toMatchObject({ created: 0, existing: 4, addedToSet: 4 });
    expect((await upload(other.id, `${corpus}\n\nThe vestry rose.`, 'text/plain')).body).toMatchObject({ created: 1, existing: 4, addedToSet: 1 });
    expect((await subjectsOf(projectId)).map((subject) => subject.external_id)).toEqual([...stored.map((subject) => subject.external_id), 'Other#5']);
  });

  it('names a corpus’s passages by its file’s name when the upload gives it (fileName), and refuses it for another upload (tester 22 F9)', async () => {
    const { projectId, setId } = await newSet();
    const names = async () => (await subjectsOf(projectId)).map((subject) => subject.external_id);
    expect((await upload(setId, 'Dear Sister,\n\nMy dear Tom,', 'text/plain', '?fileName=letters-1890.txt')).body).toMatchObject({ created: 2 });
    // A path's folders and the last extension go; a name that is only an extension names by the set.
    expect((await upload(setId, 'A diary.', 'text/plain', `?fileName=${encodeURIComponent('C:\\scans\\diary.v2.txt')}`)).body).toMatchObject({ created: 1 });
    expect((await upload(setId, 'Hidden.', 'text/plain', '?fileName=.txt')).body).toMatchObject({ created: 1 });
    expect(await names()).toEqual(['letters-1890#1', 'letters-1890#2', 'diary.v2#1', 'Upload#1']);
    // Sent again under another name, the passages are found, keeping theirs.
    expect((await upload(setId, 'Dear Sister,\n\nMy dear Tom,', 'text/plain', '?fileName=copy.txt')).body).toMatchObject({ created: 0, existing: 2 });
    expect(await names()).toEqual(['letters-1890#1', 'letters-1890#2', 'diary.v2#1', 'Upload#1']);
    // A name for what has no passages, an empty one or one too long: refused, naming it, nothing stored.
    for (const [body, type, query, message] of [
      ['external_id,text\nc1,A row', 'text/csv', '?fileName=rows.csv', 'names a text corpus’s passages (text/plain) only: leave it out for this upload'],
      ['A passage.', 'text/plain', '?fileName=%20', 'must name the file, or be left out'],
      ['A passage.', 'text/plain', `?fileName=${'n'.repeat(201)}`, expect.stringContaining('200')],
    ] as const) {
      const refused = await upload(setId, body, type, query);
      expect([refused.status, refused.contentType, refused.body.errors]).toEqual([422, expect.stringContaining('application/problem+json'), [{ pointer: '/query/fileName', message }]]);
    }
    expect(await names()).toEqual(['letters-1890#1', 'letters-1890#2', 'diary.v2#1', 'Upload#1']);
  });

  it('finds a corpus uploaded before passages kept their first line’s indentation, by the key its passages had then, keeping them as stored and saying so', async () => {
    const { projectId, setId } = await newSet();
    // As a Chorus before 2026-12 stored it: each passage trimmed whole, keyed by that text's SHA-256 (and `#n`).
    const formerly = ['The sea is calm tonight.\n  The tide is full.', 'Dear [[Sir]],\nI am yours.', 'Dover, 1851'];
    for (const [index, text] of formerly.entries()) {
      const key = `${createHash('sha256').update(text).digest('hex')}#1`;
      const locations = [{ type: 'text', text: text.replace(/\[\[|\]\]/g, ''), ...(text.includes('[[') ? { highlights: [[5, 8]] } : {}) }];
      await stack.db.query('INSERT INTO subjects (project_id, locations, metadata, content_key) VALUES ($1, $2, $3, $4)', [projectId, JSON.stringify(locations), { passage: index + 1 }, key]);
    }
    const before = await subjectsOf(projectId);
    const corpus = '    The sea is calm tonight.\n  The tide is full.\n\n\tDear [[Sir]],\nI am yours.\n\nDover, 1851\n\n  A postscript.';
    const again = await upload(setId, corpus, 'text/plain');
    expect(again).toMatchObject({ status: 201, body: { created: 1, existing: 3, addedToSet: 4, updated: 0 } });
    expect(again.body.warnings).toEqual([
      { pointer: '/subjects', message: "2 passages were found as uploaded before, by an older Chorus, without the indentation of their first line: they stay so (a subject's content never changes under its classifications)." },
    ]);
    // Stored as they were, but named now (they had no name); the passage new to the project as now read, its indentation kept.
    const named = before.map((subject, index) => ({ ...subject, external_id: `Upload#${index + 1}` }));
    expect(await subjectsOf(projectId)).toEqual([...named, { external_id: 'Upload#4', locations: [{ type: 'text', text: '  A postscript.' }], metadata: { passage: 4 }, gold_standard: null }]);
    expect((await upload(setId, corpus, 'text/plain')).body).toMatchObject({ created: 0, existing: 4, addedToSet: 0 });

    // A repeated text, indented once: stored then as `#1` and `#2` of one text; found as such, however numbered now.
    const { projectId: pages, setId: pageSet } = await newSet();
    expect((await upload(pageSet, '[Page left blank.]\n\n[Page left blank.]\n\nThe end.', 'text/plain')).body).toMatchObject({ created: 3 });
    const indented = await upload(pageSet, '   [Page left blank.]\n\n[Page left blank.]\n\n[Page left blank.]\n\nThe end.', 'text/plain');
    expect(indented.body).toMatchObject({ created: 1, existing: 3, updated: 1, warnings: [{ pointer: '/subjects', message: expect.stringMatching(/^A passage was found as uploaded before/) }] });
    expect((await subjectsOf(pages)).map((subject) => [subject.locations[0].text, subject.metadata.passage])).toEqual([
      ['[Page left blank.]', 1],
      ['[Page left blank.]', 2],
      ['The end.', 4],
      ['[Page left blank.]', 3],
    ]);
    // A corpus uploaded as now read is found by its own keys, with no warning.
    const { setId: fresh } = await newSet();
    expect((await upload(fresh, corpus, 'text/plain')).body).toMatchObject({ created: 4 });
    const same = await upload(fresh, corpus, 'text/plain');
    expect(same.body).toMatchObject({ created: 0, existing: 4 });
    expect(same.body.warnings).toBeUndefined();
  });

  it('takes files of many megabytes on the upload route only: other routes refuse a body over 1 MiB before reading it, signed in or not', async () => {
    const { projectId, setId } = await newSet();
    const big = `external_id,text,note\n${Array.from({ length: 3_000 }, (_, i) => `big-${i},Notice ${i},${'x'.repeat(1_000)}`).join('\n')}`;
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    expect((await upload(setId, big, 'text/csv')).body).toMatchObject({ created: 3_000 });
    expect(await subjectsOf(projectId)).toHaveLength(3_000);
    const large = JSON.stringify({ email: 'someone@example.org', password: 'x'.repeat(2 * 1024 * 1024) });
    for (const path of ['/api/v1/auth/login', '/api/v1/classifications', '/api/v1/no-such-route', '/admin/queues/api/queues']) {
      const refused = await fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: large });
      expect([path, refused.status]).toEqual([path, 413]);
      expect(((await refused.json()) as { detail: string }).detail).toContain('larger than the 1 MiB this server accepts here (JSON_BODY_LIMIT_BYTES)');
    }
    // An upload's megabytes are read only for a researcher of the set's project: anyone else is refused first.
    const guest = (await stack.anonymous.guest()).token;
    const stranger = (await signUp(stack, { email: `stranger-${randomUUID()}@example.org`, displayName: 'S' })).token;
    const refusals = [
      [setId, undefined, 401],
      [setId, 'Bearer not-a-token', 401],
      [setId, `Bearer ${guest}`, 403],
      [setId, `Bearer ${stranger}`, 403], // a live project: readable, not theirs to change
      ['not-a-set', `Bearer ${stack.client.token}`, 422],
    ] as const;
    for (const [set, authorization, status] of refusals) {
      const refused = await fetch(`${stack.baseUrl}/api/v1/subject-sets/${set}/subjects`, { method: 'POST', headers: { 'content-type': 'text/csv', ...(authorization ? { authorization } : {}) }, body: big });
      expect([authorization, refused.status]).toEqual([authorization, status]);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('refuses a file of more subjects than a call may add (read no further than one more), or of too many columns or cells, storing nothing', async () => {
    const { projectId, setId } = await newSet();
    const passages = Array.from({ length: 20_000 }, (_, i) => `Passage ${i}.`).join('\n\n');
    const tooMany = { status: 422, body: expect.objectContaining({ errors: [{ pointer: '/subjects', message: expect.stringContaining('send at most 10000 subjects per call') }] }) };
    expect(await upload(setId, passages, 'text/plain')).toMatchObject(tooMany);
    const rows = `text\n${Array.from({ length: 20_000 }, (_, i) => `Row ${i}`).join('\n')}`;
    expect(await upload(setId, rows, 'text/csv')).toMatchObject(tooMany);
    const wide = await upload(setId, `${Array.from({ length: 501 }, (_, i) => `c${i}`).join(',')}\n${'x,'.repeat(500)}x\n`, 'text/csv');
    expect([wide.status, wide.body.errors]).toEqual([422, [{ pointer: '', message: expect.stringContaining('the header has 501 columns; a file may have at most 500') }]]);
    // Thousands of bad rows are named 20 at a time, the rest counted.
    const bad = await upload(setId, `image_url\n${Array.from({ length: 50 }, (_, i) => `ftp://example.org/${i}.jpg`).join('\n')}\n`, 'text/csv');
    expect(bad.body.errors).toHaveLength(21);
    expect(bad.body.errors?.at(-1)).toEqual({ pointer: '', message: 'and 30 more like these' });
    expect(bad.body.detail).toMatch(/^50 fields are invalid: .*\(line 21 of the CSV, column "image_url"\); and 30 more like these$/);
    const cells = await upload(setId, `text\nx${','.repeat(1_000_000)}\n`, 'text/csv');
    expect([cells.status, cells.body.errors]).toEqual([422, [{ pointer: '', message: 'has more than 1,000,000 cells; send it in several files' }]]);
    expect(await subjectsOf(projectId)).toEqual([]);
  });

  it('reads a IIIF manifest, version 3 or 2: a subject per canvas, with its image, image service and descriptive metadata', async () => {
    const { projectId, setId } = await newSet();
    const v3 = {
      '@context': 'http://iiif.io/api/presentation/3/context.json',
      id: 'https://example.org/manifest/3',
      type: 'Manifest',
      label: { fr: ['Lettres de 1851'], en: ['Letters of 1851'] },
      metadata: [
        { label: { en: ['Shelfmark'] }, value: { none: ['MS 1851/2'] } },
        { label: { en: ['Date'] }, value: { en: ['1851'] } },
        // Two values stay two; of several languages, English (the classifier's) is read.
        { label: { en: ['Author'] }, value: { none: ['Smith, John', 'Doe, Jane'] } },
        { label: { de: ['Sprache'], en: ['Language'] }, value: { de: ['Englisch'], 'en-GB': ['English'] } },
      ],
      items: [1, 2].map((n) => ({
        id: `https://example.org/canvas/${n}`,
        type: 'Canvas',
        label: { none: [`f. ${n}r`] },
        ...(n === 2 ? { metadata: [{ label: { en: ['Date'] }, value: { en: ['14 March 1851'] } }] } : {}),
        width: 1000,
        height: 1500,
        items: [{
          id: `https://example.org/page/${n}`,
          type: 'AnnotationPage',
          items: [{
            id: `https://example.org/annotation/${n}`,
            type: 'Annotation',
            motivation: 'painting',
            target: `https://example.org/canvas/${n}`,
            body: { id: `https://example.org/iiif/${n}/full/max/0/default.jpg`, type: 'Image', format: 'image/jpeg', service: [{ id: `https://example.org/iiif/${n}`, type: 'ImageService3', profile: 'level1' }] },
          }],
        }],
      })),
    };
    expect((await upload(setId, JSON.stringify(v3), 'application/ld+json')).body).toMatchObject({ created: 2 });
    // Sent as JSON-LD, a body that is no manifest is said to be none, not read for the fields of { subjects: [...] }.
    expect((await upload(setId, JSON.stringify({ hello: 1 }), 'application/ld+json')).body.errors).toEqual([{ pointer: '', message: expect.stringMatching(/^is not a IIIF Presentation manifest/) }]);
    const v2 = {
      '@context': 'http://iiif.io/api/presentation/2/context.json',
      '@id': 'https://example.org/manifest/2',
      '@type': 'sc:Manifest',
      label: 'A diary',
      metadata: [{ label: 'Author', value: 'Anne Lister' }, { label: 'Places', value: ['Halifax', 'York'] }],
      sequences: [{
        '@type': 'sc:Sequence',
        canvases: [{
          '@id': 'https://example.org/diary/canvas/1',
          '@type': 'sc:Canvas',
          label: 'p. 1',
          width: 800,
          height: 1200,
          images: [{
            '@type': 'oa:Annotation',
            motivation: 'sc:painting',
            on: 'https://example.org/diary/canvas/1',
            resource: { '@id': 'https://example.org/diary/1.jpg', '@type': 'dctypes:Image', service: { '@context': 'http://iiif.io/api/image/2/context.json', '@id': 'https://example.org/diary/iiif/1', profile: 'http://iiif.io/api/image/2/level1.json' } },
          }],
        }],
      }],
    };
    expect((await upload(setId, JSON.stringify(v2), 'application/json')).body).toMatchObject({ created: 1 });
    expect(await subjectsOf(projectId)).toEqual([
      ...[1, 2].map((n) => ({
        external_id: `https://example.org/canvas/${n}`,
        locations: [{ type: 'image', url: `https://example.org/iiif/${n}/full/max/0/default.jpg`, iiifService: `https://example.org/iiif/${n}` }],
        // The canvas's own metadata before the manifest's.
        metadata: {
          Shelfmark: 'MS 1851/2',
          Date: n === 2 ? '14 March 1851' : '1851',
          Author: ['Smith, John', 'Doe, Jane'],
          Language: 'English',
          manifest: 'https://example.org/manifest/3',
          manifest_label: 'Letters of 1851',
          canvas_label: `f. ${n}r`,
        },
        gold_standard: null,
      })),
      {
        external_id: 'https://example.org/diary/canvas/1',
        locations: [{ type: 'image', url: 'https://example.org/diary/1.jpg', iiifService: 'https://example.org/diary/iiif/1' }],
        metadata: { Author: 'Anne Lister', Places: ['Halifax', 'York'], manifest: 'https://example.org/manifest/2', manifest_label: 'A diary', canvas_label: 'p. 1' },
        gold_standard: null,
      },
    ]);
  });

  it('reads manifests as they are found in the wild: lone resources for lists, plain labels, choices, other services first, pages painted in several images', async () => {
    const { projectId, setId } = await newSet();
    const canvas = (n: number, body: unknown) => ({ id: `https://example.org/wild/${n}`, type: 'Canvas', label: `leaf ${n}`, items: { type: 'AnnotationPage', items: [null, { type: 'Annotation', motivation: 'painting', body }] } });
    const manifest = {
      '@context': 'http://iiif.io/api/presentation/3/context.json',
      id: 'https://example.org/wild',
      type: 'Manifest',
      label: 'A plain label',
      items: [
        canvas(1, { id: 'https://example.org/wild/1.jpg', type: 'Image', service: { '@id': 'https://example.org/iiif/w1', '@type': 'ImageService2', profile: 'level2' } }),
        canvas(2, {
          type: 'Choice',
          items: [{ id: 'https://example.org/wild/2.jpg', type: 'Image', service: [{ '@id': 'https://example.org/auth/login', '@type': 'AuthCookieService1' }, { id: 'https://example.org/iiif/w2', type: 'ImageService3' }] }],
        }),
        // A page painted in two halves, each its own annotation, then a second body of one annotation.
        {
          id: 'https://example.org/wild/3',
          type: 'Canvas',
          label: 'leaf 3',
          items: [
            {
              type: 'AnnotationPage',
              items: [
                { type: 'Annotation', motivation: 'painting', body: { id: 'https://example.org/wild/3-left.jpg', type: 'Image' }, target: 'https://example.org/wild/3#xywh=0,0,5,10' },
                { type: 'Annotation', motivation: 'painting', body: [{ id: 'https://example.org/wild/3-right.jpg', type: 'Image' }, { id: 'https://example.org/wild/3-slip.jpg', type: 'Image' }] },
              ],
            },
          ],
        },
        null,
      ],
    };
    const answer = await upload(setId, JSON.stringify(manifest), 'application/ld+json');
    expect(answer.body).toMatchObject({ created: 3 });
    expect((await subjectsOf(projectId)).map((subject) => [subject.locations, subject.metadata.canvas_label, subject.metadata.manifest_label])).toEqual([
      [[{ type: 'image', url: 'https://example.org/wild/1.jpg', iiifService: 'https://example.org/iiif/w1' }], 'leaf 1', 'A plain label'],
      [[{ type: 'image', url: 'https://example.org/wild/2.jpg', iiifService: 'https://example.org/iiif/w2' }], 'leaf 2', 'A plain label'],
      [['3-left', '3-right', '3-slip'].map((name) => ({ type: 'image', url: `https://example.org/wild/${name}.jpg` })), 'leaf 3', 'A plain label'],
    ]);
  });

  it('reads the whole image of a crop or rotation, the text of HTML values, and version 2 images that say not which canvas they are on', async () => {
    const { projectId, setId } = await newSet();
    const image = { id: 'https://example.org/rot/1.jpg', type: 'Image', service: [{ id: 'https://example.org/iiif/rot1', type: 'ImageService3' }] };
    const v3 = {
      '@context': 'http://iiif.io/api/presentation/3/context.json',
      id: 'https://example.org/rot',
      type: 'Manifest',
      label: { en: ['Rotated'] },
      metadata: [
        { label: { en: ['Author'] }, value: { en: ['<span><a href="https://viaf.org/1">Marie Curie</a><br/>1867&ndash;1934 &amp; after</span>'] } },
        { label: { en: ['Note'] }, value: { en: ['a < b, but b > c'] } },
      ],
      items: [{
        id: 'https://example.org/rot/c1',
        type: 'Canvas',
        items: [{ type: 'AnnotationPage', items: [{ type: 'Annotation', motivation: 'painting', body: { type: 'SpecificResource', source: image, selector: { type: 'ImageApiSelector', rotation: '90' } } }] }],
      }],
    };
    expect((await upload(setId, JSON.stringify(v3), 'application/ld+json')).body).toMatchObject({ created: 1 });
    const v2 = {
      '@context': 'http://iiif.io/api/presentation/2/context.json',
      '@id': 'https://example.org/diary2',
      '@type': 'sc:Manifest',
      label: 'Diary',
      metadata: [{ label: 'Author', value: 'By <a href="https://viaf.org/2">Ada &amp; Co</a>' }, { label: 'Shelfmark', value: 'MS 12 <olim A 12>, see <https://example.org/ms12>' }],
      sequences: [{
        '@type': 'sc:Sequence',
        canvases: [
          { '@id': 'https://example.org/diary2/c1', '@type': 'sc:Canvas', label: 'p. 1', width: 10, height: 10, images: [{ '@type': 'oa:Annotation', motivation: 'sc:painting', resource: { '@id': 'https://example.org/diary2/1.jpg', '@type': 'dctypes:Image' } }] },
          {
            '@id': 'https://example.org/diary2/c2',
            '@type': 'sc:Canvas',
            label: 'p. 2, the right half of the spread',
            width: 5,
            height: 10,
            images: [{ '@type': 'oa:Annotation', motivation: 'sc:painting', resource: { '@type': 'oa:SpecificResource', full: { '@id': 'https://example.org/diary2/spread.jpg', '@type': 'dctypes:Image' }, selector: { '@type': 'oa:FragmentSelector', value: 'xywh=5,0,5,10' } } }],
          },
        ],
      }],
    };
    expect((await upload(setId, JSON.stringify(v2), 'application/ld+json')).body).toMatchObject({ created: 2 });
    expect((await subjectsOf(projectId)).map((subject) => [subject.locations, subject.metadata.Author, subject.metadata.Note ?? subject.metadata.Shelfmark])).toEqual([
      [[{ type: 'image', url: 'https://example.org/rot/1.jpg', iiifService: 'https://example.org/iiif/rot1' }], 'Marie Curie\n1867–1934 & after', 'a < b, but b > c'],
      // Only the tags IIIF allows are HTML: other text in angle brackets stays.
      [[{ type: 'image', url: 'https://example.org/diary2/1.jpg' }], 'By Ada & Co', 'MS 12 <olim A 12>, see <https://example.org/ms12>'],
      [[{ type: 'image', url: 'https://example.org/diary2/spread.jpg' }], 'By Ada & Co', 'MS 12 <olim A 12>, see <https://example.org/ms12>'],
    ]);

    // A canvas that paints nothing volunteers can be shown says what it paints, and which canvas it is.
    const video = { id: 'https://example.org/film/c1', type: 'Canvas', items: [{ type: 'AnnotationPage', items: [{ type: 'Annotation', motivation: 'painting', body: { id: 'https://example.org/film.mp4', type: 'Video' } }] }] };
    const blank = { id: 'https://example.org/film/c2', type: 'Canvas', items: [] };
    const film = { '@context': 'http://iiif.io/api/presentation/3/context.json', id: 'https://example.org/film', type: 'Manifest', label: { en: ['Film'] }, items: [video, blank] };
    const refused = await upload(setId, JSON.stringify(film), 'application/ld+json');
    expect(refused.body.errors).toEqual([
      { pointer: '/subjects/0/locations', message: 'is a canvas painted with a Video, which volunteers cannot be shown: Chorus reads the Image or Sound painted on a canvas (canvas 1 of the manifest, https://example.org/film/c1)' },
      { pointer: '/subjects/1/locations', message: 'is a canvas with nothing painted on it (a missing scan?): give it its image, or leave the canvas out of the manifest (canvas 2 of the manifest, https://example.org/film/c2)' },
    ]);
  });

  it('reads sound recordings: audio_url columns of a CSV, and a manifest’s canvases painted with a Sound', async () => {
    const { projectId, setId } = await newSet();
    expect(await upload(setId, 'external_id,Audio_URL,text\nbird-1,https://example.org/dawn.mp3,Dawn chorus\n', 'text/csv')).toMatchObject({ status: 201, body: { created: 1 } });
    const manifest = {
      '@context': 'http://iiif.io/api/presentation/3/context.json',
      id: 'https://example.org/interviews',
      type: 'Manifest',
      label: { en: ['Oral histories'] },
      items: [
        {
          id: 'https://example.org/interviews/1',
          type: 'Canvas',
          label: { en: ['Tape 1'] },
          duration: 612.5,
          items: [{
            id: 'https://example.org/interviews/1/page',
            type: 'AnnotationPage',
            items: [{ id: 'https://example.org/interviews/1/a', type: 'Annotation', motivation: 'painting', target: 'https://example.org/interviews/1', body: { id: 'https://example.org/tape-1.ogg', type: 'Sound', format: 'audio/ogg', duration: 612.5 } }],
          }],
        },
      ],
    };
    expect((await upload(setId, JSON.stringify(manifest), 'application/ld+json')).body).toMatchObject({ created: 1 });
    expect((await subjectsOf(projectId)).map((subject) => [subject.external_id, subject.locations])).toEqual([
      ['bird-1', [{ type: 'audio', url: 'https://example.org/dawn.mp3' }, { type: 'text', text: 'Dawn chorus' }]],
      ['https://example.org/interviews/1', [{ type: 'audio', url: 'https://example.org/tape-1.ogg' }]],
    ]);
    const bad = await upload(setId, JSON.stringify({ subjects: [{ locations: [{ type: 'audio', url: 'file:///tmp/a.wav' }] }] }), 'application/json');
    expect(bad.body.errors).toEqual([{ pointer: '/subjects/0/locations/0/url', message: 'must be an http(s) URL' }]);
  });

  it('says how many images uploaded have no description (alt) and how each kind of upload gives one; a canvas’s summary describes its images', async () => {
    const { projectId, setId } = await newSet();
    const canvas = (n: number, summary?: unknown, imageSummary?: unknown) => ({
      id: `https://example.org/described/${n}`,
      type: 'Canvas',
      label: { none: [`f. ${n}r`] },
      ...(summary ? { summary } : {}),
      items: [{ type: 'AnnotationPage', items: [{ type: 'Annotation', motivation: 'painting', body: { id: `https://example.org/described/${n}.jpg`, type: 'Image', ...(imageSummary ? { summary: imageSummary } : {}) } }] }],
    });
    const manifest = (...items: unknown[]) => JSON.stringify({ '@context': 'http://iiif.io/api/presentation/3/context.json', id: 'https://example.org/described', type: 'Manifest', label: 'Letters', summary: 'Letters of a family', items });
    // Canvas 1 says what it shows (as HTML); canvas 2 does not; canvas 3's image has a summary of its own. The manifest's summary is about them all.
    const first = await upload(setId, manifest(canvas(1, { en: ['<p>A letter in a <i>slanted</i> hand</p>'] }), canvas(2), canvas(3, 'A map', 'A map of Leeds, folded')), 'application/ld+json');
    expect(first.body).toMatchObject({
      created: 3,
      imagesWithoutAlt: 1,
      warnings: [
        {
          pointer: '/subjects',
          message:
            "1 of the 3 images has no description (alt): screen readers name it only by the subject's title (a canvas label, or a \"title\" column), else just \"Subject image\" (volunteers never see an externalId). To describe it, give each canvas a \"summary\" saying what it shows, and upload the manifest again.",
        },
      ],
    });
    expect((await subjectsOf(projectId)).map((subject) => subject.locations[0].alt)).toEqual(['A letter in a slanted hand', undefined, 'A map of Leeds, folded']);
    // Sent again with canvas 2 described, all are: its description is added, and the others keep theirs.
    const again = await upload(setId, manifest(canvas(1), canvas(2, 'An envelope')), 'application/ld+json');
    expect(again.body).toMatchObject({ existing: 2, imagesWithoutAlt: 0 });
    expect(again.body.warnings).toBeUndefined();
    expect((await subjectsOf(projectId)).map((subject) => subject.locations[0].alt)).toEqual(['A letter in a slanted hand', 'An envelope', 'A map of Leeds, folded']);

    // A CSV file's images are described in an image_alt column; JSON's by an image location's alt; a text has no image.
    const csv = await upload(setId, 'external_id,image_url,image_url_2,image_alt_2\nrow-1,https://example.org/a.jpg,https://example.org/b.jpg,A coach\n', 'text/csv');
    expect(csv.body).toMatchObject({ created: 1, imagesWithoutAlt: 1, warnings: [{ pointer: '/subjects', message: expect.stringContaining('To describe it, add an image_alt column') }] });
    const json = await upload(setId, JSON.stringify({ subjects: [{ externalId: 'j-1', locations: [{ type: 'image', url: 'https://example.org/j.jpg' }] }] }), 'application/json');
    expect(json.body).toMatchObject({ imagesWithoutAlt: 1, warnings: [{ pointer: '/subjects', message: expect.stringMatching(/^The image has no description \(alt\): .+ To describe it, give each image location an "alt"/) }] });
    const text = await upload(setId, 'A passage of text.', 'text/plain');
    expect(text.body).toMatchObject({ created: 1, imagesWithoutAlt: 0 });
    expect(text.body.warnings).toBeUndefined();
  });

  it('refuses an empty IIIF collection, and files on any other route', async () => {
    const { projectId, setId } = await newSet();
    const collection = { '@context': 'http://iiif.io/api/presentation/3/context.json', id: 'https://example.org/collection', type: 'Collection', label: { en: ['All'] }, items: [] };
    const refused = await upload(setId, JSON.stringify(collection), 'application/ld+json');
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ pointer: '', message: 'is a IIIF collection without manifests: there is nothing in it to classify' }]);
    // A manifest without canvases, or without the @context that says it is one, is told so, not read as { subjects }.
    const manifest = { id: 'https://example.org/manifest', type: 'Manifest', label: { en: ['Empty'] }, items: [] };
    const empty = await upload(setId, JSON.stringify({ '@context': 'http://iiif.io/api/presentation/3/context.json', ...manifest }), 'application/ld+json');
    expect(empty.body.errors).toEqual([{ pointer: '', message: expect.stringMatching(/^is a IIIF manifest without canvases/) }]);
    for (const type of ['application/json', 'application/ld+json']) {
      const uncontexted = await upload(setId, JSON.stringify(manifest), type);
      expect([uncontexted.status, uncontexted.body.errors]).toEqual([422, [{ pointer: '/@context', message: expect.stringMatching(/^is missing: this reads as a IIIF manifest/) }]]);
    }
    // A manifest the IIIF parser cannot read (a version 2 image annotation without its image) is sent to the validator.
    const v2 = {
      '@context': 'http://iiif.io/api/presentation/2/context.json',
      '@id': 'https://example.org/broken',
      '@type': 'sc:Manifest',
      label: 'Broken',
      sequences: [{ '@type': 'sc:Sequence', canvases: [{ '@id': 'https://example.org/broken/c1', '@type': 'sc:Canvas', label: 'c1', width: 10, height: 10, images: [{ '@type': 'oa:Annotation', motivation: 'sc:painting', on: 'https://example.org/broken/c1', resource: null }] }] }],
    };
    const unreadable = await upload(setId, JSON.stringify(v2), 'application/ld+json');
    expect([unreadable.status, unreadable.body.errors]).toEqual([
      422,
      [{ pointer: '', message: expect.stringMatching(/^could not be read as a IIIF Presentation manifest, https:\/\/example.org\/broken \(the IIIF parser stopped: .+\); check it with the IIIF Presentation API validator/) }],
    ]);
    expect((await upload(setId, '{"__proto__": {"polluted": true}}', 'application/ld+json')).status).toBe(422);
    // A canvas given twice names both canvases as the manifest counts them.
    const canvas = { id: 'https://example.org/canvas/1', type: 'Canvas', width: 10, height: 10, items: [{ id: 'https://example.org/page/1', type: 'AnnotationPage', items: [{ id: 'https://example.org/anno/1', type: 'Annotation', motivation: 'painting', target: 'https://example.org/canvas/1', body: { id: 'https://example.org/1.jpg', type: 'Image', format: 'image/jpeg' } }] }] };
    const twice = await upload(setId, JSON.stringify({ '@context': 'http://iiif.io/api/presentation/3/context.json', ...manifest, items: [canvas, canvas] }), 'application/ld+json');
    expect(twice.body.errors).toEqual([{ pointer: '/subjects/1/externalId', message: 'repeats canvas 1\'s externalId "https://example.org/canvas/1" (canvas 2 of the manifest, https://example.org/canvas/1)' }]);
    const elsewhere = await fetch(`${stack.baseUrl}/api/v1/projects/${projectId}/subject-sets`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${stack.client.token}` },
      body: 'name\nSet',
    });
    expect(elsewhere.status).toBe(415);
    expect(((await elsewhere.json()) as { errors: unknown }).errors).toEqual([{ pointer: '/headers/content-type', message: 'must be application/json' }]);
    const xml = await upload(setId, '<subjects/>', 'application/xml');
    expect([xml.status, xml.body.errors]).toEqual([415, [{ pointer: '/headers/content-type', message: 'must be application/json, application/ld+json, text/csv or text/plain' }]]);
    expect(await subjectsOf(projectId)).toEqual([]);
  });
});

describe('subject CSVs as spreadsheets write them (tester round 22, F3 and F4)', () => {
  it('reads a spreadsheet\'s headers (External ID, Image URL, image-alt, imageUrl_2, Gold Standard T0) as the columns they name, so the file sent again adds nothing', async () => {
    const { projectId, setId } = await newSet();
    const csv = 'External ID,Image URL,image-alt,imageUrl_2,Image Alt 2,Gold Standard T0,Title\nE1,https://example.org/e1.jpg,A ship,https://example.org/e1b.jpg,Its stern,yes,The Fleet\n';
    const first = await upload(setId, csv, 'text/csv');
    expect(first).toMatchObject({ status: 201, body: { created: 1, existing: 0 } });
    // No warning that the file has no external_id column.
    expect(first.body.warnings).toBeUndefined();
    const again = await upload(setId, csv, 'text/csv');
    expect(again).toMatchObject({ status: 201, body: { created: 0, existing: 1 } });
    expect(await subjectsOf(projectId)).toEqual([
      {
        external_id: 'E1',
        locations: [{ type: 'image', url: 'https://example.org/e1.jpg', alt: 'A ship' }, { type: 'image', url: 'https://example.org/e1b.jpg', alt: 'Its stern' }],
        metadata: { Title: 'The Fleet' },
        gold_standard: { T0: 'yes' },
      },
    ]);
  });

  it('refuses two headers that name the same column, naming both on line 1, and stores nothing', async () => {
    const { projectId, setId } = await newSet();
    const clash = await upload(setId, 'External ID,image_url,external-id\nE1,https://example.org/e1.jpg,E2\n', 'text/csv');
    expect([clash.status, clash.contentType, clash.body.errors]).toEqual([
      422,
      expect.stringMatching(/^application\/problem\+json/),
      [{ pointer: '', message: expect.stringMatching(/^has two columns that both name external_id on line 1, its header: "External ID" \(column 1\) and "external-id" \(column 3\), .*keep one, and rename or delete the other$/) }],
    ]);
    expect(await subjectsOf(projectId)).toEqual([]);
  });

  it('refuses a header without a column volunteers see, naming its headers, the columns that would do, and the one a header looks like', async () => {
    const { projectId, setId } = await newSet();
    const link = await upload(setId, 'External ID,Image Link,Title\nE1,https://example.org/e1.jpg,The Fleet\n', 'text/csv');
    expect([link.status, link.body.errors]).toEqual([
      422,
      [{ pointer: '', message: expect.stringMatching(/^has no column that gives a subject what volunteers see: its header \(line 1\) reads "External ID", "Image Link", "Title"; name one image_url, audio_url or text .*; did you mean "image_url"\? \("Image Link" looks like it; rename it so\)$/) }],
    ]);
    for (const [header, column] of [['img_url', 'image_url'], ['URL', 'image_url'], ['Sound file', 'audio_url'], ['Transcription', 'text'], ['Full text', 'text']]) {
      const near = await upload(setId, `id,${header}\n1,x\n`, 'text/csv');
      expect(near.body.errors?.[0]?.message).toMatch(new RegExp(`did you mean "${column}"\\? \\("${header}" looks like it`));
    }
    const none = await upload(setId, 'id,Title\n1,x\n', 'text/csv');
    expect(none.body.errors?.[0]?.message).not.toMatch(/did you mean/);
    // A header as long as a file may make is quoted cut short, in the list and in the near miss alike.
    const long = await upload(setId, `id,Image ${'x'.repeat(50_000)}\n1,x\n`, 'text/csv');
    expect(long.body.errors?.[0]?.message).toMatch(/"Image x{74}…".*"Image x{74}…" looks like it/);
    expect(long.body.errors?.[0]?.message.length).toBeLessThan(1_000);
    expect(await subjectsOf(projectId)).toEqual([]);
  });

  it('refuses a multipart form (curl -F) with a 415 that says to send the file itself as the body, with its content type', async () => {
    const { projectId, setId } = await newSet();
    const form = new FormData();
    form.append('file', new Blob(['external_id,image_url\nE1,https://example.org/e1.jpg\n'], { type: 'text/csv' }), 'subjects.csv');
    const response = await fetch(`${stack.baseUrl}/api/v1/subject-sets/${setId}/subjects`, { method: 'POST', headers: { authorization: `Bearer ${stack.client.token}` }, body: form });
    expect([response.status, response.headers.get('content-type')]).toEqual([415, expect.stringMatching(/^application\/problem\+json/)]);
    expect(((await response.json()) as { errors: unknown }).errors).toEqual([
      {
        pointer: '/headers/content-type',
        message: "is multipart/form-data (a form, as curl -F sends); must be application/json, application/ld+json, text/csv or text/plain: send the file itself as the body with its content type, e.g. curl --data-binary @subjects.csv -H 'Content-Type: text/csv' …",
      },
    ]);
    expect(await subjectsOf(projectId)).toEqual([]);
  });
});

describe('a key named __proto__ (round 13a F4)', () => {
  const REASON = "which JavaScript reads as an object's prototype, not as a name, so its value could not be kept";
  const canvas = (n: number, metadata?: unknown) => ({
    id: `https://example.org/canvas/${n}`,
    type: 'Canvas',
    label: { none: [`f. ${n}r`] },
    ...(metadata ? { metadata } : {}),
    width: 10,
    height: 10,
    items: [{ id: `https://example.org/page/${n}`, type: 'AnnotationPage', items: [{ id: `https://example.org/annotation/${n}`, type: 'Annotation', motivation: 'painting', target: `https://example.org/canvas/${n}`, body: { id: `https://example.org/${n}.jpg`, type: 'Image' } }] }],
  });
  const manifest = (fields: Record<string, unknown>) => JSON.stringify({ '@context': 'http://iiif.io/api/presentation/3/context.json', id: 'https://example.org/m', type: 'Manifest', label: { en: ['M'] }, ...fields });
  const proto = [{ label: { en: ['__proto__'] }, value: { none: ['x'] } }];

  const expectRefused = async (setId: string, body: string, contentType: string, errors: { pointer: string; message: string }[]) => {
    const refused = await upload(setId, body, contentType);
    expect([refused.status, refused.contentType, refused.body.type, refused.body.errors]).toEqual([422, expect.stringMatching(/^application\/problem\+json/), 'urn:chorus:problem:validation-failed', errors]);
  };

  it('is refused in subjects sent as JSON, named by its pointer however it is escaped, with the fix; nothing is stored', async () => {
    const { projectId, setId } = await newSet();
    const metadata = `{"subjects":[{"locations":[{"type":"text","text":"x"}]},{"locations":[{"type":"text","text":"y"}],"metadata":{"\\u005f_proto__":"x"}}]}`;
    await expectRefused(setId, metadata, 'application/json', [{ pointer: '/subjects/1/metadata/__proto__', message: `is a key named "__proto__", ${REASON}; rename it` }]);
    await expectRefused(setId, '{"subjects":[{"locations":[{"type":"text","text":"x"}],"metadata":{"constructor":{"prototype":1}}}]}', 'application/json', [
      { pointer: '/subjects/0/metadata/constructor/prototype', message: `is a "prototype" key inside a "constructor" key, ${REASON}; rename either key` },
    ]);
    expect(await subjectsOf(projectId)).toEqual([]);
  });

  it('is refused as a CSV column, named by its place in the header, with the fix (a gold standard column names a task so); nothing is stored', async () => {
    const { projectId, setId } = await newSet();
    await expectRefused(setId, 'external_id,text,__proto__\ns1,x,y\n', 'text/csv', [{ pointer: '', message: `has a column named "__proto__" (column 3 of the header), ${REASON}; rename it` }]);
    await expectRefused(setId, 'external_id,text,gold_standard___proto__\ns1,x,y\n', 'text/csv', [
      { pointer: '', message: `has a column "gold_standard___proto__", for a task named "__proto__" (column 3 of the header), ${REASON}; rename it` },
    ]);
    expect(await subjectsOf(projectId)).toEqual([]);
  });

  it('is refused as a IIIF metadata label (a value in the manifest, a key once read), of the manifest or of a canvas, with the fix, not dropped; nothing is stored', async () => {
    const { projectId, setId } = await newSet();
    await expectRefused(setId, manifest({ items: [canvas(1), canvas(2, proto)] }), 'application/ld+json', [
      { pointer: '/subjects/1/metadata/__proto__', message: `is a metadata pair labelled "__proto__", ${REASON}; rename the label (canvas 2 of the manifest, https://example.org/canvas/2)` },
    ]);
    await expectRefused(setId, manifest({ metadata: proto, items: [canvas(1)] }), 'application/json', [{ pointer: '', message: `has a metadata pair labelled "__proto__", ${REASON}; rename the label` }]);
    // A key of the manifest itself, by its pointer, as in any JSON.
    await expectRefused(setId, manifest({ items: [canvas(1)] }).replace('{"@context"', '{"__proto__":{"x":1},"@context"'), 'application/ld+json', [{ pointer: '/__proto__', message: `is a key named "__proto__", ${REASON}; rename it` }]);
    expect(await subjectsOf(projectId)).toEqual([]);
    // Another label is kept.
    expect(await upload(setId, manifest({ items: [canvas(1, [{ label: 'Shelfmark', value: 'MS 1' }])] }), 'application/ld+json')).toMatchObject({ status: 201, body: { created: 1 } });
    expect((await subjectsOf(projectId)).map((subject: { metadata: Record<string, unknown> }) => subject.metadata.Shelfmark)).toEqual(['MS 1']);
  });
});

describe('IIIF collections and lists of manifests', () => {
  const V3 = 'http://iiif.io/api/presentation/3/context.json';
  const V2 = 'http://iiif.io/api/presentation/2/context.json';
  /** A version 3 manifest `name` (no @context: embedded) with a canvas per number in `canvases`. */
  const v3 = (name: string, canvases: number[]) => ({
    id: `https://example.org/${name}`,
    type: 'Manifest',
    label: { en: [`Book ${name}`] },
    items: canvases.map((n) => ({
      id: `https://example.org/${name}/canvas/${n}`,
      type: 'Canvas',
      width: 10,
      height: 10,
      items: [{ id: `https://example.org/${name}/page/${n}`, type: 'AnnotationPage', items: [{ id: `https://example.org/${name}/anno/${n}`, type: 'Annotation', motivation: 'painting', target: `https://example.org/${name}/canvas/${n}`, body: { id: `https://example.org/${name}/${n}.jpg`, type: 'Image', format: 'image/jpeg' } }] }],
    })),
  });
  /** A version 2 manifest `name` (no @context: embedded) with a canvas per number in `canvases`. */
  const v2 = (name: string, canvases: number[]) => ({
    '@id': `https://example.org/${name}`,
    '@type': 'sc:Manifest',
    label: `Book ${name}`,
    sequences: [{ '@type': 'sc:Sequence', canvases: canvases.map((n) => ({ '@id': `https://example.org/${name}/canvas/${n}`, '@type': 'sc:Canvas', width: 10, height: 10, images: [{ '@type': 'oa:Annotation', motivation: 'sc:painting', resource: { '@id': `https://example.org/${name}/${n}.jpg`, '@type': 'dctypes:Image' } }] })) }],
  });
  const stored = async (projectId: string) => (await subjectsOf(projectId)).map((subject) => [subject.external_id, subject.metadata.manifest, subject.locations[0].url]);

  it('reads a version 3 collection: each embedded manifest’s canvases, collections nested 3 deep, with each manifest’s count', async () => {
    const { projectId, setId } = await newSet();
    const inner = { id: 'https://example.org/c3', type: 'Collection', label: { en: ['Box 2'] }, items: [v3('m3', [1])] };
    const middle = { id: 'https://example.org/c2', type: 'Collection', label: { en: ['Shelf'] }, items: [v3('m2', [1, 2]), inner] };
    const collection = { '@context': V3, id: 'https://example.org/c1', type: 'Collection', label: { en: ['All'] }, items: [v3('m1', [1, 2, 3]), middle] };
    const answer = await upload(setId, JSON.stringify(collection), 'application/ld+json');
    expect([answer.status, answer.body.created]).toEqual([201, 6]);
    expect(answer.body.manifests).toEqual([
      { id: 'https://example.org/m1', label: 'Book m1', subjects: 3 },
      { id: 'https://example.org/m2', label: 'Book m2', subjects: 2 },
      { id: 'https://example.org/m3', label: 'Book m3', subjects: 1 },
    ]);
    expect((await stored(projectId)).filter(([id]) => id.startsWith('https://example.org/m3'))).toEqual([['https://example.org/m3/canvas/1', 'https://example.org/m3', 'https://example.org/m3/1.jpg']]);
    // One level deeper is refused, naming where.
    const deeper = { ...collection, items: [{ ...middle, items: [{ ...inner, items: [{ id: 'https://example.org/c4', type: 'Collection', items: [v3('m4', [1])] }] }] }] };
    const refused = await upload(setId, JSON.stringify(deeper), 'application/ld+json');
    expect([refused.status, refused.body.errors]).toEqual([422, [{ pointer: '', message: expect.stringMatching(/^holds collections nested more than 3 deep \(Collection 1 of collection https:\/\/example.org\/c3\)/) }]]);
  });

  it('reads a version 2 collection: its manifests and collections embedded', async () => {
    const { projectId, setId } = await newSet();
    const collection = {
      '@context': V2,
      '@id': 'https://example.org/v2c',
      '@type': 'sc:Collection',
      label: 'Diaries',
      manifests: [v2('d1', [1, 2])],
      collections: [{ '@id': 'https://example.org/v2c/inner', '@type': 'sc:Collection', label: 'More', manifests: [v2('d2', [1])] }],
    };
    const answer = await upload(setId, JSON.stringify(collection), 'application/ld+json');
    expect([answer.status, answer.body.created, answer.body.manifests]).toEqual([201, 3, [{ id: 'https://example.org/d2', label: 'Book d2', subjects: 1 }, { id: 'https://example.org/d1', label: 'Book d1', subjects: 2 }]]);
    expect(await stored(projectId)).toEqual([
      ['https://example.org/d1/canvas/1', 'https://example.org/d1', 'https://example.org/d1/1.jpg'],
      ['https://example.org/d1/canvas/2', 'https://example.org/d1', 'https://example.org/d1/2.jpg'],
      ['https://example.org/d2/canvas/1', 'https://example.org/d2', 'https://example.org/d2/1.jpg'],
    ]);
  });

  it('refuses a collection of manifests named by URL alone, naming 5 of them and what to send instead; nothing is stored', async () => {
    const { projectId, setId } = await newSet();
    const references = [1, 2, 3, 4, 5, 6, 7].map((n) => ({ id: `https://example.org/ref/${n}`, type: 'Manifest', label: { en: [`Ref ${n}`] } }));
    const collection = { '@context': V3, id: 'https://example.org/refs', type: 'Collection', items: [v3('ok', [1]), ...references] };
    const refused = await upload(setId, JSON.stringify(collection), 'application/ld+json');
    expect(refused.status).toBe(422);
    expect(refused.contentType).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors).toEqual([{
      pointer: '',
      message:
        'names 7 manifests by id alone, without their canvases (https://example.org/ref/1, https://example.org/ref/2, https://example.org/ref/3, https://example.org/ref/4, https://example.org/ref/5 and 2 more), ' +
        'and Chorus never fetches one on upload: download each manifest and upload it, or upload them together in one request as a JSON list of manifests ([{ manifest }, { manifest }])',
    }]);
    const v2References = { '@context': V2, '@id': 'https://example.org/v2refs', '@type': 'sc:Collection', manifests: [{ '@id': 'https://example.org/v2ref/1', '@type': 'sc:Manifest', label: 'By URL' }] };
    expect((await upload(setId, JSON.stringify(v2References), 'application/ld+json')).body.errors).toEqual([{ pointer: '', message: expect.stringMatching(/^names 1 manifests by id alone, without their canvases \(https:\/\/example.org\/v2ref\/1\)/) }]);
    expect(await subjectsOf(projectId)).toEqual([]);
  });

  it('reads a list of manifests in one request, version 3 and 2, with each one’s count', async () => {
    const { projectId, setId } = await newSet();
    const list = [{ '@context': V3, ...v3('a', [1, 2]) }, { '@context': V2, ...v2('b', [1]) }];
    const answer = await upload(setId, JSON.stringify(list), 'application/json');
    expect([answer.status, answer.body.created, answer.body.manifests]).toEqual([201, 3, [{ id: 'https://example.org/a', label: 'Book a', subjects: 2 }, { id: 'https://example.org/b', label: 'Book b', subjects: 1 }]]);
    expect(await stored(projectId)).toEqual([
      ['https://example.org/a/canvas/1', 'https://example.org/a', 'https://example.org/a/1.jpg'],
      ['https://example.org/a/canvas/2', 'https://example.org/a', 'https://example.org/a/2.jpg'],
      ['https://example.org/b/canvas/1', 'https://example.org/b', 'https://example.org/b/1.jpg'],
    ]);
    // A single manifest's answer counts it too.
    expect((await upload(setId, JSON.stringify(list[0]), 'application/ld+json')).body).toMatchObject({ existing: 2, manifests: [{ id: 'https://example.org/a', label: 'Book a', subjects: 2 }] });
    // A manifest of the list without its @context is named by its place; a bad canvas by its manifest.
    const uncontexted = await upload(setId, JSON.stringify([list[0], v3('c', [1])]), 'application/json');
    expect(uncontexted.body.errors).toEqual([{ pointer: '/1/@context', message: expect.stringMatching(/^is missing: this reads as a IIIF manifest/) }]);
    const blank = { '@context': V3, ...v3('d', [1, 2]) };
    blank.items[1]!.items = [];
    const bad = await upload(setId, JSON.stringify([list[0], blank]), 'application/json');
    expect(bad.body.errors).toEqual([{ pointer: '/subjects/3/locations', message: expect.stringMatching(/\(canvas 2 of manifest https:\/\/example.org\/d, https:\/\/example.org\/d\/canvas\/2\)$/) }]);
  });

  it('takes a manifest a collection names twice (directly or through a nested collection) once, where it first appears, saying how many repeats were left out', async () => {
    const { projectId, setId } = await newSet();
    const nested = { id: 'https://example.org/shelf', type: 'Collection', label: { en: ['Shelf'] }, items: [v3('b', [1]), v3('c', [1])] };
    const collection = { '@context': V3, id: 'https://example.org/all', type: 'Collection', items: [v3('a', [1, 2]), v3('b', [1]), v3('a', [1, 2]), nested] };
    const answer = await upload(setId, JSON.stringify(collection), 'application/ld+json');
    expect([answer.status, answer.body.created, answer.body.repeatedManifests]).toEqual([201, 4, 2]);
    expect(answer.body.manifests).toEqual([
      { id: 'https://example.org/a', label: 'Book a', subjects: 2 },
      { id: 'https://example.org/b', label: 'Book b', subjects: 1 },
      { id: 'https://example.org/c', label: 'Book c', subjects: 1 },
    ]);
    expect(await stored(projectId)).toEqual([
      ['https://example.org/a/canvas/1', 'https://example.org/a', 'https://example.org/a/1.jpg'],
      ['https://example.org/a/canvas/2', 'https://example.org/a', 'https://example.org/a/2.jpg'],
      ['https://example.org/b/canvas/1', 'https://example.org/b', 'https://example.org/b/1.jpg'],
      ['https://example.org/c/canvas/1', 'https://example.org/c', 'https://example.org/c/1.jpg'],
    ]);
    // A version 2 collection, and a list, the same; an upload without repeats says none.
    const v2Collection = { '@context': V2, '@id': 'https://example.org/v2all', '@type': 'sc:Collection', manifests: [v2('d', [1]), v2('d', [1])] };
    expect((await upload(setId, JSON.stringify(v2Collection), 'application/ld+json')).body).toMatchObject({ created: 1, repeatedManifests: 1, manifests: [{ id: 'https://example.org/d', subjects: 1 }] });
    expect((await upload(setId, JSON.stringify([{ '@context': V3, ...v3('e', [1]) }, { '@context': V3, ...v3('e', [1]) }]), 'application/json')).body).toMatchObject({ created: 1, repeatedManifests: 1 });
    expect((await upload(setId, JSON.stringify(collection.items[0]), 'application/json')).body.repeatedManifests).toBeUndefined();
    // The same manifest with its keys in another order, or a trailing space in a value, is the same manifest.
    const { items, ...rest } = v3('g', [1]);
    const reordered = [{ '@context': V3, ...v3('g', [1]) }, { items, '@context': V3, ...rest, label: { en: ['Book g '] } }];
    expect((await upload(setId, JSON.stringify(reordered), 'application/json')).body).toMatchObject({ created: 1, repeatedManifests: 1 });
    // Two manifests under one id that differ are not one manifest named twice: refused, naming both.
    const differing = { '@context': V3, id: 'https://example.org/two', type: 'Collection', items: [v3('f', [1]), v3('h', [1]), { ...v3('f', [1, 2]), label: { en: ['Another'] } }] };
    const refused = await upload(setId, JSON.stringify(differing), 'application/ld+json');
    expect([refused.status, refused.body.errors]).toEqual([
      422,
      [{ pointer: '', message: 'holds two different manifests with the id https://example.org/f (Manifest 1 of collection https://example.org/two and Manifest 3 of collection https://example.org/two): an id names one manifest; give one of them another id, or leave one out, and upload again' }],
    ]);
  });

  it('refuses a canvas id in two manifests of a list, naming it and both manifests; nothing is stored', async () => {
    const { projectId, setId } = await newSet();
    const copy = { '@context': V3, ...v3('b', [1]), id: 'https://example.org/b-copy' };
    const list = [{ '@context': V3, ...v3('a', [1]) }, { '@context': V3, ...v3('b', [1, 2]) }, copy];
    const refused = await upload(setId, JSON.stringify(list), 'application/json');
    expect([refused.status, refused.body.errors]).toEqual([
      422,
      [{
        pointer: '/subjects/3/externalId',
        message:
          'is "https://example.org/b/canvas/1", a canvas of both manifest https://example.org/b and manifest https://example.org/b-copy: a canvas id names one subject; leave the canvas out of one of them, and upload again (canvas 1 of manifest https://example.org/b-copy, https://example.org/b/canvas/1)',
      }],
    ]);
    expect(await subjectsOf(projectId)).toEqual([]);
  });
});
