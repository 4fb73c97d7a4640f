import type { Client } from 'pg';

/**
 * Polls `condition` until it holds; fails, naming `what`, once `timeoutMs` has passed. The deadline is kept by
 * `performance.now()`, which tests that move `Date.now` (to age what the API remembers) leave alone.
 */
export async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How many of the workflow's subjects have classifications that aggregation has not accounted for yet. */
export async function laggingSubjects(db: Client, workflowId: string): Promise<number> {
  const { rows: [row] } = await db.query('SELECT count(*)::int AS n FROM subject_workflow_status WHERE workflow_id = $1 AND aggregated_count < classification_count', [workflowId]);
  return row.n;
}
