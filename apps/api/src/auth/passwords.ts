import { Injectable } from '@nestjs/common';
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/** A well-formed hash of random bytes, which no password is known to match. */
const NO_ACCOUNT = `scrypt$${randomBytes(16).toString('base64url')}$${randomBytes(32).toString('base64url')}`;

/** scrypt password hashes: `scrypt$<salt>$<hash>`, both base64url. */
@Injectable()
export class Passwords {
  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const hash = await scryptAsync(password, salt, 32);
    return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
  }

  /**
   * Whether `password` is the one `stored` was made from. With nothing stored (no such account), the same work is done
   * against a hash no password matches, so that how long a sign-in takes does not say whether an email has an account.
   */
  async verify(password: string, stored: string | null | undefined): Promise<boolean> {
    if (!stored) {
      await this.verify(password, NO_ACCOUNT);
      return false;
    }
    const [scheme, salt, hash] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64url');
    const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length);
    return timingSafeEqual(actual, expected);
  }
}
