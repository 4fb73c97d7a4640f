import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject, Logger } from '@nestjs/common';
import { bytesInWords } from '@chorus/client';
import { throttledWarning } from '@chorus/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { type BodyLimit, bodyLimitOf } from './body-limits';
import { type ProblemBody, ProblemException, problemBody } from './problem';
import { QUERY_CANCELED } from './sql';
import { methodNotAllowed } from './route-methods';
import { noteRateLimit } from './rate-limits';

interface FastifyError {
  code?: string;
  message: string;
}

/** Turns Fastify's own request errors (bad JSON, body too large, wrong content type) into problems. */
export function problemFromFastifyError(error: FastifyError | undefined, bodyLimit: BodyLimit): ProblemBody | undefined {
  switch (error?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problemBody(400, `The body is not valid JSON. Send a JSON object with content-type application/json.`, [{ pointer: '', message: 'is not valid JSON' }], 'malformed-json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        ...problemBody(413, `The body is larger than the ${bytesInWords(bodyLimit.bytes)} this server accepts here (${bodyLimit.setting}); send less in one request, or split it.`, [
          { pointer: '', message: `is larger than ${bytesInWords(bodyLimit.bytes)}` },
        ]),
        limitBytes: bodyLimit.bytes,
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problemBody(415, 'Send the body as application/json.', [{ pointer: '/headers/content-type', message: 'must be application/json' }]);
  }
  return undefined;
}

/**
 * How long, and how much of, a refused body's rest is read at most before the answer (nginx lingers 30 s by default).
 * The connection closes after the answer, and a client still sending past either limit then meets a broken pipe.
 */
const REFUSED_BODY_READ_MS = 30_000;
const REFUSED_BODY_READ_BYTES = 64 * 1024 ** 2;

/**
 * Reads and drops what is still coming of a body refused before it was read (too large, or an upload by someone who may
 * not make it), for the answer to come after it. Answered at once, the connection closes under a client that sends its
 * whole request before reading (Python's urllib, requests), which then meets a broken pipe instead of the problem that
 * says what to do. The caller answers with `connection: close`.
 */
export function restOfRefusedBody(request: FastifyRequest | undefined): Promise<void> {
  const raw = request?.raw;
  if (!raw || raw.complete || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let read = 0;
    const count = (chunk: Buffer) => {
      read += chunk.length;
      if (read > REFUSED_BODY_READ_BYTES) done();
    };
    const done = () => {
      clearTimeout(cutOff);
      raw.off('data', count).off('end', done).off('error', done).off('close', done);
      raw.pause();
      resolve();
    };
    const cutOff = setTimeout(done, REFUSED_BODY_READ_MS);
    raw.on('data', count).on('end', done).on('error', done).on('close', done);
  });
}

/** When a request the database took too long over may be made again: a moment of overload has often passed by then. */
const DATABASE_TIMEOUT_RETRY_SECONDS = 5;

/** A statement Postgres ended for running too long: the database is overloaded or a query went wrong, not the request. */
function databaseProblem(exception: unknown): ProblemException | undefined {
  if ((exception as { code?: string } | undefined)?.code !== QUERY_CANCELED) return undefined;
  return new ProblemException(
    503,
    'The database took longer to answer than this server allows (DATABASE_STATEMENT_TIMEOUT_MS), so the request was stopped. Try again in a moment; if it keeps happening, tell the people who run this Chorus.',
    undefined,
    'database-timeout',
  ).retryAfter(DATABASE_TIMEOUT_RETRY_SECONDS);
}

/** When a request may be made again after Postgres or Redis could not be reached: a restart takes a few seconds. */
const SERVICE_AWAY_RETRY_SECONDS = 5;
const CONNECTION_FAILED = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', '57P01', '57P03', '08000', '08001', '08003', '08006']);
/** pg's own words when its connection ends or a pool waits too long for one (no code of the network's or Postgres's). */
const CONNECTION_FAILED_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** A request that failed because Postgres (or Redis) could not be reached: a moment's absence, not the request's fault. */
function serviceAwayProblem(exception: unknown): ProblemException | undefined {
  const causes = [exception, (exception as { driverError?: unknown })?.driverError, (exception as { cause?: unknown })?.cause] as { code?: string; message?: string }[];
  if (!causes.some((cause) => (cause?.code && CONNECTION_FAILED.has(cause.code)) || CONNECTION_FAILED_MESSAGE.test(cause?.message ?? ''))) return undefined;
  return new ProblemException(
    503,
    'This server could not reach its database or queue just now. Try again in a moment (a submit sent again under its Idempotency-Key is stored once); if it keeps happening, tell the people who run this Chorus.',
    undefined,
    'service-unavailable',
  ).retryAfter(SERVICE_AWAY_RETRY_SECONDS);
}

/**
 * The router's own 404 (Nest's `NotFoundException`, for a request no route matched; a 404 of ours is a problem) at a
 * path whose routes take other methods: a 405 naming them.
 */
function wrongMethod(exception: unknown, request: FastifyRequest | undefined): ProblemException | undefined {
  if (!request || exception instanceof ProblemException || !(exception instanceof HttpException) || exception.getStatus() !== 404) return undefined;
  return methodNotAllowed(request);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');
  /** Every request fails so while Postgres is away: said once in a while, not once per request. */
  private readonly warnServiceAway = throttledWarning((message) => this.logger.warn(message));

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  catch(thrown: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest | undefined>();
    const exception = databaseProblem(thrown) ?? serviceAwayProblem(thrown) ?? wrongMethod(thrown, request) ?? thrown;
    const body = this.toProblem(exception, bodyLimitOf(request?.routeOptions?.url, request?.method, this.config));
    // A failure of ours; the 503 that says the downloads are busy is an answer, not one.
    if (body.type?.endsWith(':service-unavailable')) this.warnServiceAway(`answered 503: ${(thrown as Error).message}`);
    else if (body.status >= 500 && !body.type?.endsWith(':exports-busy')) this.logger.error(thrown instanceof Error ? thrown.stack : String(thrown));
    if (exception instanceof ProblemException) {
      if (exception.retryAfterSeconds) void reply.header('retry-after', String(exception.retryAfterSeconds));
      for (const [name, value] of Object.entries(exception.headers)) void reply.header(name, value);
      if (exception.rateLimit && request) noteRateLimit(request, exception.rateLimit);
    }
    const answer = () => void reply.status(body.status).header('content-type', 'application/problem+json; charset=utf-8').send(body);
    // A body too large is refused before it is read (Fastify has set `connection: close`): its rest is read first.
    if (body.status === 413) void restOfRefusedBody(request).then(answer);
    else answer();
  }

  private toProblem(exception: unknown, bodyLimit: BodyLimit): ProblemBody {
    if (exception instanceof ProblemException) return exception.body;
    const fastifyProblem = problemFromFastifyError(((exception as { cause?: FastifyError }).cause ?? exception) as FastifyError, bodyLimit);
    if (fastifyProblem) return fastifyProblem;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const detail = status === 404 ? 'No such route. The API lives under /api/v1; see /api/docs.' : exception.message;
      return problemBody(status, detail);
    }
    return problemBody(500, 'Something went wrong on our side; the request changed nothing that was not reported. Try again.');
  }
}
