import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../common/problem';
import { type AuthUser, ENDED_SESSION_ACCEPTED, PUBLIC_ROUTE } from './auth.decorators';
import { Tokens } from './tokens';

const missingToken = () =>
  new ProblemException(401, 'Send a bearer token in the Authorization header; get one from POST /api/v1/auth/guest, /auth/register or /auth/login.', [
    { pointer: '/headers/authorization', message: 'is missing' },
  ]);
const badToken = () =>
  new ProblemException(401, 'The bearer token is invalid, expired or signed out of; sign in again to get a new one.', [{ pointer: '/headers/authorization', message: 'is not a valid token' }]);

/** Every route needs a bearer token unless marked @Public(); on public routes a valid token is still read. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly tokens: Tokens, private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<true | 'own-credentials' | undefined>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]);
    if (isPublic === 'own-credentials') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const header = request.headers.authorization;
    if (!header) {
      if (isPublic) return true;
      throw missingToken();
    }
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw badToken();
    const endedSession = this.reflector.getAllAndOverride<true | undefined>(ENDED_SESSION_ACCEPTED, [context.getHandler(), context.getClass()]) ? 'accepted' : 'refused';
    const user = await this.tokens.verify(token, { endedSession });
    if (!user) throw badToken();
    request.user = user;
    return true;
  }
}
