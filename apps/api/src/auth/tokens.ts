import { createHmac, createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Session } from '@chorus/client';
import type { AuthUser } from './auth.decorators';
import { TokenGenerations } from './token-generations';

interface TokenClaims {
  sub: string;
  kind: AuthUser['kind'];
  /** The user's token generation when it was issued; tokens from before this claim are of generation 0. */
  gen?: number;
}

/**
 * Signs and reads tokens for one purpose only (a mailed link, the queue board's cookie), with a key derived from
 * `AUTH_SECRET` for it: such a token is never a bearer token, nor a bearer token one of them.
 */
export function signerFor(authSecret: string, purpose: string): JwtService {
  return new JwtService({ secret: createSecretKey(createHmac('sha256', authSecret).update(purpose).digest()) });
}

/** Makes bearer tokens and proves whom they belong to: the one place tokens are made and read. */
@Injectable()
export class Tokens {
  constructor(private readonly jwt: JwtService, private readonly generations: TokenGenerations) {}

  /** A token for the user, valid for `TOKEN_TTL_SECONDS` (or `expiresInSeconds`) unless the user signs out everywhere. */
  async issue(user: AuthUser, expiresInSeconds?: number): Promise<string> {
    const claims: TokenClaims = { sub: user.id, kind: user.kind, gen: (await this.generations.latest(user.id)) ?? 0 };
    return this.jwt.signAsync(claims, expiresInSeconds === undefined ? {} : { expiresIn: expiresInSeconds });
  }

  /** A session for the account: a new token, and who it is. */
  async session(user: Session['user']): Promise<Session> {
    return { token: await this.issue(user), user };
  }

  /**
   * The token's user, or undefined when it is invalid, expired, or from before its user last signed out everywhere
   * (as this process last read it, or, `fresh`, as the database has it now: for a token about to be exchanged for a
   * longer-lived one of another kind), with the generation it was found to have.
   */
  async verify(token: string, { fresh = false }: { fresh?: boolean } = {}): Promise<(AuthUser & { generation: number }) | undefined> {
    const claims = await this.jwt.verifyAsync<TokenClaims>(token).catch(() => undefined);
    if (!claims) return undefined;
    const generation = fresh ? await this.generations.latest(claims.sub) : await this.generations.current(claims.sub);
    if ((claims.gen ?? 0) !== generation) return undefined;
    return { id: claims.sub, kind: claims.kind, generation: claims.gen ?? 0 };
  }
}
