import { taskTypes } from '@chorus/tasks';
import en from '../src/i18n/en.json';
import { definitionOf, draftOf, freeKey, keyProblems, leadsTo, renamed, tasksInFlowOrder, typedValue, withField, withNewTask } from '../src/lib/definitionDraft';
import { hintKeyAt } from '../src/lib/definitionHints';
import { DEFINITION, type Field, fieldPointerFor, fieldsOf, notShown, placeMessages, switchKind, TASK } from '../src/lib/definitionSchema';

/** The lab's definition form: how it reads the schemas, where it shows the API's messages, and its drafts. */

const BRANCHING = {
  name: 'Ad or not?',
  firstTask: 'T0',
  tasks: {
    T0: { type: 'single', question: 'Advertisement?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
    T1: { type: 'transcription', instruction: 'Copy the price', textTags: ['unclear'] },
  },
  retirement: { rule: 'any', rules: [{ rule: 'count', count: 10 }, { rule: 'agreement', task: 'T0', minimum: 3, threshold: 0.8, maximum: 9 }] },
  selection: { order: 'random', goldStandardRate: 0, setWeights: { '0b5a4a8e-3f1c-4a57-9d43-2f0e7c1d9a11': 2 } },
  effects: [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: '0b5a4a8e-3f1c-4a57-9d43-2f0e7c1d9a11' }],
};

const union = (field: Field) => (field.kind.kind === 'union' ? field.kind : undefined);
const texts = en.lab.definitionForm;

/** Every field of the definition's schemas, by name, with what the form makes of it. */
function everyField(field: Field = DEFINITION, seen = new Set<Field['kind']>()): [string, Field][] {
  if (seen.has(field.kind)) return [];
  seen.add(field.kind);
  const { kind } = field;
  const inner: Field[] = kind.kind === 'items' ? [kind.item] : kind.kind === 'tasks' ? [kind.task] : [];
  const named: [string, Field][] =
    kind.kind === 'union'
      ? [...kind.options.keys()].flatMap((option) => fieldsOf(field, { [kind.discriminator]: option }))
      : kind.kind === 'group'
        ? fieldsOf(field, {})
        : [];
  return [...named, ...named.flatMap(([, each]) => everyField(each, seen)), ...inner.flatMap((each) => everyField(each, seen))];
}

describe('the definition form reads the schemas', () => {
  it('offers every task type of the registry, every retirement rule, and each field as its schema says', () => {
    expect([...union(TASK)!.options.keys()]).toEqual(Object.keys(taskTypes));
    const fields = new Map(fieldsOf(DEFINITION, {}));
    expect([...union(fields.get('retirement')!)!.options.keys()]).toEqual(['count', 'agreement', 'posterior', 'any']);
    const single = new Map(fieldsOf(TASK, { type: 'single' }));
    expect([single.get('question')!.kind, single.get('help')!.kind, single.get('next')!.kind]).toEqual([{ kind: 'text', long: false }, { kind: 'text', long: true }, { kind: 'absent' }]);
    expect(single.get('answers')!.kind.kind).toBe('items');
    // Which of the subject's locations a task opens on, a number any task may leave empty.
    expect(new Map(fieldsOf(TASK, { type: 'transcription' })).get('showLocation')).toMatchObject({ kind: { kind: 'number' }, optional: true });
    const selection = new Map(fieldsOf(fields.get('selection')!, {}));
    expect(selection.get('order')).toEqual({ kind: { kind: 'choice', options: ['random', 'priority', 'sequential'] }, optional: true, fallback: 'random' });
    expect([selection.get('setWeights')!.kind.kind, selection.get('training')!.kind.kind, selection.get('training')!.optional]).toEqual(['weights', 'group', true]);
    expect(fields.get('firstTask')!.kind.kind).toBe('taskKey');
    const effects = fields.get('effects')!.kind;
    const effect = new Map(effects.kind === 'items' ? fieldsOf(effects.item, {}) : []);
    expect([effect.get('when')!.kind.kind, effect.get('addToSubjectSet')!.kind.kind]).toEqual(['group', 'subjectSet']);
  });

  it('has words for every field, list, choice and kind the schemas have', () => {
    const fields = everyField();
    expect(fields.length).toBeGreaterThan(40);
    expect(fields.filter(([name]) => !(name in texts.fields)).map(([name]) => name)).toEqual([]);
    expect(fields.filter(([name, field]) => field.kind.kind === 'items' && !(name in texts.items)).map(([name]) => name)).toEqual([]);
    const options = texts.options as Record<string, Record<string, string>>;
    const choices = fields.flatMap(([name, field]) => {
      const { kind } = field;
      if (kind.kind === 'choice') return kind.options.map((option) => [name, option]);
      if (kind.kind === 'union') return [...kind.options.keys()].map((option) => [kind.discriminator, option]);
      return [];
    });
    expect(choices.filter(([name, option]) => !options[name!]?.[option!])).toEqual([]);
  });

  it('shows every valid definition, and says what it cannot show', () => {
    expect(notShown(BRANCHING)).toBeUndefined();
    expect(notShown({ name: 'Only a name' })).toBeUndefined();
    expect(notShown([])).toEqual({ pointer: '', why: 'notObject' });
    expect(notShown({ ...BRANCHING, tasks: { T0: { ...BRANCHING.tasks.T0, questoin: 'typo' } } })).toEqual({ pointer: '/tasks/T0/questoin', why: 'unknownField' });
    expect(notShown({ ...BRANCHING, tasks: { T0: { ...BRANCHING.tasks.T0, next: 'T1' } } })).toEqual({ pointer: '/tasks/T0/next', why: 'leftOut' });
    expect(notShown({ ...BRANCHING, tasks: { T0: { type: 'drawing' } } })).toEqual({ pointer: '/tasks/T0/type', why: 'unknownKind' });
    expect(notShown({ ...BRANCHING, retirement: { rule: 'count', count: true } })).toEqual({ pointer: '/retirement/count', why: 'wrongType' });
    // A number typed that is none is the researcher's text, kept for the API to judge.
    expect(notShown({ ...BRANCHING, retirement: { rule: 'count', count: '5x' } })).toBeUndefined();
  });

  it("places the API's messages at the fields their pointers name, or the nearest above, else nowhere", () => {
    const at = (pointer: string) => fieldPointerFor(pointer, BRANCHING);
    expect(at('/tasks/T0/answers/0/next')).toBe('/tasks/T0/answers/0/next');
    expect(at('/tasks/T0/answers')).toBe('/tasks/T0/answers');
    expect(at('/tasks/T0')).toBe('/tasks/T0');
    expect(at('/tasks/T1/textTags/0')).toBe('/tasks/T1/textTags');
    expect(at('/tasks')).toBe('/tasks');
    expect(at('/retirement/rules/1/task')).toBe('/retirement/rules/1/task');
    expect(at('/retirement/rules/1/maximum')).toBe('/retirement/rules/1/maximum');
    expect(at('/selection/setWeights/0b5a4a8e-3f1c-4a57-9d43-2f0e7c1d9a11')).toBe('/selection/setWeights/0b5a4a8e-3f1c-4a57-9d43-2f0e7c1d9a11');
    expect(at('/effects/0/when/answer')).toBe('/effects/0/when/answer');
    expect([at('/selection/setWeights'), at('/tutorial'), at(''), at('/nothing')]).toEqual([undefined, '/tutorial', undefined, undefined]);
    expect(placeMessages([{ pointer: '/tasks/T1/textTags/0', message: 'bad' }, { pointer: '/selection/setWeights', message: 'random only' }], BRANCHING)).toEqual({
      at: new Map([['/tasks/T1/textTags', [{ within: '0', message: 'bad' }]]]),
      elsewhere: [{ pointer: '/selection/setWeights', message: 'random only' }],
    });
  });

  it('gives each field the hint of its place: an effect’s answer is not a posterior rule’s; a threshold says what its task’s agreement counts', () => {
    const hints = texts.hints as Record<string, Record<string, string>>;
    const hint = (pointer: string, definition: unknown = BRANCHING) => {
      const { context, name } = hintKeyAt(pointer, definition);
      return hints[context]?.[name];
    };
    expect(hint('/effects/0/when/answer')).toBe(texts.hints.effect.answer);
    expect(hint('/retirement/answer', { ...BRANCHING, retirement: { rule: 'posterior', task: 'T0', answer: 'yes', maximum: 9 } })).toBe(texts.hints.posteriorRule.answer);
    expect(texts.hints.effect.answer).not.toBe(texts.hints.posteriorRule.answer);
    expect(hint('/retirement/rules/0/answer', { ...BRANCHING, retirement: { rule: 'any', rules: [{ rule: 'agreement', task: 'T0', answer: 'no' }] } })).toBe(texts.hints.agreementRule.answer);
    expect(texts.hints.agreementRule.answer).not.toBe(texts.hints.posteriorRule.answer);

    // BRANCHING's agreement rule is on T0, a single choice; on T1, a transcription, agreement counts another thing.
    expect(hint('/retirement/rules/1/threshold')).toBe(texts.hints.agreement.single);
    const onTranscription = {
      ...BRANCHING,
      retirement: { rule: 'agreement', task: 'T1', minimum: 3, threshold: 0.8, maximum: 9 },
      effects: [{ when: { task: 'T1', agreementAtLeast: 0.9 }, addToSubjectSet: '0b5a4a8e-3f1c-4a57-9d43-2f0e7c1d9a11' }],
    };
    expect(hint('/retirement/threshold', onTranscription)).toBe(texts.hints.agreement.transcription);
    expect(hint('/effects/0/when/agreementAtLeast', onTranscription)).toBe(texts.hints.agreement.transcription);
    expect(hint('/retirement/threshold', { ...onTranscription, retirement: { rule: 'agreement', task: 'gone' } })).toBe(texts.hints.agreement.anyTask);
    expect(Object.keys(taskTypes).filter((type) => !(type in texts.hints.agreement))).toEqual([]);

    // A fields task's field has its own words: its help is a line under the field, not the task's markdown.
    const cards = { ...BRANCHING, tasks: { F: { type: 'fields', instruction: 'Copy', fields: [{ key: 'surname', label: 'Surname', kind: 'text' }] } } };
    expect([hint('/tasks/F/fields/0/help', cards), hint('/tasks/F/help', cards)]).toEqual([texts.hints.formField.help, texts.hints.task.help]);
    // A marking task's tool has its own: its min and max count its own marks, its key names a download's column.
    const penguins = { ...BRANCHING, tasks: { M: { type: 'marking', instruction: 'Mark', tools: [{ key: 'penguin', label: 'Penguin', shape: 'point' }] } } };
    expect(['min', 'max', 'key', 'shape', 'tolerance'].map((name) => hint(`/tasks/M/tools/0/${name}`, penguins))).toEqual([
      texts.hints.markingTool.min,
      texts.hints.markingTool.max,
      texts.hints.markingTool.key,
      texts.hints.markingTool.shape,
      texts.hints.markingTool.tolerance,
    ]);

    expect([hint('/name'), hint('/tasks'), hint('/tasks/T1/textTags'), hint('/retirement/rules'), hint('/selection/training'), hint('/effects/0/when'), hint('/tasks/T0/question')]).toEqual([
      texts.hints.definition.name,
      texts.hints.definition.tasks,
      texts.hints.task.textTags,
      texts.hints.anyRule.rules,
      texts.hints.selection.training,
      texts.hints.effect.when,
      undefined,
    ]);
  });

  it('turns a thing into another kind, keeping what both kinds have', () => {
    const multiple = switchKind(TASK, BRANCHING.tasks.T0, 'multiple');
    expect(multiple).toEqual({ type: 'multiple', question: 'Advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] });
    expect(switchKind(TASK, multiple, 'transcription')).toEqual({ type: 'transcription' });
    const rule = new Map(fieldsOf(DEFINITION, {})).get('retirement')!;
    expect(switchKind(rule, { rule: 'agreement', task: 'T0', minimum: 3, threshold: 0.8, maximum: 9 }, 'posterior')).toEqual({ rule: 'posterior', task: 'T0', maximum: 9 });
  });
});

describe('a draft of the definition form', () => {
  it('keeps the tasks in their place among the fields, so an untouched draft reads the same', () => {
    const draft = draftOf(BRANCHING);
    expect(draft.tasks.map((row) => row.key)).toEqual(['T0', 'T1']);
    expect(JSON.stringify(definitionOf(draft))).toBe(JSON.stringify(BRANCHING));
  });

  it('lists the tasks in the order volunteers meet them, not in the order Postgres keeps their keys', () => {
    const single = (...next: string[]) => ({ type: 'single', question: 'q', answers: next.map((to, i) => ({ value: `a${i}`, label: 'A', next: to })) });
    // As a jsonb column gives them back: shortest key first, then alphabetical.
    const tasks = { why: { type: 'transcription', instruction: 'Why?' }, kind: single('price', 'why'), lost: { type: 'transcription', instruction: 'Unreached' }, price: { type: 'transcription', instruction: 'Price', next: 'why' }, question: single('kind') };
    expect(draftOf({ firstTask: 'question', tasks }).tasks.map((row) => row.key)).toEqual(['question', 'kind', 'price', 'why', 'lost']);
    expect(tasksInFlowOrder(tasks, 'gone')).toEqual(['why', 'kind', 'price', 'lost', 'question']);
  });

  it('tells which tasks lead to a task, which its next may not name (a loop)', () => {
    const single = (...next: string[]) => ({ type: 'single', question: 'q', answers: next.map((to, i) => ({ value: `a${i}`, label: 'A', next: to })) });
    const tasks = { question: single('kind'), kind: single('price', 'why'), price: { type: 'transcription', instruction: 'Price', next: 'why' }, why: { type: 'transcription', instruction: 'Why?' }, lost: { type: 'transcription', instruction: 'Unreached' } };
    const leadingTo = (to: string) => Object.keys(tasks).filter((from) => leadsTo(tasks, from, to));
    expect(leadingTo('price')).toEqual(['question', 'kind', 'price']);
    expect(leadingTo('why')).toEqual(['question', 'kind', 'price', 'why']);
    expect(leadingTo('question')).toEqual(['question']);
    expect(leadsTo(tasks, 'gone', 'why')).toBe(false);
  });

  it('says which keys no JSON object could hold, and renames a task with every reference to it', () => {
    const draft = draftOf(BRANCHING);
    expect(keyProblems(renamed(draft, 1, ''))).toEqual(new Map([[draft.tasks[1]!.id, 'empty']]));
    const twice = renamed(draft, 1, 'T0');
    expect(keyProblems(twice)).toEqual(new Map([[draft.tasks[0]!.id, 'repeated'], [draft.tasks[1]!.id, 'repeated']]));

    // T0 becomes Q, by way of an empty key: the first task, the rule's task and the effect's follow it.
    const q = definitionOf(renamed(renamed(draft, 0, ''), 0, 'Q'));
    expect([q.firstTask, Object.keys(q.tasks as object), (q.retirement as typeof BRANCHING.retirement).rules[1], (q.effects as typeof BRANCHING.effects)[0]!.when.task]).toEqual([
      'Q',
      ['Q', 'T1'],
      { rule: 'agreement', task: 'Q', minimum: 3, threshold: 0.8, maximum: 9 },
      'Q',
    ]);
    // T1, for a moment the key of T0 too, leaves T0's references alone; its own follow it on.
    const back = definitionOf(renamed(renamed(draft, 1, 'T0'), 1, 'T2'));
    expect([back.firstTask, (back.tasks as Record<string, typeof BRANCHING.tasks.T0>).T0!.answers[0]!.next]).toEqual(['T0', 'T2']);
  });

  it('adds a task under a key no task has', () => {
    const draft = draftOf(BRANCHING);
    expect(freeKey(draft)).toBe('T2');
    const added = withNewTask(draft, { type: 'tagging' });
    expect(definitionOf(added).tasks).toMatchObject({ T2: { type: 'tagging' } });
    expect(freeKey(renamed(added, 1, 'T3'))).toBe('T4'); // from the number of tasks up: T2 and T3 are taken
  });

  it('reads what is typed in a control as the schema takes it', () => {
    const number: Field = { kind: { kind: 'number' }, optional: false };
    expect([typedValue(number, '0.80'), typedValue(number, ' 5 '), typedValue(number, '0.'), typedValue(number, ''), typedValue(number, 'five')]).toEqual([0.8, 5, 0, undefined, 'five']);
    // a decimal comma, as the German and French hints write thresholds ("Über 0,5"); one beside a point is no number
    expect([typedValue(number, '0,6'), typedValue(number, ' 0,5 '), typedValue(number, '1,000.5'), typedValue(number, '0,6,1')]).toEqual([0.6, 0.5, '1,000.5', '0,6,1']);
    const tags: Field = { kind: { kind: 'lines' }, optional: true, fallback: ['unclear'] };
    expect([typedValue(tags, 'unclear\ndeletion'), typedValue(tags, 'unclear\n'), typedValue(tags, '')]).toEqual([['unclear', 'deletion'], ['unclear', ''], []]);
    const help: Field = { kind: { kind: 'text', long: true }, optional: true };
    const question: Field = { kind: { kind: 'text', long: false }, optional: false };
    expect([typedValue(help, ''), typedValue(question, '')]).toEqual([undefined, '']);
    expect(Object.keys(withField({ a: 1, b: 2, c: 3 }, 'b', 9))).toEqual(['a', 'b', 'c']);
    expect(withField({ a: 1, b: 2 }, 'a', undefined)).toEqual({ b: 2 });
  });
});
