import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { API_KEY_LIMITS, API_KEY_PREFIX, API_KEY_SHOWN_CHARACTERS, type ApiKeyList, type ApiKeyView, type NewApiKey } from '@chorus/client';
import type { DataSource, EntityManager } from 'typeorm';
import { apiKeyDigest, newApiKeySecret } from '../auth/api-keys';
import type { AuthUser } from '../auth/auth.decorators';
import { EmailLinks } from '../auth/email-links';
import { EndedSessions, type TokenSession } from '../auth/ended-sessions';
import { ProblemException, accountDeleted, accountRequired, notFound } from '../common/problem';
import { IdempotentRequests } from '../idempotent-requests/idempotent-requests';
import { Mailer } from '../mail/mailer';
import { apiKeyNotice, apiKeyRevokedNotice } from '../mail/mails';
import type { Addressee, ApiKeyMade } from '../mail/wording/wording';
import type { ApiKeyRequest } from './dto/api-keys.dto';

/** The account a key is made for, locked while its keys in force are counted; its owner is told when its email is verified. */
const OWNER = `SELECT email, display_name AS "displayName", language, email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1 AND kind = 'registered' FOR NO KEY UPDATE`;
const VIEW = 'id, name, scope, prefix, created_at AS "createdAt", expires_at AS "expiresAt", last_used_at AS "lastUsedAt"';
/** Keys in force: neither revoked nor expired. */
const IN_FORCE = 'SELECT count(*)::int AS count FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()';
const CREATE = `INSERT INTO api_keys (user_id, name, scope, hash, prefix, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${VIEW}`;
/** Expired keys stay listed (until forgotten) so that their owner sees why a script stopped; revoked ones do not. */
const LIST = `SELECT ${VIEW} FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id`;
/** One of the account's keys ($2): the one a request was sent with. */
const ONE = `SELECT ${VIEW} FROM api_keys WHERE id = $1 AND user_id = $2`;
/** Only a key in force: one revoked already keeps the moment it was first revoked, and its owner is not told again. */
const REVOKE = `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING ${VIEW}, revoked_at AS "revokedAt"`;
const REVOKE_ALL = 'UPDATE api_keys SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id, expires_at AS "expiresAt"';

interface Owner extends Addressee {
  verified: boolean;
}

interface KeyRow extends ApiKeyMade {
  lastUsedAt: Date | null;
}

const viewOf = (row: KeyRow): ApiKeyView => ({
  id: row.id,
  name: row.name,
  scope: row.scope,
  prefix: row.prefix,
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

/** What a key's `prefix` keeps of its secret: `chorus_` and its first few characters (`chorus_AbC1`). */
const prefixOf = (secret: string) => secret.slice(0, API_KEY_PREFIX.length + API_KEY_SHOWN_CHARACTERS);

/**
 * A retry of a key's creation under the same `Idempotency-Key`: refused, naming the key the first request made, since
 * its secret (which Chorus does not keep) cannot be answered again, and a second key is not what the retry meant.
 */
const alreadyMade = (key: KeyRow) => {
  const shown = key.prefix ? `${key.prefix}…` : 'its secret';
  const refused = new ProblemException(
    409,
    `An API key was already made with this Idempotency-Key: "${key.name}" (${shown}, id ${key.id}). Its secret was answered once, to the request that made it, and Chorus keeps only a digest of it, so it cannot be shown again and no second key was made: use the secret that request was answered with, or, if it was lost, revoke that key (DELETE /api/v1/account/api-keys/${key.id}) and make another with a fresh Idempotency-Key.`,
    [{ pointer: '/headers/idempotency-key', message: `already made the API key ${key.id} ("${key.name}"), whose secret is not shown again; send a fresh key to make another` }],
    'api-key-already-made',
  );
  refused.body.apiKey = { id: key.id, name: key.name, scope: key.scope, prefix: key.prefix };
  return refused;
};

/** An account's personal API keys: made (the secret shown once), listed and revoked. */
@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly endedSessions: EndedSessions,
    private readonly mailer: Mailer,
    private readonly links: EmailLinks,
    private readonly idempotentRequests: IdempotentRequests,
  ) {}

  /**
   * A new key, with its secret. The account's row is locked while its keys in force are counted, so that keys made
   * at once do not pass the limit together (and the account's deletion, which revokes its keys, waits or goes first).
   * The owner's notice is kept in the same transaction: no key is made without it (when the email is verified). Sent
   * with an `Idempotency-Key`, what a retry is answered is kept in it too: not the secret, but a refusal naming the key.
   */
  async create(user: AuthUser, { name, scope, expiresAt }: ApiKeyRequest): Promise<NewApiKey> {
    if (user.kind !== 'registered') throw accountRequired();
    const secret = newApiKeySecret();
    const row = await this.db.transaction(async (manager) => {
      const [owner] = await manager.query<Owner[]>(OWNER, [user.id]);
      if (!owner) throw accountDeleted();
      const [inForce] = await manager.query<{ count: number }[]>(IN_FORCE, [user.id]);
      if (inForce!.count >= API_KEY_LIMITS.perAccount) throw tooManyKeys();
      const [created] = await manager.query<KeyRow[]>(CREATE, [user.id, name, scope, apiKeyDigest(secret), prefixOf(secret), expiresAt]);
      if (owner.verified) await this.mailer.keepInTransaction(manager, apiKeyNotice(owner, created!, this.links.page('account#api-keys')));
      await this.idempotentRequests.keepAnswerIn(manager, { body: null, refusal: alreadyMade(created!).body });
      return created!;
    });
    this.mailer.sendKept();
    return { ...viewOf(row), secret };
  }

  /** The account's key a request was sent with (`GET /account`), as listed; null once it is gone. */
  async sentWith(user: AuthUser, keyId: string): Promise<ApiKeyView | null> {
    const [row] = await this.db.query<KeyRow[]>(ONE, [keyId, user.id]);
    return row ? viewOf(row) : null;
  }

  async list(user: AuthUser): Promise<ApiKeyList> {
    if (user.kind !== 'registered') return { apiKeys: [] };
    const rows = await this.db.query<KeyRow[]>(LIST, [user.id]);
    return { apiKeys: rows.map(viewOf) };
  }

  /**
   * Revokes the caller's key at once, on every API process, and the download links asked for with it. The owner's
   * notice is kept in the same transaction, by the request that revokes it only: a retry tells of the end again (should
   * the news have been lost) but mails nothing.
   */
  async revoke(user: AuthUser, keyId: string): Promise<void> {
    const key = await this.db.transaction(async (manager) => {
      const [owner] = await manager.query<Owner[]>(OWNER, [user.id]);
      const [[revoked]] = await manager.query<[(KeyRow & { revokedAt: Date })[], number]>(REVOKE, [keyId, user.id]);
      if (revoked && owner?.verified) await this.mailer.keepInTransaction(manager, apiKeyRevokedNotice(owner, revoked, this.links.page('account#api-keys')));
      return revoked ?? (await manager.query<KeyRow[]>(ONE, [keyId, user.id]))[0];
    });
    if (!key) throw notFound('The API key', '/params/id');
    this.mailer.sendKept();
    await this.endedSessions.end(sessionOf(key));
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
