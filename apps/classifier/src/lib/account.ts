import { ACCOUNT_LIMITS, type AccountView, type ChorusClient, ChorusApiError, type Display, type GuestWorkCarried, isProblem, type Language, type Session, type SignIn, spokenLanguage } from '@chorus/client';
import { useSyncExternalStore } from 'react';
import { i18n, preferredLanguage, wantedLanguage } from '../i18n';
import { asDisplay, chooseDisplay } from './display';
import { describeError } from './errors';
import type { Saying } from './said';
import { spendLinkToken } from './router';
import { isMine, outbox } from './outbox';
import { awaitsReopen } from './reopenTries';
import { LANGUAGE_SEND_MS, SEND_FIRST_MS } from './sendTimes';
import { forgetAllStops } from './stoppedUploads';
import { forgetClassifiedThisSession, type Owner, type SessionState, session } from './session';
import { releaseBatchesOf } from './subjectQueue';
import type { FieldErrors, FormProblem } from './useForm';

/**
 * Creating an account, signing in and signing out, and what the volunteer is told about them.
 *
 * - Creating an account while a guest sends the guest's token: the guest becomes the account (the same user id), so
 *   their classifications, what they have seen and what waits in the outbox stay theirs.
 * - Signing in replaces the guest. Asked to (the default), it is sent with the guest's token, and the API makes the
 *   guest's classifications the account's; otherwise what the guest did stays the guest's (a shared computer).
 * - Signing out ends the account's tokens on the server and forgets the account on this device; the next request starts
 *   a fresh guest.
 *
 * Answers waiting in the outbox belong to whoever gave them: before someone else takes over the device they are sent
 * if the server can be reached, and the rest stay on this device with their owner's token, to be sent as that owner's
 * when the connection is back (see `outbox.ts`). An account that signs out leaves no token behind: its answers still
 * waiting stay without it, for its next sign-in here, or are discarded, as the volunteer chooses.
 */

/** The volunteer's session, re-rendering when it changes (a sign-in, an account, a sign-out, another tab's). */
export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, session.current);
}

export type FieldName = 'displayName' | 'email' | 'password';

export interface AccountInput {
  displayName: string;
  email: string;
  password: string;
}

/** Checks made before asking the server, in the volunteer's words; the server checks again. */
export function checkAccountForm(input: Partial<AccountInput>, kind: 'create' | 'sign-in'): FieldErrors<FieldName> {
  const errors: FieldErrors<FieldName> = {};
  if (kind === 'create' && !input.displayName?.trim()) errors.displayName = i18n.t('account.errors.displayNameMissing');
  const emailError = checkEmail(input.email ?? '');
  if (emailError) errors.email = emailError;
  const password = input.password ?? '';
  if (!password) errors.password = i18n.t('account.errors.passwordMissing');
  else if (kind === 'create' && password.length < ACCOUNT_LIMITS.passwordMinLength) errors.password = i18n.t('account.errors.passwordShort', { count: ACCOUNT_LIMITS.passwordMinLength });
  return errors;
}

/** What is wrong with an email address as typed, in the volunteer's words (undefined: nothing the browser can tell). */
export function checkEmail(typed: string): string | undefined {
  const email = typed.trim();
  if (!email) return i18n.t('account.errors.emailMissing');
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) return i18n.t('account.errors.emailInvalid');
  return undefined;
}

/** An error of the server's that names no field of the form, as the form lists it: by its pointer. */
const byPointer = ({ pointer, message }: { pointer: string; message: string }) => (pointer ? `${pointer}${i18n.t('app.colon')}${message}` : message);

/**
 * The server's refusal by field: each of its `errors` whose pointer names one of `fields` (`/<field>`) goes next to
 * that field, the others for the form as a whole (each said by `inWords`: by its pointer, unless the form says where
 * it is in words of its own).
 */
export function problemAtFields<F extends string>(error: unknown, fields: readonly F[], inWords = byPointer): FormProblem<F> {
  if (!(error instanceof ChorusApiError)) return { fields: {}, form: describeError(error) };
  const named: FieldErrors<F> = {};
  const unnamed: string[] = [];
  for (const { pointer, message } of error.problem?.errors ?? []) {
    const field = fields.find((name) => pointer === `/${name}`);
    if (field) named[field] ??= isProblem(error, 'wrong-password') ? i18n.t('account.errors.notYourPassword') : sentence(message);
    else unnamed.push(inWords({ pointer, message }));
  }
  if (Object.keys(named).length > 0 && unnamed.length === 0) return { fields: named, form: null };
  return { fields: named, form: { ...describeError(error), fields: unnamed } };
}

/**
 * The create-account and sign-in forms' refusal: as `problemAtFields`, and a refused sign-in (a wrong password, or an
 * email not verified yet: the API does not tell them apart) in the volunteer's words.
 */
export function formProblemOf(error: unknown, kind: 'create' | 'sign-in'): FormProblem<FieldName> {
  const problem = problemAtFields(error, ['displayName', 'email', 'password'] as const);
  if (!(error instanceof ChorusApiError)) return problem;
  if (kind === 'sign-in' && error.status === 401) return { fields: { password: i18n.t('account.errors.wrongPassword') }, form: null };
  return problem;
}

/** A server message such as "must be an email address" as a sentence under its field. */
export function sentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  return `${text[0]!.toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;
}

/** Settles when `work` does, or after `ms` at most (then without waiting for it any longer). */
async function atMost(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
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
    await atMost(SEND_FIRST_MS, outbox.flush(session.client));
  } catch {
    // Not sent now: they stay, with their owner.
  }
  return (await outbox.all().catch(() => [])).filter(isMine).length;
}

/**
 * Signs up: nothing changes on this device (the answer is the same whether or not the email has an account); the
 * account signs in once the link mailed to it is opened, and the guest's work goes into it at that sign-in. Its mails
 * are worded in the interface's language.
 */
export async function createAccount(input: AccountInput): Promise<void> {
  const display = displayChosenBeforeSignIn();
  await session.anonymous.register({ displayName: input.displayName.trim(), email: input.email.trim(), password: input.password, language: wantedLanguage(), ...(display && { display }) });
}

/** The account's language as last sent: each change waits for the one before (a few seconds at most), so that the last choice is the one kept. */
let languageSent: Promise<void> = Promise.resolve();

/**
 * Where this tab keeps the language its volunteer chose while not signed in: the account that signs in next in it
 * takes that one, not one kept on the device (`chosenLanguage`), which may be another volunteer's from long ago.
 */
const CHOSEN_BEFORE_SIGN_IN = 'chorus.languageBeforeSignIn';

function chosenBeforeSignIn(): Language | undefined {
  try {
    return spokenLanguage([window.sessionStorage.getItem(CHOSEN_BEFORE_SIGN_IN) ?? '']);
  } catch {
    return undefined; // storage disabled: nothing to take
  }
}

function keepChosenBeforeSignIn(language: Language | undefined): void {
  try {
    if (language) window.sessionStorage.setItem(CHOSEN_BEFORE_SIGN_IN, language);
    else window.sessionStorage.removeItem(CHOSEN_BEFORE_SIGN_IN);
  } catch {
    // storage disabled: the account keeps its own
  }
}

/**
 * Keeps the interface language the volunteer chose as the signed-in account's, which its mails are worded in: quietly
 * (a failure is not the volunteer's to handle: the choice holds on this device, and the next one is sent again). Not
 * signed in, the account that signs in next in this tab takes it.
 */
export function keepAccountLanguage(chosen: string): Promise<void> {
  const language = spokenLanguage([chosen]);
  const { kind, userId, token } = session.current();
  // Signed in, a choice goes now: one made earlier, as a guest, is not to follow it.
  keepChosenBeforeSignIn(kind === 'registered' ? undefined : language);
  if (kind !== 'registered' || !token) return languageSent;
  languageSent = languageSent.then(() => (language ? atMost(LANGUAGE_SEND_MS, sendChange(userId, token, { language })) : undefined));
  return languageSent;
}

/**
 * The account's language chosen on its page: sent after the changes before it, as `keepAccountLanguage` sends them,
 * but its refusal is the volunteer's to see. Answers the language the server keeps.
 */
export function saveAccountLanguage(language: Language): Promise<Language | null> {
  const { token } = session.current();
  keepChosenBeforeSignIn(undefined);
  const saved = languageSent.then(() => (token ? session.clientFor(token).changeAccount({ language }) : session.client.changeAccount({ language })));
  languageSent = atMost(LANGUAGE_SEND_MS, saved).catch(() => undefined);
  return saved.then((account) => account.language);
}

/** Sends `change` as the account's, with its own token, unless another volunteer signed in since it was chosen. */
async function sendChange(userId: string | null, token: string, change: Parameters<ChorusClient['changeAccount']>[0]): Promise<void> {
  if (session.current().userId !== userId) return;
  await session.clientFor(token).changeAccount(change).catch(() => undefined);
}

/** The account's display as last sent: each change waits for the one before (a few seconds at most), so that the last choice is the one kept. */
let displaySent: Promise<void> = Promise.resolve();

/** Where this tab keeps the display its volunteer chose while not signed in, as `CHOSEN_BEFORE_SIGN_IN` a language. */
const DISPLAY_BEFORE_SIGN_IN = 'chorus.displayBeforeSignIn';

function displayChosenBeforeSignIn(): Display | null {
  try {
    return asDisplay(JSON.parse(window.sessionStorage.getItem(DISPLAY_BEFORE_SIGN_IN) ?? 'null'));
  } catch {
    return null; // storage disabled, or not JSON: nothing to take
  }
}

function keepDisplayBeforeSignIn(display: Display | null): void {
  try {
    if (display) window.sessionStorage.setItem(DISPLAY_BEFORE_SIGN_IN, JSON.stringify(display));
    else window.sessionStorage.removeItem(DISPLAY_BEFORE_SIGN_IN);
  } catch {
    // storage disabled: the account keeps its own
  }
}

/** Counts the displays chosen in this page, so that a sign-in's answer does not undo one chosen while it was awaited. */
let displaysChosen = 0;

/**
 * The display the volunteer chose (`chooseDisplay`): shown and kept on this device at once, and as the signed-in
 * account's, so that it follows them to their other devices; sent quietly, as `keepAccountLanguage` sends a language.
 * Not signed in, an account made or signed in to next in this tab that has none takes it.
 */
export function keepAccountDisplay(display: Display): Promise<void> {
  displaysChosen += 1;
  chooseDisplay(display);
  const { kind, userId, token } = session.current();
  keepDisplayBeforeSignIn(kind === 'registered' ? null : display);
  if (kind !== 'registered' || !token) return displaySent;
  displaySent = displaySent.then(() => atMost(LANGUAGE_SEND_MS, sendChange(userId, token, { display })));
  return displaySent;
}

/**
 * After a sign-in: the account's display, if it has one, wins over this device's, unless the volunteer chose one since
 * the sign-in. An account with none takes the one chosen in this tab before the sign-in, never one only kept on the
 * device: on a shared computer it may be another volunteer's (the next choice made signed in is sent).
 */
function takeAccountDisplay(account: AccountView, chosenBefore: number): Promise<void> | undefined {
  const guestChoice = displayChosenBeforeSignIn();
  keepDisplayBeforeSignIn(null);
  if (displaysChosen !== chosenBefore) return undefined;
  if (account.display) chooseDisplay(account.display);
  else if (guestChoice) return keepAccountDisplay(guestChoice);
  return undefined;
}

/**
 * The language an account that just signed in takes from this device, when it is not its own already: the one chosen
 * in this tab before the sign-in, else, for an account that has none, the one the browser prefers (not English only
 * because the browser wants none the interface speaks: such an account is invited in its project's language). Never one
 * only kept on the device: on a shared computer it may be another volunteer's, from long ago.
 */
function languageToKeep(account: AccountView): Language | undefined {
  const wanted = chosenBeforeSignIn() ?? (account.language === null ? preferredLanguage() : undefined);
  keepChosenBeforeSignIn(undefined);
  return wanted !== account.language ? wanted : undefined;
}

/** An account that took over this device, and what the volunteer before it left waiting there. */
export interface TakeOver {
  account: Session;
  /** How many of the previous volunteer's answers still wait (kept, to be sent as theirs). */
  answersWaiting: number;
  /** Whose they are: a guest's, or an account's (by name). */
  previous: { kind: 'guest' | 'registered'; name: string };
  /** What the sign-in did with the guest's classifications (none when it was not asked to). */
  carried: GuestWorkCarried;
}

/**
 * Signs in to an account in place of the guest; answers the account, and how many of the guest's answers still wait.
 * With `carryGuestWork`, the guest's classifications become the account's: its answers waiting here are sent first
 * (as the guest's, so that they are carried too), and those that still could not be sent go later as the account's.
 */
export async function signIn(input: Pick<AccountInput, 'email' | 'password'>, carryGuestWork: boolean): Promise<TakeOver> {
  const credentials = { email: input.email.trim(), password: input.password };
  const guest = session.current();
  if (!carryGuestWork || guest.kind !== 'guest' || !guest.token) return takeOverDevice(await session.anonymous.login(credentials));
  await sendWaitingFirst();
  // Nothing goes with the guest's token from here: the sign-in ends it, and its answers still here become the account's.
  const signedIn = await outbox.whileNotSending(async () => {
    const carried = await session
      .clientFor(guest.token!)
      .login(credentials)
      // A guest the server no longer knows has nothing to carry.
      .catch((error: unknown) => (isRefusedToken(error) ? session.anonymous.login(credentials) : Promise.reject(error)));
    // Sent as the account's, an answer the sign-in carried is answered as the one stored (its idempotency key came along).
    if (carried.guestWork) await outbox.handOver({ userId: guest.userId, token: guest.token! }, { userId: carried.user.id, token: carried.token }).catch(() => undefined);
    return carried;
  });
  return takeOverDevice(signedIn);
}

/** The server refused the bearer token a request was sent with (not the credentials in its body). */
const isRefusedToken = (error: unknown): boolean =>
  error instanceof ChorusApiError && error.status === 401 && (error.problem?.errors ?? []).some((problem) => problem.pointer === '/headers/authorization');

/** Sets a new password with a mailed link's token, and signs in with it, as `signIn` does. */
export async function resetPassword(token: string, newPassword: string): Promise<TakeOver> {
  return takeOverDevice(await session.anonymous.resetPassword({ token, newPassword }));
}

/** The words for the guest's work carried into the account, and the answers another volunteer left waiting, after `text`. */
export function withAnswersWaiting(text: string, { answersWaiting, previous, carried }: TakeOver): string {
  const withCarried = [
    text,
    ...(carried.classifications > 0 ? [i18n.t('account.guestWorkCarried', { count: carried.classifications })] : []),
    ...(carried.alreadyClassified > 0 ? [i18n.t('account.guestWorkAlreadyClassified', { count: carried.alreadyClassified })] : []),
  ].join(' ');
  if (answersWaiting === 0) return withCarried;
  const waiting =
    previous.kind === 'registered'
      ? i18n.t('account.accountAnswersWaiting', { count: answersWaiting, name: previous.name })
      : i18n.t('account.guestAnswersWaiting', { count: answersWaiting });
  return `${withCarried} ${waiting}`;
}

/** The account takes this device over from whoever had it (its answers waiting sent first). */
async function takeOverDevice(account: SignIn): Promise<TakeOver> {
  const before = session.current();
  const previous = before.userId;
  const answersWaiting = previous === account.user.id ? 0 : await sendWaitingFirst();
  // A guest's subjects held for it here: nobody can take them back once its token is gone. A sign-in that carried
  // the guest's work released them itself (and ended the token): only the batches kept here go.
  if (before.kind === 'guest' && before.token && previous && previous !== account.user.id) {
    const guest = session.clientFor(before.token);
    releaseBatchesOf(previous, account.guestWork ? async () => undefined : (workflowId, subjectIds) => guest.releaseHolds(workflowId, subjectIds));
  }
  spendLinkToken(); // a mailed link opened in this tab is not for whoever signs in next
  session.adopt({ token: account.token, user: account.user });
  // A guest whose work the account took in goes on counting it; another volunteer's count is not the account's.
  if (previous !== account.user.id && !account.guestWork) forgetClassifiedThisSession();
  void keepPreferencesOf(account.token);
  const carried = account.guestWork ?? { classifications: 0, alreadyClassified: 0 };
  return { account, answersWaiting, previous: { kind: before.kind === 'registered' ? 'registered' : 'guest', name: before.displayName ?? '' }, carried };
}

/**
 * Before signing out: sends the account's answers waiting on this device if the server can be reached; answers how
 * many still wait (the volunteer then chooses, `signOut`, whether they stay here for their next sign-in or go).
 */
export function answersWaitingBeforeSignOut(): Promise<number> {
  return sendWaitingFirst();
}

/**
 * Signs out on this device: the server ends this device's session (its token, left behind on a shared computer or
 * copied from it, no longer works; the account's other devices stay signed in: "Sign out everywhere", on the account's
 * page, ends them too), and this device forgets it. The account's answers still waiting here are kept for its
 * next sign-in on this device, without its token, or discarded, as the volunteer chose (`answersWaitingBeforeSignOut`
 * told them how many). Answers how many were kept and how many discarded, and whether the server ended the session
 * (not reached, offline say: the token is forgotten here all the same, and ends when it expires, or with a sign-out
 * everywhere; the volunteer is told).
 */
export async function signOut(waiting: 'keep' | 'discard' = 'keep'): Promise<{ kept: number; discarded: number; ended: boolean }> {
  const owner = session.owner();
  const { kept, discarded } = await leaveAnswers(owner, waiting);
  const registered = owner !== null && session.current().kind === 'registered';
  const ended = registered ? await session.client.signOut().then(() => true, () => false) : true;
  leaveThisDevice();
  return { kept, discarded, ended };
}

/** The account's answers waiting here, on signing out: kept without its token for its next sign-in here, or discarded. */
async function leaveAnswers(owner: Owner | null, waiting: 'keep' | 'discard'): Promise<{ kept: number; discarded: number }> {
  if (!owner) return { kept: 0, discarded: 0 };
  await outbox.claim(owner).catch(() => undefined);
  if (waiting === 'discard') return { kept: 0, discarded: await outbox.discardMine() };
  return { kept: await outbox.keepForNextSignIn(owner), discarded: 0 };
}

function leaveThisDevice(): void {
  keepChosenBeforeSignIn(undefined);
  keepDisplayBeforeSignIn(null);
  session.signOut();
  forgetClassifiedThisSession();
  // Its stopped uploads' Idempotency-Keys are its own: another account's upload of the file starts anew.
  forgetAllStops();
}

/** Renames the account; the header says the new name at once. Answers the name as the server keeps it. */
export async function renameAccount(displayName: string): Promise<string> {
  const { id, kind, email, emailVerified, displayName: kept } = await session.client.renameAccount(displayName.trim());
  const { token } = session.current();
  if (token) session.adopt({ token, user: { id, kind, email, emailVerified, displayName: kept } });
  return kept;
}

/**
 * Opens a mailed verification link; answers the email it verified, and whether it is the email of the account signed
 * in on this device (which learns its email anew: a link may have changed it).
 */
export async function verifyEmail(token: string): Promise<{ email: string; mine: boolean }> {
  const { email } = await session.anonymous.verifyEmail(token);
  const account = await refreshAccount().catch(() => undefined);
  return { email, mine: account?.email === email };
}

/**
 * After a sign-in: the account takes the language wanted on this device, when it is not its own (`languageToKeep`), and
 * this device the account's display (`takeAccountDisplay`).
 */
async function keepPreferencesOf(token: string): Promise<void> {
  const chosenBefore = displaysChosen;
  const account = await refreshAccount().catch(() => undefined);
  if (!account || session.current().token !== token) return;
  const display = takeAccountDisplay(account, chosenBefore);
  const language = languageToKeep(account);
  await Promise.all([display, language && keepAccountLanguage(language)]);
}

/**
 * The account signed in on this device as the server has it now (undefined for a guest); the session takes its name,
 * email and whether it is verified, which may have changed on another device.
 */
export async function refreshAccount(): Promise<AccountView | undefined> {
  const { token, kind } = session.current();
  if (!token || kind !== 'registered') return undefined;
  const account = await session.client.account();
  const { id, displayName, email, emailVerified } = account;
  if (session.current().token !== token || account.kind !== 'registered') return account;
  session.adopt({ token, user: { id, kind: 'registered', displayName, email, emailVerified } });
  return account;
}

/** Asks for a link to set a new password to be mailed to the email (the server answers the same whether it has an account). */
export async function requestPasswordReset(email: string): Promise<void> {
  await session.anonymous.requestPasswordReset(email.trim());
}

/** A new password: the server ends the account's other tokens and answers a new one for this device. */
export async function changePassword(input: { currentPassword: string; newPassword: string }): Promise<void> {
  session.adopt(await session.client.changePassword(input));
}

/**
 * Ends every token of the account, on every device, and signs out here; answers how many of its answers still wait
 * (sent first when the server can be reached; the rest go as the account's once it signs in again).
 */
export async function signOutEverywhere(): Promise<{ answersWaiting: number }> {
  await sendWaitingFirst();
  await session.client.signOutEverywhere();
  const { kept: answersWaiting } = await leaveAnswers(session.owner(), 'keep');
  leaveThisDevice();
  return { answersWaiting };
}

/** Refuses to delete an account whose answers wait on this device: once it is deleted, they could never be sent. */
export class AnswersStillWaiting extends Error {
  constructor(readonly count: number) {
    super(i18n.t('account.settings.delete.answersWaiting', { count }));
  }
}

/**
 * Deletes the account (its answers waiting here are sent first, or it is not deleted) and signs out here. Its answers
 * waiting for their project to reopen, which no one can say when it will, are discarded with it: answers how many.
 */
export async function deleteAccount(password: string): Promise<{ discarded: number }> {
  await sendWaitingFirst();
  const answersWaiting = (await outbox.all().catch(() => [])).filter((item) => isMine(item) && !awaitsReopen(item)).length;
  if (answersWaiting > 0) throw new AnswersStillWaiting(answersWaiting);
  await session.client.deleteAccount(password);
  const discarded = await outbox.discardAwaitingReopen();
  leaveThisDevice();
  return { discarded };
}

/** A message about the account shown (and announced) at the top of the page it was given for, until the volunteer moves on. */
export interface AccountNotice {
  /** Said in the interface's language when shown (a switch of language says it again). */
  text: Saying<string>;
  path: string;
  n: number;
}

let notice: AccountNotice | null = null;
const noticeListeners = new Set<() => void>();

export function showAccountNotice(text: Saying<string>, path: string = window.location.pathname): void {
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

const invitationListeners = new Set<() => void>();

/** Tells whoever counts the account's invitations (the header) that one was accepted or declined. */
export function invitationAnswered(): void {
  for (const listener of invitationListeners) listener();
}

export function onInvitationAnswered(listener: () => void): () => void {
  invitationListeners.add(listener);
  return () => invitationListeners.delete(listener);
}
