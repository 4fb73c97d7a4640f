import { RETIREMENT_LIMITS } from '@chorus/client';
import { noRepeats } from '@chorus/tasks';
import { z } from 'zod';

export const retirementRequestSchema = z
  .strictObject({
    subjectIds: z
      .array(z.uuid('must be the id of a subject'))
      .min(1)
      .max(RETIREMENT_LIMITS.subjectsAtOnce)
      .superRefine((ids, ctx) => noRepeats(ids, ctx, (id) => id, (earlier) => `repeats subjectIds/${earlier}; name each subject once`))
      .optional(),
    subjectSetId: z.uuid('must be the id of a subject set').optional(),
    reason: z.string().trim().min(1, 'must say why, for the record').max(RETIREMENT_LIMITS.reasonLength),
  })
  .refine((request) => (request.subjectIds === undefined) !== (request.subjectSetId === undefined), {
    path: ['subjectIds'],
    message: 'give either subjectIds or subjectSetId, not both and not neither',
  });
export type RetirementRequest = z.infer<typeof retirementRequestSchema>;

export const prioritiesSchema = z.strictObject({
  priorities: z
    .array(z.strictObject({ subjectId: z.uuid('must be the id of a subject'), priority: z.number().finite() }))
    .min(1)
    .max(RETIREMENT_LIMITS.subjectsAtOnce)
    // Two priorities for one subject: which would win is anyone's guess, so neither is taken.
    .superRefine((priorities, ctx) =>
      noRepeats(priorities, ctx, ({ subjectId }) => subjectId, (earlier) => `names the subject of /priorities/${earlier} again; give each subject one priority`, 'subjectId'),
    ),
});
export type PrioritiesInput = z.infer<typeof prioritiesSchema>;
