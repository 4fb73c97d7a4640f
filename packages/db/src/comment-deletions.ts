/**
 * Records that the comments `gone` (a `DELETE … RETURNING id, project_id, subject_id, board_discussion_id`, or any query of those columns)
 * were deleted, for the tombstones of `since=` comments downloads (`subject_comment_deletions`): one statement with the
 * delete, as a CTE's. A subject deleted in the same statement is still read (its external id): every part of one
 * statement sees the snapshot it began with.
 */
export const recordCommentDeletions = (gone: string) => `INSERT INTO subject_comment_deletions (comment_id, project_id, subject_id, board_discussion_id, external_id, deleted_at)
  SELECT g.id, g.project_id, g.subject_id, g.board_discussion_id, s.external_id, now() FROM ${gone} g LEFT JOIN subjects s ON s.id = g.subject_id
  ON CONFLICT (comment_id) DO NOTHING`;
