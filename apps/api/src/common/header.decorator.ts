import { type ExecutionContext, createParamDecorator } from '@nestjs/common';

/** A request header, so that pipes can validate it and name it in their errors. */
export const HeaderValue = createParamDecorator((name: string, context: ExecutionContext): string | undefined => {
  const value = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers[name];
  return Array.isArray(value) ? value[0] : value;
});
