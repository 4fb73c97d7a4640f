import type { ConsensusReview, ProjectRole } from '@chorus/client';
import { ProblemException } from '../common/problem';
import { takenDownSql } from '../retirement/retired-by-sql';

/** A stored review with its reviewer's display name and role then, and whether it is an approval whose consensus changed since (`CONSENSUS_CHANGED`). */
export interface ReviewRow {
  task: string;
  state: ConsensusReview['state'];
  value: unknown;
  consensus_changed: boolean;
  reviewed_by: string;
  reviewer_name: string | null;
  reviewed_by_role: ProjectRole | null;
  reviewed_at: Date | string;
}

/**
 * The comparable form of the consensus `c`'s answer, or of the answer the approval `r` approved, as stored
 * (`storedComparableConsensus` of @chorus/tasks; null there stands for the answer as it is).
 */
const COMPARABLE_CONSENSUS = 'coalesce(c.comparable_answer, c.answer)';
const APPROVED_COMPARABLE = 'coalesce(r.approved_comparable, r.approved_consensus)';

/**
 * Whether the review `r` is an approval whose task's consensus (`c`, joined on the review; null: none now) is no longer
 * the answer approved: neither the same text nor the same comparable form, as the version that computed each defines
 * the task (a set of choices, tags or marks in another order, a form's fields in any order, a text composed otherwise is
 * the same answer); a tie or no consensus since is a change. The same text is never one, though the two forms were
 * computed under versions defining the task otherwise (`red` approved as a multiple choice's, stored `["red"]`, and
 * `red` since as a single choice's). A correction never has one.
 */
export const CONSENSUS_CHANGED = `(r.state = 'approved' AND ((c.answer = r.approved_consensus) OR ${COMPARABLE_CONSENSUS} = ${APPROVED_COMPARABLE}) IS NOT TRUE)`;

/**
 * A review as the caller sees it: to a reviewer (`reviewerId`, their id), another reviewer's review names its role
 * only, as reviewers are volunteers, whom a reviewer sees by no name nor id; a researcher's names them, a team member.
 */
export const toReview = (row: ReviewRow, reviewerId?: string): ConsensusReview => {
  const anotherReviewers = reviewerId !== undefined && row.reviewed_by_role === 'reviewer' && row.reviewed_by !== reviewerId;
  return {
    task: row.task,
    state: row.state,
    value: row.value,
    consensusChanged: row.consensus_changed,
    reviewedBy: anotherReviewers ? { memberId: null, name: null, role: row.reviewed_by_role } : { memberId: row.reviewed_by, name: row.reviewer_name, role: row.reviewed_by_role },
    reviewedAt: new Date(row.reviewed_at).toISOString(),
  };
};

/** The reviews (`r`) with their task's consensus (`c`), whose `CONSENSUS_CHANGED` they are read with. */
export const REVIEWS_WITH_CONSENSUS = `consensus_reviews r
      LEFT JOIN consensus c ON c.workflow_id = r.workflow_id AND c.subject_id = r.subject_id AND c.task = r.task`;

/** A `ReviewRow`'s columns, of the review `r`, its reviewer `u` and the task's consensus `c`. */
export const REVIEW_COLUMNS = `r.task, r.state, r.value, ${CONSENSUS_CHANGED} AS consensus_changed, r.reviewed_by, u.display_name AS reviewer_name, r.reviewed_by_role, r.reviewed_at`;

/** The reviews of the hot row `alias`'s subject, as `reviews_of.reviews`: a list of `ReviewRow`s in task order (null: none). */
export const reviewsOf = (alias: string) => `LEFT JOIN LATERAL (
    SELECT jsonb_agg(to_jsonb(review) ORDER BY review.task) AS reviews FROM (
      SELECT ${REVIEW_COLUMNS}
      FROM ${REVIEWS_WITH_CONSENSUS} LEFT JOIN users u ON u.id = r.reviewed_by
      WHERE r.workflow_id = ${alias}.workflow_id AND r.subject_id = ${alias}.subject_id) review) reviews_of ON true`;

/** The subjects of the workflow ($1) with an approval whose consensus changed since (`CONSENSUS_CHANGED`), few of its reviews. */
const CHANGED_APPROVALS = `SELECT r.subject_id FROM ${REVIEWS_WITH_CONSENSUS} WHERE r.workflow_id = $1 AND ${CONSENSUS_CHANGED}`;

/**
 * The results' `consensusChanged` filter, on the hot row `st` in the workflow ($1): `true`, the subjects with an approval
 * whose consensus changed since; `false`, those with an approval and none whose consensus changed.
 */
export const approvalsChanged = (changed: boolean) =>
  changed
    ? `st.subject_id IN (${CHANGED_APPROVALS})`
    : `st.subject_id IN (SELECT r.subject_id FROM consensus_reviews r WHERE r.workflow_id = $1 AND r.state = 'approved') AND st.subject_id NOT IN (${CHANGED_APPROVALS})`;

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
