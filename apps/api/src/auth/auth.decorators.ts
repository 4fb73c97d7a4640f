import { type ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';

export interface AuthUser {
  id: string;
  kind: 'registered' | 'guest';
}

export const PUBLIC_ROUTE = 'chorus:public';
/** Marks a route that needs no token. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The caller, as proved by their bearer token. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser => {
  return context.switchToHttp().getRequest<{ user: AuthUser }>().user;
});

/** The caller if they sent a valid token on a public route, otherwise undefined. */
export const OptionalUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser | undefined => {
  return context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
});

