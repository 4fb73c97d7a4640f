import type { EntityManager } from 'typeorm';

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

/**
 * The advisory lock (two keys) on the exclusion of volunteer `user` from project `project` (SQL expressions). An
 * exclusion and its lift hold it exclusively from before they read the volunteer's classifications to recount them
 * until they commit; a submit holds it shared from before it reads the exclusion until it commits. So either the
 * submit commits first, and the recount counts its classification, or it reads the exclusion as the change committed
 * it: its subject's `counted_count` is never off by one.
 */
const exclusionLockSql = (project: string, user: string) => `hashtext('excluded-volunteer'), hashtext(${project}::text || '/' || ${user}::text)`;

/** Takes the exclusion's lock (`exclusionLockSql`) exclusively, first in the transaction that excludes or lifts. */
export async function lockExclusion(manager: EntityManager, projectId: string, volunteerId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(${exclusionLockSql('$1::uuid', '$2::uuid')})`, [projectId, volunteerId]);
}

/**
 * The common table expressions through which a submit's statement reads the exclusions of the pairs `pairs` selects
 * (a query with columns `project_id`, `user_id`): `exclusions_locked` takes each distinct pair's lock shared, in key
 * order (a batch's volunteers, so that two batches queued behind exclusions never wait for each other in a cycle), and
 * `excluded_now` holds the pairs excluded, read only then with a fresh snapshot (`excluded_volunteers_now`): the
 * statement's own, taken before it waited, would miss an exclusion or a lift that committed meanwhile. Read it with
 * `byExcludedNowSql`, before any row is locked.
 */
export const EXCLUDED_NOW = (pairs: string) => `exclusions_locked AS MATERIALIZED (
    SELECT array_agg(l.project_id) AS projects, array_agg(l.user_id) AS users FROM (
      SELECT k.project_id, k.user_id, pg_advisory_xact_lock_shared(${exclusionLockSql('k.project_id', 'k.user_id')}) AS locked
      FROM (SELECT DISTINCT project_id, user_id FROM (${pairs}) pair ORDER BY project_id, user_id) k OFFSET 0) l
  ), excluded_now AS MATERIALIZED (
    SELECT x.project_id, x.user_id FROM exclusions_locked l CROSS JOIN LATERAL excluded_volunteers_now(l.projects, l.users) x
  )`;

/** `byExcludedVolunteerSql` in a statement that read the exclusions through `EXCLUDED_NOW`. */
export const byExcludedNowSql = (row: string, projectId: string): string =>
  `EXISTS (SELECT 1 FROM excluded_now x WHERE x.project_id = ${projectId} AND x.user_id = ${row}.user_id)`;
