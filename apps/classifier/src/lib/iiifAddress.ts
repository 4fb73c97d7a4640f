import { SUBJECT_UPLOAD_LIMITS } from '@chorus/client';
import { IIIF_COLLECTION_MEMBER_FIELDS, DEEPEST_IIIF_COLLECTION, type IiifResource, asIiifResource, iiifIdOf, iiifResources, isIiifCollection, isIiifManifest, iiifReferenceOnly, utf8Bytes } from '@chorus/tasks';

/**
 * How the lab reads a IIIF manifest or collection from its address: the browser fetches it (the API fetches nothing),
 * waiting at most `timeoutMs` for each document, taking at most `bytes` in all (the API's limit on an upload's body,
 * to which it is then sent) and fetching at most `members` manifests and collections that a collection names by
 * address.
 */
export const IIIF_ADDRESS_LIMITS = { timeoutMs: 30_000, bytes: SUBJECT_UPLOAD_LIMITS.bytes, members: 100 } as const;

/** Why an address is not one to fetch, before any request: none given, or not an http(s) address. */
export function addressProblem(text: string): 'missing' | 'notWeb' | null {
  const address = text.trim();
  if (!address) return 'missing';
  try {
    return ['http:', 'https:'].includes(new URL(address).protocol) ? null : 'notWeb';
  } catch {
    return 'notWeb';
  }
}

export type FetchFailure = 'unreachable' | 'status' | 'notUtf8' | 'notJson' | 'notIiif' | 'tooLarge' | 'timedOut' | 'tooManyMembers' | 'memberNotWeb';

/**
 * A document that could not be read from its address (or added: `tooLarge` with the API's `limitBytes`), and why;
 * `collection`: the collection that names it, or whose members, read with it, made it too large.
 */
export class IiifFetchFailed extends Error {
  constructor(
    readonly failure: FetchFailure,
    readonly address: string,
    readonly detail: { status?: number; collection?: string; limitBytes?: number } = {},
  ) {
    super(`${address}: ${failure}`);
  }
}

/** A IIIF document as its server sent it (its text, sent on as it is when nothing in it was fetched) and read. */
export interface FetchedDocument {
  address: string;
  text: string;
  document: IiifResource;
}

/** Reads one document from its address, taking at most `bytes` of it. */
export type FetchDocument = (address: string, bytes: number) => Promise<FetchedDocument>;

/** The body of an answer, refused past `bytes` (as the server says its length, else as it comes). */
async function bodyWithin(response: Response, address: string, bytes: number): Promise<string> {
  if (Number(response.headers.get('content-length') ?? 0) > bytes) throw new IiifFetchFailed('tooLarge', address);
  // Fatal: a document in another charset is refused, saying so, rather than read with its accents replaced.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decoded = (chunk?: Uint8Array) => {
    try {
      return decoder.decode(chunk, { stream: chunk !== undefined });
    } catch {
      throw new IiifFetchFailed('notUtf8', address);
    }
  };
  const reader = response.body?.getReader();
  if (!reader) return decoded(new Uint8Array(await response.arrayBuffer())) + decoded();
  let text = '';
  let read = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    read += chunk.value.length;
    if (read > bytes) {
      void reader.cancel();
      throw new IiifFetchFailed('tooLarge', address);
    }
    text += decoded(chunk.value);
  }
  return text + decoded();
}

/**
 * Fetches a IIIF manifest or collection from its address, without credentials: a server that does not answer, or does
 * not let other sites read it (CORS; the browser does not tell the two apart), an answer that is not JSON, not a
 * manifest or collection, not UTF-8, too large or too slow are each refused as such.
 */
export async function fetchIiifDocument(address: string, bytes: number, timeoutMs: number = IIIF_ADDRESS_LIMITS.timeoutMs): Promise<FetchedDocument> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let text: string;
  try {
    const response = await fetch(address, { signal: abort.signal, credentials: 'omit' });
    if (!response.ok) throw new IiifFetchFailed('status', address, { status: response.status });
    text = await bodyWithin(response, address, bytes);
  } catch (error) {
    if (error instanceof IiifFetchFailed) throw error;
    throw new IiifFetchFailed(abort.signal.aborted ? 'timedOut' : 'unreachable', address);
  } finally {
    clearTimeout(timer);
  }
  let document: IiifResource | undefined;
  try {
    document = asIiifResource(JSON.parse(text.replace(/^\uFEFF/, '')));
  } catch {
    throw new IiifFetchFailed('notJson', address);
  }
  if (!document || (!isIiifManifest(document) && !isIiifCollection(document))) throw new IiifFetchFailed('notIiif', address);
  return { address, text, document };
}

/** What a collection's member fetched is told as: its number among those fetched (at most `members`), its address. */
export type OnMember = (n: number, address: string) => void;

/**
 * The upload body of a IIIF document read from an address: a manifest, or a collection whose members are all embedded,
 * as it came; a collection that names manifests (or collections) by address alone with each of them fetched, in
 * order, and put in its place, so that the API reads the collection as if it had embedded them. A member's address
 * must be an absolute http(s) one (a relative one would be read from Chorus's own site). A collection that holds one
 * it is inside is left out there (no loops); one listed twice is fetched once and put in both places, for the API to
 * take each manifest once (`manifestsOnce`); none is followed deeper than the API reads them (`DEEPEST_IIIF_COLLECTION`,
 * beyond which the API's refusal names it). Any member failing fails the whole: nothing is sent.
 */
export async function iiifUploadBody(top: FetchedDocument, fetchDocument: FetchDocument, limits: { bytes: number; members: number } = IIIF_ADDRESS_LIMITS, onMember: OnMember = () => undefined): Promise<string> {
  const fetched = new Map<string, IiifResource>();
  let bytes = utf8Bytes(top.text);
  const fetchMember = async (address: string, collection: string): Promise<IiifResource> => {
    const known = fetched.get(address);
    if (known) return known;
    if (addressProblem(address)) throw new IiifFetchFailed('memberNotWeb', address, { collection });
    if (fetched.size >= limits.members) throw new IiifFetchFailed('tooManyMembers', address, { collection });
    onMember(fetched.size + 1, address);
    let member: FetchedDocument;
    try {
      member = await fetchDocument(address, limits.bytes - bytes);
    } catch (error) {
      throw error instanceof IiifFetchFailed ? new IiifFetchFailed(error.failure, address, { ...error.detail, collection }) : error;
    }
    bytes += utf8Bytes(member.text);
    fetched.set(address, member.document);
    return member.document;
  };
  /** A member in its place: fetched if named by address alone, a collection's own members in theirs; null when left out. */
  const placed = async (member: IiifResource, ancestors: string[], collection: string): Promise<IiifResource | null> => {
    const address = iiifIdOf(member);
    const reference = iiifReferenceOnly(member) && address !== undefined;
    if (isIiifManifest(member)) return reference ? fetchMember(address, collection) : member;
    if (!isIiifCollection(member) || ancestors.length >= DEEPEST_IIIF_COLLECTION) return member;
    if (address !== undefined && ancestors.includes(address)) return null;
    const whole = reference ? await fetchMember(address, collection) : member;
    return isIiifCollection(whole) ? embedded(whole, [...ancestors, address ?? collection]) : whole;
  };
  /** A collection with its members in their places; `path`: the addresses of the collections it is in, and its own. */
  const embedded = async (collection: IiifResource, path: string[]): Promise<IiifResource> => {
    const whole: IiifResource = { ...collection };
    for (const field of IIIF_COLLECTION_MEMBER_FIELDS) {
      if (!(field in collection) || !iiifResources(collection[field]).length) continue;
      const members: IiifResource[] = [];
      for (const member of iiifResources(collection[field])) {
        const kept = await placed(member, path, path.at(-1)!);
        if (kept) members.push(kept);
      }
      whole[field] = members;
    }
    return whole;
  };
  if (!isIiifCollection(top.document)) return top.text;
  const collection = await embedded(top.document, [top.address]);
  if (!fetched.size) return top.text;
  const body = JSON.stringify(collection);
  if (utf8Bytes(body) > limits.bytes) throw new IiifFetchFailed('tooLarge', top.address, { collection: top.address });
  return body;
}
