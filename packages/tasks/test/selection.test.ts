import { experienceThatMatters, goldStandardRateAt, selectionRuleSchema, validateWorkflowDefinition } from '../src';

const selection = (input: unknown) => selectionRuleSchema.parse(input);

describe('gold-standard rate', () => {
  it('stays at the configured rate without a half-life', () => {
    expect(goldStandardRateAt(selection({ goldStandardRate: 0.3 }), 0)).toBe(0.3);
    expect(goldStandardRateAt(selection({ goldStandardRate: 0.3 }), 10_000)).toBe(0.3);
  });

  it('halves every half-life of the volunteer’s experience', () => {
    const rule = selection({ goldStandardRate: 0.4, goldStandardHalfLife: 10 });
    expect(goldStandardRateAt(rule, 0)).toBeCloseTo(0.4);
    expect(goldStandardRateAt(rule, 10)).toBeCloseTo(0.2);
    expect(goldStandardRateAt(rule, 25)).toBeCloseTo(0.4 * 0.5 ** 2.5);
  });
});

describe('experience that matters to the queue', () => {
  it('is nothing for plain selection, the training length, or twenty gold half-lives', () => {
    expect(experienceThatMatters(selection({}))).toBe(0);
    expect(experienceThatMatters(selection({ goldStandardRate: 0.2 }))).toBe(0);
    expect(experienceThatMatters(selection({ training: { subjectSetId: '7f0c1a3e-5b7d-4c8e-9f10-111213141516', classifications: 5 } }))).toBe(5);
    expect(experienceThatMatters(selection({ goldStandardRate: 0.2, goldStandardHalfLife: 10, training: { subjectSetId: '7f0c1a3e-5b7d-4c8e-9f10-111213141516', classifications: 5 } }))).toBe(200);
  });
});

describe('selection in a workflow definition', () => {
  const base = { name: 'W', firstTask: 'T0', tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] } } };

  it('names a bad training set and a bad half-life by pointer', () => {
    const result = validateWorkflowDefinition({ ...base, selection: { goldStandardHalfLife: 0, training: { subjectSetId: 'nope', classifications: 3 } } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.pointer).sort()).toEqual(['/selection/goldStandardHalfLife', '/selection/training/subjectSetId']);
  });

  it('refuses set weights for an order that does not draw at random, naming the field', () => {
    const weights = { '7f0c1a3e-5b7d-4c8e-9f10-111213141516': 2 };
    const result = validateWorkflowDefinition({ ...base, selection: { order: 'priority', setWeights: weights } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([expect.objectContaining({ pointer: '/selection/setWeights', message: expect.stringContaining('random order only') })]);
    expect(validateWorkflowDefinition({ ...base, selection: { order: 'random', setWeights: weights } }).ok).toBe(true);
  });

  it('refuses a set weight of 0, saying that a set is weighed 0 by leaving it out', () => {
    const result = validateWorkflowDefinition({ ...base, selection: { order: 'random', setWeights: { '7f0c1a3e-5b7d-4c8e-9f10-111213141516': 0 } } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { pointer: '/selection/setWeights/7f0c1a3e-5b7d-4c8e-9f10-111213141516', message: expect.stringMatching(/^must be more than 0; to weigh a set 0, leave it out/) },
    ]);
  });

  it('takes volunteersChooseSubjectSet as true or false, and names it when it is anything else', () => {
    const chosen = validateWorkflowDefinition({ ...base, selection: { order: 'sequential', volunteersChooseSubjectSet: true } });
    expect(chosen.ok && chosen.value.selection).toEqual({ order: 'sequential', goldStandardRate: 0, volunteersChooseSubjectSet: true });
    const result = validateWorkflowDefinition({ ...base, selection: { volunteersChooseSubjectSet: 'yes' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([{ pointer: '/selection/volunteersChooseSubjectSet', message: expect.stringMatching(/must be true \(volunteers may choose a subject set to work on\) or false/) }]);
  });

  it('leaves the new options absent when not given, so stored definitions do not change', () => {
    const result = validateWorkflowDefinition(base);
    expect(result.ok && result.value.selection).toEqual({ order: 'random', goldStandardRate: 0 });
  });
});
