import { parse } from 'csv-parse/sync';
import { type ChorusApiError } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';

/** Points and rectangles on a subject's image: a workflow of one marking task, its definition refused or taken, marks checked, aggregated, retired, downloaded. */
let stack: Stack;
let projectId: string;
let setId: string;
let textSetId: string;
afterAll(() => stack.stop());

const problemOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: ChorusApiError) => ({ status: error.status, errors: error.problem.errors }));

const colony = {
  type: 'marking' as const,
  instruction: 'Mark each penguin, and draw a box around each nest',
  tools: [
    { key: 'penguin', label: 'Penguin', shape: 'point' as const, max: 5 },
    { key: 'nest', label: 'Nest', shape: 'rectangle' as const },
  ],
};
const penguin = (x: number, y: number) => ({ tool: 'penguin', x, y });
const nest = (x: number, y: number) => ({ tool: 'nest', x, y, width: 100, height: 80 });

beforeAll(async () => {
  stack = await startStack();
  projectId = (await stack.client.createProject({ title: 'Penguin watch', status: 'live' })).id;
  setId = (await stack.client.createSubjectSet(projectId, { name: 'Colony' })).id;
  textSetId = (await stack.client.createSubjectSet(projectId, { name: 'Field notes' })).id;
  await stack.client.addSubjects(setId, [{ externalId: 'cam-1', locations: [{ type: 'image', url: 'https://example.org/cam-1.jpg' }] }]);
  await stack.client.addSubjects(textSetId, [{ externalId: 'note-1', locations: [{ type: 'text', text: 'Three penguins by the rock' }] }]);
});

const workflowOf = (task: object, retirement: object = { rule: 'count', count: 3 }, subjectSetIds = [setId]) => ({ name: 'Colony', firstTask: 'T', tasks: { T: task }, retirement, subjectSetIds }) as never;

async function started(task: object, retirement?: object, subjectSetIds?: string[]) {
  const { id } = await stack.client.createWorkflow(projectId, workflowOf(task, retirement, subjectSetIds));
  await stack.client.activateWorkflow(id);
  const guests = await Promise.all([0, 1, 2].map(async () => stack.anonymous.withToken((await stack.anonymous.guest()).token)));
  const subjectId = (await guests[0]!.queue(id)).subjects[0]!.id;
  const classify = (volunteer: number, value: unknown, workflowVersion = 1) => guests[volunteer]!.classify({ workflowId: id, workflowVersion, subjectId, annotations: [{ task: 'T', value }] }, randomUUID());
  return { id, classify, subjectId };
}

describe('a marking task', () => {
  it('is refused with problem+json naming the tool at fault by its pointer, and nothing is stored', async () => {
    const workflows = async () => (await stack.db.query('SELECT count(*)::int AS n FROM workflows WHERE project_id = $1', [projectId])).rows[0].n;
    const before = await workflows();
    const tools = [colony.tools[0], { ...colony.tools[1], tolerance: 10 }];
    expect(await problemOf(stack.client.createWorkflow(projectId, workflowOf({ ...colony, tools })))).toEqual({ status: 422, errors: [{ pointer: '/tasks/T/tools/1/tolerance', message: expect.stringMatching(/only for a point tool/) }] });
    const retirement = { rule: 'agreement', task: 'T', answer: 'penguin', threshold: 0.6, minimum: 2, maximum: 5 };
    expect(await problemOf(stack.client.createWorkflow(projectId, workflowOf(colony, retirement)))).toEqual({ status: 422, errors: [{ pointer: '/retirement/answer', message: expect.stringMatching(/a marking task/) }] });
    expect(await workflows()).toBe(before);
  });

  it('refuses marks at /annotations/0/value/<mark>/<field>, counts at /annotations/0/value; aggregates, retires by count and downloads the marks and their consensus as a list (its exact JSON text in CSV), each tool counted in a column', async () => {
    const { id, classify } = await started(colony);
    const refusals = [
      [[penguin(1, 2), { tool: 'seal', x: 1, y: 2 }], '/annotations/0/value/1/tool', /"penguin", "nest"/],
      [[{ tool: 'nest', x: 1, y: 2, height: 5 }], '/annotations/0/value/0/width', /./],
      [[penguin(-1, 2)], '/annotations/0/value/0/x', /at least 0/],
      [[1, 2, 3, 4, 5, 6].map((x) => penguin(x * 10, 0)), '/annotations/0/value', /"penguin".*at most 5/],
    ] as const;
    for (const [value, pointer, message] of refusals) {
      expect(await problemOf(classify(0, value))).toEqual({ status: 422, errors: [{ pointer, message: expect.stringMatching(message) }] });
    }
    expect((await stack.client.stats(id)).classifications).toBe(0);

    await classify(0, [penguin(100, 100), penguin(200, 50), nest(10, 300)]);
    await classify(1, [penguin(104, 102), penguin(197, 51), nest(14, 302), penguin(500, 500)]);
    await classify(2, [penguin(102, 99)]);
    await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'every answer aggregated');

    const raw = JSON.parse(await stack.client.classifications(id, 'json')) as Record<string, unknown>[];
    // The marks are a list in JSON (not a string holding JSON).
    expect(raw.map((row) => row.T_answer)).toContainEqual([penguin(102, 99)]);
    // In CSV its JSON text, as stored (jsonb orders an object's keys).
    const csv = parse(await stack.client.classifications(id, 'csv'), { columns: true }) as Record<string, string>[];
    expect(csv.map((row) => row.T_answer)).toContain('[{"x":102,"y":99,"tool":"penguin"}]');

    const [row] = JSON.parse(await stack.client.consensus(id, 'json')) as Record<string, unknown>[];
    // Penguins at (102, 100) by 3 of 3 and (198.5, 50.5) by 2 of 3, the nest by 2 of 3; the stray by 1 of 3.
    expect(row!.T_answer).toEqual([penguin(198.5, 50.5), penguin(102, 100), { tool: 'nest', x: 12, y: 301, width: 100, height: 80 }]);
    const [csvRow] = parse(await stack.client.consensus(id, 'csv'), { columns: true }) as Record<string, string>[];
    expect(csvRow!.T_answer).toBe('[{"tool":"penguin","x":198.5,"y":50.5},{"tool":"penguin","x":102,"y":100},{"tool":"nest","x":12,"y":301,"width":100,"height":80}]');
    expect(row).toMatchObject({ retired: true, retirement_reason: 'count', T_votes: 3, T_outcome: 'answer', T_needs_checking: true, T_algorithm: 'mark-clustering', 'T.penguin': 2, 'T.nest': 1 });
    expect(row!.T_agreement).toBeCloseTo(2 / 3);
    // Things 2 of 3 and 1 of 3 marked: worth a check.
    expect(row!.T_result).toMatchObject({ counts: { penguin: 2, nest: 1 }, lowConsensus: true });

    const [header] = (await stack.client.consensus(id, 'csv')).split('\n');
    expect(header!.trim().split(',').slice(-5)).toEqual(['T.penguin', 'T.nest', 'T_reviewed.penguin', 'T_reviewed.nest', 'routing_decisions']);
    expect(row).toMatchObject({ 'T_reviewed.penguin': null, 'T_reviewed.nest': null });
  });

  it('writes marks as their JSON text in CSV where an earlier version gave the task key a multiple choice, whose column holds a list; a consensus of that version as it is', async () => {
    const sightings = { type: 'multiple', question: 'What is on the rock?', answers: [{ value: 'penguin', label: 'Penguins' }, { value: 'seal', label: 'Seals' }] };
    // Retired by the first answer, under version 1: its consensus stays that version's, a list, when version 2 marks.
    const { id, classify } = await started(sightings, { rule: 'count', count: 1 });
    await classify(0, ['penguin', 'seal']);
    await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'the answer aggregated');
    await stack.client.updateWorkflow(id, workflowOf(colony, { rule: 'count', count: 1 }));
    await classify(1, [penguin(100, 100)], 2);
    await classify(2, [], 2);
    const answers = async (format: 'csv' | 'json') => {
      const rows = (format === 'csv' ? parse(await stack.client.classifications(id, 'csv'), { columns: true }) : JSON.parse(await stack.client.classifications(id, 'json'))) as Record<string, unknown>[];
      return rows.map((row) => [row.workflow_version, row.T_answer]).sort();
    };
    expect(await answers('csv')).toEqual([['1', 'penguin;seal'], ['2', '[]'], ['2', '[{"x":100,"y":100,"tool":"penguin"}]']]);
    expect(await answers('json')).toEqual([[1, ['penguin', 'seal']], [2, []], [2, [penguin(100, 100)]]]);
    // Not JSON, so given as the text it is: in CSV not quoted as a JSON string would be.
    const [consensus] = parse(await stack.client.consensus(id, 'csv'), { columns: true }) as Record<string, string>[];
    expect([consensus!.T_answer, consensus!.T_workflow_version]).toEqual(['penguin;seal', '1']);
    expect((JSON.parse(await stack.client.consensus(id, 'json')) as Record<string, unknown>[])[0]!.T_answer).toBe('penguin;seal');
  });

  it('retires by the agreement rule once the volunteers agree on every thing marked', async () => {
    const { id, classify } = await started(colony, { rule: 'agreement', task: 'T', threshold: 0.9, minimum: 2, maximum: 5 });
    await classify(0, [penguin(100, 100), nest(10, 300)]);
    await classify(1, [penguin(110, 95), nest(12, 310)]);
    await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'every answer aggregated');
    const [row] = JSON.parse(await stack.client.consensus(id, 'json')) as Record<string, unknown>[];
    expect(row).toMatchObject({ retired: true, retirement_reason: 'agreement', T_agreement: 1, 'T.penguin': 1, 'T.nest': 1 });
  });

  it('refuses marks on a subject without an image, and takes an answer of none', async () => {
    const { id, classify } = await started(colony, undefined, [textSetId]);
    expect(await problemOf(classify(0, [penguin(1, 2)]))).toEqual({ status: 422, errors: [{ pointer: '/annotations/0/value', message: expect.stringMatching(/no image to mark/) }] });
    await classify(0, []);
    expect((await stack.client.stats(id)).classifications).toBe(1);
  });

  it('takes a researcher’s correction of the marks checked as a volunteer’s answer (a bad one refused at its field, changing nothing), in the results and beside the consensus in the download, counted tool by tool', async () => {
    const { id, classify, subjectId } = await started(colony);
    await classify(0, [penguin(100, 100), nest(10, 300)]);
    await classify(1, [penguin(104, 102), nest(14, 302)]);
    await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'every answer aggregated');
    const review = (value: unknown) => stack.client.reviewConsensus(id, subjectId, 'T', value);
    const refusals = [
      [[penguin(1, 2), { tool: 'seal', x: 1, y: 2 }], '/value/1/tool', /"penguin", "nest"/],
      [[{ tool: 'nest', x: 1, y: 2, height: 5 }], '/value/0/width', /./],
      [[penguin(-1, 2)], '/value/0/x', /at least 0/],
      [[1, 2, 3, 4, 5, 6].map((x) => penguin(x * 10, 0)), '/value', /"penguin".*at most 5/],
    ] as const;
    for (const [value, pointer, message] of refusals) {
      expect(await problemOf(review(value))).toEqual({ status: 422, errors: [{ pointer, message: expect.stringMatching(message) }] });
    }
    const reviews = async () => (await stack.db.query('SELECT count(*)::int AS n FROM consensus_reviews WHERE workflow_id = $1', [id])).rows[0].n;
    expect(await reviews()).toBe(0);
    expect((await stack.client.subjectResult(id, subjectId)).reviews).toEqual({});

    // Two penguins where the volunteers marked one, and the nest kept.
    const marks = [penguin(102, 101), penguin(400, 120), { tool: 'nest', x: 12, y: 301, width: 100, height: 80 }];
    expect(await review(marks)).toMatchObject({ task: 'T', state: 'corrected', value: marks });
    expect((await stack.client.subjectResult(id, subjectId)).reviews.T).toMatchObject({ state: 'corrected', value: marks });
    expect((await stack.client.subjectResults(id)).subjects.find((subject) => subject.id === subjectId)?.reviews.T).toMatchObject({ state: 'corrected', value: marks });
    const [row] = JSON.parse(await stack.client.consensus(id, 'json')) as Record<string, unknown>[];
    // The volunteers' consensus stays in _answer and every <task>.<tool> column; the review is beside it.
    expect(row!.T_answer).toHaveLength(2);
    expect(row).toMatchObject({ T_reviewed: 'corrected', 'T.penguin': 1, 'T.nest': 1, 'T_reviewed.penguin': 2, 'T_reviewed.nest': 1 });
    expect(row!.T_reviewed_answer).toEqual(marks);
  });

  it('refuses a correction of marks on a subject without an image, changing nothing, and takes one of none', async () => {
    const { id, classify, subjectId } = await started(colony, undefined, [textSetId]);
    await classify(0, []);
    await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'every answer aggregated');
    expect(await problemOf(stack.client.reviewConsensus(id, subjectId, 'T', [penguin(1, 2)]))).toEqual({ status: 422, errors: [{ pointer: '/value', message: expect.stringMatching(/no image to mark/) }] });
    expect((await stack.client.subjectResult(id, subjectId)).reviews).toEqual({});
    expect(await stack.client.reviewConsensus(id, subjectId, 'T', [])).toMatchObject({ state: 'corrected', value: [] });
  });

  it('takes a known answer of marks (as a list or its JSON text), downloads it as a list, and refuses one of a tool not in the task', async () => {
    const { id } = await started(colony);
    const gold = (known: unknown) => stack.client.addSubjects(setId, [{ externalId: `gold-${randomUUID()}`, locations: [{ type: 'image', url: 'https://example.org/gold.jpg' }], goldStandard: { T: known } } as never]);
    await gold([penguin(10, 10), nest(0, 0)]);
    await gold(JSON.stringify([penguin(10, 10)]));
    const known = (JSON.parse(await stack.client.consensus(id, 'json')) as Record<string, unknown>[]).map((row) => row.T_known_answer).filter((answer) => answer !== null);
    expect(known).toEqual(expect.arrayContaining([[penguin(10, 10), nest(0, 0)], [penguin(10, 10)]]));
    expect(known).toHaveLength(2);
    // Said once per workflow of the set (the earlier tests' too).
    const refused = await problemOf(gold([{ tool: 'seal', x: 1, y: 1 }]));
    expect(refused?.status).toBe(422);
    expect(new Set(refused?.errors?.map((error) => [error.pointer, /not an answer task "T" can take: must be a mark of one of the task's tools/.test(error.message)].join()))).toEqual(new Set(['/subjects/0/goldStandard/T,true']));
  });
});
