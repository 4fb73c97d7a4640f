import { DEEPEST_IIIF_COLLECTION, type IiifResource, asIiifResource, iiifCanvasesOf, iiifIdOf, iiifMembersOf, iiifReferenceOnly, isIiifCollection, isIiifManifest, isIiifVersion2, manifestsOnce } from './iiif-collections';
import { repeatedExternalIds } from './subject';
import { ExternalIdRepeated, type PartLimits, utf8Bytes } from './upload-parts';

/**
 * A IIIF upload (a manifest, a collection embedding its manifests, or a list of manifests) of more subjects or bytes
 * than one upload takes is sent in parts, each itself a IIIF upload the API reads by its own rules (the API stays the
 * only reader of IIIF): a JSON list of manifests, each with its `@context`, a manifest of more canvases than a part
 * takes cut into copies of it, each with some of its canvases (its label and metadata, which every subject of it
 * gets, in each). Each manifest is taken once (`manifestsOnce`, as the API reads one upload). What the lab cannot
 * tell as the API would (two different manifests under one id, a manifest named by id alone, a member that is no
 * manifest or collection, collections nested too deep) is sent whole, for the API to refuse as it does.
 */

/** A part: what is sent, how many subjects (canvases) it gives, the place of its first among the upload's, and of which manifests. */
export interface IiifPart {
  text: string;
  rows: number;
  firstRow: number;
  /**
   * Each manifest of the part: its name in the upload (its id, else its place there), as the API's words about the
   * part name it (`said`: its id, else its place in the part), and the number of its first canvas there in the whole
   * manifest (from 1).
   */
  manifests: { name: string; said: string; firstCanvas: number }[];
}

export interface IiifInParts {
  parts: IiifPart[];
  rows: number;
  /** Repeats of a manifest the upload named more than once, left out of its parts (`manifestsOnce`); 0 when it goes whole, the API counting them. */
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

/** A canvas of an upload, in the API's order: its manifest, and its place there (from 0). */
interface PlacedCanvas {
  manifest: IiifResource;
  canvas: IiifResource;
  index: number;
}

/** A IIIF upload read for cutting: its parts from a canvas on (`inParts`), and what it has before a canvas (`before`). */
export interface IiifUpload {
  inParts: (limits: PartLimits, from?: number) => IiifInParts;
  before: (from: number) => string;
}

/**
 * A IIIF upload's text, read once, to cut in parts of at most `limits` subjects and bytes from its canvas `from` (the
 * first of a part an upload stopped at; from 0) on, or one part, its text as it is, when it fits whole (or when only
 * the API can say what is wrong with it). `inParts` throws `ExternalIdRepeated` for a canvas id given twice anywhere
 * in it (compared as the API stores ids): parts read apart would take the repeat for a canvas sent again, where one
 * upload refuses it; and `CanvasTooLarge` for a canvas from `from` on that no part can send.
 */
export function iiifUpload(text: string): IiifUpload {
  const read = canvasesOf(text);
  const whole = (rows: number): IiifInParts => ({ parts: [{ text, rows, firstRow: 0, manifests: [] }], rows, repeatedManifests: 0 });
  if (!read) return { inParts: () => whole(0), before: () => '' };
  const { canvases, repeats, nameOf } = read;
  const rows = canvases.length;
  return {
    // Sent whole, the API counts the repeats itself; cut, the parts leave them out and say how many.
    inParts: (limits, from = 0) => {
      if (from === 0 && rows <= limits.rows && utf8Bytes(text) <= limits.bytes) return whole(rows);
      const repeated = repeatedExternalIds(
        canvases.map(({ canvas }) => ({ externalId: iiifIdOf(canvas) })),
        (first) => `canvas ${canvases[first]!.index + 1} of manifest ${nameOf(canvases[first]!.manifest)}`,
      );
      if (repeated.length) {
        throw new ExternalIdRepeated(repeated.map(({ index, message }) => ({ pointer: `/subjects/${index}/externalId`, message: `${message} (canvas ${canvases[index]!.index + 1} of manifest ${nameOf(canvases[index]!.manifest)})` })));
      }
      return { parts: packed(canvases.slice(from), from, limits, nameOf), rows, repeatedManifests: repeats };
    },
    // Each manifest's label and metadata (which its subjects get) once, then its canvases.
    before: (from) => {
      const shown = new Set<IiifResource>();
      const said: IiifResource[] = [];
      for (const { manifest, canvas } of canvases.slice(0, from)) {
        if (!shown.has(manifest)) said.push(withCanvases(manifest, []));
        shown.add(manifest);
        said.push(canvas);
      }
      return JSON.stringify(said);
    },
  };
}

/** The canvases of an upload's text, each manifest once, and how the lab names a manifest; null where it goes whole (not JSON, or only the API can judge it). */
function canvasesOf(text: string): { canvases: PlacedCanvas[]; repeats: number; nameOf: (manifest: IiifResource) => string } | null {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return null;
  }
  const read = manifestsIn(document);
  if (!read) return null;
  const { manifests, repeats, shared } = manifestsOnce(read);
  if (shared.length) return null;
  const nameOf = (manifest: IiifResource) => iiifIdOf(manifest) ?? `${manifests.indexOf(manifest) + 1}`;
  const canvases = manifests.flatMap((manifest) => iiifCanvasesOf(manifest).map((canvas, index) => ({ manifest, canvas, index })));
  return { canvases, repeats, nameOf };
}

/** A IIIF upload's text in parts (`iiifUpload`): from its canvas `from` on. */
export const iiifInParts = (text: string, limits: PartLimits, from = 0): IiifInParts => iiifUpload(text).inParts(limits, from);

/** A canvas that, with its manifest (label, metadata), is over the bytes one upload takes: no part can send it. */
export class CanvasTooLarge extends Error {
  constructor(
    readonly canvas: number,
    readonly manifest: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`canvas ${canvas} of manifest ${manifest} is ${bytes} bytes with its manifest, over the ${limit} one upload takes`);
  }
}

/**
 * The canvases, in order, packed into parts of at most `limits` subjects and bytes (a list of manifests: `[`, `]` and
 * a comma between), the first being the upload's `from`-th.
 */
function packed(canvases: PlacedCanvas[], from: number, limits: PartLimits, nameOf: (manifest: IiifResource) => string): IiifPart[] {
  const parts: IiifPart[] = [];
  let open: { manifest: IiifResource; canvases: IiifResource[]; firstCanvas: number }[] = [];
  let rows = 0;
  let firstRow = from;
  const shell = new Map<IiifResource, number>();
  const shellBytes = (manifest: IiifResource) => shell.get(manifest) ?? shell.set(manifest, utf8Bytes(JSON.stringify(withCanvases(manifest, [])))).get(manifest)!;
  let bytes = 2;
  const close = () => {
    if (!open.length) return;
    const text = JSON.stringify(open.map(({ manifest, canvases: some }) => withCanvases(manifest, some)));
    const manifests = open.map(({ manifest, firstCanvas }, place) => ({ name: nameOf(manifest), said: iiifIdOf(manifest) ?? `${place + 1}`, firstCanvas }));
    parts.push({ text, rows, firstRow, manifests });
    firstRow += rows;
    [open, rows, bytes] = [[], 0, 2];
  };
  for (const { manifest, canvas, index } of canvases) {
    const canvasBytes = utf8Bytes(JSON.stringify(canvas)) + 1;
    const last = open.at(-1);
    const added = canvasBytes + (last?.manifest === manifest ? 0 : shellBytes(manifest) + 1);
    const alone = 2 + shellBytes(manifest) + 1 + canvasBytes;
    if (alone > limits.bytes) throw new CanvasTooLarge(index + 1, nameOf(manifest), alone, limits.bytes);
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
  // The part's manifests as the API names them (an id may hold a comma or a bracket), the longest first.
  const names = part.manifests.map(({ said }) => said).sort((a, b) => b.length - a.length);
  const manifest = names.length ? `|manifest (${names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})` : '';
  const said = new RegExp(`\\bcanvas (\\d+) of (the manifest${manifest})(?=[,)\\s]|$)`, 'g');
  return message.replace(said, (words, canvas: string, _which: string, name: string | undefined) => {
    const which = name === undefined ? only : part.manifests.find((one) => one.said === name);
    if (!which) return words;
    return `canvas ${Number(canvas) + which.firstCanvas - 1} of manifest ${which.name}`;
  });
}
