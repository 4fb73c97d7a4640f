import { ChorusApiError } from '@chorus/client';
import { type CsvDelimiter, ExternalIdRepeated, NOT_VALID_CSV, type PartLimits, csvDelimiter, csvPlace, idColumnOf, quoteNeverClosed, repeatedExternalIds, utf8Bytes } from '@chorus/tasks';

/**
 * A table of subjects (CSV or TSV) too long for one upload is sent in parts, each the header and some of its rows as
 * the file writes them. Only where a row ends matters here: the API reads each part by its own rules, so a scanner
 * that finds rows' ends as the API's reader (csv-parse) does is enough. Its rules that move a row's end: the separator
 * (`csvDelimiter`); a cell opened by a quote, leading spaces aside, runs to its closing quote, a doubled one ("") being
 * text, so separators and line breaks in it are text; a quote inside a cell that does not start with one is text; the
 * file's first line break (`\r\n`, `\n` or a lone `\r`) is its rows' one; a BOM is skipped. A row of empty cells, or a
 * blank line, is no subject (the API skips it), and counts for none. The separator is chosen once, for the file; each
 * part, read alone by the API, must be read by the same one (`tableInParts` refuses the file otherwise).
 */

/** A part of the table: its header and some of its rows, as one upload sends them. */
export interface TablePart {
  /** What is sent: the header's text (its line break included) and the rows' text, as the file has them. */
  text: string;
  /** How many subjects its rows are, and the place of its first among the table's (from 0). */
  rows: number;
  firstRow: number;
  /** Where its rows are in the file's text (`start` to `end`), and the lines of the first and the last. */
  start: number;
  end: number;
  firstLine: number;
  lastLine: number;
}

/** A table in parts, and what the lab says of it: its subjects, and whether they have ids (by which a file sent again finds them). */
export interface TableInParts {
  parts: TablePart[];
  rows: number;
  withIds: boolean;
}

interface Row {
  start: number;
  /** The file's line it starts on (from 1). */
  line: number;
  /** Past its line break. */
  end: number;
  /** Whether a cell of it has text (else the API skips it). */
  filled: boolean;
  /** The header's cells as written (read for an id column); none for the other rows. */
  cells: string[];
  /** The other rows' cell in the header's id column (`idColumnOf`), as the API reads it, if it has one. */
  id?: string;
}

/** What the API's reader trims around a cell: spaces, tabs (where they do not separate cells), form feeds, and line breaks that end no row. */
const trimmed = (char: string) => char === ' ' || char === '\t' || char === '\f' || char === '\r' || char === '\n';

/** The line break at `at`, if any: the file's own, once known (`\r\n`, `\n` or `\r`), else whichever is there. */
function breakAt(text: string, at: number, lineBreak: string | null): string | null {
  if (lineBreak) return text.startsWith(lineBreak, at) ? lineBreak : null;
  if (text[at] === '\r') return text[at + 1] === '\n' ? '\r\n' : '\r';
  return text[at] === '\n' ? '\n' : null;
}

/** The rows of a CSV text, and the line of the row a quote never closed opens in (it runs to the file's end), if one does. */
interface Rows {
  rows: Row[];
  unclosedQuoteLine: number | null;
}

/**
 * The rows of a CSV text (its BOM skipped), each from where it starts to past its line break, read as the API's reader
 * does by `delimiter`. Only the header's cells, and the others' id (`idColumnOf` the header's), are kept as text (a
 * file's cell can be as long as the file).
 */
function rowsOf(text: string, delimiter: CsvDelimiter): Rows {
  const rows: Row[] = [];
  let line = 1;
  let unclosedQuoteLine: number | null = null;
  let lineBreak: string | null = null;
  let at = text.startsWith('\uFEFF') ? 1 : 0;
  let header = true;
  let idColumn = -1;
  while (at < text.length) {
    const row: Row = { start: at, line, end: at, filled: false, cells: [] };
    let cell = '';
    let column = 0;
    /** Nothing but trimmed spaces read of the cell yet: a quote opens it. */
    let cellStart = true;
    let quotedCell = false;
    let quoting = false;
    const read = (char: string) => {
      if (header || column === idColumn) cell += char;
      // As the API's reader tells a row of empty cells: by JavaScript's trim.
      if (!row.filled && /\S/.test(char)) row.filled = true;
    };
    const endCell = () => {
      // As the API's reader: the spaces before an unquoted cell are `trimmed`'s (skipped as read), those after it
      // JavaScript's (csv-parse's right trim), a no-break space too.
      const said = quotedCell ? cell : cell.trimEnd();
      if (header) row.cells.push(said);
      else if (column === idColumn && said) row.id = said;
      column += 1;
      cell = '';
      cellStart = true;
      quotedCell = false;
    };
    for (;;) {
      const char = text[at];
      if (char === undefined) break;
      at += 1;
      if (quoting) {
        if (char !== '"') read(char);
        else if (text[at] === '"') {
          read('"');
          at += 1;
        } else quoting = false;
        continue;
      }
      const found = breakAt(text, at - 1, lineBreak);
      if (found) {
        lineBreak = found;
        at += found.length - 1;
        break;
      }
      if (char === delimiter) endCell();
      else if (char === '"' && cellStart) {
        quoting = true;
        quotedCell = true;
        cellStart = false;
      } else if (!(trimmed(char) && (cellStart || quotedCell))) {
        // Spaces before a cell, and after a quoted one's closing quote, are not its text.
        read(char);
        cellStart = false;
      }
    }
    endCell();
    row.end = at;
    rows.push(row);
    line += lineBreaksIn(text, row.start, row.end);
    if (row.filled && header) {
      header = false;
      idColumn = idColumnOf(row.cells);
    }
    // The API names a quote never closed by the line its row starts on.
    if (quoting) unclosedQuoteLine = row.line;
  }
  return { rows, unclosedQuoteLine };
}

/** The line breaks of `text` from `start` to `end`: each `\r\n`, `\n` or lone `\r` one, as the API counts a file's lines. */
function lineBreaksIn(text: string, start: number, end: number): number {
  let breaks = 0;
  for (let at = start; at < end; at += 1) {
    const code = text.charCodeAt(at);
    // A `\n` after a `\r` is the same line break as it.
    if (code === 13 || (code === 10 && text.charCodeAt(at - 1) !== 13)) breaks += 1;
  }
  return breaks;
}

/** The lines a text has: each `\r\n`, `\n` or lone `\r` ends one, as the API counts a file's lines. */
const lineBreaks = (text: string): number => lineBreaksIn(text, 0, text.length);

/**
 * A table of several parts with a quote never closed, which the API would find only in the part it falls in, the
 * parts before it added: refused before any is sent, in the API's words of the whole file (`message`).
 */
export class QuoteNeverClosed extends Error {}

/** The quote never closed on `line`, as the API's refusal of the whole file says it. */
const quoteNeverClosedIn = (text: string, line: number): QuoteNeverClosed => new QuoteNeverClosed(NOT_VALID_CSV + quoteNeverClosed(line, lastLineOf(text)));

/** The last line of a text, as the API names it: the one its last line break ends (or the one after, when text follows it). */
const lastLineOf = (text: string): number => lineBreaks(text) + (/[\r\n]$/.test(text) ? 0 : 1);

/** A table whose part the API would read with another separator than the file's (by its header alone, cut otherwise). */
export class SeparatorDiffers extends Error {
  constructor(readonly part: TablePart) {
    super('a part would be read with another separator than its file');
  }
}

/** A row that, with the header, is over the bytes one upload takes: no cut of the file can send it. */
export class RowTooLarge extends Error {
  constructor(
    readonly line: number,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`line ${line} is ${bytes} bytes with the header, over the ${limit} one upload takes`);
  }
}

/** Each subject repeating an earlier one's id, as the API's refusal of the file names it (`line 6 of the CSV, column "external_id"`). */
function repeatedIds(rows: readonly Row[], idHeader: string | undefined): { pointer: string; message: string }[] {
  const subjects = rows.filter((row) => row.filled);
  return repeatedExternalIds(
    subjects.map((row) => ({ externalId: row.id })),
    (first) => `line ${subjects[first]!.line}`,
  ).map(({ index, message }) => ({ pointer: `/subjects/${index}/externalId`, message: `${message} (${csvPlace(subjects[index]!.line, idHeader)})` }));
}

/**
 * A row over the bytes with the header, said so, unless a quote never closes: the file from it on then reads as one
 * row, the likely cause of one over the bytes, and a file with another row (in another part) is refused for it anyway.
 */
function rowTooLarge(text: string, scanned: Rows, row: Row, bytes: number, limit: number): Error {
  if (scanned.unclosedQuoteLine !== null) return quoteNeverClosedIn(text, scanned.unclosedQuoteLine);
  return new RowTooLarge(row.line, bytes, limit);
}

/**
 * Where a table of several parts cannot be sent as parts the API reads as the whole file, why, said before any part
 * is sent: a quote never closed, an external id given twice (in the rest of a file an upload stopped in, too), or a
 * part whose separator the API would guess otherwise than the file's.
 */
function unsendable(text: string, delimiter: CsvDelimiter, scanned: Rows, header: Row, parts: TablePart[], resumed: boolean): Error | null {
  if (parts.length < 2 && !resumed) return null;
  if (parts.length >= 2 && scanned.unclosedQuoteLine !== null) return quoteNeverClosedIn(text, scanned.unclosedQuoteLine);
  const repeats = repeatedIds(scanned.rows.slice(scanned.rows.indexOf(header) + 1), header.cells[idColumnOf(header.cells)]);
  if (repeats.length) return new ExternalIdRepeated(repeats);
  if (parts.length < 2) return null;
  const other = parts.find((part) => csvDelimiter(part.text) !== delimiter);
  return other ? new SeparatorDiffers(other) : null;
}

/**
 * A CSV or TSV text in parts of at most `limits` rows and bytes each, the header first in each, from `from` (the
 * start of a row: where an upload stopped) to the end. Throws `RowTooLarge` for a row over the bytes with the header
 * (a 413's "split the file" would not help; `QuoteNeverClosed` when a quote never closed makes it so), and, for a file its parts would not read as (`unsendable`),
 * `QuoteNeverClosed`, `ExternalIdRepeated` or `SeparatorDiffers`.
 */
export function tableInParts(text: string, limits: PartLimits, from = 0): TableInParts {
  const delimiter = csvDelimiter(text);
  const scanned = rowsOf(text, delimiter);
  // The header is the first row with a cell of text (blank lines before it are the API's to skip).
  const all = scanned.rows;
  const headerAt = all.findIndex((row) => row.filled);
  const header = all[headerAt];
  if (!header) return { parts: [], rows: 0, withIds: false };
  const rest = all.slice(headerAt + 1);
  const headerText = text.slice(text.startsWith('\uFEFF') ? 1 : 0, header.end);
  const headerBytes = utf8Bytes(headerText);
  const parts: TablePart[] = [];
  let rows = 0;
  let open: { start: number; end: number; rows: number; firstRow: number; bytes: number; firstLine: number; lastLine: number } | null = null;
  const close = () => {
    if (!open?.rows) return;
    const { start, end, rows, firstRow, firstLine, lastLine } = open;
    parts.push({ text: headerText + text.slice(start, end), rows, firstRow, start, end, firstLine, lastLine });
  };
  for (const row of rest) {
    const counted = row.filled ? 1 : 0;
    if (row.start < from) {
      rows += counted;
      continue;
    }
    const bytes = utf8Bytes(text, row.start, row.end);
    if (counted && headerBytes + bytes > limits.bytes) throw rowTooLarge(text, scanned, row, headerBytes + bytes, limits.bytes);
    // Blank rows are sent too, so weigh as much as any; those that would start a part over the bytes are left out
    // (`close` sends no part of blank rows alone: the API skips them).
    if (open && ((counted && open.rows >= limits.rows) || headerBytes + open.bytes + bytes > limits.bytes)) {
      close();
      open = null;
    }
    open ??= { start: row.start, end: row.start, rows: 0, firstRow: rows, bytes: 0, firstLine: row.line, lastLine: row.line };
    open.end = row.end;
    open.bytes += bytes;
    open.rows += counted;
    if (counted) open.lastLine = row.line;
    rows += counted;
  }
  close();
  const refusal = unsendable(text, delimiter, scanned, header, parts, from > 0);
  if (refusal) throw refusal;
  return { parts, rows, withIds: idColumnOf(header.cells) >= 0 };
}

/** A line of a part (`line 5 of the CSV`) as the file numbers it: the header's lines are the file's, the rows' follow them in the part. */
function lineInFile(part: TablePart, headerLines: number, line: number): number {
  return line <= headerLines ? line : line - headerLines - 1 + part.firstLine;
}

/** The lines of the header at the start of a part's text. */
const headerLinesOf = (part: TablePart): number => lineBreaks(part.text.slice(0, part.text.length - (part.end - part.start)));

/** The API's words about a part (`line 3 of the CSV`, `line 4 has 3 cells`), each line as the file numbers it. */
export function inFileWords(part: TablePart, message: string): string {
  const headerLines = headerLinesOf(part);
  return message.replace(/\bline (\d+)\b/g, (_said, line: string) => `line ${lineInFile(part, headerLines, Number(line))}`);
}

/**
 * The API's refusal of a part as if of the whole upload: its words as `inWhole` says them of the whole (a line as the
 * file numbers it, a canvas by its number in its manifest), and each subject it points at (`/subjects/3`) by its place
 * in the upload, the part starting at `firstRow`.
 */
export function refusalOfPart(error: ChorusApiError, firstRow: number, inWhole: (message: string) => string): ChorusApiError {
  const { problem } = error;
  const errors = problem.errors?.map(({ pointer, message, ...rest }) => ({
    ...rest,
    pointer: pointer.replace(/^\/subjects\/(\d+)/, (_pointer, index: string) => `/subjects/${Number(index) + firstRow}`),
    message: inWhole(message),
  }));
  return new ChorusApiError(error.status, { ...problem, detail: inWhole(problem.detail), ...(errors ? { errors } : {}) }, error.retryAfterSeconds, error.contentType);
}

/** The API's refusal of a table's part as if of the whole file. */
export const refusalInFile = (part: TablePart, error: ChorusApiError): ChorusApiError => refusalOfPart(error, part.firstRow, (message) => inFileWords(part, message));
