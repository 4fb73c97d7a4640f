import type { ChorusClient, WorkflowInput } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import type { Stack } from './stack';
import { laggingSubjects, until } from './waiting';

/**
 * An active workflow of a new live project (one yes/no task, retired after `retireAfter` classifications) over text
 * subjects of these externalIds and metadata, uploaded in this order. Returns it with its project's id and its
 * subjects' ids by externalId.
 */
export async function yesNoWorkflow(stack: Stack, subjects: { externalId: string; metadata?: Record<string, unknown> }[], retireAfter = 5) {
  const project = await stack.client.createProject({ title: `Yes or no ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  const { subjectIds } = await stack.client.addSubjects(set.id, subjects.map((subject) => ({ ...subject, locations: [{ type: 'text' as const, text: subject.externalId }] })));
  const { id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'W',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: retireAfter },
    subjectSetIds: [set.id],
  });
  await stack.client.activateWorkflow(workflowId);
  return { projectId: project.id, workflowId, idOf: Object.fromEntries(subjects.map((subject, index) => [subject.externalId, subjectIds[index]!])) };
}

/**
 * An active workflow of a new live project: one yes/no task aggregated by vote, over `count` new text subjects,
 * retired after `retireAfter` classifications. Returns it with its project's id and its subjects' ids, in id order. A vote, not bayes (the
 * default for two answers): a starting worker's skills estimate re-aggregates bayes workflows, which would hide
 * whether anything else aggregated them; `bayes` for a test of what weighing by skill calls for.
 */
export async function voteWorkflow(
  stack: Stack,
  count: number,
  retireAfter = 5,
  algorithm: 'vote' | 'bayes' = 'vote',
): Promise<{ projectId: string; workflowId: string; subjectIds: string[] }> {
  const project = await stack.client.createProject({ title: `Vote ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  await stack.client.addSubjects(set.id, Array.from({ length: count }, (_, i) => ({ externalId: `v${i}`, locations: [{ type: 'text' as const, text: `Subject ${i}` }] })));
  const { id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'W',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Q', algorithm, answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: retireAfter },
    subjectSetIds: [set.id],
  });
  await stack.client.activateWorkflow(workflowId);
  const { rows } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY subject_id', [workflowId]);
  return { projectId: project.id, workflowId, subjectIds: rows.map((row) => row.subject_id as string) };
}

/**
 * About how many bytes a subject of `bigConsensusDownload` adds to its consensus as CSV uncompressed (its metadata's
 * padding; its other columns add a few hundred more): tests size their downloads from it.
 */
export const BIG_CONSENSUS_SUBJECT_BYTES = 5_000;

/**
 * A workflow of a new live project over `count` text subjects whose long metadata makes its consensus, as CSV
 * uncompressed, about `BIG_CONSENSUS_SUBJECT_BYTES` a subject: many megabytes, far more than the socket buffers on the
 * way hold, for tests of downloads that stream while unread (gzipped, this repetitive metadata would fit in them). Few
 * rows this large are quick to stream, where as many megabytes of small rows take the API seconds. The subjects are
 * stored and put in the set by one SQL statement: the upload is not what those tests test. Returns the project's id
 * and the download's URL.
 */
export async function bigConsensusDownload(stack: Stack, title: string, count: number): Promise<{ projectId: string; url: string }> {
  const project = await stack.client.createProject({ title: `${title} ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Many' });
  await stack.db.query(
    `WITH made AS (
       INSERT INTO subjects (project_id, locations, metadata, external_id)
       SELECT $1, '[{"type":"text","text":"t"}]', jsonb_build_object('padding', repeat('x', $4)), g::text FROM generate_series(1, $3::int) g RETURNING id, external_id)
     INSERT INTO subject_set_members (subject_set_id, subject_id, position) SELECT $2, id, external_id::bigint FROM made`,
    [project.id, set.id, count, BIG_CONSENSUS_SUBJECT_BYTES],
  );
  const { id } = await stack.client.createWorkflow(project.id, {
    name: 'W', firstTask: 'T0', tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] } }, subjectSetIds: [set.id],
  });
  return { projectId: project.id, url: `${stack.baseUrl}/api/v1/workflows/${id}/consensus?format=csv` };
}

/**
 * An active transcription workflow (T0, "Type the letter", retired after 5) of a new live project of the researcher's,
 * over a text subject of each externalId in `names`; returns it with its subjects' ids by externalId.
 */
export async function transcriptionWorkflow(researcher: ChorusClient, names: readonly string[], title = 'Letters'): Promise<{ workflowId: string; idOf: Record<string, string> }> {
  const project = await researcher.createProject({ title: `${title} ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await researcher.createSubjectSet(project.id, { name: 'Letters' });
  const { subjectIds } = await researcher.addSubjects(set.id, names.map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `The ${externalId}` }] })));
  const workflowId = await activeTranscriptionWorkflow(researcher, project.id, set.id);
  return { workflowId, idOf: Object.fromEntries(names.map((name, index) => [name, subjectIds[index]!])) };
}

/** An active one-task transcription workflow (T0, "Type the letter") of the project over the set, retired after `retireAfter`; its id. */
export async function activeTranscriptionWorkflow(researcher: ChorusClient, projectId: string, subjectSetId: string, retireAfter = 5): Promise<string> {
  const { id } = await researcher.createWorkflow(projectId, {
    name: 'Transcribe the letters',
    firstTask: 'T0',
    tasks: { T0: { type: 'transcription', instruction: 'Type the letter' } },
    retirement: { rule: 'count', count: retireAfter },
    subjectSetIds: [subjectSetId],
  });
  await researcher.activateWorkflow(id);
  return id;
}

/**
 * An active workflow of a new live project of the researcher's that transcribes each text subject (T0, "Type the
 * minute") and asks whether it is dated (T1, "Is it dated?": `yes` "Dated" or `no` "Not dated"), retired after
 * `retireAfter` classifications; returns the project, the workflow and its subjects' ids by externalId.
 */
export async function transcribeAndDateWorkflow(researcher: ChorusClient, subjects: readonly { externalId: string; metadata?: Record<string, unknown> }[], retireAfter: number) {
  const project = await researcher.createProject({ title: `Minutes ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await researcher.createSubjectSet(project.id, { name: 'Minutes' });
  const { subjectIds } = await researcher.addSubjects(set.id, subjects.map((subject) => ({ ...subject, locations: [{ type: 'text' as const, text: `The minute ${subject.externalId}` }] })));
  const { id: workflowId } = await researcher.createWorkflow(project.id, {
    name: 'Transcribe and date',
    firstTask: 'T0',
    tasks: {
      T0: { type: 'transcription', instruction: 'Type the minute', next: 'T1' },
      T1: { type: 'single', question: 'Is it dated?', answers: [{ value: 'yes', label: 'Dated' }, { value: 'no', label: 'Not dated' }] },
    },
    retirement: { rule: 'count', count: retireAfter },
    subjectSetIds: [set.id],
  });
  await researcher.activateWorkflow(workflowId);
  return { project, setId: set.id, workflowId, idOf: Object.fromEntries(subjects.map((subject, index) => [subject.externalId, subjectIds[index]!])) };
}

/**
 * A yes/no workflow of the researcher's (`researcher`) aggregated by `bayes` (the default for two answers), whose
 * consensus is an answer fewer volunteers gave: six gold-standard subjects and `open` others (true answer "yes"), each
 * answered by one careful volunteer and two contrary ones, who give the wrong answer every time. The last open
 * subject's retirement (at its third answer) completes the workflow, and the worker's whole run on completion learns
 * the skills from gold: every subject's consensus is then the careful volunteer's, 1 vote of 3. Resolves once that run
 * has ended; returns the workflow with its subjects' ids by externalId (`gold-<n>`, `open-<n>`). `volunteers`: the careful
 * one then the two contrary ones (three guests by default).
 */
export async function carefulMinorityWorkflow(
  stack: Stack,
  researcher: ChorusClient,
  open = 1,
  volunteers?: () => Promise<ChorusClient[]>,
): Promise<{ workflowId: string; idOf: Record<string, string> }> {
  const project = await researcher.createProject({ title: `Careful minority ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await researcher.createSubjectSet(project.id, { name: 'Set' });
  const known = ['yes', 'no', 'yes', 'no', 'yes', 'no'];
  const gold = known.map((answer, i) => ({ externalId: `gold-${i}`, goldStandard: { T0: answer }, locations: [{ type: 'text' as const, text: `Gold ${i}` }] }));
  const others = Array.from({ length: open }, (_, i) => ({ externalId: `open-${i}`, locations: [{ type: 'text' as const, text: `Open ${i}` }] }));
  const { subjectIds } = await researcher.addSubjects(set.id, [...gold, ...others]);
  const { id: workflowId } = await researcher.createWorkflow(project.id, {
    name: 'Ad or not?',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Is this an advertisement?', answers: [{ value: 'yes', label: 'Yes, an advert' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 3 },
    subjectSetIds: [set.id],
  });
  await researcher.activateWorkflow(workflowId);
  const [careful, ...contrary] = volunteers ? await volunteers() : await Promise.all([0, 1, 2].map(async () => stack.anonymous.withToken((await stack.anonymous.guest()).token)));
  const flip = (answer: string) => (answer === 'yes' ? 'no' : 'yes');
  for (const index of subjectIds.keys()) {
    const truth = known[index] ?? 'yes';
    for (const [volunteer, answer] of [[careful!, truth], ...contrary.map((client) => [client, flip(truth)] as const)] as const) {
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[index]!, annotations: [{ task: 'T0', value: answer }] }, randomUUID());
    }
  }
  await until(async () => (await researcher.reaggregations(workflowId)).runs.some((run) => run.reason === 'completion' && run.finishedAt), 'the run on completion to end');
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'aggregation to catch up');
  return { workflowId, idOf: Object.fromEntries([...gold, ...others].map((subject, index) => [subject.externalId, subjectIds[index]!])) };
}

/**
 * A workflow's tasks that branch: "Is there an advertisement?" yes → "What is advertised?" (soap or tea), no → the end.
 * Plurality votes: under bayes (the default for two answers) the worker's skills pass could change a test's consensus.
 */
export const advertisementTasks = {
  T0: { type: 'single' as const, question: 'Is there an advertisement?', algorithm: 'vote' as const, answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
  T1: { type: 'single' as const, question: 'What is advertised?', algorithm: 'vote' as const, answers: [{ value: 'soap', label: 'Soap' }, { value: 'tea', label: 'Tea' }] },
};

/** A volunteer's annotations of `advertisementTasks`: yes and what is advertised, or no. */
export const advertisementAnswers = (advertised?: 'soap' | 'tea') => (advertised ? [{ task: 'T0', value: 'yes' }, { task: 'T1', value: advertised }] : [{ task: 'T0', value: 'no' }]);

/**
 * The researcher's (`researcher`) workflow of `advertisementTasks` retired by either of two agreement rules, on T0 (3
 * answers) or T1 (2), each at most 3 classifications; its subjects aggregated and retired: "agreed", whose two answers
 * to T1 agree before T0 has its three, and "capped", which reaches 3 classifications with neither rule met.
 */
export async function twoRulesWorkflow(stack: Stack, researcher: ChorusClient): Promise<{ workflowId: string; idOf: Record<'agreed' | 'capped', string> }> {
  const project = await researcher.createProject({ title: `Which rule ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await researcher.createSubjectSet(project.id, { name: 'Set' });
  const { subjectIds: [agreed, capped] } = await researcher.addSubjects(set.id, ['agreed', 'capped'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
  const { id: workflowId } = await researcher.createWorkflow(project.id, {
    name: 'Ads',
    firstTask: 'T0',
    tasks: advertisementTasks,
    retirement: {
      rule: 'any',
      rules: [
        { rule: 'agreement', task: 'T0', minimum: 3, threshold: 1, maximum: 3 },
        { rule: 'agreement', task: 'T1', minimum: 2, threshold: 1, maximum: 3 },
      ],
    },
    subjectSetIds: [set.id],
  });
  await researcher.activateWorkflow(workflowId);
  const plan: [string, ReturnType<typeof advertisementAnswers>[]][] = [
    [agreed!, [advertisementAnswers('soap'), advertisementAnswers('soap')]],
    [capped!, [advertisementAnswers(), advertisementAnswers(), advertisementAnswers('tea')]],
  ];
  for (const [subjectId, answers] of plan) {
    for (const annotations of answers) {
      const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations }, randomUUID());
    }
  }
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0 && (await researcher.stats(workflowId)).retired === 2, 'aggregation');
  return { workflowId, idOf: { agreed: agreed!, capped: capped! } };
}

/**
 * A live project of `sets` subject sets ("Set 0", "Set 1"…) of `count` text subjects each (external ids s<set>-<nnn>,
 * in set order), served by an active yes/no workflow retiring at 3 classifications, with `extra` in its definition: the
 * queue's tests' workflow.
 */
export async function queueWorkflow(stack: Stack, count: number, extra: Partial<WorkflowInput> = {}, sets = 1) {
  const project = await stack.client.createProject({ title: `Queue ${randomUUID().slice(0, 8)}`, status: 'live' });
  const setIds: string[] = [];
  for (let s = 0; s < sets; s++) {
    const set = await stack.client.createSubjectSet(project.id, { name: `Set ${s}` });
    await stack.client.addSubjects(set.id, Array.from({ length: count }, (_, i) => ({ externalId: `s${s}-${String(i).padStart(3, '0')}`, locations: [{ type: 'text' as const, text: `Subject ${s}-${i}` }] })));
    setIds.push(set.id);
  }
  const tasks = { T0: { type: 'single' as const, question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } };
  const { id } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'T0', tasks, retirement: { rule: 'count', count: 3 }, ...extra, subjectSetIds: setIds });
  await stack.client.activateWorkflow(id);
  return { workflowId: id, setIds, projectId: project.id };
}

/**
 * An active workflow of a new live project of the researcher's (`researcher`): one marking task, T0, a penguin point
 * tool (within `penguinLimits`' min and max, if given) and a sign rectangle tool, over one subject, `colony-1`, the image at
 * `imageUrl`; each of `answers` classified by a guest of its own, then aggregated. Returns the workflow's and the subject's ids.
 */
export async function penguinMarkingWorkflow(stack: Stack, researcher: ChorusClient, imageUrl: string, answers: readonly unknown[][], penguinLimits: { min?: number; max?: number } = {}): Promise<{ workflowId: string; colony: string }> {
  const project = await researcher.createProject({ title: 'Penguin counts', status: 'live' });
  const set = await researcher.createSubjectSet(project.id, { name: 'Colonies' });
  const { subjectIds: [colony] } = await researcher.addSubjects(set.id, [{ externalId: 'colony-1', locations: [{ type: 'image', url: imageUrl, alt: 'Penguins on the ice' }] }]);
  const penguin = { key: 'penguin', label: 'Penguin', shape: 'point' as const, ...penguinLimits };
  const { id: workflowId } = await researcher.createWorkflow(project.id, {
    name: 'Penguins',
    firstTask: 'T0',
    tasks: { T0: { type: 'marking', instruction: 'Mark each penguin and each sign', tools: [penguin, { key: 'sign', label: 'Sign', shape: 'rectangle' }] } },
    retirement: { rule: 'count', count: 5 },
    subjectSetIds: [set.id],
  });
  await researcher.activateWorkflow(workflowId);
  for (const value of answers) {
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: colony!, annotations: [{ task: 'T0', value }] }, randomUUID());
  }
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'aggregation');
  return { workflowId, colony: colony! };
}
