import { type OwnComment, commentPath } from '@chorus/client';
import { cursorTimeSql } from '../common/sql';
import { projectReadableBySql } from '@chorus/db';
import { onTeamSql } from '../projects/project-access';
import { REPLIED_JOIN_SQL, REPLIED_SQL, type RepliedRow, type StoredCommentRow, replyShown } from './stored-comment';

/** One of the caller's comments, with its project, as `ownCommentsSql` reads it. */
export interface OwnCommentRow extends StoredCommentRow, RepliedRow {
  project_id: string;
  project_slug: string;
  project_title: string;
  project_taken_down: boolean;
  /** The caller may read the project now (`projectReadableBySql`): its discussion is theirs to open. */
  readable: boolean;
  /** The caller is on the project's team now, who read why a comment was hidden. */
  team: boolean;
  /** `created_at` to the microsecond, for the cursor. */
  cursor_time: string;
  /** The title of the board discussion it is in; null for a subject's comment. */
  discussion_title: string | null;
}

/**
 * The caller's ($1, an account) comments in every project, in `order` (newest first for the page, oldest first for
 * the download), each with its project and whether the caller may still read it; `page` narrows them (the cursor).
 * Read from `subject_comments_user_recent_idx`, their comments alone, in either order.
 *
 * Comments in a project the caller can no longer read (taken back to draft, their membership ended, taken down) are
 * listed too: their words are theirs to see and take with them, whatever became of the project. Nothing of the
 * project's that its members alone may read comes with them: no link to its discussion, no other comment, no subject
 * content; and of a project the operators took down, not even its name (`ownCommentView`).
 */
export const ownCommentsSql = (order: 'ASC' | 'DESC', page = '') => `
  SELECT c.id, c.subject_id, c.board_discussion_id, c.user_id, c.body, c.hashtags, c.created_at, c.edited_at, c.hidden_at, c.hidden_reason, ${REPLIED_SQL},
         p.id AS project_id, p.slug AS project_slug, p.title AS project_title, p.taken_down_at IS NOT NULL AS project_taken_down,
         ${projectReadableBySql('$1::uuid')} AS readable, ${onTeamSql('$1::uuid')} AS team, ${cursorTimeSql('c.created_at')} AS cursor_time, bd.title AS discussion_title
  FROM subject_comments c JOIN projects p ON p.id = c.project_id LEFT JOIN board_discussions bd ON bd.id = c.board_discussion_id ${REPLIED_JOIN_SQL}
  WHERE c.user_id = $1 ${page}
  ORDER BY c.created_at ${order}, c.id ${order}`;

/** A page of the caller's ($1) comments, newest first: after the cursor ($2, $3; nulls for the first page), $4 rows. */
export const OWN_COMMENTS_PAGE = `${ownCommentsSql('DESC', 'AND ($2::timestamptz IS NULL OR (c.created_at, c.id) < ($2::timestamptz, $3::uuid))')} LIMIT $4`;

/** A project the operators took down is named to its members alone (as the caller's own classifications do). */
export const projectNamed = (row: OwnCommentRow) => !(row.project_taken_down && !row.readable);

/**
 * One of the caller's comments as they are shown it, as in its discussion: why it was hidden only while they are on the
 * project's team, and the comment it answers only while its discussion shows them that (`replyShown`).
 */
export function ownCommentView(row: OwnCommentRow): OwnComment {
  return {
    id: row.id,
    project: projectNamed(row) ? { id: row.project_id, slug: row.project_slug, title: row.project_title } : null,
    subjectId: row.subject_id,
    boardDiscussionId: row.board_discussion_id,
    discussionUrl: row.readable ? commentPath(row.project_slug, { subjectId: row.subject_id, boardDiscussionId: row.board_discussion_id }, row.id) : null,
    body: row.body,
    hashtags: row.hashtags,
    replyTo: replyShown(row, row.team, row.user_id) ? row.reply_to : null,
    createdAt: row.created_at.toISOString(),
    editedAt: row.edited_at?.toISOString() ?? null,
    hidden: row.hidden_at ? { hiddenAt: row.hidden_at.toISOString(), reason: row.team ? (row.hidden_reason ?? '') : null } : null,
  };
}
