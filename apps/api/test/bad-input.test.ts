import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import type { Problem } from '@chorus/client';
import { type Stack, startStack } from '../../../test/support/stack';

let stack: Stack;
let token: string;
let workflowId: string;
let subjectId: string;
let subjectSetId: string;
let projectId: string;
let transcriptionWorkflowId: string;
let requiredChoiceWorkflowId: string;

const BODY_LIMIT = 64 * 1024;

beforeAll(async () => {
  stack = await startStack({ worker: false, env: { BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
  const project = await stack.client.createProject({ title: 'Bad input', status: 'live' });
  projectId = project.id;
  subjectSetId = (await stack.client.createSubjectSet(project.id, { name: 'Set' })).id;
  await stack.client.addSubjects(subjectSetId, [{ externalId: 's1', locations: [{ type: 'text', text: 'A coach for sale.' }] }]);
  workflowId = (
    await stack.client.createWorkflow(project.id, {
      name: 'Ad?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      subjectSetIds: [subjectSetId],
    })
  ).id;
  await stack.client.activateWorkflow(workflowId);
  transcriptionWorkflowId = (
    await stack.client.createWorkflow(project.id, {
      name: 'Type it',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Type the notice', textTags: ['unclear'] } },
      subjectSetIds: [subjectSetId],
    })
  ).id;
  await stack.client.activateWorkflow(transcriptionWorkflowId);
  requiredChoiceWorkflowId = (
    await stack.client.createWorkflow(project.id, {
      name: 'Selling what?',
      firstTask: 'T0',
      tasks: { T0: { type: 'multiple', question: 'Selling what?', answers: [{ value: 'horse', label: 'A horse' }, { value: 'coach', label: 'A coach' }], minChoices: 1 } },
      subjectSetIds: [subjectSetId],
    })
  ).id;
  await stack.client.activateWorkflow(requiredChoiceWorkflowId);
  token = (await stack.anonymous.guest()).token;
  subjectId = (await stack.anonymous.withToken(token).queue(workflowId)).subjects[0]!.id;
});
afterAll(async () => {
  await stack.stop();
});

/** Every row of every table, so that "nothing changed" is checked, not assumed. */
async function snapshot(): Promise<string> {
  const { rows } = await stack.db.query(`SELECT string_agg(tablename, ',' ORDER BY tablename) AS tables FROM pg_tables WHERE schemaname = 'public'`);
  const tables: string[] = rows[0].tables.split(',');
  const digests: string[] = [];
  for (const table of tables) {
    const { rows: [row] } = await stack.db.query(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM "${table}" t`);
    digests.push(`${table}:${row.digest}`);
  }
  return digests.join('\n');
}

async function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.baseUrl}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': randomUUID(), ...headers },
    body,
  });
  return { status: response.status, contentType: response.headers.get('content-type'), problem: (await response.json()) as Partial<Problem> };
}

const classification = (annotations: unknown) => JSON.stringify({ workflowId, workflowVersion: 1, subjectId, annotations });
/** A date-time `minutes` from now, by this machine's clock (the API's). */
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

describe.each([
  ['malformed JSON', () => post('/classifications', '{"workflowId": '), 400, ''],
  ['an empty body labelled JSON', () => post('/classifications', ''), 422, ''],
  ['an unknown task key', () => post('/classifications', classification([{ task: 'T9', value: 'yes' }])), 422, '/annotations/0/task'],
  ['a value that is not one of the answers', () => post('/classifications', classification([{ task: 'T0', value: 'maybe' }])), 422, '/annotations/0/value'],
  ['a value of the wrong type', () => post('/classifications', classification([{ task: 'T0', value: 42 }])), 422, '/annotations/0/value'],
  ['a missing token', () => post('/classifications', classification([{ task: 'T0', value: 'yes' }]), { authorization: '' }), 401, '/headers/authorization'],
  ['a missing idempotency key', () => post('/classifications', classification([{ task: 'T0', value: 'yes' }]), { 'idempotency-key': '' }), 422, '/headers/idempotency-key'],
  ['an unknown workflow version', () => post('/classifications', JSON.stringify({ workflowId, workflowVersion: 7, subjectId, annotations: [{ task: 'T0', value: 'yes' }] })), 422, '/workflowVersion'],
  ['a subject outside the workflow', () => post('/classifications', JSON.stringify({ workflowId, workflowVersion: 1, subjectId: randomUUID(), annotations: [{ task: 'T0', value: 'yes' }] })), 422, '/subjectId'],
  ['a workflow version beyond any integer', () => post('/classifications', JSON.stringify({ workflowId, workflowVersion: 3_000_000_000, subjectId, annotations: [{ task: 'T0', value: 'yes' }] })), 422, '/workflowVersion'],
  ['a NUL character, which Postgres cannot store', () => post('/classifications', JSON.stringify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }], metadata: { note: 'a\u0000b' } })), 422, '/metadata/note'],
  ['half a surrogate pair, which Postgres cannot store', () => post('/classifications', JSON.stringify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }], metadata: { note: 'HALF' } }).replace('HALF', 'a\\ud800b')), 422, '/metadata/note'],
  ['metadata nested past 64 levels', () => post('/classifications', JSON.stringify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }], metadata: { deep: 'DEEP' } }).replace('"DEEP"', '['.repeat(800) + ']'.repeat(800))), 422, `/metadata/deep${'/0'.repeat(62)}`],
  ['a body nested 30,000 levels deep, refused before it is parsed', () => post('/auth/login', `{"email":${'['.repeat(30_000)}${']'.repeat(30_000)},"password":"x"}`, { authorization: '' }), 422, ''],
  ['a NUL character in a subject', () => post(`/subject-sets/${subjectSetId}/subjects`, JSON.stringify({ subjects: [{ locations: [{ type: 'text', text: 'a\u0000b' }] }] }), { authorization: `Bearer ${stack.client.token}` }), 422, '/subjects/0/locations/0/text'],
  ['a NUL character in a metadata name', () => post(`/subject-sets/${subjectSetId}/subjects`, JSON.stringify({ subjects: [{ locations: [{ type: 'text', text: 'x' }], metadata: { 'a\u0000': 1 } }] }), { authorization: `Bearer ${stack.client.token}` }), 422, '/subjects/0/metadata/a\u0000'],
  ['a NUL character in a CSV file', () => post(`/subject-sets/${subjectSetId}/subjects`, 'external_id,text\nn1,a\u0000b\n', { authorization: `Bearer ${stack.client.token}`, 'content-type': 'text/csv' }), 422, ''],
  ['a NUL character in a project title', () => post('/projects', JSON.stringify({ title: 'a\u0000b' }), { authorization: `Bearer ${stack.client.token}` }), 422, '/title'],
  ['a NUL character in a login, without a token', () => post('/auth/login', JSON.stringify({ email: 'n\u0000@example.org', password: 'whatever it is' }), { authorization: '' }), 422, '/email'],
  ['classification metadata over its size limit', () => post('/classifications', JSON.stringify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }], metadata: { log: 'é'.repeat(9_000) } })), 422, '/metadata'],
  ['the year 0000, which does not exist', () => post('/classifications', JSON.stringify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }], startedAt: '0000-01-01T00:00:00Z' })), 422, '/startedAt'],
  ['a body over the size limit', () => post('/classifications', classification([{ task: 'T0', value: 'x'.repeat(BODY_LIMIT) }])), 413, ''],
  ['a body sent as text/plain', () => post('/classifications', classification([{ task: 'T0', value: 'yes' }]), { 'content-type': 'text/plain' }), 415, '/headers/content-type'],
  ['a body sent as a form', () => post('/classifications', 'workflowId=x&annotations=y', { 'content-type': 'application/x-www-form-urlencoded' }), 415, '/headers/content-type'],
  ['a classification that finishes before it starts', () => post('/classifications', JSON.stringify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }], startedAt: '2026-11-30T11:00:00Z', finishedAt: '2026-11-30T10:00:05Z' })), 422, '/finishedAt'],
  ['a classification finished an hour from now', () => post('/classifications', JSON.stringify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }], finishedAt: inMinutes(60) })), 422, '/finishedAt'],
  ['a classification started an hour from now', () => post('/classifications', JSON.stringify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }], startedAt: inMinutes(60) })), 422, '/startedAt'],
  ['a key given twice in an answer', () => post('/classifications', `{"workflowId":"${workflowId}","workflowVersion":1,"subjectId":"${subjectId}","annotations":[{"task":"T0","value":"yes","value":"no"}]}`), 400, '/annotations/0/value'],
  ['a key given twice, spelt two ways, in a sign-in', () => post('/auth/login', '{"email":"a@example.org","password":"one password","\\u0070assword":"another"}', { authorization: '' }), 400, '/password'],
  ['a key given twice in a IIIF manifest', () => post(`/subject-sets/${subjectSetId}/subjects`, '{"@context":"http://iiif.io/api/presentation/3/context.json","type":"Manifest","type":"Collection"}', { authorization: `Bearer ${stack.client.token}`, 'content-type': 'application/ld+json' }), 400, '/type'],
  ['an API key expiring two years from now', () => post('/account/api-keys', JSON.stringify({ name: 'Nightly download', expiresAt: inMinutes(2 * 366 * 24 * 60) }), { authorization: `Bearer ${stack.client.token}` }), 422, '/expiresAt'],
  ['an unknown field', () => post('/classifications', JSON.stringify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }], colour: 'red' })), 422, '/colour'],
  ['a multiple choice with nothing ticked where one answer is required (minChoices 1)', () => post('/classifications', JSON.stringify({ workflowId: requiredChoiceWorkflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: [] }] })), 422, '/annotations/0/value'],
  ['a text tag never closed', () => post('/classifications', JSON.stringify({ workflowId: transcriptionWorkflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'A [unclear]coach for sale.' }] })), 422, '/annotations/0/value'],
  ['an unknown field in an annotation', () => post('/classifications', classification([{ task: 'T0', value: 'yes', note: 'x' }])), 422, '/annotations/0/note'],
  ['"I\'m not sure: ask the team to check this" on a task that is not a transcription', () => post('/classifications', classification([{ task: 'T0', value: 'yes', unsure: true }])), 422, '/annotations/0/unsure'],
  ['a posterior prior beyond its thresholds', () => post(`/projects/${projectId}/workflows`, JSON.stringify({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'single', question: 'q', answers: [{ value: 'yes', label: 'Y' }, { value: 'no', label: 'N' }] } }, retirement: { rule: 'posterior', task: 'T0', answer: 'yes', prior: 0.99, high: 0.95, maximum: 10 } }), { authorization: `Bearer ${stack.client.token}` }), 422, '/retirement/prior'],
  ['too many subjects in one call', () => post(`/subject-sets/${subjectSetId}/subjects`, JSON.stringify({ subjects: Array.from({ length: 10_001 }, () => ({ locations: [{ type: 'text', text: 'x' }] })) }), { authorization: `Bearer ${stack.client.token}` }), 413, ''],
  ['a subject with a bad location', () => post(`/subject-sets/${subjectSetId}/subjects`, JSON.stringify({ subjects: [{ locations: [{ type: 'text', text: 'x' }] }, { locations: [{ type: 'image', url: 'ftp://x' }] }] }), { authorization: `Bearer ${stack.client.token}` }), 422, '/subjects/1/locations/0/url'],
  ['subject metadata over its size limit', () => post(`/subject-sets/${subjectSetId}/subjects`, JSON.stringify({ subjects: [{ locations: [{ type: 'text', text: 'x' }], metadata: { transcript: 'x'.repeat(20_000) } }] }), { authorization: `Bearer ${stack.client.token}` }), 422, '/subjects/0/metadata'],
  ['a gold standard that names no task', () => post(`/subject-sets/${subjectSetId}/subjects`, JSON.stringify({ subjects: [{ locations: [{ type: 'text', text: 'x' }], goldStandard: {} }] }), { authorization: `Bearer ${stack.client.token}` }), 422, '/subjects/0/goldStandard'],
  ['a retirement naming neither subjects nor a set', () => post(`/workflows/${workflowId}/retire`, JSON.stringify({ reason: 'duplicates' }), { authorization: `Bearer ${stack.client.token}` }), 422, '/subjectIds'],
  ['a retirement naming a subject outside the workflow', () => post(`/workflows/${workflowId}/retire`, JSON.stringify({ subjectIds: [subjectId, randomUUID()], reason: 'duplicates' }), { authorization: `Bearer ${stack.client.token}` }), 422, '/subjectIds/1'],
  ['a subject named twice in a retirement', () => post(`/workflows/${workflowId}/retire`, JSON.stringify({ subjectIds: [subjectId, subjectId], reason: 'duplicates' }), { authorization: `Bearer ${stack.client.token}` }), 422, '/subjectIds/1'],
  ['a text tag named twice', () => post(`/projects/${projectId}/workflows`, JSON.stringify({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 't', textTags: ['sic', 'unclear', 'sic'] } } }), { authorization: `Bearer ${stack.client.token}` }), 422, '/tasks/T0/textTags/2'],
  ['a task opening on a location no subject can have', () => post(`/projects/${projectId}/workflows`, JSON.stringify({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 't', showLocation: 0 } } }), { authorization: `Bearer ${stack.client.token}` }), 422, '/tasks/T0/showLocation'],
  ['a task in a language that is no language tag', () => post(`/projects/${projectId}/workflows`, JSON.stringify({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 't', language: 'he_IL' } } }), { authorization: `Bearer ${stack.client.token}` }), 422, '/tasks/T0/language'],
  ['a JSON body in another charset than UTF-8', () => post('/projects', JSON.stringify({ title: 'Caf\u00e9' }), { authorization: `Bearer ${stack.client.token}`, 'content-type': 'application/json; charset=latin1' }), 415, '/headers/content-type'],
  ['a JSON body of bytes that are not UTF-8', () => post('/projects', Uint8Array.from([...Buffer.from('{"title":"Caf'), 0xe9, ...Buffer.from('"}')]), { authorization: `Bearer ${stack.client.token}` }), 415, ''],
  ['two priorities for one subject', () => post(`/workflows/${workflowId}/priorities`, JSON.stringify({ priorities: [{ subjectId, priority: 1 }, { subjectId, priority: 2 }] }), { authorization: `Bearer ${stack.client.token}` }), 422, '/priorities/1/subjectId'],
  ['priorities that are not numbers', () => post(`/workflows/${workflowId}/priorities`, JSON.stringify({ priorities: [{ subjectId, priority: 'high' }] }), { authorization: `Bearer ${stack.client.token}` }), 422, '/priorities/0/priority'],
  ['an answer value holding the separator of downloads\' lists', () => post(`/projects/${projectId}/workflows`, JSON.stringify({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'multiple', question: 'q', answers: [{ value: 'a;b', label: 'A' }, { value: 'c', label: 'C' }] } } }), { authorization: `Bearer ${stack.client.token}` }), 422, '/tasks/T0/answers/0/value'],
  ['a subject set named twice', () => post(`/projects/${projectId}/workflows`, JSON.stringify({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'single', question: 'q', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] } }, subjectSetIds: [subjectSetId, subjectSetId] }), { authorization: `Bearer ${stack.client.token}` }), 422, '/subjectSetIds/1'],
  ['an effect into a set the workflow serves', () => post(`/projects/${projectId}/workflows`, JSON.stringify({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'single', question: 'q', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] } }, subjectSetIds: [subjectSetId], effects: [{ when: { task: 'T0', answer: 'a' }, addToSubjectSet: subjectSetId }] }), { authorization: `Bearer ${stack.client.token}` }), 422, '/effects/0/addToSubjectSet'],
  ['a multiple choice asking for more choices than it has answers', () => post(`/projects/${projectId}/workflows`, JSON.stringify({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'multiple', question: 'q', answers: [{ value: 'a', label: 'A' }], minChoices: 5 } } }), { authorization: `Bearer ${stack.client.token}` }), 422, '/tasks/T0/minChoices'],
  ['Zooniverse’s required on a multiple choice, which minChoices is here', () => post(`/projects/${projectId}/workflows`, JSON.stringify({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'multiple', question: 'q', answers: [{ value: 'a', label: 'A' }], required: true } } }), { authorization: `Bearer ${stack.client.token}` }), 422, '/tasks/T0/required'],
  ['a workflow whose next names no task', () => post(`/projects/${projectId}/workflows`, JSON.stringify({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'single', question: 'q', answers: [{ value: 'a', label: 'A', next: 'T5' }, { value: 'b', label: 'B' }] } } }), { authorization: `Bearer ${stack.client.token}` }), 422, '/tasks/T0/answers/0/next'],
])('%s', (_name, send, status, pointer) => {
  it(`answers ${status} problem+json naming "${pointer || '(the body)'}" and changes nothing`, async () => {
    const before = await snapshot();
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.contentType).toMatch(/^application\/problem\+json/);
    expect(response.problem).toMatchObject({ status, title: expect.any(String), detail: expect.any(String), type: expect.stringMatching(/^urn:chorus:problem:/) });
    expect(response.problem.errors?.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect(await snapshot()).toBe(before);
  });
});

it('says how many answers to tick when a multiple choice that requires one comes with none', async () => {
  const response = await post('/classifications', JSON.stringify({ workflowId: requiredChoiceWorkflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: [] }] }));
  expect(response.status).toBe(422);
  expect(response.problem.errors).toEqual([{ pointer: '/annotations/0/value', message: 'choose at least 1' }]);
});

it('refuses an address with a broken percent escape as a problem, like every other refusal', async () => {
  const response = await fetch(`${stack.baseUrl}/api/v1/projects/%E0%A4%A`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await response.json()).toMatchObject({ status: 400, detail: expect.stringContaining('percent escape'), errors: [{ pointer: '/params' }] });
});

it('says how large a body may be when it refuses one as too large', async () => {
  const response = await post('/classifications', classification([{ task: 'T0', value: 'x'.repeat(BODY_LIMIT) }]));
  expect(response.status).toBe(413);
  expect(response.problem.detail).toContain('larger than the 64 KiB this server accepts here (JSON_BODY_LIMIT_BYTES)');
  expect(response.problem.errors).toEqual([{ pointer: '', message: 'is larger than 64 KiB' }]);
  expect(response.problem.limitBytes).toBe(64 * 1024);
});

/** What a client gets that sends a whole request, as Python's urllib does, before it reads a byte of the answer. */
function sendAllThenRead(path: string, body: Buffer, contentType = 'application/json'): Promise<{ answer: string; error?: string }> {
  const { hostname, port } = new URL(stack.baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    let error: string | undefined;
    socket.on('error', (failure: NodeJS.ErrnoException) => { error = failure.code; });
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('close', () => resolve({ answer: Buffer.concat(received).toString(), error }));
    const head = [`POST /api/v1${path} HTTP/1.1`, `host: ${hostname}`, `content-type: ${contentType}`, `content-length: ${body.length}`, `authorization: Bearer ${token}`, 'connection: close'];
    socket.write(`${head.join('\r\n')}\r\n\r\n`);
    socket.end(body);
  });
}

it('answers a body it refuses unread (too large, an upload not theirs to make) also to a client that sends all of it before reading, instead of breaking the connection', async () => {
  const { answer, error } = await sendAllThenRead('/classifications', Buffer.alloc(8 * 1024 * 1024, 'x'));
  expect(error).toBeUndefined();
  expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  expect(answer).toMatch(/content-type: application\/problem\+json/i);
  expect(answer).toContain('larger than the 64 KiB this server accepts here');
  // An upload of a volunteer, refused before its file is read, is answered as fully.
  const upload = await sendAllThenRead(`/subject-sets/${subjectSetId}/subjects`, Buffer.alloc(8 * 1024 * 1024, 'x'), 'text/csv');
  expect(upload.error).toBeUndefined();
  expect(upload.answer).toMatch(/^HTTP\/1\.1 403 /);
});

it('names the body’s faults and a missing idempotency key in one answer, so that one round of fixes is enough', async () => {
  const response = await post('/classifications', JSON.stringify({ workflowId, workflowVersion: 'one', subjectId, annotations: [] }), { 'idempotency-key': '' });
  expect(response.status).toBe(422);
  expect(response.problem.errors?.map((error) => error.pointer)).toEqual(['/workflowVersion', '/annotations', '/headers/idempotency-key']);
  // Answers that are no list of { task, value } are named with the rest, not in a second round.
  const shapeless = await post('/classifications', JSON.stringify({ workflowId: 123, workflowVersion: 1, subjectId, annotations: { T0: 'yes' } }));
  expect(shapeless.problem.errors?.map((error) => error.pointer)).toEqual(['/workflowId', '/annotations']);
  // Answers the workflow cannot take (found against its version) come with the key's fault too; nothing is stored.
  const answers = await post('/classifications', classification([{ task: 'T0', value: 'maybe' }]), { 'idempotency-key': '' });
  expect(answers.problem.errors?.map((error) => error.pointer)).toEqual(['/annotations/0/value', '/headers/idempotency-key']);
  // A start that is no date is named alone, not as the finish's fault too.
  const started = await post('/classifications', JSON.stringify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }], startedAt: 'yesterday', finishedAt: '2026-11-30T10:00:05Z' }));
  expect(started.problem.errors?.map((error) => error.pointer)).toEqual(['/startedAt']);
  const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE workflow_id = $1', [workflowId]);
  expect(rows[0].n).toBe(0);
});

it("takes a classification's times a few minutes ahead of the server's clock, as a device's clock may run", async () => {
  const stored = await post('/classifications', JSON.stringify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }], startedAt: inMinutes(4), finishedAt: inMinutes(5) }));
  expect(stored.status).toBe(201);
});

it("says how to fix a repeated key, and still refuses prototype poisoning (Fastify's secure-json-parse) first, naming the key", async () => {
  const repeated = await post('/classifications', `{"workflowId":"${workflowId}","workflowId":"${workflowId}"}`);
  expect(repeated.problem).toMatchObject({ status: 400, type: 'urn:chorus:problem:repeated-key', detail: expect.stringContaining('send each key once') });
  const poisonings: [string, string][] = [
    ['{"__proto__":{"polluted":true}}', '/__proto__'],
    ['{"metadata":{"constructor":{"prototype":{"polluted":true}}}}', '/metadata/constructor/prototype'],
    ['{"__proto__":{},"__proto__":{}}', '/__proto__'],
  ];
  for (const [poisoned, pointer] of poisonings) {
    const refused = await post('/classifications', poisoned);
    expect([refused.status, refused.contentType, refused.problem.type]).toEqual([422, expect.stringMatching(/^application\/problem\+json/), 'urn:chorus:problem:validation-failed']);
    expect(refused.problem.errors).toEqual([{ pointer, message: expect.stringMatching(/prototype, not as a name, so its value could not be kept; rename (it|either key)$/) }]);
  }
  // Malformed JSON that holds such a key is said to be malformed.
  expect((await post('/classifications', '{"__proto__":{"polluted":true}')).problem).toMatchObject({ status: 400, detail: expect.stringMatching(/JSON/) });
  expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
});

it('refuses a line break, a control character or a bidirectional override in a one-line text (names, titles), naming the field and the fix, and changes nothing (round 13a F2)', async () => {
  const researcher = { authorization: `Bearer ${stack.client.token}` };
  const send = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${stack.baseUrl}/api/v1${path}`, { method, headers: { 'content-type': 'application/json', ...researcher }, body: JSON.stringify(body) });
    return { status: response.status, problem: (await response.json()) as Partial<Problem> };
  };
  const single = { type: 'single', question: 'q', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] };
  const cases: [string, string, (text: string) => unknown, string][] = [
    ['PATCH', '/account', (text) => ({ displayName: text }), '/displayName'],
    ['POST', '/auth/register', (text) => ({ email: `f2-${randomUUID()}@example.org`, password: 'a long password', displayName: text }), '/displayName'],
    ['POST', '/projects', (text) => ({ title: text }), '/title'],
    ['PATCH', `/projects/${projectId}`, (text) => ({ title: text }), '/title'],
    ['POST', `/projects/${projectId}/workflows`, (text) => ({ name: text, firstTask: 'T0', tasks: { T0: single } }), '/name'],
    ['POST', `/projects/${projectId}/workflows`, (text) => ({ name: 'W', firstTask: 'T0', tasks: { T0: single }, tutorial: [{ title: text, body: 'Read it.' }] }), '/tutorial/0/title'],
    ['POST', `/projects/${projectId}/subject-sets`, (text) => ({ name: text }), '/name'],
    ['PATCH', `/subject-sets/${subjectSetId}`, (text) => ({ name: text }), '/name'],
  ];
  const texts: [string, RegExp][] = [
    ['Ann\r\n\r\nYour account is closed; sign in at https://evil.example', /^holds a line break \(U\+000D\); write it on one line$/],
    ['Ann\u2028Smith', /^holds a line break \(U\+2028\); write it on one line$/],
    ['Ann\tSmith', /^holds a tab \(U\+0009\); use a space$/],
    ['Ann\u0007', /^holds the control character U\+0007, which shows nothing; remove it$/],
    ['Ann\u009b', /^holds the control character U\+009B, which shows nothing; remove it$/],
    ['Ann \u202egpj.exe', /^holds the bidirectional control U\+202E, which makes the text show in another order than it is written; remove it$/],
    ['Ann \u2067x\u2069', /^holds the bidirectional control U\+2067/],
  ];
  const before = await snapshot();
  for (const [method, path, body, pointer] of cases) {
    for (const [text, message] of texts) {
      const refused = await send(method, path, body(text));
      expect([method, path, text, refused.status, refused.problem.errors]).toEqual([method, path, text, 422, [{ pointer, message: expect.stringMatching(message) }]]);
    }
  }
  expect(await snapshot()).toBe(before);
  // A right-to-left name with its direction mark, and spaces at either end (trimmed), are one line.
  const named = await send('PATCH', `/subject-sets/${subjectSetId}`, { name: '  \u05e9\u05dc\u05d5\u05dd\u200f 2  ' });
  expect([named.status, (named.problem as { name?: string }).name]).toEqual([200, '\u05e9\u05dc\u05d5\u05dd\u200f 2']);
  await send('PATCH', `/subject-sets/${subjectSetId}`, { name: 'Set' });
});
