import type { ConsensusReview } from '@chorus/client';

/** A stored review with its reviewer's display name. */
export interface ReviewRow {
  task: string;
  value: unknown;
  reviewed_by: string;
  reviewer_name: string | null;
  reviewed_at: Date | string;
}

export const toReview = (row: ReviewRow): ConsensusReview => ({
  task: row.task,
  state: row.value === null ? 'approved' : 'corrected',
  value: row.value,
  reviewedBy: { memberId: row.reviewed_by, name: row.reviewer_name },
  reviewedAt: new Date(row.reviewed_at).toISOString(),
});

/** The reviews of the hot row `alias`'s subject, as `reviews_of.reviews`: a list of `ReviewRow`s in task order (null: none). */
export const reviewsOf = (alias: string) => `LEFT JOIN LATERAL (
    SELECT jsonb_agg(jsonb_build_object('task', r.task, 'value', r.value, 'reviewed_by', r.reviewed_by, 'reviewer_name', u.display_name, 'reviewed_at', r.reviewed_at) ORDER BY r.task) AS reviews
    FROM consensus_reviews r LEFT JOIN users u ON u.id = r.reviewed_by WHERE r.workflow_id = ${alias}.workflow_id AND r.subject_id = ${alias}.subject_id) reviews_of ON true`;

/**
 * Whether the subject of the hot row `st` in the workflow ($1) has a consensus no researcher reviewed yet: a task
 * answered at least once without a review.
 */
export const UNREVIEWED_CONSENSUS = `EXISTS (SELECT 1 FROM consensus c WHERE c.workflow_id = $1 AND c.subject_id = st.subject_id AND c.votes > 0
    AND NOT EXISTS (SELECT 1 FROM consensus_reviews r WHERE r.workflow_id = c.workflow_id AND r.subject_id = c.subject_id AND r.task = c.task))`;

/** Whether the subject of the hot row `st` in the workflow ($1) has a review, of any task. */
export const ANY_REVIEW = 'EXISTS (SELECT 1 FROM consensus_reviews r WHERE r.workflow_id = $1 AND r.subject_id = st.subject_id)';
