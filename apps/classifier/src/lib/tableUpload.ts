import { SUBJECT_UPLOAD_LIMITS } from '@chorus/client';
import { i18n } from '../i18n';
import { type Cutting, type PartsSent, addedInParts } from './partsUpload';
import { type TablePart, refusalInFile, tableInParts } from './tableParts';

/** The media types of a table of subjects, which the lab sends in parts when it is longer than one upload takes. */
export const TABLE_TYPES: readonly string[] = ['text/csv', 'text/tab-separated-values'];

/** A table (CSV or TSV) cut for `sendInParts`: its rows from a character on, each part said by its lines in the file. */
export const tableCutting = (text: string, contentType: string): Cutting<TablePart> => ({
  contentType,
  cut: (bytes, from) => tableInParts(text, { rows: SUBJECT_UPLOAD_LIMITS.subjects, bytes }, from),
  startOf: (part) => part.start,
  before: (from) => text.slice(0, from),
  placeOf: (part) => ({ first: part.firstLine, last: part.lastLine }),
  refusalOf: refusalInFile,
});

/** The subjects a table sent in parts added, each part's warnings said with its lines. */
export const tableAdded = (sent: PartsSent) => addedInParts(sent, ({ first, last }, warning) => i18n.t('lab.upload.parts.warningOfLines', { first, last, warning }));

/** A file's text, if it is UTF-8 (else null: the API refuses it, saying so, when sent as it is). */
export async function utf8Text(file: Blob): Promise<string | null> {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(await file.arrayBuffer());
  } catch {
    return null;
  }
}
