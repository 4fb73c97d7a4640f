import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The scheme and host a request was sent to (`https://chorus.example.org`), as the client wrote them: behind a proxy
 * trusted by `TRUST_PROXY`, its `X-Forwarded-Proto` and `X-Forwarded-Host`. Undefined when the host is missing or is
 * more than a host and port (`evil.org/x#`): the client wrote it, so it is only taken as an address.
 */
export const RequestOrigin = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined => {
  const { protocol, host } = context.switchToHttp().getRequest<FastifyRequest>();
  return originOf(protocol, host);
});

/** A host name, an IPv4 address or a bracketed IPv6 one, with a port or not: nothing else a Host header may hold. */
const HOST_AND_PORT = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

export function originOf(protocol: string, host: string | undefined): string | undefined {
  if (!host || !HOST_AND_PORT.test(host)) return undefined;
  try {
    return new URL(`${protocol}://${host}`).origin;
  } catch {
    return undefined;
  }
}
