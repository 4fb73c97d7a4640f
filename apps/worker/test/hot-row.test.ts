import { openDatabase } from '@chorus/db';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ClassificationWriter } from '../../api/src/classifications/classification-writer';
import { type Stack, startStack } from '../../../test/support/stack';
import { voteWorkflow } from '../../../test/support/workflows';
import { AggregationService } from '../src/aggregation/aggregation.service';
import { WorkflowDefinitions } from '../src/aggregation/workflow-definitions';
import { SkillsRepository } from '../src/skills/skills.repository';

/**
 * A submit's update of its subject's hot row, and an aggregation's that retires nothing, are HOT: Postgres writes the
 * new row version on the same page and no index entry, which it can only when no index (in its columns, expressions
 * or `WHERE`) names a column the update changes.
 */

let stack: Stack;
/** One connection: every update of the hot rows below is this backend's, whose statistics it can flush at once. */
let db: DataSource;
let writer: ClassificationWriter;
let aggregation: AggregationService;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  db = await openDatabase(stack.config.databaseUrl, 1);
  writer = new ClassificationWriter(db);
  aggregation = new AggregationService(db, new SkillsRepository(), new WorkflowDefinitions());
});
afterAll(async () => {
  await db?.destroy();
  await stack.stop();
});

async function guestIds(count: number): Promise<string[]> {
  const { rows } = await stack.db.query("INSERT INTO users (kind, display_name) SELECT 'guest', 'Guest ' || g FROM generate_series(1, $1) g RETURNING id", [count]);
  return rows.map((row) => row.id as string);
}

/** Each volunteer classifies each subject (one submit at a time), then the subjects are aggregated (retiring none). */
async function classifyAndAggregate(workflowId: string, subjectIds: string[], volunteers: string[]): Promise<void> {
  for (const userId of volunteers) {
    for (const subjectId of subjectIds) {
      const stored = await writer.store({
        workflowId,
        workflowVersion: 1,
        subjectId,
        userId,
        asAccount: false,
        annotations: [{ task: 'T0', value: 'yes' }],
        startedAt: null,
        finishedAt: null,
        metadata: {},
        idempotencyKey: randomUUID(),
      });
      expect(stored).toBeDefined();
    }
  }
  const { outcomes } = await aggregation.aggregateSubjects(subjectIds.map((subjectId) => ({ workflowId, subjectId })));
  expect([...outcomes.values()]).toEqual(subjectIds.map(() => 'aggregated'));
}

async function hotRows(workflowId: string): Promise<Map<string, Record<string, unknown>>> {
  const { rows } = await stack.db.query('SELECT subject_id, to_jsonb(st) AS row FROM subject_workflow_status st WHERE workflow_id = $1', [workflowId]);
  return new Map(rows.map((row) => [row.subject_id as string, row.row as Record<string, unknown>]));
}

function changedColumns(before: Map<string, Record<string, unknown>>, after: Map<string, Record<string, unknown>>): string[] {
  const changed = new Set<string>();
  for (const [subjectId, row] of after) {
    for (const [column, value] of Object.entries(row)) if (JSON.stringify(value) !== JSON.stringify(before.get(subjectId)![column])) changed.add(column);
  }
  return [...changed].sort();
}

it('has no index that names, in its columns, expressions or predicate, a column a submit or an aggregation short of retirement changes', async () => {
  const { workflowId, subjectIds } = await voteWorkflow(stack, 2, 5);
  const before = await hotRows(workflowId);
  await classifyAndAggregate(workflowId, subjectIds, await guestIds(1));
  const changed = changedColumns(before, await hotRows(workflowId));
  expect(changed).toEqual(expect.arrayContaining(['classification_count', 'counted_count', 'aggregated_count', 'judged_count', 'updated_at']));

  // Every column each index names: its key columns (`indkey`), and the columns of its expressions and `WHERE` (the
  // Var nodes of `indexprs` and `indpred`).
  const { rows: indexed } = await stack.db.query(
    `SELECT DISTINCT c.relname AS index, a.attname AS column
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     CROSS JOIN LATERAL (
       SELECT unnest(i.indkey::int2[]) AS attnum
       UNION SELECT m[1]::int2 FROM regexp_matches(coalesce(i.indexprs::text, '') || coalesce(i.indpred::text, ''), ':varattno (\\d+)', 'g') m
     ) k
     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
     WHERE i.indrelid = 'subject_workflow_status'::regclass ORDER BY 1, 2`,
  );
  expect(indexed).toContainEqual({ index: 'subject_workflow_status_queue_idx', column: 'retired_at' }); // a predicate is read
  expect(indexed.filter((row) => changed.includes(row.column))).toEqual([]);
});

it('updates a subject’s hot row without a new index entry (HOT) on each submit, and on an aggregation that retires nothing', async () => {
  const { workflowId, subjectIds } = await voteWorkflow(stack, 2, 5);
  const volunteers = await guestIds(3);
  const updates = async () => {
    await db.query('SELECT pg_stat_force_next_flush()'); // flushed as the statement ends, before it answers
    const [row] = await db.query("SELECT n_tup_upd::int AS updated, n_tup_hot_upd::int AS hot FROM pg_stat_user_tables WHERE relid = 'subject_workflow_status'::regclass");
    return row as { updated: number; hot: number };
  };
  const before = await updates();
  await classifyAndAggregate(workflowId, subjectIds, volunteers);
  const after = await updates();
  // Six submits and two subjects aggregated, each one update.
  expect({ updated: after.updated - before.updated, hot: after.hot - before.hot }).toEqual({ updated: 8, hot: 8 });
});
