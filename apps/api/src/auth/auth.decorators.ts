import { type ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';

export interface AuthUser {
  id: string;
  kind: 'registered' | 'guest';
}

export const PUBLIC_ROUTE = 'chorus:public';
/**
 * Marks a route that needs no token: `true`, though a token sent is read; `'own-credentials'`, whose Authorization
 * header is its own credential (the metrics scraper's), never a volunteer's token.
 */
export const Public = (kind: true | 'own-credentials' = true) => SetMetadata(PUBLIC_ROUTE, kind);

/** The caller, as proved by their bearer token. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser => {
  return context.switchToHttp().getRequest<{ user: AuthUser }>().user;
});

/** The caller if they sent a valid token on a public route, otherwise undefined. */
export const OptionalUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser | undefined => {
  return context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
});

