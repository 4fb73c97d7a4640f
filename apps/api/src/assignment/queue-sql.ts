import type { SelectionRule } from '@chorus/tasks';

/**
 * The subjects a volunteer may be given: not retired, not classified by them, not already outstanding with them,
 * and not already handed to as many volunteers as the subject can still need ($cap; null for no cap). Only
 * classifications that count toward retirement fill the cap, so gold-standard subjects are never capped.
 * Parameters: $1 workflow, $2 volunteer, $3 cap, $4 limit.
 */
const ELIGIBLE = `st.workflow_id = $1 AND st.retired_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_id = $1 AND c.subject_id = st.subject_id AND c.user_id = $2)
  AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.workflow_id = $1 AND a.subject_id = st.subject_id AND a.user_id = $2 AND a.expires_at > now())
  AND ($3::int IS NULL OR st.counted_count
       + (SELECT count(*) FROM assignments a WHERE a.workflow_id = $1 AND a.subject_id = st.subject_id AND a.expires_at > now()) < $3)`;

/** Rows being assigned or aggregated by another transaction are skipped, so concurrent volunteers spread out. */
const LOCK = 'FOR UPDATE OF st SKIP LOCKED';

/**
 * The passes that pick subjects for one selection order, run in turn until the batch is full; each returns
 * `subject_id` in serving order and takes its own parameters from $5 on. Random selection starts at a random point
 * of the fixed random keys and wraps around in a second, disjoint pass: two index range scans, uniform per subject.
 */
export interface CandidatePass {
  sql: string;
  /** Parameters $5, $6, … of this pass. */
  params: unknown[];
}

const randomPasses = (from: string, where: string, start: number): CandidatePass[] => [
  { sql: `SELECT st.subject_id FROM ${from} WHERE ${ELIGIBLE} ${where} AND st.random >= $5 ORDER BY st.random LIMIT $4 ${LOCK}`, params: [start] },
  { sql: `SELECT st.subject_id FROM ${from} WHERE ${ELIGIBLE} ${where} AND st.random < $5 ORDER BY st.random LIMIT $4 ${LOCK}`, params: [start] },
];

export function candidatePasses(order: SelectionRule['order'], start: number): CandidatePass[] {
  switch (order) {
    case 'random':
      return randomPasses('subject_workflow_status st', '', start);
    case 'priority':
      return [{ sql: `SELECT st.subject_id FROM subject_workflow_status st WHERE ${ELIGIBLE} ORDER BY st.priority, st.random LIMIT $4 ${LOCK}`, params: [] }];
    case 'sequential':
      return [
        {
          sql: `SELECT st.subject_id FROM subject_workflow_status st
            JOIN LATERAL (SELECT min(m.position) AS position FROM subject_set_members m
                          JOIN workflow_subject_sets l ON l.subject_set_id = m.subject_set_id AND l.workflow_id = $1
                          WHERE m.subject_id = st.subject_id) seq ON true
            WHERE ${ELIGIBLE} ORDER BY seq.position, st.subject_id LIMIT $4 ${LOCK}`,
          params: [],
        },
      ];
  }
}

/** One subject set's subjects, in random order: a set's share of a batch under `setWeights`. */
export const subjectSetPasses = (subjectSetId: string, start: number): CandidatePass[] =>
  randomPasses(
    'subject_workflow_status st',
    'AND EXISTS (SELECT 1 FROM subject_set_members m WHERE m.subject_set_id = $6 AND m.subject_id = st.subject_id)',
    start,
  ).map((pass) => ({ ...pass, params: [...pass.params, subjectSetId] }));

/** Gold-standard subjects only, in random order: the slots the gold-standard rate gives them. */
export const goldStandardPasses = (start: number): CandidatePass[] =>
  randomPasses('subjects s JOIN subject_workflow_status st ON st.workflow_id = $1 AND st.subject_id = s.id', 'AND s.gold_standard IS NOT NULL', start);

/** The training set's subjects in set order, for a volunteer's first classifications. */
export const trainingPass = (subjectSetId: string): CandidatePass => ({
  sql: `SELECT st.subject_id FROM subject_set_members m JOIN subject_workflow_status st ON st.workflow_id = $1 AND st.subject_id = m.subject_id
    WHERE m.subject_set_id = $5 AND ${ELIGIBLE} ORDER BY m.position, st.subject_id LIMIT $4 ${LOCK}`,
  params: [subjectSetId],
});

/** The volunteer's classifications in the workflow, counted no further than $3 (what can still matter). */
export const EXPERIENCE = `SELECT count(*)::int AS classifications FROM (
  SELECT 1 FROM classifications WHERE workflow_id = $1 AND user_id = $2 LIMIT $3) c`;

/**
 * Assigns what the passes picked, re-checked in this new statement and so a new snapshot: a pass may have counted
 * assignments from before another volunteer's assignment committed. While we hold the row locks, nobody else can
 * assign these subjects, so what passes this check is safe to assign. An assignment of the volunteer's that is still
 * live (made meanwhile by their own concurrent request) is left alone and not returned, so two batches never share a
 * subject; an expired one is renewed. Returns the assigned subjects, for serving.
 * Parameters: $1 workflow, $2 volunteer (who may have classified one since the pass's snapshot), $3 cap,
 * $4 picked ids, $5 assignment lifetime in seconds.
 */
export const ASSIGN_STILL_ELIGIBLE = `WITH assigned AS (
    INSERT INTO assignments (workflow_id, user_id, subject_id, assigned_at, expires_at)
    SELECT $1, $2, st.subject_id, now(), now() + make_interval(secs => $5)
    FROM unnest($4::uuid[]) AS picked(id)
    JOIN subject_workflow_status st ON st.workflow_id = $1 AND st.subject_id = picked.id
    WHERE st.retired_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_id = $1 AND c.subject_id = st.subject_id AND c.user_id = $2)
      AND ($3::int IS NULL OR st.counted_count
          + (SELECT count(*) FROM assignments a WHERE a.workflow_id = $1 AND a.subject_id = st.subject_id AND a.expires_at > now()) < $3)
    ON CONFLICT (workflow_id, user_id, subject_id) DO UPDATE SET assigned_at = EXCLUDED.assigned_at, expires_at = EXCLUDED.expires_at
      WHERE assignments.expires_at <= now()
    RETURNING subject_id
  )
  SELECT s.id, s.external_id, s.locations, s.metadata FROM assigned JOIN subjects s ON s.id = assigned.subject_id`;

/**
 * The workflow, its project's status, the caller's role in it and how many more subjects the caller may hold in it,
 * in one round trip. Parameters: $1 workflow, $2 volunteer, $3 most subjects one volunteer may hold.
 */
export const WORKFLOW_FOR_QUEUE = `SELECT w.id, w.name, w.status, w.version, w.project_id, p.status AS project_status, m.role,
    greatest(0, $3 - (SELECT count(*) FROM assignments a WHERE a.workflow_id = w.id AND a.user_id = $2 AND a.expires_at > now()))::int AS room
  FROM workflows w JOIN projects p ON p.id = w.project_id
  LEFT JOIN project_members m ON m.project_id = w.project_id AND m.user_id = $2
  WHERE w.id = $1`;

/** What is left for the volunteer once nothing can be served now. */
export const REMAINING = `SELECT
    EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = $1 AND st.retired_at IS NULL) AS unretired,
    EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = $1 AND st.retired_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_id = $1 AND c.subject_id = st.subject_id AND c.user_id = $2)) AS unseen`;
