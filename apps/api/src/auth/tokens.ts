import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthUser } from './auth.decorators';

/** Proves who a bearer token belongs to; the one place tokens are read. */
@Injectable()
export class Tokens {
  constructor(private readonly jwt: JwtService) {}

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
