import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CommentReport, CommentReportReason, ReportedCommentPage, ReportsDismissed } from '@chorus/client';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { conflict, notFound } from '../common/problem';
import { cursorTimeSql, isoTimeSql, returnedRows } from '../common/sql';
import { timePage } from '../common/time-pages';
import { DiscussionsService, signInTo } from '../discussions/discussions.service';
import { ProjectAccess } from '../projects/project-access';
import { ReporterPseudonyms } from '../subject-reports/reporter-pseudonyms';
import { ReportMails } from '../subject-reports/report-mails';
import { storeReportSql } from '../subject-reports/stored-report-sql';
import type { ReportedPageQuery, ReportsDismissal } from '../subject-reports/dto/subject-report.dto';
import type { CommentReportInput } from './dto/comment-report.dto';

interface StoredReportRow {
  id: string;
  comment_id: string;
  reason: CommentReportReason;
  note: string | null;
  reported_at: Date;
  replayed: boolean;
}

/**
 * Stores $2's report of comment $1 (reason $3, note $4), or gives their report made before its latest words
 * (`storeReportSql`; a report opened again keeps its first report time, the list's order), while the comment is there
 * and shown, in one statement, so that a comment deleted or hidden since it was checked stores nothing (no row comes back).
 */
const STORE = storeReportSql({
  table: 'comment_reports',
  key: { comment_id: '$1', user_id: '$2' },
  columns: ['comment_id', 'project_id', 'user_id', 'reason', 'note'],
  made: 'SELECT c.id, c.project_id, $2::uuid, $3::text, $4::text FROM subject_comments c WHERE c.id = $1 AND c.hidden_at IS NULL',
  moving: [],
  returning: 'id, comment_id, reason, note, reported_at',
});

interface ReportedCommentRow {
  comment_id: string;
  body: string;
  author_id: string;
  display_name: string | null;
  /** Null, with its name, for a board discussion's comment. */
  subject_id: string | null;
  edited_at: Date | null;
  subject_name: string | null;
  board_discussion_id: string | null;
  board_discussion_title: string | null;
  created_at: Date;
  hidden_at: Date | null;
  hidden_reason: string | null;
  reports: number;
  open_reports: number;
  reasons: Partial<Record<CommentReportReason, number>>;
  notes: { reporterId: string; reason: CommentReportReason; note: string; reportedAt: string }[];
  first_reported_at: Date;
  last_reported_at: Date;
  /** `first_reported_at` to the microsecond, for the cursor. */
  cursor_time: string;
  dismissal: { dismissedAt: string; note: string | null } | null;
}

/** How many of a comment's latest notes the list shows. */
const NOTES_SHOWN = 5;

/**
 * Each comment reported in project $1 (`g`, its comment `c`): how many reports, how many nobody dismissed, the first
 * (which a report made again, open or opened again, does not move) and the last (which it does).
 */
const REPORTED = `(SELECT r.comment_id, count(*)::int AS reports, count(*) FILTER (WHERE r.dismissed_at IS NULL)::int AS open_reports,
    min(r.created_at) AS first_reported_at, max(r.reported_at) AS last_reported_at
  FROM comment_reports r WHERE r.project_id = $1 GROUP BY r.comment_id) g
  JOIN subject_comments c ON c.id = g.comment_id`;

/** Whether reported comment `g` (`c`) is in the list of status $2: open while shown and a report of it is not dismissed; handled once hidden, or every report dismissed. */
const IN_STATUS = `($2 = 'all' OR ($2 = 'open') = (c.hidden_at IS NULL AND g.open_reports > 0))`;

/**
 * The reported comments, newest first by their first report, which later reports never move, so pages read one after
 * another list each comment once (as the reported subjects). $3, $4: the cursor, or nulls; $5: the rows to read.
 */
const REPORTED_COMMENTS = `
  SELECT g.comment_id, c.body, c.user_id AS author_id, CASE WHEN u.kind = 'deleted' THEN NULL ELSE u.display_name END AS display_name, c.subject_id,
         coalesce(nullif(s.metadata->>'title', ''), s.external_id, s.id::text) AS subject_name, bd.id AS board_discussion_id, bd.title AS board_discussion_title,
         c.created_at, c.edited_at, c.hidden_at, c.hidden_reason, g.reports, g.open_reports, g.first_reported_at, g.last_reported_at,
         ${cursorTimeSql('g.first_reported_at')} AS cursor_time,
         (SELECT jsonb_build_object('dismissedAt', ${isoTimeSql('d.dismissed_at')}, 'note', d.dismissal_note)
          FROM comment_reports d WHERE d.comment_id = g.comment_id AND d.dismissed_at IS NOT NULL ORDER BY d.dismissed_at DESC LIMIT 1) AS dismissal,
         (SELECT jsonb_object_agg(n.reason, n.n) FROM (SELECT r.reason, count(*)::int AS n FROM comment_reports r WHERE r.comment_id = g.comment_id GROUP BY r.reason) n) AS reasons,
         (SELECT coalesce(jsonb_agg(jsonb_build_object('reporterId', n.user_id, 'reason', n.reason, 'note', n.note, 'reportedAt', ${isoTimeSql('n.reported_at')}) ORDER BY n.reported_at DESC), '[]'::jsonb) FROM (
            SELECT r.user_id, r.reason, r.note, r.reported_at FROM comment_reports r
            WHERE r.comment_id = g.comment_id AND r.note IS NOT NULL ORDER BY r.reported_at DESC LIMIT ${NOTES_SHOWN}) n) AS notes
  FROM ${REPORTED}
  JOIN users u ON u.id = c.user_id
  LEFT JOIN subjects s ON s.id = c.subject_id LEFT JOIN board_discussions bd ON bd.id = c.board_discussion_id
  WHERE ${IN_STATUS} AND ($3::timestamptz IS NULL OR (g.first_reported_at, g.comment_id) < ($3::timestamptz, $4::uuid))
  ORDER BY g.first_reported_at DESC, g.comment_id DESC
  LIMIT $5`;

/** Dismisses the open reports of comment $1 by $2 with note $3; reports dismissed already keep their dismissal. */
const DISMISS = 'UPDATE comment_reports SET dismissed_at = now(), dismissed_by = $2, dismissal_note = $3 WHERE comment_id = $1 AND dismissed_at IS NULL RETURNING 1';

const toView = (row: StoredReportRow): CommentReport => ({ id: row.id, commentId: row.comment_id, reason: row.reason, note: row.note, reportedAt: row.reported_at.toISOString() });

/**
 * Volunteers report a comment (spam, abuse, personal data) to its project's moderators and researchers, who see the
 * reported comments listed and hide each (PUT /comments/:id/hidden, which handles its reports) or dismiss its reports
 * (it stays shown). Reporters are named by the pseudonyms of subject reports, one per volunteer in the project.
 */
@Injectable()
export class CommentReportsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly discussions: DiscussionsService,
    private readonly access: ProjectAccess,
    private readonly reporters: ReporterPseudonyms,
    private readonly mails: ReportMails,
  ) {}

  /**
   * Stores the caller's report of a comment shown to volunteers that they did not write. A second report of it gives
   * the first its reason and note while that is open (`replayed`); once a moderator dismissed it, it opens it again
   * with them. A report opened (again) is mailed to the project's moderators (`ReportMails`).
   */
  async report(commentId: string, input: CommentReportInput, user: AuthUser): Promise<CommentReport & { replayed: boolean }> {
    if (user.kind !== 'registered') throw signInTo('report a comment');
    const comment = await this.discussions.visible(commentId, user);
    if (comment.user_id === user.id) throw conflict('You cannot report your own comment: edit or delete it instead (PATCH or DELETE /comments/:id).', 'own-comment');
    // Hidden, it is handled already; the team, who still see it, are answered as volunteers are (who do not).
    const missing = () => notFound(`Comment ${commentId} among those shown to volunteers`, '/params/id');
    if (comment.hidden_at) throw missing();
    const [stored] = await this.db.query<StoredReportRow[]>(STORE, [commentId, user.id, input.reason, input.note ?? null]);
    if (!stored) throw missing();
    if (!stored.replayed) this.mails.tell(comment.project_id, user.id);
    return { ...toView(stored), replayed: stored.replayed };
  }

  /** A page of the project's reported comments, the most recently first reported first (moderators and researchers). */
  async reportedComments(projectId: string, { limit, after, status }: ReportedPageQuery, user: AuthUser): Promise<ReportedCommentPage> {
    await this.access.requireModerator(projectId, user, '/params/id');
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<ReportedCommentRow[]>(REPORTED_COMMENTS, [projectId, status, after?.time ?? null, after?.id ?? null, limit + 1]),
      this.db.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM ${REPORTED} WHERE ${IN_STATUS}`, [projectId, status]),
    ]);
    const { page, next } = timePage(rows, limit, 'comment_id');
    return {
      total: total!,
      comments: page.map((row) => ({
        commentId: row.comment_id,
        body: row.body,
        author: { id: row.author_id, displayName: row.display_name },
        subject: row.subject_id ? { id: row.subject_id, name: row.subject_name! } : null,
        boardDiscussion: row.board_discussion_id ? { id: row.board_discussion_id, title: row.board_discussion_title! } : null,
        createdAt: row.created_at.toISOString(),
        editedAt: row.edited_at?.toISOString() ?? null,
        hidden: row.hidden_at ? { hiddenAt: row.hidden_at.toISOString(), reason: row.hidden_reason ?? '' } : null,
        reports: row.reports,
        reasons: row.reasons,
        notes: row.notes.map(({ reporterId, ...note }) => ({ ...note, reporter: this.reporters.of(projectId, reporterId) })),
        firstReportedAt: row.first_reported_at.toISOString(),
        lastReportedAt: row.last_reported_at.toISOString(),
        openReports: row.open_reports,
        dismissal: row.dismissal,
      })),
      next,
    };
  }

  /** Dismisses a comment's open reports (moderators and researchers): handled, it stays shown; a retry changes nothing (`dismissed`: 0). */
  async dismiss(commentId: string, { note }: ReportsDismissal, user: AuthUser): Promise<ReportsDismissed> {
    await this.discussions.requireModerator(commentId, user);
    const [reported] = await this.db.query<unknown[]>('SELECT 1 FROM comment_reports WHERE comment_id = $1 LIMIT 1', [commentId]);
    if (!reported) throw notFound(`A report of comment ${commentId}`, '/params/id');
    return { dismissed: returnedRows(await this.db.query(DISMISS, [commentId, user.id, note ?? null])).length };
  }
}
