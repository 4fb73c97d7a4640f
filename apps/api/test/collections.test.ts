import { COLLECTION_LIMITS, PROFILE_LIMITS, collectedSubjectPageSchema, collectionPageSchema, collectionSchema, volunteerProfileSchema } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { ACCOUNT_PASSWORD, type TestAccount, newAccount, newMember } from '../../../test/support/accounts';
import { refusal, sendRaw } from '../../../test/support/requests';
import { type Stack, startStack } from '../../../test/support/stack';
import { committedMeanwhile } from '../../../test/support/waiting';
import { voteWorkflow } from '../../../test/support/workflows';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack.stop();
});

const subjectIdsOf = (page: { subjects: { subject: { id: string } }[] }) => page.subjects.map((collected) => collected.subject.id);
const storedCollections = async (userId: string) => (await stack.db.query('SELECT name FROM collections WHERE user_id = $1 ORDER BY created_at', [userId])).rows;

async function collector(name = 'Collector'): Promise<TestAccount> {
  return newAccount(stack, name);
}

/** Puts `count` new subjects of project `projectId` in collection `collectionId` straight in the database; answers their ids. */
async function fill(collectionId: string, projectId: string, count: number): Promise<string[]> {
  const { rows } = await stack.db.query("INSERT INTO subjects (project_id, locations) SELECT $1, '[]' FROM generate_series(1, $2::int) RETURNING id", [projectId, count]);
  const ids = rows.map((row) => row.id as string);
  await stack.db.query('INSERT INTO collection_subjects (collection_id, subject_id) SELECT $1, unnest($2::uuid[])', [collectionId, ids]);
  return ids;
}

describe('collections', () => {
  it('are created, read, renamed, described, made public and deleted by their owner', async () => {
    const ada = await collector('Ada');
    const made = await ada.client.createCollection({ name: '  Ships’ names ', description: 'Every ship named in the log' });
    expect(collectionSchema.parse(made)).toEqual(made);
    expect(made).toMatchObject({ name: 'Ships’ names', description: 'Every ship named in the log', public: false, mine: true, subjects: 0, owner: { displayName: 'Ada' } });
    expect(await ada.client.getCollection(made.id)).toEqual(made);

    const changed = await ada.client.updateCollection(made.id, { name: 'Ships', public: true, description: '' });
    expect(changed).toMatchObject({ id: made.id, name: 'Ships', public: true, description: null });
    expect(await ada.client.myCollections()).toEqual({ collections: [changed], next: null });

    await ada.client.deleteCollection(made.id);
    await refusal(ada.client.getCollection(made.id), { status: 404, pointers: ['/params/id'] });
    await ada.client.deleteCollection(made.id); // again: the same 204
    expect(await storedCollections(ada.id)).toEqual([]);
  });

  it('hold subjects from several projects, added and taken out again idempotently, listed the latest added first a page at a time', async () => {
    const first = await voteWorkflow(stack, 2);
    const second = await voteWorkflow(stack, 1);
    const ada = await collector();
    const { id } = await ada.client.createCollection({ name: 'Recipes' });
    expect(await ada.client.addToCollection(id, first.subjectIds[0]!)).toEqual({ added: true });
    expect(await ada.client.addToCollection(id, second.subjectIds[0]!)).toEqual({ added: true });
    expect(await ada.client.addToCollection(id, first.subjectIds[1]!)).toEqual({ added: true });
    expect(await ada.client.addToCollection(id, first.subjectIds[0]!)).toEqual({ added: false });
    expect((await ada.client.getCollection(id)).subjects).toBe(3);

    const page1 = collectedSubjectPageSchema.parse(await ada.client.collectionSubjects(id, { limit: 2 }));
    expect(subjectIdsOf(page1)).toEqual([first.subjectIds[1], second.subjectIds[0]]);
    expect(page1.subjects[1]!.project.id).toBe(second.projectId);
    const page2 = await ada.client.collectionSubjects(id, { limit: 2, after: page1.next! });
    expect(subjectIdsOf(page2)).toEqual([first.subjectIds[0]]);
    expect(page2.next).toBeNull();

    await ada.client.removeFromCollection(id, second.subjectIds[0]!);
    await ada.client.removeFromCollection(id, second.subjectIds[0]!);
    expect(subjectIdsOf(await ada.client.collectionSubjects(id))).toEqual([first.subjectIds[1], first.subjectIds[0]]);
    // The add-to-collection menu's question: which of mine hold this subject?
    const { id: other } = await ada.client.createCollection({ name: 'Other' });
    const menu = collectionPageSchema.parse(await ada.client.myCollections({ subjectId: first.subjectIds[0]! }));
    expect(menu.collections.map((collection) => [collection.id, collection.hasSubject])).toEqual([
      [other, false],
      [id, true],
    ]);
  });

  it('list their owner’s, newest first, a page at a time', async () => {
    const ada = await collector();
    const made = [];
    for (const name of ['First', 'Second', 'Third']) made.push((await ada.client.createCollection({ name })).id);
    const page1 = await ada.client.myCollections({ limit: 2 });
    expect(page1.collections.map((collection) => collection.id)).toEqual([made[2], made[1]]);
    const page2 = await ada.client.myCollections({ limit: 2, after: page1.next! });
    expect(page2).toEqual({ collections: [expect.objectContaining({ id: made[0], name: 'First' })], next: null });
  });

  it('show a private collection to its owner only, a public one to everyone, signed out too, and leave its changes to its owner', async () => {
    const { subjectIds } = await voteWorkflow(stack, 1);
    const [ada, bob] = [await collector('Ada'), await collector('Bob')];
    const { id } = await ada.client.createCollection({ name: 'Mine' });
    await ada.client.addToCollection(id, subjectIds[0]!);
    const { token } = await stack.anonymous.guest();
    for (const reader of [bob.client, stack.anonymous, stack.anonymous.withToken(token)]) {
      await refusal(reader.getCollection(id), { status: 404, pointers: ['/params/id'] });
      await refusal(reader.collectionSubjects(id), { status: 404, pointers: ['/params/id'] });
    }

    await ada.client.updateCollection(id, { public: true });
    for (const reader of [bob.client, stack.anonymous, stack.anonymous.withToken(token)]) {
      expect(await reader.getCollection(id)).toMatchObject({ id, name: 'Mine', public: true, mine: false });
      expect(subjectIdsOf(await reader.collectionSubjects(id))).toEqual([subjectIds[0]]);
    }
    // Public is to read, not to change: another's collection is as if there were none.
    await refusal(bob.client.updateCollection(id, { name: 'Taken' }), { status: 404, pointers: ['/params/id'] });
    await refusal(bob.client.addToCollection(id, subjectIds[0]!), { status: 404, pointers: ['/params/id'] });
    await refusal(bob.client.removeFromCollection(id, subjectIds[0]!), { status: 404, pointers: ['/params/id'] });
    await bob.client.deleteCollection(id);
    expect(await ada.client.getCollection(id)).toMatchObject({ name: 'Mine', subjects: 1 });
  });

  it('show a subject only to readers who may read its project: a draft’s or a taken-down project’s to its members alone', async () => {
    const open = await voteWorkflow(stack, 1);
    const drafted = await voteWorkflow(stack, 1);
    const ada = await newMember(stack, drafted.projectId, 'moderator', 'Ada');
    const bob = await collector('Bob');
    const { id } = await ada.client.createCollection({ name: 'Finds', public: true });
    await ada.client.addToCollection(id, open.subjectIds[0]!);
    await ada.client.addToCollection(id, drafted.subjectIds[0]!);

    await stack.client.updateProject(drafted.projectId, { status: 'draft' });
    // Nor counts it to them: a reader learns nothing of the subjects hidden from them.
    expect([(await bob.client.getCollection(id)).subjects, (await stack.anonymous.getCollection(id)).subjects, (await ada.client.getCollection(id)).subjects]).toEqual([1, 1, 2]);
    expect(subjectIdsOf(await bob.client.collectionSubjects(id))).toEqual([open.subjectIds[0]]);
    expect(subjectIdsOf(await stack.anonymous.collectionSubjects(id))).toEqual([open.subjectIds[0]]);
    expect(subjectIdsOf(await ada.client.collectionSubjects(id))).toEqual([drafted.subjectIds[0], open.subjectIds[0]]);
    // Nor may one who cannot read it put it in a collection.
    const { id: bobs } = await bob.client.createCollection({ name: 'Bob’s' });
    await refusal(bob.client.addToCollection(bobs, drafted.subjectIds[0]!), { status: 404, pointers: ['/params/subjectId'] });

    await stack.client.updateProject(drafted.projectId, { status: 'live' });
    await stack.db.query("UPDATE projects SET taken_down_at = now(), taken_down_reason = 'Spam' WHERE id = $1", [drafted.projectId]);
    expect(subjectIdsOf(await bob.client.collectionSubjects(id))).toEqual([open.subjectIds[0]]);
    expect(subjectIdsOf(await ada.client.collectionSubjects(id))).toEqual([drafted.subjectIds[0], open.subjectIds[0]]);

    await stack.db.query('UPDATE projects SET taken_down_at = NULL, taken_down_reason = NULL WHERE id = $1', [drafted.projectId]);
    expect(subjectIdsOf(await bob.client.collectionSubjects(id))).toEqual([drafted.subjectIds[0], open.subjectIds[0]]);
  });

  it('show a subject to a reader who is its project’s member when its owner lost access to it, and answer the owner’s repeated add as the first', async () => {
    const { projectId, subjectIds } = await voteWorkflow(stack, 1);
    const ada = await collector('Ada');
    const member = await newMember(stack, projectId, 'moderator', 'Mo');
    const { id } = await ada.client.createCollection({ name: 'Seen', public: true });
    await ada.client.addToCollection(id, subjectIds[0]!);
    await stack.client.updateProject(projectId, { status: 'draft' });
    expect(subjectIdsOf(await ada.client.collectionSubjects(id))).toEqual([]);
    expect(subjectIdsOf(await member.client.collectionSubjects(id))).toEqual([subjectIds[0]]);
    expect((await member.client.getCollection(id)).subjects).toBe(1);
    // The owner's retry of the add changes nothing and is answered as the first was, not refused.
    expect(await ada.client.addToCollection(id, subjectIds[0]!)).toEqual({ added: false });
  });

  it('show a subject its team took down as taken down, nothing of it, but to its team', async () => {
    const { projectId, workflowId, subjectIds } = await voteWorkflow(stack, 1);
    const moderator = await newMember(stack, projectId, 'moderator', 'Mo');
    const { id } = await moderator.client.createCollection({ name: 'Seen', public: true });
    await moderator.client.addToCollection(id, subjectIds[0]!);
    await stack.client.retireSubjects(workflowId, { subjectIds: [subjectIds[0]!], reason: 'A home address', takeDown: true });
    const reader = await collector('Reader');
    expect((await reader.client.collectionSubjects(id)).subjects.map((collected) => collected.subject)).toEqual([
      { id: subjectIds[0], externalId: null, locations: [], metadata: {}, takenDown: true },
    ]);
    expect((await moderator.client.collectionSubjects(id)).subjects[0]!.subject).toMatchObject({ id: subjectIds[0], externalId: 'v0', takenDown: true });
  });

  it('refuse a guest with the account-required problem, changing nothing', async () => {
    const { subjectIds } = await voteWorkflow(stack, 1);
    const ada = await collector();
    const { id } = await ada.client.createCollection({ name: 'Ada’s', public: true });
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const required = { status: 403, type: 'urn:chorus:problem:account-required' };
    await refusal(guest.createCollection({ name: 'Mine' }), required);
    await refusal(guest.myCollections(), required);
    await refusal(guest.updateCollection(id, { name: 'Theirs' }), required);
    await refusal(guest.addToCollection(id, subjectIds[0]!), required);
    await refusal(guest.removeFromCollection(id, subjectIds[0]!), required);
    await refusal(guest.deleteCollection(id), required);
    expect(await ada.client.getCollection(id)).toMatchObject({ name: 'Ada’s', subjects: 0 });
  });

  it('refuse the collection past the most an account may keep, and the subject past the most a collection may hold, naming the field', async () => {
    const { projectId, subjectIds } = await voteWorkflow(stack, 1);
    const ada = await collector();
    await stack.db.query("INSERT INTO collections (user_id, name) SELECT $1, 'Filler ' || n FROM generate_series(1, $2::int) n", [ada.id, COLLECTION_LIMITS.perAccount - 1]);
    const last = await ada.client.createCollection({ name: 'The last' });
    await refusal(ada.client.createCollection({ name: 'One too many' }), { status: 409, type: 'urn:chorus:problem:too-many-collections', pointers: ['/name'] });
    expect(await storedCollections(ada.id)).toHaveLength(COLLECTION_LIMITS.perAccount);

    const [first] = await fill(last.id, projectId, COLLECTION_LIMITS.subjects);
    await refusal(ada.client.addToCollection(last.id, subjectIds[0]!), { status: 409, type: 'urn:chorus:problem:collection-full', pointers: ['/params/subjectId'] });
    // One already in it is no new one.
    expect(await ada.client.addToCollection(last.id, first!)).toEqual({ added: false });
    expect((await ada.client.getCollection(last.id)).subjects).toBe(COLLECTION_LIMITS.subjects);
  });

  it('count toward their cap the subjects their owner sees in them: those of a project closed to them since count no more than they show', async () => {
    const full = await voteWorkflow(stack, 1);
    const other = await voteWorkflow(stack, 2);
    const ada = await collector();
    const { id } = await ada.client.createCollection({ name: 'Full' });
    await fill(id, full.projectId, COLLECTION_LIMITS.subjects);
    await refusal(ada.client.addToCollection(id, other.subjectIds[0]!), { status: 409, type: 'urn:chorus:problem:collection-full' });

    await stack.client.updateProject(full.projectId, { status: 'draft' });
    expect(await ada.client.addToCollection(id, other.subjectIds[0]!)).toEqual({ added: true });
    expect((await ada.client.getCollection(id)).subjects).toBe(1);
    // Open again, they are shown and counted again: the collection is over its cap until some go.
    await stack.client.updateProject(full.projectId, { status: 'live' });
    expect((await ada.client.getCollection(id)).subjects).toBe(COLLECTION_LIMITS.subjects + 1);
    await refusal(ada.client.addToCollection(id, other.subjectIds[1]!), { status: 409, type: 'urn:chorus:problem:collection-full' });
  });

  it('keep at most twice their cap in all, the subjects their owner no longer sees included, naming the field', async () => {
    const closing = await voteWorkflow(stack, 1);
    const other = await voteWorkflow(stack, 1);
    const ada = await collector();
    const { id } = await ada.client.createCollection({ name: 'Kept' });
    await fill(id, closing.projectId, COLLECTION_LIMITS.stored);
    await stack.client.updateProject(closing.projectId, { status: 'draft' });
    expect((await ada.client.getCollection(id)).subjects).toBe(0);

    await refusal(ada.client.addToCollection(id, other.subjectIds[0]!), { status: 409, type: 'urn:chorus:problem:collection-keeps-too-many', pointers: ['/params/subjectId'] });
    const [{ stored }] = (await stack.db.query('SELECT count(*)::int AS stored FROM collection_subjects WHERE collection_id = $1', [id])).rows;
    expect(stored).toBe(COLLECTION_LIMITS.stored);
  });

  it('keep the caps when two requests come at once: one succeeds, the other is refused', async () => {
    const { projectId } = await voteWorkflow(stack, 1);
    const ada = await collector();
    await stack.db.query("INSERT INTO collections (user_id, name) SELECT $1, 'Filler ' || n FROM generate_series(1, $2::int) n", [ada.id, COLLECTION_LIMITS.perAccount - 2]);
    const last = await ada.client.createCollection({ name: 'The last but one' });
    const creations = await Promise.allSettled([ada.client.createCollection({ name: 'One' }), ada.client.createCollection({ name: 'Two' })]);
    expect(creations.map((creation) => creation.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await storedCollections(ada.id)).toHaveLength(COLLECTION_LIMITS.perAccount);

    const { rows } = await stack.db.query(
      "INSERT INTO subjects (project_id, locations) SELECT $1, '[]' FROM generate_series(1, $2::int) RETURNING id",
      [projectId, COLLECTION_LIMITS.subjects + 1],
    );
    const ids: string[] = rows.map((row) => row.id);
    await stack.db.query('INSERT INTO collection_subjects (collection_id, subject_id) SELECT $1, unnest($2::uuid[])', [last.id, ids.slice(2)]);
    const adds = await Promise.allSettled([ada.client.addToCollection(last.id, ids[0]!), ada.client.addToCollection(last.id, ids[1]!)]);
    expect(adds.map((add) => add.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await ada.client.getCollection(last.id)).subjects).toBe(COLLECTION_LIMITS.subjects);
  });

  it('make none for an account whose deletion commits meanwhile', async () => {
    const ada = await collector();
    // An account's deletion holds its row from the start, deletes its collections and marks it deleted.
    const refused = committedMeanwhile(stack.config.databaseUrl, "UPDATE users SET kind = 'deleted' WHERE id = $1", [ada.id], () => ada.client.createCollection({ name: 'Too late' }));
    await refusal(refused, { status: 403, type: 'urn:chorus:problem:account-required' });
    expect(await storedCollections(ada.id)).toEqual([]);
  });

  it.each([
    ['an empty name', 'POST', () => '/collections', { name: ' ' }, '/name'],
    ['a name too long', 'POST', () => '/collections', { name: 'x'.repeat(COLLECTION_LIMITS.name + 1) }, '/name'],
    ['a name of two lines', 'POST', () => '/collections', { name: 'Ships\nnames' }, '/name'],
    ['a description too long', 'POST', () => '/collections', { name: 'Ships', description: 'x'.repeat(COLLECTION_LIMITS.description + 1) }, '/description'],
    ['public that is not true or false', 'POST', () => '/collections', { name: 'Ships', public: 'yes' }, '/public'],
    ['an unknown field', 'POST', () => '/collections', { name: 'Ships', colour: 'red' }, '/colour'],
    ['no change', 'PATCH', (id: string) => `/collections/${id}`, {}, '/name'],
    ['a collection that is not an id', 'GET', () => '/collections/ships', undefined, '/params/id'],
    ['a subject that is not an id', 'PUT', (id: string) => `/collections/${id}/subjects/first`, undefined, '/params/subjectId'],
    ['a page cursor that is not one', 'GET', (id: string) => `/collections/${id}/subjects?after=yesterday`, undefined, '/query/after'],
    ['a volunteer that is not an id', 'GET', () => '/volunteers/ada', undefined, '/params/id'],
    ['a volunteer’s collections page cursor that is not one', 'GET', () => `/volunteers/${randomUUID()}/collections?after=yesterday`, undefined, '/query/after'],
  ])('refuse %s with a problem naming the field, changing nothing', async (_name, method, path, body, pointer) => {
    const ada = await collector();
    const made = await ada.client.createCollection({ name: 'Kept' });
    const refused = await sendRaw(stack, method, path(made.id), ada.token, body);
    expect(refused.status).toBe(422);
    expect(refused.contentType).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors?.map((error) => error.pointer)).toContain(pointer);
    expect(await storedCollections(ada.id)).toEqual([{ name: 'Kept' }]);
  });

  it('refuse a subject that does not exist, naming it', async () => {
    const ada = await collector();
    const { id } = await ada.client.createCollection({ name: 'Kept' });
    await refusal(ada.client.addToCollection(id, randomUUID()), { status: 404, pointers: ['/params/subjectId'] });
  });

  it('are deleted with the account, another’s staying', async () => {
    const { subjectIds } = await voteWorkflow(stack, 1);
    const [ada, bob] = [await collector('Ada'), await collector('Bob')];
    const { id } = await ada.client.createCollection({ name: 'Gone', public: true });
    await ada.client.addToCollection(id, subjectIds[0]!);
    await bob.client.createCollection({ name: 'Stays' });
    await ada.client.deleteAccount(ACCOUNT_PASSWORD);
    expect(await storedCollections(ada.id)).toEqual([]);
    expect((await stack.db.query('SELECT 1 FROM collection_subjects WHERE collection_id = $1', [id])).rows).toEqual([]);
    await refusal(bob.client.getCollection(id), { status: 404 });
    expect(await storedCollections(bob.id)).toEqual([{ name: 'Stays' }]);
  });

  it('lose a subject deleted with its project', async () => {
    const { projectId, subjectIds } = await voteWorkflow(stack, 1);
    const ada = await collector();
    const { id } = await ada.client.createCollection({ name: 'Short-lived' });
    await ada.client.addToCollection(id, subjectIds[0]!);
    await stack.db.query('DELETE FROM projects WHERE id = $1', [projectId]);
    expect((await ada.client.getCollection(id)).subjects).toBe(0);
  });
});

describe('a volunteer’s public profile', () => {
  const commentIdsOf = (profile: { comments: { id: string }[] }) => profile.comments.map((comment) => comment.id);

  it('is shown once they turn it on: their name, the month they joined, their public collections and the comments the reader may read, linked from their comments and collections', async () => {
    const open = await voteWorkflow(stack, 3);
    const closed = await voteWorkflow(stack, 1);
    const ada = await collector('Ada');
    const member = await newMember(stack, closed.projectId, 'moderator', 'Mo');
    const ships = await ada.client.createCollection({ name: 'Ships', public: true });
    const maps = await ada.client.createCollection({ name: 'Maps', public: true });
    await ada.client.createCollection({ name: 'Secret' });
    const said = async (projectId: string, subjectId: string, body: string) => (await ada.client.postComment(subjectId, { projectId, body })).id;
    const shown = await said(open.projectId, open.subjectIds[0]!, 'A ship!');
    const hidden = await said(open.projectId, open.subjectIds[1]!, 'Off topic');
    const takenDown = await said(open.projectId, open.subjectIds[2]!, 'An address');
    const inDraft = await said(closed.projectId, closed.subjectIds[0]!, 'A draft’s');
    const { token } = await stack.anonymous.guest();
    const readers = [stack.anonymous, stack.anonymous.withToken(token), member.client];

    // Off, as every account starts: no profile, and no link to one; its owner reads it as others would.
    expect((await ada.client.account()).publicProfile).toBe(false);
    for (const reader of readers) await refusal(reader.volunteerProfile(ada.id), { status: 404, pointers: ['/params/id'] });
    await refusal(stack.anonymous.volunteerCollections(ada.id), { status: 404, pointers: ['/params/id'] });
    expect(await ada.client.volunteerProfile(ada.id)).toMatchObject({ mine: true, shown: false, counts: { collections: 2, comments: 4 } });
    expect((await stack.anonymous.subjectDiscussion(open.subjectIds[0]!, open.projectId)).comments[0]!.author).toEqual({ id: null, displayName: 'Ada', team: false });
    expect((await stack.anonymous.getCollection(ships.id)).owner).toEqual({ id: null, displayName: 'Ada' });

    expect((await ada.client.changeAccount({ publicProfile: true })).publicProfile).toBe(true);
    await stack.client.hideComment(hidden, 'Off topic');
    await stack.client.retireSubjects(open.workflowId, { subjectIds: [open.subjectIds[2]!], reason: 'A home address', takeDown: true });
    await stack.client.updateProject(closed.projectId, { status: 'draft' });

    const profile = volunteerProfileSchema.parse(await stack.anonymous.volunteerProfile(ada.id));
    const [{ joined }] = (await stack.db.query("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM') AS joined")).rows;
    expect(profile).toMatchObject({ id: ada.id, displayName: 'Ada', joined, mine: false, shown: true, counts: { collections: 2, comments: 1, moreComments: false } });
    expect(profile.collections.collections.map((collection) => [collection.name, collection.owner.id])).toEqual([
      ['Maps', ada.id],
      ['Ships', ada.id],
    ]);
    expect(profile.comments).toEqual([
      expect.objectContaining({ id: shown, body: 'A ship!', project: expect.objectContaining({ id: open.projectId }), discussionUrl: expect.stringContaining(`/subjects/${open.subjectIds[0]}#comment-${shown}`) }),
    ]);
    expect(commentIdsOf(await member.client.volunteerProfile(ada.id))).toEqual([inDraft, shown]);
    expect([takenDown, hidden].some((id) => commentIdsOf(profile).includes(id))).toBe(false);
    // Hidden by moderators is off the profile for everyone: the project's team and its author too.
    const openTeam = await newMember(stack, open.projectId, 'moderator', 'Tess');
    for (const reader of [openTeam.client, ada.client]) expect(commentIdsOf(await reader.volunteerProfile(ada.id))).toEqual([shown]);
    // Linked from where their name is shown.
    expect((await stack.anonymous.subjectDiscussion(open.subjectIds[0]!, open.projectId)).comments[0]!.author.id).toBe(ada.id);
    expect((await stack.anonymous.getCollection(ships.id)).owner.id).toBe(ada.id);
    // A comment in a board's discussion (no subject) is on it too, though a subject of the project is taken down.
    const board = await stack.client.createBoard(open.projectId, { title: 'Chat' });
    await ada.client.startBoardDiscussion(board.id, { title: 'Hello', body: 'On a board' });
    const withBoard = volunteerProfileSchema.parse(await stack.anonymous.volunteerProfile(ada.id));
    expect([withBoard.counts.comments, withBoard.comments.map((comment) => [comment.body, comment.subjectId])]).toEqual([2, [['On a board', null], ['A ship!', open.subjectIds[0]]]]);
    expect(withBoard.comments[0]!.discussionUrl).toMatch(/\/talk\/[0-9a-f-]{36}#comment-[0-9a-f-]{36}$/);

    const page1 = collectionPageSchema.parse(await stack.anonymous.volunteerCollections(ada.id, { limit: 1 }));
    expect(page1.collections.map((collection) => collection.id)).toEqual([maps.id]);
    expect(await stack.anonymous.volunteerCollections(ada.id, { limit: 1, after: page1.next! })).toEqual({ collections: [expect.objectContaining({ id: ships.id })], next: null });

    await ada.client.changeAccount({ publicProfile: false });
    await refusal(stack.anonymous.volunteerProfile(ada.id), { status: 404, pointers: ['/params/id'] });
    expect((await stack.anonymous.getCollection(ships.id)).owner.id).toBeNull();
  });

  it('shows the first public collections with a cursor read on by GET /volunteers/:id/collections, and counts comments no further than its cap', async () => {
    const { projectId, subjectIds } = await voteWorkflow(stack, 1);
    const ada = await collector('Ada');
    await ada.client.changeAccount({ publicProfile: true });
    const count = PROFILE_LIMITS.collections + 1;
    await stack.db.query("INSERT INTO collections (user_id, name, public, created_at) SELECT $1, 'Public ' || n, true, now() - n * interval '1 minute' FROM generate_series(1, $2::int) n", [ada.id, count]);
    await stack.db.query("INSERT INTO subject_comments (project_id, subject_id, user_id, body) SELECT $1, $2, $3, 'Again ' || n FROM generate_series(1, $4::int) n", [projectId, subjectIds[0], ada.id, PROFILE_LIMITS.countedComments + 1]);

    const profile = volunteerProfileSchema.parse(await stack.anonymous.volunteerProfile(ada.id));
    expect(profile.counts).toEqual({ collections: count, comments: PROFILE_LIMITS.countedComments, moreComments: true });
    expect(profile.comments).toHaveLength(PROFILE_LIMITS.comments);
    expect(profile.collections.collections.map((collection) => collection.name)).toEqual(Array.from({ length: PROFILE_LIMITS.collections }, (_, n) => `Public ${n + 1}`));
    const rest = await stack.anonymous.volunteerCollections(ada.id, { after: profile.collections.next! });
    expect([rest.collections.map((collection) => collection.name), rest.next]).toEqual([[`Public ${count}`], null]);
  });

  it('is kept by no shared cache, nor are the public collections linking to it: anyone without credentials is told to ask again, a reader with them gets it privately', async () => {
    const ada = await collector('Ada');
    await ada.client.changeAccount({ publicProfile: true });
    const { id } = await ada.client.createCollection({ name: 'Shared', public: true });
    for (const path of [`/volunteers/${ada.id}`, `/volunteers/${ada.id}/collections`, `/collections/${id}`, `/collections/${id}/subjects`]) {
      const anyone = await fetch(`${stack.baseUrl}/api/v1${path}`);
      expect([path, anyone.status, anyone.headers.get('cache-control')]).toEqual([path, 200, 'no-cache']);
      const reader = await fetch(`${stack.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${ada.token}` } });
      expect([path, reader.status, reader.headers.get('cache-control')]).toEqual([path, 200, 'private, no-store']);
    }
  });

  it('is no guest’s, no deleted account’s and no one’s at all: the same 404', async () => {
    const ada = await collector('Ada');
    await ada.client.changeAccount({ publicProfile: true });
    await stack.anonymous.volunteerProfile(ada.id);
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const guestId = (await guest.account()).id;
    await ada.client.deleteAccount(ACCOUNT_PASSWORD);
    for (const id of [ada.id, guestId, randomUUID()]) await refusal(stack.anonymous.volunteerProfile(id), { status: 404, pointers: ['/params/id'] });
  });
});
