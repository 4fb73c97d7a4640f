import { type ChorusClient, type SubjectResult, subjectResultDetailSchema, subjectResultPageSchema } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { newAccount, newMember } from '../../../test/support/accounts';
import { refusal } from '../../../test/support/requests';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { transcriptionWorkflow, twoRulesWorkflow, voteWorkflow, yesNoWorkflow } from '../../../test/support/workflows';
import { subjectResultsQuerySchema } from '../src/subject-results/dto/subject-results.dto';
import { subjectResultsPage } from '../src/subject-results/subject-results.service';

let stack: Stack;
/** Twelve subjects, v0 … v11, retired after two classifications. */
let workflow: { projectId: string; workflowId: string; subjectIds: string[] };
let idOf: Record<string, string>;
let guests: { client: ChorusClient; id: string }[];
/** A registered volunteer, whose display name shows (as the raw download's user_name) and whose email must not. */
let account: Awaited<ReturnType<typeof newAccount>>;
/** v0's classifications, in the order they were stored: the second retired it. */
let retiring: string[];

const answer = (client: ChorusClient, workflowId: string, subjectId: string, value: string) =>
  client.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value }] }, randomUUID());

/** Waits until the worker has aggregated every classification of the workflow. */
const aggregated = (workflowId: string) => until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'aggregation');

beforeAll(async () => {
  stack = await startStack();
  workflow = await voteWorkflow(stack, 12, 2);
  const { rows } = await stack.db.query('SELECT id, external_id FROM subjects WHERE id = ANY($1)', [workflow.subjectIds]);
  idOf = Object.fromEntries(rows.map((row) => [row.external_id, row.id]));
  guests = await Promise.all(
    [0, 1].map(async () => {
      const session = await stack.anonymous.guest();
      return { client: stack.anonymous.withToken(session.token), id: session.user.id };
    }),
  );
  account = await newAccount(stack, 'Ada Secretname');
  retiring = [(await answer(guests[0]!.client, workflow.workflowId, idOf.v0!, 'yes')).id];
  retiring.push((await answer(guests[1]!.client, workflow.workflowId, idOf.v0!, 'yes')).id);
  await answer(account.client, workflow.workflowId, idOf.v1!, 'no');
  await aggregated(workflow.workflowId);
});
afterAll(() => stack.stop());

/** Every page of the results the query gives, `limit` at a time, and `between` run after each page. */
async function everyPage(workflowId: string, query: Parameters<ChorusClient['subjectResults']>[1], between: (page: number) => Promise<void> = async () => {}): Promise<SubjectResult[]> {
  const subjects: SubjectResult[] = [];
  for (let after: string | undefined, page = 1; ; page++) {
    const answered = await stack.client.subjectResults(workflowId, { ...query, after });
    subjects.push(...answered.subjects);
    if (!answered.next) return subjects;
    after = answered.next;
    await between(page);
  }
}

/** A GET sent as it is, for what the client's types would not let through. */
const get = (path: string) => stack.client.request('GET', path);

describe("a workflow's subject results", () => {
  it('gives every subject in id order with its classifications counted, its retirement and its consensus, once aggregated', async () => {
    const page = await stack.client.subjectResults(workflow.workflowId, { limit: 100 });
    expect(subjectResultPageSchema.parse(page)).toEqual(page); // the documented shape, strictly
    expect(page.subjects.map((subject) => subject.id)).toEqual(workflow.subjectIds);
    expect(page.next).toBeNull();
    const [v0, v1, v2] = ['v0', 'v1', 'v2'].map((name) => page.subjects.find((subject) => subject.externalId === name)!);
    expect(v0).toEqual({
      id: idOf.v0,
      externalId: 'v0',
      locations: [{ type: 'text', text: 'Subject 0' }],
      metadata: {},
      goldStandard: null,
      classificationCount: 2,
      draftTries: 0,
      favourites: 0,
      retirement: { retiredAt: expect.any(String), reason: 'count', note: null, task: null, byClassificationId: retiring[1], by: null },
      consensus: { T0: { answer: 'yes', agreement: 1, votes: 2, algorithm: 'plurality-vote', workflowVersion: 1, notReached: null, offPath: null, needsChecking: false, askedForCheck: 0, plurality: { against: false, answerVotes: 2, mostVotes: 2 } } },
      reviews: {},
    });
    expect(v1).toMatchObject({ classificationCount: 1, retirement: null, consensus: { T0: { answer: 'no', agreement: 1, votes: 1 } } });
    expect(v2).toMatchObject({ classificationCount: 0, retirement: null, consensus: {} });
    // The consensus as the download reads it.
    const downloaded = (await stack.client.consensus(workflow.workflowId, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line));
    for (const subject of page.subjects) {
      const row = downloaded.find((each) => each.subject_id === subject.id);
      const task = subject.consensus.T0;
      expect([subject.externalId, task?.answer ?? null, task?.agreement ?? null, task?.votes ?? 0, task?.plurality?.against ?? null, subject.retirement?.reason ?? null, subject.classificationCount]).toEqual([
        row.external_id,
        row.T0_answer,
        row.T0_agreement,
        row.T0_votes,
        row.T0_against_plurality,
        row.retirement_reason,
        row.classification_count,
      ]);
    }
  });

  it('counts the volunteers who marked each subject a favourite, in whichever workflow, on its page and in the download', async () => {
    const { workflowId, projectId, subjectIds } = await voteWorkflow(stack, 3);
    const [s0, s1, s2] = subjectIds as [string, string, string];
    const definition = await stack.client.getWorkflow(workflowId);
    const other = await stack.client.createWorkflow(projectId, { ...definition.definition, subjectSetIds: definition.subjectSetIds });
    await stack.client.activateWorkflow(other.id);
    const [ada, bob, cy] = await Promise.all([0, 1, 2].map(async () => stack.anonymous.withToken((await stack.anonymous.guest()).token)));
    await ada!.markFavourite(s0, workflowId);
    await ada!.markFavourite(s1, workflowId);
    await bob!.markFavourite(s0, workflowId);
    await bob!.markFavourite(s2, workflowId);
    await bob!.unmarkFavourite(s2);
    await cy!.markFavourite(s0, other.id);
    const counted = { [s0]: 3, [s1]: 1, [s2]: 0 };

    const page = await stack.client.subjectResults(workflowId);
    expect(Object.fromEntries(page.subjects.map((subject) => [subject.id, subject.favourites]))).toEqual(counted);
    expect((await stack.client.subjectResult(workflowId, s0)).favourites).toBe(3);
    expect((await stack.client.subjectResults(other.id)).subjects.find((subject) => subject.id === s0)?.favourites).toBe(3);
    const downloaded: { subject_id: string; favourites: number }[] = JSON.parse(await stack.client.consensus(workflowId, { format: 'json' }));
    expect(Object.fromEntries(downloaded.map((row) => [row.subject_id, row.favourites]))).toEqual(counted);
  });

  it('sorts by favourites, the most first and ties in id order, a page at a time across those with favourites and those without', async () => {
    const { workflowId, projectId, subjectIds } = await voteWorkflow(stack, 7);
    const definition = await stack.client.getWorkflow(workflowId);
    const other = await stack.client.createWorkflow(projectId, { ...definition.definition, subjectSetIds: definition.subjectSetIds });
    await stack.client.activateWorkflow(other.id);
    const volunteers = await Promise.all([0, 1, 2].map(async () => stack.anonymous.withToken((await stack.anonymous.guest()).token)));
    // s3: three (one in the other workflow); s1 and s5: two; s0: one; s2, s4 and s6: none.
    const marks: [number, number[]][] = [[3, [0, 1, 2]], [1, [0, 1]], [5, [1, 2]], [0, [2]]];
    for (const [subject, who] of marks) {
      for (const volunteer of who) await volunteers[volunteer]!.markFavourite(subjectIds[subject]!, subject === 3 && volunteer === 2 ? other.id : workflowId);
    }
    const order = [3, 1, 5, 0, 2, 4, 6].map((index) => subjectIds[index]!);
    for (const limit of [1, 2, 3, 4, 100]) {
      const walked = await everyPage(workflowId, { sort: 'favourites', limit });
      expect(walked.map((subject) => [subject.id, subject.favourites])).toEqual(order.map((id) => [id, [3, 2, 2, 1][order.indexOf(id)] ?? 0]));
    }
    // With the filters: s3 and s4 retired by hand, the active ones in the same order without them.
    await stack.client.retireSubjects(workflowId, { subjectIds: [subjectIds[3]!, subjectIds[4]!], reason: 'torn' });
    expect((await everyPage(workflowId, { sort: 'favourites', status: 'active', limit: 2 })).map((subject) => subject.id)).toEqual(order.filter((id) => id !== subjectIds[3] && id !== subjectIds[4]));
    expect((await everyPage(workflowId, { sort: 'favourites', status: 'retired', limit: 1 })).map((subject) => subject.id)).toEqual([subjectIds[3], subjectIds[4]]);
    // The next page of one order is refused in the other.
    const { next } = await stack.client.subjectResults(workflowId, { sort: 'favourites', limit: 1 });
    await refusal(get(`/workflows/${workflowId}/subject-results?after=${next}`), { status: 422, pointers: ['/query/after'] });
  });

  it("sorts by the researchers' externalIds, those without one last in id order, a page at a time across both", async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 7);
    // Named against the order of their ids, s2 and s5 named not at all.
    const byId = [...subjectIds].sort();
    const names = Object.fromEntries(byId.map((id, index) => [id, index === 2 || index === 5 ? null : `PC-${String(10 - index).padStart(4, '0')}${index === 0 ? ' Überseedampfer_½.' : ''}`]));
    for (const [id, name] of Object.entries(names)) await stack.db.query('UPDATE subjects SET external_id = $2 WHERE id = $1', [id, name]);
    const named = byId.filter((id) => names[id] !== null).sort((a, b) => (names[a]! < names[b]! ? -1 : 1));
    const order = [...named, byId[2]!, byId[5]!];
    for (const limit of [1, 2, 3, 4, 5, 100]) {
      const walked = await everyPage(workflowId, { sort: 'externalId', limit });
      expect(walked.map((subject) => [subject.id, subject.externalId])).toEqual(order.map((id) => [id, names[id]]));
    }
    // With the filters: the first named and the first unnamed retired by hand.
    await stack.client.retireSubjects(workflowId, { subjectIds: [order[0]!, byId[2]!], reason: 'torn' });
    expect((await everyPage(workflowId, { sort: 'externalId', status: 'active', limit: 2 })).map((subject) => subject.id)).toEqual(order.filter((id) => id !== order[0] && id !== byId[2]));
    expect((await everyPage(workflowId, { sort: 'externalId', status: 'retired', limit: 1 })).map((subject) => subject.id)).toEqual([order[0], byId[2]]);
    expect((await everyPage(workflowId, { sort: 'externalId', q: 'PC-000', limit: 1 })).map((subject) => subject.externalId)).toEqual(['PC-0004', 'PC-0006', 'PC-0007', 'PC-0009']);
    // The next page of one order is refused in another, both ways.
    const { next } = await stack.client.subjectResults(workflowId, { sort: 'externalId', limit: 1 });
    for (const query of [`after=${next}`, `sort=favourites&after=${next}`, `sort=externalId&after=${byId[0]}`]) {
      await refusal(get(`/workflows/${workflowId}/subject-results?${query}`), { status: 422, pointers: ['/query/after'] });
    }
  });

  it('filters by status, and by the start of an externalId or a subject id', async () => {
    const ids = async (query: Parameters<ChorusClient['subjectResults']>[1]) => (await everyPage(workflow.workflowId, { ...query, limit: 100 })).map((subject) => subject.externalId);
    const inIdOrder = (names: string[]) => [...names].sort((a, b) => idOf[a]!.localeCompare(idOf[b]!));
    const all = Object.keys(idOf);
    expect(await ids({ status: 'retired' })).toEqual(['v0']);
    expect(await ids({ status: 'active' })).toEqual(inIdOrder(all.filter((name) => name !== 'v0')));
    expect(await ids({ status: 'all' })).toEqual(inIdOrder(all));
    expect(await ids({ q: 'v1' })).toEqual(inIdOrder(['v1', 'v10', 'v11']));
    expect(await ids({ q: 'v1', status: 'retired' })).toEqual([]);
    expect(await ids({ q: idOf.v7!.toUpperCase() })).toEqual(['v7']);
    // Case as written, and a LIKE wildcard is a character like any other.
    expect(await ids({ q: 'V1' })).toEqual([]);
    expect(await ids({ q: 'v%' })).toEqual([]);
    expect(await ids({ q: 'v_' })).toEqual([]);
    expect(await ids({ q: '   ' })).toEqual(inIdOrder(all));
  });

  it('does not mark a transcription nobody wrote as needing checking (a branch that skipped it)', async () => {
    const project = await stack.client.createProject({ title: `Skipped ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Letters' });
    const { subjectIds } = await stack.client.addSubjects(set.id, [{ externalId: 'blank', locations: [{ type: 'text', text: 'A blank page' }] }]);
    const { id: workflowId } = await stack.client.createWorkflow(project.id, {
      name: 'Writing?',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'single', question: 'Is there writing?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
        T1: { type: 'transcription', instruction: 'Type it' },
      },
      retirement: { rule: 'count', count: 5 },
      subjectSetIds: [set.id],
    });
    await stack.client.activateWorkflow(workflowId);
    await Promise.all(guests.slice(0, 2).map(({ client }) => client.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[0]!, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID())));
    await aggregated(workflowId);
    const [blank] = await everyPage(workflowId, { limit: 100 });
    // The algorithm's flag is stored for the empty task; there is nothing in it to check.
    expect(blank?.consensus.T1).toMatchObject({ votes: 0, needsChecking: false });
    expect(await everyPage(workflowId, { needsChecking: true, limit: 100 })).toEqual([]);
  });

  it('marks a transcription whose consensus needs checking, lists only those when asked, and gives its words with how many agreed (round 17b F5)', async () => {
    const { workflowId, idOf: letter } = await transcriptionWorkflow(stack.client, ['agreed', 'disputed', 'untouched', 'arabic']);
    const transcribers = [account.client, guests[0]!.client, guests[1]!.client];
    const texts: Record<string, string[]> = {
      agreed: ['Mary Brown of Leeds', 'Mary Brown of Leeds', 'Mary Brown of Leeds'],
      disputed: ['Mary Brown of Leeds', 'Mary Smith of Leeds', 'Mary Jones of Leeds'],
      arabic: ['رسالة من أحمد', 'رسالة من أحمد', 'رسالة إلى أحمد'],
    };
    for (const [name, each] of Object.entries(texts)) {
      await Promise.all(each.map((text, i) => transcribers[i]!.classify({ workflowId, workflowVersion: 1, subjectId: letter[name]!, annotations: [{ task: 'T0', value: text }] }, randomUUID())));
    }
    await aggregated(workflowId);

    const listed = await everyPage(workflowId, { limit: 100 });
    expect(subjectResultPageSchema.parse({ subjects: listed, next: null }).subjects).toEqual(listed);
    const flagged = Object.fromEntries(listed.map((subject) => [subject.externalId, subject.consensus.T0?.needsChecking ?? null]));
    expect(flagged).toEqual({ agreed: false, disputed: true, untouched: null, arabic: false });
    // As the download's <task>_result says it.
    const downloaded = (await stack.client.consensus(workflowId, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line));
    for (const row of downloaded) expect([row.external_id, row.T0_result?.lowConsensus ?? null]).toEqual([row.external_id, flagged[row.external_id]]);

    // Only those that need checking, in every order and with the other filters.
    const needing = async (query: Parameters<ChorusClient['subjectResults']>[1]) => (await everyPage(workflowId, { ...query, needsChecking: true, limit: 1 })).map((subject) => subject.externalId);
    for (const sort of ['id', 'externalId', 'favourites'] as const) expect(await needing({ sort })).toEqual(['disputed']);
    expect(await needing({ status: 'retired' })).toEqual([]);
    expect(await needing({ q: 'agr' })).toEqual([]);
    await get(`/workflows/${workflowId}/subject-results?needsChecking=false&limit=100`);

    // The subject's page: each consensus word with how many agreed, the disputed one marked, and who transcribed it.
    const disputed = await stack.client.subjectResult(workflowId, letter.disputed!);
    expect(subjectResultDetailSchema.parse(disputed)).toEqual(disputed);
    const words = disputed.consensus.T0!.words!;
    expect(words).toHaveLength(1);
    expect(words[0]!.map(({ agreed, of, needsChecking }) => [agreed, of, needsChecking])).toEqual([[3, 3, false], [1, 3, true], [3, 3, false], [3, 3, false]]);
    expect(words[0]!.map((word) => word.word).join(' ')).toBe(disputed.consensus.T0!.answer);
    expect(disputed.classifications.map((each) => each.volunteer).sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: 'guest', name: null },
      { kind: 'guest', name: null },
      { kind: 'registered', name: 'Ada Secretname' },
    ]);
    const arabic = await stack.client.subjectResult(workflowId, letter.arabic!);
    expect(arabic.consensus.T0!.words![0]!.map(({ word, agreed, needsChecking }) => [word, agreed, needsChecking])).toEqual([
      ['رسالة', 3, false],
      ['من', 2, false],
      ['أحمد', 3, false],
    ]);
  });

  it('finds the subjects whose consensus or reviewed answer holds a text, whatever its case and accents, its % and _ as they are, with the other filters and a page at a time', async () => {
    const { workflowId, idOf: letter } = await transcriptionWorkflow(stack.client, ['smith', 'accented', 'percent', 'other', 'corrected']);
    const texts: Record<string, string> = {
      smith: 'A letter from Mr SMITH of Leeds',
      accented: 'Édith écrit à Paris',
      percent: 'Rates rose 10% in 1850',
      other: 'Mary Brown of York 10 in 1_0',
      corrected: 'A letter from Mr Smyth',
    };
    await Promise.all(Object.entries(texts).map(([name, text]) => account.client.classify({ workflowId, workflowVersion: 1, subjectId: letter[name]!, annotations: [{ task: 'T0', value: text }] }, randomUUID())));
    await aggregated(workflowId);
    // The consensus stays "Smyth"; the reviewed answer says Smith.
    await stack.client.reviewConsensus(workflowId, letter.corrected!, 'T0', 'A letter from Mr Smithson');
    await stack.client.retireSubjects(workflowId, { subjectIds: [letter.smith!], reason: 'done' });

    const found = async (query: Parameters<ChorusClient['subjectResults']>[1], limit = 100) => (await everyPage(workflowId, { ...query, limit })).map((subject) => subject.externalId);
    const inIdOrder = (names: string[]) => [...names].sort((a, b) => letter[a]!.localeCompare(letter[b]!));
    expect(await found({ text: 'smith' })).toEqual(inIdOrder(['smith', 'corrected']));
    expect(await found({ text: '  EDITH ECRIT A  ' })).toEqual(['accented']);
    expect(await found({ text: 'édith' })).toEqual(['accented']);
    expect(await found({ text: 'smyth' })).toEqual(['corrected']);
    // A LIKE wildcard is a character like any other.
    expect(await found({ text: '10%' })).toEqual(['percent']);
    expect(await found({ text: '%' })).toEqual(['percent']);
    expect(await found({ text: '1_0' })).toEqual(['other']);
    expect(await found({ text: 'nowhere' })).toEqual([]);
    // With the other filters, and a page at a time in every order.
    expect(await found({ text: 'smith', status: 'active' })).toEqual(['corrected']);
    expect(await found({ text: 'smith', status: 'retired' })).toEqual(['smith']);
    expect(await found({ text: 'smith', q: 'corr' })).toEqual(['corrected']);
    expect(await found({ text: 'smith', reviewed: true })).toEqual(['corrected']);
    expect(await found({ text: 'of' }, 1)).toEqual(inIdOrder(['smith', 'other']));
    expect(await found({ text: 'letter', sort: 'externalId' }, 1)).toEqual(['corrected', 'smith']);
    expect(await found({ text: 'letter', sort: 'favourites' }, 1)).toEqual(inIdOrder(['smith', 'corrected']));
    // A reviewer finds only what is in their reach (the consensus to check): not "corrected", which a researcher reviewed.
    const reviewer = await newMember(stack, (await stack.client.getWorkflow(workflowId)).projectId, 'reviewer', 'Rita');
    const reach = (await reviewer.client.subjectResults(workflowId, { limit: 100 })).subjects.map((subject) => subject.externalId);
    expect(reach).toContain('smith');
    expect(reach).not.toContain('corrected');
    expect((await reviewer.client.subjectResults(workflowId, { text: 'smith', limit: 100 })).subjects.map((subject) => subject.externalId)).toEqual(['smith']);
  });

  it('finds a form by its fields’ answers only: not by a field’s name, nor by the JSON’s quotes and braces', async () => {
    const project = await stack.client.createProject({ title: `Cards ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Cards' });
    const { subjectIds } = await stack.client.addSubjects(set.id, ['card', 'reviewed'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `The ${externalId}` }] })));
    const fields = [{ key: 'name', label: 'Name', kind: 'text' as const }, { key: 'born', label: 'Born', kind: 'text' as const }];
    const { id: workflowId } = await stack.client.createWorkflow(project.id, { name: 'Copy the cards', firstTask: 'T0', tasks: { T0: { type: 'fields', instruction: 'Copy the card', fields } }, retirement: { rule: 'count', count: 5 }, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(workflowId);
    for (const [index, value] of [{ name: 'Ann Lee', born: '1850' }, { name: 'Bob Ray', born: '1851' }].entries()) {
      await account.client.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[index]!, annotations: [{ task: 'T0', value }] }, randomUUID());
    }
    await aggregated(workflowId);
    await stack.client.reviewConsensus(workflowId, subjectIds[1]!, 'T0', { name: 'Zoé Ray', born: '1851' });
    const found = async (text: string) => (await everyPage(workflowId, { text, limit: 100 })).map((subject) => subject.externalId);
    expect(await found('ann lee')).toEqual(['card']);
    expect(await found('1850')).toEqual(['card']);
    expect(await found('zoe')).toEqual(['reviewed']);
    for (const text of ['name', 'born', '"', '{', 'lee","born']) expect([text, await found(text)]).toEqual([text, []]);
  });

  it('pages stably: every subject once, in id order, however its subjects change between pages', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 7, 1);
    const walked = await everyPage(workflowId, { limit: 3 }, async (page) => {
      // A subject of the page read retired, and one of a page to come.
      if (page === 1) await stack.client.retireSubjects(workflowId, { subjectIds: [subjectIds[0]!, subjectIds[5]!], reason: 'torn' });
    });
    expect(walked.map((subject) => subject.id)).toEqual(subjectIds);
    expect(walked[5]!.retirement).toMatchObject({ reason: 'manual', note: 'torn' });
    // Retired ones leave a list of active ones between its pages, and none comes twice.
    const active = await everyPage(workflowId, { status: 'active', limit: 2 }, async (page) => {
      if (page === 1) await stack.client.retireSubjects(workflowId, { subjectIds: [subjectIds[6]!], reason: 'blank' });
    });
    expect(active.map((subject) => subject.id)).toEqual(subjectIds.slice(1, 5));
  });

  it('gives one subject with each task’s whole consensus and its classifications, oldest first, volunteers named as the raw download names them', async () => {
    const detail = await stack.client.subjectResult(workflow.workflowId, idOf.v0!);
    expect(subjectResultDetailSchema.parse(detail)).toEqual(detail);
    const listed = (await stack.client.subjectResults(workflow.workflowId, { q: 'v0' })).subjects[0]!;
    const { consensus, classifications, nextClassifications, routing, routedFrom, leftWorkflow, ...subject } = detail;
    expect(subject).toEqual({ ...listed, consensus: undefined, classifications: undefined, nextClassifications: undefined } as never);
    expect(leftWorkflow).toBe(false);
    expect(routing).toEqual([]); // the workflow has no effects
    expect(routedFrom).toEqual([]); // nor does another feed it
    expect(consensus.T0).toMatchObject({ ...listed.consensus.T0, result: { counts: { yes: 2 }, leaders: ['yes'] }, words: null });
    expect(classifications).toEqual(
      retiring.map((id, index) => ({
        id,
        volunteerId: guests[index]!.id,
        volunteer: { kind: 'guest', name: null },
        workflowVersion: 1,
        createdAt: expect.any(String),
        annotations: [{ task: 'T0', value: 'yes' }],
        goldStandard: false,
        afterRetirement: false,
        madeInDraft: false,
      })),
    );
    expect(nextClassifications).toBeNull();

    // The volunteer as the raw download names them: by id, kind and display name, never by email.
    const raw: { classification_id: string; user_id: string; user_kind: string; user_name: string }[] = JSON.parse(await stack.client.classifications(workflow.workflowId, { format: 'json' }));
    const byAccount = await stack.client.subjectResult(workflow.workflowId, idOf.v1!);
    expect(byAccount.classifications.map((each) => [each.volunteerId, each.volunteer])).toEqual([[account.id, { kind: 'registered', name: 'Ada Secretname' }]]);
    const row = raw.find((each) => each.classification_id === byAccount.classifications[0]!.id);
    expect([row?.user_id, row?.user_kind, row?.user_name]).toEqual([account.id, 'registered', 'Ada Secretname']);
    expect(JSON.stringify(byAccount)).not.toContain(account.email);

    // A page of classifications at a time.
    const first = await stack.client.subjectResult(workflow.workflowId, idOf.v0!, { limit: 1 });
    expect(first.classifications.map((each) => each.id)).toEqual([retiring[0]]);
    const second = await stack.client.subjectResult(workflow.workflowId, idOf.v0!, { limit: 1, after: first.nextClassifications! });
    expect([second.classifications.map((each) => each.id), second.nextClassifications]).toEqual([[retiring[1]], null]);
  });

  it('gives a subject that left the workflow (its set unlinked, or taken out of it), as the download keeps it, leaves it out of the list, and answers 404 for one never in it', async () => {
    const project = await stack.client.createProject({ title: `Unlinked ${randomUUID().slice(0, 8)}`, status: 'live' });
    const [kept, dropped] = [await stack.client.createSubjectSet(project.id, { name: 'Kept' }), await stack.client.createSubjectSet(project.id, { name: 'Dropped' })];
    const [{ subjectIds: [keptId, takenId] }, { subjectIds: [droppedId] }] = [
      await stack.client.addSubjects(kept.id, [{ externalId: 'k', locations: [{ type: 'text', text: 'Kept' }] }, { externalId: 't', locations: [{ type: 'text', text: 'Taken out' }] }]),
      await stack.client.addSubjects(dropped.id, [{ externalId: 'd', locations: [{ type: 'text', text: 'Dropped' }] }]),
    ];
    const definition = {
      name: 'W',
      firstTask: 'T0',
      tasks: { T0: { type: 'single' as const, question: 'Q', algorithm: 'vote' as const, answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      retirement: { rule: 'count' as const, count: 3 },
    };
    const { id: workflowId } = await stack.client.createWorkflow(project.id, { ...definition, subjectSetIds: [kept.id, dropped.id] });
    await stack.client.activateWorkflow(workflowId);
    await answer(guests[0]!.client, workflowId, droppedId!, 'no');
    await answer(guests[0]!.client, workflowId, takenId!, 'yes');
    await aggregated(workflowId);
    expect((await stack.client.subjectResult(workflowId, takenId!)).leftWorkflow).toBe(false);
    await stack.client.updateWorkflow(workflowId, { ...definition, subjectSetIds: [kept.id] });
    expect(await stack.client.removeSubject(kept.id, takenId!)).toEqual({ deletedSubjects: 0, keptSubjects: 1 });

    expect((await stack.client.subjectResults(workflowId)).subjects.map((subject) => subject.id)).toEqual([keptId]);
    const downloaded = (await stack.client.consensus(workflowId, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line));
    for (const [subjectId, answered] of [[droppedId!, 'no'], [takenId!, 'yes']] as const) {
      const detail = await stack.client.subjectResult(workflowId, subjectId);
      expect(subjectResultDetailSchema.parse(detail)).toEqual(detail);
      expect(detail).toMatchObject({ id: subjectId, leftWorkflow: true, classificationCount: 1, retirement: { reason: 'unlinked' }, consensus: { T0: { answer: answered, votes: 1 } } });
      expect(detail.classifications).toHaveLength(1);
      // As the download has it.
      expect(downloaded.find((row) => row.subject_id === subjectId)).toMatchObject({ left_workflow: true, retirement_reason: 'unlinked', T0_answer: answered });
    }
    expect((await stack.client.subjectResult(workflowId, keptId!)).leftWorkflow).toBe(false);
    for (const subjectId of [idOf.v0!, randomUUID()]) {
      await refusal(get(`/workflows/${workflowId}/subject-results/${subjectId}`), { status: 404, pointers: ['/params/subjectId'] });
    }
  });

  it('says where a subject routed into the workflow came from (routedFrom): the workflow whose effect put it in a set this one serves, which set, and when', async () => {
    const { projectId, workflowId: first, idOf: firstIds } = await yesNoWorkflow(stack, [{ externalId: 'routed' }, { externalId: 'stays' }], 1);
    const later = await stack.client.createSubjectSet(projectId, { name: 'Later' });
    const { definition } = await stack.client.getWorkflow(first);
    await stack.client.updateWorkflow(first, { ...definition, effects: [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: later.id }] });
    const { id: second } = await stack.client.createWorkflow(projectId, { ...definition, name: 'Second', subjectSetIds: [later.id] });
    await stack.client.activateWorkflow(second);
    for (const [name, value] of [['routed', 'yes'], ['stays', 'no']] as const) await answer(guests[0]!.client, first, firstIds[name]!, value);
    await until(async () => (await stack.client.subjectResults(second, {})).subjects.length === 1, 'the routing');

    const routed = await stack.client.subjectResult(second, firstIds.routed!);
    expect(subjectResultDetailSchema.parse(routed)).toEqual(routed);
    expect(routed.routedFrom).toEqual([
      {
        workflowId: first,
        workflowName: 'W',
        subjectSetId: later.id,
        name: 'Later',
        addedAt: expect.any(String),
        leftAt: null,
        removedByResearcher: null,
        decidedBy: { version: 2, when: { task: 'T0', answer: 'yes' }, answer: 'yes', agreement: 1 },
      },
    ]);
    expect(routed.routing).toEqual([]);
    // The workflow that routed it lists the same membership as its own routing, and nothing routed into it.
    const { workflowId, workflowName, ...membership } = routed.routedFrom![0]!;
    const sent = await stack.client.subjectResult(first, firstIds.routed!);
    expect([sent.routing, sent.routedFrom]).toEqual([[membership], []]);
  });

  it('says which task’s rule of an any rule retired a subject: the one met, or the one whose most classifications it reached', async () => {
    const { workflowId, idOf: twoRules } = await twoRulesWorkflow(stack, stack.client);
    const page = await stack.client.subjectResults(workflowId);
    expect(subjectResultPageSchema.parse(page)).toEqual(page);
    expect(Object.fromEntries(page.subjects.map((subject) => [subject.externalId, [subject.retirement?.reason, subject.retirement?.task]]))).toEqual({
      agreed: ['agreement', 'T1'],
      capped: ['maximum', 'T0'],
    });
    expect((await stack.client.subjectResult(workflowId, twoRules.agreed)).retirement).toMatchObject({ reason: 'agreement', task: 'T1' });
  });

  it('says who retired a subject by hand, by name while they are on the team and by id once they left it, with their role then', async () => {
    const project = await stack.client.createProject({ title: `Retired by ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    const { subjectIds } = await stack.client.addSubjects(set.id, ['a', 'b', 'c'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
    const { id: workflowId } = await stack.client.createWorkflow(project.id, {
      name: 'W',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      subjectSetIds: [set.id],
    });
    const { rows: owners } = await stack.db.query("SELECT user_id FROM project_members WHERE project_id = $1 AND role = 'owner'", [project.id]);
    const scientist = await newMember(stack, project.id, 'scientist', 'Annie Cannon');
    await stack.client.retireSubjects(workflowId, { subjectIds: [subjectIds[0]!], reason: 'Blank' });
    await scientist.client.retireSubjects(workflowId, { subjectIds: [subjectIds[1]!], reason: 'Out of scope' });
    const byOf = async () => Object.fromEntries((await stack.client.subjectResults(workflowId)).subjects.map((subject) => [subject.externalId, subject.retirement?.by ?? null]));
    const byOwner = { memberId: owners[0].user_id, name: 'Researcher', role: 'owner' };
    expect(await byOf()).toEqual({ a: byOwner, b: { memberId: scientist.id, name: 'Annie Cannon', role: 'scientist' }, c: null });
    const detail = await stack.client.subjectResult(workflowId, subjectIds[1]!);
    expect(subjectResultDetailSchema.parse(detail)).toEqual(detail);
    expect(detail.retirement).toMatchObject({ reason: 'manual', note: 'Out of scope', by: { memberId: scientist.id, name: 'Annie Cannon', role: 'scientist' } });

    // Gone from the team: named by id, in the role they had then (kept with the retirement), as the download has it.
    await stack.client.removeMember(project.id, scientist.id);
    expect((await byOf()).b).toEqual({ memberId: scientist.id, name: null, role: 'scientist' });
    const row = (await stack.client.consensus(workflowId, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line)).find((each) => each.external_id === 'b');
    expect([row.retired_by, row.retired_by_role]).toEqual([scientist.id, 'scientist']);
    // A retirement from before the role was kept: their role now, none once they left.
    await stack.db.query("UPDATE subject_workflow_status SET retirement_detail = retirement_detail - 'role' WHERE workflow_id = $1", [workflowId]);
    expect(await byOf()).toEqual({ a: byOwner, b: { memberId: scientist.id, name: null, role: null }, c: null });
  });

  it('is for the project’s researchers only, as the downloads are', async () => {
    const { workflowId, projectId, subjectIds } = workflow;
    const outsider = await newAccount(stack, 'Outsider');
    const moderator = await newMember(stack, projectId, 'moderator', 'Moderator');
    for (const client of [outsider.client, moderator.client, guests[0]!.client]) {
      await refusal(client.subjectResults(workflowId), { status: 403 });
      await refusal(client.subjectResult(workflowId, subjectIds[0]!), { status: 403 });
    }
    for (const role of ['scientist', 'collaborator'] as const) {
      const member = await newMember(stack, projectId, role, role);
      expect((await member.client.subjectResults(workflowId)).subjects).toHaveLength(12);
      expect((await member.client.subjectResult(workflowId, idOf.v0!)).classifications).toHaveLength(2);
    }
  });

  it('sorts externalIds in natural order, the numbers within them as numbers, a page at a time, as the consensus download does (20a F2)', async () => {
    const inOrder = ['letter-1-page-3', 'letter-2-page-1', 'letter-2-page-2', 'letter-2-page-10', 'letter-10-page-1', 'p9', 'p10', 'PC-0002', 'PC-0010'];
    const { workflowId } = await yesNoWorkflow(stack, ['letter-2-page-10', 'PC-0010', 'letter-10-page-1', 'p10', 'letter-2-page-2', 'letter-1-page-3', 'p9', 'letter-2-page-1', 'PC-0002'].map((externalId) => ({ externalId })));
    for (const limit of [1, 2, 4, 100]) expect((await everyPage(workflowId, { sort: 'externalId', limit })).map((subject) => subject.externalId)).toEqual(inOrder);
    expect((await everyPage(workflowId, { sort: 'externalId', q: 'letter-2-', limit: 1 })).map((subject) => subject.externalId)).toEqual(['letter-2-page-1', 'letter-2-page-2', 'letter-2-page-10']);
    const downloaded = (await stack.client.consensus(workflowId, { format: 'ndjson', sort: 'externalId' })).trim().split('\n').map((line) => JSON.parse(line).external_id);
    expect(downloaded).toEqual(inOrder);
  });

  it('finds one subject by its externalId exactly, where q finds every externalId starting with it (21a F9)', async () => {
    const { workflowId } = await yesNoWorkflow(stack, ['letter-2-page-1', 'letter-2-page-10', 'letter-2-page-11', 'Letter-2-page-1'].map((externalId) => ({ externalId })));
    const found = async (query: Parameters<ChorusClient['subjectResults']>[1]) => (await everyPage(workflowId, { ...query, limit: 100 })).map((subject) => subject.externalId).sort();
    expect(await found({ q: 'letter-2-page-1' })).toEqual(['letter-2-page-1', 'letter-2-page-10', 'letter-2-page-11']);
    expect(await found({ externalId: 'letter-2-page-1' })).toEqual(['letter-2-page-1']);
    expect(await found({ externalId: ' Letter-2-page-1 ' })).toEqual(['Letter-2-page-1']); // trimmed, as an upload is; capitals as written
    expect(await found({ externalId: 'letter-2-page' })).toEqual([]);
    expect(await found({ externalId: 'letter-2-page-1', status: 'retired' })).toEqual([]);
  });

  it('reads a page of externalId order, after a cursor, through the index of externalIds in natural order', async () => {
    const { projectId, workflowId } = await yesNoWorkflow(stack, [{ externalId: 'page-1' }]);
    const query = subjectResultsQuerySchema.parse({ sort: 'externalId', limit: '2', after: `e${Buffer.from('page-2').toString('base64url')}.${randomUUID()}` });
    const { sql, parameters } = subjectResultsPage(projectId, workflowId, query);
    await stack.db.query('BEGIN');
    try {
      // The tables are small here, so the planner is told to take an index over a scan, as it would at scale.
      await stack.db.query('SET LOCAL enable_seqscan = off');
      await stack.db.query('SET LOCAL enable_bitmapscan = off');
      await stack.db.query('SET LOCAL enable_sort = off');
      const plan = (await stack.db.query(`EXPLAIN ${sql}`, parameters)).rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index (Only )?Scan using subjects_external_id_natural_idx on subjects\b/);
      expect(plan).toMatch(/Index Cond: .*external_id.* > /);
    } finally {
      await stack.db.query('ROLLBACK');
    }
  });

  it("filters by a metadata field's value as text and sorts by another's in natural order, those without it last, a page at a time (20a F2)", async () => {
    const { workflowId, idOf: named } = await yesNoWorkflow(stack, [
      { externalId: 'l2-p10', metadata: { letter: '2', page: '10' } },
      { externalId: 'l1-p1', metadata: { letter: '1', page: '1' } },
      { externalId: 'l2-p2', metadata: { letter: 2, page: 2 } },
      { externalId: 'l2-cover', metadata: { letter: '2' } },
      { externalId: 'l2-p2v', metadata: { letter: '2', page: '2v' } },
      { externalId: 'l2-p1', metadata: { letter: '2', page: '1' } },
      { externalId: 'l10-p1', metadata: { letter: '10', page: '1' } },
      { externalId: 'l2-p2-copy', metadata: { letter: '2', page: '2' } },
    ]);
    const names = (subjects: SubjectResult[]) => subjects.map((subject) => subject.externalId);
    // The two page 2s in id order, then page 2v; the cover, without a page, last.
    const twos = ['l2-p2', 'l2-p2-copy'].sort((a, b) => named[a]!.localeCompare(named[b]!));
    const letterTwo = ['l2-p1', ...twos, 'l2-p2v', 'l2-p10', 'l2-cover'];
    for (const limit of [1, 2, 3, 100]) expect(names(await everyPage(workflowId, { metadata: { letter: '2' }, sort: 'metadata.page', limit }))).toEqual(letterTwo);
    expect(names(await everyPage(workflowId, { metadata: { letter: '2', page: '2' }, limit: 1 })).sort()).toEqual([...twos].sort());
    expect(names(await everyPage(workflowId, { metadata: { letter: '3' }, limit: 1 }))).toEqual([]);
    // Filtered in the other orders too, and sorted without a filter.
    expect(names(await everyPage(workflowId, { metadata: { letter: '10' }, sort: 'externalId', limit: 1 }))).toEqual(['l10-p1']);
    expect(names(await everyPage(workflowId, { metadata: { letter: '1' }, sort: 'favourites', limit: 1 }))).toEqual(['l1-p1']);
    const byLetter = names(await everyPage(workflowId, { sort: 'metadata.letter', limit: 2 }));
    expect([byLetter[0], byLetter.at(-1), byLetter.length]).toEqual(['l1-p1', 'l10-p1', 8]);
    // A next of one field's order is refused in another's, and in externalId order.
    const { next } = await stack.client.subjectResults(workflowId, { sort: 'metadata.page', limit: 1 });
    for (const query of [`sort=metadata.letter&after=${next}`, `sort=externalId&after=${next}`, `after=${next}`]) {
      await refusal(get(`/workflows/${workflowId}/subject-results?${query}`), { status: 422, pointers: ['/query/after'] });
    }
  });

  it('passes a subject whose metadata field is a list that holds the value, each item as text, and no other (tester 21a F4)', async () => {
    const { workflowId } = await yesNoWorkflow(stack, [
      { externalId: 'listed', metadata: { tags: ['a', 'b'], pages: [2, 3] } },
      { externalId: 'alone', metadata: { tags: 'a', pages: 2 } },
      { externalId: 'others', metadata: { tags: ['b', 'ab'], pages: [20, '3'] } },
      { externalId: 'nested', metadata: { tags: [['a']], pages: { 2: true } } },
      { externalId: 'none', metadata: {} },
    ]);
    const names = async (metadata: Record<string, string>) => (await everyPage(workflowId, { metadata, sort: 'externalId', limit: 2 })).map((subject) => subject.externalId);
    expect(await names({ tags: 'a' })).toEqual(['alone', 'listed']);
    expect(await names({ tags: 'b' })).toEqual(['listed', 'others']);
    // A number in the list as text; never part of an item, nor an item of a list within it.
    expect(await names({ pages: '2' })).toEqual(['alone', 'listed']);
    expect(await names({ pages: '3' })).toEqual(['listed', 'others']);
    expect(await names({ tags: 'ab' })).toEqual(['others']);
    expect(await names({ tags: 'a', pages: '3' })).toEqual(['listed']);
    // Sorted by another field, as every filter is.
    expect((await everyPage(workflowId, { metadata: { tags: 'a' }, sort: 'metadata.pages', limit: 1 })).map((subject) => subject.externalId).sort()).toEqual(['alone', 'listed']);
  });

  it.each([
    ['an unknown status', 'status=done', '/query/status'],
    ['a status given twice', 'status=retired&status=active', '/query/status'],
    ['no subjects', 'limit=0', '/query/limit'],
    ['more than a page holds', 'limit=101', '/query/limit'],
    ['a limit in words', 'limit=ten', '/query/limit'],
    ['a cursor no page gave', 'after=v3', '/query/after'],
    ['a search longer than an externalId', `q=${'x'.repeat(501)}`, '/query/q'],
    ['an empty externalId', 'externalId=%20', '/query/externalId'],
    ['an externalId longer than any', `externalId=${'x'.repeat(501)}`, '/query/externalId'],
    ['an externalId given twice', 'externalId=p1&externalId=p2', '/query/externalId'],
    ['an unknown order', 'sort=newest', '/query/sort'],
    ['a text of spaces only', 'text=%20%20', '/query/text'],
    ['a text longer than any', `text=${'a'.repeat(201)}`, '/query/text'],
    ['an order in other capitals', 'sort=externalid', '/query/sort'],
    ['a needs-checking filter in words', 'needsChecking=yes', '/query/needsChecking'],
    ['an against-plurality filter in words', 'againstPlurality=yes', '/query/againstPlurality'],
    ['the next page of subject id order, sorted by favourites', `sort=favourites&after=${randomUUID()}`, '/query/after'],
    ['a parameter it does not know', 'order=newest', '/query/order'],
    ['a metadata order that names no field', 'sort=metadata.', '/query/sort'],
    ['a metadata order of a field longer than any', `sort=metadata.${'k'.repeat(201)}`, '/query/sort'],
    ['a metadata filter that names no field', 'metadata.=2', '/query/metadata.'],
    ['a metadata filter of a field longer than any', `metadata.${'k'.repeat(201)}=2`, `/query/metadata.${'k'.repeat(201)}`],
    ['a metadata filter given twice', 'metadata.letter=2&metadata.letter=3', '/query/metadata.letter'],
    ['a metadata value longer than any', `metadata.letter=${'2'.repeat(1001)}`, '/query/metadata.letter'],
  ])('refuses a list asked for with %s, naming the parameter', async (_name, query, pointer) => {
    await refusal(get(`/workflows/${workflow.workflowId}/subject-results?${query}`), { status: 422, pointers: [pointer] });
  });

  it.each([
    ['after=yesterday', '/query/after'],
    ['limit=500', '/query/limit'],
    ['status=retired', '/query/status'],
  ])('refuses a subject asked for with %s, naming the parameter', async (query, pointer) => {
    await refusal(get(`/workflows/${workflow.workflowId}/subject-results/${idOf.v0}?${query}`), { status: 422, pointers: [pointer] });
  });

  it('refuses a subject that is not an id, naming it', async () => {
    await refusal(get(`/workflows/${workflow.workflowId}/subject-results/v0`), { status: 422, pointers: ['/params/subjectId'] });
  });
});
