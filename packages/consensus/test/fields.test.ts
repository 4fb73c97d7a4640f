import { type FieldsTask, workflowDefinitionSchema } from '@chorus/tasks';
import { type ClassificationRecord, findRetirement, needsChecking, reduceFields, reduceSubject } from '../src';

const definition = workflowDefinitionSchema.parse({
  name: 'Cards',
  firstTask: 'T',
  tasks: {
    T: {
      type: 'fields',
      instruction: 'Copy the card',
      fields: [
        { key: 'surname', label: 'Surname', kind: 'text' },
        { key: 'age', label: 'Age', kind: 'number' },
        { key: 'born', label: 'Born', kind: 'date' },
        { key: 'parish', label: 'Parish', kind: 'choice', choices: ['St Mary', 'St John'] },
      ],
    },
  },
  retirement: { rule: 'agreement', task: 'T', minimum: 3, threshold: 0.6, maximum: 10 },
});
const task = definition.tasks.T as FieldsTask;

const classification = (index: number, value: object): ClassificationRecord => ({ id: `c${index}`, annotations: [{ task: 'T', value }], countsTowardRetirement: true, volunteer: `v${index}` });
const classified = (...values: object[]) => values.map((value, index) => classification(index, value));

const field = (consensus: { fields: { key: string }[] }, key: string) => consensus.fields.find((each) => each.key === key);

describe('fields consensus', () => {
  it('votes field by field, text without case or extra spaces (as most wrote it), numbers by value, dates and choices as written', () => {
    const consensus = reduceFields(task, [
      { surname: 'Smith', age: '34', born: '1881-04', parish: 'St Mary' },
      { surname: 'smith ', age: '34.0', born: '1881', parish: 'St Mary' },
      { surname: 'Smith', age: '43', born: '1881-04', parish: 'St John' },
    ]);
    expect(consensus.answer).toEqual({ surname: 'Smith', age: '34', born: '1881-04', parish: 'St Mary' });
    expect(field(consensus, 'surname')).toMatchObject({ answer: 'Smith', agreement: 1, votes: 3 });
    expect(field(consensus, 'age')).toMatchObject({ agreement: 2 / 3, counts: { '34': 2, '43': 1 } });
    expect(field(consensus, 'born')).toMatchObject({ agreement: 2 / 3, counts: { '1881-04': 2, '1881': 1 } });
    expect(consensus.agreement).toBe(2 / 3);
    expect(consensus.lowConsensus).toBe(false);
  });

  it('gives a tied field no answer ("" in the task\'s answer) and the leaders\' share, but the task no agreement (0): a tie is no agreement', () => {
    const consensus = reduceFields(task, [
      { surname: 'Smith', age: '34', born: '', parish: '' },
      { surname: 'Smyth', age: '34', born: '', parish: '' },
    ]);
    expect(field(consensus, 'surname')).toMatchObject({ answer: null, agreement: 0.5, leaders: ['smith', 'smyth'] });
    expect(consensus.answer).toEqual({ surname: '', age: '34', born: '', parish: '' });
    expect(consensus.agreement).toBe(0);
    expect(consensus.lowConsensus).toBe(true); // worth a researcher's check: needs_checking
  });

  it('counts a blank as a value, and a field an earlier answer lacks as no vote', () => {
    const consensus = reduceFields(task, [{ surname: 'Smith', age: '' }, { surname: 'Smith', age: '' }, { surname: 'Smith', age: '5', parish: 'St John' }]);
    expect(field(consensus, 'age')).toMatchObject({ answer: '', agreement: 2 / 3 });
    expect(field(consensus, 'parish')).toMatchObject({ answer: 'St John', agreement: 1, votes: 1 });
    expect(field(consensus, 'born')).toMatchObject({ answer: null, agreement: null, votes: 0 });
    expect(consensus.agreement).toBe(2 / 3);
  });

  it('is the task\'s consensus: the answer the object as JSON text, each field\'s { answer, agreement, votes } in result.fields', () => {
    const [consensus] = reduceSubject(definition, classified({ surname: 'Smith', age: '34', born: '', parish: '' }, { surname: 'smith', age: '34', born: '', parish: 'St Mary' }));
    expect(JSON.parse(consensus!.answer!)).toEqual({ surname: 'Smith', age: '34', born: '', parish: '' });
    expect(consensus).toMatchObject({ agreement: 0, votes: 2, algorithm: 'field-plurality-vote' });
    expect(needsChecking(consensus!, [consensus!])).toBe(true); // the parish is tied
    expect(consensus!.result.fields).toMatchObject([{ key: 'surname', answer: 'Smith', agreement: 1, votes: 2 }, { key: 'age' }, { key: 'born' }, { key: 'parish', answer: null, agreement: 0.5 }]);
  });

  it('retires on an agreement rule when the least agreed field reaches the threshold', () => {
    const same = { surname: 'Smith', age: '34', born: '1881', parish: 'St Mary' };
    expect(findRetirement(definition, classified(same, same, { ...same, age: '35' })).decision.retire).toBe(true); // every field 2/3 or more
    expect(findRetirement(definition, classified(same, { ...same, age: '35' }, { ...same, age: '36' })).decision.retire).toBe(false); // age 1/3
  });

  it('does not retire on an agreement rule while a field is tied, however low the threshold', () => {
    const lenient = workflowDefinitionSchema.parse({ ...definition, retirement: { rule: 'agreement', task: 'T', minimum: 2, threshold: 0.5, maximum: 10 } });
    const card = { surname: 'Smith', age: '34', born: '1881', parish: 'St Mary' };
    expect(findRetirement(lenient, classified(card, { ...card, surname: 'Jones' })).decision.retire).toBe(false);
    expect(findRetirement(lenient, classified(card, card)).decision.retire).toBe(true);
  });
});
