import type { FastifyRequest } from 'fastify';

/** A bearer token sent in an address's query (the queue board's sign-in link): never written to a log. */
const TOKEN_IN_QUERY = /([?&]token=)[^&#]*/gi;

/** What a request log line says of the request: Fastify's own fields, the address without a token in it. */
export function loggedRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: request.url.replace(TOKEN_IN_QUERY, '$1[redacted]'),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
