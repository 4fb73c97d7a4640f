import { ChorusApiError, type ChorusClient, type LocationReplacement, SUBJECT_UPLOAD_LIMITS, type SubjectsAdded } from '@chorus/client';

/**
 * An upload longer than one upload takes (a table's rows, a IIIF document's canvases), sent in parts by one loop
 * (`sendInParts`): the format only cuts it (`Cutting`), so that a table and a IIIF document stop, go on, and learn a
 * lower limit alike.
 */

/** An upload cut in parts (`Cutting.cut`): the parts, its subjects in all, and whether they have ids. */
export interface Cut<P extends UploadPart> {
  parts: P[];
  rows: number;
  withIds?: boolean;
}

/** What the loop needs of a part: what it sends, and how many subjects it gives. */
export interface UploadPart {
  text: string;
  rows: number;
}

/** A format's cutting of an upload (`tableCutting`, `iiifCutting`): where its parts start, what it has before, and how a part is said. */
export interface Cutting<P extends UploadPart> {
  contentType: string;
  /**
   * Its parts of at most `bytes` (and the subjects one upload takes) from `from` (where a part starts, in the format's
   * own places: a table's character, a IIIF document's canvas) on, and its subjects in all; throws what no cut can
   * send (a row, a canvas over `bytes`), or what parts would not read as the whole; and whether its subjects have ids
   * (by which the upload sent again finds them; a table's rows may not).
   */
  cut: (bytes: number, from: number) => Cut<P>;
  /** Where a part starts, as `cut` takes it. */
  startOf: (part: P) => number;
  /** What the upload has before `from`: one going on from there must have the same. */
  before: (from: number) => string;
  /** The first and the last subject of a part as the researcher counts them (a table's lines, a document's subjects). */
  placeOf: (part: P) => { first: number; last: number };
  /** The API's refusal of a part as of the whole upload. */
  refusalOf: (part: P, error: ChorusApiError) => ChorusApiError;
}

type Warning = NonNullable<SubjectsAdded['warnings']>[number];

/** A part's warnings, with where its subjects are in the upload (a table's lines, a IIIF upload's subjects). */
export interface PartWarnings {
  first: number;
  last: number;
  warnings: Warning[];
}

/** How far an upload in parts went: the subjects of the parts added (and where they are), of how many, and what the API answered for them together. */
export interface PartsSent {
  rows: number;
  total: number;
  /** The parts added, and how many the upload makes in all (those added and those left). */
  parts: number;
  partsInAll: number;
  added: SubjectsAdded | null;
  /** Where the subjects added are: the first part's first place and the last one's last (`Cutting.placeOf`). */
  places: { first: number; last: number } | null;
  /** Each part's warnings, with its places. */
  warnings: PartWarnings[];
}

/**
 * Where an upload goes, and the `Idempotency-Key` of each part sent (by its set, correction, place and the SHA-256 of
 * its text): a part sent again unchanged (a retry, the upload sent again) goes with its key, so nothing is added twice.
 */
export interface PartsUpload {
  setId: string;
  replacing?: LocationReplacement;
  keys: Map<string, string>;
  newKey: () => string;
  /** Where an earlier upload stopped: it goes on from the part it stopped at. */
  stopped?: StoppedUpload;
  /**
   * Told where the upload is before each part goes out (as a stop at that part would say it, without what it has
   * before the part: `before` null): should the page go away while the part is sent, the upload goes on from there,
   * the part under its key.
   */
  sending?: (at: StoppedUpload) => void;
}

/** An upload in parts that stopped at a part: what the parts before it added, and what "Try again" goes on from. */
export interface StoppedUpload {
  setId: string;
  replacing?: LocationReplacement;
  bytes: number;
  /** Where the part starts (`Cutting.startOf`), and its first subject's place as the researcher counts it. */
  from: number;
  at: number;
  /**
   * The SHA-256 of what the upload has before the part (`Cutting.before`; not a copy of it, up to the whole document):
   * one tried again must have the same (`FileChangedBeforeStop` otherwise). Null where the part was only going out
   * (`PartsUpload.sending`: worked out before every part, it would hash the upload over and over): one going on from
   * there is checked whole by its caller instead (a kept stop's `file`).
   */
  before: string | null;
  sent: PartsSent;
  withIds: boolean;
  /**
   * The `Idempotency-Key` of the part it stopped at, by what that part sent (`PartsUpload.keys`): kept with the stop,
   * so that the part, whose answer may have been lost, goes with it again even from another page (after a reload).
   */
  partKey: { sends: string; key: string };
}

/** An upload that stopped at a part, and why (the API's refusal said of the whole upload). */
export class UploadStopped extends Error {
  constructor(
    readonly stopped: StoppedUpload,
    readonly refusal: unknown,
  ) {
    super('upload stopped at a part');
  }
}

/** An upload tried again whose subjects before the part it stopped at are not those added: going on would skip or repeat some. */
export class FileChangedBeforeStop extends Error {
  constructor(readonly stopped: StoppedUpload) {
    super('the upload differs before the part it stopped at');
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

/**
 * A text's (or a file's bytes') SHA-256, in hex; null where the browser has no `crypto.subtle` (a lab served over
 * plain http, not localhost).
 */
export async function sha256Of(body: string | Blob): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', typeof body === 'string' ? new TextEncoder().encode(body) : await body.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * A text's SHA-256 (`sha256Of`), kept instead of a copy of it (a part sent, as a key of `PartsUpload.keys`: up to 16
 * MiB; what an upload has before where it stopped: up to the whole document); the text itself where the browser has
 * no `crypto.subtle`.
 */
async function digestOf(body: string | Blob): Promise<string> {
  return (await sha256Of(body)) ?? (typeof body === 'string' ? body : await body.text());
}

/** The byte limit a 413 names, when it is below the one a part was cut to (another installation's `BODY_LIMIT_BYTES`). */
const lowerLimit = (error: unknown, bytes: number): number | null => {
  const limit = error instanceof ChorusApiError && error.status === 413 ? error.problem.limitBytes : undefined;
  return limit !== undefined && limit < bytes ? limit : null;
};

/** What a part (at its place) or a whole upload sends, by which its `Idempotency-Key` is kept: its set, correction, place and the SHA-256 of its body. */
async function sendsOf(upload: PartsUpload, place: number | string, body: string | Blob): Promise<string> {
  return `${upload.setId} ${JSON.stringify(upload.replacing ?? null)} ${place} ${await digestOf(body)}`;
}

/** The `Idempotency-Key` of what `sends` says: the one it was sent with before, if it was, else a new one (kept for its retry). */
function keyOf(upload: PartsUpload, sends: string): string {
  const key = upload.keys.get(sends) ?? upload.newKey();
  upload.keys.set(sends, key);
  return key;
}

/**
 * Sends an upload in parts of at most `SUBJECT_UPLOAD_LIMITS` (the subjects one upload takes, and its bytes, or those
 * a 413 names, after which the rest is cut again to them), each with its own `Idempotency-Key` (`keyOf`), so that a
 * part sent again adds nothing twice. Says how far it went before and after each part (`progress`), and where it is
 * before each goes out (`upload.sending`: from there a page gone away goes on). Stops at a part
 * refused, or not answered (`UploadStopped`, with the API's refusal said of the whole upload: `Cutting.refusalOf`),
 * whose subjects and those after it are not added; and at a part a 413 stopped, where a subject is over its lower
 * limit. Nothing added yet, the refusal is the upload's, as one upload's would be (thrown as it is). Goes on from where
 * an earlier upload stopped (`upload.stopped`), when the upload has the same before it (`FileChangedBeforeStop`
 * otherwise; one kept while its part went out, `before` null, its caller checks whole); else from its start, with `upload.cut` when its caller already cut it at the API's bytes.
 */
export async function sendInParts<P extends UploadPart>(client: ChorusClient, cutting: Cutting<P>, upload: PartsUpload & { cut?: Cut<P> }, progress: (sent: PartsSent) => void): Promise<PartsSent> {
  const { stopped } = upload;
  if (stopped && stopped.before !== null && (await digestOf(cutting.before(stopped.from))) !== stopped.before) throw new FileChangedBeforeStop(stopped);
  // A stop kept on this device (another page's): its part goes with the key it was sent with.
  if (stopped && !upload.keys.has(stopped.partKey.sends)) upload.keys.set(stopped.partKey.sends, stopped.partKey.key);
  let bytes = stopped?.bytes ?? SUBJECT_UPLOAD_LIMITS.bytes;
  let cut = (!stopped && upload.cut) || cutting.cut(bytes, stopped?.from ?? 0);
  let sent: PartsSent = { ...(stopped?.sent ?? { rows: 0, parts: 0, added: null, places: null, warnings: [] }), total: cut.rows, partsInAll: 0 };
  for (let index = 0; index < cut.parts.length; ) {
    const part = cut.parts[index]!;
    sent = { ...sent, partsInAll: sent.parts + cut.parts.length - index };
    progress(sent);
    const from = cutting.startOf(part);
    const sends = await sendsOf(upload, from, part.text);
    const key = keyOf(upload, sends);
    /** Where the upload is at this part: where it goes on from (what it has before the part, once it stopped there). */
    const here = (before: string | null): StoppedUpload => ({ setId: upload.setId, replacing: upload.replacing, bytes, from, at: cutting.placeOf(part).first, before, sent, withIds: cut.withIds ?? true, partKey: { sends, key } });
    upload.sending?.(here(null));
    try {
      const added = await client.uploadSubjects(upload.setId, part.text, cutting.contentType, upload.replacing, undefined, key);
      const place = cutting.placeOf(part);
      sent = {
        ...sent,
        rows: sent.rows + part.rows,
        parts: sent.parts + 1,
        added: together(sent.added, added),
        places: { first: sent.places?.first ?? place.first, last: place.last },
        warnings: [...sent.warnings, { ...place, warnings: added.warnings ?? [] }],
      };
      index += 1;
    } catch (error) {
      // Nothing added yet: refused as any upload is, not stopped part-way.
      const stoppedHere = async (refusal: unknown) => (sent.parts ? new UploadStopped(here(await digestOf(cutting.before(from))), refusal) : refusal);
      const limit = lowerLimit(error, bytes);
      if (limit === null) throw await stoppedHere(error instanceof ChorusApiError && sent.partsInAll > 1 ? cutting.refusalOf(part, error) : error);
      bytes = limit;
      try {
        cut = cutting.cut(bytes, from);
      } catch (thrown) {
        // A subject over the lower limit (`RowTooLarge`, `CanvasTooLarge`), once parts were added: said with them.
        throw await stoppedHere(thrown);
      }
      index = 0;
    }
  }
  progress(sent);
  upload.keys.clear();
  return sent;
}

/** The subjects an upload in parts added, its warnings said with their places (`inPart`), or null if it added none. */
export function addedInParts(sent: PartsSent, inPart: (part: PartWarnings, warning: string) => string): SubjectsAdded | null {
  const warnings = warningsOfParts(sent.warnings, inPart);
  return sent.added && warnings.length ? { ...sent.added, warnings } : sent.added;
}

/**
 * Sends an upload whole (what the lab does not cut: a JSON file of subjects, a text corpus, a JSON document that is
 * not IIIF), with an `Idempotency-Key` kept by what it sends, as a part's (`keyOf`: its media type and file name too):
 * sent again unchanged after a lost answer, it goes with the same key and adds nothing twice. Forgotten once answered.
 */
export async function sendWhole(client: ChorusClient, upload: PartsUpload, body: string | Blob, contentType: string, fileName?: string): Promise<SubjectsAdded> {
  const sends = await sendsOf(upload, `whole ${contentType} ${fileName ?? ''}`, body);
  const added = await client.uploadSubjects(upload.setId, body, contentType, upload.replacing, fileName, keyOf(upload, sends));
  upload.keys.delete(sends);
  return added;
}
