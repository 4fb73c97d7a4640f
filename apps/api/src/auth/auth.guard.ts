import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiKeyScope } from '@chorus/client';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../common/problem';
import type { TokenRefusal } from './api-keys';
import { type AuthUser, ENDED_SESSION_ACCEPTED, PUBLIC_ROUTE, SESSION_REQUIRED } from './auth.decorators';
import { KEY_SCOPE, type RouteScope, neededScope, scopeAllows, scopeRefused } from './key-scopes';
import { Tokens } from './tokens';

const missingToken = () =>
  new ProblemException(401, 'Send a bearer token in the Authorization header; get one from POST /api/v1/auth/guest, /auth/register or /auth/login, or make an API key (POST /api/v1/account/api-keys).', [
    { pointer: '/headers/authorization', message: 'is missing' },
  ]);
const refusals: Record<TokenRefusal, () => ProblemException> = {
  invalid: () =>
    new ProblemException(401, 'The bearer token is invalid, expired or signed out of; sign in again to get a new one.', [{ pointer: '/headers/authorization', message: 'is not a valid token' }]),
  'unknown-key': () =>
    new ProblemException(401, 'This API key is not one Chorus knows: check that it was copied whole (chorus_ and 43 more characters); a key is forgotten 30 days after it expires, and with its account. Make a new one on your account page (or POST /api/v1/account/api-keys, signed in).', [
      { pointer: '/headers/authorization', message: 'is not a known API key' },
    ], 'api-key-unknown'),
  'revoked-key': () =>
    new ProblemException(401, 'This API key was revoked, so it no longer works; make a new one on your account page (or POST /api/v1/account/api-keys, signed in).', [
      { pointer: '/headers/authorization', message: 'is an API key that was revoked' },
    ], 'api-key-revoked'),
  'expired-key': () =>
    new ProblemException(401, 'This API key has expired; make a new one on your account page (or POST /api/v1/account/api-keys, signed in), and revoke this one.', [
      { pointer: '/headers/authorization', message: 'is an API key that has expired' },
    ], 'api-key-expired'),
};
const sessionRequired = () =>
  new ProblemException(
    403,
    'An API key cannot manage API keys, change the password or email, sign out or delete the account: sign in (POST /api/v1/auth/login) and send that session’s token instead.',
    [{ pointer: '/headers/authorization', message: 'is an API key; this needs a signed-in session’s token' }],
    'session-required',
  );

/**
 * Every route needs a bearer token (a session's, or a personal API key) unless marked @Public(); on public routes a
 * valid token is still read. A key is refused where a route needs a session (@SessionRequired()), and where its scope
 * does not reach (@KeyScope(), else the request's method).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly tokens: Tokens, private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.marked<true | 'own-credentials'>(context, PUBLIC_ROUTE);
    if (isPublic === 'own-credentials') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const header = request.headers.authorization;
    if (!header) {
      if (isPublic) return true;
      throw missingToken();
    }
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw refusals.invalid();
    const endedSession = this.marked<true>(context, ENDED_SESSION_ACCEPTED) ? 'accepted' : 'refused';
    const user = await this.tokens.check(token, { endedSession });
    if (typeof user === 'string') throw refusals[user]();
    if (user.apiKeyId && this.marked<true>(context, SESSION_REQUIRED)) throw sessionRequired();
    if (user.apiKeyScope) this.checkScope(context, request, user.apiKeyScope);
    request.user = user;
    return true;
  }

  /** A key is refused a request its scope does not take, public routes' included: it is what the key is sent to do. */
  private checkScope(context: ExecutionContext, request: FastifyRequest, scope: ApiKeyScope): void {
    const needed = neededScope(request, this.marked<RouteScope>(context, KEY_SCOPE));
    if (!scopeAllows(scope, needed)) throw scopeRefused(scope, needed);
  }

  private marked<T>(context: ExecutionContext, key: string): T | undefined {
    return this.reflector.getAllAndOverride<T | undefined>(key, [context.getHandler(), context.getClass()]);
  }
}
