import { z } from 'zod';

/** An email as accounts are found by it (and sign-in attempts counted): without spaces at either end, in lower case. */
export const normalisedEmail = (email: string) => email.trim().toLowerCase();

export const registerSchema = z.strictObject({
  email: z.email('must be an email address').max(320).transform(normalisedEmail),
  password: z.string().min(8, 'must be at least 8 characters').max(200),
  displayName: z.string().trim().min(1).max(100),
});
export type RegisterInput = z.infer<typeof registerSchema>;

export const loginSchema = z.strictObject({
  email: z.string().max(320).transform(normalisedEmail),
  password: z.string().max(200),
});
export type LoginInput = z.infer<typeof loginSchema>;
