import { SUBJECT_LOCATION_COLUMN_OF, type SubjectLocation, numberedColumn } from '@chorus/tasks';
import { IMAGE_PARTS, markedText } from '../subject-sets/subject-files';
import type { FlatRecord, JsonCell, Scalar } from './export-format';
import type { SnapshotRead } from './export-streams';

/** A subject of the set ($1), in the set's order, as the download reads it: everything its file gave. */
export const SUBJECT_SET_ROWS = `SELECT s.external_id, s.locations, s.metadata
  FROM subject_set_members m JOIN subjects s ON s.id = m.subject_id
  WHERE m.subject_set_id = $1
  ORDER BY m.position, m.subject_id`;

export interface SubjectSetRow {
  external_id: string | null;
  locations: SubjectLocation[];
  metadata: Record<string, unknown>;
}

/**
 * Of each kind of location the set's ($1) subjects have, the most one subject has, and whether any of its images has a
 * IIIF service or a description: the columns the file needs.
 */
const LOCATION_KINDS = `SELECT kind.type, max(kind.count)::int AS most, bool_or(kind.iiif) AS iiif, bool_or(kind.alt) AS alt
  FROM subject_set_members m JOIN subjects s ON s.id = m.subject_id
  CROSS JOIN LATERAL (SELECT l->>'type' AS type, count(*) AS count, bool_or(l ? 'iiifService') AS iiif, bool_or(l ? 'alt') AS alt
                      FROM jsonb_array_elements(s.locations) l GROUP BY 1) kind
  WHERE m.subject_set_id = $1
  GROUP BY kind.type`;

/** The keys of the set's ($1) subjects' metadata, once each, in code-point order (as the other downloads' metadata columns). */
const METADATA_KEYS = `SELECT DISTINCT key COLLATE "C" AS key
  FROM subject_set_members m JOIN subjects s ON s.id = m.subject_id CROSS JOIN LATERAL jsonb_object_keys(s.metadata) key
  WHERE m.subject_set_id = $1 ORDER BY 1`;

type LocationType = keyof typeof SUBJECT_LOCATION_COLUMN_OF;
const LOCATION_TYPES = Object.keys(SUBJECT_LOCATION_COLUMN_OF) as LocationType[];

/** What a subject file of the set holds: its location columns by kind (how many, and an image's parts), then its metadata keys. */
export interface SubjectSetColumns {
  locations: { type: LocationType; most: number; iiif: boolean; alt: boolean }[];
  metadataKeys: string[];
}

/** The set's ($1) columns, read in the download's snapshot. */
export async function subjectSetColumnsOf(read: SnapshotRead, subjectSetId: string): Promise<SubjectSetColumns> {
  const [kinds, keys] = [await read<SubjectSetColumns['locations'][number]>(LOCATION_KINDS, [subjectSetId]), await read<{ key: string }>(METADATA_KEYS, [subjectSetId])];
  return {
    // In the order of the upload's columns (image, audio, text): a subject's locations of one kind keep their order.
    locations: LOCATION_TYPES.flatMap((type) => kinds.filter((kind) => kind.type === type)),
    metadataKeys: keys.map(({ key }) => key),
  };
}

/** An image's column and its parts' (`iiif_service_2`, `image_alt_2` beside `image_url_2`), as the upload reads them. */
const imageColumns = (n: number, { iiif, alt }: { iiif: boolean; alt: boolean }) => {
  const [iiifService, imageAlt] = IMAGE_PARTS;
  return { url: numberedColumn(SUBJECT_LOCATION_COLUMN_OF.image, n), iiifService: iiif ? numberedColumn(iiifService, n) : null, alt: alt ? numberedColumn(imageAlt, n) : null };
};

/** The file's columns: `external_id`, each location's, then each metadata key as it is named. */
export function subjectSetColumns({ locations, metadataKeys }: SubjectSetColumns): string[] {
  const locationColumns = locations.flatMap((kind) =>
    Array.from({ length: kind.most }, (_, index) => {
      if (kind.type !== 'image') return [numberedColumn(SUBJECT_LOCATION_COLUMN_OF[kind.type], index + 1)];
      const image = imageColumns(index + 1, kind);
      return [image.url, image.iiifService, image.alt].filter((column): column is string => column !== null);
    }).flat(),
  );
  return ['external_id', ...locationColumns, ...metadataKeys];
}

/** A metadata value as its cell holds it: a text, number or true/false as it is, a list or an object as JSON, empty when missing. */
const metadataCell = (metadata: Record<string, unknown>, key: string): Scalar | JsonCell => (Object.hasOwn(metadata, key) ? ((metadata[key] ?? null) as Scalar | JsonCell) : null);

/** A subject as a row of its set's file. */
export function flattenSetSubject(row: SubjectSetRow, { locations, metadataKeys }: SubjectSetColumns): FlatRecord {
  const record: FlatRecord = { external_id: row.external_id };
  for (const kind of locations) {
    const ofKind = row.locations.filter((location) => location.type === kind.type);
    ofKind.forEach((location, index) => {
      if (location.type === 'text') record[numberedColumn(SUBJECT_LOCATION_COLUMN_OF.text, index + 1)] = markedText(location);
      else if (location.type === 'audio') record[numberedColumn(SUBJECT_LOCATION_COLUMN_OF.audio, index + 1)] = location.url;
      else {
        const image = imageColumns(index + 1, kind);
        record[image.url] = location.url;
        if (image.iiifService) record[image.iiifService] = location.iiifService ?? null;
        if (image.alt) record[image.alt] = location.alt ?? null;
      }
    });
  }
  for (const key of metadataKeys) record[key] = metadataCell(row.metadata, key);
  return record;
}
