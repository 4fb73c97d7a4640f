import type { ChorusClient, WorkflowInput } from '@chorus/client';
import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { csvTable } from '../../../test/support/csv';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { AggregationService } from '../src/aggregation/aggregation.service';

/**
 * Routing between workflows when a consensus flips: a screening workflow ("Ad or not?") routes its "yes" subjects into
 * "Ads", which a transcription workflow serves, and its "no" subjects into "Not ads". A subject that leaves a set by
 * routing leaves it as a researcher's removal would; only memberships an effect made are undone.
 */

let stack: Stack;
let worker: INestApplicationContext;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  worker = await stack.startWorker();
});
afterAll(() => stack.stop());

const yesNo = { T0: { type: 'single' as const, question: 'An advertisement?', algorithm: 'vote' as const, answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } };
const text = (externalId: string) => ({ externalId, locations: [{ type: 'text' as const, text: `Snippet ${externalId}` }] });

async function volunteer(): Promise<ChorusClient> {
  return stack.anonymous.withToken((await stack.anonymous.guest()).token);
}

async function answer(workflowId: string, workflowVersion: number, subjectId: string, value: string): Promise<void> {
  await (await volunteer()).classify({ workflowId, workflowVersion, subjectId, annotations: [{ task: 'T0', value }] }, randomUUID());
}

/** The externalIds of a set's subjects, sorted. */
async function members(subjectSetId: string): Promise<string[]> {
  const { rows } = await stack.db.query('SELECT s.external_id FROM subject_set_members m JOIN subjects s ON s.id = m.subject_id WHERE m.subject_set_id = $1 ORDER BY 1', [subjectSetId]);
  return rows.map((row) => row.external_id);
}

/**
 * A project with the screening workflow ("Ad or not?", over Snippets, `retirement`, and `effects` by set names) and
 * "Transcribe" over Ads; `uploaded` are uploaded into Ads as well as Snippets by the researcher.
 */
async function chained(snippets: string[], uploaded: string[], count: number, effects: (sets: Record<'ads' | 'notAds', string>) => WorkflowInput['effects']) {
  const project = await stack.client.createProject({ title: `Routing ${randomUUID().slice(0, 8)}`, status: 'live' });
  const [snippetSet, ads, notAds] = await Promise.all(['Snippets', 'Ads', 'Not ads'].map((name) => stack.client.createSubjectSet(project.id, { name })));
  const { subjectIds } = await stack.client.addSubjects(snippetSet!.id, [...snippets, ...uploaded].map(text));
  if (uploaded.length) await stack.client.addSubjects(ads!.id, uploaded.map(text));
  const idOf = Object.fromEntries([...snippets, ...uploaded].map((externalId, index) => [externalId, subjectIds[index]!]));
  const definition = { name: 'Ad or not?', firstTask: 'T0', tasks: yesNo, retirement: { rule: 'count' as const, count }, subjectSetIds: [snippetSet!.id], effects: effects({ ads: ads!.id, notAds: notAds!.id }) };
  const screen = await stack.client.createWorkflow(project.id, definition);
  const transcribe = await stack.client.createWorkflow(project.id, { name: 'Transcribe', firstTask: 'T0', tasks: yesNo, retirement: { rule: 'count', count: 3 }, subjectSetIds: [ads!.id] });
  await stack.client.activateWorkflow(screen.id);
  await stack.client.activateWorkflow(transcribe.id);
  return { screen: screen.id, transcribe: transcribe.id, ads: ads!.id, notAds: notAds!.id, idOf, definition };
}

/**
 * Screening over "weak" (2 of 3 say yes) and "strong" (3 of 3), its effect putting "yes" (agreement 0.5 at least) into
 * Ads, which Transcribe serves: both are routed there; `downloaded` gives Transcribe's consensus download.
 */
async function weakAndStrongInAds() {
  const chain = await chained(['weak', 'strong'], [], 3, (sets) => [{ when: { task: 'T0', answer: 'yes', agreementAtLeast: 0.5 }, addToSubjectSet: sets.ads }]);
  for (const [name, values] of [['weak', ['yes', 'yes', 'no']], ['strong', ['yes', 'yes', 'yes']]] as const) {
    for (const value of values) await answer(chain.screen, 1, chain.idOf[name]!, value);
  }
  await until(async () => (await members(chain.ads)).length === 2, 'the effect');
  const downloaded = async (since?: string) =>
    (await stack.client.request<Record<string, unknown>[]>('GET', `/workflows/${chain.transcribe}/consensus?format=json${since ? `&since=${encodeURIComponent(since)}` : ''}`)).body;
  return { ...chain, downloaded };
}

/** What routing has made of a project's subjects: every set's members, the effects' memberships, and Transcribe's hot rows. */
async function routingState(setIds: string[], transcribe: string) {
  const { rows: memberships } = await stack.db.query(
    'SELECT subject_set_id, subject_id FROM subject_set_members WHERE subject_set_id = ANY($1::uuid[]) ORDER BY 1, 2',
    [setIds],
  );
  const { rows: effectMemberships } = await stack.db.query('SELECT * FROM effect_memberships WHERE subject_set_id = ANY($1::uuid[]) ORDER BY subject_id, subject_set_id', [setIds]);
  const { rows: hotRows } = await stack.db.query(
    'SELECT subject_id, retired_at, retirement_reason, retirement_detail, classification_count FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY subject_id',
    [transcribe],
  );
  return { memberships, effectMemberships, hotRows };
}

it('takes a subject whose screening consensus flips out of the set an effect put it in, into the other, keeping the answers given there; never one a researcher put there', async () => {
  const aggregation = worker.get(AggregationService);
  const { screen, transcribe, ads, notAds, idOf, definition } = await chained(['routed'], ['uploaded'], 2, (sets) => [
    { when: { task: 'T0', answer: 'yes' }, addToSubjectSet: sets.ads },
    { when: { task: 'T0', answer: 'no' }, addToSubjectSet: sets.notAds },
  ]);
  const both = [idOf.routed!, idOf.uploaded!];
  for (const subjectId of both) {
    for (const value of ['yes', 'yes']) await answer(screen, 1, subjectId, value);
    await aggregation.aggregateSubject(screen, subjectId);
  }
  expect((await stack.client.stats(screen)).retired).toBe(2);
  expect(await members(ads)).toEqual(['routed', 'uploaded']);
  // A volunteer answers the routed subject in Transcribe.
  await answer(transcribe, 1, idOf.routed!, 'yes');
  await aggregation.aggregateSubject(transcribe, idOf.routed!);

  // The researcher wants more answers: a rule that asks for five, then both subjects back in the queue. The answer
  // warns that one of them is in Ads by this workflow's effect (the other was uploaded there).
  const updated = await stack.client.updateWorkflow(screen, { ...definition, retirement: { rule: 'count', count: 5 } });
  await until(async () => (await stack.client.reaggregation(screen, updated.reaggregation!.id)).state === 'completed', 'the new version’s re-aggregation');
  expect(await stack.client.unretireSubjects(screen, { subjectIds: both, reason: 'more answers' })).toEqual({
    unretired: 2,
    ruleReapplied: 2,
    routedInto: [{ subjectSetId: ads, name: 'Ads', subjects: 1 }],
  });
  // Unretired, they stay where they are until they retire again.
  for (const subjectId of both) await aggregation.aggregateSubject(screen, subjectId);
  expect(await members(ads)).toEqual(['routed', 'uploaded']);

  // Three volunteers say no: each retires again with "no" (3 of 5), the job running twice at once (and the worker's own).
  for (const subjectId of both) {
    for (const value of ['no', 'no', 'no']) await answer(screen, 2, subjectId, value);
    await Promise.all([aggregation.aggregateSubject(screen, subjectId), aggregation.aggregateSubject(screen, subjectId)]);
  }
  expect((await stack.client.stats(screen)).retired).toBe(2);
  expect(await members(ads)).toEqual(['uploaded']);
  expect(await members(notAds)).toEqual(['routed', 'uploaded']);
  // Transcribe no longer serves it; its row stays (out of every queue) for the answer given there, which is kept.
  const { rows: [row] } = await stack.db.query('SELECT retirement_reason, classification_count FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [transcribe, idOf.routed]);
  expect(row).toEqual({ retirement_reason: 'unlinked', classification_count: 1 });
  expect((await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE workflow_id = $1 AND subject_id = $2', [transcribe, idOf.routed])).rows[0].n).toBe(1);
  expect((await (await volunteer()).queue(transcribe)).subjects.map((subject) => subject.externalId)).toEqual(['uploaded']);

  // The subject's results say where the effects put it, and when it left.
  const routed = await stack.client.subjectResult(screen, idOf.routed!, { limit: 10 });
  expect(routed.routing).toEqual([
    { subjectSetId: ads, name: 'Ads', addedAt: expect.any(String), leftAt: expect.any(String), removedByResearcher: null, decidedBy: { version: 1, when: { task: 'T0', answer: 'yes' }, answer: 'yes', agreement: 1 } },
    { subjectSetId: notAds, name: 'Not ads', addedAt: expect.any(String), leftAt: null, removedByResearcher: null, decidedBy: { version: 2, when: { task: 'T0', answer: 'no' }, answer: 'no', agreement: 0.6 } },
  ]);
  expect((await stack.client.subjectResult(screen, idOf.uploaded!, { limit: 10 })).routing).toEqual([
    { subjectSetId: notAds, name: 'Not ads', addedAt: expect.any(String), leftAt: null, removedByResearcher: null, decidedBy: { version: 2, when: { task: 'T0', answer: 'no' }, answer: 'no', agreement: 0.6 } },
  ]);

  // So does the consensus download, in every format, each subject's row read with the rest.
  const rows = (await stack.client.consensus(screen, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line));
  expect(rows.map(({ external_id, routed_into, routed_out_of }) => ({ external_id, routed_into, routed_out_of }))).toEqual(
    expect.arrayContaining([
      { external_id: 'routed', routed_into: [notAds], routed_out_of: [ads] },
      { external_id: 'uploaded', routed_into: [notAds], routed_out_of: [] },
    ]),
  );
  const { header, rows: cells } = csvTable(await stack.client.consensus(screen, { format: 'csv' }));
  const routedColumn = header.indexOf('routed_into');
  expect(cells.map((row) => row.slice(routedColumn, routedColumn + 2)).sort()).toEqual([[notAds, ''], [notAds, ads]].sort());

  // Aggregated again, and a newer version whose run routes every retired subject again: nothing moves.
  const before = await routingState([ads, notAds], transcribe);
  await Promise.all(both.flatMap((subjectId) => [aggregation.aggregateSubject(screen, subjectId), aggregation.aggregateSubject(screen, subjectId)]));
  const again = await stack.client.updateWorkflow(screen, { ...definition, retirement: { rule: 'count', count: 6 } });
  await until(async () => (await stack.client.reaggregation(screen, again.reaggregation!.id)).state === 'completed', 'the next version’s re-aggregation');
  expect(await routingState([ads, notAds], transcribe)).toEqual(before);
});

it('takes out of a set, when a new version’s effect no longer holds, the subjects its effect put there and no one uploaded since, and the run says how many', async () => {
  const { screen, transcribe, ads, idOf, definition } = await chained(['weak', 'adopted', 'strong'], [], 3, (sets) => [
    { when: { task: 'T0', answer: 'yes', agreementAtLeast: 0.5 }, addToSubjectSet: sets.ads },
  ]);
  for (const [name, values] of [['weak', ['yes', 'yes', 'no']], ['adopted', ['yes', 'no', 'yes']], ['strong', ['yes', 'yes', 'yes']]] as const) {
    for (const value of values) await answer(screen, 1, idOf[name]!, value);
  }
  await until(async () => (await members(ads)).length === 3, 'the effect');
  // The researcher uploads one of them into Ads too: the membership is theirs now.
  await stack.client.addSubjects(ads, [text('adopted')]);

  const updated = await stack.client.updateWorkflow(screen, { ...definition, effects: [{ when: { task: 'T0', answer: 'yes', agreementAtLeast: 0.9 }, addToSubjectSet: ads }] });
  await until(async () => (await stack.client.reaggregation(screen, updated.reaggregation!.id)).state === 'completed', 'the new version’s re-aggregation');
  expect(await members(ads)).toEqual(['adopted', 'strong']);
  expect((await stack.client.reaggregations(screen)).runs[0]).toMatchObject({ state: 'completed', subjects: 3, routedOut: 1 });
  // Never classified in Transcribe, it simply left it.
  const { rows } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [transcribe, idOf.weak]);
  expect(rows).toEqual([]);
  // A researcher takes one the effect put there out by hand: its results say it left.
  await stack.client.removeSubject(ads, idOf.strong!);
  // What decided it is the first version's effect (agreement 0.5 at least), which put it there: the run left it in place.
  expect((await stack.client.subjectResult(screen, idOf.strong!)).routing).toEqual([
    {
      subjectSetId: ads,
      name: 'Ads',
      addedAt: expect.any(String),
      leftAt: expect.any(String),
      removedByResearcher: { researcherId: expect.any(String), removedAt: expect.any(String) },
      decidedBy: { version: 1, when: { task: 'T0', answer: 'yes', agreementAtLeast: 0.5 }, answer: 'yes', agreement: 1 },
    },
  ]);
});

it('never puts back a subject a researcher took out of a set an effect put it in, however its consensus is routed again, until they upload it there again', async () => {
  const { screen, ads, idOf, definition } = await chained(['out', 'other'], [], 1, (sets) => [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: sets.ads }]);
  for (const name of ['out', 'other']) await answer(screen, 1, idOf[name]!, 'yes');
  await until(async () => (await members(ads)).length === 2, 'the effect');
  await stack.client.removeSubject(ads, idOf.out!);

  // A new version's run routes every retired subject again: the effect still holds, but the researcher's removal stands.
  const updated = await stack.client.updateWorkflow(screen, { ...definition, effects: [{ when: { task: 'T0', answer: 'yes', agreementAtLeast: 0.5 }, addToSubjectSet: ads }] });
  await until(async () => (await stack.client.reaggregation(screen, updated.reaggregation!.id)).state === 'completed', 'the new version’s re-aggregation');
  expect(await members(ads)).toEqual(['other']);
  const [route] = (await stack.client.subjectResult(screen, idOf.out!)).routing!;
  expect(route).toEqual({
    subjectSetId: ads,
    name: 'Ads',
    addedAt: expect.any(String),
    leftAt: expect.any(String),
    removedByResearcher: { researcherId: expect.any(String), removedAt: route!.leftAt },
    decidedBy: { version: 1, when: { task: 'T0', answer: 'yes' }, answer: 'yes', agreement: 1 },
  });
  expect((await stack.client.subjectResult(screen, idOf.other!)).routing![0]!.removedByResearcher).toBeNull();

  // The researcher uploads it into Ads again: it is theirs there, and no longer kept out; the record of their removal stays.
  await stack.client.addSubjects(ads, [text('out')]);
  expect(await members(ads)).toEqual(['other', 'out']);
  expect((await stack.client.subjectResult(screen, idOf.out!)).routing).toEqual([route]);
  expect((await stack.db.query('SELECT count(*)::int AS n FROM subject_set_removals WHERE subject_set_id = $1', [ads])).rows[0].n).toBe(0);
  // Taken out again, then uploaded again: the membership the effect made still says who ended it, and when.
  await stack.client.removeSubject(ads, idOf.out!);
  await stack.client.addSubjects(ads, [text('out')]);
  expect((await stack.client.subjectResult(screen, idOf.out!)).routing).toEqual([route]);
});

it('keeps what decided a routing while the subject stays in the set, however often it is routed again, and says nothing of a membership made before it was recorded', async () => {
  const { screen, ads, idOf, definition } = await chained(['decided', 'earlier'], [], 1, (sets) => [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: sets.ads }]);
  for (const name of ['decided', 'earlier']) await answer(screen, 1, idOf[name]!, 'yes');
  await until(async () => (await members(ads)).length === 2, 'the effect');
  const decided = { version: 1, when: { task: 'T0', answer: 'yes' }, answer: 'yes', agreement: 1 };
  expect((await stack.client.subjectResult(screen, idOf.decided!)).routing![0]!.decidedBy).toEqual(decided);
  // As a membership made before the migration: what decided it was not recorded.
  await stack.db.query('UPDATE effect_memberships SET decided_by = NULL WHERE subject_id = $1', [idOf.earlier]);

  // A new version whose effect asks for agreement too: its run routes both again, and both stay in Ads as they were.
  const updated = await stack.client.updateWorkflow(screen, { ...definition, effects: [{ when: { task: 'T0', answer: 'yes', agreementAtLeast: 0.5 }, addToSubjectSet: ads }] });
  await until(async () => (await stack.client.reaggregation(screen, updated.reaggregation!.id)).state === 'completed', 'the new version’s re-aggregation');
  expect(await members(ads)).toEqual(['decided', 'earlier']);
  expect((await stack.client.subjectResult(screen, idOf.decided!)).routing![0]!.decidedBy).toEqual(decided);
  expect((await stack.client.subjectResult(screen, idOf.earlier!)).routing![0]!.decidedBy).toBeNull();
});

it('tells the workflow a subject was routed into where it came from: its results (routedFrom), its consensus download (routed_from_workflow_ids) in either order, and the project’s sets (routedBy)', async () => {
  // A "yes" goes into Ads and into Not ads (say, a set to check again), both of which Transcribe serves.
  const { screen, transcribe, ads, notAds, idOf } = await chained(['routed'], ['uploaded'], 1, (sets) => [
    { when: { task: 'T0', answer: 'yes' }, addToSubjectSet: sets.ads },
    { when: { task: 'T0', answer: 'yes' }, addToSubjectSet: sets.notAds },
  ]);
  const { definition: transcribing } = await stack.client.getWorkflow(transcribe);
  await stack.client.updateWorkflow(transcribe, { ...transcribing, subjectSetIds: [ads, notAds] });
  for (const name of ['routed', 'uploaded']) await answer(screen, 1, idOf[name]!, 'yes');
  // Both subjects' memberships: the routed one's two, the uploaded one's one (its answer may be drained after the other's).
  await until(async () => (await stack.db.query('SELECT 1 FROM effect_memberships WHERE subject_id = ANY($1::uuid[])', [[idOf.routed, idOf.uploaded]])).rowCount === 3, 'the effects');

  // Transcribe's results: routed in by the screening's effects, into both sets, still there; the uploaded one only into Not ads.
  const routed = await stack.client.subjectResult(transcribe, idOf.routed!);
  expect(routed.routing).toEqual([]);
  const into = (subjectSetId: string, name: string) => ({
    workflowId: screen,
    workflowName: 'Ad or not?',
    subjectSetId,
    name,
    addedAt: expect.any(String),
    leftAt: null,
    removedByResearcher: null,
    decidedBy: { version: 1, when: { task: 'T0', answer: 'yes' }, answer: 'yes', agreement: 1 },
  });
  expect(routed.routedFrom).toEqual([into(ads, 'Ads'), into(notAds, 'Not ads')].sort((a, b) => a.subjectSetId.localeCompare(b.subjectSetId)));
  expect((await stack.client.subjectResult(transcribe, idOf.uploaded!)).routedFrom).toEqual([into(notAds, 'Not ads')]);
  // The same memberships as the screening's results list them; nothing came into the screening from elsewhere.
  const screening = await stack.client.subjectResult(screen, idOf.routed!);
  expect([screening.routing, screening.routedFrom]).toEqual([routed.routedFrom!.map(({ workflowId, workflowName, ...membership }) => membership), []]);

  // Its consensus download, in each order (the externalId order reads each row on its own) and in CSV.
  for (const sort of ['id', 'externalId']) {
    const { body } = await stack.client.request<Record<string, unknown>[]>('GET', `/workflows/${transcribe}/consensus?format=json&sort=${sort}`);
    // The screening once each, however many of its memberships brought the subject in.
    expect(body.map(({ external_id, routed_from_workflow_ids }) => [external_id, routed_from_workflow_ids]).sort()).toEqual([['routed', [screen]], ['uploaded', [screen]]]);
  }
  const { header, rows } = csvTable(await stack.client.consensus(transcribe, { format: 'csv' }));
  const column = header.indexOf('routed_from_workflow_ids');
  expect(header[column - 1]).toBe('routed_out_of');
  expect(rows.map((row) => [row[header.indexOf('external_id')], row[column]]).sort()).toEqual([['routed', screen], ['uploaded', screen]]);
  // The screening's download: its subjects came from no workflow.
  const screened = (await stack.client.consensus(screen, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line));
  expect(screened.map((row) => row.routed_from_workflow_ids)).toEqual([[], []]);

  // The project's sets say which workflows' effects fill them: Transcribe's page says which workflows feed it from these.
  const { subjectSets } = await stack.client.subjectSets((await stack.client.getWorkflow(screen)).projectId);
  expect(Object.fromEntries(subjectSets.map(({ name, routedBy }) => [name, routedBy]))).toEqual({ Snippets: [], Ads: [{ id: screen, name: 'Ad or not?' }], 'Not ads': [{ id: screen, name: 'Ad or not?' }] });
});

it('gives again in a since= consensus download the row of a subject whose routed membership an upload made the researcher’s', async () => {
  const { screen, ads, idOf } = await chained(['routed'], [], 1, (sets) => [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: sets.ads }]);
  await answer(screen, 1, idOf.routed!, 'yes');
  await until(async () => (await members(ads)).length === 1, 'the effect');
  const rowOf = async (since?: string) => {
    const { body } = await stack.client.request<{ subject_id: string; routed_into: string[]; updated_at: string }[]>(
      'GET',
      `/workflows/${screen}/consensus?format=json${since ? `&since=${encodeURIComponent(since)}` : ''}`,
    );
    return body.find((row) => row.subject_id === idOf.routed);
  };
  const routed = (await rowOf())!;
  expect(routed.routed_into).toEqual([ads]);

  // Uploaded into the set its effect put it in: the membership is the researcher's now, and no longer routing's.
  await stack.client.addSubjects(ads, [text('routed')]);
  expect(await rowOf(routed.updated_at)).toMatchObject({ routed_into: [], updated_at: expect.not.stringMatching(routed.updated_at) });
});

it('gives again in a later stage’s since= consensus download the row of a subject a second workflow’s effect routes into a set it is in already', async () => {
  const { screen, transcribe, ads, idOf, definition } = await chained(['routed'], [], 1, (sets) => [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: sets.ads }]);
  const second = await stack.client.createWorkflow((await stack.client.getWorkflow(screen)).projectId, { ...definition, name: 'Second look' });
  await stack.client.activateWorkflow(second.id);
  await answer(screen, 1, idOf.routed!, 'yes');
  await until(async () => (await members(ads)).length === 1, 'the effect');
  const since = (await stack.db.query('SELECT now() AS at')).rows[0].at.toISOString();

  // The second workflow's effect puts it in Ads too: Transcribe's row says so, and a since= download gives it again.
  await answer(second.id, 1, idOf.routed!, 'yes');
  await until(async () => (await stack.db.query('SELECT 1 FROM effect_memberships WHERE subject_id = $1', [idOf.routed])).rowCount === 2, 'the second effect');
  const { body } = await stack.client.request<Record<string, unknown>[]>('GET', `/workflows/${transcribe}/consensus?format=json&since=${encodeURIComponent(since)}`);
  expect(body.map(({ external_id, routed_from_workflow_ids }) => ({ external_id, routed_from_workflow_ids }))).toEqual([{ external_id: 'routed', routed_from_workflow_ids: [screen, second.id] }]);
});

it('gives again in a later stage’s since= consensus download the row of a subject whose routed membership an upload made the researcher’s', async () => {
  const { screen, transcribe, ads, idOf } = await chained(['routed'], [], 1, (sets) => [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: sets.ads }]);
  await answer(screen, 1, idOf.routed!, 'yes');
  await until(async () => (await members(ads)).length === 1, 'the effect');
  const downloaded = async (since?: string) =>
    (await stack.client.request<Record<string, unknown>[]>('GET', `/workflows/${transcribe}/consensus?format=json${since ? `&since=${encodeURIComponent(since)}` : ''}`)).body;
  expect((await downloaded()).map((row) => row.routed_from_workflow_ids)).toEqual([[screen]]);
  const since = (await stack.db.query('SELECT now() AS at')).rows[0].at.toISOString();

  // Uploaded into Ads: the membership is the researcher's, and the screening no longer listed as where it came from.
  await stack.client.addSubjects(ads, [text('routed')]);
  expect((await downloaded(since)).map(({ external_id, routed_from_workflow_ids }) => ({ external_id, routed_from_workflow_ids }))).toEqual([{ external_id: 'routed', routed_from_workflow_ids: [] }]);
});

it('gives a later stage’s since= consensus download a tombstone for a subject routing took out of it unclassified, and its row instead once it is back', async () => {
  const { screen, transcribe, ads, idOf, definition, downloaded } = await weakAndStrongInAds();
  const since = (await stack.db.query('SELECT now() AS at')).rows[0].at.toISOString();

  // A new version's effect asks for more agreement: routing takes "weak", never answered there, out of Ads, and so out of Transcribe.
  const updated = await stack.client.updateWorkflow(screen, { ...definition, effects: [{ when: { task: 'T0', answer: 'yes', agreementAtLeast: 0.9 }, addToSubjectSet: ads }] });
  await until(async () => (await stack.client.reaggregation(screen, updated.reaggregation!.id)).state === 'completed', 'the new version’s re-aggregation');
  expect(await members(ads)).toEqual(['strong']);
  expect((await downloaded()).map((row) => row.external_id)).toEqual(['strong']);
  const [tombstone, ...others] = await downloaded(since);
  expect(others).toEqual([]);
  expect(tombstone).toMatchObject({ subject_id: idOf.weak, external_id: 'weak', left_workflow_at: expect.any(String), retired: null, subject_set_ids: null, T0_answer: null, T0_votes: null });
  expect(tombstone!.updated_at).toBe(tombstone!.left_workflow_at);
  const [header, ...lines] = (await stack.client.consensus(transcribe, { format: 'csv', since })).trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]!.split(',')[header!.split(',').indexOf('left_workflow_at')]).toBe(tombstone!.left_workflow_at);

  // Uploaded into Ads by the researcher, it is back in Transcribe: its row, not the tombstone.
  await stack.client.addSubjects(ads, [text('weak')]);
  const back = (await downloaded(since)).filter((row) => row.subject_id === idOf.weak);
  expect(back).toEqual([expect.objectContaining({ external_id: 'weak', left_workflow_at: null, retired: false })]);
});

it('says in a later stage’s consensus download that a subject it had retired left it when routing took it out, keeping its retirement and consensus', async () => {
  const { screen, transcribe, ads, idOf, definition, downloaded } = await weakAndStrongInAds();
  // Transcribe retires "weak" by its count.
  for (const value of ['no', 'yes', 'yes']) await answer(transcribe, 1, idOf.weak!, value);
  await until(async () => (await stack.client.stats(transcribe)).retired === 1, 'Transcribe’s retirement');
  expect((await downloaded()).map(({ external_id, left_workflow }) => ({ external_id, left_workflow }))).toEqual(
    expect.arrayContaining([{ external_id: 'weak', left_workflow: false }, { external_id: 'strong', left_workflow: false }]),
  );
  const since = (await stack.db.query('SELECT now() AS at')).rows[0].at.toISOString();

  // The screening effect asks for more agreement: routing takes "weak" out of Ads, and so out of Transcribe.
  const updated = await stack.client.updateWorkflow(screen, { ...definition, effects: [{ when: { task: 'T0', answer: 'yes', agreementAtLeast: 0.9 }, addToSubjectSet: ads }] });
  // The save says that subjects will move between sets.
  expect(updated.warnings).toContainEqual({ pointer: '/effects', message: expect.stringMatching(new RegExp(`^change how subjects are routed into subject set "Ads" \\(${ads}\\): every subject is routed again`)) });
  await until(async () => (await stack.client.reaggregation(screen, updated.reaggregation!.id)).state === 'completed', 'the new version’s re-aggregation');
  expect(await members(ads)).toEqual(['strong']);
  const left = { external_id: 'weak', left_workflow: true, retired: true, retirement_reason: 'count', T0_answer: 'yes', T0_votes: 3, left_workflow_at: null };
  expect((await downloaded()).find((row) => row.subject_id === idOf.weak)).toMatchObject(left);
  // A since= download gives it again: its row changed.
  expect(await downloaded(since)).toEqual([expect.objectContaining(left)]);
  // The lab opens the row the download has: its results, saying it left.
  expect(await stack.client.subjectResult(transcribe, idOf.weak!)).toMatchObject({ leftWorkflow: true, retirement: { reason: 'count' }, classificationCount: 3, consensus: { T0: { answer: 'yes', votes: 3 } } });
});
