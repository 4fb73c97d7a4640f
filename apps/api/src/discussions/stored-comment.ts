/** A comment's own columns in `subject_comments`, as the discussions and the comments download read them. */
export interface StoredCommentRow {
  id: string;
  subject_id: string;
  user_id: string;
  body: string;
  hashtags: string[];
  created_at: Date;
  edited_at: Date | null;
  hidden_at: Date | null;
  hidden_reason: string | null;
  reply_to: string | null;
}

/**
 * Hides the comments `which` picks (a condition on `subject_comments`, its parameters from $3) from volunteers, by $1,
 * for reason $2: hiding one again keeps when, and takes the new reason and who. Their mails not yet sent are the
 * caller's to drop (`forgetDiscussionMails`); notifications of them are left out as they are read.
 */
export const hideCommentsSql = (which: string) =>
  `UPDATE subject_comments SET hidden_at = coalesce(hidden_at, now()), hidden_by = $1, hidden_reason = $2, updated_at = now() WHERE ${which}`;
