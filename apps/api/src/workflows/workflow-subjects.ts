import { Injectable } from '@nestjs/common';
import { UNLINK, isUnlinked, joinWorkflows, rejoinLinkedSets } from '@chorus/db';
import type { EntityManager } from 'typeorm';

/**
 * Keeps `subject_workflow_status` in step with which subjects a workflow can serve: one row per subject of every
 * subject set linked to the workflow (subjects added to a set later join through `addToSubjectSet` of packages/db).
 */
@Injectable()
export class WorkflowSubjects {
  /**
   * After linking sets to a workflow: every subject of those sets joins the workflow, and those that had left it when
   * their sets were unlinked come back. Pass only the newly linked sets: the others' subjects are already there.
   */
  async afterLink(manager: EntityManager, workflowId: string, subjectSetIds: string[]): Promise<void> {
    if (!subjectSetIds.length) return;
    await joinWorkflows(
      manager,
      `SELECT DISTINCT $1::uuid AS workflow_id, m.subject_id, s.gold_standard IS NOT NULL AS gold_standard FROM subject_set_members m JOIN subjects s ON s.id = m.subject_id
       WHERE m.subject_set_id = ANY($2::uuid[])`,
      [workflowId, subjectSetIds],
    );
    await rejoinLinkedSets(manager, workflowId, subjectSetIds);
  }

  /**
   * After unlinking sets (or taking subjects out of one): subjects no longer in any linked set leave the workflow.
   * Those already classified there, held or retired keep their row, for their consensus, and leave every queue (retired as
   * `unlinked`, unless retired already) until a set of theirs is linked again. `subjectIds`: only these may have left.
   * Answers how many kept their row.
   */
  async afterUnlink(manager: EntityManager, workflowId: string, subjectIds: string[] | null = null): Promise<number> {
    const left = `st.workflow_id = $1 AND ($2::uuid[] IS NULL OR st.subject_id = ANY($2))
      AND NOT EXISTS (SELECT 1 FROM workflow_subject_sets l JOIN subject_set_members m ON m.subject_set_id = l.subject_set_id
                      WHERE l.workflow_id = $1 AND m.subject_id = st.subject_id)`;
    // Locked first, in key order as a submit locks them: a queue pick that holds one commits its assignment before the
    // statements below read the holds.
    await manager.query(`SELECT 1 FROM subject_workflow_status st WHERE ${left} ORDER BY st.workflow_id, st.subject_id FOR UPDATE`, [workflowId, subjectIds]);
    // A subject never classified there simply leaves, unless retired by hand, which it stays if its set comes back, or
    // held by a volunteer, whose answer on its way is then stored (as given after its retirement; the worker's
    // reconciler removes the row once the hold has ended unanswered).
    await manager.query(
      `DELETE FROM subject_workflow_status st WHERE ${left} AND st.classification_count = 0 AND st.retired_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.workflow_id = st.workflow_id AND a.subject_id = st.subject_id AND a.expires_at > now())`,
      [workflowId, subjectIds],
    );
    const [, kept]: [unknown, number] = await manager.query(`UPDATE subject_workflow_status st SET ${UNLINK} WHERE ${left} AND NOT ${isUnlinked('st')}`, [workflowId, subjectIds]);
    return kept;
  }
}
