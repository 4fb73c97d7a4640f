import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The scheme and host a request was sent to (`https://chorus.example.org`), as the client wrote them: behind a proxy
 * trusted by `TRUST_PROXY`, its `X-Forwarded-Proto` and `X-Forwarded-Host`.
 */
export const RequestOrigin = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return `${request.protocol}://${request.host}`;
});
