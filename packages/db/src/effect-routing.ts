import type { EntityManager } from 'typeorm';
import { addToSubjectSet, lockSetForLeaving, removeFromSubjectSet } from './subject-sets';

/** The advisory lock (two keys) of the routing of a subject (`subject`: the SQL of its id as text). */
const ROUTING_LOCK = (subject: string) => `hashtext('subject-routing'), hashtext(${subject})`;

/** Where routing moved a subject: the sets it joined, and those it left. */
export interface Routed {
  joined: string[];
  left: string[];
}

/**
 * Routes a subject by its consensus in a workflow (`effect_memberships`): into the sets of the effects it meets
 * (`into`), and out of those of the sets the workflow's effects name (`named`) that it no longer meets but that an
 * effect of this workflow put it in. It leaves a set as a researcher takes a subject out of one (`removeFromSubjectSet`:
 * the workflows the set feeds stop serving it, keeping its answers there), unless another workflow's effect holds it
 * there still. A membership a researcher made is never undone, nor one in a set no effect of the workflow names any more
 * (the researcher changed the routing, not the answer), nor a researcher's removal (`subject_set_removals`). Safe to run again: a second run finds everything in place.
 */
export async function routeSubject(manager: EntityManager, workflowId: string, subjectId: string, into: string[], named: string[]): Promise<Routed> {
  await holdRoutingOf(manager, subjectId);
  const joined: string[] = [];
  // Joined first: a workflow fed by both a set it leaves and one it joins keeps serving it.
  for (const subjectSetId of into) if (await routeInto(manager, workflowId, subjectSetId, subjectId)) joined.push(subjectSetId);
  const left = await leaveRoutedSets(manager, workflowId, subjectId, named.filter((subjectSetId) => !into.includes(subjectSetId)));
  return { joined, left };
}

/**
 * Before a batch of subjects' consensus is saved, for those whose workflow routes by effects (its current version has
 * some): the routing of each (`holdRoutingOf`, in subject order), then its rows in every workflow, in (workflow, subject)
 * order. Routing touches the subject's rows in other workflows (a set joined or left: `joinWorkflows`, `leaveSet`);
 * locked only then, after its own workflow's row, they made a cycle with a take-down, which locks them all in that order
 * first, and with another workflow's routing of the subject, which holds its own row while it waits for the routing.
 */
export async function lockForRouting(manager: EntityManager, keys: readonly { workflowId: string; subjectId: string }[]): Promise<void> {
  const routed: { subject_id: string }[] = await manager.query(
    `SELECT DISTINCT k.subject_id FROM unnest($1::uuid[], $2::uuid[]) AS k(workflow_id, subject_id)
     JOIN workflows w ON w.id = k.workflow_id JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version
     WHERE jsonb_array_length(coalesce(v.definition->'effects', '[]'::jsonb)) > 0
     ORDER BY k.subject_id`,
    [keys.map((key) => key.workflowId), keys.map((key) => key.subjectId)],
  );
  if (!routed.length) return;
  const subjectIds = routed.map((row) => row.subject_id);
  // In one statement, each in the order of the list (unnest's).
  await manager.query(`SELECT pg_advisory_xact_lock(${ROUTING_LOCK('id::text')}) FROM unnest($1::uuid[]) AS id`, [subjectIds]);
  await manager.query('SELECT 1 FROM subject_workflow_status o WHERE o.subject_id = ANY($1::uuid[]) ORDER BY o.workflow_id, o.subject_id FOR UPDATE', [subjectIds]);
}

/**
 * One routing of a subject at a time, whichever workflow's (each reads whether other workflows' effects hold it in a
 * set), and none while a researcher takes it out of a set (which routing then reads): taken before any set's lock.
 */
export async function holdRoutingOf(manager: EntityManager, subjectId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(${ROUTING_LOCK('$1')})`, [subjectId]);
}

/**
 * Adds the subject to the set, unless a researcher took it out of it (and has not uploaded it there again), and records the membership as the workflow's effect's if the effect made it: the subject
 * was not in the set, or was only through other workflows' effects. Whether it joined the set.
 */
async function routeInto(manager: EntityManager, workflowId: string, subjectSetId: string, subjectId: string): Promise<boolean> {
  const removed: unknown[] = await manager.query('SELECT 1 FROM subject_set_removals WHERE subject_set_id = $1 AND subject_id = $2', [subjectSetId, subjectId]);
  if (removed.length) return false;
  const added = await addToSubjectSet(manager, subjectSetId, [subjectId], 'effect');
  await manager.query(
    `INSERT INTO effect_memberships (subject_id, workflow_id, subject_set_id, added_at)
     SELECT $1, $2, $3, now()
     WHERE $4 OR EXISTS (SELECT 1 FROM effect_memberships e WHERE e.subject_set_id = $3 AND e.subject_id = $1 AND e.left_at IS NULL)
     ON CONFLICT (subject_id, workflow_id, subject_set_id) DO UPDATE SET added_at = EXCLUDED.added_at, left_at = NULL, removed_by = NULL WHERE effect_memberships.left_at IS NOT NULL`,
    [subjectId, workflowId, subjectSetId, added.length > 0],
  );
  return added.length > 0;
}

/** Ends the workflow's memberships of the subject in `sets`, and takes it out of each that no other effect holds it in. */
async function leaveRoutedSets(manager: EntityManager, workflowId: string, subjectId: string, sets: string[]): Promise<string[]> {
  const held: { subject_set_id: string; project_id: string }[] = await manager.query(
    `SELECT e.subject_set_id, ss.project_id FROM effect_memberships e JOIN subject_sets ss ON ss.id = e.subject_set_id
     WHERE e.subject_id = $1 AND e.workflow_id = $2 AND e.subject_set_id = ANY($3::uuid[]) AND e.left_at IS NULL
     ORDER BY e.subject_set_id`,
    [subjectId, workflowId, sets],
  );
  const left: string[] = [];
  for (const { subject_set_id: subjectSetId, project_id: projectId } of held) {
    // The set's lock before the membership's row, as a researcher's removal takes them; an upload that made the
    // membership the researcher's (deleting this row) meanwhile has committed once it is held.
    if (!(await lockSetForLeaving(manager, { id: subjectSetId, projectId }))) continue;
    const [, ended]: [unknown, number] = await manager.query(
      'UPDATE effect_memberships SET left_at = now() WHERE subject_id = $1 AND workflow_id = $2 AND subject_set_id = $3 AND left_at IS NULL',
      [subjectId, workflowId, subjectSetId],
    );
    if (!ended) continue;
    const others: unknown[] = await manager.query('SELECT 1 FROM effect_memberships WHERE subject_set_id = $1 AND subject_id = $2 AND left_at IS NULL', [subjectSetId, subjectId]);
    if (others.length) continue;
    await removeFromSubjectSet(manager, subjectSetId, subjectId, null);
    left.push(subjectSetId);
  }
  return left;
}
