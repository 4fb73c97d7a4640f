import { type ChorusApiError } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { get } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { csvTable } from '../../../test/support/csv';
import { type Stack, startStack } from '../../../test/support/stack';
import { planOf, sortsAbove } from '../../../test/support/plans';
import { consensusRows } from '../src/exports/exports.service';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { advertisementAnswers, advertisementTasks, carefulMinorityWorkflow, yesNoWorkflow } from '../../../test/support/workflows';

let stack: Stack;
let workflowId: string;
let retiredSubjectId: string;
/** The classification that retired "has, comma". */
let retiringClassificationId: string;

beforeAll(async () => {
  stack = await startStack();
  const project = await stack.client.createProject({ title: 'Export', status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  await stack.client.addSubjects(set.id, [
    { externalId: 'has, comma', locations: [{ type: 'text', text: 'One' }] },
    { externalId: 'plain', locations: [{ type: 'text', text: 'Two' }], metadata: { newspaper: 'The Daily Test', '#box': 'B1' } },
  ]);
  workflowId = (
    await stack.client.createWorkflow(project.id, {
      name: 'W',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      retirement: { rule: 'count', count: 1 },
      subjectSetIds: [set.id],
    })
  ).id;
  await stack.client.activateWorkflow(workflowId);
  const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const queue = await volunteer.queue(workflowId);
  const subject = queue.subjects.find((s) => s.externalId === 'has, comma')!;
  retiredSubjectId = subject.id;
  retiringClassificationId = (await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: subject.id, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID())).id;
  for (let i = 0; i < 100 && (await stack.client.stats(workflowId)).retired < 1; i++) await new Promise((r) => setTimeout(r, 50));
});
afterAll(() => stack.stop());

/** The CSV line of the subject whose external_id is `name` (the second cell, before any quoted one). */
const lineOf = (lines: string[], name: string) => lines.find((line) => line.split(',')[1] === name);

let outcomes: Promise<{ id: string }> | undefined;
/**
 * A workflow whose subjects' consensus has every outcome, once: "Is there an advertisement?" yes leads to a close
 * reading, a multiple choice and a tagging task. `answer`: four volunteers agree (enough); `tie`: one yes, one no;
 * `unsure`: both unsure, ticking nothing and tagging nothing; `away`: one no; `none`: no answer. Made once, aggregated.
 */
function outcomesWorkflow(): Promise<{ id: string }> {
  outcomes ??= (async () => {
    const project = await stack.client.createProject({ title: `Outcomes ${Date.now()}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Outcomes' });
    const metadata: Record<string, Record<string, unknown>> = { answer: { newspaper: 'Herald', year: 1901, '#box': 'B1', Zebra: true, tags: ['a', 'b'], éditeur: 'Dupont' }, tie: { newspaper: 'Times' } };
    const names = ['answer', 'tie', 'unsure', 'away', 'none'];
    const { subjectIds } = await stack.client.addSubjects(set.id, names.map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `The ${externalId} advertisement` }], metadata: metadata[externalId] ?? {} })));
    const idOf = Object.fromEntries(names.map((name, index) => [name, subjectIds[index]!]));
    const { id } = await stack.client.createWorkflow(project.id, {
      name: 'Outcomes',
      firstTask: 'Q',
      tasks: {
        Q: { type: 'single', question: 'Is there an advertisement?', answers: [{ value: 'yes', label: 'Yes', next: 'C' }, { value: 'no', label: 'No' }], algorithm: 'vote' },
        C: { type: 'close-reading', question: 'Which sense?', senses: [{ value: 'v', label: 'Vehicle' }, { value: 'p', label: 'Person' }], allowUnsure: true, next: 'M' },
        M: { type: 'multiple', question: 'Selling what?', answers: [{ value: 'horse', label: 'A horse' }, { value: 'cat', label: 'A cat' }, { value: 'dog', label: 'A dog' }], minChoices: 0, next: 'G' },
        G: { type: 'tagging', instruction: 'Tag it' },
      },
      retirement: { rule: 'count', count: 10 },
      subjectSetIds: [set.id],
    });
    await stack.client.activateWorkflow(id);
    const yes = (sense: string | null, choices: string[], tags: string[]) => [
      { task: 'Q', value: 'yes' },
      { task: 'C', value: sense === null ? { sense, unsure: true } : { sense } },
      { task: 'M', value: choices },
      { task: 'G', value: { add: tags, up: [], down: [] } },
    ];
    const answers: Record<string, unknown[]>[] = [
      { answer: yes('v', ['horse', 'cat', 'dog'], ['horse', 'zebra']), tie: yes('v', ['cat'], ['cat']), unsure: yes(null, [], []), away: [{ task: 'Q', value: 'no' }] },
      { answer: yes('v', ['horse', 'cat'], ['horse', 'ant']), tie: [{ task: 'Q', value: 'no' }], unsure: yes(null, [], []) },
      { answer: yes('v', ['horse', 'cat'], ['horse']) },
      { answer: yes('p', ['horse', 'dog'], ['horse', 'ant']) },
    ];
    for (const given of answers) {
      const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      for (const [name, annotations] of Object.entries(given)) {
        await volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId: idOf[name]!, annotations: annotations as { task: string; value: unknown }[] }, randomUUID());
      }
    }
    await until(async () => (await stack.client.stats(id)).classifications === 9 && !(await laggingSubjects(stack.db, id)), 'every subject aggregated');
    return { id };
  })();
  return outcomes;
}

/**
 * A live project's workflow of one question over a set that `fill` fills, active: a guest is served its subjects and
 * answers those `answering` keeps (every one unless told), each answer aggregated. Its subjects as they were served.
 */
async function classifiedOnce(title: string, fill: (setId: string) => Promise<unknown>, answering: (externalId: string | null) => boolean = () => true) {
  const project = await stack.client.createProject({ title: `${title} ${randomUUID().slice(0, 6)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: title });
  await fill(set.id);
  const { id } = await stack.client.createWorkflow(project.id, {
    name: title,
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 5 },
    subjectSetIds: [set.id],
  });
  await stack.client.activateWorkflow(id);
  const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const { subjects } = await volunteer.queue(id);
  for (const subject of subjects.filter((served) => answering(served.externalId))) {
    await volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId: subject.id, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  }
  await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'every answer aggregated');
  return { id, setId: set.id, subjects };
}

describe('consensus export', () => {
  it('streams flat CSV with one row per subject and quoted fields', async () => {
    const csv = await stack.client.consensus(workflowId, 'csv');
    const [header, ...rows] = csv.trim().split('\n');
    expect(header).toBe(
      'subject_id,external_id,subject_metadata,subject_locations,gold_standard,training,subject_set_ids,priority,retired,retired_at,retirement_reason,retirement_note,retired_by,retired_by_role,unretired_at,unretired_by,unretired_by_role,unretirement_note,unretired_retirement,retired_by_classification_id,retired_under_version,taken_down,retired_before_take_down,classification_count,draft_tries,favourites,hidden_tags,routed_into,routed_out_of,routed_from_workflow_ids,workflow_version,left_workflow,left_workflow_at,updated_at,T0_answer,T0_reached,T0_agreement,T0_votes,T0_against_plurality,T0_algorithm,T0_workflow_version,T0_known_answer,T0_result,T0_outcome,T0_reviewed,T0_reviewed_answer,T0_needs_checking,T0_consensus_changed,routing_decisions',
    );
    expect(rows).toHaveLength(2);
    const retired = rows.find((row) => row.includes('"has, comma"'))!;
    expect(retired).toMatch(new RegExp(`,"has, comma",{},"\\[{""text"":""One"",""type"":""text""}\\]",false,false,[0-9a-f-]{36},0,true,\\d{4}-\\d\\d-\\d\\dT[^,]+,count,,,,,,,,,${retiringClassificationId},1,false,,1,0,0,,,,,1,false,,\\d{4}-[^,]+Z,no,true,1,1,false,plurality-vote,1,,"{""counts"":{""no"":1},.*}",answer,,,false,,$`));
    // The researcher's metadata, private keys included (downloads are for researchers), as its JSON text in one cell.
    expect(rows.find((row) => row.includes(',plain,'))).toMatch(/,plain,"{""#box"":""B1"",""newspaper"":""The Daily Test""}","\[{""text"":""Two"",""type"":""text""}\]",false,false,[0-9a-f-]{36},0,false,,,,,,,,,,,,,false,,0,0,0,,,,,,false,,\d{4}-[^,]+Z,,,,0,,,,,,no_votes,,,,,$/);
  });

  it('gives the same rows as a JSON array and as NDJSON, the columns that hold JSON as objects, parsed once', async () => {
    const json = JSON.parse(await stack.client.consensus(workflowId, 'json'));
    const ndjson = (await stack.client.consensus(workflowId, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
    expect(json).toEqual(ndjson);
    expect(json).toContainEqual(expect.objectContaining({ external_id: 'has, comma', retired: true, workflow_version: 1, T0_answer: 'no', T0_agreement: 1, T0_votes: 1 }));
    // How the votes split, and what else the algorithm found: an object in the record, not JSON text to parse again.
    for (const rows of [json, ndjson]) {
      const retired = rows.find((row: Record<string, unknown>) => row.external_id === 'has, comma');
      expect(retired.T0_algorithm).toBe('plurality-vote');
      expect(retired.T0_result).toMatchObject({ counts: { no: 1 }, leaders: ['no'] });
      expect(rows.find((row: Record<string, unknown>) => row.external_id === 'plain').subject_metadata).toEqual({ newspaper: 'The Daily Test', '#box': 'B1' });
      // What volunteers are served of it: a text passage's own text, a list in the record.
      expect(rows.find((row: Record<string, unknown>) => row.external_id === 'plain').subject_locations).toEqual([{ type: 'text', text: 'Two' }]);
    }
  });

  it('flags a consensus that is not among the most-voted answers, as bayes makes one when skills outweigh votes', async () => {
    const { workflowId: minority, idOf } = await carefulMinorityWorkflow(stack, stack.client);
    const rows = (await stack.client.consensus(minority, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
    const open = rows.find((row) => row.subject_id === idOf['open-0']);
    expect(open).toMatchObject({ retired: true, T0_answer: 'yes', T0_agreement: 1 / 3, T0_votes: 3, T0_against_plurality: true, T0_algorithm: 'bayesian-confusion' });
    expect(open.T0_result.counts).toEqual({ yes: 1, no: 2 });
    // The careful volunteer's answer wins on the gold standard too: every row goes against its votes.
    expect(rows.map((row) => row.T0_against_plurality)).toEqual(Array(7).fill(true));
    // In CSV, true and false as the other flags are.
    expect((await stack.client.consensus(minority, 'csv')).split('\n')[1]).toMatch(/,(yes|no),true,0\.3333333333333333,3,true,bayesian-confusion,/);
    // A plurality vote is never against itself; a subject without consensus has no flag.
    const voted = (await stack.client.consensus(workflowId, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
    expect(Object.fromEntries(voted.map((row) => [row.external_id, row.T0_against_plurality]))).toEqual({ 'has, comma': false, plain: null });
    // The lab's results list those subjects alone when asked (againstPlurality), and none of the vote's.
    const against = async (id: string) => (await stack.client.subjectResults(id, { againstPlurality: true, limit: 100 })).subjects.map((subject) => subject.externalId).sort();
    expect(await against(minority)).toEqual(Object.keys(idOf).sort());
    expect(await against(workflowId)).toEqual([]);
    expect((await stack.client.subjectResults(workflowId, { limit: 100 })).subjects.length).toBe(2);
    // Decided by a vote from the next version on, none is: the worker rewrites whether it is with the consensus.
    const { definition } = await stack.client.getWorkflow(minority);
    const weighed = definition as Parameters<typeof stack.client.updateWorkflow>[1];
    const { reaggregation } = await stack.client.updateWorkflow(minority, { ...weighed, tasks: { T0: { ...weighed.tasks.T0!, algorithm: 'vote' } } as typeof weighed.tasks });
    await until(async () => (await stack.client.reaggregation(minority, reaggregation!.id)).state === 'completed', 'the vote’s re-aggregation');
    expect(await against(minority)).toEqual([]);
  });

  it('marks gold-standard subjects, and those of the training set, which are never retired', async () => {
    const project = await stack.client.createProject({ title: `Gold export ${Date.now()}` });
    const [regular, training] = [await stack.client.createSubjectSet(project.id, { name: 'Regular' }), await stack.client.createSubjectSet(project.id, { name: 'Training' })];
    await stack.client.addSubjects(regular.id, [{ externalId: 'r1', locations: [{ type: 'text', text: 'One' }] }, { externalId: 'g1', locations: [{ type: 'text', text: 'Gold' }], goldStandard: { T0: 'yes' } }]);
    await stack.client.addSubjects(training.id, [{ externalId: 't1', locations: [{ type: 'text', text: 'Practice' }], goldStandard: { T0: 'no' } }]);
    const { id } = await stack.client.createWorkflow(project.id, {
      name: 'W',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      selection: { order: 'random', goldStandardRate: 0, training: { subjectSetId: training.id, classifications: 1 } },
      subjectSetIds: [regular.id, training.id],
    });
    const rows = (await stack.client.consensus(id, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
    const marks = Object.fromEntries(rows.map((row) => [row.external_id, [row.gold_standard, row.training]]));
    expect(marks).toEqual({ r1: [false, false], g1: [true, false], t1: [true, true] });
    // Each subject's sets; a subject added to a second set has both, the older first.
    await stack.client.addSubjects(training.id, [{ externalId: 'r1', locations: [{ type: 'text', text: 'One' }] }]);
    await stack.client.request('POST', `/workflows/${id}/priorities`, { priorities: [{ subjectId: rows.find((row) => row.external_id === 'g1').subject_id, priority: 2.5 }] });
    const again = (await stack.client.consensus(id, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
    // A list in JSON and NDJSON, as annotations are; the ids joined with ';' in a CSV cell.
    expect(Object.fromEntries(again.map((row) => [row.external_id, [row.subject_set_ids, row.priority]]))).toEqual({
      r1: [[regular.id, training.id], 0],
      g1: [[regular.id], 2.5],
      t1: [[training.id], 0],
    });
    expect(
      JSON.parse(await stack.client.consensus(id, 'json')).map((row: { routed_into: unknown; routed_out_of: unknown; routed_from_workflow_ids: unknown }) => [row.routed_into, row.routed_out_of, row.routed_from_workflow_ids]),
    ).toEqual([
      [[], [], []],
      [[], [], []],
      [[], [], []],
    ]);
    // Read as CSV: subject_locations, before it, is JSON with commas in a quoted cell.
    const { header, rows: csvRows } = csvTable(await stack.client.consensus(id, 'csv'));
    const setsColumn = header.indexOf('subject_set_ids');
    expect(csvRows.map((row) => row[setsColumn]).sort()).toEqual([`${regular.id};${training.id}`, regular.id, training.id].sort());
  });

  it('says what decided each routing of routed_into (routing_decisions, the last column): the answer and version, null where not recorded, empty for a subject not routed', async () => {
    const { projectId, workflowId: id, idOf } = await yesNoWorkflow(stack, [{ externalId: 'routed' }, { externalId: 'stays' }, { externalId: 'unclassified' }], 1);
    const [later, older] = [await stack.client.createSubjectSet(projectId, { name: 'Later' }), await stack.client.createSubjectSet(projectId, { name: 'Older' })];
    const { definition } = await stack.client.getWorkflow(id);
    await stack.client.updateWorkflow(id, { ...(definition as Parameters<typeof stack.client.updateWorkflow>[1]), effects: [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: later.id }, { when: { task: 'T0' }, addToSubjectSet: older.id }] });
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    for (const [name, value] of [['routed', 'yes'], ['stays', 'no']] as const) {
      await volunteer.classify({ workflowId: id, workflowVersion: 2, subjectId: idOf[name]!, annotations: [{ task: 'T0', value }] }, randomUUID());
    }
    await until(async () => (await stack.db.query('SELECT 1 FROM effect_memberships WHERE workflow_id = $1', [id])).rowCount === 3, 'the routings');
    // A routing made before Chorus kept what decided it.
    await stack.db.query('UPDATE effect_memberships SET decided_by = NULL WHERE workflow_id = $1 AND subject_id = $2 AND subject_set_id = $3', [id, idOf.stays, older.id]);
    const rows = Object.fromEntries((await stack.client.consensus(id, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line)).map((row) => [row.external_id, row]));
    expect(rows.routed.routing_decisions).toEqual({
      [later.id]: { version: 2, when: { task: 'T0', answer: 'yes' }, answer: 'yes', agreement: 1 },
      [older.id]: { version: 2, when: { task: 'T0' }, answer: 'yes', agreement: 1 },
    });
    expect([rows.stays.routed_into, rows.stays.routing_decisions]).toEqual([[older.id], { [older.id]: null }]);
    // As the subject's results say.
    expect((await stack.client.subjectResult(id, idOf.routed!)).routing!.map((route) => [route.subjectSetId, route.decidedBy])).toEqual(Object.entries(rows.routed.routing_decisions));
    // In CSV the last cell, its JSON text; empty for a subject with no set routed into (and in externalId order the same).
    const { header, rows: csv } = csvTable(await stack.client.consensus(id, 'csv'));
    expect(header.at(-1)).toBe('routing_decisions');
    expect(JSON.parse(csv.find((cells) => cells[1] === 'routed')!.at(-1)!)).toEqual(rows.routed.routing_decisions);
    expect(csv.find((cells) => cells[1] === 'unclassified')!.at(-1)).toBe('');
    const sorted = await stack.client.consensus(id, 'ndjson', undefined, 'externalId');
    expect(sorted.trim().split('\n').map((line) => JSON.parse(line)).map((row) => [row.external_id, row.routing_decisions])).toEqual([
      ['routed', rows.routed.routing_decisions],
      ['stays', { [older.id]: null }],
      ['unclassified', null],
    ]);
  });

  it('gives a task the consensus path does not reach no answer, says so in <task>_reached, and keeps its votes in its result', async () => {
    const project = await stack.client.createProject({ title: `Branching export ${Date.now()}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Snippets' });
    const { subjectIds: [news, ad] } = await stack.client.addSubjects(set.id, ['news', 'ad'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
    const { id } = await stack.client.createWorkflow(project.id, {
      name: 'Ad or not?',
      firstTask: 'T0',
      tasks: advertisementTasks,
      retirement: { rule: 'count', count: 3 },
      subjectSetIds: [set.id],
    });
    await stack.client.activateWorkflow(id);
    // "news": the crowd says no, one volunteer yes and soap; "ad": the crowd says yes, and soap.
    for (const [newsAd, adAd] of [['no', 'yes'], ['yes', 'yes'], ['no', 'no']]) {
      const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      for (const [subjectId, value] of [[news!, newsAd!], [ad!, adAd!]] as const) {
        await volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId, annotations: advertisementAnswers(value === 'yes' ? 'soap' : undefined) }, randomUUID());
      }
    }
    await until(async () => (await stack.client.stats(id)).retired === 2 && !(await laggingSubjects(stack.db, id)), 'both subjects aggregated');
    const rows = (await stack.client.consensus(id, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
    const byName = Object.fromEntries(rows.map((row) => [row.external_id, row]));
    expect(byName.news).toMatchObject({ T0_answer: 'no', T0_reached: true, T1_answer: null, T1_agreement: null, T1_votes: 1, T1_reached: false });
    expect(byName.news.T1_result).toMatchObject({ counts: { soap: 1 }, notReached: { task: 'T0', answer: 'no' }, offPath: { answer: 'soap', agreement: 1, votes: 1 } });
    expect(byName.ad).toMatchObject({ T0_answer: 'yes', T1_answer: 'soap', T1_agreement: 1, T1_votes: 2, T1_reached: true });
    expect(byName.ad.T1_result.notReached).toBeUndefined();
    expect(byName.ad.T1_result.offPath).toBeUndefined();
    const [header] = (await stack.client.consensus(id, 'csv')).split('\n');
    expect(header).toContain('T1_answer,T1_reached,T1_agreement');
    // The lab's results say it too, in the list and on the subject's page.
    const { subjects } = await stack.client.subjectResults(id);
    expect(subjects.find((subject) => subject.id === news)!.consensus.T1).toMatchObject({ answer: null, notReached: { task: 'T0', answer: 'no' }, offPath: { answer: 'soap', agreement: 1, votes: 1 } });
    expect(subjects.find((subject) => subject.id === ad)!.consensus.T1).toMatchObject({ notReached: null, offPath: null });
    expect((await stack.client.subjectResult(id, news!)).consensus.T1).toMatchObject({ votes: 1, notReached: { task: 'T0', answer: 'no' }, result: { counts: { soap: 1 } } });
  });

  it('flags a transcription that a split "Is this page a letter?" cut off, in the download and the results (tester round 24, F2)', async () => {
    const project = await stack.client.createProject({ title: `Letters ${Date.now()}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Pages' });
    const names = ['split', 'not a letter', 'a letter'];
    const { subjectIds } = await stack.client.addSubjects(set.id, names.map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
    const idOf = Object.fromEntries(names.map((name, index) => [name, subjectIds[index]!]));
    // The tester's workflow: yes leads to a transcription; retired on two classifications, or when two agree on no.
    const { id } = await stack.client.createWorkflow(project.id, {
      name: 'Letters: find and transcribe',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'single', question: 'Is this page a letter?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
        T1: { type: 'transcription', instruction: 'Transcribe the letter line by line, as written.', mode: 'lines' },
      },
      retirement: { rule: 'any', rules: [{ rule: 'agreement', task: 'T0', answer: 'no', minimum: 2, threshold: 1, maximum: 3 }, { rule: 'count', count: 2 }] },
      subjectSetIds: [set.id],
    });
    await stack.client.activateWorkflow(id);
    const letter = 'To the Rev. Mr Allen\nSir, the bearer Wm Cole\nis a pauper of this parish';
    const yes = [{ task: 'T0', value: 'yes' }, { task: 'T1', value: letter }];
    const no = [{ task: 'T0', value: 'no' }];
    const given: Record<string, typeof yes[]> = { split: [no, yes], 'not a letter': [no, no], 'a letter': [yes, yes] };
    for (const index of [0, 1]) {
      const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      for (const name of names) await volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId: idOf[name]!, annotations: given[name]![index]! }, randomUUID());
    }
    await until(async () => (await stack.client.stats(id)).retired === 3 && !(await laggingSubjects(stack.db, id)), 'the pages aggregated and retired');
    const rows = (await stack.client.consensus(id, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
    const byName = Object.fromEntries(rows.map((row) => [row.external_id, row]));
    expect(byName.split).toMatchObject({ T0_agreement: 0.5, T1_reached: false, T1_votes: 1, T1_outcome: 'not_reached', T0_needs_checking: false, T1_needs_checking: true });
    expect(byName.split.T1_result.offPath).toMatchObject({ answer: letter, votes: 1 });
    expect(byName['not a letter']).toMatchObject({ T0_answer: 'no', T1_votes: 0, T1_needs_checking: false });
    expect(byName['a letter']).toMatchObject({ T0_answer: 'yes', T1_answer: letter, T1_needs_checking: false });
    const [header] = (await stack.client.consensus(id, 'csv')).split('\n');
    expect(header).toMatch(/,T0_reviewed_answer,T0_needs_checking,T0_consensus_changed,T1_outcome,T1_reviewed,T1_reviewed_answer,T1_needs_checking,T1_consensus_changed,routing_decisions$/);
    // The results list it among those that need checking, and say so of its T1.
    const { subjects } = await stack.client.subjectResults(id, { needsChecking: true });
    expect(subjects.map((subject) => subject.externalId)).toEqual(['split']);
    expect(subjects[0]!.consensus.T1).toMatchObject({ needsChecking: true, notReached: { task: 'T0' }, offPath: { answer: letter, votes: 1 } });
    expect((await stack.client.subjectResult(id, idOf.split!)).consensus.T1).toMatchObject({ needsChecking: true });
  });

  it('gives a gold-standard subject’s known answers beside the consensus, flattened as the answers are', async () => {
    const project = await stack.client.createProject({ title: `Known answers ${Date.now()}` });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Mixed' });
    await stack.client.addSubjects(set.id, [
      { externalId: 'regular', locations: [{ type: 'text', text: 'One' }] },
      // Known answers may be given in short forms: a list as the downloads flatten it, or one choice alone.
      { externalId: 'listed', locations: [{ type: 'text', text: 'Two' }], goldStandard: { T0: 'yes', T1: 'horse;coach' } },
      { externalId: 'alone', locations: [{ type: 'text', text: 'Three' }], goldStandard: { T1: 'coach' } },
      { externalId: 'array', locations: [{ type: 'text', text: 'Four' }], goldStandard: { T1: ['coach', 'horse'] } },
    ]);
    const { id } = await stack.client.createWorkflow(project.id, {
      name: 'W',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'single', question: 'Ad?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
        T1: { type: 'multiple', question: 'Selling what?', answers: [{ value: 'horse', label: 'A horse' }, { value: 'coach', label: 'A coach' }], minChoices: 0 },
      },
      subjectSetIds: [set.id],
    });
    const [header, ...lines] = (await stack.client.consensus(id, 'csv')).trim().split('\n');
    expect(header).toMatch(/,T0_workflow_version,T0_known_answer,T0_result,.*,T1_workflow_version,T1_known_answer,T1_result,T0_outcome,T0_reviewed,T0_reviewed_answer,T0_needs_checking,T0_consensus_changed,T1_outcome,T1_support,T1_reviewed,T1_reviewed_answer,T1_needs_checking,T1_consensus_changed,routing_decisions$/);
    expect(lines).toHaveLength(4);
    const rows = (await stack.client.consensus(id, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
    const known = Object.fromEntries(rows.map((row) => [row.external_id, [row.T0_known_answer, row.T1_known_answer]]));
    // A list in the task's order, as the consensus gives it, however it was uploaded: a JSON list, as annotations are.
    expect(known).toEqual({ regular: [null, null], listed: ['yes', ['horse', 'coach']], alone: [null, ['coach']], array: [null, ['horse', 'coach']] });
    // In CSV the same choices joined with ';'.
    const table = csvTable(await stack.client.consensus(id, 'csv'));
    const knownColumn = table.header.indexOf('T1_known_answer');
    expect(table.rows.map((cells) => cells[knownColumn]).sort()).toEqual(['', 'coach', 'horse;coach', 'horse;coach']);
  });

  it("says why each task's answer is what it is, or empty, after every other column, and how a multiple choice's and a tagging task's choices were supported", async () => {
    const { id } = await outcomesWorkflow();
    const [header, ...lines] = (await stack.client.consensus(id, 'csv')).trim().split('\n');
    // The columns readers had keep their places: the new ones come after every task's.
    expect(header).toMatch(/,G_known_answer,G_result,Q_outcome,Q_reviewed,Q_reviewed_answer,Q_needs_checking,Q_consensus_changed,C_outcome,C_reviewed,C_reviewed_answer,C_needs_checking,C_consensus_changed,M_outcome,M_support,M_reviewed,M_reviewed_answer,M_needs_checking,M_consensus_changed,G_outcome,G_support,G_reviewed,G_reviewed_answer,G_needs_checking,G_consensus_changed,routing_decisions$/);
    expect(lineOf(lines, 'answer')).toMatch(/,answer,,,false,,answer,,,false,,answer,horse=1;cat=0\.75;dog=0\.5,,,false,,answer,horse=1;ant=0\.5;zebra=0\.25,,,false,,$/);
    const rows = (await stack.client.consensus(id, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
    const outcomes = Object.fromEntries(rows.map((row) => [row.external_id, [row.Q_outcome, row.C_outcome, row.M_outcome, row.G_outcome]]));
    expect(outcomes).toEqual({
      answer: ['answer', 'answer', 'answer', 'answer'],
      tie: ['tie', 'not_reached', 'not_reached', 'not_reached'],
      unsure: ['answer', 'all_unsure', 'empty_answer', 'empty_answer'],
      away: ['answer', 'not_reached', 'not_reached', 'not_reached'],
      none: ['no_votes', 'no_votes', 'no_votes', 'no_votes'],
    });
    const byName = Object.fromEntries(rows.map((row) => [row.external_id, row]));
    // An empty answer is an answer ("" in JSON, [] for a list), a tie none (null), with the leaders' share as _agreement, unchanged.
    expect(byName.unsure).toMatchObject({ M_answer: [], M_agreement: 1, M_support: '', C_answer: null, C_agreement: 0, G_answer: [] });
    expect(byName.tie).toMatchObject({ M_answer: null, G_answer: null }); // not reached: no answer, no list
    expect(byName.tie).toMatchObject({ Q_answer: null, Q_agreement: 0.5, Q_votes: 2, M_support: 'cat=1' });
    expect(byName.none).toMatchObject({ M_support: null, G_support: null, Q_votes: 0 });
    // Only multiple choice and tagging have a support.
    expect(Object.keys(byName.answer).filter((column) => column.endsWith('_support'))).toEqual(['M_support', 'G_support']);
    // A multiple choice's answer approved by a researcher: the list it settles on, as _answer gives it.
    expect(byName.answer.M_answer).toEqual(['horse', 'cat']);
    await stack.client.reviewConsensus(id, byName.answer.subject_id, 'M');
    const reviewed = (await stack.client.consensus(id, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line)).find((row) => row.external_id === 'answer');
    expect([reviewed.M_reviewed, reviewed.M_reviewed_answer]).toEqual(['approved', ['horse', 'cat']]);
  });

  it("gives the subjects' metadata a column per key when asked (metadata=columns), in code-point order, and names a bad value", async () => {
    const { id } = await outcomesWorkflow();
    // Another project's workflow, its subject with a key of its own: no column here.
    const elsewhere = await stack.client.createProject({ title: `Elsewhere ${Date.now()}`, status: 'live' });
    const elsewhereSet = await stack.client.createSubjectSet(elsewhere.id, { name: 'Elsewhere' });
    await stack.client.addSubjects(elsewhereSet.id, [{ externalId: 'answer', locations: [{ type: 'text', text: 'Elsewhere' }], metadata: { elsewhere: 'x' } }]);
    await stack.client.createWorkflow(elsewhere.id, { name: 'Elsewhere', firstTask: 'T0', tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] } }, subjectSetIds: [elsewhereSet.id] });
    const [header, ...lines] = (await stack.client.consensus(id, 'csv', undefined, undefined, 'columns')).trim().split('\n');
    const columns = header!.split(',');
    expect(columns).not.toContain('subject_metadata');
    expect(columns).not.toContain('metadata.elsewhere');
    // After every other column: uppercase before lowercase, # before letters, é after them all (not as a collation has them).
    expect(columns.slice(-6)).toEqual(['metadata.#box', 'metadata.Zebra', 'metadata.newspaper', 'metadata.tags', 'metadata.year', 'metadata.éditeur']);
    expect(columns.slice(0, -6)).toEqual(header!.split(',').filter((column) => !column.startsWith('metadata.')));
    expect(lineOf(lines, 'answer')).toMatch(/,B1,true,Herald,"\[""a"",""b""\]",1901,Dupont$/);
    const rows = (await stack.client.consensus(id, 'json', undefined, 'externalId', 'columns').then(JSON.parse)) as Record<string, unknown>[];
    const metadataOf = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).filter(([column]) => column.startsWith('metadata.')));
    expect(metadataOf(rows.find((row) => row.external_id === 'tie')!)).toEqual({
      'metadata.#box': null, 'metadata.Zebra': null, 'metadata.newspaper': 'Times', 'metadata.tags': null, 'metadata.year': null, 'metadata.éditeur': null,
    });
    expect(metadataOf(rows.find((row) => row.external_id === 'answer')!)).toMatchObject({ 'metadata.Zebra': true, 'metadata.year': 1901, 'metadata.tags': ['a', 'b'] });
    // The keys are those of the download's subjects: none changed since tomorrow, no metadata column.
    const [sinceHeader] = (await stack.client.consensus(id, 'csv', new Date(Date.now() + 86_400_000).toISOString(), undefined, 'columns')).split('\n');
    expect(sinceHeader!.split(',').some((column) => column.startsWith('metadata.'))).toBe(false);
    // The default is one JSON cell, as before; another value is named, with the fix.
    expect((await stack.client.consensus(id, 'csv', undefined, undefined, 'json')).split('\n')[0]).toBe((await stack.client.consensus(id, 'csv')).split('\n')[0]);
    const error = (await stack.client.request('GET', `/workflows/${id}/consensus?metadata=wide`).catch((e) => e)) as ChorusApiError;
    expect(error.status).toBe(422);
    expect(error.problem.errors).toEqual([
      { pointer: '/query/metadata', message: 'must be json (the metadata as one column that holds JSON, subject_metadata: the default) or columns (a metadata.<key> column per key, in its place)' },
    ]);
  });

  it('reads the keys of metadata=columns only once the researcher has a place to stream: beside their download streaming, another is refused as busy at once', async () => {
    const download = () =>
      fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/consensus?metadata=columns`, { headers: { authorization: `Bearer ${stack.client.token}` }, signal: AbortSignal.timeout(15_000) });
    // The subjects locked from reading: the first download waits for its keys (in its place), and would any other's.
    await stack.db.query('BEGIN');
    await stack.db.query('LOCK TABLE subjects IN ACCESS EXCLUSIVE MODE');
    let first: Promise<Response> | undefined;
    try {
      first = download();
      // (pg_stat_activity as it is now, not as this transaction first saw it.)
      const waitingForKeys = "SELECT 1 FROM pg_stat_clear_snapshot(), pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%jsonb_object_keys%'";
      await until(async () => (await stack.db.query(waitingForKeys)).rowCount === 1, 'the first download waiting for its keys');
      const second = await download();
      expect(second.status).toBe(429);
      expect(await second.json()).toMatchObject({ type: 'urn:chorus:problem:too-many-downloads', detail: expect.stringMatching(/^You have 1 download streaming already/) });
    } finally {
      await stack.db.query('COMMIT');
    }
    const done = await first!;
    expect(done.status).toBe(200);
    expect((await done.text()).split('\n')[0]).toMatch(/,metadata\.#box,metadata\.newspaper$/);
  });

  it('answers in the format the Accept header prefers when the query names none, and in CSV otherwise', async () => {
    const download = (accept: string, query = '') =>
      fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/consensus${query}`, { headers: { authorization: `Bearer ${stack.client.token}`, accept, origin: 'https://notebook.example.org' } });
    const ndjson = await download('application/x-ndjson');
    expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    // What chose the answer: the format (Accept), its encoding, and, for CORS, the origin that asked.
    expect(ndjson.headers.get('vary')?.split(/,\s*/).sort()).toEqual(['Accept', 'Accept-Encoding', 'Origin']);
    expect(ndjson.headers.get('access-control-allow-origin')).toBe('https://notebook.example.org');
    expect(ndjson.headers.get('cache-control')).toBe('private, no-store');
    const json = await download('application/json;q=0.9, text/csv;q=0.5');
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json.json()).toHaveLength(2);
    expect((await download('text/html,*/*')).headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await download('text/csv;q=0.4, application/x-ndjson;q=0.8')).headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect((await download('application/json;q=0, text/csv')).headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await download('application/json', '?format=csv')).headers.get('content-type')).toBe('text/csv; charset=utf-8');
  });

  it('is gzipped for a client that takes it, and only then', async () => {
    const raw = (acceptEncoding: string) =>
      new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
        const url = `${stack.baseUrl}/api/v1/workflows/${workflowId}/consensus?format=csv`;
        get(url, { headers: { authorization: `Bearer ${stack.client.token}`, 'accept-encoding': acceptEncoding } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }));
        }).on('error', reject);
      });
    const plain = await raw('identity');
    expect(plain.encoding).toBeUndefined();
    expect(plain.body.toString()).toMatch(/^subject_id,/);
    const gzipped = await raw('br;q=1, gzip;q=0.8');
    expect(gzipped.encoding).toBe('gzip');
    expect(gunzipSync(gzipped.body).toString()).toBe(plain.body.toString());
    expect((await raw('gzip;q=0, *')).encoding).toBeUndefined();
  });

  it('opens a CSV with a byte-order mark for Excel when asked (bom=true), and never otherwise', async () => {
    const bytes = async (query: string) => {
      const response = await fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/consensus${query}`, { headers: { authorization: `Bearer ${stack.client.token}` } });
      return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
    };
    const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
    const plain = await bytes('?format=csv');
    const forExcel = await bytes('?format=csv&bom=true');
    expect(plain.body.subarray(0, 3).equals(BOM)).toBe(false);
    expect(forExcel.body.subarray(0, 3).equals(BOM)).toBe(true);
    expect(forExcel.body.subarray(3).toString()).toBe(plain.body.toString());
    expect((await bytes('?format=csv&bom=false')).body.equals(plain.body)).toBe(true);
    // JSON must not open with one.
    expect((await bytes('?format=json&bom=true')).body.subarray(0, 1).toString()).toBe('[');
    const refused = await bytes('?format=csv&bom=yes');
    expect(refused.status).toBe(422);
    expect(JSON.parse(refused.body.toString()).errors).toEqual([{ pointer: '/query/bom', message: 'must be true or false' }]);
  });

  it('lists its columns, each with what it holds, in the API documentation', async () => {
    const document = (await (await fetch(`${stack.baseUrl}/api/docs/openapi.json`)).json()) as { paths: Record<string, { get: { description: string } }> };
    const consensus = document.paths['/workflows/{id}/consensus']!.get.description;
    expect(consensus).toContain("- `training`: the subject is in the workflow's training set");
    expect(consensus).toContain('- `<task>_result`: ');
    expect(consensus).toContain('- `retired_under_version`: the workflow version whose retirement rule retired it');
    // The trailing columns after every task's, each outcome named; then the metadata's.
    expect(consensus).toMatch(/then, after every task's columns, for every task:\n- `<task>_outcome`: why _answer is what it is, or empty: answer .*empty_answer .*tie .*all_unsure .*no_votes .*not_reached .*\n- `<task>_support`: only for a multiple choice or tagging task/);
    expect(consensus).toContain('- `metadata.<key>`: with metadata=columns, ');
    const raw = document.paths['/workflows/{id}/classifications']!.get as { description: string; parameters: { name: string; schema: { enum?: string[] } }[] };
    expect(raw.description).toContain('- `after_retirement`: ');
    // The subject's media in the consensus download only: a passage's text would repeat on each of its classifications.
    expect(consensus).toContain("- `subject_locations`: the subject's media as volunteers are served them (JSON: a list of locations");
    expect(raw.description).not.toContain('subject_locations');
    expect(raw.description).toContain('- `<task>_answer`: ');
    expect(raw.description).toContain('- `metadata.<key>`: with metadata=columns, ');
    // Which columns hold JSON, a value in json and ndjson, from the lists beside the columns' words.
    expect(consensus).toContain('Columns that hold JSON (`subject_metadata`, `subject_locations`, `unretired_retirement`, `retired_before_take_down`, `hidden_tags`, `<task>_result`, `<task>_answer`, `<task>_known_answer`, `<task>_reviewed_answer`, `routing_decisions`; a `<task>_…answer` one only for a fields task');
    expect(raw.description).toContain('Columns that hold JSON (`subject_metadata`, `earlier_locations`, `classification_metadata`, `annotations`, `hidden_tags`, `<task>_answer`; a `<task>_…answer` one only for a fields task');
    // Which hold a list, a JSON list in json and ndjson; and the one format of every time, in every download.
    expect(consensus).toContain('Columns that hold a list (`subject_set_ids`, `routed_into`, `routed_out_of`, `routed_from_workflow_ids`, `<task>_answer`, `<task>_known_answer`, `<task>_reviewed_answer`; a `<task>_…` one only for a multiple choice or tagging task');
    expect(raw.description).toContain('Columns that hold a list (`<task>_answer`; a `<task>_…` one only for a multiple choice or tagging task');
    for (const path of ['consensus', 'classifications', 'subject-reports']) {
      expect((document.paths[`/workflows/{id}/${path}`]!.get as { description: string }).description).toContain('Times: ISO 8601 in UTC to the millisecond');
    }
    for (const path of ['consensus', 'classifications']) {
      const { parameters } = document.paths[`/workflows/{id}/${path}`]!.get as unknown as typeof raw;
      expect(parameters.find((parameter) => parameter.name === 'metadata')?.schema.enum).toEqual(['json', 'columns']);
    }
  });

  it('says in the researcher’s words why a subject was retired or unretired by hand', async () => {
    const { rows: [plain] } = await stack.db.query("SELECT id FROM subjects WHERE external_id = 'plain'");
    await stack.client.request('POST', `/workflows/${workflowId}/retire`, { subjectIds: [plain.id], reason: 'torn page, unreadable' });
    const rows = (await stack.client.consensus(workflowId, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
    expect(rows.find((row) => row.external_id === 'plain')).toMatchObject({ retired: true, retirement_reason: 'manual', retirement_note: 'torn page, unreadable' });
    expect(rows.find((row) => row.external_id === 'has, comma')).toMatchObject({ retirement_reason: 'count', retirement_note: null, unretirement_note: null });
    await stack.client.request('POST', `/workflows/${workflowId}/unretire`, { subjectIds: [plain.id], reason: 'retired by mistake' });
    const after = (await stack.client.consensus(workflowId, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
    expect(after.find((row) => row.external_id === 'plain')).toMatchObject({ retired: false, retirement_reason: null, retirement_note: null, unretirement_note: 'retired by mistake' });
  });

  it('keeps the answer a subject retired with: answers given while it was retired stay in the raw download only', async () => {
    const late = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await late.classify({ workflowId, workflowVersion: 1, subjectId: retiredSubjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    const aggregated = async () => (await stack.db.query('SELECT aggregated_count FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflowId, retiredSubjectId])).rows[0].aggregated_count;
    for (let i = 0; i < 100 && (await aggregated()) < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await aggregated()).toBe(2);
    const rows = (await stack.client.consensus(workflowId, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
    expect(rows.find((row) => row.external_id === 'has, comma')).toMatchObject({ classification_count: 2, T0_answer: 'no', T0_agreement: 1, T0_votes: 1, retired_by_classification_id: retiringClassificationId });
    const raw = (await stack.client.classifications(workflowId, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
    expect(raw.filter((row) => row.subject_id === retiredSubjectId).map((row) => [row.T0_answer, row.after_retirement]).sort()).toEqual([['no', false], ['yes', true]]);
  });

  it('gives only the subjects whose row changed since a moment, for incremental downloads', async () => {
    const rows = async (since?: string) =>
      (await stack.client.consensus(workflowId, 'ndjson', since))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { external_id: string; updated_at: string });
    const all = await rows();
    const newest = all.map((row) => row.updated_at).sort().at(-1)!;
    expect((await rows(newest)).map((row) => row.updated_at)).toEqual(all.filter((row) => row.updated_at === newest).map((row) => row.updated_at));
    expect(await rows('2999-01-01')).toEqual([]);
    const { rows: [plain] } = await stack.db.query("SELECT id FROM subjects WHERE external_id = 'plain'");
    const before = new Date().toISOString();
    await stack.client.request('POST', `/workflows/${workflowId}/priorities`, { priorities: [{ subjectId: plain.id, priority: 3 }] });
    expect((await rows(before)).map((row) => row.external_id)).toEqual(['plain']);
    // A corrected metadata is a change too; the same sent again is none.
    const { rows: [{ subject_set_id: setId }] } = await stack.db.query('SELECT subject_set_id FROM subject_set_members WHERE subject_id = $1', [plain.id]);
    const again = new Date().toISOString();
    const plainSubject = { externalId: 'plain', locations: [{ type: 'text' as const, text: 'Two' }] };
    await stack.client.addSubjects(setId, [{ ...plainSubject, metadata: { newspaper: 'The Daily Test', '#box': 'B1' } }]);
    expect(await rows(again)).toEqual([]);
    await stack.client.addSubjects(setId, [{ ...plainSubject, metadata: { newspaper: 'The Daily Test', '#box': 'B2' } }]);
    expect((await rows(again)).map((row) => row.external_id)).toEqual(['plain']);

    // Joining another set, and that set's deletion, change its subject_set_ids: both are changes `since` finds, and
    // the row's updated_at says when.
    const { rows: [{ project_id: projectId }] } = await stack.db.query('SELECT project_id FROM subjects WHERE id = $1', [plain.id]);
    const other = await stack.client.createSubjectSet(projectId, { name: 'Another' });
    const joining = new Date().toISOString();
    await stack.client.addSubjects(other.id, [plainSubject]);
    const joined = await rows(joining);
    expect(joined.map((row) => row.external_id)).toEqual(['plain']);
    expect(joined[0]!.updated_at >= joining).toBe(true);
    const leaving = new Date().toISOString();
    expect(await stack.client.deleteSubjectSet(other.id)).toEqual({ deletedSubjects: 0, keptSubjects: 1 });
    expect((await rows(leaving)).map((row) => row.external_id)).toEqual(['plain']);
  });

  it("gives each subject's media as volunteers are served them (subject_locations) in the consensus download, never on each classification of the raw one: a text corpus's passage, a CSV's image URL", async () => {
    const image = { type: 'image', url: 'https://images.example.org/iiif/scan1/full/max/0/default.jpg', iiifService: 'https://images.example.org/iiif/scan1' };
    const { id, subjects } = await classifiedOnce('Media', async (setId) => {
      // Before, a passage's text was only in the paged list of a set's subjects, and a CSV's image URL in no download.
      await stack.client.uploadSubjects(setId, 'TO BE SOLD, a [[carriage]] and a pair of horses.\n\nThe Mayor passed.', 'text/plain', undefined, 'adverts.txt');
      await stack.client.uploadSubjects(setId, `external_id,image_url,iiif_service,newspaper\nscan1,${image.url},${image.iiifService},Herald\n`, 'text/csv');
    });
    expect(subjects).toHaveLength(3);
    const served = Object.fromEntries(subjects.map((subject) => [subject.id, subject.locations]));
    expect(Object.values(served)).toEqual(
      expect.arrayContaining([[{ type: 'text', text: 'TO BE SOLD, a carriage and a pair of horses.', highlights: [[14, 22]] }], [{ type: 'text', text: 'The Mayor passed.' }], [image]]),
    );
    const download = (format: 'csv' | 'json' | 'ndjson') => stack.client.consensus(id, format);
    const ndjson = (await download('ndjson')).trim().split('\n').map((line) => JSON.parse(line) as { subject_id: string; subject_locations: unknown });
    expect(ndjson).toHaveLength(3);
    for (const row of ndjson) expect(row.subject_locations).toEqual(served[row.subject_id]);
    expect(JSON.parse(await download('json'))).toEqual(ndjson);
    // In CSV its JSON text in one cell, as subject_metadata's.
    const { header, rows } = csvTable(await download('csv'));
    const cell = (name: string, cells: string[]) => cells[header.indexOf(name)]!;
    expect(rows.map((cells) => [cell('subject_id', cells), JSON.parse(cell('subject_locations', cells))]).sort()).toEqual(ndjson.map((row) => [row.subject_id, row.subject_locations]).sort());
    // The raw download's rows join to them by subject_id: a passage's text is not repeated on each classification.
    for (const format of ['csv', 'json', 'ndjson'] as const) {
      const raw = await stack.client.classifications(id, format);
      expect(raw).toContain(ndjson[0]!.subject_id);
      expect(raw).not.toContain('subject_locations');
      expect(raw).not.toContain('The Mayor passed.');
    }
  });

  it('gives neither the media (earlier ones too) nor the metadata of a subject its team took down, in any format of either download, metadata=columns too, and gives its rows again with them once the take-down is lifted', async () => {
    const aLocations = [
      { type: 'text' as const, text: 'Mrs Smith, 12 High Street' },
      { type: 'image' as const, url: 'https://old.example.org/a.jpg' },
    ];
    const { id, subjects } = await classifiedOnce('Letters', (setId) =>
      stack.client.addSubjects(setId, [
        { externalId: 'a', locations: aLocations, metadata: { sender: 'Ada Lovelace', '#street': 'Cobbler Lane' } },
        { externalId: 'b', locations: [{ type: 'text', text: 'A notice' }], metadata: { sender: 'The Council' } },
      ]),
    );
    const a = subjects.find((subject) => subject.externalId === 'a')!.id;
    const now = async () => (await stack.db.query('SELECT now() AS at')).rows[0].at.toISOString() as string;
    // Its image moved since its classification: the raw download's earlier_locations would hold its text again.
    const aCorrected = [aLocations[0]!, { type: 'image' as const, url: 'https://new.example.org/a.jpg' }];
    await stack.client.correctSubjectLocations(a, { locations: aCorrected, reason: 'Moved' });
    const beforeTakeDown = await now();
    await stack.client.retireSubjects(id, { subjectIds: [a], reason: 'A home address', takeDown: true });

    const download = (kind: 'consensus' | 'classifications', format: 'csv' | 'json' | 'ndjson', metadata: 'json' | 'columns', since?: string) =>
      kind === 'consensus' ? stack.client.consensus(id, format, since, undefined, metadata) : stack.client.classifications(id, format, since, metadata);
    for (const kind of ['consensus', 'classifications'] as const) {
      for (const format of ['csv', 'json', 'ndjson'] as const) {
        for (const metadata of ['json', 'columns'] as const) {
          const text = await download(kind, format, metadata);
          // Nor the name of a key only it holds (metadata=columns' header).
          for (const withheld of ['High Street', 'Ada Lovelace', 'Cobbler Lane', '#street']) expect(text).not.toContain(withheld);
          expect(text).toContain('The Council');
        }
      }
    }
    const rowsOf = async (kind: 'consensus' | 'classifications', since?: string, metadata: 'json' | 'columns' = 'json') =>
      (await download(kind, 'ndjson', metadata, since)).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect((await rowsOf('consensus')).map((row) => [row.external_id, row.taken_down, row.subject_metadata, row.subject_locations]).sort()).toEqual([
      ['a', true, null, null],
      ['b', false, { sender: 'The Council' }, [{ type: 'text', text: 'A notice' }]],
    ]);
    for (const kind of ['consensus', 'classifications'] as const) {
      expect((await rowsOf(kind, undefined, 'columns')).map((row) => [row.external_id, row['metadata.sender']]).sort()).toEqual([
        ['a', null],
        ['b', 'The Council'],
      ]);
      // The take-down gives its rows again, without them, to a download since before it (a mirror drops what it kept).
      expect((await rowsOf(kind, beforeTakeDown)).filter((row) => row.external_id === 'a').map((row) => row.subject_metadata)).toEqual([null]);
      const { header, rows } = csvTable(await download(kind, 'csv', 'json'));
      const cells = rows.find((row) => row[header.indexOf('external_id')] === 'a')!;
      for (const column of kind === 'consensus' ? ['subject_metadata', 'subject_locations'] : ['subject_metadata', 'earlier_locations']) expect(cells[header.indexOf(column)]).toBe('');
    }

    // Lifted, its rows come again with its media and metadata, as a since= download promises of a change of taken_down.
    const beforeLifting = await now();
    await stack.client.unretireSubjects(id, { subjectIds: [a], reason: 'Address blurred' });
    expect((await rowsOf('consensus', beforeLifting)).map((row) => [row.external_id, row.taken_down, row.subject_metadata, row.subject_locations])).toEqual([
      ['a', false, { sender: 'Ada Lovelace', '#street': 'Cobbler Lane' }, aCorrected],
    ]);
    expect((await rowsOf('classifications', beforeLifting)).map((row) => [row.external_id, row.subject_metadata, row.earlier_locations])).toEqual([
      ['a', { sender: 'Ada Lovelace', '#street': 'Cobbler Lane' }, aLocations],
    ]);
    for (const kind of ['consensus', 'classifications'] as const) {
      expect((await rowsOf(kind, beforeLifting, 'columns')).map((row) => [row.external_id, row['metadata.sender'], row['metadata.#street']])).toEqual([['a', 'Ada Lovelace', 'Cobbler Lane']]);
    }
  });

  it('gives a subject’s row again, since a moment, once its media are corrected or described, with its locations as they are now', async () => {
    const page = { type: 'image' as const, url: 'https://old.example.org/p1.jpg' };
    const { id, setId, subjects } = await classifiedOnce(
      'Pages',
      (set) =>
        stack.client.addSubjects(set, [
          { externalId: 'p1', locations: [page] },
          { externalId: 'p2', locations: [{ type: 'text', text: 'Burials' }] },
        ]),
      (externalId) => externalId === 'p1',
    );
    const p1 = subjects.find((subject) => subject.externalId === 'p1')!.id;
    const now = async () => (await stack.db.query('SELECT now() AS at')).rows[0].at.toISOString() as string;
    const since = async (kind: 'consensus' | 'classifications', at: string) =>
      (await (kind === 'consensus' ? stack.client.consensus(id, 'ndjson', at) : stack.client.classifications(id, 'ndjson', at))).split('\n').filter(Boolean).map((line) => JSON.parse(line));

    const corrected = await now();
    const moved = { type: 'image' as const, url: 'https://new.example.org/p1.jpg' };
    await stack.client.correctSubjectLocations(p1, { locations: [moved], reason: 'Moved' });
    expect((await since('consensus', corrected)).map((row) => [row.external_id, row.subject_locations])).toEqual([['p1', [moved]]]);
    // Its classification too (as before), with the old address it was shown.
    expect((await since('classifications', corrected)).map((row) => [row.external_id, row.earlier_locations])).toEqual([['p1', [page]]]);

    // The same addresses sent again change nothing; a description, which is no correction, changes its locations.
    const unchanged = await now();
    await stack.client.correctSubjectLocations(p1, { locations: [moved], reason: 'Again' });
    expect(await since('consensus', unchanged)).toEqual([]);
    const described = await now();
    await stack.client.describeSubjectImages(p1, ['A register, page 1']);
    expect((await since('consensus', described)).map((row) => [row.external_id, row.subject_locations])).toEqual([['p1', [{ ...moved, alt: 'A register, page 1' }]]]);
    // A correction sent in an upload (replaceLocations) too.
    const uploaded = await now();
    const third = { type: 'image' as const, url: 'https://third.example.org/p1.jpg', alt: 'A register, page 1' };
    await stack.client.uploadSubjects(setId, JSON.stringify({ subjects: [{ externalId: 'p1', locations: [third] }] }), 'application/json', { replaceLocations: true, reason: 'Third home' });
    expect((await since('consensus', uploaded)).map((row) => [row.external_id, row.subject_locations])).toEqual([['p1', [third]]]);
  });

  it('gives again the row of a retired subject whose set is unlinked, saying it left with its retirement kept, and once more when linked again', async () => {
    const project = await stack.client.createProject({ title: `Relinked ${randomUUID().slice(0, 6)}`, status: 'live' });
    const [set, empty] = [await stack.client.createSubjectSet(project.id, { name: 'Set' }), await stack.client.createSubjectSet(project.id, { name: 'Empty' })];
    await stack.client.addSubjects(set.id, [{ externalId: 'retired', locations: [{ type: 'text', text: 'One' }] }]);
    const definition = {
      name: 'W',
      firstTask: 'T0',
      tasks: { T0: { type: 'single' as const, question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      retirement: { rule: 'count' as const, count: 1 },
      subjectSetIds: [set.id],
    };
    const { id } = await stack.client.createWorkflow(project.id, definition);
    await stack.client.activateWorkflow(id);
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const [subject] = (await volunteer.queue(id)).subjects;
    await volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId: subject!.id, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    for (let i = 0; i < 100 && (await stack.client.stats(id)).retired < 1; i++) await new Promise((r) => setTimeout(r, 50));
    // Complete, it is re-aggregated whole once (a `bayes` task): its row changes then, not again below.
    await until(async () => (await stack.client.reaggregations(id)).runs.some((run) => run.finishedAt), 'the run on completion to end');
    const rows = async (since: string) => (await stack.client.consensus(id, 'ndjson', since)).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const retired = { external_id: 'retired', retired: true, retirement_reason: 'count', T0_answer: 'yes' };
    const before = (await stack.db.query('SELECT now() AS at')).rows[0].at.toISOString();
    await stack.client.updateWorkflow(id, { ...definition, subjectSetIds: [empty.id] });
    expect(await rows(before)).toEqual([expect.objectContaining({ ...retired, left_workflow: true })]);
    const unlinked = (await stack.db.query('SELECT now() AS at')).rows[0].at.toISOString();
    await stack.client.updateWorkflow(id, { ...definition, subjectSetIds: [set.id] });
    // Linked again, it is owed an aggregation (its rule may have changed meanwhile), which finds nothing to change.
    await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'the aggregation it is owed');
    expect(await rows(unlinked)).toEqual([expect.objectContaining({ ...retired, left_workflow: false })]);
  });

  it('asks whether each row’s subject is taken down of the index of taken-down subjects alone, never reading their rows', async () => {
    await stack.db.query('BEGIN');
    try {
      // The tables are small here, so the planner is told to take an index over a scan, as it would at scale.
      await stack.db.query('SET LOCAL enable_seqscan = off');
      await stack.db.query('SET LOCAL enable_bitmapscan = off');
      const plan = (await stack.db.query(`EXPLAIN ${consensusRows('id')}`, [workflowId, null, null])).rows.map((row) => row['QUERY PLAN']).join('\n');
      // Either partial index of the take-downs serves: the installation's (by subject) or the workflows' (by workflow, then
      // subject: read whole, it is the same rows).
      expect(plan).toMatch(/Index Only Scan using subject_workflow_status_(workflow_)?taken_down_idx on subject_workflow_status td\b/);
    } finally {
      await stack.db.query('ROLLBACK');
    }
  });

  it('reads each row’s subject by its primary key, so that rows stream from the first in subject order however many other projects’ subjects there are: never sorted whole', async () => {
    const { projectId } = await stack.client.getWorkflow(workflowId);
    const other = await stack.client.createProject({ title: `Others ${randomUUID().slice(0, 6)}`, status: 'live' });
    await stack.db.query('BEGIN');
    try {
      // What the planner weighs at scale, rolled back after: 100,000 subjects of another project, 20,000 passages of the workflow's.
      await stack.db.query(`INSERT INTO subjects (project_id, locations) SELECT $1, jsonb_build_array(jsonb_build_object('type', 'text', 'text', 'Other ' || i)) FROM generate_series(1, 100000) i`, [other.id]);
      await stack.db.query(
        `WITH passage AS (
           INSERT INTO subjects (project_id, locations) SELECT $1, jsonb_build_array(jsonb_build_object('type', 'text', 'text', repeat('The carriage of the Mayor passed. ', 30) || i))
           FROM generate_series(1, 20000) i RETURNING id)
         INSERT INTO subject_workflow_status (workflow_id, subject_id) SELECT $2, passage.id FROM passage`,
        [projectId, workflowId],
      );
      await stack.db.query('ANALYZE subjects');
      await stack.db.query('ANALYZE subject_workflow_status');
      const plan = (await stack.db.query(`EXPLAIN ${consensusRows('id')}`, [workflowId, null, null])).rows.map((row) => row['QUERY PLAN']).join('\n');
      // Joined whole, every project's subjects were scanned, hashed with the workflow's rows, and those sorted, wide, before the first went out.
      expect(plan).toMatch(/Index Scan using "?PK_\w+"? on subject_workflow_status st\b/);
      expect(plan).toMatch(/Index Scan using "?PK_\w+"? on subjects s\b/);
      expect(plan).not.toMatch(/Seq Scan on subjects s\b/);
      // Nor by whatever else is joined to them (routing, routed_from, reviews...): no Sort, whatever its key, above the rows.
      expect(sortsAbove(await planOf(stack, consensusRows('id'), [workflowId, null, null]), 'st')).toEqual([]);
    } finally {
      await stack.db.query('ROLLBACK');
    }
  });

  it('gives a since= download a tombstone for each subject that left the workflow unclassified, its set unlinked or itself taken out, and none to a full download', async () => {
    const project = await stack.client.createProject({ title: `Departures ${randomUUID().slice(0, 6)}`, status: 'live' });
    const [kept, unlinked] = await Promise.all(['Kept', 'Unlinked'].map((name) => stack.client.createSubjectSet(project.id, { name })));
    const text = (externalId: string) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] });
    const { subjectIds: [leaves] } = await stack.client.addSubjects(unlinked!.id, [text('leaves')]);
    const { subjectIds: [, gone] } = await stack.client.addSubjects(kept!.id, [text('stays'), text('gone')]);
    const definition = {
      name: 'W',
      firstTask: 'T0',
      tasks: { T0: { type: 'single' as const, question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      retirement: { rule: 'count' as const, count: 1 },
      subjectSetIds: [kept!.id, unlinked!.id],
    };
    const { id } = await stack.client.createWorkflow(project.id, definition);
    const rows = async (since?: string) => (await stack.client.consensus(id, 'ndjson', since)).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const before = (await stack.db.query('SELECT now() AS at')).rows[0].at.toISOString();
    await stack.client.updateWorkflow(id, { ...definition, subjectSetIds: [kept!.id] });
    expect(await stack.client.removeSubject(kept!.id, gone!)).toMatchObject({ deletedSubjects: 1 });
    const departed = await rows(before);
    // Built from the rows' columns (`tombstoneValues`): nothing but its ids and when it left, no value out of its place.
    expect(departed.map((row) => Object.keys(row).filter((column) => row[column] !== null))).toEqual(departed.map(() => ['subject_id', 'external_id', 'left_workflow', 'left_workflow_at', 'updated_at']));
    const tombstones = departed.map(({ subject_id, external_id, left_workflow, left_workflow_at, updated_at, retired, T0_answer }) => ({ subject_id, external_id, left_workflow, left: left_workflow_at === updated_at, retired, T0_answer }));
    // Each says it left (left_workflow), as a row kept after its subject left does, whether unlinked or deleted.
    expect(tombstones.sort((a, b) => String(a.external_id).localeCompare(String(b.external_id)))).toEqual([
      { subject_id: leaves, external_id: 'leaves', left_workflow: true, left: true, retired: null, T0_answer: null },
      // In no other set and never classified, it was deleted: its tombstone still names it.
      { subject_id: gone, external_id: 'gone', left_workflow: true, left: true, retired: null, T0_answer: null },
    ].sort((a, b) => String(a.external_id).localeCompare(String(b.external_id))));
    // In CSV too: true, not an empty cell.
    const [header, ...lines] = (await stack.client.consensus(id, 'csv', before)).trim().split('\n');
    const leftColumn = header!.split(',').indexOf('left_workflow');
    expect(lines.map((line) => line.split(',')[leftColumn])).toEqual(['true', 'true']);
    expect((await rows()).map((row) => [row.external_id, row.left_workflow, row.left_workflow_at])).toEqual([['stays', false, null]]);
  });

  it('gives the rows in the order of their externalIds when asked (sort=externalId), those without one last, since= too', async () => {
    const project = await stack.client.createProject({ title: `Spreadsheet order ${Date.now()}` });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Snippets' });
    // Uploaded out of order, so that neither the upload nor the random subject ids give externalId order by chance.
    const names = ['snippet-07', 'snippet-02', 'snippet-10', 'snippet-05', 'snippet-01', 'snippet-09', 'snippet-03', 'snippet-08', 'snippet-04', 'snippet-06'];
    await stack.client.addSubjects(set.id, [...names.map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })), { locations: [{ type: 'text' as const, text: 'unnamed' }] }]);
    const { id } = await stack.client.createWorkflow(project.id, {
      name: 'W',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      subjectSetIds: [set.id],
    });
    const externalIds = async (format: 'ndjson' | 'json' | 'csv', since?: string) => {
      const text = await stack.client.consensus(id, format, since, 'externalId');
      if (format === 'json') return JSON.parse(text).map((row: { external_id: string | null }) => row.external_id);
      if (format === 'csv') return text.trim().split('\n').slice(1).map((line) => line.split(',')[1] || null);
      return text.trim().split('\n').map((line) => JSON.parse(line).external_id);
    };
    const inOrder = [...names].sort();
    for (const format of ['ndjson', 'json', 'csv'] as const) expect(await externalIds(format)).toEqual([...inOrder, null]);
    expect(await externalIds('ndjson', '2000-01-01')).toEqual([...inOrder, null]);
    // The default stays subject id order.
    const byId = (await stack.client.consensus(id, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line).subject_id);
    expect(byId).toEqual([...byId].sort());
    // Another order is named, with the fix, and only the consensus download takes one.
    const error = (await stack.client.request('GET', `/workflows/${id}/consensus?sort=upload`).catch((e) => e)) as ChorusApiError;
    expect(error.status).toBe(422);
    expect(error.problem.errors).toEqual([{ pointer: '/query/sort', message: "must be id (subject id order, the default) or externalId (the natural order of the subjects' externalIds, numbers as numbers, those without one last)" }]);
  });

  it('is for the project’s researchers only, and names a bad format', async () => {
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    expect(((await volunteer.consensus(workflowId).catch((e) => e)) as ChorusApiError).status).toBe(403);
    const error = (await stack.client.consensus(workflowId, 'xml' as 'csv').catch((e) => e)) as ChorusApiError;
    expect(error.problem.errors).toEqual([{ pointer: '/query/format', message: 'must be csv, json or ndjson' }]);
  });

  it('records the workflow version each result was computed with, so a new version shows once re-aggregated', async () => {
    const workflow = await stack.client.getWorkflow(workflowId);
    // A rule that asks for more: consensus is computed again (a version in other words only would compute nothing again).
    const changed = { ...workflow.definition, tasks: { T0: { ...workflow.definition.tasks.T0!, question: 'Is this an advertisement?' } }, retirement: { rule: 'count', count: 50 } };
    const { version, reaggregation } = await stack.client.updateWorkflow(workflowId, changed as Parameters<typeof stack.client.updateWorkflow>[1]);
    expect(version).toBe(2);
    for (let i = 0; i < 100 && (await stack.client.reaggregation(workflowId, reaggregation!.id)).state !== 'completed'; i++) await new Promise((r) => setTimeout(r, 50));
    const rows = (await stack.client.consensus(workflowId, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
    expect(rows.find((row) => row.external_id === 'has, comma')).toMatchObject({ workflow_version: 2, T0_answer: 'no' });
    expect(rows.find((row) => row.external_id === 'plain')).toMatchObject({ workflow_version: null });
  });

  it('says which version’s rule retired each subject, so those retired under a rule since changed can be told apart', async () => {
    const project = await stack.client.createProject({ title: 'Rule versions', status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    const { subjectIds } = await stack.client.addSubjects(set.id, ['early', 'late', 'by hand'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
    const [early, late, byHand] = subjectIds as [string, string, string];
    const tasks = { T0: { type: 'single' as const, question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } };
    const definition = { name: 'Rules', firstTask: 'T0', tasks, retirement: { rule: 'count' as const, count: 1 }, subjectSetIds: [set.id] };
    const id = (await stack.client.createWorkflow(project.id, definition)).id;
    await stack.client.activateWorkflow(id);
    const answer = async (subjectId: string, version: number) =>
      (await stack.anonymous.withToken((await stack.anonymous.guest()).token)).classify({ workflowId: id, workflowVersion: version, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    const retired = async () => (await stack.client.stats(id)).retired;
    await answer(early, 1);
    await until(async () => (await retired()) === 1, 'the first retirement');
    const { reaggregation } = await stack.client.updateWorkflow(id, { ...definition, retirement: { rule: 'count', count: 2 } });
    await until(async () => (await stack.client.reaggregation(id, reaggregation!.id)).state === 'completed', 'the new version’s re-aggregation');
    await answer(late, 2);
    await answer(late, 2);
    await until(async () => (await retired()) === 2, 'the second retirement');
    await stack.client.request('POST', `/workflows/${id}/retire`, { subjectIds: [byHand], reason: 'blank' });
    const rows = (await stack.client.consensus(id, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
    const underVersion = Object.fromEntries(rows.map((row) => [row.subject_id, [row.retirement_reason, row.retired_under_version]]));
    expect(underVersion).toEqual({ [early]: ['count', 1], [late]: ['count', 2], [byHand]: ['manual', null] });
    const { header, rows: csv } = csvTable(await stack.client.consensus(id, 'csv'));
    expect(csv.find((cells) => cells[0] === late)![header.indexOf('retired_under_version')]).toBe('2');
    // Returned to the queue by hand, it is served again: no rule retired it.
    await stack.client.request('POST', `/workflows/${id}/unretire`, { subjectIds: [early], reason: 'one answer is too few' });
    const unretired = (await stack.client.consensus(id, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line)).find((row) => row.subject_id === early);
    expect(unretired).toMatchObject({ retired: false, retirement_reason: null, retired_under_version: null });
  });

  it('keeps the consensus of a task that a later version dropped, with the version it was computed with', async () => {
    const workflow = await stack.client.getWorkflow(workflowId);
    const tasks = { T1: { type: 'single' as const, question: 'Is it a notice?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } };
    const { version, reaggregation } = await stack.client.updateWorkflow(workflowId, { ...(workflow.definition as Parameters<typeof stack.client.updateWorkflow>[1]), firstTask: 'T1', tasks });
    for (let i = 0; i < 100 && (await stack.client.reaggregation(workflowId, reaggregation!.id)).state !== 'completed'; i++) await new Promise((r) => setTimeout(r, 50));
    const [header] = (await stack.client.consensus(workflowId, 'csv')).split('\n');
    expect(header).toMatch(/,workflow_version,left_workflow,left_workflow_at,updated_at,T1_answer,T1_reached,T1_agreement,T1_votes,T1_against_plurality,T1_algorithm,T1_workflow_version,T1_known_answer,T1_result,T0_answer,T0_reached,T0_agreement,T0_votes,T0_against_plurality,T0_algorithm,T0_workflow_version,T0_known_answer,T0_result,T1_outcome,T1_reviewed,T1_reviewed_answer,T1_needs_checking,T1_consensus_changed,T0_outcome,T0_reviewed,T0_reviewed_answer,T0_needs_checking,T0_consensus_changed,routing_decisions$/);
    const rows = (await stack.client.consensus(workflowId, 'ndjson')).trim().split('\n').map((line) => JSON.parse(line));
    expect(rows.find((row) => row.external_id === 'has, comma')).toMatchObject({ workflow_version: version, T1_workflow_version: version, T1_votes: 0, T0_answer: 'no', T0_workflow_version: 2 });
  });
});
