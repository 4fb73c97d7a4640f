import type { ChorusApiError } from '@chorus/client';
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
 * A download asked for with `as` as its `authorization` header, uncompressed (`accept-encoding: identity`), so that
 * its bytes on the wire are those its client reads.
 */
export const download = (url: string, as: string, init: Omit<RequestInit, 'headers'> = {}): Promise<Response> =>
  fetch(url, { ...init, headers: { authorization: as, 'accept-encoding': 'identity' } });

/** What a request the API must refuse was answered: its status and the pointers its problem names (it throws if answered). */
export const refusal = (promise: Promise<unknown>): Promise<{ status: number; pointers: string[] | undefined }> =>
  promise.then(
    () => {
      throw new Error('answered');
    },
    (error: ChorusApiError) => ({ status: error.status, pointers: error.problem.errors?.map((e) => e.pointer) }),
  );
