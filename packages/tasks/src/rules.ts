import { z } from 'zod';
import { answerValueSchema, taskKeySchema } from './common';

const countRule = z.strictObject({ rule: z.literal('count'), count: z.int().min(1).max(10_000) });

const agreementRule = z
  .strictObject({
    rule: z.literal('agreement'),
    task: taskKeySchema,
    /** Classifications needed before agreement is judged. */
    minimum: z.int().min(1).max(10_000),
    /** Share of votes for the leading answer, 0..1. */
    threshold: z.number().gt(0).max(1),
    /** Retire at this many classifications in any case. */
    maximum: z.int().min(1).max(10_000),
  })
  .refine((rule) => rule.maximum >= rule.minimum, { path: ['maximum'], message: 'must be at least minimum' });

const posteriorRule = z
  .strictObject({
    rule: z.literal('posterior'),
    task: taskKeySchema,
    /** The answer whose probability is tracked (the "positive" class of a yes/no task). */
    answer: answerValueSchema,
    /** Retire when the probability falls below `low` or rises above `high`. */
    low: z.number().min(0).max(1).default(0.05),
    high: z.number().min(0).max(1).default(0.95),
    prior: z.number().gt(0).lt(1).default(0.5),
    maximum: z.int().min(1).max(10_000),
  })
  .refine((rule) => rule.low < rule.high, { path: ['high'], message: 'must be above low' });

type BaseRule = z.infer<typeof countRule> | z.infer<typeof agreementRule> | z.infer<typeof posteriorRule>;
export type RetirementRule = BaseRule | { rule: 'any'; rules: RetirementRule[] };

/** Retirement rules compose: `any` retires a subject as soon as one of its rules would. */
export const retirementRuleSchema: z.ZodType<RetirementRule> = z.lazy(() =>
  z.discriminatedUnion('rule', [
    countRule,
    agreementRule,
    posteriorRule,
    z.strictObject({ rule: z.literal('any'), rules: z.array(retirementRuleSchema).min(1).max(10) }),
  ]),
) as z.ZodType<RetirementRule>;

export const selectionRuleSchema = z.strictObject({
  order: z.enum(['random', 'priority', 'sequential']).default('random'),
  /** Share of queue slots given to gold-standard subjects, 0..1. */
  goldStandardRate: z.number().min(0).max(1).default(0),
});
export type SelectionRule = z.infer<typeof selectionRuleSchema>;

/** When a subject's consensus on a task meets the condition, add it to a subject set. */
export const effectSchema = z.strictObject({
  when: z.strictObject({
    task: taskKeySchema,
    answer: answerValueSchema.optional(),
    agreementAtLeast: z.number().min(0).max(1).optional(),
  }),
  addToSubjectSet: z.string().uuid('must be the id of a subject set'),
});
export type Effect = z.infer<typeof effectSchema>;
