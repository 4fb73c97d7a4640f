import { z } from 'zod';

/**
 * The body of `PUT /workflows/:id/subjects/:subjectId/reviews/:task`: a `value` corrects the consensus to that answer
 * (checked against the task as a volunteer's answer is); none approves the consensus, the answer `consensus` names
 * when given (refused if it is not the consensus answer any more), else as it is. A body may be left out.
 */
export const consensusReviewInputSchema = z
  .strictObject({
    value: z.unknown().optional().meta({ description: 'The corrected answer, as a volunteer gives one to the task; leave it out to approve the consensus' }),
    consensus: z
      .string('must be the consensus answer you approve, as the results gave it to you (consensus.<task>.answer, a string)')
      .optional()
      .meta({
        description:
          'To approve: the consensus answer you were shown and approve, as the results give it (`consensus.<task>.answer`); if the consensus answer is no longer that one, nothing is stored and the answer is 409 `consensus-changed`, with the consensus now. Send it: left out, the consensus is approved as it is when the approval arrives, which later votes may have changed since it was shown',
      }),
  })
  .superRefine(({ value, consensus }, context) => {
    if (value !== undefined && consensus !== undefined) context.addIssue({ code: 'custom', path: ['consensus'], message: 'is for an approval: leave it out to correct the consensus to value, or leave value out to approve it' });
  })
  .optional()
  .transform((body) => body ?? {});
export type ConsensusReviewInput = z.infer<typeof consensusReviewInputSchema>;
