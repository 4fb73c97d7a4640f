import { type ChorusApiError, publishedTextSchema, readableSetsSchema } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { NEIGHBOURS } from '../src/assignment/neighbour-pages.service';
import { Tokens } from '../src/auth/tokens';
import { PublishedResultsService, TEXT_BATCH } from '../src/published-results/published-results.service';
import { newAccount, newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { activeTranscriptionWorkflow, transcribeAndDateWorkflow } from '../../../test/support/workflows';
import { guestsClassify } from '../../../test/support/volunteers';

/**
 * A subject set read as a document by the public (`GET /subject-sets/:id/published-text`), once its project publishes
 * results: each finished subject's published transcription, in the set's order, gaps for the others.
 */
const OPERATOR = randomUUID();
let stack: Stack;
let projectId: string;
let setId: string;
let workflowId: string;
/** a: retired, its transcription corrected by a review; b: retired; c: classified once, not retired; gone: retired, taken down. */
let idOf: Record<'a' | 'b' | 'c' | 'gone', string>;

const refusal = (call: Promise<unknown>) => call.then(() => undefined, (error: ChorusApiError) => error);
/** The status and pointers of a refusal of the set's text, asked by `as` (the public, without a token, unless told). */
async function refused(query: Record<string, string>, as = stack.anonymous, set = setId) {
  const error = await refusal(as.request('GET', `/subject-sets/${set}/published-text?${new URLSearchParams(query)}`));
  return { status: error?.status, pointers: error?.problem.errors?.map((field) => field.pointer) };
}
const MINUTE = [{ task: 'T0', value: 'Vestry met\nat seven' }, { task: 'T1', value: 'yes' }];
/** The only transcription task's text (T0 of `transcribeAndDateWorkflow`), in `state`. */
const T0 = { task: 'T0', instruction: 'Type the minute' };
const transcribed = (text: string) => ({ ...T0, text, state: 'transcribed' });
const gap = (page: number, subjectId: string) => ({ page, subjectId, published: false, metadata: null, texts: null });

beforeAll(async () => {
  stack = await startStack({ env: { OPERATOR_IDS: OPERATOR } });
  const made = await transcribeAndDateWorkflow(
    stack.client,
    ['a', 'b', 'c', 'gone'].map((externalId) => ({ externalId, metadata: { title: `Minute ${externalId}`, '#archive_ref': 'SECRET-REF-1' } })),
    2,
  );
  ({ workflowId, setId } = made);
  projectId = made.project.id;
  idOf = made.idOf as typeof idOf;
  await guestsClassify(stack.anonymous, workflowId, [[idOf.a, idOf.b, idOf.c, idOf.gone], [idOf.a, idOf.b, idOf.gone]], MINUTE);
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'aggregation');
  await until(async () => (await stack.db.query('SELECT count(*)::int AS n FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NOT NULL', [workflowId])).rows[0].n === 3, 'retirement');
  await stack.client.retireSubjects(workflowId, { subjectIds: [idOf.gone], reason: 'a name in it', takeDown: true });
  await stack.client.reviewConsensus(workflowId, idOf.a, 'T0', '=== Vestry met\r\nat eight');
});
afterAll(() => stack.stop());

it('is not found while the project does not publish its results, to its team too, as a published result', async () => {
  expect(await refused({ workflowId })).toEqual({ status: 404, pointers: ['/params/id'] });
  expect(await refused({ workflowId }, stack.client)).toEqual({ status: 404, pointers: ['/params/id'] });
});

describe('once the project publishes its results', () => {
  beforeAll(async () => {
    await stack.client.updateProject(projectId, { resultsPublic: true });
  });

  it('gives anyone the set’s pages in its order: the finished ones’ texts, a review’s in place of the consensus, a gap for the unfinished, none for the taken down (left out, as the neighbour pages leave it), no private metadata', async () => {
    const { body } = await stack.anonymous.request('GET', `/subject-sets/${setId}/published-text?workflowId=${workflowId}`);
    expect(publishedTextSchema.parse(body)).toEqual(body);
    expect(body).toEqual({
      subjectSetId: setId,
      workflowId,
      name: 'Minutes',
      pages: [
        { page: 1, subjectId: idOf.a, published: true, metadata: { title: 'Minute a' }, texts: [transcribed('=== Vestry met\r\nat eight')] },
        { page: 2, subjectId: idOf.b, published: true, metadata: { title: 'Minute b' }, texts: [transcribed('Vestry met\nat seven')] },
        gap(3, idOf.c),
      ],
      next: null,
    });
    expect(JSON.stringify(body)).not.toContain('SECRET');
  });

  it('pages through the set, numbering on', async () => {
    const first = await stack.anonymous.publishedText(setId, workflowId, { limit: 2 });
    expect(first.pages.map((page) => [page.page, page.subjectId])).toEqual([[1, idOf.a], [2, idOf.b]]);
    const second = await stack.anonymous.publishedText(setId, workflowId, { limit: 2, after: first.next! });
    expect([second.pages, second.next]).toEqual([[gap(3, idOf.c)], null]);
  });

  it('numbers each page as the neighbour pages number it, the taken-down page left out', async () => {
    const { pages } = await stack.anonymous.publishedText(setId, workflowId);
    /** The page the neighbour pages give the subject, as one who classified it looks around. */
    const neighbourPage = async (subjectId: string) => {
      const { rows } = await stack.db.query('SELECT user_id FROM classifications WHERE workflow_id = $1 AND subject_id = $2 LIMIT 1', [workflowId, subjectId]);
      return (await stack.db.query(NEIGHBOURS, [workflowId, rows[0].user_id, subjectId, setId])).rows[0]?.page;
    };
    expect(await Promise.all(pages.map((page) => neighbourPage(page.subjectId)))).toEqual(pages.map((page) => page.page));
    expect(pages.map((page) => page.subjectId)).toEqual([idOf.a, idOf.b, idOf.c]);
  });

  it('gives the whole set as a plain text download, each page headed, its text escaped as the transcriptions download escapes it, gaps marked', async () => {
    const response = await fetch(`${stack.baseUrl}/api/v1/subject-sets/${setId}/published-text?workflowId=${workflowId}&format=text`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="published-text-minutes-${setId}-\\d{8}T\\d{6}Z\\.txt"`));
    expect(await response.text()).toBe(
      [
        `=== Page 1 · ${idOf.a} ===\n\\=== Vestry met\nat eight\n`,
        `=== Page 2 · ${idOf.b} ===\nVestry met\nat seven\n`,
        `=== Page 3 · ${idOf.c} ===\n[not transcribed yet]\n`,
      ].join('\n'),
    );
    expect(await stack.anonymous.publishedTextFile(setId, workflowId)).toContain('Page 3');
  });

  it('streams the download a batch of pages at a time, numbering and separating the pages across batches as in one', async () => {
    const url = `${stack.baseUrl}/api/v1/subject-sets/${setId}/published-text?workflowId=${workflowId}&format=text`;
    const whole = await (await fetch(url)).text();
    const service = stack.app.get(PublishedResultsService);
    service.textBatch = 1;
    try {
      expect(await (await fetch(url)).text()).toBe(whole);
    } finally {
      service.textBatch = TEXT_BATCH;
    }
    expect(whole.match(/^=== Page/gm)).toHaveLength(3);
  });

  it('says why a task has no text: none, blank, not reached, waiting for a check; in the download too', async () => {
    const b = (change: string) => stack.db.query(`UPDATE consensus SET ${change} WHERE workflow_id = $1 AND subject_id = $2 AND task = 'T0'`, [workflowId, idOf.b]);
    const pageB = async () => (await stack.anonymous.publishedText(setId, workflowId, { limit: 2 })).pages[1]!.texts;
    const fileB = async () => (await stack.anonymous.publishedTextFile(setId, workflowId)).split(`=== Page 2 · ${idOf.b} ===\n`)[1]!.split('\n')[0];
    await b('needs_checking = true');
    expect([await pageB(), await fileB()]).toEqual([[{ ...T0, text: null, state: 'waitingForCheck' }], '[waiting for a check]']);
    await b(`needs_checking = false, result = jsonb_set(result, '{notReached}', '{"task": "T1", "answer": "no"}')`);
    expect([await pageB(), await fileB()]).toEqual([[{ ...T0, text: null, state: 'notReached' }], '[not transcribed: the consensus path does not lead to this task]']);
    await b(`result = result - 'notReached'`);
    await stack.client.reviewConsensus(workflowId, idOf.b, 'T0', '');
    expect([await pageB(), await fileB()]).toEqual([[transcribed('')], '[blank: the consensus is that there is no text]']);
    await stack.db.query(`DELETE FROM consensus WHERE workflow_id = $1 AND subject_id = $2 AND task = 'T0'`, [workflowId, idOf.b]);
    expect([await pageB(), await fileB()]).toEqual([[{ ...T0, text: null, state: 'notTranscribed' }], '[not transcribed yet]']);
  });

  it('gives several transcription tasks in the order the workflow reaches them, each headed by its instruction in the download', async () => {
    // jsonb keeps keys shortest first ("body" before "margin"): the order the volunteer meets them is margin, then body.
    const { id: twoTexts } = await stack.client.createWorkflow(projectId, {
      name: 'Margin and body',
      firstTask: 'margin',
      tasks: { margin: { type: 'transcription', instruction: 'Type the margin', next: 'body' }, body: { type: 'transcription', instruction: 'Type the body' } },
      retirement: { rule: 'count', count: 2 },
      subjectSetIds: [setId],
    });
    await stack.client.activateWorkflow(twoTexts);
    await guestsClassify(stack.anonymous, twoTexts, [[idOf.a], [idOf.a]], [{ task: 'margin', value: 'Paid' }, { task: 'body', value: 'Vestry met' }]);
    await until(async () => (await stack.db.query('SELECT count(*)::int AS n FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NOT NULL', [twoTexts])).rows[0].n === 1, 'retirement');
    await until(async () => (await laggingSubjects(stack.db, twoTexts)) === 0, 'aggregation');
    const { pages } = await stack.anonymous.publishedText(setId, twoTexts, { limit: 1 });
    expect(pages[0]!.texts).toEqual([
      { task: 'margin', instruction: 'Type the margin', text: 'Paid', state: 'transcribed' },
      { task: 'body', instruction: 'Type the body', text: 'Vestry met', state: 'transcribed' },
    ]);
    expect(await stack.anonymous.publishedTextFile(setId, twoTexts)).toMatch(new RegExp(`^=== Page 1 · ${idOf.a} ===\n--- Type the margin ---\nPaid\n\n--- Type the body ---\nVestry met\n`));
  });

  it('serves no draft workflow, to its team too, nor another project’s, nor one that does not serve the set', async () => {
    const { id: draft } = await stack.client.createWorkflow(projectId, {
      name: 'Not yet',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Type it' } },
      retirement: { rule: 'count', count: 1 },
      subjectSetIds: [setId],
    });
    const other = await transcribeAndDateWorkflow(stack.client, [{ externalId: 'x' }], 1);
    const unlinked = await stack.client.createSubjectSet(projectId, { name: 'Elsewhere' });
    for (const as of [stack.anonymous, stack.client]) expect(await refused({ workflowId: draft }, as)).toEqual({ status: 404, pointers: ['/query/workflowId'] });
    expect(await refused({ workflowId: other.workflowId })).toEqual({ status: 404, pointers: ['/query/workflowId'] });
    expect(await refused({ workflowId }, stack.anonymous, unlinked.id)).toEqual({ status: 404, pointers: ['/query/workflowId'] });
  });

  it('refuses a query not as documented, and a workflow without a transcription task, naming the parameter', async () => {
    expect(await refused({})).toEqual({ status: 422, pointers: ['/query/workflowId'] });
    expect(await refused({ workflowId, format: 'pdf' })).toEqual({ status: 422, pointers: ['/query/format'] });
    expect(await refused({ workflowId, after: 'nope' })).toEqual({ status: 422, pointers: ['/query/after'] });
    for (const position of ['9223372036854775808', '-9223372036854775809', '9999999999999999999']) {
      expect(await refused({ workflowId, after: `1_${position}_${idOf.a}` })).toEqual({ status: 422, pointers: ['/query/after'] });
    }
    expect((await stack.anonymous.publishedText(setId, workflowId, { after: `1_9223372036854775807_${idOf.a}` })).pages).toEqual([]);
    for (const limit of ['0', '101', '2.5']) expect(await refused({ workflowId, limit })).toEqual({ status: 422, pointers: ['/query/limit'] });
    expect((await stack.anonymous.publishedText(setId, workflowId, { limit: 100 })).pages).toHaveLength(3);
    expect(await refused({ workflowId }, stack.anonymous, 'nope')).toEqual({ status: 422, pointers: ['/params/id'] });
    const { id: dating } = await stack.client.createWorkflow(projectId, {
      name: 'Dated?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Dated?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      subjectSetIds: [setId],
    });
    await stack.client.activateWorkflow(dating);
    expect(await refused({ workflowId: dating })).toEqual({ status: 422, pointers: ['/query/workflowId'] });
    expect(await refused({ workflowId }, stack.anonymous, randomUUID())).toEqual({ status: 404, pointers: ['/params/id'] });
  });

  it('lists the project’s sets that read as a document, each with each workflow that reads it: not in draft (paused and finished too), with a transcription task, but its training set', async () => {
    const made = await transcribeAndDateWorkflow(stack.client, [{ externalId: 'x' }], 1);
    const readable = (as = stack.anonymous) => refusal(as.readableSets(made.project.id));
    expect(await readable()).toMatchObject({ status: 404, problem: { errors: [{ pointer: '/params/id' }] } });
    expect(await readable(stack.client)).toMatchObject({ status: 404, problem: { errors: [{ pointer: '/params/id' }] } });
    await stack.client.updateProject(made.project.id, { resultsPublic: true });
    const elsewhere = await stack.client.createSubjectSet(made.project.id, { name: 'Unlinked' });
    const training = await stack.client.createSubjectSet(made.project.id, { name: 'Training' });
    await stack.client.addSubjects(training.id, [{ externalId: 'g', goldStandard: { T0: 'Known' }, locations: [{ type: 'text', text: 'Gold' }] }]);
    await stack.client.createWorkflow(made.project.id, { name: 'Draft', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Type it' } }, subjectSetIds: [made.setId, elsewhere.id] });
    const { id: dating } = await stack.client.createWorkflow(made.project.id, {
      name: 'Dated?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Dated?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      subjectSetIds: [elsewhere.id],
    });
    await stack.client.activateWorkflow(dating);
    const { id: again } = await stack.client.createWorkflow(made.project.id, {
      name: 'Transcribe again',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Type it again' } },
      selection: { training: { subjectSetId: training.id, classifications: 1 } },
      subjectSetIds: [training.id, made.setId],
    });
    await stack.client.activateWorkflow(again);
    await stack.client.pauseWorkflow(made.workflowId);
    await stack.client.finishWorkflow(again);
    const { body } = await stack.anonymous.request('GET', `/projects/${made.project.id}/readable-sets`);
    expect(readableSetsSchema.parse(body)).toEqual(body);
    expect(body).toEqual({
      sets: [
        { subjectSetId: made.setId, name: 'Minutes', workflowId: made.workflowId, workflowName: 'Transcribe and date' },
        { subjectSetId: made.setId, name: 'Minutes', workflowId: again, workflowName: 'Transcribe again' },
      ],
    });
    // What the list leaves out does not read as a document either: the training set, and a set no transcription reads.
    expect(await refused({ workflowId: again }, stack.anonymous, training.id)).toEqual({ status: 404, pointers: ['/query/workflowId'] });
    expect(await refused({ workflowId: dating }, stack.anonymous, elsewhere.id)).toEqual({ status: 422, pointers: ['/query/workflowId'] });
    expect((await stack.anonymous.publishedText(made.setId, again)).pages).toHaveLength(1);
  });

  it('refuses a project id that is not one, naming the parameter', async () => {
    const error = await refusal(stack.anonymous.request('GET', '/projects/nope/readable-sets'));
    expect([error?.status, error?.problem.errors?.map((field) => field.pointer)]).toEqual([422, ['/params/id']]);
  });

  it('does not find the set in another project than the one `projectId` names, and refuses a projectId that is not an id', async () => {
    const other = await transcribeAndDateWorkflow(stack.client, [{ externalId: 'x' }], 1);
    await stack.client.updateProject(other.project.id, { resultsPublic: true });
    expect(await refused({ workflowId, projectId: other.project.id })).toEqual({ status: 404, pointers: ['/query/projectId'] });
    expect(await refused({ workflowId, projectId: other.project.id, format: 'text' })).toEqual({ status: 404, pointers: ['/query/projectId'] });
    expect(await refused({ workflowId, projectId: 'nope' })).toEqual({ status: 422, pointers: ['/query/projectId'] });
    expect((await stack.anonymous.publishedText(setId, workflowId, { projectId })).pages).toHaveLength(3);
  });

  it('leaves a retired gold-standard page a gap, its text and known answers unpublished, in the download too', async () => {
    const made = await transcribeAndDateWorkflow(stack.client, [{ externalId: 'plain' }], 2);
    await stack.client.updateProject(made.project.id, { resultsPublic: true });
    const [gold] = (await stack.client.addSubjects(made.setId, [{ externalId: 'gold', goldStandard: { T0: 'KNOWN-ANSWER' }, locations: [{ type: 'text', text: 'Gold' }] }])).subjectIds as [string];
    const plain = made.idOf.plain!;
    await guestsClassify(stack.anonymous, made.workflowId, [[plain, gold], [plain, gold]], [{ task: 'T0', value: 'TYPED-TEXT' }, { task: 'T1', value: 'yes' }]);
    await until(async () => (await laggingSubjects(stack.db, made.workflowId)) === 0, 'aggregation');
    // A gold-standard subject retires only once reported, by the team's hand (`manual`, as a finished page is published):
    // still a gap, its consensus would tell its known answer.
    const reporter = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await reporter.reportSubject(made.workflowId, { subjectId: gold, reason: 'blank-or-unreadable' });
    await stack.client.retireSubjects(made.workflowId, { subjectIds: [gold], reason: 'done' });
    const { rows } = await stack.db.query('SELECT retirement_reason FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [made.workflowId, gold]);
    expect(rows).toEqual([{ retirement_reason: 'manual' }]);
    const { pages } = await stack.anonymous.publishedText(made.setId, made.workflowId);
    expect(pages).toEqual([{ page: 1, subjectId: plain, published: true, metadata: {}, texts: [transcribed('TYPED-TEXT')] }, gap(2, gold)]);
    expect(JSON.stringify(pages)).not.toContain('KNOWN-ANSWER');
    const file = await stack.anonymous.publishedTextFile(made.setId, made.workflowId);
    expect(file).toBe(`=== Page 1 · ${plain} ===\nTYPED-TEXT\n\n=== Page 2 · ${gold} ===\n[not transcribed yet]\n`);
  });

  it('is not found while the operators have taken the project down, to its team and the operators too (the documented rule), and again once restored', async () => {
    const email = `operator-${OPERATOR}@example.org`;
    await stack.db.query("INSERT INTO users (id, kind, display_name, email, email_verified_at) VALUES ($1, 'registered', 'Operator', $2, now())", [OPERATOR, email]);
    const operator = stack.anonymous.withToken((await stack.app.get(Tokens).session({ id: OPERATOR, kind: 'registered', displayName: 'Operator', email, emailVerified: true })).token);
    await operator.takeDownProject(projectId, { reason: 'spam' });
    try {
      for (const as of [stack.anonymous, stack.client, operator]) {
        expect(await refused({ workflowId }, as)).toEqual({ status: 404, pointers: ['/params/id'] });
        expect((await refusal(as.readableSets(projectId)))?.status).toBe(404);
      }
      expect((await refusal(stack.client.publishedTextFile(setId, workflowId)))?.status).toBe(404);
    } finally {
      await operator.restoreProject(projectId);
    }
    expect((await stack.anonymous.publishedText(setId, workflowId)).pages).toHaveLength(3);
    expect((await stack.anonymous.readableSets(projectId)).sets).toContainEqual(expect.objectContaining({ subjectSetId: setId, workflowId }));
  });

  it('streams a draft project’s text to its members by a download link, a batch of pages at a time, a text larger than one chunk whole; to no one else', async () => {
    const draft = await stack.client.createProject({ title: `Draft text ${randomUUID().slice(0, 8)}` });
    await stack.client.updateProject(draft.id, { resultsPublic: true });
    const set = await stack.client.createSubjectSet(draft.id, { name: 'Ledger' });
    const { subjectIds } = await stack.client.addSubjects(set.id, ['p1', 'p2'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
    const { id } = await stack.client.createWorkflow(draft.id, { name: 'Copy out', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Type it', maxLength: 100_000 } }, retirement: { rule: 'count', count: 1 }, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(id);
    // A member's transcription, counted in a project not open yet, corrected by the owner's review into a text larger than a stream's chunk (64 KiB).
    const member = await newMember(stack, draft.id, 'scientist');
    await member.client.classify({ workflowId: id, workflowVersion: 1, subjectId: subjectIds[0]!, annotations: [{ task: 'T0', value: 'line 0' }] }, randomUUID());
    await until(async () => (await stack.db.query('SELECT count(*)::int AS n FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NOT NULL', [id])).rows[0].n === 1, 'retirement');
    await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'aggregation');
    const long = Array.from({ length: 7_000 }, (_, line) => `line ${line}`).join('\n');
    await stack.client.reviewConsensus(id, subjectIds[0]!, 'T0', long);
    const link = await member.client.publishedTextLink(set.id, id);
    expect(link.url).toMatch(new RegExp(`^/api/v1/subject-sets/${set.id}/published-text\\?token=[^&]+&format=text&workflowId=${id}$`));
    const service = stack.app.get(PublishedResultsService);
    service.textBatch = 1;
    try {
      const response = await fetch(`${stack.baseUrl}${link.url}`);
      expect([response.status, response.headers.get('content-type'), response.headers.get('cache-control')]).toEqual([200, 'text/plain; charset=utf-8', 'private, no-store']);
      // Streamed as it is read, never held whole to be measured.
      expect([response.headers.get('content-length'), response.headers.get('transfer-encoding')]).toEqual([null, 'chunked']);
      expect(response.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="published-text-ledger-${set.id}-`));
      const text = await response.text();
      expect(text.length).toBeGreaterThan(64 * 1024);
      expect(text).toBe(`=== Page 1 · ${subjectIds[0]} ===\n${long}\n\n=== Page 2 · ${subjectIds[1]} ===\n[not transcribed yet]\n`);
    } finally {
      service.textBatch = TEXT_BATCH;
    }
    // Not to anyone else: no link for an outsider, and a link opens that set in that workflow alone, until its session signs out.
    const outsider = await newAccount(stack, 'Stranger');
    expect((await refusal(outsider.client.publishedTextLink(set.id, id)))?.status).toBe(404);
    const elsewhere = await fetch(`${stack.baseUrl}${link.url.replace(id, workflowId)}`);
    expect(elsewhere.status).toBe(401);
    const anotherSet = await fetch(`${stack.baseUrl}${link.url.replace(set.id, setId)}`);
    expect(anotherSet.status).toBe(401);
    // A read key that may read the text may link to it.
    const { secret } = await member.client.createApiKey({ name: 'Reader', scope: 'read' });
    expect((await stack.anonymous.withToken(secret).publishedTextLink(set.id, id)).url).toMatch(/\?token=/);
    // A member removed from the project opens nothing more by a link asked for while a member.
    const removed = await newMember(stack, draft.id, 'collaborator', 'Leaving');
    const removedLink = await removed.client.publishedTextLink(set.id, id);
    await stack.client.removeMember(draft.id, removed.id);
    expect((await fetch(`${stack.baseUrl}${removedLink.url}`)).status).toBe(404);
    await member.client.signOut();
    const ended = await fetch(`${stack.baseUrl}${link.url}`);
    expect(ended.status).toBe(401);
  });

  it('is hidden with a draft project from anyone but its members', async () => {
    const draft = await stack.client.createProject({ title: `Draft ${randomUUID().slice(0, 8)}` });
    await stack.client.updateProject(draft.id, { resultsPublic: true });
    const set = await stack.client.createSubjectSet(draft.id, { name: 'Drafts' });
    await stack.client.addSubjects(set.id, [{ externalId: 'd', locations: [{ type: 'text', text: 'Draft' }] }]);
    const id = await activeTranscriptionWorkflow(stack.client, draft.id, set.id, 1);
    const outsider = await newAccount(stack, 'Outsider');
    for (const as of [stack.anonymous, outsider.client]) {
      expect(await refused({ workflowId: id }, as, set.id)).toEqual({ status: 404, pointers: ['/params/id'] });
      expect(await refusal(as.readableSets(draft.id))).toMatchObject({ status: 404, problem: { errors: [{ pointer: '/params/id' }] } });
    }
    expect((await stack.client.publishedText(set.id, id)).pages).toHaveLength(1);
    const member = await newMember(stack, draft.id, 'scientist');
    expect(await member.client.readableSets(draft.id)).toEqual({ sets: [{ subjectSetId: set.id, name: 'Drafts', workflowId: id, workflowName: 'Transcribe the letters' }] });
  });
});
