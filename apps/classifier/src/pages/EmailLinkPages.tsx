import { ACCOUNT_LIMITS, ChorusApiError, isProblem } from '@chorus/client';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../components/ErrorAlert';
import { FormField, NewPasswordField } from '../components/FormField';
import {
  checkEmail,
  problemAtFields,
  requestPasswordReset,
  resetPassword,
  showAccountNotice,
  useSession,
  verifyEmail,
  withAnswersWaiting,
} from '../lib/account';
import { i18n } from '../i18n';
import { describeError, type Problem } from '../lib/errors';
import { ACCOUNT, accountPath, FORGOT_PASSWORD, Link, linkOutcome, navigate, rememberLinkOutcome, spendLinkToken, useLinkToken } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import type { Saying } from '../lib/said';
import { useForm } from '../lib/useForm';

/**
 * The pages of the links Chorus mails (to verify an email, to set a new password), and the page that asks for the
 * second. A link's token is read from the address once, then taken out of it (`useLinkToken`); what opening it did is
 * kept with the page's history entry, so a reload, or Back to the page, shows that rather than a link gone.
 */

/** A refused link in the volunteer's words: expired, used, or for an email someone else registered meanwhile. */
function linkProblem(error: unknown, spent: string): Problem {
  if (!(error instanceof ChorusApiError)) return describeError(error);
  if (isProblem(error, 'email-taken')) return { detail: i18n.t('emailLinks.verify.taken'), fields: [] };
  if (error.problem?.errors?.some((field) => field.pointer === '/token')) return { detail: spent, fields: [] };
  return describeError(error);
}

const incomplete = (): Problem => ({ detail: i18n.t('emailLinks.incomplete'), fields: [] });

/** What a verification link did: the email it verified, and whether it is the account's signed in on this device. */
interface Verified {
  email: string;
  mine: boolean;
}

type Verification = { state: 'verifying' } | ({ state: 'done' } & Verified) | { state: 'failed'; problem: Saying<Problem> };

/** `/verify-email#token=…`: proves the email is the account's (on any device, signed in or not). */
export function VerifyEmailPage() {
  const { t } = useTranslation();
  const volunteer = useSession();
  const token = useLinkToken();
  const [verification, setVerification] = useState<Verification>(() => {
    const done = linkOutcome<Verified>();
    return done ? { state: 'done', ...done } : { state: 'verifying' };
  });
  useDocumentTitle(t('emailLinks.verify.title'));
  useEffect(() => {
    if (!token) {
      setVerification((now) => (now.state === 'done' ? now : { state: 'failed', problem: incomplete }));
      return;
    }
    let cancelled = false;
    setVerification({ state: 'verifying' });
    verifyEmail(token).then(
      (verified) => {
        rememberLinkOutcome(verified);
        spendLinkToken();
        if (!cancelled) setVerification({ state: 'done', ...verified });
      },
      (error: unknown) => !cancelled && setVerification({ state: 'failed', problem: (t) => linkProblem(error, t('emailLinks.verify.spent')) }),
    );
    return () => {
      cancelled = true;
    };
  }, [token]);
  const signedIn = volunteer.kind === 'registered';

  return (
    <div className="page page-account" data-testid="verify-email">
      <h1 tabIndex={-1}>{t('emailLinks.verify.title')}</h1>
      <ErrorAlert problem={verification.state === 'failed' ? verification.problem(t) : null} />
      <p role="status">
        {verification.state === 'verifying' && t('emailLinks.verify.verifying')}
        {verification.state === 'done' && (verification.mine ? t('emailLinks.verify.done', { email: verification.email }) : t('emailLinks.verify.doneElsewhere', { email: verification.email }))}
      </p>
      {verification.state !== 'verifying' && (
        <p>
          {signedIn && (verification.state !== 'done' || verification.mine) ? (
            <Link to={ACCOUNT}>{t('emailLinks.toAccount')}</Link>
          ) : (
            <Link to={accountPath('sign-in', ACCOUNT)}>{t('account.signIn')}</Link>
          )}
        </p>
      )}
    </div>
  );
}

/** `/forgot-password`: mails a link to set a new password (the answer never says whether the email has an account). */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const form = useForm({ email: '' }, ['email'] as const);
  const [mailed, setMailed] = useState<{ email: string; n: number } | null>(null);
  const status = useRef<HTMLParagraphElement>(null);
  useDocumentTitle(t('emailLinks.forgot.title'));
  useEffect(() => {
    if (mailed) status.current?.focus();
  }, [mailed]);
  const submit = form.onSubmit({
    check: () => {
      const email = checkEmail(form.values.email);
      return email ? { email } : {};
    },
    send: async () => {
      await requestPasswordReset(form.values.email);
      setMailed((now) => ({ email: form.values.email.trim(), n: (now?.n ?? 0) + 1 }));
    },
    refused: (error) => problemAtFields(error, ['email'] as const),
  });

  return (
    <div className="page page-account" data-testid="forgot-password">
      <h1 tabIndex={-1} id="forgot-password-heading">
        {t('emailLinks.forgot.title')}
      </h1>
      <p role="status" tabIndex={-1} ref={status} key={mailed?.n}>
        {mailed && t('emailLinks.forgot.mailed', { email: mailed.email })}
      </p>
      <p className="lead">{t('emailLinks.forgot.lead')}</p>
      <ErrorAlert problem={form.problem} />
      <form className="account-form" noValidate aria-labelledby="forgot-password-heading" onSubmit={(event) => void submit(event)}>
        <FormField id="forgot-email" type="email" inputMode="email" autoCapitalize="none" spellCheck={false} maxLength={ACCOUNT_LIMITS.emailLength} label={t('account.fields.email')} autoComplete="username" {...form.field('email')} />
        <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
          {form.busy ? t('emailLinks.forgot.submitting') : mailed ? t('emailLinks.forgot.again') : t('emailLinks.forgot.submit')}
        </button>
      </form>
      <p>
        <Link to={accountPath('sign-in', '/')}>{t('emailLinks.forgot.back')}</Link>
      </p>
    </div>
  );
}

/** `/reset-password#token=…`: sets the new password, and signs in with it on this device. */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const token = useLinkToken();
  const used = linkOutcome<'used'>() === 'used';
  useDocumentTitle(t('emailLinks.reset.title'));

  return (
    <div className="page page-account" data-testid="reset-password">
      <h1 tabIndex={-1} id="reset-password-heading">
        {t('emailLinks.reset.title')}
      </h1>
      {token && !used ? (
        <ResetForm key={token} token={token} />
      ) : used ? (
        <p role="status">{t('emailLinks.reset.used')}</p>
      ) : (
        <ErrorAlert problem={incomplete()} />
      )}
      <p>
        <Link to={FORGOT_PASSWORD}>{t('emailLinks.reset.newLink')}</Link>
      </p>
    </div>
  );
}

/** The new password for one link's token (a new link pasted in starts a new form, without the last one's refusal). */
function ResetForm({ token }: { token: string }) {
  const { t } = useTranslation();
  const form = useForm({ newPassword: '' }, ['newPassword'] as const);
  const submit = form.onSubmit({
    check: (t) => (form.values.newPassword.length < ACCOUNT_LIMITS.passwordMinLength ? { newPassword: t('account.errors.passwordShort', { count: ACCOUNT_LIMITS.passwordMinLength }) } : {}),
    send: async () => {
      const takeOver = await resetPassword(token, form.values.newPassword);
      rememberLinkOutcome('used');
      navigate('/');
      showAccountNotice((t) => withAnswersWaiting(t('emailLinks.reset.done', { name: takeOver.account.user.displayName }), takeOver), '/');
    },
    refused: (error, t) => {
      const problem = problemAtFields(error, ['newPassword'] as const);
      return problem.fields.newPassword ? problem : { fields: {}, form: linkProblem(error, t('emailLinks.reset.spent')) };
    },
  });
  return (
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
  );
}
