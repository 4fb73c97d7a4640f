import type { WorkflowDefinition } from '@chorus/tasks';
import { type ClassificationRow, classificationColumns, flattenClassification } from '../src/exports/classification-rows';
import { CLASSIFICATION_ROW_SELECT, SET_CLASSIFICATION_ROW_SELECT, SET_TOMBSTONE, tombstoneValues } from '../src/exports/exports.service';
import type { MetadataForm } from '../src/exports/metadata-columns';

/** A since= download of one set's tombstone (`UNION ALL` with the classifications): the same columns, in the same places. */

const LEFT_AT = new Date('2026-12-01T09:30:00Z');
const DEFINITION = { firstTask: 'T0', tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }] } } } as unknown as WorkflowDefinition;

/** A classification with every field given, as the first branch of the union reads it: typed, so a field added to the row must be added here. */
const classification: Required<ClassificationRow> = {
  id: 'c1',
  subject_id: 's1',
  external_id: 'p1',
  subject_metadata: { page: 1 },
  earlier_locations: null,
  user_id: 'u1',
  user_kind: 'guest',
  user_name: null,
  workflow_version: 1,
  created_at: LEFT_AT,
  updated_at: LEFT_AT,
  started_at: LEFT_AT,
  finished_at: LEFT_AT,
  gold_standard: false,
  after_retirement: false,
  made_in_draft: false,
  excluded_volunteer: false,
  classification_metadata: {},
  annotations: [{ task: 'T0', value: 'yes' }],
  hidden_tags: null,
  left_subject_set_at: null,
};

/** The tombstone as Postgres hands it over: the values of the set's `tombstoneValues`, named by the rows' columns. */
function tombstoneRow(): ClassificationRow {
  const values: Record<string, unknown> = { 'd.subject_id': 's2', 'coalesce(s.external_id, d.external_id)': 'p2', 'd.left_at': LEFT_AT, NULL: null };
  const tombstone = tombstoneValues(SET_CLASSIFICATION_ROW_SELECT, SET_TOMBSTONE);
  return Object.fromEntries(SET_CLASSIFICATION_ROW_SELECT.map(([name], index) => [name, values[tombstone[index]!]])) as unknown as ClassificationRow;
}

describe('the classifications download’s tombstone of a subject that left a set', () => {
  it('reads every field of a classification row, left_subject_set_at in a set’s download alone', () => {
    expect(SET_CLASSIFICATION_ROW_SELECT.map(([name]) => name).sort()).toEqual(Object.keys(classification).sort());
    expect(CLASSIFICATION_ROW_SELECT.map(([name]) => name)).toEqual(SET_CLASSIFICATION_ROW_SELECT.map(([name]) => name).filter((name) => name !== 'left_subject_set_at'));
  });

  it('gives a value for each of a row’s columns, in their order: its ids, when it left as updated_at and left_subject_set_at, every other null', () => {
    const values = tombstoneValues(SET_CLASSIFICATION_ROW_SELECT, SET_TOMBSTONE);
    expect(values).toHaveLength(SET_CLASSIFICATION_ROW_SELECT.length);
    const named = Object.fromEntries(SET_CLASSIFICATION_ROW_SELECT.map(([name], index) => [name, values[index]]).filter(([, value]) => value !== 'NULL'));
    expect(named).toEqual({ subject_id: 'd.subject_id', external_id: 'coalesce(s.external_id, d.external_id)', updated_at: 'd.left_at', left_subject_set_at: 'd.left_at' });
  });

  it('follows a column added to the row: null there, the others kept in their places', () => {
    const added = [...SET_CLASSIFICATION_ROW_SELECT.slice(0, 2), ['user_kind', 'c.new_column'] as const, ...SET_CLASSIFICATION_ROW_SELECT.slice(2)];
    const values = tombstoneValues(added, SET_TOMBSTONE);
    expect(values).toHaveLength(added.length);
    expect(values[2]).toBe('NULL');
    expect(added.flatMap(([name], index) => (values[index] === 'NULL' ? [] : [name]))).toEqual(['subject_id', 'external_id', 'updated_at', 'left_subject_set_at']);
  });

  it.each<MetadataForm>([{ as: 'json' }, { as: 'columns', keys: ['page'] }])('has exactly the columns of a classification of a set’s since= download (metadata as $as): its ids and when it left', (metadata) => {
    const columns = classificationColumns(['T0'], [DEFINITION], metadata, true);
    expect(Object.keys(flattenClassification(classification, DEFINITION, ['T0'], metadata, true)).sort()).toEqual([...columns].sort());
    const tombstone = flattenClassification(tombstoneRow(), undefined, ['T0'], metadata, true);
    expect(Object.keys(tombstone).sort()).toEqual([...columns].sort());
    expect(Object.fromEntries(Object.entries(tombstone).filter(([, value]) => value !== null))).toEqual({ subject_id: 's2', external_id: 'p2', updated_at: LEFT_AT.toISOString(), left_subject_set_at: LEFT_AT.toISOString() });
    // Every other download keeps its columns: left_subject_set_at is a set's since= download's alone, after the answers.
    expect(columns).toEqual(classificationColumns(['T0'], [DEFINITION], metadata).flatMap((column) => (column === 'T0_answer' ? [column, 'left_subject_set_at'] : [column])));
    expect(Object.keys(flattenClassification(classification, DEFINITION, ['T0'], metadata))).not.toContain('left_subject_set_at');
  });
});
