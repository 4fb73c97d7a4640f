import { z } from 'zod';
import { answerValueSchema, taskKeySchema } from './common';

const countRule = z.strictObject({ rule: z.literal('count'), count: z.int().min(1).max(10_000) });

/** The classifications at which a rule that waits for agreement or certainty retires a subject in any case. */
const retireAtMost = z
  .int({ error: (issue) => (issue.input === undefined ? 'is required: send a whole number, the most classifications a subject takes before it retires whether or not its answers settle (such as 15)' : undefined) })
  .min(1)
  .max(10_000);

const agreementRule = z
  .strictObject({
    rule: z.literal('agreement'),
    task: taskKeySchema,
    /** Answers to `task` needed before agreement is judged (fewer than classifications where a branch skips the task). */
    minimum: z.int().min(1).max(10_000),
    /** Share of votes for the leading answer, 0..1: votes counted alike, never weighed by learned skill. */
    threshold: z
      .number()
      .gt(0)
      .max(1)
      .meta({
        description:
          'The share of the votes behind the consensus, 0 to 1. Votes are counted, every volunteer’s alike: under bayes too, no vote is weighed by its volunteer’s learned skill (a posterior rule weighs them; GET /workflows/:id/skills lists the skills)',
      }),
    /**
     * Retire on agreement only when the consensus is this answer (holds it, for a multiple-choice or tagging task), such
     * as "no" of "Is there an animal?"; absent, on agreement about any answer.
     */
    answer: answerValueSchema.optional(),
    /** Retire at this many classifications in any case. */
    maximum: retireAtMost,
  })
  .refine((rule) => rule.maximum >= rule.minimum, { path: ['maximum'], message: 'must be at least minimum' });

const posteriorRule = z
  .strictObject({
    rule: z.literal('posterior'),
    task: taskKeySchema,
    /** The answer whose probability is tracked (the "positive" class of a yes/no task). */
    answer: answerValueSchema.meta({
      description: 'The answer whose probability is followed; under bayes the probability weighs each volunteer’s vote by their learned skill (GET /workflows/:id/skills), unlike an agreement rule',
    }),
    /**
     * Retire when the probability falls to `low` (another answer is settled) or rises to `high` (this one is); a `low`
     * of 0 or a `high` of 1 never retires, to retire only on one side.
     */
    low: z.number().min(0).max(1).default(0.05),
    high: z.number().min(0).max(1).default(0.95),
    prior: z.number().gt(0).lt(1).default(0.5),
    maximum: retireAtMost,
  })
  .refine((rule) => rule.low < rule.high, { path: ['high'], message: 'must be above low' })
  // A prior beyond a threshold would retire a subject on its first classification, whatever it says.
  .refine((rule) => rule.low >= rule.high || (rule.low < rule.prior && rule.prior < rule.high), {
    path: ['prior'],
    message: 'must lie between low and high (the belief before any classification is neither settled answer)',
  });

type BaseRule = z.infer<typeof countRule> | z.infer<typeof agreementRule> | z.infer<typeof posteriorRule>;
export type RetirementRule = BaseRule | { rule: 'any'; rules: RetirementRule[] };

/**
 * Retirement rules compose: `any` retires a subject as soon as one of its rules would. The title names the schema in
 * the API's documentation, where it refers to itself.
 */
export const retirementRuleSchema: z.ZodType<RetirementRule> = z
  .discriminatedUnion('rule', [
    countRule,
    agreementRule,
    posteriorRule,
    z.strictObject({
      rule: z.literal('any'),
      get rules() {
        return z.array(retirementRuleSchema).min(1).max(10);
      },
    }),
  ])
  .meta({ title: 'RetirementRule' });

/**
 * The fewest counted classifications at which this rule could retire a subject: until then a subject needs them all,
 * and from then on any classification may be its last, so the queue hands it to one volunteer at a time.
 */
export function classificationsNeededAtLeast(rule: RetirementRule): number {
  switch (rule.rule) {
    case 'count':
      return rule.count;
    case 'agreement':
      return rule.minimum;
    case 'posterior':
      return 1;
    case 'any':
      return Math.min(...rule.rules.map(classificationsNeededAtLeast));
  }
}

/** The most classifications a subject can ever need under this rule: no subject is handed out beyond it. */
export function classificationsNeededAtMost(rule: RetirementRule): number {
  switch (rule.rule) {
    case 'count':
      return rule.count;
    case 'agreement':
    case 'posterior':
      return rule.maximum;
    case 'any':
      return Math.min(...rule.rules.map(classificationsNeededAtMost));
  }
}

/** A field's message when it is left out, in a researcher's words (a lab form's effect left empty); else zod's, said plainly. */
const whenMissing = (message: string) => (issue: { input: unknown }) => (issue.input === undefined ? `is required: ${message}` : undefined);

/**
 * A subject set's id as a definition or a workflow names it, kept lowercase as Postgres writes a uuid: one written in
 * capitals is the same set, and read back as text (effects, set weights) it is spelled as the set's own id. Left out,
 * it is `whenLeftOut` (what to choose), if given.
 */
export const subjectSetIdSchema = (whenLeftOut?: string) =>
  z
    .uuid({ error: (issue) => (issue.code === 'invalid_format' ? 'must be the id of a subject set of this project' : whenLeftOut && whenMissing(whenLeftOut)(issue)) })
    .toLowerCase();

export const selectionRuleSchema = z.strictObject({
  order: z.enum(['random', 'priority', 'sequential']).default('random'),
  /** Share of queue slots given to gold-standard subjects, 0..1, for a volunteer with no classifications yet. */
  goldStandardRate: z.number().min(0).max(1).default(0),
  /** For `random` order: how often each linked subject set is drawn from, by id (unlisted sets weigh 0 when any is listed). */
  setWeights: z
    .record(
      subjectSetIdSchema(),
      z
        .number()
        .positive('must be more than 0; to weigh a set 0, leave it out (a linked set left out is drawn from only to fill what the weighted sets cannot)')
        .max(1_000_000),
    )
    .optional(),
  /** The gold-standard rate halves every this many classifications of the volunteer; absent, it stays constant. */
  goldStandardHalfLife: z.int().min(1).max(1_000_000).optional(),
  /** A volunteer's first `classifications` subjects come from this subject set (linked to the workflow), in set order. */
  training: z
    .strictObject({
      subjectSetId: subjectSetIdSchema(),
      classifications: z.int().min(1).max(1_000),
    })
    .optional(),
  /**
   * Volunteers may choose one of the workflow's linked subject sets (a document: a letter, a diary) and be served only
   * its subjects, in this order restricted to it (`GET /workflows/:id/queue?subjectSetId=`): training first as for
   * anyone new, gold-standard slots only from the chosen set's gold-standard subjects, and no `setWeights` (the
   * volunteer chose). Absent means false: every volunteer is served from the whole workflow.
   */
  volunteersChooseSubjectSet: z.boolean('must be true (volunteers may choose a subject set to work on) or false').optional(),
}).refine((selection) => !selection.setWeights || selection.order === 'random', {
  path: ['setWeights'],
  message: 'applies to random order only; remove it, or set order to random',
});
export type SelectionRule = z.infer<typeof selectionRuleSchema>;

/**
 * Whether gold-standard subjects come only at gold-standard slots (and from the training set): with a rate, the
 * regular order leaves them out, so volunteers see them at the rate set. Without one, they are served like any other.
 */
export function goldOnlyAtGoldSlots(selection: SelectionRule): boolean {
  return selection.goldStandardRate > 0;
}

/** The chance that one queue slot goes to a gold-standard subject, for a volunteer with `experience` classifications. */
export function goldStandardRateAt(selection: SelectionRule, experience: number): number {
  if (!selection.goldStandardHalfLife) return selection.goldStandardRate;
  return selection.goldStandardRate * 0.5 ** (experience / selection.goldStandardHalfLife);
}

/**
 * How many of a volunteer's classifications can still change what the queue serves them: past this, training is over
 * and a decaying gold-standard rate is below one in a million. Zero when experience never matters.
 */
export function experienceThatMatters(selection: SelectionRule): number {
  const training = selection.training?.classifications ?? 0;
  const gold = selection.goldStandardRate > 0 && selection.goldStandardHalfLife ? selection.goldStandardHalfLife * 20 : 0;
  return Math.max(training, gold);
}

/** When a subject's consensus on a task meets the condition, add it to a subject set. */
export const effectSchema = z.strictObject({
  when: z.strictObject(
    {
      task: taskKeySchema,
      answer: answerValueSchema.optional(),
      agreementAtLeast: z.number().min(0).max(1).optional(),
    },
    { error: whenMissing('choose the task whose consensus moves the subject (and, if you like, its answer or agreement)') },
  ),
  addToSubjectSet: subjectSetIdSchema('choose the subject set the subject is added to'),
});
export type Effect = z.infer<typeof effectSchema>;

/**
 * What decided a routing: the condition of the effect that fired (`when`: its task, and the answer or agreement it asks
 * for) in the workflow's version then (`version`) and the subject's consensus on that task that met it (its answer and
 * agreement), as the worker read them then.
 */
export const routingDecisionSchema = z.strictObject({
  version: z.int().min(1).meta({ description: 'The workflow version whose effect fired: its definition names the task and answers of `when` and `answer`' }),
  when: effectSchema.shape.when.meta({ description: 'The condition of the effect that fired: its task, and the answer or agreement it asks for (neither: any consensus on the task)' }),
  answer: z.string().nullable().meta({ description: 'The consensus answer on the task (several answers joined by ";"), null for a task whose consensus is no single answer' }),
  agreement: z.number().nullable().meta({ description: 'The consensus agreement on the task, 0 to 1, null when its algorithm gives none' }),
});
export type RoutingDecision = z.infer<typeof routingDecisionSchema>;

/** A subject set an effect moves a subject into, and what decided it (the first effect into the set that fired). */
export interface EffectMet {
  subjectSetId: string;
  decidedBy: RoutingDecision;
}
