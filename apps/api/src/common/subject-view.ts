import type { QueuedSubject } from '@chorus/client';
import { type SubjectLocation, publicMetadata } from '@chorus/tasks';

/** A subject's row as the queries that show subjects to volunteers select it. */
export interface SubjectRow {
  id: string;
  external_id: string | null;
  locations: SubjectLocation[];
  metadata: Record<string, unknown>;
}

/** A subject's row as served to a volunteer, who is not told which subjects are gold standard. */
export interface ServedSubjectRow extends SubjectRow {
  is_gold_standard: boolean;
}

/**
 * A subject as volunteers see it: its media, and its metadata without the keys kept from them (`#`, `!`); a
 * gold-standard subject without its external id, which might give it away (`GOLD-2`).
 */
export function subjectView(row: ServedSubjectRow): QueuedSubject {
  return { id: row.id, externalId: row.is_gold_standard ? null : row.external_id, locations: row.locations, metadata: publicMetadata(row.metadata) };
}
