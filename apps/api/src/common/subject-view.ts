import type { QueuedSubject } from '@chorus/client';
import { type SubjectLocation, publicMetadata } from '@chorus/tasks';
import { onTeamSql } from '../projects/project-access';
import { takenDownSql } from '../retirement/retired-by-sql';

/** A subject's row as the queries that show subjects to volunteers select it. */
export interface SubjectRow {
  id: string;
  external_id: string | null;
  locations: SubjectLocation[];
  metadata: Record<string, unknown>;
  /** Whether it is taken down (`takenDownSql`), where the query reads it: the queue never serves such a subject. */
  taken_down?: boolean;
}

/**
 * The columns of subject `s` (of project `p`) that `subjectView` shows a reader (`account`: the SQL of their
 * `accountIdOf`): its content, whether it is taken down, and (`team`) whether the reader is on its project's team.
 */
export const subjectViewColumnsSql = (account: string) =>
  `s.id, s.external_id, s.locations, s.metadata, ${takenDownSql('s.id')} AS taken_down, ${onTeamSql(account)} AS team`;

/** A subject's row as the queue serves it: whether it is gold standard is for the queue, never told to volunteers. */
export interface ServedSubjectRow extends SubjectRow {
  is_gold_standard: boolean;
}

/**
 * A subject as volunteers see it: its media, and its metadata without the keys kept from them (`#`, `//`, `!`). Every
 * subject alike: a field that only gold-standard subjects lacked or had would tell them apart. One taken down by its
 * project's team is shown to the team (`team`) as it is, marked; to anyone else, as taken down and nothing more.
 */
export function subjectView(row: SubjectRow, team = false): QueuedSubject {
  if (row.taken_down && !team) return { id: row.id, externalId: null, locations: [], metadata: {}, takenDown: true };
  return { id: row.id, externalId: row.external_id, locations: row.locations, metadata: publicMetadata(row.metadata), ...(row.taken_down ? { takenDown: true as const } : {}) };
}

/** A subject of a project Chorus's operators took down, to whoever is not its member: its id, and nothing of it. */
export const subjectOfRemovedProject = (id: string): QueuedSubject => ({ id, externalId: null, locations: [], metadata: {} });
