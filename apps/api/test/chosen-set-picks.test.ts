import type { ChorusClient, QueueView } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';
import { type PickKind, pickAndAssignSql, remainingSql } from '../src/assignment/queue-sql';

/**
 * The picks of a volunteer who chose a small subject set in a big workflow (a document of 20 subjects among 3,000)
 * read the set, not the workflow: the random and priority takes and what is left to them.
 */
let stack: Stack;
const DOCUMENT = 20;
const OTHERS = 3000;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});

/** A live project of a document set (d-00…d-19 unless `sizes` says) and a big set (o-00…), served by a yes/no workflow of each selection order given. */
async function documentAmongMany(orders: ('random' | 'priority')[], sizes = { document: DOCUMENT, others: OTHERS }) {
  const project = await stack.client.createProject({ title: `Document ${randomUUID().slice(0, 8)}`, status: 'live' });
  const text = (externalId: string) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] });
  // Added 500 at a time, `prefix` and the index (padded to 2 digits) as external id.
  const addSubjects = async (setId: string, prefix: string, count: number) => {
    for (let from = 0; from < count; from += 500) {
      await stack.client.addSubjects(setId, Array.from({ length: Math.min(500, count - from) }, (_, i) => text(`${prefix}${String(from + i).padStart(2, '0')}`)));
    }
  };
  const document = await stack.client.createSubjectSet(project.id, { name: 'Document' });
  await addSubjects(document.id, 'd-', sizes.document);
  const others = await stack.client.createSubjectSet(project.id, { name: 'Others' });
  await addSubjects(others.id, 'o-', sizes.others);
  const tasks = { T0: { type: 'single' as const, question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } };
  const workflowIds: string[] = [];
  for (const order of orders) {
    const { id } = await stack.client.createWorkflow(project.id, {
      name: order, firstTask: 'T0', tasks, retirement: { rule: 'count', count: 3 },
      selection: { order, goldStandardRate: 0, volunteersChooseSubjectSet: true }, subjectSetIds: [others.id, document.id],
    });
    await stack.client.activateWorkflow(id);
    workflowIds.push(id);
  }
  return { workflowIds, documentId: document.id, othersId: others.id };
}

async function guest(): Promise<{ client: ChorusClient; id: string }> {
  const { token, user } = await stack.anonymous.guest();
  return { client: stack.anonymous.withToken(token), id: user.id };
}

const externalIds = (queue: QueueView) => queue.subjects.map((subject) => subject.externalId);
const classify = (client: ChorusClient, queue: QueueView, subjectId: string) =>
  client.classify({ workflowId: queue.workflowId, workflowVersion: queue.workflowVersion, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());

/**
 * Buffers (shared hit and read) of one execution of `sql`, planned as a prepared statement of the API's is after its
 * first runs (generic), rolled back; measured the second time, the first reading the catalog too.
 */
async function buffersOf(sql: string, parameters: unknown[]): Promise<number> {
  const literal = (value: unknown) => (Array.isArray(value) ? `'{${value.join(',')}}'` : `'${String(value)}'`);
  let buffers = 0;
  for (let run = 0; run < 2; run++) {
    await stack.db.query('BEGIN');
    try {
      await stack.db.query('SET LOCAL jit = off');
      await stack.db.query('SET LOCAL plan_cache_mode = force_generic_plan');
      await stack.db.query(`PREPARE measured AS ${sql}`);
      const { rows } = await stack.db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE measured(${parameters.map(literal).join(', ')})`);
      const plan = rows[0]['QUERY PLAN'][0].Plan;
      buffers = plan['Shared Hit Blocks'] + plan['Shared Read Blocks'];
    } finally {
      await stack.db.query('ROLLBACK');
      await stack.db.query('DEALLOCATE ALL');
    }
  }
  return buffers;
}

/** A take of `count` from the document (pickAndAssignSql's parameters), by `userId`. */
const takeParameters = (workflowId: string, userId: string, setId: string, count: number) => [[0], [workflowId], [userId], [3], [count], [Math.random()], [setId], [false], [3], 600];

describe('a volunteer who chose a small subject set in a big workflow', () => {
  /**
   * A walk of the workflow's index read about 6 buffers a subject of the workflow for a take (18,000 here), and as
   * many when the document had nothing left to the volunteer; from the members, the take reads the document.
   */
  const BOUND = 1500;

  it('takes, random or by priority, and learns what is left, reading the set rather than the workflow, also when it has nothing left for them', async () => {
    const { workflowIds: [random, priority], documentId } = await documentAmongMany(['random', 'priority']);
    const fresh = await guest();
    const done = await guest();
    // `done` has classified every subject of the document in the random workflow.
    for (let i = 0; i < 4; i++) {
      const batch = await done.client.queue(random!, 5, { subjectSetId: documentId });
      for (const subject of batch.subjects) await classify(done.client, batch, subject.id);
    }
    const measured: Record<string, number> = {};
    for (const [name, workflowId, kind] of [['random', random!, 'set'], ['priority', priority!, 'set-priority']] as [string, string, PickKind][]) {
      measured[`${name} take`] = await buffersOf(pickAndAssignSql(kind, false), takeParameters(workflowId, fresh.id, documentId, 5));
    }
    measured['random take, nothing left'] = await buffersOf(pickAndAssignSql('set', false), takeParameters(random!, done.id, documentId, 5));
    measured['what is left'] = await buffersOf(remainingSql(false, true), [random!, fresh.id, 3, true, 3, documentId]);
    measured['what is left, nothing left'] = await buffersOf(remainingSql(false, true), [random!, done.id, 3, true, 3, documentId]);
    expect(Object.entries(measured).filter(([, buffers]) => buffers > BOUND)).toEqual([]);
  });

  it('reads a set that is most of its workflow along the index, as the walk costs little there', async () => {
    // From its 800 members, a take read about 3 buffers each (2,582); along the index, about 200 with the assignment.
    const { workflowIds: [random, priority], documentId } = await documentAmongMany(['random', 'priority'], { document: 800, others: 400 });
    const fresh = await guest();
    const measured: Record<string, number> = {};
    for (const [name, workflowId, kind] of [['random', random!, 'set'], ['priority', priority!, 'set-priority']] as [string, string, PickKind][]) {
      measured[`${name} take`] = await buffersOf(pickAndAssignSql(kind, false), takeParameters(workflowId, fresh.id, documentId, 5));
    }
    expect(Object.entries(measured).filter(([, buffers]) => buffers > 500)).toEqual([]);
  });

  it('serves the document in a random order drawn at each take, not a run of neighbours round the random keys', async () => {
    const { workflowIds: [workflowId], documentId } = await documentAmongMany(['random']);
    const { id: userId } = await guest();
    const { rows: keyed } = await stack.db.query(
      `SELECT st.subject_id FROM subject_workflow_status st JOIN subject_set_members m ON m.subject_set_id = $2 AND m.subject_id = st.subject_id
       WHERE st.workflow_id = $1 ORDER BY st.random, st.subject_id`,
      [workflowId, documentId],
    );
    const nextByKey = new Map(keyed.map((row, i) => [row.subject_id, keyed[(i + 1) % keyed.length].subject_id]));
    // Takes of 2, each rolled back, so each is a fresh volunteer's. Served from a random point round the keys, the
    // second is always the first's neighbour by key; in a random order, it is with chance 1/19 (any of the other 19),
    // so all TAKES takes serve a neighbour second with chance (1/19)^8 ≈ 5.9e-11 (below 1e-6 from 5 takes).
    const TAKES = 8;
    const seconds: boolean[] = [];
    for (let take = 0; take < TAKES; take++) {
      await stack.db.query('BEGIN');
      try {
        const { rows } = await stack.db.query(pickAndAssignSql('set', false), takeParameters(workflowId!, userId, documentId, 2));
        seconds.push(nextByKey.get(rows[0].id) === rows[1].id);
      } finally {
        await stack.db.query('ROLLBACK');
      }
    }
    expect(seconds.filter((neighbour) => !neighbour).length).toBeGreaterThan(0);
  });

  it('is served only the document’s subjects at random, never twice, none retired, then told the set is finished', async () => {
    const { workflowIds: [workflowId], documentId, othersId } = await documentAmongMany(['random']);
    await stack.client.retireSubjects(workflowId!, { externalIds: ['d-03', 'd-11'], reason: 'done' });
    const { client } = await guest();
    const served: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const batch = await client.queue(workflowId!, 5, { subjectSetId: documentId });
      served.push(...externalIds(batch));
      for (const subject of batch.subjects) await classify(client, batch, subject.id);
    }
    const expected = Array.from({ length: DOCUMENT }, (_, i) => `d-${String(i).padStart(2, '0')}`).filter((id) => id !== 'd-03' && id !== 'd-11');
    expect(served.sort()).toEqual(expected);
    expect(await client.queue(workflowId!, 5, { subjectSetId: documentId })).toMatchObject({ subjects: [], finished: true, reason: 'set-finished' });
    // The big set (more than FEW_MEMBERS) is still walked along the index: its own subjects only.
    const big = externalIds(await client.queue(workflowId!, 10, { subjectSetId: othersId }));
    expect([big.length, big.every((id) => id?.startsWith('o-'))]).toEqual([10, true]);
  });

  it('is served the document by priority, ties by key, never a retired subject nor one of another set', async () => {
    const { workflowIds: [workflowId], documentId, othersId } = await documentAmongMany(['priority']);
    await stack.client.setPriorities(workflowId!, [
      { externalId: 'o-07', priority: -100 },
      { externalId: 'd-15', priority: -30 },
      { externalId: 'd-04', priority: -20 },
      { externalId: 'd-09', priority: -10 },
      { externalId: 'd-12', priority: -5 },
    ]);
    await stack.client.retireSubjects(workflowId!, { externalIds: ['d-04'], reason: 'done' });
    const { client } = await guest();
    const first = await client.queue(workflowId!, 3, { subjectSetId: documentId });
    expect(externalIds(first)).toEqual(['d-15', 'd-09', 'd-12']);
    // The rest, at priority 0, in the order of their random keys.
    const { rows } = await stack.db.query(
      `SELECT s.external_id FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id
       WHERE st.workflow_id = $1 AND st.priority = 0 AND s.external_id LIKE 'd-%' ORDER BY st.random LIMIT 4`,
      [workflowId],
    );
    expect(externalIds(await client.queue(workflowId!, 4, { subjectSetId: documentId }))).toEqual(rows.map((row) => row.external_id));
    // The big set, walked along the priority index, comes by priority too.
    const big = externalIds(await client.queue(workflowId!, 3, { subjectSetId: othersId }));
    expect([big[0], big.every((id) => id?.startsWith('o-'))]).toEqual(['o-07', true]);
  });
});
