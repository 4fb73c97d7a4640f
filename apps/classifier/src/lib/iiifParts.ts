import { ChorusApiError, type ChorusClient, type LocationReplacement, SUBJECT_UPLOAD_LIMITS, type SubjectsAdded } from '@chorus/client';
import { type IiifInParts, type IiifPart, type PartLimits, iiifInUploadWords } from '@chorus/tasks';
import { i18n } from '../i18n';
import { type PartWarnings, together, warningsOfParts } from './tableUpload';
import { refusalOfPart } from './tableParts';

/** How far an upload of a IIIF document in parts went: the subjects of the parts added, of how many, and the API's answers together. */
export interface IiifPartsSent {
  rows: number;
  total: number;
  parts: number;
  partsInAll: number;
  added: SubjectsAdded | null;
}

/** A IIIF upload in parts that stopped at a part: what the parts before it added, where it stopped, and the API's refusal in the upload's words. */
export class IiifUploadStopped extends Error {
  constructor(
    readonly sent: IiifPartsSent,
    readonly part: IiifPart,
    readonly refusal: unknown,
  ) {
    super('IIIF upload stopped at a part');
  }
}

/**
 * Where an upload goes, and the `Idempotency-Key` of each part sent (by its set, correction and text): a part sent
 * again unchanged (a retry) goes with its key, so nothing is added twice.
 */
export interface IiifUpload {
  setId: string;
  replacing?: LocationReplacement;
  keys: Map<string, string>;
  newKey: () => string;
}

/**
 * What a part sends, as a key of `IiifUpload.keys`: its SHA-256 (hex), not a copy of its text (up to 16 MiB a part);
 * the text itself where the browser has no `crypto.subtle` (a lab served over plain http, not localhost).
 */
async function digestOf(text: string): Promise<string> {
  if (!globalThis.crypto?.subtle) return text;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Sends a IIIF upload's parts in order, each with its own `Idempotency-Key` (kept in `upload.keys` by the digest of
 * the part's text, so that the document added again after a stop sends the parts already added with their keys: the
 * API answers them as before and adds nothing twice), saying how far it is after each (`progress`). A refused part stops it
 * (`IiifUploadStopped`, with the API's refusal in the upload's words: `iiifInUploadWords`); a refusal of its first
 * part is the upload's, as one upload's would be.
 */
export async function sendIiifInParts(client: ChorusClient, upload: IiifUpload, inParts: IiifInParts, progress: (sent: IiifPartsSent) => void): Promise<SubjectsAdded> {
  let sent: IiifPartsSent = { rows: 0, total: inParts.rows, parts: 0, partsInAll: inParts.parts.length, added: null };
  const warnings: PartWarnings[] = [];
  for (const part of inParts.parts) {
    progress(sent);
    const sends = `${upload.setId} ${JSON.stringify(upload.replacing ?? null)} ${await digestOf(part.text)}`;
    const key = upload.keys.get(sends) ?? upload.newKey();
    upload.keys.set(sends, key);
    try {
      const added = await client.uploadSubjects(upload.setId, part.text, 'application/json', upload.replacing, undefined, key);
      sent = { ...sent, rows: sent.rows + part.rows, parts: sent.parts + 1, added: together(sent.added, added) };
      warnings.push({ first: part.firstRow + 1, last: part.firstRow + part.rows, warnings: added.warnings ?? [] });
    } catch (error) {
      const refusal = error instanceof ChorusApiError && inParts.parts.length > 1 ? refusalOfPart(error, part.firstRow, (message) => iiifInUploadWords(part, message)) : error;
      // Nothing added yet: refused as any upload is (a new set made for it stays empty), not stopped part-way.
      if (!sent.parts) throw refusal;
      throw new IiifUploadStopped(sent, part, refusal);
    }
  }
  progress(sent);
  upload.keys.clear();
  const said = warningsOfParts(warnings, ({ first, last }, warning) => i18n.t('lab.upload.parts.warningOfSubjects', { first, last, warning }));
  const added = { ...sent.added!, ...(said.length ? { warnings: said } : {}) };
  return inParts.repeatedManifests ? { ...added, repeatedManifests: inParts.repeatedManifests + (added.repeatedManifests ?? 0) } : added;
}

/** The most a IIIF part may have: the API's limits on one upload. */
export const IIIF_PART_LIMITS: PartLimits = { rows: SUBJECT_UPLOAD_LIMITS.subjects, bytes: SUBJECT_UPLOAD_LIMITS.bytes };
