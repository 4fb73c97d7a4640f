import type { WorkflowDefinition } from '@chorus/tasks';

/** Anything that runs SQL: a DataSource, an EntityManager or a query runner. */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** Workflow versions are immutable, so each definition is read from the database once per process. */
export class WorkflowDefinitionCache {
  private readonly cache = new Map<string, WorkflowDefinition>();

  constructor(private readonly maxCached = 5_000) {}

  async of(db: Queryable, workflowId: string, version: number): Promise<WorkflowDefinition | undefined> {
    const key = `${workflowId}:${version}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const [row] = (await db.query('SELECT definition FROM workflow_versions WHERE workflow_id = $1 AND version = $2', [workflowId, version])) as { definition: WorkflowDefinition }[];
    if (!row) return undefined;
    if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, row.definition);
    return row.definition;
  }
}
