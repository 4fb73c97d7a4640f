import {
  DEFAULT_POINT_TOLERANCE,
  MOST_MARKS,
  type MarkingTask,
  type WorkflowDefinition,
  annotationsReadableUnder,
  consensusValueOf,
  earlierAnswerChanges,
  flatAnswerOf,
  flatKnownAnswerOf,
  givesKnownAnswer,
  knownAnswerOf,
  matchMarks,
  overlapOf,
  sameConsensusAnswer,
  validateAnnotations,
  validateWorkflowDefinition,
  withoutNewAnswerLimits,
  workflowDefinitionSchema,
} from '../src';

const colony = {
  type: 'marking',
  instruction: 'Mark each penguin, and draw a box around each nest',
  tools: [
    { key: 'penguin', label: 'Penguin', shape: 'point', max: 3 },
    { key: 'nest', label: 'Nest', shape: 'rectangle', min: 1 },
  ],
};
const workflow = (task: object = colony): WorkflowDefinition => workflowDefinitionSchema.parse({ name: 'Colony', firstTask: 'T', tasks: { T: task } });
const definition = workflow();
const task = definition.tasks.T as MarkingTask;
const nest = { tool: 'nest', x: 10, y: 20, width: 100, height: 50 };

function errorsOf(value: unknown, under = definition) {
  const result = validateAnnotations(under, [{ task: 'T', value }]);
  return result.ok ? [] : result.errors;
}
const pointersOf = (value: unknown) => errorsOf(value).map((error) => error.pointer);

function definitionErrors(task: object, key = 'T') {
  const result = validateWorkflowDefinition({ name: 'Colony', firstTask: key, tasks: { [key]: task } });
  return result.ok ? [] : result.errors.map((error) => error.pointer);
}

describe('marking task: definition', () => {
  it('takes point and rectangle tools, min, max and a point tolerance left out when not set', () => {
    expect(definitionErrors(colony)).toEqual([]);
    expect(task.tools[0]).toEqual({ key: 'penguin', label: 'Penguin', shape: 'point', max: 3 });
    expect(DEFAULT_POINT_TOLERANCE).toBe(30);
  });

  it('names by pointer a shape it does not know, max under min, a tolerance on a rectangle, a bad key, a repeated key without case', () => {
    const tools = [
      { key: 'a', label: 'A', shape: 'circle' },
      { key: 'b', label: 'B', shape: 'point', min: 4, max: 2 },
      { key: 'c', label: 'C', shape: 'rectangle', tolerance: 10 },
      { key: '1bad', label: 'D', shape: 'point' },
      { key: 'e', label: 'E', shape: 'point', tolerance: 0 },
    ];
    expect(definitionErrors({ ...colony, tools }).sort()).toEqual(
      ['/tasks/T/tools/0/shape', '/tasks/T/tools/1/max', '/tasks/T/tools/2/tolerance', '/tasks/T/tools/3/key', '/tasks/T/tools/4/tolerance'].sort(),
    );
    expect(definitionErrors({ ...colony, tools: [...colony.tools, { key: 'Nest', label: 'Nest again', shape: 'point' }] })).toEqual(['/tasks/T/tools/2/key']);
  });

  it('refuses no tools, more than 10, and mins that together ask more marks than an answer may hold', () => {
    expect(definitionErrors({ ...colony, tools: [] })).toEqual(['/tasks/T/tools']);
    const many = Array.from({ length: 11 }, (_, index) => ({ key: `t${index}`, label: `T${index}`, shape: 'point' }));
    expect(definitionErrors({ ...colony, tools: many })).toEqual(['/tasks/T/tools']);
    const greedy = [0, 1].map((index) => ({ key: `t${index}`, label: 'T', shape: 'point', min: MOST_MARKS }));
    expect(definitionErrors({ ...colony, tools: greedy })).toEqual(['/tasks/T/tools']);
    // One min over the most an answer holds is said once, at the tool's min (not again at the list).
    expect(definitionErrors({ ...colony, tools: [{ ...colony.tools[0], min: MOST_MARKS + 1, max: undefined }] })).toEqual(['/tasks/T/tools/0/min']);
  });

  it('may not be keyed "metadata", whose download columns metadata.<tool> are the subjects\' metadata columns', () => {
    expect(definitionErrors(colony, 'Metadata')).toEqual(['/tasks/Metadata']);
  });

  it('lets no retirement rule or effect name an answer of it (a list of marks has none), and an agreement rule without one retire on it', () => {
    const named = (answer?: string) =>
      validateWorkflowDefinition({
        name: 'Colony',
        firstTask: 'T',
        tasks: { T: colony },
        retirement: { rule: 'agreement', task: 'T', threshold: 0.8, minimum: 3, maximum: 9, ...(answer === undefined ? {} : { answer }) },
        effects: [{ when: { task: 'T', ...(answer === undefined ? {} : { answer }) }, addToSubjectSet: '6f1c2a4e-0000-4000-8000-000000000001' }],
      });
    const refused = named('penguin');
    expect(refused.ok ? [] : refused.errors.map((error) => [error.pointer, error.message])).toEqual([
      ['/retirement/answer', expect.stringContaining('must be left out for task T, a marking task')],
      ['/effects/0/when/answer', expect.stringContaining('must be left out for task T, a marking task')],
    ]);
    expect(named().ok).toBe(true);
  });
});

describe('marking task: answers', () => {
  it('takes marks of the task\'s tools, fractional pixels included, and an answer of only the marks a min asks', () => {
    expect(errorsOf([{ tool: 'penguin', x: 1.5, y: 2 }, nest])).toEqual([]);
    expect(errorsOf([nest])).toEqual([]);
  });

  it('refuses a mark of a tool not in the task, or with the wrong shape\'s fields, at the mark\'s field', () => {
    expect(pointersOf([nest, { tool: 'seal', x: 1, y: 2 }])).toEqual(['/annotations/0/value/1/tool']);
    expect(errorsOf([nest, { tool: 'seal', x: 1, y: 2 }])[0]!.message).toContain('"penguin", "nest"');
    expect(pointersOf([nest, { tool: 'penguin', x: 1, y: 2, width: 3 }])).toEqual(['/annotations/0/value/1/width']);
    expect(pointersOf([{ tool: 'nest', x: 1, y: 2 }])).toEqual(expect.arrayContaining(['/annotations/0/value/0/width', '/annotations/0/value/0/height']));
    expect(pointersOf([nest, { tool: 'penguin', x: -1, y: 2 }])).toEqual(['/annotations/0/value/1/x']);
    expect(pointersOf([{ ...nest, width: 0 }])).toEqual(['/annotations/0/value/0/width']);
    expect(pointersOf([nest, { tool: 'penguin', x: 2e6, y: '2' }]).sort()).toEqual(['/annotations/0/value/1/x', '/annotations/0/value/1/y']);
    expect(pointersOf([nest, 'penguin'])).toEqual(['/annotations/0/value/1']);
    expect(pointersOf({ marks: [] })).toEqual(['/annotations/0/value']);
  });

  it('says a tool key in the wrong case is case-sensitive, and names the tool meant', () => {
    const [error] = errorsOf([nest, { tool: 'Penguin', x: 1, y: 2 }]);
    expect(error).toEqual({ pointer: '/annotations/0/value/1/tool', message: expect.stringMatching(/case-sensitive.*did you mean "penguin"/) });
  });

  it('refuses too few or too many marks of a tool at the answer, naming the tool', () => {
    const tooFew = errorsOf([]);
    expect(tooFew).toEqual([{ pointer: '/annotations/0/value', message: expect.stringContaining('"nest"') }]);
    const penguins = Array.from({ length: 4 }, (_, index) => ({ tool: 'penguin', x: index, y: index }));
    expect(errorsOf([nest, ...penguins])).toEqual([{ pointer: '/annotations/0/value', message: expect.stringMatching(/"penguin".*at most 3/) }]);
  });

  it('refuses more than MOST_MARKS marks in all', () => {
    const open = workflow({ ...colony, tools: [{ key: 'penguin', label: 'Penguin', shape: 'point' }] });
    const marks = Array.from({ length: MOST_MARKS + 1 }, (_, index) => ({ tool: 'penguin', x: index, y: 0 }));
    expect(errorsOf(marks, open).map((error) => error.pointer)).toEqual(['/annotations/0/value']);
    expect(errorsOf(marks.slice(1), open)).toEqual([]);
  });

  it('takes a consensus of the same marks in another order for the same answer, and text that is no list of marks for itself only', () => {
    const [one, two] = [{ tool: 'penguin', x: 1, y: 2 }, nest];
    expect(sameConsensusAnswer(task, JSON.stringify([one, two]), JSON.stringify([two, one]))).toBe(true);
    expect(sameConsensusAnswer(task, JSON.stringify([one, two]), JSON.stringify([one]))).toBe(false);
    expect(sameConsensusAnswer(task, JSON.stringify([one, one]), JSON.stringify([one, two]))).toBe(false);
    expect(sameConsensusAnswer(task, '[]', '{not json')).toBe(false);
    expect(sameConsensusAnswer(task, '{not json', '{not json')).toBe(true);
    // A mark's keys in another order are the same mark; text nested too deep to walk is no list of marks.
    expect(sameConsensusAnswer(task, JSON.stringify([one]), '[{"y":2,"x":1,"tool":"penguin"}]')).toBe(true);
    expect(sameConsensusAnswer(task, JSON.stringify([one]), '['.repeat(200_000) + ']'.repeat(200_000))).toBe(false);
  });

  it('writes an answer as JSON text, and reads a consensus answer back as marks ([] for none)', () => {
    const marks = [{ tool: 'penguin', x: 1, y: 2 }, nest];
    expect(consensusValueOf(task, flatAnswerOf(task, marks))).toEqual(marks);
    expect(consensusValueOf(task, '')).toEqual([]);
    expect(consensusValueOf(task, '{}')).toEqual([]);
  });
});

describe('marking task: known answers', () => {
  const known = [{ tool: 'penguin', x: 100, y: 100 }, { tool: 'penguin', x: 140, y: 100 }, nest];

  it('is given by the same marks within tolerance (points) or overlapping by half (rectangles), each matched once', () => {
    const given = [{ tool: 'penguin', x: 135, y: 104 }, { tool: 'penguin', x: 99, y: 90 }, { ...nest, x: 15, width: 100 }];
    expect(givesKnownAnswer(task, given, known)).toBe(true);
    // 125 is near both known points (100 and 140), 75 only near 100: the matching moves 125 to 140 so that both are matched.
    expect(givesKnownAnswer(task, [{ tool: 'penguin', x: 125, y: 100 }, { tool: 'penguin', x: 75, y: 100 }, nest], known)).toBe(true);
  });

  it('is not given with a mark missed, an extra one, one too far, or a rectangle overlapping by less than half', () => {
    expect(givesKnownAnswer(task, [known[0], nest], known)).toBe(false);
    expect(givesKnownAnswer(task, [...known, { tool: 'penguin', x: 400, y: 400 }], known)).toBe(false);
    expect(givesKnownAnswer(task, [known[0], { tool: 'penguin', x: 200, y: 100 }, nest], known)).toBe(false);
    expect(givesKnownAnswer(task, [known[0], known[1], { ...nest, x: 70 }], known)).toBe(false);
    // Two given points on one known point do not give two known points.
    expect(givesKnownAnswer(task, [known[0], known[0], nest], known)).toBe(false);
  });

  it('reads a known answer written as a download cell (JSON text)', () => {
    expect(knownAnswerOf(task, JSON.stringify(known))).toEqual(known);
  });

  it('pairs marks nearest first, as many as can be (one matching for known answers and whoever needs it)', () => {
    const [point] = task.tools;
    const at = (x: number) => ({ tool: 'penguin', x, y: 0 });
    // 0 is near both 8 and 2 (tolerance 30) and takes the nearer, 2; 100 is near neither.
    expect(matchMarks(point!, [at(0), at(100)], [at(8), at(2)])).toEqual([[0, 1]]);
    // 125 is near both, 75 only near 100: 125 goes to 140 so that both pair.
    expect(matchMarks(point!, [at(100), at(140)], [at(125), at(75)])).toEqual([[0, 1], [1, 0]]);
    // Nearest first where both can pair either way: 100 with 104, 140 with 136 (not 100 with 136 and 140 with 104).
    expect(matchMarks(point!, [at(140), at(100)], [at(104), at(136)])).toEqual([[0, 1], [1, 0]]);
  });

  it('writes a known answer as the consensus column writes answers: by tool, then y, then x, rounded to 0.1 px', () => {
    const written = [nest, { tool: 'penguin', x: 140.04, y: 100 }, { tool: 'penguin', x: 100, y: 100 }, { tool: 'penguin', x: 1, y: 5.26 }];
    expect(JSON.parse(flatKnownAnswerOf(task, written))).toEqual([{ tool: 'penguin', x: 1, y: 5.3 }, { tool: 'penguin', x: 100, y: 100 }, { tool: 'penguin', x: 140, y: 100 }, nest]);
  });

  it('measures overlap as intersection over union', () => {
    expect(overlapOf(nest, nest)).toBe(1);
    expect(overlapOf(nest, { ...nest, x: 60 })).toBeCloseTo(50 / 150);
    expect(overlapOf(nest, { ...nest, x: 500 })).toBe(0);
  });
});

describe('marking task: changed versions', () => {
  const given = [{ tool: 'penguin', x: 1, y: 2 }, nest];
  const readUnder = (tools: object[]) => annotationsReadableUnder(workflow({ ...colony, tools }), [{ task: 'T', value: given }], definition);

  it('reads earlier answers whole whatever min and max now are, which change no consensus', () => {
    const tools = [{ ...colony.tools[0], max: 1 }, { ...colony.tools[1], min: 2 }];
    expect(readUnder(tools)[0]!.value).toBe(given);
    expect(earlierAnswerChanges(task, workflow({ ...colony, tools }).tasks.T as MarkingTask)).toEqual([]);
    expect(withoutNewAnswerLimits(workflow({ ...colony, tools }).tasks.T)).toEqual(withoutNewAnswerLimits(task));
  });

  it('drops the marks of a tool removed or of another shape, keeping the answer', () => {
    expect(readUnder([colony.tools[1]])[0]!.value).toEqual([nest]);
    expect(readUnder([colony.tools[0], { ...colony.tools[1], shape: 'point', min: 0 }])[0]!.value).toEqual([given[0]]);
  });

  it('names each change that makes earlier answers count otherwise: a tool gone, new, of another shape, a tolerance', () => {
    const after = (tools: object[]) => earlierAnswerChanges(task, workflow({ ...colony, tools }).tasks.T as MarkingTask).map((change) => change.pointer);
    expect(after([colony.tools[1]])).toEqual(['/tools']);
    expect(after([...colony.tools, { key: 'seal', label: 'Seal', shape: 'point' }])).toEqual(['/tools/2']);
    expect(after([colony.tools[0], { ...colony.tools[1], shape: 'point' }])).toEqual(['/tools/1/shape']);
    expect(after([{ ...colony.tools[0], tolerance: 10 }, colony.tools[1]])).toEqual(['/tools/0/tolerance']);
    expect(after([{ ...colony.tools[0], tolerance: DEFAULT_POINT_TOLERANCE }, colony.tools[1]])).toEqual([]);
  });
});
