import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, type AppConfig, isPasswordCost } from '../config/config';

const scryptAsync = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scrypt(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))));

/** scrypt's block size; the cost is set by N alone (`PASSWORD_SCRYPT_N`). */
const BLOCK_SIZE = 8;
/** The fewest bytes of salt and of hash a stored hash may have (Chorus writes 16 and 32). */
const MINIMUM_BYTES = 16;
/** What a hash without its cost (`scrypt$<salt>$<hash>`, written before the cost could be set) was made with: Node's default. */
const UNNAMED_COST = 16_384;

/**
 * scrypt password hashes, `scrypt$N=<cost>$<salt>$<hash>` (salt and hash in base64url), made at `PASSWORD_SCRYPT_N`.
 * A hash names its cost so that the setting can change: older hashes still match, and `mustRemake` says which to make
 * again at a sign-in.
 */
@Injectable()
export class Passwords {
  /** A well-formed hash of random bytes, which no password is known to match. */
  private readonly noAccount: string;

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'passwordScryptN'>) {
    this.noAccount = this.format(this.config.passwordScryptN, randomBytes(16), randomBytes(32));
  }

  async hash(password: string): Promise<string> {
    const cost = this.config.passwordScryptN;
    const salt = randomBytes(16);
    return this.format(cost, salt, await derive(password, salt, 32, cost));
  }

  /**
   * Whether `password` is the one `stored` was made from. With nothing stored (no such account), or a hash Chorus would
   * not write, the same work is done against a hash no password matches, so that how long a sign-in takes does not say
   * whether an email has an account. A hash made at another cost takes that cost's time until it is made again.
   */
  async verify(password: string, stored: string | null | undefined): Promise<boolean> {
    if (!stored) {
      await this.verify(password, this.noAccount);
      return false;
    }
    const parsed = parse(stored);
    if (!parsed) {
      await this.verify(password, this.noAccount);
      return false;
    }
    const actual = await derive(password, parsed.salt, parsed.hash.length, parsed.cost);
    return timingSafeEqual(actual, parsed.hash);
  }

  /** Whether a hash that matched was made at another cost than the one set now: to be made again from the password. */
  mustRemake(stored: string): boolean {
    return parse(stored)?.cost !== this.config.passwordScryptN;
  }

  private format(cost: number, salt: Buffer, hash: Buffer): string {
    return `scrypt$N=${cost}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
  }
}

function derive(password: string, salt: Buffer, length: number, cost: number): Promise<Buffer> {
  // Node refuses above 32 MiB by default; scrypt needs about 128 × N × r bytes.
  return scryptAsync(password, salt, length, { N: cost, r: BLOCK_SIZE, p: 1, maxmem: 256 * cost * BLOCK_SIZE });
}

function parse(stored: string): { cost: number; salt: Buffer; hash: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt' || (parts.length !== 3 && parts.length !== 4)) return undefined;
  const [salt, hash] = parts.slice(-2);
  const cost = parts.length === 3 ? UNNAMED_COST : Number(/^N=(\d+)$/.exec(parts[1]!)?.[1]);
  const [saltBytes, hashBytes] = [Buffer.from(salt ?? '', 'base64url'), Buffer.from(hash ?? '', 'base64url')];
  // A cost or lengths Chorus would not write: not its hash, and it matches no password (a hash of no bytes would match any).
  if (!isPasswordCost(cost) || saltBytes.length < MINIMUM_BYTES || hashBytes.length < MINIMUM_BYTES) return undefined;
  return { cost, salt: saltBytes, hash: hashBytes };
}
