import { z } from 'zod';
import { normalisedEmail } from '../../auth/dto/auth.dto';

/** The roles a project's administrators may give; a project has one owner, its creator, whose role never changes. */
export const GIVEN_ROLES = ['collaborator', 'scientist', 'moderator'] as const;

/** An email as members and invitations are found by it. */
export const invitedEmailSchema = z.email('must be an email address').max(320).transform(normalisedEmail);

export const memberInputSchema = z.strictObject({
  /** The member whose role changes, or the email to invite: people are found by the email they sign in with. */
  email: invitedEmailSchema,
  role: z.enum(GIVEN_ROLES, { error: `must be one of ${GIVEN_ROLES.join(', ')}` }),
});
export type MemberInput = z.infer<typeof memberInputSchema>;
