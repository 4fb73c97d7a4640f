import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { WorkflowVersionSummary } from '@chorus/client';
import { versionChanges } from '@chorus/consensus';
import { WorkflowDefinitionCache } from '@chorus/db';
import type { WorkflowDefinition } from '@chorus/tasks';
import type { DataSource, EntityManager } from 'typeorm';

interface VersionRow {
  version: number;
  definition: WorkflowDefinition;
  /** The md5 of the definition as jsonb's text, which is canonical (keys sorted, no duplicate): equal hashes, equal definitions. */
  definition_md5: string;
  created_at: Date;
  created_by: string | null;
  author: string | null;
  classifications: number;
}

/**
 * Every version of the workflow ($1), the newest first, with its author's name and the classifications made under it
 * that the workflow's progress counts (not its team's tries in draft). They are counted by an index-only scan of
 * `classifications_versions_idx`, whose predicate (`NOT made_in_draft`) the count's WHERE repeats word for word.
 */
export const VERSION_HISTORY = `
  SELECT v.version, v.definition, md5(v.definition::text) AS definition_md5, v.created_at, v.created_by, u.display_name AS author, coalesce(c.n, 0)::int AS classifications
  FROM workflow_versions v
  LEFT JOIN users u ON u.id = v.created_by
  LEFT JOIN (SELECT workflow_version, count(*) AS n FROM classifications WHERE workflow_id = $1 AND NOT made_in_draft GROUP BY workflow_version) c
    ON c.workflow_version = v.version
  WHERE v.workflow_id = $1
  ORDER BY v.version DESC`;

/** Workflow versions are immutable, so each is read from the database once per process. */
@Injectable()
export class WorkflowVersions {
  private readonly cache = new WorkflowDefinitionCache();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The version's definition, read (once) through `db`: a transaction's manager, so as not to take a second connection. */
  definition(workflowId: string, version: number, db: DataSource | EntityManager = this.db): Promise<WorkflowDefinition | undefined> {
    return this.cache.of(db, workflowId, version);
  }

  /**
   * The workflow's versions, the newest first, each with what it changed from the one before (null for the first),
   * and the earlier version it has the definition of again, if any (one made current again).
   */
  async history(workflowId: string): Promise<WorkflowVersionSummary[]> {
    const rows = await this.db.query<VersionRow[]>(VERSION_HISTORY, [workflowId]);
    const setNames = await this.effectSetNames(...rows.map((row) => row.definition));
    const sameAs = sameAsEarlier(rows);
    return rows.map((row, index) => {
      const before = rows[index + 1];
      return {
        version: row.version,
        createdAt: row.created_at.toISOString(),
        createdBy: row.created_by ? { id: row.created_by, displayName: row.author ?? '' } : null,
        classifications: row.classifications,
        changes: before ? { ...versionChanges(before.definition, row.definition, setNames), sameAs: sameAs.get(row.version) ?? null } : null,
      };
    });
  }

  /** The names of the subject sets the effects of the definitions put subjects in, for what a new version changes. */
  async effectSetNames(...definitions: WorkflowDefinition[]): Promise<Map<string, string>> {
    const ids = [...new Set(definitions.flatMap((definition) => definition.effects.map((effect) => effect.addToSubjectSet)))];
    if (!ids.length) return new Map();
    const rows: { id: string; name: string }[] = await this.db.query('SELECT id, name FROM subject_sets WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((row) => [row.id, row.name]));
  }
}

/**
 * For each version of `rows` (the newest first) with the definition of an earlier one, the newest such earlier version:
 * one walk from the oldest, by the md5 of the definitions' jsonb text, equal exactly when the definitions are equal as a save
 * compares them (jsonb sorts an object's keys; their order matters to neither).
 */
function sameAsEarlier(rows: readonly VersionRow[]): Map<number, number> {
  const newestWith = new Map<string, number>();
  const sameAs = new Map<number, number>();
  for (const row of [...rows].reverse()) {
    const earlier = newestWith.get(row.definition_md5);
    if (earlier !== undefined) sameAs.set(row.version, earlier);
    newestWith.set(row.definition_md5, row.version);
  }
  return sameAs;
}
