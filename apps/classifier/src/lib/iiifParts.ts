import { SUBJECT_UPLOAD_LIMITS, type SubjectsAdded } from '@chorus/client';
import { type IiifPart, type PartLimits, iiifInUploadWords, iiifUpload } from '@chorus/tasks';
import { i18n } from '../i18n';
import { type Cutting, type PartsSent, addedInParts } from './partsUpload';
import { refusalOfPart } from './tableParts';

/** The most a IIIF part may have: the API's limits on one upload. */
export const IIIF_PART_LIMITS: PartLimits = { rows: SUBJECT_UPLOAD_LIMITS.subjects, bytes: SUBJECT_UPLOAD_LIMITS.bytes };

/**
 * The most bytes of a IIIF document chosen as a file that the lab reads to cut in parts: reading it as JSON takes the
 * browser's memory several times over (up to about 6 times its size, as the README says), and a tab that runs out
 * dies without a word; a larger one is refused before it is read, to be split into smaller documents.
 */
export const IIIF_FILE_LIMIT_BYTES = 256 * 1024 * 1024;

/** A IIIF document's cutting, which knows the repeats of a manifest the parts of its last cut left out. */
export type IiifCutting = Cutting<IiifPart> & {
  /** Repeats the lab left out of the parts it cut (0 for a document sent whole, whose repeats the API counts itself). */
  repeatsLeftOut: () => number;
};

/**
 * A IIIF document (a manifest, a collection, a list of manifests) cut for `sendInParts`, in parts of at most `rows`
 * subjects: from a canvas on, each part said by its subjects.
 */
export function iiifCutting(text: string, rows = IIIF_PART_LIMITS.rows): IiifCutting {
  const read = iiifUpload(text);
  let repeats = 0;
  return {
    contentType: 'application/json',
    cut: (bytes, from) => {
      const cut = read.inParts({ rows, bytes }, from);
      repeats = cut.repeatedManifests;
      return cut;
    },
    startOf: (part) => part.firstRow,
    before: read.before,
    placeOf: (part) => ({ first: part.firstRow + 1, last: part.firstRow + part.rows }),
    refusalOf: (part, error) => refusalOfPart(error, part.firstRow, (message) => iiifInUploadWords(part, message)),
    repeatsLeftOut: () => repeats,
  };
}

/**
 * What a IIIF document sent in parts added: each part's warnings said with its subjects, and the repeats of a
 * manifest the lab left out of the parts it cut (`repeatsLeftOut`), counted with the API's.
 */
export function iiifAdded(sent: PartsSent, cutting: Pick<IiifCutting, 'repeatsLeftOut'>): SubjectsAdded | null {
  const added = addedInParts(sent, ({ first, last }, warning) => i18n.t('lab.upload.parts.warningOfSubjects', { first, last, warning }));
  const repeats = cutting.repeatsLeftOut();
  if (!added || !repeats) return added;
  return { ...added, repeatedManifests: repeats + (added.repeatedManifests ?? 0) };
}
