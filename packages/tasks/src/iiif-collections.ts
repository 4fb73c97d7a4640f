/**
 * What a IIIF Presentation collection holds, as the API reads an upload of one and as the lab fetches the members a
 * collection names by address: its members, which of them are only references, and how deep collections may nest.
 */

/** A IIIF resource as manifests in the wild have them: any field may be missing or of another shape than the spec's. */
export type IiifResource = Record<string, unknown>;

export const asIiifResource = (value: unknown): IiifResource | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as IiifResource) : undefined);
/** A field that should be a list: a lone resource counts as a list of one, anything else as none. */
export const iiifResources = (value: unknown): IiifResource[] =>
  [value].flat().flatMap((item): IiifResource[] => {
    const resource = asIiifResource(item);
    return resource ? [resource] : [];
  });
/** A resource's id: version 3's `id`, version 2's `@id`. */
export const iiifIdOf = (resource: IiifResource | undefined) => [resource?.id, resource?.['@id']].find((id): id is string => typeof id === 'string');
export const iiifTypeOf = (resource: IiifResource) => String(resource.type ?? resource['@type'] ?? '');

/** How deep collections may nest in an upload: a collection, its collections, and theirs. */
export const DEEPEST_IIIF_COLLECTION = 3;

export const isIiifManifest = (resource: IiifResource) => /^(sc:)?Manifest$/.test(iiifTypeOf(resource));
export const isIiifCollection = (resource: IiifResource) => /^(sc:)?Collection$/.test(iiifTypeOf(resource));
/** The fields of a collection that hold its members: version 3's `items`, version 2's `members`, or its `collections` and `manifests`. */
export const IIIF_COLLECTION_MEMBER_FIELDS = ['items', 'members', 'collections', 'manifests'] as const;
/** A collection's members, in the order of `IIIF_COLLECTION_MEMBER_FIELDS`. */
export const iiifMembersOf = (collection: IiifResource) => IIIF_COLLECTION_MEMBER_FIELDS.flatMap((field) => iiifResources(collection[field]));
/** Whether a manifest or collection is only a reference to one (its id, label, type), without its canvases or members. */
export const iiifReferenceOnly = (resource: IiifResource) => (isIiifManifest(resource) ? !('items' in resource) && !('sequences' in resource) : !iiifMembersOf(resource).length);

/** A version 2 manifest: its canvases are in `sequences`. */
export const isIiifVersion2 = (manifest: IiifResource) => Array.isArray(manifest.sequences);
/**
 * A manifest's canvases, as the API reads them (the IIIF parser's upgrade of version 2 to 3): version 3's `items`,
 * version 2's canvases of every sequence, in order.
 */
export const iiifCanvasesOf = (manifest: IiifResource): IiifResource[] =>
  isIiifVersion2(manifest) ? (manifest.sequences as unknown[]).flatMap((sequence) => iiifResources(asIiifResource(sequence)?.canvases)) : iiifResources(manifest.items);

/**
 * A manifest's content, its `@context` aside (an embedded manifest has its collection's), as JSON with its keys sorted
 * and its texts trimmed: two alike, written in another key order or with a space at the end of a text, are one manifest.
 */
const contentOf = (manifest: IiifResource) =>
  JSON.stringify({ ...manifest, '@context': undefined }, (_key, value: unknown) => {
    if (typeof value === 'string') return value.trim();
    const resource = asIiifResource(value);
    return resource ? Object.fromEntries(Object.keys(resource).sort().map((key) => [key, resource[key]])) : value;
  });

/** Two manifests of an upload with one id and different content, by their places in it (from 0). */
export interface IiifIdShared {
  id: string;
  first: number;
  other: number;
}

/**
 * The manifests of an upload (a collection's, in the order it names them, or a list's) with each manifest taken once,
 * where it first appears, and how many repeats were left out: a collection may name one manifest twice (directly, or
 * through nested collections), and its canvases would be subjects twice. A repeat is a manifest with the id of an
 * earlier one and the same content (compared only when an id repeats); two that differ under one id are `shared`, for
 * the upload to be refused. The API's reading of an upload and the lab's split of one in parts both take manifests by
 * this rule.
 */
export function manifestsOnce<T extends IiifResource>(manifests: readonly T[]): { manifests: T[]; repeats: number; shared: IiifIdShared[] } {
  const seen = new Map<string, { at: number; content?: string }>();
  const shared: IiifIdShared[] = [];
  const once = manifests.filter((manifest, at) => {
    const id = iiifIdOf(manifest);
    if (id === undefined) return true;
    const first = seen.get(id);
    if (!first) {
      seen.set(id, { at });
      return true;
    }
    first.content ??= contentOf(manifests[first.at]!);
    if (contentOf(manifest) === first.content) return false;
    shared.push({ id, first: first.at, other: at });
    return true;
  });
  return { manifests: once, repeats: manifests.length - once.length, shared };
}
