import type { DataSource, EntityManager } from 'typeorm';

/** Each task's consensus for subject `st`, by task: the answer, its agreement and votes, and the version computed with. */
const consensusOf = (st: string) => `(SELECT coalesce(jsonb_object_agg(c.task, jsonb_build_object('answer', c.answer, 'agreement', c.agreement,
  'votes', c.votes, 'workflowVersion', c.workflow_version)), '{}'::jsonb) FROM consensus c WHERE c.workflow_id = ${st}.workflow_id AND c.subject_id = ${st}.subject_id)`;

/**
 * Keeps a delivery of `subject.retired` (with the retirement as the hot row now has it) or `subject.unretired` for each
 * webhook of the project that receives it, for each of these subjects of the workflow: in `manager`'s transaction, that
 * of the change itself, after the hot rows are written. The deliveries' ids, to enqueue once it commits.
 */
export async function recordSubjectEvents(manager: EntityManager, event: 'subject.retired' | 'subject.unretired', workflowId: string, subjectIds: readonly string[]): Promise<string[]> {
  if (!subjectIds.length) return [];
  const retirement = event === 'subject.retired' ? `'reason', st.retirement_reason, 'retiredAt', st.retired_at, 'consensus', ${consensusOf('st')}` : `'unretiredAt', now()`;
  const kept: { id: string }[] = await manager.query(
    `INSERT INTO webhook_deliveries (webhook_id, event, data)
     SELECT h.id, $1, jsonb_build_object('projectId', w.project_id, 'workflowId', st.workflow_id, 'subjectId', st.subject_id, 'externalId', s.external_id, ${retirement})
     FROM workflows w
     JOIN webhooks h ON h.project_id = w.project_id AND $1 = ANY(h.events)
     JOIN subject_workflow_status st ON st.workflow_id = w.id AND st.subject_id = ANY($3::uuid[])
     JOIN subjects s ON s.id = st.subject_id
     WHERE w.id = $2
     RETURNING id`,
    [event, workflowId, subjectIds],
  );
  return kept.map((row) => row.id);
}

/** Keeps a delivery of `workflow.completed` for each webhook of its project that receives it, in the transaction recording the completion. */
export async function recordWorkflowCompleted(manager: DataSource | EntityManager, workflowId: string): Promise<void> {
  await manager.query(
    `INSERT INTO webhook_deliveries (webhook_id, event, data)
     SELECT h.id, 'workflow.completed', jsonb_build_object('projectId', w.project_id, 'workflowId', w.id, 'name', w.name, 'status', w.status, 'completedAt', w.completed_at)
     FROM workflows w JOIN webhooks h ON h.project_id = w.project_id AND 'workflow.completed' = ANY(h.events)
     WHERE w.id = $1`,
    [workflowId],
  );
}

/**
 * The deliveries kept at least `graceMs` ago and waiting for their first attempt (their job may have been lost: Redis
 * away, a process ended), oldest first.
 */
export async function waitingWebhookDeliveries(db: DataSource | EntityManager, graceMs: number, limit = 1000): Promise<string[]> {
  const rows: { id: string }[] = await db.query(
    `SELECT id FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL AND attempts = 0
       AND created_at <= now() - make_interval(secs => $1::float8 / 1000) ORDER BY created_at LIMIT $2`,
    [graceMs, limit],
  );
  return rows.map((row) => row.id);
}
