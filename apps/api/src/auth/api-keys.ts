import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { API_KEY_PREFIX, type ApiKeyScope } from '@chorus/client';
import { preparedQuery } from '@chorus/db';
import { throttledWarning } from '@chorus/runtime';
import type { DataSource } from 'typeorm';
import { everyHour } from '../common/every-hour';
import { EndedSessions } from './ended-sessions';
import { RememberedReads } from './remembered-reads';
import { TokenGenerations } from './token-generations';
import type { TokenUser } from './tokens';

/** Why a bearer token was refused: not one Chorus made (or unreadable, expired or signed out of), or a key revoked or expired. */
export type TokenRefusal = 'invalid' | 'unknown-key' | 'revoked-key' | 'expired-key';

/** How often, at most, a key's `last_used_at` is written: not on every request of a script. */
export const LAST_USED_EVERY_MS = 60_000;
/** How long a key is kept after it expires (so a script is told it expired, or was revoked), then forgotten. */
const KEPT_AFTER_EXPIRY = "interval '30 days'";

const KEYS = `SELECT k.hash, k.id, k.user_id AS "userId", k.scope, k.expires_at AS "expiresAt", k.revoked_at IS NOT NULL AS revoked
  FROM api_keys k JOIN users u ON u.id = k.user_id AND u.kind = 'registered' WHERE k.hash = ANY($1::varchar[])`;
/** Harmless from every process at once: another's write within the minute makes this one write nothing. */
const USED = "UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')";

interface KnownKey {
  id: string;
  userId: string;
  scope: ApiKeyScope;
  expiresAt: Date;
  revoked: boolean;
}

/** Whether a bearer token is an API key's secret rather than a session's token. */
export const isApiKey = (token: string) => token.startsWith(API_KEY_PREFIX);

/** The characters of a new key's secret: letters and digits, so that none reads as part of the separator (`chorus__-Ll`). */
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 43 of them carry 256 bits (43 × log2 62 ≈ 256.03), as the 32 random bytes of keys made before did. */
const SECRET_CHARACTERS = 43;
/** The largest multiple of the alphabet's size a byte can be under: bytes from it up are drawn again, so no character is likelier. */
const UNBIASED_BELOW = 256 - (256 % SECRET_ALPHABET.length);

/**
 * A new key's secret: 256 random bits, so a fast digest of it is as safe to keep as a slow hash of a password. Keys
 * made before are base64url (with `_` and `-`) and stay valid: a key is found by its digest, whatever its characters.
 */
export function newApiKeySecret(): string {
  let secret = API_KEY_PREFIX;
  while (secret.length < API_KEY_PREFIX.length + SECRET_CHARACTERS) {
    for (const byte of randomBytes(SECRET_CHARACTERS)) {
      if (byte < UNBIASED_BELOW && secret.length < API_KEY_PREFIX.length + SECRET_CHARACTERS) secret += SECRET_ALPHABET[byte % SECRET_ALPHABET.length];
    }
  }
  return secret;
}

/** What `api_keys.hash` keeps of a secret. */
export const apiKeyDigest = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * Reads personal API keys sent as bearer tokens. A key is read as a session is (`RememberedReads`): for a while, and
 * revoked at once on every API process by the news of its session's end (a key is a session whose id is the key's
 * id, so that `EndedSessions` and the download links it asks for end with it).
 */
@Injectable()
export class ApiKeys implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeys.name);
  private readonly warn = throttledWarning((message) => this.logger.warn(message));
  private readonly keys = new RememberedReads<KnownKey>(
    (hashes) => this.read(hashes),
    (known, heard) => ({ ...heard, revoked: known.revoked || heard.revoked }),
    { lasting: (key) => key.revoked },
  );
  /** When this process last wrote each key's `last_used_at`. */
  private readonly usesNoted = new Map<string, number>();
  private stop?: () => void;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly generations: TokenGenerations,
    private readonly endedSessions: EndedSessions,
  ) {}

  onApplicationBootstrap(): void {
    this.stop = everyHour(() => this.forgetExpired(), (error) => this.logger.warn(`could not forget expired API keys: ${error.message}`));
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }

  /**
   * The account a key's secret speaks for, as a token's user whose session is the key; or why it is refused. `fresh`:
   * as the database has it now, not as this process last read it.
   */
  async verify(secret: string, { fresh = false }: { fresh?: boolean } = {}): Promise<TokenUser | TokenRefusal> {
    const hash = apiKeyDigest(secret);
    const key = await (fresh ? this.keys.latest(hash) : this.keys.current(hash));
    if (!key) return 'unknown-key';
    const [generation, ended] = await Promise.all([
      fresh ? this.generations.latest(key.userId) : this.generations.current(key.userId),
      this.endedSessions.ended(key.id, { fresh }),
    ]);
    if (generation === undefined) return 'unknown-key';
    if (key.revoked || ended) return 'revoked-key';
    if (key.expiresAt.getTime() <= Date.now()) return 'expired-key';
    this.noteUse(key.id);
    return { id: key.userId, kind: 'registered', generation, session: { id: key.id, expiresAt: Math.floor(key.expiresAt.getTime() / 1000) }, apiKeyId: key.id, apiKeyScope: key.scope };
  }

  /** How many keys, expired long enough ago, it forgot (harmless from every process at once). */
  async forgetExpired(): Promise<number> {
    const [, forgotten]: [unknown, number] = await this.db.query(`DELETE FROM api_keys WHERE expires_at < now() - ${KEPT_AFTER_EXPIRY}`);
    return forgotten;
  }

  private noteUse(keyId: string): void {
    const now = Date.now();
    if (now - (this.usesNoted.get(keyId) ?? 0) < LAST_USED_EVERY_MS) return;
    if (this.usesNoted.size >= 100_000) this.usesNoted.clear();
    this.usesNoted.set(keyId, now);
    this.db.query(USED, [keyId]).catch((error: Error) => this.warn(`could not note when API key ${keyId} was last used: ${error.message}`));
  }

  private async read(hashes: string[]): Promise<(KnownKey | undefined)[]> {
    const rows = await preparedQuery<KnownKey & { hash: string }>(this.db, KEYS, [hashes]);
    const byHash = new Map(rows.map(({ hash, ...key }) => [hash, key]));
    return hashes.map((hash) => byHash.get(hash));
  }
}
