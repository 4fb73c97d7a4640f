import { z } from 'zod';

/**
 * The body of `PUT /workflows/:id/subjects/:subjectId/reviews/:task`: a `value` corrects the consensus to that answer
 * (checked against the task as a volunteer's answer is); none approves the consensus as it is. A body may be left out.
 */
export const consensusReviewInputSchema = z
  .strictObject({ value: z.unknown().optional().meta({ description: 'The corrected answer, as a volunteer gives one to the task; leave it out to approve the consensus as it is' }) })
  .optional()
  .transform((body) => body ?? {});
export type ConsensusReviewInput = z.infer<typeof consensusReviewInputSchema>;
