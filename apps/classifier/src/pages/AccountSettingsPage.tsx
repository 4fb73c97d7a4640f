import { ACCOUNT_LIMITS, type AccountView, type Language, LANGUAGES, type MailSetting, type OwnInvitation, spokenLanguage } from '@chorus/client';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DisplayChoice } from '../components/DisplayChoice';
import { GuestNote } from '../components/GuestNote';
import type { TFunction } from 'i18next';
import { ErrorAlert } from '../components/ErrorAlert';
import { CheckboxField, FormField, NewPasswordField, SelectField } from '../components/FormField';
import {
  changePassword,
  checkEmail,
  deleteAccount,
  invitationAnswered,
  problemAtFields,
  refreshAccount,
  renameAccount,
  saveAccountLanguage,
  showAccountNotice,
  signOutEverywhere,
  useSession,
} from '../lib/account';
import { chooseLanguage, languageName, languageNow, restoreLanguage } from '../i18n';
import { useHeadingFocusedWhenAddressed } from '../lib/focus';
import { useClient } from '../lib/clientContext';
import { describeError, type Problem } from '../lib/errors';
import { ACCOUNT, COLLECTIONS, COMMENTS, FAVOURITES, Link, navigate, projectPath, volunteerPath } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { type FieldErrors, useForm } from '../lib/useForm';
import { useLoaded } from '../lib/useLoaded';
import { whenInWords } from '../lib/formats';
import { ApiKeysSection } from './ApiKeysSection';
import { useSaid } from '../lib/said';

/** "Your account": the signed-in volunteer's name, password, tokens, API keys and the account itself. */
export function AccountSettingsPage() {
  const { t } = useTranslation();
  const volunteer = useSession();
  const loaded = useAccount(volunteer.kind === 'registered' ? volunteer.email : null);
  const verified = loaded.account?.emailVerified ?? null;
  useDocumentTitle(t('account.settings.title'));
  return (
    <div className="page page-account" data-testid="account-settings">
      <h1 tabIndex={-1}>{t('account.settings.title')}</h1>
      {volunteer.kind === 'registered' ? (
        <>
          <ContributionSection />
          <p>
            <Link to={FAVOURITES}>{t('favourites.title')}</Link> · <Link to={COLLECTIONS}>{t('collections.title')}</Link> · <Link to={COMMENTS} data-testid="account-comments-link">{t('comments.title')}</Link>
          </p>
          <EmailSection email={volunteer.email ?? ''} verified={verified} />
          {verified && <Invitations />}
          <RenameForm name={volunteer.displayName ?? ''} />
          <LanguageSetting {...loaded} />
          <DisplaySection />
          <CreditsSection {...loaded} />
          <PublicProfileSection {...loaded} />
          <DiscussionMailsSection {...loaded} />
          <ReportMailsSection {...loaded} />
          <CompletionMailsSection {...loaded} />
          <PasswordForm />
          <SignOutEverywhere />
          <ApiKeysSection />
          <DeleteForm />
        </>
      ) : (
        <GuestNote said={t('account.settings.guest')} back={ACCOUNT} />
      )}
      {volunteer.kind !== 'registered' && <DisplaySection />}
    </div>
  );
}

/** What the volunteer has classified, in all and by project (the latest first), each open project linked. */
function ContributionSection() {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem } = useLoaded(() => client.contribution(), [client]);
  return (
    <Section id="account-contribution" title={t('account.settings.contribution.title')}>
      <ErrorAlert problem={problem} quiet />
      {data && <p data-testid="contribution-total">{t('account.settings.contribution.total', { count: data.classifications })}</p>}
      {data && data.projects.length > 0 && (
        <ul className="contribution">
          {data.projects.map((project) => (
            <li key={project.id}>
              {project.open ? <Link to={projectPath(project.slug)}>{project.title}</Link> : project.title}
              {t('app.colon')}
              {t('account.settings.contribution.project', {
                count: project.classifications,
                date: whenInWords(project.lastClassifiedAt, 'date'),
              })}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/**
 * How the interface shows itself, as the header's Display button offers it: on this device at once, and, signed in, on
 * every device the account signs in on.
 */
function DisplaySection() {
  const { t } = useTranslation();
  const volunteer = useSession();
  return (
    <Section id="account-display" title={t('display.title')}>
      <p>{volunteer.kind === 'registered' ? t('display.leadAccount') : t('display.leadGuest')}</p>
      <DisplayChoice />
    </Section>
  );
}

/**
 * The account's email as a form's username, unseen: a password manager tells which account a password form is for
 * by it (Chrome warns about password forms without one).
 */
function AccountUsername() {
  const { email } = useSession();
  return <input type="email" name="username" autoComplete="username" value={email ?? ''} readOnly hidden />;
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="account-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** The account as `GET /account` gives it (null until it answers), or why it could not be read; `saved`, as a change answered it. */
interface LoadedAccount {
  account: AccountView | null;
  problem: Problem | null;
  saved: (account: AccountView) => void;
}

/**
 * The account as the server has it (null until it answers), read once for the page: whether its email is verified,
 * its language and its credit settings; read again when the email changes. The session takes the account's email and
 * name from the answer: they may have changed on another device.
 */
function useAccount(email: string | null): LoadedAccount {
  const [loaded, setLoaded] = useState<Omit<LoadedAccount, 'saved'>>({ account: null, problem: null });
  useEffect(() => {
    if (email === null) return;
    let cancelled = false;
    refreshAccount().then(
      (account) => !cancelled && setLoaded({ account: account ?? null, problem: null }),
      (error: unknown) => !cancelled && setLoaded((was) => ({ ...was, problem: describeError(error) })),
    );
    return () => {
      cancelled = true;
    };
  }, [email]);
  return { ...loaded, saved: (account) => setLoaded({ account, problem: null }) };
}

/**
 * The email the account signs in with: whether it is verified (invitations wait for that), the verification link
 * mailed again on request, and a new address, which the account signs in with once the link mailed to it is opened.
 */
function EmailSection({ email, verified }: { email: string; verified: boolean | null }) {
  const { t } = useTranslation();
  const client = useClient();
  const resend = useForm<never>({}, []);
  const sendAgain = resend.onSubmit({
    check: () => ({}),
    send: async () => {
      await client.sendEmailVerification();
      showAccountNotice((t) => t('account.settings.email.mailedAgain', { email }));
    },
    refused: (error) => problemAtFields(error, [] as const),
  });
  const change = useForm({ email: '', password: '' }, ['email', 'password'] as const);
  const submitChange = change.onSubmit({
    check: (t) => {
      const errors: FieldErrors<'email' | 'password'> = {};
      const emailError = checkEmail(change.values.email);
      if (emailError) errors.email = emailError;
      if (!change.values.password) errors.password = t('account.errors.passwordMissing');
      return errors;
    },
    send: async () => {
      const next = change.values.email.trim();
      await client.changeEmail({ email: next, password: change.values.password });
      change.reset();
      showAccountNotice((t) => t('account.settings.email.changeMailed', { email: next }));
    },
    refused: (error) => problemAtFields(error, ['email', 'password'] as const),
  });
  return (
    <Section id="account-email-heading" title={t('account.settings.email.title')}>
      <p className="lead">{t('account.settings.signedInWith', { email })}</p>
      {verified === false && (
        <>
          <p data-testid="email-unverified">{t('account.settings.email.unverified')}</p>
          <ErrorAlert problem={resend.problem} />
          <form noValidate aria-label={t('account.settings.email.mailAgain')} onSubmit={(event) => void sendAgain(event)}>
            <button type="submit" className="button button-secondary" aria-disabled={resend.busy || undefined}>
              {t('account.settings.email.mailAgain')}
            </button>
          </form>
        </>
      )}
      <h3 id="account-email-change-heading">{t('account.settings.email.changeTitle')}</h3>
      <p>{t('account.settings.email.changeLead')}</p>
      <ErrorAlert problem={change.problem} />
      <form className="account-form" noValidate aria-labelledby="account-email-change-heading" onSubmit={(event) => void submitChange(event)}>
        <AccountUsername />
        <FormField id="settings-new-email" type="email" inputMode="email" autoCapitalize="none" spellCheck={false} maxLength={ACCOUNT_LIMITS.emailLength} label={t('account.settings.email.new')} autoComplete="email" {...change.field('email')} />
        <FormField id="settings-email-password" type="password" label={t('account.settings.delete.password')} autoComplete="current-password" maxLength={ACCOUNT_LIMITS.passwordMaxLength} {...change.field('password')} />
        <button type="submit" className="button button-secondary" aria-disabled={change.busy || undefined}>
          {t('account.settings.email.changeSubmit')}
        </button>
      </form>
    </Section>
  );
}

/**
 * Invitations to join projects, addressed to the account's email: each accepted or declined here (none: no section).
 * What an answer did is said in the section, in a live region, and focus goes on to the next invitation's Join button
 * (the buttons pressed are gone with their invitation), or to the section's heading after the last, not to the page's
 * top (WCAG 2.4.3).
 */
function Invitations() {
  const { t } = useTranslation();
  const client = useClient();
  const [invitations, setInvitations] = useState<OwnInvitation[]>([]);
  const [problem, setProblem] = useSaid<Problem>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useSaid<string>();
  /** After an answer: the invitation whose Join button takes focus next (null: the heading), once on screen. */
  const [focusNext, setFocusNext] = useState<{ projectId: string | null } | null>(null);
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    let cancelled = false;
    client.myInvitations().then(
      (answer) => !cancelled && setInvitations(answer.invitations),
      (error: unknown) => !cancelled && setProblem(() => describeError(error)),
    );
    return () => {
      cancelled = true;
    };
  }, [client]);
  useEffect(() => {
    if (!focusNext) return;
    const next = focusNext.projectId && section.current?.querySelector<HTMLElement>(`[data-project-id="${CSS.escape(focusNext.projectId)}"] button`);
    (next || section.current?.querySelector<HTMLElement>('h2'))?.focus();
  }, [focusNext]);

  const answer = async (invitation: OwnInvitation, accept: boolean) => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      // Accepted, the role is the one the server gave (a member already keeps theirs).
      const role = accept ? (await client.acceptInvitation(invitation.projectId)).role : invitation.role;
      if (!accept) await client.declineInvitation(invitation.projectId);
      const index = invitations.findIndex((other) => other.projectId === invitation.projectId);
      const left = invitations.filter((other) => other.projectId !== invitation.projectId);
      setInvitations(left);
      invitationAnswered();
      const names = { project: invitation.projectTitle, role: t(`account.settings.invitations.roles.${role}`) };
      setResult((t) => (accept ? t('account.settings.invitations.accepted', names) : t('account.settings.invitations.declined', names)));
      // The one that took its place in the list, else the one before it.
      setFocusNext({ projectId: (left[index] ?? left[index - 1])?.projectId ?? null });
    } catch (error) {
      setProblem(() => describeError(error));
    } finally {
      setBusy(false);
    }
  };

  if (!invitations.length && !problem && result === null) return null;
  return (
    <section className="account-section" aria-labelledby="account-invitations-heading" ref={section}>
      <h2 id="account-invitations-heading" tabIndex={-1}>
        {t('account.settings.invitations.title')}
      </h2>
      <div role="status" data-testid="invitations-result">
        {result && <p className="notice">{result}</p>}
      </div>
      <ErrorAlert problem={problem} />
      {invitations.length ? (
        <ul className="invitations" data-testid="invitations">
          {invitations.map((invitation) => (
            <li key={invitation.projectId} data-project-id={invitation.projectId}>
              <p>{t('account.settings.invitations.invited', { project: invitation.projectTitle, role: t(`account.settings.invitations.roles.${invitation.role}`) })}</p>
              <button type="button" className="button button-primary" aria-disabled={busy || undefined} onClick={() => void answer(invitation, true)}>
                {t('account.settings.invitations.accept', { project: invitation.projectTitle })}
              </button>{' '}
              <button type="button" className="button button-secondary" aria-disabled={busy || undefined} onClick={() => void answer(invitation, false)}>
                {t('account.settings.invitations.decline', { project: invitation.projectTitle })}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        !problem && <p>{t('account.settings.invitations.none')}</p>
      )}
    </section>
  );
}

function RenameForm({ name }: { name: string }) {
  const { t } = useTranslation();
  const form = useForm({ displayName: name }, ['displayName'] as const);
  const submit = form.onSubmit({
    check: (t) => (form.values.displayName.trim() ? {} : { displayName: t('account.errors.displayNameMissing') }),
    send: async () => {
      const name = await renameAccount(form.values.displayName);
      showAccountNotice((t) => t('account.settings.rename.done', { name }));
    },
    refused: (error) => problemAtFields(error, ['displayName'] as const),
  });
  return (
    <Section id="account-rename-heading" title={t('account.settings.rename.title')}>
      <ErrorAlert problem={form.problem} />
      <form className="account-form" noValidate aria-labelledby="account-rename-heading" onSubmit={(event) => void submit(event)}>
        <FormField id="settings-name" label={t('account.fields.displayName')} hint={t('account.fields.displayNameHint')} autoComplete="nickname" maxLength={ACCOUNT_LIMITS.displayNameLength} {...form.field('displayName')} />
        <button type="submit" className="button button-secondary" aria-disabled={form.busy || undefined}>
          {t('account.settings.rename.submit')}
        </button>
      </form>
    </Section>
  );
}

/**
 * Whether the projects the volunteer classified in may name them in their publications' acknowledgements, and under
 * which name (empty: their display name). Off until they say yes: they are then only counted among the other volunteers.
 */
function CreditsSection({ account, problem }: LoadedAccount) {
  const { t } = useTranslation();
  return (
    <Section id="account-credits-heading" title={t('account.settings.credits.title')}>
      <p>{t('account.settings.credits.lead')}</p>
      <ErrorAlert problem={problem} quiet />
      {account && <CreditsForm creditedName={account.creditedName ?? ''} named={account.namedInAcknowledgements} />}
    </Section>
  );
}

function CreditsForm({ creditedName, named }: { creditedName: string; named: boolean }) {
  const { t } = useTranslation();
  const client = useClient();
  const { displayName } = useSession();
  const form = useForm({ creditedName, namedInAcknowledgements: String(named) }, ['creditedName', 'namedInAcknowledgements'] as const);
  const submit = form.onSubmit({
    check: () => ({}),
    send: async () => {
      const saved = await client.changeAccount({ creditedName: form.values.creditedName.trim() || null, namedInAcknowledgements: form.values.namedInAcknowledgements === 'true' });
      form.setValue('creditedName', saved.creditedName ?? '');
      const name = saved.creditedName ?? saved.displayName;
      showAccountNotice((t) => (saved.namedInAcknowledgements ? t('account.settings.credits.named', { name }) : t('account.settings.credits.notNamed')));
    },
    refused: (error) => problemAtFields(error, ['creditedName', 'namedInAcknowledgements'] as const),
  });
  const consent = form.field('namedInAcknowledgements');
  return (
    <form className="account-form" noValidate aria-labelledby="account-credits-heading" onSubmit={(event) => void submit(event)}>
      <ErrorAlert problem={form.problem} />
      <FormField
        id="settings-credited-name"
        label={t('account.settings.credits.nameLabel')}
        hint={t('account.settings.credits.nameHint', { name: displayName ?? '' })}
        autoComplete="name"
        maxLength={ACCOUNT_LIMITS.displayNameLength}
        {...form.field('creditedName')}
      />
      <CheckboxField
        id="settings-named-in-acknowledgements"
        label={t('account.settings.credits.namedLabel')}
        hint={t('account.settings.credits.namedHint')}
        error={consent.error}
        checked={consent.value === 'true'}
        onChange={(event) => form.setValue('namedInAcknowledgements', String(event.currentTarget.checked))}
      />
      <button type="submit" className="button button-secondary" aria-disabled={form.busy || undefined}>
        {t('account.settings.credits.submit')}
      </button>
    </form>
  );
}

/**
 * Whether the volunteer is mailed when someone replies to one of their comments or mentions them in a discussion, and,
 * apart, of each new comment in the discussions they follow (their notifications list tells them either way). Off until they ask; the mails it stops link here (`#discussion-mails`).
 */
function DiscussionMailsSection(loaded: LoadedAccount) {
  const { t } = useTranslation();
  return (
    <SettingSwitchesSection
      {...loaded}
      anchor="discussion-mails"
      title={t('account.settings.discussionMails.title')}
      submit={t('account.settings.discussionMails.submit')}
      checkboxes={[
        {
          setting: 'discussionMails',
          id: 'settings-discussion-mails',
          label: t('account.settings.discussionMails.label'),
          hint: t('account.settings.discussionMails.hint'),
          said: (on, t) => (on ? t('account.settings.discussionMails.on') : t('account.settings.discussionMails.off')),
        },
        {
          setting: 'followedDiscussionMails',
          id: 'settings-followed-discussion-mails',
          label: t('account.settings.discussionMails.followedLabel'),
          hint: t('account.settings.discussionMails.followedHint'),
          said: (on, t) => (on ? t('account.settings.discussionMails.followedOn') : t('account.settings.discussionMails.followedOff')),
        },
      ]}
    />
  );
}

/**
 * Whether the volunteer shows their public profile (their name, the month they joined, their public collections and
 * their latest comments; their name then links there): off until they turn it on. Their profile's page links here
 * (`#public-profile`) while others cannot see it.
 */
function PublicProfileSection(loaded: LoadedAccount) {
  const { t } = useTranslation();
  const { userId } = useSession();
  return (
    <SettingSwitchesSection
      {...loaded}
      anchor="public-profile"
      title={t('account.settings.profile.title')}
      submit={t('account.settings.profile.submit')}
      checkboxes={[
        {
          setting: 'publicProfile',
          id: 'settings-public-profile',
          label: t('account.settings.profile.label'),
          hint: t('account.settings.profile.hint'),
          said: (on, t) => (on ? t('account.settings.profile.on') : t('account.settings.profile.off')),
        },
      ]}
    >
      {userId && (
        <p>
          <Link to={volunteerPath(userId)} data-testid="account-profile-link">
            {t('account.settings.profile.see')}
          </Link>
        </p>
      )}
    </SettingSwitchesSection>
  );
}

const REPORT_MAILS_ANCHOR = 'report-mails';

/**
 * Whether the account is mailed when volunteers report a comment or subject in a project it moderates or researches (at
 * most once an hour per project, with how many reports are open): on until it turns it off. Shown to an account that
 * moderates or researches a project now (`moderates`), and to one that opens the page from a report mail's link to it
 * (which it may still get, or keep, after it no longer does).
 */
function ReportMailsSection(loaded: LoadedAccount) {
  const { t } = useTranslation();
  if (!loaded.account?.moderates && window.location.hash !== `#${REPORT_MAILS_ANCHOR}`) return null;
  return (
    <SettingSwitchesSection
      {...loaded}
      anchor={REPORT_MAILS_ANCHOR}
      title={t('account.settings.reportMails.title')}
      submit={t('account.settings.reportMails.submit')}
      checkboxes={[
        {
          setting: 'reportMails',
          id: 'settings-report-mails',
          label: t('account.settings.reportMails.label'),
          hint: t('account.settings.reportMails.hint'),
          said: (on, t) => (on ? t('account.settings.reportMails.on') : t('account.settings.reportMails.off')),
        },
      ]}
    />
  );
}

const COMPLETION_MAILS_ANCHOR = 'completion-mails';

/**
 * Whether the account is mailed when a workflow completes: of a project it researches (on until it turns it off, with a
 * link to the workflow's downloads), and, apart, one it classified in (off until it asks; its notifications tell it
 * either way). The mails it stops link here (`#completion-mails`). The researchers' checkbox is shown to an account that
 * researches a project now (`researches`), and to one that opens the page from a completion mail's link to it (which
 * it may still get, or keep, after it no longer does).
 */
function CompletionMailsSection(loaded: LoadedAccount) {
  const { t } = useTranslation();
  const researcher = loaded.account?.researches || window.location.hash === `#${COMPLETION_MAILS_ANCHOR}`;
  const researchers: SettingSwitch = {
    setting: 'completionMails',
    id: 'settings-completion-mails',
    label: t('account.settings.completionMails.label'),
    hint: t('account.settings.completionMails.hint'),
    said: (on, t) => (on ? t('account.settings.completionMails.on') : t('account.settings.completionMails.off')),
  };
  const volunteers: SettingSwitch = {
    setting: 'volunteerCompletionMails',
    id: 'settings-volunteer-completion-mails',
    label: t('account.settings.completionMails.volunteerLabel'),
    hint: t('account.settings.completionMails.volunteerHint'),
    said: (on, t) => (on ? t('account.settings.completionMails.volunteerOn') : t('account.settings.completionMails.volunteerOff')),
  };
  return (
    <SettingSwitchesSection
      {...loaded}
      anchor={COMPLETION_MAILS_ANCHOR}
      title={t('account.settings.completionMails.title')}
      submit={t('account.settings.completionMails.submit')}
      checkboxes={researcher ? [researchers, volunteers] : [volunteers]}
    />
  );
}

/**
 * A section of settings switched on or off (mails, the public profile), at its `anchor` (the mails it stops and the
 * profile page link there, and its heading takes the focus when the address names it): its title, what the account's
 * settings failed to load with, and its `SettingSwitchesForm`.
 */
function SettingSwitchesSection({
  account,
  problem,
  saved,
  anchor,
  title,
  submit,
  checkboxes,
  children,
}: LoadedAccount & { anchor: string; title: string; submit: string; checkboxes: SettingSwitch[]; children?: ReactNode }) {
  const heading = useHeadingFocusedWhenAddressed(`#${anchor}`);
  const headingId = `account-${anchor}-heading`;
  return (
    <section className="account-section" id={anchor} aria-labelledby={headingId}>
      <h2 id={headingId} tabIndex={-1} ref={heading}>
        {title}
      </h2>
      <ErrorAlert problem={problem} quiet />
      {/* Drawn again from the account when its checkboxes change (the address came to name the section, say): a box
          added to a form already drawn would show its setting off, and saving would turn it off. */}
      {account && <SettingSwitchesForm key={checkboxes.map((box) => box.setting).join()} account={account} saved={saved} headingId={headingId} submit={submit} checkboxes={checkboxes} />}
      {children}
    </section>
  );
}

/** An account's setting that is on or off (`AccountView`'s): whether it is mailed of something, or shows its profile. */
type SwitchSetting = MailSetting | 'publicProfile';

/** One checkbox of a `SettingSwitchesForm`: its setting, its field's id and words, and what saving it on or off says. */
interface SettingSwitch {
  setting: SwitchSetting;
  id: string;
  label: string;
  hint: string;
  said: (on: boolean, t: TFunction) => string;
}

/** A section's settings, a checkbox each, saved together (the page's account then as saved); the notice says what each is now. */
function SettingSwitchesForm({ account, saved: adopt, headingId, checkboxes, submit }: { account: AccountView; saved: (account: AccountView) => void; headingId: string; checkboxes: SettingSwitch[]; submit: string }) {
  const client = useClient();
  const settings = checkboxes.map((box) => box.setting);
  const form = useForm(Object.fromEntries(settings.map((setting) => [setting, String(account[setting])])) as Record<SwitchSetting, string>, settings);
  const send = form.onSubmit({
    check: () => ({}),
    send: async () => {
      const saved = await client.changeAccount(Object.fromEntries(settings.map((setting) => [setting, form.values[setting] === 'true'])));
      adopt(saved);
      showAccountNotice((t) => checkboxes.map((box) => box.said(saved[box.setting], t)).join(' '));
    },
    refused: (error) => problemAtFields(error, settings),
  });
  return (
    <form className="account-form" noValidate aria-labelledby={headingId} onSubmit={(event) => void send(event)}>
      <ErrorAlert problem={form.problem} />
      {checkboxes.map((box) => {
        const field = form.field(box.setting);
        return (
          <CheckboxField
            key={box.setting}
            id={box.id}
            label={box.label}
            hint={box.hint}
            error={field.error}
            checked={field.value === 'true'}
            onChange={(event) => form.setValue(box.setting, String(event.currentTarget.checked))}
          />
        );
      })}
      <button type="submit" className="button button-secondary" aria-disabled={form.busy || undefined}>
        {submit}
      </button>
    </form>
  );
}

/**
 * The language Chorus speaks to the account: its mails, and this interface, which switches to it at once (and keeps it
 * on this device). Shows the account's language as the server has it; saved or not, the status below says so.
 */
function LanguageSetting({ account, problem }: LoadedAccount) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<Language | null | undefined>(undefined);
  const [status, say] = useSaid<string>();
  /** How many languages were chosen here: only the latest change's answer is shown, or puts the language back. */
  const choices = useRef(0);
  /** This device's language (`languageNow`) as each change was chosen, just before it: by change number. */
  const devices = useRef<ReturnType<typeof languageNow>[]>([]);
  /**
   * The latest change the server saved (0: none here yet) and the account's language it left: what a refused latest
   * change goes back to, with the interface's language and this device's choice as they were before the change after it.
   */
  const settled = useRef<{ change: number; account: Language | null }>({ change: 0, account: null });
  /** The latest change refused, if it is still the latest: a save of an earlier one answered later is then shown. */
  const refused = useRef(0);
  const language = chosen === undefined ? account?.language : chosen;
  /**
   * Shows the account's language as last saved, and puts back the device's as it was then, if it is still `expected`
   * (what the page left it): a language chosen elsewhere meanwhile (the footer's) stays.
   */
  const showSettled = (expected: ReturnType<typeof languageNow> | undefined) => {
    const { change, account: saved } = settled.current;
    setChosen(saved);
    const now = languageNow();
    if (now.spoken === expected?.spoken && now.chosen === expected.chosen) restoreLanguage(devices.current[change + 1] ?? now);
  };
  const choose = (value: string) => {
    const wanted = spokenLanguage([value]);
    if (!wanted) return;
    if (choices.current === 0) settled.current = { change: 0, account: language ?? null };
    const choice = ++choices.current;
    devices.current[choice] = languageNow();
    const latest = () => choice === choices.current;
    setChosen(wanted);
    chooseLanguage(wanted);
    say((t) => t('account.settings.language.saving'));
    saveAccountLanguage(wanted).then(
      (kept) => {
        const before = settled.current;
        if (choice < before.change) return;
        settled.current = { change: choice, account: kept };
        if (latest()) {
          setChosen(kept);
          say((t) => t('account.settings.language.saved'));
        } else if (refused.current === choices.current) {
          // Saved after the latest was refused: the account's language is this one now, shown and said saved.
          showSettled(devices.current[before.change + 1]);
          say((t) => t('account.settings.language.saved'));
        }
      },
      (error: unknown) => {
        if (!latest()) return;
        refused.current = choice;
        showSettled({ spoken: wanted, chosen: wanted });
        say((t) => t('account.settings.language.failed', { reason: describeError(error).detail }));
      },
    );
  };
  return (
    <Section id="account-language-heading" title={t('account.settings.language.title')}>
      <ErrorAlert problem={problem} quiet />
      {language !== undefined && (
        <SelectField id="settings-language" label={t('account.settings.language.label')} hint={t('account.settings.language.hint')} value={language ?? ''} onChange={(event) => choose(event.target.value)}>
          {language === null && <option value="">{t('account.settings.language.none')}</option>}
          {/* Each named in its own words (`languageName`), as the footer's choice names them. */}
          {LANGUAGES.map((code) => (
            <option key={code} value={code} lang={code}>
              {languageName(code)}
            </option>
          ))}
        </SelectField>
      )}
      <p id="settings-language-status" role="status" data-testid="language-status">
        {status}
      </p>
    </Section>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const form = useForm({ currentPassword: '', newPassword: '' }, ['currentPassword', 'newPassword'] as const);
  const submit = form.onSubmit({
    check: (t) => {
      const errors: FieldErrors<'currentPassword' | 'newPassword'> = {};
      if (!form.values.currentPassword) errors.currentPassword = t('account.errors.passwordMissing');
      if (form.values.newPassword.length < ACCOUNT_LIMITS.passwordMinLength) errors.newPassword = t('account.errors.passwordShort', { count: ACCOUNT_LIMITS.passwordMinLength });
      return errors;
    },
    send: async () => {
      await changePassword(form.values);
      form.reset();
      showAccountNotice((t) => t('account.settings.password.done'));
    },
    refused: (error) => problemAtFields(error, ['currentPassword', 'newPassword'] as const),
  });
  return (
    <Section id="account-password-heading" title={t('account.settings.password.title')}>
      <p>{t('account.settings.password.lead')}</p>
      <ErrorAlert problem={form.problem} />
      <form className="account-form" noValidate aria-labelledby="account-password-heading" onSubmit={(event) => void submit(event)}>
        <AccountUsername />
        <FormField id="settings-current-password" type="password" label={t('account.settings.password.current')} autoComplete="current-password" maxLength={ACCOUNT_LIMITS.passwordMaxLength} {...form.field('currentPassword')} />
        <NewPasswordField id="settings-new-password" label={t('account.settings.password.new')} {...form.field('newPassword')} />
        <button type="submit" className="button button-secondary" aria-disabled={form.busy || undefined}>
          {t('account.settings.password.submit')}
        </button>
      </form>
    </Section>
  );
}

function SignOutEverywhere() {
  const { t } = useTranslation();
  const form = useForm<never>({}, []);
  const submit = form.onSubmit({
    check: () => ({}),
    send: async () => {
      const { answersWaiting } = await signOutEverywhere();
      showAccountNotice((t) => (answersWaiting > 0 ? t('account.settings.signOutEverywhere.doneWaiting', { count: answersWaiting }) : t('account.settings.signOutEverywhere.done')));
    },
    refused: (error) => problemAtFields(error, [] as const),
  });
  return (
    <Section id="account-sign-out-heading" title={t('account.settings.signOutEverywhere.title')}>
      <p>{t('account.settings.signOutEverywhere.lead')}</p>
      <ErrorAlert problem={form.problem} />
      <form noValidate aria-labelledby="account-sign-out-heading" onSubmit={(event) => void submit(event)}>
        <button type="submit" className="button button-secondary" aria-disabled={form.busy || undefined}>
          {t('account.settings.signOutEverywhere.submit')}
        </button>
      </form>
    </Section>
  );
}

function DeleteForm() {
  const { t } = useTranslation();
  const form = useForm({ password: '' }, ['password'] as const);
  const submit = form.onSubmit({
    check: (t) => (form.values.password ? {} : { password: t('account.errors.passwordMissing') }),
    send: async () => {
      const { discarded } = await deleteAccount(form.values.password);
      navigate('/');
      showAccountNotice((t) => (discarded ? t('account.settings.delete.doneDiscarded', { count: discarded }) : t('account.settings.delete.done')), '/');
    },
    refused: (error) => problemAtFields(error, ['password'] as const),
  });
  return (
    <Section id="account-delete-heading" title={t('account.settings.delete.title')}>
      <p>{t('account.settings.delete.lead')}</p>
      <ErrorAlert problem={form.problem} />
      <form className="account-form" noValidate aria-labelledby="account-delete-heading" onSubmit={(event) => void submit(event)}>
        <AccountUsername />
        <FormField id="settings-delete-password" type="password" label={t('account.settings.delete.password')} autoComplete="current-password" maxLength={ACCOUNT_LIMITS.passwordMaxLength} {...form.field('password')} />
        <button type="submit" className="button button-danger" aria-disabled={form.busy || undefined}>
          {t('account.settings.delete.submit')}
        </button>
      </form>
    </Section>
  );
}
