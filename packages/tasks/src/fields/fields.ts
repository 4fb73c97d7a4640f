import { z } from 'zod';
import { baseTaskFields, fieldKeySchema, labelSchema, noRepeats, quoted, singleLine, taskKeySchema } from '../common';
import type { FieldError } from '../pointer';
import { normaliseTag } from '../tagging/tagging';

/** What a field holds, which says how it is entered, checked and compared. */
export const FIELD_KINDS = ['text', 'number', 'date', 'choice'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

/** The longest value of a text field when the field sets no `maxLength`. */
export const DEFAULT_FIELD_LENGTH = 500;
/** The most fields one task may have: a card or a register's row, not a whole form. */
export const MOST_FIELDS = 30;

/** A choice as offered and compared: composed (NFC), as volunteers' values are stored, so an accent typed either way matches. */
const choiceTextSchema = singleLine(z.string().trim().min(1).max(200)).transform((choice) => choice.normalize('NFC'));

export const formFieldSchema = z
  .strictObject({
    /** Names the field in answers and downloads (`<task>.<key>`): stable, like a task's key. */
    key: fieldKeySchema,
    label: labelSchema,
    /** A line under the field's label (shown as plain text, as the label is). */
    help: singleLine(labelSchema).optional(),
    /** How the field is entered, checked and compared; a line of text when left out. */
    kind: z.enum(FIELD_KINDS, { error: `must be one of ${quoted(FIELD_KINDS)}` }).default('text'),
    /** The values a choice field offers (choice only, and required there). */
    choices: z
      .array(choiceTextSchema)
      .min(1)
      .max(200)
      .superRefine((choices, ctx) => noRepeats(choices, ctx, (choice) => choice, (earlier) => `repeats choices/${earlier}; offer each once`))
      .optional(),
    required: z.boolean().default(false),
    /** The longest value of a text field, in characters (text only; `DEFAULT_FIELD_LENGTH` when left out). */
    maxLength: z.int().min(1).max(10_000).optional(),
  })
  .superRefine((field, ctx) => {
    if (field.kind === 'choice' && !field.choices) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'is required for a choice field: list the values it offers' });
    if (field.kind !== 'choice' && field.choices) ctx.addIssue({ code: 'custom', path: ['choices'], message: `is only for a choice field; remove it, or make the field's kind "choice"` });
    if (field.kind !== 'text' && field.maxLength !== undefined) ctx.addIssue({ code: 'custom', path: ['maxLength'], message: `is only for a text field; remove it` });
  });
export type FormField = z.infer<typeof formFieldSchema>;

export const fieldsTaskSchema = z.strictObject({
  type: z.literal('fields'),
  instruction: labelSchema,
  ...baseTaskFields,
  fields: z
    .array(formFieldSchema)
    .min(1, 'give at least one field')
    .max(MOST_FIELDS, `at most ${MOST_FIELDS} fields; split the form into several tasks`)
    .superRefine((fields, ctx) => noRepeats(fields, ctx, (field) => field.key.toLowerCase(), (earlier) => `repeats the key of fields/${earlier} (keys differing only in case are the same, as task keys are); give each field its own key`, 'key')),
  next: taskKeySchema.optional(),
});
export type FieldsTask = z.infer<typeof fieldsTaskSchema>;

/** A fields answer: every field's value by its key, "" for a field left blank. */
export type FieldsAnnotation = Record<string, string>;

/** Whole or decimal numbers as they are stored, and as volunteers may type them in any project: `12`, `-3`, `12.5`, `.5`. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
/** A number as a stored one reads, that a language grouping thousands with "." writes for a thousand or more: `1.250`. */
const THOUSANDS_WITH_POINT = /^[+-]?[1-9]\d{0,2}\.\d{3}$/;

/**
 * How numbers are typed in a project's language, as far as a form reads them: the mark it writes decimals with, and
 * whether it groups thousands with "." (German, Spanish, Italian, Dutch, Turkish…). One object per way of writing, so
 * that schemas are built once for all the languages that write numbers alike.
 */
export interface NumberWriting {
  readonly decimal: string;
  readonly groupsWithPoint: boolean;
}

/** Numbers as they are stored, and as English writes them: "." for decimals, nothing read as a thousands separator. */
export const STORED_NUMBERS: NumberWriting = { decimal: '.', groupsWithPoint: false };
const writings = new Map<string, NumberWriting>([['.', STORED_NUMBERS]]);
/** By language tag as given (any BCP 47 tag may be a project's): dropped when full, so it stays small. */
const writingsByLanguage = new Map<string, NumberWriting>();
const MOST_LANGUAGES_KEPT = 100;

/** The parts `Intl` formats a number into in `language`, or none for a language it does not know (not the runtime's own). */
function numberParts(language: string): Intl.NumberFormatPart[] {
  const known = Intl.NumberFormat.supportedLocalesOf(language);
  return known.length ? new Intl.NumberFormat(known, { useGrouping: true }).formatToParts(1234567.5) : [];
}

/**
 * How `language` (a project's, a BCP 47 tag; numbers as stored when none) writes numbers, as `Intl` formats them: ","
 * for decimals and "." between thousands in German, "." and "," in English, "." and "’" in Swiss German (`de-CH`). A
 * language `Intl` does not know writes them as stored, not as the runtime's own (a browser's, which the API's would not
 * match).
 */
export function numberWriting(language?: string): NumberWriting {
  if (language === undefined) return STORED_NUMBERS;
  let writing = writingsByLanguage.get(language);
  if (!writing) {
    const parts = numberParts(language);
    const decimal = parts.find((part) => part.type === 'decimal')?.value ?? '.';
    const groupsWithPoint = parts.some((part) => part.type === 'group' && part.value === '.');
    const key = `${decimal}${groupsWithPoint ? ' grouped' : ''}`;
    writing = writings.get(key) ?? { decimal, groupsWithPoint };
    writings.set(key, writing);
    if (writingsByLanguage.size >= MOST_LANGUAGES_KEPT) writingsByLanguage.clear();
    writingsByLanguage.set(language, writing);
  }
  return writing;
}

/** The mark `language` writes decimals with (`numberWriting`): "," in French and German, "." in English. */
export const decimalSeparator = (language?: string): string => numberWriting(language).decimal;

/** Twelve and a half as numbers are written so (`12,5` in French), the example a refusal of a number gives. */
export const decimalExample = (writing: NumberWriting = STORED_NUMBERS): string => `12${writing.decimal}5`;

/**
 * Whether a number typed so could be a thousand or more, written with "." between thousands, or a decimal (`1.250` in
 * German): a volunteer's meaning no one can tell, so refused as typed, though the same text stored is a decimal.
 */
function thousandsOrDecimal(text: string, writing: NumberWriting): boolean {
  return writing.groupsWithPoint && THOUSANDS_WITH_POINT.test(text);
}

/**
 * What a volunteer typing `text` (`1.250`, as `thousandsOrDecimal` says) may have meant, to write instead: the whole
 * number (`1250`), or the decimal with the language's separator (`1,25`).
 */
export function meaningsOf(text: string, writing: NumberWriting): { whole: string; decimal: string } {
  const decimal = text.replace('.', writing.decimal).replace(/0+$/, '');
  return { whole: text.replace('.', ''), decimal: decimal.endsWith(writing.decimal) ? decimal.slice(0, -1) : decimal };
}

/**
 * A number as a volunteer types it, in a project whose language writes numbers so (`writing`), as it is stored (the
 * number with "." for decimals, otherwise as typed: `12,5` is `12.5`), or undefined when it is none. A "." is a
 * decimal point in every language (the stored form, which must read the same wherever it is checked again), but for
 * `1.250` typed where the language groups thousands with "." (`thousandsOrDecimal`); the language's own decimal
 * separator is one too (`12,5`, `-0,5`, `,5` in French or German). Nothing is a thousands separator: `1,250` in
 * English, `1.250,5` or `1 250` in German are refused, as is `12,5` where the language writes decimals with ".".
 */
export function numberAsStored(text: string, writing: NumberWriting = STORED_NUMBERS): string | undefined {
  if (thousandsOrDecimal(text, writing)) return undefined;
  if (NUMBER.test(text)) return text;
  if (writing.decimal === '.' || text.includes('.')) return undefined;
  const withPoint = text.replace(writing.decimal, '.');
  return NUMBER.test(withPoint) ? withPoint : undefined;
}

/** A stored number as `language` writes it, to be corrected there: `12.5` is `12,5` in French; `numberAsStored` reads it back. */
export const numberAsTyped = (stored: string, language?: string): string => (NUMBER.test(stored) ? stored.replace('.', decimalSeparator(language)) : stored);

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

const daysIn = (year: number, month: number) => (month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);

/** Whether `text` is a date as archives give them: a year, a month of a year, or a day, each real (no 31 April). */
export function isPartialDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), match[2] && Number(match[2]), match[3] && Number(match[3])];
  if (month === undefined || month === '') return true;
  if (month < 1 || month > 12) return false;
  return day === undefined || day === '' || (day >= 1 && day <= daysIn(year, month));
}

const ONE_LINE_PROBLEM = singleLine(z.string());

/**
 * What is wrong with a field's value (trimmed), by kind of fault, for the classifier to say in the volunteer's language
 * (`fieldProblem` says it in English): blank where required, over its length, on several lines, not a number, a
 * thousand or a decimal as typed (`1.250` in German), not a date as archives write them, no real date, or a choice not
 * offered.
 */
export type FieldFault = 'required' | 'tooLong' | 'oneLine' | 'notNumber' | 'thousandsOrDecimal' | 'notDate' | 'notRealDate' | 'notOffered';

/** `writing` is how the project's language writes numbers, a number being typed so (`numberAsStored`); as stored when not given. */
export function fieldFault(field: FormField, value: string, writing: NumberWriting = STORED_NUMBERS): FieldFault | undefined {
  if (value === '') return field.required ? 'required' : undefined;
  switch (field.kind) {
    case 'text':
      if ([...value].length > (field.maxLength ?? DEFAULT_FIELD_LENGTH)) return 'tooLong';
      return ONE_LINE_PROBLEM.safeParse(value).success ? undefined : 'oneLine';
    case 'number':
      if (thousandsOrDecimal(value, writing)) return 'thousandsOrDecimal';
      return numberAsStored(value, writing) === undefined ? 'notNumber' : undefined;
    case 'date':
      if (!DATE.test(value)) return 'notDate';
      return isPartialDate(value) ? undefined : 'notRealDate';
    case 'choice':
      return field.choices!.includes(value) ? undefined : 'notOffered';
  }
}

/**
 * Each field of a form whose value (as typed in a project in `language`: tidied first) is at fault, by its key, in the
 * task's order.
 */
export function fieldFaults(task: FieldsTask, values: Readonly<Record<string, string | undefined>>, language?: string): Map<string, FieldFault> {
  const writing = numberWriting(language);
  return new Map(
    task.fields.flatMap((field) => {
      const fault = fieldFault(field, tidyFieldValue(values[field.key] ?? ''), writing);
      return fault ? [[field.key, fault] as const] : [];
    }),
  );
}

/** What is wrong with a field's value (trimmed), as the volunteer can fix it; undefined when nothing. */
function fieldProblem(field: FormField, value: string, writing: NumberWriting): string | undefined {
  const fault = fieldFault(field, value, writing);
  switch (fault) {
    case undefined:
      return undefined;
    case 'required':
      return `is required ("${field.label}"): fill it in`;
    case 'tooLong':
      return `is longer than ${field.maxLength ?? DEFAULT_FIELD_LENGTH} characters; shorten it`;
    case 'oneLine':
      return ONE_LINE_PROBLEM.safeParse(value).error!.issues[0]!.message;
    case 'notNumber':
      return `is not a number: write digits, with "${writing.decimal}" for decimals (${decimalExample(writing)}), without spaces or thousands separators`;
    case 'thousandsOrDecimal': {
      const { whole, decimal } = meaningsOf(value, writing);
      return `could be a thousand or more, or a decimal (${value}): write ${whole}, or ${decimal}, without "." between thousands`;
    }
    case 'notDate':
      return 'is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (1881, 1881-04, 1881-04-03)';
    case 'notRealDate':
      return `is not a real date (${value}): check the month and the day`;
    case 'notOffered':
      return `"${value}" is not offered: choose one of ${quoted(field.choices!)}, or leave it blank`;
  }
}

/** A field's value as it is stored: trimmed, composed (NFC). */
export const tidyFieldValue = (value: string) => value.trim().normalize('NFC');

/**
 * The volunteer submits an object with a string for every field (its key); "" leaves it blank. Each value, trimmed and
 * composed (NFC), is checked by its field's kind as typed where numbers are written so (`writing`, the project's
 * language's; as stored when not given), and stored so, a number with "." for decimals (`12,5` typed in a project
 * whose language writes decimals with a comma is stored `12.5`).
 */
export function fieldsAnnotationSchema(task: FieldsTask, writing: NumberWriting = STORED_NUMBERS) {
  const shape = Object.fromEntries(task.fields.map((field) => [field.key, z.string({ error: `must be a string (${field.label}): "" leaves it blank` })]));
  return z
    .strictObject(shape)
    .transform((value) => Object.fromEntries(task.fields.map((field) => [field.key, tidyFieldValue(value[field.key] as string)])) as FieldsAnnotation)
    .superRefine((value, ctx) => {
      for (const field of task.fields) {
        const problem = fieldProblem(field, value[field.key]!, writing);
        if (problem) ctx.addIssue({ code: 'custom', path: [field.key], message: problem });
      }
    })
    .transform((value) => Object.fromEntries(task.fields.map((field) => [field.key, (field.kind === 'number' && numberAsStored(value[field.key]!, writing)) || value[field.key]!])) as FieldsAnnotation);
}

/**
 * A field's value as consensus and known answers compare it: text as tags are compared (case, spaces, invisible
 * characters and how letters are typed aside: `normaliseTag`), a number by its value (`12.50` is `12.5`), a date or a
 * choice as written.
 */
export function fieldComparable(field: Pick<FormField, 'kind'>, value: string): string {
  if (value === '') return '';
  if (field.kind === 'text') return normaliseTag(value);
  if (field.kind === 'number' && NUMBER.test(value)) return exactNumber(value);
  return value;
}

/** A number as an exact decimal, however written (`0034.50` is `34.5`, `-0` is `0`): no float, so no two long integers meet. */
function exactNumber(text: string): string {
  const [whole = '', fraction = ''] = text.replace(/^[+-]/, '').split('.');
  const decimals = fraction.replace(/0+$/, '');
  const digits = `${whole.replace(/^0+/, '') || '0'}${decimals ? `.${decimals}` : ''}`;
  return text.startsWith('-') && digits !== '0' ? `-${digits}` : digits;
}

/**
 * Whether a stored value still reads as a value of `field` (a number for a number field, a choice still offered): the
 * rule for new values (`fieldFault`) without their limits (required, a text's length and line).
 */
function readsAs(field: FormField, value: unknown): value is string {
  if (typeof value !== 'string') return false;
  return field.kind === 'text' || fieldFault({ ...field, required: false }, value) === undefined;
}

/**
 * An answer given under an earlier version, as this one reads it: the values of the fields it still has with the same
 * key and kind in `givenTo` (the task it was given to), each still a value of that kind (a choice still
 * offered), whatever the limits for new answers (required, a length). A field it has no value for has no vote from it.
 */
export function fieldsEarlierAnswer(task: FieldsTask, value: unknown, givenTo: FieldsTask): FieldsAnnotation | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const given = value as Record<string, unknown>;
  const kindBefore = new Map(givenTo.fields.map((field) => [field.key, field.kind]));
  const kept = task.fields.filter((field) => Object.hasOwn(given, field.key) && kindBefore.get(field.key) === field.kind && readsAs(field, given[field.key]));
  if (!kept.length) return undefined;
  const whole = kept.length === Object.keys(given).length;
  return whole ? (value as FieldsAnnotation) : Object.fromEntries(kept.map((field) => [field.key, given[field.key] as string]));
}

/** Fields gone, of another kind, or offering fewer choices: the answers given so far count for them otherwise. */
export function fieldsEarlierAnswerChanges(before: FieldsTask, after: FieldsTask): FieldError[] {
  const earlier = new Map(before.fields.map((field) => [field.key, field]));
  const kept = new Set(after.fields.map((field) => field.key));
  const gone = before.fields.filter((field) => !kept.has(field.key)).map((field) => field.key);
  return [
    ...(gone.length ? [{ pointer: '/fields', message: `no longer has ${quoted(gone)}: the values given to ${gone.length === 1 ? 'it' : 'them'} so far stop counting in the consensus` }] : []),
    ...after.fields.flatMap((field, index): FieldError[] => {
      const was = earlier.get(field.key);
      if (!was) return [{ pointer: `/fields/${index}`, message: `is new ("${field.key}"): answers given so far have no value for it, and its consensus counts only new answers` }];
      if (was.kind !== field.kind) return [{ pointer: `/fields/${index}/kind`, message: `is "${field.kind}" where it was "${was.kind}": the values given to "${field.key}" so far stop counting in the consensus` }];
      const choicesGone = (was.choices ?? []).filter((choice) => !field.choices?.includes(choice));
      return choicesGone.length ? [{ pointer: `/fields/${index}/choices`, message: `no longer offers ${quoted(choicesGone)}: values that gave ${choicesGone.length === 1 ? 'it' : 'them'} stop counting in the consensus of "${field.key}"` }] : [];
    }),
  ];
}

/**
 * Whether a volunteer's values give the known ones: a known answer is a whole answer (uploads refuse one that lacks a
 * field), so every field, blank included, must match as consensus compares them (`fieldComparable`); a known answer
 * that lacks a field (one added by a later version) is given by no answer.
 */
export function givesKnownFields(task: FieldsTask, given: unknown, known: unknown): boolean {
  if (!isRecord(given) || !isRecord(known)) return false;
  return task.fields.every((field) => {
    const expected = known[field.key];
    const value = given[field.key];
    return typeof expected === 'string' && typeof value === 'string' && fieldComparable(field, tidyFieldValue(value)) === fieldComparable(field, tidyFieldValue(expected));
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A consensus answer as stored (the object as JSON text) as a value; {} for none, or for text that is not one (read per row of a download: never throws). */
export function fieldsConsensusValue(answer: string): FieldsAnnotation {
  try {
    const parsed = JSON.parse(answer) as unknown;
    return isRecord(parsed) ? (parsed as FieldsAnnotation) : {};
  } catch {
    return {};
  }
}
