import { parse } from 'csv-parse/sync';
import { type ChorusApiError } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';

/** A form of named fields per subject (an index card): a workflow of one fields task, its definition refused or taken, answers checked, downloaded. */
let stack: Stack;
let projectId: string;
let setId: string;
afterAll(() => stack.stop());

const problemOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: ChorusApiError) => ({ status: error.status, errors: error.problem.errors }));

const card = {
  type: 'fields' as const,
  instruction: 'Copy the index card',
  fields: [
    { key: 'surname', label: 'Surname', kind: 'text' as const, required: true },
    { key: 'born', label: 'Date of birth', kind: 'date' as const },
    { key: 'age', label: 'Age', kind: 'number' as const },
    { key: 'parish', label: 'Parish', kind: 'choice' as const, choices: ['St Mary', 'St John'] },
  ],
};

beforeAll(async () => {
  stack = await startStack();
  projectId = (await stack.client.createProject({ title: 'Index cards', status: 'live' })).id;
  setId = (await stack.client.createSubjectSet(projectId, { name: 'Cards' })).id;
  await stack.client.addSubjects(setId, [{ externalId: 'card-1', locations: [{ type: 'text', text: 'SMITH, John. b. Apr 1881. St Mary' }] }]);
});

const workflowOf = (task: object, set = setId) => ({ name: 'Cards', firstTask: 'T', tasks: { T: task }, retirement: { rule: 'count', count: 3 }, subjectSetIds: [set] }) as never;

describe('a fields task', () => {
  it('is refused with problem+json naming the field at fault by its pointer, and nothing is stored', async () => {
    const workflows = async () => (await stack.db.query('SELECT count(*)::int AS n FROM workflows WHERE project_id = $1', [projectId])).rows[0].n;
    const before = await workflows();
    const fields = [...card.fields, { key: 'surname', label: 'Again', kind: 'text' }];
    expect(await problemOf(stack.client.createWorkflow(projectId, workflowOf({ ...card, fields })))).toEqual({ status: 422, errors: [{ pointer: '/tasks/T/fields/4/key', message: expect.stringMatching(/repeats the key of fields\/0/) }] });
    const noChoices = card.fields.map((field) => (field.kind === 'choice' ? { ...field, choices: undefined } : field));
    expect(await problemOf(stack.client.createWorkflow(projectId, workflowOf({ ...card, fields: noChoices })))).toEqual({ status: 422, errors: [{ pointer: '/tasks/T/fields/3/choices', message: expect.stringMatching(/required for a choice field/) }] });
    expect(await workflows()).toBe(before);
  });

  it('takes answers field by field, refuses one naming /annotations/0/value/<field>, and downloads answers and consensus as an object (its exact JSON text in CSV), each field in a column of its own', async () => {
    const { id } = await stack.client.createWorkflow(projectId, workflowOf(card));
    await stack.client.activateWorkflow(id);
    const guests = await Promise.all([0, 1, 2].map(async () => stack.anonymous.withToken((await stack.anonymous.guest()).token)));
    const subjectId = (await guests[0]!.queue(id)).subjects[0]!.id;
    const classify = (volunteer: (typeof guests)[number], value: object) => volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId, annotations: [{ task: 'T', value }] }, randomUUID());

    const refusals = [
      [{ surname: '', born: '', age: '', parish: '' }, 'surname', /required/],
      [{ surname: 'Smith', born: '1881-02-30', age: '', parish: '' }, 'born', /not a real date/],
      [{ surname: 'Smith', born: '', age: 'forty', parish: '' }, 'age', /not a number/],
      [{ surname: 'Smith', born: '', age: '', parish: 'St Paul' }, 'parish', /not offered/],
    ] as const;
    for (const [value, field, message] of refusals) {
      expect(await problemOf(classify(guests[0]!, value))).toEqual({ status: 422, errors: [{ pointer: `/annotations/0/value/${field}`, message: expect.stringMatching(message) }] });
    }
    expect((await stack.client.stats(id)).classifications).toBe(0);

    await classify(guests[0]!, { surname: ' Smith ', born: '1881-04', age: '34', parish: 'St Mary' });
    await classify(guests[1]!, { surname: 'SMITH', born: '1881-04', age: '34.0', parish: '' });
    await classify(guests[2]!, { surname: 'Smith', born: '1881', age: '43', parish: '' });
    await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'every answer aggregated');

    const raw = JSON.parse(await stack.client.classifications(id, 'json')) as Record<string, unknown>[];
    // The form's answer is an object in JSON (not a string holding JSON), stored trimmed; CSV keeps its JSON text as stored (jsonb orders its keys).
    expect(raw.map((row) => row.T_answer as Record<string, string>).find((value) => value.age === '34')).toEqual({ surname: 'Smith', born: '1881-04', age: '34', parish: 'St Mary' });
    const csv = parse(await stack.client.classifications(id, 'csv'), { columns: true }) as Record<string, string>[];
    expect(csv.map((row) => row.T_answer)).toContain('{"age":"34","born":"1881-04","parish":"St Mary","surname":"Smith"}');

    const [row] = JSON.parse(await stack.client.consensus(id, 'json')) as Record<string, unknown>[];
    expect(row!.T_answer).toEqual({ surname: 'Smith', born: '1881-04', age: '34', parish: '' });
    const [csvRow] = parse(await stack.client.consensus(id, 'csv'), { columns: true }) as Record<string, string>[];
    expect(csvRow!.T_answer).toBe('{"surname":"Smith","born":"1881-04","age":"34","parish":""}');
    expect(row).toMatchObject({ T_agreement: 2 / 3, T_votes: 3, T_needs_checking: false, T_algorithm: 'field-plurality-vote', 'T.surname': 'Smith', 'T.born': '1881-04', 'T.age': '34', 'T.parish': '' });
    expect((row!.T_result as { fields: { key: string; agreement: number }[] }).fields.map((field) => [field.key, field.agreement])).toEqual([['surname', 1], ['born', 2 / 3], ['age', 2 / 3], ['parish', 2 / 3]]);

    const [header] = (await stack.client.consensus(id, 'csv')).split('\n');
    expect(header!.trim().split(',').slice(-5)).toEqual(['T.surname', 'T.born', 'T.age', 'T.parish', 'routing_decisions']);
  });

  /** A project in `language` with a fields workflow (`card`) of one subject, and how a guest answers it. */
  const projectIn = async (language: string) => {
    const project = (await stack.client.createProject({ title: `Registres ${language}`, status: 'live', language })).id;
    const set = (await stack.client.createSubjectSet(project, { name: 'Registres' })).id;
    await stack.client.addSubjects(set, [{ externalId: `row-${language}`, locations: [{ type: 'text', text: 'DUPONT, Jean. 12,5 ans' }] }]);
    const { id } = await stack.client.createWorkflow(project, workflowOf(card, set));
    await stack.client.activateWorkflow(id);
    // A guest for each answer: one subject, answered by several.
    const classify = async (age: string, born = '') => {
      const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      const subjectId = (await guest.queue(id)).subjects[0]!.id;
      return guest.classify({ workflowId: id, workflowVersion: 1, subjectId, annotations: [{ task: 'T', value: { surname: 'Dupont', born, age, parish: '' } }] }, randomUUID());
    };
    return { id, classify };
  };

  it('takes a number with the decimal separator of the project\'s language, stored with "." (12,5 is 12.5 in a French project), and refuses it where the language writes "." naming the field and the separator', async () => {
    const french = await projectIn('fr');
    expect(await problemOf(french.classify('1 250'))).toEqual({ status: 422, errors: [{ pointer: '/annotations/0/value/age', message: expect.stringContaining('with "," for decimals (12,5)') }] });
    await french.classify('12,5');
    const [row] = JSON.parse(await stack.client.classifications(french.id, 'json')) as Record<string, unknown>[];
    expect(row!.T_answer).toEqual({ surname: 'Dupont', born: '', age: '12.5', parish: '' });

    const english = await projectIn('en');
    expect(await problemOf(english.classify('12,5'))).toEqual({ status: 422, errors: [{ pointer: '/annotations/0/value/age', message: expect.stringContaining('with "." for decimals (12.5)') }] });
    expect((await stack.client.stats(english.id)).classifications).toBe(0);
  });

  it('takes "1.250" in a German project as stored, the decimal the classifier sends for a typed "1,250", and refuses it as typed, a thousand or a decimal, in a submit read in the language', async () => {
    const german = await projectIn('de');
    const ages = async () => (JSON.parse(await stack.client.classifications(german.id, 'json')) as { T_answer: { age: string } }[]).map((row) => row.T_answer.age).sort();
    await german.classify('1.250'); // the classifier's "1,250", or a client's "1.250": the same, stored as it reads, 1.25
    await german.classify('1,250');
    expect(await ages()).toEqual(['1.250', '1.250']);
    // A submit that is not in stored form (a date of 1881 typed as a German writes it) is read as typed: "1.250" is ambiguous there.
    expect(await problemOf(german.classify('1.250', '3.4.1881'))).toEqual({
      status: 422,
      errors: expect.arrayContaining([{ pointer: '/annotations/0/value/age', message: 'could be a thousand or more, or a decimal (1.250): write 1250, or 1,25, without "." between thousands' }]),
    });
  });
});
