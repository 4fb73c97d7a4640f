import type { ChorusClient } from '@chorus/client';
import { aggregationJob } from '@chorus/jobs';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';
import { activeTranscriptionWorkflow } from '../../../test/support/workflows';
import { AggregationService, keyOf, nextBatchSize } from '../src/aggregation/aggregation.service';
import { ReaggregationService } from '../src/reaggregation/reaggregation.service';
import { AggregationProcessor } from '../src/aggregation/aggregation.processor';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack.stop();
});

async function workflowWith(subjects: { externalId: string; goldStandard?: Record<string, unknown> }[], count = 3, order: 'random' | 'sequential' = 'random') {
  const project = await stack.client.createProject({ title: `Aggregation ${randomUUID().slice(0, 6)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  await stack.client.addSubjects(set.id, subjects.map((s) => ({ ...s, locations: [{ type: 'text' as const, text: s.externalId }] })));
  const { id } = await stack.client.createWorkflow(project.id, {
    name: 'W',
    firstTask: 'T0',
    // A vote, not bayes (the default for two answers): a starting worker's skills estimate would weigh the volunteers.
    tasks: { T0: { type: 'single', question: 'Q', algorithm: 'vote', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count },
    selection: { order, goldStandardRate: 0 },
    subjectSetIds: [set.id],
  });
  await stack.client.activateWorkflow(id);
  const { rows } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1', [id]);
  return { workflowId: id, subjectIds: rows.map((row) => row.subject_id as string) };
}

async function classify(workflowId: string, subjectId: string, value: string, workflowVersion = 1): Promise<string> {
  const volunteer: ChorusClient = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  return (await volunteer.classify({ workflowId, workflowVersion, subjectId, annotations: [{ task: 'T0', value }] }, randomUUID())).id;
}

async function state(workflowId: string, subjectId: string) {
  const { rows: [status] } = await stack.db.query(
    'SELECT classification_count, aggregated_count, retirement_reason, retired_by_classification_id, retired_at IS NOT NULL AS retired FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2',
    [workflowId, subjectId],
  );
  const { rows: consensus } = await stack.db.query('SELECT task, answer, agreement, votes, algorithm FROM consensus WHERE workflow_id = $1 AND subject_id = $2', [workflowId, subjectId]);
  return { status, consensus };
}

describe('aggregation', () => {
  it('gives the same result however often it runs, and records the classification that retired the subject', async () => {
    const { workflowId, subjectIds: [subjectId] } = await workflowWith([{ externalId: 's' }]);
    const ids = [];
    for (const value of ['yes', 'no', 'yes', 'yes']) ids.push(await classify(workflowId, subjectId!, value));
    const fresh = await idleWorker();
    expect(await fresh.aggregateSubject(workflowId, subjectId!)).toBe('retired');
    const first = await state(workflowId, subjectId!);
    expect(await fresh.aggregateSubject(workflowId, subjectId!)).toBe('aggregated');
    expect(await state(workflowId, subjectId!)).toEqual(first);
    await stack.stopWorker();
    expect(first.status).toEqual({ classification_count: 4, aggregated_count: 4, retirement_reason: 'count', retired_by_classification_id: ids[2], retired: true });
    // The consensus it retired with: the answers up to the third, which met the rule. The fourth, stored before the
    // retirement committed, counts as given while retired, as it would had it come a moment later.
    expect(first.consensus).toEqual([{ task: 'T0', answer: 'yes', agreement: 2 / 3, votes: 3, algorithm: 'plurality-vote' }]);
    const { rows } = await stack.db.query('SELECT id FROM classifications WHERE subject_id = $1 AND after_retirement', [subjectId]);
    expect(rows.map((row) => row.id)).toEqual([ids[3]]);
    expect((await stack.db.query('SELECT counted_count FROM subject_workflow_status WHERE subject_id = $1', [subjectId])).rows[0].counted_count).toBe(3);
  });

  it('counts an answer given under an earlier version only while the current version still offers it', async () => {
    const { workflowId, subjectIds: [subjectId] } = await workflowWith([{ externalId: 's' }], 5);
    for (const value of ['yes', 'no', 'no']) await classify(workflowId, subjectId!, value);
    const updated = await stack.client.updateWorkflow(workflowId, {
      name: 'W',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'An advertisement' }, { value: 'notice', label: 'A notice' }] } },
      retirement: { rule: 'count', count: 5 },
    });
    expect(updated.version).toBe(2);
    await classify(workflowId, subjectId!, 'yes', 2);
    const worker = await idleWorker();
    await worker.aggregateSubject(workflowId, subjectId!);
    await stack.stopWorker();
    // "no" is no longer an answer: its two votes stay in the raw export, and count toward the rule's count, but not in the consensus.
    expect(await state(workflowId, subjectId!)).toMatchObject({
      status: { classification_count: 4, aggregated_count: 4, retired: false },
      consensus: [{ task: 'T0', answer: 'yes', agreement: 1, votes: 2 }],
    });
  });

  it('never counts gold-standard classifications toward retirement', async () => {
    const { workflowId, subjectIds: [subjectId] } = await workflowWith([{ externalId: 'gold', goldStandard: { T0: 'yes' } }], 2);
    await classify(workflowId, subjectId!, 'yes');
    await classify(workflowId, subjectId!, 'yes');
    const service = await idleWorker();
    expect(await service.aggregateSubject(workflowId, subjectId!)).toBe('aggregated');
    await stack.stopWorker();
    expect((await state(workflowId, subjectId!)).status.retired).toBe(false);
  });

  it('keeps and flags a classification that arrives after retirement', async () => {
    const { workflowId, subjectIds: [subjectId] } = await workflowWith([{ externalId: 'late' }], 1);
    await classify(workflowId, subjectId!, 'yes');
    const service = await idleWorker();
    await service.aggregateSubject(workflowId, subjectId!);
    const late = await classify(workflowId, subjectId!, 'no');
    await service.aggregateSubject(workflowId, subjectId!);
    await stack.stopWorker();
    const { rows } = await stack.db.query('SELECT after_retirement FROM classifications WHERE id = $1', [late]);
    expect(rows).toEqual([{ after_retirement: true }]);
    expect((await state(workflowId, subjectId!)).status).toMatchObject({ classification_count: 2, aggregated_count: 2, retired: true });
  });

  it('retires a subject whose answers meet a rule made easier at the answers it has, flagging none given while it was open', async () => {
    const { workflowId, subjectIds: [subjectId] } = await workflowWith([{ externalId: 'easier' }], 10);
    const ids = [];
    for (const value of ['yes', 'no', 'yes', 'yes']) ids.push(await classify(workflowId, subjectId!, value));
    const worker = await idleWorkerContext();
    try {
      expect(await worker.get(AggregationService).aggregateSubject(workflowId, subjectId!)).toBe('aggregated');
      // Met from the third answer under the new rule (2 of 3 agree), and by all four: they were given while it was open.
      const { tasks } = (await stack.client.getWorkflow(workflowId)).definition;
      await stack.client.updateWorkflow(workflowId, { name: 'W', firstTask: 'T0', tasks, retirement: { rule: 'agreement', task: 'T0', minimum: 2, threshold: 0.6, maximum: 10 } });
      await worker.get(ReaggregationService).reaggregate(workflowId, 'all', undefined, async () => undefined);
    } finally {
      await stack.stopWorker();
    }
    expect(await state(workflowId, subjectId!)).toMatchObject({
      status: { retirement_reason: 'agreement', retired_by_classification_id: ids[3], retired: true },
      consensus: [{ task: 'T0', answer: 'yes', agreement: 0.75, votes: 4 }],
    });
    expect((await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE subject_id = $1 AND after_retirement', [subjectId])).rows[0].n).toBe(0);
  });

  it('keeps the answers judged while the subject was open from being flagged when it comes back (unretired, or its set linked again) under an easier rule', async () => {
    const yesNo = { T0: { type: 'single' as const, question: 'Q', algorithm: 'vote' as const, answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } };
    const agreement = (threshold: number) => ({ rule: 'agreement' as const, task: 'T0', minimum: 2, threshold, maximum: 10 });
    for (const comeBack of ['unretired', 'linked again']) {
      const { workflowId, subjectIds: [subjectId] } = await workflowWith([{ externalId: comeBack }]);
      const { subjectSetIds } = await stack.client.getWorkflow(workflowId);
      await stack.client.updateWorkflow(workflowId, { name: 'W', firstTask: 'T0', tasks: yesNo, retirement: agreement(0.8) });
      const ids = [];
      for (const value of ['yes', 'no', 'yes', 'yes']) ids.push(await classify(workflowId, subjectId!, value, 2));
      const worker = await idleWorker();
      try {
        expect(await worker.aggregateSubject(workflowId, subjectId!)).toBe('aggregated'); // 3 of 4 agree: under 0.8
        if (comeBack === 'unretired') {
          await stack.client.request('POST', `/workflows/${workflowId}/retire`, { subjectIds: [subjectId], reason: 'a check' });
          await stack.client.updateWorkflow(workflowId, { name: 'W', firstTask: 'T0', tasks: yesNo, retirement: agreement(0.6) });
          // Its answers are weighed again at once, and the answer says so.
          expect(await stack.client.unretireSubjects(workflowId, { subjectIds: [subjectId!], reason: 'back' })).toEqual({ unretired: 1, ruleReapplied: 1 });
        } else {
          // An active workflow keeps a set: paused while its set is taken out.
          await stack.client.request('POST', `/workflows/${workflowId}/pause`);
          await stack.client.updateWorkflow(workflowId, { name: 'W', firstTask: 'T0', tasks: yesNo, retirement: agreement(0.8), subjectSetIds: [] });
          await stack.client.updateWorkflow(workflowId, { name: 'W', firstTask: 'T0', tasks: yesNo, retirement: agreement(0.6), subjectSetIds });
          await stack.client.activateWorkflow(workflowId);
        }
        await worker.aggregateSubject(workflowId, subjectId!);
      } finally {
        await stack.stopWorker();
      }
      // Met from the third answer under 0.6, but all four were given, and judged, while it was open.
      expect((await state(workflowId, subjectId!)).status).toMatchObject({ retirement_reason: 'agreement', retired_by_classification_id: ids[3], retired: true });
      expect((await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE subject_id = $1 AND after_retirement', [subjectId])).rows[0].n).toBe(0);
    }
  });

  it('keeps the last unretirement (when, by whom, role, note) in the consensus download when the rule retires the subject again (tester 23 F7)', async () => {
    const yesNo = { T0: { type: 'single' as const, question: 'Q', algorithm: 'vote' as const, answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } };
    const { workflowId, subjectIds: [subjectId] } = await workflowWith([{ externalId: 'pages out of order' }]);
    await stack.client.updateWorkflow(workflowId, { name: 'W', firstTask: 'T0', tasks: yesNo, retirement: { rule: 'agreement', task: 'T0', minimum: 2, threshold: 0.6, maximum: 10 } });
    for (const value of ['yes', 'yes']) await classify(workflowId, subjectId!, value, 2);
    const worker = await idleWorker();
    try {
      expect(await worker.aggregateSubject(workflowId, subjectId!)).toBe('retired');
      const reason = 'Pages out of order; check again';
      expect(await stack.client.unretireSubjects(workflowId, { subjectIds: [subjectId!], reason })).toEqual({ unretired: 1, ruleReapplied: 1 });
      await worker.aggregateSubject(workflowId, subjectId!);
    } finally {
      await stack.stopWorker();
    }
    const row = JSON.parse((await stack.client.consensus(workflowId, { format: 'ndjson' })).trim().split('\n')[0]!);
    expect(row).toMatchObject({
      retired: true,
      retirement_reason: 'agreement',
      unretirement_note: 'Pages out of order; check again',
      unretired_by: (await stack.client.account()).id,
      unretired_by_role: 'owner',
      unretired_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(Date.parse(row.unretired_at)).toBeLessThanOrEqual(Date.parse(row.retired_at));
  });

  it('judges every answer counted before an unretirement at once under the new rule, never flagging one given before the subject retired', async () => {
    const yesNo = { T0: { type: 'single' as const, question: 'Q', algorithm: 'vote' as const, answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } };
    // Met by all three (2 of 3 agree) under 0.6; under 0.7 only by the first two, which would leave the third out.
    for (const threshold of [0.6, 0.7]) {
      const { workflowId, subjectIds: [subjectId] } = await workflowWith([{ externalId: `count then ${threshold}` }]);
      const ids = [];
      for (const value of ['yes', 'yes', 'no']) ids.push(await classify(workflowId, subjectId!, value));
      const worker = await idleWorker();
      try {
        expect(await worker.aggregateSubject(workflowId, subjectId!)).toBe('retired'); // by the third, under count 3
        await stack.client.updateWorkflow(workflowId, { name: 'W', firstTask: 'T0', tasks: yesNo, retirement: { rule: 'agreement', task: 'T0', minimum: 2, threshold, maximum: 5 } });
        expect(await stack.client.unretireSubjects(workflowId, { subjectIds: [subjectId!], reason: 'let the new rule decide' })).toEqual({ unretired: 1, ruleReapplied: 1 });
        await worker.aggregateSubject(workflowId, subjectId!);
      } finally {
        await stack.stopWorker();
      }
      const { status, consensus } = await state(workflowId, subjectId!);
      if (threshold === 0.6) expect(status).toMatchObject({ retirement_reason: 'agreement', retired_by_classification_id: ids[2], retired: true });
      else expect(status).toMatchObject({ retired: false });
      expect(consensus).toEqual([{ task: 'T0', answer: 'yes', agreement: 2 / 3, votes: 3, algorithm: 'plurality-vote' }]);
      expect((await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE subject_id = $1 AND after_retirement', [subjectId])).rows[0].n).toBe(0);
    }
  });

  /** A draft workflow of one transcription task (T0) over the set, retiring a subject at 5 answers. */
  const transcriptionWorkflow = async (projectId: string, setId: string) =>
    (await stack.client.createWorkflow(projectId, { name: 'W', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Type it' } }, retirement: { rule: 'count', count: 5 }, selection: { goldStandardRate: 0 }, subjectSetIds: [setId] })).id;

  it('sends a transcription a volunteer asked the team to check (its "unsure") to the needs-checking list, however much the others agree', async () => {
    const project = await stack.client.createProject({ title: `Unsure ${randomUUID().slice(0, 6)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    await stack.client.addSubjects(set.id, ['asked', 'sure'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
    const workflowId = await transcriptionWorkflow(project.id, set.id);
    await stack.client.activateWorkflow(workflowId);
    const { rows: subjects } = await stack.db.query('SELECT s.id, s.external_id FROM subjects s JOIN subject_workflow_status st ON st.subject_id = s.id WHERE st.workflow_id = $1', [workflowId]);
    const idOf = Object.fromEntries(subjects.map((row) => [row.external_id as string, row.id as string]));
    const transcribe = async (subjectId: string, unsure?: boolean) => {
      const volunteer: ChorusClient = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'Dear Sir', ...(unsure === undefined ? {} : { unsure }) }] }, randomUUID());
    };
    for (const unsure of [undefined, false, true]) await transcribe(idOf.asked!, unsure);
    for (const unsure of [undefined, false, undefined]) await transcribe(idOf.sure!, unsure);
    const service = await idleWorker();
    for (const subjectId of Object.values(idOf)) expect(await service.aggregateSubject(workflowId, subjectId)).toBe('aggregated');
    await stack.stopWorker();
    const { rows } = await stack.db.query(
      "SELECT s.external_id, c.answer, c.agreement, c.needs_checking, c.result->'askedForCheck' AS asked FROM consensus c JOIN subjects s ON s.id = c.subject_id WHERE c.workflow_id = $1 ORDER BY s.external_id",
      [workflowId],
    );
    expect(rows).toEqual([
      { external_id: 'asked', answer: 'Dear Sir', agreement: 1, needs_checking: true, asked: 1 },
      { external_id: 'sure', answer: 'Dear Sir', agreement: 1, needs_checking: false, asked: null },
    ]);
    // The team's review list: the subject a volunteer asked about, as one whose consensus waits for a check.
    const listed = await stack.client.subjectResults(workflowId, { needsChecking: true, reviewed: false });
    expect(listed.subjects.map((subject) => subject.id)).toEqual([idOf.asked]);
    expect(listed.subjects[0]!.consensus.T0).toMatchObject({ needsChecking: true, askedForCheck: 1 });
    expect((await stack.client.subjectResult(workflowId, idOf.asked!)).consensus.T0).toMatchObject({ needsChecking: true, askedForCheck: 1 });
  });

  it('asks nothing for an uncounted tick: an excluded volunteer’s, a draft try’s, or one after retirement', async () => {
    const project = await stack.client.createProject({ title: `Uncounted unsure ${randomUUID().slice(0, 6)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    const { subjectIds } = await stack.client.addSubjects(set.id, ['draft', 'excluded', 'late'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
    const [draft, excluded, late] = subjectIds as [string, string, string];
    const workflowId = await transcriptionWorkflow(project.id, set.id);
    const volunteer = async () => {
      const session = await stack.anonymous.guest();
      return { client: stack.anonymous.withToken(session.token), id: session.user.id };
    };
    const transcribe = (client: ChorusClient, subjectId: string, unsure?: true) =>
      client.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'Dear Sir', ...(unsure ? { unsure } : {}) }] }, randomUUID());
    await transcribe(stack.client, draft, true); // the team's try of its draft
    await stack.client.activateWorkflow(workflowId);
    // Three counted transcriptions each, that agree: enough for a consensus that needs no check of itself.
    for (const subjectId of subjectIds) for (let n = 0; n < 3; n++) await transcribe((await volunteer()).client, subjectId);
    const ticksEverything = await volunteer();
    await transcribe(ticksEverything.client, excluded, true);
    await stack.client.excludeVolunteer(project.id, ticksEverything.id, 'ticks every page');
    await stack.client.retireSubjects(workflowId, { subjectIds: [late], reason: 'read in full' });
    await transcribe((await volunteer()).client, late, true);
    const service = await idleWorker();
    for (const subjectId of subjectIds) expect(await service.aggregateSubject(workflowId, subjectId)).toBe('aggregated');
    await stack.stopWorker();
    const { rows } = await stack.db.query(
      "SELECT s.external_id, c.answer, c.needs_checking, c.result->'askedForCheck' AS asked FROM consensus c JOIN subjects s ON s.id = c.subject_id WHERE c.workflow_id = $1 ORDER BY s.external_id",
      [workflowId],
    );
    expect(rows).toEqual(['draft', 'excluded', 'late'].map((externalId) => ({ external_id: externalId, answer: 'Dear Sir', needs_checking: false, asked: null })));
    // The three ticks are stored, each on an answer left out of the consensus.
    const ticked = await stack.db.query(`SELECT made_in_draft, after_retirement FROM classifications WHERE workflow_id = $1 AND annotations @> '[{"unsure": true}]' ORDER BY made_in_draft DESC, after_retirement`, [workflowId]);
    expect(ticked.rows).toEqual([{ made_in_draft: true, after_retirement: false }, { made_in_draft: false, after_retirement: false }, { made_in_draft: false, after_retirement: true }]);
  });

  it('reports a subject that is not in the workflow as missing', async () => {
    const service = await idleWorker();
    expect(await service.aggregateSubject(randomUUID(), randomUUID())).toBe('missing');
    await stack.stopWorker();
  });
});

/** A worker whose queues start empty (the API's adds are dropped) and whose reconciler waits, so a test drives it alone. */
/** Takes every job out of the aggregation queue (jobs the API added for the test's submits). */
async function emptyAggregationQueue(): Promise<void> {
  const queue = new Queue('aggregation', { connection: { url: stack.config.redisUrl }, prefix: stack.config.queuePrefix });
  await queue.obliterate({ force: true });
  await queue.close();
}

/** A worker whose queue has no job left and whose reconciler waits an hour: what it aggregates, the test asks for. */
async function idleWorkerContext() {
  await emptyAggregationQueue();
  return stack.startWorker({ reconcileEveryMs: 3_600_000 });
}

async function idleWorker(): Promise<AggregationService> {
  return (await idleWorkerContext()).get(AggregationService);
}

async function outbox(workflowId: string): Promise<string[]> {
  const { rows } = await stack.db.query('SELECT subject_id FROM aggregation_outbox WHERE workflow_id = $1 ORDER BY subject_id', [workflowId]);
  return rows.map((row) => row.subject_id as string);
}

describe('draining the aggregation outbox', () => {
  it('aggregates every waiting subject of the workflow together, each as it would be alone, and empties the outbox', async () => {
    const { workflowId, subjectIds } = await workflowWith(['a', 'b', 'c', 'd'].map((externalId) => ({ externalId })), 2);
    for (const [i, subjectId] of subjectIds.entries()) {
      await classify(workflowId, subjectId, 'yes');
      if (i % 2 === 0) await classify(workflowId, subjectId, 'no');
    }
    expect(await outbox(workflowId)).toEqual([...subjectIds].sort());
    const service = await idleWorker();
    const report = await service.drainOutbox(workflowId);
    await stack.stopWorker();
    expect(report).toMatchObject({ aggregated: 4, retired: 2, routedOut: 0, failed: [] });
    expect(await outbox(workflowId)).toEqual([]);
    for (const [i, subjectId] of subjectIds.entries()) {
      expect((await state(workflowId, subjectId)).status).toMatchObject({ aggregated_count: i % 2 === 0 ? 2 : 1, retired: i % 2 === 0 });
    }
  });

  it('retries a failed batch one subject at a time, so only the subject that cannot be aggregated fails and stays owed', async () => {
    const { workflowId, subjectIds } = await workflowWith([{ externalId: 'healthy' }, { externalId: 'broken' }]);
    const { rows } = await stack.db.query('SELECT id, external_id FROM subjects WHERE id = ANY($1) ORDER BY external_id DESC', [subjectIds]);
    const [healthy, broken] = rows.map((row) => row.id as string);
    await classify(workflowId, healthy!, 'yes');
    await classify(workflowId, broken!, 'yes');
    // The database refuses the broken subject's consensus, for this test only (what it stores can always be aggregated).
    const refuse = `refuse_consensus_${broken!.replaceAll('-', '_')}`;
    await stack.db.query(`CREATE FUNCTION ${refuse}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'consensus refused by the test'; END $$`);
    await stack.db.query(`CREATE TRIGGER ${refuse} BEFORE INSERT ON consensus FOR EACH ROW WHEN (NEW.subject_id = '${broken}') EXECUTE FUNCTION ${refuse}()`);
    try {
      const service = await idleWorker();
      const report = await service.drainOutbox(workflowId);
      await stack.stopWorker();
      expect(report).toMatchObject({ aggregated: 1, retired: 0, routedOut: 0, failed: [broken] });
      expect((await state(workflowId, healthy!)).status).toMatchObject({ aggregated_count: 1 });
      expect((await state(workflowId, broken!)).status).toMatchObject({ aggregated_count: 0 });
      expect(await outbox(workflowId)).toEqual([broken]);
    } finally {
      await stack.db.query(`DROP TRIGGER ${refuse} ON consensus; DROP FUNCTION ${refuse}()`);
    }
  });

  it('can always read the answers it is given: the database stores only a list of answers, each naming its task', async () => {
    const { workflowId, subjectIds } = await workflowWith([{ externalId: 'a' }]);
    const id = await classify(workflowId, subjectIds[0]!, 'yes');
    for (const annotations of ['null', '{}', '[null]', '["yes"]', '[{"value":"yes"}]', '[{"task":0,"value":"yes"}]']) {
      await expect(stack.db.query('UPDATE classifications SET annotations = $2::jsonb WHERE id = $1', [id, annotations])).rejects.toMatchObject({
        code: '23514',
        constraint: 'classifications_annotations_list',
      });
    }
    await stack.db.query('UPDATE classifications SET annotations = $2::jsonb WHERE id = $1', [id, '[]']);
  });
});

it('computes for a bounded time per transaction, leaving the subjects it has not reached in the outbox for the next, and goes round it', async () => {
  // Long transcriptions whose volunteers broke the lines differently take tens of milliseconds each to align: one
  // transaction for all of them would hold their rows (and submits to them) for seconds.
  const project = await stack.client.createProject({ title: `Long transcriptions ${randomUUID().slice(0, 6)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Letters' });
  await stack.client.addSubjects(set.id, Array.from({ length: 40 }, (_, i) => ({ externalId: `letter-${i}`, locations: [{ type: 'text' as const, text: `Letter ${i}` }] })));
  const workflowId = await activeTranscriptionWorkflow(stack.client, project.id, set.id);
  const { rows } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY subject_id', [workflowId]);
  const subjectIds = rows.map((row) => row.subject_id as string);
  const words = 'dear sir the vestry met today to consider the state of the roof and the bells yours faithfully'.split(' ');
  const letter = Array.from({ length: 300 }, (_, i) => words[(i * 7) % words.length]!);
  const transcribe = async (v: number, subjectId: string, volunteer: ChorusClient) => {
    const text = letter.map((word, i) => `${i % 29 === v ? `${word}s` : word}${(i + v) % (9 + v) === 0 ? '\n' : ' '}`).join('').trim();
    await volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: text }] }, randomUUID());
  };
  for (let v = 0; v < 3; v++) {
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    for (const subjectId of subjectIds) await transcribe(v, subjectId, volunteer);
  }
  const late = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const worker = await idleWorkerContext();
  const [service, reaggregation] = [worker.get(AggregationService), worker.get(ReaggregationService)];
  // The late answer's job is not taken: this drain is the only one.
  await worker.get(AggregationProcessor).worker.close();
  const batches: { deferred: number; computed: number; subjects: string[] }[] = [];
  let lateSent = false;
  const aggregateSubjects = service.aggregateSubjects.bind(service);
  jest.spyOn(service, 'aggregateSubjects').mockImplementation(async (keys) => {
    const aggregated = await aggregateSubjects(keys);
    const { outcomes } = aggregated;
    // Only this workflow's: the worker's own passes (re-learning skills) may re-aggregate others' meanwhile.
    if (keys.some((key) => key.workflowId !== workflowId)) return aggregated;
    const computed = keys.filter((key) => outcomes.get(keyOf(key)) !== 'deferred').map((key) => key.subjectId);
    batches.push({ deferred: outcomes.size - computed.length, computed: computed.length, subjects: computed });
    // The first subject, answered again once its first batch is done: it waits for the round to reach it again.
    if (!lateSent) {
      lateSent = true;
      await transcribe(3, subjectIds[0]!, late);
    }
    return aggregated;
  });
  const counts = async () =>
    (
      await stack.db.query(
        `SELECT count(*) FILTER (WHERE aggregated_count = classification_count)::int AS aggregated, (SELECT count(*)::int FROM consensus WHERE workflow_id = $1) AS consensus
         FROM subject_workflow_status WHERE workflow_id = $1`,
        [workflowId],
      )
    ).rows[0];
  const report = await service.drainOutbox(workflowId);
  expect(report).toMatchObject({ aggregated: 41, retired: 0, routedOut: 0, failed: [] });
  expect(await outbox(workflowId)).toEqual([]);
  expect(batches.length).toBeGreaterThan(1);
  expect(batches[0]!.deferred).toBeGreaterThan(0);
  expect(batches.every((batch) => batch.computed > 0)).toBe(true);
  // Every other subject was computed before the first came round again.
  const order = batches.flatMap((batch) => batch.subjects);
  expect(order.indexOf(subjectIds[0]!, 1)).toBe(40);
  expect(new Set(order.slice(0, 40))).toEqual(new Set(subjectIds));
  expect(await counts()).toEqual({ aggregated: 40, consensus: 40 });

  // A whole re-aggregation goes on from the first subject a batch deferred, and so reaches every subject.
  await stack.db.query('DELETE FROM consensus WHERE workflow_id = $1', [workflowId]);
  batches.length = 0;
  const progress = await reaggregation.reaggregate(workflowId, 'all', undefined, async () => undefined);
  await stack.stopWorker();
  await emptyAggregationQueue(); // the late answer's job, left waiting
  expect(batches.some((batch) => batch.deferred > 0)).toBe(true);
  expect(progress).toMatchObject({ done: 40, total: 40 });
  expect(await counts()).toEqual({ aggregated: 40, consensus: 40 });
}, 120_000); // 160 long alignments, twice: some 20 s alone, more on a busy machine

describe('the retired fronts of sequential order', () => {
  /** The external id of the member at the retired front of the workflow's set; none before it first moves. */
  const frontOf = async (workflowId: string): Promise<string | null> =>
    (await stack.db.query('SELECT s.external_id FROM workflow_subject_sets l LEFT JOIN subjects s ON s.id = l.front_subject_id WHERE l.workflow_id = $1', [workflowId])).rows[0].external_id;
  const subjectOf = async (workflowId: string, externalId: string): Promise<string> =>
    (await stack.db.query('SELECT st.subject_id FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1 AND s.external_id = $2', [workflowId, externalId])).rows[0].subject_id;

  it('move after the drains of a sequential workflow only, and of one a new version makes sequential, as that version is saved', async () => {
    const subjects = ['a', 'b', 'c'].map((externalId) => ({ externalId }));
    const random = await workflowWith(subjects, 1);
    const sequential = await workflowWith(subjects, 1, 'sequential');
    for (const { workflowId } of [random, sequential]) await classify(workflowId, await subjectOf(workflowId, 'a'), 'yes');
    const worker = await idleWorkerContext();
    const processor = worker.get(AggregationProcessor);
    // Its jobs are run here, one by one: the queue's own runs (of the API's requests) would race the test's.
    await processor.worker.close();
    const drain = (workflowId: string) => processor.process({ name: 'aggregate-workflow', data: { workflowId } } as Parameters<AggregationProcessor['process']>[0]);
    expect(await drain(random.workflowId)).toMatchObject({ aggregated: 1, retired: 1 });
    expect(await drain(sequential.workflowId)).toMatchObject({ aggregated: 1, retired: 1 });
    // Random order never walks from the fronts: its drain leaves them at the start of the set, past a retired subject.
    expect(await frontOf(random.workflowId)).toBeNull();
    expect(await frontOf(sequential.workflowId)).toBe('b');

    // A new version switches it to sequential order: the API asks for a drain, which finds nothing to aggregate and
    // moves the front (it read no definition: it reads the current version's).
    await stack.client.updateWorkflow(random.workflowId, {
      name: 'W', firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Q', algorithm: 'vote', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      retirement: { rule: 'count', count: 1 },
      selection: { order: 'sequential', goldStandardRate: 0 },
    });
    const queue = new Queue('aggregation', { connection: { url: stack.config.redisUrl }, prefix: stack.config.queuePrefix });
    const asked = (await queue.getJobs(['waiting'])).filter((job) => job.data.workflowId === random.workflowId);
    await queue.close();
    expect(asked).toHaveLength(1);
    expect(await drain(random.workflowId)).toMatchObject({ aggregated: 0, retired: 0 });
    await stack.stopWorker();
    expect(await frontOf(random.workflowId)).toBe('b');
  });

  it('move after a re-aggregation that retires subjects of a sequential workflow only', async () => {
    const subjects = ['a', 'b', 'c'].map((externalId) => ({ externalId }));
    const random = await workflowWith(subjects, 3);
    const sequential = await workflowWith(subjects, 3, 'sequential');
    for (const { workflowId } of [random, sequential]) {
      for (let i = 0; i < 2; i++) await classify(workflowId, await subjectOf(workflowId, 'a'), 'yes');
      // An easier rule, in place (a new version would ask the queue for runs and drains that would race the test's):
      // its two answers now retire 'a', but only once something aggregates it again.
      await stack.db.query("UPDATE workflow_versions SET definition = jsonb_set(definition, '{retirement,count}', '2') WHERE workflow_id = $1", [workflowId]);
    }
    const worker = await idleWorkerContext();
    // No drain runs: the re-aggregation alone retires 'a'.
    await worker.get(AggregationProcessor).worker.close();
    for (const { workflowId } of [random, sequential]) {
      expect(await frontOf(workflowId)).toBeNull();
      await worker.get(ReaggregationService).reaggregate(workflowId, 'all', undefined, async () => undefined);
      expect((await state(workflowId, await subjectOf(workflowId, 'a'))).status).toMatchObject({ retired: true });
    }
    await stack.stopWorker();
    expect(await frontOf(random.workflowId)).toBeNull();
    expect(await frontOf(sequential.workflowId)).toBe('b');
  });
});

describe('the size of the next batch', () => {
  it('shrinks to about what fitted the time budget, and after a batch that computed all it got, doubles what it asked for', () => {
    expect(nextBatchSize(250, 250, 10, 250)).toBe(15);
    expect(nextBatchSize(15, 15, 15, 250)).toBe(30);
    // The short batch at the end of a round of the outbox is no sign of the budget: the limit stays.
    expect(nextBatchSize(250, 3, 3, 250)).toBe(250);
    expect(nextBatchSize(100, 1, 0, 100)).toBe(1);
  });
});

describe('the aggregation queue', () => {
  it('turns a burst of classifications in a workflow into one waiting job, which aggregates them all', async () => {
    const { workflowId, subjectIds } = await workflowWith(['x', 'y'].map((externalId) => ({ externalId })), 10);
    for (let i = 0; i < 5; i++) for (const subjectId of subjectIds) await classify(workflowId, subjectId, 'yes');
    const queue = new Queue('aggregation', { connection: { url: stack.config.redisUrl }, prefix: stack.config.queuePrefix });
    const job = aggregationJob(workflowId);
    await queue.add(job.name, job.data, job.opts);
    // the API asked for aggregation after each classification; with the request added here, still one job waits for
    // this workflow (an earlier test may have left one of another's)
    expect((await queue.getJobs(['waiting'])).filter((waiting) => waiting.data.workflowId === workflowId)).toHaveLength(1);
    await stack.startWorker();
    for (let i = 0; i < 100 && (await outbox(workflowId)).length; i++) await new Promise((r) => setTimeout(r, 50));
    await stack.stopWorker();
    await queue.close();
    for (const subjectId of subjectIds) expect((await state(workflowId, subjectId)).status).toMatchObject({ classification_count: 5, aggregated_count: 5 });
  });
});
