import type { DataSource, EntityManager } from 'typeorm';
import { effectAddsTo } from './effect-routing';
import { preparedQuery } from './prepared';
import { isUnlinked } from './subject-sets';
import { recordWorkflowCompleted } from './webhooks';

/**
 * A hot row `st` whose subject is left to classify: not retired, and not gold standard (whose rule never retires it,
 * and which is served only alongside others). A workflow with none is finished.
 */
export const LEFT_TO_CLASSIFY = 'st.retired_at IS NULL AND NOT st.gold_standard';

/**
 * The workflows `w` (current version `v`) that may still send the workflow whose id is the SQL expression `workflowId`
 * subjects: others of its project, active or paused, with subjects left to classify, whose current version has an
 * effect that adds retired subjects to a set it is linked to (`effectAddsTo`). Until they have none left, it is not
 * complete. A draft is left out (nobody classifies it, and it may never open: the next stage would wait for ever), and a
 * finished one, or one with no subject left to retire, routes nothing more.
 */
export const feedersOf = (workflowId: string) => `workflows w
  JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version
  WHERE w.project_id = (SELECT project_id FROM workflows WHERE id = ${workflowId}) AND w.id <> ${workflowId} AND w.status IN ('active', 'paused')
    AND EXISTS (SELECT 1 FROM workflow_subject_sets ws WHERE ws.workflow_id = ${workflowId} AND ${effectAddsTo('v.definition', 'ws.subject_set_id')})
    AND EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = w.id AND ${LEFT_TO_CLASSIFY})`;

/** Names of the workflows that may still send workflow $1 subjects (`feedersOf`), each with whether it is paused (all of that name are). */
const FED_BY = `SELECT w.name, bool_and(w.status = 'paused') AS paused FROM ${feedersOf('$1::uuid')} GROUP BY w.name ORDER BY w.name`;

/** What may still come to a workflow: the names of the workflows that may send it subjects, and whether every one of them is paused (volunteers finish none of their subjects there). */
export interface Feeding {
  comingFrom: string[];
  feedersPaused?: true;
}

export async function feedingOf(db: DataSource | EntityManager, workflowId: string): Promise<Feeding> {
  const rows = await preparedQuery<{ name: string; paused: boolean }>(db, FED_BY, [workflowId]);
  const comingFrom = rows.map((row) => row.name);
  return rows.length && rows.every((row) => row.paused) ? { comingFrom, feedersPaused: true } : { comingFrom };
}

/** The workflow whose id is the SQL expression `workflowId` has subjects, none left to classify, and none to come from workflows that feed it. */
const isComplete = (workflowId: string) => `(EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = ${workflowId})
  AND NOT EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = ${workflowId} AND ${LEFT_TO_CLASSIFY})
  AND NOT EXISTS (SELECT 1 FROM ${feedersOf(workflowId)}))`;

/** Of these workflows, those that are complete (`isComplete`). */
export async function completeWorkflows(db: DataSource | EntityManager, workflowIds: string[]): Promise<Set<string>> {
  if (!workflowIds.length) return new Set();
  const rows: { id: string }[] = await db.query(`SELECT me.id FROM unnest($1::uuid[]) AS me(id) WHERE ${isComplete('me.id')}`, [workflowIds]);
  return new Set(rows.map((row) => row.id));
}

/**
 * Whether the workflow completes now: complete (`isComplete`) or finished by its researchers, and not found so before,
 * or complete again: a subject retired (not by an unlink) after it was last found so, which it had been given, or
 * unretired, since. Records it (`completed_at`, and a `workflow.completed` delivery for its webhooks) in the caller's transaction, so that only one caller is told (a second
 * signal, a job run again, waits for the first's row lock and then finds it recorded); and forgets it once the workflow
 * is found open again (subjects to classify, or to come, and not finished). When it completes now, the ids of the
 * webhook deliveries kept with it (to enqueue once the transaction commits); undefined when it does not.
 */
export async function workflowCompleting(manager: DataSource | EntityManager, workflowId: string): Promise<string[] | undefined> {
  await manager.query(
    `UPDATE workflows me SET completed_at = NULL WHERE me.id = $1 AND me.completed_at IS NOT NULL AND me.status <> 'finished' AND NOT ${isComplete('me.id')}`,
    [workflowId],
  );
  const [, completed]: [unknown, number] = await manager.query(
    `UPDATE workflows me SET completed_at = now()
     WHERE me.id = $1 AND me.status <> 'draft' AND CASE
       WHEN me.completed_at IS NULL THEN me.status = 'finished' OR ${isComplete('me.id')}
       -- Open and complete again between two looks (one drain took the new subjects' answers): it retired more since.
       ELSE me.status <> 'finished' AND ${isComplete('me.id')}
         AND EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = me.id AND st.retired_at > me.completed_at AND NOT ${isUnlinked('st')}) END`,
    [workflowId],
  );
  return completed ? recordWorkflowCompleted(manager, workflowId) : undefined;
}
