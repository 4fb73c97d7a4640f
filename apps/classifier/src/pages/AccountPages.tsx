import { ACCOUNT_LIMITS } from '@chorus/client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../components/ErrorAlert';
import { FormField, NewPasswordField } from '../components/FormField';
import {
  checkAccountForm,
  createAccount,
  type FieldName,
  formProblemOf,
  showAccountNotice,
  signIn,
  useSession,
  withAnswersWaiting,
} from '../lib/account';
import type { Saying } from '../lib/said';
import { accountPath, FORGOT_PASSWORD, Link, navigate, nextPath } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useForm } from '../lib/useForm';

const FIELD_ORDER: FieldName[] = ['displayName', 'email', 'password'];

/** What a create-account or sign-in form does once its fields pass: answers the notice to show when done. */
interface SendAccountForm {
  // biome-ignore lint/style/useShorthandFunctionType: written as a type alias, the i18n test reads `=> Promise<` as interface text
  (values: Record<FieldName, string>): Promise<Saying<string>>;
}

/**
 * The create-account and sign-in forms: once sent, the volunteer goes on to `next` (a new account, to the sign-in
 * page first, with `next` kept), told `notice` there.
 */
function useAccountForm(initial: Record<FieldName, string>, kind: 'create' | 'sign-in', notice: SendAccountForm) {
  const form = useForm(initial, FIELD_ORDER);
  const { next } = destination();
  const submit = form.onSubmit({
    check: () => checkAccountForm(form.values, kind),
    send: async () => {
      const text = await notice(form.values);
      const then = kind === 'create' ? accountPath('sign-in', next) : next;
      navigate(then);
      showAccountNotice(text, new URL(then, window.location.origin).pathname);
    },
    refused: (error) => formProblemOf(error, kind),
  });
  return { ...form, submit, next };
}

/** An email field's input settings, the same on both forms. */
const EMAIL_INPUT = { type: 'email', inputMode: 'email', autoCapitalize: 'none', spellCheck: false, maxLength: ACCOUNT_LIMITS.emailLength } as const;

/** Where the volunteer goes once done. */
function destination(): { next: string } {
  return { next: nextPath() };
}

/**
 * "Create an account": the account signs in once the link mailed to it is opened (the answer never says whether the
 * email had an account already); the guest's work goes into it at that sign-in, on this device.
 */
export function CreateAccountPage() {
  const { t } = useTranslation();
  const volunteer = useSession();
  const form = useAccountForm({ displayName: '', email: '', password: '' }, 'create', async (values) => {
    await createAccount(values);
    return (t) => t('account.created', { email: values.email.trim() });
  });
  useDocumentTitle(t('account.create.title'));
  const { next, submit } = form;

  if (volunteer.kind === 'registered') return <AlreadySignedIn title={t('account.create.title')} name={volunteer.displayName ?? ''} next={next} />;

  return (
    <div className="page page-account" data-testid="create-account">
      <h1 tabIndex={-1} id="create-account-heading">
        {t('account.create.title')}
      </h1>
      <p className="lead">{t('account.create.keeps')}</p>
      <ErrorAlert problem={form.problem} />
      <form className="account-form" noValidate aria-labelledby="create-account-heading" onSubmit={(event) => void submit(event)}>
        <FormField id="account-name" label={t('account.fields.displayName')} hint={t('account.fields.displayNameHint')} autoComplete="nickname" maxLength={ACCOUNT_LIMITS.displayNameLength} {...form.field('displayName')} />
        <FormField id="account-email" label={t('account.fields.email')} hint={t('account.fields.emailHint')} autoComplete="email" {...EMAIL_INPUT} {...form.field('email')} />
        <NewPasswordField id="account-password" label={t('account.fields.password')} {...form.field('password')} />
        <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
          {form.busy ? t('account.create.submitting') : t('account.create.submit')}
        </button>
      </form>
      <p>
        {t('account.create.haveAccount')} <Link to={accountPath('sign-in', next)}>{t('account.signIn')}</Link>
      </p>
    </div>
  );
}

/** "Sign in": an existing account in place of the guest session on this device, with the guest's work if asked. */
export function SignInPage() {
  const { t } = useTranslation();
  const volunteer = useSession();
  const [carryGuestWork, setCarryGuestWork] = useState(true);
  const form = useAccountForm({ displayName: '', email: '', password: '' }, 'sign-in', async (values) => {
    const takeOver = await signIn(values, carryGuestWork);
    return (t) => withAnswersWaiting(t('account.signedIn', { name: takeOver.account.user.displayName }), takeOver);
  });
  useDocumentTitle(t('account.signInPage.title'));
  const { next, submit } = form;

  if (volunteer.kind === 'registered') return <AlreadySignedIn title={t('account.signInPage.title')} name={volunteer.displayName ?? ''} next={next} />;

  return (
    <div className="page page-account" data-testid="sign-in">
      <h1 tabIndex={-1} id="sign-in-heading">
        {t('account.signInPage.title')}
      </h1>
      <ErrorAlert problem={form.problem} />
      <form className="account-form" noValidate aria-labelledby="sign-in-heading" onSubmit={(event) => void submit(event)}>
        <FormField id="sign-in-email" label={t('account.fields.email')} autoComplete="username" {...EMAIL_INPUT} {...form.field('email')} />
        <FormField id="sign-in-password" type="password" label={t('account.fields.password')} autoComplete="current-password" maxLength={ACCOUNT_LIMITS.passwordMaxLength} {...form.field('password')} />
        {volunteer.kind === 'guest' && (
          <div className="field">
            <p className="checkbox-field">
              <input id="sign-in-carry" type="checkbox" checked={carryGuestWork} onChange={(event) => setCarryGuestWork(event.currentTarget.checked)} aria-describedby="sign-in-carry-hint" />
              <label htmlFor="sign-in-carry">{t('account.signInPage.carryGuestWork')}</label>
            </p>
            <p id="sign-in-carry-hint" className="field-hint">
              {t('account.signInPage.carryGuestWorkHint')}
            </p>
          </div>
        )}
        <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
          {form.busy ? t('account.signInPage.submitting') : t('account.signInPage.submit')}
        </button>
      </form>
      <p>
        <Link to={FORGOT_PASSWORD}>{t('account.signInPage.forgot')}</Link>
      </p>
      <p>
        {t('account.signInPage.noAccount')} <Link to={accountPath('create-account', next)}>{t('account.createAccount')}</Link>
      </p>
    </div>
  );
}

/** Either page, for a volunteer already signed in: who they are, and the way on. */
function AlreadySignedIn({ title, name, next }: { title: string; name: string; next: string }) {
  const { t } = useTranslation();
  return (
    <div className="page page-account">
      <h1 tabIndex={-1}>{title}</h1>
      <p>{t('account.already', { name })}</p>
      <p>
        <Link to={next}>{t('account.continue')}</Link>
      </p>
    </div>
  );
}
