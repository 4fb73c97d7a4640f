/** IIIF Image API helpers: where a service's info.json lives, and an info.json OpenSeadragon reads correctly. */

const CONTEXT_2 = 'http://iiif.io/api/image/2/context.json';
const CONTEXT_3 = 'http://iiif.io/api/image/3/context.json';
const PROTOCOL = 'http://iiif.io/api/image';

/** The info.json URL of a service given as its base URL (the usual form) or as the info.json URL itself. */
export function infoJsonUrl(service: string): string {
  const base = service.replace(/\/+$/, '');
  return /\/info\.json$/.test(base) ? base : `${base}/info.json`;
}

/** The service's base URL (its id), from either form accepted by `infoJsonUrl`. */
export function serviceBase(service: string): string {
  return infoJsonUrl(service).replace(/\/info\.json$/, '');
}

/** The Image API contexts OpenSeadragon knows (1.0, 1.1, 2 and 3). */
const IMAGE_CONTEXT = /^http:\/\/(iiif\.io\/api\/image\/[1-3]\/context\.json|library\.stanford\.edu\/iiif\/image-api\/1\.1\/context\.json)$/;

/**
 * A copy of an Image API 2 or 3 info.json that OpenSeadragon's IIIF tile source understands: both `id` and
 * `@id` (either may be missing; the service URL stands in when both are), and an `@context` (Image API 3
 * services often leave it out, and OpenSeadragon then takes them for version 1.0 and asks for the wrong tiles).
 * Returns undefined when it is not an Image API description (no width and height).
 */
export function normaliseInfo(info: unknown, service: string): Record<string, unknown> | undefined {
  if (!info || typeof info !== 'object' || Array.isArray(info)) return undefined;
  const data: Record<string, unknown> = { ...(info as Record<string, unknown>) };
  if (!(Number(data.width) > 0 && Number(data.height) > 0)) return undefined;
  const declared = typeof data.id === 'string' ? data.id : typeof data['@id'] === 'string' ? data['@id'] : undefined;
  const id = (declared ?? serviceBase(service)).replace(/\/+$/, '');
  data.id = id;
  data['@id'] = id;
  const context = data['@context'];
  // OpenSeadragon matches the http:// context URIs only; some services write https://.
  const contexts = (context === undefined ? [] : Array.isArray(context) ? context : [context]).map((uri: unknown) =>
    typeof uri === 'string' ? uri.replace(/^https:\/\/iiif\.io\/api\/image\//, 'http://iiif.io/api/image/') : uri,
  );
  if (!contexts.some((uri) => typeof uri === 'string' && IMAGE_CONTEXT.test(uri))) {
    const version3 = data.type === 'ImageService3' || (data.type === undefined && 'id' in info && !('@id' in info));
    // Keep any other contexts (extensions) before the Image API one.
    const imageContext = version3 ? CONTEXT_3 : CONTEXT_2;
    data['@context'] = contexts.length > 0 ? [...contexts, imageContext] : imageContext;
  } else {
    data['@context'] = contexts.length === 1 ? contexts[0] : contexts;
  }
  if (data.protocol === undefined) data.protocol = PROTOCOL;
  return data;
}
