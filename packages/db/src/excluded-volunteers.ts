/**
 * The classification or submit `row` (a table alias with a `user_id`) is by a volunteer the project whose id is the SQL
 * expression `projectId` keeps out of its consensus (`excluded_volunteers`): stored, flagged in downloads, counted toward
 * neither consensus nor retirement. The one rule every reader of classifications applies.
 */
export const byExcludedVolunteerSql = (row: string, projectId: string): string =>
  `EXISTS (SELECT 1 FROM excluded_volunteers e WHERE e.project_id = ${projectId} AND e.user_id = ${row}.user_id)`;

/** `byExcludedVolunteerSql` for a row of the workflow whose id is the SQL expression `workflowId` (its project read once). */
export const byExcludedVolunteerOfWorkflowSql = (row: string, workflowId: string): string =>
  byExcludedVolunteerSql(row, `(SELECT w.project_id FROM workflows w WHERE w.id = ${workflowId})`);

/** The classification `c` counts toward its subject's retirement (`counted_count`), its volunteer's exclusion aside. */
export const COUNTS_TOWARD_RETIREMENT = 'NOT (c.gold_standard OR c.after_retirement OR c.made_in_draft)';
