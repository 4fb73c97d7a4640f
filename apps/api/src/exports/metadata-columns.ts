import type { DownloadMetadata } from '@chorus/client';
import type { FlatRecord, JsonCell, Scalar } from './export-format';
import type { SnapshotRead } from './export-streams';
import { WITHHELD_IN_WORDS, withheldWhileTakenDownSql } from './withheld-while-taken-down';

/**
 * How a download gives the subjects' metadata (`metadata=`): `json`, one column that holds JSON (`subject_metadata`), or `columns`,
 * a `metadata.<key>` column per key, in place of that cell (`keys`, in the download's order).
 */
export type MetadataForm = { as: Extract<DownloadMetadata, 'json'> } | { as: Extract<DownloadMetadata, 'columns'>; keys: string[] };

/** What `metadata.<key>` holds, for the API's documentation and the README. */
export const METADATA_COLUMNS_IN_WORDS =
  `with metadata=columns, subject_metadata gives way to a metadata.<key> column per key of the subjects' metadata in the download (the union of their keys, private ones included, in code-point order: uppercase before lowercase, \`#box\` before \`box\`), after every other column: a text, number or true/false as it is, a list or an object as JSON (a JSON value in json and ndjson, its JSON text in a CSV cell), empty where the subject has no such key (or null); every one ${WITHHELD_IN_WORDS}, and a key only such subjects hold names no column`;

/** A subject's metadata key's column. */
export const metadataColumn = (key: string) => `metadata.${key}`;

/**
 * The keys of the metadata of the subjects whose ids `subjectIds` (SQL selecting `subject_id`) gives, once each, in
 * code-point order (`COLLATE "C"`, as `byCodePoints` orders text): the `metadata.<key>` columns of a download, none
 * of a subject taken down (its metadata withheld, its keys too). Each subject is read by its primary key (OFFSET 0:
 * never joined whole, which read every project's subjects).
 */
const metadataKeysSql = (subjectIds: string) => `
  SELECT DISTINCT key COLLATE "C" AS key FROM (${subjectIds}) subject
  CROSS JOIN LATERAL (SELECT ${withheldWhileTakenDownSql('s.id', 's.metadata')} AS metadata FROM subjects s WHERE s.id = subject.subject_id OFFSET 0) s
  CROSS JOIN LATERAL jsonb_object_keys(s.metadata) key ORDER BY 1`;

/**
 * How a download gives its subjects' metadata, as `as` asks: for columns, the keys of the subjects whose ids
 * `subjectIds` (with `parameters`) gives, read (`read`) in the download's snapshot, so that its header names every key
 * its rows hold.
 */
export async function metadataFormOf(as: DownloadMetadata, read: SnapshotRead, subjectIds: string, parameters: unknown[]): Promise<MetadataForm> {
  if (as === 'json') return { as };
  const keys = await read<{ key: string }>(metadataKeysSql(subjectIds), parameters);
  return { as, keys: keys.map(({ key }) => key) };
}

/** A metadata value as its cell holds it: a scalar, a list or an object as it is (JSON), null when missing. */
function cellOf(value: unknown): Scalar | JsonCell {
  if (value === undefined || value === null) return null;
  return value as Scalar | JsonCell;
}

/**
 * The subject's metadata as its download gives it: one column that holds JSON, or a cell per key of the download;
 * empty for none (a subject taken down, a tombstone).
 */
export function metadataCells(metadata: Record<string, unknown> | null, form: MetadataForm): FlatRecord {
  if (form.as === 'json') return { subject_metadata: metadata };
  return Object.fromEntries(form.keys.map((key) => [metadataColumn(key), cellOf(metadata && Object.hasOwn(metadata, key) ? metadata[key] : undefined)]));
}

/** A download's columns: `subject_metadata` in its place, or dropped for the `metadata.<key>` columns after the others. */
export function withMetadataColumns(columns: string[], form: MetadataForm): string[] {
  if (form.as === 'json') return columns;
  return [...columns.filter((column) => column !== 'subject_metadata'), ...form.keys.map(metadataColumn)];
}
