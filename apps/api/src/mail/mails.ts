import { type Language, spokenLanguage } from '@chorus/client';
import type { Mail } from './mailer';
import { german } from './wording/de';
import { english } from './wording/en';
import { french } from './wording/fr';
import type { Addressee, ApiKeyMade, CompletionMail, DiscussionMail, InvitationMail, NewsMail, ReportsMail, Wording } from './wording/wording';

/**
 * Every mail Chorus sends: to whom, of which kind, in which language. Their words are in `wording/`, one table per
 * language Chorus speaks (`LANGUAGES`); an account's mails are in its language (English when it has none).
 */

const WORDINGS: Record<Language, Wording> = { en: english, fr: french, de: german };

/** The words of a mail in `language` (an account's, a project's), or in English when Chorus does not speak it. */
const wordingIn = (language: string | null): Wording => WORDINGS[spokenLanguage(language ? [language] : []) ?? 'en'];

const toAccount = (to: Addressee): Pick<Mail, 'kind' | 'to'> => ({ kind: 'account', to: to.email });

export const verificationMail = (to: Addressee, link: string): Mail => ({ ...toAccount(to), ...wordingIn(to.language).verification(to, link) });

/** To an account's email that someone tried to sign up with (the sign-up's answer does not say the email has an account). */
export const signUpNotice = (to: Addressee, signInPage: string, forgotPasswordPage: string): Mail => ({
  ...toAccount(to),
  ...wordingIn(to.language).signUpNotice(to, signInPage, forgotPasswordPage),
});

/** To the new email, in the language of the account that asked for it. */
export const emailChangeMail = (to: Addressee, newEmail: string, link: string): Mail => ({
  kind: 'unsolicited',
  to: newEmail,
  ...wordingIn(to.language).emailChange(to, newEmail, link),
});

export const emailChangeNotice = (to: Addressee, newEmail: string): Mail => ({ ...toAccount(to), ...wordingIn(to.language).emailChangeNotice(to, newEmail) });

/** To an account's email that another account asked to change to (the change's answer does not say the email has an account). */
export const emailChangeAttemptNotice = (to: Addressee, forgotPasswordPage: string): Mail => ({
  ...toAccount(to),
  ...wordingIn(to.language).emailChangeAttemptNotice(to, forgotPasswordPage),
});

export const passwordResetMail = (to: Addressee, link: string): Mail => ({ ...toAccount(to), ...wordingIn(to.language).passwordReset(to, link) });

/**
 * To an address that may have no account: in the language of the account at that address if it has one, else in the
 * project's (`language`, what `wordingIn` makes of it).
 */
export const invitationMail = (invitation: InvitationMail, language: string | null): Mail => ({
  kind: 'unsolicited',
  to: invitation.email,
  ...wordingIn(language).invitation(invitation),
});

/** To an account's (verified) email when an API key is made for it: a key acts as the account until revoked or expired. */
export const apiKeyNotice = (to: Addressee, key: ApiKeyMade, apiKeysPage: string): Mail => ({ ...toAccount(to), ...wordingIn(to.language).apiKeyNotice(to, key, apiKeysPage) });

/** To an account's (verified) email when one of its API keys is revoked by its owner: once, however often the revocation is sent. */
export const apiKeyRevokedNotice = (to: Addressee, key: ApiKeyMade & { revokedAt: Date }, apiKeysPage: string): Mail => ({
  ...toAccount(to),
  ...wordingIn(to.language).apiKeyRevokedNotice(to, key, apiKeysPage),
});

/**
 * To an account's (verified) email when its password is changed (signed in, `changed`) or set with a mailed link
 * (`reset`): if that was not its owner, they set it again with a reset link. API keys are not revoked by either.
 */
export const passwordChangedNotice = (to: Addressee, how: 'changed' | 'reset', at: Date, forgotPasswordPage: string, apiKeysPage: string): Mail => ({
  ...toAccount(to),
  ...wordingIn(to.language).passwordChanged(to, how, at, forgotPasswordPage, apiKeysPage),
});

/**
 * A project's news to an account that asked for it, in the account's language (the item as its researchers wrote it),
 * with the one-click unsubscription in the mail's headers too (RFC 8058: `unsubscribePost` is the URL a mail client
 * POSTs to).
 */
export const newsMail = (to: Addressee, news: NewsMail, unsubscribePost: string): Mail & { kind: 'news' } => ({
  kind: 'news',
  to: to.email,
  ...wordingIn(to.language).news(to, news),
  headers: oneClickUnsubscribe(unsubscribePost),
});

/** The headers of a mail's one-click unsubscription (RFC 8058): the URL a mail client POSTs to. */
const oneClickUnsubscribe = (post: string): Record<string, string> => ({ 'List-Unsubscribe': `<${post}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });

/**
 * A subject line as one line, shown as written: a name or title with a line break or other control character in it
 * cannot add a header, nor one with a bidirectional override or isolate turn the rest of the line around.
 */
const oneLine = (subject: string): string => subject.replace(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]+/gu, ' ');

/**
 * To an account's (verified) email that asked for them (`discussion_mails`), when someone replies to one of its
 * comments or mentions it: in the account's language, with the comment's opening as plain text.
 */
export const discussionMail = (to: Addressee, comment: DiscussionMail, unsubscribePost: string): Mail & { kind: 'discussion' } => {
  const { subject, text } = wordingIn(to.language).discussion(to, comment);
  return { kind: 'discussion', to: to.email, subject: oneLine(subject), text, headers: oneClickUnsubscribe(unsubscribePost) };
};

/**
 * To a project's moderator or researcher (verified email, `report_mails`) as a volunteer reports something there, at
 * most once an hour per project (`ReportMails`): how many reports are open, in the account's language, with the
 * one-click stop of these mails in its text and headers (as a discussion mail's).
 */
export const reportsMail = (to: Addressee, reports: ReportsMail, unsubscribePost: string): Mail & { kind: 'moderation' } => {
  const { subject, text } = wordingIn(to.language).reports(to, reports);
  return { kind: 'moderation', to: to.email, subject: oneLine(subject), text, headers: oneClickUnsubscribe(unsubscribePost) };
};

/**
 * The outbox's kind of a completion's mail: to a researcher (`completion`) or a volunteer (`volunteer-thanks`), apart,
 * so that stopping one setting drops only its own mails not yet sent.
 */
export type CompletionMailKind = 'completion' | 'volunteer-thanks';
export const completionMailKind = (team: boolean): CompletionMailKind => (team ? 'completion' : 'volunteer-thanks');

/**
 * To a project's researcher (`completion_mails`) or a volunteer who asked for it (`volunteer_completion_mails`), at a
 * verified email, as a workflow completes: in the account's language, with the one-click stop in its headers.
 */
export const completionMail = (to: Addressee, completion: CompletionMail, unsubscribePost: string): Mail & { kind: CompletionMailKind } => {
  const { subject, text } = wordingIn(to.language).completion(to, completion);
  return { kind: completionMailKind(completion.team), to: to.email, subject: oneLine(subject), text, headers: oneClickUnsubscribe(unsubscribePost) };
};
