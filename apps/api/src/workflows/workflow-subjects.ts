import { Injectable } from '@nestjs/common';
import { joinWorkflows, rejoinLinkedSets } from '@chorus/db';
import type { EntityManager } from 'typeorm';

/**
 * Keeps `subject_workflow_status` in step with which subjects a workflow can serve: one row per subject of every
 * subject set linked to the workflow (subjects added to a set later join through `addToSubjectSet` of packages/db;
 * those that leave, through its `leaveWorkflow`).
 */
@Injectable()
export class WorkflowSubjects {
  /**
   * After linking sets to a workflow: every subject of those sets joins the workflow, at the priority its upload gave
   * it (the lowest, of a subject two of the sets gave one), and those that had left it when their sets were unlinked
   * come back, with the priority they had. Pass only the newly linked sets: the others' subjects are already there. The
   * deliveries kept of those that came back to the queue (`rejoinLinkedSets`), to enqueue once it commits.
   */
  async afterLink(manager: EntityManager, workflowId: string, subjectSetIds: string[]): Promise<string[]> {
    if (!subjectSetIds.length) return [];
    await joinWorkflows(
      manager,
      `SELECT $1::uuid AS workflow_id, m.subject_id, s.gold_standard IS NOT NULL AS gold_standard, min(m.priority) AS priority
       FROM subject_set_members m JOIN subjects s ON s.id = m.subject_id
       WHERE m.subject_set_id = ANY($2::uuid[])
       GROUP BY m.subject_id, s.gold_standard`,
      [workflowId, subjectSetIds],
    );
    return rejoinLinkedSets(manager, workflowId, subjectSetIds);
  }

  /**
   * A copy (`copyId`) serving the source's sets takes each subject's priority in the source (`sourceId`), set there by
   * a researcher (`POST /workflows/:id/priorities`) or by an upload: its rows were just made at the uploads' priorities.
   */
  async copyPriorities(manager: EntityManager, sourceId: string, copyId: string): Promise<void> {
    await manager.query(
      `UPDATE subject_workflow_status c SET priority = src.priority
       FROM subject_workflow_status src
       WHERE c.workflow_id = $2 AND src.workflow_id = $1 AND src.subject_id = c.subject_id AND c.priority IS DISTINCT FROM src.priority`,
      [sourceId, copyId],
    );
  }
}
