import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type AccountView, type AccountWorkflow, type Contribution, MAIL_SETTINGS, type Session } from '@chorus/client';
import { OWE_CLASSIFICATION_STAMPS, stampDeletedClassifications } from '@chorus/db';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { Passwords } from '../auth/passwords';
import { TokenGenerations } from '../auth/token-generations';
import { Tokens } from '../auth/tokens';
import { AccountEmailService } from '../auth/account-email.service';
import { type SignInFrom, SignInLimits } from '../auth/address-limits';
import { ProblemException, accountDeleted, accountRequired } from '../common/problem';
import { MailOutbox } from '../mail/mail-outbox';
import { Mailer } from '../mail/mailer';
import { projectRolesSql } from '../projects/project-access';
import { WorkflowsService } from '../workflows/workflows.service';
import { ApiKeysService } from './api-keys.service';
import { MAIL_SETTING_COLUMNS } from './mail-settings';
import type { AccountChange, EmailChange, PasswordChange } from './dto/account.dto';

const ACCOUNT = `SELECT id, kind, display_name AS "displayName", email, email_verified_at IS NOT NULL AS "emailVerified", language,
    credited_name AS "creditedName", named_in_acknowledgements AS "namedInAcknowledgements",
    discussion_mails AS "discussionMails", followed_discussion_mails AS "followedDiscussionMails", report_mails AS "reportMails",
    completion_mails AS "completionMails", volunteer_completion_mails AS "volunteerCompletionMails", public_profile AS "publicProfile", display, roles.moderates, roles.researches, created_at AS "createdAt"
  FROM users CROSS JOIN LATERAL ${projectRolesSql('users.id')} roles WHERE id = $1 AND kind <> 'deleted'`;
/** The caller's classifications by project, most recent first (the index on a volunteer's classifications serves it). */
const CONTRIBUTION = `SELECT p.id, p.slug, p.title, p.status <> 'draft' AS open, sum(c.n)::int AS classifications, max(c.last_at) AS "lastClassifiedAt"
  FROM (SELECT workflow_id, count(*) AS n, max(created_at) AS last_at FROM classifications WHERE user_id = $1 GROUP BY workflow_id) c
  JOIN workflows w ON w.id = c.workflow_id JOIN projects p ON p.id = w.project_id
  GROUP BY p.id ORDER BY max(c.last_at) DESC`;
/**
 * The caller's record in one workflow: their classifications there (counted from the index on a volunteer's
 * classifications in a workflow, `classifications_user_recent_idx`, alone), and whether they have seen its tutorial.
 */
const WORKFLOW_RECORD = `SELECT (SELECT count(*)::int FROM classifications WHERE user_id = $1 AND workflow_id = $2) AS classifications,
  EXISTS (SELECT 1 FROM tutorials_seen WHERE user_id = $1 AND workflow_id = $2) AS "tutorialSeen"`;
/** Projects listed at most in a contribution (its total counts them all). */
const CONTRIBUTION_PROJECTS = 100;

/** A change of the account (`PATCH /account`): $2 to $13 each null, or false for $4, where it leaves the field as it is. */
const ACCOUNT_CHANGED = `display_name = coalesce($2, display_name), language = coalesce($3, language),
  credited_name = CASE WHEN $4 THEN $5 ELSE credited_name END, named_in_acknowledgements = coalesce($6, named_in_acknowledgements),
  ${MAIL_SETTINGS.map((setting, i) => `${MAIL_SETTING_COLUMNS[setting]} = coalesce($${7 + i}, ${MAIL_SETTING_COLUMNS[setting]})`).join(', ')},
  display = coalesce($${7 + MAIL_SETTINGS.length}::jsonb, display), public_profile = coalesce($${8 + MAIL_SETTINGS.length}, public_profile)`;

/** Ends every token issued so far: they carry an older generation. */
const NEXT_TOKEN_GENERATION = 'token_generation = token_generation + 1';
/**
 * What stays of a deleted account: its id, for its classifications, and nothing that says whose they were; and the
 * stamp its classifications are owed (`stampDeletedClassifications`).
 */
const DELETED = `kind = 'deleted', email = NULL, pending_email = NULL, email_verified_at = NULL, link_mailed_at = NULL, password_hash = NULL,
  display_name = 'Deleted account', credited_name = NULL, named_in_acknowledgements = false, discussion_mails = false, followed_discussion_mails = false, report_mails = false,
  completion_mails = false, volunteer_completion_mails = false, public_profile = false, display = NULL, ${NEXT_TOKEN_GENERATION}, ${OWE_CLASSIFICATION_STAMPS}`;

/**
 * The free-text notes of the account's reports go with it (a volunteer may have typed anything there); each report's
 * reason stays, so moderation counts do not change. Stamped, so that an incremental download gives them again.
 */
const REPORT_NOTES_ERASED = 'UPDATE subject_reports SET note = NULL, updated_at = now() WHERE user_id = $1 AND note IS NOT NULL';
const COMMENT_REPORT_NOTES_ERASED = 'UPDATE comment_reports SET note = NULL WHERE user_id = $1 AND note IS NOT NULL';

/** Its comments stay, now by a "former volunteer": stamped, so that an incremental comments download gives them again. */
const COMMENTS_UNNAMED = 'UPDATE subject_comments SET updated_at = now() WHERE user_id = $1';

/** A password check that failed: a type of its own, so that the classifier can say it in the volunteer's words. */
const wrongPassword = (pointer: string) =>
  new ProblemException(422, "The password given is not this account's, so nothing was changed.", [{ pointer, message: "is not this account's password" }], 'wrong-password');

interface AccountRow extends Omit<AccountView, 'createdAt' | 'apiKey'> {
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
    private readonly accountEmail: AccountEmailService,
    private readonly workflows: WorkflowsService,
    private readonly signInLimits: SignInLimits,
    private readonly apiKeys: ApiKeysService,
    private readonly mailer: Mailer,
    private readonly outbox: MailOutbox,
  ) {}

  /** The caller's account as `GET /account` gives it, with the API key the request was sent with, if any. */
  async view(user: AuthUser): Promise<AccountView> {
    const seen = await this.ownRow(user);
    return { ...seen, createdAt: seen.createdAt.toISOString(), apiKey: user.apiKeyId ? await this.apiKeys.sentWith(user, user.apiKeyId) : null };
  }

  private async ownRow(user: AuthUser): Promise<AccountRow> {
    const [row] = await this.db.query<AccountRow[]>(ACCOUNT, [user.id]);
    if (!row) throw accountDeleted();
    // A guest's token of a guest who since registered speaks for the guest: the account's email is not its to see.
    return user.kind === 'registered' ? row : { ...row, kind: 'guest', email: null, emailVerified: false, language: null, creditedName: null, namedInAcknowledgements: false, discussionMails: false, followedDiscussionMails: false, reportMails: false, completionMails: false, volunteerCompletionMails: false, publicProfile: false, moderates: false, researches: false, display: null };
  }

  /** What the caller (an account or a guest) has classified: in all, and by project. */
  async contribution(user: AuthUser): Promise<Contribution> {
    const rows = await this.db.query<(Omit<Contribution['projects'][number], 'lastClassifiedAt'> & { lastClassifiedAt: Date })[]>(CONTRIBUTION, [user.id]);
    return {
      classifications: rows.reduce((total, row) => total + row.classifications, 0),
      projects: rows.slice(0, CONTRIBUTION_PROJECTS).map((row) => ({ ...row, lastClassifiedAt: row.lastClassifiedAt.toISOString() })),
    };
  }

  /** The caller's classifications in a workflow they may see, on every device, and whether the account has seen its tutorial. */
  async workflowRecord(workflowId: string, user: AuthUser): Promise<AccountWorkflow> {
    await this.workflows.readable(workflowId, user, '/params/workflowId');
    const [record] = await this.db.query<AccountWorkflow[]>(WORKFLOW_RECORD, [user.id, workflowId]);
    return record!;
  }

  /** Remembers that the account has seen the tutorial of a workflow it may see; the same again changes nothing. */
  async markTutorialSeen(workflowId: string, user: AuthUser): Promise<void> {
    this.assertAccount(user);
    await this.workflows.readable(workflowId, user, '/workflowId');
    await this.db.query('INSERT INTO tutorials_seen (user_id, workflow_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [user.id, workflowId]);
  }

  /**
   * Its display name, the language its mails are worded in, its credited name (null: its display name), whether it is
   * named in projects' acknowledgements, whether it is mailed of replies and mentions, of new comments in the discussions it follows, of reports in
   * projects it moderates, and of completed workflows, how the classifier shows itself to it, and whether it shows its public profile: what is left out stays.
   */
  async change(user: AuthUser, change: AccountChange): Promise<AccountView> {
    this.assertAccount(user);
    await this.db.transaction(async (manager) => {
      await this.changeAccount(manager, user, ACCOUNT_CHANGED, [
        change.displayName ?? null,
        change.language ?? null,
        change.creditedName !== undefined,
        change.creditedName ?? null,
        change.namedInAcknowledgements ?? null,
        ...MAIL_SETTINGS.map((setting) => change[setting] ?? null),
        change.display ? JSON.stringify(change.display) : null,
        change.publicProfile ?? null,
      ]);
      // Mails stopped: those kept and not yet sent go too (a comment keeping one meanwhile holds the account's row until
      // it commits, see NotificationsService's MAILED; ReportMails keeps them in the statement that marks the account's
      // rows mailed; CompletionMails reads the setting as it writes them).
      for (const setting of MAIL_SETTINGS) if (change[setting] === false) await this.outbox.forgetStoppedMails(user.id, setting, manager);
    });
    return this.view(user);
  }

  /**
   * The new password, and a token for it: every token issued before, on any device, stops working (API keys do not);
   * the account's verified email is told, in the same transaction.
   */
  async changePassword(user: AuthUser, change: PasswordChange, from: SignInFrom): Promise<Session> {
    this.assertAccount(user);
    const checked = await this.checkPassword(user, change.currentPassword, '/currentPassword', from);
    const hash = await this.passwords.hash(change.newPassword);
    const generation = await this.db.transaction(async (manager) => {
      // Only over the password just checked: one changed meanwhile (on another device) is not overwritten.
      const raised = await this.changeAccount(manager, user, `password_hash = $2, ${NEXT_TOKEN_GENERATION}`, [hash, checked], 'AND password_hash = $3');
      if (raised !== undefined) await this.accountEmail.keepPasswordNotice(manager, user.id, 'changed');
      return raised;
    });
    if (generation === undefined) throw wrongPassword('/currentPassword');
    this.mailer.sendKept();
    this.generations.raised(user.id, generation);
    const { id, kind, displayName, email, emailVerified } = await this.ownRow(user);
    const account = { id, kind, displayName, email, emailVerified };
    return this.tokens.session(account);
  }

  /** Mails a link to the new email (the password checked first); the account signs in with it once it is opened. */
  async changeEmail(user: AuthUser, change: EmailChange, from: SignInFrom): Promise<void> {
    this.assertAccount(user);
    await this.checkPassword(user, change.password, '/password', from);
    await this.accountEmail.sendEmailChange(user, change.email, from.note);
  }

  /** Every token of the account stops working, the caller's too. */
  async signOutEverywhere(user: AuthUser): Promise<void> {
    this.assertAccount(user);
    const generation = await this.changeAccount(this.db.manager, user, NEXT_TOKEN_GENERATION);
    if (generation === undefined) throw accountDeleted();
    this.generations.raised(user.id, generation);
  }

  /**
   * Deletes what says whose the account was (email, password, name), its tokens and API keys, its memberships, the invitations
   * addressed to its email, the subjects it holds, its favourites, its collections, its subscriptions to projects' news, the tutorials it has seen, its notifications and the news and discussion mails not yet sent to it, the notes of its reports (their reasons stay) and its comment bans (with the team's reasons). Its
   * classifications stay, under an id no one can sign in as: consensus already counts them; once the account is gone
   * they are stamped, for incremental downloads to give them again without its name (owed with the deletion, so that the
   * worker's reconciler finishes a stamping cut short). An owner of projects is refused: nobody could administer them after. The
   * account's row is locked while this looks, and a project is made, or an invitation accepted, only by an account
   * its row says is one (`ProjectsService`, `InvitationsService`), so neither can happen meanwhile.
   */
  async delete(user: AuthUser, password: string, from: SignInFrom): Promise<void> {
    this.assertAccount(user);
    const checked = await this.checkPassword(user, password, '/password', from);
    const { generation, keys } = await this.db.transaction(async (manager) => {
      const [locked] = await manager.query<{ email: string | null }[]>(
        "SELECT email FROM users WHERE id = $1 AND kind = 'registered' AND password_hash = $2 FOR UPDATE",
        [user.id, checked],
      );
      if (!locked) throw wrongPassword('/password');
      const owned = await manager.query<{ title: string }[]>('SELECT title FROM projects WHERE owner_id = $1 ORDER BY created_at', [user.id]);
      if (owned.length) {
        throw new ProblemException(
          409,
          `This account owns ${owned.length === 1 ? 'a project' : `${owned.length} projects`} (${owned.map((project) => `"${project.title}"`).join(', ')}), which no one could administer after it: first hand each to another of its members (PUT /projects/:id/members with their email and role "owner"), or delete it if nobody has classified in it (DELETE /projects/:id).`,
          undefined,
          'owns-projects',
        );
      }
      await manager.query('DELETE FROM project_members WHERE user_id = $1', [user.id]);
      // Its email is free for anyone to register now: what was addressed to it goes with the account, if the email was
      // the account's (verified); else it was meant for someone else, who may still register it.
      await manager.query('DELETE FROM project_invitations WHERE email = (SELECT email FROM users WHERE id = $1 AND email_verified_at IS NOT NULL)', [user.id]);
      await manager.query('DELETE FROM assignments WHERE user_id = $1', [user.id]);
      await manager.query('DELETE FROM favourites WHERE user_id = $1', [user.id]);
      await manager.query('DELETE FROM collections WHERE user_id = $1', [user.id]);
      await manager.query('DELETE FROM news_subscriptions WHERE user_id = $1', [user.id]);
      await manager.query('DELETE FROM tutorials_seen WHERE user_id = $1', [user.id]);
      await manager.query('DELETE FROM discussion_follows WHERE user_id = $1', [user.id]);
      await manager.query('DELETE FROM comment_notifications WHERE user_id = $1', [user.id]);
      await this.outbox.forgetDiscussionMails({ userId: user.id }, manager);
      if (locked.email) await this.outbox.readdressReaderMails(user.id, locked.email, null, manager);
      await manager.query('DELETE FROM comment_bans WHERE user_id = $1', [user.id]);
      await manager.query(REPORT_NOTES_ERASED, [user.id]);
      await manager.query(COMMENT_REPORT_NOTES_ERASED, [user.id]);
      await manager.query(COMMENTS_UNNAMED, [user.id]);
      const keys = await this.apiKeys.revokeAll(manager, user.id);
      return { generation: await this.changeAccount(manager, user, DELETED), keys };
    });
    this.generations.raised(user.id, generation!);
    await this.apiKeys.announce(keys);
    // Once the account is gone (no classification of its can come meanwhile); owed since the deletion, so a stamping
    // cut short here (the API dying) is finished by the worker's reconciler.
    await stampDeletedClassifications(this.db, user.id);
  }

  /**
   * Sets `changes` on the account's row, while it is an account; answers its token generation then, or undefined
   * when it is not (deleted meanwhile, or `condition` no longer holds).
   */
  private async changeAccount(manager: EntityManager, user: AuthUser, changes: string, values: unknown[] = [], condition = ''): Promise<number | undefined> {
    const [rows] = await manager.query(`UPDATE users SET ${changes} WHERE id = $1 AND kind = 'registered' ${condition} RETURNING token_generation`, [user.id, ...values]);
    return rows[0]?.token_generation;
  }

  private assertAccount(user: AuthUser): void {
    if (user.kind !== 'registered') throw accountRequired();
  }

  /**
   * The account's password hash, once `password` is shown to match it; refused, naming the field, otherwise, and
   * counted with the account's failed sign-ins from that address (`SignInLimits`). Checked outside any transaction:
   * scrypt's tens of milliseconds hold neither a connection nor a lock.
   */
  private async checkPassword(user: AuthUser, password: string, pointer: string, from: SignInFrom): Promise<string> {
    const [row] = await this.db.query<{ email: string | null; password_hash: string | null }[]>("SELECT email, password_hash FROM users WHERE id = $1 AND kind = 'registered'", [user.id]);
    return this.signInLimits.counting(from, row?.email ?? `account ${user.id}`, async () => {
      if (!(await this.passwords.verify(password, row?.password_hash)) || !row?.password_hash) throw wrongPassword(pointer);
      return row.password_hash;
    });
  }
}
