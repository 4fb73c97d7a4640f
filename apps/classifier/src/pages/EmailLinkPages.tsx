import { ChorusApiError } from '@chorus/client';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../components/ErrorAlert';
import { FormField, NewPasswordField } from '../components/FormField';
import {
  checkEmail,
  PASSWORD_MIN_LENGTH,
  problemAtFields,
  requestPasswordReset,
  resetPassword,
  showAccountNotice,
  useSession,
  verifyEmail,
} from '../lib/account';
import { i18n } from '../i18n';
import { describeError, type Problem } from '../lib/errors';
import { ACCOUNT, accountPath, FORGOT_PASSWORD, forgetLinkToken, Link, navigate, readLinkToken } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useForm } from '../lib/useForm';

/**
 * The pages of the links Chorus mails (to verify an email, to set a new password), and the page that asks for the
 * second. A link's token is read from the address once, then taken out of it.
 */

/** A refused link in the volunteer's words: expired, used, or for an email someone else registered meanwhile. */
function linkProblem(error: unknown, spent: string): Problem {
  if (!(error instanceof ChorusApiError)) return describeError(error);
  if (error.problem?.type?.endsWith(':email-taken')) return { detail: i18n.t('emailLinks.verify.taken'), fields: [] };
  if (error.problem?.errors?.some((field) => field.pointer === '/token')) return { detail: spent, fields: [] };
  return describeError(error);
}

type Verification = { state: 'verifying' } | { state: 'done'; email: string } | { state: 'failed'; problem: Problem };

/** `/verify-email#token=…`: proves the email is the account's (on any device, signed in or not). */
export function VerifyEmailPage() {
  const { t } = useTranslation();
  const volunteer = useSession();
  const [verification, setVerification] = useState<Verification>({ state: 'verifying' });
  const started = useRef(false);
  useDocumentTitle(t('emailLinks.verify.title'));
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const token = readLinkToken();
    forgetLinkToken();
    if (!token) {
      setVerification({ state: 'failed', problem: { detail: t('emailLinks.incomplete'), fields: [] } });
      return;
    }
    verifyEmail(token).then(
      (email) => setVerification({ state: 'done', email }),
      (error: unknown) => setVerification({ state: 'failed', problem: linkProblem(error, t('emailLinks.verify.spent')) }),
    );
  }, [t]);
  const signedIn = volunteer.kind === 'registered';

  return (
    <div className="page page-account" data-testid="verify-email">
      <h1 tabIndex={-1}>{t('emailLinks.verify.title')}</h1>
      <ErrorAlert problem={verification.state === 'failed' ? verification.problem : null} />
      <p role="status">
        {verification.state === 'verifying' && t('emailLinks.verify.verifying')}
        {verification.state === 'done' && t('emailLinks.verify.done', { email: verification.email })}
      </p>
      {verification.state !== 'verifying' && (
        <p>
          <Link to={signedIn ? ACCOUNT : accountPath('sign-in', ACCOUNT)}>{signedIn ? t('emailLinks.toAccount') : t('account.signIn')}</Link>
        </p>
      )}
    </div>
  );
}

/** `/forgot-password`: mails a link to set a new password (the answer never says whether the email has an account). */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const form = useForm({ email: '' }, ['email'] as const);
  const [mailedTo, setMailedTo] = useState<string | null>(null);
  useDocumentTitle(t('emailLinks.forgot.title'));
  const submit = form.onSubmit({
    check: () => {
      const email = checkEmail(form.values.email);
      return email ? { email } : {};
    },
    send: async () => {
      await requestPasswordReset(form.values.email);
      setMailedTo(form.values.email.trim());
    },
    refused: (error) => problemAtFields(error, ['email'] as const),
  });

  return (
    <div className="page page-account" data-testid="forgot-password">
      <h1 tabIndex={-1} id="forgot-password-heading">
        {t('emailLinks.forgot.title')}
      </h1>
      <p role="status">{mailedTo && t('emailLinks.forgot.mailed', { email: mailedTo })}</p>
      {!mailedTo && (
        <>
          <p className="lead">{t('emailLinks.forgot.lead')}</p>
          <ErrorAlert problem={form.problem} />
          <form className="account-form" noValidate aria-labelledby="forgot-password-heading" onSubmit={(event) => void submit(event)}>
            <FormField id="forgot-email" type="email" inputMode="email" autoCapitalize="none" spellCheck={false} maxLength={320} label={t('account.fields.email')} autoComplete="username" {...form.field('email')} />
            <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
              {form.busy ? t('emailLinks.forgot.submitting') : t('emailLinks.forgot.submit')}
            </button>
          </form>
        </>
      )}
      <p>
        <Link to={accountPath('sign-in', '/')}>{t('emailLinks.forgot.back')}</Link>
      </p>
    </div>
  );
}

/** `/reset-password#token=…`: sets the new password, and signs in with it on this device. */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [token] = useState(readLinkToken);
  useEffect(forgetLinkToken, []);
  const form = useForm({ newPassword: '' }, ['newPassword'] as const);
  useDocumentTitle(t('emailLinks.reset.title'));
  const submit = form.onSubmit({
    check: () => (form.values.newPassword.length < PASSWORD_MIN_LENGTH ? { newPassword: t('account.errors.passwordShort', { count: PASSWORD_MIN_LENGTH }) } : {}),
    send: async () => {
      const { account, guestAnswersWaiting } = await resetPassword(token ?? '', form.values.newPassword);
      navigate('/');
      const done = t('emailLinks.reset.done', { name: account.user.displayName });
      showAccountNotice(guestAnswersWaiting > 0 ? `${done} ${t('account.guestAnswersWaiting', { count: guestAnswersWaiting })}` : done, '/');
    },
    refused: (error) => {
      const problem = problemAtFields(error, ['newPassword'] as const);
      return problem.fields.newPassword ? problem : { fields: {}, form: linkProblem(error, t('emailLinks.reset.spent')) };
    },
  });

  return (
    <div className="page page-account" data-testid="reset-password">
      <h1 tabIndex={-1} id="reset-password-heading">
        {t('emailLinks.reset.title')}
      </h1>
      {token ? (
        <>
          <p className="lead">{t('emailLinks.reset.lead')}</p>
          <ErrorAlert problem={form.problem} />
          <form className="account-form" noValidate aria-labelledby="reset-password-heading" onSubmit={(event) => void submit(event)}>
            <NewPasswordField id="reset-new-password" label={t('account.settings.password.new')} {...form.field('newPassword')} />
            <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
              {form.busy ? t('emailLinks.reset.submitting') : t('emailLinks.reset.submit')}
            </button>
          </form>
        </>
      ) : (
        <ErrorAlert problem={{ detail: t('emailLinks.incomplete'), fields: [] }} />
      )}
      <p>
        <Link to={FORGOT_PASSWORD}>{t('emailLinks.reset.newLink')}</Link>
      </p>
    </div>
  );
}
