import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';

/** An account's email as invitations are addressed to it, and whether its owner showed it is theirs. */
export interface AccountEmail {
  email: string;
  emailVerified: boolean;
}

const ACCOUNT_EMAIL = `SELECT email, email_verified_at IS NOT NULL AS "emailVerified" FROM users WHERE id = $1 AND kind = 'registered'`;

/**
 * Locks the account's row until the transaction ends, so that its deletion (which locks it to look at what the account
 * owns and is a member of) waits for what this transaction makes for it, or goes first and is seen. Its email, or
 * undefined when the caller is no account: a guest, deleted, or a guest's token of a guest who since registered (it
 * keeps a guest's rights only).
 */
export async function lockAccount(manager: EntityManager, user: AuthUser): Promise<AccountEmail | undefined> {
  if (user.kind !== 'registered') return undefined;
  const [account] = await manager.query<AccountEmail[]>(`${ACCOUNT_EMAIL} FOR SHARE`, [user.id]);
  return account;
}

/** The account's email, as `lockAccount` answers it, without a lock. */
export async function accountEmail(manager: EntityManager, user: AuthUser): Promise<AccountEmail | undefined> {
  if (user.kind !== 'registered') return undefined;
  const [account] = await manager.query<AccountEmail[]>(ACCOUNT_EMAIL, [user.id]);
  return account;
}
