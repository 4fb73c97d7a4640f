import { ChorusApiError } from '@chorus/client';
import { i18n } from '../i18n';

/** What a volunteer is told when something fails: the API's problem detail, or a plain explanation. */
export interface Problem {
  detail: string;
  fields: string[];
  /** The API refused what was asked (a 4xx but a timeout or too many requests): asking the same again cannot help. */
  lasting?: boolean;
}

/**
 * A refusal of what was asked, not of the moment: a 4xx but 408 (a timeout) and 429 (too many requests, for a while).
 * Asked again, it is refused again; anything else (no answer, a 5xx) may pass.
 */
export const refusedForGood = (error: unknown): boolean =>
  error instanceof ChorusApiError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;

/**
 * Statuses of a server (or a proxy before it) that is busy or restarting for a moment: asked again, they may pass. (A
 * 429 says why and for how long itself: too many sign-ins, say, for minutes.)
 */
const PASSING = new Set([502, 503, 504]);

/** The browser knows it has no network: the volunteer's connection is away, not the server. */
const offline = () => typeof navigator !== 'undefined' && navigator.onLine === false;

/**
 * No answer at all (`fetch` failed: a refused connection, the API restarting) while the browser has a network: the
 * server is away for a moment, as with a 502–504, not the volunteer's connection (offline, the `online` event says when).
 */
const serverAway = (error: unknown) => error instanceof TypeError && !offline();

/**
 * When to ask again, by itself, after a failure that may pass (a busy server, or one not answering at all) and
 * `before` such failures in a row: what the server asked, else 5 s, doubling with each, a minute at most; a fifth more
 * at random, so that the pages a restart failed do not all come back at the same moment.
 */
export function retryDelaySeconds(error: unknown, before: number): number | undefined {
  const passing = error instanceof ChorusApiError && PASSING.has(error.status);
  if (!passing && !serverAway(error)) return undefined;
  const asked = (passing ? error.retryAfterSeconds : undefined) ?? 5 * 2 ** before;
  return Math.min(Math.max(Math.round(asked * (1 + Math.random() / 5)), 1), 60);
}

/** The API's own problem, not a proxy's page (an HTML "502 Bad Gateway"), whose words are not for volunteers. */
const fromChorus = (error: ChorusApiError) => error.problem?.type?.startsWith('urn:chorus:problem:') === true;

export function describeError(error: unknown): Problem {
  if (error instanceof ChorusApiError) {
    // A moment's trouble is told in the volunteer's words, not the operator's ("The database took too long").
    if (PASSING.has(error.status)) return { detail: i18n.t('errors.busy', { status: error.status }), fields: [] };
    const lasting = refusedForGood(error);
    if (!fromChorus(error)) return { detail: i18n.t('errors.status', { status: error.status }), fields: [], lasting };
    const fields = (error.problem?.errors ?? []).map((field) => (field.pointer ? `${field.pointer}${i18n.t('app.colon')}${field.message}` : field.message));
    // A 422's detail restates its errors for whoever reads the API's answers alone: here they are listed below it.
    if (error.status === 422 && fields.length) return { detail: i18n.t('errors.invalid'), fields, lasting };
    const detail = error.problem?.detail || error.problem?.title || i18n.t('errors.status', { status: error.status });
    return { detail, fields, lasting };
  }
  if (error instanceof TypeError) {
    return { detail: offline() ? i18n.t('errors.unreachable') : i18n.t('errors.serverAway'), fields: [] };
  }
  if (error instanceof SyntaxError) {
    return { detail: i18n.t('errors.unreadable'), fields: [] };
  }
  return { detail: error instanceof Error ? error.message : String(error), fields: [] };
}

/**
 * Why the server refused an answer, in the volunteer's words: a 422's detail and field pointers (`/subjectId`) speak
 * to developers, and a refused answer is nothing the volunteer could have given differently. (One refused because its
 * project is not open to volunteers is not refused for good: it waits on the device for the project to reopen.)
 */
export function whyAnswerRefused(error: unknown): string {
  if (!(error instanceof ChorusApiError) || error.status !== 422) return describeError(error).detail;
  const pointers = new Set((error.problem?.errors ?? []).map((field) => field.pointer));
  if (pointers.has('/subjectId')) return i18n.t('errors.subjectGone');
  if (pointers.has('/workflowVersion')) return i18n.t('errors.versionGone');
  return i18n.t('errors.answerUnfit');
}

/** An answer the server refused, for the page to show. */
export function describeRefusedAnswer(error: unknown): Problem {
  if (!(error instanceof ChorusApiError) || error.status !== 422) return describeError(error);
  return { detail: i18n.t('errors.answerRefused', { why: whyAnswerRefused(error) }), fields: [] };
}

/** A 404 that names `pointer`: what the address names is not there (any more: another researcher removed it). */
export function goneAt(error: unknown, pointer: string): boolean {
  return error instanceof ChorusApiError && error.status === 404 && !!error.problem.errors?.some((field) => field.pointer === pointer);
}

/** A 404 or 422 that names `pointer` (the address's workflow id, or version): nothing is there, and never will be. */
export function namesNothing(error: unknown, pointer = '/params/id'): boolean {
  return error instanceof ChorusApiError && (error.status === 404 || error.status === 422) && !!error.problem.errors?.some((field) => field.pointer === pointer);
}
