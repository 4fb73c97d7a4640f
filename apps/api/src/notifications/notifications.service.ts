import { ADMINISTRATOR_ROLES, COMMENT_LIMITS, MODERATION_ROLES, type Notification, type NotificationPage, TEAM_MENTION, type WebhookDisabledReason, mentionsOf } from '@chorus/client';
import { type CommentNotificationKind, MAILED_READER_SQL, projectReadableBySql } from '@chorus/db';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { EmailLinks } from '../auth/email-links';
import { plainOpeningOf } from '../common/plain-text';
import { ProblemException } from '../common/problem';
import { cursorTimeSql } from '../common/sql';
import { timePage } from '../common/time-pages';
import { discussionMail } from '../mail/mails';
import { type CountedMail, Mailer } from '../mail/mailer';
import { UnsubscribeLinks } from '../unsubscriptions/unsubscribe-links';
import { type NotificationsQuery, type NotificationsRead } from './dto/notifications.dto';

/** What a new or edited comment says, for whom to tell of it. */
export interface NotifiedComment {
  id: string;
  projectId: string;
  authorId: string;
  body: string;
  /** The comment it replies to, whose author is told first (null: none, or an edit, which tells of the new mentions only). */
  replyTo: string | null;
  /** The discussion (a subject's id, or a board discussion's) whose followers are told of it, last (null: an edit, which tells of the new mentions only). */
  discussion: string | null;
}

/**
 * Who follows the discussion $7 (a subject's or a board discussion's id: they never meet) in project $4
 * (`discussion-follows.ts`: by commenting there or by their own choice), read from its follows alone by their unique
 * keys (a subject's, a board discussion's), less those its moderators stopped from commenting in the project.
 */
const FOLLOWERS = `
  SELECT d.user_id FROM discussion_follows d WHERE d.project_id = $4 AND d.subject_id = $7 AND d.following
  UNION ALL
  SELECT bd.user_id FROM discussion_follows bd WHERE bd.board_discussion_id = $7 AND bd.following
  EXCEPT
  SELECT b.user_id FROM comment_bans b WHERE b.project_id = $4`;

/**
 * Who is told of a comment ($1), once each (the first reason in `rank` order): the author of the comment it replies to
 * ($2); the accounts its @mentions name ($3), each a display name only one account has; the project's ($4) team when
 * it says @team ($5); those who follow the discussion $7 in the project (`FOLLOWERS`), when it is new there.
 * Never its author ($6), and only accounts that may read the project. One told before (an edit) is not told again.
 */
export const NOTIFY = `
  INSERT INTO comment_notifications (user_id, comment_id, kind)
  SELECT DISTINCT ON (told.user_id) told.user_id, $1, told.kind
  FROM (
    SELECT r.user_id, 'reply' AS kind, 1 AS rank FROM subject_comments r WHERE r.id = $2
    UNION ALL
    SELECT u.id, 'mention', 2 FROM users u
    WHERE u.kind = 'registered' AND u.display_name IN (
      SELECT display_name FROM users WHERE kind = 'registered' AND display_name = ANY($3::text[]) GROUP BY display_name HAVING count(*) = 1)
    UNION ALL
    SELECT m.user_id, 'team-mention', 3 FROM project_members m
    WHERE $5 AND m.project_id = $4 AND m.role IN (${MODERATION_ROLES.map((role) => `'${role}'`).join(', ')})
    UNION ALL
    SELECT f.user_id, 'discussion', 4 FROM (${FOLLOWERS}) f WHERE $7::uuid IS NOT NULL
  ) told
  JOIN users u ON u.id = told.user_id AND u.kind = 'registered'
  JOIN projects p ON p.id = $4 AND ${projectReadableBySql('told.user_id')}
  WHERE told.user_id <> $6
  ORDER BY told.user_id, told.rank
  ON CONFLICT (comment_id, user_id) DO NOTHING
  RETURNING user_id`;

/**
 * A notification `n` may be shown to its volunteer: of a comment `c` not hidden, or of a workflow's completion; in a
 * project `p` they may read now.
 */
const STILL_SHOWN = `(c.id IS NULL OR c.hidden_at IS NULL) AND ${projectReadableBySql('n.user_id')}`;
/**
 * What a volunteer ($1) may be shown of their notifications (`STILL_SHOWN`): of comments, workflows `w` or webhooks `h`,
 * in projects `p`; of a webhook (its address often a secret), only while they administer its project.
 */
const SHOWN = `
  FROM comment_notifications n LEFT JOIN subject_comments c ON c.id = n.comment_id LEFT JOIN workflows w ON w.id = n.workflow_id
  LEFT JOIN webhooks h ON h.id = n.webhook_id
  -- Its project, looked up by key for each notification (OFFSET 0 keeps the lookup apart): joined on either's, the
  -- planner misjudges how many there are, and sorts them all rather than read the newest from their index.
  CROSS JOIN LATERAL (SELECT id, slug, title, results_public, status, taken_down_at FROM projects WHERE id = coalesce(c.project_id, w.project_id, h.project_id) OFFSET 0) p
  WHERE n.user_id = $1 AND ${STILL_SHOWN}
    AND (n.webhook_id IS NULL OR EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = n.user_id AND m.role IN (${ADMINISTRATOR_ROLES.map((role) => `'${role}'`).join(', ')})))`;
/**
 * Who of those just told of a comment ($1: the accounts $2) is mailed of it: those who asked for it (`discussion_mails`
 * for a reply or a mention, `followed_discussion_mails` for a new comment in a discussion they follow) and have a verified email, while the notification may be shown to them (`STILL_SHOWN`). Their rows held until the
 * comment commits, so that an account stopping the mails meanwhile waits, then drops the mail kept here.
 */
const MAILED = `
  SELECT u.id AS user_id, u.email, u.display_name, u.language, n.kind, a.display_name AS author_name, p.title AS project_title, p.slug AS project_slug, c.subject_id, c.board_discussion_id
  FROM comment_notifications n JOIN users u ON u.id = n.user_id JOIN subject_comments c ON c.id = n.comment_id
  JOIN users a ON a.id = c.user_id JOIN projects p ON p.id = c.project_id
  WHERE n.comment_id = $1 AND n.user_id = ANY($2::uuid[]) AND (CASE WHEN n.kind = 'discussion' THEN u.followed_discussion_mails ELSE u.discussion_mails END) AND ${MAILED_READER_SQL} AND ${STILL_SHOWN}
  FOR SHARE OF u`;

/** How much of a comment a mail of it quotes, as plain text: a few lines; the link leads to the rest. */
export const MAILED_EXCERPT_LENGTH = 300;
/** A page of them, newest first, through `comment_notifications_user_recent_idx`: after the cursor ($2, $3), $4 at most. */
export const NOTIFICATIONS = `
  SELECT n.id, n.kind, n.created_at, n.read_at, ${cursorTimeSql('n.created_at')} AS cursor_time,
         c.id AS comment_id, c.subject_id, c.board_discussion_id, p.id AS project_id, p.slug AS project_slug, c.body,
         (SELECT CASE WHEN a.kind = 'deleted' THEN NULL ELSE a.display_name END FROM users a WHERE a.id = c.user_id) AS author_name,
         w.id AS workflow_id, w.name AS workflow_name, p.title AS project_title, p.results_public, n.subjects_done, n.team,
         h.id AS webhook_id, h.url AS webhook_url, h.disabled_reason, h.disabled_error
  ${SHOWN} AND ($2::timestamptz IS NULL OR (n.created_at, n.id) < ($2::timestamptz, $3::uuid))
  ORDER BY n.created_at DESC, n.id DESC LIMIT $4`;
/** How many of them are unread (`comment_notifications_unread_idx`). */
export const UNREAD = `SELECT count(*)::int AS unread ${SHOWN} AND n.read_at IS NULL`;

interface MailedRow {
  user_id: string;
  email: string;
  display_name: string;
  language: string | null;
  kind: CommentNotificationKind;
  author_name: string;
  project_title: string;
  project_slug: string;
  subject_id: string | null;
  board_discussion_id: string | null;
}

/** A notification as `NOTIFICATIONS` reads it: a comment's (its fields set), a workflow's completion (its), or a webhook turned off (its). */
type NotificationRow = {
  id: string;
  created_at: Date;
  read_at: Date | null;
  cursor_time: string;
  project_id: string;
  project_slug: string;
} & (
  | { kind: CommentNotificationKind; comment_id: string; subject_id: string | null; board_discussion_id: string | null; body: string; author_name: string | null }
  | { kind: 'workflow-complete'; workflow_id: string; workflow_name: string; project_title: string; results_public: boolean; subjects_done: number; team: boolean }
  | { kind: 'webhook-disabled'; webhook_id: string; webhook_url: string; project_title: string; disabled_reason: WebhookDisabledReason | null; disabled_error: string | null }
);

const notificationsNeedAnAccount = () =>
  new ProblemException(
    403,
    'Notifications are an account’s: a guest is told of nothing. Create one with POST /api/v1/auth/register, then sign in with POST /api/v1/auth/login sent with your guest token, so that your classifications come with you.',
    undefined,
    'account-required',
  );

/**
 * Talk's notifications: a volunteer with an account is told when someone else replies to their comment, mentions them
 * (`@displayName`), calls the project's team (`@team`) they are on, or comments in a discussion they follow; and (the
 * worker tells them, `tellCompletion`) when a workflow they classified in, or research, is complete. A notification of a comment hidden or deleted
 * since is not shown; one of an account deleted goes with it.
 */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly mailer: Mailer,
    private readonly links: EmailLinks,
    private readonly unsubscribeLinks: UnsubscribeLinks,
  ) {}

  /**
   * Tells of a comment, in the transaction that stores it (so a retried post tells no one twice), and keeps there a mail
   * to each of those told now who asked for one (`MAILED`), each counted in `counted` against its address's hour;
   * how many were told now. `sendMails` once it has committed, `giveBackMails(counted)` if it failed.
   */
  async tell(manager: EntityManager, comment: NotifiedComment, counted: CountedMail[]): Promise<number> {
    const mentions = mentionsOf(comment.body);
    if (!comment.replyTo && !mentions.length && !comment.discussion) return 0;
    const names = mentions.filter((name) => name !== TEAM_MENTION);
    const told = await manager.query<{ user_id: string }[]>(NOTIFY, [comment.id, comment.replyTo, names, comment.projectId, names.length < mentions.length, comment.authorId, comment.discussion]);
    if (told.length) await this.keepMails(manager, comment, told.map((row) => row.user_id), counted);
    return told.length;
  }

  /** Sends the mails `tell` kept, once their transaction has committed (else the mailer's next look, within a second, does). */
  sendMails(): void {
    this.mailer.sendKept();
  }

  /** Gives the mails `tell` counted back to their addresses' hours: their transaction failed, and none of them is kept. */
  async giveBackMails(counted: readonly CountedMail[]): Promise<void> {
    await this.mailer.giveBackDiscussionMails(counted);
  }

  /** The mails of the comment to those of `told` who asked for them (`MAILED`), its Markdown read once for them all. */
  private async keepMails(manager: EntityManager, comment: NotifiedComment, told: string[], counted: CountedMail[]): Promise<void> {
    const rows = await manager.query<MailedRow[]>(MAILED, [comment.id, told]);
    if (!rows.length) return;
    const excerpt = plainOpeningOf(comment.body, MAILED_EXCERPT_LENGTH);
    const settingsPage = this.links.page('account#discussion-mails');
    const mails = await Promise.all(
      rows.map(async (row) => {
        const followed = row.kind === 'discussion';
        const unsubscribe = await this.unsubscribeLinks.link(row.user_id, { mails: followed ? 'followedDiscussionMails' : 'discussionMails' });
        const words = {
          kind: row.kind,
          authorName: row.author_name,
          projectTitle: row.project_title,
          excerpt,
          commentLink: this.links.comment(row.project_slug, { subjectId: row.subject_id, boardDiscussionId: row.board_discussion_id }, comment.id),
          settingsPage,
          unsubscribeLink: unsubscribe.page,
        };
        const mail = discussionMail({ email: row.email, displayName: row.display_name, language: row.language }, words, unsubscribe.post);
        return { ...mail, commentId: comment.id, userId: row.user_id, followed };
      }),
    );
    await this.mailer.keepDiscussionMailsInTransaction(manager, mails, counted);
  }

  /** The caller's notifications, newest first, a page at a time, and how many are unread. */
  async mine({ limit, after }: NotificationsQuery, user: AuthUser): Promise<NotificationPage> {
    this.assertAccount(user);
    const rows = await this.db.query<NotificationRow[]>(NOTIFICATIONS, [user.id, after?.time ?? null, after?.id ?? null, limit + 1]);
    const [{ unread }] = await this.db.query<{ unread: number }[]>(UNREAD, [user.id]);
    const { page, next } = timePage(rows, limit);
    return { notifications: page.map(toNotification), unread: unread!, next };
  }

  /** Marks the caller's notifications read (those of `ids`, or all); ones read already keep when, and ids not theirs change nothing. */
  async markRead({ ids }: NotificationsRead, user: AuthUser): Promise<void> {
    this.assertAccount(user);
    await this.db.query('UPDATE comment_notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))', [user.id, ids ?? null]);
  }

  private assertAccount(user: AuthUser): void {
    if (user.kind !== 'registered') throw notificationsNeedAnAccount();
  }
}

/** A comment's first characters (whole code points), with … when cut. */
function excerptOf(body: string): string {
  const characters = [...body];
  return characters.length <= COMMENT_LIMITS.excerptLength ? body : `${characters.slice(0, COMMENT_LIMITS.excerptLength).join('').trimEnd()}…`;
}

function toNotification(row: NotificationRow): Notification {
  const told = { id: row.id, createdAt: row.created_at.toISOString(), readAt: row.read_at?.toISOString() ?? null };
  if (row.kind === 'workflow-complete') {
    const workflow = { id: row.workflow_id, name: row.workflow_name, projectId: row.project_id, projectSlug: row.project_slug, projectTitle: row.project_title, subjectsDone: row.subjects_done, team: row.team, resultsPublic: row.results_public };
    return { ...told, kind: row.kind, workflow };
  }
  if (row.kind === 'webhook-disabled') {
    const webhook = { id: row.webhook_id, url: row.webhook_url, projectId: row.project_id, projectSlug: row.project_slug, projectTitle: row.project_title, reason: row.disabled_reason, error: row.disabled_error };
    return { ...told, kind: row.kind, webhook };
  }
  return {
    ...told,
    kind: row.kind,
    comment: { id: row.comment_id, subjectId: row.subject_id, boardDiscussionId: row.board_discussion_id, projectId: row.project_id, projectSlug: row.project_slug, excerpt: excerptOf(row.body), author: { displayName: row.author_name } },
  };
}
