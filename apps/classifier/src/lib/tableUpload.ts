import { ChorusApiError, type ChorusClient, type LocationReplacement, SUBJECT_UPLOAD_LIMITS, type SubjectsAdded } from '@chorus/client';
import { i18n } from '../i18n';
import { randomUuid } from './ids';
import { type TablePart, refusalInFile, tableInParts } from './tableParts';

/** The media types of a table of subjects, which the lab sends in parts when it is longer than one upload takes. */
export const TABLE_TYPES: readonly string[] = ['text/csv', 'text/tab-separated-values'];

/** How far an upload in parts went: the subjects of the parts added (and their lines in the file), of how many, and what the API answered for them together. */
export interface PartsSent {
  rows: number;
  total: number;
  /** The parts added, and how many the file makes in all (those added and those left). */
  parts: number;
  partsInAll: number;
  added: SubjectsAdded | null;
  lines: { first: number; last: number } | null;
  /** Each part's warnings, with its lines. */
  warnings: PartWarnings[];
}

type Warning = NonNullable<SubjectsAdded['warnings']>[number];

/** An upload in parts, what it sends, and from where: the start of the file, or the part an earlier one stopped at. */
export interface TableUpload {
  setId: string;
  contentType: string;
  replacing?: LocationReplacement;
  text: string;
  /** The most bytes a part may have: the API's by default, or what a 413 said it is. */
  bytes?: number;
  /** Where an earlier upload of the file stopped: its part is sent again with its key (a retry), the rest after it. */
  stopped?: StoppedUpload;
}

/** An upload in parts that stopped at a part: what the parts before it added, and what "Try again" goes on from. */
export interface StoppedUpload {
  upload: Omit<TableUpload, 'text' | 'stopped'> & { bytes: number };
  /** The file's text before the part's first row: the file sent again must begin with it, its rows being added. */
  before: string;
  part: TablePart;
  key: string;
  sent: PartsSent;
  withIds: boolean;
}

/** An upload that stopped at a part, and why (the API's refusal said with the file's own lines). */
export class UploadStopped extends Error {
  constructor(
    readonly stopped: StoppedUpload,
    readonly refusal: unknown,
  ) {
    super('upload stopped at a part');
  }
}

/** A file tried again whose rows before the part it stopped at are not those added: going on would skip or repeat some. */
export class FileChangedBeforeStop extends Error {
  constructor(readonly stopped: StoppedUpload) {
    super('the file differs before the part the upload stopped at');
  }
}

/**
 * What two parts added, as the API would say of them sent as one (their warnings: `warningsOfParts`): counts summed,
 * each IIIF manifest once (one cut across parts, its counts summed).
 */
export function together(before: SubjectsAdded | null, { warnings: _, ...part }: SubjectsAdded): SubjectsAdded {
  if (!before) return part;
  const manifests = [...(before.manifests ?? [])];
  for (const manifest of part.manifests ?? []) {
    const last = manifests.at(-1);
    if (last && manifest.id !== null && last.id === manifest.id) manifests[manifests.length - 1] = { ...last, subjects: last.subjects + manifest.subjects };
    else manifests.push(manifest);
  }
  return {
    created: before.created + part.created,
    existing: before.existing + part.existing,
    addedToSet: before.addedToSet + part.addedToSet,
    updated: before.updated + part.updated,
    imagesWithoutAlt: before.imagesWithoutAlt + part.imagesWithoutAlt,
    corrected: before.corrected + part.corrected,
    subjectIds: [...before.subjectIds, ...part.subjectIds],
    ...(manifests.length ? { manifests } : {}),
  };
}

/** A part's warnings, with where its subjects are in the upload (a table's lines, a IIIF upload's subjects). */
export interface PartWarnings {
  first: number;
  last: number;
  warnings: Warning[];
}

/**
 * The parts' warnings as the upload's: one every part gave (no external_id column), said once; one only some gave, or
 * each in its words (how many of its images have no description), said for each with its place (`inPart`).
 */
export function warningsOfParts(parts: readonly PartWarnings[], inPart: (part: PartWarnings, warning: string) => string): Warning[] {
  const everywhere = (message: string) => parts.every((part) => part.warnings.some((warning) => warning.message === message));
  const said: Warning[] = [];
  for (const part of parts) {
    for (const warning of part.warnings) {
      if (!everywhere(warning.message)) said.push({ ...warning, message: inPart(part, warning.message) });
      else if (!said.some((other) => other.message === warning.message)) said.push(warning);
    }
  }
  return said;
}

/** The byte limit a 413 names, when it is below the one a part was cut to (another installation's `BODY_LIMIT_BYTES`). */
const lowerLimit = (error: unknown, bytes: number): number | null => {
  const limit = error instanceof ChorusApiError && error.status === 413 ? error.problem.limitBytes : undefined;
  return limit !== undefined && limit < bytes ? limit : null;
};

/**
 * Sends a table in parts of at most `SUBJECT_UPLOAD_LIMITS` (the subjects one upload takes, and its bytes, or those a
 * 413 names, after which the rest is cut again to them), each with its own `Idempotency-Key`, so that a part sent again
 * after a lost answer adds nothing twice. Says how far it went after each part (`progress`); stops at a part refused
 * (`UploadStopped`; a file of one part is refused as it is; and at the part a 413 stopped, a row over its lower
 * limit, once parts were added), whose rows and those after it are not added. Goes on
 * from where an earlier upload stopped (`stopped`), when the file's rows before are those it added
 * (`FileChangedBeforeStop` otherwise).
 */
export async function sendTableInParts(client: ChorusClient, upload: TableUpload, progress: (sent: PartsSent) => void): Promise<PartsSent> {
  const { text, stopped, ...options } = upload;
  if (stopped && !text.startsWith(stopped.before)) throw new FileChangedBeforeStop(stopped);
  let bytes = upload.bytes ?? stopped?.upload.bytes ?? SUBJECT_UPLOAD_LIMITS.bytes;
  const from = stopped?.part.start ?? 0;
  let table = tableInParts(text, { rows: SUBJECT_UPLOAD_LIMITS.subjects, bytes }, from);
  let sent: PartsSent = { ...(stopped?.sent ?? { rows: 0, parts: 0, added: null, lines: null, warnings: [] }), total: table.rows, partsInAll: 0 };
  for (let index = 0; index < table.parts.length; ) {
    const part = table.parts[index]!;
    sent = { ...sent, partsInAll: sent.parts + table.parts.length - index };
    // The part an earlier upload stopped at, unchanged, is its retry: if it was added after all, its key says so.
    const key = stopped?.part.text === part.text ? stopped.key : randomUuid();
    progress(sent);
    try {
      const added = await client.uploadSubjects(options.setId, part.text, options.contentType, options.replacing, undefined, key);
      sent = {
        ...sent,
        rows: sent.rows + part.rows,
        parts: sent.parts + 1,
        added: together(sent.added, added),
        lines: { first: sent.lines?.first ?? part.firstLine, last: part.lastLine },
        warnings: [...sent.warnings, { first: part.firstLine, last: part.lastLine, warnings: added.warnings ?? [] }],
      };
      index += 1;
    } catch (error) {
      const stoppedHere = (refusal: unknown) => new UploadStopped({ upload: { ...options, bytes }, before: text.slice(0, part.start), part, key, sent, withIds: table.withIds }, refusal);
      const limit = lowerLimit(error, bytes);
      if (limit !== null) {
        bytes = limit;
        try {
          table = tableInParts(text, { rows: SUBJECT_UPLOAD_LIMITS.subjects, bytes }, part.start);
        } catch (thrown) {
          // A row over the lower limit (`RowTooLarge`), once parts were added: said with them.
          if (!stopped && !sent.parts) throw thrown;
          throw stoppedHere(thrown);
        }
        index = 0;
        continue;
      }
      // A file of one part is refused as the file it is.
      if (!stopped && !sent.parts && table.parts.length === 1) throw error;
      throw stoppedHere(error instanceof ChorusApiError ? refusalInFile(part, error) : error);
    }
  }
  progress(sent);
  const warnings = warningsOfParts(sent.warnings, ({ first, last }, warning) => i18n.t('lab.upload.parts.warningOfLines', { first, last, warning }));
  return sent.added && warnings.length ? { ...sent, added: { ...sent.added, warnings } } : sent;
}

/** A file's text, if it is UTF-8 (else null: the API refuses it, saying so, when sent as it is). */
export async function utf8Text(file: Blob): Promise<string | null> {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(await file.arrayBuffer());
  } catch {
    return null;
  }
}
