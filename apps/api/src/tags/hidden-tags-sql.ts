/**
 * The tags a moderator or researcher hid for the subject (a column) in the workflow (a column or parameter), by task:
 * `{ "T1": ["call dan on 07700 900123"] }`, each tag normalised as hiding stores it, in order; null when none is hidden.
 * For the downloads, which keep hidden tags (they are volunteers' answers) and say which they are.
 */
export const hiddenTagsSql = (workflow: string, subject: string) => `(
  SELECT jsonb_object_agg(t.task, t.tags) FROM (
    SELECT h.task, jsonb_agg(h.tag ORDER BY h.tag) AS tags FROM hidden_tags h WHERE h.workflow_id = ${workflow} AND h.subject_id = ${subject} GROUP BY h.task) t)`;

/** Hidden tags by task, as `hiddenTagsSql` reads them. */
export type HiddenTagsByTask = Record<string, string[]>;
