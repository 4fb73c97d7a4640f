import { Client } from 'pg';

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

/**
 * Runs `statement` (with `parameters`) in a transaction of its own on another connection to `databaseUrl`, as a request
 * of someone else's would, then `request`, and commits the transaction once `request` waits for a lock it holds (or
 * answered without): what `request` answers when that change commits while it runs. A request that fails while the
 * transaction is open fails the call once it is committed.
 */
export async function committedMeanwhile<T>(databaseUrl: string, statement: string, parameters: unknown[], request: () => Promise<T>): Promise<T> {
  const other = new Client({ connectionString: databaseUrl });
  await other.connect();
  try {
    await other.query('BEGIN');
    await other.query(statement, parameters);
    const { rows: [{ pid: holder }] } = await other.query('SELECT pg_backend_pid() AS pid');
    let answered = false;
    const answer = request().finally(() => (answered = true));
    answer.catch(() => undefined); // kept for the `await` below, which rethrows it
    const blocked = async () => (await other.query('SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [holder])).rows.length > 0;
    await until(async () => answered || (await blocked()), 'the request to wait for the transaction');
    await other.query('COMMIT');
    return await answer;
  } finally {
    await other.end();
  }
}
