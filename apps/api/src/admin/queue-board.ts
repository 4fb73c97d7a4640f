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
import { Tokens } from '../auth/tokens';
import { problemBody } from '../common/problem';
import { addressWithout } from '../common/request-log';
import { APP_CONFIG, type AppConfig } from '../config/config';

export const QUEUE_BOARD_PATH = '/admin/queues';
const COOKIE = 'chorus_board_token';

/**
 * Bull Board, read-only, for the operators of this Chorus (the accounts `OPERATOR_IDS` names): every project's
 * jobs, with their ids, outcomes and failures, and Redis's own figures, which no project's researchers should read of
 * another's (anyone can make a project). A browser cannot send a bearer header when it navigates, so opening
 * `/admin/queues?token=…` once keeps the token in an HttpOnly cookie scoped to the board (and the address's token is
 * left out of the request log).
 */
@Injectable()
export class QueueBoard {
  constructor(
    private readonly modules: ModuleRef,
    private readonly tokens: Tokens,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

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
    const token = typeof fromQuery === 'string' ? fromQuery : bearer(request.headers.authorization) ?? parseCookies(request.headers.cookie ?? '')[COOKIE];
    const user = token ? await this.tokens.verify(token) : undefined;
    if (!user) return refuse(reply, 401, `Open ${QUEUE_BOARD_PATH}?token=<your token> (from POST /api/v1/auth/login) to sign in to the queue board.`);
    if (!this.isOperator(user)) return refuse(reply, 403, 'The queue board is for the operators of this Chorus: the accounts OPERATOR_IDS names.');
    if (typeof fromQuery !== 'string') return undefined;
    // Secure over HTTPS (as TRUST_PROXY's proxies say the request came), so that a browser never sends it unencrypted.
    reply.header('set-cookie', cookie(COOKIE, token!, { path: QUEUE_BOARD_PATH, httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https' }));
    return reply.redirect(addressWithout(request.url, 'token'));
  }

  private isOperator(user: AuthUser): boolean {
    return user.kind === 'registered' && this.config.operatorIds.includes(user.id);
  }
}

function bearer(header: string | undefined): string | undefined {
  const [scheme, token] = header?.split(' ') ?? [];
  return scheme?.toLowerCase() === 'bearer' ? token : undefined;
}

function refuse(reply: FastifyReply, status: number, detail: string): FastifyReply {
  return reply.status(status).header('content-type', 'application/problem+json').send(problemBody(status, detail));
}
