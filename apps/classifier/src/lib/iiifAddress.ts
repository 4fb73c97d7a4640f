import { SUBJECT_UPLOAD_LIMITS } from '@chorus/client';
import { COLLECTION_MEMBER_FIELDS, DEEPEST_COLLECTION, type IiifResource, asIiifResource, iiifIdOf, iiifResources, isIiifCollection, isIiifManifest, referenceOnly } from '@chorus/tasks';

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

export type FetchFailure = 'unreachable' | 'status' | 'notJson' | 'notIiif' | 'tooLarge' | 'timedOut' | 'tooManyMembers';

/** A document that could not be read from its address, and why; `member`: one that a collection names (`collection`). */
export class IiifFetchFailed extends Error {
  constructor(
    readonly failure: FetchFailure,
    readonly address: string,
    readonly detail: { status?: number; collection?: string } = {},
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

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/** The body of an answer, refused past `bytes` (as the server says its length, else as it comes). */
async function bodyWithin(response: Response, address: string, bytes: number): Promise<string> {
  if (Number(response.headers.get('content-length') ?? 0) > bytes) throw new IiifFetchFailed('tooLarge', address);
  const reader = response.body?.getReader();
  if (!reader) return response.text();
  const decoder = new TextDecoder();
  let text = '';
  let read = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    read += chunk.value.length;
    if (read > bytes) {
      void reader.cancel();
      throw new IiifFetchFailed('tooLarge', address);
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text + decoder.decode();
}

/**
 * Fetches a IIIF manifest or collection from its address, without credentials: a server that does not answer, or does
 * not let other sites read it (CORS; the browser does not tell the two apart), an answer that is not JSON, not a
 * manifest or collection, too large or too slow are each refused as such.
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

/**
 * The upload body of a IIIF document read from an address: a manifest, or a collection whose members are all embedded,
 * as it came; a collection that names manifests (or collections) by address alone with each of them fetched, in
 * order, and put in its place, so that the API reads the collection as if it had embedded them. A collection is
 * followed once (one it holds again is left out: no loops), and no deeper than the API reads them
 * (`DEEPEST_COLLECTION`, beyond which the API's refusal names it). Any member failing fails the whole: nothing is sent.
 */
export async function iiifUploadBody(top: FetchedDocument, fetchDocument: FetchDocument, limits: { bytes: number; members: number } = IIIF_ADDRESS_LIMITS): Promise<{ body: string; members: number }> {
  const fetched = new Map<string, IiifResource>();
  const followed = new Set([top.address]);
  let bytes = utf8Bytes(top.text);
  const fetchMember = async (address: string, collection: string): Promise<IiifResource> => {
    const known = fetched.get(address);
    if (known) return known;
    if (fetched.size >= limits.members) throw new IiifFetchFailed('tooManyMembers', address, { collection });
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
  const placed = async (member: IiifResource, depth: number, collection: string): Promise<IiifResource | null> => {
    const address = iiifIdOf(member);
    const reference = referenceOnly(member) && address !== undefined;
    if (isIiifManifest(member)) return reference ? fetchMember(address, collection) : member;
    if (!isIiifCollection(member) || depth > DEEPEST_COLLECTION) return member;
    if (address !== undefined && followed.has(address)) return null;
    if (address !== undefined) followed.add(address);
    const whole = reference ? await fetchMember(address, collection) : member;
    return isIiifCollection(whole) ? embedded(whole, depth, address ?? collection) : whole;
  };
  const embedded = async (collection: IiifResource, depth: number, name: string): Promise<IiifResource> => {
    const whole: IiifResource = { ...collection };
    for (const field of COLLECTION_MEMBER_FIELDS) {
      if (!(field in collection) || !iiifResources(collection[field]).length) continue;
      const members: IiifResource[] = [];
      for (const member of iiifResources(collection[field])) {
        const kept = await placed(member, depth + 1, name);
        if (kept) members.push(kept);
      }
      whole[field] = members;
    }
    return whole;
  };
  if (!isIiifCollection(top.document)) return { body: top.text, members: 0 };
  const collection = await embedded(top.document, 1, top.address);
  if (!fetched.size) return { body: top.text, members: 0 };
  const body = JSON.stringify(collection);
  if (utf8Bytes(body) > limits.bytes) throw new IiifFetchFailed('tooLarge', top.address);
  return { body, members: fetched.size };
}
