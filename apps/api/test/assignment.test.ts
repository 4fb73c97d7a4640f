import type { ChorusApiError, ChorusClient, QueuedSubject, QueueView, WorkflowInput } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { queueWorkflow, voteWorkflow } from '../../../test/support/workflows';
import { AssignmentService } from '../src/assignment/assignment.service';
import { type PickKind, pickAndAssignSql } from '../src/assignment/queue-sql';
import { SubjectAssigner } from '../src/assignment/subject-assigner';
import { signUp } from '../../../test/support/accounts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { MAX_OUTSTANDING_ASSIGNMENTS: '25' } });
});
afterAll(async () => {
  await stack.stop();
});

const singleTask = { T0: { type: 'single' as const, question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } };

const workflowOf = (count: number, extra: Partial<WorkflowInput> = {}, sets = 1) => queueWorkflow(stack, count, extra, sets);

async function guest(): Promise<ChorusClient> {
  return stack.anonymous.withToken((await stack.anonymous.guest()).token);
}

const classify = (client: ChorusClient, queue: QueueView, subjectId: string, value = 'yes') =>
  client.classify({ workflowId: queue.workflowId, workflowVersion: queue.workflowVersion, subjectId, annotations: [{ task: 'T0', value }] }, randomUUID());

/**
 * Assigns picked subjects as a queue pick does under a count rule (the cap is also the fewest classifications that
 * retire), with a lifetime of 60 s; parameters as `assign_picked_subjects`'s first five.
 */
const ASSIGN_PICKED = 'SELECT id FROM assign_picked_subjects($1::int[], $2::uuid[], $3::uuid[], $4::uuid[], $5::int[], $5::int[], 60)';

const assignedTo = async (workflowId: string, subjectId: string): Promise<string> =>
  (await stack.db.query('SELECT user_id FROM assignments WHERE workflow_id = $1 AND subject_id = $2', [workflowId, subjectId])).rows[0].user_id;

const waitForAggregation = (workflowId: string) => until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'aggregation to catch up');

/**
 * Puts `count` retired subjects (external ids f0001, f0002…) at the front of the set, before its members, in the
 * workflow, as a sequential workflow that has classified them has them.
 */
async function retiredAtTheFront(workflowId: string, projectId: string, setId: string, count: number): Promise<void> {
  await stack.db.query(
    `WITH made AS (
       INSERT INTO subjects (project_id, locations, metadata, external_id)
       SELECT $2, '[{"type":"text","text":"Front"}]', '{}', 'f' || lpad(g::text, 4, '0') FROM generate_series(1, $4::int) g RETURNING id, external_id),
     placed AS (INSERT INTO subject_set_members (subject_set_id, subject_id, position) SELECT $3, id, substr(external_id, 2)::int - $4::int - 1000 FROM made)
     INSERT INTO subject_workflow_status (workflow_id, subject_id, random, retired_at, retirement_reason) SELECT $1, id, random(), now(), 'manual' FROM made`,
    [workflowId, projectId, setId, count],
  );
  // As autovacuum would (it is off here): never analysed, every index looks empty.
  await stack.db.query('ANALYZE subject_workflow_status, subject_set_members, workflow_subject_sets');
}

/** The external id of the member at the retired front of the workflow's (first) linked set. */
const frontOf = async (workflowId: string): Promise<string | undefined> =>
  (await stack.db.query('SELECT s.external_id FROM workflow_subject_sets l JOIN subjects s ON s.id = l.front_subject_id WHERE l.workflow_id = $1 ORDER BY l.position LIMIT 1', [workflowId])).rows[0]?.external_id;

/** One take of `count` for the volunteer, as `pickAndAssignSql`'s parameters, under a count rule of `cap`. */
const oneTake = (workflowId: string, userId: string, count: number, { cap = 3, withoutGold = true } = {}) =>
  [[0], [workflowId], [userId], [cap], [count], [Math.random()], [null], [withoutGold], [cap], 60];

/**
 * What a sequential take of `count` for the volunteer reads (`EXPLAIN (ANALYZE, BUFFERS)`, rolled back): every row of
 * the hot rows and of the sets' members that any scan read, kept or not, over all its loops, and the buffers it touched.
 */
async function sequentialPickReads(workflowId: string, userId: string, count: number) {
  return pickReads('sequential', oneTake(workflowId, userId, count));
}

/** What a pick of `kind` with parameters `take` reads, as `sequentialPickReads` tells. */
async function pickReads(kind: PickKind, take: unknown[]): Promise<{ hotRows: number; members: number; buffers: number }> {
  type PlanNode = { 'Relation Name'?: string; 'Actual Rows': number; 'Actual Loops': number; 'Rows Removed by Filter'?: number; 'Shared Hit Blocks': number; 'Shared Read Blocks': number; Plans?: PlanNode[] };
  const read = (node: PlanNode, table: string): number =>
    (node['Relation Name'] === table ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops'] : 0) +
    (node.Plans ?? []).reduce((sum, child) => sum + read(child, table), 0);
  await stack.db.query('BEGIN');
  try {
    const { rows } = await stack.db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${pickAndAssignSql(kind, false)}`, take);
    const plan: PlanNode = rows[0]['QUERY PLAN'][0].Plan;
    return { hotRows: read(plan, 'subject_workflow_status'), members: read(plan, 'subject_set_members'), buffers: plan['Shared Hit Blocks'] + plan['Shared Read Blocks'] };
  } finally {
    await stack.db.query('ROLLBACK');
  }
}

describe('the queue', () => {
  it('never repeats a subject across prefetched batches, and says why it has finished', async () => {
    const { workflowId } = await workflowOf(12);
    const volunteer = await guest();
    const batches = [await volunteer.queue(workflowId, 5), await volunteer.queue(workflowId, 5), await volunteer.queue(workflowId, 5)];
    const served = batches.flatMap((batch) => batch.subjects.map((s) => s.id));
    expect(batches.map((batch) => batch.subjects.length)).toEqual([5, 5, 2]);
    expect(new Set(served).size).toBe(12);
    expect(await volunteer.queue(workflowId, 5)).toMatchObject({ subjects: [], finished: false });
    for (const id of served) await classify(volunteer, batches[0]!, id);
    expect(await volunteer.queue(workflowId, 5)).toMatchObject({ subjects: [], finished: true, reason: 'seen-everything' });
  });

  it('gives a subject one classification from retirement to exactly one of 50 volunteers asking at once', async () => {
    const { workflowId } = await workflowOf(1);
    for (let i = 0; i < 2; i++) {
      const volunteer = await guest();
      const queue = await volunteer.queue(workflowId);
      await classify(volunteer, queue, queue.subjects[0]!.id);
      await waitForAggregation(workflowId); // the worker holds the row while it aggregates, and queues skip held rows
    }
    const volunteers = await Promise.all(Array.from({ length: 50 }, guest));
    const batches = await Promise.all(volunteers.map((volunteer) => volunteer.queue(workflowId)));
    expect(batches.filter((batch) => batch.subjects.length === 1)).toHaveLength(1);
    expect(batches.filter((batch) => batch.subjects.length === 0).every((batch) => batch.finished === false && batch.retryAfterSeconds! > 0)).toBe(true);
  });

  it('hands a subject to one volunteer at a time once its rule could retire it, so no answer comes after the one that retires it', async () => {
    // Agreement judged from 2 classifications: until then the subject needs both, and 2 volunteers may hold it.
    const { workflowId } = await workflowOf(1, { retirement: { rule: 'agreement', task: 'T0', minimum: 2, threshold: 0.9, maximum: 10 } });
    const holders = async () => (await Promise.all(Array.from({ length: 10 }, async () => (await guest()).queue(workflowId)))).filter((batch) => batch.subjects.length);
    const first = await holders();
    expect(first).toHaveLength(2);
    const [a, b] = await Promise.all(Array.from({ length: 2 }, guest));
    await stack.db.query('DELETE FROM assignments WHERE workflow_id = $1', [workflowId]);
    for (const [volunteer, value] of [[a!, 'yes'], [b!, 'no']] as const) {
      const queue = await volunteer.queue(workflowId);
      await classify(volunteer, queue, queue.subjects[0]!.id, value);
      // Its next answer may retire it: the queue serves it again only once the worker has this one (on a loaded machine, later).
      await waitForAggregation(workflowId);
    }
    // Split 1–1 at the minimum: any classification may now retire it, so it goes to one volunteer at a time.
    expect(await holders()).toHaveLength(1);
    // A posterior rule can retire a subject at its first classification.
    const posterior = await workflowOf(1, { retirement: { rule: 'posterior', task: 'T0', answer: 'yes', maximum: 10 } });
    const asked = await Promise.all(Array.from({ length: 10 }, async () => (await guest()).queue(posterior.workflowId)));
    expect(asked.filter((batch) => batch.subjects.length)).toHaveLength(1);
  });

  it('serves a subject its rule could retire only once the worker has aggregated its last answer', async () => {
    const { workflowId } = await workflowOf(1, { retirement: { rule: 'posterior', task: 'T0', answer: 'yes', maximum: 10 } });
    await stack.stopWorker();
    try {
      const first = await guest();
      const queue = await first.queue(workflowId);
      await classify(first, queue, queue.subjects[0]!.id, 'no');
      // The answer may retire it (a posterior rule can at any classification): until the worker has it, nobody gets it.
      const waiting = await (await guest()).queue(workflowId);
      expect(waiting).toMatchObject({ subjects: [], finished: false });
      expect(waiting.retryAfterSeconds).toBeLessThanOrEqual(3);
      // Not for ever: a subject whose aggregation is owed for longer than half a minute (a worker down, an answer it
      // cannot read) is served again, rather than kept from everyone.
      await stack.db.query("UPDATE subject_workflow_status SET updated_at = now() - interval '31 seconds' WHERE workflow_id = $1", [workflowId]);
      const late = await guest();
      const served = await late.queue(workflowId);
      expect(served.subjects).toHaveLength(1);
      await late.releaseHolds(workflowId, [served.subjects[0]!.id]);
    } finally {
      await stack.startWorker();
    }
    await waitForAggregation(workflowId);
    // One "no" does not retire it: it is served again.
    expect((await (await guest()).queue(workflowId)).subjects).toHaveLength(1);
  });

  it('says nobody holds the last subjects when they have their answers and wait for the worker to retire them', async () => {
    const { workflowId } = await workflowOf(1, { retirement: { rule: 'count', count: 1 } });
    await stack.stopWorker();
    try {
      const first = await guest();
      const queue = await first.queue(workflowId);
      await classify(first, queue, queue.subjects[0]!.id, 'yes');
      const waiting = await (await guest()).queue(workflowId);
      expect(waiting).toMatchObject({ subjects: [], finished: false });
      expect(waiting.heldBy).toBeUndefined();
      expect(waiting.retryAfterSeconds).toBeLessThanOrEqual(3);
      // Owed its aggregation for longer than half a minute, the worker is down or failing it: ask again in a while.
      await stack.db.query("UPDATE subject_workflow_status SET updated_at = now() - interval '31 seconds' WHERE workflow_id = $1", [workflowId]);
      const stale = await (await guest()).queue(workflowId);
      expect(stale).toMatchObject({ subjects: [], finished: false, retryAfterSeconds: 30 });
      expect(stale.heldBy).toBeUndefined();
    } finally {
      await stack.startWorker();
    }
    await waitForAggregation(workflowId);
    // Every subject has the answers its rule needs: the answer says the rule retired them all.
    expect(await (await guest()).queue(workflowId)).toMatchObject({ subjects: [], finished: true, reason: 'workflow-finished', retired: { byResearchers: 0, lastBy: 'consensus' } });
  });

  it('says who holds the last subjects when it serves none: the caller (another tab of theirs) or others', async () => {
    const { workflowId } = await workflowOf(1, { retirement: { rule: 'count', count: 1 } });
    const [holder, other] = [await guest(), await guest()];
    expect((await holder.queue(workflowId)).subjects).toHaveLength(1);
    expect(await holder.queue(workflowId)).toMatchObject({ subjects: [], finished: false, retryAfterSeconds: 30, heldBy: 'you' });
    expect(await other.queue(workflowId)).toMatchObject({ subjects: [], finished: false, retryAfterSeconds: 30, heldBy: 'others' });
    // The researchers see why: the subject is held.
    expect(await stack.client.stats(workflowId)).toMatchObject({ subjects: 1, retired: 0, held: 1, classifications: 0 });
  });

  it("never gives one volunteer's concurrent requests the same subject, and holds every subject it served for them", async () => {
    for (let round = 0; round < 3; round++) {
      const { workflowId } = await workflowOf(100);
      const volunteer = await guest();
      const batches = await Promise.all(Array.from({ length: 8 }, () => volunteer.queue(workflowId, 3)));
      const served = batches.flatMap((batch) => batch.subjects.map((subject) => subject.id));
      // requests that share a batch of the database's work may pick the same subject; it goes to one of them only
      expect(served.length).toBeGreaterThan(0);
      expect(new Set(served).size).toBe(served.length);
      const { rows } = await stack.db.query('SELECT subject_id FROM assignments WHERE workflow_id = $1 AND subject_id = ANY($2)', [workflowId, served]);
      expect(rows).toHaveLength(served.length);
    }
  });

  it('answers the requests of a moment for different workflows each from its own workflow (they share one lookup)', async () => {
    const [open, finished, paused] = [await workflowOf(3), await workflowOf(3), await workflowOf(3)];
    await stack.db.query("UPDATE workflows SET status = CASE WHEN id = $1 THEN 'finished' ELSE 'paused' END WHERE id IN ($1, $2)", [finished.workflowId, paused.workflowId]);
    const users = await Promise.all(Array.from({ length: 4 }, async () => ({ id: (await stack.anonymous.guest()).user.id, kind: 'guest' as const })));
    // asked in one event-loop turn, so the four share one lookup, and the unknown workflow has no row in it
    const assignment = stack.app.get(AssignmentService);
    const [served, done, unknown, notActive] = await Promise.allSettled([
      assignment.queue(open.workflowId, users[0]!, 3),
      assignment.queue(finished.workflowId, users[1]!, 3),
      assignment.queue(randomUUID(), users[2]!, 3),
      assignment.queue(paused.workflowId, users[3]!, 3),
    ]);
    expect(served).toMatchObject({ status: 'fulfilled', value: { workflowId: open.workflowId, finished: false } });
    expect((served as PromiseFulfilledResult<QueueView>).value.subjects).toHaveLength(3);
    expect(done).toMatchObject({ status: 'fulfilled', value: { workflowId: finished.workflowId, subjects: [], finished: true, reason: 'workflow-finished' } });
    expect(unknown).toMatchObject({ status: 'rejected', reason: { body: { status: 404 } } });
    expect(notActive).toMatchObject({ status: 'rejected', reason: { body: { status: 409 } } });
  });

  it('assigns a picked subject again only if its earlier assignment to the volunteer expired (a pass may not have seen it)', async () => {
    const { workflowId } = await workflowOf(2);
    const volunteer = await guest();
    const [live, expired] = (await volunteer.queue(workflowId, 2)).subjects.map((subject) => subject.id);
    const userId = await assignedTo(workflowId, live!);
    await stack.db.query("UPDATE assignments SET expires_at = now() - interval '1 second' WHERE workflow_id = $1 AND subject_id = $2", [workflowId, expired]);
    // as if a pass whose snapshot predates both assignments had picked the two subjects again
    const { rows } = await stack.db.query(ASSIGN_PICKED, [[0, 0], [workflowId, workflowId], [userId, userId], [live, expired], [null, null]]);
    expect(rows.map((row) => row.id)).toEqual([expired]);
  });

  it('counts, when assigning what a pick locked, the assignments committed after the pick began (the pick could not see them)', async () => {
    const { workflowId } = await workflowOf(1, { retirement: { rule: 'count', count: 1 } });
    const { rows: [{ subject_id: subjectId }] } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1', [workflowId]);
    const [firstUserId, secondUserId] = [randomUUID(), randomUUID()];
    // The first volunteer's assignment commits after the statement below has taken its snapshot and before it assigns.
    const [other, assigner] = [new Client({ connectionString: stack.config.databaseUrl }), new Client({ connectionString: stack.config.databaseUrl })];
    await Promise.all([other.connect(), assigner.connect()]);
    const { rows: [{ pid: assignerPid }] } = await assigner.query('SELECT pg_backend_pid() AS pid');
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock(4242)');
      await other.query("INSERT INTO assignments (workflow_id, user_id, subject_id, expires_at) VALUES ($1, $2, $3, now() + interval '1 hour')", [workflowId, firstUserId, subjectId]);
      const assigning = assigner.query(
        `WITH waited AS MATERIALIZED (SELECT $1::uuid AS workflow_id, pg_advisory_xact_lock(4242) AS locked)
         SELECT (SELECT count(*)::int FROM assignments WHERE workflow_id = $1) AS seen_by_statement, a.id
         FROM waited w LEFT JOIN LATERAL assign_picked_subjects(ARRAY[0], ARRAY[w.workflow_id], ARRAY[$2::uuid], ARRAY[$3::uuid], ARRAY[1], ARRAY[1], 60) a ON true`,
        [workflowId, secondUserId, subjectId],
      );
      assigning.catch(() => undefined); // awaited below; ending the connection early must not go unhandled
      const waiting = async () => (await stack.db.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event = 'advisory'", [assignerPid])).rowCount! > 0;
      await until(waiting, 'the statement to wait', 10_000);
      await other.query('COMMIT');
      const { rows } = await assigning;
      expect(rows).toEqual([{ seen_by_statement: 0, id: null }]);
    } finally {
      await Promise.all([other.end(), assigner.end()]);
    }
  });

  it('survives many volunteers hammering with prefetch: no repeat, no retired subject, nothing classified after retirement', async () => {
    const { workflowId } = await workflowOf(40);
    const volunteers = await Promise.all(Array.from({ length: 12 }, guest));
    const served = new Map<ChorusClient, string[]>();
    await Promise.all(
      volunteers.map(async (volunteer) => {
        const mine: string[] = [];
        served.set(volunteer, mine);
        let current = await volunteer.queue(workflowId, 4);
        while (current.subjects.length || !current.finished) {
          if (!current.subjects.length) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            current = await volunteer.queue(workflowId, 4);
            continue;
          }
          const next = volunteer.queue(workflowId, 4); // prefetch before finishing the current batch
          for (const subject of current.subjects) {
            mine.push(subject.id);
            await classify(volunteer, current, subject.id, mine.length % 3 ? 'yes' : 'no');
          }
          current = await next;
        }
      }),
    );
    for (const ids of served.values()) expect(new Set(ids).size).toBe(ids.length);
    await waitForAggregation(workflowId);
    const { rows: [totals] } = await stack.db.query(
      `SELECT count(*)::int AS classifications, count(*) FILTER (WHERE after_retirement)::int AS late,
              (SELECT count(*)::int FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NOT NULL) AS retired
       FROM classifications WHERE workflow_id = $1`,
      [workflowId],
    );
    expect(totals).toEqual({ classifications: 120, late: 0, retired: 40 });
  });

  it("keeps a project that is not public to its members: a guest can neither get its queue nor classify in it", async () => {
    const project = await stack.client.createProject({ title: `Private ${randomUUID().slice(0, 8)}` }); // a draft project
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    await stack.client.addSubjects(set.id, [{ externalId: 'p0', locations: [{ type: 'text', text: 'Private' }] }]);
    const { id: workflowId } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'T0', tasks: singleTask, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(workflowId);
    const stranger = await guest();
    expect(await stranger.queue(workflowId).catch((error) => error.status)).toBe(404);
    const { rows: [subject] } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1', [workflowId]);
    const classified = await stranger
      .classify({ workflowId, workflowVersion: 1, subjectId: subject.subject_id, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID())
      .catch((error) => error);
    expect(classified.status).toBe(422);
    expect(classified.problem.errors).toEqual([{ pointer: '/workflowId', message: 'names no workflow you can classify in' }]);
    const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE workflow_id = $1', [workflowId]);
    expect(rows[0].n).toBe(0);
    expect((await stack.client.queue(workflowId)).subjects).toHaveLength(1); // its researcher can try it out
  });

  it('refuses a volunteer’s answer with its own problem type once the project is taken back to draft, and stores nothing', async () => {
    const { workflowId, projectId } = await workflowOf(2);
    const volunteer = await guest();
    const batch = await volunteer.queue(workflowId, 2);
    await stack.client.updateProject(projectId, { status: 'draft' });
    const refused = (await classify(volunteer, batch, batch.subjects[0]!.id).catch((error) => error)) as ChorusApiError;
    expect([refused.status, refused.problem.type]).toEqual([422, 'urn:chorus:problem:workflow-not-open']);
    expect(refused.problem.errors).toEqual([{ pointer: '/workflowId', message: 'names no workflow you can classify in' }]);
    expect(refused.problem.detail).toMatch(/^This workflow is not open to you/);
    const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE workflow_id = $1', [workflowId]);
    expect(rows[0].n).toBe(0);
  });

  it('says, with a finished queue, how many subjects the rule and the researchers retired, and who retired the last: read on that answer only', async () => {
    const { workflowId, setIds } = await workflowOf(3, { retirement: { rule: 'count', count: 1 } });
    const volunteer = await guest();
    const batch = await volunteer.queue(workflowId, 1);
    await classify(volunteer, batch, batch.subjects[0]!.id);
    await waitForAggregation(workflowId);
    await stack.client.retireSubjects(workflowId, { subjectSetId: setIds[0], reason: 'enough of these' });
    const finished = await (await guest()).queue(workflowId);
    expect(finished).toMatchObject({ subjects: [], finished: true, reason: 'workflow-finished', retired: { byConsensus: 1, byResearchers: 2, lastBy: 'researchers' } });
    // The rule retires the last one (unretired by the researchers, then answered): the last word is the consensus's.
    const { rows: [manual] } = await stack.db.query("SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 AND retirement_reason = 'manual' LIMIT 1", [workflowId]);
    await stack.client.request('POST', `/workflows/${workflowId}/unretire`, { subjectIds: [manual.subject_id], reason: 'one more look' });
    const again = await volunteer.queue(workflowId, 1);
    expect(again.subjects.map((subject) => subject.id)).toEqual([manual.subject_id]);
    await classify(volunteer, again, manual.subject_id);
    await waitForAggregation(workflowId);
    expect(await (await guest()).queue(workflowId)).toMatchObject({ finished: true, retired: { byConsensus: 2, byResearchers: 1, lastBy: 'consensus' } });
    // Finished by its researchers: nothing said of who retired what.
    await stack.client.request('POST', `/workflows/${workflowId}/finish`);
    const closed = await (await guest()).queue(workflowId);
    expect(closed).toMatchObject({ finished: true, reason: 'workflow-finished' });
    expect(closed.retired).toBeUndefined();
  });

  it('takes a retired subject out of every queue at once, and an unretired one back', async () => {
    const { workflowId, setIds } = await workflowOf(3);
    const volunteer = await guest();
    const retired = await stack.client.request<{ retired: number }>('POST', `/workflows/${workflowId}/retire`, { subjectSetId: setIds[0], reason: 'duplicates of another set' });
    expect(retired.body).toEqual({ retired: 3 });
    expect(await volunteer.queue(workflowId)).toMatchObject({ subjects: [], finished: true, reason: 'workflow-finished', retired: { byConsensus: 0, byResearchers: 3, lastBy: 'researchers' } });
    const { rows } = await stack.db.query("SELECT DISTINCT retirement_reason, retirement_detail->>'reason' AS why FROM subject_workflow_status WHERE workflow_id = $1", [workflowId]);
    expect(rows).toEqual([{ retirement_reason: 'manual', why: 'duplicates of another set' }]);
    // Retired again: counted as retired already, and the first reason kept.
    const again = await stack.client.request('POST', `/workflows/${workflowId}/retire`, { subjectSetId: setIds[0], reason: 'a second thought' });
    expect(again.body).toEqual({ retired: 0, alreadyRetired: 3 });
    const { rows: kept } = await stack.db.query("SELECT DISTINCT retirement_detail->>'reason' AS why FROM subject_workflow_status WHERE workflow_id = $1", [workflowId]);
    expect(kept).toEqual([{ why: 'duplicates of another set' }]);
    const { rows: [one] } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 LIMIT 1', [workflowId]);
    await stack.client.request('POST', `/workflows/${workflowId}/unretire`, { subjectIds: [one.subject_id], reason: 'retired by mistake' });
    expect((await volunteer.queue(workflowId)).subjects.map((s) => s.id)).toEqual([one.subject_id]);
  });

  it('keeps the hold of the subject on screen through a retirement, so an unretired subject is never served again to its holder, and ends in the renewal those of the others it names as gone', async () => {
    const { workflowId, setIds } = await workflowOf(3, { retirement: { rule: 'count', count: 1 } });
    const holder = await guest();
    const served = (await holder.queue(workflowId, 3)).subjects.map((subject) => subject.id);
    expect(served).toHaveLength(3);
    await stack.client.retireSubjects(workflowId, { subjectSetId: setIds[0], reason: 'wrong collection' });
    // The page names the one on screen: the renewal ends the holds of the two waiting behind it, which the page leaves
    // out, with nothing more asked of it (a page that dies now leaves no hold behind); it keeps the one on screen's.
    const [onScreen, ...leftOut] = served;
    const renewed = await holder.renewHolds(workflowId, served, onScreen);
    expect({ held: renewed.held, gone: [...renewed.gone].sort() }).toEqual({ held: [], gone: [...served].sort() });
    const { rows: holds } = await stack.db.query('SELECT subject_id FROM assignments WHERE workflow_id = $1', [workflowId]);
    expect(holds).toEqual([{ subject_id: onScreen }]);
    expect((await holder.releaseHolds(workflowId, leftOut)).released).toEqual([]); // none left to give back

    await stack.client.unretireSubjects(workflowId, { subjectSetId: setIds[0], reason: 'right collection after all' });
    expect(await stack.client.stats(workflowId)).toMatchObject({ retired: 0, held: 1 });
    expect((await (await guest()).queue(workflowId, 3)).subjects.map((subject) => subject.id).sort()).toEqual([...leftOut].sort());
    expect((await holder.queue(workflowId, 3)).subjects.map((subject) => subject.id)).not.toContain(onScreen);
  });

  it('retires, unretires or reprioritises a whole set locking its subjects in key order, as submits do, so it never deadlocks with them', async () => {
    const { workflowId, setIds } = await workflowOf(20);
    const { rows } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY subject_id', [workflowId]);
    const [first, ...rest] = rows.map((row) => row.subject_id as string);
    const bodies: Record<string, unknown> = {
      retire: { subjectSetId: setIds[0], reason: 'a check' },
      unretire: { subjectSetId: setIds[0], reason: 'a check' },
      // Listed last first: an update alone would lock them in the list's order.
      priorities: { priorities: [...rest].reverse().concat(first!).map((subjectId) => ({ subjectId, priority: 1 })) },
    };
    const answers: Record<string, unknown> = { retire: { retired: 20 }, unretire: { unretired: 20 }, priorities: expect.objectContaining({ updated: 20 }) };
    for (const change of Object.keys(bodies)) {
      // A submit holds the first subject by key: the change waits for it holding no other subject, so a submit
      // locking another one next (in key order, as submits and aggregation do) is not stuck behind the change.
      const submit = new Client({ connectionString: stack.config.databaseUrl });
      await submit.connect();
      try {
        await submit.query('BEGIN');
        await submit.query('SELECT 1 FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2 FOR UPDATE', [workflowId, first]);
        const changed = stack.client.request('POST', `/workflows/${workflowId}/${change}`, bodies[change]);
        await until(async () => (await stack.db.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%subject_workflow_status st%'`)).rows.length > 0, `the ${change} to wait`);
        await submit.query('SELECT 1 FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = ANY($2::uuid[]) ORDER BY subject_id FOR UPDATE NOWAIT', [workflowId, rest]);
        await submit.query('COMMIT');
        expect((await changed).body).toEqual(answers[change]);
      } finally {
        await submit.end();
      }
    }
  });

  it('stops serving the subjects of an unlinked set, keeps the classified or retired ones, and serves them again once it is linked again', async () => {
    const { workflowId, setIds } = await workflowOf(2, {}, 2);
    const definition = { name: 'W', firstTask: 'T0', tasks: singleTask, retirement: { rule: 'count' as const, count: 3 } };
    const subjectOf = async (externalId: string) =>
      (await stack.db.query('SELECT id FROM subjects WHERE external_id = $1 AND id IN (SELECT subject_id FROM subject_set_members WHERE subject_set_id = $2)', [externalId, setIds[0]])).rows[0].id as string;
    const [classified, retiredByHand] = [await subjectOf('s0-000'), await subjectOf('s0-001')];
    const volunteer = await guest();
    await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: classified, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    await waitForAggregation(workflowId);
    await stack.client.request('POST', `/workflows/${workflowId}/retire`, { subjectIds: [retiredByHand], reason: 'torn page' });
    const servedExternalIds = async () => (await (await guest()).queue(workflowId, 10)).subjects.map((s) => s.externalId).sort();

    await stack.client.updateWorkflow(workflowId, { ...definition, subjectSetIds: [setIds[1]!] });
    expect(await servedExternalIds()).toEqual(['s1-000', 's1-001']);
    const { rows: kept } = await stack.db.query(
      "SELECT subject_id, retirement_reason, retirement_detail->>'unlinked' AS unlinked FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NOT NULL ORDER BY retirement_reason",
      [workflowId],
    );
    expect(kept).toEqual([
      { subject_id: retiredByHand, retirement_reason: 'manual', unlinked: 'true' },
      { subject_id: classified, retirement_reason: 'unlinked', unlinked: 'true' },
    ]);
    expect(await stack.client.stats(workflowId)).toMatchObject({ subjects: 2, retired: 0 });
    for (const subjectId of [classified, retiredByHand]) {
      const alone = await stack.client.request('POST', `/workflows/${workflowId}/unretire`, { subjectIds: [subjectId], reason: 'want it back' }).catch((error) => error);
      expect(alone.problem.errors).toEqual([{ pointer: '/subjectIds/0', message: 'is in no subject set linked to this workflow; link one of its sets to bring it back' }]);
    }

    await stack.client.updateWorkflow(workflowId, { ...definition, subjectSetIds: setIds });
    expect(await servedExternalIds()).toEqual(['s0-000', 's1-000', 's1-001']); // the one retired by hand stays retired
    expect(await stack.client.stats(workflowId)).toMatchObject({ subjects: 4, retired: 1 });
    // Its rule may have changed while it was away: each is owed an aggregation (fresh, so the reconciler leaves it for now).
    const { rows: owed } = await stack.db.query('SELECT subject_id FROM aggregation_outbox WHERE workflow_id = $1 ORDER BY subject_id', [workflowId]);
    expect(owed.map((row) => row.subject_id)).toEqual([classified, retiredByHand].sort());
  });

  it('refuses to retire, unretire or reprioritise what is not in the workflow, naming each field, and changes nothing', async () => {
    const { workflowId } = await workflowOf(2);
    const other = await workflowOf(1);
    const { rows: [mine] } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 LIMIT 1', [workflowId]);
    const { rows: [theirs] } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1', [other.workflowId]);
    const statusOf = async () => (await stack.db.query('SELECT subject_id, retired_at, priority FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY subject_id', [workflowId])).rows;
    const before = await statusOf();
    for (const path of ['retire', 'unretire']) {
      const byId = await stack.client.request('POST', `/workflows/${workflowId}/${path}`, { subjectIds: [mine.subject_id, randomUUID(), theirs.subject_id], reason: 'tidy' }).catch((error) => error);
      expect(byId.status).toBe(422);
      expect(byId.problem.errors).toEqual([
        { pointer: '/subjectIds/1', message: 'is not a subject of this workflow' },
        { pointer: '/subjectIds/2', message: 'is not a subject of this workflow' },
      ]);
      const bySet = await stack.client.request('POST', `/workflows/${workflowId}/${path}`, { subjectSetId: other.setIds[0], reason: 'tidy' }).catch((error) => error);
      expect(bySet.status).toBe(422);
      expect(bySet.problem.errors).toEqual([{ pointer: '/subjectSetId', message: 'is not a subject set linked to this workflow; choose one of its subjectSetIds' }]);
    }
    const priorities = await stack.client.request('POST', `/workflows/${workflowId}/priorities`, { priorities: [{ subjectId: mine.subject_id, priority: -5 }, { subjectId: theirs.subject_id, priority: -5 }] }).catch((error) => error);
    expect(priorities.status).toBe(422);
    expect(priorities.problem.errors).toEqual([{ pointer: '/priorities/1/subjectId', message: 'is not a subject of this workflow' }]);
    expect(await statusOf()).toEqual(before);
  });

  it('retires, unretires and reprioritises subjects named by their externalIds, beside their ids, and names each externalId not in the workflow', async () => {
    const { workflowId } = await workflowOf(3, { selection: { order: 'priority', goldStandardRate: 0 } });
    const other = await workflowOf(1);
    const idOf = async (externalId: string) => (await stack.db.query('SELECT id FROM subjects WHERE external_id = $1 AND id IN (SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $2)', [externalId, workflowId])).rows[0].id as string;
    const [first, second, third] = [await idOf('s0-000'), await idOf('s0-001'), await idOf('s0-002')];
    const retiredIds = async () => (await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NOT NULL ORDER BY subject_id', [workflowId])).rows.map((row) => row.subject_id);
    const before = await retiredIds();

    // s0-000 of the other workflow's project is not this workflow's: refused, by its place in the list, and nothing changes.
    const outside = (await stack.client.request('POST', `/workflows/${workflowId}/retire`, { externalIds: ['s0-001', 'no-such-page'], subjectIds: [(await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1', [other.workflowId])).rows[0].subject_id], reason: 'tidy' }).catch((error) => error)) as ChorusApiError;
    expect(outside.status).toBe(422);
    expect(outside.problem.errors).toEqual([
      { pointer: '/subjectIds/0', message: 'is not a subject of this workflow' },
      { pointer: '/externalIds/1', message: 'is not a subject of this workflow' },
    ]);
    expect(await retiredIds()).toEqual(before);
    // Ids are matched as written (they are the researcher's), but one that differs only in capitals is named (round 16a F3).
    for (const path of ['retire', 'unretire']) {
      const nearMiss = (await stack.client.request('POST', `/workflows/${workflowId}/${path}`, { externalIds: ['s0-001', 'S0-002', 'S0-999'], reason: 'tidy' }).catch((error) => error)) as ChorusApiError;
      expect(nearMiss.problem.errors).toEqual([
        { pointer: '/externalIds/1', message: 'is not a subject of this workflow; did you mean "s0-002"? (external ids are matched with capitals and digits as written)' },
        { pointer: '/externalIds/2', message: 'is not a subject of this workflow' },
      ]);
    }
    const priorityNearMiss = (await stack.client.request('POST', `/workflows/${workflowId}/priorities`, { priorities: [{ externalId: 'S0-000', priority: 1 }] }).catch((error) => error)) as ChorusApiError;
    expect(priorityNearMiss.problem.errors).toEqual([{ pointer: '/priorities/0/externalId', message: 'is not a subject of this workflow; did you mean "s0-000"? (external ids are matched with capitals and digits as written)' }]);
    expect(await retiredIds()).toEqual(before);

    // Named twice (by id and by externalId), a subject is retired once.
    const retired = await stack.client.request('POST', `/workflows/${workflowId}/retire`, { subjectIds: [first], externalIds: ['s0-000', 's0-001'], reason: 'blank pages' });
    expect(retired.body).toEqual({ retired: 2 });
    expect(await retiredIds()).toEqual([first, second].sort());
    const unretired = await stack.client.request('POST', `/workflows/${workflowId}/unretire`, { externalIds: ['s0-001'], reason: 'not blank after all' });
    expect(unretired.body).toEqual({ unretired: 1 });
    expect(await retiredIds()).toEqual([first]);

    const priorities = await stack.client.request('POST', `/workflows/${workflowId}/priorities`, { priorities: [{ externalId: 's0-002', priority: -1 }, { subjectId: second, priority: 4 }] });
    expect(priorities.body).toEqual({ updated: 2 });
    const { rows } = await stack.db.query('SELECT subject_id, priority FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = ANY($2::uuid[]) ORDER BY priority', [workflowId, [second, third]]);
    expect(rows).toEqual([{ subject_id: third, priority: -1 }, { subject_id: second, priority: 4 }]);
    const twice = (await stack.client.request('POST', `/workflows/${workflowId}/priorities`, { priorities: [{ externalId: 's0-002', priority: 1 }, { subjectId: third, priority: 2 }] }).catch((error) => error)) as ChorusApiError;
    expect(twice.problem.errors).toEqual([{ pointer: '/priorities/1', message: 'names the subject of /priorities/0 again; give each subject one priority' }]);
    const neither = (await stack.client.request('POST', `/workflows/${workflowId}/priorities`, { priorities: [{ priority: 1 }] }).catch((error) => error)) as ChorusApiError;
    expect(neither.problem.errors).toEqual([{ pointer: '/priorities/0/subjectId', message: 'give the subject by subjectId or by externalId: one of the two' }]);
    // Malformed or too many: refused at the field, before anything is looked up.
    const refused = async (body: unknown) => ((await stack.client.request('POST', `/workflows/${workflowId}/retire`, body).catch((error) => error)) as ChorusApiError).problem.errors;
    expect(await refused({ externalIds: ['  '], reason: 'r' })).toEqual([{ pointer: '/externalIds/0', message: 'must not be empty' }]);
    expect(await refused({ externalIds: ['p', 'p'], reason: 'r' })).toEqual([{ pointer: '/externalIds/1', message: 'repeats externalIds/0; name each subject once' }]);
    expect(await refused({ externalIds: ['p'], subjectSetId: other.setIds[0], reason: 'r' })).toEqual([{ pointer: '/subjectIds', message: expect.stringMatching(/^give subjectIds or externalIds/) }]);
    expect(await refused({ subjectIds: Array.from({ length: 10_000 }, () => randomUUID()), externalIds: ['p'], reason: 'r' })).toEqual([
      { pointer: '/externalIds', message: 'names more than 10000 subjects between subjectIds and externalIds; send them in parts' },
    ]);
    expect(await retiredIds()).toEqual([first]);
  });

  it('refuses to unretire a subject that has every classification its retirement rule can ask for, until the rule asks for more', async () => {
    const { workflowId, setIds } = await workflowOf(1, { retirement: { rule: 'count', count: 1 } });
    const first = await guest();
    const queue = await first.queue(workflowId);
    const subjectId = queue.subjects[0]!.id;
    await classify(first, queue, subjectId);
    await waitForAggregation(workflowId);
    const refusedById = await stack.client.request('POST', `/workflows/${workflowId}/unretire`, { subjectIds: [subjectId], reason: 'one more look' }).catch((error) => error);
    expect(refusedById.status).toBe(422);
    expect(refusedById.problem.errors).toEqual([{ pointer: '/subjectIds/0', message: expect.stringContaining('1 or more classifications, as many as the workflow') }]);
    const refusedBySet = await stack.client.request('POST', `/workflows/${workflowId}/unretire`, { subjectSetId: setIds[0], reason: 'one more look' }).catch((error) => error);
    expect(refusedBySet.problem.errors).toEqual([{ pointer: '/subjectSetId', message: expect.stringMatching(/^holds 1 retired subjects, and every one already has 1 or more/) }]);
    const { rows: [status] } = await stack.db.query('SELECT retired_at FROM subject_workflow_status WHERE workflow_id = $1', [workflowId]);
    expect(status.retired_at).not.toBeNull();
    await stack.client.updateWorkflow(workflowId, { name: 'W', firstTask: 'T0', tasks: singleTask, retirement: { rule: 'count', count: 2 } });
    await waitForAggregation(workflowId);
    await until(async () => !(await stack.client.stats(workflowId)).reaggregating, 'the new version to be re-aggregated');
    const unretired = await stack.client.request('POST', `/workflows/${workflowId}/unretire`, { subjectIds: [subjectId], reason: 'one more look' });
    expect(unretired.body).toEqual({ unretired: 1, ruleReapplied: 1 });
    // Served again: at once, unless the worker holds its row for a moment (the queue then says to ask again).
    let served: string[] = [];
    await until(async () => {
      served = (await (await guest()).queue(workflowId)).subjects.map((s) => s.id);
      return served.length > 0;
    }, 'the unretired subject to be served');
    expect(served).toEqual([subjectId]);
  });

  it('unretires the subjects of a set that have room for more classifications, and says how many it left retired', async () => {
    const { workflowId, setIds } = await workflowOf(3, { retirement: { rule: 'count', count: 1 } });
    const volunteer = await guest();
    const queue = await volunteer.queue(workflowId, 1);
    await classify(volunteer, queue, queue.subjects[0]!.id); // retires it by its rule: full
    await waitForAggregation(workflowId);
    await stack.client.request('POST', `/workflows/${workflowId}/retire`, { subjectSetId: setIds[0], reason: 'by mistake' });
    const { body } = await stack.client.request('POST', `/workflows/${workflowId}/unretire`, { subjectSetId: setIds[0], reason: 'retired by mistake' });
    expect(body).toEqual({ unretired: 2, leftRetired: 1 });
    expect(await stack.client.stats(workflowId)).toMatchObject({ subjects: 3, retired: 1 });
  });

  it('never retires a gold-standard subject by hand: refused by id, left out of a set and counted, and the stats stay true', async () => {
    const project = await stack.client.createProject({ title: `Gold kept ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Mixed' });
    const { subjectIds } = await stack.client.addSubjects(set.id, [
      { externalId: 'r0', locations: [{ type: 'text', text: 'Regular' }] },
      { externalId: 'g0', goldStandard: { T0: 'yes' }, locations: [{ type: 'text', text: 'Gold' }] },
    ]);
    const { id: workflowId } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'T0', tasks: singleTask, subjectSetIds: [set.id] });
    const byId = await stack.client
      .request('POST', `/workflows/${workflowId}/retire`, { subjectIds: [subjectIds[0], subjectIds[1]], reason: 'torn' })
      .then(() => undefined, (error: ChorusApiError) => error);
    expect(byId?.status).toBe(422);
    expect(byId?.problem.errors).toEqual([{ pointer: '/subjectIds/1', message: expect.stringMatching(/^is a gold-standard subject, which is never retired/) }]);
    expect(await stack.client.stats(workflowId)).toMatchObject({ subjects: 2, retired: 0, goldStandard: 1 }); // refused whole
    const bySet = await stack.client.request('POST', `/workflows/${workflowId}/retire`, { subjectSetId: set.id, reason: 'duplicate scans' });
    expect(bySet.body).toEqual({ retired: 1, leftGoldStandard: 1 });
    expect(await stack.client.stats(workflowId)).toMatchObject({ subjects: 2, retired: 1, goldStandard: 1 });
    expect((await stack.client.getWorkflow(workflowId)).complete).toBe(true);
  });

  it('counts again, once a subject is unretired, the answers given while it was retired', async () => {
    const { workflowId } = await workflowOf(1, { retirement: { rule: 'count', count: 2 } });
    const holder = await guest();
    const queue = await holder.queue(workflowId);
    const subjectId = queue.subjects[0]!.id;
    // Retired by mistake while a volunteer holds it: their answer arrives after the retirement.
    await stack.client.request('POST', `/workflows/${workflowId}/retire`, { subjectIds: [subjectId], reason: 'by mistake' });
    await classify(holder, queue, subjectId, 'no');
    await waitForAggregation(workflowId);
    const status = async () =>
      (await stack.db.query('SELECT counted_count, retired_at, retirement_reason FROM subject_workflow_status WHERE workflow_id = $1', [workflowId])).rows[0];
    expect(await status()).toMatchObject({ counted_count: 0, retirement_reason: 'manual' });
    await stack.client.request('POST', `/workflows/${workflowId}/unretire`, { subjectIds: [subjectId], reason: 'retired by mistake' });
    expect(await status()).toMatchObject({ counted_count: 1, retired_at: null });
    const consensus = async () => (await stack.db.query('SELECT answer, votes FROM consensus WHERE workflow_id = $1', [workflowId])).rows;
    await until(async () => (await consensus())[0]?.votes === 1, 'the restored answer to reach the consensus');
    expect(await consensus()).toEqual([{ answer: 'no', votes: 1 }]);
    // One more answer meets the rule: the restored one counted toward it.
    const next = await guest();
    await classify(next, await next.queue(workflowId), subjectId, 'no');
    await waitForAggregation(workflowId);
    expect(await status()).toMatchObject({ counted_count: 2, retirement_reason: 'count' });
    expect(await consensus()).toEqual([{ answer: 'no', votes: 2 }]);
  });

  it('retires an unretired subject whose restored answers meet its rule at the last of them, counting them all', async () => {
    const { workflowId } = await workflowOf(1, { retirement: { rule: 'agreement', task: 'T0', minimum: 2, threshold: 0.6, maximum: 5 } });
    const [first, second, late] = [await guest(), await guest(), await guest()];
    const queues = [await first.queue(workflowId), await second.queue(workflowId), await late.queue(workflowId)];
    const subjectId = queues[0]!.subjects[0]!.id;
    await classify(first, queues[0]!, subjectId, 'yes');
    await waitForAggregation(workflowId);
    await classify(second, queues[1]!, subjectId, 'yes');
    await waitForAggregation(workflowId);
    // The third volunteer held it before it retired: their answer comes after, and stays out of the consensus.
    const lateAnswer = (await classify(late, queues[2]!, subjectId, 'yes')).id;
    await waitForAggregation(workflowId);
    const row = async () =>
      (await stack.db.query(
        `SELECT st.retirement_reason, st.retired_by_classification_id, c.votes, (SELECT count(*)::int FROM classifications x WHERE x.workflow_id = st.workflow_id AND x.after_retirement) AS late
         FROM subject_workflow_status st JOIN consensus c ON c.workflow_id = st.workflow_id AND c.subject_id = st.subject_id WHERE st.workflow_id = $1`,
        [workflowId],
      )).rows[0];
    expect(await row()).toMatchObject({ retirement_reason: 'agreement', votes: 2, late: 1 });
    // Unretired, its three answers count: they meet the rule only now, so it retires again at the last of them.
    await stack.client.request('POST', `/workflows/${workflowId}/unretire`, { subjectIds: [subjectId], reason: 'count them all' });
    await until(async () => (await row())?.votes === 3 && (await row())?.retirement_reason === 'agreement', 'the subject to retire again with all three answers');
    expect(await row()).toEqual({ retirement_reason: 'agreement', retired_by_classification_id: lateAnswer, votes: 3, late: 0 });
  });

  it('applies the rule again to every subject it unretires: one whose answers meet it retires again at once', async () => {
    const { workflowId, setIds } = await workflowOf(2, { retirement: { rule: 'agreement', task: 'T0', minimum: 2, threshold: 0.9, maximum: 10 } });
    for (const volunteer of [await guest(), await guest()]) {
      let classified = 0;
      // A subject the worker is aggregating is skipped for a moment: ask again until both are classified.
      await until(async () => {
        const queue = await volunteer.queue(workflowId, 2);
        for (const subject of queue.subjects) await classify(volunteer, queue, subject.id, 'yes');
        classified += queue.subjects.length;
        return classified === 2;
      }, 'the volunteer to classify both subjects');
    }
    await waitForAggregation(workflowId);
    const reasons = async () =>
      (await stack.db.query('SELECT retirement_reason FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY subject_id', [workflowId])).rows.map((row) => row.retirement_reason);
    expect(await reasons()).toEqual(['agreement', 'agreement']);
    // No answer was given while they were retired: the two that agree still meet the rule. Until the worker has
    // applied it, the queue serves neither.
    await stack.stopWorker();
    try {
      expect((await stack.client.request('POST', `/workflows/${workflowId}/unretire`, { subjectSetId: setIds[0], reason: 'another look' })).body).toEqual({ unretired: 2, ruleReapplied: 2 });
      expect(await reasons()).toEqual([null, null]);
      expect(await (await guest()).queue(workflowId)).toMatchObject({ subjects: [], finished: false });
    } finally {
      await stack.startWorker();
    }
    await until(async () => (await reasons()).every((reason) => reason === 'agreement'), 'the rule to retire them again');
    expect((await (await guest()).queue(workflowId)).subjects).toEqual([]);
  });

  it('lets one volunteer hold at most MAX_OUTSTANDING_ASSIGNMENTS subjects, so nobody can reserve a workflow', async () => {
    const { workflowId } = await workflowOf(30);
    const hoarder = await guest();
    const batches = [];
    for (let i = 0; i < 4; i++) batches.push((await hoarder.queue(workflowId, 10)).subjects.length);
    expect(batches).toEqual([10, 10, 5, 0]);
    expect((await (await guest()).queue(workflowId, 10)).subjects).toHaveLength(10);
  });

  it('lets a guest hold no more than MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST subjects, and an account up to MAX_OUTSTANDING_ASSIGNMENTS', async () => {
    const limited = await startStack({ worker: false, env: { MAX_OUTSTANDING_ASSIGNMENTS: '25', MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST: '12' } });
    try {
      const { workflowId } = await voteWorkflow(limited, 60, 10);
      const held = async (client: ChorusClient) => {
        const batches = [];
        for (let i = 0; i < 4; i++) batches.push((await client.queue(workflowId, 10)).subjects.length);
        return batches;
      };
      const aGuest = limited.anonymous.withToken((await limited.anonymous.guest()).token);
      expect(await held(aGuest)).toEqual([10, 2, 0, 0]);
      expect(await aGuest.queue(workflowId, 10)).toMatchObject({ subjects: [], heldBy: 'you' });
      const session = await signUp(limited, { email: `holder-${randomUUID()}@example.org`, displayName: 'H' });
      expect(await held(limited.anonymous.withToken(session.token))).toEqual([10, 10, 5, 0]);
    } finally {
      await limited.stop();
    }
  });

  it('lets one volunteer hold no more than MAX_OUTSTANDING_ASSIGNMENTS subjects however many requests they send at once', async () => {
    const { workflowId } = await workflowOf(300);
    const hoarder = await guest();
    const batches = await Promise.all(Array.from({ length: 10 }, () => hoarder.queue(workflowId, 10)));
    const served = batches.flatMap((batch) => batch.subjects.map((subject) => subject.id));
    expect(new Set(served).size).toBe(served.length);
    expect(served.length).toBeLessThanOrEqual(25);
    // Two of these requests in one batch may pick overlapping subjects, and the later take then gets fewer: asking
    // again tops the volunteer up to the limit, and no further.
    let held = served.length;
    for (let ask = 0; ask < 3 && held < 25; ask++) held += (await hoarder.queue(workflowId, 10)).subjects.length;
    expect(held).toBe(25);
    expect((await hoarder.queue(workflowId, 10)).subjects).toHaveLength(0);
    const { rows: [{ count }] } = await stack.db.query('SELECT count(*)::int AS count FROM assignments WHERE workflow_id = $1', [workflowId]);
    expect(count).toBe(25);
  });

  it('never caps a gold-standard subject (its classifications do not count), so every volunteer sees it', async () => {
    const project = await stack.client.createProject({ title: `Gold ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Gold' });
    await stack.client.addSubjects(set.id, [
      { externalId: 'gold', goldStandard: { T0: 'yes' }, locations: [{ type: 'text', text: 'Known answer' }] },
      ...Array.from({ length: 10 }, (_, i) => ({ externalId: `r${i}`, locations: [{ type: 'text' as const, text: `Regular ${i}` }] })),
    ]);
    const { id: workflowId } = await stack.client.createWorkflow(project.id, {
      name: 'W', firstTask: 'T0', tasks: singleTask, retirement: { rule: 'count', count: 3 }, selection: { order: 'priority', goldStandardRate: 0 }, subjectSetIds: [set.id],
    });
    const { rows: [gold] } = await stack.db.query("SELECT st.subject_id AS id FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1 AND s.external_id = 'gold'", [workflowId]);
    await stack.client.request('POST', `/workflows/${workflowId}/priorities`, { priorities: [{ subjectId: gold.id, priority: -1 }] });
    await stack.client.activateWorkflow(workflowId);
    for (let i = 0; i < 5; i++) {
      const volunteer = await guest();
      const first = await volunteer.queue(workflowId, 1);
      // Named as any subject is: nothing in what volunteers get tells gold standard apart.
      expect(first.subjects).toEqual([{ id: gold.id, externalId: 'gold', locations: [{ type: 'text', text: 'Known answer' }], metadata: {} }]);
      await classify(volunteer, first, gold.id);
      const next = await volunteer.queue(workflowId, 1);
      expect(next.subjects.map((subject) => subject.externalId)).toEqual([expect.stringMatching(/^r/)]);
      await classify(volunteer, next, next.subjects[0]!.id);
      await waitForAggregation(workflowId); // not the point here: the next volunteer's queue would skip the row the worker holds
    }
    const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE subject_id = $1', [gold.id]);
    expect(rows[0].n).toBe(5); // more than the rule's 3
  });

  it('asks a volunteer to come back in a few seconds, not thirty, when what is left for them is only locked, and waits out a short lock itself', async () => {
    const { workflowId } = await workflowOf(1);
    const volunteer = await guest();
    const holder = new Client({ connectionString: stack.config.databaseUrl });
    await holder.connect();
    const lockTheSubject = async () => {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM subject_workflow_status WHERE workflow_id = $1 FOR UPDATE', [workflowId]);
    };
    const assigner = stack.app.get(SubjectAssigner);
    const take = assigner.take.bind(assigner);
    try {
      await lockTheSubject();
      const locked = await volunteer.queue(workflowId);
      expect(locked).toMatchObject({ subjects: [], finished: false });
      expect(locked.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(locked.retryAfterSeconds).toBeLessThanOrEqual(3);
      await holder.query('COMMIT');

      // The lock ends once the queue's first pick has come back empty: only its second pick can serve the subject.
      await lockTheSubject();
      let released = false;
      const picks = jest.spyOn(assigner, 'take').mockImplementation(async (wanted) => {
        const rows = await take(wanted);
        if (wanted.kind === 'random' && !released) {
          expect(rows).toEqual([]);
          released = true;
          await holder.query('COMMIT');
        }
        return rows;
      });
      expect((await volunteer.queue(workflowId)).subjects).toHaveLength(1);
      expect(released).toBe(true);
      picks.mockRestore();
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  it('returns an abandoned subject to the pool when its assignment expires', async () => {
    const { workflowId } = await workflowOf(1);
    const holders = [await guest(), await guest(), await guest()];
    for (const holder of holders) expect((await holder.queue(workflowId)).subjects).toHaveLength(1);
    const latecomer = await guest();
    expect((await latecomer.queue(workflowId)).subjects).toHaveLength(0);
    await stack.db.query("UPDATE assignments SET expires_at = now() - interval '1 second' WHERE workflow_id = $1", [workflowId]);
    expect((await latecomer.queue(workflowId)).subjects).toHaveLength(1);
  });

  it('holds what it serves for as long as the caller asks, never longer than the lifetime, renews holds when asked, and refuses a hold out of bounds', async () => {
    const { workflowId } = await workflowOf(8);
    const volunteer = await guest();
    const secondsLeft = async () =>
      (await stack.db.query('SELECT round(extract(epoch FROM expires_at - now()))::int AS s FROM assignments WHERE workflow_id = $1 ORDER BY expires_at', [workflowId])).rows.map((row) => row.s);
    const ttl = stack.config.assignmentTtlSeconds;
    const about = (seconds: number) => expect.closeTo(seconds, -1);
    expect((await volunteer.queue(workflowId, 2, { hold: 120 })).subjects).toHaveLength(2);
    expect((await volunteer.queue(workflowId, 2)).subjects).toHaveLength(2);
    expect((await volunteer.queue(workflowId, 2, { hold: 86_400 })).subjects).toHaveLength(2);
    expect(await secondsLeft()).toEqual([about(120), about(120), about(ttl), about(ttl), about(ttl), about(ttl)]);
    const refused = await volunteer.queue(workflowId, 2, { hold: 59 }).then(() => undefined, (error: ChorusApiError) => error);
    expect(refused?.status).toBe(422);
    expect(refused?.problem.errors).toEqual([{ pointer: '/query/hold', message: 'must be at least 60 seconds' }]);
    expect(await secondsLeft()).toHaveLength(6);
    // A volunteer at work renews what their page shows: the two held briefly are held for the lifetime again; a subject
    // they do not hold is not made theirs.
    const { rows: brief } = await stack.db.query('SELECT subject_id FROM assignments WHERE workflow_id = $1 ORDER BY expires_at LIMIT 2', [workflowId]);
    const notHeld = (await stack.db.query('SELECT s.subject_id FROM subject_workflow_status s WHERE s.workflow_id = $1 AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.subject_id = s.subject_id) LIMIT 1', [workflowId])).rows[0].subject_id;
    expect((await volunteer.queue(workflowId, 1, { renew: [...brief.map((row) => row.subject_id), notHeld] })).subjects).toHaveLength(1);
    expect(await secondsLeft()).toEqual(Array.from({ length: 7 }, () => about(ttl)));
    const badIds = await volunteer.request('GET', `/workflows/${workflowId}/queue?renew=yes`).then(() => undefined, (error: ChorusApiError) => error);
    expect(badIds?.problem.errors?.[0]?.pointer).toMatch(/^\/query\/renew/);
    const emptyHold = await volunteer.request('GET', `/workflows/${workflowId}/queue?hold=`).then(() => undefined, (error: ChorusApiError) => error);
    expect(emptyHold?.problem.errors).toEqual([{ pointer: '/query/hold', message: 'must be a whole number of seconds, from 60 to 86400 (or leave hold out)' }]);
    const allBad = await volunteer.request('GET', `/workflows/${workflowId}/queue?limit=x&hold=5&renew=bad`).then(() => undefined, (error: ChorusApiError) => error);
    expect(allBad?.problem.errors?.map((error) => error.pointer.split('/').slice(0, 3).join('/'))).toEqual(['/query/limit', '/query/hold', '/query/renew']);
    // A parameter the queue does not know (a typo) is refused, and reserves nothing.
    const typo = await volunteer.request('GET', `/workflows/${workflowId}/queue?limt=5`).then(() => undefined, (error: ChorusApiError) => error);
    expect(typo?.status).toBe(422);
    expect(typo?.problem.errors?.map((error) => error.pointer)).toEqual(['/query/limt']);
    expect(await secondsLeft()).toHaveLength(7);
  });

  it("renews, on a page's word, the holds the caller still has among the subjects it names, and no one else's", async () => {
    // Retired at one classification, so each subject is held by one volunteer at a time.
    const { workflowId, projectId } = await workflowOf(6, { retirement: { rule: 'count', count: 1 } });
    const [volunteer, other] = [await guest(), await guest()];
    const mine = (await volunteer.queue(workflowId, 3, { hold: 120 })).subjects.map((subject) => subject.id);
    const theirs = (await other.queue(workflowId, 1, { hold: 120 })).subjects.map((subject) => subject.id);
    const lapsing = mine[2]!;
    await stack.db.query("UPDATE assignments SET expires_at = now() + interval '5 seconds' WHERE subject_id = $1", [lapsing]);
    const minutesLeft = async (subjectId: string) =>
      (await stack.db.query('SELECT round(extract(epoch FROM expires_at - now()) / 60)::int AS m FROM assignments WHERE workflow_id = $1 AND subject_id = $2', [workflowId, subjectId])).rows[0]?.m;

    const renewed = await volunteer.renewHolds(workflowId, [...mine, ...theirs]);
    expect(renewed.held.sort()).toEqual(mine.slice(0, 2).sort());
    expect(Date.parse(renewed.expiresAt!) - Date.now()).toBeGreaterThan((stack.config.assignmentTtlSeconds - 60) * 1000);
    expect([await minutesLeft(mine[0]!), await minutesLeft(mine[1]!)]).toEqual([stack.config.assignmentTtlSeconds / 60, stack.config.assignmentTtlSeconds / 60]);
    expect(await minutesLeft(theirs[0]!)).toBe(2); // another volunteer's hold is theirs to renew
    expect(await minutesLeft(lapsing)).toBe(0); // about to lapse: left to lapse, since the queue may have given it away
    expect(await other.renewHolds(workflowId, mine)).toEqual({ held: [], expiresAt: null, gone: [], corrected: [] });
    expect(renewed.gone).toEqual([]);

    // Researchers retire one of the volunteer's subjects: it is named as gone to them, and to anyone who asks.
    await stack.client.request('POST', `/workflows/${workflowId}/retire`, { subjectIds: [mine[1]], reason: 'A duplicate' });
    await stack.db.query("UPDATE assignments SET expires_at = now() + interval '2 minutes' WHERE subject_id = $1", [mine[1]]);
    // Its hold is not renewed with the others'; on screen, it stays as it was (its answer is still taken).
    expect(await volunteer.renewHolds(workflowId, mine, mine[1])).toMatchObject({ held: [mine[0]], gone: [mine[1]] });
    expect(await minutesLeft(mine[1]!)).toBe(2);
    expect(await other.renewHolds(workflowId, mine)).toMatchObject({ gone: [mine[1]] });
    expect(await minutesLeft(mine[1]!)).toBe(2); // another volunteer's renewal ends no hold of theirs
    // Not on screen: the page leaves it out, and the renewal ends its hold.
    expect(await volunteer.renewHolds(workflowId, mine, mine[0])).toMatchObject({ held: [mine[0]], gone: [mine[1]] });
    expect(await minutesLeft(mine[1]!)).toBeUndefined();
    // A page left open past its holds (the reconciler has ended them) still learns what was retired meanwhile.
    await stack.db.query('DELETE FROM assignments WHERE workflow_id = $1 AND subject_id = ANY($2::uuid[])', [workflowId, mine]);
    expect(await volunteer.renewHolds(workflowId, mine)).toEqual({ held: [], expiresAt: null, gone: [mine[1]], corrected: [] });
    // Nobody learns anything of a workflow they may not read.
    const draft = await stack.client.createWorkflow(projectId, { name: 'Draft', firstTask: 'T0', tasks: singleTask, retirement: { rule: 'count', count: 1 } });
    expect((await volunteer.renewHolds(draft.id, mine).then(() => undefined, (error: ChorusApiError) => error))?.status).toBe(404);

    const refused = await volunteer.request('POST', `/workflows/${workflowId}/queue/holds`, { subjectIds: [] }).then(() => undefined, (error: ChorusApiError) => error);
    expect(refused?.status).toBe(422);
    expect(refused?.problem.errors).toEqual([{ pointer: '/subjectIds', message: 'must name at least one subject' }]);
    const tooMany = Array.from({ length: 101 }, () => mine[0]!);
    const overLimit = await volunteer.request('POST', `/workflows/${workflowId}/queue/holds`, { subjectIds: tooMany }).then(() => undefined, (error: ChorusApiError) => error);
    expect(overLimit?.problem.errors).toEqual([{ pointer: '/subjectIds', message: 'must name at most 100 subjects' }]);
    const notNamed = await volunteer.request('POST', `/workflows/${workflowId}/queue/holds`, { subjectIds: [mine[0]], onScreen: theirs[0] }).then(() => undefined, (error: ChorusApiError) => error);
    expect(notNamed?.status).toBe(422);
    expect(notNamed?.problem.errors).toEqual([{ pointer: '/onScreen', message: 'must be one of subjectIds (the subject on screen is among those the page shows), or leave onScreen out' }]);
    expect(await minutesLeft(theirs[0]!)).toBe(2);
  });

  it('names as gone, to a page that still shows them, subjects its volunteer has classified elsewhere meanwhile', async () => {
    // Round 12, F8: a sign-in carried a guest's answer of a subject the account's other page still showed.
    const { workflowId } = await workflowOf(4, { retirement: { rule: 'count', count: 5 } });
    const volunteer = await guest();
    const queue = await volunteer.queue(workflowId, 3);
    const shown = queue.subjects.map((subject) => subject.id);
    await classify(volunteer, queue, shown[0]!); // on the volunteer's other device
    const renewed = await volunteer.renewHolds(workflowId, shown);
    expect(renewed.gone).toEqual([shown[0]]);
    expect(renewed.held.sort()).toEqual(shown.slice(1).sort());
    // Nobody else is told: the subject is still asked of them.
    expect((await (await guest()).renewHolds(workflowId, shown)).gone).toEqual([]);
  });

  it('gives back, when asked, subjects the caller will not classify: others have them at once, and the caller later', async () => {
    const { workflowId } = await workflowOf(2, { retirement: { rule: 'count', count: 1 } });
    const [tester, volunteer] = [await guest(), await guest()];
    const held = (await tester.queue(workflowId, 2)).subjects.map((subject) => subject.id);
    expect(held).toHaveLength(2);
    expect(await volunteer.queue(workflowId, 2)).toMatchObject({ subjects: [], finished: false, heldBy: 'others' });
    expect(await volunteer.releaseHolds(workflowId, held)).toEqual({ released: [] }); // not theirs to give back
    expect((await tester.releaseHolds(workflowId, [held[0]!])).released).toEqual([held[0]]);
    expect((await volunteer.queue(workflowId, 2)).subjects.map((subject) => subject.id)).toEqual([held[0]]);
    expect((await tester.releaseHolds(workflowId, [held[1]!])).released).toEqual([held[1]]);
    expect((await tester.queue(workflowId, 2)).subjects.map((subject) => subject.id)).toEqual([held[1]]); // served again, not seen
    const refused = await tester.request('POST', `/workflows/${workflowId}/queue/release`, { subjectIds: ['nope'] }).then(() => undefined, (error: ChorusApiError) => error);
    expect(refused?.problem.errors).toEqual([{ pointer: '/subjectIds/0', message: 'must be subject ids' }]);
  });

  it("gives back, with { all: true }, every hold of the caller's in the workflow (a page that died), only theirs, and says when the first lapses", async () => {
    const { workflowId } = await workflowOf(5, { retirement: { rule: 'count', count: 1 } });
    const { workflowId: elsewhere } = await workflowOf(1, { retirement: { rule: 'count', count: 1 } });
    const [volunteer, other] = [await guest(), await guest()];
    const before = Date.now();
    const dead = (await volunteer.queue(workflowId, 3)).subjects.map((subject) => subject.id); // the page that died
    const othersOne = (await other.queue(workflowId, 2)).subjects.map((subject) => subject.id);
    const [keptElsewhere] = (await volunteer.queue(elsewhere, 1)).subjects.map((subject) => subject.id);
    const locked = await volunteer.queue(workflowId, 4);
    expect(locked).toMatchObject({ subjects: [], finished: false, retryAfterSeconds: 30, heldBy: 'you' });
    const [earliest] = (await stack.db.query<{ at: Date }>('SELECT min(expires_at) AS at FROM assignments WHERE workflow_id = $1 AND subject_id = ANY($2::uuid[])', [workflowId, dead])).rows;
    expect(locked.heldUntil).toBe(earliest!.at.toISOString());
    expect(Date.parse(locked.heldUntil!)).toBeGreaterThan(before);

    const released = await volunteer.request<{ released: string[] }>('POST', `/workflows/${workflowId}/queue/release`, { all: true });
    expect(released.body.released.sort()).toEqual([...dead].sort());
    expect(await volunteer.request('POST', `/workflows/${workflowId}/queue/release`, { all: true }).then((answer) => answer.body)).toEqual({ released: [] });
    // The other volunteer's holds, and the caller's in another workflow, are kept.
    expect((await other.renewHolds(workflowId, othersOne)).held.sort()).toEqual([...othersOne].sort());
    expect((await volunteer.renewHolds(elsewhere, [keptElsewhere!])).held).toEqual([keptElsewhere]);
    expect((await volunteer.queue(workflowId, 4)).subjects.map((subject) => subject.id).sort()).toEqual([...dead].sort());

    for (const body of [{ all: true, subjectIds: dead }, {}, { all: false }]) {
      const refused = await volunteer.request('POST', `/workflows/${workflowId}/queue/release`, body).then(() => undefined, (error: ChorusApiError) => error);
      expect(refused?.status).toBe(422);
      expect(refused?.problem.errors?.[0]?.pointer).toMatch(/^\/(subjectIds|all)$/);
    }
    expect((await volunteer.renewHolds(workflowId, dead)).held).toHaveLength(3); // nothing changed by those refused
  });

  it('serves first, with resume=true, what the caller still holds (a page of theirs that died), in serving order and held again, then the next ones; never another’s, nor one they classified or that retired', async () => {
    const { workflowId } = await workflowOf(10, { selection: { order: 'sequential', goldStandardRate: 0 }, retirement: { rule: 'count', count: 1 } });
    const [volunteer, other] = [await guest(), await guest()];
    const names = (view: QueueView) => view.subjects.map((subject) => subject.externalId);
    const expiry = async (externalId: string) =>
      (await stack.db.query<{ at: Date }>('SELECT a.expires_at AS at FROM assignments a JOIN subjects s ON s.id = a.subject_id WHERE a.workflow_id = $1 AND s.external_id = $2', [workflowId, externalId])).rows[0]!.at.getTime();
    // The page that died: its first four, held ten minutes, then six more; of those one it answered (on another page,
    // say), and one researchers retired. Another volunteer holds the next two.
    const died = await volunteer.queue(workflowId, 4, { hold: 600 });
    expect(names(died)).toEqual(['s0-000', 's0-001', 's0-002', 's0-003']);
    expect(names(await volunteer.queue(workflowId, 2))).toEqual(['s0-004', 's0-005']);
    await classify(volunteer, died, died.subjects[1]!.id);
    await stack.client.retireSubjects(workflowId, { externalIds: ['s0-002'], reason: 'a blank page' });
    expect(names(await other.queue(workflowId, 2))).toEqual(['s0-006', 's0-007']);
    const [first, fifth] = [await expiry('s0-000'), await expiry('s0-004')];

    const resumed = await volunteer.queue(workflowId, 4, { hold: 600, resume: true });
    expect(names(resumed)).toEqual(['s0-000', 's0-003', 's0-004', 's0-005']);
    expect(await expiry('s0-000')).toBeGreaterThan(first); // held again
    expect(await expiry('s0-004')).toBeGreaterThanOrEqual(fifth); // never for less than it was
    // Fewer held than asked for: the next one in order fills the batch. Without resume, what they hold is not served again.
    expect(names(await volunteer.queue(workflowId, 5, { resume: true }))).toEqual(['s0-000', 's0-003', 's0-004', 's0-005', 's0-008']);
    expect(names(await volunteer.queue(workflowId, 2))).toEqual(['s0-009']);
    // The other volunteer's resume serves only theirs.
    expect(names(await other.queue(workflowId, 4, { resume: true }))).toEqual(['s0-006', 's0-007']);
    const refused = await volunteer.request('GET', `/workflows/${workflowId}/queue?resume=yes`).then(() => undefined, (error: ChorusApiError) => error);
    expect(refused?.status).toBe(422);
    expect(refused?.problem.errors).toEqual([{ pointer: '/query/resume', message: 'must be true (serve first the subjects you already hold here) or false' }]);
  });

  it('spreads evenly the random keys of the subjects that join a workflow together, when their set is linked or when they are uploaded', async () => {
    const { workflowId, setIds } = await workflowOf(8);
    await stack.client.addSubjects(setIds[0]!, Array.from({ length: 4 }, (_, i) => ({ externalId: `late-${i}`, locations: [{ type: 'text' as const, text: `Late ${i}` }] })));
    /** The gaps between the sorted keys of the workflow's subjects whose external id matches, the last wrapping around to the first. */
    const gaps = async (externalIds: string) => {
      const { rows } = await stack.db.query(
        'SELECT st.random FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1 AND s.external_id LIKE $2 ORDER BY st.random',
        [workflowId, externalIds],
      );
      const keys = rows.map((row) => row.random as number);
      return keys.map((key, i) => (i + 1 < keys.length ? keys[i + 1]! - key : 1 - key + keys[0]!));
    };
    for (const gap of await gaps('s0-%')) expect(gap).toBeCloseTo(1 / 8, 9);
    for (const gap of await gaps('late-%')) expect(gap).toBeCloseTo(1 / 4, 9);
  });

  it('draws each subject of a random batch on its own, every subject as likely to come first', async () => {
    const { workflowId } = await workflowOf(8);
    const volunteer = await guest();
    const firsts = new Map<string, number>();
    const pairs = new Set<string>();
    for (let draw = 0; draw < 240; draw++) {
      const served = (await volunteer.queue(workflowId, 2)).subjects.map((subject) => subject.id);
      expect(served).toHaveLength(2);
      firsts.set(served[0]!, (firsts.get(served[0]!) ?? 0) + 1);
      pairs.add(served.join());
      await volunteer.releaseHolds(workflowId, served);
    }
    // Each of the 8 comes first in about 30 of 240 draws (standard deviation 5). A batch read off the keys in their
    // fixed order would be a subject and its neighbour: 8 of the 56 ordered pairs at most, for every volunteer.
    expect(firsts.size).toBe(8);
    expect(Math.min(...firsts.values())).toBeGreaterThanOrEqual(8);
    expect(Math.max(...firsts.values())).toBeLessThanOrEqual(60);
    expect(pairs.size).toBeGreaterThan(24);
  });

  it('reads the random keys at most twice over for a volunteer with nothing left, however many subjects they ask for', async () => {
    const subjects = 40;
    const { workflowId } = await workflowOf(subjects);
    const { user } = await stack.anonymous.guest();
    await stack.db.query(
      `INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key)
       SELECT workflow_id, 1, subject_id, $2, '[{"task":"T0","value":"yes"}]', gen_random_uuid()::text FROM subject_workflow_status WHERE workflow_id = $1`,
      [workflowId, user.id],
    );
    const take = [[0], [workflowId], [user.id], [3], [10], [Math.random()], [null], [true], [3], 60];
    await stack.db.query('BEGIN');
    try {
      const { rows } = await stack.db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${pickAndAssignSql('random', false)}`, take);
      // Every row of the hot rows' index that a scan read, kept or not, over all its loops.
      type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Actual Rows': number; 'Actual Loops': number; 'Rows Removed by Filter'?: number; Plans?: PlanNode[] };
      const read = (node: PlanNode): number =>
        (node['Relation Name'] === 'subject_workflow_status' && node['Node Type'] === 'Index Scan' ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops'] : 0) +
        (node.Plans ?? []).reduce((sum, child) => sum + read(child), 0);
      const rowsRead = read(rows[0]['QUERY PLAN'][0].Plan);
      // The stretches of the ten points once between them, the fill once more; ten points each reading on to the end would be eleven times over.
      expect(rowsRead).toBeGreaterThanOrEqual(subjects);
      expect(rowsRead).toBeLessThanOrEqual(2 * subjects);
    } finally {
      await stack.db.query('ROLLBACK');
    }
  });

  it('serves by ascending priority, and a priority edit takes effect at once', async () => {
    const { workflowId } = await workflowOf(5, { selection: { order: 'priority', goldStandardRate: 0 } });
    const { rows } = await stack.db.query('SELECT st.subject_id, s.external_id FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE workflow_id = $1 ORDER BY s.external_id', [workflowId]);
    const priorities = rows.map((row, index) => ({ subjectId: row.subject_id, priority: 10 - index }));
    expect((await stack.client.request('POST', `/workflows/${workflowId}/priorities`, { priorities })).body).toEqual({ updated: 5 });
    expect((await (await guest()).queue(workflowId, 2)).subjects.map((s) => s.externalId)).toEqual(['s0-004', 's0-003']);
    await stack.client.request('POST', `/workflows/${workflowId}/priorities`, { priorities: [{ subjectId: rows[0].subject_id, priority: -1 }] });
    expect((await (await guest()).queue(workflowId, 1)).subjects.map((s) => s.externalId)).toEqual(['s0-000']);
    // A whole batch, in ascending priority: neither the order of the subjects' ids nor of their upload.
    const mixed = [3, -2, 7, 0, 5].map((priority, index) => ({ subjectId: rows[index].subject_id, priority }));
    await stack.client.request('POST', `/workflows/${workflowId}/priorities`, { priorities: mixed });
    expect((await (await guest()).queue(workflowId, 5)).subjects.map((s) => s.externalId)).toEqual(['s0-001', 's0-003', 's0-000', 's0-004', 's0-002']);
  });

  it('keeps priorities set in a workflow of another order, warning that they wait for priority order', async () => {
    const { workflowId } = await workflowOf(2);
    const { rows } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1', [workflowId]);
    const { body } = await stack.client.request('POST', `/workflows/${workflowId}/priorities`, { priorities: [{ subjectId: rows[0].subject_id, priority: 1 }] });
    expect(body).toEqual({ updated: 1, warnings: [{ pointer: '/priorities', message: expect.stringContaining('serves its subjects in random order; they take effect once its selection order is "priority"') }] });
    expect((await stack.db.query('SELECT priority FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflowId, rows[0].subject_id])).rows[0].priority).toBe(1);
  });

  it('serves sequentially in set order', async () => {
    const { workflowId } = await workflowOf(3, { selection: { order: 'sequential', goldStandardRate: 0 } });
    const volunteer = await guest();
    const first = await volunteer.queue(workflowId, 2);
    const second = await volunteer.queue(workflowId, 2);
    expect([...first.subjects, ...second.subjects].map((s) => s.externalId)).toEqual(['s0-000', 's0-001', 's0-002']);
  });

  it('serves sequentially one set after another, in the order subjectSetIds names them', async () => {
    const { workflowId, setIds } = await workflowOf(2, { selection: { order: 'sequential', goldStandardRate: 0 } }, 3);
    const served = async () => (await (await guest()).queue(workflowId, 6)).subjects.map((s) => s.externalId);
    expect(await served()).toEqual(['s0-000', 's0-001', 's1-000', 's1-001', 's2-000', 's2-001']);
    // Reordered by a new version: the last made comes first, and the workflow says so.
    const [first, second, third] = setIds as [string, string, string];
    await stack.client.updateWorkflow(workflowId, { ...(await stack.client.getWorkflow(workflowId)).definition, subjectSetIds: [third, first, second] });
    expect((await stack.client.getWorkflow(workflowId)).subjectSetIds).toEqual([third, first, second]);
    expect(await served()).toEqual(['s2-000', 's2-001', 's0-000', 's0-001', 's1-000', 's1-001']);
  });

  it('serves sequentially the next pages to a volunteer who has seen the first, and a subject in two sets with the first of them', async () => {
    const { workflowId, setIds } = await workflowOf(4, { selection: { order: 'sequential', goldStandardRate: 0 } }, 2);
    const [first, second] = setIds as [string, string];
    // s1-003 also heads the first set, and s0-000 the second: each comes once, where the first of its sets puts it.
    await stack.db.query(
      `INSERT INTO subject_set_members (subject_set_id, subject_id, position)
       SELECT $1::uuid, id, -1 FROM subjects WHERE external_id = 's1-003' AND project_id = (SELECT project_id FROM subject_sets WHERE id = $1)
       UNION ALL SELECT $2::uuid, id, -1 FROM subjects WHERE external_id = 's0-000' AND project_id = (SELECT project_id FROM subject_sets WHERE id = $2)`,
      [first, second],
    );
    const all = (await (await guest()).queue(workflowId, 10)).subjects.map((s) => s.externalId);
    expect(all).toEqual(['s1-003', 's0-000', 's0-001', 's0-002', 's0-003', 's1-000', 's1-001', 's1-002']);
    const volunteer = await guest();
    for (const page of [['s1-003', 's0-000', 's0-001'], ['s0-002', 's0-003', 's1-000']]) {
      const queue = await volunteer.queue(workflowId, 3);
      expect(queue.subjects.map((s) => s.externalId)).toEqual(page);
      for (const subject of queue.subjects) await classify(volunteer, queue, subject.id);
    }
    expect((await volunteer.queue(workflowId, 3)).subjects.map((s) => s.externalId)).toEqual(['s1-001', 's1-002']);
  });

  it('walks the sets sequentially from the front and stops at the subjects it needs, reading a few rows of thousands', async () => {
    const { workflowId } = await workflowOf(1000, { selection: { order: 'sequential', goldStandardRate: 0 } }, 3);
    const { user, token } = await stack.anonymous.guest();
    // The volunteer has seen the first 25 of the first set.
    await stack.db.query(
      `INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key)
       SELECT $1, 1, s.id, $2, '[{"task":"T0","value":"yes"}]', gen_random_uuid()::text
       FROM subjects s JOIN subject_workflow_status st ON st.subject_id = s.id AND st.workflow_id = $1 WHERE s.external_id < 's0-025'`,
      [workflowId, user.id],
    );
    // As autovacuum would (it is off here): never analysed, every index looks empty, and probing the hot rows by the
    // workflow alone looks as cheap as by the workflow and the subject.
    await stack.db.query('ANALYZE subject_workflow_status, subject_set_members');
    const read = await sequentialPickReads(workflowId, user.id, 10);
    // The 25 seen and the 10 served, not the 3,000 subjects sorted.
    expect(read.hotRows).toBeLessThanOrEqual(60);
    expect(read.members).toBeLessThanOrEqual(120);
    const served = await stack.anonymous.withToken(token).queue(workflowId, 10);
    expect(served.subjects.map((s) => s.externalId)).toEqual(Array.from({ length: 10 }, (_, i) => `s0-0${25 + i}`));
  });

  it('walks each set from its retired front: 5,000 subjects retired at the front are not read, and one unretired comes back in its place at once', async () => {
    const { workflowId, setIds, projectId } = await workflowOf(3, { selection: { order: 'sequential', goldStandardRate: 0 } }, 2);
    await retiredAtTheFront(workflowId, projectId, setIds[0]!, 5000);
    const { user } = await stack.anonymous.guest();
    const before = await sequentialPickReads(workflowId, user.id, 4);
    expect(before.members).toBeGreaterThan(5000);
    // As the worker does after each aggregation.
    expect((await stack.db.query('SELECT advance_sequence_fronts($1) AS moved', [workflowId])).rows[0].moved).toBe(2);
    const after = await sequentialPickReads(workflowId, user.id, 4);
    // The 3 of the first set and the first of the second (12 members with the look for each in an earlier set; 5,012 before).
    expect(after.members).toBeLessThanOrEqual(20);
    expect(after.hotRows).toBeLessThanOrEqual(20);
    expect(after.buffers).toBeLessThan(before.buffers / 10);
    expect((await (await guest()).queue(workflowId, 4)).subjects.map((s) => s.externalId)).toEqual(['s0-000', 's0-001', 's0-002', 's1-000']);
    // Unretired by a researcher, a subject far behind the front comes back at once, in its place.
    const { rows: [{ id: unretired }] } = await stack.db.query("SELECT id FROM subjects WHERE project_id = $1 AND external_id = 'f2500'", [projectId]);
    await stack.client.request('POST', `/workflows/${workflowId}/unretire`, { subjectIds: [unretired], reason: 'retired by mistake' });
    expect((await (await guest()).queue(workflowId, 2)).subjects.map((s) => s.externalId)).toEqual(['f2500', 's0-000']);
  });

  it('moves the front past the subjects its rule retires (the worker), and back at once before a member placed before it', async () => {
    const { workflowId, setIds, projectId } = await workflowOf(3, { retirement: { rule: 'count', count: 1 }, selection: { order: 'sequential', goldStandardRate: 0 } });
    const volunteer = await guest();
    const queue = await volunteer.queue(workflowId, 1);
    await classify(volunteer, queue, queue.subjects[0]!.id);
    await until(async () => (await frontOf(workflowId)) === 's0-001', 'the worker to move the front past s0-000');
    // Placed before the front (as an upload's manifest may place one), a new subject comes first.
    await stack.db.query(
      `WITH made AS (INSERT INTO subjects (project_id, locations, metadata, external_id) VALUES ($2, '[{"type":"text","text":"Late"}]', '{}', 'late') RETURNING id),
       placed AS (INSERT INTO subject_set_members (subject_set_id, subject_id, position) SELECT $3, id, 0 FROM made)
       INSERT INTO subject_workflow_status (workflow_id, subject_id, random) SELECT $1, id, random() FROM made`,
      [workflowId, projectId, setIds[0]],
    );
    expect(await frontOf(workflowId)).toBe('late');
    expect((await (await guest()).queue(workflowId, 2)).subjects.map((s) => s.externalId)).toEqual(['late', 's0-001']);
  });

  it('never loses a front subject unretired while the front advances, whichever of the two commits first', async () => {
    const { workflowId, setIds, projectId } = await workflowOf(2, { selection: { order: 'sequential', goldStandardRate: 0 } });
    await retiredAtTheFront(workflowId, projectId, setIds[0]!, 20);
    const idOf = async (externalId: string) => (await stack.db.query('SELECT id FROM subjects WHERE project_id = $1 AND external_id = $2', [projectId, externalId])).rows[0].id;
    const unretire = (client: Client, subjectId: string) =>
      client.query('UPDATE subject_workflow_status SET retired_at = NULL, retirement_reason = NULL WHERE workflow_id = $1 AND subject_id = $2', [workflowId, subjectId]);
    const advance = (client: Client) => client.query('SELECT advance_sequence_fronts($1)', [workflowId]);
    const [unretiring, advancing] = [new Client({ connectionString: stack.config.databaseUrl }), new Client({ connectionString: stack.config.databaseUrl })];
    await Promise.all([unretiring.connect(), advancing.connect()]);
    try {
      // Unretired first, uncommitted: the advance stops at it (it cannot lock its row), not past it.
      await unretiring.query('BEGIN');
      await unretire(unretiring, await idOf('f0005'));
      await advance(advancing);
      await unretiring.query('COMMIT');
      expect(await frontOf(workflowId)).toBe('f0005');
      await stack.db.query('UPDATE subject_workflow_status SET retired_at = now(), retirement_reason = $3 WHERE workflow_id = $1 AND subject_id = $2', [workflowId, await idOf('f0005'), 'manual']);
      // The advance first, uncommitted, past f0012: the unretirement waits for it, then lowers the front.
      await advancing.query('BEGIN');
      await advance(advancing);
      const late = unretire(unretiring, await idOf('f0012'));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await advancing.query('COMMIT');
      await late;
      expect(await frontOf(workflowId)).toBe('f0012');
      await advance(advancing);
    } finally {
      await Promise.all([unretiring.end(), advancing.end()]);
    }
    expect(await frontOf(workflowId)).toBe('f0012');
    expect((await (await guest()).queue(workflowId, 2)).subjects.map((s) => s.externalId)).toEqual(['f0012', 's0-000']);
  });

  it('serves sequentially past the subjects other statements hold locked, in set order across the sets', async () => {
    const { workflowId } = await workflowOf(3, { selection: { order: 'sequential', goldStandardRate: 0 } }, 2);
    const { user } = await stack.anonymous.guest();
    const { rows: [{ subject_id: secondSetFirst }] } = await stack.db.query(
      "SELECT st.subject_id FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1 AND s.external_id = 's1-000'",
      [workflowId],
    );
    const other = new Client({ connectionString: stack.config.databaseUrl });
    await other.connect();
    try {
      // Another volunteer's take of one, not yet committed, holds s0-000; the worker aggregating s1-000 holds that.
      await other.query('BEGIN');
      const { rows: taken } = await other.query(pickAndAssignSql('sequential', false), [[0], [workflowId], [user.id], [3], [1], [Math.random()], [null], [true], [3], 60]);
      await other.query('SELECT 1 FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2 FOR UPDATE', [workflowId, secondSetFirst]);
      expect(taken.map((row) => row.external_id)).toEqual(['s0-000']);
      const served = await (await guest()).queue(workflowId, 4);
      expect(served.subjects.map((s) => s.externalId)).toEqual(['s0-001', 's0-002', 's1-001', 's1-002']);
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    // Released, s1-000 comes in its place to the next volunteer (each subject's one hold leaves room under the cap).
    expect((await (await guest()).queue(workflowId, 6)).subjects.map((s) => s.externalId)).toEqual(['s0-000', 's0-001', 's0-002', 's1-000', 's1-001', 's1-002']);
  });

  it('reads and locks nothing of the next set once a set completes a sequential take, leaving its first subject to others', async () => {
    const { workflowId } = await workflowOf(3, { selection: { order: 'sequential', goldStandardRate: 0 } }, 2);
    const { user } = await stack.anonymous.guest();
    const other = new Client({ connectionString: stack.config.databaseUrl });
    await other.connect();
    try {
      // A take of three, not yet committed: the first set completes it.
      await other.query('BEGIN');
      const { rows: taken } = await other.query(pickAndAssignSql('sequential', false), oneTake(workflowId, user.id, 3));
      expect(taken.map((row) => row.external_id)).toEqual(['s0-000', 's0-001', 's0-002']);
      // What it holds locked is what it took: the second set's rows are free for another volunteer's pick.
      const { rows: free } = await stack.db.query(
        `SELECT s.external_id FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1
         ORDER BY s.external_id FOR UPDATE OF st SKIP LOCKED`,
        [workflowId],
      );
      expect(free.map((row) => row.external_id)).toEqual(['s1-000', 's1-001', 's1-002']);
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    expect((await (await guest()).queue(workflowId, 4)).subjects.map((s) => s.externalId)).toEqual(['s0-000', 's0-001', 's0-002', 's1-000']);
  });

  it('hands a subject its rule could retire to one volunteer at a time in sequential order too, serving the next in order to the others', async () => {
    // Agreement judged from 2 classifications: until then a subject needs both, and 2 volunteers may hold it.
    const retirement = { rule: 'agreement' as const, task: 'T0', minimum: 2, threshold: 0.9, maximum: 10 };
    const { workflowId } = await workflowOf(1, { retirement, selection: { order: 'sequential', goldStandardRate: 0 } }, 2);
    for (const value of ['yes', 'no']) {
      const volunteer = await guest();
      const queue = await volunteer.queue(workflowId, 1);
      expect(queue.subjects.map((s) => s.externalId)).toEqual(['s0-000']);
      await classify(volunteer, queue, queue.subjects[0]!.id, value);
      await waitForAggregation(workflowId);
    }
    // Split 1–1 at the minimum, s0-000's next answer may retire it: it goes to one volunteer at a time, and s1-000
    // (none yet) to two, as its rule's most classifications (10) would not limit it.
    const served = [];
    for (let i = 0; i < 4; i++) served.push((await (await guest()).queue(workflowId, 2)).subjects.map((s) => s.externalId));
    expect(served).toEqual([['s0-000', 's1-000'], ['s1-000'], [], []]);
  });

  it('keeps its promises through a random interleaving of queue, submit, retire and unretire', async () => {
    const { workflowId } = await workflowOf(15);
    const volunteers = await Promise.all(Array.from({ length: 4 }, guest));
    const { rows } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1', [workflowId]);
    const subjects: string[] = rows.map((row) => row.subject_id);
    const retired = new Set<string>();
    const served = volunteers.map(() => new Set<string>());
    const held = volunteers.map(() => [] as string[]);
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let step = 0; step < 120; step++) {
      const v = Math.floor(random() * volunteers.length);
      const action = random();
      if (action < 0.4) {
        const queue = await volunteers[v]!.queue(workflowId, 3);
        for (const subject of queue.subjects) {
          expect(retired.has(subject.id)).toBe(false);
          expect(served[v]!.has(subject.id)).toBe(false);
          served[v]!.add(subject.id);
          held[v]!.push(subject.id);
        }
      } else if (action < 0.75 && held[v]!.length) {
        const subjectId = held[v]!.shift()!;
        await volunteers[v]!.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
      } else if (action < 0.9) {
        const subjectId = subjects[Math.floor(random() * subjects.length)]!;
        await stack.client.request('POST', `/workflows/${workflowId}/retire`, { subjectIds: [subjectId], reason: 'random retire' });
        retired.add(subjectId);
      } else if (retired.size) {
        const subjectId = [...retired][Math.floor(random() * retired.size)]!;
        // Refused (and nothing changed) when the subject already has every classification the rule can ask for.
        const unretired = await stack.client.request('POST', `/workflows/${workflowId}/unretire`, { subjectIds: [subjectId], reason: 'random unretire' }).then(
          () => true,
          (error) => error.status !== 422 && Promise.reject(error),
        );
        if (unretired) retired.delete(subjectId);
      }
      await waitForAggregation(workflowId);
      const { rows: nowRetired } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NOT NULL', [workflowId]);
      for (const row of nowRetired) retired.add(row.subject_id);
    }
  });
});

/** A project with a regular set and a set of gold-standard subjects (served last by priority unless injected). */
async function projectWithGold(selection: WorkflowInput['selection'] | ((goldSetId: string) => WorkflowInput['selection'])) {
  const project = await stack.client.createProject({ title: `Gold ${randomUUID().slice(0, 8)}`, status: 'live' });
  const regular = await stack.client.createSubjectSet(project.id, { name: 'Regular' });
  const gold = await stack.client.createSubjectSet(project.id, { name: 'Gold' });
  await stack.client.addSubjects(regular.id, Array.from({ length: 40 }, (_, i) => ({ externalId: `r${i}`, locations: [{ type: 'text' as const, text: `Regular ${i}` }] })));
  await stack.client.addSubjects(gold.id, Array.from({ length: 5 }, (_, i) => ({ externalId: `g${i}`, goldStandard: { T0: 'yes' }, locations: [{ type: 'text' as const, text: `Gold ${i}` }] })));
  const { id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'W', firstTask: 'T0', tasks: singleTask, retirement: { rule: 'count', count: 3 },
    selection: typeof selection === 'function' ? selection(gold.id) : selection,
    subjectSetIds: [regular.id, gold.id],
  });
  await stack.client.activateWorkflow(workflowId);
  const { rows } = await stack.db.query("SELECT st.subject_id AS id FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1 AND s.external_id LIKE 'g%'", [workflowId]);
  await stack.client.request('POST', `/workflows/${workflowId}/priorities`, { priorities: rows.map((row) => ({ subjectId: row.id, priority: 100 })) });
  return workflowId;
}

describe('training and gold standard', () => {
  const isGold = (subject: QueuedSubject) => subject.externalId!.startsWith('g');

  it('serves a new volunteer the training set first, in set order, and not once their training is done', async () => {
    const workflowId = await projectWithGold((goldSetId) => ({ order: 'priority', goldStandardRate: 0, training: { subjectSetId: goldSetId, classifications: 2 } }));
    expect(await stack.client.stats(workflowId)).toMatchObject({ subjects: 45, goldStandard: 5, retired: 0 });
    const volunteer = await guest();
    const first = await volunteer.queue(workflowId, 4);
    expect(first.subjects.map((s) => s.externalId)).toEqual(['g0', 'g1', expect.stringMatching(/^r/), expect.stringMatching(/^r/)]);
    for (const subject of first.subjects) await classify(volunteer, first, subject.id);
    const later = await volunteer.queue(workflowId, 4);
    expect(later.subjects.filter(isGold)).toEqual([]);
  });

  it('serves every newcomer the training set’s gold-standard subjects, however many others hold them (more than the rule’s cap)', async () => {
    const workflowId = await projectWithGold((goldSetId) => ({ order: 'priority', goldStandardRate: 0, training: { subjectSetId: goldSetId, classifications: 2 } }));
    // The rule asks for 3 classifications: five newcomers hold the training subjects at once, and none is left without.
    const newcomers = await Promise.all(Array.from({ length: 5 }, guest));
    for (const newcomer of newcomers) expect((await newcomer.queue(workflowId, 3)).subjects.map((s) => s.externalId)).toEqual(['g0', 'g1', expect.stringMatching(/^r/)]);
  });

  it('serves a newcomer the training set in order even while another holds its first subject for a moment (it waits, not skips)', async () => {
    const workflowId = await projectWithGold((goldSetId) => ({ order: 'priority', goldStandardRate: 0, training: { subjectSetId: goldSetId, classifications: 3 } }));
    const { rows: [first] } = await stack.db.query("SELECT st.subject_id FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1 AND s.external_id = 'g0'", [workflowId]);
    const newcomer = await guest();
    const holder = new Client({ connectionString: stack.config.databaseUrl });
    await holder.connect();
    try {
      // As the worker aggregating it, or another newcomer's assignment, holds its row.
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2 FOR UPDATE', [workflowId, first.subject_id]);
      const served = newcomer.queue(workflowId, 4);
      await until(async () => (await stack.db.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'WITH picked AS%'")).rows.length > 0, 'the pick to wait');
      await holder.query('COMMIT');
      expect((await served).subjects.map((s) => s.externalId)).toEqual(['g0', 'g1', 'g2', expect.stringMatching(/^r/)]);
    } finally {
      await holder.end();
    }
  });

  it('gives every slot to gold standard at rate 1, and none once a volunteer is experienced past the half-life', async () => {
    const workflowId = await projectWithGold({ order: 'priority', goldStandardRate: 1, goldStandardHalfLife: 1 });
    const volunteer = await guest();
    const first = await volunteer.queue(workflowId, 1);
    expect(first.subjects.map(isGold)).toEqual([true]);
    await classify(volunteer, first, first.subjects[0]!.id);
    for (let i = 0; i < 4; i++) {
      const batch = await volunteer.queue(workflowId, 5);
      for (const subject of batch.subjects) await classify(volunteer, batch, subject.id);
    }
    // 21 classifications in: the rate is 2^-21 per slot, so regular subjects fill the batch
    const experienced = await volunteer.queue(workflowId, 4);
    expect(experienced.subjects.filter(isGold)).toEqual([]);
    const newcomer = await (await guest()).queue(workflowId, 1);
    expect(newcomer.subjects.map(isGold)).toEqual([true]);
  });

  it('serves gold-standard subjects only at gold-standard slots when the workflow has a rate, and does not owe them to a volunteer who has seen the rest', async () => {
    const project = await stack.client.createProject({ title: `Gold apart ${randomUUID().slice(0, 8)}`, status: 'live' });
    const regular = await stack.client.createSubjectSet(project.id, { name: 'Regular' });
    const gold = await stack.client.createSubjectSet(project.id, { name: 'Gold' });
    const goldSubjects = (from: number) => Array.from({ length: 3 }, (_, i) => ({ externalId: `g${from + i}`, goldStandard: { T0: 'yes' }, locations: [{ type: 'text' as const, text: `Gold ${i}` }] }));
    await stack.client.addSubjects(regular.id, Array.from({ length: 12 }, (_, i) => ({ externalId: `r${i}`, locations: [{ type: 'text' as const, text: `Regular ${i}` }] })));
    await stack.client.addSubjects(gold.id, goldSubjects(0));
    const { id: workflowId } = await stack.client.createWorkflow(project.id, {
      name: 'W', firstTask: 'T0', tasks: singleTask, retirement: { rule: 'count', count: 3 },
      // A rate keeps gold standard out of the order; this one is too small for any slot to be drawn for it.
      selection: { order: 'random', goldStandardRate: 1e-9 }, subjectSetIds: [regular.id, gold.id],
    });
    await stack.client.addSubjects(gold.id, goldSubjects(3)); // added after the link: they join the workflow another way
    await stack.client.activateWorkflow(workflowId);
    const volunteer = await guest();
    const served: string[] = [];
    for (let i = 0; i < 3; i++) {
      const batch = await volunteer.queue(workflowId, 5);
      for (const subject of batch.subjects) await classify(volunteer, batch, subject.id);
      served.push(...batch.subjects.map((subject) => subject.externalId!));
    }
    expect(served.filter((id) => id.startsWith('g'))).toEqual([]);
    expect(served).toHaveLength(12);
    expect(await volunteer.queue(workflowId, 5)).toMatchObject({ subjects: [], finished: true, reason: 'seen-everything' });
  });

  /** An active workflow of one set (`setId`) of `regular` subjects (`r0`…) and `gold` gold-standard ones (`g0`…). */
  async function mixedWorkflow(regular: number, gold: number, rules: Pick<WorkflowInput, 'retirement' | 'selection'>) {
    const project = await stack.client.createProject({ title: `Gold ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Mixed' });
    await stack.client.addSubjects(set.id, [
      ...Array.from({ length: regular }, (_, i) => ({ externalId: `r${i}`, locations: [{ type: 'text' as const, text: `Regular ${i}` }] })),
      ...Array.from({ length: gold }, (_, i) => ({ externalId: `g${i}`, goldStandard: { T0: 'yes' }, locations: [{ type: 'text' as const, text: `Gold ${i}` }] })),
    ]);
    const { id: workflowId } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'T0', tasks: singleTask, ...rules, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(workflowId);
    return { workflowId, setId: set.id };
  }

  /** Every slot goes to the 20 gold-standard subjects (which come alongside 5 others). */
  const goldAtEverySlot = () => mixedWorkflow(5, 20, { retirement: { rule: 'count', count: 50 }, selection: { order: 'random', goldStandardRate: 1 } });

  it('serves gold-standard subjects only alongside others: once those are seen, the volunteer has seen everything, every time they ask', async () => {
    const { workflowId } = await mixedWorkflow(3, 20, { selection: { order: 'random', goldStandardRate: 0.5 } });
    const volunteer = await guest();
    let regularLeft = 3;
    while (regularLeft) {
      const batch = await volunteer.queue(workflowId, 5);
      expect(batch.subjects.length).toBeGreaterThan(0);
      for (const subject of batch.subjects) await classify(volunteer, batch, subject.id);
      regularLeft -= batch.subjects.filter((subject) => subject.externalId!.startsWith('r')).length;
    }
    // Most of the 20 gold-standard subjects are still unseen, and half of every batch's slots are drawn for them.
    for (let i = 0; i < 10; i++) expect(await volunteer.queue(workflowId, 5)).toMatchObject({ subjects: [], finished: true, reason: 'seen-everything' });
    const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1 AND expires_at > now()', [workflowId]);
    expect(rows[0].n).toBe(0); // the gold-standard subjects drawn for those answers were handed back
  });

  /** How many classifications each gold-standard subject of the workflow has, fewest first. */
  const goldClassifications = async (workflowId: string) =>
    (await stack.db.query('SELECT classification_count AS n FROM subject_workflow_status WHERE workflow_id = $1 AND gold_standard ORDER BY 1', [workflowId])).rows.map((row) => row.n as number);

  it('spreads gold-standard slots evenly: each goes to the least served (classified, or held now) that the volunteer may have', async () => {
    const { workflowId } = await goldAtEverySlot();
    // Each volunteer answers only once five more have taken their batches, so most of the least classified are held
    // by others at every pick; a volunteer who saw some earlier keeps coming back.
    const returning = await guest();
    const answering: { volunteer: ChorusClient; batch: QueueView }[] = [];
    const answerFirst = async () => {
      const { volunteer, batch } = answering.shift()!;
      for (const subject of batch.subjects) await classify(volunteer, batch, subject.id);
    };
    for (let i = 0; i < 40; i++) {
      const volunteer = i % 8 === 7 ? returning : await guest();
      const batch = await volunteer.queue(workflowId, 3);
      expect(batch.subjects.map(isGold)).toEqual([true, true, true]);
      answering.push({ volunteer, batch });
      if (answering.length > 5) await answerFirst();
    }
    while (answering.length) await answerFirst();
    const counts = await goldClassifications(workflowId);
    // 120 answers among 20 subjects: 6 each, give or take one where the returning volunteer had seen the least served.
    expect(counts.reduce((sum, n) => sum + n, 0)).toBe(120);
    expect(counts.at(-1)! - counts[0]!).toBeLessThanOrEqual(2);
  });

  it('spreads gold-standard slots evenly among volunteers who ask at once', async () => {
    const { workflowId } = await goldAtEverySlot();
    // Volunteers come five at a time (fewer gold-standard slots at once than subjects: a pick skips those another
    // statement is assigning), and answer once the next five have taken their batches, so the least classified are
    // held by others at every pick; one who saw some earlier keeps coming back.
    const returning = await guest();
    let answering: { volunteer: ChorusClient; batch: QueueView }[] = [];
    for (let wave = 0; wave < 8; wave++) {
      const volunteers = [...(wave % 2 ? [returning] : [await guest()]), ...(await Promise.all(Array.from({ length: 4 }, guest)))];
      const taken = await Promise.all(volunteers.map(async (volunteer) => ({ volunteer, batch: await volunteer.queue(workflowId, 2) })));
      for (const { batch } of taken) expect(batch.subjects.map(isGold)).toEqual([true, true]);
      for (const { volunteer, batch } of answering) for (const subject of batch.subjects) await classify(volunteer, batch, subject.id);
      answering = taken;
      await waitForAggregation(workflowId); // which holds the rows it aggregates for a moment: picks skip them
    }
    for (const { volunteer, batch } of answering) for (const subject of batch.subjects) await classify(volunteer, batch, subject.id);
    const counts = await goldClassifications(workflowId);
    // 80 answers among 20 subjects: 4 each, give or take one where the returning volunteer had seen the least served.
    expect(counts.reduce((sum, n) => sum + n, 0)).toBe(80);
    expect(counts.at(-1)! - counts[0]!).toBeLessThanOrEqual(2);
  });

  /** The ids of the workflow's gold-standard subjects by external id (g0, g1…). */
  const goldIds = async (workflowId: string): Promise<Map<string, string>> => {
    const { rows } = await stack.db.query(
      'SELECT s.external_id, s.id FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1 AND st.gold_standard',
      [workflowId],
    );
    return new Map(rows.map((row) => [row.external_id as string, row.id as string]));
  };

  it('ranks a sample of about 100 of a workflow’s 1,000 gold-standard subjects at a slot, not all of them, each as likely as another to be served', async () => {
    const { workflowId } = await mixedWorkflow(5, 1000, { retirement: { rule: 'count', count: 50 }, selection: { order: 'random', goldStandardRate: 1 } });
    const { user } = await stack.anonymous.guest();
    // As autovacuum would (it is off here): the other tests' workflows, with few gold-standard subjects each, make
    // the planner expect this one to have few too.
    await stack.db.query('ANALYZE subject_workflow_status');
    const goldTake = () => oneTake(workflowId, user.id, 1, { cap: 50, withoutGold: false });
    const read = await pickReads('gold', goldTake());
    // The sample (with the bands' edges) and the sample again, locked in rank order: not the 1,000 twice over.
    expect(read.hotRows).toBeLessThanOrEqual(300);
    // 200 picks of one, none of them assigned (rolled back), so every subject stays as served as the others: a sample
    // from the start of the keys would give 100 subjects at most, samples from anywhere alike about 180.
    const served = new Set<string>();
    for (let i = 0; i < 200; i++) {
      await stack.db.query('BEGIN');
      try {
        const { rows } = await stack.db.query(pickAndAssignSql('gold', false), goldTake());
        expect(rows).toHaveLength(1);
        served.add(rows[0].id);
      } finally {
        await stack.db.query('ROLLBACK');
      }
    }
    expect(served.size).toBeGreaterThan(150);
  });

  it('serves a volunteer only the gold-standard subjects they have not seen nor hold, however few of hundreds are left', async () => {
    const { workflowId } = await mixedWorkflow(5, 300, { retirement: { rule: 'count', count: 50 }, selection: { order: 'random', goldStandardRate: 1 } });
    const { user, token } = await stack.anonymous.guest();
    const volunteer = stack.anonymous.withToken(token);
    const ids = await goldIds(workflowId);
    const unseen = new Set(Array.from({ length: 10 }, (_, i) => ids.get(`g${i * 30}`)!));
    // They have classified the other 290.
    await stack.db.query(
      `INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key)
       SELECT $1, 1, id, $2, '[{"task":"T0","value":"yes"}]', gen_random_uuid()::text FROM unnest($3::uuid[]) AS id`,
      [workflowId, user.id, [...ids.values()].filter((id) => !unseen.has(id))],
    );
    const first = await volunteer.queue(workflowId, 5);
    const second = await volunteer.queue(workflowId, 5);
    const served = [...first.subjects, ...second.subjects].map((subject) => subject.id);
    // Every slot filled from the 10 left, the second batch with those the first did not hold.
    expect(served).toHaveLength(10);
    expect(new Set(served)).toEqual(unseen);
  });

  it('serves gold-standard subjects only alongside others at rate 0 too: once the others are retired the workflow is finished, as its stats say', async () => {
    const { workflowId, setId } = await mixedWorkflow(2, 6, { retirement: { rule: 'count', count: 2 }, selection: { order: 'random', goldStandardRate: 0 } });
    const regularOf = (batch: QueueView) => batch.subjects.filter((subject) => !isGold(subject));
    // A volunteer who has classified both regular subjects has seen everything, gold-standard subjects left or not.
    const first = await guest();
    let regularSeen = 0;
    while (regularSeen < 2) {
      const batch = await first.queue(workflowId, 1);
      expect(batch.subjects).toHaveLength(1);
      for (const subject of batch.subjects) await classify(first, batch, subject.id);
      regularSeen += regularOf(batch).length;
    }
    expect(await first.queue(workflowId, 5)).toMatchObject({ subjects: [], finished: true, reason: 'seen-everything' });

    // A second volunteer retires both: the workflow is complete, and a newcomer is told it is finished, holding nothing.
    const second = await guest();
    for (let batch = await second.queue(workflowId, 8); batch.subjects.length; batch = await second.queue(workflowId, 8)) {
      for (const subject of batch.subjects) await classify(second, batch, subject.id);
    }
    await waitForAggregation(workflowId);
    expect(await stack.client.stats(workflowId)).toMatchObject({ subjects: 8, retired: 2, goldStandard: 6 });
    expect((await stack.client.getWorkflow(workflowId)).complete).toBe(true);
    const newcomer = await guest();
    expect(await newcomer.queue(workflowId, 5)).toMatchObject({ subjects: [], finished: true, reason: 'workflow-finished' });
    const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1 AND expires_at > now()', [workflowId]);
    expect(rows[0].n).toBe(0);
    // A new subject, held by as many volunteers as its rule can need: a newcomer is asked to come back, not given
    // gold standard alone.
    const { subjectIds: [added] } = await stack.client.addSubjects(setId, [{ externalId: 'r9', locations: [{ type: 'text', text: 'Regular 9' }] }]);
    for (const holder of [await guest(), await guest()]) {
      const batch = await holder.queue(workflowId, 8);
      expect(batch.subjects.map((subject) => subject.id)).toContain(added);
      // Keep only the new one: the batch may hold gold-standard subjects beside it, or the new one alone.
      const others = batch.subjects.map((subject) => subject.id).filter((id) => id !== added);
      if (others.length) await holder.releaseHolds(workflowId, others);
    }
    expect(await newcomer.queue(workflowId, 5)).toMatchObject({ subjects: [], finished: false, heldBy: 'others' });
  });

  it('refuses a training set from another project, naming the field', async () => {
    const other = await stack.client.createProject({ title: `Other ${randomUUID().slice(0, 8)}` });
    const foreign = await stack.client.createSubjectSet(other.id, { name: 'Foreign' });
    const mine = await stack.client.createProject({ title: `Mine ${randomUUID().slice(0, 8)}` });
    const error = await stack.client
      .createWorkflow(mine.id, { name: 'W', firstTask: 'T0', tasks: singleTask, selection: { order: 'random', goldStandardRate: 0, training: { subjectSetId: foreign.id, classifications: 3 } } })
      .catch((e) => e);
    expect(error.status).toBe(422);
    expect(error.problem.errors).toEqual([{ pointer: '/selection/training/subjectSetId', message: 'is not a subject set of this project' }]);
  });

  it('refuses a training set or a weighted set that is not linked to the workflow, and changes nothing', async () => {
    const project = await stack.client.createProject({ title: `Unlinked ${randomUUID().slice(0, 8)}` });
    const [linked, training, weighted] = [
      await stack.client.createSubjectSet(project.id, { name: 'Linked' }),
      await stack.client.createSubjectSet(project.id, { name: 'Training' }),
      await stack.client.createSubjectSet(project.id, { name: 'Weighted' }),
    ];
    const input = (selection: WorkflowInput['selection'], subjectSetIds: string[]) => ({ name: 'W', firstTask: 'T0', tasks: singleTask, selection, subjectSetIds });
    const refused = await stack.client
      .createWorkflow(project.id, input({ order: 'random', goldStandardRate: 0, training: { subjectSetId: training.id, classifications: 3 }, setWeights: { [weighted.id]: 1 } }, [linked.id]))
      .catch((e) => e);
    expect(refused.status).toBe(422);
    expect(refused.problem.errors).toEqual([
      { pointer: '/selection/training/subjectSetId', message: 'is not linked to this workflow; add it to subjectSetIds' },
      { pointer: `/selection/setWeights/${weighted.id}`, message: 'is not linked to this workflow; add it to subjectSetIds' },
    ]);
    const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM workflows WHERE project_id = $1', [project.id]);
    expect(rows[0].n).toBe(0);
    const training3 = { order: 'random' as const, goldStandardRate: 0, training: { subjectSetId: training.id, classifications: 3 } };
    const { id } = await stack.client.createWorkflow(project.id, input(training3, [linked.id, training.id]));
    const unlinking = await stack.client.updateWorkflow(id, input(training3, [linked.id])).catch((e) => e);
    expect(unlinking.status).toBe(422);
    const { rows: links } = await stack.db.query('SELECT count(*)::int AS n FROM workflow_subject_sets WHERE workflow_id = $1', [id]);
    expect(links[0].n).toBe(2);
  });
});

describe('per-set weights', () => {
  it('draws each slot of a random batch from the subject sets in proportion to their weights', async () => {
    const project = await stack.client.createProject({ title: `Weights ${randomUUID().slice(0, 8)}`, status: 'live' });
    const [heavy, light] = [await stack.client.createSubjectSet(project.id, { name: 'Heavy' }), await stack.client.createSubjectSet(project.id, { name: 'Light' })];
    for (const [set, prefix] of [[heavy, 'h'], [light, 'l']] as const) {
      await stack.client.addSubjects(set.id, Array.from({ length: 30 }, (_, i) => ({ externalId: `${prefix}${i}`, locations: [{ type: 'text' as const, text: `${prefix} ${i}` }] })));
    }
    const workflowWeighing = async (weights: Record<string, number>) => {
      const { id } = await stack.client.createWorkflow(project.id, {
        name: 'W', firstTask: 'T0', tasks: singleTask, selection: { order: 'random', goldStandardRate: 0, setWeights: weights }, subjectSetIds: [heavy.id, light.id],
      });
      await stack.client.activateWorkflow(id);
      return id;
    };
    const prefixes = async (workflowId: string) => [...new Set((await (await guest()).queue(workflowId, 10)).subjects.map((s) => s.externalId![0]))];
    // with weights a million to one, a batch of 10 draws the light set with a chance of about 1 in 100,000
    expect(await prefixes(await workflowWeighing({ [heavy.id]: 1_000_000, [light.id]: 1 }))).toEqual(['h']);
    expect(await prefixes(await workflowWeighing({ [heavy.id]: 1, [light.id]: 1_000_000 }))).toEqual(['l']);
  });

  it('fills from the other sets when the drawn set has nothing left for the volunteer', async () => {
    const { workflowId, setIds } = await workflowOf(3, {}, 2);
    await stack.client.updateWorkflow(workflowId, { name: 'W', firstTask: 'T0', tasks: singleTask, retirement: { rule: 'count', count: 3 }, selection: { order: 'random', goldStandardRate: 0, setWeights: { [setIds[0]!]: 1 } } });
    const batch = await (await guest()).queue(workflowId, 6);
    expect(batch.subjects).toHaveLength(6);
  });
});

describe('subjects the volunteer reported', () => {
  const ids = (view: QueueView) => view.subjects.map((subject) => subject.id);
  const report = (volunteer: ChorusClient, workflowId: string, subjectId: string) => volunteer.reportSubject(workflowId, { subjectId, reason: 'blank-or-unreadable' });
  /** Every hold in the workflow lapsed, as if its lifetime had passed. */
  const lapseHolds = (workflowId: string) => stack.db.query("UPDATE assignments SET expires_at = now() - interval '1 second' WHERE workflow_id = $1", [workflowId]);
  const retired = async (workflowId: string, subjectId: string) =>
    (await stack.db.query('SELECT retired_at IS NOT NULL AS retired FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflowId, subjectId])).rows[0].retired;

  it.each<[string, (setIds: string[]) => WorkflowInput['selection']]>([
    ['random', () => ({ order: 'random', goldStandardRate: 0 })],
    ['priority', () => ({ order: 'priority', goldStandardRate: 0 })],
    ['sequential', () => ({ order: 'sequential', goldStandardRate: 0 })],
    ['random, by set weights', ([first]) => ({ order: 'random', goldStandardRate: 0, setWeights: { [first!]: 1 } })],
  ])('are never served to them again in %s order, their holds lapsed or not, and still to others', async (_order, selection) => {
    const { workflowId, setIds } = await workflowOf(2, {}, 2);
    await stack.client.updateWorkflow(workflowId, { name: 'W', firstTask: 'T0', tasks: singleTask, retirement: { rule: 'count', count: 3 }, selection: selection(setIds) });
    const reporter = await guest();
    // The first the order serves (from the weighted set, under weights), which it would serve first again.
    const [reported] = ids(await reporter.queue(workflowId, 1));
    await report(reporter, workflowId, reported!);
    const rest = ids(await reporter.queue(workflowId, 10));
    expect(rest).toHaveLength(3);
    expect(rest).not.toContain(reported);
    await lapseHolds(workflowId);
    expect(ids(await reporter.queue(workflowId, 10)).sort()).toEqual([...rest].sort());
    expect(await retired(workflowId, reported!)).toBe(false);
    expect(ids(await (await guest()).queue(workflowId, 10))).toContain(reported);
  });

  it('are never served to them again as gold standard, and still to others', async () => {
    // Every slot is drawn for gold standard: a batch of ten takes all five gold-standard subjects it may.
    const workflowId = await projectWithGold({ order: 'random', goldStandardRate: 1 });
    const reporter = await guest();
    const [reported] = ids(await reporter.queue(workflowId, 1));
    await report(reporter, workflowId, reported!);
    const gold = async (volunteer: ChorusClient) => (await volunteer.queue(workflowId, 10)).subjects.filter((subject) => subject.externalId!.startsWith('g')).map((subject) => subject.id);
    const rest = await gold(reporter);
    expect(rest).toHaveLength(4);
    expect(rest).not.toContain(reported);
    await lapseHolds(workflowId);
    expect((await gold(reporter)).sort()).toEqual([...rest].sort());
    expect(await gold(await guest())).toContain(reported);
  });

  it('are never served to them again as training, which goes on with the next of the training set, and still to others', async () => {
    const workflowId = await projectWithGold((goldSetId) => ({ order: 'priority', goldStandardRate: 0, training: { subjectSetId: goldSetId, classifications: 3 } }));
    const reporter = await guest();
    const externalIds = async (volunteer: ChorusClient, limit: number) => (await volunteer.queue(workflowId, limit)).subjects.map((subject) => subject.externalId);
    const [first] = (await reporter.queue(workflowId, 1)).subjects;
    expect(first!.externalId).toBe('g0');
    await report(reporter, workflowId, first!.id);
    expect(await externalIds(reporter, 4)).toEqual(['g1', 'g2', 'g3', expect.stringMatching(/^r/)]);
    await lapseHolds(workflowId);
    expect(await externalIds(reporter, 4)).toEqual(['g1', 'g2', 'g3', expect.stringMatching(/^r/)]);
    expect(await externalIds(await guest(), 1)).toEqual(['g0']);
  });

  it('leave a volunteer who has classified all the others told they have seen everything, whoever holds what they reported', async () => {
    const { workflowId } = await workflowOf(2);
    const reporter = await guest();
    const batch = await reporter.queue(workflowId, 2);
    const [reported, other] = ids(batch) as [string, string];
    await report(reporter, workflowId, reported);
    await classify(reporter, batch, other);
    const seenEverything = { subjects: [], finished: true, reason: 'seen-everything' };
    expect(await reporter.queue(workflowId, 5)).toMatchObject(seenEverything);
    // Held by another volunteer.
    expect(ids(await (await guest()).queue(workflowId, 5))).toContain(reported);
    expect(await reporter.queue(workflowId, 5)).toMatchObject(seenEverything);
  });

  it('are not what a volunteer is told to wait for: others holding them, or the worker owing them their answers', async () => {
    // Retired after one classification: one volunteer at a time holds a subject.
    const { workflowId } = await workflowOf(2, { retirement: { rule: 'count', count: 1 } });
    const { rows } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1', [workflowId]);
    const [reported, other] = rows.map((row) => row.subject_id as string) as [string, string];
    const session = await stack.anonymous.guest();
    const reporter = stack.anonymous.withToken(session.token);
    await report(reporter, workflowId, reported);
    // The subject left to them is held by another volunteer; the one they reported is free.
    const [first, second] = [await guest(), await guest()];
    const firstBatch = await first.queue(workflowId, 2);
    await first.releaseHolds(workflowId, [reported]);
    const heldByOthers = { subjects: [], finished: false, retryAfterSeconds: 30, heldBy: 'others' };
    expect(await reporter.queue(workflowId, 5)).toMatchObject(heldByOthers);
    // Or held by them all the same (a request of theirs under way when they reported it): not theirs to classify.
    const holdReported = "INSERT INTO assignments (workflow_id, user_id, subject_id, expires_at) VALUES ($1, $2, $3, now() + interval '1 hour')";
    await stack.db.query(holdReported, [workflowId, session.user.id, reported]);
    expect(await reporter.queue(workflowId, 5)).toMatchObject(heldByOthers);
    await reporter.releaseHolds(workflowId, [reported]);
    await stack.stopWorker();
    try {
      // The subject left to them has its answer, owed its aggregation; another volunteer holds the one they reported.
      await classify(first, firstBatch, other);
      expect(ids(await second.queue(workflowId, 5))).toEqual([reported]);
      const waiting = await reporter.queue(workflowId, 5);
      expect(waiting).toMatchObject({ subjects: [], finished: false });
      expect(waiting.heldBy).toBeUndefined();
      expect(waiting.retryAfterSeconds).toBeLessThanOrEqual(3);
      // The one left to them owed its aggregation for over half a minute (the worker is down), the one they reported
      // for a moment: ask again in a while.
      await classify(second, firstBatch, reported);
      await stack.db.query("UPDATE subject_workflow_status SET updated_at = now() - interval '31 seconds' WHERE workflow_id = $1 AND subject_id = $2", [workflowId, other]);
      const stale = await reporter.queue(workflowId, 5);
      expect(stale).toMatchObject({ subjects: [], finished: false, retryAfterSeconds: 30 });
      expect(stale.heldBy).toBeUndefined();
    } finally {
      await stack.startWorker();
    }
  });
});
