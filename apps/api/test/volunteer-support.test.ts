import type { ChorusApiError, ChorusClient, ClassificationInput, QueueView, SubjectInput, TaskFeedback, WorkflowInput } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';
import { OWN_CLASSIFICATIONS } from '../src/classifications/classifications.service';

/** What the classifier shows volunteers beyond the tasks: gold-standard feedback after a submit, and other volunteers' tags. */

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack.stop();
});

type Subject = { externalId: string; goldStandard?: Record<string, unknown>; locations?: SubjectInput['locations'] };

/** A live workflow over text subjects (unless given other locations); returns its id and the subject ids by externalId. */
async function workflowWith(definition: Omit<WorkflowInput, 'subjectSetIds'>, subjects: Subject[], { active = true } = {}) {
  const project = await stack.client.createProject({ title: `Support ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  await stack.client.addSubjects(set.id, subjects.map((subject) => ({ ...subject, locations: subject.locations ?? [{ type: 'text' as const, text: `Notice ${subject.externalId}` }] })));
  const { id, version } = await stack.client.createWorkflow(project.id, { ...definition, subjectSetIds: [set.id] });
  if (active) await stack.client.activateWorkflow(id);
  const { rows } = await stack.db.query<{ id: string; external_id: string }>('SELECT id, external_id FROM subjects WHERE project_id = $1', [project.id]);
  return { workflowId: id, version, subjectIds: Object.fromEntries(rows.map((row) => [row.external_id, row.id])) as Record<string, string> };
}

async function guest(): Promise<ChorusClient> {
  return stack.anonymous.withToken((await stack.anonymous.guest()).token);
}

/** The raw submit answer: status and body, as the classifier receives them. */
function submit(client: ChorusClient, input: ClassificationInput, key = randomUUID()) {
  return client.request<{ id: string; feedback?: TaskFeedback[] }>('POST', '/classifications', input, { 'idempotency-key': key });
}

const adOrNot = (feedback?: boolean): Omit<WorkflowInput, 'subjectSetIds'> => ({
  name: 'Ad or not?',
  firstTask: 'T0',
  tasks: {
    T0: { type: 'single', question: 'An advertisement?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
    T1: { type: 'multiple', question: 'What does it offer?', answers: [{ value: 'goods', label: 'Goods' }, { value: 'work', label: 'Work' }] },
  },
  ...(feedback === undefined ? {} : { feedback }),
});

describe('gold-standard feedback in the submit answer', () => {
  it('tells the known answer of each task answered, and whether the volunteer matched it, also on a replay', async () => {
    const { workflowId, version, subjectIds } = await workflowWith(adOrNot(true), [
      { externalId: 'gold', goldStandard: { T0: 'yes', T1: 'work' } },
      { externalId: 'plain' },
    ]);
    const volunteer = await guest();
    const input = { workflowId, workflowVersion: version, subjectId: subjectIds.gold!, annotations: [{ task: 'T0', value: 'yes' }, { task: 'T1', value: ['goods', 'work'] }] };
    const key = randomUUID();
    const first = await submit(volunteer, input, key);
    expect(first.status).toBe(201);
    expect(first.body.feedback).toEqual([
      { task: 'T0', expected: 'yes', correct: true },
      { task: 'T1', expected: ['work'], correct: false },
    ]);
    // The outbox may send again after a lost answer: the replay carries the same feedback.
    const replay = await submit(volunteer, input, key);
    expect([replay.status, replay.body]).toEqual([200, { id: first.body.id, feedback: first.body.feedback }]);

    const plain = await submit(volunteer, { ...input, subjectId: subjectIds.plain!, annotations: [{ task: 'T0', value: 'no' }] });
    expect(plain.status).toBe(201);
    expect(plain.body).toEqual({ id: expect.any(String), currentVersion: 1 });
  });

  it('is not given once the workflow turns it off, even to a client that names the version that gave it', async () => {
    const { workflowId, version, subjectIds } = await workflowWith(adOrNot(true), [{ externalId: 'gold', goldStandard: { T0: 'yes' } }]);
    const { tasks, firstTask, name } = (await stack.client.getWorkflow(workflowId)).definition;
    await stack.client.updateWorkflow(workflowId, { name, firstTask, tasks, feedback: false });
    const { status, body } = await submit(await guest(), { workflowId, workflowVersion: version, subjectId: subjectIds.gold!, annotations: [{ task: 'T0', value: 'no' }] });
    expect(status).toBe(201);
    expect(body).toEqual({ id: expect.any(String), currentVersion: version + 1 });
  });

  it('only covers the tasks on the volunteer’s branch', async () => {
    const { workflowId, version, subjectIds } = await workflowWith(adOrNot(true), [{ externalId: 'gold', goldStandard: { T0: 'yes', T1: ['goods'] } }]);
    const { body } = await submit(await guest(), { workflowId, workflowVersion: version, subjectId: subjectIds.gold!, annotations: [{ task: 'T0', value: 'no' }] });
    expect(body.feedback).toEqual([{ task: 'T0', expected: 'yes', correct: false }]);
  });

  it('says nothing when the workflow does not enable feedback, and the queue never carries the known answers', async () => {
    const { workflowId, version, subjectIds } = await workflowWith(adOrNot(), [{ externalId: 'gold', goldStandard: { T0: 'yes' } }, { externalId: 'plain' }]);
    const volunteer = await guest();
    const queued = await volunteer.request<QueueView>('GET', `/workflows/${workflowId}/queue`);
    expect(queued.body.subjects.map((subject) => subject.id)).toContain(subjectIds.gold); // served alongside the other
    expect(JSON.stringify(queued.body)).not.toContain('goldStandard');
    const { status, body } = await submit(volunteer, { workflowId, workflowVersion: version, subjectId: subjectIds.gold!, annotations: [{ task: 'T0', value: 'no' }] });
    expect(status).toBe(201);
    expect(body).toEqual({ id: expect.any(String), currentVersion: version });
  });

  it('compares close readings by sense, transcriptions by their words, choices and tags as sets, from short gold forms (lists as the downloads flatten them)', async () => {
    const definition: Omit<WorkflowInput, 'subjectSetIds'> = {
      name: 'Every kind',
      firstTask: 'C',
      feedback: true,
      tasks: {
        C: { type: 'close-reading', question: 'Which sense?', senses: [{ value: 'vehicle', label: 'A vehicle' }, { value: 'bearing', label: 'Bearing' }], allowUnsure: true, next: 'X' },
        X: { type: 'transcription', instruction: 'Type it', next: 'G' },
        G: { type: 'tagging', instruction: 'Tag it', next: 'M' },
        M: { type: 'multiple', question: 'Which?', answers: [{ value: 'work', label: 'Work' }, { value: 'sale', label: 'Sale' }, { value: 'lost', label: 'Lost' }] },
      },
    };
    const { workflowId, version, subjectIds } = await workflowWith(definition, [
      { externalId: 'gold', goldStandard: { C: 'vehicle', X: 'WANTED  a boy', G: 'Horse;cart', M: 'work;sale' } },
      { externalId: 'rejecting', goldStandard: { G: { add: ['horse'], up: [], down: ['whip'] } } },
    ]);
    const annotations = [
      { task: 'C', value: { sense: 'vehicle', unsure: true } },
      { task: 'X', value: ' WANTED a boy ' },
      { task: 'G', value: { add: ['horse'], up: ['Cart'], down: [] } },
      { task: 'M', value: ['sale', 'work'] },
    ];
    const { body } = await submit(await guest(), { workflowId, workflowVersion: version, subjectId: subjectIds.gold!, annotations });
    expect(body.feedback).toEqual([
      { task: 'C', expected: { sense: 'vehicle' }, correct: true },
      { task: 'X', expected: 'WANTED  a boy', correct: true },
      { task: 'G', expected: { add: ['Horse', 'cart'], up: [], down: [] }, correct: true },
      { task: 'M', expected: ['work', 'sale'], correct: true },
    ]);
    // Tags beyond the experts' are not wrong; one of theirs missing, or one they rejected applied, is.
    const tagged = async (value: unknown, subjectId = subjectIds.gold!) => {
      const given = annotations.map((annotation) => (annotation.task === 'G' ? { task: 'G', value } : annotation));
      const { body: answer } = await submit(await guest(), { workflowId, workflowVersion: version, subjectId, annotations: given });
      return answer.feedback?.find((feedback) => feedback.task === 'G')?.correct;
    };
    expect(await tagged({ add: ['horse', 'cart', 'whip'] })).toBe(true);
    expect(await tagged({ add: ['horse', 'whip'] })).toBe(false);
    expect(await tagged({ add: ['horse', 'whip'], down: ['cart'] })).toBe(false);
    expect(await tagged({ add: ['horse', 'cart'] }, subjectIds.rejecting!)).toBe(true);
    expect(await tagged({ add: ['horse', 'Whip'] }, subjectIds.rejecting!)).toBe(false);
  });
});

describe('GET /workflows/:id/subjects/:subjectId/tags', () => {
  const tagging: Omit<WorkflowInput, 'subjectSetIds'> = {
    name: 'Tag the notices',
    firstTask: 'T0',
    tasks: {
      T0: { type: 'single', question: 'Readable?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
      T1: { type: 'tagging', instruction: 'Tag it' },
    },
  };

  it('tallies what volunteers proposed and voted on, as consensus does', async () => {
    const { workflowId, version, subjectIds } = await workflowWith(tagging, [{ externalId: 'a' }, { externalId: 'b' }]);
    const votes = [
      { add: ['Horse'], up: [], down: [] },
      { add: ['horse ', 'cart'], up: [], down: [] },
      { add: [], up: ['horse'], down: ['cart'] },
    ];
    for (const value of votes) {
      const annotations = [{ task: 'T0', value: 'yes' }, { task: 'T1', value }];
      await (await guest()).classify({ workflowId, workflowVersion: version, subjectId: subjectIds.a!, annotations }, randomUUID());
    }
    await (await guest()).classify({ workflowId, workflowVersion: version, subjectId: subjectIds.a!, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    const volunteer = await guest();
    expect(await volunteer.proposedTags(workflowId, subjectIds.a!, 'T1')).toEqual({
      tags: [
        { tag: 'horse', up: 3, down: 0 },
        { tag: 'cart', up: 1, down: 1 },
      ],
    });
    expect(await volunteer.proposedTags(workflowId, subjectIds.b!, 'T1')).toEqual({ tags: [] });
  });

  it('names the bad field: a missing or non-tagging task, a subject outside the workflow', async () => {
    const { workflowId, subjectIds } = await workflowWith(tagging, [{ externalId: 'a' }]);
    const volunteer = await guest();
    const problem = (promise: Promise<unknown>) => promise.then(() => undefined, (error: ChorusApiError) => ({ status: error.status, errors: error.problem.errors }));
    expect(await problem(volunteer.request('GET', `/workflows/${workflowId}/subjects/${subjectIds.a}/tags`))).toEqual({
      status: 422,
      errors: [{ pointer: '/query/task', message: expect.stringContaining('is required') }],
    });
    expect(await problem(volunteer.proposedTags(workflowId, subjectIds.a!, 'T0'))).toEqual({
      status: 422,
      errors: [{ pointer: '/query/task', message: '"T0" is not a tagging task of this workflow; its tagging tasks are T1' }],
    });
    expect(await problem(volunteer.proposedTags(workflowId, randomUUID(), 'T1'))).toMatchObject({ status: 404, errors: [{ pointer: '/params/subjectId' }] });
    expect(await problem(volunteer.proposedTags(workflowId, 'not-a-uuid', 'T1'))).toMatchObject({ status: 422, errors: [{ pointer: '/params/subjectId' }] });
    expect(await problem(volunteer.proposedTags(randomUUID(), subjectIds.a!, 'T1'))).toMatchObject({ status: 404, errors: [{ pointer: '/params/id' }] });
  });

  it('of a draft workflow (unpublished work) are for its project’s members only', async () => {
    const { workflowId, version, subjectIds } = await workflowWith(tagging, [{ externalId: 'a' }], { active: false });
    const annotations = [{ task: 'T0', value: 'yes' }, { task: 'T1', value: { add: ['unpublished'], up: [], down: [] } }];
    await stack.client.classify({ workflowId, workflowVersion: version, subjectId: subjectIds.a!, annotations }, randomUUID());
    expect(await stack.client.proposedTags(workflowId, subjectIds.a!, 'T1')).toEqual({ tags: [{ tag: 'unpublished', up: 1, down: 0 }] });
    for (const outsider of [await guest(), stack.anonymous]) {
      const refused = (await outsider.proposedTags(workflowId, subjectIds.a!, 'T1').catch((error) => error)) as ChorusApiError;
      expect([refused.status, refused.problem.errors]).toEqual([404, [expect.objectContaining({ pointer: '/params/id' })]]);
    }
  });
});

describe('GET /classifications: a volunteer’s own classifications', () => {
  it('lists them newest first with the subject as volunteers see it and the answers, a page at a time, with the total', async () => {
    const subjects = ['a', 'b', 'c'].map((externalId) => ({ externalId }));
    const first = await workflowWith(adOrNot(), subjects);
    const second = await workflowWith(adOrNot(), [{ externalId: 'd' }]);
    const volunteer = await guest();
    const other = await guest();
    const answer = (value: string) => (value === 'yes' ? [{ task: 'T0', value }, { task: 'T1', value: ['goods'] }] : [{ task: 'T0', value }]);
    for (const externalId of ['a', 'b', 'c']) {
      await submit(volunteer, { workflowId: first.workflowId, workflowVersion: first.version, subjectId: first.subjectIds[externalId]!, annotations: answer(externalId === 'b' ? 'yes' : 'no') });
    }
    await submit(volunteer, { workflowId: second.workflowId, workflowVersion: second.version, subjectId: second.subjectIds.d!, annotations: answer('no') });
    await submit(other, { workflowId: first.workflowId, workflowVersion: first.version, subjectId: first.subjectIds.a!, annotations: answer('yes') });
    await stack.db.query(`UPDATE subjects SET metadata = '{"#secret": "x", "page": 3}' WHERE id = $1`, [first.subjectIds.c]);

    const page = await volunteer.myClassifications({ workflowId: first.workflowId, limit: 2 });
    expect(page.total).toBe(3);
    expect(page.classifications.map((classification) => classification.subject.externalId)).toEqual(['c', 'b']);
    expect(page.classifications[0]).toEqual({
      id: expect.any(String),
      workflowId: first.workflowId,
      workflowVersion: first.version,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      subject: { id: first.subjectIds.c, externalId: 'c', locations: [{ type: 'text', text: 'Notice c' }], metadata: { page: 3 } },
      annotations: answer('no'),
      project: { id: expect.any(String), slug: expect.any(String), title: expect.stringMatching(/^Support /) },
      workflow: { id: first.workflowId, name: 'Ad or not?' },
      favourite: false,
      open: true,
    });
    expect(page.next).toEqual(expect.any(String));
    const next = await volunteer.myClassifications({ workflowId: first.workflowId, limit: 2, after: page.next! });
    expect(next.classifications.map((classification) => classification.subject.externalId)).toEqual(['a']);
    // Counted once, on the first page.
    expect(next.next).toBeNull();
    expect('total' in next).toBe(false);

    const everywhere = await volunteer.myClassifications();
    expect(everywhere.total).toBe(4);
    expect(everywhere.classifications.map((classification) => classification.subject.externalId)).toEqual(['d', 'c', 'b', 'a']);
    // Only the caller's own: the other volunteer sees theirs alone.
    expect((await other.myClassifications()).classifications.map((classification) => classification.annotations)).toEqual([answer('yes')]);
  });

  it('across workflows, names the project and workflow of each, a page at a time, the caller’s own only, those of a draft project listed as not open', async () => {
    const first = await workflowWith({ ...adOrNot(), name: 'Shipping notices' }, [{ externalId: 'a' }, { externalId: 'b' }]);
    const second = await workflowWith({ ...adOrNot(), name: 'Letters' }, [{ externalId: 'c' }]);
    const [firstProject, secondProject] = await Promise.all(
      [first, second].map(async ({ workflowId }) => (await stack.db.query('SELECT p.id, p.slug, p.title FROM projects p JOIN workflows w ON w.project_id = p.id WHERE w.id = $1', [workflowId])).rows[0]),
    );
    const volunteer = await guest();
    const other = await guest();
    const no = [{ task: 'T0', value: 'no' }];
    await submit(volunteer, { workflowId: first.workflowId, workflowVersion: first.version, subjectId: first.subjectIds.a!, annotations: no });
    await submit(volunteer, { workflowId: second.workflowId, workflowVersion: second.version, subjectId: second.subjectIds.c!, annotations: no });
    await submit(volunteer, { workflowId: first.workflowId, workflowVersion: first.version, subjectId: first.subjectIds.b!, annotations: no });
    await submit(other, { workflowId: second.workflowId, workflowVersion: second.version, subjectId: second.subjectIds.c!, annotations: no });
    const where = (list: { classifications: { subject: { externalId?: string | null }; project: unknown; workflow: unknown; open: boolean }[] }) =>
      list.classifications.map(({ subject, project, workflow, open }) => ({ subject: subject.externalId, project, workflow, open }));

    const page = await volunteer.myClassifications({ limit: 2 });
    expect(page.total).toBe(3);
    expect(where(page)).toEqual([
      { subject: 'b', project: firstProject, workflow: { id: first.workflowId, name: 'Shipping notices' }, open: true },
      { subject: 'c', project: secondProject, workflow: { id: second.workflowId, name: 'Letters' }, open: true },
    ]);
    const rest = await volunteer.myClassifications({ limit: 2, after: page.next! });
    expect(where(rest)).toEqual([{ subject: 'a', project: firstProject, workflow: { id: first.workflowId, name: 'Shipping notices' }, open: true }]);
    expect(rest.next).toBeNull();
    expect(where(await other.myClassifications())).toEqual([{ subject: 'c', project: secondProject, workflow: { id: second.workflowId, name: 'Letters' }, open: true }]);

    await stack.client.updateProject(secondProject.id, { status: 'draft' });
    expect(where(await volunteer.myClassifications()).map(({ subject, project, open }) => [subject, (project as { title: string }).title, open])).toEqual([
      ['b', firstProject.title, true],
      ['c', secondProject.title, false],
      ['a', firstProject.title, true],
    ]);
  });

  it('reads a page of a volunteer’s classifications across workflows backward from their index, not by sorting all of them, also in a generic plan', async () => {
    const first = await workflowWith(adOrNot(), [{ externalId: 'x' }]);
    const second = await workflowWith(adOrNot(), [{ externalId: 'y' }]);
    const volunteer = (await stack.anonymous.guest()).user.id;
    // Many classifications of one volunteer in two workflows: sorting them all for a page of 20 would read every one.
    await stack.db.query(
      `WITH made AS (
         INSERT INTO subjects (project_id, locations) SELECT w.project_id, '[{"type": "text", "text": "A notice"}]' FROM workflows w, generate_series(1, 5000) WHERE w.id = ANY($1) RETURNING id, project_id)
       INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key, created_at)
       SELECT w.id, 1, made.id, $2, '[]', gen_random_uuid()::text, now() - random() * interval '300 days' FROM made JOIN workflows w ON w.project_id = made.project_id AND w.id = ANY($1)`,
      [[first.workflowId, second.workflowId], volunteer],
    );
    // Projects as at scale, their statistics read: a table never analyzed is guessed from its rows' width, and a wide
    // row (a project's text columns) made a walk of every project look cheaper than its key.
    await stack.db.query(
      `INSERT INTO projects (slug, title, status, owner_id)
       SELECT 'notices-' || gen_random_uuid(), 'Notices', 'live', (SELECT owner_id FROM projects p JOIN workflows w ON w.project_id = p.id WHERE w.id = $1) FROM generate_series(1, 2000)`,
      [first.workflowId],
    );
    await stack.db.query('ANALYZE classifications, projects');
    const [{ created_at: at, id }] = (await stack.db.query('SELECT created_at, id FROM classifications WHERE user_id = $1 ORDER BY created_at DESC, id DESC OFFSET 20 LIMIT 1', [volunteer])).rows;
    for (const mode of ['auto', 'force_generic_plan']) {
      for (const cursor of [[null, null], [at, id]]) {
        const plan: { 'QUERY PLAN': string }[] = await stack.db.query('BEGIN').then(async () => {
          try {
            await stack.db.query(`SET LOCAL plan_cache_mode = ${mode}`);
            return (await stack.db.query(`EXPLAIN ${OWN_CLASSIFICATIONS}`, [volunteer, null, ...cursor, 21, null])).rows;
          } finally {
            await stack.db.query('ROLLBACK');
          }
        });
        const text = plan.map((row) => row['QUERY PLAN']).join('\n');
        expect([mode, cursor[0] !== null, text]).toEqual([mode, cursor[0] !== null, expect.stringMatching(/Index Scan Backward using classifications_user_all_recent_idx on classifications c/)]);
        expect(text).not.toMatch(/Sort/);
        // The cursor is the index's condition, not a filter on every row read.
        expect(text).toMatch(/Index Cond: \(\(user_id = .*\) AND \(ROW\(created_at, id\) < ROW\(/);
        // Each row's subject, workflow and project by their keys, not by a scan.
        expect(text).not.toMatch(/(Seq Scan|Bitmap Heap Scan) on (workflows|projects|subjects) /);
      }
    }
    // One workflow's, from the index by workflow first.
    const oneWorkflow = (await stack.db.query(`EXPLAIN ${OWN_CLASSIFICATIONS}`, [volunteer, first.workflowId, at, id, 21, null])).rows.map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN']).join('\n');
    expect(oneWorkflow).toMatch(/Index Scan Backward using classifications_user_recent_idx on classifications c/);
    expect(oneWorkflow).not.toMatch(/Sort/);
  });

  it('names nothing of a project the operators took down to whoever is not its member: no project, workflow, subject content or answers, still counted', async () => {
    const { workflowId, version, subjectIds } = await workflowWith({ ...adOrNot(), name: 'Lottery adverts' }, [{ externalId: 'ticket', locations: [{ type: 'image', url: 'https://example.org/ticket.jpg' }] }]);
    const [project] = (await stack.db.query('SELECT p.id, p.slug, p.title FROM projects p JOIN workflows w ON w.project_id = p.id WHERE w.id = $1', [workflowId])).rows;
    const volunteer = await guest();
    const input = { workflowId, workflowVersion: version, subjectId: subjectIds.ticket!, annotations: [{ task: 'T0', value: 'yes' }, { task: 'T1', value: ['goods'] }] };
    await submit(volunteer, input);
    await submit(stack.client, input); // the project's owner, its member
    await stack.db.query("UPDATE projects SET taken_down_at = now(), taken_down_reason = 'Spam' WHERE id = $1", [project.id]);

    const page = await volunteer.myClassifications();
    expect(page.total).toBe(1);
    expect(page.classifications).toEqual([
      {
        id: expect.any(String),
        workflowId,
        workflowVersion: version,
        createdAt: expect.any(String),
        subject: { id: subjectIds.ticket, externalId: null, locations: [], metadata: {} },
        annotations: [],
        project: null,
        workflow: null,
        favourite: false,
        open: false,
      },
    ]);
    expect(JSON.stringify(page)).not.toMatch(new RegExp(`${project.title}|${project.slug}|Lottery|ticket`));
    // Its member sees it as it is.
    const own = (await stack.client.myClassifications({ workflowId })).classifications[0]!;
    expect([own.project, own.workflow?.name, own.subject.externalId, own.open]).toEqual([project, 'Lottery adverts', 'ticket', true]);
    // Restored, it is named again.
    await stack.db.query('UPDATE projects SET taken_down_at = NULL, taken_down_reason = NULL WHERE id = $1', [project.id]);
    expect((await volunteer.myClassifications()).classifications[0]).toMatchObject({ project, workflow: { id: workflowId, name: 'Lottery adverts' }, open: true, annotations: input.annotations });
  });

  it('pages through classifications stored together, in one statement and at one moment, without skipping any', async () => {
    const subjects = ['p', 'q', 'r', 's', 't'].map((externalId) => ({ externalId }));
    const { workflowId, version, subjectIds } = await workflowWith(adOrNot(), subjects);
    const volunteer = await guest();
    await Promise.all(Object.values(subjectIds).map((subjectId) => submit(volunteer, { workflowId, workflowVersion: version, subjectId, annotations: [{ task: 'T0', value: 'no' }] })));
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await volunteer.myClassifications({ workflowId, limit: 2, after });
      seen.push(...page.classifications.map((classification) => classification.subject.externalId!));
      after = page.next ?? undefined;
    } while (after);
    expect(seen.sort()).toEqual(['p', 'q', 'r', 's', 't']);
  });

  it('names a bad query parameter', async () => {
    const volunteer = await guest();
    for (const [query, pointer] of [
      [{ workflowId: 'nope' }, '/query/workflowId'],
      [{ limit: 500 }, '/query/limit'],
      [{ after: 'yesterday' }, '/query/after'],
    ] as const) {
      const error = (await volunteer.myClassifications(query).catch((e) => e)) as ChorusApiError;
      expect(error.status).toBe(422);
      expect(error.problem.errors?.map((e) => e.pointer)).toEqual([pointer]);
    }
    const unknown = (await volunteer.request('GET', '/classifications?limt=5').catch((e) => e)) as ChorusApiError;
    expect(unknown.status).toBe(422);
    expect(unknown.problem.errors?.map((e) => e.pointer)).toEqual(['/query/limt']);
  });
});

describe('close-reading evidence', () => {
  it('must mark characters of the subject’s text: a span beyond it is refused, naming it, and nothing is stored', async () => {
    const { workflowId, version, subjectIds } = await workflowWith(
      {
        name: 'Senses',
        firstTask: 'T0',
        tasks: { T0: { type: 'close-reading', question: 'In what sense?', senses: [{ value: 'v', label: 'Vehicle' }, { value: 'p', label: 'Person' }], evidence: 'optional' } },
      },
      [{ externalId: 'a' }],
    );
    const volunteer = await guest();
    const input = (evidence: [number, number][]) => ({ workflowId, workflowVersion: version, subjectId: subjectIds.a!, annotations: [{ task: 'T0', value: { sense: 'v', evidence } }] });
    const refused = (await submit(volunteer, input([[0, 6], [7, 9999]])).catch((e) => e)) as ChorusApiError;
    expect(refused.status).toBe(422);
    expect(refused.problem.errors).toEqual([
      { pointer: '/annotations/0/value/evidence/1', message: "ends at character 9999, beyond the subject's text (8 characters): spans are offsets into its first text location, in UTF-16 code units" },
    ]);
    expect((await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE workflow_id = $1', [workflowId])).rows[0].n).toBe(0);
    expect((await submit(volunteer, input([[0, 6], [7, 8]]))).status).toBe(201);
  });

  it('is required only where the subject has text to mark: an image alone is answered with a sense', async () => {
    const senses = { type: 'close-reading' as const, question: 'In what sense?', senses: [{ value: 'v', label: 'Vehicle' }, { value: 'p', label: 'Person' }], evidence: 'required' as const };
    const { workflowId, version, subjectIds } = await workflowWith({ name: 'Required evidence', firstTask: 'T0', tasks: { T0: senses } }, [
      { externalId: 'text' },
      { externalId: 'image', locations: [{ type: 'image', url: 'https://example.org/page.jpg' }] },
    ]);
    const volunteer = await guest();
    const answer = (subjectId: string) => ({ workflowId, workflowVersion: version, subjectId, annotations: [{ task: 'T0', value: { sense: 'v' } }] });
    const refused = (await submit(volunteer, answer(subjectIds.text!)).catch((e) => e)) as ChorusApiError;
    expect([refused.status, refused.problem.errors]).toEqual([422, [{ pointer: '/annotations/0/value/evidence', message: 'mark at least one evidence span' }]]);
    expect((await submit(volunteer, answer(subjectIds.image!))).status).toBe(201);
  });

  it('beyond the text of a draft workflow’s subject tells an outsider nothing of the text, only that they cannot classify there', async () => {
    const senses = { type: 'close-reading' as const, question: 'In what sense?', senses: [{ value: 'v', label: 'Vehicle' }, { value: 'p', label: 'Person' }], evidence: 'optional' as const };
    const { workflowId, version, subjectIds } = await workflowWith({ name: 'Draft senses', firstTask: 'T0', tasks: { T0: senses } }, [{ externalId: 'a' }], { active: false });
    const outsider = await guest();
    const input = { workflowId, workflowVersion: version, subjectId: subjectIds.a!, annotations: [{ task: 'T0', value: { sense: 'v', evidence: [[0, 9999]] } }] };
    const refused = (await submit(outsider, input).catch((e) => e)) as ChorusApiError;
    expect([refused.status, refused.problem.errors]).toEqual([422, [{ pointer: '/workflowId', message: 'names no workflow you can classify in' }]]);
  });
});
