import { type ExecutionContext, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiExtension, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { ProblemException } from './problem';

/**
 * Where a request stands against one limit of its route: how many requests the limit takes in its window, how many
 * more it takes now, and in how many seconds it takes one more than now (the oldest counted leaves the window).
 */
export interface RateLimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/** Each request's tightest limit so far, written on its answer (`rateLimitHeaders`). */
const noted = new WeakMap<object, RateLimitState>();

/**
 * Notes how `request` stands against one of its limits. A request under several (a sign-in: the account's, and the
 * address's failures) answers with the one closest to refusing it: fewest remaining, then the longest to reset.
 */
export function noteRateLimit(request: object, state: RateLimitState): void {
  const before = noted.get(request);
  if (!before || state.remaining < before.remaining || (state.remaining === before.remaining && state.resetSeconds > before.resetSeconds)) noted.set(request, state);
}

/** How a service notes where the request it serves stands against a limit (`RateLimitNotes`). */
export type RateLimitNote = (state: RateLimitState) => void;

/** The route's `RateLimitNote`, for a service that counts a limit itself (only it knows whether a sign-in failed). */
export const RateLimitNotes = createParamDecorator((_data: unknown, context: ExecutionContext): RateLimitNote => {
  const request = context.switchToHttp().getRequest<object>();
  return (state) => noteRateLimit(request, state);
});

/**
 * Writes the IETF `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds) headers on the answer of
 * every request a limit counted, refused or not, so that a script can pace itself before it is refused. A refusal's
 * state comes with its problem (`tooManyRequests`), noted by the exception filter.
 */
export function rateLimitHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    const state = noted.get(request);
    if (state) {
      reply.header('ratelimit-limit', String(state.limit)).header('ratelimit-remaining', String(state.remaining)).header('ratelimit-reset', String(state.resetSeconds));
    }
    return payload;
  });
}

/** The headers the rate limits write, for CORS to let pages on other sites read them. */
export const RATE_LIMIT_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];

/**
 * A refusal over a limit of `limit` requests, saying when to try again (`resetSeconds`), in `Retry-After` and
 * `RateLimit-Reset` too. `detail` words it, given that moment in words.
 */
export function tooManyRequests(detail: (when: string) => string, { limit, resetSeconds }: Omit<RateLimitState, 'remaining'>): ProblemException {
  const wait = Math.max(1, Math.ceil(resetSeconds));
  const when = wait < 120 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`;
  return new ProblemException(429, detail(when), undefined, 'too-many-requests').retryAfter(wait).limited({ limit, remaining: 0, resetSeconds: wait });
}

/** Marks an operation whose answers carry the `RateLimit-*` headers, for `documentRateLimitHeaders`. */
const RATE_LIMITED = 'x-chorus-rate-limited';

/**
 * Documents a rate-limited route in OpenAPI: its 429 (`description`: over which limit), and the `RateLimit-*` headers
 * of its answers, success and refusal alike (`documentRateLimitHeaders` adds them to each).
 */
export const ApiRateLimited = (description: string) =>
  applyDecorators(ApiTooManyRequestsResponse({ description: `${description}: a problem (too-many-requests), with Retry-After in seconds` }), ApiExtension(RATE_LIMITED, true));

const integer = (description: string) => ({ description, schema: { type: 'integer', minimum: 0 } });
const RATE_LIMIT_HEADER_DOCS = {
  'RateLimit-Limit': integer("The requests the route's tightest limit takes in its window (IETF RateLimit header fields): of several limits, the one closest to refusing"),
  'RateLimit-Remaining': integer('How many more requests that limit takes now (0 on a 429)'),
  'RateLimit-Reset': integer('Seconds until that limit takes one more (its oldest counted request leaves the window); on a 429, as Retry-After'),
};

/** Adds the `RateLimit-*` headers to every answer of the operations `ApiRateLimited` marked, and `Retry-After` to their 429. */
export function documentRateLimitHeaders(operations: Record<string, unknown>[]): void {
  for (const operation of operations) {
    if (!operation[RATE_LIMITED]) continue;
    delete operation[RATE_LIMITED];
    for (const [status, response] of Object.entries(operation.responses as Record<string, { headers?: object }>)) {
      if (!/^2|^429$/.test(status)) continue;
      const retryAfter = status === '429' ? { 'Retry-After': integer('Seconds until the request may be let through') } : {};
      response.headers = { ...response.headers, ...RATE_LIMIT_HEADER_DOCS, ...retryAfter };
    }
  }
}
