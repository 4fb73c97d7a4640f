import type { EntityManager } from 'typeorm';

/**
 * Locks the account's row until the transaction ends, so that its deletion (which locks it to look at what the account
 * owns and is a member of) waits for what this transaction makes for it, or goes first and is seen. Its email, or
 * undefined when the user is no account (a guest, or deleted).
 */
export async function lockAccount(manager: EntityManager, userId: string): Promise<{ email: string } | undefined> {
  const [account] = await manager.query<{ email: string }[]>("SELECT email FROM users WHERE id = $1 AND kind = 'registered' FOR SHARE", [userId]);
  return account;
}
