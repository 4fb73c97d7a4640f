import { type RetirementRule, validateWorkflowDefinition, workflowDefinitionSchema } from '@chorus/tasks';
import { type ClassificationRecord, classificationsNeededAtLeast, classificationsNeededAtMost, decideRetirement, findRetirement, pluralityVote, reduceSubject, effectsMet, symmetricPosterior } from '../src';

describe('plurality vote', () => {
  it('finds the leader and its share of the votes', () => {
    expect(pluralityVote([{ answer: 'yes' }, { answer: 'no' }, { answer: 'yes' }])).toEqual({
      answer: 'yes', leaders: ['yes'], counts: { yes: 2, no: 1 }, agreement: 2 / 3, votes: 3,
    });
  });

  it('reports ties explicitly instead of picking one', () => {
    const result = pluralityVote([{ answer: 'yes' }, { answer: 'no' }]);
    expect(result.answer).toBeNull();
    expect(result.leaders).toEqual(['no', 'yes']);
    expect(result.agreement).toBe(0.5);
  });

  it('weights votes', () => {
    expect(pluralityVote([{ answer: 'yes', weight: 0.2 }, { answer: 'no', weight: 0.9 }]).answer).toBe('no');
  });

  it('gives no answer without enough votes', () => {
    expect(pluralityVote([], 1)).toMatchObject({ answer: null, agreement: null, votes: 0 });
    expect(pluralityVote([{ answer: 'yes' }], 2)).toMatchObject({ answer: null, votes: 1 });
  });
});

describe('symmetric posterior', () => {
  it('is the prior without votes and sums to one', () => {
    expect(symmetricPosterior({}, ['yes', 'no'], 0.7)).toEqual({ yes: 0.5, no: 0.5 });
    const posterior = symmetricPosterior({ yes: 3, no: 1 }, ['yes', 'no', 'maybe'], 0.8);
    expect(posterior.yes! + posterior.no! + posterior.maybe!).toBeCloseTo(1, 12);
  });

  it('matches Bayes by hand for two answers', () => {
    // P(yes | 2 yes, 1 no) with accuracy p: p²(1-p) / (p²(1-p) + (1-p)²p) = p
    expect(symmetricPosterior({ yes: 2, no: 1 }, ['yes', 'no'], 0.7).yes).toBeCloseTo(0.7, 12);
  });
});

describe('retirement rules', () => {
  const state = (count: number, agreement: number | null, yes?: number, answer: string | null = 'yes') => ({
    count,
    tasks: { T0: { answer, agreement, votes: count, posterior: yes === undefined ? undefined : { yes, no: 1 - yes } } },
  });

  it('count retires at the count', () => {
    expect(decideRetirement({ rule: 'count', count: 3 }, state(2, 1)).retire).toBe(false);
    expect(decideRetirement({ rule: 'count', count: 3 }, state(3, 1))).toMatchObject({ retire: true, reason: 'count' });
  });

  it('agreement waits for the minimum and caps at the maximum', () => {
    const rule = { rule: 'agreement', task: 'T0', minimum: 3, threshold: 0.8, maximum: 6 } as const;
    expect(decideRetirement(rule, state(2, 1)).retire).toBe(false);
    expect(decideRetirement(rule, state(3, 1))).toMatchObject({ retire: true, reason: 'agreement' });
    expect(decideRetirement(rule, state(5, 0.6)).retire).toBe(false);
    expect(decideRetirement(rule, state(6, 0.5))).toMatchObject({ retire: true, reason: 'maximum', detail: { rule: 'agreement' } });
  });

  it('agreement retires at its threshold exactly, unanimity included', () => {
    const rule = { rule: 'agreement', task: 'T0', minimum: 4, threshold: 0.75, maximum: 10 } as const;
    expect(decideRetirement(rule, state(4, 0.75))).toMatchObject({ retire: true, reason: 'agreement' });
    const unanimous = { rule: 'agreement', task: 'T0', minimum: 3, threshold: 1, maximum: 10 } as const;
    expect(decideRetirement(unanimous, state(3, 1))).toMatchObject({ retire: true, reason: 'agreement' });
  });

  it('agreement needs its minimum of answers to the task, not only of classifications', () => {
    const rule = { rule: 'agreement', task: 'T0', minimum: 3, threshold: 0.8, maximum: 6 } as const;
    // Three classifications, of which a new version can read one answer: one vote is not three agreeing.
    expect(decideRetirement(rule, { count: 3, tasks: { T0: { answer: 'cat', agreement: 1, votes: 1 } } }).retire).toBe(false);
    expect(decideRetirement(rule, { count: 3, tasks: { T0: { answer: 'cat', agreement: 1, votes: 3 } } })).toMatchObject({ retire: true, reason: 'agreement' });
  });

  it('agreement never retires on a tie, whatever the leaders’ share', () => {
    const rule = { rule: 'agreement', task: 'T0', minimum: 2, threshold: 0.5, maximum: 6 } as const;
    expect(decideRetirement(rule, state(2, 0.5, undefined, null)).retire).toBe(false);
    expect(decideRetirement(rule, state(3, 0.67))).toMatchObject({ retire: true, reason: 'agreement' });
  });

  it('agreement naming an answer retires only on a consensus of that answer (blanks early, animals later)', () => {
    const blank = { rule: 'agreement', task: 'T0', minimum: 3, threshold: 1, answer: 'no', maximum: 15 } as const;
    expect(decideRetirement(blank, state(3, 1, undefined, 'no'))).toMatchObject({ retire: true, reason: 'agreement', detail: { task: 'T0', answer: 'no' } });
    expect(decideRetirement(blank, state(3, 1, undefined, 'yes')).retire).toBe(false);
    expect(decideRetirement(blank, state(15, 1, undefined, 'yes'))).toMatchObject({ retire: true, reason: 'maximum' });
  });

  it('posterior retires beyond either threshold', () => {
    const rule = { rule: 'posterior', task: 'T0', answer: 'yes', low: 0.1, high: 0.9, prior: 0.5, maximum: 20 } as const;
    expect(decideRetirement(rule, state(2, 1, 0.5)).retire).toBe(false);
    expect(decideRetirement(rule, state(2, 1, 0.95))).toMatchObject({ retire: true, reason: 'posterior' });
    expect(decideRetirement(rule, state(2, 0, 0.05))).toMatchObject({ retire: true, reason: 'posterior' });
  });

  it('posterior with a low of 0 or a high of 1 never retires on that side, even at a probability rounded to it', () => {
    const onlyYes = { rule: 'posterior', task: 'T0', answer: 'yes', low: 0, high: 0.9, prior: 0.5, maximum: 2000 } as const;
    expect(decideRetirement(onlyYes, state(900, 0, 0)).retire).toBe(false);
    expect(decideRetirement(onlyYes, state(3, 1, 0.95))).toMatchObject({ retire: true, reason: 'posterior' });
    const onlyNo = { ...onlyYes, low: 0.1, high: 1 } as const;
    expect(decideRetirement(onlyNo, state(900, 1, 1)).retire).toBe(false);
    expect(decideRetirement(onlyNo, state(3, 0, 0.05))).toMatchObject({ retire: true, reason: 'posterior' });
  });

  it('any gives a met rule as the reason before one that only reached its maximum', () => {
    const rule: RetirementRule = { rule: 'any', rules: [{ rule: 'agreement', task: 'T0', minimum: 3, threshold: 0.9, maximum: 5 }, { rule: 'count', count: 5 }] };
    expect(decideRetirement(rule, state(5, 0.5))).toMatchObject({ retire: true, reason: 'count' });
  });

  it('any retires with the first rule that would', () => {
    const rule: RetirementRule = { rule: 'any', rules: [{ rule: 'agreement', task: 'T0', minimum: 3, threshold: 0.9, maximum: 50 }, { rule: 'count', count: 4 }] };
    expect(decideRetirement(rule, state(4, 0.5))).toMatchObject({ retire: true, reason: 'count' });
    expect(decideRetirement(rule, state(3, 1))).toMatchObject({ retire: true, reason: 'agreement' });
  });

  it('say how many classifications a subject may need at least and at most (the queue hands it out within them)', () => {
    const agreement: RetirementRule = { rule: 'agreement', task: 'T0', minimum: 3, threshold: 0.9, maximum: 50 };
    const posterior: RetirementRule = { rule: 'posterior', task: 'T0', answer: 'yes', low: 0.05, high: 0.95, prior: 0.5, maximum: 20 };
    const bounds = (rule: RetirementRule) => [classificationsNeededAtLeast(rule), classificationsNeededAtMost(rule)];
    expect(bounds({ rule: 'count', count: 4 })).toEqual([4, 4]);
    expect(bounds(agreement)).toEqual([3, 50]);
    expect(bounds(posterior)).toEqual([1, 20]);
    expect(bounds({ rule: 'any', rules: [agreement, { rule: 'count', count: 10 }] })).toEqual([3, 10]);
  });
});

describe('aggregating one subject', () => {
  const definition = workflowDefinitionSchema.parse({
    name: 'Ad or not?',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 3 },
  });
  const classification = (id: string, value: string, counts = true): ClassificationRecord => ({ id, annotations: [{ task: 'T0', value }], countsTowardRetirement: counts });

  it('reduces single tasks to the majority answer', () => {
    const [consensus] = reduceSubject(definition, [classification('a', 'yes'), classification('b', 'no'), classification('c', 'yes')]);
    expect(consensus).toMatchObject({ task: 'T0', answer: 'yes', agreement: 2 / 3, votes: 3, algorithm: 'plurality-vote' });
  });

  it('retires at the classification that met the rule, however late it runs', () => {
    const all = ['a', 'b', 'c', 'd', 'e'].map((id) => classification(id, 'yes'));
    expect(findRetirement(definition, all)).toMatchObject({ decision: { retire: true, reason: 'count' }, triggeredBy: 'c' });
  });

  it('an agreement rule naming an answer replays to the classification whose consensus is that answer', () => {
    const blanks = { ...definition, retirement: { rule: 'agreement' as const, task: 'T0', minimum: 3, threshold: 1, answer: 'no', maximum: 15 } };
    const yeses = ['a', 'b', 'c', 'd'].map((id) => classification(id, 'yes'));
    expect(findRetirement(blanks, yeses)).toEqual({ decision: { retire: false } });
    const noes = ['a', 'b', 'c', 'd'].map((id) => classification(id, 'no'));
    expect(findRetirement(blanks, noes)).toMatchObject({ decision: { retire: true, reason: 'agreement', detail: { answer: 'no' } }, triggeredBy: 'c' });
  });

  it('retires at the last answer already judged while the subject was open, when a rule they meet now was not met then', () => {
    const easier = { ...definition, retirement: { rule: 'agreement' as const, task: 'T0', minimum: 2, threshold: 0.6, maximum: 4 } };
    const answers = ['yes', 'no', 'yes', 'yes', 'no', 'yes'].map((value, n) => classification(`c${n + 1}`, value));
    // From scratch the rule is met at the third answer; judged open up to the fourth, it retires at the fourth.
    expect(findRetirement(easier, answers)).toMatchObject({ triggeredBy: 'c3' });
    expect(findRetirement(easier, answers, {}, 4)).toMatchObject({ decision: { retire: true, reason: 'agreement' }, triggeredBy: 'c4' });
    // Never beyond the most the rule can need: the fifth and sixth come after its maximum of four, whatever was judged.
    expect(findRetirement(easier, answers, {}, 6)).toMatchObject({ triggeredBy: 'c4' });
    // Answers not yet judged are replayed one by one as before; a count beyond the answers there are judges them all.
    expect(findRetirement(easier, answers.slice(0, 3), {}, 1)).toMatchObject({ triggeredBy: 'c3' });
    expect(findRetirement(easier, answers.slice(0, 3), {}, 4)).toMatchObject({ triggeredBy: 'c3' });
  });

  it('does not count gold-standard or late classifications toward retirement', () => {
    const records = [classification('a', 'yes'), classification('b', 'yes', false), classification('c', 'yes')];
    expect(findRetirement(definition, records).decision.retire).toBe(false);
    expect(findRetirement(definition, [...records, classification('d', 'no')]).triggeredBy).toBe('d');
  });

  it("reduces the answers the retirement replay ended on once: the subject's consensus is the replay's last step", () => {
    const transcribe = workflowDefinitionSchema.parse({
      name: 'Transcribe',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Type the line' } },
      retirement: { rule: 'agreement', task: 'T0', minimum: 2, threshold: 0.99, maximum: 5 },
    });
    const line = (id: string, value: string, counts = true): ClassificationRecord => ({ id, annotations: [{ task: 'T0', value }], countsTowardRetirement: counts });
    const answers = [line('a', 'the ship sailed'), line('b', 'the shlp sailed'), line('c', 'the ship sailed'), line('g', 'a ship sailed', false)];
    const reduced = new Map();
    expect(findRetirement(transcribe, answers, { reduced }, 2).decision.retire).toBe(false);
    const countedOnly = answers.slice(0, 3);
    const [consensus] = reduceSubject(transcribe, countedOnly, { reduced });
    expect([...reduced.values()]).toContain(consensus);
    expect(reduced.size).toBe(2); // the replay's two steps, and nothing more for the consensus
    // Other answers than those reduced before (here with the one that does not count) are reduced anew.
    const [withAll] = reduceSubject(transcribe, answers, { reduced });
    expect(withAll).toEqual(reduceSubject(transcribe, answers)[0]);
    expect(withAll?.votes).toBe(4);
    expect(reduced.size).toBe(3);
  });
});

describe('corrections of the subject’s text (startFrom)', () => {
  const correct = workflowDefinitionSchema.parse({ name: 'Correct', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Correct the OCR', startFrom: 'subject-text' } } });
  const locations = [{ type: 'text' as const, text: 'Tbe ship sailed at dawn\nfrom Hu11' }];
  const answers = (...texts: string[]): ClassificationRecord[] => texts.map((value, index) => ({ id: `c${index}`, annotations: [{ task: 'T0', value }], countsTowardRetirement: true }));
  const reduce = (records: ClassificationRecord[], options = { locations }) => reduceSubject(correct, records, options)[0]!;

  it('gives the corrected word where most volunteers correct it alike, and says the text was corrected', () => {
    const consensus = reduce(answers('The ship sailed at dawn\nfrom Hull', 'The ship sailed at dawn\nfrom Hull', 'Tbe ship sailed at dawn\nfrom Hu11'));
    expect(consensus.answer).toBe('The ship sailed at dawn\nfrom Hull');
    expect(consensus.result).toMatchObject({ unchanged: 1, corrected: true });
  });

  it('keeps the original where most leave it, and says so: an unchanged answer is a valid one', () => {
    const consensus = reduce(answers('Tbe ship sailed at dawn\nfrom Hu11', 'The ship sailed at dawn\nfrom Hull', 'Tbe  ship sailed at dawn\nfrom Hu11'));
    expect(consensus.answer).toBe('Tbe ship sailed at dawn\nfrom Hu11');
    expect(consensus.result).toMatchObject({ unchanged: 2, corrected: false });
    expect(consensus.votes).toBe(3);
  });

  it('is the plain transcription consensus without the subject’s text (no text, or a task that starts empty)', () => {
    const records = answers('The ship sailed', 'The ship sailed');
    expect(reduce(records, { locations: [] }).result).not.toHaveProperty('unchanged');
    const typed = workflowDefinitionSchema.parse({ ...correct, tasks: { T0: { type: 'transcription', instruction: 'Type it' } } });
    expect(reduceSubject(typed, records, { locations })[0]!.result).not.toHaveProperty('corrected');
  });
});

describe('effects', () => {
  const definition = workflowDefinitionSchema.parse({
    name: 'Chained',
    firstTask: 'M',
    tasks: {
      M: { type: 'multiple', question: 'Which?', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }], next: 'G' },
      G: { type: 'tagging', instruction: 'Tag it' },
    },
    effects: [
      { when: { task: 'M', answer: 'a' }, addToSubjectSet: '00000000-0000-4000-8000-00000000000a' },
      { when: { task: 'G', answer: 'Horse' }, addToSubjectSet: '00000000-0000-4000-8000-00000000000b' },
    ],
  });
  const result = (task: string, answer: string | null) => ({ task, answer, agreement: 1, votes: 3, algorithm: 'x', parameters: {}, result: {} });

  it('fire when a multiple-choice or tagging consensus holds the answer they name, tags compared as consensus writes them', () => {
    expect(effectsMet(definition, 1, [result('M', 'a;b'), result('G', 'cart;horse')]).map((met) => met.subjectSetId)).toEqual(['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b']);
    expect(effectsMet(definition, 1, [result('M', 'b'), result('G', 'horses')]).map((met) => met.subjectSetId)).toEqual([]);
    expect(effectsMet(definition, 1, [result('M', null), result('G', '')]).map((met) => met.subjectSetId)).toEqual([]);
  });

  it('fire at their agreementAtLeast exactly, not below it', () => {
    const atLeastHalf = workflowDefinitionSchema.parse({
      name: 'Half',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      effects: [{ when: { task: 'T0', answer: 'no', agreementAtLeast: 0.5 }, addToSubjectSet: '00000000-0000-4000-8000-00000000000a' }],
    });
    const agreeing = (agreement: number) => [{ ...result('T0', 'no'), agreement }];
    expect(effectsMet(atLeastHalf, 1, agreeing(0.5)).map((met) => met.subjectSetId)).toEqual(['00000000-0000-4000-8000-00000000000a']);
    expect(effectsMet(atLeastHalf, 1, agreeing(0.49)).map((met) => met.subjectSetId)).toEqual([]);
  });

  it('say what decided each set: the first effect into it that fired, and the consensus that met it', () => {
    const twoIntoOne = workflowDefinitionSchema.parse({
      name: 'Two into one',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      effects: [
        { when: { task: 'T0', answer: 'no' }, addToSubjectSet: '00000000-0000-4000-8000-00000000000a' },
        { when: { task: 'T0', agreementAtLeast: 0.6 }, addToSubjectSet: '00000000-0000-4000-8000-00000000000a' },
        { when: { task: 'T0' }, addToSubjectSet: '00000000-0000-4000-8000-00000000000b' },
      ],
    });
    expect(effectsMet(twoIntoOne, 1, [{ ...result('T0', 'yes'), agreement: 0.75 }])).toEqual([
      { subjectSetId: '00000000-0000-4000-8000-00000000000a', decidedBy: { version: 1, when: { task: 'T0', agreementAtLeast: 0.6 }, answer: 'yes', agreement: 0.75 } },
      { subjectSetId: '00000000-0000-4000-8000-00000000000b', decidedBy: { version: 1, when: { task: 'T0' }, answer: 'yes', agreement: 0.75 } },
    ]);
    // Both effects into the set fire: the first one decided it.
    expect(effectsMet(twoIntoOne, 2, [{ ...result('T0', 'no'), agreement: 0.75 }])[0]).toEqual({
      subjectSetId: '00000000-0000-4000-8000-00000000000a',
      decidedBy: { version: 2, when: { task: 'T0', answer: 'no' }, answer: 'no', agreement: 0.75 },
    });
  });

  it('may name only an answer a multiple-choice task offers, or a word of a closed vocabulary', () => {
    const withEffect = (task: string, answer: string, extra: Record<string, unknown> = {}) => ({
      name: 'E',
      firstTask: 'M',
      tasks: { M: { type: 'multiple', question: 'Which?', answers: [{ value: 'a', label: 'A' }], next: 'G' }, G: { type: 'tagging', instruction: 'Tag it', ...extra } },
      effects: [{ when: { task, answer }, addToSubjectSet: '00000000-0000-4000-8000-00000000000a' }],
    });
    const pointers = (input: unknown) => {
      const validated = validateWorkflowDefinition(input);
      return validated.ok ? [] : validated.errors.map((error) => error.pointer);
    };
    expect(pointers(withEffect('M', 'zzz'))).toEqual(['/effects/0/when/answer']);
    expect(pointers(withEffect('M', 'a'))).toEqual([]);
    expect(pointers(withEffect('G', 'boat', { vocabulary: ['horse'], allowFreeTags: false }))).toEqual(['/effects/0/when/answer']);
    expect(pointers(withEffect('G', 'boat'))).toEqual([]);
  });
});
