/**
 * Who follows a discussion (a subject's, in a project) is read from `discussion_follows` alone, one row per volunteer:
 * `following` true or false (false: they chose to stop, which wins over commenting), and `chosen` whether it is their
 * own choice (PUT or DELETE /subjects/:id/follow) or came of commenting there. A follow that came of commenting lasts
 * while one of their comments there is shown: a moderator's hiding of the last one (or its author's deletion of it)
 * takes it away, showing one again brings it back; a chosen row is never changed by either.
 */

/** Volunteer $3 follows the discussion of subject $2 in project $1 by commenting there, unless they chose before (`ON CONFLICT`). */
export const FOLLOWED_BY_COMMENTING = `
  INSERT INTO discussion_follows (project_id, subject_id, user_id, following, chosen) VALUES ($1, $2, $3, true, false)
  ON CONFLICT (project_id, subject_id, user_id) DO NOTHING`;

/**
 * Takes away the follows that came of the comments of `changed` (a statement's CTE of comments just hidden or deleted,
 * with their `id`, `project_id`, `subject_id` and `user_id`) where their author has no other comment shown in that
 * discussion (the statement reads the comments as they were before it: those of `changed` are left out by id).
 */
export const followsOfHiddenCommentsDroppedSql = (changed: string) => `
  DELETE FROM discussion_follows d USING ${changed} h
  WHERE d.project_id = h.project_id AND d.subject_id = h.subject_id AND d.user_id = h.user_id AND NOT d.chosen
    AND NOT EXISTS (
      SELECT 1 FROM subject_comments c
      WHERE c.project_id = h.project_id AND c.subject_id = h.subject_id AND c.user_id = h.user_id AND c.hidden_at IS NULL
        AND c.id NOT IN (SELECT id FROM ${changed}))`;

/** Gives back the follows that came of the comments of `shown` (a CTE, as `followsOfHiddenCommentsDroppedSql`'s), shown again, unless their authors chose since or deleted their account. */
export const followsOfShownCommentsSql = (shown: string) => `
  INSERT INTO discussion_follows (project_id, subject_id, user_id, following, chosen)
  SELECT DISTINCT s.project_id, s.subject_id, s.user_id, true, false FROM ${shown} s JOIN users u ON u.id = s.user_id AND u.kind = 'registered'
  ON CONFLICT (project_id, subject_id, user_id) DO NOTHING`;
