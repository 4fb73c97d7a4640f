import type { WorkflowDefinition } from '@chorus/tasks';
import { type ConsensusDefinitions, type ReviewRow, consensusChanged, toReview } from '../src/consensus-reviews/review-sql';

/** Version 2's tasks, as the consensus was computed with them (only `type` decides how answers compare). */
const definition = {
  tasks: {
    colours: { type: 'multiple', question: 'Colours?', answers: [] },
    form: { type: 'fields', fields: [] },
    marks: { type: 'marking', tools: [] },
    constructor: { type: 'multiple', question: 'Odd key?', answers: [] },
  },
} as unknown as WorkflowDefinition;
const definitions: ConsensusDefinitions = new Map([[2, definition]]);

/** An approval of `task` whose consensus is stored `approved` then and `now` since, computed with `version`. */
const approval = (task: string, approved: string | null, now: string | null, version: number | null = 2): ReviewRow => ({
  task,
  state: 'approved',
  value: null,
  consensus_differs: approved === now && approved !== null ? null : { approved, now, version },
  reviewed_by: 'r1',
  reviewer_name: 'Ada',
  reviewed_by_role: 'owner',
  reviewed_at: '2026-12-07T00:00:00Z',
});

const mark = (x: number) => ({ tool: 'penguin', x, y: 1 });

it('says an approval’s consensus changed only when its answer did, compared by content as its version defines the task', () => {
  expect(consensusChanged(approval('colours', 'red;blue', 'red;blue'), definitions)).toBe(false); // the same text: no difference handed
  expect(consensusChanged(approval('colours', 'red;blue', 'blue;red'), definitions)).toBe(false);
  expect(consensusChanged(approval('colours', 'red;blue', 'blue'), definitions)).toBe(true);
  expect(consensusChanged(approval('form', JSON.stringify({ a: '1', b: '2' }), JSON.stringify({ b: '2', a: '1' })), definitions)).toBe(false);
  expect(consensusChanged(approval('form', JSON.stringify({ a: '1', b: '2' }), JSON.stringify({ a: '1', b: '3' })), definitions)).toBe(true);
  expect(consensusChanged(approval('marks', JSON.stringify([mark(1), mark(2)]), JSON.stringify([mark(2), mark(1)])), definitions)).toBe(false);
  expect(consensusChanged(approval('marks', JSON.stringify([mark(1), mark(2)]), JSON.stringify([mark(1)])), definitions)).toBe(true);
  expect(consensusChanged(approval('constructor', 'a;b', 'b;a'), definitions)).toBe(false); // a key Object.prototype has too
});

it('says changed for a tie or no consensus since, and compares a task its version lacks, or an unknown version, as text', () => {
  expect(consensusChanged(approval('colours', 'red', null), definitions)).toBe(true); // a tie since
  expect(consensusChanged(approval('colours', 'red', null, null), definitions)).toBe(true); // no consensus row now
  expect(consensusChanged(approval('gone', 'red;blue', 'blue;red'), definitions)).toBe(true);
  expect(consensusChanged(approval('toString', 'red;blue', 'blue;red'), definitions)).toBe(true); // inherited, not a task
  expect(consensusChanged(approval('colours', 'red;blue', 'blue;red', 7), definitions)).toBe(true);
});

it('gives a review its consensusChanged, and a correction never one', () => {
  expect(toReview(approval('colours', 'red;blue', 'blue;red'), definitions)).toMatchObject({ task: 'colours', state: 'approved', consensusChanged: false });
  expect(toReview(approval('colours', 'red;blue', null), definitions).consensusChanged).toBe(true);
  expect(toReview({ ...approval('colours', null, null), state: 'corrected', consensus_differs: null }, definitions).consensusChanged).toBe(false);
  // Another reviewer's review, read by a reviewer, names its role only.
  expect(toReview({ ...approval('colours', 'a', 'a'), reviewed_by_role: 'reviewer' }, definitions, 'r2').reviewedBy).toEqual({ memberId: null, name: null, role: 'reviewer' });
});
