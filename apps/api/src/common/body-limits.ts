import type { AppConfig } from '../config/config';
import { SUBJECT_UPLOAD_ROUTE } from '../subject-sets/subject-sets.controller';

/**
 * Whether a request (or a route, as Fastify registers it: `method` may be a list) is the subject upload, the one route
 * whose body may be a file. `routeUrl` is the route's pattern, with the API's prefix; listing a set's subjects shares
 * the pattern.
 */
export function isSubjectUpload(routeUrl: string | undefined, method: string | string[] | undefined): boolean {
  return !!routeUrl?.endsWith(`/${SUBJECT_UPLOAD_ROUTE}`) && [method].flat().includes('POST');
}

/** The most a route's body may be, and the setting that says so. */
export interface BodyLimit {
  bytes: number;
  setting: 'BODY_LIMIT_BYTES' | 'JSON_BODY_LIMIT_BYTES';
}

/**
 * Subject uploads may be files of up to 10,000 subjects (`BODY_LIMIT_BYTES`); every other route takes far less
 * (`JSON_BODY_LIMIT_BYTES`), so that nobody, signed in or not, can make the API read 16 MiB of JSON before the route
 * refuses it.
 */
export function bodyLimitOf(routeUrl: string | undefined, method: string | string[] | undefined, config: AppConfig): BodyLimit {
  return isSubjectUpload(routeUrl, method)
    ? { bytes: config.bodyLimitBytes, setting: 'BODY_LIMIT_BYTES' }
    : { bytes: config.jsonBodyLimitBytes, setting: 'JSON_BODY_LIMIT_BYTES' };
}
