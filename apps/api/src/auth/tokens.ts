import { createHmac, createSecretKey, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Session } from '@chorus/client';
import { ApiKeys, type TokenRefusal, isApiKey } from './api-keys';
import type { AuthUser } from './auth.decorators';
import { EndedSessions, type TokenSession, sessionOfTokenWithoutOne } from './ended-sessions';
import { TokenGenerations } from './token-generations';

interface TokenClaims {
  sub: string;
  kind: AuthUser['kind'];
  /** The user's token generation when it was issued; tokens from before this claim are of generation 0. */
  gen?: number;
  /** The session (one sign-in on one device) it is of; tokens from before this claim are each a session of their own. */
  sid?: string;
  /** When it expires: every bearer token is signed with one (`TOKEN_TTL_SECONDS`). */
  exp: number;
}

interface VerifyOptions {
  fresh?: boolean;
  endedSession?: 'refused' | 'accepted';
}

/**
 * Whom a token proves the caller to be: the user, the generation of their tokens it was found to have, its session
 * (an API key's: the key), and the API key it is, if it is one.
 */
export type TokenUser = AuthUser & { generation: number; session: TokenSession };

/**
 * Signs and reads tokens for one purpose only (a mailed link, the queue board's cookie), with a key derived from
 * `AUTH_SECRET` for it: such a token is never a bearer token, nor a bearer token one of them.
 */
export function signerFor(authSecret: string, purpose: string): JwtService {
  return new JwtService({ secret: createSecretKey(createHmac('sha256', authSecret).update(purpose).digest()) });
}

/** Makes bearer tokens and proves whom they (and API keys) belong to: the one place tokens are made and read. */
@Injectable()
export class Tokens {
  constructor(
    private readonly jwt: JwtService,
    private readonly generations: TokenGenerations,
    private readonly endedSessions: EndedSessions,
    private readonly apiKeys: ApiKeys,
  ) {}

  /**
   * A token for the user, of a new session, valid for `TOKEN_TTL_SECONDS` (or `expiresInSeconds`) unless the user
   * signs out of it, or everywhere.
   */
  async issue(user: AuthUser, expiresInSeconds?: number): Promise<string> {
    const claims: Omit<TokenClaims, 'exp'> = { sub: user.id, kind: user.kind, gen: (await this.generations.latest(user.id)) ?? 0, sid: randomUUID() };
    return this.jwt.signAsync(claims, expiresInSeconds === undefined ? {} : { expiresIn: expiresInSeconds });
  }

  /** A session for the account: a new token, and who it is. */
  async session(user: Session['user']): Promise<Session> {
    return { token: await this.issue(user), user };
  }

  /**
   * The token's (or API key's: `check`) user, or undefined when it is invalid, expired, from before its user last signed out everywhere (as
   * this process last read it, or, `fresh`, as the database has it now: for a token about to be exchanged for a
   * longer-lived one of another kind), or of a session signed out of (unless `endedSession: 'accepted'`: signing out
   * of it again).
   */
  async verify(token: string, options: VerifyOptions = {}): Promise<TokenUser | undefined> {
    const verified = await this.check(token, options);
    return typeof verified === 'string' ? undefined : verified;
  }

  /** As `verify`, saying why a token is refused; a personal API key (`chorus_…`) is read as its account's token. */
  async check(token: string, options: VerifyOptions = {}): Promise<TokenUser | TokenRefusal> {
    if (isApiKey(token)) return this.apiKeys.verify(token, options);
    return (await this.verifySession(token, options)) ?? 'invalid';
  }

  private async verifySession(token: string, { fresh = false, endedSession = 'refused' }: VerifyOptions): Promise<TokenUser | undefined> {
    const claims = await this.jwt.verifyAsync<TokenClaims>(token).catch(() => undefined);
    if (!claims) return undefined;
    const session = { id: claims.sid ?? sessionOfTokenWithoutOne(token), expiresAt: claims.exp };
    const [generation, ended] = await Promise.all([
      fresh ? this.generations.latest(claims.sub) : this.generations.current(claims.sub),
      endedSession === 'refused' && this.endedSessions.ended(session.id, { fresh }),
    ]);
    if ((claims.gen ?? 0) !== generation || ended) return undefined;
    return { id: claims.sub, kind: claims.kind, generation: claims.gen ?? 0, session };
  }
}
