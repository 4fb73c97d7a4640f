import type { QueuedSubject } from '@chorus/client';
import { type SubjectLocation, publicMetadata } from '@chorus/tasks';

/** A subject's row as the queries that show subjects to volunteers select it. */
export interface SubjectRow {
  id: string;
  external_id: string | null;
  locations: SubjectLocation[];
  metadata: Record<string, unknown>;
}

/** A subject's row as the queue serves it: whether it is gold standard is for the queue, never told to volunteers. */
export interface ServedSubjectRow extends SubjectRow {
  is_gold_standard: boolean;
}

/**
 * A subject as volunteers see it: its media, and its metadata without the keys kept from them (`#`, `//`, `!`). Every
 * subject alike: a field that only gold-standard subjects lacked or had would tell them apart.
 */
export function subjectView(row: SubjectRow): QueuedSubject {
  return { id: row.id, externalId: row.external_id, locations: row.locations, metadata: publicMetadata(row.metadata) };
}
