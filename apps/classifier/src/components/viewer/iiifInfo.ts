import { infoJsonUrl, normaliseInfo } from './iiif';

/** A IIIF Image API info.json as OpenSeadragon reads it (see `normaliseInfo`). */
export type ImageInfo = Record<string, unknown>;

/** How many services' info.json a page keeps: the subject on screen's, those of the subjects fetched ahead, a few more. */
const INFOS_KEPT = 8;
/** Each service's info.json as this page fetched it, or null when it answered with something else than an Image API description. */
const infos = new Map<string, ImageInfo | null>();
/** The requests under way, shared by whoever asks meanwhile (the fetch ahead and the viewer that opens). */
const pending = new Map<string, Promise<ImageInfo | null>>();

/**
 * The info.json of `service` as this page last fetched it (ahead of its subject, or for a viewer), so that a viewer opens
 * without waiting for it, and even after the connection is lost. A copy: OpenSeadragon writes into the one it opens.
 */
export function knownInfo(service: string): ImageInfo | undefined {
  const info = infos.get(infoJsonUrl(service));
  return info ? structuredClone(info) : undefined;
}

function keep(url: string, info: ImageInfo | null): void {
  infos.delete(url);
  infos.set(url, info);
  if (infos.size > INFOS_KEPT) infos.delete(infos.keys().next().value!);
}

/** One request for `url`: null, and kept so for the page, when a 200 is not an Image API description (not JSON either). */
async function request(url: string, service: string, priority: RequestPriority | undefined): Promise<ImageInfo | null> {
  const response = await fetch(url, { priority, headers: { Accept: 'application/ld+json, application/json' } });
  // An error may pass (a server restarting): not kept, asked again next time.
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const info = normaliseInfo(await response.json().catch(() => undefined), service) ?? null;
  keep(url, info);
  return info;
}

/** `promise`, or a rejection as soon as `signal` aborts (the request itself goes on for whoever else waits for it). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Fetches the info.json of `service`, normalised for OpenSeadragon, and keeps it for the page (`knownInfo`); undefined
 * when the service answers with something else than an Image API description (then kept as such: not asked again by
 * this page). One request at a time per service, at the priority of whoever asked first. Throws when the service cannot
 * be reached (offline, CORS refused), answers with an error (asked again next time), or `signal` aborts.
 */
export async function fetchInfo(service: string, { signal, priority }: { signal?: AbortSignal; priority?: RequestPriority } = {}): Promise<ImageInfo | undefined> {
  const url = infoJsonUrl(service);
  const known = infos.get(url);
  if (known !== undefined) return known ? structuredClone(known) : undefined;
  let asked = pending.get(url);
  if (!asked) {
    asked = request(url, service, priority).finally(() => pending.delete(url));
    pending.set(url, asked);
  }
  const info = await untilAborted(asked, signal);
  return info ? structuredClone(info) : undefined;
}
