import { Transform } from 'node:stream';
import { stringify } from 'csv-stringify';
import { EXPORT_FORMATS, type ExportFormat, downloadSinceSchema } from '@chorus/client';
import { LIST_SEPARATOR, type Task, type TaskType, readJsonCell } from '@chorus/tasks';
import { z } from 'zod';
import { asSpreadsheetText } from '../common/spreadsheet-text';
import { enumOf, timeQuerySchema } from '../common/zod';

/** A download's `format` query parameter: one of `formats`, in any case (`CSV`, as a file's extension may be written); else `message`. */
export const formatSchemaOf = <const Formats extends readonly [string, ...string[]]>(formats: Formats, message: string) =>
  z.preprocess((format) => (typeof format === 'string' ? format.toLowerCase() : format), enumOf(formats, message));

/** The `format` query parameter of every download of rows; without it, the Accept header decides (`formatAccepted`). */
export const exportFormatSchema = formatSchemaOf(EXPORT_FORMATS, 'must be csv, json or ndjson').optional();

const FORMAT_OF_TYPE: Record<string, ExportFormat> = { 'text/csv': 'csv', 'application/json': 'json', 'application/x-ndjson': 'ndjson', 'application/jsonl': 'ndjson' };

/** The values an Accept or Accept-Encoding header names, in order, each with its q-value. */
function weighted(header: string | undefined): { value: string; q: number }[] {
  return (header ?? '').split(',').map((range) => {
    const [value = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    return { value, q: Number(parameters.find((parameter) => parameter.startsWith('q='))?.slice(2) ?? 1) };
  });
}

/**
 * The format an Accept header prefers among those of the downloads (`text/csv`, `application/json`, …), by its
 * q-values, the first named among equals; CSV when it names none of them.
 */
export function formatAccepted(accept: string | undefined): ExportFormat {
  let best: { format: ExportFormat; q: number } | undefined;
  for (const { value, q } of weighted(accept)) {
    const format = FORMAT_OF_TYPE[value];
    if (format && q > 0 && (!best || q > best.q)) best = { format, q };
  }
  return best?.format ?? 'csv';
}

/** Whether an Accept-Encoding header takes gzip: named (or as `*`) with a q-value above 0. */
export function gzipAccepted(acceptEncoding: string | undefined): boolean {
  const ranges = weighted(acceptEncoding);
  const gzip = ranges.find(({ value }) => value === 'gzip' || value === 'x-gzip') ?? ranges.find(({ value }) => value === '*');
  return gzip !== undefined && gzip.q > 0;
}

/**
 * The `since` query parameter of the downloads: an ISO 8601 date (midnight UTC), or a date and time with its zone.
 */
export const sinceSchema = timeQuerySchema(downloadSinceSchema.options, 'must be a date such as 2026-12-01, or a date and time with its zone such as 2026-12-01T09:30:00Z')
  .transform((text) => new Date(text))
  .optional();

/** A cell of a column that holds a single value. */
export type Scalar = string | number | boolean | null;
/** The value of a column that holds JSON: an object or a list, or null for none. */
export type JsonCell = Record<string, unknown> | unknown[] | null;
/** The value of a column that holds a list of ids: a JSON list in json and ndjson, joined with `;` in one CSV cell; null on a tombstone. */
export type ListCell = string[] | null;
/** One record: a value per column, an object or a list only in the columns that hold JSON or a list, a structured answer in an answer's. */
export type FlatRecord = Record<string, Scalar | JsonCell | JsonAnswer>;
/**
 * A download's record of `Columns`: those in `JsonColumns` hold JSON (`JsonCell`), a value in JSON and NDJSON and its
 * JSON text in one CSV cell; those in `ListColumns` a list (`ListCell`), a JSON list in JSON and NDJSON and its values
 * joined with `;` in one CSV cell; every other column a scalar.
 */
export type RecordOf<Columns extends string, JsonColumns extends string, ListColumns extends string = never> = {
  [Column in Columns]: Column extends JsonColumns ? JsonCell : Column extends ListColumns ? ListCell : Scalar;
};

/** A list column's values, from the text the database joined with `;` (null: none, an empty list). */
export const listOf = (joined: string | null): string[] => (joined ? joined.split(LIST_SEPARATOR) : []);

/**
 * The task types whose answer is a list (a multiple choice's choices, a tagging task's tags), which their flattened
 * answer joins with `;`: in JSON and NDJSON a list, as `annotations` has it. No choice or tag holds a `;`.
 */
const LIST_ANSWER_TYPES: ReadonlySet<TaskType> = new Set(['multiple', 'tagging']);
export const answersWithList = (task: Task | undefined): boolean => task !== undefined && LIST_ANSWER_TYPES.has(task.type);

/** The task types whose answer is structured (a form's fields, an object; a marking task's marks, a list), flattened as its JSON text. */
const JSON_ANSWER_TYPES: ReadonlySet<TaskType> = new Set(['fields', 'marking']);
const answersWithJson = (task: Task | undefined): boolean => task !== undefined && JSON_ANSWER_TYPES.has(task.type);

/**
 * A fields or marking task's flattened answer (its JSON text) in a download's record: a JSON value in JSON and NDJSON
 * (`toJSON`), not a string holding JSON; in CSV the text as it is (`serializer`), also in a column that holds a list
 * because another version gave the task key a multiple choice or tagging task.
 */
export class JsonAnswer {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return readJsonCell(this.text);
  }
}

/** An answer as a download's record holds it: text, a list of choices or tags, or a structured answer (`JsonAnswer`). */
export type AnswerCell = string | string[] | JsonAnswer | null;

/**
 * A flattened answer of `task` as its download's record holds it: a list for a list's task (`""`, none chosen: `[]`), a
 * `JsonAnswer` for a structured answer's task, else as it is; null stays null.
 */
export function answerCell(task: Task | undefined, flat: string | null): AnswerCell {
  if (flat === null) return null;
  if (answersWithList(task)) return listOf(flat);
  return answersWithJson(task) ? new JsonAnswer(flat) : flat;
}

/**
 * Every time in every download: ISO 8601 in UTC to the millisecond, always with its three digits
 * (`2026-12-04T09:30:00.000Z`), whatever the column and however precisely it was stored (Postgres keeps
 * microseconds, a device's clock may send seconds): one format to parse, and text that sorts as time does.
 */
export const DOWNLOAD_TIME_IN_WORDS = 'ISO 8601 in UTC to the millisecond, always with its three digits (2026-12-04T09:30:00.000Z), in every column and format';
export const downloadTime = (date: Date | string | null): string | null => (date === null ? null : new Date(date).toISOString());

/**
 * What the documentation says of a download's columns that hold a list (`columns`, those of a task named `<task>_…`):
 * the API's documentation and the README alike.
 */
export const listColumnsInWords = (columns: readonly string[]) =>
  `Columns that hold a list (${columns.map((column) => `\`${column}\``).join(', ')}; a \`<task>_…\` one only for a multiple choice or tagging task, whose answer is a list of choices or tags, as in \`annotations\`): in json and ndjson a JSON list (\`[]\` when there is none: no set, no choice ticked, no tag; null where the column is empty for another reason, a task not reached or not reviewed, a tombstone), in CSV its values joined with \`;\` in one cell (no id, choice or tag holds a \`;\`).`;

/** A task's column that holds its answer (`<task>_answer`, `<task>_known_answer`…), as the documentation names it. */
const isAnswerColumn = (column: string) => column.startsWith('<task>_') && column.endsWith('answer');

/**
 * What the documentation says of a download's columns that hold JSON (`columns`), and of its `metadata.<key>` columns
 * holding a list or an object: the API's documentation and the README alike.
 */
export const jsonColumnsInWords = (columns: readonly string[]) =>
  `Columns that hold JSON (${columns.map((column) => `\`${column}\``).join(', ')}${columns.some(isAnswerColumn) ? '; a `<task>_…answer` one only for a fields task, whose answer is an object of its fields\' values, or a marking task, a list of marks' : ''}, and with metadata=columns a \`metadata.<key>\` whose value is a list or an object): in json and ndjson a JSON value, an object or a list, read with the rest of the record (parse each record once); in CSV its JSON text in one cell, to parse once the CSV is read; null, or an empty CSV cell, when there is none.`;

/** How a download is written: its format, and whether a CSV opens with a byte-order mark (for Excel, which reads one without it as the computer's own charset). */
export interface DownloadForm {
  format: ExportFormat;
  bom: boolean;
}

/** The `bom` parameter: `true` or `false`. */
export const bomSchema = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

export const contentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/**
 * A record as a JSON object whose keys are `columns`, in their order, whatever order the record was built in: a reader
 * that takes a record's values in order gets the CSV's columns. A value the record lacks is null, as CSV leaves it
 * empty. The keys are written once, not per record.
 */
function jsonInColumnOrder(columns: readonly string[]): (record: FlatRecord) => string {
  const keys = columns.map((column, index) => `${index ? ',' : ''}${JSON.stringify(column)}:`);
  return (record) => {
    let json = '{';
    for (let index = 0; index < columns.length; index++) json += keys[index] + JSON.stringify(record[columns[index]!] ?? null);
    return `${json}}`;
  };
}

/**
 * Serialises records as they stream from the database, with the same columns, in the same order, in every format.
 * CSV leaves a missing value and an empty string alike empty, writes a column that holds JSON as its JSON text and one
 * that holds a list (`listColumns`) as its values joined with `;`, and
 * keeps formulas from running (`asSpreadsheetText`); JSON and NDJSON give every value as stored, null and "" apart,
 * an object or a list as a JSON value, and never open with a byte-order mark (JSON must not).
 */
export function serializer({ format, bom }: DownloadForm, columns: string[], listColumns: readonly string[] = []): Transform {
  if (format === 'csv') {
    // A structured answer is its JSON text, whatever its column; a column that holds a list is its values joined with
    // `;`, a column that holds JSON its JSON text; guarded as any text is.
    const lists = new Set(listColumns);
    const cell = (value: object, column: string) => {
      if (value instanceof JsonAnswer) return value.text;
      return lists.has(column) && Array.isArray(value) ? value.join(LIST_SEPARATOR) : JSON.stringify(value);
    };
    const object = (value: object, { column }: { column?: string | number }) => asSpreadsheetText(cell(value, String(column)));
    return stringify({ bom, header: true, columns, cast: { boolean: (value) => String(value), string: asSpreadsheetText, object } });
  }
  if (format === 'json') return jsonList(columns);
  const toJson = jsonInColumnOrder(columns);
  return new Transform({
    writableObjectMode: true,
    transform(record: FlatRecord, _encoding, done) {
      done(null, `${toJson(record)}\n`);
    },
  });
}

/**
 * Records as one JSON list, a record a line, written as they stream: `before` the list and `after` it, so that a
 * download may wrap it in an object of its own (`{ "contributors": [...], "otherVolunteers": N }`).
 */
export function jsonList(columns: readonly string[], { before = '', after = '\n' }: { before?: string; after?: string } = {}): Transform {
  const toJson = jsonInColumnOrder(columns);
  let first = true;
  return new Transform({
    writableObjectMode: true,
    transform(record: FlatRecord, _encoding, done) {
      done(null, `${first ? `${before}[\n` : ',\n'}${toJson(record)}`);
      first = false;
    },
    flush(done) {
      done(null, `${first ? `${before}[]` : '\n]'}${after}`);
    },
  });
}
