import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ReportedSubjectPage, ReportsDismissed, SubjectReport, SubjectReportReason } from '@chorus/client';
import type { SubjectLocation } from '@chorus/tasks';
import type { DataSource } from 'typeorm';
import { AssignmentService } from '../assignment/assignment.service';
import type { AuthUser } from '../auth/auth.decorators';
import { notFound } from '../common/problem';
import { cursorTimeSql, isoTimeSql, returnedRows } from '../common/sql';
import { timePage } from '../common/time-pages';
import { WorkflowsService } from '../workflows/workflows.service';
import { ReporterPseudonyms } from './reporter-pseudonyms';
import { ReportMails } from './report-mails';
import { storeReportSql } from './stored-report-sql';
import { type ReportedPageQuery, type ReportsDismissal, type SubjectReportInput } from './dto/subject-report.dto';
import { subjectLocationsIn } from './subject-of-workflow';
import { isTakenDownSql } from '../retirement/retired-by-sql';

interface StoredReportRow {
  id: string;
  subject_id: string;
  reason: SubjectReportReason;
  note: string | null;
  reported_at: Date;
  replayed: boolean;
}

/**
 * Stores $3's report of subject $2 in workflow $1 (reason $4, note $5), or gives their report made before its latest
 * words (`storeReportSql`): its `updated_at` moves with `reported_at`, for since= downloads. Its `reporter_id` is the
 * volunteer's, set by the database (as for a report an earlier release stores).
 */
const STORE = storeReportSql({
  table: 'subject_reports',
  key: { workflow_id: '$1', subject_id: '$2', user_id: '$3' },
  columns: ['workflow_id', 'subject_id', 'user_id', 'reason', 'note'],
  made: 'SELECT $1::uuid, $2::uuid, $3::uuid, $4::text, $5::text',
  moving: ['updated_at'],
  returning: 'id, subject_id, reason, note, reported_at',
});

interface ReportedSubjectRow {
  subject_id: string;
  external_id: string | null;
  reports: number;
  reasons: Partial<Record<SubjectReportReason, number>>;
  notes: { reporterId: string; reason: SubjectReportReason; note: string; reportedAt: string }[];
  first_reported_at: Date;
  last_reported_at: Date;
  /** `first_reported_at` to the microsecond, for the cursor. */
  cursor_time: string;
  retired: boolean;
  taken_down: boolean;
  open_reports: number;
  /** The latest dismissal of its reports, if any. */
  dismissal: { dismissedAt: string; note: string | null } | null;
  locations: SubjectLocation[];
  /** When researchers last corrected its locations, if they did. */
  locations_corrected_at: Date | null;
}

/** How many of a subject's latest notes the list shows; the download has them all. */
const NOTES_SHOWN = 5;

/**
 * Each subject reported in workflow $1 (`g`): how many reports, how many nobody dismissed, the first (which a report
 * made again does not move) and the last (which it does: made again with other words, or after a dismissal).
 */
const REPORTED = `(SELECT r.subject_id, count(*)::int AS reports, count(*) FILTER (WHERE r.dismissed_at IS NULL)::int AS open_reports,
    min(r.created_at) AS first_reported_at, max(r.reported_at) AS last_reported_at
  FROM subject_reports r WHERE r.workflow_id = $1 GROUP BY r.subject_id) g
  LEFT JOIN subject_workflow_status st ON st.workflow_id = $1 AND st.subject_id = g.subject_id`;

/**
 * Whether reported subject `g` (hot row `st`) is in the list of status $2 (`REPORTED_SUBJECT_STATUSES`): open while a
 * report of it is not dismissed and it is not taken down; handled once taken down in the workflow (`isTakenDownSql`:
 * any other retirement, by its rule or a researcher's of a whole set, which reads no report, leaves them open), or
 * every report dismissed.
 */
const IN_STATUS = `($2 = 'all' OR ($2 = 'open') = (NOT coalesce(${isTakenDownSql('st')}, false) AND g.open_reports > 0))`;

/**
 * The reported subjects, newest first by their first report, which later reports never move (a report made again
 * keeps its first time), so pages read one after another list each subject once: by the latest report, a subject
 * reported again while a researcher pages would jump to the top, past the pages still to read. $2: the status listed;
 * $3, $4: the cursor (the first report time and subject id of the last subject of the page before), or nulls; $5: the
 * rows to read.
 */
const REPORTED_SUBJECTS = `
  SELECT g.subject_id, s.external_id, s.locations, g.reports, g.open_reports, g.first_reported_at, g.last_reported_at, st.retired_at IS NOT NULL AS retired, coalesce(${isTakenDownSql('st')}, false) AS taken_down,
         (SELECT jsonb_build_object('dismissedAt', ${isoTimeSql('d.dismissed_at')}, 'note', d.dismissal_note)
          FROM subject_reports d WHERE d.workflow_id = $1 AND d.subject_id = g.subject_id AND d.dismissed_at IS NOT NULL
          ORDER BY d.dismissed_at DESC LIMIT 1) AS dismissal,
         (SELECT max(ch.changed_at) FROM subject_location_changes ch WHERE ch.subject_id = g.subject_id) AS locations_corrected_at,
         ${cursorTimeSql('g.first_reported_at')} AS cursor_time,
         (SELECT jsonb_object_agg(c.reason, c.n) FROM (
            SELECT r.reason, count(*)::int AS n FROM subject_reports r WHERE r.workflow_id = $1 AND r.subject_id = g.subject_id GROUP BY r.reason) c) AS reasons,
         (SELECT coalesce(jsonb_agg(jsonb_build_object('reporterId', n.reporter_id, 'reason', n.reason, 'note', n.note,
                    'reportedAt', ${isoTimeSql('n.reported_at')}) ORDER BY n.reported_at DESC), '[]'::jsonb) FROM (
            SELECT r.reporter_id, r.reason, r.note, r.reported_at FROM subject_reports r
            WHERE r.workflow_id = $1 AND r.subject_id = g.subject_id AND r.note IS NOT NULL ORDER BY r.reported_at DESC LIMIT ${NOTES_SHOWN}) n) AS notes
  FROM ${REPORTED}
  JOIN subjects s ON s.id = g.subject_id
  WHERE ${IN_STATUS} AND ($3::timestamptz IS NULL OR (g.first_reported_at, g.subject_id) < ($3::timestamptz, $4::uuid))
  ORDER BY g.first_reported_at DESC, g.subject_id DESC
  LIMIT $5`;

/**
 * Dismisses the open reports of subject $2 in workflow $1 by $3 with note $4, each changed row's `updated_at` moved so
 * that a since= download gives it again; reports dismissed already keep their dismissal.
 */
const DISMISS = `UPDATE subject_reports SET dismissed_at = now(), dismissed_by = $3, dismissal_note = $4, updated_at = now()
  WHERE workflow_id = $1 AND subject_id = $2 AND dismissed_at IS NULL RETURNING 1`;

const toView = (row: StoredReportRow): SubjectReport => ({
  id: row.id,
  subjectId: row.subject_id,
  reason: row.reason,
  note: row.note,
  reportedAt: row.reported_at.toISOString(),
});

/**
 * Volunteers report subjects they cannot classify as they are (an image that does not load, a blank page, sensitive
 * content, an offensive tag proposed for it); the workflow's moderators and researchers see them listed per subject,
 * and decide whether to retire them (or to hide the tag). A report ends the volunteer's hold, like a release, so that
 * others may be served the subject at once, and the queue never serves it to that volunteer again (`AssignmentService`:
 * their picks leave out what they reported).
 */
@Injectable()
export class SubjectReportsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workflows: WorkflowsService,
    private readonly assignment: AssignmentService,
    private readonly reporters: ReporterPseudonyms,
    private readonly mails: ReportMails,
  ) {}

  /**
   * Stores the caller's report of a subject of the workflow and ends their hold on it, so that others may be served it
   * at once. A second report of the same subject by the same volunteer gives the first its reason and note while that
   * is open (`replayed`); once a moderator dismissed it, it opens it again with them. A report opened (again) is mailed
   * to the project's moderators (`ReportMails`).
   */
  async report(workflowId: string, input: SubjectReportInput, user: AuthUser): Promise<SubjectReport & { replayed: boolean }> {
    const workflow = await this.workflows.readable(workflowId, user);
    await subjectLocationsIn(this.db, workflowId, input.subjectId);
    const [stored] = await this.db.query<StoredReportRow[]>(STORE, [workflowId, input.subjectId, user.id, input.reason, input.note ?? null]);
    await this.assignment.releaseHolds(workflowId, user, [input.subjectId]);
    if (!stored!.replayed) this.mails.tell(workflow.projectId, user.id);
    return { ...toView(stored!), replayed: stored!.replayed };
  }

  /** A page of the workflow's reported subjects, the most recently first reported first (moderators and researchers). */
  async reportedSubjects(workflowId: string, { limit, after, status }: ReportedPageQuery, user: AuthUser): Promise<ReportedSubjectPage> {
    await this.workflows.requireModerator(workflowId, user);
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<ReportedSubjectRow[]>(REPORTED_SUBJECTS, [workflowId, status, after?.time ?? null, after?.id ?? null, limit + 1]),
      this.db.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM ${REPORTED} WHERE ${IN_STATUS}`, [workflowId, status]),
    ]);
    const { page, next } = timePage(rows, limit, 'subject_id');
    return {
      total: total!,
      subjects: page.map((row) => ({
        subjectId: row.subject_id,
        externalId: row.external_id,
        reports: row.reports,
        reasons: row.reasons,
        notes: row.notes.map(({ reporterId, ...note }) => ({ ...note, reporter: this.reporters.of(workflowId, reporterId) })),
        firstReportedAt: row.first_reported_at.toISOString(),
        lastReportedAt: row.last_reported_at.toISOString(),
        retired: row.retired,
        takenDown: row.taken_down,
        openReports: row.open_reports,
        dismissal: row.dismissal,
        locations: row.locations,
        locationsCorrectedAt: row.locations_corrected_at?.toISOString() ?? null,
      })),
      next,
    };
  }

  /**
   * Dismisses a subject's open reports in the workflow (moderators and researchers): handled, the subject stays
   * served; kept with who and when, and the note. Reports dismissed already keep their dismissal, so a retry changes
   * nothing (`dismissed`: 0); a later report of the subject is open again.
   */
  async dismiss(workflowId: string, subjectId: string, { note }: ReportsDismissal, user: AuthUser): Promise<ReportsDismissed> {
    await this.workflows.requireModerator(workflowId, user);
    const [reported] = await this.db.query<unknown[]>('SELECT 1 FROM subject_reports WHERE workflow_id = $1 AND subject_id = $2 LIMIT 1', [workflowId, subjectId]);
    if (!reported) throw notFound(`A report of subject ${subjectId} in this workflow`, '/params/subjectId');
    return { dismissed: returnedRows(await this.db.query(DISMISS, [workflowId, subjectId, user.id, note ?? null])).length };
  }
}
