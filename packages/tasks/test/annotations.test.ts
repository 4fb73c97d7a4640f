import { type WorkflowDefinition, annotationsReadableUnder, comparableText, consensusValueOf, flatAnswerOf, flatKnownAnswerOf, givesKnownAnswer, knownAnswerOf, jsonNestsDeeperThan, parseNewAnswer, sameConsensusAnswer, sameTag, taggingListsOf, tidyTag, toPointer, unstorableErrors, validateAnnotations, workflowDefinitionSchema } from '../src';

const definition: WorkflowDefinition = workflowDefinitionSchema.parse({
  name: 'Ad or not?',
  firstTask: 'T0',
  tasks: {
    T0: { type: 'single', question: 'Ad?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
    T1: { type: 'close-reading', question: 'Sense?', senses: [{ value: 'vehicle', label: 'Vehicle' }], allowUnsure: true, evidence: 'optional', next: 'T2' },
    T2: { type: 'multiple', question: 'Which?', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }, { value: 'c', label: 'C' }], minChoices: 1, maxChoices: 2, next: 'T3' },
    T3: { type: 'tagging', instruction: 'Tag', vocabulary: ['horse'], allowFreeTags: false, next: 'T4' },
    T4: { type: 'transcription', instruction: 'Type', maxLength: 20 },
  },
});

const full = [
  { task: 'T0', value: 'yes' },
  { task: 'T1', value: { sense: 'vehicle', evidence: [[0, 4]] } },
  { task: 'T2', value: ['a', 'c'] },
  { task: 'T3', value: { add: ['horse'], up: [], down: [] } },
  { task: 'T4', value: 'a line\nanother' },
];

function errorsOf(annotations: unknown) {
  const result = validateAnnotations(definition, annotations);
  return result.ok ? [] : result.errors;
}

describe('annotations', () => {
  it('accepts a complete path through every task type', () => {
    expect(errorsOf(full)).toEqual([]);
  });

  it('stores a transcription composed (NFC), however the keyboard typed its accents', () => {
    const typed = [...full.slice(0, 4), { task: 'T4', value: 'cafe\u0301 ſ Æ' }];
    const result = validateAnnotations(definition, typed);
    expect(result.ok && result.value.at(-1)).toEqual({ task: 'T4', value: 'caf\u00e9 ſ Æ' });
  });

  it('keeps a transcription’s "unsure" (the volunteer asks the team to check) when ticked, stores none when not, and refuses it on other tasks', () => {
    const transcribed = (unsure: boolean | undefined) => [...full.slice(0, 4), { task: 'T4', value: 'a line', ...(unsure === undefined ? {} : { unsure }) }];
    const stored = (unsure: boolean | undefined) => {
      const result = validateAnnotations(definition, transcribed(unsure));
      return result.ok ? result.value.at(-1) : result.errors;
    };
    expect(stored(true)).toEqual({ task: 'T4', value: 'a line', unsure: true });
    expect(stored(false)).toEqual({ task: 'T4', value: 'a line' });
    expect(stored(undefined)).toEqual({ task: 'T4', value: 'a line' });
    expect(errorsOf([{ ...full[0], unsure: true }, ...full.slice(1)])).toEqual([{ pointer: '/annotations/0/unsure', message: 'a single task does not take "unsure" (only a transcription does): leave it out' }]);
    expect(errorsOf([...full.slice(0, 4), { task: 'T4', value: 'a line', unsure: 'yes' }])[0]).toMatchObject({ pointer: '/annotations/4/unsure' });
  });

  it('reads an earlier transcription’s "unsure" with its answer under a later version', () => {
    const given = [{ task: 'T0', value: 'yes' }, { task: 'T4', value: 'a line', unsure: true }];
    const later = workflowDefinitionSchema.parse({ ...definition, tasks: { ...definition.tasks, T4: { type: 'transcription', instruction: 'Type', maxLength: 3 } } });
    expect(annotationsReadableUnder(later, given, definition)).toContainEqual({ task: 'T4', value: 'a line', unsure: true });
  });

  it('refuses a multiple choice with nothing ticked where minChoices asks for an answer (Zooniverse’s “required”), and takes it where none is asked for', () => {
    const empty = [...full.slice(0, 2), { task: 'T2', value: [] }, ...full.slice(3)];
    expect(errorsOf(empty)).toEqual([{ pointer: '/annotations/2/value', message: 'choose at least 1' }]);
    const required = definition.tasks.T2!;
    expect(parseNewAnswer(required, []).error?.issues.map((issue) => issue.message)).toEqual(['choose at least 1']);
    const optional = workflowDefinitionSchema.parse({ name: 'x', firstTask: 'T0', tasks: { T0: { type: 'multiple', question: 'Which?', answers: [{ value: 'a', label: 'A' }] } } }).tasks.T0!;
    expect(parseNewAnswer(optional, [])).toMatchObject({ success: true, data: [] });
  });

  it('accepts the short branch', () => {
    expect(errorsOf([{ task: 'T0', value: 'no' }])).toEqual([]);
  });

  it('names a value that is not one of the answers', () => {
    expect(errorsOf([{ task: 'T0', value: 'maybe' }])).toEqual([{ pointer: '/annotations/0/value', message: 'must be one of "yes", "no"' }]);
  });

  it('names a value of the wrong type', () => {
    expect(errorsOf([{ task: 'T0', value: 1 }])[0]!.pointer).toBe('/annotations/0/value');
    expect(errorsOf([full[0], { task: 'T1', value: 'vehicle' }])[0]!.pointer).toBe('/annotations/1/value');
  });

  it('names an unknown task key', () => {
    expect(errorsOf([{ task: 'T9', value: 'yes' }])).toEqual([{ pointer: '/annotations/0/task', message: expect.stringContaining('not a task') }]);
  });

  it('follows the branch the answers chose', () => {
    expect(errorsOf([{ task: 'T0', value: 'no' }, full[1]])[0]).toEqual({ pointer: '/annotations/1/task', message: expect.stringContaining('already ended') });
    expect(errorsOf([full[0]])[0]).toEqual({ pointer: '/annotations', message: expect.stringContaining('"T1"') });
  });

  it('enforces each task type’s own rules', () => {
    const withValue = (index: number, value: unknown) => full.map((a, i) => (i === index ? { ...a, value } : a));
    expect(errorsOf(withValue(1, { sense: null }))[0]!.pointer).toBe('/annotations/1/value/sense');
    expect(errorsOf(withValue(2, []))[0]!.pointer).toBe('/annotations/2/value');
    expect(errorsOf(withValue(2, ['a', 'b', 'c']))[0]!.pointer).toBe('/annotations/2/value');
    expect(errorsOf(withValue(2, ['a', 'a']))[0]!.pointer).toBe('/annotations/2/value');
    expect(errorsOf(withValue(3, { add: ['zebra'] }))[0]!.pointer).toBe('/annotations/3/value/add/0');
    expect(errorsOf(withValue(3, { up: ['horse'], down: ['horse'] }))[0]!.pointer).toBe('/annotations/3/value/down/0');
    expect(errorsOf(withValue(3, { up: ['Horse '], down: ['horse'] }))[0]!.pointer).toBe('/annotations/3/value/down/0');
    expect(errorsOf(withValue(3, { up: ['zebra'] }))[0]!.pointer).toBe('/annotations/3/value/up/0');
    expect(errorsOf(withValue(3, { down: ['zebra'] }))[0]!.pointer).toBe('/annotations/3/value/down/0');

    expect(errorsOf(withValue(4, 'x'.repeat(21)))[0]!.pointer).toBe('/annotations/4/value');
  });

  it('refuses a free tag holding ";", which separates tags in downloads', () => {
    const tagging = workflowDefinitionSchema.parse({ name: 'Tags', firstTask: 'T0', tasks: { T0: { type: 'tagging', instruction: 'Tag' } } });
    const result = validateAnnotations(tagging, [{ task: 'T0', value: { add: ['horse', 'horse; cart'] } }]);
    expect(result.ok ? [] : result.errors).toEqual([{ pointer: '/annotations/0/value/add/1', message: expect.stringContaining('cannot hold ";"') }]);
    expect(validateAnnotations(tagging, [{ task: 'T0', value: { add: ['horse', 'cart'] } }]).ok).toBe(true);
  });

  it('counts the tags added and those agreed with together against the task’s most tags; those disagreed with apart', () => {
    const tagging = workflowDefinitionSchema.parse({ name: 'Tags', firstTask: 'T0', tasks: { T0: { type: 'tagging', instruction: 'Tag', maxTags: 2 } } });
    const result = validateAnnotations(tagging, [{ task: 'T0', value: { add: ['horse', 'cart'], up: ['sale'] } }]);
    expect(result.ok ? [] : result.errors).toEqual([{ pointer: '/annotations/0/value/up', message: 'applies 3 tags, those added and those agreed with together: at most 2' }]);
    expect(validateAnnotations(tagging, [{ task: 'T0', value: { add: ['horse'], up: ['sale', 'Horse'], down: ['cart', 'road'] } }]).ok).toBe(true);
  });

  it('refuses a tag added twice, whatever the case, spaces or how its accents are typed', () => {
    const tagging = workflowDefinitionSchema.parse({ name: 'Tags', firstTask: 'T0', tasks: { T0: { type: 'tagging', instruction: 'Tag' } } });
    const result = validateAnnotations(tagging, [{ task: 'T0', value: { add: ['Vase', 'blue', ' vase', 'caf\u00e9', 'Cafe\u0301'] } }]);
    expect(result.ok ? [] : result.errors).toEqual([
      { pointer: '/annotations/0/value/add/2', message: expect.stringContaining('"vase" is added twice') },
      { pointer: '/annotations/0/value/add/4', message: expect.stringContaining('is added twice') },
    ]);
    expect(sameTag('caf\u00e9', 'CAFE\u0301')).toBe(true);
  });

  it('tells one tag however it is written: without invisible characters, full-width letters as letters (round 13a F5)', () => {
    // Zero-width space, soft hyphen, a left-to-right mark, a right-to-left override, a byte-order mark, a variation selector.
    for (const variant of ['spam\u200b', 's\u00adpam', 'sp\u200eam', '\u202espam', '\ufeffspam', 'spam\ufe0f', 'ｓｐａｍ', 'ＳＰＡＭ', ' spam\u3000']) {
      expect([variant, sameTag(variant, 'spam')]).toEqual([variant, true]);
    }
    expect(tidyTag('Old\u2003\u200bHarbour\u00a0')).toBe('Old Harbour');
    expect(tidyTag('ﬁsh')).toBe('fish');
    expect(sameTag('spam', 'spasm')).toBe(false);
    const tagging = workflowDefinitionSchema.parse({ name: 'Tags', firstTask: 'T0', tasks: { T0: { type: 'tagging', instruction: 'Tag' } } });
    const result = validateAnnotations(tagging, [{ task: 'T0', value: { add: ['spam', 'spam\u200b', '\u200b\u2060', 'horse；cart'] } }]);
    expect(result.ok ? [] : result.errors).toEqual([
      { pointer: '/annotations/0/value/add/2', message: expect.stringContaining('holds only characters that show nothing') },
      { pointer: '/annotations/0/value/add/3', message: expect.stringContaining('cannot hold ";"') },
      { pointer: '/annotations/0/value/add/1', message: expect.stringContaining('is added twice') },
    ]);
  });

  it('keeps the zero-width non-joiner and joiner of a tag, which are spelling, and drops direction marks and the tatweel, by the rule transcriptions are compared by', () => {
    expect(tidyTag('کتاب\u200cخانه')).toBe('کتاب\u200cخانه');
    expect(sameTag('کتاب\u200cخانه', 'کتابخانه')).toBe(false);
    expect(tidyTag('👨\u200d👩\u200d👧')).toBe('👨\u200d👩\u200d👧');
    // One that joins nothing (at an end, between Latin letters) shows nothing: it does not make a hidden tag another.
    for (const stray of ['\u200dspam', 'spam\u200c', 'sp\u200cam', 'a \u200db']) expect(tidyTag(stray)).toBe(stray.replace(/[\u200c\u200d]/gu, ''));
    expect(tidyTag('\u200fשלום\u200e')).toBe('שלום');
    expect(sameTag('كـتب\u061c', 'ﻛﺘﺐ')).toBe(true);
    expect(tidyTag('ﻛﺘﺐ')).toBe(comparableText('ﻛﺘﺐ'));
    const tagging = workflowDefinitionSchema.parse({ name: 'Tags', firstTask: 'T0', tasks: { T0: { type: 'tagging', instruction: 'Tag' } } });
    const result = validateAnnotations(tagging, [{ task: 'T0', value: { add: ['\u200c\u200d'] } }]);
    expect(result.ok ? [] : result.errors).toEqual([{ pointer: '/annotations/0/value/add/0', message: expect.stringContaining('holds only characters that show nothing') }]);
  });

  it('reads a tagging value with lists missing or holding other things as its tags only, and tells one tag however it is spaced or cased', () => {
    expect(taggingListsOf({ add: ['ship', 3, null], down: 'cart' })).toEqual({ add: ['ship'], up: [], down: [] });
    expect(taggingListsOf(undefined)).toEqual({ add: [], up: [], down: [] });
    expect(sameTag(' Old  Harbour', 'old harbour')).toBe(true);
    expect(sameTag('harbour', 'harbours')).toBe(false);
    expect(tidyTag('  Old \t Harbour ')).toBe('Old Harbour');
  });

  it('drops a volunteer’s votes on the tags they add (their tag is their vote), whatever the case', () => {
    const result = validateAnnotations(definition, full.map((a, i) => (i === 3 ? { task: 'T3', value: { add: ['horse'], up: ['Horse'], down: ['horse'] } } : a)));
    expect(result.ok && result.value[3]).toEqual({ task: 'T3', value: { add: ['horse'], up: [], down: [] } });
  });

  it('accepts an unsure close reading without a sense', () => {
    const unsure = full.map((a, i) => (i === 1 ? { task: 'T1', value: { sense: null, unsure: true } } : a));
    expect(errorsOf(unsure)).toEqual([]);
  });

  it('refuses annotations that are not a list', () => {
    expect(errorsOf('not a list')).toEqual([{ pointer: '/annotations', message: expect.any(String) }]);
  });

  it('tells JSON text nested past a depth without parsing it, brackets and escaped quotes in strings aside', () => {
    expect(jsonNestsDeeperThan('[[[1]]]', 3)).toBe(false);
    expect(jsonNestsDeeperThan('[[[[1]]]]', 3)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":{"b":[1,2]},"c":[3]}', 3)).toBe(false);
    expect(jsonNestsDeeperThan('[{"text":"[[[[ \\" {{{{"}]', 2)).toBe(false);
    expect(jsonNestsDeeperThan(`{"x":${'['.repeat(1_000_000)}`, 1_000)).toBe(true);
  });

  it('finds what Postgres cannot store, naming at most 20: NUL characters, half surrogate pairs, nesting past 64 levels', () => {
    let deep: unknown = 'a\u0000b';
    for (let level = 0; level < 64; level++) deep = { x: deep }; // 64 levels: allowed
    expect(unstorableErrors(deep)).toEqual([{ pointer: '/x'.repeat(64), message: expect.stringContaining('NUL') }]);
    expect(unstorableErrors({ x: deep })).toEqual([{ pointer: '/x'.repeat(64), message: 'nests deeper than 64 levels of objects and lists; flatten it' }]);
    let deeper: unknown = [];
    for (let level = 0; level < 20_000; level++) deeper = [deeper];
    expect(unstorableErrors(deeper)).toEqual([{ pointer: '/0'.repeat(64), message: expect.stringContaining('deeper') }]);
    expect(unstorableErrors(Array.from({ length: 1_000 }, () => '\u0000'))).toHaveLength(20);
    expect(unstorableErrors({ text: 'x\ud800', '\udc00': 1, pair: '\ud83d\ude00' })).toEqual([
      { pointer: '/\udc00', message: expect.stringMatching(/^has a name that holds half/) },
      { pointer: '/text', message: expect.stringContaining('half of a UTF-16 surrogate pair') },
    ]);
    expect(unstorableErrors({ ok: ['fine', { also: 'fine 😀' }] })).toEqual([]);
  });

  it('escapes "/" and "~" in pointer segments (RFC 6901)', () => {
    expect(toPointer(['a/b', 'c~d', 0], '/x')).toBe('/x/a~1b/c~0d/0');
  });
});

describe('flat answers, as the raw download gives them', () => {
  const tagging = workflowDefinitionSchema.parse({ name: 'Tags', firstTask: 'T', tasks: { T: { type: 'tagging', instruction: 'Tag it' } } }).tasks.T!;

  it('gives a close reading marked unsure as unsure, even with a tentative sense, as consensus counts it', () => {
    const closeReading = workflowDefinitionSchema.parse({
      name: 'Senses',
      firstTask: 'C',
      tasks: { C: { type: 'close-reading', question: 'Sense?', senses: [{ value: 'money', label: 'Money' }], allowUnsure: true } },
    }).tasks.C!;
    expect(flatAnswerOf(closeReading, { sense: 'money' })).toBe('money');
    expect(flatAnswerOf(closeReading, { sense: 'money', unsure: true })).toBe('unsure');
    expect(flatAnswerOf(closeReading, { sense: null, unsure: true })).toBe('unsure');
  });

  it('gives the tags a volunteer applied, proposed or agreed with, not those they voted against, as consensus writes them', () => {
    expect(flatAnswerOf(tagging, { add: ['ship'], up: ['harbour', 'ship'], down: ['big boat'] })).toBe('ship;harbour');
    expect(flatAnswerOf(tagging, { add: ['Travel', ' Old  Harbour'], up: ['travel'] })).toBe('travel;old harbour');
    expect(flatAnswerOf(tagging, { add: [], up: [], down: ['big boat'] })).toBe('');
  });

  it('gives a consensus answer, as stored, as a volunteer’s answer to its task that gives it back: what an approval keeps', () => {
    const valid = (task: string, answer: string) => {
      const value = consensusValueOf(definition.tasks[task]!, answer);
      expect(validateAnnotations(definition, full.map((each) => (each.task === task ? { task, value } : each))).ok).toBe(true);
      return value;
    };
    expect(valid('T0', 'yes')).toBe('yes');
    expect(valid('T1', 'vehicle')).toEqual({ sense: 'vehicle' });
    expect(valid('T2', 'a;b')).toEqual(['a', 'b']);
    expect(valid('T3', 'horse')).toEqual({ add: ['horse'], up: [], down: [] });
    expect(valid('T4', 'The text')).toBe('The text');
    expect(consensusValueOf(definition.tasks.T2!, '')).toEqual([]);
    expect(consensusValueOf(definition.tasks.T3!, '')).toEqual({ add: [], up: [], down: [] });
    for (const [task, answer] of [['T0', 'yes'], ['T1', 'vehicle'], ['T2', 'a;b'], ['T2', ''], ['T3', 'horse'], ['T3', ''], ['T4', 'The text']] as const) {
      expect(flatAnswerOf(definition.tasks[task]!, consensusValueOf(definition.tasks[task]!, answer))).toBe(answer);
    }
  });
});

describe('the same consensus answer, as stored', () => {
  it('compares a set’s parts in any order (choices, tags), any other answer as it is', () => {
    const same = (task: string, a: string, b: string) => sameConsensusAnswer(definition.tasks[task]!, a, b);
    expect([same('T2', 'a;b', 'b;a'), same('T2', 'a;b', 'a'), same('T2', 'a;b', 'a;b;c'), same('T2', '', ''), same('T2', 'a;a', 'a')]).toEqual([true, false, false, true, false]);
    expect([same('T3', 'horse;cart', 'cart;horse'), same('T3', 'horse', 'Horse')]).toEqual([true, false]);
    expect([same('T0', 'yes', 'yes'), same('T0', 'yes', 'no')]).toEqual([true, false]);
    // A text is one whole: its words in another order are another text; decomposed (NFD), it is the same text.
    expect([same('T4', 'The text', 'The text'), same('T4', 'The text', 'text The'), same('T4', 'a;b', 'b;a')]).toEqual([true, false, false]);
    expect([same('T4', 'caf\u00e9', 'cafe\u0301'), same('T4', 'caf\u00e9', 'cafe')]).toEqual([true, false]);
  });
});

describe('text tags in a new transcription', () => {
  const transcription = workflowDefinitionSchema.parse({
    name: 'Letters',
    firstTask: 'T',
    tasks: { T: { type: 'transcription', instruction: 'Type the letter', textTags: ['unclear', 'deletion'] } },
  });
  const errorsIn = (text: string) => {
    const result = validateAnnotations(transcription, [{ task: 'T', value: text }]);
    return result.ok ? [] : result.errors;
  };
  const refused = (text: string, message: string) => expect(errorsIn(text)).toEqual([{ pointer: '/annotations/0/value', message }]);

  it('takes tags that are closed in order, across lines, nested, empty, and bracketed text that is no tag', () => {
    for (const text of [
      'Dear [unclear]Sir[/unclear]',
      'Dear [unclear]Sir,\nthis is[/unclear] line one',
      '[deletion]a [unclear]b[/unclear] c[/deletion]',
      'Dear [unclear][/unclear]Sir',
      'the [sic] word [1] and [Illegible]',
      '[unclear]a[/unclear] [unclear]b[/unclear]',
    ])
      expect(errorsIn(text)).toEqual([]);
  });

  it('names a tag never closed, with its line', () => {
    refused('Dear Sir,\nthe [unclear]word', '[unclear] on line 2 is never closed: add [/unclear] after the words it covers');
  });

  it('names a tag closed that was not open', () => {
    refused('Dear Sir[/unclear]', '[/unclear] on line 1 closes a tag that is not open: add [unclear] before the words it covers, or remove it');
    refused('a[unclear]b[/unclear]c[/unclear]', '[/unclear] on line 1 closes a tag that is not open: add [unclear] before the words it covers, or remove it');
  });

  it('names crossed tags and a tag opened inside itself', () => {
    refused('[unclear]a [deletion]b[/unclear] c[/deletion]', '[/unclear] on line 1 closes [unclear] while [deletion], opened inside it, is still open: close [/deletion] first');
    refused('[unclear]a\n[unclear]b[/unclear][/unclear]', '[unclear] on line 2 opens again inside [unclear]: close the first with [/unclear] before opening another');
  });

  it('names a tag written in capitals, which the consensus would not read as the tag', () => {
    refused('[UNCLEAR]Sir[/unclear]', '[UNCLEAR] on line 1 is written [unclear], in lower case');
    refused('[unclear]Sir[/Unclear]', '[/Unclear] on line 1 is written [/unclear], in lower case');
  });

  it('still reads such a transcription when it was stored before the rule, as aggregation does', () => {
    expect(annotationsReadableUnder(transcription, [{ task: 'T', value: 'Dear [unclear]Sir' }], transcription)).toHaveLength(1);
  });

  it("takes a correction left as the subject's text, whatever its stray tags and length, and holds a changed one to the rules", () => {
    const correction = workflowDefinitionSchema.parse({
      name: 'Pages',
      firstTask: 'T',
      tasks: { T: { type: 'transcription', instruction: 'Correct the page', textTags: ['unclear', 'deletion'], maxLength: 30, startFrom: 'subject-text' } },
    });
    const ocr = 'A [deletion] mark the OCR read\r\nand a line past thirty characters';
    const locations = [{ type: 'text' as const, text: ocr }];
    const errorsOf = (text: string) => {
      const result = validateAnnotations(correction, [{ task: 'T', value: text }], '/annotations', { locations });
      return result.ok ? [] : result.errors.map((error) => error.message);
    };
    expect(errorsOf(ocr.replace('\r\n', '\n'))).toEqual([]);
    expect(validateAnnotations(correction, [{ task: 'T', value: ocr.replace('\r\n', '\n') }])).toMatchObject({ ok: false });
    expect(errorsOf(ocr.replace('\r\n', '\n').replace('OCR', 'scan'))).toEqual(['at most 30 characters']);
    expect(errorsOf('A [deletion] mark')).toEqual(['[deletion] on line 1 is never closed: add [/deletion] after the words it covers']);
  });
});

describe('known answers, as gold-standard subjects give them', () => {
  const { tasks } = workflowDefinitionSchema.parse({
    name: 'Known',
    firstTask: 'S',
    tasks: {
      S: { type: 'single', question: 'Ad?', answers: [{ value: 'yes', label: 'Yes', next: 'M' }, { value: 'no', label: 'No', next: 'M' }] },
      M: { type: 'multiple', question: 'What?', answers: [{ value: 'ship', label: 'Ship' }, { value: 'cart', label: 'Cart' }, { value: 'road', label: 'Road' }], next: 'T' },
      T: { type: 'transcription', instruction: 'Type it', next: 'C' },
      C: { type: 'close-reading', question: 'Sense?', senses: [{ value: 'v', label: 'Vehicle' }, { value: 'p', label: 'Person' }], next: 'G' },
      G: { type: 'tagging', instruction: 'Tag' },
    },
  });
  const [single, multiple, transcription, closeReading, tagging] = ['S', 'M', 'T', 'C', 'G'].map((key) => tasks[key]!);

  it('reads the short forms researchers write, and compares a volunteer’s answer with each type’s rule', () => {
    expect(givesKnownAnswer(single!, 'yes', knownAnswerOf(single!, 'yes'))).toBe(true);
    expect(knownAnswerOf(multiple!, 'road;ship')).toEqual(['road', 'ship']);
    expect(givesKnownAnswer(multiple!, ['ship', 'road'], ['road', 'ship'])).toBe(true);
    expect(givesKnownAnswer(multiple!, ['ship'], ['road', 'ship'])).toBe(false);
    expect(givesKnownAnswer(transcription!, 'For  sale,\none bicycle', 'For sale, one bicycle')).toBe(true);
    expect(givesKnownAnswer(transcription!, 'שלום\u200f كـتب', 'שלום ﻛﺘﺐ')).toBe(true);
    expect(givesKnownAnswer(transcription!, 'می\u200cخواهم', 'میخواهم')).toBe(false);
    // Compared as words, not as a consensus writes them: a zero-width space or a variation selector typed is no other word.
    expect(givesKnownAnswer(transcription!, 'ภาษา\u200bไทย ❤\ufe0f', 'ภาษาไทย ❤')).toBe(true);
    expect(knownAnswerOf(closeReading!, 'v')).toEqual({ sense: 'v' });
    expect(givesKnownAnswer(closeReading!, { sense: 'v', unsure: true, evidence: [[0, 3]] }, { sense: 'v' })).toBe(true);
    expect(knownAnswerOf(tagging!, 'Harbour;ship')).toEqual({ add: ['Harbour', 'ship'], up: [], down: [] });
    // More tags than the experts gave are not wrong; missing one of theirs is, and so is applying one they rejected.
    const known = { add: ['harbour'], up: [], down: ['boat'] };
    expect(givesKnownAnswer(tagging!, { add: ['Harbour', 'gulls'] }, known)).toBe(true);
    expect(givesKnownAnswer(tagging!, { add: ['gulls'] }, known)).toBe(false);
    expect(givesKnownAnswer(tagging!, { add: ['harbour', 'Boat'] }, known)).toBe(false);
  });

  it('writes a known answer as the consensus column beside it writes answers', () => {
    expect(flatKnownAnswerOf(multiple!, ['road', 'ship'])).toBe('ship;road');
    expect(flatKnownAnswerOf(tagging!, { add: ['Ship', 'Harbour'], up: [], down: ['ship'] })).toBe('harbour');
    expect(flatKnownAnswerOf(single!, 'no')).toBe('no');
  });
});
