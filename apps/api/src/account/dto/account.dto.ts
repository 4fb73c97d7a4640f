import { z } from 'zod';
import { accountLanguageSchema, displayNameSchema, displaySchema, emailSchema, givenPasswordSchema, newPasswordSchema } from '../../auth/dto/auth.dto';

/** The name projects' acknowledgements credit the account under: a display name's rules; empty (or null) for its display name. */
const creditedNameSchema = z.preprocess((name) => (typeof name === 'string' && name.trim() === '' ? null : name), displayNameSchema.nullable());

const ACCOUNT_CHANGES = ['displayName', 'language', 'creditedName', 'namedInAcknowledgements', 'discussionMails', 'followedDiscussionMails', 'reportMails', 'completionMails', 'volunteerCompletionMails', 'display', 'publicProfile'] as const;

export const accountChangeSchema = z
  .strictObject({
    displayName: displayNameSchema.optional(),
    language: accountLanguageSchema.optional(),
    creditedName: creditedNameSchema.optional(),
    namedInAcknowledgements: z.boolean('must be true (name me in projects’ acknowledgements) or false').optional(),
    discussionMails: z.boolean('must be true (mail me when someone replies to or mentions me in a discussion) or false').optional(),
    followedDiscussionMails: z.boolean('must be true (mail me of each new comment in the discussions I follow) or false').optional(),
    reportMails: z.boolean('must be true (mail me when volunteers report something in a project I moderate) or false').optional(),
    completionMails: z.boolean('must be true (mail me when a workflow of a project I research is complete) or false').optional(),
    volunteerCompletionMails: z.boolean('must be true (mail me when a workflow I classified in is complete) or false').optional(),
    display: displaySchema.optional(),
    publicProfile: z.boolean('must be true (show my public profile: my public collections and recent comments) or false').optional(),
  })
  .refine((change) => ACCOUNT_CHANGES.some((field) => change[field] !== undefined), { message: `give at least one of ${ACCOUNT_CHANGES.join(', ')}`, path: ['displayName'] });
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
