import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { canonicalJson, validateWith } from '@chorus/tasks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Observable, catchError, concatMap, of } from 'rxjs';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import type { AuthUser } from '../auth/auth.decorators';
import { everyHour } from '../common/every-hour';
import { type ProblemBody, ProblemException, conflict, validationFailed } from '../common/problem';
import { unwrap } from '../common/zod';

/** How long a key is remembered: a retry comes within minutes; after a day the same key is a new request. */
const KEY_KEPT_HOURS = 24;
/** A first request still unanswered after this long died with its process: its key is taken again. */
const ABANDONED_AFTER_MINUTES = 10;

/** An `Idempotency-Key`: the same lengths on every route that reads one (classifications require it, creations may send it). */
export const idempotencyKeyOf = (required: string) =>
  z.string({ error: required }).min(8, 'must be at least 8 characters').max(200, 'must be at most 200 characters');
const creationKeySchema = idempotencyKeyOf('must be a string').optional();
const { minLength, maxLength } = idempotencyKeyOf('');

/** One account's request with a key, on one route (`POST /api/v1/projects/:id/workflows`), and a digest of what it asked. */
interface KeyedRequest {
  accountId: string;
  route: string;
  key: string;
  requestHash: string;
}

/**
 * The first answer, sent again to a retry; or, for a creation whose answer holds a secret (an API key's), the problem
 * a retry is refused with instead (`refusal`), so that the secret is never kept.
 */
export interface FirstAnswer {
  body: unknown;
  etag?: string;
  refusal?: ProblemBody;
}

/** A first request's hold on its key: its answer is stored, or the key released, only while the key is still its own. */
interface Claimed extends KeyedRequest {
  claim: string;
}

/**
 * Takes the key for this request with a new claim ($5): inserted, or taken over from a request forgotten (older than a
 * day) or abandoned (unanswered, its process gone). Answers whether the request is the key's first.
 */
const CLAIM = `
  INSERT INTO idempotent_requests (account_id, route, key, request_hash, claim) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (account_id, route, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, claim = EXCLUDED.claim, response = NULL, created_at = now()
    WHERE idempotent_requests.created_at < now() - interval '${KEY_KEPT_HOURS} hours'
       OR (idempotent_requests.response IS NULL AND idempotent_requests.created_at < now() - interval '${ABANDONED_AFTER_MINUTES} minutes')
  RETURNING 1`;
const FIRST = 'SELECT request_hash, response FROM idempotent_requests WHERE account_id = $1 AND route = $2 AND key = $3';
/** The creation a request with a key is making: its claim, and whether its answer was kept in the creation's transaction. */
interface Creation {
  claimed: Claimed;
  answerKept: boolean;
}
const creations = new AsyncLocalStorage<Creation>();

/** Both only while the key is still the request's own claim ($4): a request whose key was taken over touches the new claimant's row no more. */
const ANSWERED = 'UPDATE idempotent_requests SET response = $5 WHERE account_id = $1 AND route = $2 AND key = $3 AND claim = $4';
const RELEASE = 'DELETE FROM idempotent_requests WHERE account_id = $1 AND route = $2 AND key = $3 AND claim = $4 AND response IS NULL';

const usedForAnotherRequest = () =>
  validationFailed([
    {
      pointer: '/headers/idempotency-key',
      message: `was already used for a different request (another body or route) in the last ${KEY_KEPT_HOURS} hours; send a fresh key with each new request, and the same key only with a retry of the same request`,
    },
  ]);

const stillBeingHandled = () => conflict('The first request with this Idempotency-Key is still being handled: send the retry again in a moment to get its answer.', 'request-in-progress');

/**
 * The rule of creations with an `Idempotency-Key` (projects, subject sets, workflows): the first request with a key
 * creates; a retry by the same account on the same route, with the same body, is answered 200 with the first answer
 * and creates nothing (or, for a creation whose answer holds a secret, refused with the problem kept in its place:
 * `FirstAnswer.refusal`); the same key with another request is refused (422). The first answer is kept in the creation's
 * own transaction (`keepAnswerIn`), so the key of a request that failed is released at once: what it made, if it
 * committed, committed with its answer, which a release spares. Keys are the account's own, per route, and
 * forgotten after a day, every hour (and soon after the process starts), by each API process (harmless twice).
 * (A classification's key is stored with the classification itself, in the same statement.)
 */
@Injectable()
export class IdempotentRequests implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotentRequests.name);
  private stop?: () => void;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  onApplicationBootstrap(): void {
    this.stop = everyHour(() => this.forgetOld(), (error) => this.logger.warn(`could not forget old idempotency keys: ${error.message}`));
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }

  /** The first answer to a retry, or the claim of the key's first request, which is to be handled. */
  async claim(request: KeyedRequest): Promise<{ answer: FirstAnswer } | { claimed: Claimed }> {
    const claimed: Claimed = { ...request, claim: randomUUID() };
    const taken: unknown[] = await this.db.query(CLAIM, [request.accountId, request.route, request.key, request.requestHash, claimed.claim]);
    if (taken.length) return { claimed };
    const [first]: { request_hash: string; response: FirstAnswer | null }[] = await this.db.query(FIRST, [request.accountId, request.route, request.key]);
    // released meanwhile, the first request having been refused: this one is the key's first now
    if (!first) return this.claim(request);
    if (first.request_hash !== request.requestHash) throw usedForAnotherRequest();
    if (!first.response) throw stillBeingHandled();
    return { answer: first.response };
  }

  /**
   * Keeps the answer of the creation a request with a key is making for its retries, in the creation's transaction
   * (`manager`): both commit, or neither. Every route marked `IdempotentCreate` calls it as the last step of its
   * creation's transaction; without a key (or outside a request) it does nothing.
   */
  async keepAnswerIn(manager: EntityManager, answer: FirstAnswer): Promise<void> {
    const creation = creations.getStore();
    if (!creation) return;
    const { accountId, route, key, claim } = creation.claimed;
    await manager.query(ANSWERED, [accountId, route, key, claim, answer]);
    creation.answerKept = true;
  }

  /** Keeps the first request's answer for its retries, after its creation: for a route whose creation did not (`keepAnswerIn`). */
  async answered(request: Claimed, answer: FirstAnswer): Promise<void> {
    await this.db.query(ANSWERED, [request.accountId, request.route, request.key, request.claim, answer]);
  }

  /**
   * The first request failed: a retry (corrected, say) may use the key at once. An answered key is kept: its creation
   * committed, its answer with it.
   */
  async release(request: Claimed): Promise<void> {
    await this.db.query(RELEASE, [request.accountId, request.route, request.key, request.claim]);
  }

  /** How many keys older than a day it forgot. */
  async forgetOld(): Promise<number> {
    const [, forgotten]: [unknown, number] = await this.db.query(`DELETE FROM idempotent_requests WHERE created_at < now() - interval '${KEY_KEPT_HOURS} hours'`);
    return forgotten;
  }
}

/**
 * What a request asks, by which a retry is known: its path's parameters and body, and, where it has them, its query
 * (an upload's `replaceLocations`) and a body's type other than JSON (the same text as CSV or as a text corpus).
 */
function whatIsAsked(request: FastifyRequest): Record<string, unknown> {
  const query = request.query && typeof request.query === 'object' && Object.keys(request.query).length ? request.query : undefined;
  const type = request.headers['content-type'];
  const file = type && !/^application\/json\b/i.test(type) ? type : undefined;
  return { params: request.params, body: request.body, query, type: file };
}

const sha256 = (...texts: string[]): string => texts.reduce((hash, text) => hash.update(text), createHash('sha256')).digest('hex');

/**
 * A digest of what a request asks (`whatIsAsked`). An uploaded file's text (up to BODY_LIMIT_BYTES) is hashed as it
 * is, after the rest, rather than escaped into JSON first: its own start (`TEXT_BODY`, never a JSON object's `{`)
 * keeps its digest apart from any of a JSON body's.
 */
function requestHashOf(request: FastifyRequest): string {
  const { body, ...rest } = whatIsAsked(request);
  return typeof body === 'string' ? sha256(TEXT_BODY, canonicalJson(rest), '\n', body) : sha256(canonicalJson({ ...rest, body }));
}
const TEXT_BODY = 'text body\n';

/** Applies `IdempotentRequests` to the route it decorates, when the request sends an `Idempotency-Key`. */
@Injectable()
export class IdempotentCreateInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotentCreateInterceptor.name);

  constructor(private readonly requests: IdempotentRequests) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { user: AuthUser }>();
    const header = request.headers['idempotency-key'];
    const key = unwrap(validateWith(creationKeySchema, Array.isArray(header) ? header[0] : header, '/headers/idempotency-key'));
    if (key === undefined) return next.handle();
    const keyed: KeyedRequest = {
      accountId: request.user.id,
      route: `${request.method} ${request.routeOptions.url}`,
      key,
      requestHash: requestHashOf(request),
    };
    const reply = http.getResponse<FastifyReply>();
    const first = await this.requests.claim(keyed);
    if ('answer' in first && first.answer.refusal) throw ProblemException.of(first.answer.refusal);
    if ('answer' in first) {
      if (first.answer.etag) void reply.header('etag', first.answer.etag);
      void reply.status(200);
      return of(first.answer.body);
    }
    const creation: Creation = { claimed: first.claimed, answerKept: false };
    return creations.run(creation, () => next.handle()).pipe(
      // A failed creation's transaction rolled back, its answer with it: the key is free for a retry at once. One that
      // committed kept its answer, which the release spares: a retry is answered with it, and creates nothing.
      catchError(async (error: unknown) => {
        await this.requests.release(creation.claimed).catch((failure: Error) => this.logger.warn(`could not release an idempotency key: ${failure.message}`));
        throw error;
      }),
      concatMap(async (body) => {
        if (creation.answerKept) return body;
        this.logger.error(`${creation.claimed.route} created without keeping its answer in its transaction (IdempotentRequests.keepAnswerIn): kept after it`);
        const etag = reply.getHeader('etag');
        await this.requests.answered(creation.claimed, { body, ...(typeof etag === 'string' ? { etag } : {}) });
        return body;
      }),
    );
  }
}

/**
 * A creation that takes an `Idempotency-Key`: a script that retries after a timeout creates once. Documents the
 * header, and what a retry is answered (`retried`: by default the first answer; a creation whose answer holds a secret
 * says its refusal); the route documents the replay's 200 beside its 201 (`REPLAYED_CREATION`).
 */
export const IdempotentCreate = (what: string, retried = 'is answered 200 with the first answer, and creates nothing') =>
  applyDecorators(
    UseInterceptors(IdempotentCreateInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        `Optional: a fresh random key (a UUID will do) per new ${what}, and the same key on a retry: a retry with the same body ${retried}. ` +
        `The same key with another body or route is refused with 422 (at \`/headers/idempotency-key\`); a retry while the first request is still being handled, with 409 \`urn:chorus:problem:request-in-progress\` (send it again in a moment). A first request that failed (4xx or 5xx) created nothing: its retry creates. ` +
        `Keys are the account's own, per route, and kept ${KEY_KEPT_HOURS} hours.`,
      schema: { type: 'string', minLength: minLength ?? undefined, maxLength: maxLength ?? undefined },
    }),
  );

/** A creation's replay, documented beside its 201 (`ApiZodResponse`'s `also`), with the same schema. */
export const REPLAYED_CREATION = { status: 200, description: 'The Idempotency-Key was used before, with the same request: the first answer; nothing is created' };
