import { type DiscussionFollow, MODERATION_ROLES, type ProjectComment, type ProjectCommentPage, type SubjectComment, hashtagsOf, type SubjectCommentPage, type SubjectDiscussion, searchWordsOf } from '@chorus/client';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { COMMENT_BANNED, lockCommentBan, lockCommentBanShared, recordCommentDeletions } from '@chorus/db';
import { InjectThrottlerStorage } from '@nestjs/throttler';
import type { DataSource, EntityManager } from 'typeorm';
import { AddressLimitStore } from '../auth/address-limit-store';
import { holdBoardOpen } from '../boards/board-open';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException, conflict, forbidden, notFound, validationFailed } from '../common/problem';
import { profileIdSql } from '../common/profile-id';
import { type RateLimitNote, type RateLimitState, tooManyRequests } from '../common/rate-limits';
import { containsFoldedIndexedSql, cursorTimeSql } from '../common/sql';
import { type SubjectRow, subjectView } from '../common/subject-view';
import { timePage } from '../common/time-pages';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { IdempotentRequests } from '../idempotent-requests/idempotent-requests';
import { MailOutbox } from '../mail/mail-outbox';
import type { CountedMail } from '../mail/mailer';
import { NotificationsService } from '../notifications/notifications.service';
import { routeAccess } from '../projects/access-first';
import { ProjectAccess, accountIdOf } from '../projects/project-access';
import { type CommentEdit, type CommentHiding, type CommentInput, type DiscussionFollowQuery, type ProjectCommentsQuery, type SubjectCommentsQuery } from './dto/discussions.dto';
import { takenDownSql } from '../retirement/retired-by-sql';
import { assertNotBanned } from './comment-bans.service';
import { type DiscussionColumn, followKey, followedByCommentingSql, followsOfHiddenCommentsDroppedSql, followsOfShownCommentsSql } from './discussion-follows';
import { REPLIED_JOIN_SQL, REPLIED_SQL, type RepliedRow, type StoredCommentRow, hideCommentsSql, lastCommentRecountedSql, replyShown } from './stored-comment';

export interface CommentRow extends StoredCommentRow, RepliedRow {
  project_id: string;
  /** Null for a deleted account's comment: it stays, without its name. */
  display_name: string | null;
  /** The author's public profile (`profileIdSql`): null while they show none. */
  profile_id: string | null;
  team: boolean;
  /** `created_at` to the microsecond, for the cursor. */
  cursor_time: string;
  /** The author's name of the comment it answers (null: a deleted account). */
  reply_name: string | null;
}

/** A comment with its author's name and team badge (a member of the project in a moderating role), and the comment it answers. */
const COMMENTS = `
  SELECT c.id, c.project_id, c.subject_id, c.board_discussion_id, c.user_id, c.body, c.hashtags, c.created_at, c.edited_at, c.hidden_at, c.hidden_reason,
         CASE WHEN u.kind = 'deleted' THEN NULL ELSE u.display_name END AS display_name, ${profileIdSql('u')} AS profile_id,
         EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = c.project_id AND m.user_id = c.user_id AND m.role IN (${MODERATION_ROLES.map((role) => `'${role}'`).join(', ')})) AS team,
         ${cursorTimeSql('c.created_at')} AS cursor_time,
         ${REPLIED_SQL}, CASE WHEN ru.kind = 'deleted' THEN NULL ELSE ru.display_name END AS reply_name
  FROM subject_comments c JOIN users u ON u.id = c.user_id
  ${REPLIED_JOIN_SQL} LEFT JOIN users ru ON ru.id = r.user_id`;
/** A discussion's comments (a subject's or a board's: `column` $1), oldest first. $2: whether hidden ones are listed (else only the caller's own, $6); $3, $4: the cursor (or nulls); $5: the rows to read. */
const discussionCommentsSql = (column: DiscussionColumn) => `${COMMENTS}
  WHERE c.${column} = $1 AND ($2 OR c.hidden_at IS NULL OR c.user_id = $6) AND ($3::timestamptz IS NULL OR (c.created_at, c.id) > ($3::timestamptz, $4::uuid))
  ORDER BY c.created_at, c.id LIMIT $5`;
/**
 * A project's comments, newest first. $2: whether hidden ones are listed (else only the caller's own, $7); $3: only those
 * with this hashtag, or null (`@>`, which `subject_comments_hashtags_idx` serves); $8: only this author's, or null
 * (`subject_comments_user_project_idx` serves it: their comments in the project only, newest first); $9 on, one a word of `words`, in their order:
 * only those whose body holds each, whatever their case and accents (`subject_comments_body_trgm_idx` serves a word of
 * 3 letters or more, `containsFoldedIndexedSql`: see README); $4, $5: the cursor; $6: the rows to read.
 */
export const projectCommentsSql = (words: string[]) => `${COMMENTS}
  WHERE c.project_id = $1 AND ($2 OR c.hidden_at IS NULL OR c.user_id = $7) AND ($3::text IS NULL OR c.hashtags @> ARRAY[$3::text])
    AND ($8::uuid IS NULL OR c.user_id = $8::uuid)
    ${words.map((word, index) => `AND ${containsFoldedIndexedSql('c.body', `$${index + 9}::text`, word)}`).join('\n    ')}
    AND ($4::timestamptz IS NULL OR (c.created_at, c.id) < ($4::timestamptz, $5::uuid))
  ORDER BY c.created_at DESC, c.id DESC LIMIT $6`;

/** Whether volunteer $3 follows the discussion $2 (`column`) in project $1 (`discussion-follows.ts`). */
const followingSql = (column: DiscussionColumn) => `
  SELECT coalesce((SELECT following FROM discussion_follows WHERE project_id = $1 AND ${column} = $2 AND user_id = $3), false) AS following`;

/** Volunteer $3 follows the discussion $2 (`column`) in project $1, their own choice (again: nothing changes). */
const followSql = (column: DiscussionColumn) => `
  INSERT INTO discussion_follows (project_id, ${column}, user_id, following, chosen) VALUES ($1, $2, $3, true, true)
  ON CONFLICT ${followKey(column)} DO UPDATE SET following = true, chosen = true, changed_at = now() WHERE NOT (discussion_follows.following AND discussion_follows.chosen)`;

/**
 * Volunteer $3 stops following the discussion $2 (`column`) in project $1, their own choice, which wins over commenting
 * there: a row where they follow it or commented there (hidden comments too, so that showing one again does not make
 * them follow it); a discussion never followed nor commented in stores nothing.
 */
const unfollowSql = (column: DiscussionColumn) => `
  INSERT INTO discussion_follows (project_id, ${column}, user_id, following, chosen)
  SELECT $1, $2, $3, false, true
  WHERE EXISTS (SELECT 1 FROM discussion_follows WHERE project_id = $1 AND ${column} = $2 AND user_id = $3 AND following)
     OR EXISTS (SELECT 1 FROM subject_comments WHERE project_id = $1 AND ${column} = $2 AND user_id = $3)
  ON CONFLICT ${followKey(column)} DO UPDATE SET following = false, chosen = true, changed_at = now() WHERE discussion_follows.following OR NOT discussion_follows.chosen`;

const HOUR_MS = 3600_000;

/** The refusal of a guest's comment, or report of one: accounts only write in discussions. */
export const signInTo = (what: 'comment' | 'report a comment' | 'follow a discussion') =>
  new ProblemException(
    403,
    `Sign in to ${what}: guests read discussions, and only volunteers with an account write in them. Create one with POST /api/v1/auth/register, then sign in with POST /api/v1/auth/login sent with your guest token, so that your classifications come with you.`,
    undefined,
    'account-required',
  );

/** The refusal of a new comment, or an edit, on a subject the project's team took down, to anyone not on the team: its discussion stays readable, closed. */
const takenDown = () =>
  conflict(
    "This subject was taken down by the project's team (it may show personal data or sensitive content), so its discussion takes no new comments nor edits; what was said stays readable. Comment on another subject, or write to the project's team.",
    'subject-taken-down',
  );

/** The refusal of a change to the caller's own comment that the project's moderators hid: it stays as they hid it (their reason is the team's). */
const hiddenByModerators = (what: 'edit' | 'delete') =>
  conflict(
    `You cannot ${what} this comment: the project's moderators hid it, so it stays as it was when they hid it. Other volunteers do not see it; ask the project's team if you think it should be shown again.`,
    'comment-hidden',
  );

/**
 * Subjects' discussions (Talk): volunteers ask about a subject, tag it with #hashtags, reply to one another (flat, as
 * Zooniverse's Talk: a reply names the comment it answers), @mention one another, and read what others and the
 * research team said. Anyone who may see the project reads them; accounts write, edit and delete their own; the
 * project's moderators and researchers hide a comment, with a reason, from volunteers (they still see it, marked).
 */
@Injectable()
export class DiscussionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectThrottlerStorage() private readonly limits: AddressLimitStore,
    private readonly access: ProjectAccess,
    private readonly idempotentRequests: IdempotentRequests,
    private readonly notifications: NotificationsService,
    private readonly outbox: MailOutbox,
  ) {}

  /** The subject as volunteers see it, and a page of its discussion in the project, oldest first. */
  async discussion(subjectId: string, { projectId, limit, after }: SubjectCommentsQuery, user: AuthUser | undefined): Promise<SubjectDiscussion> {
    await this.access.readable(projectId, user, '/query/projectId');
    const team = await this.isTeam(projectId, user);
    const subject = subjectView(await this.subjectOf(projectId, subjectId), team);
    return { subject, ...(await this.discussionPage({ projectId, column: 'subject_id', id: subjectId }, { limit, after }, user, team)) };
  }

  /** A page of a discussion's comments, oldest first, and whether the caller is stopped from commenting there, and follows it. */
  async discussionPage(place: DiscussionPlace, { limit, after }: PageQuery, user: AuthUser | undefined, team: boolean): Promise<SubjectCommentPage & { commentBanned: boolean; following: boolean }> {
    const rows = await this.db.query<CommentRow[]>(discussionCommentsSql(place.column), [place.id, team, after?.time ?? null, after?.id ?? null, limit + 1, accountIdOf(user) ?? null]);
    const commentBanned = !team && (await this.commentBanned(place.projectId, user));
    // A volunteer banned from commenting is told of no comment (the followers leave them out): they follow nothing.
    return { ...this.page(rows, limit, { user, team }), commentBanned, following: !commentBanned && (await this.following(place, user)) };
  }

  /**
   * Follows the subject's discussion in the project, or stops (`following` false), for the caller (an account): their
   * choice, kept over whether they commented in it; the same answer again.
   */
  async follow(subjectId: string, { projectId }: DiscussionFollowQuery, following: boolean, user: AuthUser): Promise<DiscussionFollow> {
    if (user.kind !== 'registered') throw signInTo('follow a discussion');
    await this.access.readable(projectId, user, '/query/projectId');
    await this.subjectOf(projectId, subjectId);
    return this.setFollow({ projectId, column: 'subject_id', id: subjectId }, following, user);
  }

  /** Follows the discussion, or stops (`following` false), for the caller (an account, who may read it). */
  async setFollow(place: DiscussionPlace, following: boolean, user: AuthUser): Promise<DiscussionFollow> {
    if (following) await this.db.transaction((manager) => assertNotBanned(manager, place.projectId, user));
    await this.db.query(following ? followSql(place.column) : unfollowSql(place.column), [place.projectId, place.id, user.id]);
    return { following };
  }

  private async following(place: DiscussionPlace, user: AuthUser | undefined): Promise<boolean> {
    if (user?.kind !== 'registered') return false;
    const [{ following }] = await this.db.query<{ following: boolean }[]>(followingSql(place.column), [place.projectId, place.id, user.id]);
    return following;
  }

  /**
   * The project's comments, newest first (with `tag`, those with that hashtag; with `q`, those whose body holds each of
   * its words; with `author`, that volunteer's, for the team only), each with its subject: its recent discussions, and
   * their search.
   */
  async projectComments(projectId: string, { tag, q, author, limit, after }: ProjectCommentsQuery, user: AuthUser | undefined): Promise<ProjectCommentPage> {
    await this.access.readable(projectId, user, '/params/id');
    const team = await this.isTeam(projectId, user);
    if (author && !team) throw forbidden('Only the project’s moderators and researchers may list one volunteer’s comments (author); leave author out to read the project’s discussions.');
    const words = q ? searchWordsOf(q) : [];
    const rows = await this.db.query<CommentRow[]>(projectCommentsSql(words), [
      projectId,
      team,
      tag ?? null,
      after?.time ?? null,
      after?.id ?? null,
      limit + 1,
      accountIdOf(user) ?? null,
      author ?? null,
      ...words,
    ]);
    const { comments, next } = this.page(rows, limit, { user, team });
    const subjectIds = [...new Set(comments.flatMap((comment) => comment.subjectId ?? []))];
    const subjects = await this.db.query<SubjectRow[]>(`SELECT s.id, s.external_id, s.locations, s.metadata, ${takenDownSql('s.id')} AS taken_down FROM subjects s WHERE s.id = ANY($1::uuid[])`, [subjectIds]);
    const byId = new Map(subjects.map((subject) => [subject.id, subjectView(subject, team)]));
    const boardDiscussions = await this.boardDiscussionsNamed(comments.flatMap((comment) => comment.boardDiscussionId ?? []));
    return {
      comments: comments.map((comment) => ({
        ...comment,
        subject: comment.subjectId ? byId.get(comment.subjectId)! : null,
        boardDiscussion: comment.boardDiscussionId ? boardDiscussions.get(comment.boardDiscussionId)! : null,
      })),
      next,
    };
  }

  /**
   * Stores a comment by the caller (an account), counted against their hourly limit but in a project whose team they
   * are on (its researchers and moderators answer volunteers there), and tells those it replies to or mentions; its
   * answer kept for a retry with the same key.
   */
  async post(subjectId: string, { projectId, body, replyTo }: CommentInput, user: AuthUser, note: RateLimitNote): Promise<SubjectComment> {
    if (user.kind !== 'registered') throw signInTo('comment');
    await this.access.readable(projectId, user, '/projectId');
    const subject = await this.subjectOf(projectId, subjectId);
    const place: DiscussionPlace = { projectId, column: 'subject_id', id: subjectId };
    if (replyTo) await this.assertAnswerable(replyTo, place);
    const team = await this.isTeam(projectId, user);
    if (subject.taken_down && !team) throw takenDown();
    return this.postIn(place, { body, replyTo }, user, team, note);
  }

  /**
   * Stores a comment by the caller (an account, whose access the caller checked) in the discussion `place`, as `post`
   * says; `opening`: what to check or store before it (in its transaction), and, for a discussion it opens, the answer
   * to give (and keep for a retry) in the place of the comment.
   */
  async postIn<T = SubjectComment>(place: DiscussionPlace, { body, replyTo }: { body: string; replyTo?: string }, user: AuthUser, team: boolean, note: RateLimitNote, opening?: Opening<T>): Promise<T> {
    const { projectId } = place;
    const viewer = { user, team };
    return this.counting(user, note, async (count, mailed) => {
      if (!team) await count();
      const posted = await this.db.transaction(async (manager) => {
        if (team) await lockCommentBanShared(manager, projectId, user.id);
        else await assertNotBanned(manager, projectId, user);
        await opening?.before(manager);
        const [{ id }] = await manager.query<{ id: string }[]>(
          `INSERT INTO subject_comments (project_id, ${place.column}, user_id, body, hashtags, reply_to) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [projectId, place.id, user.id, body, hashtagsOf(body), replyTo ?? null],
        );
        if (place.column === 'board_discussion_id') await manager.query('UPDATE board_discussions SET last_comment_at = now() WHERE id = $1', [place.id]);
        await this.notifications.tell(manager, { id: id!, projectId, authorId: user.id, body, replyTo: replyTo ?? null, discussion: place.id }, mailed);
        await manager.query(followedByCommentingSql(place.column), [projectId, place.id, user.id]);
        const comment = toView((await this.rowOf(manager, id!))!, viewer);
        const answer = opening?.answer ? await opening.answer(manager, comment) : (comment as T);
        await this.idempotentRequests.keepAnswerIn(manager, { body: answer });
        return answer;
      });
      this.notifications.sendMails();
      return posted;
    });
  }

  /**
   * Rewrites the caller's own comment, noting when, and tells those it mentions now who were not told of it before: an
   * edit that tells anyone counts against the hourly limit as a new comment would (not for the project's team). A
   * comment hidden between the check and the change is refused as one hidden before; one on a subject taken down, as a
   * new comment on it would be (but the team's); one in an archived board, as a new comment there.
   */
  async edit(commentId: string, { body }: CommentEdit, user: AuthUser, note: RateLimitNote): Promise<SubjectComment> {
    const row = await this.ownComment(commentId, user, 'edit');
    const team = await this.isTeam(row.project_id, user);
    if (!team && row.subject_id && (await this.subjectOf(row.project_id, row.subject_id)).taken_down) throw takenDown();
    await this.counting(user, note, (count, mailed) =>
      this.db.transaction(async (manager) => {
        if (!team) await assertNotBanned(manager, row.project_id, user);
        if (row.board_discussion_id) await holdBoardOpen(manager, row.board_discussion_id, 'discussion');
        const [, changed] = await manager.query<[unknown, number]>('UPDATE subject_comments SET body = $2, hashtags = $3, edited_at = now(), updated_at = now() WHERE id = $1 AND hidden_at IS NULL', [
          commentId,
          body,
          hashtagsOf(body),
        ]);
        if (!changed) await this.refuseChange(commentId, user, 'edit');
        const told = await this.notifications.tell(manager, { id: commentId, projectId: row.project_id, authorId: row.user_id, body, replyTo: null, discussion: null }, mailed);
        if (told && !team) await count();
      }),
    );
    this.notifications.sendMails();
    return toView((await this.rowOf(this.db.manager, commentId))!, { user, team });
  }

  /**
   * Deletes the caller's own comment, noting it for the tombstone of `since=` comments downloads, and drops its mails not
   * yet sent; refused if hidden meanwhile.
   */
  async delete(commentId: string, user: AuthUser): Promise<void> {
    const row = await this.ownComment(commentId, user, 'delete');
    const deleted = await this.db.transaction(async (manager) => {
      await lockCommentBan(manager, row.project_id, row.user_id);
      const [{ deleted }] = await manager.query<{ deleted: number }[]>(
        `WITH gone AS (DELETE FROM subject_comments WHERE id = $1 AND hidden_at IS NULL RETURNING id, project_id, subject_id, board_discussion_id, user_id), noted AS (${recordCommentDeletions('gone')}),
           unfollowed AS (${followsOfHiddenCommentsDroppedSql('gone')}), recounted AS (${lastCommentRecountedSql('gone', 'gone')}) SELECT count(*)::int AS deleted FROM gone`,
        [commentId],
      );
      return deleted;
    });
    if (!deleted) await this.refuseChange(commentId, user, 'delete');
    await this.outbox.forgetDiscussionMails({ commentId });
  }

  /**
   * Hides a comment from volunteers, with the reason (the project's moderators and researchers), and drops its mails not
   * yet sent; hiding it again gives the new reason.
   */
  async hide(commentId: string, { reason }: CommentHiding, user: AuthUser): Promise<SubjectComment> {
    const row = await this.requireModerator(commentId, user);
    await this.db.transaction(async (manager) => {
      await lockCommentBan(manager, row.project_id, row.user_id);
      await manager.query(hideCommentsSql('id = $3'), [user.id, reason, commentId]);
      await this.outbox.forgetDiscussionMails({ commentId }, manager);
    });
    return toView((await this.rowOf(this.db.manager, commentId))!, { user, team: true });
  }

  /**
   * Shows a hidden comment to volunteers again (the project's moderators and researchers), and with it its author's
   * follow of the discussion that came of commenting, unless they chose since; the same for one not hidden.
   */
  async unhide(commentId: string, user: AuthUser): Promise<void> {
    const row = await this.requireModerator(commentId, user);
    await this.db.transaction(async (manager) => {
      await lockCommentBan(manager, row.project_id, row.user_id);
      await manager.query(
        `WITH shown AS (
           UPDATE subject_comments SET hidden_at = NULL, hidden_by = NULL, hidden_reason = NULL, updated_at = now() WHERE id = $1 AND hidden_at IS NOT NULL
           RETURNING id, project_id, subject_id, board_discussion_id, user_id),
         recounted AS (${lastCommentRecountedSql('shown', 'back')})
         ${followsOfShownCommentsSql('shown')}`,
        [commentId],
      );
    });
  }

  private page(rows: CommentRow[], limit: number, viewer: Viewer): SubjectCommentPage {
    const { page, next } = timePage(rows, limit);
    return { comments: page.map((row) => toView(row, viewer)), next };
  }

  /**
   * Runs `work`, which calls `count` to take a slot of the caller's hourly comment limit (refused with a 429 once it is
   * used up), and notes in `mailed` the mails its comment counted against their readers' hours (`tell`): a slot
   * taken, and mails counted, by work that then fails (its transaction rolled back: the comment hidden meanwhile, the
   * limit reached after an edit told anyone, a conflict) are given back. Taken before the commit, so that two requests
   * at once cannot both have the last slot.
   */
  private async counting<T>(user: AuthUser, note: RateLimitNote, work: (count: () => Promise<void>, mailed: CountedMail[]) => Promise<T>): Promise<T> {
    const key = `comments:${user.id}`;
    const mailed: CountedMail[] = [];
    let taken: string | undefined;
    let state: RateLimitState | undefined;
    const count = async () => {
      const limit = this.config.commentsPerAccountPerHour;
      if (limit === 0) return;
      const hit = await this.limits.take(key, HOUR_MS, limit);
      if (!('id' in hit)) {
        throw tooManyRequests((when) => `Too many comments from your account (at most ${limit} an hour); try again in ${when}.`, { limit, resetSeconds: hit.retryAfterSeconds });
      }
      taken = hit.id;
      state = { limit, remaining: Math.max(0, limit - hit.counted), resetSeconds: hit.resetSeconds };
    };
    try {
      const done = await work(count, mailed);
      if (state) note(state);
      return done;
    } catch (error) {
      if (taken) await this.limits.giveBack(key, taken);
      await this.notifications.giveBackMails(mailed);
      throw error;
    }
  }

  /** The subject's row, and whether it is taken down; 404 when the project has no such subject. */
  private async subjectOf(projectId: string, subjectId: string): Promise<SubjectRow> {
    const [subject] = await this.db.query<SubjectRow[]>(`SELECT s.id, s.external_id, s.locations, s.metadata, ${takenDownSql('s.id')} AS taken_down FROM subjects s WHERE s.id = $1 AND s.project_id = $2`, [
      subjectId,
      projectId,
    ]);
    if (!subject) throw notFound(`Subject ${subjectId} in this project`, '/params/id');
    return subject;
  }

  /** Whether the caller, an account, is stopped from commenting in the project (read as it is now: a comment checks again as it is stored). */
  async commentBanned(projectId: string, user: AuthUser | undefined): Promise<boolean> {
    if (user?.kind !== 'registered') return false;
    const [{ banned }] = await this.db.query<{ banned: boolean }[]>(COMMENT_BANNED, [projectId, user.id]);
    return banned;
  }

  /** Whether the caller moderates or researches the project: its team, who see hidden comments and are not rate limited. */
  async isTeam(projectId: string, user: AuthUser | undefined): Promise<boolean> {
    const role = await this.access.roleOf(projectId, user);
    return role !== undefined && MODERATION_ROLES.includes(role);
  }

  private async rowOf(manager: EntityManager, commentId: string): Promise<CommentRow | undefined> {
    const [row] = await manager.query<CommentRow[]>(`${COMMENTS} WHERE c.id = $1`, [commentId]);
    return row;
  }

  /** The comment, if the caller may see it: in a project they may see, and not hidden unless they are on its team or wrote it. */
  async visible(commentId: string, user: AuthUser): Promise<CommentRow> {
    const row = await this.rowOf(this.db.manager, commentId);
    const missing = () => notFound(`Comment ${commentId}`, '/params/id');
    if (!row) throw missing();
    await this.access.readable(row.project_id, user, '/params/id', `Comment ${commentId}`);
    if (row.hidden_at && row.user_id !== accountIdOf(user) && !(await this.isTeam(row.project_id, user))) throw missing();
    return row;
  }

  /** The caller's own comment, which they may change while the project's moderators have not hidden it. */
  private async ownComment(commentId: string, user: AuthUser, what: 'edit' | 'delete'): Promise<CommentRow> {
    const row = await this.visible(commentId, user);
    if (row.user_id !== accountIdOf(user)) throw new ProblemException(403, `Only its author may ${what} a comment; moderators and researchers hide one instead (PUT /comments/:id/hidden).`);
    if (row.hidden_at) throw hiddenByModerators(what);
    return row;
  }

  /** Refuses a change that found no comment to change: deleted (404) or, most likely, hidden since it was checked (409). */
  private async refuseChange(commentId: string, user: AuthUser, what: 'edit' | 'delete'): Promise<never> {
    await this.ownComment(commentId, user, what);
    throw hiddenByModerators(what);
  }

  /** Refuses a reply to a comment not in this discussion, hidden from volunteers, or deleted, naming `/replyTo`. */
  async assertAnswerable(replyTo: string, place: DiscussionPlace): Promise<void> {
    const [answered] = await this.db.query<{ hidden: boolean }[]>(`SELECT hidden_at IS NOT NULL AS hidden FROM subject_comments WHERE id = $1 AND ${place.column} = $2`, [replyTo, place.id]);
    const refuse = (message: string) => validationFailed([{ pointer: '/replyTo', message }]);
    if (answered) {
      if (answered.hidden) throw refuse('names a comment the project’s moderators hid: it cannot be replied to; leave replyTo out to comment without it');
      return;
    }
    const [deleted] = await this.db.query(`SELECT 1 FROM subject_comment_deletions WHERE comment_id = $1 AND ${place.column} = $2`, [replyTo, place.id]);
    if (deleted) throw refuse('names a comment its author deleted: it cannot be replied to; leave replyTo out to comment without it');
    throw refuse(`names no comment ${place.column === 'subject_id' ? 'on this subject' : 'in this discussion'}: reply to one of its discussion’s comments (its id), or leave replyTo out`);
  }

  /** The board discussions `ids`, each with its title and board's, to name a comment's discussion by. */
  private async boardDiscussionsNamed(ids: string[]): Promise<Map<string, NonNullable<ProjectComment['boardDiscussion']>>> {
    if (!ids.length) return new Map();
    const rows = await this.db.query<{ id: string; title: string; board_id: string; board_title: string }[]>(
      'SELECT d.id, d.title, b.id AS board_id, b.title AS board_title FROM board_discussions d JOIN project_boards b ON b.id = d.board_id WHERE d.id = ANY($1::uuid[])',
      [[...new Set(ids)]],
    );
    return new Map(rows.map((row) => [row.id, { id: row.id, title: row.title, board: { id: row.board_id, title: row.board_title } }]));
  }

  /** The comment, if the caller moderates its project (a moderator or researcher); 404 when they may not see it. */
  async requireModerator(commentId: string, user: AuthUser): Promise<CommentRow> {
    const row = await this.visible(commentId, user);
    await this.access.requireModerator(row.project_id, user, '/params/id', `Comment ${commentId}`);
    return row;
  }
}

/** The routes of a comment (`comments/:id/…`) for its project's moderators and researchers, asked first (`AccessFirst`). */
export const COMMENT_MODERATORS = routeAccess(DiscussionsService, (discussions, id, user) => discussions.requireModerator(id, user));

/** A discussion comments are posted in: a subject's (`subject_id`: the subject) or a board discussion, in its project. */
export interface DiscussionPlace {
  projectId: string;
  column: DiscussionColumn;
  id: string;
}

/** A page's query: its size, and where it starts. */
interface PageQuery {
  limit: number;
  after?: { time: string; id: string } | undefined;
}

/** What a comment checks or stores first, in its transaction (its board still open), and, for one that opens a discussion, the answer given in its place. */
export interface Opening<T> {
  before(manager: EntityManager): Promise<void>;
  answer?(manager: EntityManager, comment: SubjectComment): Promise<T>;
}

/** Who reads a comment: the caller, and whether they are on its project's team (who see hidden comments). */
interface Viewer {
  user: AuthUser | undefined;
  team: boolean;
}

function toView(row: CommentRow, { user, team }: Viewer): SubjectComment {
  return {
    id: row.id,
    projectId: row.project_id,
    subjectId: row.subject_id,
    boardDiscussionId: row.board_discussion_id,
    author: { id: row.profile_id, displayName: row.display_name, team: row.team },
    mine: row.user_id === accountIdOf(user),
    body: row.body,
    hashtags: row.hashtags,
    createdAt: row.created_at.toISOString(),
    editedAt: row.edited_at?.toISOString() ?? null,
    hidden: row.hidden_at ? { hiddenAt: row.hidden_at.toISOString(), reason: team ? (row.hidden_reason ?? '') : null } : null,
    replyTo: replyShown(row, team, accountIdOf(user)) ? { id: row.reply_to!, authorDisplayName: row.reply_name } : null,
  };
}
