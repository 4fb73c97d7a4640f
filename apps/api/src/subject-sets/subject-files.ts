import { createHash } from 'node:crypto';
import { upgrade } from '@iiif/parser/upgrader';
import {
  DEEPEST_IIIF_COLLECTION,
  type FieldError,
  type IiifResource,
  LONGEST_ALT,
  NOT_VALID_CSV,
  SUBJECT_LOCATION_COLUMN,
  SUBJECT_LOCATION_COLUMNS,
  type SubjectInput,
  type SubjectLocation,
  asIiifResource,
  columnKey,
  csvDelimiter,
  csvPlace,
  idColumnOf,
  iiifIdOf,
  iiifMembersOf,
  iiifReferenceOnly,
  iiifResources,
  iiifTypeOf,
  isIiifCollection,
  isIiifManifest,
  manifestsOnce,
  quoteNeverClosed,
  repeatedExternalIds,
} from '@chorus/tasks';
import { parse } from 'csv-parse/sync';
import { decodeHTML } from 'entities';
import { PROTOTYPE_KEY, PROTOTYPE_KEY_REASON } from '../common/repeated-keys';
import { withoutSpreadsheetGuard } from '../common/spreadsheet-text';
import { type NearMiss, withNearMiss } from '../common/zod';
import { MAX_SUBJECTS_PER_CALL } from './dto/subject-set.dto';

/** Columns a CSV file may have: metadata enough for any collection. */
const MOST_COLUMNS = 500;
/**
 * Cells a CSV file may have (separators and line breaks, counted before it is read): reading runs on the API's one
 * thread, and a file of 16 MiB that is all separators would hold it for seconds. 100 columns for 10,000 subjects.
 */
const MOST_CELLS = 1_000_000;

/**
 * Subjects read from a file, where in the file subject `index` came from (for error messages), and what in the file
 * is wrong beyond what the subject schema checks.
 */
export interface SubjectFile {
  subjects: SubjectInput[];
  /** A text corpus's: each passage's content key (`contentKeysOf`), by which the corpus sent again finds it. */
  contentKeys?: string[];
  /** A text corpus's: each passage as an older Chorus read it, where its key differs (`FormerReading`), else null. */
  formerReadings?: (FormerReading | null)[];
  /** Where subject `index` came from in the file, and, for an error at `pointer` in it, from which of its columns when a file has them. */
  origin(index: number, pointer?: string): string;
  errors: FieldError[];
  /** How the file gives an image its description (`alt`), said when images have none; none for a text corpus. */
  describing?: string;
  /** What the upload's answer should say about how the file was read (it is stored all the same). */
  warnings?: FieldError[];
  /** A IIIF upload's: each manifest read, by its id and label, and how many subjects its canvases gave. */
  manifests?: { id: string | null; label: string | null; subjects: number }[];
  /** A IIIF upload's: how many repeats of a manifest it named (`manifestsOnce`) were left out, when any were. */
  repeatedManifests?: number;
}

/**
 * A passage as an older Chorus read it: trimmed whole, its first line's indentation lost (`locations`, where
 * that differs), and so with another content key (also where only its `#n` differs, when an indented passage's text
 * is that of others of the corpus). A corpus uploaded then and sent again finds such a passage by it (`asStored`).
 */
export interface FormerReading {
  contentKey: string;
  locations?: SubjectLocation[];
}

/** A file that cannot be read at all: the problem names the body. */
export class UnreadableSubjectFile extends Error {
  constructor(readonly error: FieldError) {
    super(error.message);
  }
}

const numbered = (column: string, stem: string) => new RegExp(`^${stem}(?:_(\\d+))?$`).exec(column);
/** The columns that belong to an image column (`iiif_service_2` and `image_alt_2` to `image_url_2`). */
export const IMAGE_PARTS = ['iiif_service', 'image_alt'] as const;
/** The image column an `iiif_service` or `image_alt` (or `…_N`) column belongs to. */
const imageColumnOf = (partColumn: string) => partColumn.replace(new RegExp(`^(?:${IMAGE_PARTS.join('|')})`), 'image_url');
/** The column of an image's part (`iiif_service`, `image_alt`) for image column number `n` (undefined for the first). */
const partColumn = (part: string, n: string | undefined) => (n ? `${part}_${n}` : part);

/** A medium written into the file itself (`data:image/jpeg;base64,…`), where Chorus takes an address. */
const DATA_URL = /^data:/i;
const DATA_URL_MESSAGE =
  'is a data: URL (the file itself written into the cell): Chorus shows volunteers media by their address, so put the file online (a web folder, a IIIF server) and give its http(s) address';

const KNOWN_COLUMN = new RegExp(`^(?:external_id|(?:${[...SUBJECT_LOCATION_COLUMNS, ...IMAGE_PARTS].join('|')})(?:_\\d+)?)$`);
/** A gold standard's column, `gold_standard_` and its task's key, the prefix written as `columnKey` reads headers. */
const GOLD_STANDARD_PREFIX = /^gold[\s_-]?standard[\s_-](?=.)/i;
const GOLD_STANDARD = 'gold_standard_';
const isKnownColumn = (column: string) => KNOWN_COLUMN.test(column) || column.startsWith(GOLD_STANDARD) || column === PRIORITY;

/**
 * A known column however it is written (`columnKey`: `Image URL` is `image_url`; a gold standard's task key keeps
 * its own case), every other column as written.
 */
function knownColumn(written: string): string {
  const key = columnKey(written);
  if (KNOWN_COLUMN.test(key)) return key;
  const gold = GOLD_STANDARD_PREFIX.exec(written);
  return gold ? GOLD_STANDARD + written.slice(gold[0].length) : written;
}

/**
 * What the CSV upload would read a column named as metadata key `key` as, when not as that key: a known column (`text`,
 * `Image URL`, `gold standard T0`), the subjects' priority (`#priority`), or, for a name with spaces around it or none,
 * the trimmed name. Undefined when it reads back as the key. A set's file refuses to write such a key (`subjectSetFile`).
 */
export function metadataKeyMisread(key: string): string | undefined {
  if (key.trim() !== key || !key) return `"${key.trim()}" (the upload trims a column's name)`;
  const column = knownColumn(key);
  if (isKnownColumn(column)) return column;
  return columnKey(key).replace(/^#\s*/, '') === PRIORITY ? "the subjects' priority" : undefined;
}

/**
 * Zooniverse's manifests and subject exports name a subject's own id `subject_id`: in a file without an `external_id`
 * column, it is the external id (`idColumnOf`), so that the file sent again finds its subjects rather than adding them again.
 */
function withExternalIdAlias(columns: string[]): string[] {
  const idColumn = idColumnOf(columns);
  if (idColumn < 0 || columns[idColumn] === 'external_id') return columns;
  return columns.map((column, index) => (index === idColumn ? 'external_id' : column));
}

/**
 * Zooniverse's prioritised selection reads a subject's `#priority` (or `priority`): a file's one column so named (in
 * any case) is the subjects' priority, not metadata, so that a file made for Zooniverse keeps its order. A file with
 * two is refused: neither is surely the one meant.
 */
const PRIORITY = 'priority';

function withPriority(header: string[], columns: string[]): string[] {
  const named = columns.flatMap((column, index) => (columnKey(column).replace(/^#\s*/, '') === PRIORITY ? [index] : []));
  if (named.length > 1) {
    const both = named.map((index) => `${quotedHeader(header[index]!)} (column ${index + 1})`).join(' and ');
    throw new UnreadableSubjectFile({
      pointer: '',
      message: `has two priority columns on line 1, its header: ${both}, and either would be read as the subjects' priority; keep the one you mean, and rename or delete the other (a name other than priority keeps it as metadata)`,
    });
  }
  return named.length ? columns.map((column, index) => (index === named[0] ? PRIORITY : column)) : columns;
}

/** What the answer to a CSV upload says about its priority column, when it has one. */
function priorityWarnings(header: string[], columns: string[]): FieldError[] {
  const written = header[columns.indexOf(PRIORITY)]?.trim();
  if (!written) return [];
  return [{ pointer: '', message: `The column "${written}" was read as the subjects' priority in the workflows this set feeds (lower is served first when a workflow's selection order is "priority"; POST /workflows/:id/priorities changes it), not kept as metadata.` }];
}

/** A priority cell as a number: a decimal (`2`, `-0.5`, `1e3`), else undefined. */
function priorityOf(cell: string): number | undefined {
  return /^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i.test(cell) && Number.isFinite(Number(cell)) ? Number(cell) : undefined;
}

/** What the answer to a CSV upload says about its id column: which column was read as external_id, or that none was. */
function idColumnWarnings(header: string[], columns: string[]): FieldError[] {
  const idColumn = columns.indexOf('external_id');
  const written = header[idColumn]?.trim();
  if (written && knownColumn(written) !== 'external_id') {
    return [{ pointer: '', message: `The column "${written}" was read as external_id (as Zooniverse names a subject's id), not kept as metadata: the file sent again finds these subjects by it.` }];
  }
  if (idColumn >= 0) return [];
  return [{ pointer: '', message: 'The file has no external_id column: sending it again adds every row again, as new subjects. Name the column of your own ids (a catalogue number, a file name) external_id, so that a file sent again finds its subjects.' }];
}

/**
 * The header with known columns in lower case (`subject_id` read as `external_id` when there is none), refusing names
 * that would overwrite one another or the records' prototype, and a header without a column that makes a location
 * (every subject needs one).
 */
function checkedHeader(header: string[]): string[] {
  if (header.length > MOST_COLUMNS) throw new Error(`the header has ${header.length} columns; a file may have at most ${MOST_COLUMNS}`);
  const columns = withPriority(header, withExternalIdAlias(namedColumns(header)));
  if (!columns.some((column) => SUBJECT_LOCATION_COLUMN.test(column))) throw new UnreadableSubjectFile({ pointer: '', message: withoutLocation(header) });
  return columns;
}

/** Headers a refusal names before saying how many more there are, and the characters it shows of each. */
const HEADERS_NAMED = 20;
const HEADER_SHOWN = 80;

/** A header as a refusal quotes it: trimmed, and cut short (a cell of a file can be as long as the file). */
const quotedHeader = (name: string) => {
  const trimmed = name.trim();
  return JSON.stringify(trimmed.length > HEADER_SHOWN ? `${trimmed.slice(0, HEADER_SHOWN)}…` : trimmed);
};

/**
 * Words of a header that mean a column volunteers see without naming it (`Image Link`, `img_url`, `URL`), and the
 * column each suggests, the first that a header's words match suggested.
 */
const LOCATION_HINTS: [column: string, word: RegExp][] = [
  ['image_url', /^(?:image|img|picture|photo|scan|jpe?g|png|tiff?)s?$/],
  ['audio_url', /^(?:audio|sound|recording|mp3|wav)s?$/],
  ['image_url', /^(?:url|uri|link|href|address|file|path)s?$/],
  ['text', /^(?:text|transcript|transcription|passage|content)s?$/],
];

/** Of a header's columns (`given`), the first that looks like one volunteers see, and the column it looks like. */
function nearLocationColumn(_values: readonly string[], given: unknown): NearMiss | undefined {
  const header = given as string[];
  for (const [column, hint] of LOCATION_HINTS) {
    const written = header.find((name) => columnKey(name).split('_').some((word) => hint.test(word)));
    if (written !== undefined) return { value: column, why: `${quotedHeader(written)} looks like it; rename it so` };
  }
  return undefined;
}

/** Why a header without a column volunteers see is refused: what it reads, what would do, and a near miss if any. */
function withoutLocation(header: string[]): string {
  const named = header.slice(0, HEADERS_NAMED).map(quotedHeader);
  const more = header.length > HEADERS_NAMED ? ` and ${header.length - HEADERS_NAMED} more` : '';
  const message =
    `has no column that gives a subject what volunteers see: its header (line 1) reads ${named.join(', ')}${more}; name one image_url, audio_url or text ` +
    '(in any case, its words separated by spaces, hyphens or underscores: "Image URL" is image_url); every other column is metadata';
  return withNearMiss(message, SUBJECT_LOCATION_COLUMNS, header, nearLocationColumn);
}

function namedColumns(header: string[]): string[] {
  const seen = new Map<string, { written: string; index: number }>();
  return header.map((written, index) => {
    if (!written.trim()) throw new Error(`column ${index + 1} of the header has no name: name it, or delete the column (a separator at the end of the header makes one)`);
    const column = knownColumn(written);
    // A column is a metadata key, or (`gold_standard_<task>`) a task's key in the gold standard.
    if (column.replace(/^gold_standard_/, '') === PROTOTYPE_KEY) {
      const named = column === PROTOTYPE_KEY ? `a column named "${written}"` : `a column "${written}", for a task named "${PROTOTYPE_KEY}"`;
      throw new UnreadableSubjectFile({ pointer: '', message: `has ${named} (column ${index + 1} of the header), ${PROTOTYPE_KEY_REASON}; rename it` });
    }
    const before = seen.get(column);
    if (before?.written === written) throw new Error(`the column "${column}" appears twice; every column needs its own name`);
    if (before !== undefined) {
      throw new UnreadableSubjectFile({
        pointer: '',
        message: `has two columns that both name ${column} on line 1, its header: "${before.written}" (column ${before.index + 1}) and "${written}" (column ${index + 1}), as known columns are read whatever their case and however their words are separated; keep one, and rename or delete the other`,
      });
    }
    seen.set(column, { written, index });
    return column;
  });
}

/** A gold-standard cell: JSON when it looks like a list or an object (multiple choice, tagging), else the answer itself. */
function goldAnswer(cell: string): unknown {
  if (!/^[[{]/.test(cell)) return cell;
  try {
    return JSON.parse(cell);
  } catch {
    return cell;
  }
}

type CsvError = Error & { code?: string; bytes?: number; lines?: number; record?: string[]; columns?: unknown[]; column?: unknown; raw?: string };

/**
 * csv-parse's message, with what to do for the usual mistakes, each on its line: a cell holding the separator,
 * unquoted; a quote never closed (from the line it opened on); text after a quoted cell's closing quote.
 */
function csvProblem(error: CsvError, delimiter: string, lines: ReturnType<typeof lineCounter>): string {
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    // The unclosed cell's record runs to the end of the file: its raw text tells where it began.
    const opened = error.raw === undefined ? undefined : lines.lineStartingAt(lines.byteLength, error.raw);
    // Its end by the file's own count of lines: csv-parse's (`error.lines`) counts a quoted \r\n as two.
    return quoteNeverClosed(opened, lines.lineEndingAt(lines.byteLength));
  }
  if (error.code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE' || error.code === 'CSV_INVALID_CLOSING_QUOTE') {
    const column = typeof error.column === 'string' ? ` in the column "${error.column}"` : '';
    return `line ${error.lines} has a quoted cell${column} with more text after its closing quote ("like this" that): put the whole cell in quotes and double each quote inside it ("like ""this"" that"), or remove its quotes`;
  }
  if (error.code !== 'CSV_RECORD_INCONSISTENT_COLUMNS' || error.bytes === undefined) return error.message;
  const separator = delimiter === '\t' ? 'a tab' : `"${delimiter}"`;
  const cells = error.record?.length ?? 0;
  return `line ${lines.lineEndingAt(error.bytes)} has ${cells} cell${cells === 1 ? '' : 's'}, not as many as the header's ${error.columns?.length} columns: quote a cell that holds ${separator} ("like${delimiter === '\t' ? ' ' : delimiter} this"), or give the row the header's columns`;
}

/**
 * A CSV file with a header row, one subject per row, its cells separated by commas (or semicolons or tabs). Columns:
 * `external_id`; `image_url` (and `image_url_2`, …), each with an optional `iiif_service` (`iiif_service_2`, …) and
 * `image_alt` (what it shows, for those who cannot see it);
 * `audio_url` (`audio_url_2`, …); `text` (`text_2`, …), in column order, a word marked `[[like this]]` highlighted;
 * `gold_standard_<task>` for a known answer (JSON for a list or an object); `#priority` or `priority`, a number, the
 * subject's priority (`withPriority`); every other column is metadata (those
 * starting with `#`, `//` or `!` are for researchers only). A cell starting `'=`, `'+`, `'-`, `'@` (and the part of
 * it after a `;` so starting) loses its apostrophe, which the downloads put there (`withoutSpreadsheetGuard`).
 */
export function subjectsFromCsv(csv: string): SubjectFile {
  let rows: { record: Record<string, string>; info: { bytes: number; error?: CsvError }; raw: string }[];
  let header: string[] = [];
  let columns: string[] = [];
  const delimiter = csvDelimiter(csv);
  const counter = lineCounter(csv);
  const { lineStartingAt } = counter;
  const unreadable = (error: CsvError) => new UnreadableSubjectFile({ pointer: '', message: NOT_VALID_CSV + csvProblem(error, delimiter, counter) });
  if (cellsAtLeast(csv, delimiter, MOST_CELLS)) {
    throw new UnreadableSubjectFile({ pointer: '', message: `has more than ${MOST_CELLS.toLocaleString('en')} cells; send it in several files` });
  }
  try {
    // A row of empty cells only (Excel writes them after formatted rows) is skipped like a blank line; so are empty
    // cells after a row's last column (Excel writes those too), which `relax_column_count_more` lets through. A quote
    // inside a cell that does not start with one (`The 12" record`) is part of its text (`relax_quotes`).
    // One row more than a call may add is enough to refuse the file for its size (see `addSubjectsSchema`).
    rows = parse(csv, {
      columns: (written: string[]) => {
        // A downloaded file's header is guarded as its cells are (a metadata key `-note` is written `'-note`).
        header = written.map(withoutSpreadsheetGuard);
        columns = checkedHeader(header);
        return columns;
      },
      delimiter,
      bom: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      trim: true,
      info: true,
      raw: true,
      relax_column_count_more: true,
      relax_quotes: true,
      to: MAX_SUBJECTS_PER_CALL + 1,
    });
  } catch (error) {
    if (error instanceof UnreadableSubjectFile) throw error;
    throw unreadable(error as CsvError);
  }
  const spilling = rows.find(({ info }) => info.error?.record?.slice(columns.length).some((cell) => cell.trim() !== ''));
  if (spilling) throw unreadable(spilling.info.error!);
  const errors: FieldError[] = [];
  /** Each subject's locations by the column that gave them (`image_url_2`), in order. */
  const locationColumns: string[][] = [];
  const subjects = rows.map(({ record: written }, index) => {
    // A cell of a downloaded file (a set's) as it was before the downloads guarded it against running as a formula.
    const record = Object.fromEntries(Object.entries(written).map(([column, cell]) => [column, withoutSpreadsheetGuard(cell)]));
    const subject: SubjectInput & { metadata: Record<string, unknown> } = { locations: [], metadata: {} };
    locationColumns.push([]);
    const goldStandard: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(record)) {
      if (value === '') {
        // An empty metadata cell is kept as "" (as a JSON upload's would be), not dropped; an empty known column is none.
        if (!isKnownColumn(column)) subject.metadata[column] = '';
        continue;
      }
      const image = numbered(column, 'image_url');
      if (IMAGE_PARTS.some((part) => numbered(column, part))) {
        if (!record[imageColumnOf(column)]) errors.push({ pointer: `/subjects/${index}`, message: `has an ${column} but no ${imageColumnOf(column)} for it` });
      } else if (SUBJECT_LOCATION_COLUMN.test(column)) {
        if (!numbered(column, 'text') && DATA_URL.test(value)) errors.push({ pointer: `/subjects/${index}/locations/${subject.locations.length}/url`, message: DATA_URL_MESSAGE });
        if (image) subject.locations.push(imageLocation(value, record[partColumn('iiif_service', image[1])], record[partColumn('image_alt', image[1])]));
        else if (numbered(column, 'audio_url')) subject.locations.push({ type: 'audio', url: value });
        else subject.locations.push(textLocation(value));
        locationColumns[index]!.push(column);
      } else if (column === 'external_id') subject.externalId = value;
      else if (column === PRIORITY) {
        subject.priority = priorityOf(value);
        if (subject.priority === undefined) errors.push({ pointer: `/subjects/${index}/priority`, message: `is ${JSON.stringify(value)}, not a number: give the subject's priority as a number (lower is served first), or leave the cell empty (0 for a new subject; one sent again keeps its priority)` });
      }
      else if (column.startsWith('gold_standard_')) goldStandard[column.slice('gold_standard_'.length)] = goldAnswer(value);
      else subject.metadata[column] = value;
    }
    return Object.keys(goldStandard).length ? { ...subject, goldStandard } : subject;
  });
  errors.push(...missingExternalIds(subjects));
  // A row is named by the line it starts on, where a quoted cell with line breaks in it does not end it.
  const lines = rows.map(({ info, raw }) => lineStartingAt(info.bytes, raw));
  errors.push(...repeatsIn(subjects, (first) => `line ${lines[first]}`));
  return {
    subjects,
    origin: (index, pointer) => {
      const column = pointer === undefined ? undefined : columnAt(pointer, locationColumns[index] ?? []);
      const written = column === undefined ? undefined : header[columns.indexOf(column)]?.trim();
      return csvPlace(lines[index]!, written);
    },
    errors,
    describing: 'add an image_alt column (image_alt_2, … for the further images) saying what each shows, and upload the file again (a row with an external_id is then described, not added again)',
    warnings: rows.length ? [...idColumnWarnings(header, columns), ...priorityWarnings(header, columns)] : [],
  };
}

/**
 * The CSV column (as the reader names it) that gave the field a subject's `pointer` names: a location's (`image_url_2`,
 * or for an image's description and IIIF service their own columns), the external id's, a metadata key's or a known
 * answer's; undefined for the subject as a whole, or its locations together. `locations`: the columns that gave the
 * subject's locations, in order.
 */
function columnAt(pointer: string, locations: readonly string[]): string | undefined {
  const [, field, key, part] = /^\/subjects\/\d+\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?/.exec(pointer) ?? [];
  const unescaped = key?.replace(/~1/g, '/').replace(/~0/g, '~');
  if (field === 'externalId') return 'external_id';
  if (field === PRIORITY) return PRIORITY;
  if (field === 'metadata' && unescaped !== undefined) return unescaped;
  if (field === 'goldStandard' && unescaped !== undefined) return `gold_standard_${unescaped}`;
  if (field !== 'locations' || unescaped === undefined) return undefined;
  const column = locations[Number(unescaped)];
  const image = column === undefined ? null : numbered(column, 'image_url');
  if (image && part === 'alt') return partColumn('image_alt', image[1]);
  if (image && part === 'iiifService') return partColumn('iiif_service', image[1]);
  return column;
}

/** The subjects of a file that repeat an earlier one's externalId, the first named as the file counts it (`nameOf`). */
const repeatsIn = (subjects: readonly SubjectInput[], nameOf: (first: number) => string): FieldError[] =>
  repeatedExternalIds(subjects, nameOf).map(({ index, message }) => ({ pointer: `/subjects/${index}/externalId`, message }));

/**
 * In a file whose rows have external ids, a row with none is a spreadsheet's slip: it could not be retired or
 * corrected by its id, and would be added again by every upload of the file.
 */
function missingExternalIds(subjects: readonly SubjectInput[]): FieldError[] {
  if (!subjects.some((subject) => subject.externalId)) return [];
  return subjects.flatMap((subject, index) =>
    subject.externalId ? [] : [{ pointer: `/subjects/${index}/externalId`, message: 'is empty, though other rows have one: give each row its external_id (a row without one is added again by every upload of the file)' }],
  );
}

const [CR, LF] = [0x0d, 0x0a];

/**
 * The lines a record of `csv` ends and starts on, from the offset csv-parse gives for its end (`bytes`, past its own
 * line break) and, for its start, its text (`raw`, the blank lines before it included): blank lines and quoted line
 * breaks counted, each `\n`, `\r\n` or lone `\r` (an old Mac's) once. csv-parse's own count (`lines`) takes a quoted
 * `\r\n` for two. Asked in the order of the file (as it must be), it reads each byte once.
 */
function lineCounter(csv: string): { byteLength: number; lineEndingAt(recordEnd: number): number; lineStartingAt(recordEnd: number, raw: string): number } {
  const bytes = Buffer.from(csv);
  let counted = 0;
  let breaks = 0;
  const lineAt = (offset: number) => {
    for (; counted < offset; counted += 1) if (bytes[counted] === LF || (bytes[counted] === CR && bytes[counted + 1] !== LF)) breaks += 1;
    return breaks + 1;
  };
  return {
    byteLength: bytes.length,
    lineEndingAt: (recordEnd) => {
      let end = recordEnd;
      if (bytes[end - 1] === LF) end -= 1;
      if (bytes[end - 1] === CR) end -= 1;
      return lineAt(end);
    },
    lineStartingAt: (recordEnd, raw) => {
      const blankBefore = /^\s*/.exec(raw)![0];
      return lineAt(recordEnd - Buffer.byteLength(raw) + Buffer.byteLength(blankBefore));
    },
  };
}

/** Whether `csv` has at least `most` cells, counting every separator and line break (quoted ones too: an upper bound). */
function cellsAtLeast(csv: string, delimiter: string, most: number): boolean {
  let cells = 1;
  for (const separator of [delimiter, '\n']) {
    for (let at = csv.indexOf(separator); at >= 0; at = csv.indexOf(separator, at + 1)) if (++cells >= most) return true;
  }
  return false;
}

function imageLocation(url: string, iiifService: string | undefined, alt?: string): SubjectLocation {
  return { type: 'image', url, ...(iiifService ? { iiifService } : {}), ...(alt ? { alt } : {}) };
}

/**
 * `[[word]]`: a run without brackets between double brackets, highlighted unless it is only spaces. Anything else
 * stays as it is. One class for the run (no second one that could match the same characters), so the time taken
 * grows with the text, not with its square, when a `[[` is never closed.
 */
const MARKED = /\[\[([^[\]]*)\]\]/g;

/** A text location as a subject file writes it: its highlighted words marked `[[like this]]`, as `textLocation` reads them. */
export function markedText({ text, highlights = [] }: { text: string; highlights?: readonly (readonly [number, number])[] }): string {
  let marked = text;
  for (const [start, end] of [...highlights].sort((a, b) => b[0] - a[0])) marked = `${marked.slice(0, start)}[[${marked.slice(start, end)}]]${marked.slice(end)}`;
  return marked;
}

/** A text location, a word marked `[[like this]]` highlighted (the brackets are dropped). */
function textLocation(marked: string): SubjectLocation {
  const highlights: [number, number][] = [];
  const text = marked.replace(MARKED, (brackets: string, word: string, offset: number) => {
    if (!/\S/.test(word)) return brackets;
    const start = offset - highlights.length * 4;
    highlights.push([start, start + word.length]);
    return word;
  });
  return { type: 'text', text, ...(highlights.length ? { highlights } : {}) };
}

/** A run of lines none of which is blank: a passage of a corpus without separators. */
const BETWEEN_BLANK_LINES = /[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*/g;
/**
 * A line of three or more hyphens alone, or a form feed (a page break): a corpus that has one is split there only,
 * so that a passage of several paragraphs (a letter) stays one subject, and no form feed reaches volunteers.
 */
const PASSAGE_SEPARATOR = /^[ \t]*-{3,}[ \t]*$|\f/gm;

/**
 * A passage as volunteers are shown it: without the blank lines around it nor the spaces that end it, its first line's
 * indentation kept, as its other lines' is (a poem's, a letter's).
 */
const passageShown = (passage: string) => passage.replace(/^(?:[ \t]*\n)+/, '').trimEnd();

function* passagesWritten(corpus: string): Generator<string> {
  const text = corpus.replace(/\r\n?/g, '\n');
  if (text.search(PASSAGE_SEPARATOR) >= 0) {
    yield* text.split(PASSAGE_SEPARATOR);
    return;
  }
  for (const passage of text.matchAll(BETWEEN_BLANK_LINES)) yield passage[0];
}

/**
 * A plain-text corpus: each passage, separated from the next by a blank line (or, in a corpus that has one, by a line
 * `---` or a form feed), becomes a text subject, as written but for the blank lines around it (`passageShown`). A word marked `[[like this]]` is highlighted (the brackets are
 * dropped), e.g. the word a close-reading task asks about.
 */
export function subjectsFromText(corpus: string): SubjectFile {
  const passages: string[] = [];
  // Read no further than one passage more than a call may add, which is enough to refuse the file for its size.
  for (const passage of passagesWritten(corpus)) {
    const text = passageShown(passage);
    if (text) passages.push(text);
    if (passages.length > MAX_SUBJECTS_PER_CALL) break;
  }
  if (!passages.length) {
    throw new UnreadableSubjectFile({ pointer: '', message: 'has no text: send passages, each separated from the next by a blank line (or, for passages of several paragraphs, by a line --- or a form feed)' });
  }
  const subjects = passages.map((passage, index): SubjectInput => ({ locations: [textLocation(passage)], metadata: { passage: index + 1 } }));
  const contentKeys = contentKeysOf(passages);
  return { subjects, contentKeys, formerReadings: formerReadingsOf(passages, contentKeys), origin: (index) => `passage ${index + 1} of the text`, errors: [] };
}

/** Each passage as it was read before its first line kept its indentation (`FormerReading`), where its key differs. */
function formerReadingsOf(passages: readonly string[], contentKeys: readonly string[]): (FormerReading | null)[] {
  const formerly = passages.map((passage) => passage.trimStart());
  const keys = contentKeysOf(formerly);
  return formerly.map((text, index) => {
    if (keys[index] === contentKeys[index]) return null;
    return { contentKey: keys[index]!, ...(text === passages[index] ? {} : { locations: [textLocation(text)] }) };
  });
}

/**
 * Each passage's content key: the SHA-256 of its text as written (marks included, line breaks as `\n`) and which of
 * the corpus's passages with that text it is (`#1`, `#2`…), so that passages repeated in a corpus stay as many
 * subjects, and the corpus sent again (or a passage of it in another corpus) is found in the project, not added again.
 * A key, not an externalId: volunteers and researchers are shown subjects by their externalId.
 */
function contentKeysOf(passages: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return passages.map((passage) => {
    const hash = createHash('sha256').update(passage).digest('hex');
    const occurrence = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, occurrence);
    return `${hash}#${occurrence}`;
  });
}

/**
 * Whether a JSON body is a IIIF Presentation resource (2 or 3), or a list of them (among them, any without a
 * `@context` is refused for what it is), rather than `{ subjects: [...] }`.
 */
export function isIiif(body: unknown): boolean {
  if (Array.isArray(body)) return body.some(isIiif);
  const context = (body as { '@context'?: unknown } | null)?.['@context'];
  return [context].flat().some((entry) => typeof entry === 'string' && entry.includes('iiif.io/api/presentation'));
}

/**
 * A body that reads as a IIIF manifest but lacks the `@context` that says so (copied without it, or written by hand):
 * what to do about it, rather than the field errors of a `{ subjects: [...] }` body it is not. In a list of
 * manifests, the first such, by its place (`/2/@context`).
 */
export function manifestWithoutContext(body: unknown): FieldError | undefined {
  if (Array.isArray(body)) {
    const [error, index] = body.map((item, n) => [isIiif(item) ? undefined : manifestWithoutContext(item), n] as const).find(([found]) => found) ?? [];
    return error && { ...error, pointer: `/${index}${error.pointer}` };
  }
  const resource = asIiifResource(body);
  if (!resource || 'subjects' in resource || !isIiifManifest(resource)) return undefined;
  return {
    pointer: '/@context',
    message: 'is missing: this reads as a IIIF manifest, which needs its "@context" (http://iiif.io/api/presentation/3/context.json, or /2/ for version 2) to be read as one',
  };
}

/** How many of the manifests an upload names by id alone its refusal lists. */
const REFERENCES_NAMED = 5;

/**
 * The manifests of a IIIF upload: a manifest, a list of manifests (or collections), or a collection (version 2's
 * `sc:Collection`, 3's `Collection`) whose manifests are embedded, its collections nested up to `DEEPEST_IIIF_COLLECTION`
 * deep, each manifest once (`manifestsOnce`: `repeats` left out). Chorus never fetches one: manifests named by id alone
 * are refused, up to `REFERENCES_NAMED` of them named.
 */
function manifestsOf(body: unknown): { manifests: IiifResource[]; repeats: number } {
  const lone = asIiifResource(body);
  if (lone && !isIiifCollection(lone)) return { manifests: [lone], repeats: 0 };
  const found: IiifResource[] = [];
  const wheres: string[] = [];
  const references: IiifResource[] = [];
  const visit = (resource: IiifResource, depth: number, context: unknown, where: string): void => {
    const inContext = context === undefined || '@context' in resource ? resource : { '@context': context, ...resource };
    if (!isIiifManifest(resource) && !isIiifCollection(resource)) {
      throw new UnreadableSubjectFile({ pointer: '', message: `holds ${where}, a IIIF ${iiifTypeOf(resource) || 'resource'}, not a Manifest or Collection: send manifests, in a list or a collection` });
    }
    if (resource !== lone && iiifReferenceOnly(resource)) references.push(resource);
    else if (isIiifManifest(resource)) {
      found.push(inContext);
      wheres.push(where);
    } else if (depth > DEEPEST_IIIF_COLLECTION) {
      throw new UnreadableSubjectFile({ pointer: '', message: `holds collections nested more than ${DEEPEST_IIIF_COLLECTION} deep (${where}): upload the collections inside it separately` });
    } else {
      for (const [index, member] of iiifMembersOf(resource).entries()) visit(member, depth + 1, inContext['@context'], `${iiifTypeOf(member) || 'member'} ${index + 1} of ${nameOf(resource, where)}`);
    }
  };
  if (lone) visit(lone, 1, lone['@context'], 'the collection');
  else {
    const uncontexted = manifestWithoutContext(body);
    if (uncontexted) throw new UnreadableSubjectFile(uncontexted);
    for (const [index, item] of (body as unknown[]).entries()) visit(asIiifResource(item) ?? {}, 1, undefined, `item ${index + 1} of the list`);
  }
  if (references.length) throw new UnreadableSubjectFile({ pointer: '', message: referencesRefused(references) });
  if (!found.length) throw new UnreadableSubjectFile({ pointer: '', message: 'is a IIIF collection without manifests: there is nothing in it to classify' });
  const { manifests, repeats, shared } = manifestsOnce(found);
  const [two] = shared;
  if (two) {
    throw new UnreadableSubjectFile({
      pointer: '',
      message: `holds two different manifests with the id ${two.id} (${wheres[two.first]} and ${wheres[two.other]}): an id names one manifest; give one of them another id, or leave one out, and upload again`,
    });
  }
  return { manifests, repeats };
}

/** A manifest or collection by its id, else by where it is (`where`). */
const nameOf = (resource: IiifResource, where: string) => (iiifIdOf(resource) ? `${isIiifCollection(resource) ? 'collection' : 'manifest'} ${iiifIdOf(resource)}` : where);

/** Why manifests named by id alone cannot be read, which (up to `REFERENCES_NAMED`), and what to send instead. */
function referencesRefused(references: IiifResource[]): string {
  const ids = references.map((resource) => iiifIdOf(resource) ?? 'one without an id');
  const more = ids.length > REFERENCES_NAMED ? ` and ${ids.length - REFERENCES_NAMED} more` : '';
  const kinds = references.every(isIiifManifest) ? 'manifests' : 'manifests or collections';
  return (
    `names ${ids.length} ${kinds} by id alone, without their canvases (${ids.slice(0, REFERENCES_NAMED).join(', ')}${more}), and Chorus never fetches one on upload: ` +
    'download each manifest and upload it, or upload them together in one request as a JSON list of manifests ([{ manifest }, { manifest }])'
  );
}

/** A manifest's subjects (see `subjectsFromIiif`), its id and label, and what in it is wrong (pointers counting its own canvases). */
interface ManifestRead {
  id: string | null;
  label: string | null;
  subjects: SubjectInput[];
  errors: FieldError[];
}

/**
 * A IIIF Presentation upload: a manifest, a collection of manifests or a list of them (`manifestsOf`), all or
 * nothing. Each manifest is read as `readManifest` says; a canvas id in two manifests is refused, naming both.
 */
export function subjectsFromIiif(body: unknown): SubjectFile {
  const { manifests: read, repeats } = manifestsOf(body);
  const manifests = read.map(readManifest);
  const subjects = manifests.flatMap((manifest) => manifest.subjects);
  // Which manifest each subject came from, and where each manifest's subjects start.
  const owners = manifests.flatMap((manifest, n) => manifest.subjects.map(() => n));
  const whose = (index: number) => owners[index]!;
  const starts = manifests.map((_, n) => owners.indexOf(n));
  const many = manifests.length > 1;
  const manifestName = (n: number) => (many ? `manifest ${manifests[n]!.id ?? n + 1}` : 'the manifest');
  const errors = manifests.flatMap((manifest, n) =>
    manifest.errors.map((error) => {
      const index = /^\/subjects\/(\d+)/.exec(error.pointer)?.[1];
      if (index === undefined) return many ? { ...error, message: `${error.message} (${manifestName(n)})` } : error;
      return { ...error, pointer: error.pointer.replace(/^\/subjects\/\d+/, `/subjects/${starts[n]! + Number(index)}`) };
    }),
  );
  errors.push(...canvasesOfTwoManifests(subjects, whose, manifestName));
  const origin = (index: number) => {
    const n = whose(index);
    return `canvas ${index - starts[n]! + 1} of ${manifestName(n)}${subjects[index]?.externalId ? `, ${subjects[index].externalId}` : ''}`;
  };
  const counts = manifests.map(({ id, label, subjects: read }) => ({ id, label, subjects: read.length }));
  return { subjects, origin, errors, manifests: counts, ...(repeats ? { repeatedManifests: repeats } : {}), describing: 'give each canvas a "summary" saying what it shows, and upload the manifest again' };
}

/** A canvas id of one manifest (`whose`) that another of the upload has too: it names one subject, so one must go. */
function canvasesOfTwoManifests(subjects: readonly SubjectInput[], whose: (index: number) => number, manifestName: (n: number) => string): FieldError[] {
  const first = new Map<string, number>();
  return subjects.flatMap(({ externalId }, index): FieldError[] => {
    if (externalId === undefined) return [];
    const other = first.get(externalId);
    if (other === undefined) first.set(externalId, whose(index));
    if (other === undefined || other === whose(index)) return [];
    return [{ pointer: `/subjects/${index}/externalId`, message: `is "${externalId}", a canvas of both ${manifestName(other)} and ${manifestName(whose(index))}: a canvas id names one subject; leave the canvas out of one of them, and upload again` }];
  });
}

/**
 * The metadata keys of every subject read from a IIIF manifest (`readManifest`), over the manifest's and the canvas's
 * own pairs: its manifest's id (null for a manifest without one) and the canvas's label. A subject with both and an
 * externalId (the canvas id) is a canvas to the downloads that annotate one.
 */
export const CANVAS_KEYS = { manifest: 'manifest', label: 'canvas_label' } as const;

/**
 * A IIIF Presentation manifest (version 2 is upgraded to 3 with @iiif/parser): each canvas becomes a subject, its
 * `externalId` the canvas id, with its painted images (the first of a choice), each with its IIIF Image API service,
 * if any, and as its description (`alt`) its own `summary`, else the canvas's, or its painted sound, and as metadata
 * the manifest's and the canvas's descriptive pairs (`metadata`: Shelfmark, Date…, the canvas's first) and labels.
 * (IIIF has no field for an image's alternative text; a summary is the short text it gives a resource for users.)
 */
function readManifest(body: IiifResource): ManifestRead {
  let manifest: IiifResource;
  const version2 = Array.isArray(body.sequences);
  try {
    manifest = asIiifResource(upgrade((version2 ? withImagesOnTheirCanvas(body) : body) as never)) ?? {};
  } catch (error) {
    // The parser's own words name no field (`Cannot read properties of null` for a version 2 image without its image).
    throw new UnreadableSubjectFile({
      pointer: '',
      message: `could not be read as a IIIF Presentation manifest${iiifIdOf(body) ? `, ${iiifIdOf(body)}` : ''} (the IIIF parser stopped: ${(error as Error).message}); check it with the IIIF Presentation API validator, https://presentation-validator.iiif.io, and send it again`,
    });
  }
  if (iiifTypeOf(manifest) !== 'Manifest') {
    throw new UnreadableSubjectFile({ pointer: '', message: `is a IIIF ${iiifTypeOf(manifest) || 'resource'}, not a Manifest; send each of its manifests` });
  }
  const valuesOf = (value: unknown) => textsOf(value).map((text) => plainText(text, version2));
  const manifestLabel = textOf(manifest.label);
  const errors: FieldError[] = [];
  const manifestPairs = descriptivePairs(manifest, valuesOf);
  if (Object.hasOwn(manifestPairs, PROTOTYPE_KEY)) errors.push({ pointer: '', message: `has a metadata pair labelled "${PROTOTYPE_KEY}", ${PROTOTYPE_KEY_REASON}; rename the label` });
  const subjects = iiifResources(manifest.items).map((canvas, index): SubjectInput => {
    const pairs = descriptivePairs(canvas, valuesOf);
    if (Object.hasOwn(pairs, PROTOTYPE_KEY)) errors.push({ pointer: `/subjects/${index}/metadata/${PROTOTYPE_KEY}`, message: `is a metadata pair labelled "${PROTOTYPE_KEY}", ${PROTOTYPE_KEY_REASON}; rename the label` });
    const painted = paintedBodies(canvas);
    const media = painted.filter(isMedia);
    if (!media.length) errors.push({ pointer: `/subjects/${index}/locations`, message: unshowable(painted) });
    return {
      ...(iiifIdOf(canvas) ? { externalId: iiifIdOf(canvas) } : {}),
      locations: locationsOf(media, (resource) => summaryOf(resource, valuesOf) ?? summaryOf(canvas, valuesOf)),
      metadata: { ...manifestPairs, ...pairs, [CANVAS_KEYS.manifest]: iiifIdOf(manifest) ?? null, manifest_label: manifestLabel, [CANVAS_KEYS.label]: textOf(canvas.label) },
    };
  });
  if (!subjects.length) {
    const which = iiifIdOf(manifest) ? ` (${iiifIdOf(manifest)})` : '';
    throw new UnreadableSubjectFile({ pointer: '', message: `is a IIIF manifest without canvases${which} (items, or in version 2 a sequence's canvases): there is nothing in it to classify` });
  }
  errors.push(...repeatsIn(subjects, (first) => `canvas ${first + 1}`));
  return { id: iiifIdOf(manifest) ?? null, label: manifestLabel, subjects, errors };
}

/** A resource's `summary` (version 2's `description`) as text, cut to the length of an image's `alt`; none if empty. */
function summaryOf(resource: IiifResource, valuesOf: (value: unknown) => string[]): string | undefined {
  const summary = valuesOf(resource.summary).join(' ').replace(/\s+/g, ' ').trim();
  if (!summary) return undefined;
  return summary.length > LONGEST_ALT ? `${summary.slice(0, LONGEST_ALT - 1)}…` : summary;
}

/**
 * Version 2 images say which canvas they are on (`on`), which is always the canvas that lists them: many manifests
 * leave it out, and the IIIF parser cannot read an image without it. A part of an image (`oa:SpecificResource`, a
 * crop) is read as the whole image it is cut from (`full`), as version 3's are (`paintedBodies`).
 */
function withImagesOnTheirCanvas(manifest: IiifResource): IiifResource {
  const mapped = (list: unknown, map: (resource: IiifResource) => IiifResource) =>
    Array.isArray(list) ? list.map((item) => (asIiifResource(item) ? map(item as IiifResource) : item)) : list;
  return {
    ...manifest,
    sequences: mapped(manifest.sequences, (sequence) => ({
      ...sequence,
      canvases: mapped(sequence.canvases, (canvas) => ({
        ...canvas,
        images: mapped(canvas.images, (image) => {
          const part = asIiifResource(image.resource);
          const whole = part && /SpecificResource$/.test(iiifTypeOf(part)) ? asIiifResource(part.full) : undefined;
          return { ...image, ...(whole ? { resource: whole } : {}), ...(image.on === undefined && iiifIdOf(canvas) ? { on: iiifIdOf(canvas) } : {}) };
        }),
      })),
    })),
  };
}

const isMedia = (body: IiifResource) => ['Image', 'Sound'].includes(iiifTypeOf(body));

/**
 * What is painted on a canvas: in its first annotation page, every body (a page may be painted in several images, a
 * recording's canvas has a duration and a Sound), of a Choice its first Image or Sound, and of a part of a resource
 * (a `SpecificResource`: a crop, a rotation) the whole resource, which is what volunteers are shown.
 */
function paintedBodies(canvas: IiifResource): IiifResource[] {
  const bodies = iiifResources(iiifResources(canvas.items)[0]?.items).flatMap((annotation) => iiifResources(annotation.body));
  const whole = (body: IiifResource) => (iiifTypeOf(body) === 'SpecificResource' ? asIiifResource(body.source) ?? body : body);
  return bodies.map(whole).flatMap((body) => (iiifTypeOf(body) === 'Choice' ? iiifResources(body.items).map(whole).filter(isMedia).slice(0, 1) : [body]));
}

/** Why a canvas that paints no Image or Sound cannot be a subject. */
function unshowable(painted: IiifResource[]): string {
  const kinds = [...new Set(painted.map((body) => iiifTypeOf(body) || 'resource without a type'))];
  if (!kinds.length) return 'is a canvas with nothing painted on it (a missing scan?): give it its image, or leave the canvas out of the manifest';
  return `is a canvas painted with ${kinds.map((kind) => `a ${kind}`).join(' and ')}, which volunteers cannot be shown: Chorus reads the Image or Sound painted on a canvas`;
}

/**
 * Each painted image, with its IIIF Image API service if it has one and its description (`altOf`), or painted sound,
 * as a subject's location.
 */
function locationsOf(media: IiifResource[], altOf: (image: IiifResource) => string | undefined): SubjectLocation[] {
  return media.flatMap((medium): SubjectLocation[] => {
    const url = iiifIdOf(medium);
    if (!url) return [];
    return iiifTypeOf(medium) === 'Sound' ? [{ type: 'audio', url }] : [imageLocation(url, iiifIdOf(iiifResources(medium.service).find(isImageService)), altOf(medium))];
  });
}

/** An IIIF Image API service (not an authentication or other service). */
function isImageService(service: IiifResource): boolean {
  return /ImageService/.test(iiifTypeOf(service)) || /iiif\.io\/api\/image/.test(String(service.profile ?? service['@context'] ?? ''));
}

/**
 * A resource's IIIF `metadata` as label → value: one string, or a list of them when the pair has several values (two
 * authors stay two; a label longer than a metadata name may be is cut), each value as `valuesOf` reads it.
 */
function descriptivePairs(resource: IiifResource, valuesOf: (value: unknown) => string[]): Record<string, string | string[]> {
  return Object.fromEntries(
    iiifResources(resource.metadata).flatMap((pair) => {
      const [label, values] = [textOf(pair.label), valuesOf(pair.value)];
      if (!label || !values.length) return [];
      return [[label.slice(0, 200), values.length === 1 ? values[0]! : values]];
    }),
  );
}

/** A IIIF label as one string (its values joined with "; "), or null when it has none. */
function textOf(label: unknown): string | null {
  const values = textsOf(label);
  return values.length ? values.join('; ') : null;
}

/**
 * The values of a IIIF label or value: a plain string, a list of them (version 2), or a language map's values in one
 * language: `none` (no language), else English (`en`, `en-GB`…), which the classifier speaks, else the first the map gives.
 */
function textsOf(label: unknown): string[] {
  if (typeof label === 'string') return [label];
  if (Array.isArray(label)) return label.flatMap(textsOf);
  const map = asIiifResource(label);
  if (!map) return [];
  const languages = Object.keys(map);
  const language = languages.find((key) => key === 'none') ?? languages.find((key) => /^en(-|$)/i.test(key)) ?? languages[0];
  return language === undefined ? [] : [map[language]].flat().filter((value): value is string => typeof value === 'string');
}

/**
 * The tags IIIF allows in a metadata value (`a b br i img p small span sub sup`), with their attributes. Anything
 * else in angle brackets (`<olim A 12>`, `x<y`) is text. Each match stops at the next `<` or `>`, so reading a value
 * takes time in proportion to its length, however its brackets fall.
 */
const IIIF_TAG = /<\/?(?:a|b|br|i|img|p|small|span|sub|sup)(?:\s[^<>]*)?\/?>/gi;

/**
 * A metadata value as volunteers read it, who are shown text: the text of the HTML IIIF allows in it (anywhere in
 * version 2; in version 3 only in a value that starts with `<` and ends with `>`), a line break for `<br>` and
 * between paragraphs, its entities decoded. Labels may hold no HTML, and are kept as they are.
 */
function plainText(value: string, version2: boolean): string {
  const trimmed = value.trim();
  const html = version2 ? value.search(IIIF_TAG) !== -1 : trimmed.startsWith('<') && trimmed.endsWith('>');
  if (!html) return value;
  // As HTML: its own line breaks and runs of spaces are one space; <br> and paragraphs break lines.
  const text = value.replace(/\s+/g, ' ').replace(IIIF_TAG, (tag) => (/^<(?:br|\/p)\b/i.test(tag) ? '\n' : ''));
  return decodeHTML(text).replace(/ *\n */g, '\n').trim();
}
