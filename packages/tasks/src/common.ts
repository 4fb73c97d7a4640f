import { z } from 'zod';
import { type FieldError, MOST_NESTING, jsonNestsDeeperThan } from './pointer';

/** A key that names something in answers and downloads' columns: short, stable, URL-safe. */
const keySchema = () => z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'use a letter followed by up to 63 letters, digits, "_" or "-"');

/** A task key as used in `firstTask`, `tasks` and `next`: short, stable, URL-safe. */
export const taskKeySchema = keySchema();
/** A fields task's field key, written as a task key is (a schema of its own: it names no task). */
export const fieldKeySchema = keySchema();

/** A field of a task that names the task it leads to: where it is in the task (a JSON pointer), and what it names, if set. */
export interface NextField {
  path: string;
  next: string | undefined;
}

/**
 * Orders text by its Unicode code points, as Postgres's `COLLATE "C"` does UTF-8 text (JavaScript's `<` compares
 * UTF-16 code units, which puts a character beyond the basic plane before U+E000–U+FFFF).
 */
export function byCodePoints(a: string, b: string): number {
  const [left, right] = [[...a], [...b]];
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = left[index]!.codePointAt(0)! - right[index]!.codePointAt(0)!;
    if (difference) return difference;
  }
  return left.length - right.length;
}

/** Downloads list several answers or tags in one cell separated by it, so no value may hold it. */
export const LIST_SEPARATOR = ';';
/** `schema`, refusing a value that holds the separator as `read` gives it (as written, or as tags are compared, where `；` is `;`). */
export const withoutListSeparator = (schema: z.ZodString, what: string, instead: string, read?: (value: string) => string) =>
  schema.refine(
    (value) => !(read ? read(value) : value).includes(LIST_SEPARATOR),
    `cannot hold "${LIST_SEPARATOR}"${read ? ' (nor a character read as one, such as the full-width "；")' : ''}, which separates ${what} in downloads; ${instead}`,
  );

/** A stable answer value: results are keyed by it, never by list position. */
export const answerValueSchema = withoutListSeparator(z.string().trim().min(1).max(100), 'several answers', 'use another character');

/** Metadata of a subject or a classification: a flat-named JSON object of at most 16 KiB, `hint` saying what to do instead. */
export const MAX_METADATA_BYTES = 16_384;
/** The longest name of a metadata field. */
export const LONGEST_METADATA_KEY = 200;
export const metadataSchema = (hint: string) =>
  z.record(z.string().max(LONGEST_METADATA_KEY), z.unknown()).superRefine((metadata, ctx) => {
    const bytes = new TextEncoder().encode(JSON.stringify(metadata)).length;
    if (bytes > MAX_METADATA_BYTES) ctx.addIssue({ code: 'custom', message: `is ${bytes} bytes as JSON; keep it under ${MAX_METADATA_BYTES} (${hint})` });
  });

/**
 * Where a value holds numbers that JSON reading could not keep as they were sent: whole numbers beyond 2^53, which
 * came out rounded (12345678901234567890 as 12345678901234567000), and numbers beyond any double, which became
 * Infinity (and would be written out as null).
 */
export function* numbersNotKept(value: unknown, path: (string | number)[] = []): Generator<(string | number)[]> {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) yield path;
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* numbersNotKept(item, [...path, index]);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* numbersNotKept(item, [...path, key]);
  }
}

/**
 * What a one-line text (a name, a title) may not hold, each with what to do instead: a line break (a mail that quotes
 * the text could be rewritten from there on: a display name that "ends" a greeting and goes on with a message of its
 * own), a tab or another control character (C0, DEL, C1), and the bidirectional controls that make text show in
 * another order than it is stored (embeddings, overrides and isolates; the direction marks a right-to-left name may
 * need, U+200E, U+200F and U+061C, are kept).
 */
const NOT_ON_ONE_LINE: [RegExp, (found: string) => string][] = [
  [/[\n\r\v\f\u0085\u2028\u2029]/u, (found) => `holds a line break (${codePoint(found)}); write it on one line`],
  [/\t/u, () => 'holds a tab (U+0009); use a space'],
  [/\p{Cc}/u, (found) => `holds the control character ${codePoint(found)}, which shows nothing; remove it`],
  [/[\u202a-\u202e\u2066-\u2069]/u, (found) => `holds the bidirectional control ${codePoint(found)}, which makes the text show in another order than it is written; remove it`],
];

const codePoint = (character: string) => `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * `schema`, for a text on one line (a display name, a project's title, a workflow's or subject set's name): refused,
 * naming the first character it may not hold (`NOT_ON_ONE_LINE`) and what to do.
 */
export const singleLine = <Schema extends z.ZodType<string>>(schema: Schema) =>
  schema.superRefine((text, ctx) => {
    for (const [refused, say] of NOT_ON_ONE_LINE) {
      const found = refused.exec(text);
      if (found) return ctx.addIssue({ code: 'custom', message: say(found[0]) });
    }
  });

export const labelSchema = z.string().trim().min(1).max(1000);
/** A task's help: markdown a volunteer opens below the task (and a step of the tutorial made from the tasks). */
export const helpSchema = z.string().max(20_000).optional();

export const choiceSchema = z.strictObject({ value: answerValueSchema, label: labelSchema });

/** The most locations (images, recordings, texts) a subject may have. */
export const MOST_LOCATIONS = 50;

/** Whether `tag` is a language tag (BCP 47) as browsers read `lang`: `he`, `ar-EG`, `sr-Latn`. */
export function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/**
 * Scripts written right to left, for runtimes whose `Intl.Locale` has no text info or whose locale data lacks the
 * language (Node's says Dhivehi, in Thaana, is left to right): a language's likely script (`he` is Hebr) says it.
 */
const RIGHT_TO_LEFT_SCRIPTS = new Set(['Adlm', 'Arab', 'Hebr', 'Mand', 'Nkoo', 'Rohg', 'Samr', 'Syrc', 'Thaa', 'Yezi']);

type LocaleWithTextInfo = Intl.Locale & { getTextInfo?: () => { direction?: string }; textInfo?: { direction?: string } };

/** The direction text in `language` (a valid language tag) is written in: `rtl` for Hebrew, Arabic, Persian, Urdu… */
export function textDirection(language: string): 'ltr' | 'rtl' {
  const locale = new Intl.Locale(language) as LocaleWithTextInfo;
  // Chromium and Firefox have the method; Node 20 the older getter.
  if ((locale.getTextInfo?.() ?? locale.textInfo)?.direction === 'rtl') return 'rtl';
  const script = locale.maximize().script;
  return script && RIGHT_TO_LEFT_SCRIPTS.has(script) ? 'rtl' : 'ltr';
}

/** A language tag (BCP 47) as `lang` takes it: a task's language, a project's. */
export const languageTagSchema = z
  .string()
  .max(100)
  .refine(isLanguageTag, 'must be a language tag (BCP 47), such as "he" for Hebrew, "ar" for Arabic, "th" for Thai or "sr-Latn" for Serbian in Latin letters');

/** A task's `language`: that of its material and of the answers volunteers type. */
export const languageSchema = languageTagSchema.optional();

/** Fields every task type shares. */
export const baseTaskFields = {
  help: helpSchema,
  /**
   * The language of the subject's text and of what volunteers type (BCP 47): the classifier marks both with it (`lang`)
   * and writes them in its direction (`dir`), so screen readers speak it, fonts suit it, and Hebrew is typed right to left.
   */
  language: languageSchema,
  /**
   * Which of the subject's locations the classifier shows as the task opens, counted from 1 in the order they were
   * uploaded (a postcard's back, its CSV's `image_url_2`, is 2); a subject with fewer opens on its first, and without it the
   * one on screen stays.
   */
  showLocation: z
    .int()
    .min(1, "must be at least 1: a subject's locations are counted from 1 in the order they were uploaded, its first (a CSV's image_url) being 1")
    .max(MOST_LOCATIONS, `must be at most ${MOST_LOCATIONS}, the most locations a subject may have`)
    .optional(),
};

/**
 * Refines a list so that no item repeats an earlier one (the same `keyOf`): each repeat is an issue at its index (at
 * its `field`, when the key is one of the item's fields), saying which item it repeats.
 */
export function noRepeats<T>(
  items: readonly T[],
  ctx: z.RefinementCtx,
  keyOf: (item: T) => string,
  say: (earlier: number, key: string) => string,
  field?: string | ((item: T) => string),
): void {
  const first = new Map<string, number>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else ctx.addIssue({ code: 'custom', path: field === undefined ? [index] : [index, typeof field === 'string' ? field : field(item)], message: say(earlier, key) });
  });
}

/** Refines a list of choices so that values are unique. */
export function uniqueValues<T extends { value: string }>(choices: T[], ctx: z.RefinementCtx): void {
  noRepeats(choices, ctx, (choice) => choice.value, (_, value) => `duplicate value "${value}": each answer needs its own value`, 'value');
}

/** The strings of a value that should be a list of them (a stored or known answer read leniently); [] for anything else. */
export const stringsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** Values as a message lists them: `"a", "b"`. */
export const quoted = (values: readonly string[]) => values.map((value) => `"${value}"`).join(', ');

/** The values of the choices `before` offers that `after` no longer does, in `before`'s order. */
export function valuesGone(before: readonly { value: string }[], after: readonly { value: string }[]): string[] {
  const offered = new Set(after.map((choice) => choice.value));
  return before.map((choice) => choice.value).filter((value) => !offered.has(value));
}

/** Answers that gave a choice no longer offered (one answer of a single choice, a close reading's sense) stop counting. */
export function choicesGone(before: readonly { value: string }[], after: readonly { value: string }[]): FieldError[] {
  const gone = valuesGone(before, after);
  return gone.length ? [{ pointer: '', message: `no longer offers ${quoted(gone)}: answers that gave ${gone.length === 1 ? 'it' : 'them'} stop counting in the consensus` }] : [];
}

/** A known answer as researchers may write it: as the annotation is, or as a download cell writes it (JSON text). */
export function readJsonCell(known: unknown): unknown {
  if (typeof known !== 'string') return known;
  try {
    return JSON.parse(known);
  } catch {
    return known;
  }
}

/** JSON with every object's keys sorted, so that the same value is the same text however its writer ordered them. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A JSON cell read as `readJsonCell` does, only if it nests no deeper than `MOST_NESTING` (as a body may): text from a
 * client nested deeper would overflow the stack of whatever walks it; it is kept as text.
 */
export function readShallowJsonCell(text: string): unknown {
  return jsonNestsDeeperThan(text, MOST_NESTING) ? text : readJsonCell(text);
}
