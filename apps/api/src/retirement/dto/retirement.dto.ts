import { RETIREMENT_LIMITS } from '@chorus/client';
import { externalIdSchema, noRepeats } from '@chorus/tasks';
import { z } from 'zod';

/** A list of subjects named one way (their ids, or their externalIds), each once. */
const subjectList = <T extends z.ZodType<string>>(item: T, field: string) =>
  z
    .array(item)
    .min(1)
    .max(RETIREMENT_LIMITS.subjectsAtOnce)
    .superRefine((names, ctx) => noRepeats(names, ctx, (name) => name, (earlier) => `repeats ${field}/${earlier}; name each subject once`))
    .optional();

const subjectsChosen = {
  subjectIds: subjectList(z.uuid('must be the id of a subject'), 'subjectIds'),
  /** The subjects' own ids in the project (what the uploads called `external_id`), with or beside `subjectIds`. */
  externalIds: subjectList(externalIdSchema, 'externalIds'),
  subjectSetId: z.uuid('must be the id of a subject set').optional(),
  reason: z.string().trim().min(1, 'must say why, for the record').max(RETIREMENT_LIMITS.reasonLength),
};

/** One way of choosing subjects, and not too many of them. */
const chosenOneWay = <T extends z.ZodType<{ subjectIds?: string[]; externalIds?: string[]; subjectSetId?: string }>>(schema: T) =>
  schema
    .refine((request) => (request.subjectIds === undefined && request.externalIds === undefined) !== (request.subjectSetId === undefined), {
      path: ['subjectIds'],
      message: 'give subjectIds or externalIds (or both), or else subjectSetId: one way of choosing subjects, not none',
    })
    .refine((request) => (request.subjectIds?.length ?? 0) + (request.externalIds?.length ?? 0) <= RETIREMENT_LIMITS.subjectsAtOnce, {
      path: ['externalIds'],
      message: `names more than ${RETIREMENT_LIMITS.subjectsAtOnce} subjects between subjectIds and externalIds; send them in parts`,
    });

/** Which subjects to unretire, and why. */
export const retirementRequestSchema = chosenOneWay(z.strictObject(subjectsChosen));

/**
 * Which subjects to retire, and why; `takeDown` makes a researcher's retirement a take-down (a moderator's always is),
 * of subjects named one by one: a whole set is never taken down at once.
 */
export const retireRequestSchema = chosenOneWay(z.strictObject({ ...subjectsChosen, takeDown: z.boolean().optional() })).refine(
  (request) => !(request.takeDown && request.subjectSetId !== undefined),
  { path: ['takeDown'], message: 'takes down subjects named one by one (subjectIds or externalIds), never a whole subject set; name the subjects to take down, or leave takeDown out to retire the set' },
);
export type RetireRequest = z.infer<typeof retireRequestSchema>;
export type RetirementRequest = z.infer<typeof retirementRequestSchema>;

export const prioritiesSchema = z.strictObject({
  priorities: z
    .array(
      z
        .strictObject({ subjectId: z.uuid('must be the id of a subject').optional(), externalId: externalIdSchema.optional(), priority: z.number().finite() })
        .refine((entry) => (entry.subjectId === undefined) !== (entry.externalId === undefined), {
          path: ['subjectId'],
          message: 'give the subject by subjectId or by externalId: one of the two',
        }),
    )
    .min(1)
    .max(RETIREMENT_LIMITS.subjectsAtOnce)
    // Two priorities for one subject: which would win is anyone's guess, so neither is taken.
    .superRefine((priorities, ctx) =>
      noRepeats(
        priorities,
        ctx,
        ({ subjectId, externalId }) => (subjectId ? `id ${subjectId}` : `externalId ${externalId}`),
        (earlier) => `names the subject of /priorities/${earlier} again; give each subject one priority`,
        ({ subjectId }) => (subjectId ? 'subjectId' : 'externalId'),
      ),
    ),
});
export type PrioritiesInput = z.infer<typeof prioritiesSchema>;
