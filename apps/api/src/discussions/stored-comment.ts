import { followsOfHiddenCommentsDroppedSql } from './discussion-follows';

/** A comment's own columns in `subject_comments`, as the discussions and the comments download read them. */
export interface StoredCommentRow {
  id: string;
  /** The subject whose discussion it is in (null: a board discussion's comment). */
  subject_id: string | null;
  /** The board discussion it is in (null: a subject's comment). */
  board_discussion_id: string | null;
  user_id: string;
  body: string;
  hashtags: string[];
  created_at: Date;
  edited_at: Date | null;
  hidden_at: Date | null;
  hidden_reason: string | null;
  reply_to: string | null;
}

/** What a comment's row says of the comment it answers (`REPLIED_SQL`, from `REPLIED_JOIN_SQL`): whether it is still there, hidden, and whose. */
export interface RepliedRow {
  reply_to: string | null;
  reply_found: boolean;
  reply_hidden: boolean;
  /** Its author, who still sees it hidden, and so the reply's link to it. */
  reply_user_id: string | null;
}

/** The columns of `RepliedRow` for comment `c`, from `REPLIED_JOIN_SQL`. */
export const REPLIED_SQL = 'c.reply_to, r.id IS NOT NULL AS reply_found, r.hidden_at IS NOT NULL AS reply_hidden, r.user_id AS reply_user_id';
/** The comment `r` that comment `c` answers, if it is still there. */
export const REPLIED_JOIN_SQL = 'LEFT JOIN subject_comments r ON r.id = c.reply_to';

/**
 * Whether a reader (`reader`: their `accountIdOf`; `team`: on the project's team) is shown which comment this one
 * answers: a hidden comment is shown to the team and its author (`visible`), and so is a reply's link to it; a deleted
 * one to no one. One rule for the discussion and the author's own list of their comments.
 */
export const replyShown = (row: RepliedRow, team: boolean, reader: string | null): boolean =>
  row.reply_to !== null && row.reply_found && (team || !row.reply_hidden || row.reply_user_id === reader);

/**
 * Hides the comments `which` picks (a condition on `subject_comments`, its parameters from $3) from volunteers, by $1,
 * for reason $2: hiding one again keeps when, and takes the new reason and who. Their authors' follows that came of
 * them go where no other comment of theirs is shown there (`followsOfHiddenCommentsDroppedSql`), and their board
 * discussions' latest comment time is recounted (`lastCommentRecountedSql`). Answers how many were
 * hidden (`hidden`). Their mails not yet sent are the caller's to drop (`forgetDiscussionMails`); notifications of them
 * are left out as they are read.
 */
export const hideCommentsSql = (which: string) => `
  WITH hidden AS (
    UPDATE subject_comments SET hidden_at = coalesce(hidden_at, now()), hidden_by = $1, hidden_reason = $2, updated_at = now() WHERE ${which}
    RETURNING id, project_id, subject_id, board_discussion_id, user_id),
  unfollowed AS (${followsOfHiddenCommentsDroppedSql('hidden')}),
  recounted AS (${lastCommentRecountedSql('hidden', 'gone')})
  SELECT count(*)::int AS hidden FROM hidden`;

/**
 * SQL: gives the board discussions of the comments of `changed` (a statement's CTE of comments just hidden or deleted,
 * `gone`, or shown again, `back`, with their `id` and `board_discussion_id`) the time of their latest comment shown to
 * volunteers (their start when none), which orders a board's discussions. The statement reads the comments as they were
 * before it: those of `changed` are counted as they are after it.
 */
export const lastCommentRecountedSql = (changed: string, change: 'gone' | 'back') => `
  UPDATE board_discussions d SET last_comment_at = coalesce((
    SELECT max(c.created_at) FROM subject_comments c
    WHERE c.board_discussion_id = d.id AND ${change === 'gone' ? `c.hidden_at IS NULL AND c.id NOT IN (SELECT id FROM ${changed})` : `(c.hidden_at IS NULL OR c.id IN (SELECT id FROM ${changed}))`}), d.created_at)
  WHERE d.id IN (SELECT board_discussion_id FROM ${changed})`;
