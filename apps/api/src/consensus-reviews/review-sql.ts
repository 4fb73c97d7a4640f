import type { ConsensusReview, ProjectRole } from '@chorus/client';
import { type WorkflowDefinition, sameConsensusAnswer } from '@chorus/tasks';
import { ProblemException } from '../common/problem';
import { takenDownSql } from '../retirement/retired-by-sql';
import type { EntityManager } from 'typeorm';
import type { WorkflowVersions } from '../workflows/workflow-versions';

/**
 * An approval whose consensus answer is not stored as the same text now: the answer approved, as stored then, and the
 * task's consensus answer now (null: a tie, or none), with the workflow version it was computed with.
 */
interface DifferentText {
  approved: string | null;
  now: string | null;
  version: number | null;
}

/** A stored review with its reviewer's display name and role then, and, for an approval, the consensus answer's text now if not the one approved. */
export interface ReviewRow {
  task: string;
  state: ConsensusReview['state'];
  value: unknown;
  consensus_differs: DifferentText | null;
  reviewed_by: string;
  reviewer_name: string | null;
  reviewed_by_role: ProjectRole | null;
  reviewed_at: Date | string;
}

/** The definitions of the workflow's versions, by version, that its consensus answers were computed with. */
export type ConsensusDefinitions = ReadonlyMap<number, WorkflowDefinition | undefined>;

/**
 * The definitions `toReview` reads the approvals in `rows` by: those of the versions whose consensus answers are not
 * stored as the text approved (each version read once per process; through `manager` in a transaction).
 */
export async function consensusDefinitions(versions: WorkflowVersions, workflowId: string, rows: readonly ReviewRow[], manager?: EntityManager): Promise<ConsensusDefinitions> {
  const numbers = new Set(rows.flatMap((row) => (row.consensus_differs?.version != null ? [row.consensus_differs.version] : [])));
  return new Map(await Promise.all([...numbers].map(async (version) => [version, await versions.definition(workflowId, version, manager)] as const)));
}

/**
 * Whether two consensus answers of the task `key` (as stored) are the same answer, by their content, as the workflow
 * version the consensus was computed with defines the task (`definition`), not the current version: a set of choices,
 * tags or marks in another order, or a form's fields, is the same answer (`sameConsensusAnswer`). A task that version
 * has not is compared as text. Both an approval's check against the answer shown and a review's `consensusChanged`.
 */
export function sameAnswerOf(definition: WorkflowDefinition | undefined, key: string, one: string, other: string): boolean {
  const task = definition && Object.hasOwn(definition.tasks, key) ? definition.tasks[key] : undefined;
  return task ? sameConsensusAnswer(task, one, other) : one === other;
}

/**
 * Whether an approval's consensus answer is no longer the consensus's: its text differs, and it is not the same answer
 * written otherwise (`sameAnswerOf`): a re-aggregation that stores a set of choices or marks in another order changed
 * nothing; a tie or no consensus since did.
 */
export function consensusChanged({ task: key, consensus_differs: differs }: ReviewRow, definitions: ConsensusDefinitions): boolean {
  if (!differs) return false;
  if (differs.approved === null || differs.now === null || differs.version === null) return true;
  return !sameAnswerOf(definitions.get(differs.version), key, differs.approved, differs.now);
}

/**
 * A review as the caller sees it: to a reviewer (`reviewerId`, their id), another reviewer's review names its role
 * only, as reviewers are volunteers, whom a reviewer sees by no name nor id; a researcher's names them, a team member.
 * `definitions`: those of `consensusDefinitions`.
 */
export const toReview = (row: ReviewRow, definitions: ConsensusDefinitions, reviewerId?: string): ConsensusReview => {
  const anotherReviewers = reviewerId !== undefined && row.reviewed_by_role === 'reviewer' && row.reviewed_by !== reviewerId;
  return {
    task: row.task,
    state: row.state,
    value: row.value,
    consensusChanged: consensusChanged(row, definitions),
    reviewedBy: anotherReviewers ? { memberId: null, name: null, role: row.reviewed_by_role } : { memberId: row.reviewed_by, name: row.reviewer_name, role: row.reviewed_by_role },
    reviewedAt: new Date(row.reviewed_at).toISOString(),
  };
};

/**
 * An approval (`r`) whose task's consensus (`c`, joined on the review) does not store the text approved (later votes,
 * a re-aggregation), as a `DifferentText`; else null. Whether it is another answer is the task type's to say (`consensusChanged`).
 */
const CONSENSUS_DIFFERS = `CASE WHEN r.state = 'approved' AND c.answer IS DISTINCT FROM r.approved_consensus
    THEN jsonb_build_object('approved', r.approved_consensus, 'now', c.answer, 'version', c.workflow_version) END`;

/** A `ReviewRow`'s columns, of the review `r`, its reviewer `u` and the task's consensus `c`. */
export const REVIEW_COLUMNS = `r.task, r.state, r.value, ${CONSENSUS_DIFFERS} AS consensus_differs, r.reviewed_by, u.display_name AS reviewer_name, r.reviewed_by_role, r.reviewed_at`;

/** The reviews of the hot row `alias`'s subject, as `reviews_of.reviews`: a list of `ReviewRow`s in task order (null: none). */
export const reviewsOf = (alias: string) => `LEFT JOIN LATERAL (
    SELECT jsonb_agg(to_jsonb(review) ORDER BY review.task) AS reviews FROM (
      SELECT ${REVIEW_COLUMNS}
      FROM consensus_reviews r LEFT JOIN users u ON u.id = r.reviewed_by
      LEFT JOIN consensus c ON c.workflow_id = r.workflow_id AND c.subject_id = r.subject_id AND c.task = r.task
      WHERE r.workflow_id = ${alias}.workflow_id AND r.subject_id = ${alias}.subject_id) review) reviews_of ON true`;

/** A task's stored consensus (`c`) a reviewer or researcher may approve: an answer (no tie, some votes), on the consensus path. */
export const APPROVABLE = "c.answer IS NOT NULL AND c.result->'notReached' IS NULL";

/** A task's stored consensus (`c`) on the consensus path whose answers are tied: no answer to approve now, though it may have had one. */
export const TIE = "c.answer IS NULL AND c.votes > 0 AND c.result->'notReached' IS NULL";

/** The task keys of the current version of the workflow ($1): the tasks a reviewer or researcher may review. */
const CURRENT_TASKS = `SELECT jsonb_object_keys(v.definition->'tasks') FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version WHERE w.id = $1`;

/**
 * Whether the subject (an SQL expression) in the workflow ($1) has a consensus that needs a review yet: a task of the
 * current version with a consensus answer to approve, not reviewed. A tie, a task not reached or one a later version
 * dropped cannot be approved: it waits for nothing.
 */
const unreviewedConsensus = (subject: string) => `EXISTS (SELECT 1 FROM consensus c WHERE c.workflow_id = $1 AND c.subject_id = ${subject} AND ${APPROVABLE}
    AND c.task IN (${CURRENT_TASKS})
    AND NOT EXISTS (SELECT 1 FROM consensus_reviews r WHERE r.workflow_id = c.workflow_id AND r.subject_id = c.subject_id AND r.task = c.task))`;

/** `unreviewedConsensus` of the subject of the hot row `st`. */
export const UNREVIEWED_CONSENSUS = unreviewedConsensus('st.subject_id');

/** Whether the subject of the hot row `st` in the workflow ($1) has a review, of any task. */
export const ANY_REVIEW = 'EXISTS (SELECT 1 FROM consensus_reviews r WHERE r.workflow_id = $1 AND r.subject_id = st.subject_id)';

/**
 * A classification by `user` of `subject` in `workflow` (SQL expressions), a try in draft included: a reviewer never
 * reviews such a subject (`own-classification`), and their list of results leaves it out.
 */
export const classifiedBy = (workflow: string, subject: string, user: string) =>
  `SELECT 1 FROM classifications own WHERE own.workflow_id = ${workflow} AND own.subject_id = ${subject} AND own.user_id = ${user}`;

/**
 * Whether the reviewer `user` (an SQL expression) may read and review the subject of the hot row `st` in the workflow
 * ($1): one of their work list (a consensus that needs checking and one nobody reviewed yet, of a subject with no known
 * answers that they did not classify), or one they reviewed a task of (to change or undo it). Nothing else: not the
 * workflow's every result, which is the consensus download's, nor a gold-standard subject, whose consensus tells its
 * known answers. The two reaches are each read by their own index (`consensus_needs_checking_idx`, few once most agree,
 * and `consensus_reviews_reviewer_idx`) and their subjects found by id: an OR of the two over the hot rows read every
 * subject of the workflow to find a few. A subject its team took down (`takenDownSql`) is in no reviewer's reach: reviewers
 * are not on the team, and see nothing of it, so there is nothing of it for them to check.
 */
export const inReviewersReach = (user: string) => `(st.subject_id IN (
    SELECT checking.subject_id FROM consensus checking JOIN subjects g ON g.id = checking.subject_id
    WHERE checking.workflow_id = $1 AND checking.needs_checking AND g.gold_standard IS NULL
      AND ${unreviewedConsensus('checking.subject_id')} AND NOT EXISTS (${classifiedBy('$1', 'checking.subject_id', user)})
    UNION
    SELECT mine.subject_id FROM consensus_reviews mine WHERE mine.workflow_id = $1 AND mine.reviewed_by = ${user})
  AND NOT ${takenDownSql('st.subject_id')})`;

/** Whether the subject ($2) of the workflow ($1) is in the reach of the reviewer ($3): a row when it is. */
export const IN_REVIEWERS_REACH = `
  SELECT 1 FROM subject_workflow_status st
  WHERE st.workflow_id = $1 AND st.subject_id = $2 AND ${inReviewersReach('$3::uuid')}`;

/** A reviewer asked for a subject out of their reach (`inReviewersReach`). */
export const outOfReviewersReach = () =>
  new ProblemException(
    403,
    'A reviewer reads and reviews the subjects whose consensus waits for a check (one that needs checking and that nobody reviewed yet, of a subject you did not classify) and those they reviewed themselves; this subject is neither, or no longer: another reviewer or a researcher may have reviewed it meanwhile.',
    [{ pointer: '/params/subjectId', message: 'names a subject that is not in your list of subjects to check nor among those you reviewed' }],
    'not-to-check',
  );

/**
 * A subject the caller may not read or review in the workflow, or one the workflow has no row for: to a reviewer,
 * both are out of their reach (`outOfReviewersReach`), so that the results and review routes answer them alike; to a
 * researcher, who may read any, only the latter, 404.
 */
export const noSubjectFor = (role: ProjectRole, subjectId: string, workflowId: string) =>
  role === 'reviewer'
    ? outOfReviewersReach()
    : new ProblemException(404, `Subject ${subjectId} has no results in workflow ${workflowId}: it was never in a subject set the workflow serves, or left them unclassified.`, [
        { pointer: '/params/subjectId', message: 'names no subject of this workflow (none its consensus download has a row for)' },
      ]);
