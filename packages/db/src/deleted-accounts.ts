import type { DataSource } from 'typeorm';

/**
 * What, in the statement that deletes an account (`users` set `kind = 'deleted'`), records that its classifications are
 * owed their stamp: the deletion and the debt commit together, so an API that dies before it has stamped them all
 * leaves them owed, and the reconciler finishes (`owedClassificationStamps`, `stampDeletedClassifications`).
 */
export const OWE_CLASSIFICATION_STAMPS = 'classifications_stamp_owed_at = now()';

/**
 * A deleted account's classifications are stamped `updated_at` so that incremental downloads (`since=`) give them again,
 * now without the account's name; this many per statement, each its own short transaction, in the order of the index
 * on a volunteer's classifications, so that an account of 100,000 classifications never holds their rows long. One
 * stamped since the deletion (by a stamping cut short, or one running beside this) is passed over, not written again.
 * Parameters: the account, its deletion (`classifications_stamp_owed_at`), and the last row of the batch before.
 */
const STAMPED_AT_ONCE = 2_000;
const STAMP_CLASSIFICATIONS = `WITH batch AS (
    SELECT id, workflow_id, created_at FROM classifications
    WHERE user_id = $1 AND ($3::uuid IS NULL OR (workflow_id, created_at, id) > ($3::uuid, $4::timestamptz, $5::uuid))
    ORDER BY workflow_id, created_at, id LIMIT ${STAMPED_AT_ONCE}
  ), stamped AS (
    UPDATE classifications c SET updated_at = now() FROM batch WHERE c.id = batch.id AND (c.updated_at < $2::timestamptz) IS NOT FALSE
  )
  SELECT workflow_id AS "workflowId", created_at::text AS "createdAt", id FROM batch ORDER BY workflow_id DESC, created_at DESC, id DESC LIMIT 1`;

/**
 * Stamps the classifications of a deleted account that owes them (`OWE_CLASSIFICATION_STAMPS`), in batches, then clears
 * the debt; nothing when it owes none. Safe to run again, and beside another run for the same account.
 */
export async function stampDeletedClassifications(db: DataSource, userId: string): Promise<void> {
  const [owed]: { since: string }[] = await db.query('SELECT classifications_stamp_owed_at::text AS since FROM users WHERE id = $1 AND classifications_stamp_owed_at IS NOT NULL', [userId]);
  if (!owed) return;
  let after: { workflowId: string; createdAt: string; id: string } | undefined;
  do {
    [after] = await db.query(STAMP_CLASSIFICATIONS, [userId, owed.since, after?.workflowId ?? null, after?.createdAt ?? null, after?.id ?? null]);
  } while (after);
  await db.query('UPDATE users SET classifications_stamp_owed_at = NULL WHERE id = $1', [userId]);
}

/** Deleted accounts whose classifications have been owed their stamp for at least `graceMs`: the API stamping them died. */
export async function owedClassificationStamps(db: DataSource, graceMs: number): Promise<string[]> {
  const rows: { id: string }[] = await db.query(
    `SELECT id FROM users WHERE classifications_stamp_owed_at < now() - make_interval(secs => $1::double precision / 1000) ORDER BY classifications_stamp_owed_at`,
    [graceMs],
  );
  return rows.map((row) => row.id);
}
