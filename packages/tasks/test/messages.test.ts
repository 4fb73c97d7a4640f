import { z } from 'zod';
import { validateWith } from '../src';

describe('validation messages', () => {
  const schema = z.strictObject({
    status: z.enum(['draft', 'live']),
    minimum: z.int().min(1),
    title: z.string().min(1).max(5),
    list: z.array(z.string()).min(1).max(2),
    id: z.uuid(),
    rule: z.literal('count'),
    share: z.number().gt(0),
    name: z.string(),
    answer: z.string().refine((value) => value !== 'maybe', 'is not an answer; use yes or no'),
  });
  const messages = (input: unknown) => {
    const result = validateWith(schema, input);
    return result.ok ? {} : Object.fromEntries(result.errors.map((error) => [error.pointer, error.message]));
  };

  it("say zod's findings in plain words, naming what to send", () => {
    expect(messages({ status: 'x', minimum: 0, title: 3, list: ['a', 'b', 'c'], id: 'nope', rule: 'any', share: 0, answer: 'maybe' })).toEqual({
      '/status': 'must be one of "draft", "live"',
      '/minimum': 'must be at least 1',
      '/title': 'must be a string, not a number',
      '/list': 'must have at most 2 items',
      '/id': 'must be a UUID',
      '/rule': 'must be "count"',
      '/share': 'must be more than 0',
      '/name': 'is required: send a string',
      '/answer': 'is not an answer; use yes or no',
    });
    expect(messages({ status: 'live', minimum: 1.5, title: '', list: [], id: '00000000-0000-4000-8000-000000000000', rule: 'count', share: 1, name: 'x', answer: 'yes' })).toEqual({
      '/minimum': 'must be a whole number',
      '/title': 'must not be empty',
      '/list': 'must not be empty',
    });
    const valid = { status: 'live', minimum: 1, title: 'a', list: ['a'], id: '00000000-0000-4000-8000-000000000000', rule: 'count', share: 1, name: 'x', answer: 'yes' };
    expect(messages({ ...valid, name: null, share: Number.POSITIVE_INFINITY, minimum: Number.NaN })).toEqual({
      '/name': 'must be a string, not null',
      '/share': 'must be a number, not Infinity (a number too large to store)',
      '/minimum': 'must be a number',
    });
  });

  it('name the values a tag may take, what is wrong with a name, and call a record an object', () => {
    const tagged = z.strictObject({
      kind: z.discriminatedUnion('type', [z.strictObject({ type: z.literal('single') }), z.strictObject({ type: z.literal('multiple') })]),
      tasks: z.record(z.string().regex(/^[A-Z]\w*$/, 'use a capital letter first'), z.unknown()),
      metadata: z.record(z.string(), z.unknown()),
    });
    const result = validateWith(tagged, { kind: { type: 'singel' }, tasks: { t0: 1 }, metadata: 'x' });
    expect(result.ok ? [] : result.errors).toEqual([
      { pointer: '/kind/type', message: 'must be one of "single", "multiple"' },
      { pointer: '/tasks/t0', message: 'is not a valid name here: use a capital letter first' },
      { pointer: '/metadata', message: 'must be an object, not a string' },
    ]);
  });
});
