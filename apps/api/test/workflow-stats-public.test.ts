import type { ChorusClient } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { QUERY_CANCELED } from '../src/common/sql';
import { WorkflowsService } from '../src/workflows/workflows.service';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';

/**
 * Every volunteer's project page reads each active workflow's stats, whose statement counts all its subjects and
 * classifications: anyone not of the project's team is answered from what this API process read in the last 30 s,
 * concurrent reads sharing one statement; the team reads the figures as they are now.
 */
let stack: Stack;
let project: { projectId: string; setId: string };
let workflowId: string;
let subjectIds: string[];
let volunteer: ChorusClient;

const TRUSTED_MS = 30_000;
const isStatsStatement = (sql: unknown) => typeof sql === 'string' && sql.includes('AS gold_standard');

/** A project, live, with a set of three subjects. */
async function liveProject(): Promise<{ projectId: string; setId: string; subjectIds: string[] }> {
  const projectId = (await stack.client.createProject({ title: `Public stats ${randomUUID().slice(0, 8)}`, status: 'live' })).id;
  const setId = (await stack.client.createSubjectSet(projectId, { name: 'Set' })).id;
  const { subjectIds } = await stack.client.addSubjects(setId, ['a', 'b', 'c'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
  return { projectId, setId, subjectIds };
}

/** An active workflow of the project's set. */
async function activeWorkflow({ projectId, setId } = project): Promise<string> {
  const { id } = await stack.client.createWorkflow(projectId, {
    name: 'Ad?',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'An advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 1 },
    subjectSetIds: [setId],
  });
  await stack.client.activateWorkflow(id);
  return id;
}

beforeAll(async () => {
  stack = await startStack();
  ({ subjectIds, ...project } = await liveProject());
  workflowId = await activeWorkflow();
  volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
});
afterAll(() => stack.stop());
afterEach(() => jest.restoreAllMocks());

function publicStatsOf(service: WorkflowsService): { current: (id: string) => Promise<unknown> } {
  return (service as unknown as { publicStats: { current: (id: string) => Promise<unknown> } }).publicStats;
}

async function classifyAndRetire(subjectId: string): Promise<void> {
  const someoneElse = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  await someoneElse.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'the worker to aggregate and retire the subject');
}

it('answers volunteers and the signed-out the same figures, and asOf, for 30 s, while the team sees a retirement at once', async () => {
  const before = await volunteer.stats(workflowId);
  expect(before).toMatchObject({ subjects: 3, retired: 0, classifications: 0, volunteers: 0 });

  await classifyAndRetire(subjectIds[0]!);

  expect(await stack.client.stats(workflowId)).toMatchObject({ subjects: 3, retired: 1, classifications: 1, volunteers: 1 });
  expect(await volunteer.stats(workflowId)).toEqual(before);
  expect(await stack.anonymous.stats(workflowId)).toEqual(before);

  const clock = jest.spyOn(Date, 'now');
  clock.mockReturnValue(Date.now() + TRUSTED_MS + 1);
  const after = await volunteer.stats(workflowId);
  expect(after).toMatchObject({ subjects: 3, retired: 1, classifications: 1, volunteers: 1 });
  expect(after.asOf > before.asOf).toBe(true);
});

it('runs one statement for public reads at once', async () => {
  const service = stack.app.get(WorkflowsService);
  const publicStats = publicStatsOf(service);
  const asked = jest.spyOn(publicStats, 'current');
  const db = stack.app.get(DataSource);
  const query = db.query.bind(db);
  let statements = 0;
  // The first read's statement waits until the second read has asked too (or run its own), so that it is still running then.
  jest.spyOn(db, 'query').mockImplementation(async (sql, parameters, runner) => {
    if (isStatsStatement(sql) && Array.isArray(parameters) && parameters[0] === workflowId) {
      statements += 1;
      await until(async () => asked.mock.calls.length >= 2 || statements >= 2, 'both public reads to ask');
    }
    return query(sql, parameters, runner);
  });
  jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 2 * (TRUSTED_MS + 1));

  const [first, second] = await Promise.all([volunteer.stats(workflowId), stack.anonymous.stats(workflowId)]);
  expect(second).toEqual(first);
  expect(statements).toBe(1);
});

it('reads each workflow’s public figures by a statement of its own, so one that is slow and ends on the timeout neither delays nor fails another’s', async () => {
  const [slow, other] = [await activeWorkflow(), await activeWorkflow()];
  const publicStats = publicStatsOf(stack.app.get(WorkflowsService));
  const db = stack.app.get(DataSource);
  const query = db.query.bind(db);
  let otherAnswered = false;
  // The slow workflow's statement runs until the other's figures are answered (or 5 s), then the database ends it.
  jest.spyOn(db, 'query').mockImplementation(async (sql, parameters, runner) => {
    if (isStatsStatement(sql) && Array.isArray(parameters) && parameters[0] === slow) {
      await until(async () => otherAnswered, 'the other workflow’s figures', 5_000).catch(() => undefined);
      throw Object.assign(new Error('canceling statement due to statement timeout'), { code: QUERY_CANCELED });
    }
    return query(sql, parameters, runner);
  });

  // Asked in one moment, as a project page's workflows are.
  const [slowRead, otherRead] = await Promise.allSettled([
    publicStats.current(slow),
    publicStats.current(other).finally(() => {
      otherAnswered = true;
    }),
  ]);
  expect(otherRead).toMatchObject({ status: 'fulfilled', value: { subjects: 3, retired: 0 } });
  expect(slowRead).toMatchObject({ status: 'rejected', reason: { code: QUERY_CANCELED } });
});

it('answers 404 to a public read at once once the project is back in draft, though its figures are remembered', async () => {
  const drafted = await liveProject();
  const workflow = await activeWorkflow(drafted);
  expect(await volunteer.stats(workflow)).toMatchObject({ subjects: 3 });
  await stack.client.updateProject(drafted.projectId, { status: 'draft' });
  expect(await volunteer.stats(workflow).then(() => 200, (error) => error.status)).toBe(404);
  expect(await stack.anonymous.stats(workflow).then(() => 200, (error) => error.status)).toBe(404);
});
