import type { EntityManager } from 'typeorm';

/** An account's email as invitations are addressed to it, and whether its owner showed it is theirs. */
export interface AccountEmail {
  email: string;
  emailVerified: boolean;
}

const ACCOUNT_EMAIL = `SELECT email, email_verified_at IS NOT NULL AS "emailVerified" FROM users WHERE id = $1 AND kind = 'registered'`;

/**
 * Locks the account's row until the transaction ends, so that its deletion (which locks it to look at what the account
 * owns and is a member of) waits for what this transaction makes for it, or goes first and is seen. Its email, or
 * undefined when the user is no account (a guest, or deleted).
 */
export async function lockAccount(manager: EntityManager, userId: string): Promise<AccountEmail | undefined> {
  const [account] = await manager.query<AccountEmail[]>(`${ACCOUNT_EMAIL} FOR SHARE`, [userId]);
  return account;
}

/** The account's email, as `lockAccount` answers it, without a lock. */
export async function accountEmail(manager: EntityManager, userId: string): Promise<AccountEmail | undefined> {
  const [account] = await manager.query<AccountEmail[]>(ACCOUNT_EMAIL, [userId]);
  return account;
}
