import { randomUUID } from 'node:crypto';
import type { ChorusClient, DownloadLink } from '@chorus/client';
import { parse } from 'csv-parse/sync';
import { type TestAccount, newAccount } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { OWN_CLASSIFICATION_COLUMNS } from '../src/exports/own-classification-rows';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

const tasks = {
  T0: { type: 'single' as const, question: 'Ad?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
  T1: { type: 'multiple' as const, question: 'Selling what?', answers: [{ value: 'horse', label: 'A horse' }, { value: 'coach', label: 'A coach' }], minChoices: 0 },
};

/** A live project with one workflow over these subjects; its slug, title, workflow and the subjects' ids, in order. */
async function project(name: string, subjects: { externalId: string; metadata?: Record<string, unknown>; goldStandard?: Record<string, string> }[], workflowTasks: Record<string, unknown> = tasks) {
  const created = await stack.client.createProject({ title: `${name} ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(created.id, { name: 'Set' });
  const { subjectIds } = await stack.client.addSubjects(set.id, subjects.map((subject) => ({ ...subject, locations: [{ type: 'text' as const, text: subject.externalId }] })));
  const workflow = await stack.client.createWorkflow(created.id, { name: `${name} workflow`, firstTask: 'T0', tasks: workflowTasks as typeof tasks, retirement: { rule: 'count', count: 5 }, subjectSetIds: [set.id] });
  await stack.client.activateWorkflow(workflow.id);
  return { slug: created.slug, title: created.title, workflowId: workflow.id, subjectIds };
}

const classify = (volunteer: ChorusClient, workflowId: string, subjectId: string, annotations: { task: string; value: unknown; unsure?: boolean }[]) =>
  volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations }, randomUUID());

async function download(path: string, token?: string) {
  const response = await fetch(`${stack.baseUrl}/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe("a volunteer's download of their own classifications", () => {
  let volunteer: TestAccount;
  let notices: Awaited<ReturnType<typeof project>>;
  let letters: Awaited<ReturnType<typeof project>>;
  const ids: string[] = [];

  beforeAll(async () => {
    notices = await project('Notices', [{ externalId: '=HYPERLINK("http://evil.example"), "quoted"', metadata: { year: 1851, '#secret': 'team only', '//note': 'hidden', '!batch': 7 } }]);
    letters = await project('Letters', [{ externalId: 'gold-1', goldStandard: { T0: 'no' } }]);
    volunteer = await newAccount(stack, 'Vera');
    const other = await newAccount(stack, 'Otto');
    ids.push((await classify(volunteer.client, notices.workflowId, notices.subjectIds[0]!, [{ task: 'T0', value: 'yes' }, { task: 'T1', value: ['horse', 'coach'] }])).id);
    ids.push((await classify(volunteer.client, letters.workflowId, letters.subjectIds[0]!, [{ task: 'T0', value: 'yes' }, { task: 'T1', value: [] }])).id);
    await classify(other.client, notices.workflowId, notices.subjectIds[0]!, [{ task: 'T0', value: 'no' }]);
  });

  it('gives every classification the account made, in every project, oldest first, with its answers flattened and nothing private', async () => {
    const json = await download('/account/classifications.json', volunteer.token);
    expect([json.status, json.headers.get('content-type')]).toEqual([200, 'application/json; charset=utf-8']);
    expect(json.headers.get('content-disposition')).toMatch(/^attachment; filename="own-classifications-.*\.json"/);
    const rows = JSON.parse(json.text) as Record<string, unknown>[];
    expect(rows.map((row) => Object.keys(row))).toEqual(rows.map(() => Object.keys(OWN_CLASSIFICATION_COLUMNS)));
    expect(rows).toEqual([
      {
        classification_id: ids[0],
        project_slug: notices.slug,
        project_title: notices.title,
        workflow_id: notices.workflowId,
        workflow_name: 'Notices workflow',
        workflow_version: 1,
        subject_id: notices.subjectIds[0],
        external_id: '=HYPERLINK("http://evil.example"), "quoted"',
        // The keys its team keeps private (#, //, !) are not the volunteer's to download.
        subject_metadata: { year: 1851 },
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        answers: { T0: 'yes', T1: ['horse', 'coach'] },
        asked_for_check: {},
      },
      {
        classification_id: ids[1],
        project_slug: letters.slug,
        project_title: letters.title,
        workflow_id: letters.workflowId,
        workflow_name: 'Letters workflow',
        workflow_version: 1,
        subject_id: letters.subjectIds[0],
        external_id: 'gold-1',
        subject_metadata: {},
        created_at: expect.any(String),
        // The volunteer's answer, never the known one ("no") nor that the subject has one.
        answers: { T0: 'yes', T1: [] },
        asked_for_check: {},
      },
    ]);
    expect(json.text).not.toMatch(/gold_standard|known|secret|team only|hidden/);

    // NDJSON: the same records, a line each, to a script's `downloads` API key too.
    const { secret } = await volunteer.client.createApiKey({ name: 'Nightly', scope: 'downloads' });
    const ndjson = await download('/account/classifications.ndjson', secret);
    expect(ndjson.text.trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(rows);
  });

  it("gives a form's answer as an object in JSON and NDJSON, not a string holding JSON, and in CSV's answers as the same object", async () => {
    const card = { T0: { type: 'fields' as const, instruction: 'Copy the card', fields: [{ key: 'surname', label: 'Surname', kind: 'text' as const }] } };
    const cards = await project('Cards', [{ externalId: 'card-1' }], card);
    const filler = await newAccount(stack, 'Fay');
    await classify(filler.client, cards.workflowId, cards.subjectIds[0]!, [{ task: 'T0', value: { surname: 'Smith' } }]);
    const [row] = JSON.parse((await download('/account/classifications.json', filler.token)).text) as { answers: unknown }[];
    expect(row!.answers).toEqual({ T0: { surname: 'Smith' } });
    const [line] = (await download('/account/classifications.ndjson', filler.token)).text.trim().split('\n');
    expect((JSON.parse(line!) as { answers: unknown }).answers).toEqual({ T0: { surname: 'Smith' } });
    const [record] = parse((await download('/account/classifications.csv', filler.token)).text, { columns: true }) as Record<string, string>[];
    expect(record!.answers).toBe('{"T0":{"surname":"Smith"}}');
  });

  it('says which transcriptions the volunteer asked the team to check, as the team’s raw download does', async () => {
    const pages = { T0: { type: 'transcription' as const, instruction: 'Type the line', next: 'T1' }, T1: { type: 'transcription' as const, instruction: 'Type the note' } };
    const diary = await project('Diary', [{ externalId: 'page-1' }], pages);
    const transcriber = await newAccount(stack, 'Tess');
    await classify(transcriber.client, diary.workflowId, diary.subjectIds[0]!, [{ task: 'T0', value: 'Dear Sir', unsure: true }, { task: 'T1', value: 'none' }]);
    const [row] = JSON.parse((await download('/account/classifications.json', transcriber.token)).text) as Record<string, unknown>[];
    expect(row!.asked_for_check).toEqual({ T0: true, T1: false });
    const [raw] = JSON.parse(await stack.client.classifications(diary.workflowId, { format: 'json' })) as Record<string, unknown>[];
    expect([raw!.T0_asked_for_check, raw!.T1_asked_for_check]).toEqual([true, false]);
    const [record] = parse((await download('/account/classifications.csv', transcriber.token)).text, { columns: true }) as Record<string, string>[];
    expect(record!.asked_for_check).toBe('{"T0":true,"T1":false}');
  });

  it('writes CSV with its cells quoted and a formula kept from running', async () => {
    const csv = await download('/account/classifications.csv', volunteer.token);
    // Kept by no cache; no Chorus-Next-Since: it takes no since=.
    expect([csv.status, csv.headers.get('content-type'), csv.headers.get('cache-control'), csv.headers.get('chorus-next-since')]).toEqual([200, 'text/csv; charset=utf-8', 'private, no-store', null]);
    expect(csv.text.split('\n')[0]).toBe(Object.keys(OWN_CLASSIFICATION_COLUMNS).join(','));
    const records = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(records.map((record) => record.classification_id)).toEqual(ids);
    expect(records[0]!.external_id).toBe(`'=HYPERLINK("http://evil.example"), "quoted"`);
    expect(JSON.parse(records[0]!.answers!)).toEqual({ T0: 'yes', T1: ['horse', 'coach'] });
    expect(JSON.parse(records[0]!.subject_metadata!)).toEqual({ year: 1851 });
  });

  it('opens by a link the account asked for, which the browser follows without a token', async () => {
    const { body } = await volunteer.client.request<DownloadLink>('POST', '/account/download-links', { format: 'csv' });
    expect(body.url).toMatch(/^\/api\/v1\/account\/classifications\.csv\?token=/);
    const response = await fetch(`${stack.baseUrl}${body.url}`);
    expect(response.status).toBe(200);
    expect((parse(await response.text(), { columns: true }) as Record<string, string>[]).map((record) => record.classification_id)).toEqual(ids);
    // As the researchers' links, it opens the other formats too.
    const csvLink = new URL(body.url, stack.baseUrl).searchParams.get('token')!;
    expect((await fetch(`${stack.baseUrl}/api/v1/account/classifications.json?token=${csvLink}`)).status).toBe(200);
  });

  it('refuses a guest (403, saying to sign in), a caller without a token (401) and a format it does not write (422)', async () => {
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await classify(guest, notices.workflowId, notices.subjectIds[0]!, [{ task: 'T0', value: 'no' }]);
    const refused = await download('/account/classifications.csv', guest.token!);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toMatchObject({ type: 'urn:chorus:problem:account-required', detail: expect.stringMatching(/^Sign in to download your classifications/) });
    const link = await guest.request('POST', '/account/download-links', {}).catch((error: { status: number; problem: { type: string } }) => error);
    expect(link).toMatchObject({ status: 403, problem: { type: 'urn:chorus:problem:account-required' } });
    expect((await download('/account/classifications.csv')).status).toBe(401);
    const xml = await download('/account/classifications.xml', volunteer.token);
    expect(xml.status).toBe(422);
    expect(JSON.parse(xml.text).errors).toEqual([{ pointer: '/params/format', message: expect.stringContaining('classifications.csv') }]);
  });
  it('gives of a project Chorus’s operators took down only the ids and time, as the classifications page does', async () => {
    const removed = await project('Removed', [{ externalId: 'removed-1', metadata: { year: 1900 } }]);
    const someone = await newAccount(stack, 'Rosa');
    const id = (await classify(someone.client, removed.workflowId, removed.subjectIds[0]!, [{ task: 'T0', value: 'no' }])).id;
    await stack.db.query("UPDATE projects SET taken_down_at = now(), taken_down_reason = 'Spam' WHERE slug = $1", [removed.slug]);
    const rows = JSON.parse((await download('/account/classifications.json', someone.token)).text) as Record<string, unknown>[];
    expect(rows).toEqual([
      {
        classification_id: id,
        project_slug: null,
        project_title: null,
        workflow_id: removed.workflowId,
        workflow_name: null,
        workflow_version: 1,
        subject_id: removed.subjectIds[0],
        external_id: null,
        subject_metadata: {},
        created_at: expect.any(String),
        answers: null,
        asked_for_check: null,
      },
    ]);
    expect((await someone.client.myClassifications()).classifications.map((each) => each.subject)).toEqual([{ id: removed.subjectIds[0], externalId: null, locations: [], metadata: {} }]);
  });
});
