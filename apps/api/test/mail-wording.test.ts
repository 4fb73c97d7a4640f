import { API_KEY_SCOPES, type ApiKeyScope, COMMENT_NOTIFICATION_KINDS, projectRoleSchema } from '@chorus/client';
import de from '../../classifier/src/i18n/de.json';
import en from '../../classifier/src/i18n/en.json';
import fr from '../../classifier/src/i18n/fr.json';
import { german } from '../src/mail/wording/de';
import { english } from '../src/mail/wording/en';
import { discussionMail } from '../src/mail/mails';
import { french } from '../src/mail/wording/fr';
import type { Addressee, ApiKeyMade, DiscussionMail, Wording, Words } from '../src/mail/wording/wording';

/**
 * Every mail of every language's wording, rendered without a server: each fills in what it is given (no `undefined`
 * left, every link and page it is given in its text), French reads as French (no English word left, no-break spaces
 * where French typography puts them), German reads as German, and each names roles and scopes as the classifier does.
 */

const ROLES = projectRoleSchema.options;
const ORIGIN = 'https://chorus.example.org';
const LINK = `${ORIGIN}/verify-email#token=a.b.c`;
const SIGN_IN = `${ORIGIN}/sign-in`;
const FORGOT = `${ORIGIN}/forgot-password`;
const API_KEYS = `${ORIGIN}/account#api-keys`;
const to: Addressee = { email: 'ada@example.org', displayName: 'Ada', language: null };
const keyOf = (scope: ApiKeyScope, prefix: string | null): ApiKeyMade => ({
  id: '7d0c6a0e-2f4b-4c1e-9a57-3f1d2c5b6a70',
  name: 'Nightly',
  scope,
  prefix,
  createdAt: new Date('2025-06-01T14:03:00Z'),
  expiresAt: new Date('2025-07-01T14:03:00Z'),
});
const keys = API_KEY_SCOPES.flatMap((scope) => [keyOf(scope, 'chorus_ab12'), keyOf(scope, null)]);

const NEWS = {
  projectTitle: 'Letters',
  title: 'New letters to transcribe',
  body: 'We added **200 letters** from 1871.\n\n- thank you!',
  newsPage: `${ORIGIN}/projects/letters/news`,
  unsubscribeLink: `${ORIGIN}/unsubscribe#token=a.b.c`,
};

const COMMENT: Omit<DiscussionMail, 'kind'> = {
  authorName: 'Claire',
  projectTitle: 'Letters',
  excerpt: 'Is this a postmark? It reads 1871.',
  commentLink: `${ORIGIN}/projects/letters/subjects/5b1f#comment-9c2e`,
  settingsPage: `${ORIGIN}/account#discussion-mails`,
  unsubscribeLink: `${ORIGIN}/unsubscribe#token=a.b.c`,
};
const COMPLETION = {
  workflowName: 'Ad or not?',
  projectTitle: 'Letters',
  subjectsDone: 12,
  link: `${ORIGIN}/lab/workflows/1#downloads`,
  settingsPage: `${ORIGIN}/account#completion-mails`,
  unsubscribeLink: `${ORIGIN}/unsubscribe#token=a.b.c`,
};
const REPORTS = { projectTitle: 'Letters', reportsPages: [`${ORIGIN}/lab/projects/letters#reported-comments`, `${ORIGIN}/lab/workflows/w1#reported-subjects`], settingsPage: `${ORIGIN}/account#report-mails`, unsubscribeLink: `${ORIGIN}/unsubscribe#token=d.e.f` };
const UNSUBSCRIBE_POST = `${ORIGIN}/api/v1/unsubscriptions?token=a.b.c`;

/** A mail rendered, with the links and pages it was given. */
type Rendered = [Words, string[]];

/** Every entry of a wording (the type makes a new one come here too), with each of its variants. */
const RENDERINGS: Record<keyof Wording, (wording: Wording) => Rendered[]> = {
  verification: (w) => [[w.verification(to, LINK), [LINK]]],
  signUpNotice: (w) => [[w.signUpNotice(to, SIGN_IN, FORGOT), [SIGN_IN, FORGOT]]],
  emailChange: (w) => [[w.emailChange(to, 'ada.l@example.org', LINK), [LINK, 'ada.l@example.org']]],
  emailChangeNotice: (w) => [[w.emailChangeNotice(to, 'ada.l@example.org'), ['ada.l@example.org']]],
  emailChangeAttemptNotice: (w) => [[w.emailChangeAttemptNotice(to, FORGOT), [FORGOT]]],
  passwordReset: (w) => [[w.passwordReset(to, LINK), [LINK]]],
  invitation: (w) =>
    ROLES.map((role) => [w.invitation({ email: to.email, projectTitle: 'Letters', role, inviterName: 'Claire', link: `${ORIGIN}/invitations/1`, days: 14 }), [`${ORIGIN}/invitations/1`]]),
  apiKeyNotice: (w) => keys.map((key) => [w.apiKeyNotice(to, key, API_KEYS), [API_KEYS]]),
  apiKeyRevokedNotice: (w) => keys.map((key) => [w.apiKeyRevokedNotice(to, { ...key, revokedAt: new Date('2025-06-02T09:30:00Z') }, API_KEYS), [API_KEYS]]),
  passwordChanged: (w) => (['changed', 'reset'] as const).map((how) => [w.passwordChanged(to, how, new Date('2025-06-01T14:03:00Z'), FORGOT, API_KEYS), [FORGOT, API_KEYS]]),
  // The item as its researchers wrote it is quoted, not the mail's prose.
  news: (w) => [[w.news(to, NEWS), [NEWS.newsPage, NEWS.unsubscribeLink, NEWS.title, NEWS.body, NEWS.projectTitle]]],
  // The comment quoted, its author and project named as they are.
  discussion: (w) =>
    COMMENT_NOTIFICATION_KINDS.map((kind) => [w.discussion(to, { ...COMMENT, kind }), [COMMENT.commentLink, COMMENT.settingsPage, COMMENT.unsubscribeLink, COMMENT.excerpt, COMMENT.authorName, COMMENT.projectTitle]]),
  // One of each, more than one, and a kind with none (left out), counted.
  reports: (w) =>
    [
      [1, 0],
      [0, 1],
      [2, 3],
    ].map(([comments, subjects]) => [w.reports(to, { ...REPORTS, comments: comments!, subjects: subjects! }), [...REPORTS.reportsPages, REPORTS.settingsPage, REPORTS.unsubscribeLink, REPORTS.projectTitle]]),
  // To the team and to a volunteer, with published results and without, one subject and more, all named as they are.
  completion: (w) =>
    [
      { team: true, resultsPublic: false, subjectsDone: 1 },
      { team: false, resultsPublic: true, subjectsDone: 12 },
      { team: false, resultsPublic: false, subjectsDone: 1 },
    ].map((variant) => [w.completion(to, { ...COMPLETION, ...variant }), [COMPLETION.link, COMPLETION.settingsPage, COMPLETION.unsubscribeLink, COMPLETION.workflowName, COMPLETION.projectTitle]]),
};
const rendered = (wording: Wording) => Object.entries(RENDERINGS).flatMap(([entry, render]) => render(wording).map(([words, addresses]) => ({ entry, words, addresses })));

describe.each([
  ['English', english],
  ['French', french],
  ['German', german],
])('every mail in %s', (_, wording) => {
  it('fills in all it is given: no undefined, null, NaN or object left, and every link and page it names', () => {
    const wrong = rendered(wording).flatMap(({ entry, words, addresses }) => [
      ...(/undefined|null|NaN|\[object/.test(`${words.subject}\n${words.text}`) ? [`${entry}: ${words.subject}\n${words.text}`] : []),
      ...addresses.filter((address) => !words.text.includes(address)).map((address) => `${entry} lacks ${address}`),
    ]);
    expect(wrong).toEqual([]);
  });
});

/** A mail's words without what it was given to quote (links, pages, emails) nor times (14:03). */
const prose = ({ words, addresses }: { words: Words; addresses: string[] }) =>
  [to.email, ...addresses].reduce((text, address) => text.replaceAll(address, ''), `${words.subject}\n${words.text}`).replace(/\d:\d/g, '');
/** The mails of `wording` whose prose `wrong` finds a word in. */
const mailsSaying = (wording: Wording, wrong: RegExp) => rendered(wording).filter((mail) => wrong.test(prose(mail))).map(({ entry, words }) => `${entry}: ${words.text}`);
/** When a password was changed, as `wording`'s mail says it. */
const changedOn = (wording: Wording, at: string) => wording.passwordChanged(to, 'changed', new Date(at), FORGOT, API_KEYS).text;

describe('every mail in French', () => {
  it('has no English word left', () => {
    expect(mailsSaying(french, /\b(the|your|you|and|with|was|which|link|password|email|sign|signed|mail|made|revoked|ignore|if)\b/i)).toEqual([]);
  });

  it('sets a no-break space before : ; ? ! and », and after «', () => {
    const plain = /[^\u00a0\u202f][:;?!»]|«[^\u00a0\u202f]/g;
    expect(rendered(french).flatMap((mail) => [...prose(mail).matchAll(plain)].map((match) => `${mail.entry}: “${match[0]}”`))).toEqual([]);
  });

  it('says dates in French, the first of a month as 1er (a Node without full ICU would say them in English)', () => {
    expect(changedOn(french, '2025-06-01T14:03:00Z')).toContain(' le 1er juin 2025 à 14:03 UTC.');
    expect(changedOn(french, '2025-12-11T09:30:00Z')).toContain(' le 11 décembre 2025 à 09:30 UTC.');
  });
});

describe('every mail in German', () => {
  it('has no English word left (Link, E-Mail and was are German too), and says Sie, never du', () => {
    expect(mailsSaying(german, /\b(the|your|you|and|with|were|which|password|email|sign|signed|made|revoked|ignore|if)\b/i)).toEqual([]);
    expect(mailsSaying(german, /\b(du|dich|dir|dein\w*)\b/i)).toEqual([]);
  });

  it('says dates in German', () => {
    expect(changedOn(german, '2025-06-01T14:03:00Z')).toContain(' am 1. Juni 2025 um 14:03 UTC ');
    expect(changedOn(german, '2025-12-11T09:30:00Z')).toContain(' am 11. Dezember 2025 um 09:30 UTC ');
  });
});

describe.each([
  ['French', french, fr, (role: string) => `en tant que ${role}.`],
  ['German', german, de, (role: string) => `in der Rolle „${role}“.`],
])('every mail in %s', (_, wording, catalogue, asRole) => {
  it('names the roles and the API keys’ scopes as the classifier does', () => {
    const { roles } = catalogue.account.settings.invitations;
    const { scopes } = catalogue.account.settings.apiKeys;
    const invitations = RENDERINGS.invitation(wording).map(([words]) => words.text);
    expect(ROLES.filter((role, i) => !invitations[i]!.includes(asRole(roles[role])))).toEqual([]);
    const notices = API_KEY_SCOPES.map((scope) => wording.apiKeyNotice(to, keyOf(scope, null), API_KEYS).text);
    expect(API_KEY_SCOPES.filter((scope, i) => !notices[i]!.includes(`(${scopes[scope].listed})`))).toEqual([]);
  });
});

describe.each([
  ['English', english, 'en', en],
  ['French', french, 'fr', fr],
  ['German', german, 'de', de],
])('a mail of a reply or mention in %s', (_, wording, language, catalogue) => {
  it('names the box that stops it as the account page does', () => {
    expect(wording.discussion(to, { ...COMMENT, kind: 'reply' }).text).toContain(catalogue.account.settings.discussionMails.label);
    // A new comment in a discussion followed names its own box, whose stop leaves replies and mentions mailed.
    const followed = wording.discussion(to, { ...COMMENT, kind: 'discussion' }).text;
    expect(followed).toContain(catalogue.account.settings.discussionMails.followedLabel);
    expect(followed).not.toContain(catalogue.account.settings.discussionMails.label);
  });

  it('says which kind it is, who wrote it and where, and quotes the comment line by line', () => {
    const subjects = COMMENT_NOTIFICATION_KINDS.map((kind) => wording.discussion(to, { ...COMMENT, kind }).subject);
    expect(new Set(subjects).size).toBe(COMMENT_NOTIFICATION_KINDS.length);
    expect(subjects.filter((subject) => !subject.includes('Claire') || !subject.includes('Letters'))).toEqual([]);
    const { text } = wording.discussion(to, { ...COMMENT, kind: 'reply', excerpt: 'First line\nSecond line' });
    expect(text).toContain('\n\n> First line\n> Second line\n\n');
  });

  it('is in the account’s language, its subject one line whatever the names hold (no header can be added), with its one-click stop in its headers', () => {
    const mail = discussionMail({ ...to, language }, { ...COMMENT, kind: 'mention', authorName: 'Eve\r\nBcc: eve@example.org', projectTitle: 'Letters\u2028X-Spam: no' }, UNSUBSCRIBE_POST);
    expect(mail).toMatchObject({
      kind: 'discussion',
      to: to.email,
      text: wording.discussion(to, { ...COMMENT, kind: 'mention', authorName: 'Eve\r\nBcc: eve@example.org', projectTitle: 'Letters\u2028X-Spam: no' }).text,
      headers: { 'List-Unsubscribe': `<${UNSUBSCRIBE_POST}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    expect(mail.subject).not.toMatch(/[\r\n\u2028]/);
    expect(mail.subject).toContain('Eve Bcc: eve@example.org');
  });

  it('keeps its subject shown as written: no bidirectional override or isolate in a name turns the line around', () => {
    const controls = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
    const mail = discussionMail({ ...to, language }, { ...COMMENT, kind: 'reply', authorName: `Eve${controls.join('')}gpj.exe`, projectTitle: 'Letters\u202e' }, UNSUBSCRIBE_POST);
    expect(controls.filter((control) => mail.subject.includes(control))).toEqual([]);
    expect(mail.subject).toContain('Eve gpj.exe');
  });
});

describe('a mail of a reply or mention in French', () => {
  it('words the reader without a masculine-only form (a mention cites their name; they asked to receive the mails)', () => {
    const texts = COMMENT_NOTIFICATION_KINDS.map((kind) => french.discussion(to, { ...COMMENT, kind })).map(({ subject, text }) => `${subject}\n${text}`);
    expect(texts.filter((text) => /\b(mentionné|prévenu|averti|informé)(?!\p{L})/u.test(text))).toEqual([]);
    expect(french.discussion(to, { ...COMMENT, kind: 'mention' }).subject).toBe('Claire a cité votre nom dans «\u00a0Letters\u00a0»');
  });
});
