import { type ChorusApiError, type ChorusClient, type WorkflowInput, problemSchema, subjectResultDetailSchema } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type TestAccount, newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { advertisementAnswers, advertisementTasks } from '../../../test/support/workflows';
import { subjectResultsQuerySchema } from '../src/subject-results/dto/subject-results.dto';
import { subjectResultsPage } from '../src/subject-results/subject-results.service';
import { IN_REVIEWERS_REACH } from '../src/consensus-reviews/review-sql';
import { refusal } from '../../../test/support/requests';

let stack: Stack;
let projectId: string;
let workflowId: string;
/** Subjects a, b and c, each transcribed (T0) and answered (T1) by two volunteers; c left unreviewed. */
let idOf: Record<string, string>;

/** Each row of a consensus download as JSON, by subject id. */
async function downloaded(since?: string): Promise<Record<string, Record<string, unknown>>> {
  const rows: Record<string, unknown>[] = JSON.parse(await stack.client.consensus(workflowId, { format: 'json', since }));
  return Object.fromEntries(rows.map((row) => [row.subject_id as string, row]));
}

beforeAll(async () => {
  stack = await startStack();
  const project = await stack.client.createProject({ title: `Letters ${randomUUID().slice(0, 8)}`, status: 'live' });
  projectId = project.id;
  const set = await stack.client.createSubjectSet(projectId, { name: 'Letters' });
  const { subjectIds } = await stack.client.addSubjects(set.id, ['a', 'b', 'c'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `The letter ${externalId}` }] })));
  idOf = { a: subjectIds[0]!, b: subjectIds[1]!, c: subjectIds[2]! };
  ({ id: workflowId } = await stack.client.createWorkflow(projectId, {
    name: 'Transcribe and date',
    firstTask: 'T0',
    tasks: {
      T0: { type: 'transcription', instruction: 'Type the letter', next: 'T1' },
      T1: { type: 'single', question: 'Is it dated?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
    },
    retirement: { rule: 'count', count: 5 },
    subjectSetIds: [set.id],
  }));
  await stack.client.activateWorkflow(workflowId);
  for (const text of ['Dear Mary', 'Dear Mary']) {
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    for (const subjectId of subjectIds) {
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: text }, { task: 'T1', value: 'yes' }] }, randomUUID());
    }
  }
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'aggregation');
});
afterAll(() => stack.stop());

describe("researchers' reviews of a consensus", () => {
  it('approve a consensus as it is and correct a transcription, composed, shown in the results; a replay changes nothing', async () => {
    const approved = await stack.client.reviewConsensus(workflowId, idOf.a!, 'T1');
    expect(approved).toEqual({ task: 'T1', state: 'approved', value: 'yes', consensusChanged: false, reviewedBy: { memberId: expect.any(String), name: expect.any(String), role: 'owner' }, reviewedAt: expect.any(String) });
    // "Dear Marie", its accent typed as a combining mark: stored composed, as a volunteer's is.
    const corrected = await stack.client.reviewConsensus(workflowId, idOf.a!, 'T0', 'Dear Marie\u0301');
    expect(corrected).toMatchObject({ task: 'T0', state: 'corrected', value: 'Dear Mari\u00e9', consensusChanged: false });
    expect(await stack.client.reviewConsensus(workflowId, idOf.a!, 'T0', 'Dear Marie\u0301')).toEqual(corrected);

    const detail = await stack.client.subjectResult(workflowId, idOf.a!);
    expect(subjectResultDetailSchema.parse(detail)).toEqual(detail);
    expect(detail.reviews).toEqual({ T0: corrected, T1: approved });
    expect(detail.consensus.T0?.answer).toBe('Dear Mary'); // the volunteers' consensus stays
    const { subjects } = await stack.client.subjectResults(workflowId);
    expect(subjects.find((subject) => subject.id === idOf.a)?.reviews).toEqual({ T0: corrected, T1: approved });
    expect(subjects.find((subject) => subject.id === idOf.c)?.reviews).toEqual({});
  });

  it('undoes a review, and undoing nothing is fine', async () => {
    await stack.client.reviewConsensus(workflowId, idOf.b!, 'T1', 'no');
    await stack.client.undoReview(workflowId, idOf.b!, 'T1');
    await stack.client.undoReview(workflowId, idOf.b!, 'T1');
    expect((await stack.client.subjectResult(workflowId, idOf.b!)).reviews).toEqual({});
  });

  it('lists the subjects not reviewed yet, and those whose every consensus is', async () => {
    await stack.client.reviewConsensus(workflowId, idOf.a!, 'T0');
    await stack.client.reviewConsensus(workflowId, idOf.a!, 'T1');
    await stack.client.reviewConsensus(workflowId, idOf.b!, 'T0');
    const ids = async (reviewed: boolean) => (await stack.client.subjectResults(workflowId, { reviewed })).subjects.map((subject) => subject.id);
    expect(await ids(false)).toEqual([idOf.b, idOf.c].sort());
    expect(await ids(true)).toEqual([idOf.a]);
    const bad = await refusal(stack.client.request('GET', `/workflows/${workflowId}/subject-results?reviewed=yes`));
    expect(bad.problem.errors?.[0]?.pointer).toBe('/query/reviewed');
  });

  it('refuses a value the task cannot take, or a task the workflow has not, naming the field, and changes nothing', async () => {
    const before = await stack.client.subjectResult(workflowId, idOf.c!);
    const notAnAnswer = await refusal(stack.client.reviewConsensus(workflowId, idOf.c!, 'T1', 'maybe'));
    expect(notAnAnswer.status).toBe(422);
    expect(notAnAnswer.problem.errors?.map((error) => error.pointer)).toEqual(['/value']);
    const notText = await refusal(stack.client.reviewConsensus(workflowId, idOf.c!, 'T0', 42));
    expect(notText.problem.errors?.map((error) => error.pointer)).toEqual(['/value']);
    const noTask = await refusal(stack.client.reviewConsensus(workflowId, idOf.c!, 'T9'));
    expect([noTask.status, noTask.problem.errors?.map((error) => error.pointer)]).toEqual([422, ['/params/task']]);
    const noSubject = await refusal(stack.client.reviewConsensus(workflowId, randomUUID(), 'T0'));
    expect(noSubject.status).toBe(404);
    expect((await stack.client.subjectResult(workflowId, idOf.c!)).reviews).toEqual(before.reviews);
  });

  it('is for researchers: a moderator, a volunteer and a guest are refused', async () => {
    const moderator = await newMember(stack, projectId, 'moderator', 'Mo');
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    for (const client of [moderator.client, guest] as ChorusClient[]) {
      await refusal(client.reviewConsensus(workflowId, idOf.c!, 'T1'), { status: 403 });
      await refusal(client.undoReview(workflowId, idOf.a!, 'T1'), { status: 403 });
    }
    expect((await stack.client.subjectResult(workflowId, idOf.c!)).reviews).toEqual({});
    expect((await stack.client.subjectResult(workflowId, idOf.a!)).reviews.T1?.state).toBe('approved');
  });

  it('gives the subject again in a since= consensus download when a review changes, not on a replay, with its review in the last columns but routing_decisions', async () => {
    const since = new Date().toISOString();
    expect(Object.keys(await downloaded(since))).toEqual([]);
    await stack.client.reviewConsensus(workflowId, idOf.c!, 'T0', 'Dear Marge');
    const changed = await downloaded(since);
    expect(Object.keys(changed)).toEqual([idOf.c]);
    // The review's columns trail every task's others, which keep their places, with each task's outcome.
    expect(Object.keys(changed[idOf.c!]!).slice(-13)).toEqual([
      'T1_known_answer',
      'T1_result',
      'T0_outcome',
      'T0_reviewed',
      'T0_reviewed_answer',
      'T0_needs_checking',
      'T0_consensus_changed',
      'T1_outcome',
      'T1_reviewed',
      'T1_reviewed_answer',
      'T1_needs_checking',
      'T1_consensus_changed',
      'routing_decisions',
    ]);
    expect(changed[idOf.c!]).toMatchObject({ T0_answer: 'Dear Mary', T0_reviewed: 'corrected', T0_reviewed_answer: 'Dear Marge', T1_reviewed: null, T1_reviewed_answer: null });
    // Approved: the consensus answer.
    expect((await downloaded())[idOf.a!]).toMatchObject({ T0_reviewed: 'approved', T0_reviewed_answer: 'Dear Mary', T1_reviewed: 'approved', T1_reviewed_answer: 'yes' });
    const later = new Date().toISOString();
    await stack.client.reviewConsensus(workflowId, idOf.c!, 'T0', 'Dear Marge');
    expect(Object.keys(await downloaded(later))).toEqual([]);
    await stack.client.undoReview(workflowId, idOf.c!, 'T0');
    const undone = await downloaded(later);
    expect(Object.keys(undone)).toEqual([idOf.c]);
    expect(undone[idOf.c!]).toMatchObject({ T0_reviewed: null, T0_reviewed_answer: null });
  });

  it('keeps the answer approved when later votes change the consensus: the download and the results give it, and say the consensus changed', async () => {
    await stack.client.reviewConsensus(workflowId, idOf.b!, 'T1');
    // Two more volunteers say "no": a tie, so the consensus has no answer any more.
    for (let volunteers = 0; volunteers < 2; volunteers += 1) {
      const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: idOf.b!, annotations: [{ task: 'T0', value: 'Dear Mary' }, { task: 'T1', value: 'no' }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'aggregation');
    expect((await downloaded())[idOf.b!]).toMatchObject({ T1_answer: null, T1_outcome: 'tie', T1_reviewed: 'approved', T1_reviewed_answer: 'yes' });
    const { reviews } = await stack.client.subjectResult(workflowId, idOf.b!);
    expect(reviews.T1).toMatchObject({ state: 'approved', value: 'yes', consensusChanged: true });
    expect(reviews.T0).toMatchObject({ state: 'approved', value: 'Dear Mary', consensusChanged: false });
    // The download says so too, as the results do: false for a correction, empty where not reviewed.
    await stack.client.reviewConsensus(workflowId, idOf.c!, 'T0', 'Dear Marge');
    const rows = await downloaded();
    await stack.client.undoReview(workflowId, idOf.c!, 'T0');
    expect(rows[idOf.b!]).toMatchObject({ T0_consensus_changed: false, T1_consensus_changed: true });
    expect(rows[idOf.a!]).toMatchObject({ T0_reviewed: 'approved', T0_consensus_changed: false, T1_reviewed: 'approved', T1_consensus_changed: false });
    expect(rows[idOf.c!]).toMatchObject({ T0_reviewed: 'corrected', T0_consensus_changed: false, T1_reviewed: null, T1_consensus_changed: null });
  });

  it('lists only the subjects whose approval’s consensus changed since (consensusChanged=true), or those approved and unchanged (false), page by page', async () => {
    /** Every subject of the list the query gives, `limit` a page, following `next`. */
    const listed = async (query: Parameters<ChorusClient['subjectResults']>[1], limit: number) => {
      const ids: string[] = [];
      for (let after: string | undefined, pages = 0; pages < 10; pages += 1) {
        const page = await stack.client.subjectResults(workflowId, { ...query, limit, after });
        ids.push(...page.subjects.map((subject) => subject.id));
        if (!page.next) return ids;
        after = page.next;
      }
      throw new Error('more pages than subjects');
    };
    // a: approved, unchanged; b: approved, its T1 tied since; c: no approval. A second changed approval, of c's T1, later votes tie too.
    await stack.client.reviewConsensus(workflowId, idOf.c!, 'T1');
    for (let volunteers = 0; volunteers < 2; volunteers += 1) {
      const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: idOf.c!, annotations: [{ task: 'T0', value: 'Dear Mary' }, { task: 'T1', value: 'no' }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'aggregation');
    const changed = [idOf.b!, idOf.c!].sort();
    for (const limit of [1, 2, 25]) {
      expect(await listed({ consensusChanged: true }, limit)).toEqual(changed);
      expect(await listed({ consensusChanged: false }, limit)).toEqual([idOf.a!]);
      expect(await listed({ consensusChanged: true, sort: 'externalId' }, limit)).toEqual([idOf.b!, idOf.c!]);
    }
    expect(await listed({ consensusChanged: true, q: 'b' }, 1)).toEqual([idOf.b!]);
    expect((await listed({}, 25)).sort()).toEqual([idOf.a!, idOf.b!, idOf.c!].sort());
    const refused = await refusal(stack.client.request('GET', `/workflows/${workflowId}/subject-results?consensusChanged=yes`));
    expect([refused?.status, refused?.problem.errors?.[0]?.pointer]).toEqual([422, '/query/consensusChanged']);
    await stack.client.undoReview(workflowId, idOf.c!, 'T1');
    expect(await listed({ consensusChanged: true }, 25)).toEqual([idOf.b!]);
  });

  it('approves only the consensus answer shown: one a classification aggregated since changed is refused 409 with the answer now, nothing stored; a replay answers as the first approval did', async () => {
    const set = await stack.client.createSubjectSet(projectId, { name: 'Posters' });
    const {
      subjectIds: [poster, unseen],
    } = await stack.client.addSubjects(set.id, ['poster', 'unseen'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `A ${externalId}` }] })));
    const { id } = await stack.client.createWorkflow(projectId, {
      name: 'Posters',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'single', question: 'Is it dated?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No', next: 'T1' }] },
        T1: { type: 'multiple', question: 'Which colours?', answers: ['red', 'blue', 'green'].map((value) => ({ value, label: value })) },
      },
      retirement: { rule: 'count', count: 20 },
      subjectSetIds: [set.id],
    });
    await stack.client.activateWorkflow(id);
    /** `volunteers` more guests answer whether the poster is dated (all see red and blue), aggregated. */
    const classified = async (dated: string, volunteers: number) => {
      for (let each = 0; each < volunteers; each += 1) {
        const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
        await volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId: poster!, annotations: [{ task: 'T0', value: dated }, { task: 'T1', value: ['red', 'blue'] }] }, randomUUID());
      }
      await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'aggregation');
    };
    const reviewsStored = async () => (await stack.db.query('SELECT task, approved_consensus FROM consensus_reviews WHERE workflow_id = $1 ORDER BY task', [id])).rows;
    const rowChanged = async () => (await stack.db.query('SELECT updated_at FROM subject_workflow_status WHERE workflow_id = $1', [id])).rows[0].updated_at.toISOString();
    await classified('yes', 2);
    const shown = (await stack.client.subjectResult(id, poster!)).consensus;
    expect(shown.T0?.answer).toBe('yes');
    // Three volunteers say no after the page was read, and the worker aggregates them: the consensus is no.
    await classified('no', 3);
    const before = await rowChanged();
    const refused = await refusal(stack.client.approveConsensus(id, poster!, 'T0', shown.T0!.answer!));
    expect([refused?.status, refused?.problem.type, refused?.problem.errors, refused?.problem.consensus]).toEqual([409, 'urn:chorus:problem:consensus-changed', [{ pointer: '/consensus', message: 'is not the consensus answer any more' }], 'no']);
    expect(refused?.problem.detail).toBe('The consensus of task "T0" changed since it was shown to you (later classifications, or a re-aggregation): it is now another answer, given as `consensus`: look at it again, and approve it (send it as consensus) or correct it (value). Nothing was stored.');
    expect(problemSchema.parse(refused?.problem)).toEqual(refused?.problem);
    expect([await reviewsStored(), await rowChanged()]).toEqual([[], before]);

    // The answer now, approved once shown; a multiple choice's answers are the same answer in any order.
    const approved = await stack.client.approveConsensus(id, poster!, 'T0', 'no');
    expect(approved).toMatchObject({ task: 'T0', state: 'approved', value: 'no', consensusChanged: false });
    const colours = (await stack.client.subjectResult(id, poster!)).consensus.T1!.answer!;
    expect(colours.split(';').sort()).toEqual(['blue', 'red']);
    expect(await stack.client.approveConsensus(id, poster!, 'T1', colours.split(';').reverse().join(';'))).toMatchObject({ task: 'T1', state: 'approved', value: colours.split(';') });
    expect(await reviewsStored()).toEqual([{ task: 'T0', approved_consensus: 'no' }, { task: 'T1', approved_consensus: colours }]);

    // A replay answers the review it made, also once later votes changed the consensus again (yes, 4 to 3).
    expect(await stack.client.approveConsensus(id, poster!, 'T0', 'no')).toEqual(approved);
    await classified('yes', 2);
    const replayedAt = await rowChanged();
    expect(await stack.client.approveConsensus(id, poster!, 'T0', 'no')).toEqual({ ...approved, consensusChanged: true });
    expect([(await reviewsStored())[0], await rowChanged()]).toEqual([{ task: 'T0', approved_consensus: 'no' }, replayedAt]);
    expect((await refusal(stack.client.approveConsensus(id, poster!, 'T0', 'maybe'))).problem.consensus).toBe('yes');
    // A tie: no answer to approve any more.
    await classified('no', 1);
    const tie = await refusal(stack.client.approveConsensus(id, poster!, 'T0', 'yes'));
    expect([tie.status, tie.problem.consensus, tie.problem.detail]).toEqual([409, null, expect.stringContaining('has no answer now (the answers are tied since it was shown to you)')]);
    // Without the answer shown, the consensus is approved as it is, as before: none to approve in a tie.
    expect((await refusal(stack.client.reviewConsensus(id, poster!, 'T0'))).problem.errors?.map((error) => error.pointer)).toEqual(['/value']);
    expect(await reviewsStored()).toEqual([{ task: 'T0', approved_consensus: 'no' }, { task: 'T1', approved_consensus: colours }]);
    // A subject nobody answered never had a consensus answer: none to approve, as without `consensus`, not one that changed.
    const never = await refusal(stack.client.approveConsensus(id, unseen!, 'T0', 'yes'));
    expect([never.status, never.problem.errors?.map((error) => error.pointer), never.problem.consensus]).toEqual([422, ['/value'], undefined]);
  });

  it("answers a replayed review as the first, with or without the answer shown, keeping the reviewer's role then; a real change stores the role now", async () => {
    const set = await stack.client.createSubjectSet(projectId, { name: 'Stamps' });
    const {
      subjectIds: [stamp],
    } = await stack.client.addSubjects(set.id, [{ externalId: 'stamp', locations: [{ type: 'text' as const, text: 'A stamp' }] }]);
    const { id } = await stack.client.createWorkflow(projectId, {
      name: 'Stamps',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Is it franked?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      retirement: { rule: 'count', count: 5 },
      subjectSetIds: [set.id],
    });
    await stack.client.activateWorkflow(id);
    for (let each = 0; each < 2; each += 1) {
      const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId: stamp!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'aggregation');
    const stored = async () => (await stack.db.query('SELECT state, value, reviewed_by_role, reviewed_at FROM consensus_reviews WHERE workflow_id = $1', [id])).rows;
    const rowChanged = async () => (await stack.db.query('SELECT updated_at FROM subject_workflow_status WHERE workflow_id = $1', [id])).rows[0].updated_at.toISOString();

    const sam = await newMember(stack, projectId, 'scientist', 'Sam');
    const approved = await sam.client.reviewConsensus(id, stamp!, 'T0');
    expect(approved.reviewedBy.role).toBe('scientist');
    const first = await stored();
    const before = await rowChanged();
    // Sam is a collaborator now: the same approval again, with the answer shown or as first sent (no body), is the
    // first one, their role then kept, nothing stored.
    await stack.client.setMember(projectId, { email: sam.email, role: 'collaborator' });
    expect(await sam.client.approveConsensus(id, stamp!, 'T0', 'yes')).toEqual(approved);
    expect(await sam.client.reviewConsensus(id, stamp!, 'T0')).toEqual(approved);
    expect([await stored(), await rowChanged()]).toEqual([first, before]);
    // A correction is a real change, stored with the role now; a correction replayed changes nothing either.
    const corrected = await sam.client.reviewConsensus(id, stamp!, 'T0', 'no');
    expect([corrected.state, corrected.value, corrected.reviewedBy.role]).toEqual(['corrected', 'no', 'collaborator']);
    const correctedAt = await rowChanged();
    expect(correctedAt).not.toBe(before);
    await stack.client.setMember(projectId, { email: sam.email, role: 'scientist' });
    expect(await sam.client.reviewConsensus(id, stamp!, 'T0', 'no')).toEqual(corrected);
    expect(await rowChanged()).toBe(correctedAt);
    // And back to the approval: a change again, stored with the role now.
    expect((await sam.client.reviewConsensus(id, stamp!, 'T0')).reviewedBy.role).toBe('scientist');
  });

  it('approves the consensus answer shown of a marking, a fields and a transcription task however a client wrote it back: marks and fields in any order, a text decomposed (NFD); text nested too deep to read is not it', async () => {
    const set = await stack.client.createSubjectSet(projectId, { name: 'Cards' });
    const {
      subjectIds: [card],
    } = await stack.client.addSubjects(set.id, [{ externalId: 'card', locations: [{ type: 'image', url: 'https://example.org/card.jpg' }] }]);
    const { id } = await stack.client.createWorkflow(projectId, {
      name: 'Cards',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'transcription', instruction: 'Type the name', next: 'T1' },
        T1: { type: 'fields', instruction: 'Copy the card', fields: [{ key: 'surname', label: 'Surname', kind: 'text' }, { key: 'given', label: 'Given name', kind: 'text' }], next: 'T2' },
        T2: { type: 'marking', instruction: 'Mark the stamps', tools: [{ key: 'stamp', label: 'Stamp', shape: 'point' }] },
      },
      retirement: { rule: 'count', count: 5 },
      subjectSetIds: [set.id],
    });
    await stack.client.activateWorkflow(id);
    const marks = [{ tool: 'stamp', x: 10, y: 20 }, { tool: 'stamp', x: 300, y: 40 }];
    for (let each = 0; each < 2; each += 1) {
      const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      const annotations = [{ task: 'T0', value: 'Zoé Müller' }, { task: 'T1', value: { surname: 'Müller', given: 'Zoé' } }, { task: 'T2', value: marks }];
      await volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId: card!, annotations }, randomUUID());
    }
    await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'aggregation');
    const shown = (await stack.client.subjectResult(id, card!)).consensus;
    expect(shown.T0?.answer).toBe('Zoé Müller'.normalize('NFC'));
    const markedAgain = JSON.stringify((JSON.parse(shown.T2!.answer!) as object[]).reverse().map((mark) => Object.fromEntries(Object.entries(mark).reverse())));
    expect(markedAgain).not.toBe(shown.T2?.answer);
    // Lists nested 200,000 levels deep are no list of marks, read without overflowing the stack (once a 500): not the answer shown.
    const deep = await refusal(stack.client.approveConsensus(id, card!, 'T2', '['.repeat(200_000) + ']'.repeat(200_000)));
    expect([deep.status, deep.problem.consensus]).toEqual([409, shown.T2?.answer]);
    expect(await stack.client.approveConsensus(id, card!, 'T2', markedAgain)).toMatchObject({ state: 'approved', value: JSON.parse(shown.T2!.answer!) });
    const writtenAgain = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(shown.T1!.answer!) as object).reverse()), null, 2);
    expect(await stack.client.approveConsensus(id, card!, 'T1', writtenAgain)).toMatchObject({ state: 'approved', value: { surname: 'Müller', given: 'Zoé' } });
    expect(await stack.client.approveConsensus(id, card!, 'T0', shown.T0!.answer!.normalize('NFD'))).toMatchObject({ state: 'approved', value: 'Zoé Müller' });
    const stored = await stack.db.query('SELECT task, approved_consensus FROM consensus_reviews WHERE workflow_id = $1 ORDER BY task', [id]);
    expect(stored.rows).toEqual(['T0', 'T1', 'T2'].map((task) => ({ task, approved_consensus: shown[task]!.answer })));
  });

  it('says an approval’s consensus changed only when its answer did: a re-aggregation storing the same choices in another order changed nothing', async () => {
    const set = await stack.client.createSubjectSet(projectId, { name: 'Flags' });
    const {
      subjectIds: [flag],
    } = await stack.client.addSubjects(set.id, [{ externalId: 'flag', locations: [{ type: 'text' as const, text: 'A flag' }] }]);
    const listing = (colours: string[]) => ({
      name: 'Flags',
      firstTask: 'T0',
      tasks: { T0: { type: 'multiple' as const, question: 'Which colours?', answers: colours.map((value) => ({ value, label: value })) } },
      retirement: { rule: 'count' as const, count: 20 },
      subjectSetIds: [set.id],
    });
    const { id } = await stack.client.createWorkflow(projectId, listing(['red', 'blue', 'green']));
    await stack.client.activateWorkflow(id);
    /** `volunteers` more guests tick `colours`, aggregated. */
    const ticked = async (colours: string[], volunteers: number, workflowVersion: number) => {
      for (let each = 0; each < volunteers; each += 1) {
        const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
        await volunteer.classify({ workflowId: id, workflowVersion, subjectId: flag!, annotations: [{ task: 'T0', value: colours }] }, randomUUID());
      }
      await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'aggregation');
    };
    /** The subject's review of T0 on its page and in the list, and its consensus answer now. */
    const reviewed = async () => {
      const { consensus, reviews } = await stack.client.subjectResult(id, flag!);
      const listed = (await stack.client.subjectResults(id)).subjects.find((subject) => subject.id === flag)?.reviews.T0;
      expect(listed).toEqual(reviews.T0);
      return { answer: consensus.T0?.answer, value: reviews.T0?.value, consensusChanged: reviews.T0?.consensusChanged };
    };
    await ticked(['red', 'blue'], 2, 1);
    expect(await stack.client.approveConsensus(id, flag!, 'T0', 'red;blue')).toMatchObject({ value: ['red', 'blue'], consensusChanged: false });
    // A version listing the colours in another order, and the workflow computed again: its consensus stores them so.
    const { version } = await stack.client.updateWorkflow(id, listing(['blue', 'red', 'green']));
    const run = await stack.client.reaggregate(id);
    await until(async () => (await stack.client.reaggregation(id, run.id)).state === 'completed', 'the re-aggregation');
    expect(await reviewed()).toEqual({ answer: 'blue;red', value: ['red', 'blue'], consensusChanged: false });
    expect(await stack.client.approveConsensus(id, flag!, 'T0', 'red;blue')).toMatchObject({ value: ['red', 'blue'], consensusChanged: false }); // a replay
    /** The subjects the filter lists, and the download's column. */
    const filtered = async () => ({
      changed: (await stack.client.subjectResults(id, { consensusChanged: true })).subjects.map((subject) => subject.id),
      unchanged: (await stack.client.subjectResults(id, { consensusChanged: false })).subjects.map((subject) => subject.id),
      column: (JSON.parse(await stack.client.consensus(id, { format: 'json' })) as Record<string, unknown>[])[0]?.T0_consensus_changed,
    });
    expect(await filtered()).toEqual({ changed: [], unchanged: [flag], column: false });
    // Three more volunteers see blue alone: red is no longer in the answer.
    await ticked(['blue'], 3, version);
    expect(await reviewed()).toEqual({ answer: 'blue', value: ['red', 'blue'], consensusChanged: true });
    expect(await filtered()).toEqual({ changed: [flag], unchanged: [], column: true });
  });

  it('checks an approval’s answer shown as the consensus’s own workflow version defines the task, not the current version', async () => {
    const set = await stack.client.createSubjectSet(projectId, { name: 'Flags again' });
    const {
      subjectIds: [flag],
    } = await stack.client.addSubjects(set.id, [{ externalId: 'flag', locations: [{ type: 'text' as const, text: 'A flag' }] }]);
    const answers = ['red', 'blue'].map((value) => ({ value, label: value }));
    const withT0 = (T0: WorkflowInput['tasks'][string]) => ({ name: 'Flags again', firstTask: 'T0', tasks: { T0 }, retirement: { rule: 'count' as const, count: 20 }, subjectSetIds: [set.id] });
    const { id } = await stack.client.createWorkflow(projectId, withT0({ type: 'multiple' as const, question: 'Which colours?', answers }));
    await stack.client.activateWorkflow(id);
    for (let each = 0; each < 2; each += 1) {
      const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId: flag!, annotations: [{ task: 'T0', value: ['red', 'blue'] }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'aggregation');
    // Version 2 asks for one colour, and the workflow is computed again. The approval comes while the run has not
    // reached the subject yet: its consensus as version 1 computed it (a set of choices, in any order), put back here,
    // without its comparable form, as a worker of an earlier release, still running during a rollout, leaves it.
    const columns = 'answer, comparable_answer, result, votes, algorithm, workflow_version';
    const { rows: computedWithVersion1 } = await stack.db.query(`SELECT ${columns} FROM consensus WHERE workflow_id = $1 AND task = 'T0'`, [id]);
    const run = (await stack.client.updateWorkflow(id, withT0({ type: 'single' as const, question: 'Which colour?', answers }))).reaggregation;
    await until(async () => (await stack.client.reaggregation(id, run!.id)).state === 'completed', 'the re-aggregation');
    await stack.db.query(`UPDATE consensus c SET (${columns}) = (v.answer, NULL, v.result, v.votes, v.algorithm, v.workflow_version) FROM jsonb_populate_record(NULL::consensus, $2) v WHERE c.workflow_id = $1 AND c.task = 'T0'`, [id, computedWithVersion1[0]]);
    expect((await stack.client.subjectResult(id, flag!)).consensus.T0?.answer).toBe('red;blue');
    expect(await stack.client.approveConsensus(id, flag!, 'T0', 'blue;red')).toMatchObject({ state: 'approved', consensusChanged: false });
    // The approval's comparable form is the API's own, as version 1 defines the task, not the worker's stored one.
    const { rows: approvals } = await stack.db.query("SELECT approved_consensus, approved_comparable FROM consensus_reviews WHERE workflow_id = $1 AND task = 'T0'", [id]);
    expect(approvals).toEqual([{ approved_consensus: 'red;blue', approved_comparable: '["blue","red"]' }]);
    expect(await stack.client.approveConsensus(id, flag!, 'T0', 'blue;red')).toMatchObject({ state: 'approved', consensusChanged: false }); // a replay
    const refused = await refusal(stack.client.approveConsensus(id, flag!, 'T0', 'red'));
    expect([refused?.status, refused?.problem.consensus]).toEqual([409, 'red;blue']);
  });

  it('refuses a consensus approved that is not text, or sent with a correction, naming it, and stores nothing', async () => {
    const before = await stack.client.subjectResult(workflowId, idOf.c!);
    for (const body of [{ consensus: 3 }, { consensus: null }, { consensus: ['yes'] }, { consensus: 'yes', value: 'no' }]) {
      const refused = await refusal(stack.client.request('PUT', `/workflows/${workflowId}/subjects/${idOf.c}/reviews/T1`, body));
      expect([refused?.status, refused?.problem.errors?.map((error) => error.pointer)]).toEqual([422, ['/consensus']]);
    }
    expect((await stack.client.subjectResult(workflowId, idOf.c!)).reviews).toEqual(before.reviews);
  });

  it('counts only the tasks a researcher can approve as waiting for a review: not one the consensus path does not reach, nor one the current version dropped', async () => {
    const set = await stack.client.createSubjectSet(projectId, { name: 'Snippets' });
    const { subjectIds: [news, ad] } = await stack.client.addSubjects(set.id, ['news', 'ad'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
    const input = { name: 'Ad or not?', firstTask: 'T0', tasks: advertisementTasks, retirement: { rule: 'count' as const, count: 5 }, subjectSetIds: [set.id] };
    const { id } = await stack.client.createWorkflow(projectId, input);
    await stack.client.activateWorkflow(id);
    // "news": the crowd says no (T1 not reached), one volunteer yes and soap, so T1 has a vote; "ad": yes, and soap.
    for (const [newsAd, adAd] of [[undefined, 'soap'], ['soap', 'soap'], [undefined, undefined]] as const) {
      const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      for (const [subjectId, advertised] of [[news!, newsAd], [ad!, adAd]] as const) {
        await volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId, annotations: advertisementAnswers(advertised) }, randomUUID());
      }
    }
    await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'aggregation');
    expect((await refusal(stack.client.reviewConsensus(id, news!, 'T1'))).problem.errors?.map((error) => error.pointer)).toEqual(['/value']);
    // Naming an answer shown changes nothing: a task the path does not reach has none to approve, not one that changed.
    const offPath = await refusal(stack.client.approveConsensus(id, news!, 'T1', 'soap'));
    expect([offPath.status, offPath.problem.errors?.map((error) => error.pointer), offPath.problem.consensus]).toEqual([422, ['/value'], undefined]);
    const ids = async (reviewed: boolean) => (await stack.client.subjectResults(id, { reviewed })).subjects.map((subject) => subject.id);
    expect(await ids(false)).toEqual([news, ad].sort());
    await stack.client.reviewConsensus(id, news!, 'T0');
    expect(await ids(true)).toEqual([news]);
    // A version without T1: the consensus of "ad" keeps its T1, which cannot be reviewed any more.
    await stack.client.updateWorkflow(id, { ...input, tasks: { T0: { ...advertisementTasks.T0, answers: advertisementTasks.T0.answers.map(({ value, label }) => ({ value, label })) } } });
    await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'aggregation');
    expect((await stack.client.subjectResult(id, ad!)).consensus.T1?.answer).toBe('soap');
    await stack.client.reviewConsensus(id, ad!, 'T0');
    expect(await ids(true)).toEqual([news, ad].sort());
    expect(await ids(false)).toEqual([]);
  });

  it("take a form's number corrected as the project's language writes it, stored with \".\" (12,5 in French), and refuse it where the language writes decimals with \".\", naming the field", async () => {
    const correctionIn = async (language: string) => {
      const project = await stack.client.createProject({ title: `Registres ${randomUUID().slice(0, 8)}`, status: 'live', language });
      const set = await stack.client.createSubjectSet(project.id, { name: 'Registres' });
      const { subjectIds } = await stack.client.addSubjects(set.id, [{ externalId: 'row', locations: [{ type: 'text', text: 'DUPONT, 12,5 ans' }] }]);
      const task = { type: 'fields' as const, instruction: 'Copiez la ligne', fields: [{ key: 'age', label: 'Âge', kind: 'number' as const }] };
      const { id } = await stack.client.createWorkflow(project.id, { name: 'Registre', firstTask: 'T', tasks: { T: task }, retirement: { rule: 'count', count: 5 }, subjectSetIds: [set.id] });
      await stack.client.activateWorkflow(id);
      return (age: string) => stack.client.reviewConsensus(id, subjectIds[0]!, 'T', { age });
    };
    const french = await correctionIn('fr');
    expect(await french('12,5')).toMatchObject({ task: 'T', state: 'corrected', value: { age: '12.5' } });
    expect(await french('12.5')).toMatchObject({ value: { age: '12.5' } });
    const german = await correctionIn('de');
    expect(await german('1,250')).toMatchObject({ value: { age: '1.250' } }); // as the lab sends it, its number written as German writes it
    const english = await correctionIn('en');
    const refused = await refusal(english('12,5'));
    expect([refused?.status, refused?.problem.errors]).toEqual([422, [{ pointer: '/value/age', message: expect.stringContaining('with "." for decimals (12.5)') }]]);
  });
});

describe("reviewers' checks of a consensus, as Concordia's trusted volunteers check transcriptions", () => {
  let reviewer: TestAccount;
  /** Workflow "Check" on the letters: a and b transcribed differently by two volunteers (to check), c by one and by the reviewer, d alike by two. */
  let checkId: string;
  /** The subject ids of a result list, in its order. */
  const idsOf = ({ subjects }: { subjects: { id: string }[] }) => subjects.map((subject) => subject.id);
  /** The refusal's status, problem type and pointers. */
  const refused = async (call: Promise<unknown>) => {
    const error = await refusal(call);
    return [error.status, error.problem.type, error.problem.errors?.map((each) => each.pointer)];
  };
  const NOT_TO_CHECK = [403, 'urn:chorus:problem:not-to-check', ['/params/subjectId']];
  /** Whether a statement of this database waits for the row lock a submit or aggregation would hold. */
  const waitingForTheRow = async () =>
    (await stack.db.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%subject_workflow_status%FOR UPDATE%'")).rows.length > 0;
  /**
   * The call's answer (the refusal's status, type and pointers, or undefined), or 'waited' once it waits for the row;
   * `answered`, its answer once it is given.
   */
  const answerOrWait = async (call: Promise<unknown>) => {
    let answer: unknown = 'waited';
    let settled = false;
    const answered = call
      .then(
        () => undefined,
        (error: unknown) => refused(Promise.reject(error)),
      )
      .then((outcome) => {
        answer = outcome;
        settled = true;
        return answer;
      });
    await until(async () => settled || (await waitingForTheRow()), 'the call to answer or wait');
    return { answer: settled ? answer : 'waited', answered };
  };
  /** Workflow "Letter and postscript" (T0, T1) on the letters: a transcribed by two volunteers, T0 differently (to check), T1 reviewed by Rex, a reviewer. */
  let twoTasks: string;
  let rex: TestAccount;

  beforeAll(async () => {
    reviewer = await newMember(stack, projectId, 'reviewer', 'Rita');
    const letters = (await stack.client.getWorkflow(workflowId)).subjectSetIds;
    idOf.d = (await stack.client.addSubjects(letters[0]!, [{ externalId: 'd', locations: [{ type: 'text', text: 'The letter d' }] }])).subjectIds[0]!;
    ({ id: checkId } = await stack.client.createWorkflow(projectId, {
      name: 'Check',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Type the letter' } },
      retirement: { rule: 'count', count: 5 },
      subjectSetIds: letters,
    }));
    await stack.client.activateWorkflow(checkId);
    const volunteers = [stack.anonymous.withToken((await stack.anonymous.guest()).token), stack.anonymous.withToken((await stack.anonymous.guest()).token)];
    const transcriptions = [
      ['a', volunteers[0]!, 'Dear John'],
      ['a', volunteers[1]!, 'Dear Jhon'],
      ['b', volunteers[0]!, 'Dear John'],
      ['b', volunteers[1]!, 'Dear Jon'],
      ['c', volunteers[0]!, 'Dear John'],
      ['c', reviewer.client, 'Dear John'],
      ['d', volunteers[0]!, 'Dear John'],
      ['d', volunteers[1]!, 'Dear John'],
    ] as const;
    for (const [subject, volunteer, text] of transcriptions) {
      await volunteer.classify({ workflowId: checkId, workflowVersion: 1, subjectId: idOf[subject]!, annotations: [{ task: 'T0', value: text }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(stack.db, checkId)) === 0, 'aggregation');
  });

  it('list the subjects to check (not those they classified), see volunteers by kind only, and approve and correct a consensus, the review naming them a reviewer', async () => {
    expect(idsOf(await reviewer.client.subjectResults(checkId, { needsChecking: true, reviewed: false }))).toEqual([idOf.a, idOf.b].sort());
    // Not c, which they transcribed themselves and may not review; a researcher's list has it.
    expect(idsOf(await stack.client.subjectResults(checkId, { reviewed: false }))).toEqual([idOf.a, idOf.b, idOf.c, idOf.d].sort());
    const detail = await reviewer.client.subjectResult(checkId, idOf.a!);
    expect(detail.classifications.map((classification) => [classification.volunteerId, classification.volunteer])).toEqual([[null, { kind: 'guest', name: null }], [null, { kind: 'guest', name: null }]]);
    expect((await stack.client.subjectResult(checkId, idOf.c!)).classifications.map((classification) => classification.volunteer.name)).toContain('Rita');

    const approved = await reviewer.client.reviewConsensus(checkId, idOf.a!, 'T0');
    expect(approved).toMatchObject({ state: 'approved', value: detail.consensus.T0?.answer, reviewedBy: { memberId: reviewer.id, name: 'Rita', role: 'reviewer' } });
    const corrected = await reviewer.client.reviewConsensus(checkId, idOf.b!, 'T0', 'Dear Joan');
    expect(corrected).toMatchObject({ state: 'corrected', value: 'Dear Joan', reviewedBy: { role: 'reviewer' } });
    const { subjects } = await stack.client.subjectResults(checkId, { reviewed: true });
    expect(subjects.map((subject) => subject.reviews.T0?.reviewedBy.role)).toEqual(['reviewer', 'reviewer']);
    // Those they reviewed stay theirs to read, change and undo; their work list has them no more.
    expect(idsOf(await reviewer.client.subjectResults(checkId, { needsChecking: true, reviewed: false }))).toEqual([]);
    expect(idsOf(await reviewer.client.subjectResults(checkId, { reviewed: true }))).toEqual([idOf.a, idOf.b].sort());
    expect((await reviewer.client.subjectResult(checkId, idOf.b!)).reviews.T0?.reviewedBy).toEqual({ memberId: reviewer.id, name: 'Rita', role: 'reviewer' });
  });

  it('refuse a reviewer a subject they classified in the workflow, naming it, and store nothing', async () => {
    for (const call of [reviewer.client.reviewConsensus(checkId, idOf.c!, 'T0'), reviewer.client.reviewConsensus(checkId, idOf.c!, 'T0', 'Dear Joan')]) {
      expect(await refused(call)).toEqual([403, 'urn:chorus:problem:own-classification', ['/params/subjectId']]);
    }
    expect((await stack.client.subjectResult(checkId, idOf.c!)).reviews).toEqual({});
    // Nor do they read its results.
    expect(await refused(reviewer.client.subjectResult(checkId, idOf.c!))).toEqual(NOT_TO_CHECK);
    // The rule is the reviewers': a researcher reviews what they classified, as before.
    await stack.client.classify({ workflowId: checkId, workflowVersion: 1, subjectId: idOf.c!, annotations: [{ task: 'T0', value: 'Dear John' }] }, randomUUID());
    expect((await stack.client.reviewConsensus(checkId, idOf.c!, 'T0')).reviewedBy.role).toBe('owner');
  });

  it("narrow a reviewer's list to the subjects to check and those they reviewed, whatever its filters and order, and refuse them any other subject's results and review", async () => {
    // d: its volunteers agree (nothing to check), nobody reviewed it. A researcher reads it in any list.
    const anyList = [{}, { reviewed: false }, { status: 'all' }, { status: 'active' }, { sort: 'favourites' }, { sort: 'externalId' }, { externalId: 'd' }, { q: 'd' }, { q: idOf.d }] as const;
    for (const query of anyList) {
      expect(idsOf(await stack.client.subjectResults(checkId, query))).toContain(idOf.d);
      expect(idsOf(await reviewer.client.subjectResults(checkId, query))).not.toContain(idOf.d);
    }
    // Every list of theirs: a and b, which they reviewed.
    expect(idsOf(await reviewer.client.subjectResults(checkId, {}))).toEqual([idOf.a, idOf.b].sort());
    expect(await refused(reviewer.client.subjectResult(checkId, idOf.d!))).toEqual(NOT_TO_CHECK);
    // An approval would answer its consensus: refused, nothing stored.
    for (const call of [reviewer.client.reviewConsensus(checkId, idOf.d!, 'T0'), reviewer.client.reviewConsensus(checkId, idOf.d!, 'T0', 'Dear Joan')]) {
      expect(await refused(call)).toEqual(NOT_TO_CHECK);
    }
    // Naming an answer that is not its consensus tells nothing of it either: no `consensus` in the refusal.
    const named = await refusal(reviewer.client.approveConsensus(checkId, idOf.d!, 'T0', 'Not the letter'));
    expect([named.status, named.problem.type, 'consensus' in named.problem]).toEqual([403, 'urn:chorus:problem:not-to-check', false]);
    expect((await stack.client.subjectResult(checkId, idOf.d!)).reviews).toEqual({});
  });

  it('answer a reviewer a subject id the workflow has no row for as one out of their list, on every review route that takes one (those routes answer both alike); a researcher 404', async () => {
    // d has a row, out of Rita's list; one of the project's subjects the workflow never served, and an id of no subject, have none.
    const elsewhere = await stack.client.createSubjectSet(projectId, { name: 'Not checked' });
    const [unserved] = (await stack.client.addSubjects(elsewhere.id, [{ externalId: 'unserved', locations: [{ type: 'text', text: 'Unserved' }] }])).subjectIds;
    /** The whole answer of each route that takes a subject id, to `client`: the problem refused, or undefined for a success. */
    const answers = async (client: ChorusClient, subjectId: string) => {
      const problemOf = (call: Promise<unknown>) => call.then(() => undefined, (error: ChorusApiError) => error.problem);
      return [
        await problemOf(client.subjectResult(checkId, subjectId)),
        await problemOf(client.reviewConsensus(checkId, subjectId, 'T0')),
        await problemOf(client.reviewConsensus(checkId, subjectId, 'T0', 'Dear Joan')),
        await problemOf(client.undoReview(checkId, subjectId, 'T0')),
      ];
    };
    const outOfList = await answers(reviewer.client, idOf.d!);
    expect(outOfList.map((answer) => answer && [answer.status, answer.type, answer.errors?.map((error) => error.pointer)])).toEqual([NOT_TO_CHECK, NOT_TO_CHECK, NOT_TO_CHECK, undefined]);
    for (const subjectId of [unserved!, randomUUID()]) {
      expect(await answers(reviewer.client, subjectId)).toEqual(outOfList);
      expect((await answers(stack.client, subjectId)).map((answer) => answer?.status)).toEqual([404, 404, 404, 404]);
    }
    expect((await stack.db.query('SELECT count(*)::int AS n FROM consensus_reviews WHERE workflow_id = $1 AND subject_id = $2', [checkId, unserved])).rows[0].n).toBe(0);
  });

  it("answer a reviewer a subject out of their list, or one they classified, without waiting for whoever holds its row; lock it only for one in their list", async () => {
    const holder = new Client({ connectionString: stack.config.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = ANY($2::uuid[]) FOR UPDATE', [checkId, [idOf.a, idOf.c, idOf.d]]);
      const answers = [];
      for (const call of [
        () => reviewer.client.reviewConsensus(checkId, idOf.d!, 'T0'),
        () => reviewer.client.reviewConsensus(checkId, idOf.d!, 'T0', 'Dear Joan'),
        () => reviewer.client.undoReview(checkId, idOf.d!, 'T0'),
        () => reviewer.client.reviewConsensus(checkId, idOf.c!, 'T0', 'Dear Joan'),
      ]) {
        answers.push((await answerOrWait(call())).answer);
      }
      expect(answers).toEqual([NOT_TO_CHECK, NOT_TO_CHECK, undefined, [403, 'urn:chorus:problem:own-classification', ['/params/subjectId']]]);
      // One in their list (a, which they reviewed) waits for the row, and is stored once it is free.
      const mine = await answerOrWait(reviewer.client.reviewConsensus(checkId, idOf.a!, 'T0'));
      expect(mine.answer).toBe('waited');
      await holder.query('COMMIT');
      await mine.answered;
      expect((await stack.client.subjectResult(checkId, idOf.a!)).reviews.T0?.reviewedBy.memberId).toBe(reviewer.id);
    } finally {
      await holder.end();
    }
  });

  it("let a reviewer undo their own review, not a researcher's", async () => {
    await reviewer.client.undoReview(checkId, idOf.a!, 'T0');
    expect((await stack.client.subjectResult(checkId, idOf.a!)).reviews).toEqual({});
    // Undone, it waits for a check again: back in their work list.
    expect(idsOf(await reviewer.client.subjectResults(checkId, { needsChecking: true, reviewed: false }))).toEqual([idOf.a]);
    // A researcher's is not theirs to undo: nothing of theirs to undo, so nothing changes.
    const theirs = (await stack.client.subjectResult(checkId, idOf.c!)).reviews.T0;
    await reviewer.client.undoReview(checkId, idOf.c!, 'T0');
    expect((await stack.client.subjectResult(checkId, idOf.c!)).reviews.T0).toEqual(theirs);
    // A researcher undoes a reviewer's.
    await stack.client.undoReview(checkId, idOf.b!, 'T0');
    expect((await stack.client.subjectResult(checkId, idOf.b!)).reviews).toEqual({});
  });

  it('refuse a reviewer edits, retirement, downloads and the team', async () => {
    const workflow = await stack.client.getWorkflow(checkId);
    const refusals = [
      reviewer.client.updateWorkflow(checkId, { ...workflow.definition, name: 'Renamed', subjectSetIds: workflow.subjectSetIds }),
      reviewer.client.addSubjects(workflow.subjectSetIds[0]!, [{ externalId: 'e', locations: [{ type: 'text', text: 'e' }] }]),
      reviewer.client.retireSubjects(checkId, { subjectIds: [idOf.a!], reason: 'checked' }),
      reviewer.client.consensus(checkId),
      reviewer.client.classifications(checkId),
      reviewer.client.downloadLink(checkId, { kind: 'consensus' }),
      reviewer.client.members(projectId),
      reviewer.client.invitations(projectId),
    ];
    for (const call of refusals) await refusal(call, { status: 403 });
    expect((await stack.client.getWorkflow(checkId)).name).toBe(workflow.name);
    expect((await stack.client.subjectResult(checkId, idOf.a!)).retirement).toBeNull();
  });

  it("refuse a reviewer replacing a review someone else made, a researcher's or another reviewer's, which they could then undo as theirs", async () => {
    const other = await newMember(stack, projectId, 'reviewer', 'Remy');
    await stack.client.reviewConsensus(checkId, idOf.b!, 'T0');
    await other.client.reviewConsensus(checkId, idOf.a!, 'T0');
    // b: the owner's review; a: Remy's. Out of Rita's list now, her review is refused as any subject out of it is,
    // and her undo changes nothing as when nobody reviewed it, so that neither tells her which subjects others reviewed.
    for (const subject of ['b', 'a']) {
      const before = (await stack.client.subjectResult(checkId, idOf[subject]!)).reviews.T0;
      expect(await refused(reviewer.client.reviewConsensus(checkId, idOf[subject]!, 'T0', 'Dear Joan'))).toEqual(NOT_TO_CHECK);
      await expect(reviewer.client.undoReview(checkId, idOf[subject]!, 'T0')).resolves.toBeUndefined();
      expect((await stack.client.subjectResult(checkId, idOf[subject]!)).reviews.T0).toEqual(before);
    }
    // Reviewed by others, neither is Rita's to check any more.
    expect(idsOf(await reviewer.client.subjectResults(checkId, {}))).toEqual([]);
    // Their own they review again; a researcher replaces anyone's.
    expect((await other.client.reviewConsensus(checkId, idOf.a!, 'T0', 'Dear Joan')).reviewedBy.memberId).toBe(other.id);
    expect((await stack.client.reviewConsensus(checkId, idOf.a!, 'T0')).reviewedBy.role).toBe('owner');
  });

  it("show a reviewer a subject's metadata as volunteers see it and no known answers, never a gold-standard subject, and refuse them private fields' filters and sorts", async () => {
    const [letters] = (await stack.client.getWorkflow(checkId)).subjectSetIds;
    const metadata = { page: '1', '#hand': 'Ada', '//note': 'forged', '!answer': 'Dear John' };
    const {
      subjectIds: [hand, gold],
    } = await stack.client.addSubjects(letters!, [
      { externalId: 'hand', locations: [{ type: 'text', text: 'The letter in a hand' }], metadata },
      { externalId: 'gold', locations: [{ type: 'text', text: 'The letter gold' }], metadata, goldStandard: { T0: 'Dear John' } },
    ]);
    // Both need checking: their two volunteers disagree.
    for (const [subjectId, text] of [[hand, 'Dear John'], [hand, 'Dear Jon'], [gold, 'Dear John'], [gold, 'Dear Jon']] as const) {
      const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId: checkId, workflowVersion: 1, subjectId: subjectId!, annotations: [{ task: 'T0', value: text }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(stack.db, checkId)) === 0, 'aggregation');

    const seenBy = async (client: ChorusClient, subjectId: string, externalId: string) => {
      const [{ subjects }, detail] = await Promise.all([client.subjectResults(checkId, { externalId }), client.subjectResult(checkId, subjectId)]);
      return [subjects.map((subject) => [subject.metadata, subject.goldStandard]), detail.metadata, detail.goldStandard, detail.classifications.map((classification) => classification.goldStandard)];
    };
    expect(await seenBy(reviewer.client, hand!, 'hand')).toEqual([[[{ page: '1' }, null]], { page: '1' }, null, [null, null]]);
    expect(await seenBy(stack.client, hand!, 'hand')).toEqual([[[metadata, null]], metadata, null, [false, false]]);
    expect(await seenBy(stack.client, gold!, 'gold')).toEqual([[[metadata, { T0: 'Dear John' }]], metadata, { T0: 'Dear John' }, [true, true]]);
    // A gold-standard subject's consensus tells its known answers: a reviewer neither lists, reads nor approves it.
    expect(idsOf(await reviewer.client.subjectResults(checkId, { needsChecking: true, reviewed: false }))).toEqual([hand]);
    expect(await refused(reviewer.client.subjectResult(checkId, gold!))).toEqual(NOT_TO_CHECK);
    expect(await refused(reviewer.client.reviewConsensus(checkId, gold!, 'T0'))).toEqual(NOT_TO_CHECK);

    const probes = [
      [{ metadata: { '#hand': 'Ada' } }, ['/query/metadata.#hand']],
      [{ metadata: { '//note': 'forged', '!answer': 'Dear John' } }, ['/query/metadata.//note', '/query/metadata.!answer']],
      [{ sort: 'metadata.#hand' }, ['/query/sort']],
    ] as const;
    for (const [query, pointers] of probes) {
      expect(await refused(reviewer.client.subjectResults(checkId, query))).toEqual([403, 'urn:chorus:problem:private-metadata', pointers]);
      expect(idsOf(await stack.client.subjectResults(checkId, query))).toContain(gold);
    }
    expect(idsOf(await reviewer.client.subjectResults(checkId, { metadata: { page: '1' }, sort: 'metadata.page' }))).toEqual([hand]);
  });

  it("tell a reviewer when a subject retired, not why, and another reviewer's review by role only", async () => {
    const letters = (await stack.client.getWorkflow(checkId)).subjectSetIds;
    ({ id: twoTasks } = await stack.client.createWorkflow(projectId, {
      name: 'Letter and postscript',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Type the letter', next: 'T1' }, T1: { type: 'transcription', instruction: 'Type the postscript' } },
      retirement: { rule: 'count', count: 2 },
      subjectSetIds: letters,
    }));
    await stack.client.activateWorkflow(twoTasks);
    for (const text of ['Dear John', 'Dear Jon']) {
      const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId: twoTasks, workflowVersion: 1, subjectId: idOf.a!, annotations: [{ task: 'T0', value: text }, { task: 'T1', value: 'PS' }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(stack.db, twoTasks)) === 0, 'aggregation');
    rex = await newMember(stack, projectId, 'reviewer', 'Rex');
    await rex.client.reviewConsensus(twoTasks, idOf.a!, 'T1');

    const [researchers, reviewers] = await Promise.all([stack.client.subjectResult(twoTasks, idOf.a!), reviewer.client.subjectResult(twoTasks, idOf.a!)]);
    expect(researchers.retirement).toMatchObject({ reason: 'count', byClassificationId: expect.any(String) });
    expect(researchers.reviews.T1?.reviewedBy).toEqual({ memberId: rex.id, name: 'Rex', role: 'reviewer' });
    expect(researchers.routing).toEqual([]);
    expect(reviewers.retirement).toEqual({ retiredAt: researchers.retirement!.retiredAt, reason: null, note: null, task: null, byClassificationId: null, by: null });
    expect(reviewers.reviews.T1?.reviewedBy).toEqual({ memberId: null, name: null, role: 'reviewer' });
    expect(reviewers.routing).toBeNull();
    expect([researchers.routedFrom, reviewers.routedFrom]).toEqual([[], null]);
    // Read by the list alike; the consensus and the answers' texts as the researchers read them.
    const [[listed], [researchersListed]] = await Promise.all([reviewer.client, stack.client].map(async (client) => (await client.subjectResults(twoTasks, { needsChecking: true, reviewed: false })).subjects));
    expect([listed?.retirement?.reason, listed?.reviews.T1?.reviewedBy, listed?.consensus]).toEqual([null, { memberId: null, name: null, role: 'reviewer' }, researchersListed?.consensus]);
    expect(reviewers.consensus).toEqual(researchers.consensus);
    expect(reviewers.classifications.map((classification) => classification.annotations)).toEqual(researchers.classifications.map((classification) => classification.annotations));
    expect(subjectResultDetailSchema.safeParse(reviewers).success).toBe(true);
  });

  it("refuse a reviewer replacing another's review of one task of a subject left in their list by another task, which they may review", async () => {
    // a: T0 waits for a check, so Rita may review it; T1 is Rex's.
    const before = (await stack.client.subjectResult(twoTasks, idOf.a!)).reviews.T1;
    expect(await refused(reviewer.client.reviewConsensus(twoTasks, idOf.a!, 'T1', 'PPS'))).toEqual([403, 'urn:chorus:problem:review-by-another', ['/params/task']]);
    expect((await reviewer.client.reviewConsensus(twoTasks, idOf.a!, 'T0', 'Dear Joan')).reviewedBy.memberId).toBe(reviewer.id);
    expect(await refused(reviewer.client.reviewConsensus(twoTasks, idOf.a!, 'T1'))).toEqual([403, 'urn:chorus:problem:review-by-another', ['/params/task']]);
    const named = await refusal(reviewer.client.approveConsensus(twoTasks, idOf.a!, 'T1', 'Not the postscript'));
    expect([named.status, named.problem.type, 'consensus' in named.problem]).toEqual([403, 'urn:chorus:problem:review-by-another', false]);
    // Her undo of T1 has nothing of hers to undo: Rex's stays.
    await reviewer.client.undoReview(twoTasks, idOf.a!, 'T1');
    expect((await stack.client.subjectResult(twoTasks, idOf.a!)).reviews.T1).toEqual(before);
  });

  it("answer a reviewer's replayed undo as the first, though the subject left their list since, and an undo of a subject nobody reviewed alike", async () => {
    const [hand] = idsOf(await reviewer.client.subjectResults(checkId, { externalId: 'hand' }));
    await reviewer.client.reviewConsensus(checkId, hand!, 'T0');
    await reviewer.client.undoReview(checkId, hand!, 'T0');
    // A researcher reviews it meanwhile: out of Rita's list, her replay answers 204 as the first did, changing nothing.
    const researchers = await stack.client.reviewConsensus(checkId, hand!, 'T0', 'Dear John');
    expect(idsOf(await reviewer.client.subjectResults(checkId, {}))).not.toContain(hand);
    await expect(reviewer.client.undoReview(checkId, hand!, 'T0')).resolves.toBeUndefined();
    expect((await stack.client.subjectResult(checkId, hand!)).reviews.T0).toEqual(researchers);
    // d, out of her list too, which nobody reviewed: the same answer.
    await expect(reviewer.client.undoReview(checkId, idOf.d!, 'T0')).resolves.toBeUndefined();
    expect((await stack.client.subjectResult(checkId, idOf.d!)).reviews).toEqual({});
  });

  it("read a reviewer's list and reach through the indexes of the consensus to check and of their reviews, not through every subject of the workflow", async () => {
    const { id: many } = await stack.client.createWorkflow(projectId, { name: 'Many letters', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Type the letter' } } });
    // 5,000 subjects, of which the consensus of three needs checking and Rita reviewed a fourth's.
    const { rows } = await stack.db.query(
      `WITH made AS (INSERT INTO subjects (project_id, locations) SELECT $2, '[{"type": "text", "text": "A letter"}]' FROM generate_series(1, 5000) RETURNING id)
       INSERT INTO subject_workflow_status (workflow_id, subject_id, random) SELECT $1, id, random() FROM made RETURNING subject_id`,
      [many, projectId],
    );
    const seeded = rows.map((row) => row.subject_id as string);
    const [toCheck, mine] = [seeded.slice(0, 3), seeded[3]!];
    await stack.db.query(
      `INSERT INTO consensus (workflow_id, subject_id, task, answer, result, agreement, votes, algorithm, computed_at, needs_checking)
       SELECT $1, id, 'T0', 'Dear John', '{}', 0.5, 2, 'word-alignment-vote', now(), id <> $3 FROM unnest($2::uuid[]) AS id`,
      [many, [...toCheck, mine], mine],
    );
    await stack.db.query(
      `INSERT INTO consensus_reviews (workflow_id, subject_id, task, state, value, approved_consensus, reviewed_by, reviewed_by_role, reviewed_at)
       VALUES ($1, $2, 'T0', 'approved', '"Dear John"', 'Dear John', $3, 'reviewer', now())`,
      [many, mine, reviewer.id],
    );
    await stack.db.query('ANALYZE subject_workflow_status, consensus, consensus_reviews, subjects');
    expect(idsOf(await reviewer.client.subjectResults(many, {}))).toEqual([...toCheck, mine].sort());

    /** The hot rows a statement reads (`EXPLAIN ANALYZE`, rolled back): those any scan read, kept or not, over all its loops. */
    type PlanNode = { 'Relation Name'?: string; 'Actual Rows': number; 'Actual Loops': number; 'Rows Removed by Filter'?: number; Plans?: PlanNode[] };
    const read = (node: PlanNode): number =>
      (node['Relation Name'] === 'subject_workflow_status' ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops'] : 0) +
      (node.Plans ?? []).reduce((sum, child) => sum + read(child), 0);
    const hotRowsRead = async (sql: string, parameters: unknown[]) => {
      await stack.db.query('BEGIN');
      try {
        return read((await stack.db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, parameters)).rows[0]['QUERY PLAN'][0].Plan);
      } finally {
        await stack.db.query('ROLLBACK');
      }
    };
    for (const query of [{}, { sort: 'externalId' }, { status: 'active' }] as const) {
      const { sql, parameters } = subjectResultsPage(projectId, many, subjectResultsQuerySchema.parse(query), reviewer.id);
      expect(await hotRowsRead(sql, parameters)).toBeLessThanOrEqual(8);
    }
    expect(await hotRowsRead(IN_REVIEWERS_REACH, [many, seeded[4], reviewer.id])).toBeLessThanOrEqual(1);
  });

  it("refuse a reviewer's approval that waited for the subject's row while its team took it down, and store nothing", async () => {
    const letters = (await stack.client.getWorkflow(checkId)).subjectSetIds;
    const [e] = (await stack.client.addSubjects(letters[0]!, [{ externalId: 'e', locations: [{ type: 'text', text: 'The letter e' }] }])).subjectIds;
    for (const text of ['Dear Jane', 'Dear Jame']) {
      const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId: checkId, workflowVersion: 1, subjectId: e!, annotations: [{ task: 'T0', value: text }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(stack.db, checkId)) === 0, 'aggregation');
    expect(idsOf(await reviewer.client.subjectResults(checkId, { needsChecking: true, reviewed: false }))).toContain(e);
    const holder = new Client({ connectionString: stack.config.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2 FOR UPDATE', [checkId, e]);
      const approval = await answerOrWait(reviewer.client.reviewConsensus(checkId, e!, 'T0'));
      expect(approval.answer).toBe('waited');
      // Taken down meanwhile, as a take-down retires its row: out of every reviewer's reach.
      await holder.query(
        `UPDATE subject_workflow_status SET retired_at = now(), retirement_reason = 'manual', retirement_detail = '{"reason": "A home address", "role": "owner", "takenDown": true}'
         WHERE workflow_id = $1 AND subject_id = $2`,
        [checkId, e],
      );
      await holder.query('COMMIT');
      expect(await approval.answered).toEqual(NOT_TO_CHECK);
    } finally {
      await holder.end();
    }
    expect((await stack.db.query('SELECT count(*)::int AS n FROM consensus_reviews WHERE workflow_id = $1 AND subject_id = $2', [checkId, e])).rows[0].n).toBe(0);
  });

  it("give a reviewer using consensusChanged only the approvals in their reach whose consensus changed, as their list is narrowed: not a researcher's approval of a subject they have nothing to check in", async () => {
    const letters = (await stack.client.getWorkflow(checkId)).subjectSetIds;
    // f: transcribed differently (to check), approved by Rita; h: transcribed alike (nothing to check), approved by a researcher.
    const [f, h] = (await stack.client.addSubjects(letters[0]!, ['f', 'h'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `The letter ${externalId}` }] })))).subjectIds;
    for (const [subject, text] of [[f, 'Dear Fred'], [f, 'Dear Frad'], [h, 'Dear Hal'], [h, 'Dear Hal']] as const) {
      const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId: checkId, workflowVersion: 1, subjectId: subject!, annotations: [{ task: 'T0', value: text }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(stack.db, checkId)) === 0, 'aggregation');
    await reviewer.client.reviewConsensus(checkId, f!, 'T0');
    await stack.client.reviewConsensus(checkId, h!, 'T0');
    /** The subjects of f and h the caller's list gives with consensusChanged. */
    const listed = async (caller: ChorusClient, consensusChanged: boolean) =>
      idsOf(await caller.subjectResults(checkId, { consensusChanged, limit: 100 })).filter((id) => id === f || id === h);
    expect([await listed(reviewer.client, true), await listed(reviewer.client, false)]).toEqual([[], [f]]);
    // Both consensus answers change since, as later votes would change them.
    await stack.db.query("UPDATE consensus SET answer = 'Dear Nobody', comparable_answer = NULL WHERE workflow_id = $1 AND subject_id = ANY($2::uuid[]) AND task = 'T0'", [checkId, [f, h]]);
    expect(await listed(stack.client, true)).toEqual([f, h].sort());
    expect([await listed(reviewer.client, true), await listed(reviewer.client, false)]).toEqual([[f], []]);
    expect((await reviewer.client.subjectResult(checkId, f!)).reviews.T0).toMatchObject({ state: 'approved', consensusChanged: true });
    expect(await refused(reviewer.client.subjectResult(checkId, h!))).toEqual(NOT_TO_CHECK);
  });
});
