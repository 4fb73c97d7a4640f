import type { ApiKeyScope, CommentNotification, Language, ProjectRole } from '@chorus/client';

/** Whom an account's mail is to: its email, its name, and the language it is worded in (null: English). */
export interface Addressee {
  email: string;
  displayName: string;
  language: string | null;
}

export interface InvitationMail {
  email: string;
  projectTitle: string;
  role: ProjectRole;
  inviterName: string;
  link: string;
  days: number;
}

export interface ApiKeyMade {
  id: string;
  name: string;
  scope: ApiKeyScope;
  prefix: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** A project's news as a mail to a subscriber tells it: the item as written (Markdown, which reads as plain text), and where to stop. */
export interface NewsMail {
  projectTitle: string;
  title: string;
  body: string;
  /** The project's news page. */
  newsPage: string;
  /** The one-click page that ends the subscription (signed: no sign-in needed). */
  unsubscribeLink: string;
}

/** A comment as a mail to someone it replies to or mentions tells it (`discussion_mails`): who, where, what, and where to stop. */
export interface DiscussionMail {
  /** Why the reader is told: the comment replies to theirs, mentions them, calls their project's team (`@team`), or is new in a discussion they follow. */
  kind: CommentNotification['kind'];
  authorName: string;
  projectTitle: string;
  /** Its opening, as plain text. */
  excerpt: string;
  /** The comment in its discussion. */
  commentLink: string;
  /** The account's settings, where the mails are turned off. */
  settingsPage: string;
  /** The one-click stop of these mails, without signing in. */
  unsubscribeLink: string;
}

/** What waits for a project's moderators, as a mail to one of them tells it (`report_mails`), and where to stop. */
export interface ReportsMail {
  projectTitle: string;
  /** Its open reported comments and subjects (`openReportsSql`). */
  comments: number;
  subjects: number;
  /** Where the open reports are listed in the lab: the project's reported comments, each workflow's reported subjects (`reportsPages`). */
  reportsPages: string[];
  /** The account's settings, where the mails are turned off. */
  settingsPage: string;
  /** The one-click stop of these mails (`UnsubscribeLinks.link`). */
  unsubscribeLink: string;
}

/** A workflow's completion as a mail to one told of it tells it (`completion_mails`, `volunteer_completion_mails`), and where to stop. */
export interface CompletionMail {
  /** The reader researches the project (the mail leads to the workflow's downloads); else they classified in it. */
  team: boolean;
  workflowName: string;
  projectTitle: string;
  /** How many of its subjects were done (retired) when it completed. */
  subjectsDone: number;
  /** For the team, the workflow's downloads in the lab; for a volunteer, the project's page. */
  link: string;
  /** The project publishes its results: a volunteer reads them from its page. */
  resultsPublic: boolean;
  /** The account's settings, where the mails are turned off. */
  settingsPage: string;
  /** The one-click stop of these mails, without signing in. */
  unsubscribeLink: string;
}

/** What a mail says. */
export interface Words {
  subject: string;
  text: string;
}

/** Every mail Chorus sends, worded in one language: one such table per language (`LANGUAGES`), the logic in `mails.ts`. */
export interface Wording {
  verification(to: Addressee, link: string): Words;
  signUpNotice(to: Addressee, signInPage: string, forgotPasswordPage: string): Words;
  emailChange(to: Addressee, newEmail: string, link: string): Words;
  emailChangeNotice(to: Addressee, newEmail: string): Words;
  emailChangeAttemptNotice(to: Addressee, forgotPasswordPage: string): Words;
  passwordReset(to: Addressee, link: string): Words;
  invitation(invitation: InvitationMail): Words;
  apiKeyNotice(to: Addressee, key: ApiKeyMade, apiKeysPage: string): Words;
  apiKeyRevokedNotice(to: Addressee, key: ApiKeyMade & { revokedAt: Date }, apiKeysPage: string): Words;
  passwordChanged(to: Addressee, how: 'changed' | 'reset', at: Date, forgotPasswordPage: string, apiKeysPage: string): Words;
  news(to: Addressee, news: NewsMail): Words;
  discussion(to: Addressee, comment: DiscussionMail): Words;
  reports(to: Addressee, reports: ReportsMail): Words;
  completion(to: Addressee, completion: CompletionMail): Words;
}

/**
 * A mail's count of open reports: each kind with its noun (`[one, more]`), a kind with none left out (French would say
 * "0 sujet", English "0 subjects": neither is said), `none` when every kind has none (handled before the mail went).
 */
export const openReportsSaid = (counts: [number, [string, string]][], and: string, none: string): string =>
  counts
    .filter(([count]) => count > 0)
    .map(([count, [one, more]]) => `${count} ${count === 1 ? one : more}`)
    .join(` ${and} `) || none;

/** Someone's words quoted in a plain-text mail: each line after "> ", as mail readers show a quotation. */
export const quoted = (words: string): string =>
  words
    .split('\n')
    .map((line) => `> ${line}`.trimEnd())
    .join('\n');

/**
 * A moment as a mail in `language` says it, in UTC (the reader's time zone is not known): « 1er juin 2025 à 14:03 UTC »;
 * `day` words the day of the month where the language's own way differs from `Intl`'s (French's 1er). Spaced as
 * `Intl`'s `format` spaces it: its parts keep the narrow no-break space ICU puts before "PM", which `format` (and
 * every date a browser shows) gives as a plain space.
 */
export function inUtc(language: Language, day: (day: string) => string = (said) => said): (moment: Date) => string {
  const format = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
  const worded = (part: Intl.DateTimeFormatPart) => (part.type === 'day' ? day(part.value) : part.value.replaceAll('\u202f', ' '));
  return (moment) => `${format.formatToParts(moment).map(worded).join('')} UTC`;
}
