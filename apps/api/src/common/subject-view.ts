import type { QueuedSubject } from '@chorus/client';
import { type SubjectLocation, publicMetadata } from '@chorus/tasks';

/** A subject's row as the queries that show subjects to volunteers select it. */
export interface SubjectRow {
  id: string;
  external_id: string | null;
  locations: SubjectLocation[];
  metadata: Record<string, unknown>;
}

/** A subject as volunteers see it: its media, and its metadata without the keys kept from them (`#`, `!`). */
export function subjectView(row: SubjectRow): QueuedSubject {
  return { id: row.id, externalId: row.external_id, locations: row.locations, metadata: publicMetadata(row.metadata) };
}
