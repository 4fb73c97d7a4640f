import type { DataSource, EntityManager } from 'typeorm';
import { storedConsensusOf } from './stored-consensus';
import { isoTimeSql } from './time-sql';

/**
 * Keeps a delivery of `subject.retired` (with the retirement as the hot row now has it) or `subject.unretired` for each
 * webhook of the project that receives it and is on, for each of these subjects of the workflow: in `manager`'s transaction, that
 * of the change itself, after the hot rows are written. A retirement's `consensus` is each task's as the worker stored
 * it (`storedConsensusOf`), which the sender gives as the results API does (`taskConsensusView` of @chorus/consensus).
 * The deliveries' ids, to enqueue once it commits.
 */
export async function recordSubjectEvents(manager: EntityManager, event: 'subject.retired' | 'subject.unretired', workflowId: string, subjectIds: readonly string[]): Promise<string[]> {
  if (!subjectIds.length) return [];
  const retirement = event === 'subject.retired' ? `'reason', st.retirement_reason, 'retiredAt', ${isoTimeSql('st.retired_at')}, 'consensus', coalesce(stored_consensus.tasks, '{}'::jsonb)` : `'unretiredAt', ${isoTimeSql('now()')}`;
  const kept: { id: string }[] = await manager.query(
    `INSERT INTO webhook_deliveries (webhook_id, event, data)
     SELECT h.id, $1, jsonb_build_object('projectId', w.project_id, 'workflowId', st.workflow_id, 'subjectId', st.subject_id, 'externalId', s.external_id, ${retirement})
     FROM workflows w
     JOIN webhooks h ON h.project_id = w.project_id AND $1 = ANY(h.events) AND h.disabled_at IS NULL
     JOIN subject_workflow_status st ON st.workflow_id = w.id AND st.subject_id = ANY($3::uuid[])
     JOIN subjects s ON s.id = st.subject_id
     ${event === 'subject.retired' ? storedConsensusOf('st', { result: false }) : ''}
     WHERE w.id = $2
     RETURNING id`,
    [event, workflowId, subjectIds],
  );
  return kept.map((row) => row.id);
}

/** As `recordSubjectEvents`, for hot rows of several workflows (`workflow_id`, `subject_id` each). */
export async function recordSubjectEventsIn(manager: EntityManager, event: 'subject.retired' | 'subject.unretired', rows: readonly { workflow_id: string; subject_id: string }[]): Promise<string[]> {
  const byWorkflow = new Map<string, string[]>();
  for (const row of rows) byWorkflow.set(row.workflow_id, [...(byWorkflow.get(row.workflow_id) ?? []), row.subject_id]);
  const kept: string[] = [];
  for (const [workflowId, subjectIds] of byWorkflow) kept.push(...(await recordSubjectEvents(manager, event, workflowId, subjectIds)));
  return kept;
}

/**
 * Keeps a delivery of `workflow.completed` for each webhook of its project that receives it and is on, in the transaction recording
 * the completion (none for a completion from before webhooks' release, `completion_untold`); their ids, to enqueue.
 */
export async function recordWorkflowCompleted(manager: DataSource | EntityManager, workflowId: string): Promise<string[]> {
  const rows: { id: string }[] = await manager.query(
    `INSERT INTO webhook_deliveries (webhook_id, event, data)
     SELECT h.id, 'workflow.completed', jsonb_build_object('projectId', w.project_id, 'workflowId', w.id, 'name', w.name, 'status', w.status, 'completedAt', ${isoTimeSql('w.completed_at')})
     FROM workflows w JOIN webhooks h ON h.project_id = w.project_id AND 'workflow.completed' = ANY(h.events) AND h.disabled_at IS NULL
     WHERE w.id = $1 AND NOT w.completion_untold
     RETURNING id`,
    [workflowId],
  );
  return rows.map((row) => row.id);
}

/** A delivery to enqueue again: its id and the attempts made at it. */
export interface DeliveryToEnqueue {
  id: string;
  attempts: number;
}

/**
 * The deliveries neither delivered nor given up on whose job may have been lost (Redis away, a process ended, its
 * attempts spent on a worker that died), oldest first: kept at least `graceMs` ago and never attempted, or last
 * attempted longer ago than `graceMs` and the longest backoff (`WEBHOOK_LONGEST_BACKOFF_MS`), no attempt holding them.
 */
export async function waitingWebhookDeliveries(db: DataSource | EntityManager, graceMs: number, longestBackoffMs: number, limit = 1000): Promise<DeliveryToEnqueue[]> {
  return db.query(
    `SELECT id, attempts FROM webhook_deliveries
     WHERE delivered_at IS NULL AND failed_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
       AND CASE WHEN attempts = 0 THEN created_at <= now() - make_interval(secs => $1::float8 / 1000)
                ELSE attempted_at <= now() - make_interval(secs => ($1::float8 + $2::float8) / 1000) END
     ORDER BY created_at LIMIT $3`,
    [graceMs, longestBackoffMs, limit],
  );
}

/** How long a delivery delivered or given up on stays listed among its webhook's deliveries. */
export const WEBHOOK_DELIVERIES_KEPT_DAYS = 30;

/**
 * Forgets up to `limit` deliveries delivered or given up on that were kept more than `WEBHOOK_DELIVERIES_KEPT_DAYS`
 * ago, webhook by webhook through `webhook_deliveries_recent_idx`. How many.
 */
export async function pruneWebhookDeliveries(db: DataSource | EntityManager, limit = 1000): Promise<number> {
  const [, pruned]: [unknown, number] = await db.query(
    `DELETE FROM webhook_deliveries WHERE id IN (
       SELECT d.id FROM webhooks h JOIN webhook_deliveries d ON d.webhook_id = h.id AND d.created_at < now() - interval '${WEBHOOK_DELIVERIES_KEPT_DAYS} days'
       WHERE d.delivered_at IS NOT NULL OR d.failed_at IS NOT NULL LIMIT $1)`,
    [limit],
  );
  return pruned;
}

/** Forgets the secrets rotations replaced that no longer sign (their `WEBHOOK_OLD_SECRET_HOURS` over). How many. */
export async function forgetReplacedSecrets(db: DataSource | EntityManager): Promise<number> {
  const [, forgotten]: [unknown, number] = await db.query('UPDATE webhooks SET previous_secret = NULL, previous_secret_until = NULL WHERE previous_secret_until <= now()');
  return forgotten;
}

/** After these many deliveries given up on in a row (every attempt failed, or refused), a webhook is turned off. */
export const WEBHOOK_FAILURES_BEFORE_DISABLED = 20;
/** How long the secret a rotation replaced still signs deliveries, beside the new one. */
export const WEBHOOK_OLD_SECRET_HOURS = 24;

/**
 * Counts a delivery's end on its webhook (`delivered`, or given up on with `error`), in `manager`'s transaction, before
 * the delivery's row is changed there: the webhook's row is locked first (as `DELETE FROM webhooks` locks it before its
 * deliveries), and deliveries ending at once are counted one after the other. One delivered starts the count of
 * failures in a row again; the `WEBHOOK_FAILURES_BEFORE_DISABLED`th given up on in a row turns the webhook off, saying
 * why (`failures`, and its error), and tells its project's members of `toldRoles` (its owner and collaborators:
 * `ADMINISTRATOR_ROLES`) with an account, a `webhook-disabled` notification each. Whether it turned it off now.
 */
export async function countDeliveryEnd(manager: EntityManager, webhookId: string, end: { delivered: boolean; error: string | null }, toldRoles: readonly string[]): Promise<boolean> {
  const [before]: { failures: number; disabled_at: Date | null; project_id: string }[] = await manager.query(
    'SELECT failures, disabled_at, project_id FROM webhooks WHERE id = $1 FOR NO KEY UPDATE',
    [webhookId],
  );
  if (!before) return false;
  const disabledNow = !end.delivered && before.disabled_at === null && before.failures + 1 >= WEBHOOK_FAILURES_BEFORE_DISABLED;
  await manager.query(
    `UPDATE webhooks SET failures = CASE WHEN $2 THEN 0 ELSE failures + 1 END, disabled_at = CASE WHEN $3 THEN now() ELSE disabled_at END,
       disabled_reason = CASE WHEN $3 THEN 'failures' ELSE disabled_reason END, disabled_error = CASE WHEN $3 THEN $4 ELSE disabled_error END
     WHERE id = $1`,
    [webhookId, end.delivered, disabledNow, end.error],
  );
  if (!disabledNow) return false;
  await manager.query(
    `INSERT INTO comment_notifications (user_id, kind, webhook_id)
     SELECT m.user_id, 'webhook-disabled', $1 FROM project_members m JOIN users u ON u.id = m.user_id
     WHERE m.project_id = $2 AND m.role = ANY($3::text[]) AND u.kind = 'registered'`,
    [webhookId, before.project_id, toldRoles],
  );
  return true;
}
