import {
  type Annotation,
  type FieldsTask,
  type WorkflowDefinition,
  annotationSchemaFor,
  annotationsReadableUnder,
  consensusValueOf,
  decimalExample,
  decimalSeparator,
  earlierAnswerChanges,
  fieldComparable,
  fieldFaults,
  flatAnswerOf,
  givesKnownAnswer,
  knownAnswerOf,
  numberWriting,
  sameConsensusAnswer,
  validateAnnotations,
  validateWorkflowDefinition,
  workflowDefinitionSchema,
} from '../src';

const card = {
  type: 'fields',
  instruction: 'Copy the index card',
  fields: [
    { key: 'surname', label: 'Surname', kind: 'text', required: true },
    { key: 'given', label: 'Given names', kind: 'text', maxLength: 10 },
    { key: 'born', label: 'Date of birth', kind: 'date' },
    { key: 'age', label: 'Age', kind: 'number' },
    { key: 'parish', label: 'Parish', kind: 'choice', choices: ['St Mary', 'St John'] },
  ],
};
const workflow = (task: object = card): WorkflowDefinition => workflowDefinitionSchema.parse({ name: 'Cards', firstTask: 'T', tasks: { T: task } });
const definition = workflow();
const task = definition.tasks.T as FieldsTask;
const filled = { surname: 'Smith', given: 'John', born: '1881-04', age: '34', parish: 'St Mary' };

function errorsOf(value: unknown) {
  const result = validateAnnotations(definition, [{ task: 'T', value }]);
  return result.ok ? [] : result.errors;
}

function definitionErrors(task: object) {
  const result = validateWorkflowDefinition({ name: 'Cards', firstTask: 'T', tasks: { T: task } });
  return result.ok ? [] : result.errors.map((error) => error.pointer);
}

describe('fields task: definition', () => {
  it('takes a form of named fields, required false and no limits set by default', () => {
    expect(definitionErrors(card)).toEqual([]);
    expect(task.fields[1]).toEqual({ key: 'given', label: 'Given names', kind: 'text', required: false, maxLength: 10 });
  });

  it('names by pointer a choice field without choices, choices or a length on the wrong kind, a kind it does not know and a key not like a task key; a repeated key', () => {
    const fields = [
      { key: 'a', label: 'A', kind: 'text' },
      { key: 'c', label: 'C', kind: 'choice' },
      { key: 'd', label: 'D', kind: 'number', choices: ['1'], maxLength: 3 },
      { key: 'e', label: 'E', kind: 'colour' },
      { key: '1bad', label: 'F', kind: 'text' },
    ];
    expect(definitionErrors({ ...card, fields }).sort()).toEqual(
      ['/tasks/T/fields/1/choices', '/tasks/T/fields/2/choices', '/tasks/T/fields/2/maxLength', '/tasks/T/fields/3/kind', '/tasks/T/fields/4/key'].sort(),
    );
    expect(definitionErrors({ ...card, fields: [...card.fields, { key: 'age', label: 'Age again', kind: 'text' }] })).toEqual(['/tasks/T/fields/5/key']);
  });

  it('refuses keys that differ only in case, as task keys (their download columns would clash)', () => {
    expect(definitionErrors({ ...card, fields: [...card.fields, { key: 'Age', label: 'Age again', kind: 'text' }] })).toEqual(['/tasks/T/fields/5/key']);
  });

  it('takes a field\'s help as one short line, not a page of markdown', () => {
    expect(definitionErrors({ ...card, fields: [{ ...card.fields[0], help: 'As on the card' }] })).toEqual([]);
    expect(definitionErrors({ ...card, fields: [{ ...card.fields[0], help: 'First line\nsecond line' }] })).toEqual(['/tasks/T/fields/0/help']);
    expect(definitionErrors({ ...card, fields: [{ ...card.fields[0], help: 'x'.repeat(1001) }] })).toEqual(['/tasks/T/fields/0/help']);
  });

  it('may not be keyed "metadata", whose download columns metadata.<field> are the subjects\' metadata columns', () => {
    const result = validateWorkflowDefinition({ name: 'Cards', firstTask: 'Metadata', tasks: { Metadata: card } });
    expect(result.ok ? [] : result.errors.map((error) => error.pointer)).toEqual(['/tasks/Metadata']);
  });

  it('lets no retirement rule or effect name an answer of it (a form of values has none), and an agreement rule without one retire on it', () => {
    const named = (answer?: string) =>
      validateWorkflowDefinition({
        name: 'Cards',
        firstTask: 'T',
        tasks: { T: card },
        retirement: { rule: 'any', rules: [{ rule: 'count', count: 5 }, { rule: 'agreement', task: 'T', threshold: 0.8, minimum: 3, maximum: 9, ...(answer === undefined ? {} : { answer }) }] },
        effects: [{ when: { task: 'T', ...(answer === undefined ? {} : { answer }) }, addToSubjectSet: '6f1c2a4e-0000-4000-8000-000000000001' }],
      });
    const refused = named('Smith');
    expect(refused.ok ? [] : refused.errors.map((error) => [error.pointer, error.message])).toEqual([
      ['/retirement/rules/1/answer', expect.stringContaining('must be left out for task T, a fields task')],
      ['/effects/0/when/answer', expect.stringContaining('must be left out for task T, a fields task')],
    ]);
    expect(named().ok).toBe(true);
  });

  it('asks for 1 to 30 fields', () => {
    expect(definitionErrors({ ...card, fields: [] })).toEqual(['/tasks/T/fields']);
    const many = Array.from({ length: 31 }, (_, index) => ({ key: `f${index}`, label: `F${index}`, kind: 'text' }));
    expect(definitionErrors({ ...card, fields: many })).toEqual(['/tasks/T/fields']);
  });
});

describe('fields task: a volunteer’s answer', () => {
  it('takes a value for every field, stored trimmed and composed (NFC), blanks as ""', () => {
    const result = validateAnnotations(definition, [{ task: 'T', value: { ...filled, surname: '  Le\u0301vesque ', given: '', age: '', born: '' } }]);
    expect(result.ok && result.value[0]!.value).toEqual({ surname: 'L\u00e9vesque', given: '', born: '', age: '', parish: 'St Mary' });
  });

  it('names each field at fault by its pointer: a blank required field, a non-number, a malformed or unreal date, a choice not offered, text too long or on two lines', () => {
    const pointers = (value: object) => errorsOf(value).map((error) => error.pointer);
    expect(pointers({ ...filled, surname: '   ' })).toEqual(['/annotations/0/value/surname']);
    expect(pointers({ ...filled, age: '3,4' })).toEqual(['/annotations/0/value/age']);
    expect(pointers({ ...filled, age: 'thirty' })).toEqual(['/annotations/0/value/age']);
    expect(pointers({ ...filled, born: '04/1881' })).toEqual(['/annotations/0/value/born']);
    expect(pointers({ ...filled, born: '1881-02-30' })).toEqual(['/annotations/0/value/born']);
    expect(pointers({ ...filled, born: '1881-13' })).toEqual(['/annotations/0/value/born']);
    expect(pointers({ ...filled, parish: 'St Paul' })).toEqual(['/annotations/0/value/parish']);
    expect(pointers({ ...filled, given: 'Bartholomew John' })).toEqual(['/annotations/0/value/given']);
    expect(pointers({ ...filled, surname: 'Smith\nJones' })).toEqual(['/annotations/0/value/surname']);
    expect(pointers({ ...filled, born: undefined })).toEqual(['/annotations/0/value/born']);
    expect(pointers({ ...filled, age: 34 })).toEqual(['/annotations/0/value/age']);
    expect(errorsOf({ ...filled, born: '1881-02-30' })[0]!.message).toMatch(/not a real date/);
    expect(errorsOf({ ...filled, surname: '' })[0]!.message).toMatch(/required.*Surname/);
  });

  it('takes a choice however the researcher\'s text composed its accents (choices are composed, NFC, as values are)', () => {
    const decomposed = workflow({ ...card, fields: [{ key: 'parish', label: 'Parish', kind: 'choice', choices: ['Saint-Andre\u0301'] }] });
    for (const parish of ['Saint-Andr\u00e9', 'Saint-Andre\u0301']) {
      const result = validateAnnotations(decomposed, [{ task: 'T', value: { parish } }]);
      expect(result.ok && result.value[0]!.value).toEqual({ parish: 'Saint-Andr\u00e9' });
    }
  });

  it('takes partial dates, leap days of leap years, and numbers as volunteers type them', () => {
    for (const born of ['1881', '1881-04', '1880-02-29', '2000-02-29']) expect(errorsOf({ ...filled, born })).toEqual([]);
    expect(errorsOf({ ...filled, born: '1900-02-29' }).length).toBe(1);
    for (const age of ['-3', '12.5', '.5', '0034']) expect(errorsOf({ ...filled, age })).toEqual([]);
  });

  it('refuses a key the task does not have', () => {
    expect(errorsOf({ ...filled, occupation: 'Clerk' }).map((error) => error.pointer)).toEqual(['/annotations/0/value/occupation']);
  });

  it('is the object as JSON text in a flat export, and a consensus answer reads back as the same object', () => {
    const flat = flatAnswerOf(task, filled);
    expect(JSON.parse(flat)).toEqual(filled);
    expect(consensusValueOf(task, flat)).toEqual(filled);
  });

  it('gives a known answer, a whole answer, when every field matches as consensus compares (case and spaces of text, numbers by value)', () => {
    const known = knownAnswerOf(task, JSON.stringify({ ...filled, surname: 'SMITH', age: '34.0' }));
    expect(givesKnownAnswer(task, { ...filled, surname: ' smith ' }, known)).toBe(true);
    expect(givesKnownAnswer(task, filled, { surname: 'Smith', age: '34' })).toBe(false); // not a whole answer: none gives it
    expect(givesKnownAnswer(task, { ...filled, given: '' }, known)).toBe(false);
    expect(givesKnownAnswer(task, { ...filled, age: '35' }, known)).toBe(false);
    expect(givesKnownAnswer(task, { ...filled, surname: 'Smyth' }, known)).toBe(false);
  });
});

describe('fields task: numbers typed as the project\'s language writes them', () => {
  const ages = (language: string, ...typed: string[]) =>
    typed.map((age) => {
      const result = validateAnnotations(definition, [{ task: 'T', value: { ...filled, age } }], '/annotations', { language });
      return result.ok ? (result.value[0]!.value as Record<string, string>).age : result.errors.map((error) => `${error.pointer}: ${error.message}`).join('; ');
    });

  // What Intl itself says: the separators of languages whose CLDR data has changed (Arabic's) depend on the runtime.
  const intlDecimal = (language: string) => new Intl.NumberFormat(language).formatToParts(1.5).find((part) => part.type === 'decimal')!.value;

  it('knows each language\'s decimal separator from Intl: a comma in French and German, a point in English and Swiss German, Intl\'s own in Arabic', () => {
    expect(['fr', 'de', 'en', 'de-CH'].map((language) => decimalSeparator(language))).toEqual([',', ',', '.', '.']);
    expect(['ar', 'ar-EG'].map((language) => decimalSeparator(language))).toEqual(['ar', 'ar-EG'].map(intlDecimal));
    expect(decimalSeparator()).toBe('.'); // no language: the default project's, English
    expect(decimalSeparator('qaa')).toBe('.'); // a language Intl does not know: not the runtime's own
    expect(['fr', 'en'].map((language) => decimalExample(numberWriting(language)))).toEqual(['12,5', '12.5']);
  });

  it('takes the decimal comma where the language writes one, stored with "." as any number (and "." still a decimal point there)', () => {
    for (const language of ['fr', 'de']) {
      expect(ages(language, '12,5', '-0,5', ',5', '+3,25', '12,', ' 34,50 ', '12.5', '.5', '34')).toEqual(['12.5', '-0.5', '.5', '+3.25', '12.', '34.50', '12.5', '.5', '34']);
    }
  });

  it('refuses a thousands separator in every language, and a comma where the language writes decimals with ".", naming the separator to use', () => {
    const comma = '/annotations/0/value/age: is not a number: write digits, with "," for decimals (12,5), without spaces or thousands separators';
    const point = '/annotations/0/value/age: is not a number: write digits, with "." for decimals (12.5), without spaces or thousands separators';
    expect(ages('fr', '1 250', '1\u202f250', '1.250,5', '1,250,5', '12,5.1', ',', 'douze')).toEqual(Array(7).fill(comma));
    expect(ages('de', '1.250.000', '1.250,5')).toEqual([comma, comma]);
    expect(ages('en', '12,5', '1,250', '1,250.5', '1 250')).toEqual(Array(4).fill(point));
    expect(ages('de-CH', '12,5', "1'250")).toEqual([point, point]);
    expect(ages('de-CH', '12.5')).toEqual(['12.5']);
    expect(errorsOf({ ...filled, age: '12,5' })[0]!.message).toMatch(/"\." for decimals/); // no language given: as an English project
  });

  it('takes the separator Intl gives a language, whichever it is (the Arabic "٫" in Egypt where the runtime\'s data says so)', () => {
    const separator = intlDecimal('ar-EG');
    expect(ages('ar-EG', `12${separator}5`, '12.5')).toEqual(['12.5', '12.5']);
  });

  it('stores a number every language reads again as the same value, and compares it by value as before', () => {
    const stored = ages('fr', '12,50')[0]!;
    expect(ages('en', stored)).toEqual(['12.50']);
    expect(fieldComparable({ kind: 'number' }, stored)).toBe(fieldComparable({ kind: 'number' }, '12.5'));
  });

  it('says a field typed so at fault only where its language does not write decimals so (the classifier\'s rule)', () => {
    expect(fieldFaults(task, { ...filled, age: '12,5' }, 'fr')).toEqual(new Map());
    expect(fieldFaults(task, { ...filled, age: '12,5' }, 'en')).toEqual(new Map([['age', 'notNumber']]));
    expect(fieldFaults(task, { ...filled, age: '12,5' })).toEqual(new Map([['age', 'notNumber']]));
  });

  it('refuses "1.250" typed where the language groups thousands with "." (a thousand or more, or a decimal?), saying both ways to write it, but reads it stored as the decimal it is', () => {
    const refused = (typed: string, whole: string, decimal: string) => `/annotations/0/value/age: could be a thousand or more, or a decimal (${typed}): write ${whole}, or ${decimal}, without "." between thousands`;
    expect(ages('de', '1.250', '12.500', '-1.250', '+999.000')).toEqual([refused('1.250', '1250', '1,25'), refused('12.500', '12500', '12,5'), refused('-1.250', '-1250', '-1,25'), refused('+999.000', '+999000', '+999')]);
    for (const language of ['es', 'it', 'pt', 'nl', 'id', 'tr', 'da']) expect(ages(language, '1.250')[0]).toMatch(/could be a thousand or more/);
    // Not thousands as they are grouped, or "." groups no thousands there: a decimal point as ever.
    expect(ages('de', '1.25', '0.250', '1234.567', '1,250')).toEqual(['1.25', '0.250', '1234.567', '1.250']);
    expect(ages('fr', '1.250')).toEqual(['1.250']);
    expect(ages('en', '1.250')).toEqual(['1.250']);
    expect(validateAnnotations(definition, [{ task: 'T', value: { ...filled, age: '1.250' } }]).ok).toBe(true); // stored: no language
    expect(fieldFaults(task, { ...filled, age: '1.250' }, 'de')).toEqual(new Map([['age', 'thousandsOrDecimal']]));
    expect(fieldFaults(task, { ...filled, age: '1.250' })).toEqual(new Map());
  });

  it('builds a form\'s schema once for the languages that write numbers alike, and another task\'s once whatever the language', () => {
    expect(annotationSchemaFor(task, 'de')).toBe(annotationSchemaFor(task, 'es'));
    expect(annotationSchemaFor(task, 'fr')).toBe(annotationSchemaFor(task, 'fr-CA'));
    expect(annotationSchemaFor(task, 'en')).toBe(annotationSchemaFor(task));
    expect(annotationSchemaFor(task, 'fr')).not.toBe(annotationSchemaFor(task, 'de'));
    const single = workflowDefinitionSchema.parse({ name: 'Q', firstTask: 'S', tasks: { S: { type: 'single', question: 'Is it?', answers: [{ label: 'Yes', value: 'yes' }, { label: 'No', value: 'no' }] } } }).tasks.S!;
    expect(new Set(['fr', 'de', 'en', 'x-made-up', undefined].map((language) => annotationSchemaFor(single, language))).size).toBe(1);
  });

  it('only ever accepts more in a language than without one, storing the same value, but for "1.250" where "." groups thousands', () => {
    const inputs = ['12', '-3', '+3', '12.5', '.5', '12.', '0.250', '1.25', '1.250', '-12.500', '999.999', '1234.567', '12,5', '1,250', '1 250', '1.250,5', 'douze', ''];
    const grouped = /^[+-]?[1-9]\d{0,2}\.\d{3}$/;
    for (const language of ['en', 'fr', 'de', 'de-CH', 'es', 'it', 'nl', 'tr', 'ar-EG', 'ja', 'qaa']) {
      for (const age of inputs) {
        const without = validateAnnotations(definition, [{ task: 'T', value: { ...filled, age } }]);
        const within = validateAnnotations(definition, [{ task: 'T', value: { ...filled, age } }], '/annotations', { language });
        if (!without.ok) continue;
        if (numberWriting(language).groupsWithPoint && grouped.test(age)) {
          expect(within.ok).toBe(false);
          continue;
        }
        expect({ language, age, stored: within.ok && within.value }).toEqual({ language, age, stored: without.value });
      }
    }
  });
});

describe('fields task: numbers compared by value', () => {
  it('compares numbers as exact decimals: leading and trailing zeros and "-0" aside, integers beyond 2^53 kept apart', () => {
    const number = { kind: 'number' } as const;
    expect(fieldComparable(number, '0034.50')).toBe('34.5');
    expect(fieldComparable(number, '+.5')).toBe('0.5');
    expect(fieldComparable(number, '-0.0')).toBe('0');
    expect(fieldComparable(number, '12.')).toBe('12');
    expect(fieldComparable(number, '-007')).toBe('-7');
    expect(fieldComparable(number, '9007199254740993')).not.toBe(fieldComparable(number, '9007199254740992'));
  });

  it('reads a stored consensus answer that is not JSON as no values', () => {
    expect(consensusValueOf(task, '{not json')).toEqual({});
  });
});

describe('fields task: the same consensus answer', () => {
  it('takes a form written again (fields in another order, other spacing) for the same answer, and other values for another', () => {
    const stored = JSON.stringify({ surname: 'Smith', given: 'John' });
    expect(sameConsensusAnswer(task, stored, '{ "given": "John",\n "surname": "Smith" }')).toBe(true);
    expect(sameConsensusAnswer(task, stored, JSON.stringify({ surname: 'Smith', given: 'Jon' }))).toBe(false);
    expect(sameConsensusAnswer(task, stored, JSON.stringify({ surname: 'Smith' }))).toBe(false);
    expect(sameConsensusAnswer(task, stored, '{not json')).toBe(false);
    expect(sameConsensusAnswer(task, stored, '['.repeat(200_000) + ']'.repeat(200_000))).toBe(false);
  });
});

describe('fields task: answers given under an earlier version', () => {
  function readUnder(later: WorkflowDefinition, value: object): unknown {
    const given: Annotation[] = [{ task: 'T', value }];
    const read = annotationsReadableUnder(later, given, definition);
    return read[0] === given[0] ? 'whole' : read[0]?.value;
  }
  const withFields = (change: (fields: typeof card.fields) => object[]) => workflow({ ...card, fields: change(card.fields) });

  it('reads an answer whole when its fields are unchanged but their limits (required, length)', () => {
    expect(readUnder(withFields((fields) => fields.map((field) => ({ ...field, required: true, ...(field.kind === 'text' ? { maxLength: 2 } : {}) }))), filled)).toBe('whole');
  });

  it('keeps the fields of the same key and kind, a choice only while offered, and says what the version changes', () => {
    const later = withFields((fields) => [
      { ...fields[0], label: 'Family name' },
      { ...fields[2], kind: 'text' },
      fields[3],
      { ...fields[4], choices: ['St John'] },
      { key: 'occupation', label: 'Occupation', kind: 'text' },
    ]);
    expect(readUnder(later, filled)).toEqual({ surname: 'Smith', age: '34' });
    expect(readUnder(later, { ...filled, parish: 'St John' })).toEqual({ surname: 'Smith', age: '34', parish: 'St John' });
    expect(earlierAnswerChanges(task, later.tasks.T!).map((change) => change.pointer)).toEqual(['/fields', '/fields/1/kind', '/fields/3/choices', '/fields/4']);
    expect(earlierAnswerChanges(task, later.tasks.T!)[0]!.message).toMatch(/"given"/);
  });
});
