import type { EntityManager } from 'typeorm';

/**
 * The retirement reason of a subject that left every set linked to a workflow after it was classified there: its row
 * stays, for its consensus, but no queue serves it.
 */
export const UNLINKED = 'unlinked';

/**
 * Brings back to the queue the subjects that left a workflow when their sets were unlinked, for the (workflow,
 * subject) pairs that `pairs` selects (parameters `parameters`), and owes each an aggregation, since the workflow's
 * rule may have changed meanwhile. Only rows retired as unlinked are touched (and locked): an upsert with a
 * conditional DO UPDATE would lock every row it met.
 */
async function rejoinUnlinked(manager: EntityManager, pairs: string, parameters: unknown[]): Promise<void> {
  await manager.query(
    `WITH rejoined AS (
       UPDATE subject_workflow_status st SET retired_at = NULL, retirement_reason = NULL, retirement_detail = NULL, updated_at = now()
       FROM (${pairs}) p(workflow_id, subject_id)
       WHERE st.workflow_id = p.workflow_id AND st.subject_id = p.subject_id AND st.retirement_reason = '${UNLINKED}'
       RETURNING st.workflow_id, st.subject_id)
     INSERT INTO aggregation_outbox (workflow_id, subject_id) SELECT workflow_id, subject_id FROM rejoined ON CONFLICT DO NOTHING`,
    parameters,
  );
}

/** After linking sets to a workflow: their subjects that had left it when unlinked come back. */
export function rejoinLinkedSets(manager: EntityManager, workflowId: string, subjectSetIds: string[]): Promise<void> {
  return rejoinUnlinked(manager, 'SELECT $1::uuid, m.subject_id FROM subject_set_members m WHERE m.subject_set_id = ANY($2::uuid[])', [workflowId, subjectSetIds]);
}

/**
 * Adds subjects to a subject set, after those already there, and to every workflow the set feeds. Used by uploads
 * and by workflow effects (a subject's consensus moves it into a set that another workflow serves).
 */
export async function addToSubjectSet(manager: EntityManager, subjectSetId: string, subjectIds: string[]): Promise<void> {
  if (!subjectIds.length) return;
  await manager.query(
    `INSERT INTO subject_set_members (subject_set_id, subject_id, position)
     SELECT $1, t.id, (SELECT coalesce(max(position), 0) FROM subject_set_members WHERE subject_set_id = $1) + t.ord
     FROM unnest($2::uuid[]) WITH ORDINALITY AS t(id, ord)
     ON CONFLICT DO NOTHING`,
    [subjectSetId, subjectIds],
  );
  await manager.query(
    `INSERT INTO subject_workflow_status (workflow_id, subject_id, gold_standard)
     SELECT l.workflow_id, s.id, s.gold_standard IS NOT NULL FROM workflow_subject_sets l CROSS JOIN subjects s
     WHERE l.subject_set_id = $1 AND s.id = ANY($2::uuid[])
     ON CONFLICT DO NOTHING`,
    [subjectSetId, subjectIds],
  );
  await rejoinUnlinked(manager, 'SELECT l.workflow_id, t.id FROM workflow_subject_sets l CROSS JOIN unnest($2::uuid[]) AS t(id) WHERE l.subject_set_id = $1', [subjectSetId, subjectIds]);
}
