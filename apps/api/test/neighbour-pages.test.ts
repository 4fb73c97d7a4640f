import { type ChorusClient, neighbourPagesSchema } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';
import { refusal } from '../../../test/support/requests';

/** The pages before and after the one a volunteer works on (`GET /workflows/:id/subjects/:subjectId/neighbours`). */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack.stop();
});

const PAGES = ['p1', 'p2', 'p3', 'p4', 'p5'];

/** A live, sequential transcription workflow over one set of five pages, each with a title and a researcher-only note. */
async function diary() {
  const project = await stack.client.createProject({ title: `Diary ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Diary' });
  const { subjectIds } = await stack.client.addSubjects(
    set.id,
    PAGES.map((page) => ({ externalId: page, locations: [{ type: 'text' as const, text: `Text of ${page}` }], metadata: { title: `Page ${page}`, '#shelfmark': `MS ${page}` } })),
  );
  const { id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'Transcribe',
    firstTask: 'T0',
    tasks: { T0: { type: 'transcription', instruction: 'Type the page' } },
    retirement: { rule: 'count', count: 3 },
    selection: { order: 'sequential', goldStandardRate: 0 },
    subjectSetIds: [set.id],
  });
  await stack.client.activateWorkflow(workflowId);
  const idOf = Object.fromEntries(PAGES.map((page, index) => [page, subjectIds[index]!]));
  return { projectId: project.id, workflowId, setId: set.id, idOf };
}

async function guest(): Promise<ChorusClient> {
  return stack.anonymous.withToken((await stack.anonymous.guest()).token);
}

const around = async (client: ChorusClient, workflowId: string, subjectId: string) => {
  const pages = await client.neighbourPages(workflowId, subjectId);
  expect(neighbourPagesSchema.parse(pages)).toEqual(pages);
  return { page: pages.page, pages: pages.pages, previous: pages.previous && [pages.previous.externalId, pages.previous.page], next: pages.next && [pages.next.externalId, pages.next.page] };
};

const holds = async (workflowId: string) => (await stack.db.query('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1', [workflowId])).rows[0].n as number;

describe('the pages next to the one a volunteer works on', () => {
  it('are the set’s members before and after it, in order, null at the ends, as the queue shows them, for a guest, assigning nothing', async () => {
    const { workflowId, setId, idOf } = await diary();
    const volunteer = await guest();
    expect((await volunteer.queue(workflowId, 5)).subjects.map((subject) => subject.externalId)).toEqual(PAGES);
    const held = await holds(workflowId);

    expect(await around(volunteer, workflowId, idOf.p1!)).toEqual({ page: 1, pages: 5, previous: null, next: ['p2', 2] });
    expect(await around(volunteer, workflowId, idOf.p3!)).toEqual({ page: 3, pages: 5, previous: ['p2', 2], next: ['p4', 4] });
    expect(await around(volunteer, workflowId, idOf.p5!)).toEqual({ page: 5, pages: 5, previous: ['p4', 4], next: null });

    const { subjectSetId, previous, next } = await volunteer.neighbourPages(workflowId, idOf.p3!);
    expect(subjectSetId).toBe(setId);
    // The researchers' own metadata (`#shelfmark`) is never shown, as in the queue; nor the neighbours' ids, which
    // would let a volunteer walk the whole set (classify a page, ask its neighbours, and so on).
    expect(previous).toStrictEqual({ externalId: 'p2', locations: [{ type: 'text', text: 'Text of p2' }], metadata: { title: 'Page p2' }, page: 2 });
    expect(previous).not.toHaveProperty('id');
    expect(next).not.toHaveProperty('id');
    expect(await holds(workflowId)).toBe(held);
  });

  it('are refused for a subject the caller neither holds nor classified, and still given once they classified it', async () => {
    const { workflowId, idOf } = await diary();
    const other = await diary();
    const volunteer = await guest();
    const notServed = { status: 404, pointers: ['/params/subjectId'] };
    // Never served: no browsing the collection through it.
    await refusal(volunteer.neighbourPages(workflowId, idOf.p2!), notServed);
    const batch = await volunteer.queue(workflowId, 1);
    expect(batch.subjects.map((subject) => subject.externalId)).toEqual(['p1']);
    await refusal(volunteer.neighbourPages(workflowId, idOf.p2!), notServed);
    // Not a subject of this workflow, or no subject at all.
    await refusal(volunteer.neighbourPages(workflowId, other.idOf.p1!), notServed);
    await refusal(volunteer.neighbourPages(workflowId, randomUUID()), notServed);
    await refusal(volunteer.neighbourPages(workflowId, 'page-2'), { status: 422, pointers: ['/params/subjectId'] });
    await refusal(volunteer.neighbourPages('wf', idOf.p1!), { status: 422, pointers: ['/params/id'] });
    await refusal(volunteer.neighbourPages(randomUUID(), idOf.p1!), { status: 404, pointers: ['/params/id'] });

    await volunteer.classify({ workflowId, workflowVersion: batch.workflowVersion, subjectId: idOf.p1!, annotations: [{ task: 'T0', value: 'Dear diary' }] }, randomUUID());
    expect(await holds(workflowId)).toBe(0);
    expect(await around(volunteer, workflowId, idOf.p1!)).toMatchObject({ page: 1, next: ['p2', 2] });
  });

  it('are given for a hold that lapsed until the reconciler clears it away', async () => {
    const { workflowId, idOf } = await diary();
    const volunteer = await guest();
    await volunteer.queue(workflowId, 1, { hold: 60 });
    await stack.db.query("UPDATE assignments SET expires_at = now() - interval '1 hour' WHERE workflow_id = $1", [workflowId]);
    expect(await around(volunteer, workflowId, idOf.p1!)).toMatchObject({ page: 1, next: ['p2', 2] });
  });

  it('are those of the set named (the one the volunteer chose), else of the first of the workflow’s linked sets that has the subject, the one it is served from', async () => {
    const project = await stack.client.createProject({ title: `Two sets ${randomUUID().slice(0, 8)}`, status: 'live' });
    const letters = await stack.client.createSubjectSet(project.id, { name: 'Letters' });
    const diaryPages = await stack.client.createSubjectSet(project.id, { name: 'Diary' });
    const text = (externalId: string) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] });
    await stack.client.addSubjects(letters.id, ['q1', 'q2'].map(text));
    const { subjectIds } = await stack.client.addSubjects(diaryPages.id, ['d1', 'd2', 'd3'].map(text));
    // d2 is in the letters too, between q1 and q2.
    await stack.db.query('UPDATE subject_set_members SET position = position * 10 WHERE subject_set_id = $1', [letters.id]);
    await stack.db.query(
      `INSERT INTO subject_set_members (subject_set_id, subject_id, position)
       SELECT $1, $2, min(position) + 5 FROM subject_set_members WHERE subject_set_id = $1`,
      [letters.id, subjectIds[1]],
    );
    const workflowOf = async (subjectSetIds: string[]) => {
      const { id } = await stack.client.createWorkflow(project.id, {
        name: `Transcribe ${subjectSetIds.length}`,
        firstTask: 'T0',
        tasks: { T0: { type: 'transcription', instruction: 'Type it' } },
        selection: { order: 'sequential', goldStandardRate: 0 },
        subjectSetIds,
      });
      await stack.client.activateWorkflow(id);
      return id;
    };
    const lettersFirst = await workflowOf([letters.id, diaryPages.id]);
    const diaryFirst = await workflowOf([diaryPages.id, letters.id]);
    const volunteer = await guest();
    await volunteer.queue(lettersFirst, 10);
    await volunteer.queue(diaryFirst, 10);
    expect(await around(volunteer, lettersFirst, subjectIds[1]!)).toEqual({ page: 2, pages: 3, previous: ['q1', 1], next: ['q2', 3] });
    expect(await around(volunteer, diaryFirst, subjectIds[1]!)).toEqual({ page: 2, pages: 3, previous: ['d1', 1], next: ['d3', 3] });

    // The set the volunteer chose (`subjectSetId`), whichever comes first in the workflow.
    const inSet = async (workflowId: string, subjectSetId: string) => {
      const pages = await volunteer.neighbourPages(workflowId, subjectIds[1]!, subjectSetId);
      return [pages.subjectSetId, pages.previous?.externalId, pages.next?.externalId];
    };
    expect(await inSet(lettersFirst, diaryPages.id)).toEqual([diaryPages.id, 'd1', 'd3']);
    expect(await inSet(lettersFirst, letters.id)).toEqual([letters.id, 'q1', 'q2']);
    expect(await inSet(diaryFirst, letters.id)).toEqual([letters.id, 'q1', 'q2']);
    // A linked set that does not have the subject (d1 is no letter): the first linked set that has it.
    expect(await volunteer.neighbourPages(lettersFirst, subjectIds[0]!, letters.id)).toMatchObject({ subjectSetId: diaryPages.id, page: 1 });
    // A set the workflow does not serve, no set, not an id.
    const notInSet = { status: 404, pointers: ['/query/subjectSetId'] };
    const unlinked = await stack.client.createSubjectSet(project.id, { name: 'Unlinked' });
    await stack.db.query('INSERT INTO subject_set_members (subject_set_id, subject_id, position) VALUES ($1, $2, 1)', [unlinked.id, subjectIds[1]]);
    await refusal(volunteer.neighbourPages(lettersFirst, subjectIds[1]!, unlinked.id), notInSet);
    await refusal(volunteer.neighbourPages(lettersFirst, subjectIds[1]!, randomUUID()), notInSet);
    await refusal(volunteer.neighbourPages(lettersFirst, subjectIds[1]!, 'Diary'), { status: 422, pointers: ['/query/subjectSetId'] });
    // An unknown query parameter, as the OpenAPI says.
    const path = `/workflows/${lettersFirst}/subjects/${subjectIds[1]}/neighbours`;
    await expect(volunteer.request('GET', `${path}?other=1`)).rejects.toMatchObject({ status: 422 });
    // A subject the caller may not look around is refused as such, whatever set is named: no telling which sets hold it.
    const stranger = await guest();
    await refusal(stranger.neighbourPages(lettersFirst, subjectIds[1]!, letters.id), { status: 404, pointers: ['/params/subjectId'] });
    await refusal(stranger.neighbourPages(lettersFirst, subjectIds[1]!, unlinked.id), { status: 404, pointers: ['/params/subjectId'] });
  });

  it('are those of the training set for a training subject served to a volunteer who chose a set, whose id the classifier names', async () => {
    const project = await stack.client.createProject({ title: `Training ${randomUUID().slice(0, 8)}`, status: 'live' });
    const pages = await stack.client.createSubjectSet(project.id, { name: 'Pages' });
    const training = await stack.client.createSubjectSet(project.id, { name: 'Training' });
    await stack.client.addSubjects(pages.id, ['p1', 'p2'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
    const taught = await stack.client.addSubjects(
      training.id,
      ['t1', 't2', 't3'].map((externalId) => ({ externalId, goldStandard: { T0: externalId }, locations: [{ type: 'text' as const, text: externalId }] })),
    );
    const { id: workflowId } = await stack.client.createWorkflow(project.id, {
      name: 'Transcribe',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Type it' } },
      selection: { order: 'sequential', goldStandardRate: 0, volunteersChooseSubjectSet: true, training: { subjectSetId: training.id, classifications: 2 } },
      subjectSetIds: [pages.id, training.id],
    });
    await stack.client.activateWorkflow(workflowId);
    const volunteer = await guest();
    const batch = await volunteer.queue(workflowId, 3, { subjectSetId: pages.id });
    expect(batch.subjects.map((subject) => subject.externalId)).toEqual(['t1', 't2', 'p1']);
    // The classifier names the chosen set for every subject; a training one is not in it.
    const pagesOf = await volunteer.neighbourPages(workflowId, taught.subjectIds[1]!, pages.id);
    expect([pagesOf.subjectSetId, pagesOf.previous?.externalId, pagesOf.next?.externalId]).toEqual([training.id, 't1', 't3']);
  });

  it('skip a page taken down or taken out of the set, and show a retired one', async () => {
    const { projectId, workflowId, setId, idOf } = await diary();
    const volunteer = await guest();
    await volunteer.queue(workflowId, 5);
    await stack.client.retireSubjects(workflowId, { subjectIds: [idOf.p2!], reason: 'A home address', takeDown: true });
    await stack.client.removeSubject(setId, idOf.p4!);
    await stack.client.retireSubjects(workflowId, { subjectIds: [idOf.p5!], reason: 'Transcribed elsewhere' });
    expect(await around(volunteer, workflowId, idOf.p3!)).toEqual({ page: 2, pages: 3, previous: ['p1', 1], next: ['p5', 3] });
    // Taken down in another workflow of the project: skipped here too (the take-down is carried to every workflow).
    const { id: other } = await stack.client.createWorkflow(projectId, {
      name: 'Describe',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Describe it' } },
      selection: { order: 'random', goldStandardRate: 0 },
      subjectSetIds: [setId],
    });
    await stack.client.activateWorkflow(other);
    await stack.client.retireSubjects(other, { subjectIds: [idOf.p1!], reason: 'A signature', takeDown: true });
    expect(await around(volunteer, workflowId, idOf.p3!)).toEqual({ page: 1, pages: 2, previous: null, next: ['p5', 2] });
    // The page taken down has no neighbours to show either.
    await refusal(volunteer.neighbourPages(workflowId, idOf.p2!), { status: 404, pointers: ['/params/subjectId'] });
  });
});
