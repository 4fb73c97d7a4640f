/**
 * An upload longer than one upload takes, sent by the lab in parts (a table's rows, a IIIF upload's canvases): the
 * limits of a part, its weight, and the refusal before any part is sent of an external id given twice.
 */

/** The most rows and bytes (UTF-8) of a part: the API's limits on one upload. */
export interface PartLimits {
  rows: number;
  bytes: number;
}

/** UTF-8 bytes of `text` from `start` to `end`, as its upload weighs (counted, not encoded: no copy of a large text). */
export function utf8Bytes(text: string, start = 0, end = text.length): number {
  let bytes = 0;
  for (let at = start; at < end; at += 1) {
    const code = text.charCodeAt(at);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    // A surrogate pair is one character of 4 bytes: its first half counts them, its second none.
    else if (code >= 0xd800 && code < 0xdc00) bytes += 4;
    else if (code < 0xdc00 || code >= 0xe000) bytes += 3;
  }
  return bytes;
}

/**
 * An upload in several parts (a table, the rest of one an upload stopped in, a IIIF upload) that gives an external id
 * twice: each part read alone, the API would take a repeat in another part for the subject sent again, where one upload refuses it. Said
 * before any part is sent, as the API's refusal of the whole file names them (`errors`: each repeat, at its subject,
 * with both its lines).
 */
export class ExternalIdRepeated extends Error {
  constructor(readonly errors: { pointer: string; message: string }[]) {
    super(errors.map((error) => error.message).join('\n'));
  }
}
