import { type ChorusApiError, type ChorusClient, EXPORT_KINDS, type ExportFormat, type ExportKind, type Problem } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ACCOUNT_PASSWORD, newAccount, newMember, signUp } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { contentDisposition, downloadName } from '../src/exports/download-names';
import { CLASSIFICATION_ROWS, PROJECT_CLASSIFICATION_ROWS, PROJECT_CLASSIFICATION_ROWS_UNSORTED } from '../src/exports/exports.service';

let stack: Stack;
let workflowId: string;
let subjectIds: Record<string, string>;
let volunteers: ChorusClient[];
let volunteerIds: string[];

const tasks = {
  T0: { type: 'single' as const, question: 'Ad?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
  T1: { type: 'multiple' as const, question: 'Selling what?', answers: [{ value: 'horse', label: 'A horse' }, { value: 'coach', label: 'A coach' }], minChoices: 0 },
};

beforeAll(async () => {
  // Download links are given whole under it (tester round 24, F7).
  stack = await startStack({ env: { PUBLIC_URL: 'https://chorus.example.org/' } });
  const project = await stack.client.createProject({ title: `Raw export ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  await stack.client.addSubjects(set.id, [
    { externalId: 'has, comma', locations: [{ type: 'text', text: 'One' }] },
    { externalId: 'plain', locations: [{ type: 'text', text: 'Two' }] },
  ]);
  workflowId = (await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'T0', tasks, retirement: { rule: 'count', count: 5 }, subjectSetIds: [set.id] })).id;
  await stack.client.activateWorkflow(workflowId);
  const sessions = await Promise.all([0, 1].map(() => stack.anonymous.guest()));
  volunteers = sessions.map((session) => stack.anonymous.withToken(session.token));
  volunteerIds = sessions.map((session) => session.user.id);
  const queue = await volunteers[0]!.queue(workflowId);
  subjectIds = Object.fromEntries(queue.subjects.map((subject) => [subject.externalId, subject.id]));
  const classify = (volunteer: ChorusClient, externalId: string, annotations: { task: string; value: unknown }[], extra = {}) =>
    volunteer.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[externalId]!, annotations, ...extra }, randomUUID());
  await classify(volunteers[0]!, 'has, comma', [{ task: 'T0', value: 'yes' }, { task: 'T1', value: ['horse', 'coach'] }], { startedAt: '2026-11-30T10:00:00Z', finishedAt: '2026-11-30T10:00:07Z', metadata: { tool: 'test' } });
  await classify(volunteers[0]!, 'plain', [{ task: 'T0', value: 'no' }]);
  await classify(volunteers[1]!, 'plain', [{ task: 'T0', value: 'yes' }, { task: 'T1', value: [] }]);
});
afterAll(() => stack.stop());

describe('raw classifications export', () => {
  it('streams one flat row per classification, with each task’s answer in a column of its own and the whole answer as JSON', async () => {
    // Parsed once: the columns that hold JSON are objects and lists in the record, not JSON text in strings.
    const rows: Record<string, unknown>[] = JSON.parse(await stack.client.classifications(workflowId, { format: 'json' }));
    expect(rows).toHaveLength(3);
    const [volunteerA, volunteerB] = volunteerIds;
    expect(rows.find((row) => row.external_id === 'has, comma')).toEqual({
      classification_id: expect.any(String),
      subject_id: subjectIds['has, comma'],
      external_id: 'has, comma',
      subject_metadata: {},
      earlier_locations: null,
      user_id: volunteerA,
      user_kind: 'guest',
      user_name: null,
      workflow_version: 1,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      started_at: '2026-11-30T10:00:00.000Z',
      finished_at: '2026-11-30T10:00:07.000Z',
      gold_standard: false,
      after_retirement: false,
      made_in_draft: false,
      excluded_volunteer: false,
      classification_metadata: { tool: 'test' },
      annotations: [{ task: 'T0', value: 'yes' }, { task: 'T1', value: ['horse', 'coach'] }],
      hidden_tags: null,
      T0_answer: 'yes',
      T1_answer: ['horse', 'coach'],
    });
    const plain = rows.filter((row) => row.external_id === 'plain');
    expect(plain.map((row) => [row.user_id, row.T0_answer, row.T1_answer]).sort()).toEqual(
      [[volunteerA, 'no', null], [volunteerB, 'yes', []]].sort(),
    );
  });

  it('says, per transcription task, whether the volunteer asked the team to check it: after every answer, before the metadata', async () => {
    const project = await stack.client.createProject({ title: `Asked ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    const { subjectIds: [page] } = await stack.client.addSubjects(set.id, [{ externalId: 'page', metadata: { year: 1901 }, locations: [{ type: 'text', text: 'One' }] }]);
    const tasks = {
      title: { type: 'transcription' as const, instruction: 'Type the title', next: 'legible' },
      legible: { type: 'single' as const, question: 'Legible?', answers: [{ value: 'yes', label: 'Yes', next: 'body' }, { value: 'no', label: 'No' }] },
      body: { type: 'transcription' as const, instruction: 'Type the letter' },
    };
    const { id } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'title', tasks, retirement: { rule: 'count', count: 5 }, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(id);
    const classify = (volunteer: ChorusClient, annotations: { task: string; value: unknown; unsure?: boolean }[]) =>
      volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId: page!, annotations }, randomUUID());
    await classify(volunteers[0]!, [{ task: 'title', value: 'Dear Sir' }, { task: 'legible', value: 'yes' }, { task: 'body', value: 'I write', unsure: true }]);
    await classify(volunteers[1]!, [{ task: 'title', value: 'Dear Sir', unsure: true }, { task: 'legible', value: 'no' }]);
    const [header, ...lines] = (await stack.client.classifications(id, { format: 'csv', metadata: 'columns' })).trim().split('\n');
    expect(header).toMatch(/,hidden_tags,title_answer,legible_answer,body_answer,title_asked_for_check,body_asked_for_check,metadata\.year$/);
    const byVolunteer = Object.fromEntries(lines.map((line) => [line.split(',')[4], line.split(',').slice(-3).join(',')]));
    // Empty where the volunteer never reached the task.
    expect(byVolunteer).toEqual({ [volunteerIds[0]!]: 'false,true,1901', [volunteerIds[1]!]: 'true,,1901' });
    const json: Record<string, unknown>[] = JSON.parse(await stack.client.classifications(id, { format: 'json', metadata: 'columns' }));
    const asked = Object.fromEntries(json.map((row) => [row.user_id, [row.title_asked_for_check, row.body_asked_for_check]]));
    expect(asked).toEqual({ [volunteerIds[0]!]: [false, true], [volunteerIds[1]!]: [true, null] });
    expect(Object.keys(json[0]!).slice(-3)).toEqual(['title_asked_for_check', 'body_asked_for_check', 'metadata.year']);
  });

  it('offers each download as a file named after the workflow and the moment it began, so that later ones do not overwrite it', async () => {
    const before = new Date();
    const response = await fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/classifications?format=ndjson`, { headers: { authorization: `Bearer ${stack.client.token}` } });
    await response.text();
    const [, stamp] = /^attachment; filename="classifications-w-[0-9a-f-]{36}-(\d{8}T\d{6}Z)\.ndjson"; filename\*=UTF-8''classifications-W-[0-9a-f-]{36}-\1\.ndjson$/.exec(response.headers.get('content-disposition') ?? '') ?? [];
    expect(stamp).toBeDefined();
    const began = new Date(stamp!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    expect(Math.abs(began.getTime() - before.getTime())).toBeLessThan(5_000);
  });

  it('puts the workflow’s name in the file name, as ASCII and in its own letters, whatever the name holds', async () => {
    const project = await stack.client.createProject({ title: `Names ${randomUUID().slice(0, 8)}`, status: 'live' });
    const named = async (name: string) => (await stack.client.createWorkflow(project.id, { name, firstTask: 'T0', tasks, retirement: { rule: 'count', count: 5 } })).id;
    const disposition = async (id: string, kind: string) => {
      const response = await fetch(`${stack.baseUrl}/api/v1/workflows/${id}/${kind}?format=csv`, { headers: { authorization: `Bearer ${stack.client.token}` } });
      await response.text();
      expect(response.status).toBe(200);
      return (response.headers.get('content-disposition') ?? '').replace(/\d{8}T\d{6}Z/g, '<stamp>');
    };
    const quoted = await named('Postcards: "building" or not?; café, 1908');
    expect(await disposition(quoted, 'consensus')).toBe(
      `attachment; filename="consensus-postcards-building-or-not-cafe-1908-${quoted}-<stamp>.csv"; filename*=UTF-8''consensus-Postcards-building-or-not-caf%C3%A9-1908-${quoted}-<stamp>.csv`,
    );
    // A name with no Latin letters: the ASCII name has none of it, the other has it all.
    const cyrillic = await named('Почтовые открытки');
    const header = await disposition(cyrillic, 'subject-reports');
    const [, ascii, unicode] = /^attachment; filename="([^"]*)"; filename\*=UTF-8''(.*)$/.exec(header) ?? [];
    expect(ascii).toBe(`subject-reports-${cyrillic}-<stamp>.csv`);
    expect(decodeURIComponent(unicode!)).toBe(`subject-reports-Почтовые-открытки-${cyrillic}-<stamp>.csv`);
    const long = await named('The Great Western Railway staff magazine, 1904 to 1947, every issue');
    expect(await disposition(long, 'classifications')).toMatch(new RegExp(`^attachment; filename="classifications-the-great-western-railway-staff-magazine-${long}-<stamp>\\.csv"; `));
  });

  it('keeps any name, line breaks and quotes included, from breaking the content-disposition header', () => {
    const id = randomUUID();
    const header = contentDisposition(downloadName('consensus', { id, name: 'a"\r\nSet-Cookie: x=1; \\ (é) *\'' }, new Date('2026-12-02T07:11:00Z'), 'csv'));
    expect(header).toBe(`attachment; filename="consensus-a-set-cookie-x-1-e-${id}-20261202T071100Z.csv"; filename*=UTF-8''consensus-a-Set-Cookie-x-1-%C3%A9-${id}-20261202T071100Z.csv`);
    expect(contentDisposition(downloadName('consensus', { id, name: '«»' }, new Date('2026-12-02T07:11:00Z'), 'csv'))).toBe(
      `attachment; filename="consensus-${id}-20261202T071100Z.csv"; filename*=UTF-8''consensus-${id}-20261202T071100Z.csv`,
    );
  });

  it('spells a name’s Latin letters that are not a letter and an accent in ASCII in the file name, rather than drop them', () => {
    const id = randomUUID();
    expect(downloadName('consensus', { id, name: 'Øresund breve, Straße' }, new Date('2026-12-02T07:11:00Z'), 'csv').ascii).toBe(`consensus-oresund-breve-strasse-${id}-20261202T071100Z.csv`);
  });

  it('gives the same rows as NDJSON and as CSV, whose header names every column', async () => {
    const json = JSON.parse(await stack.client.classifications(workflowId, { format: 'json' }));
    const ndjson = (await stack.client.classifications(workflowId, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line));
    expect(ndjson).toEqual(json);
    const [header, ...lines] = (await stack.client.classifications(workflowId, { format: 'csv' })).trim().split('\n');
    expect(header).toBe(
      'classification_id,subject_id,external_id,subject_metadata,earlier_locations,user_id,user_kind,user_name,workflow_version,created_at,updated_at,started_at,finished_at,gold_standard,after_retirement,made_in_draft,excluded_volunteer,classification_metadata,annotations,hidden_tags,T0_answer,T1_answer',
    );
    expect(lines).toHaveLength(3);
    // NDJSON parsed line by line once: the whole answer is a list, its choices a list in it.
    const first = ndjson.find((row: Record<string, unknown>) => row.external_id === 'has, comma');
    expect(first.annotations[1].value).toEqual(['horse', 'coach']);
    expect(first.classification_metadata.tool).toBe('test');
    // CSV keeps each as its JSON text in one cell.
    expect(lines.find((line) => line.includes('"has, comma"'))).toMatch(/,false,false,false,"{""tool"":""test""}","\[{""task"":""T0"",""value"":""yes""},{""task"":""T1"",""value"":\[""horse"",""coach""\]}\]",,yes,horse;coach$/);
  });

  it('gives every download’s JSON and NDJSON keys in the order of its CSV header, so that a record’s values are its columns', async () => {
    const reporter = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await reporter.reportSubject(workflowId, { subjectId: (await reporter.queue(workflowId)).subjects[0]!.id, reason: 'other', note: 'Torn in half' });
    const download = async (kind: ExportKind, format: ExportFormat) =>
      (await fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/${kind}?format=${format}`, { headers: { authorization: `Bearer ${stack.client.token}` } })).text();
    for (const kind of EXPORT_KINDS) {
      const [header] = (await download(kind, 'csv')).split('\n');
      const json: object[] = JSON.parse(await download(kind, 'json'));
      const ndjson: object[] = (await download(kind, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
      expect([kind, json.length > 0, ndjson.length]).toEqual([kind, true, json.length]);
      for (const record of [...json, ...ndjson]) expect([kind, Object.keys(record).join(',')]).toEqual([kind, header]);
    }
  });

  it('adds the columns of a new version’s tasks first, and keeps those only older versions had', async () => {
    const workflow = await stack.client.getWorkflow(workflowId);
    // Stored as jsonb, the tasks' keys come back shortest first (T9 before headline): the columns follow the workflow.
    const tasks = {
      headline: { type: 'transcription' as const, instruction: 'Type the headline', next: 'T9' },
      T9: { type: 'single' as const, question: 'Legible?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
    };
    await stack.client.updateWorkflow(workflowId, { ...workflow.definition, firstTask: 'headline', tasks } as Parameters<typeof stack.client.updateWorkflow>[1]);
    const [header] = (await stack.client.classifications(workflowId, { format: 'csv' })).split('\n');
    // A transcription's asked_for_check comes after every answer: the answers keep their places.
    expect(header).toMatch(/,annotations,hidden_tags,headline_answer,T9_answer,T0_answer,T1_answer,headline_asked_for_check$/);
    const [consensusHeader] = (await stack.client.consensus(workflowId, { format: 'csv' })).split('\n');
    // The consensus download keeps the tasks older versions had too: subjects retired then keep their consensus.
    expect(consensusHeader).toMatch(/,workflow_version,left_workflow,left_workflow_at,updated_at,headline_answer,headline_reached,headline_agreement,headline_votes,headline_against_plurality,headline_algorithm,headline_workflow_version,headline_known_answer,headline_result,T9_answer,.*,T0_answer,.*,T1_result,headline_outcome,headline_reviewed,headline_reviewed_answer,headline_needs_checking,headline_consensus_changed,T9_outcome,T9_reviewed,T9_reviewed_answer,T9_needs_checking,T9_consensus_changed,T0_outcome,T0_reviewed,T0_reviewed_answer,T0_needs_checking,T0_consensus_changed,T1_outcome,T1_support,T1_reviewed,T1_reviewed_answer,T1_needs_checking,T1_consensus_changed,routing_decisions$/);
  });

  it('keeps a spreadsheet from running a volunteer’s text as a formula in CSV, and gives it as typed in JSON', async () => {
    const project = await stack.client.createProject({ title: `Formulas ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    await stack.client.addSubjects(set.id, ['a', 'b', 'c'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
    const headline = { headline: { type: 'transcription' as const, instruction: 'Type the headline' } };
    const { id } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'headline', tasks: headline, retirement: { rule: 'count', count: 5 }, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(id);
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const typed = { a: '=HYPERLINK("http://evil.example","Click")', b: '-5', c: '@SUM(A1)' };
    for (const subject of (await volunteer.queue(id)).subjects) {
      const value = typed[subject.externalId as keyof typeof typed];
      await volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId: subject.id, annotations: [{ task: 'headline', value }] }, randomUUID());
    }
    const csv = await stack.client.classifications(id, { format: 'csv' });
    expect(csv).toContain(`,"'=HYPERLINK(""http://evil.example"",""Click"")"`);
    expect(csv).toMatch(/,'@SUM\(A1\),false\n/);
    expect(csv).toMatch(/,-5,false\n/);
    const json: Record<string, unknown>[] = JSON.parse(await stack.client.classifications(id, { format: 'json' }));
    expect(json.map((row) => row.headline_answer).sort()).toEqual(Object.values(typed).sort());
  });

  it('keeps every tag or answer joined in a cell from running as a formula, for spreadsheets that split cells at ";"', async () => {
    const project = await stack.client.createProject({ title: `Joined formulas ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    await stack.client.addSubjects(set.id, [{ externalId: 'a', locations: [{ type: 'text', text: 'a' }] }]);
    const joined = {
      tags: { type: 'tagging' as const, instruction: 'Tag it', next: 'kinds' },
      kinds: { type: 'multiple' as const, question: 'Which?', answers: [{ value: 'horse', label: 'Horse' }, { value: '+cmd', label: 'Plus' }], minChoices: 0 },
    };
    const { id } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'tags', tasks: joined, retirement: { rule: 'count', count: 1 }, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(id);
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const [subject] = (await volunteer.queue(id)).subjects;
    const tags = { add: ['horse', '=1+2', '@sum(a1)', '-x', '-5'] };
    await volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId: subject!.id, annotations: [{ task: 'tags', value: tags }, { task: 'kinds', value: ['horse', '+cmd'] }] }, randomUUID());
    const [header, row] = (await stack.client.classifications(id, { format: 'csv' })).trim().split('\n');
    expect(header).toMatch(/,tags_answer,kinds_answer$/);
    // Each value after a ";" is guarded as a cell's first one is; numbers stay as they are.
    expect(row).toMatch(/,horse;'=1\+2;'@sum\(a1\);'-x;-5,horse;'\+cmd$/);
    for (let i = 0; i < 100 && (await stack.client.stats(id)).retired < 1; i++) await new Promise((r) => setTimeout(r, 50));
    const consensus = await stack.client.consensus(id, { format: 'csv' });
    // (A multiple choice's against_plurality is empty: no one answer among counted ones.)
    expect(consensus).toMatch(/,horse;'\+cmd,true,1,1,,binary-vote-per-answer,/);
    expect(consensus).toContain(";'=1+2;");
    // JSON gives the values as stored, a list of them, as annotations do.
    const json: Record<string, unknown>[] = JSON.parse(await stack.client.classifications(id, { format: 'json' }));
    expect([json[0]?.tags_answer, json[0]?.kinds_answer]).toEqual([['horse', '=1+2', '@sum(a1)', '-x', '-5'], ['horse', '+cmd']]);
    const consensusJson: Record<string, unknown>[] = JSON.parse(await stack.client.consensus(id, { format: 'json' }));
    expect(consensusJson[0]?.kinds_answer).toEqual(['horse', '+cmd']);
  });

  it('gives only the classifications stored since a moment, for incremental downloads', async () => {
    const all: { classification_id: string; created_at: string }[] = JSON.parse(await stack.client.classifications(workflowId, { format: 'json' }));
    const byTime = [...all].sort((a, b) => a.created_at.localeCompare(b.created_at));
    const newest = byTime.at(-1)!;
    const since = async (moment: string) => (JSON.parse(await stack.client.classifications(workflowId, { format: 'json', since: moment })) as typeof all).map((row) => row.classification_id).sort();
    expect(await since(newest.created_at)).toEqual([newest.classification_id]);
    expect(await since(byTime[1]!.created_at)).toEqual([byTime[1]!.classification_id, newest.classification_id].sort());
    // The same moment in another zone, and a date alone (midnight UTC).
    const inParis = new Date(new Date(newest.created_at).getTime() + 3600_000).toISOString().replace('Z', '+01:00');
    expect(await since(inParis)).toEqual([newest.classification_id]);
    expect(await since('2000-01-01')).toHaveLength(3);
    expect(await since('2999-01-01')).toEqual([]);
    const header = (await stack.client.classifications(workflowId, { format: 'csv', since: '2999-01-01' })).trim();
    expect(header).toMatch(/^classification_id,.*,T1_answer,headline_asked_for_check$/);
  });

  it('says where the next incremental download starts (Chorus-Next-Since): a change a transaction stamped before the download and committed after it comes then, though the download held newer rows', async () => {
    const project = await stack.client.createProject({ title: `Next since ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    const { subjectIds: [first, second] } = await stack.client.addSubjects(set.id, ['a', 'b'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
    const { id } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'T0', tasks, retirement: { rule: 'count', count: 5 }, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(id);
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await volunteer.queue(id);
    const classify = (subjectId: string) => volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    const earlier = await classify(first!);
    type Row = { classification_id: string; updated_at: string };
    const download = async (since?: string) => {
      const response = await fetch(`${stack.baseUrl}/api/v1/workflows/${id}/classifications?format=json${since ? `&since=${since}` : ''}`, {
        headers: { authorization: `Bearer ${stack.client.token}`, origin: 'https://lab.example.org' },
      });
      expect(response.status).toBe(200);
      return { nextSince: response.headers.get('chorus-next-since'), exposed: response.headers.get('access-control-expose-headers'), rows: (await response.json()) as Row[] };
    };
    const ids = (rows: Row[]) => rows.map((row) => row.classification_id).sort();

    // A transaction changes the earlier classification (stamped as it begins, as every change is), and is still running
    // while a newer one is stored and the download is read.
    const writer = new Client({ connectionString: stack.config.databaseUrl });
    await writer.connect();
    try {
      await writer.query('BEGIN');
      await writer.query('UPDATE classifications SET updated_at = now() WHERE id = $1', [earlier.id]);
      const newer = await classify(second!);
      const tonight = await download();
      await writer.query('COMMIT');

      expect(ids(tonight.rows)).toEqual([earlier.id, newer.id].sort());
      expect(tonight.exposed?.toLowerCase()).toContain('chorus-next-since');
      expect(tonight.nextSince).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      // From the newest row it held, the change is missed; from Chorus-Next-Since, it comes.
      const newest = tonight.rows.map((row) => row.updated_at).sort().at(-1)!;
      expect(ids((await download(newest)).rows)).toEqual([newer.id]);
      expect(ids((await download(tonight.nextSince!)).rows)).toEqual([earlier.id, newer.id].sort());
    } finally {
      await writer.end();
    }
  });

  it('gives again, since a moment, a classification whose after_retirement flag changed after it, with when', async () => {
    const project = await stack.client.createProject({ title: `Flag changes ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    const { subjectIds: [subjectId] } = await stack.client.addSubjects(set.id, [{ externalId: 'held', locations: [{ type: 'text', text: 'Held' }] }]);
    const { id } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'T0', tasks, retirement: { rule: 'count', count: 3 }, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(id);
    // Retired by hand while a volunteer holds it: their answer comes after the retirement.
    const holder = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await holder.queue(id);
    await stack.client.request('POST', `/workflows/${id}/retire`, { subjectIds: [subjectId], reason: 'by mistake' });
    const { id: classificationId } = await holder.classify({ workflowId: id, workflowVersion: 1, subjectId: subjectId!, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    type Row = { classification_id: string; created_at: string; updated_at: string; after_retirement: boolean };
    const [stored] = JSON.parse(await stack.client.classifications(id, { format: 'json' })) as Row[];
    expect(stored).toMatchObject({ classification_id: classificationId, after_retirement: true, updated_at: stored!.created_at });
    const afterIt = new Date(new Date(stored!.created_at).getTime() + 1).toISOString();
    expect(JSON.parse(await stack.client.classifications(id, { format: 'json', since: afterIt }))).toEqual([]);
    await stack.client.request('POST', `/workflows/${id}/unretire`, { subjectIds: [subjectId], reason: 'retired by mistake' });
    const [changed] = JSON.parse(await stack.client.classifications(id, { format: 'json', since: afterIt })) as Row[];
    expect(changed).toMatchObject({ classification_id: classificationId, created_at: stored!.created_at, after_retirement: false });
    expect(changed!.updated_at > afterIt).toBe(true);
  });

  it('gives again, since a moment, the classifications of an account deleted after it, without its name, however many they are', async () => {
    const project = await stack.client.createProject({ title: `Erased ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    const many = 4_500; // more than one statement stamps
    const { subjectIds: ids } = await stack.client.addSubjects(set.id, Array.from({ length: many }, (_, i) => ({ externalId: `e${i}`, locations: [{ type: 'text' as const, text: `E${i}` }] })));
    const { id } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'T0', tasks, retirement: { rule: 'count', count: 5 }, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(id);
    const volunteer = await newAccount(stack, 'Jane Realname');
    const first = await volunteer.client.classify({ workflowId: id, workflowVersion: 1, subjectId: ids[0]!, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    // The rest as the first was stored, written at once (classifying 4,500 subjects one by one takes minutes); in pairs
    // of the same moment, as a batch of submits stores them.
    await stack.db.query(
      `INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key, created_at)
       SELECT c.workflow_id, 1, s.id, c.user_id, c.annotations, 'k-' || s.id, c.created_at - (s.n / 2) * interval '1 millisecond'
       FROM classifications c, unnest($2::uuid[]) WITH ORDINALITY AS s(id, n) WHERE c.id = $1`,
      [first.id, ids.slice(1)],
    );
    type Row = { classification_id: string; user_kind: string; user_name: string | null };
    const download = async (since?: string) => JSON.parse(await stack.client.classifications(id, { format: 'json', since })) as Row[];
    expect((await download()).filter((row) => row.user_name === 'Jane Realname')).toHaveLength(many);
    const since = (await stack.db.query(`SELECT to_char((now() + interval '1 millisecond') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS since`)).rows[0].since as string;
    expect(await download(since)).toEqual([]);

    await volunteer.client.deleteAccount(ACCOUNT_PASSWORD);
    const again = await download(since);
    expect(again).toHaveLength(many);
    expect(new Set(again.map((row) => row.classification_id)).size).toBe(many);
    expect(again.every((row) => row.user_kind === 'deleted' && row.user_name === null)).toBe(true);
  });

  it("gives the rows in the natural order of their subjects' externalIds when asked (sort=externalId), each subject's oldest first, with since= and by a download link too (tester 21a F1)", async () => {
    const project = await stack.client.createProject({ title: `Letter pages ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Letter 2' });
    // Uploaded out of order, so that neither the upload nor the random subject ids give externalId order by chance.
    const names = ['p10', 'p9', 'p1', 'p2'];
    const { subjectIds: uploaded } = await stack.client.addSubjects(set.id, [...names.map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })), { locations: [{ type: 'text' as const, text: 'unnamed' }] }]);
    const { id } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'T0', tasks, retirement: { rule: 'count', count: 5 }, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(id);
    for (let i = 0; i < 3; i++) {
      const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      for (const subjectId of uploaded) await volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    }
    // Each subject's classifications stored in the opposite order of their volunteers' ids (the default order's), but
    // p2's, stored at one moment (as one statement stores several), which their ids order.
    await stack.db.query(
      `UPDATE classifications c SET created_at = CASE WHEN s.external_id = 'p2' THEN '2026-12-01T00:00:00Z' ELSE '2026-12-01T00:00:00Z'::timestamptz - ranked.n * interval '1 minute' END
       FROM (SELECT id, row_number() OVER (PARTITION BY subject_id ORDER BY user_id) AS n FROM classifications WHERE workflow_id = $1) ranked, subjects s
       WHERE c.id = ranked.id AND s.id = c.subject_id`,
      [id],
    );
    const { rows } = await stack.db.query('SELECT c.id, c.subject_id, c.user_id, s.external_id FROM classifications c JOIN subjects s ON s.id = c.subject_id WHERE c.workflow_id = $1', [id]);
    expect(rows).toHaveLength(15);
    const oldestFirst = (externalId: string | null) => {
      const of = rows.filter((row) => row.external_id === externalId);
      return externalId === 'p2' ? of.map((row) => row.id as string).sort() : of.sort((a, b) => (a.user_id < b.user_id ? 1 : -1)).map((row) => row.id as string);
    };
    const inOrder = [...['p1', 'p2', 'p9', 'p10'].flatMap(oldestFirst), ...oldestFirst(null)];
    const ids = (format: ExportFormat, text: string) => {
      if (format === 'json') return JSON.parse(text).map((row: { classification_id: string }) => row.classification_id);
      if (format === 'csv') return text.trim().split('\n').slice(1).map((line) => line.split(',')[0]);
      return text.trim().split('\n').map((line) => JSON.parse(line).classification_id);
    };
    for (const format of ['ndjson', 'json', 'csv'] as const) {
      expect([format, ids(format, await stack.client.classifications(id, { format, sort: 'externalId' }))]).toEqual([format, inOrder]);
    }
    const ndjson = await stack.client.classifications(id, { format: 'ndjson', metadata: 'columns', sort: 'externalId' });
    expect(ndjson.trim().split('\n').map((line) => JSON.parse(line).external_id)).toEqual([...['p1', 'p2', 'p9', 'p10'].flatMap((name) => [name, name, name]), null, null, null]);
    // since= takes it: the rows changed since, in the same order.
    expect(ids('ndjson', await stack.client.classifications(id, { format: 'ndjson', since: '2026-11-30', sort: 'externalId' }))).toEqual(inOrder);
    expect(ids('ndjson', await stack.client.classifications(id, { format: 'ndjson', since: '2026-12-01T00:00:00Z', sort: 'externalId' }))).toEqual(oldestFirst('p2'));
    // A download link takes it as the download does.
    const link = await stack.client.downloadLink(id, { kind: 'classifications' });
    const linked = await fetch(`${stack.baseUrl}${link.url}&format=ndjson&sort=externalId`);
    expect(ids('ndjson', await linked.text())).toEqual(inOrder);
    // The default stays subject id, then volunteer, order.
    const byId = [...rows].sort((a, b) => (a.subject_id === b.subject_id ? (a.user_id < b.user_id ? -1 : 1) : a.subject_id < b.subject_id ? -1 : 1)).map((row) => row.id);
    expect(ids('ndjson', await stack.client.classifications(id, { format: 'ndjson' }))).toEqual(byId);
    const error = (await stack.client.request('GET', `/workflows/${id}/classifications?sort=upload`).catch((e) => e)) as ChorusApiError;
    expect([error.status, error.problem.errors]).toEqual([422, [{ pointer: '/query/sort', message: expect.stringContaining('or externalId (the natural order') }]]);
  });

  it("reads sort=externalId's subjects through the index of externalIds in natural order, sorting only each subject's classifications, so rows stream from the first", async () => {
    const { projectId } = await stack.client.getWorkflow(workflowId);
    await stack.db.query('BEGIN');
    try {
      // The tables are small here, so the planner is told to take an index over a scan, and to avoid a whole sort, as it would at scale.
      await stack.db.query('SET LOCAL enable_seqscan = off');
      await stack.db.query('SET LOCAL enable_bitmapscan = off');
      await stack.db.query('SET LOCAL enable_sort = off');
      const plan = (await stack.db.query(`EXPLAIN ${CLASSIFICATION_ROWS.externalId}`, [workflowId, null, projectId])).rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index (Only )?Scan using subjects_external_id_natural_idx on subjects\b/);
      expect(plan).toMatch(/Incremental Sort/);
      expect(plan).not.toMatch(/(^|->)\s*Sort\s+\(cost/m);
    } finally {
      await stack.db.query('ROLLBACK');
    }
  });

  it('reads each row’s subject by its primary key, so that rows stream from the first in the unique index’s order: neither they nor the subjects sorted whole', async () => {
    const { projectId } = await stack.client.getWorkflow(workflowId);
    await stack.db.query('BEGIN');
    try {
      // What the planner weighs at scale, rolled back after: a corpus of 10,000 passages of a kilobyte each, classified once.
      await stack.db.query(
        `WITH passage AS (
           INSERT INTO subjects (project_id, locations) SELECT $1, jsonb_build_array(jsonb_build_object('type', 'text', 'text', repeat('The carriage of the Mayor passed. ', 30) || i))
           FROM generate_series(1, 10000) i RETURNING id)
         INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key)
         SELECT $2, 1, passage.id, $3, '[{"task":"T0","value":"no"}]', gen_random_uuid()::text FROM passage`,
        [projectId, workflowId, volunteerIds[0]],
      );
      await stack.db.query('ANALYZE subjects');
      await stack.db.query('ANALYZE classifications');
      const plan = (await stack.db.query(`EXPLAIN ${CLASSIFICATION_ROWS.id}`, [workflowId, null])).rows.map((row) => row['QUERY PLAN']).join('\n');
      // Joined whole, the subjects table (every project's) was read and sorted for a merge join before the first row went out.
      expect(plan).toMatch(/Index Scan using classifications_once_per_volunteer_key on classifications c\b/);
      expect(plan).toMatch(/Index Scan using "?PK_\w+"? on subjects\b/);
      expect(plan).not.toMatch(/Sort Key: (c\.subject_id|s\.id)/);
      // The project's download reads each workflow's the same way, the workflows walked in id order, as it runs them
      // (sorting off: the planner's guess of a workflow's rows is the project's average), nothing sorted.
      await stack.db.query(PROJECT_CLASSIFICATION_ROWS_UNSORTED);
      const projectPlan = (await stack.db.query(`EXPLAIN ${PROJECT_CLASSIFICATION_ROWS}`, [projectId, null, null, null, null])).rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(projectPlan).toMatch(/Index Scan using classifications_once_per_volunteer_key on classifications c\b/);
      expect(projectPlan).toMatch(/Index Scan using "?PK_\w+"? on subjects\b/);
      expect(projectPlan).not.toMatch(/Sort Key/);
    } finally {
      await stack.db.query('ROLLBACK');
    }
  });

  it('refuses a query parameter it does not know rather than ignoring it (a misspelt since would give everything)', async () => {
    const error = (await stack.client.request('GET', `/workflows/${workflowId}/classifications?format=json&sinse=2999-01-01`).catch((e) => e)) as ChorusApiError;
    expect(error.status).toBe(422);
    expect(error.problem.errors?.map((e) => e.pointer)).toEqual(['/query/sinse']);
    const consensus = (await stack.client.request('GET', `/workflows/${workflowId}/consensus?from=2999-01-01`).catch((e) => e)) as ChorusApiError;
    expect(consensus.problem.errors?.map((e) => e.pointer)).toEqual(['/query/from']);
    const twice = (await stack.client.request('GET', `/workflows/${workflowId}/classifications?since=2026-12-01&since=2027-01-01`).catch((e) => e)) as ChorusApiError;
    expect(twice.problem.errors).toEqual([{ pointer: '/query/since', message: 'is given more than once; give it once' }]);
  });

  it("gives the subjects' metadata a column per key when asked (metadata=columns), as the consensus download does, keys of the classified subjects only", async () => {
    const project = await stack.client.createProject({ title: `Raw metadata ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    const { subjectIds: [herald] } = await stack.client.addSubjects(set.id, [
      { externalId: 'herald', locations: [{ type: 'text', text: 'One' }], metadata: { newspaper: 'Herald', year: 1901, Zebra: ['a'] } },
      { externalId: 'times', locations: [{ type: 'text', text: 'Two' }], metadata: { unclassified: 'x' } },
    ]);
    const { id } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'T0', tasks, retirement: { rule: 'count', count: 5 }, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(id);
    await volunteers[0]!.classify({ workflowId: id, workflowVersion: 1, subjectId: herald!, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    // Another project's subject, classified in its own workflow, with a key of its own: no column here.
    const elsewhere = await stack.client.createProject({ title: `Raw elsewhere ${randomUUID().slice(0, 8)}`, status: 'live' });
    const elsewhereSet = await stack.client.createSubjectSet(elsewhere.id, { name: 'Set' });
    const { subjectIds: [away] } = await stack.client.addSubjects(elsewhereSet.id, [{ externalId: 'herald', locations: [{ type: 'text', text: 'One' }], metadata: { elsewhere: 'x' } }]);
    const other = await stack.client.createWorkflow(elsewhere.id, { name: 'W', firstTask: 'T0', tasks, retirement: { rule: 'count', count: 5 }, subjectSetIds: [elsewhereSet.id] });
    await stack.client.activateWorkflow(other.id);
    await volunteers[0]!.classify({ workflowId: other.id, workflowVersion: 1, subjectId: away!, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    const [header, row] = (await stack.client.classifications(id, { format: 'csv', metadata: 'columns' })).trim().split('\n');
    // In place of subject_metadata, after every other column, in code-point order; "times" has no classification.
    expect(header).toBe(
      'classification_id,subject_id,external_id,earlier_locations,user_id,user_kind,user_name,workflow_version,created_at,updated_at,started_at,finished_at,gold_standard,after_retirement,made_in_draft,excluded_volunteer,classification_metadata,annotations,hidden_tags,T0_answer,T1_answer,metadata.Zebra,metadata.newspaper,metadata.year',
    );
    expect(row).toMatch(/,no,,"\[""a""\]",Herald,1901$/);
    const [json] = JSON.parse(await stack.client.classifications(id, { format: 'json', metadata: 'columns' }));
    expect(json).toMatchObject({ 'metadata.Zebra': ['a'], 'metadata.newspaper': 'Herald', 'metadata.year': 1901 });
    const [line] = (await stack.client.classifications(id, { format: 'ndjson', metadata: 'columns' })).trim().split('\n');
    expect(JSON.parse(line!)['metadata.Zebra']).toEqual(['a']);
    expect(json).not.toHaveProperty('subject_metadata');
    const error = (await stack.client.request('GET', `/workflows/${id}/classifications?metadata=flat`).catch((e) => e)) as ChorusApiError;
    expect(error.problem.errors?.map((e) => e.pointer)).toEqual(['/query/metadata']);
    // The reports of subjects have no metadata to give.
    const reports = (await stack.client.request('GET', `/workflows/${id}/subject-reports?metadata=columns`).catch((e) => e)) as ChorusApiError;
    expect(reports.problem.errors?.map((e) => e.pointer)).toEqual(['/query/metadata']);
  });

  it('names a moment it cannot read', async () => {
    for (const moment of ['yesterday', '2026-12-01T09:30:00', '2026-02-30']) {
      const error = (await stack.client.classifications(workflowId, { format: 'json', since: moment }).catch((e) => e)) as ChorusApiError;
      expect(error.status).toBe(422);
      expect(error.problem.errors?.[0]?.pointer).toBe('/query/since');
    }
    // A zone's "+" sent unencoded arrives as a space: the answer says how to send it.
    const unencoded = (await stack.client.request('GET', `/workflows/${workflowId}/classifications?since=2026-12-01T10:00:00+01:00`).catch((e) => e)) as ChorusApiError;
    expect(unencoded.problem.errors).toEqual([{ pointer: '/query/since', message: expect.stringContaining('send the "+" of a zone such as +01:00 as %2B') }]);
    const spaced = (await stack.client.classifications(workflowId, { format: 'json', since: '2026-12-01 09:30' }).catch((e) => e)) as ChorusApiError;
    expect(spaced.problem.errors?.[0]?.message).toMatch(/^must be a date such as 2026-12-01/); // no zone lost there: no word of %2B
  });

  it('is for the project’s researchers only, and names a bad format', async () => {
    expect(((await volunteers[0]!.classifications(workflowId).catch((e) => e)) as ChorusApiError).status).toBe(403);
    const error = (await stack.client.classifications(workflowId, { format: 'xml' as 'csv' }).catch((e) => e)) as ChorusApiError;
    expect(error.problem.errors).toEqual([{ pointer: '/query/format', message: 'must be csv, json or ndjson' }]);
    // In any case, as a file's extension may be written.
    expect(JSON.parse(await stack.client.classifications(workflowId, { format: 'JSON' as 'json' }))).toHaveLength(3);
  });

  it('credits a registered volunteer by their display name, and a guest by none', async () => {
    const project = await stack.client.createProject({ title: `Credits ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    await stack.client.addSubjects(set.id, [{ externalId: 'one', locations: [{ type: 'text' as const, text: 'One' }] }]);
    const { id } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'T0', tasks: { T0: { ...tasks.T0, answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } }, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(id);
    const email = `grace-${randomUUID().slice(0, 8)}@example.org`;
    const grace = stack.anonymous.withToken((await signUp(stack, { email, displayName: 'Grace H.' })).token);
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    for (const volunteer of [grace, guest]) {
      const [subject] = (await volunteer.queue(id)).subjects;
      await volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId: subject!.id, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    }
    const rows: Record<string, unknown>[] = JSON.parse(await stack.client.classifications(id, { format: 'json' }));
    expect(rows.map((row) => [row.user_kind, row.user_name]).sort()).toEqual([['guest', null], ['registered', 'Grace H.']]);
  });

  it('gives every time of every download in one format, ISO 8601 in UTC to the millisecond, whatever its column or precision', async () => {
    const project = await stack.client.createProject({ title: `Times ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    await stack.client.addSubjects(set.id, [{ externalId: 'one', locations: [{ type: 'text' as const, text: 'One' }] }]);
    const { id } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'T0', tasks: { T0: { ...tasks.T0, answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } }, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(id);
    const [subject] = (await volunteers[0]!.queue(id)).subjects;
    // Sent to the microsecond, and in another zone to the second: the device's clock, as sent.
    const times = { startedAt: '2026-11-30T10:00:00.123456Z', finishedAt: '2026-11-30T11:00:07+01:00' };
    await volunteers[0]!.classify({ workflowId: id, workflowVersion: 1, subjectId: subject!.id, annotations: [{ task: 'T0', value: 'no' }], ...times }, randomUUID());
    const [served] = (await volunteers[1]!.queue(id)).subjects;
    await volunteers[1]!.reportSubject(id, { subjectId: served!.id, reason: 'blank-or-unreadable' });
    await stack.client.retireSubjects(id, { subjectIds: [subject!.id], reason: 'enough' });
    const MILLISECONDS_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
    const timesOf = async (kind: 'consensus' | 'classifications' | 'subject-reports', columns: string[]) => {
      const { body } = await stack.client.request<Record<string, unknown>[]>('GET', `/workflows/${id}/${kind}?format=json`);
      return body.flatMap((row) => columns.map((column) => [column, row[column]]).filter(([, value]) => value !== null));
    };
    const [raw] = (await stack.client.request<Record<string, unknown>[]>('GET', `/workflows/${id}/classifications?format=json`)).body;
    expect([raw!.started_at, raw!.finished_at]).toEqual(['2026-11-30T10:00:00.123Z', '2026-11-30T10:00:07.000Z']);
    const every = [
      ...(await timesOf('classifications', ['created_at', 'updated_at', 'started_at', 'finished_at'])),
      ...(await timesOf('consensus', ['retired_at', 'updated_at'])),
      ...(await timesOf('subject-reports', ['reported_at', 'updated_at', 'retired_at', 'last_reported_at'])),
    ];
    expect(every.length).toBeGreaterThanOrEqual(6);
    expect(every.filter(([, value]) => !MILLISECONDS_UTC.test(String(value)))).toEqual([]);
  });
});

describe('a download asked for wrongly', () => {
  const get = async (path: string, token?: string) => {
    const response = await fetch(`${stack.baseUrl}/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, problem: (await response.json()) as Problem };
  };

  it('says who may download before what its query takes: 401 without credentials, 403 to a volunteer, 422 only to a researcher', async () => {
    for (const kind of ['consensus', 'classifications', 'subject-reports']) {
      const path = `/workflows/${workflowId}/${kind}?format=xml&sinse=yesterday`;
      const none = await get(path);
      expect([kind, none.status, none.problem.errors]).toEqual([kind, 401, [{ pointer: '/headers/authorization', message: 'is missing' }]]);
      const badLink = await get(`${path}&token=not-a-link`);
      expect([kind, badLink.status, badLink.problem.errors]).toEqual([kind, 401, [{ pointer: '/query/token', message: 'is not a valid link to this download' }]]);
      expect([kind, (await get(path, volunteers[0]!.token)).status]).toEqual([kind, 403]);
      const researcher = await get(path, stack.client.token);
      expect([kind, researcher.status, researcher.problem.errors?.map((error) => error.pointer).sort()]).toEqual([kind, 422, ['/query/format', '/query/sinse']]);
    }
  });

  it('names the value a parameter takes when it was sent with other capitals (sort=externalid)', async () => {
    const wrongCase = await get(`/workflows/${workflowId}/consensus?sort=externalid`, stack.client.token);
    expect([wrongCase.status, wrongCase.problem.errors]).toEqual([422, [{ pointer: '/query/sort', message: expect.stringMatching(/^must be id .*; did you mean "externalId"\? \(values are matched with capitals as written\)$/) }]]);
    const metadata = await get(`/workflows/${workflowId}/classifications?metadata=Columns`, stack.client.token);
    expect(metadata.problem.errors?.[0]?.message).toMatch(/; did you mean "columns"\?/);
    // Another value: no suggestion, only what it takes.
    const unknown = await get(`/workflows/${workflowId}/consensus?sort=newest`, stack.client.token);
    expect(unknown.problem.errors).toEqual([{ pointer: '/query/sort', message: expect.not.stringContaining('did you mean') }]);
  });
});

describe('download links', () => {
  const open = (url: string) => fetch(`${stack.baseUrl}${url}`);
  const problem = async (response: Response) => (await response.json()) as Problem;

  it('open a download without an Authorization header: that download only, until its account signs out everywhere', async () => {
    const { projectId } = await stack.client.getWorkflow(workflowId);
    const scientist = await newMember(stack, projectId, 'scientist', 'Scientist');
    const link = await scientist.client.downloadLink(workflowId, { kind: 'classifications' });
    expect(link.url).toMatch(new RegExp(`^/api/v1/workflows/${workflowId}/classifications\\?token=`));
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    const response = await open(`${link.url}&format=json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="classifications-/);
    expect(response.headers.get('cache-control')).toBe('private, no-store'); // no Authorization header, private all the same
    expect(JSON.parse(await response.text())).toHaveLength(3);

    // Not the other download; without any credentials, both ways of giving them are named.
    const other = await open(link.url.replace('/classifications?', '/consensus?'));
    expect([other.status, (await problem(other)).errors]).toEqual([401, [{ pointer: '/query/token', message: 'is not a valid link to this download' }]]);
    const none = await open(`/api/v1/workflows/${workflowId}/consensus`);
    expect([none.status, (await problem(none)).detail]).toEqual([401, expect.stringContaining('or open a download link (POST /api/v1/workflows/')]);
    // For researchers only, of a download that exists.
    expect(((await volunteers[0]!.downloadLink(workflowId, { kind: 'consensus' }).catch((e) => e)) as ChorusApiError).status).toBe(403);
    const kind = (await stack.client.request('POST', `/workflows/${workflowId}/download-links`, { kind: 'everything' }).catch((e) => e)) as ChorusApiError;
    expect(kind.problem.errors?.map((error) => error.pointer)).toEqual(['/kind']);

    await scientist.client.signOutEverywhere();
    const ended = await open(link.url);
    expect([ended.status, (await problem(ended)).errors?.[0]?.pointer]).toEqual([401, '/query/token']);
  });

  it('are given whole under PUBLIC_URL, with the format the body names in them (tester round 24, F7)', async () => {
    const link = await stack.client.downloadLink(workflowId, { kind: 'classifications', format: 'ndjson' });
    expect(link.url).toMatch(new RegExp(`^/api/v1/workflows/${workflowId}/classifications\\?token=[^&]+&format=ndjson$`));
    expect(link.absoluteUrl).toBe(`https://chorus.example.org${link.url}`);
    // The link opens the format it names, whatever the Accept header prefers.
    const response = await fetch(`${stack.baseUrl}${link.url}`, { headers: { accept: 'text/csv' } });
    expect([response.status, response.headers.get('content-type')]).toEqual([200, expect.stringContaining('application/x-ndjson')]);
    expect((await response.text()).trim().split('\n').map((line) => typeof JSON.parse(line).classification_id)).toEqual(['string', 'string', 'string']);
    // Without one, none is in the link (the lab adds it); one that is none is refused, naming it, and no link made.
    expect((await stack.client.downloadLink(workflowId, { kind: 'consensus' })).absoluteUrl).toMatch(/\/consensus\?token=[^&]+$/);
    const refused = (await stack.client.request('POST', `/workflows/${workflowId}/download-links`, { kind: 'consensus', format: 'xml' }).catch((e) => e)) as ChorusApiError;
    expect([refused.status, refused.problem.errors]).toEqual([422, [{ pointer: '/format', message: 'must be csv, json or ndjson' }]]);
  });

  it('stop working when the session that asked for them signs out, and only theirs', async () => {
    const { projectId } = await stack.client.getWorkflow(workflowId);
    const scientist = await newMember(stack, projectId, 'scientist', 'Scientist');
    const laptop = await stack.anonymous.login({ email: scientist.email, password: ACCOUNT_PASSWORD });
    const fromPhone = await scientist.client.downloadLink(workflowId, { kind: 'consensus' });
    const fromLaptop = await stack.anonymous.withToken(laptop.token).downloadLink(workflowId, { kind: 'consensus' });
    await scientist.client.signOut();
    const ended = await open(fromPhone.url);
    expect([ended.status, (await problem(ended)).errors?.[0]?.pointer]).toEqual([401, '/query/token']);
    const kept = await open(fromLaptop.url);
    expect(kept.status).toBe(200);
    await kept.text();
  });
});

describe('a project’s raw classifications, every workflow’s in one download', () => {
  let projectId: string;
  let first: string;
  let second: string;
  let takenDown: string;
  const rowsOf = async (options: Parameters<ChorusClient['projectClassifications']>[1] = {}) => JSON.parse(await stack.client.projectClassifications(projectId, { format: 'json', ...options })) as Record<string, unknown>[];

  beforeAll(async () => {
    projectId = (await stack.client.createProject({ title: `Whole project ${randomUUID().slice(0, 8)}`, status: 'live' })).id;
    const set = await stack.client.createSubjectSet(projectId, { name: 'Set' });
    const { subjectIds: ids } = await stack.client.addSubjects(set.id, ['a', 'b'].map((externalId) => ({ externalId, metadata: { box: externalId }, locations: [{ type: 'text' as const, text: externalId }] })));
    first = (await stack.client.createWorkflow(projectId, { name: 'Ads', firstTask: 'T0', tasks, retirement: { rule: 'count', count: 5 }, subjectSetIds: [set.id] })).id;
    // Its T0 is a transcription: one column with the first workflow's T0, each answer as its own workflow flattens it.
    const transcribe = { T0: { type: 'transcription' as const, instruction: 'Type it', next: 'T2' }, T2: { ...tasks.T1, question: 'Which?' } };
    second = (await stack.client.createWorkflow(projectId, { name: 'Texts', firstTask: 'T0', tasks: transcribe, retirement: { rule: 'count', count: 5 }, subjectSetIds: [set.id] })).id;
    await Promise.all([first, second].map((id) => stack.client.activateWorkflow(id)));
    for (const [index, volunteer] of volunteers.entries()) {
      for (const subjectId of ids) {
        await volunteer.classify({ workflowId: first, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: index ? 'no' : 'yes' }, ...(index ? [] : [{ task: 'T1', value: ['coach'] }])] }, randomUUID());
      }
    }
    await volunteers[0]!.classify({ workflowId: second, workflowVersion: 1, subjectId: ids[1]!, annotations: [{ task: 'T0', value: '=SUM(A1)' }, { task: 'T2', value: ['horse'] }] }, randomUUID());
    // The project's exclusion of a volunteer and a subject's take-down, which each workflow's download shows too.
    await stack.client.excludeVolunteer(projectId, volunteerIds[1]!, 'Spam');
    await stack.client.retireSubjects(first, { subjectIds: [ids[0]!], reason: 'A home address', takeDown: true });
    takenDown = ids[0]!;
  });

  it('gives each workflow’s rows as its own download does, with the workflow’s id and name, workflow by workflow in id order, excluded volunteers and take-downs as each workflow’s', async () => {
    const rows = await rowsOf();
    const own = async (id: string) => JSON.parse(await stack.client.classifications(id, { format: 'json' })) as Record<string, unknown>[];
    const withWorkflow = (row: Record<string, unknown>, id: string, name: string) => ({ T0_answer: null, T1_answer: null, T2_answer: null, T0_asked_for_check: null, ...row, workflow_id: id, workflow_name: name });
    const byWorkflow = { [first]: (await own(first)).map((row) => withWorkflow(row, first, 'Ads')), [second]: (await own(second)).map((row) => withWorkflow(row, second, 'Texts')) };
    expect(rows).toEqual([first, second].sort().flatMap((id) => byWorkflow[id]!));
    // Excluded volunteers flagged, a taken-down subject's metadata withheld, as in each workflow's download.
    expect(rows.filter((row) => row.user_id === volunteerIds[1]).map((row) => row.excluded_volunteer)).toEqual([true, true]);
    expect(rows.filter((row) => row.user_id !== volunteerIds[1]).map((row) => row.excluded_volunteer)).toEqual([false, false, false]);
    expect(rows.filter((row) => row.subject_id === takenDown).map((row) => row.subject_metadata)).toEqual([null, null]);
    expect(rows.filter((row) => row.subject_id !== takenDown).map((row) => row.subject_metadata)).toEqual([{ box: 'b' }, { box: 'b' }, { box: 'b' }]);
    expect(rows.find((row) => row.workflow_id === second)).toMatchObject({ T0_answer: '=SUM(A1)', T1_answer: null, T2_answer: ['horse'], T0_asked_for_check: false, workflow_version: 1 });
    const [header, ...lines] = (await stack.client.projectClassifications(projectId, { format: 'csv', metadata: 'columns' })).trim().split('\n');
    expect(header).toBe(
      'classification_id,subject_id,external_id,earlier_locations,user_id,user_kind,user_name,workflow_id,workflow_name,workflow_version,created_at,updated_at,started_at,finished_at,gold_standard,after_retirement,made_in_draft,excluded_volunteer,classification_metadata,annotations,hidden_tags,T0_answer,T1_answer,T2_answer,T0_asked_for_check,metadata.box',
    );
    // Each workflow's list is a list, its text guarded as in the workflow's own download.
    const texts = lines.find((line) => line.includes(second))!;
    expect([lines.map((line) => line.split(',').at(-4)).sort(), texts.split(',').slice(-5)]).toEqual([['', '', '', 'coach', 'coach'], ["'=SUM(A1)", '', 'horse', 'false', 'b']]);
    const ndjson = (await stack.client.projectClassifications(projectId, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line));
    expect(ndjson).toEqual(rows);
  });

  /** Where a row is in the download: what `after` takes to resume after it. */
  const placeOf = (row: Record<string, unknown>) => `${row.workflow_id},${row.subject_id},${row.user_id}`;
  const idsOf = (rows: Record<string, unknown>[]) => rows.map((row) => row.classification_id);

  it('resumes after the place of the last row received (after=), with since too, and gives only what changed since a moment', async () => {
    const rows = await rowsOf();
    for (const held of [1, 3]) expect(idsOf(await rowsOf({ after: placeOf(rows[held]!) }))).toEqual(idsOf(rows.slice(held + 1)));
    expect(await rowsOf({ after: placeOf(rows[4]!) })).toEqual([]);
    const later = rows.find((row) => row.workflow_id === second)!.updated_at as string;
    const changed = rows.filter((row) => (row.updated_at as string) >= later);
    expect(idsOf(await rowsOf({ since: later }))).toEqual(idsOf(changed));
    expect(idsOf(await rowsOf({ since: later, after: placeOf(rows[0]!) }))).toEqual(idsOf(changed.filter((row) => rows.indexOf(row) > 0)));
    for (const after of [rows[0]!.classification_id as string, `${first},${takenDown}`, 'last']) {
      const error = (await rowsOf({ after }).catch((e) => e)) as ChorusApiError;
      expect([error.status, error.problem.errors?.map((field) => field.pointer)]).toEqual([422, ['/query/after']]);
    }
    const unknown = (await stack.client.request('GET', `/projects/${projectId}/classifications?sort=externalId`).catch((e) => e)) as ChorusApiError;
    expect(unknown.problem.errors?.map((field) => field.pointer)).toEqual(['/query/sort']);
  });

  it('is for the project’s researchers only, by a download link too, which opens this download alone', async () => {
    expect(((await volunteers[0]!.projectClassifications(projectId).catch((e) => e)) as ChorusApiError).status).toBe(403);
    expect(((await volunteers[0]!.projectClassificationsLink(projectId).catch((e) => e)) as ChorusApiError).status).toBe(403);
    const none = await fetch(`${stack.baseUrl}/api/v1/projects/${projectId}/classifications`);
    expect(none.status).toBe(401);
    const scientist = await newMember(stack, projectId, 'scientist', 'Scientist');
    const link = await scientist.client.projectClassificationsLink(projectId, 'ndjson');
    expect(link.url).toMatch(new RegExp(`^/api/v1/projects/${projectId}/classifications\\?token=[^&]+&format=ndjson$`));
    const response = await fetch(`${stack.baseUrl}${link.url}`);
    expect([response.status, response.headers.get('content-disposition')]).toEqual([200, expect.stringMatching(/^attachment; filename="classifications-whole-project-[0-9a-f]{8}-[0-9a-f-]{36}-\d{8}T\d{6}Z\.ndjson"/)]);
    expect((await response.text()).trim().split('\n')).toHaveLength(5);
    const comments = await fetch(`${stack.baseUrl}${link.url.replace('/classifications?', '/comments/download?')}`);
    expect(comments.status).toBe(401);
    const workflow = await fetch(`${stack.baseUrl}/api/v1/workflows/${first}/classifications?${new URL(link.absoluteUrl).searchParams}`);
    expect(workflow.status).toBe(401);
  });

  it('resumes from the place held though its classification has since moved to the account a guest signed in to, or gone with its workflow', async () => {
    const key = (row: Record<string, unknown>) => placeOf(row);
    const after = async (held: Record<string, unknown>) => {
      const now = await rowsOf();
      expect(idsOf(await rowsOf({ after: placeOf(held) }))).toEqual(idsOf(now.filter((row) => key(row) > key(held))));
    };
    const set = await stack.client.createSubjectSet(projectId, { name: 'Later' });
    const { subjectIds } = await stack.client.addSubjects(set.id, ['k1', 'k2', 'k3'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
    const [later, tries] = await Promise.all(['Later', 'Tries'].map(async (name) => (await stack.client.createWorkflow(projectId, { name, firstTask: 'T0', tasks, retirement: { rule: 'count', count: 9 }, subjectSetIds: [set.id] })).id));
    await stack.client.activateWorkflow(later!);
    const [guest, ...others] = await Promise.all([0, 1, 2].map(() => stack.anonymous.guest()));
    for (const { token } of [guest!, ...others]) {
      for (const subjectId of subjectIds) await stack.anonymous.withToken(token).classify({ workflowId: later!, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    }
    // The team's tries of a draft workflow, deleted with it below.
    for (const subjectId of subjectIds) await stack.client.classify({ workflowId: tries!, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    // The guest's rows held up to one of theirs; then the guest signs in, its classifications now the account's.
    const held = (await rowsOf()).filter((row) => row.user_id === guest!.user.id)[1]!;
    const account = await signUp(stack, { email: `resume-${randomUUID().slice(0, 8)}@example.org`, displayName: 'Resumer' }, stack.anonymous.withToken(guest!.token));
    expect((await rowsOf()).find((row) => row.classification_id === held.classification_id)?.user_id).toBe(account.user.id);
    await after(held);
    // A row held of a workflow since deleted (a draft's, its tries with it).
    const heldGone = (await rowsOf()).filter((row) => row.workflow_id === tries)[1]!;
    await stack.client.deleteWorkflow(tries!);
    expect((await rowsOf()).some((row) => row.workflow_id === tries)).toBe(false);
    await after(heldGone);
  });
});
