import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { InvitationView, MemberView, OwnInvitation } from '@chorus/client';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { type AccountEmail, accountEmail, lockAccount } from '../account/account-lock';
import { ProblemException, emailUnverified, notFound } from '../common/problem';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { Mailer } from '../mail/mailer';
import { invitationMail } from '../mail/mails';
import { liftBanOnJoiningTeam } from '../discussions/comment-bans.service';
import { ProjectAccess } from '../projects/project-access';
import type { MemberInput } from './dto/member.dto';
import { MEMBERS } from './members.service';

const INVITATION = `email, role, created_at AS "invitedAt"`;

/** How long an invitation may be accepted: one left unanswered does not wait for ever. */
export const INVITATION_DAYS = 30;
const LIVE = `created_at > now() - interval '${INVITATION_DAYS} days'`;
/** An invitation made again within this long is not mailed again: an invitee's inbox is not a project's to fill. */
const MAILED_AGAIN_AFTER = "interval '1 day'";

/**
 * The language an invitation is worded in: that of the account the address has, if it has one and the account named
 * its language; else the project's (`invitationMail` falls back to English when Chorus does not speak it).
 */
const MAIL_LANGUAGE = `coalesce((SELECT language FROM users WHERE email = $2 AND kind = 'registered'), (SELECT language FROM projects WHERE id = $1))`;

/** A row as Postgres gives it: the date not yet in ISO 8601. */
type Dated<T extends { invitedAt: string }> = Omit<T, 'invitedAt'> & { invitedAt: Date };

const dated = <T extends { invitedAt: string }>(row: Dated<T>): T => ({ ...row, invitedAt: row.invitedAt.toISOString() }) as T;

/** A new invitation, and what its mail says, in which language. */
interface InvitationRow extends Dated<InvitationView> {
  mail: boolean;
  projectTitle: string;
  inviterName: string;
  language: string;
}

/**
 * Invitations to join a project: its administrators invite an email in a role, Chorus mails it, and the account that
 * signs in with that email, once it has verified it, accepts (becoming a member) or declines. An invitation says
 * nothing to its sender about whether the email has an account, and nobody becomes a member of a project they did not
 * accept.
 */
@Injectable()
export class InvitationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: ProjectAccess,
    private readonly mailer: Mailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Invites the email in the role (again: the role and date are the latest), and mails it (not again within a day).
   * A member already is refused, in the same statement: an invitation is never left waiting for someone who is a
   * member. Whether to mail is decided on the row itself (`mailed_at`, set to this statement's `now()` when it mails):
   * of two invitations at once, the second waits for the first's row and finds it mailed.
   */
  async invite(projectId: string, input: MemberInput, user: AuthUser): Promise<InvitationView> {
    await this.access.requireAdministrator(projectId, user, '/params/id');
    // Mailed to an address the sender chose, with their name and their project's title in it: only from an account
    // whose owner has shown an address of their own, not from one made by the hundred to send such mails.
    if (!(await accountEmail(this.db.manager, user))?.emailVerified) throw emailUnverified();
    const [row] = await this.db.query<InvitationRow[]>(
      `INSERT INTO project_invitations AS i (project_id, email, role, invited_by)
       SELECT $1::uuid, $2::varchar, $3::varchar, $4::uuid WHERE NOT EXISTS (SELECT 1 FROM project_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = $1 AND u.email = $2)
       ON CONFLICT (project_id, email) DO UPDATE SET role = EXCLUDED.role, invited_by = EXCLUDED.invited_by, created_at = now(),
         mailed_at = CASE WHEN i.mailed_at < now() - ${MAILED_AGAIN_AFTER} THEN now() ELSE i.mailed_at END
       RETURNING ${INVITATION}, mailed_at = now() AS mail,
         (SELECT title FROM projects WHERE id = $1) AS "projectTitle", (SELECT display_name FROM users WHERE id = $4) AS "inviterName",
         ${MAIL_LANGUAGE} AS language`,
      [projectId, input.email, input.role, user.id],
    );
    if (!row) throw await this.alreadyMember(projectId, input.email);
    const { mail, projectTitle, inviterName, language, ...invitation } = row;
    if (mail) {
      this.mailer.send(invitationMail({ ...invitation, projectTitle, inviterName, link: `${this.config.publicUrl}/account`, days: INVITATION_DAYS }, language));
    }
    return dated(invitation);
  }

  async list(projectId: string, user: AuthUser): Promise<{ invitations: InvitationView[] }> {
    await this.access.requireResearcher(projectId, user, '/params/id');
    const rows = await this.db.query<Dated<InvitationView>[]>(`SELECT ${INVITATION} FROM project_invitations WHERE project_id = $1 AND ${LIVE} ORDER BY created_at, email`, [projectId]);
    return { invitations: rows.map(dated) };
  }

  /** Withdraws the invitation of `email` (read as invitations are addressed). */
  async withdraw(projectId: string, email: string, user: AuthUser): Promise<void> {
    await this.access.requireAdministrator(projectId, user, '/params/id');
    const [, withdrawn] = await this.db.query('DELETE FROM project_invitations WHERE project_id = $1 AND email = $2', [projectId, email]);
    if (!withdrawn) throw notFound(`An invitation of ${email} to this project`, '/params/email');
  }

  /** The invitations addressed to the caller's email, newest first (none for a guest; refused until it is verified). */
  async own(user: AuthUser): Promise<{ invitations: OwnInvitation[] }> {
    const account = await accountEmail(this.db.manager, user);
    if (!account) return { invitations: [] };
    const rows = await this.db.query<Dated<OwnInvitation>[]>(
      `SELECT i.project_id AS "projectId", p.slug AS "projectSlug", p.title AS "projectTitle", i.role, i.created_at AS "invitedAt"
       FROM project_invitations i JOIN projects p ON p.id = i.project_id WHERE i.email = $1 AND i.${LIVE} ORDER BY i.created_at DESC, p.title`,
      [this.verified(account)],
    );
    return { invitations: rows.map(dated) };
  }

  /** The caller joins the project in the role they were invited in (a member already keeps the role they have). */
  async accept(projectId: string, user: AuthUser): Promise<MemberView> {
    return this.db.transaction(async (manager) => {
      // Locked against the account's deletion (which removes its memberships) until this one is made.
      const account = await lockAccount(manager, user);
      if (!account) throw this.noInvitation(projectId);
      const [[invitation]] = await manager.query(`DELETE FROM project_invitations WHERE project_id = $1 AND email = $2 AND ${LIVE} RETURNING role`, [projectId, this.verified(account)]);
      if (!invitation) throw this.noInvitation(projectId);
      await manager.query('INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [projectId, user.id, invitation.role]);
      await liftBanOnJoiningTeam(manager, projectId, user.id);
      return (await manager.query(`${MEMBERS} AND m.user_id = $2`, [projectId, user.id]))[0];
    });
  }

  async decline(projectId: string, user: AuthUser): Promise<void> {
    const account = await accountEmail(this.db.manager, user);
    if (!account) throw this.noInvitation(projectId);
    const [, declined] = await this.db.query('DELETE FROM project_invitations WHERE project_id = $1 AND email = $2', [projectId, this.verified(account)]);
    if (!declined) throw this.noInvitation(projectId);
  }

  /**
   * The account's email, once its owner has shown it is theirs: until then, whoever registered the address could
   * otherwise see, join or decline what was meant for its owner.
   */
  private verified(account: AccountEmail): string {
    if (!account.emailVerified) throw emailUnverified();
    return account.email;
  }

  private noInvitation(projectId: string): ProblemException {
    return notFound(`An invitation to project ${projectId} for your account's email`, '/params/projectId');
  }

  /** An invitation to a member: their role changes at PUT /members, unless they own the project. */
  private async alreadyMember(projectId: string, email: string): Promise<ProblemException> {
    const [member] = await this.db.query<{ role: string }[]>('SELECT m.role FROM project_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = $1 AND u.email = $2', [projectId, email]);
    if (member?.role === 'owner') {
      return new ProblemException(409, `${email} owns this project, so has every right in it already; an invitation would give nothing.`, [{ pointer: '/email', message: "is the project's owner" }], 'already-member');
    }
    return new ProblemException(409, `${email} is already a member of this project; change their role with PUT /projects/${projectId}/members.`, [{ pointer: '/email', message: 'is already a member' }], 'already-member');
  }
}
