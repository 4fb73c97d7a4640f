import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * Keeps `subject_workflow_status` in step with which subjects a workflow can serve: one row per subject of every
 * subject set linked to the workflow. Rows are only ever added, so counts and retirement survive re-linking.
 */
@Injectable()
export class WorkflowSubjects {
  /** After linking sets to a workflow: every subject of those sets joins the workflow. */
  async afterLink(manager: EntityManager, workflowId: string, subjectSetIds: string[]): Promise<void> {
    if (!subjectSetIds.length) return;
    await manager.query(
      `INSERT INTO subject_workflow_status (workflow_id, subject_id)
       SELECT DISTINCT $1::uuid, m.subject_id FROM subject_set_members m WHERE m.subject_set_id = ANY($2::uuid[])
       ON CONFLICT DO NOTHING`,
      [workflowId, subjectSetIds],
    );
  }

  /** After adding subjects to a set: they join every workflow the set is linked to. */
  async afterAdd(manager: EntityManager, subjectSetId: string, subjectIds: string[]): Promise<void> {
    if (!subjectIds.length) return;
    await manager.query(
      `INSERT INTO subject_workflow_status (workflow_id, subject_id)
       SELECT l.workflow_id, s.id FROM workflow_subject_sets l CROSS JOIN unnest($2::uuid[]) AS s(id) WHERE l.subject_set_id = $1
       ON CONFLICT DO NOTHING`,
      [subjectSetId, subjectIds],
    );
  }

  /** After unlinking sets: subjects no longer in any linked set leave the workflow, unless already classified there. */
  async afterUnlink(manager: EntityManager, workflowId: string): Promise<void> {
    await manager.query(
      `DELETE FROM subject_workflow_status st WHERE st.workflow_id = $1 AND st.classification_count = 0
         AND NOT EXISTS (SELECT 1 FROM workflow_subject_sets l JOIN subject_set_members m ON m.subject_set_id = l.subject_set_id
                         WHERE l.workflow_id = $1 AND m.subject_id = st.subject_id)`,
      [workflowId],
    );
  }
}
