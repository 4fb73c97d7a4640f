import { ChorusApiError } from '@chorus/client';
import type { ReceivedMail } from './inbox';
import type { Stack } from './stack';

/** What an API request sent as it is answered: its status, media type and body (a problem, say). */
export interface RawAnswer<Body> {
  status: number;
  contentType: string | null;
  body: Body;
}

/**
 * Sends a request to the stack's API as it is, with `token` as its bearer if any, for what the client's types would not
 * let through (a bad body, a guest where an account is needed): the status, media type and parsed body.
 */
export async function sendRaw<Body = { type?: string; detail?: string; errors?: { pointer: string }[] }>(
  stack: Stack,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<RawAnswer<Body>> {
  const response = await fetch(`${stack.baseUrl}/api/v1${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), body: (text ? JSON.parse(text) : {}) as Body };
}

/**
 * A mail's one-click stop (RFC 8058), checked as the mail gives it: its `List-Unsubscribe` headers naming the one stop's
 * API address, and its text the one stop's page, with one token. `click` POSTs to that address as a mail client does
 * (its status and body); `clickAt` the same to another path, as the header of a mail sent before the one stop named it.
 */
export function mailStop(stack: Stack, mail: ReceivedMail): { token: string; click: () => Promise<RawAnswer<unknown>>; clickAt: (path: string) => Promise<RawAnswer<unknown>> } {
  expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  const post = /^<(.+)>$/.exec(mail.headers['list-unsubscribe']!)![1]!;
  const token = stack.inbox.linkToken(mail);
  expect(post).toBe(`${stack.config.publicUrl}/api/v1/unsubscriptions?token=${token}`);
  expect(mail.text).toContain(`${stack.config.publicUrl}/unsubscribe#token=${token}`);
  const clickAt = (path: string) => oneClickStop(stack, path, token);
  return { token, click: () => clickAt('/unsubscriptions'), clickAt };
}

/** A mail client's one-click POST (RFC 8058) of `token` to the stop at `path`, as a `List-Unsubscribe` header names it. */
export async function oneClickStop(stack: Stack, path: string, token: string): Promise<RawAnswer<unknown>> {
  const response = await fetch(`${stack.baseUrl}/api/v1${path}?token=${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  return { status: response.status, contentType: response.headers.get('content-type'), body: await response.json() };
}

/**
 * A download asked for with `as` as its `authorization` header, uncompressed (`accept-encoding: identity`), so that
 * its bytes on the wire are those its client reads.
 */
export const download = (url: string, as: string, init: Omit<RequestInit, 'headers'> = {}): Promise<Response> =>
  fetch(url, { ...init, headers: { authorization: as, 'accept-encoding': 'identity' } });

/** What a refusal must be: its status and, when given, its problem's type and the pointers of the fields it names (all, in order). */
export interface ExpectedRefusal {
  status: number;
  type?: string;
  pointers?: string[];
}

/**
 * The API's refusal of a request made with the client, for what else the test checks of it (its detail, messages):
 * fails unless the request was refused with a problem+json answer and, when `expected` is given, with its status, type
 * and fields.
 */
export async function refusal(promise: Promise<unknown>, expected?: ExpectedRefusal): Promise<ChorusApiError> {
  const error = await promise.then(
    (answer) => {
      throw new Error(`expected a refusal, was answered ${JSON.stringify(answer)?.slice(0, 200)}`);
    },
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ChorusApiError)) throw error;
  expect(error.contentType).toMatch(/^application\/problem\+json\b/);
  if (!expected) return error;
  const { type, pointers } = expected;
  expect({
    status: error.status,
    ...(type === undefined ? {} : { type: error.problem.type }),
    ...(pointers === undefined ? {} : { pointers: error.problem.errors?.map((field) => field.pointer) ?? [] }),
  }).toEqual(expected);
  return error;
}
