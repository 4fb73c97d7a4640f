import { z } from 'zod';

/** The roles a project's administrators may give; a project has one owner, its creator, whose role never changes. */
export const GIVEN_ROLES = ['collaborator', 'scientist', 'moderator'] as const;

export const memberInputSchema = z.strictObject({
  /** The account to add, or whose role changes: people are found by the email they registered with. */
  email: z.email('must be the email address of a registered account').max(320).transform((email) => email.toLowerCase()),
  role: z.enum(GIVEN_ROLES, { error: `must be one of ${GIVEN_ROLES.join(', ')}` }),
});
export type MemberInput = z.infer<typeof memberInputSchema>;
