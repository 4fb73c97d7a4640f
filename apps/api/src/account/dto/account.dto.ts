import { z } from 'zod';
import { accountLanguageSchema, displayNameSchema, emailSchema, givenPasswordSchema, newPasswordSchema } from '../../auth/dto/auth.dto';

export const accountChangeSchema = z
  .strictObject({ displayName: displayNameSchema.optional(), language: accountLanguageSchema.optional() })
  .refine((change) => change.displayName !== undefined || change.language !== undefined, { message: 'give displayName, language, or both', path: ['displayName'] });
export type AccountChange = z.infer<typeof accountChangeSchema>;

export const passwordChangeSchema = z.strictObject({ currentPassword: givenPasswordSchema, newPassword: newPasswordSchema });
export type PasswordChange = z.infer<typeof passwordChangeSchema>;

export const accountDeletionSchema = z.strictObject({ password: givenPasswordSchema });
export type AccountDeletion = z.infer<typeof accountDeletionSchema>;

export const emailChangeSchema = z.strictObject({ email: emailSchema, password: givenPasswordSchema });
export type EmailChange = z.infer<typeof emailChangeSchema>;

/** A workflow whose tutorial the account has seen (and closed). */
export const tutorialSeenSchema = z.strictObject({ workflowId: z.uuid('must be the id of the workflow whose tutorial was seen') });
export type TutorialSeenInput = z.infer<typeof tutorialSeenSchema>;
