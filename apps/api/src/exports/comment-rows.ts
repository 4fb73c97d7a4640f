import { COMMENT_REPORT_REASONS, RESEARCHER_ROLES } from '@chorus/client';
import type { StoredCommentRow } from '../discussions/stored-comment';
import { type RecordOf, downloadTime } from './export-format';

/**
 * One comment of a subject's discussion, as the download's query reads it; or, in a `since=` download, the tombstone of
 * one deleted (`deleted_at`), whose other columns are null, whatever their type here.
 */
export interface CommentRow extends StoredCommentRow {
  external_id: string | null;
  /** A board discussion's comment: its board's title, and the discussion's. */
  board: string | null;
  discussion_title: string | null;
  /** `deleted` for an account deleted since: the comment stays, without naming it. */
  user_kind: string;
  /** Its author's role in the project now, if they are a member. */
  role: string | null;
  hidden_by: string | null;
  /**
   * Its reports still to handle, and those handled (dismissed, or all of a hidden comment's: unlike the reported
   * comments' `openReports`, which counts a hidden comment's undismissed ones); null on a tombstone.
   */
  reports_open: number | null;
  reports_handled: number | null;
  /** The reason of each of its reports, in the order they were first made. */
  report_reasons: string[] | null;
  /** When it or one of its reports last changed. */
  updated_at: Date;
  deleted_at: Date | null;
}

/** What `author` says of a deleted account's comment, as the classifier says it. */
export const FORMER_VOLUNTEER = 'former volunteer';

/** The columns, each with what it holds (the API's documentation and README list them); a new one goes last, as consumers read them by position. */
export const COMMENT_COLUMNS = {
  comment_id: "the comment's id",
  subject_id: "the id of the subject it is about (comments belong to the subject in the project, not to a workflow: join on subject_id to any workflow's downloads); empty for a comment in a board discussion",
  external_id: "the researchers' id of the subject, if it has one",
  author: `its author's user id (GET /projects/:id/members names the team's), or "${FORMER_VOLUNTEER}" once they deleted their account`,
  author_role: "volunteer, reviewer, moderator or researcher (an owner, collaborator or scientist): its author's role in the project at the download, not when they wrote it",
  body: 'what they wrote, in Markdown, as it is now (after any edit)',
  hashtags: 'its #hashtags, lower case, without the #, each once, in the order they first appear, a list',
  reply_to: "the comment_id of the comment in the same discussion it replies to; empty if none. Kept once that comment is deleted (its tombstone, in a since= download, says so)",
  created_at: 'when it was posted (ISO 8601)',
  edited_at: 'when its author last edited it; empty if never',
  hidden: 'whether a moderator or researcher hid it from volunteers (hidden comments are in the download, for the team)',
  hidden_reason: 'why it was hidden, in their words; empty when it is shown',
  hidden_at: 'when it was hidden (hiding it again keeps the first time); empty when it is shown (showing it again empties it, its reason and hidden_by)',
  hidden_by: 'the user id of the moderator or researcher who last hid it (or gave a new reason); empty when it is shown',
  reports_open:
    'how many volunteers reported it (POST /comments/:id/reports) with a report still to handle: a report nobody dismissed, of a comment shown; 0 when none. Every report of a hidden comment is handled (open again if it is shown again), where GET /projects/:id/reported-comments still counts its undismissed ones in openReports',
  reports_handled: 'how many of its reports were handled: dismissed by a moderator or researcher, or not dismissed but the comment hidden; reports_open + reports_handled is how many volunteers reported it (each once)',
  report_reasons: `the reason of each of its reports, open and handled, one per volunteer who reported it (${COMMENT_REPORT_REASONS.join(', ')}: a reason two gave comes twice), in the order they first reported it, a list; empty when none. Never who reported it, nor their notes (the team reads those at GET /projects/:id/reported-comments)`,
  deleted_at:
    'only in a since= download: when its author deleted the comment (or it went with its subject), a tombstone, a row with nothing else but comment_id, subject_id, external_id (kept for a deleted subject), board_discussion_id and updated_at (the same moment): drop the comment you hold; empty on every other row',
  updated_at:
    "when the comment last changed (posted, edited, hidden or shown again, its author's account deleted, or deleted: its tombstone), or its reports did (a volunteer reported it, or again after a dismissal or with other words while open; its reports dismissed): what since= compares. Not a change of it: its author's role in the project",
  board_discussion_id: 'the id of the board discussion it is in (Talk’s boards: discussions about no one subject); empty for a comment on a subject',
  board: 'the title of that board discussion’s board, as it is now; empty for a comment on a subject. Renaming a board changes no comment’s updated_at: a since= download does not give its comments again (GET /projects/:id/boards has the boards’ titles now)',
  discussion_title: 'the title of that board discussion; empty for a comment on a subject',
} as const;

/** The columns above that hold a list: a JSON list in JSON and NDJSON, joined with `;` in CSV. */
export const COMMENT_LIST_COLUMNS = ['hashtags', 'report_reasons'] as const satisfies readonly (keyof typeof COMMENT_COLUMNS)[];

/** When report `r` last changed, which gives its comment again with since=: made (or made again after a dismissal), or dismissed. */
const REPORT_CHANGED = 'greatest(r.reported_at, r.dismissed_at)';

/**
 * The reports of the project's ($1) comments `reported` (its creation and id: a table or the keys of those changed),
 * counted once by comment and keyed by the download's order, so that they are merge-joined to the comments as those
 * stream in order (a hash join gives its rows in no order, and the planner sorted every comment again; a lookup per
 * comment read each one's reports alone).
 */
const reportsOf = (reported: string) => `
  SELECT reported.created_at, r.comment_id, count(*)::int AS made, count(*) FILTER (WHERE r.dismissed_at IS NULL)::int AS undismissed,
         array_agg(r.reason::text ORDER BY r.created_at, r.id) AS reasons, max(${REPORT_CHANGED}) AS changed_at
  FROM comment_reports r JOIN ${reported} reported ON reported.id = r.comment_id
  WHERE r.project_id = $1 GROUP BY reported.created_at, r.comment_id`;

/** A hidden comment's reports are all handled, those dismissed or not (the reported comments' list counts its undismissed ones `openReports`). */
const REPORTS_OPEN = 'CASE WHEN c.hidden_at IS NULL THEN coalesce(reports.undismissed, 0) ELSE 0 END';

/** The comments of `from` (`c`) in the order `order` names (their creation, then id), each with its reports (those of `reported`) counted. */
const commentRows = (from: string, order: string, reported: string) => `
  (SELECT c.id, c.subject_id, s.external_id, c.board_discussion_id, b.title AS board, bd.title AS discussion_title, c.user_id, u.kind AS user_kind, m.role, c.body, c.hashtags, c.reply_to,
          c.created_at, c.edited_at, c.hidden_at, c.hidden_reason, c.hidden_by, ${REPORTS_OPEN} AS reports_open,
          coalesce(reports.made, 0) - ${REPORTS_OPEN} AS reports_handled, coalesce(reports.reasons, '{}') AS report_reasons,
          greatest(c.updated_at, reports.changed_at) AS updated_at, NULL::timestamptz AS deleted_at
   FROM ${from} LEFT JOIN subjects s ON s.id = c.subject_id JOIN users u ON u.id = c.user_id
   LEFT JOIN board_discussions bd ON bd.id = c.board_discussion_id LEFT JOIN project_boards b ON b.id = bd.board_id
   LEFT JOIN project_members m ON m.project_id = c.project_id AND m.user_id = c.user_id
   LEFT JOIN (${reportsOf(reported)}) reports ON (reports.created_at, reports.comment_id) = (${order})
   ORDER BY ${order})`;

/** The project's ($1) comments, hidden ones included, oldest first, read in that order from `subject_comments_project_recent_idx`. */
export const COMMENT_ROWS = commentRows('(SELECT * FROM subject_comments c WHERE c.project_id = $1) c', 'c.created_at, c.id', 'subject_comments');

/**
 * The creation and id of each of the project's ($1) comments changed at or after $2 (`subject_comments_project_changed_idx`)
 * or whose reports did (`comment_reports_project_changed_idx`), once each.
 */
const CHANGED = `
  SELECT changed.created_at, changed.id FROM subject_comments changed WHERE changed.project_id = $1 AND changed.updated_at >= $2
  UNION SELECT reported.created_at, reported.id FROM comment_reports r JOIN subject_comments reported ON reported.id = r.comment_id
  WHERE r.project_id = $1 AND ${REPORT_CHANGED} >= $2`;

/**
 * With since ($2): the project's ($1) comments changed at or after it, or whose reports did, in the same order: only
 * their keys sorted, then each read by its id in that order (its own subquery, OFFSET 0: joined as a whole, the
 * planner sorted every comment of a wide since again), with the reports of those alone counted; then a tombstone for
 * each comment deleted at or after it (`subject_comment_deletions`).
 */
export const COMMENT_ROWS_SINCE = `
  WITH changed AS MATERIALIZED (${CHANGED})
  ${commentRows(
    '(SELECT * FROM changed ORDER BY created_at, id OFFSET 0) changed CROSS JOIN LATERAL (SELECT * FROM subject_comments c WHERE c.id = changed.id OFFSET 0) c',
    'changed.created_at, changed.id',
    'changed',
  )}
  UNION ALL
  (SELECT d.comment_id, d.subject_id, coalesce(s.external_id, d.external_id), d.board_discussion_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
          NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, d.deleted_at, d.deleted_at
   FROM subject_comment_deletions d LEFT JOIN subjects s ON s.id = d.subject_id
   WHERE d.project_id = $1 AND d.deleted_at >= $2
   ORDER BY d.deleted_at, d.comment_id)`;

const roleInWords = (role: string | null) => {
  if (role === 'moderator' || role === 'reviewer') return role;
  return RESEARCHER_ROLES.some((researcher) => researcher === role) ? 'researcher' : 'volunteer';
};

/** One comment's record. */
export function flattenComment(row: CommentRow): RecordOf<keyof typeof COMMENT_COLUMNS, never, (typeof COMMENT_LIST_COLUMNS)[number]> {
  const tombstone = row.deleted_at !== null;
  return {
    comment_id: row.id,
    subject_id: row.subject_id,
    external_id: row.external_id,
    author: row.user_kind === 'deleted' ? FORMER_VOLUNTEER : row.user_id,
    author_role: tombstone ? null : roleInWords(row.role),
    body: row.body,
    hashtags: row.hashtags,
    reply_to: row.reply_to,
    created_at: downloadTime(row.created_at),
    edited_at: downloadTime(row.edited_at),
    hidden: tombstone ? null : row.hidden_at !== null,
    hidden_reason: row.hidden_reason,
    hidden_at: downloadTime(row.hidden_at),
    hidden_by: row.hidden_by,
    reports_open: row.reports_open,
    reports_handled: row.reports_handled,
    report_reasons: row.report_reasons,
    deleted_at: downloadTime(row.deleted_at),
    updated_at: downloadTime(row.updated_at),
    board_discussion_id: row.board_discussion_id,
    board: row.board,
    discussion_title: row.discussion_title,
  };
}
