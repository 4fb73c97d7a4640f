import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { API_KEY_LIMITS, type ApiKeyList, type ApiKeyView, type NewApiKey } from '@chorus/client';
import type { DataSource, EntityManager } from 'typeorm';
import { apiKeyDigest, newApiKeySecret } from '../auth/api-keys';
import type { AuthUser } from '../auth/auth.decorators';
import { EmailLinks } from '../auth/email-links';
import { EndedSessions, type TokenSession } from '../auth/ended-sessions';
import { ProblemException, accountDeleted, accountRequired, notFound } from '../common/problem';
import { Mailer } from '../mail/mailer';
import { apiKeyNotice } from '../mail/mails';
import type { ApiKeyRequest } from './dto/api-keys.dto';

/** The account a key is made for, locked while its keys in force are counted; its owner is told when its email is verified. */
const OWNER = `SELECT email, display_name AS "displayName", email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1 AND kind = 'registered' FOR NO KEY UPDATE`;
const VIEW = 'id, name, created_at AS "createdAt", expires_at AS "expiresAt", last_used_at AS "lastUsedAt"';
/** Keys in force: neither revoked nor expired. */
const IN_FORCE = 'SELECT count(*)::int AS count FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()';
const CREATE = `INSERT INTO api_keys (user_id, name, hash, expires_at) VALUES ($1, $2, $3, $4) RETURNING ${VIEW}`;
/** Expired keys stay listed (until forgotten) so that their owner sees why a script stopped; revoked ones do not. */
const LIST = `SELECT ${VIEW} FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id`;
/** Harmless twice: a key revoked already keeps the moment it was first revoked. */
const REVOKE = 'UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND user_id = $2 RETURNING id, expires_at AS "expiresAt"';
const REVOKE_ALL = 'UPDATE api_keys SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id, expires_at AS "expiresAt"';

interface Owner {
  email: string;
  displayName: string;
  verified: boolean;
}

interface KeyRow {
  id: string;
  name: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
}

const viewOf = (row: KeyRow): ApiKeyView => ({
  id: row.id,
  name: row.name,
  createdAt: row.createdAt.toISOString(),
  expiresAt: row.expiresAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});

/** A key's session, which ends when the key is revoked (`ApiKeys`), remembered until the key would have expired. */
const sessionOf = (row: { id: string; expiresAt: Date }): TokenSession => ({ id: row.id, expiresAt: Math.ceil(row.expiresAt.getTime() / 1000) });

const tooManyKeys = () =>
  new ProblemException(
    409,
    `This account has ${API_KEY_LIMITS.perAccount} API keys in force, the most it may have: revoke one it no longer needs (DELETE /api/v1/account/api-keys/:id), then make this one.`,
    undefined,
    'too-many-api-keys',
  );

/** An account's personal API keys: made (the secret shown once), listed and revoked. */
@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly endedSessions: EndedSessions,
    private readonly mailer: Mailer,
    private readonly links: EmailLinks,
  ) {}

  /**
   * A new key, with its secret. The account's row is locked while its keys in force are counted, so that keys made
   * at once do not pass the limit together (and the account's deletion, which revokes its keys, waits or goes first).
   * The owner's notice is kept in the same transaction: no key is made without it (when the email is verified).
   */
  async create(user: AuthUser, { name, expiresAt }: ApiKeyRequest): Promise<NewApiKey> {
    if (user.kind !== 'registered') throw accountRequired();
    const secret = newApiKeySecret();
    const row = await this.db.transaction(async (manager) => {
      const [owner] = await manager.query<Owner[]>(OWNER, [user.id]);
      if (!owner) throw accountDeleted();
      const [inForce] = await manager.query<{ count: number }[]>(IN_FORCE, [user.id]);
      if (inForce!.count >= API_KEY_LIMITS.perAccount) throw tooManyKeys();
      const [created] = await manager.query<KeyRow[]>(CREATE, [user.id, name, apiKeyDigest(secret), expiresAt]);
      if (owner.verified) await this.mailer.keepInTransaction(manager, apiKeyNotice(owner, created!, this.links.page('account#api-keys')));
      return created!;
    });
    this.mailer.sendKept();
    return { ...viewOf(row), secret };
  }

  async list(user: AuthUser): Promise<ApiKeyList> {
    if (user.kind !== 'registered') return { apiKeys: [] };
    const rows = await this.db.query<KeyRow[]>(LIST, [user.id]);
    return { apiKeys: rows.map(viewOf) };
  }

  /** Revokes the caller's key at once, on every API process, and the download links asked for with it. */
  async revoke(user: AuthUser, keyId: string): Promise<void> {
    const [rows] = await this.db.query<[{ id: string; expiresAt: Date }[], number]>(REVOKE, [keyId, user.id]);
    const revoked = rows[0];
    if (!revoked) throw notFound('The API key', '/params/id');
    await this.endedSessions.end(sessionOf(revoked));
  }

  /** Revokes every key of the account in its deletion's transaction; `announce` the answer once it commits. */
  async revokeAll(manager: EntityManager, userId: string): Promise<TokenSession[]> {
    const [rows] = await manager.query<[{ id: string; expiresAt: Date }[], number]>(REVOKE_ALL, [userId]);
    return rows.map(sessionOf);
  }

  async announce(sessions: TokenSession[]): Promise<void> {
    for (const session of sessions) await this.endedSessions.end(session);
  }
}
