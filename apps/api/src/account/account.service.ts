import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AccountView, Session } from '@chorus/client';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { Passwords } from '../auth/passwords';
import { TokenGenerations } from '../auth/token-generations';
import { Tokens } from '../auth/tokens';
import { ProblemException, validationFailed } from '../common/problem';
import type { PasswordChange } from './dto/account.dto';

const ACCOUNT = `SELECT id, kind, display_name AS "displayName", email, created_at AS "createdAt" FROM users WHERE id = $1`;
/** Ends every token issued so far: they carry an older generation. */
const NEXT_TOKEN_GENERATION = 'token_generation = token_generation + 1';
/** What stays of a deleted account: its id, for its classifications, and nothing that says whose they were. */
const DELETED = `kind = 'deleted', email = NULL, password_hash = NULL, display_name = 'Deleted account', ${NEXT_TOKEN_GENERATION}`;

const accountRequired = () =>
  new ProblemException(
    403,
    'A guest has no account to change; create one with POST /api/v1/auth/register, sent with your guest token so that your classifications come with you.',
    undefined,
    'account-required',
  );

interface AccountRow extends Omit<AccountView, 'createdAt'> {
  createdAt: Date;
}

/**
 * A signed-in volunteer's or researcher's own account: its name, its password, its tokens (ended everywhere at once
 * by raising the account's token generation) and its deletion.
 */
@Injectable()
export class AccountService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly passwords: Passwords,
    private readonly tokens: Tokens,
    private readonly generations: TokenGenerations,
  ) {}

  async view(user: AuthUser): Promise<AccountView> {
    const [row] = await this.db.query<AccountRow[]>(ACCOUNT, [user.id]);
    return { ...row!, createdAt: row!.createdAt.toISOString() };
  }

  async rename(user: AuthUser, displayName: string): Promise<AccountView> {
    this.assertAccount(user);
    await this.db.query('UPDATE users SET display_name = $2 WHERE id = $1', [user.id, displayName]);
    return this.view(user);
  }

  /** The new password, and a token for it: every token issued before, on any device, stops working. */
  async changePassword(user: AuthUser, change: PasswordChange): Promise<Session> {
    this.assertAccount(user);
    const generation = await this.db.transaction(async (manager) => {
      await this.assertPassword(manager, user, change.currentPassword, '/currentPassword');
      const hash = await this.passwords.hash(change.newPassword);
      return this.nextGeneration(manager, user, `password_hash = $2, ${NEXT_TOKEN_GENERATION}`, [hash]);
    });
    this.generations.remember(user.id, generation);
    const { createdAt: _, ...account } = await this.view(user);
    return { token: await this.tokens.issue(user), user: account };
  }

  /** Every token of the account stops working, the caller's too. */
  async signOutEverywhere(user: AuthUser): Promise<void> {
    this.assertAccount(user);
    this.generations.remember(user.id, await this.nextGeneration(this.db.manager, user, NEXT_TOKEN_GENERATION));
  }

  /**
   * Deletes what says whose the account was (email, password, name), its tokens, its memberships and the subjects it
   * holds. Its classifications stay, under an id no one can sign in as: consensus already counts them. An owner
   * of projects is refused: nobody could administer them after.
   */
  async delete(user: AuthUser, password: string): Promise<void> {
    this.assertAccount(user);
    const generation = await this.db.transaction(async (manager) => {
      await this.assertPassword(manager, user, password, '/password');
      const owned = await manager.query<{ title: string }[]>('SELECT title FROM projects WHERE owner_id = $1 ORDER BY created_at', [user.id]);
      if (owned.length) {
        throw new ProblemException(
          409,
          `This account owns ${owned.length === 1 ? 'a project' : `${owned.length} projects`} (${owned.map((project) => `"${project.title}"`).join(', ')}), which no one could administer after it: finish them, and ask the Chorus operators to hand them over or remove them, before deleting the account.`,
          undefined,
          'owns-projects',
        );
      }
      await manager.query('DELETE FROM project_members WHERE user_id = $1', [user.id]);
      await manager.query('DELETE FROM assignments WHERE user_id = $1', [user.id]);
      return this.nextGeneration(manager, user, DELETED);
    });
    this.generations.remember(user.id, generation);
  }

  /** Sets `changes` (which raise the token generation) on the user's row; the generation it now has. */
  private async nextGeneration(manager: EntityManager, user: AuthUser, changes: string, values: unknown[] = []): Promise<number> {
    const [[row]] = await manager.query(`UPDATE users SET ${changes} WHERE id = $1 RETURNING token_generation`, [user.id, ...values]);
    return row.token_generation;
  }

  private assertAccount(user: AuthUser): void {
    if (user.kind !== 'registered') throw accountRequired();
  }

  /** Refuses, naming the field, unless `password` is the account's; the account's row stays locked until the end. */
  private async assertPassword(manager: EntityManager, user: AuthUser, password: string, pointer: string): Promise<void> {
    const [row] = await manager.query<{ password_hash: string | null }[]>("SELECT password_hash FROM users WHERE id = $1 AND kind = 'registered' FOR UPDATE", [user.id]);
    if (!(await this.passwords.verify(password, row?.password_hash))) throw validationFailed([{ pointer, message: "is not this account's password" }]);
  }
}
