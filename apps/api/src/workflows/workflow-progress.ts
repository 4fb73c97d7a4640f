import type { Workflow } from '@chorus/db';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Of these workflows, those with subjects and none left unretired, gold-standard ones aside (their rule never retires
 * them): nothing is left to classify there.
 */
export async function completeWorkflows(db: DataSource | EntityManager, workflowIds: string[]): Promise<Set<string>> {
  if (!workflowIds.length) return new Set();
  const rows: { id: string }[] = await db.query(
    `SELECT w.id FROM unnest($1::uuid[]) AS w(id)
     WHERE EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = w.id)
       AND NOT EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = w.id AND st.retired_at IS NULL AND NOT st.gold_standard)`,
    [workflowIds],
  );
  return new Set(rows.map((row) => row.id));
}

/** A workflow as lists show it: what it is called, its status and version, and whether it is complete. */
export function workflowSummary(workflow: Pick<Workflow, 'id' | 'name' | 'status' | 'version'>, complete: ReadonlySet<string>) {
  return { id: workflow.id, name: workflow.name, status: workflow.status, version: workflow.version, complete: complete.has(workflow.id) };
}
