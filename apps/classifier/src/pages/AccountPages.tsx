import { type FormEvent, type RefObject, useEffect, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { ErrorAlert } from '../components/ErrorAlert';
import { FormField } from '../components/FormField';
import {
  type AccountInput,
  checkAccountForm,
  createAccount,
  type FieldErrors,
  type FieldName,
  type SendAccountForm,
  formProblemOf,
  PASSWORD_MIN_LENGTH,
  showAccountNotice,
  signIn,
  useSession,
} from '../lib/account';
import type { Problem } from '../lib/errors';
import { accountPath, Link, navigate, nextPath } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';

const FIELD_ORDER: FieldName[] = ['displayName', 'email', 'password'];

/**
 * A form's state: values, the message next to each field, the form's own problem, and focus on the first field in
 * error once its message is on screen (so that a screen reader reads the message with the field).
 */
function useAccountForm(initial: Partial<AccountInput>) {
  const [values, setValues] = useState<Partial<AccountInput>>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [focusRequest, setFocusRequest] = useState<{ field: FieldName; n: number } | null>(null);
  const refs: Record<FieldName, RefObject<HTMLInputElement | null>> = {
    displayName: useRef<HTMLInputElement>(null),
    email: useRef<HTMLInputElement>(null),
    password: useRef<HTMLInputElement>(null),
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: the refs are stable; `focusRequest` changes with each request
  useEffect(() => {
    if (focusRequest) refs[focusRequest.field].current?.focus();
  }, [focusRequest]);

  /** Shows these messages; answers whether there were any (and then focuses the first field in error). */
  const showErrors = (next: FieldErrors): boolean => {
    setErrors(next);
    const first = FIELD_ORDER.find((field) => next[field]);
    if (first) setFocusRequest((request) => ({ field: first, n: (request?.n ?? 0) + 1 }));
    return first !== undefined;
  };
  const field = (name: FieldName) => ({
    value: values[name] ?? '',
    error: errors[name],
    inputRef: refs[name],
    onChange: (event: { target: { value: string } }) => setValues((now) => ({ ...now, [name]: event.target.value })),
  });
  /**
   * The form's submit handler: checks the fields, runs `send` (which answers the notice to show), then goes on to
   * `next`; a refusal is shown at the fields it names, or as the form's problem.
   */
  const onSubmit = (kind: 'create' | 'sign-in', send: SendAccountForm, { next, pathname }: Destination) => async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setProblem(null);
    if (showErrors(checkAccountForm(values, kind))) return;
    setBusy(true);
    try {
      const notice = await send();
      navigate(next);
      showAccountNotice(notice, pathname);
    } catch (error) {
      const refused = formProblemOf(error, kind);
      setProblem(refused.form);
      showErrors(refused.fields);
      setBusy(false);
    }
  };
  return { values, problem, busy, field, onSubmit };
}

/** An email field's input settings, the same on both forms. */
const EMAIL_INPUT = { type: 'email', inputMode: 'email', autoCapitalize: 'none', spellCheck: false, maxLength: 320 } as const;

interface Destination {
  next: string;
  pathname: string;
}

/** Where the volunteer goes once done, and the page the notice about it belongs to. */
function destination(): Destination {
  const next = nextPath();
  return { next, pathname: new URL(next, window.location.origin).pathname };
}

/** "Create an account": a guest becomes an account, keeping what they classified. */
export function CreateAccountPage() {
  const { t } = useTranslation();
  const volunteer = useSession();
  const form = useAccountForm({ displayName: '', email: '', password: '' });
  useDocumentTitle(t('account.create.title'));
  const destined = destination();
  const { next } = destined;

  if (volunteer.kind === 'registered') return <AlreadySignedIn title={t('account.create.title')} name={volunteer.displayName ?? ''} next={next} />;

  const submit = form.onSubmit(
    'create',
    async () => t('account.created', { name: (await createAccount(form.values as AccountInput)).user.displayName }),
    destined,
  );

  return (
    <div className="page page-account" data-testid="create-account">
      <h1 tabIndex={-1} id="create-account-heading">
        {t('account.create.title')}
      </h1>
      <p className="lead">{t('account.create.keeps')}</p>
      <ErrorAlert problem={form.problem} />
      <form className="account-form" noValidate aria-labelledby="create-account-heading" onSubmit={(event) => void submit(event)}>
        <FormField id="account-name" label={t('account.fields.displayName')} hint={t('account.fields.displayNameHint')} autoComplete="nickname" maxLength={100} {...form.field('displayName')} />
        <FormField id="account-email" label={t('account.fields.email')} hint={t('account.fields.emailHint')} autoComplete="email" {...EMAIL_INPUT} {...form.field('email')} />
        <FormField
          id="account-password"
          type="password"
          label={t('account.fields.password')}
          hint={t('account.fields.newPasswordHint', { count: PASSWORD_MIN_LENGTH })}
          autoComplete="new-password"
          maxLength={200}
          {...form.field('password')}
        />
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

/** "Sign in": an existing account in place of the guest session on this device. */
export function SignInPage() {
  const { t } = useTranslation();
  const volunteer = useSession();
  const form = useAccountForm({ email: '', password: '' });
  useDocumentTitle(t('account.signInPage.title'));
  const destined = destination();
  const { next } = destined;

  if (volunteer.kind === 'registered') return <AlreadySignedIn title={t('account.signInPage.title')} name={volunteer.displayName ?? ''} next={next} />;

  const submit = form.onSubmit(
    'sign-in',
    async () => {
      const { account, guestAnswersWaiting } = await signIn({ email: form.values.email ?? '', password: form.values.password ?? '' });
      const welcome = t('account.signedIn', { name: account.user.displayName });
      return guestAnswersWaiting > 0 ? `${welcome} ${t('account.guestAnswersWaiting', { count: guestAnswersWaiting })}` : welcome;
    },
    destined,
  );

  return (
    <div className="page page-account" data-testid="sign-in">
      <h1 tabIndex={-1} id="sign-in-heading">
        {t('account.signInPage.title')}
      </h1>
      <p className="lead">
        <Trans i18nKey="account.signInPage.guestNote" components={{ create: <Link to={accountPath('create-account', next)} /> }} />
      </p>
      <ErrorAlert problem={form.problem} />
      <form className="account-form" noValidate aria-labelledby="sign-in-heading" onSubmit={(event) => void submit(event)}>
        <FormField id="sign-in-email" label={t('account.fields.email')} autoComplete="username" {...EMAIL_INPUT} {...form.field('email')} />
        <FormField id="sign-in-password" type="password" label={t('account.fields.password')} autoComplete="current-password" maxLength={200} {...form.field('password')} />
        <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
          {form.busy ? t('account.signInPage.submitting') : t('account.signInPage.submit')}
        </button>
      </form>
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
