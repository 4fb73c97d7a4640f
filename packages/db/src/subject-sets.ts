import type { EntityManager } from 'typeorm';
import { recordCommentDeletions } from './comment-deletions';
import { TAKE_DOWN_LOCK, isTakenDownSql, takeDownCarriedSql } from './take-downs';
import { recordSubjectEventsIn } from './webhooks';

/**
 * The retirement reason of a subject that left every set linked to a workflow after it was classified there: its row
 * stays, for its consensus, but no queue serves it. A subject already retired when it left keeps its reason.
 */
export const UNLINKED = 'unlinked';

/**
 * Whether the hot row `alias` belongs to a subject that left the workflow when its sets were unlinked (retired then,
 * or before): its `retirement_detail` says `"unlinked": true` until a set of its is linked again.
 */
export const isUnlinked = (alias: string) => `((${alias}.retirement_detail->>'unlinked')::boolean IS TRUE)`;

/**
 * A hot row `alias` kept only for a volunteer's hold: unlinked while open, never classified there. What UNLINK marks
 * `kept_for_hold` (from the row before it: open, so made `unlinked` now, and unclassified), and the reconciler checks
 * again before it removes one or takes its mark off.
 */
export const keptOnlyForHold = (alias: string) => `${alias}.retirement_reason = '${UNLINKED}' AND ${alias}.classification_count = 0 AND ${isUnlinked(alias)}`;

/**
 * The change that takes the hot rows `st` of subjects leaving a workflow out of every queue, keeping their row. One
 * neither retired nor classified there is kept only for a volunteer's hold (`kept_for_hold`, `keptOnlyForHold`), for
 * the reconciler. Every one changes in the consensus download, so `since` gives it again: an open one retires as
 * unlinked, a retired one keeps its retirement, and both say they left (`left_workflow`).
 */
export const UNLINK = `retired_at = coalesce(st.retired_at, now()),
  retirement_reason = CASE WHEN st.retired_at IS NULL THEN '${UNLINKED}' ELSE st.retirement_reason END,
  retirement_detail = coalesce(st.retirement_detail, '{}'::jsonb) || '{"unlinked": true}'::jsonb,
  kept_for_hold = st.retired_at IS NULL AND st.classification_count = 0,
  updated_at = now()`;

/**
 * Records that the hot rows `gone` (a `DELETE … RETURNING workflow_id, subject_id`, or any query of those columns) left
 * their workflows, for the tombstones of `since=` consensus downloads (`subject_workflow_departures`): one statement
 * with the delete, as a CTE's. A subject deleted in the same statement is still read (its external id): every part of
 * one statement sees the snapshot it began with.
 */
export const recordDepartures = (gone: string) => recordLeaving('subject_workflow_departures', 'workflow_id', gone);

/**
 * Records that the memberships `gone` (any query of subject_set_id, subject_id) ended, for the tombstones of `since=`
 * downloads of one set (`subject_set_departures`), as `recordDepartures` records a workflow's.
 */
export const recordSetDepartures = (gone: string) => recordLeaving('subject_set_departures', 'subject_set_id', gone);

/** The last departure of each subject of `gone` from what `left` names (a workflow, a set), into `table`, now. */
const recordLeaving = (table: string, left: string, gone: string) => `INSERT INTO ${table} (${left}, subject_id, external_id, left_at)
  SELECT g.${left}, g.subject_id, s.external_id, now() FROM ${gone} g LEFT JOIN subjects s ON s.id = g.subject_id
  ON CONFLICT (${left}, subject_id) DO UPDATE SET external_id = EXCLUDED.external_id, left_at = EXCLUDED.left_at`;

/**
 * The change that marks hot rows `st` put in the aggregation outbox by anything but a submit (an unretirement, a set
 * linked again) as owed an aggregation of their answers, as a submit's row is until the worker has it: until then the
 * queue does not serve one whose rule could retire it now (`PICKABLE` in the API). Every answer it counts now was
 * given while it was open, so all are judged (`judged_count`) together by the rule it comes back under: it retires by
 * the last of them if they meet it, never by an earlier one, which would take the later ones for answers given after
 * its retirement (a subject retired by its third answer under `count: 3`, its rule then made an agreement met by two).
 */
export const OWE_AGGREGATION = `aggregated_count = CASE WHEN st.classification_count > 0 THEN least(st.aggregated_count, st.classification_count - 1) ELSE st.aggregated_count END,
  judged_count = st.counted_count`;

/**
 * Gives the subjects that `joining` selects (parameters `parameters`; columns workflow_id, subject_id, gold_standard,
 * priority, one row per pair) their hot rows in those workflows, unless they have them: a new row starts at the
 * priority an upload gave the subject in the set it joins by (`subject_set_members.priority`; 0 for none), and a
 * subject already in the workflow keeps its own, which a researcher may have set there. Each workflow's new random keys are
 * spread evenly over [0, 1), in a random order from a random point: the queue picks the first subject after a random
 * point, so a subject's chance of coming next is the gap before its key, which random keys would make up to several
 * times another's (among 8 subjects, a first pick of one 37 times in 100 and of another 3 times). A subject taken down
 * in another workflow of its project (`isTakenDownSql`) joins retired, the take-down carried over; the take-down's
 * lock (`TAKE_DOWN_LOCK`, shared) is held first, so that one being made meanwhile is read once committed.
 */
export async function joinWorkflows(manager: EntityManager, joining: string, parameters: unknown[]): Promise<void> {
  // The workflows joined are all of one project (a set's subjects are its project's): the first one names it.
  await manager.query(
    `SELECT pg_advisory_xact_lock_shared(${TAKE_DOWN_LOCK('w.project_id')}) FROM (SELECT j.workflow_id FROM (${joining}) j LIMIT 1) j JOIN workflows w ON w.id = j.workflow_id`,
    parameters,
  );
  await manager.query(
    // The random point drawn once (materialised): a subquery of it, on the inner side of a nested loop, was drawn
    // again for each subject, which spread the keys unevenly.
    `WITH o AS MATERIALIZED (SELECT random() AS shift)
     INSERT INTO subject_workflow_status (workflow_id, subject_id, gold_standard, priority, random, retired_at, retirement_reason, retirement_detail)
     SELECT j.workflow_id, j.subject_id, j.gold_standard, coalesce(j.priority, 0),
       (row_number() OVER (PARTITION BY j.workflow_id ORDER BY random()) - 1 + o.shift) / count(*) OVER (PARTITION BY j.workflow_id),
       CASE WHEN td.detail IS NOT NULL THEN now() END, CASE WHEN td.detail IS NOT NULL THEN 'manual' END, td.detail
     FROM (${joining}) j CROSS JOIN o
     LEFT JOIN LATERAL (SELECT ${takeDownCarriedSql('st')} AS detail FROM subject_workflow_status st
       WHERE st.subject_id = j.subject_id AND st.workflow_id <> j.workflow_id AND ${isTakenDownSql('st')} LIMIT 1) td ON true
     ON CONFLICT DO NOTHING`,
    parameters,
  );
}

/**
 * Brings back the subjects that left a workflow when their sets were unlinked, for the (workflow, subject) pairs that
 * `pairs` selects (parameters `parameters`): those retired then return to the queue, those retired before keep their
 * retirement. Each is owed an aggregation, since the workflow's rule may have changed meanwhile. Only the rows that
 * left are touched (and locked): an upsert with a conditional DO UPDATE would lock every row it met. Those back in the
 * queue that had been classified there (told retired when they left) are told unretired: the ids of those deliveries.
 */
async function rejoinUnlinked(manager: EntityManager, pairs: string, parameters: unknown[]): Promise<string[]> {
  const returned: { workflow_id: string; subject_id: string }[] = await manager.query(
    `WITH rejoined AS (
       UPDATE subject_workflow_status st SET
         retired_at = CASE WHEN st.retirement_reason = '${UNLINKED}' THEN NULL ELSE st.retired_at END,
         retirement_reason = nullif(st.retirement_reason, '${UNLINKED}'),
         retirement_detail = nullif(st.retirement_detail - 'unlinked', '{}'::jsonb),
         ${OWE_AGGREGATION},
         -- Every one changes in the consensus download: it no longer says it left (left_workflow).
         updated_at = now()
       FROM (${pairs}) p(workflow_id, subject_id)
       WHERE st.workflow_id = p.workflow_id AND st.subject_id = p.subject_id AND ${isUnlinked('st')}
       RETURNING st.workflow_id, st.subject_id, st.retired_at IS NULL AND st.classification_count > 0 AS returned),
     owed AS (INSERT INTO aggregation_outbox (workflow_id, subject_id) SELECT workflow_id, subject_id FROM rejoined ON CONFLICT DO NOTHING)
     SELECT workflow_id, subject_id FROM rejoined WHERE returned`,
    parameters,
  );
  return recordSubjectEventsIn(manager, 'subject.unretired', returned);
}

/** After linking sets to a workflow: their subjects that had left it when unlinked come back; the deliveries kept of it (`rejoinUnlinked`), to enqueue. */
export function rejoinLinkedSets(manager: EntityManager, workflowId: string, subjectSetIds: string[]): Promise<string[]> {
  return rejoinUnlinked(manager, 'SELECT $1::uuid, m.subject_id FROM subject_set_members m WHERE m.subject_set_id = ANY($2::uuid[])', [workflowId, subjectSetIds]);
}

/**
 * Adds subjects to a subject set, and to every workflow the set feeds; the ids of those that were not in the set
 * before (`added`), and the deliveries kept of those back in a workflow's queue (`rejoinUnlinked`), to enqueue once it
 * commits. Those new to the set go where `placeInSet` says. Used by uploads and by workflow effects (`routeSubject`: a
 * subject's consensus moves it into a set that another workflow serves). An upload makes the membership of each subject
 * it sends the researcher's, even one an effect had made: routing never takes it out of the set. An effect never adds a
 * subject a researcher took out of the set (`routeSubject`); an upload does, and routing may again.
 */
export async function addToSubjectSet(manager: EntityManager, subjectSetId: string, subjectIds: string[], by: 'upload' | 'effect'): Promise<{ added: string[]; deliveries: string[] }> {
  if (!subjectIds.length) return { added: [], deliveries: [] };
  // One addition to a set at a time: each reads the positions the one before left.
  await manager.query("SELECT pg_advisory_xact_lock(hashtext('subject-set-order'), hashtext($1))", [subjectSetId]);
  const places = await placeInSet(manager, subjectSetId, subjectIds);
  const added: { subject_id: string }[] = await manager.query(
    places
      ? `INSERT INTO subject_set_members (subject_set_id, subject_id, position) SELECT $1, t.id, t.position FROM unnest($2::uuid[], $3::bigint[]) AS t(id, position)
         ON CONFLICT DO NOTHING RETURNING subject_id`
      : `INSERT INTO subject_set_members (subject_set_id, subject_id, position)
         SELECT $1, t.id, (SELECT coalesce(max(position), 0) FROM subject_set_members WHERE subject_set_id = $1) + t.ord
         FROM unnest($2::uuid[]) WITH ORDINALITY AS t(id, ord)
         ON CONFLICT DO NOTHING RETURNING subject_id`,
    places ? [subjectSetId, places.map((place) => place.id), places.map((place) => place.position.toString())] : [subjectSetId, subjectIds],
  );
  await joinWorkflows(
    manager,
    `SELECT l.workflow_id, s.id AS subject_id, s.gold_standard IS NOT NULL AS gold_standard, m.priority
     FROM workflow_subject_sets l CROSS JOIN subjects s JOIN subject_set_members m ON m.subject_set_id = l.subject_set_id AND m.subject_id = s.id
     WHERE l.subject_set_id = $1 AND s.id = ANY($2::uuid[])`,
    [subjectSetId, subjectIds],
  );
  const deliveries = await rejoinUnlinked(manager, 'SELECT l.workflow_id, t.id FROM workflow_subject_sets l CROSS JOIN unnest($2::uuid[]) AS t(id) WHERE l.subject_set_id = $1', [subjectSetId, subjectIds]);
  if (by === 'upload') await madeTheResearchers(manager, subjectSetId, subjectIds);
  return { added: added.map((row) => row.subject_id), deliveries };
}

/**
 * The statement that marks changed, for a since= consensus download, the rows of the subjects in `changed` (a CTE's
 * name, of effect memberships: subject_id, subject_set_id) in the workflows their sets feed, whose
 * `routed_from_workflow_ids` the change alters, and of the other workflows in `also` (a query of workflow_id, subject_id).
 */
export function touchRoutedRows(changed: string, also?: string): string {
  const rows = `SELECT l.workflow_id, c.subject_id FROM ${changed} c JOIN workflow_subject_sets l ON l.subject_set_id = c.subject_set_id`;
  return `UPDATE subject_workflow_status st SET updated_at = now() FROM (${also ? `${rows} UNION ${also}` : rows}) r
     WHERE st.workflow_id = r.workflow_id AND st.subject_id = r.subject_id`;
}

/**
 * The subjects' memberships of the set are the researcher's, who uploaded them there: routing never takes them out of
 * it, and may put back those a researcher took out before (`subject_set_removals`). The rows of the workflows whose
 * effects had made them (`routed_into`), and of those the set feeds (`routed_from_workflow_ids`), change in the consensus
 * download, so `since` finds them.
 */
async function madeTheResearchers(manager: EntityManager, subjectSetId: string, subjectIds: string[]): Promise<void> {
  await manager.query(
    `WITH theirs AS (
       DELETE FROM effect_memberships WHERE subject_set_id = $1 AND subject_id = ANY($2::uuid[]) AND left_at IS NULL RETURNING workflow_id, subject_id, subject_set_id)
     ${touchRoutedRows('theirs', 'SELECT workflow_id, subject_id FROM theirs')}`,
    [subjectSetId, subjectIds],
  );
  await manager.query('DELETE FROM subject_set_removals WHERE subject_set_id = $1 AND subject_id = ANY($2::uuid[])', [subjectSetId, subjectIds]);
}

/**
 * Where the subjects sent that are new to the set go, when some sent are members already (a manifest or a file sent
 * again, with pages inserted): each run of new ones right after the member sent before it, or before the first member
 * sent when none was; later members move on to make room, in one statement. Null when none sent is a member: they all
 * go at the end.
 */
async function placeInSet(manager: EntityManager, subjectSetId: string, subjectIds: string[]): Promise<{ id: string; position: bigint }[] | null> {
  const members: { subject_id: string; position: string }[] = await manager.query(
    'SELECT subject_id, position FROM subject_set_members WHERE subject_set_id = $1 AND subject_id = ANY($2::uuid[])',
    [subjectSetId, subjectIds],
  );
  if (!members.length) return null;
  const positionOf = new Map(members.map((member) => [member.subject_id, BigInt(member.position)]));
  const runs: { after: bigint; ids: string[] }[] = [];
  let after: bigint | null = null;
  let run: string[] = [];
  for (const id of subjectIds) {
    const position = positionOf.get(id);
    if (position === undefined) {
      run.push(id);
      continue;
    }
    if (run.length) runs.push({ after: after ?? position - 1n, ids: run });
    [after, run] = [position, []];
  }
  if (run.length) runs.push({ after: after!, ids: run });
  if (!runs.length) return [];
  // A member at p moves on by the new subjects placed before it (after an anchor below p); a run goes after its anchor
  // as moved, and after the runs placed at the same anchor before it.
  runs.sort((a, b) => (a.after < b.after ? -1 : a.after > b.after ? 1 : 0));
  await manager.query(
    `UPDATE subject_set_members m SET position = m.position + (SELECT sum(r.n) FROM unnest($2::bigint[], $3::int[]) AS r(after, n) WHERE r.after < m.position)
     WHERE m.subject_set_id = $1 AND m.position > $4::bigint`,
    [subjectSetId, runs.map((each) => each.after.toString()), runs.map((each) => each.ids.length), runs[0]!.after.toString()],
  );
  const places: { id: string; position: bigint }[] = [];
  let before = 0n;
  for (const { after: anchor, ids } of runs) {
    places.push(...ids.map((id, index) => ({ id, position: anchor + before + 1n + BigInt(index) })));
    before += BigInt(ids.length);
  }
  return places;
}

/** What taking subjects out of a set did: those deleted with it (in no other set, never classified), and those kept. */
export interface SubjectSetLeft {
  deletedSubjects: number;
  keptSubjects: number;
}

/**
 * Before subjects leave a set (or it is deleted): one such change in the project at a time, since two sets sharing a
 * subject, deleted at once, would each see it in the other and both keep it, leaving a subject in no set whose
 * externalId no upload could use again; then the set's row, which an upload into the set, a link to it and an effect
 * adding to it each hold until they commit. False when the set is gone.
 */
export async function lockSetForLeaving(manager: EntityManager, set: { id: string; projectId: string }): Promise<boolean> {
  await manager.query("SELECT pg_advisory_xact_lock(hashtext('subject-set-deletion'), hashtext($1))", [set.projectId]);
  const found: unknown[] = await manager.query('SELECT 1 FROM subject_sets WHERE id = $1 FOR UPDATE', [set.id]);
  return found.length > 0;
}

/**
 * The set's members (or the one named) are about to leave it: deletes those in no other set and never classified,
 * and marks the kept ones' rows changed. The caller holds `lockSetForLeaving`.
 */
export async function leaveSet(manager: EntityManager, subjectSetId: string, subjectId: string | null): Promise<SubjectSetLeft> {
  const leaving = 'm.subject_set_id = $1 AND ($2::uuid IS NULL OR m.subject_id = $2)';
  const [{ members }]: { members: number }[] = await manager.query(`SELECT count(*)::int AS members FROM subject_set_members m WHERE ${leaving}`, [subjectSetId, subjectId]);
  // Every member's hot rows, in key order, as a submit locks them, in one pass: those it may delete (then their
  // subjects), and those it keeps, whose rows change below. A classification holds its subject's row as it
  // commits, so once these are locked none can arrive, and one that committed first is seen below; so is an upload
  // that added one to another set.
  await manager.query(
    `SELECT 1 FROM subject_workflow_status WHERE subject_id IN (SELECT m.subject_id FROM subject_set_members m WHERE ${leaving})
     ORDER BY workflow_id, subject_id FOR UPDATE`,
    [subjectSetId, subjectId],
  );
  const candidates = `SELECT m.subject_id FROM subject_set_members m WHERE ${leaving}
    AND NOT EXISTS (SELECT 1 FROM subject_set_members other WHERE other.subject_id = m.subject_id AND other.subject_set_id <> $1)
    AND NOT EXISTS (SELECT 1 FROM classifications c WHERE c.subject_id = m.subject_id)`;
  const locked: { id: string }[] = await manager.query(`SELECT id FROM subjects WHERE id IN (${candidates}) ORDER BY id FOR UPDATE`, [subjectSetId, subjectId]);
  // Checked again now that they are locked, and only those: one that became a candidate meanwhile is not locked.
  const [{ deleted }]: { deleted: number }[] = await manager.query(
    `WITH doomed AS (${candidates} AND m.subject_id = ANY($3::uuid[])),
     -- Neither has a foreign key to cascade by (they are written on every queue request and submit).
     holds AS (DELETE FROM assignments a USING doomed d WHERE a.subject_id = d.subject_id),
     owed AS (DELETE FROM aggregation_outbox o USING doomed d WHERE o.subject_id = d.subject_id),
     -- Their hot rows go with them (a cascade): each workflow's since= download says they left.
     departed AS (${recordDepartures('(SELECT st.workflow_id, st.subject_id FROM subject_workflow_status st JOIN doomed d ON d.subject_id = st.subject_id)')}),
     -- Their comments go with them (a cascade): the project's since= comments download gives their tombstones.
     comments_gone AS (${recordCommentDeletions('(SELECT c.id, c.project_id, c.subject_id, c.board_discussion_id FROM subject_comments c JOIN doomed d ON d.subject_id = c.subject_id)')}),
     gone AS (DELETE FROM subjects s USING doomed d WHERE s.id = d.subject_id RETURNING s.id)
     SELECT count(*)::int AS deleted FROM gone`,
    [subjectSetId, subjectId, locked.map((row) => row.id)],
  );
  // The subjects kept leave this set: their rows in the consensus download change (subject_set_ids), so `since`
  // must find them (rows locked above).
  await manager.query(`UPDATE subject_workflow_status st SET updated_at = now() FROM subject_set_members m WHERE ${leaving} AND m.subject_id = st.subject_id`, [
    subjectSetId,
    subjectId,
  ]);
  return { deletedSubjects: deleted, keptSubjects: members - deleted };
}

/**
 * Takes one subject out of a set it is in, deleted as a set's subjects are when the set is deleted (if in no other set
 * and never classified). The workflows the set feeds stop serving it, unless another set of theirs has it: as if its
 * set were unlinked, for this subject alone (`leaveWorkflow`). A membership an effect made ends with it. The caller
 * holds `lockSetForLeaving`. Used by researchers (`DELETE /subject-sets/:id/subjects/:subjectId`), whose removal
 * (`researcherId`) routing never undoes, and by routing (null). With the deliveries kept of its retirements there
 * (`leaveWorkflow`), to enqueue once it commits.
 */
export async function removeFromSubjectSet(manager: EntityManager, subjectSetId: string, subjectId: string, researcherId: string | null): Promise<SubjectSetLeft & { deliveries: string[] }> {
  // Before `leaveSet`, which may delete the subject and its membership with it: the set's since= download says it left.
  await manager.query(recordSetDepartures('(SELECT m.subject_set_id, m.subject_id FROM subject_set_members m WHERE m.subject_set_id = $1 AND m.subject_id = $2)'), [subjectSetId, subjectId]);
  const left = await leaveSet(manager, subjectSetId, subjectId);
  if (researcherId) {
    // Only for a subject kept (one in no other set, never classified, was deleted with its membership).
    await manager.query(
      `INSERT INTO subject_set_removals (subject_set_id, subject_id, removed_by, removed_at) SELECT $1, s.id, $3, now() FROM subjects s WHERE s.id = $2
       ON CONFLICT (subject_set_id, subject_id) DO UPDATE SET removed_by = EXCLUDED.removed_by, removed_at = EXCLUDED.removed_at`,
      [subjectSetId, subjectId, researcherId],
    );
  }
  await manager.query('DELETE FROM subject_set_members WHERE subject_set_id = $1 AND subject_id = $2', [subjectSetId, subjectId]);
  await manager.query('UPDATE effect_memberships SET left_at = now(), removed_by = $3 WHERE subject_set_id = $1 AND subject_id = $2 AND left_at IS NULL', [
    subjectSetId,
    subjectId,
    researcherId,
  ]);
  const linked: { workflow_id: string }[] = await manager.query('SELECT workflow_id FROM workflow_subject_sets WHERE subject_set_id = $1 ORDER BY workflow_id', [subjectSetId]);
  const deliveries: string[] = [];
  for (const { workflow_id } of linked) deliveries.push(...(await leaveWorkflow(manager, workflow_id, [subjectId])).deliveries);
  return { ...left, deliveries };
}

/**
 * After unlinking sets (or taking subjects out of one): subjects no longer in any linked set leave the workflow.
 * Those already classified there, held or retired keep their row, for their consensus, and leave every queue (retired as
 * `unlinked`, unless retired already) until a set of theirs is linked again. `subjectIds`: only these may have left.
 * Answers how many kept their row, and the deliveries kept of those it retired that had been classified there
 * (`subject.retired`, reason `unlinked`), to enqueue once it commits.
 */
export async function leaveWorkflow(manager: EntityManager, workflowId: string, subjectIds: string[] | null = null): Promise<{ kept: number; deliveries: string[] }> {
  const left = `st.workflow_id = $1 AND ($2::uuid[] IS NULL OR st.subject_id = ANY($2))
    AND NOT EXISTS (SELECT 1 FROM workflow_subject_sets l JOIN subject_set_members m ON m.subject_set_id = l.subject_set_id
                    WHERE l.workflow_id = $1 AND m.subject_id = st.subject_id)`;
  // Locked first, in key order as a submit locks them: a queue pick that holds one commits its assignment before the
  // statements below read the holds.
  await manager.query(`SELECT 1 FROM subject_workflow_status st WHERE ${left} ORDER BY st.workflow_id, st.subject_id FOR UPDATE`, [workflowId, subjectIds]);
  // A subject never classified there simply leaves, unless retired by hand, which it stays if its set comes back, or
  // held by a volunteer, whose answer on its way is then stored (as given after its retirement; the worker's
  // reconciler removes the row once the hold has ended unanswered).
  await manager.query(
    `WITH gone AS (
       DELETE FROM subject_workflow_status st WHERE ${left} AND st.classification_count = 0 AND st.retired_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.workflow_id = st.workflow_id AND a.subject_id = st.subject_id AND a.expires_at > now())
       RETURNING st.workflow_id, st.subject_id)
     ${recordDepartures('gone')}`,
    [workflowId, subjectIds],
  );
  const [kept]: [{ subject_id: string; retired_now: boolean }[], number] = await manager.query(
    `UPDATE subject_workflow_status st SET ${UNLINK} WHERE ${left} AND NOT ${isUnlinked('st')}
     RETURNING st.subject_id, st.retirement_reason = '${UNLINKED}' AND st.classification_count > 0 AS retired_now`,
    [workflowId, subjectIds],
  );
  const told = kept.filter((row) => row.retired_now).map((row) => ({ workflow_id: workflowId, subject_id: row.subject_id }));
  return { kept: kept.length, deliveries: await recordSubjectEventsIn(manager, 'subject.retired', told) };
}
