import { type ChorusClient, favouritePageSchema, favouriteSchema } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { ACCOUNT_PASSWORD, newAccount, newMember } from '../../../test/support/accounts';
import { sendRaw } from '../../../test/support/requests';
import { type Stack, startStack } from '../../../test/support/stack';
import { voteWorkflow } from '../../../test/support/workflows';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack.stop();
});

async function guest(): Promise<{ client: ChorusClient; token: string }> {
  const { token } = await stack.anonymous.guest();
  return { client: stack.anonymous.withToken(token), token };
}

const storedFavourites = async (userId: string) =>
  (await stack.db.query('SELECT subject_id, workflow_id FROM favourites WHERE user_id = $1 ORDER BY created_at', [userId])).rows;
const userIdOf = async (client: ChorusClient) => (await client.account()).id;
const subjectIdsOf = (page: { favourites: { subject: { id: string } }[] }) => page.favourites.map((favourite) => favourite.subject.id);

/** A request sent as it is (`sendRaw`), for what the client's types would not let through. */
const send = (method: string, path: string, token: string, body?: unknown) => sendRaw(stack, method, path, token, body);

describe('favourites', () => {
  it('marks a subject a favourite with where it was shown, and answers a mark made again with the first, unchanged', async () => {
    const { workflowId, projectId, subjectIds } = await voteWorkflow(stack, 2);
    const { client } = await guest();
    const marked = await client.markFavourite(subjectIds[0]!, workflowId);
    expect(marked.replayed).toBe(false);
    const { replayed: _, ...favourite } = marked;
    expect(favouriteSchema.parse(favourite)).toEqual(favourite); // the documented shape, strictly
    const project = await stack.client.getProject(projectId);
    const [subject] = (await stack.db.query('SELECT external_id, locations FROM subjects WHERE id = $1', [subjectIds[0]])).rows;
    expect(favourite).toMatchObject({
      subject: { id: subjectIds[0], externalId: subject.external_id, locations: subject.locations },
      project: { id: projectId, slug: project.slug, title: project.title },
      workflow: { id: workflowId, name: 'W' },
      classifyUrl: `/projects/${project.slug}/workflows/${workflowId}`,
    });

    // Again, and from another workflow that has the subject: the first stays, when and where.
    const workflow = await stack.client.getWorkflow(workflowId);
    const other = await stack.client.createWorkflow(projectId, { ...workflow.definition, subjectSetIds: workflow.subjectSetIds });
    await stack.client.activateWorkflow(other.id);
    expect(await client.markFavourite(subjectIds[0]!, workflowId)).toEqual({ ...favourite, replayed: true });
    expect(await client.markFavourite(subjectIds[0]!, other.id)).toEqual({ ...favourite, replayed: true });
    expect(await storedFavourites(await userIdOf(client))).toEqual([{ subject_id: subjectIds[0], workflow_id: workflowId }]);
  });

  it('lists the caller’s favourites across projects, newest first, a page at a time, each once', async () => {
    const first = await voteWorkflow(stack, 2);
    const second = await voteWorkflow(stack, 1);
    const { client } = await guest();
    const marks = [
      [first.subjectIds[1]!, first.workflowId],
      [second.subjectIds[0]!, second.workflowId],
      [first.subjectIds[0]!, first.workflowId],
    ] as const;
    for (const [subjectId, workflowId] of marks) await client.markFavourite(subjectId, workflowId);
    const newestFirst = marks.map(([subjectId]) => subjectId).reverse();

    const page1 = favouritePageSchema.parse(await client.myFavourites({ limit: 2 }));
    expect(subjectIdsOf(page1)).toEqual(newestFirst.slice(0, 2));
    expect(page1.next).toEqual(expect.any(String));
    const page2 = await client.myFavourites({ limit: 2, after: page1.next! });
    expect(subjectIdsOf(page2)).toEqual(newestFirst.slice(2));
    expect(page2.next).toBeNull();
    expect(page2.favourites[0]!.project.id).toBe(first.projectId);
    expect(page1.favourites[1]!.workflow.id).toBe(second.workflowId);
    // One subject's, to know whether it is a favourite.
    expect(subjectIdsOf(await client.myFavourites({ subjectId: second.subjectIds[0]! }))).toEqual([second.subjectIds[0]]);
  });

  it('unmarks a subject, and answers the same when it is not a favourite', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 2);
    const { client } = await guest();
    await client.markFavourite(subjectIds[0]!, workflowId);
    await client.markFavourite(subjectIds[1]!, workflowId);
    await client.unmarkFavourite(subjectIds[0]!);
    expect(subjectIdsOf(await client.myFavourites())).toEqual([subjectIds[1]]);
    expect(subjectIdsOf(await client.myFavourites({ subjectId: subjectIds[0]! }))).toEqual([]);
    await client.unmarkFavourite(subjectIds[0]!);
    await client.unmarkFavourite(randomUUID());
    expect(await storedFavourites(await userIdOf(client))).toEqual([{ subject_id: subjectIds[1], workflow_id: workflowId }]);
  });

  it('keeps each volunteer’s favourites their own', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 2);
    const [ada, bob] = [await guest(), await guest()];
    await ada.client.markFavourite(subjectIds[0]!, workflowId);
    await bob.client.markFavourite(subjectIds[1]!, workflowId);
    await bob.client.markFavourite(subjectIds[0]!, workflowId);
    await bob.client.unmarkFavourite(subjectIds[0]!);
    expect(subjectIdsOf(await ada.client.myFavourites())).toEqual([subjectIds[0]]);
    expect(subjectIdsOf(await bob.client.myFavourites())).toEqual([subjectIds[1]]);
  });

  it('refuses a subject of a workflow the caller may not see; a project taken back to draft leaves a volunteer their favourites and classifications there alike, listed as no longer open', async () => {
    const { workflowId, projectId, subjectIds } = await voteWorkflow(stack, 2);
    const volunteer = await guest();
    await volunteer.client.markFavourite(subjectIds[0]!, workflowId);
    await volunteer.client.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[0]!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    const member = await newMember(stack, projectId, 'moderator');
    await member.client.markFavourite(subjectIds[1]!, workflowId);
    const openness = async (client: ChorusClient) => ({
      favourites: (await client.myFavourites()).favourites.map((favourite) => [favourite.subject.id, favourite.open]),
      classifications: (await client.myClassifications()).classifications.map((classification) => [classification.subject.id, classification.open]),
    });
    expect(await openness(volunteer.client)).toEqual({ favourites: [[subjectIds[0], true]], classifications: [[subjectIds[0], true]] });

    await stack.client.updateProject(projectId, { status: 'draft' });
    const refused = await send('PUT', `/subjects/${subjectIds[1]}/favourite`, volunteer.token, { workflowId });
    expect(refused).toMatchObject({ status: 404, body: { errors: [{ pointer: '/workflowId' }] } });
    expect(refused.contentType).toMatch(/^application\/problem\+json/);
    // Their own work stays theirs to see, the one as the other: listed, marked as no longer open.
    expect(await openness(volunteer.client)).toEqual({ favourites: [[subjectIds[0], false]], classifications: [[subjectIds[0], false]] });
    const one = await volunteer.client.myFavourites({ subjectId: subjectIds[0]! });
    expect(favouritePageSchema.parse(one)).toEqual(one);
    expect(one.favourites).toMatchObject([{ subject: { id: subjectIds[0] }, open: false }]);
    // Its members still see it open, and mark its subjects.
    expect((await member.client.myFavourites()).favourites.map((favourite) => [favourite.subject.id, favourite.open])).toEqual([[subjectIds[1], true]]);
    expect((await member.client.markFavourite(subjectIds[0]!, workflowId)).replayed).toBe(false);

    await stack.client.updateProject(projectId, { status: 'live' });
    expect(await openness(volunteer.client)).toEqual({ favourites: [[subjectIds[0], true]], classifications: [[subjectIds[0], true]] });
    expect(await storedFavourites(await userIdOf(volunteer.client))).toEqual([{ subject_id: subjectIds[0], workflow_id: workflowId }]);
  });

  it('lists nothing of a project Chorus’s operators took down but to its members, and lists it again once restored', async () => {
    const { workflowId, projectId, subjectIds } = await voteWorkflow(stack, 1);
    const volunteer = await guest();
    await volunteer.client.markFavourite(subjectIds[0]!, workflowId);
    const member = await newMember(stack, projectId, 'moderator');
    await member.client.markFavourite(subjectIds[0]!, workflowId);

    await stack.db.query("UPDATE projects SET taken_down_at = now(), taken_down_reason = 'Spam' WHERE id = $1", [projectId]);
    expect(await volunteer.client.myFavourites()).toEqual({ favourites: [], next: null });
    expect((await volunteer.client.myFavourites({ subjectId: subjectIds[0]! })).favourites).toEqual([]);
    expect(subjectIdsOf(await member.client.myFavourites())).toEqual([subjectIds[0]]);

    await stack.db.query('UPDATE projects SET taken_down_at = NULL, taken_down_reason = NULL WHERE id = $1', [projectId]);
    expect(subjectIdsOf(await volunteer.client.myFavourites())).toEqual([subjectIds[0]]);
  });

  it('refuses a draft workflow of a live project to those who are not its members', async () => {
    const { workflowId, projectId, subjectIds } = await voteWorkflow(stack, 1);
    const workflow = await stack.client.getWorkflow(workflowId);
    const draft = await stack.client.createWorkflow(projectId, { ...workflow.definition, subjectSetIds: workflow.subjectSetIds });
    const volunteer = await guest();
    expect(await send('PUT', `/subjects/${subjectIds[0]}/favourite`, volunteer.token, { workflowId: draft.id })).toMatchObject({
      status: 404,
      body: { errors: [{ pointer: '/workflowId' }] },
    });
    expect(await storedFavourites(await userIdOf(volunteer.client))).toEqual([]);
  });

  it.each([
    ['a workflow that is not an id', 'PUT', (subjectId: string) => ({ path: `/subjects/${subjectId}/favourite`, body: { workflowId: 'W' } }), 422, '/workflowId'],
    ['no workflow', 'PUT', (subjectId: string) => ({ path: `/subjects/${subjectId}/favourite`, body: {} }), 422, '/workflowId'],
    ['an unknown field', 'PUT', (subjectId: string, workflowId: string) => ({ path: `/subjects/${subjectId}/favourite`, body: { workflowId, colour: 'red' } }), 422, '/colour'],
    ['a subject that is not an id', 'PUT', (_: string, workflowId: string) => ({ path: '/subjects/first/favourite', body: { workflowId } }), 422, '/params/id'],
    ['a subject not in the workflow', 'PUT', (_: string, workflowId: string) => ({ path: `/subjects/${randomUUID()}/favourite`, body: { workflowId } }), 422, '/params/id'],
    ['a workflow that does not exist', 'PUT', (subjectId: string) => ({ path: `/subjects/${subjectId}/favourite`, body: { workflowId: randomUUID() } }), 404, '/workflowId'],
    ['a subject to unmark that is not an id', 'DELETE', () => ({ path: '/subjects/first/favourite' }), 422, '/params/id'],
    ['a page cursor that is not one', 'GET', () => ({ path: '/account/favourites?after=yesterday' }), 422, '/query/after'],
    ['a page too long', 'GET', () => ({ path: '/account/favourites?limit=101' }), 422, '/query/limit'],
    ['an unknown query parameter', 'GET', () => ({ path: '/account/favourites?limt=5' }), 422, '/query/limt'],
  ])('refuses %s with a problem naming the field, changing nothing', async (_name, method, request, status, pointer) => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 1);
    const volunteer = await guest();
    await volunteer.client.markFavourite(subjectIds[0]!, workflowId);
    const { path, body } = request(subjectIds[0]!, workflowId) as { path: string; body?: unknown };
    const refused = await send(method, path, volunteer.token, body);
    expect(refused.status).toBe(status);
    expect(refused.contentType).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors?.map((error) => error.pointer)).toContain(pointer);
    expect(await storedFavourites(await userIdOf(volunteer.client))).toEqual([{ subject_id: subjectIds[0], workflow_id: workflowId }]);
  });

  it('are deleted with the account', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 2);
    const account = await newAccount(stack, 'Fav');
    await account.client.markFavourite(subjectIds[0]!, workflowId);
    await account.client.markFavourite(subjectIds[1]!, workflowId);
    const other = await guest();
    await other.client.markFavourite(subjectIds[0]!, workflowId);
    await account.client.deleteAccount(ACCOUNT_PASSWORD);
    expect(await storedFavourites(account.id)).toEqual([]);
    expect(await storedFavourites(await userIdOf(other.client))).toHaveLength(1);
  });

  it('go with a guest into the account it signs in to, but for subjects the account marked itself', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 3);
    const account = await newAccount(stack, 'Carried');
    await account.client.markFavourite(subjectIds[0]!, workflowId);
    const visitor = await guest();
    await visitor.client.markFavourite(subjectIds[0]!, workflowId);
    await visitor.client.markFavourite(subjectIds[1]!, workflowId);
    const guestId = await userIdOf(visitor.client);
    const signedIn = await stack.anonymous.withToken(visitor.token).login({ email: account.email, password: ACCOUNT_PASSWORD });
    const asAccount = stack.anonymous.withToken(signedIn.token);
    expect(subjectIdsOf(await asAccount.myFavourites()).sort()).toEqual([subjectIds[0], subjectIds[1]].sort());
    expect(await storedFavourites(guestId)).toEqual([{ subject_id: subjectIds[0], workflow_id: workflowId }]);
  });

  it('say in the caller’s own classifications which subjects are their favourites', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 2);
    const { client } = await guest();
    const { subjects } = await client.queue(workflowId, 2);
    for (const subject of subjects) {
      await client.classify({ workflowId, workflowVersion: 1, subjectId: subject.id, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    }
    await client.markFavourite(subjectIds[1]!, workflowId);
    const { classifications } = await client.myClassifications({ workflowId });
    expect(Object.fromEntries(classifications.map((classification) => [classification.subject.id, classification.favourite]))).toEqual({
      [subjectIds[0]!]: false,
      [subjectIds[1]!]: true,
    });
  });
});
