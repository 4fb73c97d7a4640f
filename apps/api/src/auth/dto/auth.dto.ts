import { ACCOUNT_LIMITS, LANGUAGES, TEXT_SIZES, THEMES } from '@chorus/client';
import { singleLine } from '@chorus/tasks';
import { z } from 'zod';
import { enumOf } from '../../common/zod';

/** An email as accounts are found by it (and sign-in attempts counted): without spaces at either end, in lower case. */
export const normalisedEmail = (email: string) => email.trim().toLowerCase();

/** An email as sent to find an account (or members, or invitations) by it: checked, then normalised. */
export const emailSchema = z.email('must be an email address').max(ACCOUNT_LIMITS.emailLength).transform(normalisedEmail);
/** A password an account may be given. */
export const newPasswordSchema = z
  .string()
  .min(ACCOUNT_LIMITS.passwordMinLength, `must be at least ${ACCOUNT_LIMITS.passwordMinLength} characters`)
  .max(ACCOUNT_LIMITS.passwordMaxLength);
/** A password as typed to prove who one is (any length a new one may have had). */
export const givenPasswordSchema = z.string().max(ACCOUNT_LIMITS.passwordMaxLength);
export const displayNameSchema = singleLine(z.string().trim().min(1).max(ACCOUNT_LIMITS.displayNameLength));
/** The language an account's mails are worded in. */
export const accountLanguageSchema = enumOf(LANGUAGES, `must be one of the languages Chorus mails in: ${LANGUAGES.join(', ')}`);

/** How the classifier shows itself to the account, on every device it signs in on: both at once, as a device holds them. */
export const displaySchema = z.strictObject(
  {
    theme: enumOf(THEMES, `must be one of ${THEMES.join(', ')} (device: light or dark as the device is set)`),
    textSize: enumOf(TEXT_SIZES, `must be one of ${TEXT_SIZES.join(', ')}`),
  },
  'must be an object { "theme", "textSize" }',
);

export const registerSchema = z.strictObject({
  email: emailSchema,
  password: newPasswordSchema,
  displayName: displayNameSchema,
  language: accountLanguageSchema.optional(),
  display: displaySchema.optional(),
});
export type RegisterInput = z.infer<typeof registerSchema>;

export const loginSchema = z.strictObject({
  email: z.string().max(320).transform(normalisedEmail),
  password: givenPasswordSchema,
});
export type LoginInput = z.infer<typeof loginSchema>;

/** The token of a link Chorus mailed (what follows `#token=` in it). */
const linkTokenSchema = z.string().min(1, 'must be the token of the link Chorus mailed').max(4096);

export const emailVerificationSchema = z.strictObject({ token: linkTokenSchema });
export type EmailVerificationInput = z.infer<typeof emailVerificationSchema>;

/** Read as sign-in reads it: spaces at either end are no mistake. */
export const passwordResetRequestSchema = z.strictObject({ email: z.string().trim().pipe(emailSchema) });
export type PasswordResetRequest = z.infer<typeof passwordResetRequestSchema>;

export const passwordResetSchema = z.strictObject({ token: linkTokenSchema, newPassword: newPasswordSchema });
export type PasswordResetInput = z.infer<typeof passwordResetSchema>;
