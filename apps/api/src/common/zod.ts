import { type PipeTransform, applyDecorators } from '@nestjs/common';
import { ApiBody, ApiDefaultResponse, ApiResponse } from '@nestjs/swagger';
import { problemSchema } from '@chorus/client';
import { type Validated, validateWith } from '@chorus/tasks';
import { z } from 'zod';
import { validationFailed } from './problem';

/** Validates a request part with a zod schema; errors name each field by JSON pointer. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S, private readonly base = '') {}
  transform(value: unknown): z.infer<S> {
    return unwrap(validateWith(this.schema, value, this.base));
  }
}

export function unwrap<T>(result: Validated<T>): T {
  if (!result.ok) throw validationFailed(result.errors);
  return result.value;
}

const jsonSchemaOf = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as object;

/** Documents a zod body schema in OpenAPI, from the same schema that validates it. */
export function ApiZodBody(schema: z.ZodType, description?: string): MethodDecorator {
  return ApiBody({ schema: jsonSchemaOf(schema, 'input'), description });
}

/**
 * Documents a route's answer in OpenAPI from the schema the client's types come from (`@chorus/client`'s views), and
 * that any other status is a problem (RFC 9457).
 */
export function ApiZodResponse(schema: z.ZodType, options: { status?: number; description?: string } = {}): MethodDecorator {
  return applyDecorators(ApiResponse({ status: options.status ?? 200, description: options.description ?? 'OK', schema: jsonSchemaOf(schema, 'output') }), ApiProblemResponse());
}

/** Documents that any status but the route's success is a problem (RFC 9457). */
export function ApiProblemResponse(): MethodDecorator & ClassDecorator {
  return ApiDefaultResponse({ description: 'A problem: what is wrong, and the JSON pointer of each bad field', content: { 'application/problem+json': { schema: jsonSchemaOf(problemSchema, 'output') } } });
}

/** Validates a uuid path parameter, naming it in the error. */
export const uuidParam = (name: string) => new ZodPipe(z.uuid('must be a UUID'), `/params/${name}`);
