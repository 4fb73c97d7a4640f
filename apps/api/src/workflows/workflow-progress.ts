import type { Workflow } from '@chorus/db';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * A hot row `st` whose subject is left to classify: not retired, and not gold standard (whose rule never retires it,
 * and which is served only alongside others). A workflow with none is finished.
 */
export const LEFT_TO_CLASSIFY = 'st.retired_at IS NULL AND NOT st.gold_standard';

/** Of these workflows, those with subjects and none left to classify. */
export async function completeWorkflows(db: DataSource | EntityManager, workflowIds: string[]): Promise<Set<string>> {
  if (!workflowIds.length) return new Set();
  const rows: { id: string }[] = await db.query(
    `SELECT w.id FROM unnest($1::uuid[]) AS w(id)
     WHERE EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = w.id)
       AND NOT EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = w.id AND ${LEFT_TO_CLASSIFY})`,
    [workflowIds],
  );
  return new Set(rows.map((row) => row.id));
}

/** A workflow as lists show it: what it is called, its status and version, and whether it is complete. */
export function workflowSummary(workflow: Pick<Workflow, 'id' | 'name' | 'status' | 'version'>, complete: ReadonlySet<string>) {
  return { id: workflow.id, name: workflow.name, status: workflow.status, version: workflow.version, complete: complete.has(workflow.id) };
}
