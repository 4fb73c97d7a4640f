import type { EntityManager } from 'typeorm';
import { volunteerLockSql } from './volunteer-locks';

/** The `row` (a table alias with a `user_id`) has a row in `exclusions` (a table of pairs) for the project `projectId`. */
const byExclusionInSql = (exclusions: string) => (row: string, projectId: string): string =>
  `EXISTS (SELECT 1 FROM ${exclusions} e WHERE e.project_id = ${projectId} AND e.user_id = ${row}.user_id)`;

/**
 * The classification or submit `row` (a table alias with a `user_id`) is by a volunteer the project whose id is the SQL
 * expression `projectId` keeps out of its consensus (`excluded_volunteers`): stored, flagged in downloads, counted toward
 * neither consensus nor retirement. The one rule every reader of classifications applies.
 */
export const byExcludedVolunteerSql = byExclusionInSql('excluded_volunteers');

/** `byExcludedVolunteerSql` for a row of the workflow whose id is the SQL expression `workflowId` (its project read once). */
export const byExcludedVolunteerOfWorkflowSql = (row: string, workflowId: string): string =>
  byExcludedVolunteerSql(row, `(SELECT w.project_id FROM workflows w WHERE w.id = ${workflowId})`);

/** The classification `c` counts toward its subject's retirement (`counted_count`), its volunteer's exclusion aside. */
export const COUNTS_TOWARD_RETIREMENT = 'NOT (c.gold_standard OR c.after_retirement OR c.made_in_draft)';

/**
 * The advisory lock (its two keys) on the exclusion of volunteer `user` from project `project` (SQL expressions). An
 * exclusion and its lift hold it exclusively from before they read the volunteer's classifications to recount them
 * until they commit; a submit holds it shared from before it reads the exclusion until it commits. So either the
 * submit commits first, and the recount counts its classification, or it reads the exclusion as the change committed
 * it: its subject's `counted_count` is never off by one.
 */
const exclusionLockSql = (project: string, user: string) => volunteerLockSql('excluded-volunteer', project, user);

/** Takes the exclusion's lock (`exclusionLockSql`) exclusively, first in the transaction that excludes or lifts. */
export async function lockExclusion(manager: EntityManager, projectId: string, volunteerId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(${exclusionLockSql('$1::uuid', '$2::uuid')})`, [projectId, volunteerId]);
}

/**
 * Takes the exclusion locks (`exclusionLockSql`) of the pairs `pairs` selects (a query with columns `project_id`,
 * `user_id`) shared, each once, in the order of their keys: every statement that takes several takes them so, so that
 * two of them queued behind exclusions never wait for each other in a cycle, even where two pairs' keys collide. Its
 * one row's `taken` is never null.
 */
const lockPairsSharedSql = (pairs: string) => `SELECT count(pg_advisory_xact_lock_shared(k.namespace, k.pair_key)) AS taken
    FROM (SELECT DISTINCT ${exclusionLockSql('p.project_id', 'p.user_id')} FROM (${pairs}) p ORDER BY 1, 2 OFFSET 0) k(namespace, pair_key)`;

/** The pairs given as parallel arrays ($1 projects, $2 volunteers). */
const PAIRS = 'SELECT k.project_id, k.user_id FROM unnest($1::uuid[], $2::uuid[]) AS k(project_id, user_id)';

/**
 * Takes the exclusion locks of the pairs given as parallel arrays shared (`lockPairsSharedSql`), for a transaction that
 * moves classifications between volunteers: an exclusion or a lift of any of them then waits for it to commit, and
 * its later statements read the exclusions as they are until then.
 */
export async function lockExclusionsShared(manager: EntityManager, projects: string[], volunteers: string[]): Promise<void> {
  await manager.query(lockPairsSharedSql(PAIRS), [projects, volunteers]);
}

/** `byExcludedVolunteerSql` of the pairs given as parallel arrays ($1 projects, $2 volunteers): those excluded. */
const EXCLUDED_OF_PAIRS = `${PAIRS} WHERE ${byExcludedVolunteerSql('k', 'k.project_id')}`;

/**
 * The common table expressions through which a submit's statement reads the exclusions of the pairs `pairs` selects
 * (a query with columns `project_id`, `user_id`): `exclusions_locked` takes their locks (`lockPairsSharedSql`: a
 * batch's volunteers), and `excluded_now` holds the pairs excluded, read only then
 * (it reads `exclusions_locked` first) with a fresh snapshot (`read_fresh_pairs`): the statement's own, taken before
 * it waited, would miss an exclusion or a lift that committed meanwhile. Read it with `byExcludedNowSql`, before any
 * row is locked.
 */
export const EXCLUDED_NOW = (pairs: string) => `exclusion_pairs AS (
    SELECT DISTINCT project_id, user_id FROM (${pairs}) pair
  ), exclusions_locked AS MATERIALIZED (
    ${lockPairsSharedSql('SELECT * FROM exclusion_pairs')}
  ), excluded_now AS MATERIALIZED (
    SELECT x.project_id, x.user_id FROM exclusions_locked l
      CROSS JOIN LATERAL (SELECT array_agg(p.project_id) AS projects, array_agg(p.user_id) AS users FROM exclusion_pairs p WHERE l.taken IS NOT NULL) a
      CROSS JOIN LATERAL read_fresh_pairs('${EXCLUDED_OF_PAIRS.replaceAll("'", "''")}', a.projects, a.users) x
  )`;

/** `byExcludedVolunteerSql` in a statement that read the exclusions through `EXCLUDED_NOW`. */
export const byExcludedNowSql = byExclusionInSql('excluded_now');
