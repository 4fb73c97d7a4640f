import { getQueueToken } from '@nestjs/bullmq';
import type { ChorusClient } from '@chorus/client';
import { type VolunteerSkills, learnSkills, skillsDiffer } from '@chorus/consensus';
import { type WorkflowDefinition, annotationsReadableUnder, workflowDefinitionSchema } from '@chorus/tasks';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { testRedis } from '../../../test/support/services';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { AggregationService } from '../src/aggregation/aggregation.service';
import { WorkflowDefinitions } from '../src/aggregation/workflow-definitions';
import { ReconcilerService } from '../src/maintenance/reconciler.service';
import { ReaggregationService } from '../src/reaggregation/reaggregation.service';
import { SkillsRepository } from '../src/skills/skills.repository';
import { SkillsService } from '../src/skills/skills.service';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack.stop();
});

async function volunteer(): Promise<ChorusClient> {
  return stack.anonymous.withToken((await stack.anonymous.guest()).token);
}

/**
 * Six gold-standard subjects and an open one, each answered by one careful volunteer and two contrary ones, who give
 * the wrong answer every time: a plurality vote follows the contrary pair. With `effectsInto`, the workflow's effects
 * route "yes" subjects into a set of that name, "no" ones into another (`routedTo`). A last subject nobody answers.
 */
async function contraryMajority(title: string, count = 10, effectsInto?: { yes: string; no: string }) {
  const project = await stack.client.createProject({ title, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  const routedTo = effectsInto && { yes: await stack.client.createSubjectSet(project.id, { name: effectsInto.yes }), no: await stack.client.createSubjectSet(project.id, { name: effectsInto.no }) };
  const gold = ['yes', 'no', 'yes', 'no', 'yes', 'no'].map((answer, i) => ({ externalId: `gold-${i}`, goldStandard: { T0: answer }, locations: [{ type: 'text' as const, text: `Gold ${i}` }] }));
  await stack.client.addSubjects(set.id, [...gold, { externalId: 'open', locations: [{ type: 'text' as const, text: 'Open question' }] }]);
  const { id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'W',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count },
    subjectSetIds: [set.id],
    effects: routedTo ? (['yes', 'no'] as const).map((answer) => ({ when: { task: 'T0', answer }, addToSubjectSet: routedTo[answer].id })) : [],
  });
  await stack.client.activateWorkflow(workflowId);
  const { rows } = await stack.db.query('SELECT s.id, s.external_id, s.gold_standard FROM subjects s JOIN subject_workflow_status st ON st.subject_id = s.id WHERE st.workflow_id = $1', [workflowId]);
  const flip = (answer: string) => (answer === 'yes' ? 'no' : 'yes');
  const [careful, contrary1, contrary2] = [await volunteer(), await volunteer(), await volunteer()];
  for (const row of rows) {
    const truth = row.gold_standard?.T0 ?? 'yes';
    for (const [client, answer] of [[careful, truth], [contrary1, flip(truth)], [contrary2, flip(truth)]] as const) {
      await client.classify({ workflowId, workflowVersion: 1, subjectId: row.id, annotations: [{ task: 'T0', value: answer }] }, randomUUID());
    }
  }
  // Left to classify, so the workflow never completes here (completing starts a whole run of its own: completion.test.ts).
  await stack.client.addSubjects(set.id, [{ externalId: 'unanswered', locations: [{ type: 'text' as const, text: 'Nobody answered yet' }] }]);
  const open = rows.find((row) => row.external_id === 'open')!.id;
  const consensusOf = async () => (await stack.db.query('SELECT answer, algorithm FROM consensus WHERE workflow_id = $1 AND subject_id = $2', [workflowId, open])).rows[0];
  return { project, set, workflowId, open, consensusOf, routedTo };
}

it('weighs volunteers by the skill learned from gold standard, overturning an adversarial majority', async () => {
  const { project, set, workflowId, open, consensusOf } = await contraryMajority('Skills');

  const worker = await stack.startWorker();
  await worker.get(AggregationService).aggregateSubject(workflowId, open);
  expect(await consensusOf()).toEqual({ answer: 'no', algorithm: 'plurality-vote' });

  await worker.get(SkillsService).estimateAll();
  const { rows: [skills] } = await stack.db.query('SELECT count(*)::int AS volunteers, array_agg(DISTINCT evidence) AS evidence FROM volunteer_skills WHERE workflow_id = $1', [workflowId]);
  // Each answered the 7 subjects: the evidence is their own answers, the crowd's pseudo-classifications left out.
  expect(skills).toEqual({ volunteers: 3, evidence: [7] });
  // The first skills learned start a whole run, which learns them again: it ends before the newcomers below answer.
  await until(async () => (await stack.client.reaggregations(workflowId)).runs.some((run) => run.finishedAt), 'the whole run to end');
  await worker.get(AggregationService).aggregateSubject(workflowId, open);
  expect(await consensusOf()).toEqual({ answer: 'yes', algorithm: 'bayesian-confusion' });

  // A subject answered only by newcomers (no skill learned) is reduced by skill all the same, alone or in any batch:
  // the method is the workflow's, not the batch's; and a tie keeps the leaders' share as its agreement.
  await stack.client.addSubjects(set.id, [{ externalId: 'newcomers', locations: [{ type: 'text' as const, text: 'New' }] }]);
  const { rows: [fresh] } = await stack.db.query("SELECT id FROM subjects WHERE external_id = 'newcomers' AND project_id = $1", [project.id]);
  for (const answer of ['yes', 'no']) {
    await (await volunteer()).classify({ workflowId, workflowVersion: 1, subjectId: fresh.id, annotations: [{ task: 'T0', value: answer }] }, randomUUID());
  }
  await worker.get(AggregationService).aggregateSubject(workflowId, fresh.id);
  await stack.stopWorker();
  const { rows: [tie] } = await stack.db.query('SELECT answer, agreement, algorithm FROM consensus WHERE workflow_id = $1 AND subject_id = $2', [workflowId, fresh.id]);
  expect(tie).toEqual({ answer: null, agreement: 0.5, algorithm: 'bayesian-confusion' });
});

it('weighs by skill, once skills are first learned, the subjects that retired before, keeping their retirement; later passes recompute the unretired only', async () => {
  // The open subject retires at its third answer, before any skill is learned.
  const { workflowId, open, consensusOf } = await contraryMajority('Skills after retirement', 3);
  const retired = async () => (await stack.db.query('SELECT retired_at IS NOT NULL AS retired FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflowId, open])).rows[0].retired;
  const worker = await stack.startWorker();
  try {
    await worker.get(AggregationService).aggregateSubject(workflowId, open);
    expect(await retired()).toBe(true);
    await worker.get(SkillsService).estimateAll();
    // Owed in Postgres first, so that the reconciler starts it should the pass stop before the queue has it.
    expect((await stack.db.query('SELECT reaggregations_requested AS n FROM workflows WHERE id = $1', [workflowId])).rows[0].n).toBe(1);
    await until(async () => (await consensusOf())?.algorithm === 'bayesian-confusion', 'the whole run to weigh the retired subject');
    expect(await consensusOf()).toEqual({ answer: 'yes', algorithm: 'bayesian-confusion' });
    expect(await retired()).toBe(true);
    await until(async () => !(await stack.client.stats(workflowId)).reaggregating, 'the run to end');

    const scopes = async () => (await stack.client.reaggregations(workflowId)).runs.map((run) => run.scope);
    await until(async () => (await scopes()).length === 1, 'the run to be recorded');
    expect(await scopes()).toEqual(['all']);
    // A newcomer's answer moves the skills: the next pass recomputes the unretired subjects.
    const gold = (await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 AND gold_standard LIMIT 1', [workflowId])).rows[0].subject_id;
    await (await volunteer()).classify({ workflowId, workflowVersion: 1, subjectId: gold, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    await worker.get(SkillsService).estimateAll();
    await until(async () => (await scopes()).length === 2, 'the next pass to be recorded');
    expect(await scopes()).toEqual(['unretired', 'all']);
  } finally {
    await stack.stopWorker();
  }
});

it('routes a retired subject again when the first skills learned flip its consensus: out of the set its first answer put it in, into the other', async () => {
  const { workflowId, open, consensusOf, routedTo } = await contraryMajority('Skills flip the routing', 3, { yes: 'Ads', no: 'Not ads' });
  const setsOf = async () =>
    (await stack.db.query('SELECT ss.name FROM subject_set_members m JOIN subject_sets ss ON ss.id = m.subject_set_id WHERE m.subject_id = $1 ORDER BY 1', [open])).rows.map((row) => row.name);
  const worker = await stack.startWorker();
  try {
    await worker.get(AggregationService).aggregateSubject(workflowId, open);
    expect(await setsOf()).toEqual(['Not ads', 'Set']);
    await worker.get(SkillsService).estimateAll();
    await until(async () => (await consensusOf())?.algorithm === 'bayesian-confusion', 'the whole run to weigh the retired subject');
    await until(async () => !(await stack.client.stats(workflowId)).reaggregating, 'the run to end');
    expect(await consensusOf()).toEqual({ answer: 'yes', algorithm: 'bayesian-confusion' });
    expect(await setsOf()).toEqual(['Ads', 'Set']);
    expect((await stack.client.subjectResult(workflowId, open)).routing).toEqual([
      // Each decided by the consensus of its time: the plurality's "no", then the weighted "yes".
      { subjectSetId: routedTo!.no.id, name: 'Not ads', addedAt: expect.any(String), leftAt: expect.any(String), removedByResearcher: null, decidedBy: { version: 1, when: { task: 'T0', answer: 'no' }, answer: 'no', agreement: expect.any(Number) } },
      { subjectSetId: routedTo!.yes.id, name: 'Ads', addedAt: expect.any(String), leftAt: null, removedByResearcher: null, decidedBy: { version: 1, when: { task: 'T0', answer: 'yes' }, answer: 'yes', agreement: expect.any(Number) } },
    ]);
  } finally {
    await stack.stopWorker();
  }
});

it('re-learns skill before it re-aggregates a whole workflow', async () => {
  const { workflowId, consensusOf } = await contraryMajority('Skills on re-aggregation');
  // Paused, so that the starting worker's scheduled estimate (active workflows only) leaves it alone.
  await stack.client.request('POST', `/workflows/${workflowId}/pause`);
  const worker = await stack.startWorker();
  try {
    const { rows: [before] } = await stack.db.query('SELECT count(*)::int AS volunteers FROM volunteer_skills WHERE workflow_id = $1', [workflowId]);
    expect(before.volunteers).toBe(0);
    await worker.get(ReaggregationService).reaggregate(workflowId, 'all', undefined, async () => {});
    expect(await consensusOf()).toEqual({ answer: 'yes', algorithm: 'bayesian-confusion' });
  } finally {
    await stack.stopWorker();
  }
});

it('learns nothing new and starts nothing when nothing was answered since the last pass, leaving every subject unchanged', async () => {
  const { workflowId } = await contraryMajority('Skills at rest', 3);
  const worker = await stack.startWorker();
  try {
    const skills = worker.get(SkillsService);
    await skills.estimateAll();
    await until(async () => (await stack.client.reaggregations(workflowId)).runs.some((run) => run.finishedAt), 'the first skills\' whole run to end');
    await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'aggregation to catch up');
    const queue = stack.app.get<Queue>(getQueueToken('reaggregation'), { strict: false });
    const jobs = async () => (await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'])).filter((job) => job.data.workflowId === workflowId).length;
    const rows = async () =>
      (await stack.db.query(
        `SELECT st.subject_id, st.updated_at::text AS updated, (SELECT max(s.updated_at)::text FROM volunteer_skills s WHERE s.workflow_id = st.workflow_id) AS learned
         FROM subject_workflow_status st WHERE st.workflow_id = $1 ORDER BY st.subject_id`,
        [workflowId],
      )).rows;
    const [jobsBefore, rowsBefore] = [await jobs(), await rows()];

    // The six gold-standard subjects stay unretired (their rule never retires them): before, each pass recomputed them.
    await skills.estimateAll();
    await skills.estimateAll();
    expect(await jobs()).toBe(jobsBefore);
    expect(await rows()).toEqual(rowsBefore);
    expect((await stack.client.reaggregations(workflowId)).runs.map((run) => run.scope)).toEqual(['all']);
  } finally {
    await stack.stopWorker();
  }
});

/** A gold-standard subject of the workflow, which a newcomer's answer moves the skills with. */
async function goldSubject(workflowId: string): Promise<string> {
  return (await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 AND gold_standard LIMIT 1', [workflowId])).rows[0].subject_id;
}

/** Since when the workflow's unretired subjects are owed a run with its skills (null: none is). */
async function skillsRunOwedSince(workflowId: string): Promise<Date | null> {
  return (await stack.db.query('SELECT skills_reaggregation_owed_at AS since FROM workflows WHERE id = $1', [workflowId])).rows[0].since;
}

it('owes the run its moved skills call for when the queue cannot take it, so that the next pass, finding them unchanged, loses nothing', async () => {
  const { workflowId } = await contraryMajority('Skills with Redis away', 3);
  await stack.client.request('POST', `/workflows/${workflowId}/pause`); // the starting worker's own pass leaves it alone
  // No reconciler pass during the test (but the one at start), which would start the owed runs.
  const worker = await stack.startWorker({ reconcileEveryMs: 600_000 });
  // A queue whose Redis is away: nothing listens on port 1.
  const away = new Queue('reaggregation', { connection: { host: '127.0.0.1', port: 1, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => null } });
  away.on('error', () => undefined);
  try {
    const { version, definition } = await stack.client.getWorkflow(workflowId);
    const current = { version, definition: definition as WorkflowDefinition };
    const requested = async () => (await stack.db.query('SELECT reaggregations_requested AS n FROM workflows WHERE id = $1', [workflowId])).rows[0].n;
    const skills = new SkillsService(worker.get(DataSource), worker.get(SkillsRepository), worker.get(WorkflowDefinitions), away);
    expect(await skills.estimate(workflowId, current)).toBe(true); // the first skills: a whole run owed with them
    expect([await requested(), await skillsRunOwedSince(workflowId)]).toEqual([1, null]);
    await (await volunteer()).classify({ workflowId, workflowVersion: 1, subjectId: await goldSubject(workflowId), annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID()).catch(() => undefined);
    expect(await skills.estimate(workflowId, current)).toBe(true); // moved, and the queue refuses the run
    expect(await requested()).toBe(1);
    expect(await skillsRunOwedSince(workflowId)).toBeInstanceOf(Date); // owed with the skills, not lost
    expect(await skills.estimate(workflowId, current)).toBe(false); // unchanged now
  } finally {
    await away.close().catch(() => undefined);
    await stack.stopWorker();
  }
});

it('starts no run of the unretired subjects for moved skills while a whole run of the workflow waits to start, which will read them', async () => {
  const { workflowId } = await contraryMajority('Skills beside a waiting whole run', 3);
  await stack.client.request('POST', `/workflows/${workflowId}/pause`); // the starting worker's own pass leaves it alone
  const worker = await stack.startWorker({ reconcileEveryMs: 600_000 });
  // A queue no worker takes from: the whole run the first skills ask for waits there.
  const waiting = new Queue('reaggregation', { connection: { url: testRedis().url }, prefix: `skills-waiting-${randomUUID()}` });
  try {
    const { version, definition } = await stack.client.getWorkflow(workflowId);
    const current = { version, definition: definition as WorkflowDefinition };
    const skills = new SkillsService(worker.get(DataSource), worker.get(SkillsRepository), worker.get(WorkflowDefinitions), waiting);
    const scopes = async () => (await waiting.getJobs(['waiting'])).map((job) => job.data.scope);
    expect(await skills.estimate(workflowId, current)).toBe(true); // the first skills: a whole run
    expect(await scopes()).toEqual(['all']);
    await (await volunteer()).classify({ workflowId, workflowVersion: 1, subjectId: await goldSubject(workflowId), annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    expect(await skills.estimate(workflowId, current)).toBe(true); // moved
    expect(await scopes()).toEqual(['all']);
  } finally {
    await waiting.obliterate({ force: true });
    await waiting.close();
    await stack.db.query('UPDATE workflows SET skills_reaggregation_owed_at = NULL, reaggregations_done = reaggregations_requested WHERE id = $1', [workflowId]);
    await stack.stopWorker();
  }
});

it('starts the run moved skills call for when the pass that stored them died before it enqueued it', async () => {
  const { workflowId } = await contraryMajority('Skills pass killed', 3);
  await stack.client.request('POST', `/workflows/${workflowId}/pause`); // the starting worker's own pass leaves it alone
  const worker = await stack.startWorker({ reconcileEveryMs: 600_000, reconcileGraceMs: 0 });
  try {
    const { version, definition } = await stack.client.getWorkflow(workflowId);
    const current = { version, definition: definition as WorkflowDefinition };
    const runs = async () => (await stack.client.reaggregations(workflowId)).runs;
    expect(await worker.get(SkillsService).estimate(workflowId, current)).toBe(true); // the first skills, and their whole run
    await until(async () => (await runs()).some((run) => run.finishedAt), "the first skills' whole run to end");
    await (await volunteer()).classify({ workflowId, workflowVersion: 1, subjectId: await goldSubject(workflowId), annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());

    // A pass that dies once it has stored the moved skills: its enqueue never returns.
    let enqueuing!: () => void;
    const dies = new Promise<void>((resolve) => {
      enqueuing = resolve;
    });
    const dying = {
      getDeduplicationJobId: async () => null, // no whole run waits
      add: () => {
        enqueuing();
        return new Promise(() => undefined);
      },
    } as unknown as Queue;
    void new SkillsService(worker.get(DataSource), worker.get(SkillsRepository), worker.get(WorkflowDefinitions), dying).estimate(workflowId, current);
    await dies;
    // The next pass finds the skills as stored, and starts nothing; the reconciler starts the run they are owed.
    expect(await worker.get(SkillsService).estimate(workflowId, current)).toBe(false);
    expect(await worker.get(ReconcilerService).enqueueOwedReaggregations()).toBeGreaterThan(0);
    expect((await runs()).map((run) => run.scope)).toContain('unretired');
    await until(async () => (await runs()).some((run) => run.scope === 'unretired' && run.finishedAt), 'the owed run to end');
    expect(await skillsRunOwedSince(workflowId)).toBeNull(); // answered by the run, once it started
  } finally {
    await stack.stopWorker();
  }
});

it('learns skill only from the answers consensus reads: none to a choice a new version no longer offers', async () => {
  const project = await stack.client.createProject({ title: 'Skills after a choice is gone', status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  await stack.client.addSubjects(set.id, [0, 1, 2, 3].map((i) => ({ externalId: `s-${i}`, locations: [{ type: 'text' as const, text: `Subject ${i}` }] })));
  const answers = [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }, { value: 'maybe', label: 'Maybe' }];
  const version = (offered: typeof answers) => ({ name: 'W', firstTask: 'T0', tasks: { T0: { type: 'single' as const, question: 'Ad?', answers: offered, algorithm: 'bayes' as const } }, retirement: { rule: 'count' as const, count: 10 } });
  const { id: workflowId } = await stack.client.createWorkflow(project.id, { ...version(answers), subjectSetIds: [set.id] });
  await stack.client.activateWorkflow(workflowId);
  const { rows: subjects } = await stack.db.query('SELECT subject_id AS id FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY subject_id', [workflowId]);
  // Each volunteer has a way with the subjects; "maybe" is half of what the third one answered.
  const given = [
    ['yes', 'no', 'yes', 'no'],
    ['yes', 'yes', 'yes', 'no'],
    ['maybe', 'no', 'maybe', 'yes'],
  ];
  const volunteers = [await volunteer(), await volunteer(), await volunteer()];
  for (const [v, client] of volunteers.entries()) {
    for (const [i, subject] of subjects.entries()) await client.classify({ workflowId, workflowVersion: 1, subjectId: subject.id, annotations: [{ task: 'T0', value: given[v]![i]! }] }, randomUUID());
  }
  await stack.client.updateWorkflow(workflowId, version(answers.filter((answer) => answer.value !== 'maybe')));

  const worker = await stack.startWorker();
  try {
    await worker.get(SkillsService).estimateAll();
  } finally {
    await stack.stopWorker();
  }
  const { rows } = await stack.db.query('SELECT user_id, confusion FROM volunteer_skills WHERE workflow_id = $1 AND task = $2', [workflowId, 'T0']);
  const learned: VolunteerSkills = Object.fromEntries(rows.map((row) => [row.user_id, row.confusion]));
  // What consensus reads of the answers (those the volunteers gave, in the order skills are learned in), under version 2.
  const [before, after] = [workflowDefinitionSchema.parse(version(answers)), workflowDefinitionSchema.parse(version(answers.slice(0, 2)))] as WorkflowDefinition[];
  const { rows: stored } = await stack.db.query(
    `SELECT c.user_id AS volunteer, c.subject_id AS subject, c.annotations FROM classifications c WHERE c.workflow_id = $1 ORDER BY c.subject_id, c.user_id`,
    [workflowId],
  );
  const read = stored.flatMap(({ volunteer, subject, annotations }) => annotationsReadableUnder(after!, annotations, before!).map(({ value }) => ({ volunteer, subject, answer: value as string })));
  expect(read).toHaveLength(10);
  expect(skillsDiffer(learned, await learnSkills(read), 1e-9)).toBe(false);
  // Learned from every answer whole, the third volunteer's "maybe"s would weigh in.
  const whole = stored.map(({ volunteer, subject, annotations }) => ({ volunteer, subject, answer: annotations[0].value as string }));
  expect(skillsDiffer(learned, await learnSkills(whole), 1e-3)).toBe(true);
});
