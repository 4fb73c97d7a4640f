import { type CanActivate, type ExecutionContext, Injectable, SetMetadata, type Type, UseGuards, applyDecorators } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { AuthUser } from '../auth/auth.decorators';
import { uuidParam } from '../common/zod';

/**
 * Who may use a route of a project, workflow, subject set or subject (the route's `:id`): the check of the service
 * `of` that the route's own service makes, so that the answer is the same.
 */
export interface RouteAccess<T = unknown> {
  of: Type<T>;
  check(service: T, id: string, user: AuthUser): Promise<unknown>;
}

export const routeAccess = <T>(of: Type<T>, check: (service: T, id: string, user: AuthUser) => Promise<unknown>): RouteAccess<T> => ({ of, check: check as RouteAccess['check'] });

const ROUTE_ACCESS = 'chorus:route-access';

/**
 * Asks who may use the route before its body, query, headers and other parameters are read (Nest runs guards before
 * pipes): anyone else is refused as they would be with a well-formed request (403, or 404 for what they may not
 * see), and is never told the shape of what they may not send. The route's service asks again, as every route does.
 */
export const AccessFirst = <T>(access: RouteAccess<T>) => applyDecorators(SetMetadata(ROUTE_ACCESS, access), UseGuards(AccessFirstGuard));

@Injectable()
export class AccessFirstGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly services: ModuleRef,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.get<RouteAccess>(ROUTE_ACCESS, context.getHandler());
    const request = context.switchToHttp().getRequest<{ params: { id?: unknown }; user: AuthUser }>();
    // As the route reads its id: a bad one is refused as it would refuse it.
    const id = uuidParam('id').transform(request.params.id);
    await access.check(this.services.get(access.of, { strict: false }), id, request.user);
    return true;
  }
}
