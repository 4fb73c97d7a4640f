import { isUnlinked } from '@chorus/db';
import { cursorTimeSql } from '../common/sql';

/**
 * A classification counted in a workflow's figures (`alias` its row): not its team's tries while it was a draft
 * (`made_in_draft`), which count toward nothing. The indexes of the figures repeat it as their condition.
 */
export const countedClassificationSql = (alias?: string): string => `NOT ${alias ? `${alias}.` : ''}made_in_draft`;

/** A retired subject counted as a retirement (`alias` its subject_workflow_status row): a gold-standard one taken down is not, nor one of an unlinked set. */
export const countedRetirementSql = (alias: string): string => `${alias}.retired_at IS NOT NULL AND NOT ${alias}.gold_standard AND NOT ${isUnlinked(alias)}`;

/**
 * The workflow's ($1) subjects, as its progress counts them: not those of unlinked sets (kept for their consensus, not
 * the workflow's any more), and a gold-standard subject taken down on a report is not a retirement. Each an index-only
 * count of `subject_workflow_status_figures_idx`, whose condition (`isUnlinked`, negated) the counts repeat: the planner
 * takes a partial index only where it finds the index's condition among the query's, for such an expression by
 * comparing expression trees.
 */
const COUNTED_SUBJECTS = `
  SELECT (SELECT count(*) FROM subject_workflow_status st WHERE st.workflow_id = $1 AND NOT ${isUnlinked('st')}) AS subjects,
         (SELECT count(*) FROM subject_workflow_status st WHERE st.workflow_id = $1 AND ${countedRetirementSql('st')}) AS retired,
         (SELECT count(*) FROM subject_workflow_status st WHERE st.workflow_id = $1 AND st.gold_standard AND NOT ${isUnlinked('st')}) AS gold_standard`;

/**
 * The workflow's ($1) classifications and the volunteers who made them, as its progress counts them: not its team's
 * tries while it was a draft (`made_in_draft`), counted apart, which count toward nothing. The classifications are an
 * index-only count of `classifications_versions_idx`; the volunteers, once the table is vacuumed, a read of
 * `classifications_volunteers_idx` in its order, each volunteer's entries after the first passed over (Unique: no sort,
 * no hash of every volunteer, where count(DISTINCT user_id) sorted every classification). Where most of the table's
 * pages are not all-visible, the planner may scan the table and hash its volunteers instead (a HashAggregate, as loaded
 * at 10,000 volunteers). Both indexes' condition (`NOT made_in_draft`) is repeated as they write it, for the planner to
 * find it among the query's by comparing expression trees. Not a skip scan (one probe per volunteer): most volunteers make
 * a few classifications, and 300,000 probes cost more than reading a million entries (bench/README.md, "Workflow figures").
 */
const COUNTED_CLASSIFICATIONS = `
  SELECT (SELECT count(*) FROM classifications WHERE workflow_id = $1 AND ${countedClassificationSql()}) AS classifications,
         (SELECT count(*) FROM (SELECT DISTINCT user_id FROM classifications WHERE workflow_id = $1 AND ${countedClassificationSql()}) v) AS volunteers,
         (SELECT count(*) FROM classifications WHERE workflow_id = $1 AND made_in_draft) AS draft_tries`;

/**
 * A workflow's ($1) figures (`GET /workflows/:id/stats`), in one statement, so that they are of one moment. At a million
 * subjects and classifications each count reads a million index entries, and no heap while the tables' visibility
 * map is current (bench/README.md, "Workflow figures").
 */
export const WORKFLOW_STATS = `
  SELECT subjects.subjects, subjects.retired, subjects.gold_standard,
         (SELECT count(DISTINCT a.subject_id) FROM assignments a JOIN subject_workflow_status st ON st.workflow_id = a.workflow_id AND st.subject_id = a.subject_id
          WHERE a.workflow_id = $1 AND a.expires_at > now() AND st.retired_at IS NULL) AS held,
         counted.classifications, counted.volunteers, counted.draft_tries,
         (SELECT reaggregations_done < reaggregations_requested FROM workflows WHERE id = $1) AS reaggregating,
         ${cursorTimeSql('now()')} AS as_of
  FROM (${COUNTED_SUBJECTS}) subjects, (${COUNTED_CLASSIFICATIONS}) counted`;
