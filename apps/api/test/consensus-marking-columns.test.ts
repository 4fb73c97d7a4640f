import type { Task } from '@chorus/tasks';
import { type ConsensusRow, flatten } from '../src/exports/consensus-rows';
import { JsonAnswer } from '../src/exports/export-format';
import type { MetadataForm } from '../src/exports/metadata-columns';

/** A marking task's `<task>.<tool>` columns of the consensus download, for a consensus kept from an earlier version. */

const TASKS = new Map<string, Task>([
  [
    'T',
    {
      type: 'marking',
      instruction: 'Mark each penguin and seal',
      tools: [
        { key: 'penguin', label: 'Penguin', shape: 'point' },
        { key: 'seal', label: 'Seal', shape: 'point' },
      ],
    } as Task,
  ],
]);

const AT = new Date('2026-12-01T09:30:00Z');
const rowWith = (tasks: ConsensusRow['tasks']): ConsensusRow => ({
  subject_id: 's1', external_id: 'p1', subject_metadata: null, subject_locations: [], gold_standard: false, known_answers: null, training: false, subject_set_ids: 'set1', priority: 0,
  retired_at: null, retirement_reason: null, retirement_note: null, unretired_at: null, unretired_by: null, unretired_by_role: null, unretirement_note: null, unretired_retirement: null,
  retired_by: null, retired_by_role: null, retired_by_classification_id: null, retired_under_version: null, taken_down: false, retired_before_take_down: null, classification_count: 3,
  draft_tries: 0, favourites: 0, updated_at: AT, workflow_version: 2, routed_into: null, routed_out_of: null, routed_from_workflow_ids: null, routing_decisions: null, tasks, reviews: null, hidden_tags: null, left_workflow: false, left_workflow_at: null,
});
const metadata: MetadataForm = { as: 'json' };

describe('a marking task’s tool columns in the consensus download', () => {
  it('are the consensus’s counts, empty for a tool the version it was computed with had not (not 0)', () => {
    const fromVersion1 = { answer: JSON.stringify([{ tool: 'penguin', x: 1, y: 2 }]), agreement: 1, votes: 3, algorithm: 'mark-clustering', workflow_version: 1, result: { counts: { penguin: 1 } }, not_reached: null, needs_checking: false };
    const record = flatten(rowWith({ T: fromVersion1 }), TASKS, metadata);
    expect([record['T.penguin'], record['T.seal']]).toEqual([1, null]);
    const fromVersion2 = { ...fromVersion1, workflow_version: 2, result: { counts: { penguin: 1, seal: 0 } } };
    const now = flatten(rowWith({ T: fromVersion2 }), TASKS, metadata);
    expect([now['T.penguin'], now['T.seal']]).toEqual([1, 0]);
    expect(flatten(rowWith({ T: { ...fromVersion2, answer: null } }), TASKS, metadata)['T.seal']).toBeNull();
  });

  it('stay the consensus’s counts when a review corrected its marks (the review is in _reviewed_answer)', () => {
    const consensus = { answer: JSON.stringify([{ tool: 'penguin', x: 1, y: 2 }]), agreement: 1, votes: 3, algorithm: 'mark-clustering', workflow_version: 2, result: { counts: { penguin: 1, seal: 0 } }, not_reached: null, needs_checking: false };
    const corrected = [{ tool: 'penguin', x: 1, y: 2 }, { tool: 'penguin', x: 5, y: 6 }, { tool: 'seal', x: 9, y: 9 }];
    const row = { ...rowWith({ T: consensus }), reviews: { T: { state: 'corrected', value: corrected, consensus_changed: false } } } as ConsensusRow;
    const record = flatten(row, TASKS, metadata);
    expect([record['T.penguin'], record['T.seal']]).toEqual([1, 0]);
    expect(record.T_reviewed_answer).toEqual(new JsonAnswer(JSON.stringify(corrected)));
  });

  it('count the marks a review settles on in <task>_reviewed.<tool>, after the consensus’s, empty when not reviewed', () => {
    const consensus = { answer: JSON.stringify([{ tool: 'penguin', x: 1, y: 2 }]), agreement: 1, votes: 3, algorithm: 'mark-clustering', workflow_version: 2, result: { counts: { penguin: 1, seal: 0 } }, not_reached: null, needs_checking: false };
    const corrected = [{ tool: 'penguin', x: 1, y: 2 }, { tool: 'penguin', x: 5, y: 6 }];
    const reviewed = flatten({ ...rowWith({ T: consensus }), reviews: { T: { state: 'corrected', value: corrected, consensus_changed: false } } } as ConsensusRow, TASKS, metadata);
    expect(Object.keys(reviewed).filter((column) => column.includes('.'))).toEqual(['T.penguin', 'T.seal', 'T_reviewed.penguin', 'T_reviewed.seal']);
    expect([reviewed['T_reviewed.penguin'], reviewed['T_reviewed.seal']]).toEqual([2, 0]);
    const unreviewed = flatten(rowWith({ T: consensus }), TASKS, metadata);
    expect([unreviewed['T_reviewed.penguin'], unreviewed['T_reviewed.seal']]).toEqual([null, null]);
  });
});
