import type { Workflow } from '@chorus/db';

/** A workflow as lists show it: what it is called, its status and version, and whether it is complete. */
export function workflowSummary(workflow: Pick<Workflow, 'id' | 'name' | 'status' | 'version'>, complete: ReadonlySet<string>) {
  return { id: workflow.id, name: workflow.name, status: workflow.status, version: workflow.version, complete: complete.has(workflow.id) };
}
