import { type WorkflowDefinition, storedComparableConsensus } from '@chorus/tasks';
import { Client } from 'pg';
import { CONSENSUS_CHANGED, type ReviewRow, toReview } from '../src/consensus-reviews/review-sql';

/** Version 2's tasks, as the consensus was computed with them (only `type` decides how answers compare). */
const definition = {
  tasks: {
    colours: { type: 'multiple', question: 'Colours?', answers: [] },
    form: { type: 'fields', fields: [] },
    marks: { type: 'marking', tools: [] },
    constructor: { type: 'multiple', question: 'Odd key?', answers: [] },
  },
} as unknown as WorkflowDefinition;

const db = new Client({ connectionString: process.env.DATABASE_URL });
beforeAll(() => db.connect());
afterAll(() => db.end());

/**
 * `CONSENSUS_CHANGED` in Postgres for an approval of `task` whose consensus was stored `approved` then and `now` since
 * (undefined: no consensus row now), each with the comparable form the API and the worker store, as `definition` (the
 * version that computed it; null, one unknown) defines the task; the approved one as `approvedUnder` does, when another.
 */
async function changed(
  task: string,
  approved: string | null,
  now: string | null | undefined,
  version: WorkflowDefinition | null = definition,
  state = 'approved',
  approvedUnder: WorkflowDefinition | null = version,
): Promise<boolean> {
  const comparable = (answer: string | null, under = version) => storedComparableConsensus(under ?? undefined, task, answer);
  const [row] = (
    await db.query(
      `SELECT ${CONSENSUS_CHANGED} AS changed
       FROM (VALUES ($1::text, $2::text, $3::text)) AS r(state, approved_consensus, approved_comparable)
       LEFT JOIN (VALUES ($4::text, $5::text)) AS c(answer, comparable_answer) ON $6::boolean`,
      [state, approved, approved === null ? null : comparable(approved, approvedUnder), now ?? null, now == null ? null : comparable(now), now !== undefined],
    )
  ).rows as { changed: boolean }[];
  return row!.changed;
}

const mark = (x: number) => ({ tool: 'penguin', x, y: 1 });

it('says an approval’s consensus changed only when its answer did, compared by content as its version defines the task', async () => {
  expect(await changed('colours', 'red;blue', 'red;blue')).toBe(false);
  expect(await changed('colours', 'red;blue', 'blue;red')).toBe(false);
  expect(await changed('colours', 'red;blue', 'blue')).toBe(true);
  expect(await changed('form', JSON.stringify({ a: '1', b: '2' }), JSON.stringify({ b: '2', a: '1' }))).toBe(false);
  expect(await changed('form', JSON.stringify({ a: '1', b: '2' }), JSON.stringify({ a: '1', b: '3' }))).toBe(true);
  expect(await changed('marks', JSON.stringify([mark(1), mark(2)]), JSON.stringify([mark(2), mark(1)]))).toBe(false);
  expect(await changed('marks', JSON.stringify([mark(1), mark(2)]), JSON.stringify([mark(1)]))).toBe(true);
  expect(await changed('constructor', 'a;b', 'b;a')).toBe(false); // a key Object.prototype has too
});

it('says changed for a tie or no consensus since, and compares a task its version lacks, or an unknown version, as text', async () => {
  expect(await changed('colours', 'red', null)).toBe(true); // a tie since
  expect(await changed('colours', 'red', undefined)).toBe(true); // no consensus row now
  expect(await changed('colours', null, null)).toBe(true); // an approval without its answer kept
  expect(await changed('gone', 'red;blue', 'blue;red')).toBe(true);
  expect(await changed('toString', 'red;blue', 'blue;red')).toBe(true); // inherited, not a task
  expect(await changed('colours', 'red;blue', 'blue;red', null)).toBe(true);
  expect(await changed('colours', 'red', 'blue', definition, 'corrected')).toBe(false); // a correction never
});

it('says unchanged for the same text whose comparable forms were computed under versions defining the task otherwise', async () => {
  // `red` approved while version 1 made the task a multiple choice (stored `["red"]`); version 2 makes it a single
  // choice, and the re-aggregation stores `red` again, with no comparable form of its own.
  const single = { tasks: { colours: { type: 'single', question: 'Which colour?', answers: [] } } } as unknown as WorkflowDefinition;
  expect(storedComparableConsensus(definition, 'colours', 'red')).toBe('["red"]');
  expect(await changed('colours', 'red', 'red', single, 'approved', definition)).toBe(false);
  expect(await changed('colours', 'red', 'blue', single, 'approved', definition)).toBe(true);
});

/** A review as its statement reads it. */
const review = (consensusChanged: boolean, state: ReviewRow['state'] = 'approved'): ReviewRow => ({
  task: 'colours',
  state,
  value: null,
  consensus_changed: consensusChanged,
  reviewed_by: 'r1',
  reviewer_name: 'Ada',
  reviewed_by_role: 'owner',
  reviewed_at: '2026-12-07T00:00:00Z',
});

it('gives a review its consensusChanged as read', () => {
  expect(toReview(review(false))).toMatchObject({ task: 'colours', state: 'approved', consensusChanged: false });
  expect(toReview(review(true)).consensusChanged).toBe(true);
  // Another reviewer's review, read by a reviewer, names its role only.
  expect(toReview({ ...review(false), reviewed_by_role: 'reviewer' }, 'r2').reviewedBy).toEqual({ memberId: null, name: null, role: 'reviewer' });
});
