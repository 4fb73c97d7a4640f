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
