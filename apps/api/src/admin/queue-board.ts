import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { queueNames } from '@chorus/jobs';
import type { Queue } from 'bullmq';
import { parse as parseCookies, serialize as cookie } from 'cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth.decorators';
import { isOperator } from '../auth/operators';
import { EndedSessions } from '../auth/ended-sessions';
import { TokenGenerations } from '../auth/token-generations';
import { Tokens, signerFor } from '../auth/tokens';
import { JobProducer } from '../jobs/job-producer';
import { problemBody } from '../common/problem';
import { addressWithout } from '../common/request-log';
import { APP_CONFIG, type AppConfig } from '../config/config';

export const QUEUE_BOARD_PATH = '/admin/queues';
const COOKIE = 'chorus_board_session';
/** How long the board's cookie lets its operator in: a working day, where the API token it came from lasts 30. */
export const BOARD_SESSION_SECONDS = 8 * 3600;

/**
 * The cookie's claims: the operator, their token generation (signing out everywhere ends the board's session too) and
 * the session of the token it came from (signing out of it on that device ends the board's too).
 */
interface BoardSession {
  sub: string;
  gen: number;
  sid?: string;
}

/**
 * Bull Board, read-only, for the operators of this Chorus (the accounts `OPERATOR_IDS` names): every project's
 * jobs, with their ids, outcomes and failures, and Redis's own figures, which no project's researchers should read of
 * another's (anyone can make a project). A browser cannot send a bearer header when it navigates, so opening
 * `/admin/queues?token=…` once (the address's token is left out of the request log) sets an HttpOnly cookie scoped to
 * the board, holding a session of its own rather than the API token: it opens nothing but the board, for
 * `BOARD_SESSION_SECONDS`.
 */
@Injectable()
export class QueueBoard {
  private readonly sessions;

  constructor(
    private readonly modules: ModuleRef,
    private readonly tokens: Tokens,
    private readonly generations: TokenGenerations,
    private readonly endedSessions: EndedSessions,
    private readonly jobs: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.sessions = signerFor(config.authSecret, 'chorus queue board');
  }

  async mount(fastify: FastifyInstance): Promise<void> {
    const board = new BoardAdapter();
    const queues = queueNames.map((name) => new BullMQAdapter(this.modules.get<Queue>(getQueueToken(name), { strict: false }), { readOnlyMode: true }));
    createBullBoard({ queues, serverAdapter: board, options: { uiConfig: { boardTitle: 'Chorus queues' } } });
    board.setBasePath(QUEUE_BOARD_PATH);
    await fastify.register(async (scope) => {
      scope.addHook('onRequest', (request, reply) => this.admit(request, reply));
      await scope.register(board.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
    });
  }

  private async admit(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const fromQuery = (request.query as { token?: unknown }).token;
    const token = typeof fromQuery === 'string' ? fromQuery : bearer(request.headers.authorization);
    const session = parseCookies(request.headers.cookie ?? '')[COOKIE];
    // A token exchanged for a session is checked against the database itself, not this process's memory of it.
    const verified = token ? await this.tokens.verify(token, { fresh: typeof fromQuery === 'string' }) : undefined;
    const user = token ? verified : session ? await this.sessionUser(session) : undefined;
    if (!user) return refuse(reply, 401, `Open ${QUEUE_BOARD_PATH}?token=<your token> (from POST /api/v1/auth/login) to sign in to the queue board.`);
    if (!isOperator(this.config, user)) return refuse(reply, 403, 'The queue board is for the operators of this Chorus: the accounts OPERATOR_IDS names.');
    // The board's own API asks Redis, and would wait without end while it is away: said at once instead.
    if (request.url.startsWith(`${QUEUE_BOARD_PATH}/api/`) && !(await this.jobs.ping())) {
      return refuse(reply, 503, 'Redis does not answer, so the queue board has nothing to show; GET /api/v1/health says when it is back.');
    }
    if (typeof fromQuery !== 'string' || !verified) return undefined;
    // The generation the token was just found to have, as the database has it (`fresh`).
    const claims: BoardSession = { sub: user.id, gen: verified.generation, sid: verified.session.id };
    // Never past the token's own end: an ended session is remembered only until then.
    const lasts = Math.min(BOARD_SESSION_SECONDS, verified.session.expiresAt - Math.floor(Date.now() / 1000));
    const value = await this.sessions.signAsync(claims, { expiresIn: lasts });
    // Secure over HTTPS (as TRUST_PROXY's proxies say the request came), so that a browser never sends it unencrypted.
    const secure = request.protocol === 'https';
    reply.header('set-cookie', cookie(COOKIE, value, { path: QUEUE_BOARD_PATH, httpOnly: true, sameSite: 'strict', secure, maxAge: lasts }));
    return reply.redirect(addressWithout(request.url, 'token'));
  }

  /**
   * The operator of a board session, while it is unexpired and they have signed out neither everywhere nor of the
   * session it came from (a cookie from before it named one is ended only everywhere).
   */
  private async sessionUser(session: string): Promise<AuthUser | undefined> {
    const claims = await this.sessions.verifyAsync<BoardSession>(session).catch(() => undefined);
    if (!claims) return undefined;
    const [generation, ended] = await Promise.all([this.generations.current(claims.sub), claims.sid !== undefined && this.endedSessions.ended(claims.sid)]);
    if (claims.gen !== generation || ended) return undefined;
    return { id: claims.sub, kind: 'registered' };
  }
}

function bearer(header: string | undefined): string | undefined {
  const [scheme, token] = header?.split(' ') ?? [];
  return scheme?.toLowerCase() === 'bearer' ? token : undefined;
}

function refuse(reply: FastifyReply, status: number, detail: string): FastifyReply {
  return reply.status(status).header('content-type', 'application/problem+json').send(problemBody(status, detail));
}
