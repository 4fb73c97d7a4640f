import type { FastifyRequest } from 'fastify';

/**
 * The address with its query parameter `name` (however percent-encoded its name is, as Fastify reads it) written as
 * `name=<replacement>`, or left out when no replacement is given.
 */
export function addressWithout(url: string, name: string, replacement?: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const kept = url
    .slice(mark + 1)
    .split('&')
    .flatMap((pair) => {
      if (decodedName(pair) !== name) return [pair];
      return replacement === undefined ? [] : [`${name}=${replacement}`];
    });
  return kept.length ? `${url.slice(0, mark)}?${kept.join('&')}` : url.slice(0, mark);
}

function decodedName(pair: string): string {
  const name = pair.split('=', 1)[0]!.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** What a request log line says of the request: Fastify's own fields, the address without a token in it. */
export function loggedRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: addressWithout(request.url, 'token', '[redacted]'),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
