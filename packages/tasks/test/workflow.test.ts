import { type TaggingTask, type TranscriptionTask, definitionWarnings, leftAsStarted, mostTasksPerSubject, parseNewAnswer, proposedTagsShown, startingText, textDirection, validateWorkflowDefinition, workflowDefinitionSchema } from '../src';

const yesNo = (next?: string) => ({
  type: 'single',
  question: 'Is it an advertisement?',
  answers: [
    { value: 'yes', label: 'Yes', ...(next ? { next } : {}) },
    { value: 'no', label: 'No' },
  ],
});

const closeReading = (next?: string) => ({
  type: 'close-reading',
  question: 'In what sense?',
  senses: [{ value: 'vehicle', label: 'A vehicle' }, { value: 'person', label: 'A person' }],
  allowUnsure: true,
  ...(next ? { next } : {}),
});

function pointersOf(input: unknown): string[] {
  const result = validateWorkflowDefinition(input);
  return result.ok ? [] : result.errors.map((error) => error.pointer);
}

describe('workflow definition', () => {
  it('accepts the DESIGN.md example and fills defaults', () => {
    const result = validateWorkflowDefinition({ name: 'Ad or not?', firstTask: 'T0', tasks: { T0: yesNo('T1'), T1: closeReading() } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.retirement).toEqual({ rule: 'count', count: 5 });
    expect(result.value.selection).toEqual({ order: 'random', goldStandardRate: 0 });
    expect(result.value.tasks.T1).toMatchObject({ evidence: 'none', allowUnsure: true });
  });

  it('accepts every task type', () => {
    const tasks = {
      A: { ...yesNo('B') },
      B: { type: 'multiple', question: 'Which?', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }], maxChoices: 2, next: 'C' },
      C: { type: 'transcription', instruction: 'Type the line', next: 'D' },
      D: { ...closeReading('E') },
      E: { type: 'tagging', instruction: 'Tag it', vocabulary: ['horse', 'cart'] },
    };
    expect(pointersOf({ name: 'All', firstTask: 'A', tasks })).toEqual([]);
  });

  it('names an unknown next by the pointer of the answer', () => {
    expect(pointersOf({ name: 'x', firstTask: 'T0', tasks: { T0: yesNo('T9') } })).toEqual(['/tasks/T0/answers/0/next']);
  });

  it('takes a transcription’s special characters, each once (as composed), without spaces', () => {
    const transcribe = (specialCharacters: string[]) => ({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Type', specialCharacters } } });
    expect(pointersOf(transcribe(['ſ', 'æ', '℔', 'ꝑ']))).toEqual([]);
    expect(pointersOf(transcribe(['ſ', 'a b', 'e\u0301', '\u00e9']))).toEqual(['/tasks/T0/specialCharacters/1', '/tasks/T0/specialCharacters/3']);
  });

  it('lets a transcription start from the subject’s text, and from nothing else; left out, the editor starts empty', () => {
    const correct = (startFrom?: unknown) => ({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Correct the text', ...(startFrom === undefined ? {} : { startFrom }) } } });
    expect(pointersOf(correct('subject-text'))).toEqual([]);
    const refused = validateWorkflowDefinition(correct('ocr'));
    expect(refused.ok ? [] : refused.errors).toEqual([{ pointer: '/tasks/T0/startFrom', message: expect.stringContaining('must be "subject-text"') }]);
    // Absent, not a default: a version stored before the option re-submitted as it was is the same version.
    const parsed = validateWorkflowDefinition(correct());
    expect(parsed.ok && Object.hasOwn(parsed.value.tasks.T0!, 'startFrom')).toBe(false);
  });

  it('starts a correction from the subject’s first text location, lines as answers write them; an empty editor without one', () => {
    const task = (startFrom?: 'subject-text') => workflowDefinitionSchema.parse({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Correct', startFrom } } }).tasks.T0 as TranscriptionTask;
    const page = [{ type: 'image' as const, url: 'https://example.org/page.jpg' }, { type: 'text' as const, text: 'Tbe ship\r\nsai\u0301led' }, { type: 'text' as const, text: 'other' }];
    expect(startingText(task('subject-text'), page)).toBe('Tbe ship\nsa\u00edled');
    expect(startingText(task(), page)).toBeUndefined();
    expect(startingText(task('subject-text'), [page[0]!])).toBeUndefined();
    // Left as it was, composed or not, it is the starting text; changed, or without one, it is not.
    expect([leftAsStarted(task('subject-text'), page, 'Tbe ship\nsai\u0301led'), leftAsStarted(task('subject-text'), page, 'The ship\nsa\u00edled'), leftAsStarted(task(), page, 'other')]).toEqual([true, false, false]);
  });

  it('holds a correction changed by a space or a line break alone to the limits of a new answer, as it is not left as it started', () => {
    const text = 'Struck [deletion] out\nby the clerk';
    const task = workflowDefinitionSchema.parse({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Correct', startFrom: 'subject-text', maxLength: 20 } } }).tasks.T0 as TranscriptionTask;
    const page = [{ type: 'text' as const, text }];
    const answers = [text, `${text} `, text.replace('\n', ' '), text.replace('out', 'out ')];
    // One rule: the classifier's Unchanged is what the answer's validity takes whatever the limits.
    expect(answers.map((answer) => [leftAsStarted(task, page, answer), parseNewAnswer(task, answer, { locations: page }).success])).toEqual([
      [true, true],
      [false, false],
      [false, false],
      [false, false],
    ]);
  });

  it('says plainly which fields are missing', () => {
    const result = validateWorkflowDefinition({ firstTask: 'T0', tasks: { T0: { type: 'single', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] } } });
    expect(result.ok ? [] : result.errors).toEqual([
      { pointer: '/name', message: 'is required: send a string' },
      { pointer: '/tasks/T0/question', message: 'is required: send a string' },
    ]);
  });

  it('names references to no task beside the other invalid fields, so that one round of fixes is enough', () => {
    const invalidTask = { type: 'single', answers: [{ value: 'a', label: 'A' }] };
    const result = validateWorkflowDefinition({ name: '', firstTask: 'T5', tasks: { T0: yesNo('T9'), T1: { ...closeReading('T8'), senses: [] }, T2: invalidTask } });
    expect(result.ok ? [] : result.errors.map((error) => error.pointer)).toEqual([
      '/name',
      '/tasks/T1/senses',
      '/tasks/T2/question',
      '/tasks/T2/answers',
      '/firstTask',
      '/tasks/T0/answers/0/next',
      '/tasks/T1/next',
    ]);
    // An invalid task's own next is named too, but not where its way there is no list (the schema names that).
    expect(pointersOf({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'single', question: '', answers: [{ value: 'a', label: 'A', next: 'T7' }, { value: 'b', label: 'B' }] } } })).toEqual([
      '/tasks/T0/question',
      '/tasks/T0/answers/0/next',
    ]);
    expect(pointersOf({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'single', question: 'Q', answers: 3 } } })).toEqual(['/tasks/T0/answers']);
    // A next naming a task that is there but invalid is not a reference error.
    expect(pointersOf({ name: 'x', firstTask: 'T0', tasks: { T0: yesNo('T2'), T2: invalidTask } })).toEqual(['/tasks/T2/question', '/tasks/T2/answers']);
  });

  it('names an unknown firstTask', () => {
    expect(pointersOf({ name: 'x', firstTask: 'T5', tasks: { T0: yesNo() } })).toEqual(['/firstTask']);
  });

  it('refuses cycles', () => {
    const result = validateWorkflowDefinition({ name: 'x', firstTask: 'T0', tasks: { T0: yesNo('T1'), T1: closeReading('T0') } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]!.pointer).toBe('/tasks/T1/next'); // the field that closes the loop
    expect(result.errors[0]!.message).toContain('T0 → T1 → T0');
    const throughAnAnswer = validateWorkflowDefinition({ name: 'x', firstTask: 'T0', tasks: { T0: yesNo('T1'), T1: yesNo('T0') } });
    expect(throughAnAnswer.ok ? [] : throughAnAnswer.errors.map((error) => error.pointer)).toEqual(['/tasks/T1/answers/0/next']);
  });

  it('refuses more than 100 tasks, naming the fix, and checks a chain of 100 (the graph checks recurse once a task)', () => {
    const chain = (length: number) => ({
      name: 'x',
      firstTask: 'T0',
      tasks: Object.fromEntries(Array.from({ length }, (_, i) => [`T${i}`, { type: 'transcription', instruction: 'Type it', ...(i + 1 < length ? { next: `T${i + 1}` } : {}) }])),
    });
    expect(validateWorkflowDefinition(chain(100)).ok).toBe(true);
    const refused = validateWorkflowDefinition(chain(12_000));
    expect(refused.ok ? [] : refused.errors).toEqual([{ pointer: '/tasks', message: expect.stringContaining('at most 100 tasks; split it') }]);
  });

  it('counts the most tasks one subject can take along its longest branch, not all the tasks', () => {
    const transcribe = (next?: string) => ({ type: 'transcription', instruction: 'Type it', ...(next ? { next } : {}) });
    // yes → T1 → T3; no → T2: at most three tasks of four.
    const branching = { name: 'x', firstTask: 'T0', tasks: { T0: { ...yesNo('T1'), answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No', next: 'T2' }] }, T1: closeReading('T3'), T2: transcribe(), T3: transcribe() } };
    expect(mostTasksPerSubject(workflowDefinitionSchema.parse(branching))).toBe(3);
    expect(mostTasksPerSubject(workflowDefinitionSchema.parse({ name: 'x', firstTask: 'T0', tasks: { T0: yesNo() } }))).toBe(1);
  });

  it('refuses unreachable tasks', () => {
    expect(pointersOf({ name: 'x', firstTask: 'T0', tasks: { T0: yesNo(), T1: closeReading() } })).toEqual(['/tasks/T1']);
  });

  it('refuses two task keys that differ only in case, whose download columns would clash', () => {
    const result = validateWorkflowDefinition({ name: 'x', firstTask: 'T0', tasks: { T0: yesNo('t0'), t0: closeReading() } });
    expect(result.ok ? [] : result.errors).toEqual([{ pointer: '/tasks/t0', message: 'differs from task "T0" only in case: the downloads\' columns would clash; give it another key' }]);
  });

  it('refuses two task keys that would make the same download column, one overwriting the other', () => {
    // Task A's known answer and task A_known's answer would both be the column A_known_answer (in any case).
    const result = validateWorkflowDefinition({ name: 'x', firstTask: 'A', tasks: { A: yesNo('A_KNOWN'), A_KNOWN: yesNo() } });
    expect(result.ok ? [] : result.errors).toEqual([
      { pointer: '/tasks/A_KNOWN', message: 'would make the downloads\' column "A_KNOWN_answer", which task "A" makes too (one would overwrite the other); give it another key' },
    ]);
    expect(validateWorkflowDefinition({ name: 'x', firstTask: 'A', tasks: { A: yesNo('A_known_2'), A_known_2: yesNo() } }).ok).toBe(true);
    // Task A's review answer (after every task's columns) and task A_reviewed's answer: both A_reviewed_answer.
    const reviewed = validateWorkflowDefinition({ name: 'x', firstTask: 'A', tasks: { A: yesNo('A_reviewed'), A_reviewed: yesNo() } });
    expect(reviewed.ok ? [] : reviewed.errors).toEqual([
      { pointer: '/tasks/A_reviewed', message: 'would make the downloads\' column "A_reviewed_answer", which task "A" makes too (one would overwrite the other); give it another key' },
    ]);
  });

  it('refuses an unknown task type with the pointer of its type', () => {
    expect(pointersOf({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'drawing', question: 'Draw' } } })).toEqual(['/tasks/T0/type']);
  });

  it('refuses duplicate answer values and unknown fields', () => {
    const duplicate = { ...yesNo(), answers: [{ value: 'yes', label: 'Yes' }, { value: 'yes', label: 'Also yes' }] };
    expect(pointersOf({ name: 'x', firstTask: 'T0', tasks: { T0: duplicate } })).toEqual(['/tasks/T0/answers/1/value']);
    expect(pointersOf({ name: 'x', firstTask: 'T0', tasks: { T0: yesNo() }, colour: 'red' })).toEqual(['/colour']);
  });

  it('says how to branch a single-choice task, and that a tagging task without free tags needs its vocabulary', () => {
    const result = validateWorkflowDefinition({
      name: 'W',
      firstTask: 'T0',
      tasks: { T0: { ...yesNo(), next: 'T1' }, T1: { type: 'tagging', instruction: 'Tag it', allowFreeTags: false } },
    });
    expect(result.ok ? [] : result.errors).toEqual([
      { pointer: '/tasks/T0/next', message: expect.stringContaining('give "next" on each answer that leads on') },
      { pointer: '/tasks/T1/vocabulary', message: expect.stringMatching(/^is needed when allowFreeTags is false/) },
    ]);
    expect(pointersOf({ name: 'W', firstTask: 'T0', tasks: { T0: { type: 'tagging', instruction: 'Tag it', allowFreeTags: false, vocabulary: ['horse'] } } })).toEqual([]);
    // A vocabulary names each tag once, as consensus counts tags.
    const vocabulary = ['London', 'Paris', 'london ', 'Caf\u00e9', 'cafe\u0301'];
    expect(pointersOf({ name: 'W', firstTask: 'T0', tasks: { T0: { type: 'tagging', instruction: 'Tag it', vocabulary } } })).toEqual(['/tasks/T0/vocabulary/2', '/tasks/T0/vocabulary/4']);
  });

  it('reads a tagging task without proposedTags as showing others’ tags with their votes, as before the option, and adds nothing to it', () => {
    const tagging = (fields: object = {}) => validateWorkflowDefinition({ name: 'W', firstTask: 'T0', tasks: { T0: { type: 'tagging', instruction: 'Tag it', ...fields } } });
    const stored = tagging();
    if (!stored.ok) throw new Error('a plain tagging task is valid');
    const task = stored.value.tasks.T0 as TaggingTask;
    // Nothing filled in: a version stored before the option stays equal to its re-submission.
    expect('proposedTags' in task).toBe(false);
    expect(proposedTagsShown(task)).toBe('with-votes');
    const independent = tagging({ proposedTags: 'after-own-tags' });
    expect(independent.ok && proposedTagsShown(independent.value.tasks.T0 as TaggingTask)).toBe('after-own-tags');
    expect(pointersOf({ name: 'W', firstTask: 'T0', tasks: { T0: { type: 'tagging', instruction: 'Tag it', proposedTags: 'never' } } })).toEqual(['/tasks/T0/proposedTags']);
  });

  it('takes which of the subject’s locations a task opens on, from 1, and refuses a number no subject can have, saying why', () => {
    const opensOn = (fields: object) => validateWorkflowDefinition({ name: 'W', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Transcribe the back', ...fields } } });
    const back = opensOn({ showLocation: 2 });
    expect(back.ok && back.value.tasks.T0!.showLocation).toBe(2);
    // Nothing filled in without it: a version stored before the option stays equal to its re-submission.
    const plain = opensOn({});
    expect(plain.ok && 'showLocation' in plain.value.tasks.T0!).toBe(false);
    const refused = (value: unknown) => {
      const result = opensOn({ showLocation: value });
      return result.ok ? [] : result.errors;
    };
    expect(refused(0)).toEqual([{ pointer: '/tasks/T0/showLocation', message: expect.stringMatching(/^must be at least 1: a subject's locations are counted from 1 in the order they were uploaded/) }]);
    expect(refused(51)).toEqual([{ pointer: '/tasks/T0/showLocation', message: 'must be at most 50, the most locations a subject may have' }]);
    expect(refused(1.5)).toEqual([{ pointer: '/tasks/T0/showLocation', message: 'must be a whole number' }]);
    expect(refused('2')).toEqual([{ pointer: '/tasks/T0/showLocation', message: 'must be a number, not a string' }]);
    // Every task type has it.
    expect(pointersOf({ name: 'W', firstTask: 'T0', tasks: { T0: { ...yesNo(), showLocation: 3 } } })).toEqual([]);
  });

  it('takes the language of a task’s material as a language tag, refusing anything else at /tasks/<key>/language', () => {
    const inLanguage = (language: unknown) => validateWorkflowDefinition({ name: 'W', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Transcribe the letter', language } } });
    for (const tag of ['he', 'ar-EG', 'th', 'sr-Latn', 'yi']) expect(inLanguage(tag).ok).toBe(true);
    const stored = inLanguage('he');
    expect(stored.ok && stored.value.tasks.T0!.language).toBe('he');
    const plain = validateWorkflowDefinition({ name: 'W', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Transcribe' } } });
    expect(plain.ok && 'language' in plain.value.tasks.T0!).toBe(false);
    // Its form, not a registry: "hebrew" has a language subtag's form, "he_IL" and "עברית" do not.
    for (const wrong of ['he_IL', '', 'עברית', 'en-', 'he IL']) {
      const result = inLanguage(wrong);
      expect(result.ok ? [] : result.errors).toEqual([{ pointer: '/tasks/T0/language', message: expect.stringMatching(/^must be a language tag \(BCP 47\), such as "he" for Hebrew/) }]);
    }
    expect(pointersOf({ name: 'W', firstTask: 'T0', tasks: { T0: { ...yesNo(), language: 'ar' } } })).toEqual([]);
  });

  it('tells the direction a language is written in, from its likely script where the runtime gives no text info', () => {
    for (const tag of ['he', 'ar', 'fa', 'ur', 'yi', 'ar-EG', 'dv']) expect([tag, textDirection(tag)]).toEqual([tag, 'rtl']);
    for (const tag of ['th', 'en', 'fr', 'sr-Latn', 'ja', 'az-Latn']) expect([tag, textDirection(tag)]).toEqual([tag, 'ltr']);
    // Azerbaijani in Arabic letters (as in Iran) goes right to left, in Latin letters left to right.
    expect(textDirection('az-Arab')).toBe('rtl');
    const withoutTextInfo = jest.spyOn(Intl.Locale.prototype, 'textInfo', 'get').mockReturnValue(undefined as never);
    try {
      expect(['he', 'ar', 'yi', 'th', 'en'].map(textDirection)).toEqual(['rtl', 'rtl', 'rtl', 'ltr', 'ltr']);
    } finally {
      withoutTextInfo.mockRestore();
    }
  });

  it('says what a retirement rule\'s missing maximum is for', () => {
    const missing = (retirement: unknown) => {
      const result = validateWorkflowDefinition({ name: 'Ad or not?', firstTask: 'T0', tasks: { T0: yesNo() }, retirement });
      return result.ok ? [] : result.errors;
    };
    const maximumMeans = 'is required: send a whole number, the most classifications a subject takes before it retires whether or not its answers settle (such as 15)';
    expect(missing({ rule: 'agreement', task: 'T0', minimum: 3, threshold: 0.8 })).toEqual([{ pointer: '/retirement/maximum', message: maximumMeans }]);
    expect(missing({ rule: 'posterior', task: 'T0', answer: 'yes' })).toEqual([{ pointer: '/retirement/maximum', message: maximumMeans }]);
    expect(missing({ rule: 'agreement', task: 'T0', minimum: 3, threshold: 0.8, maximum: 'ten' })).toEqual([{ pointer: '/retirement/maximum', message: 'must be a number, not a string' }]);
  });

  it('warns of a retirement rule on a task that a branch leads past, which never retires the subjects answered that way', () => {
    const branching = (retirement: unknown) =>
      workflowDefinitionSchema.parse({
        name: 'W',
        firstTask: 'T0',
        tasks: {
          T0: { ...yesNo(), answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
          T1: { type: 'multiple', question: 'Which?', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }], next: 'T2' },
          T2: { type: 'transcription', instruction: 'Copy it' },
        },
        retirement,
      });
    const agreement = (task: string) => ({ rule: 'agreement', task, minimum: 3, threshold: 0.8, maximum: 10 });
    expect(definitionWarnings(branching(agreement('T1')))).toEqual([{ pointer: '/retirement/task', message: expect.stringMatching(/^is a task volunteers can finish the workflow without reaching/) }]);
    expect(definitionWarnings(branching({ rule: 'any', rules: [agreement('T1'), agreement('T2')] })).map((warning) => warning.pointer)).toEqual(['/retirement/rules/0/task', '/retirement/rules/1/task']);
    // Another rule of the "any" retires the subjects that skip the task: a count, or a rule on a task everyone answers.
    expect(definitionWarnings(branching({ rule: 'any', rules: [{ rule: 'count', count: 5 }, agreement('T2')] }))).toEqual([]);
    const blanks = { ...agreement('T0'), answer: 'no' };
    expect(definitionWarnings(branching({ rule: 'any', rules: [blanks, { rule: 'any', rules: [agreement('T2')] }] }))).toEqual([]);
    expect(definitionWarnings(branching({ rule: 'any', rules: [agreement('T2'), { rule: 'any', rules: [{ rule: 'count', count: 5 }] }] }))).toEqual([]);
    expect(definitionWarnings(branching(blanks))).toEqual([]);
    // Every path passes T1 when both answers lead to it.
    const joined = branching(agreement('T1'));
    joined.tasks.T0 = { ...yesNo(), answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No', next: 'T1' }] } as typeof joined.tasks.T0;
    expect(definitionWarnings(joined)).toEqual([]);
  });

  it('warns of an image in the tutorial or a task’s help without a description, at the text that shows it', () => {
    const illustrated = (help: string, body: string) =>
      workflowDefinitionSchema.parse({
        name: 'Camera traps',
        firstTask: 'T0',
        tasks: { T0: { ...yesNo(), help }, T1: { type: 'transcription', instruction: 'Copy the label' } },
        tutorial: [{ title: 'Welcome', body: 'Read on.' }, { title: 'Animals', body }],
      });
    expect(definitionWarnings(illustrated('A fox: ![](https://example.org/fox.jpg)', 'Like this: ![ ](<https://example.org/deer.jpg>) and ![][boar]\n\n[boar]: https://example.org/boar.jpg'))).toEqual([
      { pointer: '/tutorial/1/body', message: expect.stringMatching(/^shows an image \(https:\/\/example.org\/deer.jpg\) without a description, .*!\[A lion resting in long grass\]\(https:\/\/example.org\/deer.jpg\)$/) },
      { pointer: '/tutorial/1/body', message: expect.stringMatching(/^shows an image without a description/) },
      { pointer: '/tasks/T0/help', message: expect.stringContaining('(https://example.org/fox.jpg) without a description') },
    ]);
    // Described images, and brackets that are no image, are fine.
    expect(definitionWarnings(illustrated('A fox: ![A red fox at dusk](https://example.org/fox.jpg)', 'See [the guide](https://example.org) and [] ()'))).toEqual([]);
  });

  it('warns of a rule on a branching question that retires subjects on an answer leading to later tasks, before those are answered', () => {
    const camera = (retirement: unknown) =>
      workflowDefinitionSchema.parse({
        name: 'Camera traps',
        firstTask: 'T0',
        tasks: {
          T0: { type: 'single', question: 'Is there an animal?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
          T1: { type: 'single', question: 'Which species?', answers: [{ value: 'fox', label: 'Fox' }, { value: 'deer', label: 'Deer' }, { value: 'boar', label: 'Boar' }] },
        },
        retirement,
      });
    const blanks = { rule: 'agreement', task: 'T0', minimum: 3, threshold: 1, maximum: 15 };
    const species = { rule: 'agreement', task: 'T1', minimum: 5, threshold: 0.7, maximum: 15 };
    expect(definitionWarnings(camera({ rule: 'any', rules: [blanks, species] }))).toEqual([
      { pointer: '/retirement/rules/0/answer', message: 'is not given, so the rule retires subjects whatever the consensus on T0, "yes" too, before the tasks those answers lead to get answers; give `answer` (such as "no") to retire only on that answer' },
    ]);
    expect(definitionWarnings(camera({ rule: 'any', rules: [{ ...blanks, answer: 'no' }, species] }))).toEqual([]);
    expect(definitionWarnings(camera({ rule: 'any', rules: [{ ...blanks, answer: 'yes' }, species] }))).toEqual([
      { pointer: '/retirement/rules/0/answer', message: 'leads on: the rule retires subjects whose consensus on T0 is "yes", before the tasks that answer leads to get answers; set `answer` to one that ends the workflow (such as "no") to retire only on that answer' },
    ]);
    // A posterior rule settles its answer at high and the others at low: the side that settles "yes" is at fault.
    const posterior = (fields: object) => camera({ rule: 'any', rules: [{ rule: 'posterior', task: 'T0', answer: 'no', maximum: 15, ...fields }, species] });
    expect(definitionWarnings(posterior({}))).toEqual([{ pointer: '/retirement/rules/0/low', message: expect.stringMatching(/is "yes", before .*; set low to 0 to never retire on that side$/) }]);
    expect(definitionWarnings(posterior({ low: 0 }))).toEqual([]);
    expect(definitionWarnings(posterior({ answer: 'yes', low: 0.05, high: 1 }))).toEqual([]);
    // Where every answer leads on, no answer retires a subject in time: the rule belongs on a later task.
    const everyAnswerLeadsOn = camera({ rule: 'posterior', task: 'T0', answer: 'no', low: 0, maximum: 15 });
    everyAnswerLeadsOn.tasks.T2 = { type: 'transcription', instruction: 'Describe the scene' } as (typeof everyAnswerLeadsOn.tasks)[string];
    (everyAnswerLeadsOn.tasks.T0 as { answers: { next?: string }[] }).answers[1]!.next = 'T2';
    expect(definitionWarnings(everyAnswerLeadsOn)).toEqual([{ pointer: '/retirement/task', message: expect.stringMatching(/^is a question every answer of which leads on: .*is "no", before .*; put the rule on a later task$/) }]);
  });

  it('checks that retirement rules and effects name real tasks', () => {
    const definition = {
      name: 'x',
      firstTask: 'T0',
      tasks: { T0: yesNo() },
      retirement: { rule: 'any', rules: [{ rule: 'count', count: 10 }, { rule: 'agreement', task: 'T7', minimum: 3, threshold: 0.8, maximum: 10 }] },
      effects: [{ when: { task: 'T8', answer: 'no' }, addToSubjectSet: '7f0d7a4e-1b44-4f1c-9a40-0d3c9a8f2b11' }],
    };
    expect(pointersOf(definition)).toEqual(['/retirement/rules/1/task', '/effects/0/when/task']);
  });

  it('says what an effect left empty lacks in a researcher’s words, not as a type to send (round 16a F8)', () => {
    const definition = { name: 'x', firstTask: 'T0', tasks: { T0: yesNo() }, effects: [{}] };
    expect(validateWorkflowDefinition(definition)).toMatchObject({
      ok: false,
      errors: [
        { pointer: '/effects/0/when', message: 'is required: choose the task whose consensus moves the subject (and, if you like, its answer or agreement)' },
        { pointer: '/effects/0/addToSubjectSet', message: 'is required: choose the subject set the subject is added to' },
      ],
    });
    // Given, but of the wrong kind: said as before.
    expect(validateWorkflowDefinition({ ...definition, effects: [{ when: 'T0', addToSubjectSet: 7 }] })).toMatchObject({
      errors: [
        { pointer: '/effects/0/when', message: 'must be an object, not a string' },
        { pointer: '/effects/0/addToSubjectSet', message: 'must be a string, not a number' },
      ],
    });
  });

  it('refuses rules and effects that could never fire: answers a task cannot settle on, a posterior rule on a task without one', () => {
    const transcribe = { type: 'transcription', instruction: 'Type the text' };
    const definition = {
      name: 'x',
      firstTask: 'T0',
      tasks: { T0: yesNo('T1'), T1: closeReading('T2'), T2: transcribe },
      retirement: {
        rule: 'any',
        rules: [
          { rule: 'posterior', task: 'T0', answer: 'zzz', maximum: 9 },
          { rule: 'posterior', task: 'T2', answer: 'yes', maximum: 9 },
          { rule: 'posterior', task: 'T0', answer: 'yes', maximum: 9 },
          { rule: 'agreement', task: 'T0', answer: 'No', minimum: 3, threshold: 1, maximum: 9 },
          { rule: 'agreement', task: 'T0', answer: 'no', minimum: 3, threshold: 1, maximum: 9 },
        ],
      },
      effects: [
        { when: { task: 'T0', answer: 'maybe' }, addToSubjectSet: '7f0d7a4e-1b44-4f1c-9a40-0d3c9a8f2b11' },
        { when: { task: 'T1', answer: 'vehicle' }, addToSubjectSet: '7f0d7a4e-1b44-4f1c-9a40-0d3c9a8f2b11' },
        { when: { task: 'T1', answer: 'animal' }, addToSubjectSet: '7f0d7a4e-1b44-4f1c-9a40-0d3c9a8f2b11' },
        { when: { task: 'T2', answer: 'any text at all' }, addToSubjectSet: '7f0d7a4e-1b44-4f1c-9a40-0d3c9a8f2b11' },
      ],
    };
    const result = validateWorkflowDefinition(definition);
    expect(result.ok ? [] : result.errors).toEqual([
      { pointer: '/retirement/rules/0/answer', message: 'must be one of the answers of task T0: "yes", "no"' },
      { pointer: '/retirement/rules/1/task', message: expect.stringContaining('must be a single-choice task') },
      { pointer: '/retirement/rules/3/answer', message: 'must be one of the answers of task T0: "yes", "no"' },
      { pointer: '/effects/0/when/answer', message: 'must be one of the answers of task T0: "yes", "no"' },
      { pointer: '/effects/2/when/answer', message: 'must be one of the answers of task T1: "vehicle", "person"' },
    ]);
  });

  it('stores the tag an agreement rule or effect names as consensus writes tags, and takes a closed vocabulary’s word in any case', () => {
    const tagged = (vocabulary?: string[]) => ({
      name: 'Tags',
      firstTask: 'G',
      tasks: { G: { type: 'tagging', instruction: 'Tag it', ...(vocabulary ? { vocabulary, allowFreeTags: false } : {}) } },
      retirement: { rule: 'any', rules: [{ rule: 'agreement', task: 'G', minimum: 3, threshold: 0.6, answer: ' Tabby  Cat', maximum: 10 }, { rule: 'count', count: 20 }] },
      effects: [{ when: { task: 'G', answer: 'Tabby CAT' }, addToSubjectSet: '00000000-0000-4000-8000-00000000000a' }],
    });
    for (const vocabulary of [undefined, ['Tabby cat', 'dog']]) {
      const validated = validateWorkflowDefinition(tagged(vocabulary));
      if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
      expect([validated.value.retirement, validated.value.effects[0]!.when.answer]).toEqual([expect.objectContaining({ rules: [expect.objectContaining({ answer: 'tabby cat' }), { rule: 'count', count: 20 }] }), 'tabby cat']);
    }
    expect(pointersOf(tagged(['dog']))).toEqual(['/retirement/rules/0/answer', '/effects/0/when/answer']);
  });

  it('refuses inconsistent rule bounds', () => {
    const definition = { name: 'x', firstTask: 'T0', tasks: { T0: yesNo() }, retirement: { rule: 'agreement', task: 'T0', minimum: 5, threshold: 0.8, maximum: 3 } };
    expect(pointersOf(definition)).toEqual(['/retirement/maximum']);
  });

  describe('tutorial and feedback', () => {
    const base = { name: 'x', firstTask: 'T0', tasks: { T0: yesNo() } };

    it('keeps researcher-written tutorial steps and the feedback switch, and adds neither when absent', () => {
      const tutorial = [{ title: 'Welcome', body: '# Ads\nPaid notices count.' }];
      const result = validateWorkflowDefinition({ ...base, tutorial, feedback: true });
      expect(result.ok && result.value).toMatchObject({ tutorial, feedback: true });
      const plain = validateWorkflowDefinition(base);
      expect(plain.ok && 'tutorial' in plain.value).toBe(false);
      expect(plain.ok && 'feedback' in plain.value).toBe(false);
    });

    it('names a bad tutorial step and a non-boolean feedback by pointer', () => {
      expect(pointersOf({ ...base, tutorial: [{ title: 'Welcome', body: '  ' }] })).toEqual(['/tutorial/0/body']);
      expect(pointersOf({ ...base, tutorial: [{ title: 'Welcome', body: 'Hi', html: '<b>' }] })).toEqual(['/tutorial/0/html']);
      expect(pointersOf({ ...base, tutorial: [] })).toEqual(['/tutorial']);
      expect(pointersOf({ ...base, feedback: 'yes' })).toEqual(['/feedback']);
    });
  });
});
