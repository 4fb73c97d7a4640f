import type { ApiKeyScope } from '@chorus/client';
import { type ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { TokenSession } from './ended-sessions';

export interface AuthUser {
  id: string;
  kind: 'registered' | 'guest';
  /** The personal API key the request was sent with (a key is a session whose id is the key's); none with a session's token. */
  apiKeyId?: string;
  /** What that key may do (`KeyScope`), with its id. */
  apiKeyScope?: ApiKeyScope;
}

export const PUBLIC_ROUTE = 'chorus:public';
/**
 * Marks a route that needs no token: `true`, though a token sent is read; `'own-credentials'`, whose Authorization
 * header is its own credential (the metrics scraper's), never a volunteer's token.
 */
export const Public = (kind: true | 'own-credentials' = true) => SetMetadata(PUBLIC_ROUTE, kind);

export const ENDED_SESSION_ACCEPTED = 'chorus:ended-session-accepted';
/** Marks a route that takes a token of a session signed out of already (signing out of it again is no error). */
export const EndedSessionAccepted = () => SetMetadata(ENDED_SESSION_ACCEPTED, true);

export const SESSION_REQUIRED = 'chorus:session-required';
/**
 * Marks a route a personal API key may not call (managing keys, the password, the email, signing out, deleting the
 * account): a script's key must not outlast its owner's hold on the account. It needs a session's token.
 */
export const SessionRequired = () => SetMetadata(SESSION_REQUIRED, true);

/** The caller, as proved by their bearer token. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser => {
  return context.switchToHttp().getRequest<{ user: AuthUser }>().user;
});

/** The caller if they sent a valid token on a public route, otherwise undefined. */
export const OptionalUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser | undefined => {
  return context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
});


/** The session of the caller's bearer token: the sign-in on this device. */
export const CurrentSession = createParamDecorator((_: unknown, context: ExecutionContext): TokenSession => {
  return context.switchToHttp().getRequest<{ user: { session: TokenSession } }>().user.session;
});
