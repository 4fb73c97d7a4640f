import type { z } from 'zod';

/** One problem with one field of a request, named by its JSON pointer (RFC 6901). */
export interface FieldError {
  pointer: string;
  message: string;
}

export function toPointer(path: readonly PropertyKey[], base = ''): string {
  return base + path.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

const NUL = '\0';
const NUL_MESSAGE = 'must not contain the NUL character (U+0000), which cannot be stored; remove it';
const HALF_PAIR_MESSAGE = 'holds half of a UTF-16 surrogate pair (an escape \\uD800 to \\uDFFF alone), which is no character and cannot be stored; send the whole character';
/** How deep a body may nest: far more than any subject, answer or workflow needs, and far less than the stack allows. */
export const MOST_NESTING = 64;

/**
 * Whether JSON text nests deeper than `most` levels of objects and lists, read without parsing it (in time that grows
 * with the text only): a body nested a million levels deep takes the parser most of a second, or far longer.
 */
export function jsonNestsDeeperThan(text: string, most: number): boolean {
  let depth = 0;
  let inString = false;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (inString) {
      if (code === 0x5c) at++; // a backslash escapes what follows
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > most) return true;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return false;
}

/** A string holding a surrogate without its other half (JSON allows the escape; Postgres's jsonb does not). */
const halfPair = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unstorable(text: string): string | undefined {
  if (text.includes(NUL)) return NUL_MESSAGE;
  if (halfPair.test(text)) return HALF_PAIR_MESSAGE;
  return undefined;
}

/** An object or list met in a walk, with how to name it: its key in the container it is in. */
interface Container {
  value: object;
  depth: number;
  parent?: Container;
  key?: string | number;
}

/** Whether an object or list holds nothing (so a walk need not keep it). */
function isEmpty(item: object): boolean {
  if (Array.isArray(item)) return item.length === 0;
  for (const _ in item) return false;
  return true;
}

/** The path to `key` of `container` (or to the container itself), built only for what is reported. */
function pathTo(container: Container | undefined, key?: string | number): (string | number)[] {
  const path = key === undefined ? [] : [key];
  for (let at = container; at?.key !== undefined; at = at.parent) path.unshift(at.key);
  return path;
}

/**
 * The strings and keys of a JSON value that Postgres could not store (the NUL character, half a surrogate pair), and
 * the place where it nests deeper than `MOST_NESTING`: refused with the field named, rather than failing in the
 * database or overflowing the stack of whatever reads it next. At most `most` of them. Every body is walked, so the
 * walk is lean: without recursion (a body may nest deeper than the stack), only objects and lists kept on its stack,
 * and pointers built only for what is found.
 */
export function unstorableErrors(value: unknown, most = 20): FieldError[] {
  const errors: FieldError[] = [];
  const report = (container: Container | undefined, key: string | number | undefined, message: string) => errors.push({ pointer: toPointer(pathTo(container, key)), message });
  const pending: Container[] = [];
  const visit = (container: Container | undefined, key: string | number | undefined, item: unknown) => {
    if (typeof item === 'string') {
      const problem = unstorable(item);
      if (problem) report(container, key, problem);
    } else if (item !== null && typeof item === 'object') {
      const depth = container ? container.depth + 1 : 0;
      if (depth >= MOST_NESTING) report(container, key, `nests deeper than ${MOST_NESTING} levels of objects and lists; flatten it`);
      else if (!isEmpty(item)) pending.push({ value: item, depth, parent: container, key });
    }
  };
  visit(undefined, undefined, value);
  while (pending.length && errors.length < most) {
    const container = pending.pop()!;
    if (Array.isArray(container.value)) {
      const list: unknown[] = container.value;
      for (let index = list.length - 1; index >= 0; index--) visit(container, index, list[index]);
      continue;
    }
    const object = container.value as Record<string, unknown>;
    const keys = Object.keys(object);
    for (let index = keys.length - 1; index >= 0; index--) {
      const key = keys[index]!;
      const problem = unstorable(key);
      if (problem) report(container, key, `has a name that ${problem}`);
      else visit(container, key, object[key]);
    }
  }
  return errors.slice(0, most);
}

/** Zod's errors, one per field: an object's unknown keys are named each by its own pointer. */
export function fieldErrorsOf(error: z.ZodError, base = ''): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ pointer: toPointer([...issue.path, key], base), message: 'is not a field here; remove it (or check its spelling)' }))
      : [{ pointer: toPointer(issue.path, base), message: messageOf(issue) }],
  );
}

const KINDS: Record<string, string> = { int: 'whole number', nonoptional: 'value', record: 'object' };
const aKind = (kind: string) => {
  const word = KINDS[kind] ?? kind;
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
};
/** What was received, in words: a kind with its article, or the value itself where it is one of a kind. */
const RECEIVED: Record<string, string> = { null: 'null', Infinity: 'Infinity (a number too large to store)' };
const receivedKind = (kind: string) => RECEIVED[kind] ?? aKind(kind);
const FORMATS: Record<string, string> = { uuid: 'a UUID', email: 'an email address', url: 'a URL', datetime: 'a date and time (ISO 8601)', date: 'a date (YYYY-MM-DD)' };
const plural = (count: number | bigint, word: string) => `${count} ${word}${Number(count) === 1 ? '' : 's'}`;

/** A size limit in words: "must be at least 1", "must have at most 10 items", "must not be empty". */
function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  const [most, beyond] = small ? ['at least', 'more than'] : ['at most', 'less than'];
  const how = issue.inclusive === false ? beyond : most;
  if (issue.origin === 'string') return small && Number(limit) === 1 ? 'must not be empty' : `must be ${how} ${plural(limit as number, 'character')} long`;
  if (issue.origin === 'array' || issue.origin === 'set') return small && Number(limit) === 1 ? 'must not be empty' : `must have ${how} ${plural(limit as number, 'item')}`;
  return `must be ${how} ${String(limit)}`;
}

/**
 * Zod's own words ("Invalid input: expected string, received number", "Too small: expected number to be >=1"), said
 * plainly; a message a schema wrote itself is kept.
 */
function messageOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (!issue.message.startsWith('Invalid input:')) return issue.message;
      const received = /received (\w+)$/.exec(issue.message)?.[1];
      if (received === 'undefined') return issue.expected === 'nonoptional' ? 'is required' : `is required: send ${aKind(issue.expected)}`;
      // NaN is what a query parameter such as limit=abc becomes: the text was not a number, which is all there is to say.
      const wrongKind = received && received !== 'NaN' && !(issue.expected === 'int' && received === 'number');
      return wrongKind ? `must be ${aKind(issue.expected)}, not ${receivedKind(received)}` : `must be ${aKind(issue.expected)}`;
    }
    case 'invalid_value':
      if (!/^Invalid (option|input):/.test(issue.message)) return issue.message;
      return issue.values.length === 1 ? `must be ${JSON.stringify(issue.values[0])}` : `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_small':
    case 'too_big':
      return /^Too (small|big):/.test(issue.message) ? bound(issue) : issue.message;
    case 'invalid_format':
      return issue.message.startsWith('Invalid') && FORMATS[issue.format] ? `must be ${FORMATS[issue.format]}` : issue.message;
    case 'invalid_union':
      // A discriminated union's tag (a task's `type`, a rule's `rule`): the values it may take.
      if ('options' in issue && Array.isArray(issue.options) && issue.message.startsWith('Invalid discriminator')) {
        return `must be one of ${issue.options.map((option) => JSON.stringify(option)).join(', ')}`;
      }
      return issue.message;
    case 'invalid_key': {
      // A record's key (a task's name): what the key's own schema says of it.
      const inner = issue.issues[0];
      return inner ? `is not a valid name here: ${messageOf(inner)}` : 'is not a valid name here';
    }
    default:
      return issue.message;
  }
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function validateWith<S extends z.ZodType>(schema: S, input: unknown, base = ''): Validated<z.infer<S>> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: fieldErrorsOf(result.error, base) };
}
