import { isTakenDownSql } from '../retirement/retired-by-sql';

/** The open subject reports of project `project`, per workflow, of subjects not taken down there. */
const openSubjectReportsSql = (project: string): string => `
  FROM workflows w JOIN subject_reports r ON r.workflow_id = w.id
  LEFT JOIN subject_workflow_status st ON st.workflow_id = r.workflow_id AND st.subject_id = r.subject_id
  WHERE w.project_id = ${project} AND r.dismissed_at IS NULL AND NOT coalesce(${isTakenDownSql('st')}, false)`;

/**
 * What waits for the moderators of project `project` (the SQL of its id), as the open lists of their lab count it
 * (`IN_STATUS` of the reported comments and subjects): `comments`, those still shown with a report nobody dismissed;
 * `subjects`, per workflow, those not taken down there with such a report, and `subjectWorkflows` the workflows they are
 * in (their ids, in order), whose pages list them. Read through the partial indexes of open reports (`comment_reports_open_idx`, `subject_reports_open_idx`), not every report ever made.
 */
export const openReportsSql = (project: string): string => `
  (SELECT count(DISTINCT r.comment_id)::int FROM comment_reports r JOIN subject_comments c ON c.id = r.comment_id
   WHERE r.project_id = ${project} AND r.dismissed_at IS NULL AND c.hidden_at IS NULL) AS comments,
  (SELECT count(DISTINCT (r.workflow_id, r.subject_id))::int ${openSubjectReportsSql(project)}) AS subjects,
  (SELECT coalesce(array_agg(DISTINCT w.id::text ORDER BY w.id::text), '{}') ${openSubjectReportsSql(project)}) AS "subjectWorkflows"`;

/** A project's open reports, as `openReportsSql` counts them. */
export interface OpenReports {
  comments: number;
  subjects: number;
  subjectWorkflows: string[];
}
