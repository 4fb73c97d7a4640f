import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';

let stack: Stack;

beforeAll(async () => {
  // The API's Redis is unreachable; the worker's is fine: as when Redis was down while volunteers submitted.
  stack = await startStack({ worker: false, env: { REDIS_URL: 'redis://127.0.0.1:1' } });
});
afterAll(async () => {
  await stack.stop();
});

async function lagging(workflowId: string): Promise<number> {
  const { rows: [row] } = await stack.db.query('SELECT count(*)::int AS n FROM subject_workflow_status WHERE workflow_id = $1 AND aggregated_count < classification_count', [workflowId]);
  return row.n;
}

it('accepts classifications while Redis is down, and aggregates them once a worker reconciles', async () => {
  const health = await fetch(`${stack.baseUrl}/api/v1/health`);
  expect(health.status).toBe(503);
  expect(await health.json()).toEqual({ status: 'degraded', postgres: 'up', redis: 'down' });

  const project = await stack.client.createProject({ title: 'Redis away', status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  await stack.client.addSubjects(set.id, [1, 2, 3].map((i) => ({ externalId: `r${i}`, locations: [{ type: 'text' as const, text: `Subject ${i}` }] })));
  const { id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'W',
    firstTask: 'T0',
    // A vote, not bayes (the default for two answers): the worker's skills estimate at boot would re-aggregate a bayes
    // workflow, and so catch up without the reconciler.
    tasks: { T0: { type: 'single', question: 'Q', algorithm: 'vote', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 1 },
    subjectSetIds: [set.id],
  });
  await stack.client.activateWorkflow(workflowId);
  const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const queue = await volunteer.queue(workflowId);
  const add = jest.spyOn(stack.app.get<Queue>(getQueueToken('aggregation'), { strict: false }), 'add');
  for (const subject of queue.subjects) {
    const result = await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: subject.id, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    expect(result.replayed).toBe(false);
  }
  expect(await lagging(workflowId)).toBe(3);
  // Once an add has failed, the next submits do not each wait on Redis: they leave the work to the reconciler.
  expect(add).toHaveBeenCalledTimes(1);
  add.mockRestore();

  await stack.startWorker({ reconcileEveryMs: 200, reconcileGraceMs: 0 });
  for (let i = 0; i < 100 && (await lagging(workflowId)) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await lagging(workflowId)).toBe(0);
  expect(await stack.client.stats(workflowId)).toMatchObject({ retired: 3, classifications: 3 });
});

it('reports the lag in /metrics, and a scrape that could not reach Redis', async () => {
  const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
  expect(text).toMatch(/^chorus_aggregation_lagging_subjects 0$/m);
  expect(text).toMatch(/^chorus_metrics_scrape_ok 0$/m);
});
