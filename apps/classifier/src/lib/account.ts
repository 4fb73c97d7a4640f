import { ChorusApiError, type Session } from '@chorus/client';
import { useSyncExternalStore } from 'react';
import { i18n } from '../i18n';
import { describeError, type Problem } from './errors';
import { isMine, outbox } from './outbox';
import { forgetClassifiedThisSession, type SessionState, session } from './session';

/**
 * Creating an account, signing in and signing out, and what the volunteer is told about them.
 *
 * - Creating an account while a guest sends the guest's token: the guest becomes the account (the same user id), so
 *   their classifications, what they have seen and what waits in the outbox stay theirs.
 * - Signing in replaces the guest (the API does not merge two volunteers): what the guest did stays the guest's.
 * - Signing out forgets the account on this device; the next request starts a fresh guest.
 *
 * Answers waiting in the outbox belong to whoever gave them: before someone else takes over the device they are sent
 * if the server can be reached, and the rest stay on this device with their owner's token, to be sent as that owner's
 * when the connection is back (see `outbox.ts`).
 */

/** The volunteer's session, re-rendering when it changes (a sign-in, an account, a sign-out, another tab's). */
export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, session.current);
}

export const PASSWORD_MIN_LENGTH = 8;
/** How long a sign-in or sign-out waits for waiting answers to be sent before going on (they are kept either way). */
const SEND_FIRST_MS = 5_000;

export type FieldName = 'displayName' | 'email' | 'password';
export type FieldErrors = Partial<Record<FieldName, string>>;

/** What a refused form shows: a message next to each field it names, and what concerns the form as a whole. */
export interface FormProblem {
  fields: FieldErrors;
  form: Problem | null;
}

export interface AccountInput {
  displayName: string;
  email: string;
  password: string;
}

/** Checks made before asking the server, in the volunteer's words; the server checks again. */
/** What an account form does once its fields pass: answers the notice to show when done. */
export type SendAccountForm = () => Promise<string>;

export function checkAccountForm(input: Partial<AccountInput>, kind: 'create' | 'sign-in'): FieldErrors {
  const errors: FieldErrors = {};
  if (kind === 'create' && !input.displayName?.trim()) errors.displayName = i18n.t('account.errors.displayNameMissing');
  const email = input.email?.trim() ?? '';
  if (!email) errors.email = i18n.t('account.errors.emailMissing');
  else if (!/^[^\s@]+@[^\s@]+$/.test(email)) errors.email = i18n.t('account.errors.emailInvalid');
  const password = input.password ?? '';
  if (!password) errors.password = i18n.t('account.errors.passwordMissing');
  else if (kind === 'create' && password.length < PASSWORD_MIN_LENGTH) errors.password = i18n.t('account.errors.passwordShort', { count: PASSWORD_MIN_LENGTH });
  return errors;
}

const FIELD_OF_POINTER: Record<string, FieldName> = { '/displayName': 'displayName', '/email': 'email', '/password': 'password' };

const problemType = (error: ChorusApiError, slug: string) => error.problem?.type?.endsWith(`:${slug}`) === true;

/**
 * The server's refusal by field: each of its `errors` whose pointer names a field of the form goes next to that field;
 * the problems the API names by type (an email already taken, a wrong password) in the volunteer's words; anything
 * else for the form as a whole.
 */
export function formProblemOf(error: unknown, kind: 'create' | 'sign-in'): FormProblem {
  if (!(error instanceof ChorusApiError)) return { fields: {}, form: describeError(error) };
  const fields: FieldErrors = {};
  const unnamed: string[] = [];
  for (const { pointer, message } of error.problem?.errors ?? []) {
    const field = FIELD_OF_POINTER[pointer];
    if (field) fields[field] ??= sentence(message);
    else unnamed.push(pointer ? `${pointer}: ${message}` : message);
  }
  if (problemType(error, 'email-taken')) fields.email = i18n.t('account.errors.emailTaken');
  else if (kind === 'sign-in' && error.status === 401) return { fields: { password: i18n.t('account.errors.wrongPassword') }, form: null };
  else if (problemType(error, 'guest-already-registered')) return { fields, form: { detail: i18n.t('account.errors.alreadyRegistered'), fields: [] } };
  if (Object.keys(fields).length > 0 && unnamed.length === 0) return { fields, form: null };
  return { fields, form: { ...describeError(error), fields: unnamed } };
}

/** A server message such as "must be an email address" as a sentence under its field. */
function sentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  return `${text[0]!.toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;
}

/**
 * Sends what the current volunteer has waiting, before someone else takes over this device, and answers how many of
 * their answers are still waiting (kept, with their token, for later). Never waits more than a few seconds.
 */
async function sendWaitingFirst(): Promise<number> {
  const owner = session.owner();
  if (!owner) return 0;
  try {
    await outbox.claim(owner);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([outbox.flush(session.client), new Promise((resolve) => (timer = setTimeout(resolve, SEND_FIRST_MS)))]).finally(() =>
      clearTimeout(timer),
    );
  } catch {
    // Not sent now: they stay, with their owner.
  }
  return (await outbox.all().catch(() => [])).filter(isMine).length;
}

/** A guest becomes an account: the same user, everything they did kept. Without a guest (none could be made), a new one. */
export async function createAccount(input: AccountInput): Promise<Session> {
  // The session's client sends the guest's token, which is what makes the guest the account.
  const client = session.current().token ? session.client : session.anonymous;
  const created = await client.register({ displayName: input.displayName.trim(), email: input.email.trim(), password: input.password });
  session.adopt(created);
  return created;
}

/** Signs in to an account in place of the guest; answers the account, and how many of the guest's answers still wait. */
export async function signIn(input: Pick<AccountInput, 'email' | 'password'>): Promise<{ account: Session; guestAnswersWaiting: number }> {
  const account = await session.anonymous.login({ email: input.email.trim(), password: input.password });
  const previous = session.current().userId;
  const guestAnswersWaiting = previous === account.user.id ? 0 : await sendWaitingFirst();
  session.adopt(account);
  if (previous !== account.user.id) forgetClassifiedThisSession();
  return { account, guestAnswersWaiting };
}

/** Signs out; answers how many of the account's answers still wait to be sent (they stay, and go as the account's). */
export async function signOut(): Promise<{ answersWaiting: number }> {
  const answersWaiting = await sendWaitingFirst();
  session.signOut();
  forgetClassifiedThisSession();
  return { answersWaiting };
}

/** A message about the account shown (and announced) at the top of the page it was given for, until the volunteer moves on. */
export interface AccountNotice {
  text: string;
  path: string;
  n: number;
}

let notice: AccountNotice | null = null;
const noticeListeners = new Set<() => void>();

export function showAccountNotice(text: string, path: string = window.location.pathname): void {
  notice = { text, path, n: (notice?.n ?? 0) + 1 };
  for (const listener of noticeListeners) listener();
}

export function useAccountNotice(): AccountNotice | null {
  return useSyncExternalStore(
    (listener) => {
      noticeListeners.add(listener);
      return () => noticeListeners.delete(listener);
    },
    () => notice,
  );
}
