import { type FieldError, validateWith } from '@chorus/tasks';
import { validationFailed } from '../common/problem';
import { unwrap } from '../common/zod';
import { type AddSubjectsInput, addSubjectsSchema } from './dto/subject-set.dto';
import { type FormerReading, type SubjectFile, UnreadableSubjectFile, isIiif, manifestWithoutContext, subjectsFromCsv, subjectsFromIiif, subjectsFromText } from './subject-files';

/**
 * The media types a subject upload may have besides JSON (the API reads them as UTF-8 text), how each becomes
 * subjects, and how the OpenAPI document describes it. A CSV file comes as its own type, as tab-separated values
 * (read the same way, the separator found from the header), or as what Windows browsers and tools label a .csv file.
 */
export const SUBJECT_FILE_TYPES: Record<string, { read: (body: string) => SubjectFile; description: string }> = {
  'text/csv': { read: subjectsFromCsv, description: 'A header row, then a subject per row (UTF-8), cells separated by commas, semicolons or tabs.' },
  'text/tab-separated-values': { read: subjectsFromCsv, description: 'A CSV file by another name, as some tools label them.' },
  'application/vnd.ms-excel': { read: subjectsFromCsv, description: 'A CSV file as Excel labels it on Windows.' },
  'text/plain': { read: subjectsFromText, description: 'A text corpus: passages separated by a blank line (or, in one that has them, by lines --- or form feeds), [[word]] highlighted (UTF-8).' },
};

/** The valid subjects of an upload, and how to refuse it for what only the database can tell. */
export interface SubjectUpload {
  input: AddSubjectsInput;
  /** A text corpus's passages' content keys, in order (see `SubjectFile`); other uploads have none. */
  contentKeys?: string[];
  /** A text corpus's passages as an older Chorus read them, where that differs (see `SubjectFile`). */
  formerReadings?: (FormerReading | null)[];
  /** Refuses the upload for errors named `/subjects/<n>/…`, saying for a file where in it subject n came from (a CSV's line and column). */
  refuse(errors: FieldError[]): never;
  /** The warning that `count` of the `images` of the subjects uploaded have no description, saying how to give one. */
  undescribed(count: number, images: number): FieldError[];
  /** What the answer says about how a file was read (see `SubjectFile`). */
  warnings: FieldError[];
  /** A IIIF upload's manifests, each with how many subjects it gave (see `SubjectFile`). */
  manifests?: SubjectFile['manifests'];
  repeatedManifests?: number;
}

/** How `{ subjects: [...] }` gives an image its description. */
const DESCRIBING_IN_JSON = 'give each image location an "alt" saying what it shows, and send the subjects again with their externalId';

/**
 * Images without a description (`alt`) are named to screen readers by their subject alone: the upload says how many,
 * and how this kind of upload (`describing`) describes them.
 */
const undescribedImages =
  (describing: string | undefined) =>
  (count: number, images: number): FieldError[] => {
    if (!count || !describing) return [];
    const [which, them] = images === 1 ? ['The image has', 'it'] : [`${count} of the ${images} images ${count === 1 ? 'has' : 'have'}`, count === 1 ? 'it' : 'them'];
    const message = `${which} no description (alt): screen readers name ${them} only by the subject's title (a canvas label, or a "title" column), else just "Subject image" (volunteers never see an externalId). To describe ${them}, ${describing}.`;
    return [{ pointer: '/subjects', message }];
  };

/**
 * A file that holds no subject (a CSV of its header line alone): often a try at an empty set, which needs no file
 * (`POST /projects/:id/subject-sets` makes one), so the refusal says so rather than `send at least one subject`.
 */
const EMPTY_FILE: FieldError = {
  pointer: '',
  message:
    "holds no subject (a CSV needs a row per subject under its header): add them, or, for an empty subject set that a workflow's effect will add subjects to, make the set without uploading a file",
};

/**
 * The subjects of an upload: `{ subjects: [...] }` as JSON, a IIIF Presentation manifest (JSON or JSON-LD), a CSV
 * file or a plain-text corpus (see subject-files.ts). Errors name each field by pointer, `/subjects/<n>/…`, and for a
 * file say where in it subject n came from.
 */
export function subjectsOfUpload(body: unknown, contentType: string | undefined): SubjectUpload {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const read = SUBJECT_FILE_TYPES[mediaType]?.read ?? (isIiif(body) ? subjectsFromIiif : undefined);
  if (!read) {
    const manifest = manifestWithoutContext(body);
    if (manifest) throw validationFailed([manifest]);
    // JSON-LD is for manifests: anything else sent so is not read as `{ subjects: [...] }`, whose errors would mislead.
    if (mediaType === 'application/ld+json') {
      throw validationFailed([{ pointer: '', message: 'is not a IIIF Presentation manifest (no "type": "Manifest"): send a manifest as application/ld+json, or { "subjects": [...] } as application/json' }]);
    }
    if (Array.isArray(body)) throw validationFailed([{ pointer: '', message: 'is a list: send the subjects as { "subjects": [...] }' }]);
    return {
      input: unwrap(validateWith(addSubjectsSchema, body)),
      refuse: (errors) => {
        throw validationFailed(errors);
      },
      undescribed: undescribedImages(DESCRIBING_IN_JSON),
      warnings: [],
    };
  }
  let file: SubjectFile;
  try {
    file = read(body as never);
  } catch (error) {
    if (error instanceof UnreadableSubjectFile) throw validationFailed([error.error]);
    throw error;
  }
  const refuse = (errors: FieldError[]): never => {
    throw validationFailed(
      errors.map((error) => {
        const index = /^\/subjects\/(\d+)/.exec(error.pointer)?.[1];
        return index === undefined ? error : { ...error, message: `${error.message} (${file.origin(Number(index), error.pointer)})` };
      }),
    );
  };
  if (file.subjects.length === 0 && file.errors.length === 0) throw validationFailed([EMPTY_FILE]);
  const validated = validateWith(addSubjectsSchema, { subjects: file.subjects });
  // The file's own account of a field (a canvas painted with a Video) says more than the schema's of the same field.
  const explained = new Set(file.errors.map((error) => error.pointer));
  if (!validated.ok || file.errors.length) return refuse([...file.errors, ...(validated.ok ? [] : validated.errors.filter((error) => !explained.has(error.pointer)))]);
  return { input: validated.value, contentKeys: file.contentKeys, formerReadings: file.formerReadings, refuse, undescribed: undescribedImages(file.describing), warnings: file.warnings ?? [], manifests: file.manifests, repeatedManifests: file.repeatedManifests };
}

/** The content keys by which to tell whether a corpus's indented passages are stored as formerly read (`asStored`). */
export function formerlyReadKeys({ contentKeys, formerReadings }: SubjectUpload): string[] {
  return (formerReadings ?? []).flatMap((former, index) => (former?.locations ? [contentKeys![index]!, former.contentKey] : []));
}

/** The passages of one text once trimmed share the hash their content keys start with (`contentKeysOf`). */
const trimmedTextOf = (former: FormerReading) => former.contentKey.split('#')[0];

/**
 * The upload as the project has its subjects, given which of `formerlyReadKeys` are `stored`: an indented passage
 * stored by its key as formerly read (`FormerReading`) and not by its own is sent as then read, so that it is found as
 * it is stored (a subject's content never changes under its classifications). So are the passages of its text (once
 * trimmed) whose keys then differed only by their `#n`, as they would otherwise take another's; one not stored is added
 * as then numbered, its text the same. The warning says how many indented passages were found so.
 */
export function asStored(upload: SubjectUpload, stored: ReadonlySet<string>): { input: AddSubjectsInput; contentKeys?: string[]; warnings: FieldError[] } {
  const { input, contentKeys, formerReadings } = upload;
  const found = (formerReadings ?? []).map((former, index) => !!former?.locations && !stored.has(contentKeys![index]!) && stored.has(former.contentKey));
  const count = found.filter(Boolean).length;
  if (!count) return { input, contentKeys, warnings: [] };
  const texts = new Set(formerReadings!.flatMap((former, index) => (found[index] ? [trimmedTextOf(former!)] : [])));
  const asThen = formerReadings!.map((former, index) => (former && texts.has(trimmedTextOf(former)) && (!former.locations || found[index]) ? former : null));
  const [passages, stay] = count === 1 ? ['A passage was', 'it stays'] : [`${count} passages were`, 'they stay'];
  return {
    input: { ...input, subjects: input.subjects.map((subject, index) => ({ ...subject, locations: asThen[index]?.locations ?? subject.locations })) },
    contentKeys: contentKeys!.map((key, index) => asThen[index]?.contentKey ?? key),
    warnings: [{ pointer: '/subjects', message: `${passages} found as uploaded before, by an older Chorus, without the indentation of ${count === 1 ? 'its' : 'their'} first line: ${stay} so (a subject's content never changes under its classifications).` }],
  };
}
