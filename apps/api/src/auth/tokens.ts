import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthUser } from './auth.decorators';

/** Makes bearer tokens and proves whom they belong to: the one place tokens are made and read. */
@Injectable()
export class Tokens {
  constructor(private readonly jwt: JwtService) {}

  /** A token for the user, valid for `TOKEN_TTL_SECONDS` (or `expiresInSeconds`). */
  issue(user: AuthUser, expiresInSeconds?: number): Promise<string> {
    return this.jwt.signAsync({ sub: user.id, kind: user.kind }, expiresInSeconds === undefined ? {} : { expiresIn: expiresInSeconds });
  }

  /** The token's user, or undefined when it is invalid or expired. */
  async verify(token: string): Promise<AuthUser | undefined> {
    try {
      const payload = await this.jwt.verifyAsync<{ sub: string; kind: AuthUser['kind'] }>(token);
      return { id: payload.sub, kind: payload.kind };
    } catch {
      return undefined;
    }
  }
}
