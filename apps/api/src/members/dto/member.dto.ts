import { GIVEN_ROLES } from '@chorus/client';
import { z } from 'zod';
import { emailSchema } from '../../auth/dto/auth.dto';

export const memberInputSchema = z.strictObject({
  /** The member whose role changes, or the email to invite: people are found by the email they sign in with. */
  email: emailSchema,
  role: z.enum(GIVEN_ROLES, { error: `must be one of ${GIVEN_ROLES.join(', ')}` }),
});
export type MemberInput = z.infer<typeof memberInputSchema>;

/** A member's new role: a role administrators give, or `owner`, which only the owner gives, handing the project over. */
export const memberRoleSchema = memberInputSchema.extend({
  role: z.enum([...GIVEN_ROLES, 'owner'], { error: `must be one of ${GIVEN_ROLES.join(', ')}, or owner (from the owner, to hand the project over)` }),
});
export type MemberRoleInput = z.infer<typeof memberRoleSchema>;
