import { type PipeTransform } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
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

/** Documents a zod body schema in OpenAPI, from the same schema that validates it. */
export function ApiZodBody(schema: z.ZodType, description?: string): MethodDecorator {
  return ApiBody({ schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as object, description });
}

/** Validates a uuid path parameter, naming it in the error. */
export const uuidParam = (name: string) => new ZodPipe(z.uuid('must be a UUID'), `/params/${name}`);
