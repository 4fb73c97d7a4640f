import type { Task } from '@chorus/tasks';
import { type ConsensusRow, columnsOf, flatten } from '../src/exports/consensus-rows';
import { CONSENSUS_ROW_SELECT, SET_CONSENSUS_ROW_SELECT, SET_TOMBSTONE, tombstoneValues, withLeftSet } from '../src/exports/exports.service';
import type { MetadataForm } from '../src/exports/metadata-columns';

/** A `since=` download's tombstone (`UNION ALL` with the rows) against a normal row: the same columns, in the same places. */

const LEFT_AT = new Date('2026-12-01T09:30:00Z');
const TASKS = new Map<string, Task>([
  ['T0', { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } as Task],
  ['T1', { type: 'multiple', question: 'Which?', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] } as Task],
]);

/** A row with every field given, as the first branch of the union reads it. */
const normalRow: ConsensusRow = {
  subject_id: 's1',
  external_id: 'p1',
  subject_metadata: { page: 1 },
  subject_locations: [{ type: 'text', text: 'Page one' }],
  gold_standard: false,
  known_answers: null,
  training: false,
  subject_set_ids: 'set1',
  priority: 0,
  retired_at: LEFT_AT,
  retirement_reason: 'count',
  retirement_note: null,
  unretired_at: null,
  unretired_by: null,
  unretired_by_role: null,
  unretirement_note: null,
  unretired_retirement: null,
  retired_by: null,
  retired_by_role: null,
  retired_by_classification_id: 'c1',
  retired_under_version: 1,
  taken_down: false,
  retired_before_take_down: null,
  classification_count: 3,
  draft_tries: 0,
  favourites: 0,
  updated_at: LEFT_AT,
  workflow_version: 1,
  routed_into: null,
  routed_out_of: null,
  routed_from_workflow_ids: null,
  routing_decisions: null,
  tasks: { T0: { answer: 'yes', agreement: 1, votes: 3, algorithm: 'plurality-vote', workflow_version: 1, result: { counts: { yes: 3 } }, not_reached: null, needs_checking: false } },
  reviews: null,
  hidden_tags: null,
  left_workflow: false,
  left_workflow_at: null,
};

/** The tombstone as Postgres hands it over: the values of `tombstoneValues()`, named by the rows' columns; of a subject that left the workflow, or the set of a set's download (`set`). */
function tombstoneRow(set = false): ConsensusRow {
  const values: Record<string, unknown> = { 'd.subject_id': 's2', 'coalesce(s.external_id, d.external_id)': 'p2', 'd.left_at': LEFT_AT, NULL: null };
  const select = set ? SET_CONSENSUS_ROW_SELECT : CONSENSUS_ROW_SELECT;
  const tombstone = set ? tombstoneValues(select, SET_TOMBSTONE) : tombstoneValues();
  return Object.fromEntries(select.map(([name], index) => [name, values[tombstone[index]!]])) as unknown as ConsensusRow;
}

describe('the consensus download’s tombstone', () => {
  it('gives a value for each of a row’s columns, in their order: its ids, when it left as updated_at and left_workflow_at, every other null', () => {
    const values = tombstoneValues();
    expect(values).toHaveLength(CONSENSUS_ROW_SELECT.length);
    const named = Object.fromEntries(CONSENSUS_ROW_SELECT.map(([name], index) => [name, values[index]]).filter(([, value]) => value !== 'NULL'));
    expect(named).toEqual({ subject_id: 'd.subject_id', external_id: 'coalesce(s.external_id, d.external_id)', updated_at: 'd.left_at', left_workflow_at: 'd.left_at' });
  });

  it('follows a column added to the row: null there, the others kept in their places', () => {
    const added = [...CONSENSUS_ROW_SELECT.slice(0, 3), ['favourites', 'st.new_column'] as const, ...CONSENSUS_ROW_SELECT.slice(3)];
    const values = tombstoneValues(added);
    expect(values).toHaveLength(added.length);
    expect(values[3]).toBe('NULL');
    expect(added.flatMap(([name], index) => (values[index] === 'd.left_at' ? [name] : []))).toEqual(['updated_at', 'left_workflow_at']);
    // A set's download's: when it left the set, as left_subject_set_at (its last column) in place of left_workflow_at.
    const setValues = tombstoneValues(withLeftSet<ConsensusRow>(added), SET_TOMBSTONE);
    expect(withLeftSet<ConsensusRow>(added).flatMap(([name], index) => (setValues[index] === 'NULL' ? [] : [name]))).toEqual(['subject_id', 'external_id', 'updated_at', 'left_subject_set_at']);
  });

  it.each<MetadataForm>([{ as: 'json' }, { as: 'columns', keys: ['page'] }])('has exactly the columns of a normal row (metadata as $as)', (metadata) => {
    // left_subject_set_at only in a since= download of one set: every other keeps its columns where they were.
    expect(columnsOf(TASKS, metadata, true)).toEqual(columnsOf(TASKS, metadata).flatMap((column) => (column === 'routing_decisions' ? [column, 'left_subject_set_at'] : [column])));
    expect(columnsOf(TASKS, metadata)).not.toContain('left_subject_set_at');
    const tombstone = flatten(tombstoneRow(), TASKS, metadata);
    const row = flatten(normalRow, TASKS, metadata);
    expect(Object.keys(tombstone).sort()).toEqual(Object.keys(row).sort());
    expect(Object.keys(row).sort()).toEqual([...columnsOf(TASKS, metadata)].sort());
    expect(Object.entries(tombstone).filter(([, value]) => value !== null)).toEqual([
      ['subject_id', 's2'],
      ['external_id', 'p2'],
      ['left_workflow', true],
      ['left_workflow_at', LEFT_AT.toISOString()],
      ['updated_at', LEFT_AT.toISOString()],
    ].sort(([a], [b]) => columnsOf(TASKS, metadata).indexOf(a as string) - columnsOf(TASKS, metadata).indexOf(b as string)));
  });

  it('of a subject that left the set a download is limited to: its ids and when it left the set, not that it left the workflow', () => {
    const metadata: MetadataForm = { as: 'json' };
    const tombstone = flatten(tombstoneRow(true), TASKS, metadata, true);
    expect(Object.keys(tombstone).sort()).toEqual([...columnsOf(TASKS, metadata, true)].sort());
    expect(Object.keys(flatten(normalRow, TASKS, metadata, true)).sort()).toEqual([...columnsOf(TASKS, metadata, true)].sort());
    expect(Object.fromEntries(Object.entries(tombstone).filter(([, value]) => value !== null))).toEqual({
      subject_id: 's2',
      external_id: 'p2',
      updated_at: LEFT_AT.toISOString(),
      left_subject_set_at: LEFT_AT.toISOString(),
    });
  });
});
