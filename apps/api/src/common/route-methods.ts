import Router from 'find-my-way';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemException } from './problem';
import { API_PREFIX } from './routes';

declare module 'fastify' {
  interface FastifyRequest {
    /** The methods the API's routes answer at this request's path (none for a path no route has). */
    allowedMethods(): string[];
  }
}

/** The routes of the API itself: the classifier's fallback (`/*`) and CORS's preflight (`*`) match every path. */
const isApiRoute = (url: string) => url.startsWith(`/${API_PREFIX}/`) && !url.includes('*');

/**
 * Collects the methods of every API route as Fastify registers it, in a router of their own (the one Fastify uses,
 * so a path matches here as it matches there), for a known path asked with another method to be told apart from an
 * unknown path: 405 with `Allow`, not 404.
 */
export function collectRouteMethods(fastify: FastifyInstance): void {
  const routes = Router();
  const methods = new Set<string>();
  const add = (method: string, url: string) => {
    if (routes.hasRoute(method as Router.HTTPMethod, url)) return;
    routes.on(method as Router.HTTPMethod, url, () => undefined);
    methods.add(method);
  };
  fastify.addHook('onRoute', ({ method, url }) => {
    if (!isApiRoute(url)) return;
    for (const each of [method].flat()) {
      add(each, url);
      if (each === 'GET') add('HEAD', url);
    }
  });
  fastify.decorateRequest('allowedMethods', function (this: FastifyRequest) {
    return [...methods].filter((method) => routes.find(method as Router.HTTPMethod, this.url) !== null).sort();
  });
}

/**
 * A request with a method its path's routes do not answer: 405 naming those they do, in `Allow` too. Undefined for a
 * path no route has (a 404) and for a method it answers.
 */
export function methodNotAllowed(request: FastifyRequest): ProblemException | undefined {
  const allowed = request.allowedMethods?.() ?? [];
  if (!allowed.length || allowed.includes(request.method)) return undefined;
  const path = request.url.split('?')[0];
  return new ProblemException(405, `${path} does not take ${request.method}; it takes ${allowed.join(', ')} (see /api/docs).`, [
    { pointer: '/method', message: `must be one of ${allowed.join(', ')}` },
  ]).withHeader('allow', allowed.join(', '));
}
