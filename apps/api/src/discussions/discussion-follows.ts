/**
 * Who follows a discussion (a subject's in a project, or a board discussion: `DiscussionColumn`) is read from
 * `discussion_follows` alone, one row per volunteer:
 * `following` true or false (false: they chose to stop, which wins over commenting), and `chosen` whether it is their
 * own choice (PUT or DELETE /subjects/:id/follow) or came of commenting there. A follow that came of commenting lasts
 * while one of their comments there is shown: a moderator's hiding of the last one (or its author's deletion of it)
 * takes it away, showing one again brings it back; a chosen row is never changed by either.
 */

/** The column that names a discussion, in comments and follows alike: its subject's, or its board discussion's (whose ids never meet). */
export type DiscussionColumn = 'subject_id' | 'board_discussion_id';

/** The unique key of a follow of a discussion named by `column` (an `ON CONFLICT` target). */
export const followKey = (column: DiscussionColumn) => (column === 'subject_id' ? '(project_id, subject_id, user_id)' : '(board_discussion_id, user_id)');

/** Volunteer $3 follows the discussion $2 (`column`) in project $1 by commenting there, unless they chose before (`ON CONFLICT`). */
export const followedByCommentingSql = (column: DiscussionColumn) => `
  INSERT INTO discussion_follows (project_id, ${column}, user_id, following, chosen) VALUES ($1, $2, $3, true, false)
  ON CONFLICT ${followKey(column)} DO NOTHING`;

/** Rows `a` and `b` (comments or follows) are of the same discussion. */
export const sameDiscussionSql = (a: string, b: string) => `(${a}.subject_id = ${b}.subject_id OR ${a}.board_discussion_id = ${b}.board_discussion_id)`;

/**
 * Takes away the follows that came of the comments of `changed` (a statement's CTE of comments just hidden or deleted,
 * with their `id`, `project_id`, `subject_id`, `board_discussion_id` and `user_id`) where their author has no other comment shown in that
 * discussion (the statement reads the comments as they were before it: those of `changed` are left out by id).
 */
export const followsOfHiddenCommentsDroppedSql = (changed: string) => `
  DELETE FROM discussion_follows d USING ${changed} h
  WHERE d.project_id = h.project_id AND ${sameDiscussionSql('d', 'h')} AND d.user_id = h.user_id AND NOT d.chosen
    AND NOT EXISTS (
      SELECT 1 FROM subject_comments c
      WHERE c.project_id = h.project_id AND ${sameDiscussionSql('c', 'h')} AND c.user_id = h.user_id AND c.hidden_at IS NULL
        AND c.id NOT IN (SELECT id FROM ${changed}))`;

/** Gives back the follows that came of the comments of `shown` (a CTE, as `followsOfHiddenCommentsDroppedSql`'s), shown again, unless their authors chose since or deleted their account. */
export const followsOfShownCommentsSql = (shown: string) => `
  INSERT INTO discussion_follows (project_id, subject_id, board_discussion_id, user_id, following, chosen)
  SELECT DISTINCT s.project_id, s.subject_id, s.board_discussion_id, s.user_id, true, false FROM ${shown} s JOIN users u ON u.id = s.user_id AND u.kind = 'registered'
  ON CONFLICT DO NOTHING`;
