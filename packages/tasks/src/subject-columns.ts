/** The columns of a subject file that give a subject what volunteers see, each numbered from its second (`image_url_2`). */
export const SUBJECT_LOCATION_COLUMNS = ['image_url', 'audio_url', 'text'] as const;
/** The column of each kind of location (a subject's image, audio or text), first of its numbered columns. */
export const SUBJECT_LOCATION_COLUMN_OF = { image: 'image_url', audio: 'audio_url', text: 'text' } as const satisfies Record<string, (typeof SUBJECT_LOCATION_COLUMNS)[number]>;
/** A subject file's `n`th column of a kind (from 1): `image_url`, then `image_url_2`, `image_url_3`… */
export const numberedColumn = (column: string, n: number) => (n === 1 ? column : `${column}_${n}`);
/** A column that gives a subject what volunteers see, as `columnKey` reads it (`image_url`, `text_2`). */
export const SUBJECT_LOCATION_COLUMN = new RegExp(`^(?:${SUBJECT_LOCATION_COLUMNS.join('|')})(?:_\\d+)?$`);

/**
 * A subject file's header as it is matched against the columns Chorus knows: in lower case, its words joined by "_",
 * whether a spreadsheet separates them by spaces, hyphens or underscores or writes them in camelCase, as the JSON
 * upload's fields are (`External ID`, `external-id` and `externalId` are all `external_id`; `ImageURL` is `image_url`).
 * The API reads a CSV's columns by it; the lab tells a table of subjects by it.
 */
export function columnKey(written: string): string {
  return written
    .trim()
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[\s_-]+/g, '_')
    .toLowerCase();
}

/** The separators a CSV file of subjects may have between its cells. */
export type CsvDelimiter = ',' | ';' | '\t';

/**
 * The separator of a CSV file: a comma, or the semicolon or tab its header uses instead (spreadsheets in many
 * languages save "CSV" with semicolons): the one that splits off a column volunteers see (`image_url;Title, sub`),
 * else whichever the header line has most of. The API reads a file by it; the lab splits a long one into parts by it.
 */
export function csvDelimiter(csv: string): CsvDelimiter {
  const header = headerLine(csv.replace(/^\uFEFF/, ''));
  const read = (separator: CsvDelimiter) => {
    const columns = header.split(separator);
    return { separator, seen: columns.some((column) => SUBJECT_LOCATION_COLUMN.test(columnKey(column))), count: columns.length };
  };
  const better = (a: ReturnType<typeof read>, b: ReturnType<typeof read>) => (a.seen === b.seen ? a.count > b.count : a.seen);
  return ([';', '\t'] as const).map(read).reduce((best, other) => (better(other, best) ? other : best), read(',')).separator;
}

/**
 * A CSV file's first line, its quoted cells' text left out (separators inside a quoted column name, "Date, place", do
 * not count): to its first line break outside quotes, `\r\n`, `\n` or a lone `\r` (an old Mac's), as the API's reader
 * ends a row. A quote opens a cell only at its start (spaces aside), after any separator a file may have.
 */
function headerLine(text: string): string {
  let line = '';
  let cellStart = true;
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at]!;
    if (char === '\r' || char === '\n') break;
    if (char === '"' && cellStart) {
      const closing = closingQuote(text, at + 1);
      if (closing < 0) break;
      at = closing;
      cellStart = false;
      continue;
    }
    line += char;
    if (char === ',' || char === ';' || char === '\t') cellStart = true;
    else if (char !== ' ') cellStart = false;
  }
  return line;
}

/** Where the quote that closes a quoted cell is, from `from` (a doubled quote, "", being its text), or -1. */
function closingQuote(text: string, from: number): number {
  for (let at = text.indexOf('"', from); at >= 0; at = text.indexOf('"', at + 2)) {
    if (text[at + 1] !== '"') return at;
  }
  return -1;
}

/**
 * The column of a subject file's header that gives its subjects their ids (its place, or -1): `external_id`, else
 * the one column named `subject_id` (as Zooniverse names a subject's id; with two, neither is surely the one), as
 * `columnKey` reads them. A file sent again finds its subjects by it; without it, sending it again adds them again.
 * The API reads ids by it; the lab says by it whether resending a file would add rows twice.
 */
export function idColumnOf(header: readonly string[]): number {
  const keys = header.map(columnKey);
  const external = keys.indexOf('external_id');
  if (external >= 0) return external;
  const aliases = keys.flatMap((key, index) => (key === 'subject_id' ? [index] : []));
  return aliases.length === 1 ? aliases[0]! : -1;
}

/** How the API names a row of a CSV file (by the line it starts on), and a column of it as its header writes it: `line 6 of the CSV, column "external_id"`. */
export const csvPlace = (line: number, column?: string): string => `line ${line} of the CSV${column ? `, column "${column}"` : ''}`;

/** How the API begins its refusal of a CSV file it cannot read as one (`is not valid CSV with a header row: …`). */
export const NOT_VALID_CSV = 'is not valid CSV with a header row: ';

/**
 * The API's words for a CSV file with a quote opened and never closed, from line `opened` (when known) to its last,
 * `last`. The lab says them too, of a file it would send in parts, before sending any.
 */
export function quoteNeverClosed(opened: number | undefined, last: number): string {
  const from = opened === undefined ? '' : ` on line ${opened}`;
  return `a cell's opening quote (") is never closed, so the file from there${from} to its end (line ${last}) reads as that one cell: close it, or double a quote that is part of a quoted cell ("like ""this"" one")`;
}
