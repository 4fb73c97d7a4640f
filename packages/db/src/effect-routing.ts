import type { EffectMet } from '@chorus/tasks';
import type { EntityManager } from 'typeorm';
import { addToSubjectSet, lockSetForLeaving, removeFromSubjectSet, touchRoutedRows } from './subject-sets';

/**
 * Whether the workflow definition (SQL of a jsonb) has an effect that adds subjects to the set (SQL of its uuid): the
 * one test of "this workflow's effect adds to that set". Who feeds whom then depends on the workflow's status, by the
 * question asked:
 * - what the definition routes (`effectAddsTo` alone: a set's `routedBy`, the lab's list of the workflows that feed
 *   one, a set's deletion refused): any status, since a finished workflow's routed subjects are still in the set and
 *   a draft's definition already names it;
 * - what may still come (`feedersOf`: completion and the queue's `comingFrom`): active or paused, with subjects left;
 * - what may route later (`mayRoute`: the warnings of a set no workflow serves): not finished.
 */
export const effectAddsTo = (definition: string, setId: string) =>
  // Compared as text, not cast to uuid: a malformed id stored in one definition names no set, failing no query over
  // the whole project. The schema keeps ids lowercase; `lower` for definitions saved before it did (a cast ignored case).
  `EXISTS (SELECT 1 FROM jsonb_array_elements(${definition} -> 'effects') effect
    WHERE lower(effect ->> 'addToSubjectSet') = (${setId})::text)`;

/**
 * The workflow `w` (SQL of its alias) is not finished: it serves its sets and routes by its effects, now or once opened
 * (a draft, a paused one). Unlike `feedersOf`, a draft counts and subjects left do not: a warning is about what it may
 * do.
 */
export const mayRoute = (w: string) => `${w}.status <> 'finished'`;

/** Where routing moved a subject: the sets it joined, and those it left. */
export interface Routed {
  joined: string[];
  left: string[];
}

/**
 * Routes a subject by its consensus in a workflow (`effect_memberships`): into the sets of the effects it meets
 * (`into`, each membership it makes recording what decided it), and out of those of the sets the workflow's effects
 * name (`named`) that it no longer meets but that an effect of this workflow put it in. It leaves a set as a researcher
 * takes a subject out of one (`removeFromSubjectSet`: the workflows the set feeds stop serving it, keeping its answers
 * there), unless another workflow's effect holds it there still. A membership a researcher made is never undone, nor
 * one in a set no effect of the workflow names any more (the researcher changed the routing, not the answer), nor a
 * researcher's removal (`subject_set_removals`). Safe to run again: a second run finds everything in place.
 *
 * It locks the subject's rows in other workflows (those the sets feed) after its own workflow's, and sets' locks after
 * rows, unlike a take-down, an upload or a set's deletion: a deadlock with one of them can happen, and Postgres breaks it
 * by rolling one back. The worker's side then leaves nothing half done, its subjects still in the outbox (they leave it
 * in the same transaction), and is tried again: a drain's batch at once subject by subject (`aggregateEach`), a subject
 * that fails again failing the job, as a re-aggregation's batch fails its own; BullMQ runs a failed job again
 * (`defaultJobOptions`: attempts with backoff), a re-aggregation from its last batch. The API's side is tried again by
 * `retryOnDeadlock`.
 */
export async function routeSubject(manager: EntityManager, workflowId: string, subjectId: string, into: EffectMet[], named: string[]): Promise<Routed> {
  await holdRoutingOf(manager, subjectId);
  const joined: string[] = [];
  // Joined first: a workflow fed by both a set it leaves and one it joins keeps serving it.
  for (const met of into) if (await routeInto(manager, workflowId, met, subjectId)) joined.push(met.subjectSetId);
  const left = await leaveRoutedSets(manager, workflowId, subjectId, named.filter((subjectSetId) => !into.some((met) => met.subjectSetId === subjectSetId)));
  return { joined, left };
}

/**
 * One routing of a subject at a time, whichever workflow's (each reads whether other workflows' effects hold it in a
 * set), and none while a researcher takes it out of a set (which routing then reads): taken before any set's lock.
 */
export async function holdRoutingOf(manager: EntityManager, subjectId: string): Promise<void> {
  await manager.query("SELECT pg_advisory_xact_lock(hashtext('subject-routing'), hashtext($1))", [subjectId]);
}

/**
 * Adds the subject to the set, unless a researcher took it out of it (and has not uploaded it there again), and
 * records the membership as the workflow's effect's if the effect made it: the subject was not in the set, or was only
 * through other workflows' effects. The membership keeps what decided it when it was
 * made (`decided_by`): routed again while it is in, by the same consensus or another that meets an effect into the set,
 * it is left as it is. Whether it joined the set.
 */
async function routeInto(manager: EntityManager, workflowId: string, { subjectSetId, decidedBy }: EffectMet, subjectId: string): Promise<boolean> {
  const removed: unknown[] = await manager.query('SELECT 1 FROM subject_set_removals WHERE subject_set_id = $1 AND subject_id = $2', [subjectSetId, subjectId]);
  if (removed.length) return false;
  const { added } = await addToSubjectSet(manager, subjectSetId, [subjectId], 'effect');
  // A membership made changes the rows of the workflows the set feeds (routed_from_workflow_ids), the subject new to
  // the set or not (another workflow's effect put it there).
  await manager.query(
    `WITH made AS (
       INSERT INTO effect_memberships (subject_id, workflow_id, subject_set_id, added_at, decided_by)
       SELECT $1, $2, $3, now(), $5::jsonb
       WHERE $4 OR EXISTS (SELECT 1 FROM effect_memberships e WHERE e.subject_set_id = $3 AND e.subject_id = $1 AND e.left_at IS NULL)
       ON CONFLICT (subject_id, workflow_id, subject_set_id) DO UPDATE SET added_at = EXCLUDED.added_at, left_at = NULL, removed_by = NULL, decided_by = EXCLUDED.decided_by
         WHERE effect_memberships.left_at IS NOT NULL
       RETURNING subject_id, subject_set_id)
     ${touchRoutedRows('made')}`,
    [subjectId, workflowId, subjectSetId, added.length > 0, JSON.stringify(decidedBy)],
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
