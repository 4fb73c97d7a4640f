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

/**
 * The strings and keys of a JSON value that hold the NUL character, which Postgres can store neither in text nor in
 * jsonb: refused with the field named, rather than failing in the database. At most `most` of them, found without
 * recursion (a body may nest deeper than the stack), and pointers built only for what is found.
 */
export function nulCharacterErrors(value: unknown, most = 20): FieldError[] {
  const errors: FieldError[] = [];
  const pending: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (pending.length && errors.length < most) {
    const { value: next, path } = pending.pop()!;
    if (typeof next === 'string') {
      if (next.includes(NUL)) errors.push({ pointer: toPointer(path), message: NUL_MESSAGE });
      continue;
    }
    if (!next || typeof next !== 'object') continue;
    for (const [key, item] of Object.entries(next).reverse()) {
      if (key.includes(NUL)) errors.push({ pointer: toPointer([...path, key]), message: `has a name that ${NUL_MESSAGE}` });
      else pending.push({ value: item, path: [...path, key] });
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

/** Zod's own words for a missing field ("Invalid input: expected string, received undefined"), said plainly. */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_type' || !issue.message.startsWith('Invalid input:') || !issue.message.endsWith('received undefined')) return issue.message;
  if (issue.expected === 'nonoptional') return 'is required';
  return `is required: send ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function validateWith<S extends z.ZodType>(schema: S, input: unknown, base = ''): Validated<z.infer<S>> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: fieldErrorsOf(result.error, base) };
}
