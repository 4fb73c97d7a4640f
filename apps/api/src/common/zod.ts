import { type PipeTransform, applyDecorators } from '@nestjs/common';
import { ApiBody, ApiDefaultResponse, ApiExtension, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { problemSchema } from '@chorus/client';
import { type FieldError, type Validated, singleLine, validateWith } from '@chorus/tasks';
import { z } from 'zod';
import { ProblemException, validationFailed } from './problem';

/** Validates a request part with a zod schema; errors name each field by JSON pointer. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S, private readonly base = '') {}
  transform(value: unknown): z.infer<S> {
    if (this.base === '/query') refuseRepeatedParameters(value);
    return unwrap(validateWith(this.schema, value, this.base));
  }
}

/** No query parameter takes several values: one given twice (`?since=…&since=…`) arrives as a list, and is named. */
function refuseRepeatedParameters(query: unknown): void {
  const repeated = Object.entries(query ?? {}).filter(([, value]) => Array.isArray(value));
  if (!repeated.length) return;
  throw validationFailed(repeated.map(([name]) => ({ pointer: `/query/${name}`, message: 'is given more than once; give it once' })));
}

export function unwrap<T>(result: Validated<T>): T {
  if (!result.ok) throw validationFailed(result.errors);
  return result.value;
}

/**
 * The value of a check, once the checks that come after it have run: a refusal names every field at fault, those
 * found `later` after the check's own (a request's body, its answers read against the workflow, then a header), so
 * that one round of fixes is enough. `later` runs only when this check passed.
 */
export async function unwrapAlong<T>(result: Validated<T>, others: FieldError[], later: (value: T) => Promise<void>): Promise<T> {
  if (!result.ok) throw validationFailed([...result.errors, ...others]);
  if (!others.length) return result.value;
  try {
    await later(result.value);
  } catch (error) {
    const found = error instanceof ProblemException && error.body.status === 422 ? error.body.errors : undefined;
    if (found) throw validationFailed([...found, ...others]);
    throw error;
  }
  throw validationFailed(others);
}

/** What a check found wrong, if anything. */
export const errorsOf = (result: Validated<unknown>): FieldError[] => (result.ok ? [] : result.errors);

type JsonSchema = { [key: string]: unknown };

/**
 * The schemas the OpenAPI document refers to by name, gathered as routes are documented: zod puts a schema that
 * refers to itself (a workflow's retirement rule) under the schema's own `definitions`, which a document does not
 * keep, so it goes to `components.schemas`, named by its title (`setUpOpenApi` adds them to the document).
 */
export const openApiComponents: Record<string, JsonSchema> = {};

function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { definitions = {}, ...root } = z.toJSONSchema(schema, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as JsonSchema & { definitions?: Record<string, JsonSchema> };
  const names = new Map<string, string>();
  for (const [key, definition] of Object.entries(definitions)) {
    if (typeof definition.title !== 'string') throw new Error(`give the schema that zod calls ${key} a title, with .meta({ title }): the API's documentation names it`);
    names.set(`#/definitions/${key}`, `#/components/schemas/${definition.title}${io === 'input' ? 'Input' : ''}`);
  }
  const named = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(named);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === '$ref' ? (names.get(value as string) ?? value) : named(value)]));
  };
  for (const [key, definition] of Object.entries(definitions)) openApiComponents[names.get(`#/definitions/${key}`)!.split('/').at(-1)!] = named(definition) as JsonSchema;
  return named(root) as JsonSchema;
}

/** Where `ApiZodBody` lists the media types a route reads besides JSON; `setUpOpenApi` moves them into the body. */
export const OTHER_BODY_TYPES = 'x-chorus-other-body-types';

/**
 * Documents a zod body schema in OpenAPI, from the same schema that validates it, and any other media type the route
 * reads (a CSV file, say) with the schema of its text.
 */
export function ApiZodBody(schema: z.ZodType, description?: string, otherTypes: Record<string, JsonSchema> = {}): MethodDecorator {
  const body = ApiBody({ schema: jsonSchemaOf(schema, 'input'), description });
  return Object.keys(otherTypes).length ? applyDecorators(body, ApiExtension(OTHER_BODY_TYPES, otherTypes)) : body;
}

/** The workflow ETag header of an answer, as the OpenAPI document describes it. */
export const ETAG_HEADER = {
  ETag: { description: "The workflow's version and subject sets: send it as If-Match with the next edit, which is refused with 412 if another was saved meanwhile", schema: { type: 'string' } },
};

/**
 * Documents a route's answer in OpenAPI from the schema the client's types come from (`@chorus/client`'s views), and
 * that any other status is a problem (RFC 9457).
 */
export function ApiZodResponse(
  schema: z.ZodType,
  options: { status?: number; description?: string; headers?: typeof ETAG_HEADER; also?: { status: number; description: string } } = {},
): MethodDecorator {
  const { status = 200, description = 'OK', headers, also } = options;
  const answers = [ApiResponse({ status, description, headers, schema: jsonSchemaOf(schema, 'output') })];
  if (also) answers.push(ApiResponse({ status: also.status, description: also.description, headers, schema: jsonSchemaOf(schema, 'output') }));
  return applyDecorators(...answers, ApiProblemResponse());
}

/**
 * Documents a query parameter with the schema that checks it, so that its type and limits show (a parameter without a
 * schema shows as `{}`): the checks the value must pass, a pipe's last (`z.string().pipe(taskKeySchema)`: its pattern).
 */
export function ApiZodQuery(name: string, schema: z.ZodType, options: { required: boolean; description: string }): MethodDecorator & ClassDecorator {
  return ApiQuery({ name, ...options, schema: jsonSchemaOf(schema, 'output') });
}

/**
 * Documents that any status but the route's success is a problem (RFC 9457); with `status`, one such status and what
 * it answers (`description`), its body a problem too.
 */
export function ApiProblemResponse(answer?: { status: number; description: string }): MethodDecorator & ClassDecorator {
  const content = { 'application/problem+json': { schema: jsonSchemaOf(problemSchema, 'output') } };
  if (answer) return ApiResponse({ ...answer, content });
  return ApiDefaultResponse({ description: 'A problem: what is wrong, and the JSON pointer of each bad field', content });
}

/** Validates a uuid path parameter, naming it in the error. */
export const uuidParam = (name: string) => new ZodPipe(z.uuid('must be a UUID'), `/params/${name}`);

/** How many items a page of a list holds: from 1 to `most`, `byDefault` when not asked. */
export const pageLimitSchema = (most: number, byDefault: number) => z.coerce.number().int('must be a whole number').min(1).max(most).default(byDefault);

/**
 * The pattern of a cursor of a list in time order: a time to the microsecond, as `cursorTimeSql` writes it (Postgres
 * keeps times to the microsecond, which a JavaScript Date would cut to the millisecond), an id breaking ties, and any
 * `more` parts after them; each captured, separated by `_`.
 */
export const timeCursorPattern = (...more: string[]) =>
  new RegExp(`^${['(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z)', '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})', ...more].join('_')}$`);

/**
 * The `after` of a paged list: the `next` its page before gave, `pattern` capturing the place it stands for (a
 * sort key and an id), which `read` turns into the query's parameters.
 */
export const pageCursorSchema = <T>(pattern: RegExp, read: (parts: string[]) => T) =>
  z
    .string()
    .regex(pattern, 'must be the "next" of the page before, as it was given')
    .refine((cursor) => (pattern.exec(cursor)?.slice(1) ?? []).every(isRealTime), 'must be the "next" of the page before, as it was given: its time is no real moment')
    .refine((cursor) => (pattern.exec(cursor)?.slice(1) ?? []).every(fitsBigint), 'must be the "next" of the page before, as it was given: a number in it is out of range')
    .transform((cursor) => read(pattern.exec(cursor)!.slice(1)))
    .optional();

/**
 * The `after` (or `before`) of a list in time order (a volunteer's favourites, collections, comments, notifications…):
 * the `next` of the page before, a time to the microsecond (`cursorTimeSql`) and the id that breaks ties.
 */
export const timeCursorSchema = pageCursorSchema(timeCursorPattern(), ([time, id]) => ({ time: time!, id: id! }));
/** The `next` of a page of such a list, which `timeCursorSchema` reads: its last item's time to the microsecond (`cursorTimeSql`) and id. */
export const timeCursor = (time: string, id: string) => `${time}_${id}`;

const CURSOR_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
/**
 * A cursor's part that is no time, or a time that is a real moment: the pattern lets "2026-02-31T…" through, which
 * JavaScript rolls over to March, and the year 0000, which JavaScript takes; Postgres refuses both (a 500, not the 422
 * that names the parameter).
 */
function isRealTime(part: string): boolean {
  if (!CURSOR_TIME.test(part)) return true;
  if (part.startsWith('0000')) return false;
  const ms = Date.parse(part);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === part.slice(0, 19);
}

/** A cursor's part that is no whole number, or one a Postgres bigint holds: the pattern lets 19 digits through, which may not fit (a 500, not a 422). */
const fitsBigint = (part: string) => !/^-?\d+$/.test(part) || (BigInt(part) >= -(2n ** 63n) && BigInt(part) < 2n ** 63n);

/** A time whose zone's "+" arrived as a space: in a query string, "+" means a space (`+01:00` unescaped). */
const ZONE_PLUS_AS_SPACE = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)? \d\d:?\d\d$/;

/**
 * A query parameter that is a point in time (the downloads' `since`, the `asOf` of ending holds): text in one of the ISO
 * 8601 `formats` (a date and time with its zone, a date alone…), kept as sent, since a Date would cut a database's
 * microseconds to milliseconds. Refused with `expected` (what to send), or for a zone whose "+" was sent as it is, with
 * how to send it.
 */
export const timeQuerySchema = (formats: readonly z.ZodType<string>[], expected: string) =>
  z.string({ error: expected }).refine((text) => formats.some((format) => format.safeParse(text).success), {
    error: (issue) =>
      typeof issue.input === 'string' && ZONE_PLUS_AS_SPACE.test(issue.input)
        ? 'must be a date and time with its zone; send the "+" of a zone such as +01:00 as %2B (in a query string "+" means a space)'
        : expected,
  });

/** Of the values a parameter takes, the one `given` matches but for capitals (`externalid`: `externalId`), if any. */
const nearMissOf = (values: readonly string[], given: unknown): string | undefined =>
  typeof given === 'string' ? values.find((value) => value.toLowerCase() === given.toLowerCase()) : undefined;

/** A value a refusal suggests for what was given, and why what was given is not taken as that value. */
export interface NearMiss {
  value: string;
  why: string;
}

const butForCapitals = (values: readonly string[], given: unknown): NearMiss | undefined => {
  const value = nearMissOf(values, given);
  return value === undefined ? undefined : { value, why: 'values are matched with capitals as written' };
};

/**
 * What a refusal of a parameter's value says: `message` (every value it takes), then the one of `values` that what
 * was `given` comes close to, by `nearMiss` (by default, one it is but for capitals, since values are matched as
 * written), and why.
 */
export const withNearMiss = (message: string, values: readonly string[], given: unknown, nearMiss = butForCapitals): string => {
  const near = nearMiss(values, given);
  return near === undefined ? message : `${message}; did you mean ${JSON.stringify(near.value)}? (${near.why})`;
};

/** A parameter taking one of `values`, as written; refused with `message`, and `withNearMiss`'s suggestion. */
export const enumOf = <const T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.enum(values, { error: (issue) => withNearMiss(message, values, issue.input) });

/**
 * A thing's name on one line (a collection's, a board's title), trimmed, not empty, at most `max` characters: `what`
 * says what it is in the errors (`the board’s title`), `naming` how to name it (`the board (Help, Science, Chat…)`).
 */
export const oneLineNameSchema = (what: string, naming: string, max: number) =>
  singleLine(
    z
      .string(`must be ${what}, as text`)
      .trim()
      .min(1, `must not be empty: name ${naming}`)
      .max(max, `must be at most ${max} characters: shorten it`),
  );
