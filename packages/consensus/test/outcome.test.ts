import { workflowDefinitionSchema } from '@chorus/tasks';
import { type ClassificationRecord, type TaskConsensus, choiceSupport, consensusOutcome, reduceSubject } from '../src';

/** "Is there an advertisement?" yes → a close reading, a multiple choice, a tagging task and a transcription. */
const definition = workflowDefinitionSchema.parse({
  name: 'Outcomes',
  firstTask: 'Q',
  tasks: {
    Q: { type: 'single', question: 'Is there an advertisement?', answers: [{ value: 'yes', label: 'Yes', next: 'C' }, { value: 'no', label: 'No' }] },
    C: { type: 'close-reading', question: 'Sense?', senses: [{ value: 'v', label: 'V' }, { value: 'p', label: 'P' }], allowUnsure: true, next: 'M' },
    M: { type: 'multiple', question: 'Which?', answers: [{ value: 'horse', label: 'Horse' }, { value: 'cat', label: 'Cat' }, { value: 'dog', label: 'Dog' }], next: 'G' },
    G: { type: 'tagging', instruction: 'Tag it', next: 'X' },
    X: { type: 'transcription', instruction: 'Type it' },
  },
  retirement: { rule: 'count', count: 5 },
});

let n = 0;
const answers = (...annotations: [task: string, value: unknown][]): ClassificationRecord => ({
  id: String(++n),
  countsTowardRetirement: true,
  annotations: annotations.map(([task, value]) => ({ task, value })),
});

/** Each task's outcome, by task key, for a subject with these classifications. */
const outcomes = (classifications: ClassificationRecord[]) => Object.fromEntries(reduceSubject(definition, classifications).map((consensus) => [consensus.task, consensusOutcome(consensus)]));
const consensusOf = (task: string, classifications: ClassificationRecord[]) => reduceSubject(definition, classifications).find((consensus) => consensus.task === task)!;

describe("a task's consensus outcome", () => {
  it('is no_votes before any consensus is stored, and for a task nobody answered', () => {
    expect(consensusOutcome(undefined)).toBe('no_votes');
    expect(outcomes([answers(['Q', 'yes'])])).toMatchObject({ Q: 'answer', C: 'no_votes', M: 'no_votes', G: 'no_votes', X: 'no_votes' });
  });

  it('is answer when the consensus has one, and tie when answers lead equally', () => {
    expect(outcomes([answers(['Q', 'yes'], ['C', { sense: 'v' }]), answers(['Q', 'yes'], ['C', { sense: 'v' }])])).toMatchObject({ Q: 'answer', C: 'answer' });
    expect(outcomes([answers(['Q', 'yes'], ['C', { sense: 'v' }]), answers(['Q', 'yes'], ['C', { sense: 'p' }])])).toMatchObject({ Q: 'answer', C: 'tie' });
  });

  it('is not_reached for the tasks behind a question whose consensus led elsewhere, or that ties, whatever their votes', () => {
    const led = outcomes([answers(['Q', 'no']), answers(['Q', 'no']), answers(['Q', 'yes'], ['C', { sense: 'v' }], ['M', ['cat']])]);
    expect(led).toEqual({ Q: 'answer', C: 'not_reached', M: 'not_reached', G: 'not_reached', X: 'not_reached' });
    expect(outcomes([answers(['Q', 'no']), answers(['Q', 'yes'], ['C', { sense: 'v' }])])).toMatchObject({ Q: 'tie', C: 'not_reached' });
  });

  it('is all_unsure for a close reading whose every answer was unsure or chose no sense', () => {
    const unsure = [answers(['Q', 'yes'], ['C', { sense: 'v', unsure: true }]), answers(['Q', 'yes'], ['C', { sense: null }])];
    expect(outcomes(unsure)).toMatchObject({ C: 'all_unsure' });
  });

  it('is empty_answer when the consensus is that nothing applies: no choice, no tag, no words', () => {
    const none = [answers(['Q', 'yes'], ['M', []], ['G', { add: [] }], ['X', '']), answers(['Q', 'yes'], ['M', ['cat']], ['G', { add: ['horse'] }], ['X', ''])];
    expect(outcomes(none)).toMatchObject({ M: 'empty_answer', G: 'empty_answer', X: 'empty_answer' });
    expect(outcomes([answers(['Q', 'yes'], ['M', ['cat']], ['G', { add: ['horse'] }], ['X', 'Soap'])])).toMatchObject({ M: 'answer', G: 'answer', X: 'answer' });
  });
});

describe("a multiple-choice or tagging task's support", () => {
  const four = [
    answers(['Q', 'yes'], ['M', ['horse', 'cat', 'dog']], ['G', { add: ['zebra', 'horse'] }]),
    answers(['Q', 'yes'], ['M', ['horse', 'cat']], ['G', { up: ['horse'], add: ['ant'] }]),
    answers(['Q', 'yes'], ['M', ['horse', 'cat']], ['G', { up: ['horse', 'zebra'] }]),
    answers(['Q', 'yes'], ['M', ['horse', 'dog']], ['G', { up: ['horse', 'ant'], down: ['zebra'] }]),
  ];

  it("gives each picked choice's share of the volunteers, the largest first, then in code-point order", () => {
    expect(choiceSupport(consensusOf('M', four).result)).toBe('horse=1;cat=0.75;dog=0.5');
    // zebra and ant tie at a half (a volunteer's down vote is no pick): in code-point order.
    expect(choiceSupport(consensusOf('G', four).result)).toBe('horse=1;ant=0.5;zebra=0.5');
  });

  it('orders by code points, not UTF-16 units, and rounds shares to 4 places', () => {
    const result = { answers: [{ answer: '\u{1F434}', share: 1 / 3 }, { answer: '\uFF21', share: 1 / 3 }, { answer: 'a', share: 0 }] };
    expect(choiceSupport(result)).toBe('\uFF21=0.3333;\u{1F434}=0.3333');
  });

  it('is empty when nobody picked anything, and null for the other task types', () => {
    expect(choiceSupport(consensusOf('M', [answers(['Q', 'yes'], ['M', []])]).result)).toBe('');
    expect(choiceSupport(consensusOf('Q', four).result)).toBeNull();
    expect(choiceSupport(consensusOf('C', four).result as TaskConsensus['result'])).toBeNull();
  });
});
