import { infoJsonUrl, normaliseInfo } from './iiif';

/** A IIIF Image API info.json as OpenSeadragon reads it (see `normaliseInfo`). */
export type ImageInfo = Record<string, unknown>;

/** How many services' info.json a page keeps: the subject on screen's, those of the subjects fetched ahead, a few more. */
const INFOS_KEPT = 8;
const infos = new Map<string, ImageInfo>();

/**
 * The info.json of `service` as this page last fetched it (ahead of its subject, or for a viewer), so that a viewer opens
 * without waiting for it, and even after the connection is lost. A copy: OpenSeadragon writes into the one it opens.
 */
export function knownInfo(service: string): ImageInfo | undefined {
  const info = infos.get(infoJsonUrl(service));
  return info && structuredClone(info);
}

/**
 * Fetches the info.json of `service`, normalised for OpenSeadragon, and keeps it for the page (`knownInfo`); undefined
 * when the service answers with an error or with something else than an Image API description. Throws when the service
 * cannot be reached (offline, CORS refused) or `signal` aborts.
 */
export async function fetchInfo(service: string, { signal, priority }: { signal?: AbortSignal; priority?: RequestPriority } = {}): Promise<ImageInfo | undefined> {
  const url = infoJsonUrl(service);
  const response = await fetch(url, { signal, priority, headers: { Accept: 'application/ld+json, application/json' } });
  if (!response.ok) return undefined;
  const info = normaliseInfo(await response.json(), service);
  if (!info) return undefined;
  infos.delete(url);
  infos.set(url, info);
  if (infos.size > INFOS_KEPT) infos.delete(infos.keys().next().value!);
  return structuredClone(info);
}
