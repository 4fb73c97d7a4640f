import type { ChorusClient } from '@chorus/client';
import { aggregationJob } from '@chorus/jobs';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';
import { AggregationBatcher } from '../src/aggregation/aggregation-batcher';
import { AggregationService } from '../src/aggregation/aggregation.service';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack.stop();
});

async function workflowWith(subjects: { externalId: string; goldStandard?: Record<string, unknown> }[], count = 3) {
  const project = await stack.client.createProject({ title: `Aggregation ${randomUUID().slice(0, 6)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  await stack.client.addSubjects(set.id, subjects.map((s) => ({ ...s, locations: [{ type: 'text' as const, text: s.externalId }] })));
  const { id } = await stack.client.createWorkflow(project.id, {
    name: 'W',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count },
    subjectSetIds: [set.id],
  });
  await stack.client.activateWorkflow(id);
  const { rows } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1', [id]);
  return { workflowId: id, subjectIds: rows.map((row) => row.subject_id as string) };
}

async function classify(workflowId: string, subjectId: string, value: string): Promise<string> {
  const volunteer: ChorusClient = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  return (await volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value }] }, randomUUID())).id;
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
    const fresh = (await stack.startWorker()).get(AggregationService);
    expect(await fresh.aggregateSubject(workflowId, subjectId!)).toBe('retired');
    const first = await state(workflowId, subjectId!);
    expect(await fresh.aggregateSubject(workflowId, subjectId!)).toBe('aggregated');
    expect(await state(workflowId, subjectId!)).toEqual(first);
    await stack.stopWorker();
    expect(first.status).toEqual({ classification_count: 4, aggregated_count: 4, retirement_reason: 'count', retired_by_classification_id: ids[2], retired: true });
    expect(first.consensus).toEqual([{ task: 'T0', answer: 'yes', agreement: 0.75, votes: 4, algorithm: 'plurality-vote' }]);
  });

  it('never counts gold-standard classifications toward retirement', async () => {
    const { workflowId, subjectIds: [subjectId] } = await workflowWith([{ externalId: 'gold', goldStandard: { T0: 'yes' } }], 2);
    await classify(workflowId, subjectId!, 'yes');
    await classify(workflowId, subjectId!, 'yes');
    const service = (await stack.startWorker()).get(AggregationService);
    expect(await service.aggregateSubject(workflowId, subjectId!)).toBe('aggregated');
    await stack.stopWorker();
    expect((await state(workflowId, subjectId!)).status.retired).toBe(false);
  });

  it('keeps and flags a classification that arrives after retirement', async () => {
    const { workflowId, subjectIds: [subjectId] } = await workflowWith([{ externalId: 'late' }], 1);
    await classify(workflowId, subjectId!, 'yes');
    const service = (await stack.startWorker()).get(AggregationService);
    await service.aggregateSubject(workflowId, subjectId!);
    const late = await classify(workflowId, subjectId!, 'no');
    await service.aggregateSubject(workflowId, subjectId!);
    await stack.stopWorker();
    const { rows } = await stack.db.query('SELECT after_retirement FROM classifications WHERE id = $1', [late]);
    expect(rows).toEqual([{ after_retirement: true }]);
    expect((await state(workflowId, subjectId!)).status).toMatchObject({ classification_count: 2, aggregated_count: 2, retired: true });
  });

  it('reports a subject that is not in the workflow as missing', async () => {
    const service = (await stack.startWorker()).get(AggregationService);
    expect(await service.aggregateSubject(randomUUID(), randomUUID())).toBe('missing');
    await stack.stopWorker();
  });
});

describe('aggregation in batches', () => {
  it('aggregates the subjects of jobs running at once together, each as it would be alone', async () => {
    const { workflowId, subjectIds } = await workflowWith(['a', 'b', 'c', 'd'].map((externalId) => ({ externalId })), 2);
    for (const [i, subjectId] of subjectIds.entries()) {
      await classify(workflowId, subjectId, 'yes');
      if (i % 2 === 0) await classify(workflowId, subjectId, 'no');
    }
    const batcher = (await stack.startWorker()).get(AggregationBatcher);
    const outcomes = await Promise.all(subjectIds.map((subjectId) => batcher.aggregate({ workflowId, subjectId })));
    await stack.stopWorker();
    expect(outcomes).toEqual(['retired', 'aggregated', 'retired', 'aggregated']);
    for (const [i, subjectId] of subjectIds.entries()) {
      expect((await state(workflowId, subjectId)).status).toMatchObject({ aggregated_count: i % 2 === 0 ? 2 : 1, retired: i % 2 === 0 });
    }
  });

  it('retries a failed batch one subject at a time, so only the subject that cannot be aggregated fails', async () => {
    const healthy = await workflowWith([{ externalId: 'healthy' }]);
    const broken = await workflowWith([{ externalId: 'broken' }]);
    await classify(healthy.workflowId, healthy.subjectIds[0]!, 'yes');
    await classify(broken.workflowId, broken.subjectIds[0]!, 'yes');
    await stack.db.query('UPDATE workflows SET version = 99 WHERE id = $1', [broken.workflowId]); // a version with no definition
    const batcher = (await stack.startWorker()).get(AggregationBatcher);
    const [good, bad] = await Promise.allSettled([
      batcher.aggregate({ workflowId: healthy.workflowId, subjectId: healthy.subjectIds[0]! }),
      batcher.aggregate({ workflowId: broken.workflowId, subjectId: broken.subjectIds[0]! }),
    ]);
    await stack.stopWorker();
    expect(good).toEqual({ status: 'fulfilled', value: 'aggregated' });
    expect(bad).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ message: expect.stringContaining('has no version 99') }) });
    expect((await state(healthy.workflowId, healthy.subjectIds[0]!)).status).toMatchObject({ aggregated_count: 1 });
  });
});

describe('the aggregation queue', () => {
  it('turns a burst of classifications of one subject into one waiting job', async () => {
    const { workflowId, subjectIds: [subjectId] } = await workflowWith([{ externalId: 'burst' }], 10);
    for (let i = 0; i < 5; i++) await classify(workflowId, subjectId!, 'yes');
    const queue = new Queue('aggregation', { connection: { url: stack.config.redisUrl }, prefix: stack.config.queuePrefix });
    const job = aggregationJob(workflowId, subjectId!);
    await queue.add(job.name, job.data, job.opts);
    // the API enqueued one job per classification; with the one added here, still one waits
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    await stack.startWorker();
    for (let i = 0; i < 100 && (await state(workflowId, subjectId!)).status.aggregated_count < 5; i++) await new Promise((r) => setTimeout(r, 50));
    await stack.stopWorker();
    await queue.close();
    expect((await state(workflowId, subjectId!)).status).toMatchObject({ classification_count: 5, aggregated_count: 5 });
  });
});
