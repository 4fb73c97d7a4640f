import { SetMetadata } from '@nestjs/common';
import { API_KEY_SCOPES, API_KEY_SCOPES_IN_WORDS, type ApiKeyScope } from '@chorus/client';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../common/problem';

export const KEY_SCOPE = 'chorus:key-scope';

/** The narrowest scope a route takes: one for the route, or one read from the request (before its body is checked). */
export type RouteScope = ApiKeyScope | ((request: FastifyRequest) => ApiKeyScope);

/**
 * Marks a route whose scope is not its method's (`neededScope`): the downloads, their links, the look-ups of what their
 * columns refer to (`DownloadsLookUp`) and `GET /account` take a `downloads` key, download links a `read` key
 * though they are made by a POST; the queue, a GET that holds subjects, a `full` key.
 */
export const KeyScope = (scope: RouteScope) => SetMetadata(KEY_SCOPE, scope);

/**
 * Marks a read-only look-up of what the downloads' columns refer to (the workflow, its versions for `workflow_version`
 * and the task keys, the project's subject sets for the names of `subject_set_ids` and `routed_into`) or of which
 * workflows there are to download (the projects, each with its workflows): a `downloads` key, so a script can find
 * and read its own download. Not a route that holds subjects or volunteers' free text.
 */
export const DownloadsLookUp = () => KeyScope('downloads');

/** Safe requests: what a `read` key may make (RFC 9110's safe methods Chorus answers). */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * The narrowest scope of a key that may make the request: the route's mark, if any; else `read` for a safe request,
 * `full` for any other. Each scope of `API_KEY_SCOPES` is a part of the one before it.
 */
export function neededScope(request: FastifyRequest, marked: RouteScope | undefined): ApiKeyScope {
  if (marked !== undefined) return typeof marked === 'function' ? marked(request) : marked;
  return SAFE_METHODS.has(request.method) ? 'read' : 'full';
}

/** Whether a key of `scope` may make a request that needs `needed`. */
export const scopeAllows = (scope: ApiKeyScope, needed: ApiKeyScope) => API_KEY_SCOPES.indexOf(scope) <= API_KEY_SCOPES.indexOf(needed);

/** A key sent to a route its scope does not take: names its scope, what the route needs, and the key to make instead. */
export function scopeRefused(scope: ApiKeyScope, needed: ApiKeyScope): ProblemException {
  const refused = new ProblemException(
    403,
    `This API key's scope is "${scope}" (${API_KEY_SCOPES_IN_WORDS[scope]}); this request needs a key of scope "${needed}" (${API_KEY_SCOPES_IN_WORDS[needed]}). Make a key with scope "${needed}" on your account page (or POST /api/v1/account/api-keys, signed in, with "scope": "${needed}") and send it instead; nothing was changed.`,
    [{ pointer: '/headers/authorization', message: `is an API key of scope "${scope}"; this needs scope "${needed}"` }],
    'api-key-scope',
  );
  refused.body.keyScope = scope;
  refused.body.neededScope = needed;
  return refused;
}
