import type { ApiKeyScope } from '@chorus/client';
import type { FieldError } from '@chorus/tasks';
import type { RateLimitState } from './rate-limits';

/** An RFC 9457 problem: `detail` says what to do; `errors` names each bad field by its JSON pointer. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  /** A 413's: the largest body the route accepts, for a client to say in its own words. */
  limitBytes?: number;
  /** A 409 `subject-set-name-taken`'s: the set that has the name. */
  subjectSet?: { id: string; name: string };
  /** A 409 `api-key-already-made`'s: the key the first request with that Idempotency-Key made (never its secret). */
  apiKey?: { id: string; name: string; scope: ApiKeyScope; prefix: string | null };
  /** A 409 `webhook-already-made`'s: the webhook the first request with that Idempotency-Key registered (never its secret). */
  webhook?: { id: string; projectId: string; url: string; events: string[]; createdAt: string };
  /** A 409 `consensus-changed`'s: the task's consensus answer now, as the results give it (null: none). */
  consensus?: string | null;
  /** A 403 `api-key-scope`'s: the scope of the key sent, and the narrowest that may make the request. */
  keyScope?: ApiKeyScope;
  neededScope?: ApiKeyScope;
}

const titles: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Validation failed',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export function problemBody(status: number, detail: string, errors?: FieldError[], slug?: string): ProblemBody {
  const title = titles[status] ?? 'Error';
  return {
    type: `urn:chorus:problem:${slug ?? title.toLowerCase().replace(/\s+/g, '-')}`,
    title,
    status,
    detail,
    ...(errors?.length ? { errors } : {}),
  };
}

export class ProblemException extends Error {
  readonly body: ProblemBody;
  /** Sent as `Retry-After` when set: the request may succeed if made again after this long. */
  retryAfterSeconds?: number;
  /** Other headers of the answer (`Allow` of a 405), by lower-case name. */
  readonly headers: Record<string, string> = {};
  /** A 429's: the limit it is over, for the answer's `RateLimit-*` headers. */
  rateLimit?: RateLimitState;
  constructor(status: number, detail: string, errors?: FieldError[], slug?: string) {
    super(detail);
    this.body = problemBody(status, detail, errors, slug);
  }

  /** The problem a body kept earlier says, as it said it (a retry's refusal, `IdempotentRequests`). */
  static of(body: ProblemBody): ProblemException {
    const problem = new ProblemException(body.status, body.detail);
    Object.assign(problem.body, body);
    return problem;
  }

  retryAfter(seconds: number): this {
    this.retryAfterSeconds = seconds;
    return this;
  }

  limited(state: RateLimitState): this {
    this.rateLimit = state;
    return this;
  }

  withHeader(name: string, value: string): this {
    this.headers[name] = value;
    return this;
  }
}

/** A refusal names this many fields at most, so that 10,000 bad rows do not make a 10,000-line answer. */
const MOST_FIELDS_NAMED = 20;

export function validationFailed(errors: FieldError[]): ProblemException {
  const named = errors.slice(0, MOST_FIELDS_NAMED);
  const more = errors.length - named.length ? `and ${errors.length - named.length} more like these` : '';
  const listed = [...named.map((e) => `${e.pointer || '(body)'} ${e.message}`), ...(more ? [more] : [])].join('; ');
  return new ProblemException(422, `${errors.length === 1 ? 'One field is' : `${errors.length} fields are`} invalid: ${listed}`, more ? [...named, { pointer: '', message: more }] : named);
}
export const notFound = (what: string, pointer?: string) =>
  new ProblemException(404, `${what} was not found`, pointer ? [{ pointer, message: 'names nothing that exists' }] : undefined);
export const forbidden = (detail: string) => new ProblemException(403, detail);
export const conflict = (detail: string, slug?: string) => new ProblemException(409, detail, undefined, slug);
/**
 * A classification sent to a workflow the caller may not classify in: one whose project was set back to draft (or
 * that never was open to them, or is not there). A type of its own, so that a volunteer's page can say so plainly.
 */
export const workflowNotOpen = () =>
  new ProblemException(
    422,
    'This workflow is not open to you (its project may have been taken back to draft by its researchers), so nothing was stored.',
    [{ pointer: '/workflowId', message: 'names no workflow you can classify in' }],
    'workflow-not-open',
  );
/** A token of an account deleted within the time an API process goes by the token generation it read. */
export const accountDeleted = () =>
  new ProblemException(401, 'This account was deleted; its tokens no longer work.', [{ pointer: '/headers/authorization', message: 'is a token of a deleted account' }]);
export const accountRequired = (
  detail = 'A guest has no account to change; create one with POST /api/v1/auth/register, then sign in with POST /api/v1/auth/login sent with your guest token, so that your classifications come with you.',
) =>
  new ProblemException(
    403,
    detail,
    undefined,
    'account-required',
  );
export const emailTaken = (pointer = '/email') =>
  new ProblemException(409, 'An account with this email already exists; sign in with it instead.', [{ pointer, message: 'already has an account' }], 'email-taken');
/**
 * What waits for the account's owner to show that its email is theirs: invitations addressed to it, and publishing a
 * project (`field`: the field that asked for it).
 */
export const emailUnverified = (field?: FieldError) =>
  new ProblemException(
    403,
    "Verify your account's email first: open the link Chorus mailed to it, or ask for a new one with POST /api/v1/account/email-verification.",
    field ? [field] : undefined,
    'email-unverified',
  );
