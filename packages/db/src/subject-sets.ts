import type { EntityManager } from 'typeorm';

/**
 * The retirement reason of a subject that left every set linked to a workflow after it was classified there: its row
 * stays, for its consensus, but no queue serves it.
 */
export const UNLINKED = 'unlinked';

/**
 * How a subject joins a workflow whose row it already has: only a row retired because its sets were unlinked comes
 * back to the queue. For `INSERT INTO subject_workflow_status …`.
 */
export const REJOIN_WORKFLOW = `ON CONFLICT (workflow_id, subject_id) DO UPDATE
  SET retired_at = NULL, retirement_reason = NULL, retirement_detail = NULL, updated_at = now()
  WHERE subject_workflow_status.retirement_reason = '${UNLINKED}'`;

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
     ${REJOIN_WORKFLOW}`,
    [subjectSetId, subjectIds],
  );
}
