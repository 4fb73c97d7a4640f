import { type CommentBan, type CommentBanMade, type CommentBanPage } from '@chorus/client';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { lockCommentBan, lockedCommentBan } from '@chorus/db';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException, validationFailed } from '../common/problem';
import { cursorTimeSql } from '../common/sql';
import { timePage } from '../common/time-pages';
import { MailOutbox } from '../mail/mail-outbox';
import { ProjectAccess, onTeamSql } from '../projects/project-access';
import { type CommentBanInput, type CommentBansQuery } from './dto/discussions.dto';
import { hideCommentsSql } from './stored-comment';

interface CommentBanRow {
  user_id: string;
  display_name: string | null;
  reason: string;
  banned_at: Date;
  banned_by: string | null;
  banned_by_name: string | null;
  /** `banned_at` to the microsecond, for the cursor. */
  cursor_time: string;
}

/** The comment bans `bans` (a table, or a statement's rows, aliased b) as rows of `CommentBanRow`; a deleted account (soft-deleted) named by neither name nor id. */
const commentBanRowsSql = (bans: string) => `
  SELECT b.user_id, CASE WHEN u.kind = 'deleted' THEN NULL ELSE u.display_name END AS display_name, b.reason, b.banned_at,
         CASE WHEN m.kind = 'deleted' THEN NULL ELSE b.banned_by END AS banned_by, m.display_name AS banned_by_name, ${cursorTimeSql('b.banned_at')} AS cursor_time
  FROM ${bans} b JOIN users u ON u.id = b.user_id LEFT JOIN users m ON m.id = b.banned_by`;

/** Project $1's comment bans, the most recent first, after the cursor $2, $3 (or nulls); $4 rows. */
const COMMENT_BANS = `${commentBanRowsSql('comment_bans')}
  WHERE b.project_id = $1 AND ($2::timestamptz IS NULL OR (b.banned_at, b.user_id) < ($2::timestamptz, $3::uuid))
  ORDER BY b.banned_at DESC, b.user_id DESC LIMIT $4`;

/** Stops volunteer $2 from commenting in project $1 for reason $3, by $4 (again: when stays, the reason and who change), answering the ban's row. */
const BAN = `WITH banned AS (
    INSERT INTO comment_bans (project_id, user_id, reason, banned_by) VALUES ($1, $2, $3, $4)
    ON CONFLICT (project_id, user_id) DO UPDATE SET reason = EXCLUDED.reason, banned_by = EXCLUDED.banned_by RETURNING *
  ) ${commentBanRowsSql('banned')}`;
/** Hides, by $1 for reason $2, volunteer $4's comments in project $3 not hidden yet (those hidden keep their own reason and time). */
const HIDE_THEIR_COMMENTS = hideCommentsSql('project_id = $3 AND user_id = $4 AND hidden_at IS NULL');

/**
 * Lifts the comment ban of account $2 in project $1 once a role puts them on its team (an invitation accepted, a role
 * changed, the project handed to them): its moderators and researchers are never stopped from commenting, so the ban
 * would only linger in the list, and come back were the role taken away.
 */
const BAN_LIFTED_ON_JOINING_TEAM = `DELETE FROM comment_bans b USING projects p WHERE p.id = $1 AND b.project_id = p.id AND b.user_id = $2 AND ${onTeamSql('b.user_id')}`;

/**
 * Lifts account `userId`'s comment ban in the project when the transaction of `manager`, which has just given them a
 * role, put them on its team (`BAN_LIFTED_ON_JOINING_TEAM`): under the ban's lock, so that a ban whose check saw them
 * off the team either commits first, and is lifted here, or waits, and then sees them on it.
 */
export async function liftBanOnJoiningTeam(manager: EntityManager, projectId: string, userId: string): Promise<void> {
  await lockCommentBan(manager, projectId, userId);
  await manager.query(BAN_LIFTED_ON_JOINING_TEAM, [projectId, userId]);
}

const toView = (row: CommentBanRow): CommentBan => ({
  volunteerId: row.user_id,
  volunteer: { displayName: row.display_name },
  reason: row.reason,
  bannedAt: row.banned_at.toISOString(),
  bannedBy: row.banned_by ? { id: row.banned_by, name: row.banned_by_name ?? '' } : null,
});

/** The refusal of a comment, or an edit of one, by a volunteer the project's team stopped from commenting there (not why: their reason is the team's). */
const commentBanned = () =>
  new ProblemException(
    403,
    "You may not comment in this project: its moderators stopped you from commenting here. You can still read its discussions and classify; write to the project's team if you think this is a mistake.",
    undefined,
    'comment-banned',
  );

/**
 * Refuses the comment or edit the transaction of `manager` stores when its author is stopped from commenting in the
 * project: checked under the ban's lock (`lockedCommentBan`), first in that transaction, so that a ban committed
 * while it runs is never missed.
 */
export async function assertNotBanned(manager: EntityManager, projectId: string, user: AuthUser): Promise<void> {
  if (await lockedCommentBan(manager, projectId, user.id)) throw commentBanned();
}

/**
 * Volunteers a project's moderators and researchers stop from commenting in its discussions (a Talk ban, as Zooniverse
 * moderators give): while it lasts, their new comments and edits there are refused; what they wrote stays as it was,
 * each comment hidden or not on its own, unless the ban is made with `hideComments` (all of theirs there hidden at
 * once), and other projects are not concerned.
 */
@Injectable()
export class CommentBansService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: ProjectAccess,
    private readonly outbox: MailOutbox,
  ) {}

  /** A page of the project's comment bans, the most recent first (moderators and researchers). */
  async list(projectId: string, { limit, after }: CommentBansQuery, user: AuthUser): Promise<CommentBanPage> {
    await this.access.requireModerator(projectId, user, '/params/id');
    const rows = await this.db.query<CommentBanRow[]>(COMMENT_BANS, [projectId, after?.time ?? null, after?.id ?? null, limit + 1]);
    const { page, next } = timePage(rows, limit, 'user_id');
    return { commentBans: page.map(toView), next };
  }

  /**
   * Stops the volunteer from commenting in the project; stopping them again keeps when, and takes the new reason. The
   * mails of their comments there not yet sent are dropped. With `hideComments`, their comments there not hidden yet
   * are hidden too, by the caller with the ban's reason, in the ban's transaction (again, none are left to hide); lifting
   * the ban leaves them hidden.
   */
  async ban(projectId: string, volunteerId: string, { reason, hideComments }: CommentBanInput, user: AuthUser): Promise<CommentBanMade> {
    await this.access.requireModerator(projectId, user, '/params/id');
    return this.db.transaction(async (manager) => {
      await lockCommentBan(manager, projectId, volunteerId);
      await requireVolunteer(manager, projectId, volunteerId);
      const [row] = await manager.query<CommentBanRow[]>(BAN, [projectId, volunteerId, reason, user.id]);
      const [{ hidden: commentsHidden }] = hideComments ? await manager.query<{ hidden: number }[]>(HIDE_THEIR_COMMENTS, [user.id, reason, projectId, volunteerId]) : [{ hidden: 0 }];
      await this.outbox.forgetDiscussionMails({ authorId: volunteerId, projectId }, manager);
      return { ...toView(row!), commentsHidden };
    });
  }

  /** Lets the volunteer comment in the project again; the same for one not stopped, so that a retry is safe. */
  async lift(projectId: string, volunteerId: string, user: AuthUser): Promise<void> {
    await this.access.requireModerator(projectId, user, '/params/id');
    await this.db.transaction(async (manager) => {
      await lockCommentBan(manager, projectId, volunteerId);
      await manager.query('DELETE FROM comment_bans WHERE project_id = $1 AND user_id = $2', [projectId, volunteerId]);
    });
  }
}

/** Only a volunteer's account can be stopped from commenting: guests never comment, and the team answers volunteers. */
async function requireVolunteer(manager: EntityManager, projectId: string, volunteerId: string): Promise<void> {
  const [row] = await manager.query<{ kind: string; team: boolean }[]>(
    // The account's row shared until the ban commits: its deletion, which drops its bans, waits, or is seen.
    `SELECT u.kind, ${onTeamSql('u.id')} AS team FROM users u JOIN projects p ON p.id = $1 WHERE u.id = $2 FOR SHARE OF u`,
    [projectId, volunteerId],
  );
  const refuse = (message: string) => validationFailed([{ pointer: '/params/userId', message }]);
  if (row?.kind !== 'registered') throw refuse('names no volunteer’s account: give the id of the author of a comment (the reported comments’ author.id)');
  if (row.team) throw refuse('names one of the project’s moderators or researchers, who cannot be stopped from commenting: change their role instead');
}
