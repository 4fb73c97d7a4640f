import { ChorusApiError, type ChorusClient, type LocationReplacement, SUBJECT_UPLOAD_LIMITS, type SubjectsAdded } from '@chorus/client';
import { DEEPEST_IIIF_COLLECTION, type IiifResource, asIiifResource, iiifIdOf, iiifMembersOf, iiifCanvasesOf, iiifReferenceOnly, isIiifVersion2, isIiifCollection, isIiifManifest, manifestsOnce, repeatedExternalIds } from '@chorus/tasks';
import { ExternalIdRepeated, type PartLimits, utf8Bytes } from './tableParts.js';

/**
 * A IIIF upload (a manifest, a collection embedding its manifests, or a list of manifests) of more subjects or bytes
 * than one upload takes is sent in parts, each itself a IIIF upload the API reads by its own rules (the API stays the
 * only reader of IIIF): a JSON list of manifests, each with its `@context`, a manifest of more canvases than a part
 * takes cut into copies of it, each with some of its canvases (its label and metadata, which every subject of it
 * gets, in each). Each manifest is taken once (`manifestsOnce`, as the API reads one upload). What the lab cannot
 * tell as the API would (a manifest named by id alone, a member that is no manifest or collection, collections nested
 * too deep) is sent whole, for the API to refuse as it does.
 */

/** A part: what is sent, how many subjects (canvases) it gives, the place of its first among the upload's, and of which manifests. */
export interface IiifPart {
  text: string;
  rows: number;
  firstRow: number;
  /** Each manifest of the part (its id, else its place in the upload), and the number of its first canvas there in the whole manifest (from 1). */
  manifests: { name: string; firstCanvas: number }[];
}

export interface IiifInParts {
  parts: IiifPart[];
  rows: number;
  /** Repeats of a manifest the upload named more than once, left out (`manifestsOnce`). */
  repeatedManifests: number;
}

/**
 * The manifests of an upload, in the API's order (`manifestsOf`), each with its `@context` (its own, or its
 * collection's); null where only the API's refusal can say what is wrong: a manifest or collection named by id alone,
 * a member of another type, collections nested deeper than it reads, a manifest without a `@context`.
 */
function manifestsIn(document: unknown): IiifResource[] | null {
  const found: IiifResource[] = [];
  const top = asIiifResource(document);
  const visit = (resource: IiifResource | undefined, depth: number, context: unknown): boolean => {
    if (!resource || (resource !== top && iiifReferenceOnly(resource))) return false;
    const own = resource['@context'] ?? context;
    if (isIiifManifest(resource)) {
      found.push({ ...resource, '@context': own });
      return own !== undefined;
    }
    if (!isIiifCollection(resource) || depth > DEEPEST_IIIF_COLLECTION) return false;
    return iiifMembersOf(resource).every((member) => visit(member, depth + 1, own));
  };
  const read = Array.isArray(document) ? document.every((item) => visit(asIiifResource(item), 1, undefined)) : visit(top, 1, undefined);
  return read && found.length ? found : null;
}

/**
 * The manifest with only `canvases` (its ranges, `structures`, left out: they name canvases of other parts); of a
 * version 2 manifest, its first sequence with them (the API reads every sequence's canvases).
 */
function withCanvases(manifest: IiifResource, canvases: IiifResource[]): IiifResource {
  const { structures: _, ...rest } = manifest;
  if (!isIiifVersion2(manifest)) return { ...rest, items: canvases };
  return { ...rest, sequences: [{ ...asIiifResource((manifest.sequences as unknown[])[0]), canvases }] };
}

/**
 * A IIIF upload's text in parts of at most `limits` subjects and bytes, or one part, its text as it is, when it fits
 * (or when only the API can say what is wrong with it). Throws `ExternalIdRepeated` for a canvas id given twice
 * (compared as the API stores ids): parts read apart would take the repeat for a canvas sent again, where one upload
 * refuses it.
 */
export function iiifInParts(text: string, limits: PartLimits): IiifInParts {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { parts: [{ text, rows: 0, firstRow: 0, manifests: [] }], rows: 0, repeatedManifests: 0 };
  }
  const read = manifestsIn(document);
  const whole = (rows: number) => ({ parts: [{ text, rows, firstRow: 0, manifests: [] }], rows, repeatedManifests: 0 });
  if (!read) return whole(0);
  const { manifests, repeats } = manifestsOnce(read);
  const rows = manifests.reduce((sum, manifest) => sum + iiifCanvasesOf(manifest).length, 0);
  if (rows <= limits.rows && utf8Bytes(text) <= limits.bytes) return whole(rows);
  const nameOf = (manifest: IiifResource) => iiifIdOf(manifest) ?? `${manifests.indexOf(manifest) + 1}`;
  const canvases = manifests.flatMap((manifest) => iiifCanvasesOf(manifest).map((canvas, index) => ({ manifest, canvas, index })));
  const repeated = repeatedExternalIds(
    canvases.map(({ canvas }) => ({ externalId: iiifIdOf(canvas) })),
    (first) => `canvas ${canvases[first]!.index + 1} of manifest ${nameOf(canvases[first]!.manifest)}`,
  );
  if (repeated.length) {
    throw new ExternalIdRepeated(repeated.map(({ index, message }) => ({ pointer: `/subjects/${index}/externalId`, message: `${message} (canvas ${canvases[index]!.index + 1} of manifest ${nameOf(canvases[index]!.manifest)})` })));
  }
  return { parts: packed(canvases, limits, nameOf), rows, repeatedManifests: repeats };
}

/** The canvases, in order, packed into parts of at most `limits` subjects and bytes (a list of manifests: `[`, `]` and a comma between). */
function packed(canvases: { manifest: IiifResource; canvas: IiifResource; index: number }[], limits: PartLimits, nameOf: (manifest: IiifResource) => string): IiifPart[] {
  const parts: IiifPart[] = [];
  let open: { manifest: IiifResource; canvases: IiifResource[]; firstCanvas: number }[] = [];
  let rows = 0;
  let firstRow = 0;
  const shell = new Map<IiifResource, number>();
  const shellBytes = (manifest: IiifResource) => shell.get(manifest) ?? shell.set(manifest, utf8Bytes(JSON.stringify(withCanvases(manifest, [])))).get(manifest)!;
  let bytes = 2;
  const close = () => {
    if (!open.length) return;
    const text = JSON.stringify(open.map(({ manifest, canvases: some }) => withCanvases(manifest, some)));
    parts.push({ text, rows, firstRow, manifests: open.map(({ manifest, firstCanvas }) => ({ name: nameOf(manifest), firstCanvas })) });
    firstRow += rows;
    [open, rows, bytes] = [[], 0, 2];
  };
  for (const { manifest, canvas, index } of canvases) {
    const canvasBytes = utf8Bytes(JSON.stringify(canvas)) + 1;
    const last = open.at(-1);
    const added = canvasBytes + (last?.manifest === manifest ? 0 : shellBytes(manifest) + 1);
    if (rows >= limits.rows || (rows > 0 && bytes + added > limits.bytes)) close();
    const current = open.at(-1);
    if (current?.manifest === manifest) current.canvases.push(canvas);
    else {
      open.push({ manifest, canvases: [canvas], firstCanvas: index + 1 });
      bytes += shellBytes(manifest) + 1;
    }
    bytes += canvasBytes;
    rows += 1;
  }
  close();
  return parts;
}

/** The API's words about a part (`canvas 3 of manifest M`) as of the whole upload: each canvas by its number in its whole manifest. */
export function iiifInUploadWords(part: IiifPart, message: string): string {
  const only = part.manifests.length === 1 ? part.manifests[0] : undefined;
  return message.replace(/\bcanvas (\d+) of (the manifest|manifest (\S+?))(?=[,)\s]|$)/g, (said, canvas: string, _which: string, name: string | undefined) => {
    const manifest = name === undefined ? only : part.manifests.find((one) => one.name === name);
    if (!manifest) return said;
    return `canvas ${Number(canvas) + manifest.firstCanvas - 1} of manifest ${manifest.name}`;
  });
}

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

/** What the parts added together, as one upload's answer: counts summed, each manifest once (a cut one's counts summed). */
function together(before: SubjectsAdded | null, part: SubjectsAdded): SubjectsAdded {
  if (!before) return part;
  const manifests = [...(before.manifests ?? [])];
  for (const manifest of part.manifests ?? []) {
    const last = manifests.at(-1);
    if (last && manifest.id !== null && last.id === manifest.id) manifests[manifests.length - 1] = { ...last, subjects: last.subjects + manifest.subjects };
    else manifests.push(manifest);
  }
  const warnings = [...(before.warnings ?? []), ...(part.warnings ?? []).filter((warning) => !before.warnings?.some((said) => said.message === warning.message))];
  return {
    created: before.created + part.created,
    existing: before.existing + part.existing,
    addedToSet: before.addedToSet + part.addedToSet,
    updated: before.updated + part.updated,
    imagesWithoutAlt: before.imagesWithoutAlt + part.imagesWithoutAlt,
    corrected: before.corrected + part.corrected,
    subjectIds: [...before.subjectIds, ...part.subjectIds],
    ...(manifests.length ? { manifests } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
}

/**
 * Sends a IIIF upload's parts in order, each with its own `Idempotency-Key` (kept in `upload.keys` by the part's
 * text, so that the document added again after a stop sends the parts already added with their keys: the API answers
 * them as before and adds nothing twice), saying how far it is after each (`progress`). A refused part stops it
 * (`IiifUploadStopped`, with the API's refusal in the upload's words: `iiifInUploadWords`); an upload of one part is
 * refused as it is.
 */
export async function sendIiifInParts(client: ChorusClient, upload: IiifUpload, inParts: IiifInParts, progress: (sent: IiifPartsSent) => void): Promise<SubjectsAdded> {
  let sent: IiifPartsSent = { rows: 0, total: inParts.rows, parts: 0, partsInAll: inParts.parts.length, added: null };
  for (const part of inParts.parts) {
    progress(sent);
    const sends = JSON.stringify([upload.setId, upload.replacing ?? null, part.text]);
    const key = upload.keys.get(sends) ?? upload.newKey();
    upload.keys.set(sends, key);
    try {
      const added = await client.uploadSubjects(upload.setId, part.text, 'application/json', upload.replacing, undefined, key);
      sent = { ...sent, rows: sent.rows + part.rows, parts: sent.parts + 1, added: together(sent.added, added) };
    } catch (error) {
      if (inParts.parts.length === 1) throw error;
      throw new IiifUploadStopped(sent, part, error instanceof ChorusApiError ? refusalInUpload(part, error) : error);
    }
  }
  progress(sent);
  upload.keys.clear();
  const added = sent.added!;
  return inParts.repeatedManifests ? { ...added, repeatedManifests: inParts.repeatedManifests + (added.repeatedManifests ?? 0) } : added;
}

/** The API's refusal of a part as of the whole upload: each canvas by its number in its manifest, each subject by its place in the upload. */
function refusalInUpload(part: IiifPart, error: ChorusApiError): ChorusApiError {
  const { problem } = error;
  const errors = problem.errors?.map(({ pointer, message, ...rest }) => ({
    ...rest,
    pointer: pointer.replace(/^\/subjects\/(\d+)/, (_pointer, index: string) => `/subjects/${Number(index) + part.firstRow}`),
    message: iiifInUploadWords(part, message),
  }));
  return new ChorusApiError(error.status, { ...problem, ...(errors ? { errors } : {}) }, error.retryAfterSeconds);
}

/** The most a IIIF part may have: the API's limits on one upload. */
export const IIIF_PART_LIMITS: PartLimits = { rows: SUBJECT_UPLOAD_LIMITS.subjects, bytes: SUBJECT_UPLOAD_LIMITS.bytes };
