import type { FieldError, SubjectLocation } from '@chorus/tasks';
import type { EntityManager } from 'typeorm';

/** What a refusal says of content that is not the subject's: where it belongs instead. */
const OTHER_CONTENT = 'other content is another subject: upload it under its own externalId';

/**
 * Why `sent` cannot replace a subject's `stored` locations as a correction, each error named under `pointer` (the
 * locations' own): a correction moves the same content to new addresses (an image's `url` or `iiifService`, a
 * recording's `url`; an image's `alt` may change too), so it keeps as many locations, of the same types, in the same
 * order, and a text (the content itself, not an address) as it is.
 */
export function correctionErrors(stored: readonly SubjectLocation[], sent: readonly SubjectLocation[], pointer: string): FieldError[] {
  if (sent.length !== stored.length) {
    return [{ pointer, message: `has ${sent.length} location${sent.length === 1 ? '' : 's'} where the subject has ${stored.length}: a correction gives each of its locations a new address, in the same order; ${OTHER_CONTENT}` }];
  }
  return sent.flatMap((location, index): FieldError[] => {
    const before = stored[index]!;
    if (location.type !== before.type) {
      return [{ pointer: `${pointer}/${index}/type`, message: `is ${location.type} where the subject's location ${index} is ${before.type}: a correction keeps each location's type; ${OTHER_CONTENT}` }];
    }
    if (location.type !== 'text' || before.type !== 'text') return [];
    if (location.text !== before.text) return [{ pointer: `${pointer}/${index}/text`, message: `differs from the subject's text, which is its content, not an address: ${OTHER_CONTENT}` }];
    if (JSON.stringify(location.highlights ?? []) !== JSON.stringify(before.highlights ?? [])) {
      return [{ pointer: `${pointer}/${index}/highlights`, message: `differ from the subject's highlights, which volunteers were asked about: ${OTHER_CONTENT}` }];
    }
    return [];
  });
}

/** Locations without the images' descriptions, which may change without a correction: what volunteers saw, compared. */
export const WITHOUT_ALT = (locations: string) =>
  `(SELECT jsonb_agg(location - 'alt' ORDER BY place) FROM jsonb_array_elements(${locations}) WITH ORDINALITY AS l(location, place))`;

/**
 * The locations `sent`, each image without an `alt` taking the one that the same place of `stored` has, if any: how
 * a subject sent again takes what was sent (a description added or corrected, or with `replaceLocations` new
 * addresses) and keeps the descriptions left out.
 */
export const TAKING_SENT = (sent: string, stored: string) =>
  `(SELECT jsonb_agg(CASE WHEN n.location ? 'alt' OR NOT coalesce(o.location ? 'alt', false) OR n.location->>'type' <> 'image' THEN n.location
                          ELSE n.location || jsonb_build_object('alt', o.location -> 'alt') END ORDER BY n.place)
    FROM jsonb_array_elements(${sent}) WITH ORDINALITY AS n(location, place)
    LEFT JOIN jsonb_array_elements(${stored}) WITH ORDINALITY AS o(location, place) ON o.place = n.place)`;

/** A subject whose locations a correction replaced, and what they were. */
export interface LocationsReplaced {
  subjectId: string;
  previous: SubjectLocation[];
}

/**
 * Locks the workflows' rows of subjects `subjectIds` (`subject_workflow_status`, every workflow) in key order
 * (workflow, then subject), right after their subjects' rows and before their classifications or those rows are
 * written: the order of a take-down (`lockTakenDown`) and of the worker (its batch's rows in key order, then their
 * classifications), so that a correction never waits on one while holding what it waits for. A take-down never locks a
 * subject's row; the worker's routing does, after its own workflow's rows and before other workflows' (`leaveSet`),
 * which a correction can meet in the other order: that deadlock, as a take-down's with routing, is retried whole
 * (`retryOnDeadlock` here, the worker's batch there).
 */
export async function lockWorkflowRowsOf(manager: EntityManager, subjectIds: readonly string[]): Promise<void> {
  if (!subjectIds.length) return;
  await manager.query('SELECT 1 FROM subject_workflow_status st WHERE st.subject_id = ANY($1::uuid[]) ORDER BY st.workflow_id, st.subject_id FOR UPDATE', [subjectIds]);
}

/**
 * Records corrections made in the caller's transaction (the subjects' rows hold their new locations, locked): what
 * each replaced, who made it and why. The subjects' classifications change in the raw download (`earlier_locations`),
 * so they are marked changed for its `since`.
 */
export async function recordCorrections(manager: EntityManager, replaced: LocationsReplaced[], userId: string, reason: string): Promise<{ subject_id: string; changed_at: Date }[]> {
  if (!replaced.length) return [];
  const rows: { subject_id: string; changed_at: Date }[] = await manager.query(
    `INSERT INTO subject_location_changes (subject_id, previous_locations, locations, changed_by, reason)
     SELECT s.id, r.previous, s.locations, $2, $3
     FROM jsonb_to_recordset($1::jsonb) AS r(subject_id uuid, previous jsonb) JOIN subjects s ON s.id = r.subject_id
     RETURNING subject_id, changed_at`,
    [JSON.stringify(replaced.map(({ subjectId, previous }) => ({ subject_id: subjectId, previous }))), userId, reason],
  );
  await manager.query('UPDATE classifications SET updated_at = now() WHERE subject_id = ANY($1::uuid[])', [replaced.map((change) => change.subjectId)]);
  return rows;
}

/**
 * Marks changed, for the consensus download's `since`, the workflows' rows of the subjects whose locations `changes`
 * replaced (a correction, the images' descriptions) and now differ: their `subject_locations` did.
 */
export async function markLocationsChanged(manager: EntityManager, changes: LocationsReplaced[]): Promise<void> {
  if (!changes.length) return;
  await manager.query(
    `UPDATE subject_workflow_status st SET updated_at = now()
     FROM jsonb_to_recordset($1::jsonb) AS r(subject_id uuid, previous jsonb) JOIN subjects s ON s.id = r.subject_id
     WHERE st.subject_id = r.subject_id AND s.locations <> r.previous`,
    [JSON.stringify(changes.map(({ subjectId, previous }) => ({ subject_id: subjectId, previous })))],
  );
}
