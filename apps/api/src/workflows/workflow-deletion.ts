import type { EntityManager } from 'typeorm';

/** One workflow, or every workflow of a project. */
export type WorkflowsToDelete = { workflowId: string } | { projectId: string };

/**
 * Deletes the workflows `which` names, with their versions, links, holds and runs, unless someone has classified in one
 * of them: classifications are volunteers' work, never deleted. Their team's tries while a workflow was a draft
 * (`made_in_draft`), which count toward nothing, go with it (by the foreign keys' cascade, as its consensus, reports
 * and favourites do). Their hot rows are locked as a submit locks them, in key order and then (by its key check) the
 * workflow's row: a submit meanwhile waits for this, then finds no workflow and stores nothing. False, deleting
 * nothing, when one has classifications other than tries.
 */
export async function deleteUnclassifiedWorkflows(manager: EntityManager, which: WorkflowsToDelete): Promise<boolean> {
  const [where, parameters] = 'workflowId' in which ? ['w.id = $1', [which.workflowId]] : ['w.project_id = $1', [which.projectId]];
  const workflows = `SELECT w.id FROM workflows w WHERE ${where}`;
  await manager.query(`SELECT 1 FROM subject_workflow_status WHERE workflow_id IN (${workflows}) ORDER BY workflow_id, subject_id FOR UPDATE`, parameters);
  await manager.query(`${workflows} ORDER BY w.id FOR UPDATE`, parameters);
  const [{ classified }]: { classified: boolean }[] = await manager.query(`SELECT EXISTS (SELECT 1 FROM classifications WHERE workflow_id IN (${workflows}) AND NOT made_in_draft) AS classified`, parameters);
  if (classified) return false;
  // None of these has a foreign key to cascade by (they are written on every queue request and submit, or kept apart).
  for (const table of ['assignments', 'aggregation_outbox', 'reaggregation_runs']) await manager.query(`DELETE FROM ${table} WHERE workflow_id IN (${workflows})`, parameters);
  await manager.query(`DELETE FROM workflows w WHERE ${where}`, parameters);
  return true;
}
