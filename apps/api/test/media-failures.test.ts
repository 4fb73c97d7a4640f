import { type ChorusApiError, type ChorusClient, mediaFailureSchema, workflowMediaFailuresSchema } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { ACCOUNT_PASSWORD, newAccount, newMember } from '../../../test/support/accounts';
import { sendRaw } from '../../../test/support/requests';
import { type Stack, startStack } from '../../../test/support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack.stop();
});

async function guest(): Promise<ChorusClient> {
  return stack.anonymous.withToken((await stack.anonymous.guest()).token);
}

/**
 * An active yes/no workflow of a new live project over `count` subjects, each a text then an image then a recording
 * (locations 1, 2 and 3); returns it with its subjects' ids in upload order.
 */
async function mediaWorkflow(count: number) {
  const project = await stack.client.createProject({ title: `Media ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  const { subjectIds } = await stack.client.addSubjects(
    set.id,
    Array.from({ length: count }, (_, i) => ({
      externalId: `m${i}`,
      locations: [
        { type: 'text' as const, text: `Caption ${i}` },
        { type: 'image' as const, url: `https://images.example.org/broken/${i}.jpg` },
        { type: 'audio' as const, url: `https://sounds.example.org/${i}.mp3` },
      ],
    })),
  );
  const { id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'W',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 5 },
    subjectSetIds: [set.id],
  });
  await stack.client.activateWorkflow(workflowId);
  return { projectId: project.id, workflowId, subjectIds };
}

const failuresOf = async (workflowId: string) =>
  (await stack.db.query('SELECT subject_id, location, url FROM media_failures WHERE workflow_id = $1 ORDER BY created_at', [workflowId])).rows;

/** A failure said as it is (`sendRaw`), for what the client's types would not let through. */
const postFailure = (workflowId: string, token: string, body: unknown) => sendRaw(stack, 'POST', `/workflows/${workflowId}/media-failures`, token, body);

describe("a volunteer's browser failing to load a subject's media", () => {
  it('is counted once per volunteer, subject and location: said again, it counts nothing more and answers the first', async () => {
    const { workflowId, subjectIds } = await mediaWorkflow(1);
    const volunteer = await guest();
    const first = await volunteer.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 });
    expect(first).toMatchObject({ subjectId: subjectIds[0], location: 2, replayed: false });
    const { replayed: _, ...answered } = first;
    expect(mediaFailureSchema.parse(answered)).toEqual(answered); // the documented shape, strictly
    expect(await volunteer.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 })).toEqual({ ...first, replayed: true });
    // Another of its media, and another volunteer, are failures of their own.
    await volunteer.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 3 });
    await (await guest()).mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 });
    expect(await failuresOf(workflowId)).toEqual([
      { subject_id: subjectIds[0], location: 2, url: 'https://images.example.org/broken/0.jpg' },
      { subject_id: subjectIds[0], location: 3, url: 'https://sounds.example.org/0.mp3' },
      { subject_id: subjectIds[0], location: 2, url: 'https://images.example.org/broken/0.jpg' },
    ]);
  });

  it('keeps the volunteer’s hold on the subject: unlike a report, it skips nothing', async () => {
    const { workflowId, subjectIds } = await mediaWorkflow(1);
    const volunteer = await guest();
    await volunteer.queue(workflowId);
    await volunteer.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 });
    expect((await stack.db.query('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1', [workflowId])).rows[0].n).toBe(1);
  });

  it.each([
    ['a location that is not a number', (subjectId: string) => ({ subjectId, location: 'second' }), '/location'],
    ['a location numbered from 0', (subjectId: string) => ({ subjectId, location: 0 }), '/location'],
    ['a location the subject does not have', (subjectId: string) => ({ subjectId, location: 4 }), '/location'],
    ['a location that is a text', (subjectId: string) => ({ subjectId, location: 1 }), '/location'],
    ['a missing location', (subjectId: string) => ({ subjectId }), '/location'],
    ['an unknown field', (subjectId: string) => ({ subjectId, location: 2, address: 'https://x' }), '/address'],
    ['a subject that is not an id', () => ({ subjectId: 'first', location: 2 }), '/subjectId'],
    ['a subject that does not exist', () => ({ subjectId: randomUUID(), location: 2 }), '/subjectId'],
  ])('refuses %s with a problem naming the field, and counts nothing', async (_name, body, pointer) => {
    const { workflowId, subjectIds } = await mediaWorkflow(1);
    const refused = await postFailure(workflowId, (await stack.anonymous.guest()).token, body(subjectIds[0]!));
    expect(refused.status).toBe(422);
    expect(refused.contentType).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors?.map((error) => error.pointer)).toContain(pointer);
    expect(await failuresOf(workflowId)).toEqual([]);
  });

  it('refuses a subject of another workflow, naming it', async () => {
    const { workflowId } = await mediaWorkflow(1);
    const other = await mediaWorkflow(1);
    const refused = await postFailure(workflowId, (await stack.anonymous.guest()).token, { subjectId: other.subjectIds[0], location: 2 });
    expect(refused).toMatchObject({ status: 422, body: { errors: [{ pointer: '/subjectId' }] } });
    expect(await failuresOf(workflowId)).toEqual([]);
  });

  it('refuses as the queue does a workflow the volunteer may not classify in: not found in a draft project, not active when paused', async () => {
    const drafted = await mediaWorkflow(1);
    await stack.client.updateProject(drafted.projectId, { status: 'draft' });
    const hidden = await postFailure(drafted.workflowId, (await stack.anonymous.guest()).token, { subjectId: drafted.subjectIds[0], location: 2 });
    expect(hidden).toMatchObject({ status: 404, body: { errors: [{ pointer: '/params/id' }] } });

    const paused = await mediaWorkflow(1);
    await stack.client.pauseWorkflow(paused.workflowId);
    const token = (await stack.anonymous.guest()).token;
    const queued = await stack.anonymous.withToken(token).queue(paused.workflowId).then(() => undefined, (error: ChorusApiError) => error);
    const refused = await postFailure(paused.workflowId, token, { subjectId: paused.subjectIds[0], location: 2 });
    expect(refused.status).toBe(queued?.status);
    expect(refused).toMatchObject({ status: 409, body: { type: 'urn:chorus:problem:workflow-not-active' } });
    expect([...(await failuresOf(drafted.workflowId)), ...(await failuresOf(paused.workflowId))]).toEqual([]);
  });
});

describe("a guest's media failures, when the guest signs in", () => {
  it('become the account’s, one kept where the account told the same failure, the guest’s in its place where the account’s no longer counts', async () => {
    const { workflowId, subjectIds } = await mediaWorkflow(2);
    const account = await newAccount(stack, 'Told');
    await account.client.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 });
    await account.client.mediaFailed(workflowId, { subjectId: subjectIds[1]!, location: 2 });
    // The second subject's image moves: the account's failure there no longer counts.
    const { locations } = (await stack.client.mediaFailures(workflowId)).failed.find((subject) => subject.subjectId === subjectIds[1])!;
    const moved = locations.map((location) => (location.type === 'image' ? { ...location, url: 'https://images.example.org/moved/1.jpg' } : location));
    await stack.client.correctSubjectLocations(subjectIds[1]!, { locations: moved, reason: 'The image server moved' });
    const asGuest = await guest();
    await asGuest.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 }); // told by the account too
    await asGuest.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 3 });
    await asGuest.mediaFailed(workflowId, { subjectId: subjectIds[1]!, location: 2 }); // at the corrected address
    expect(await stack.client.mediaFailures(workflowId)).toMatchObject({ subjects: 2, failures: 4 });

    await asGuest.login({ email: account.email, password: ACCOUNT_PASSWORD });
    const rows = (await stack.db.query('SELECT subject_id, location, url, user_id FROM media_failures WHERE workflow_id = $1 ORDER BY subject_id = $2 DESC, location', [workflowId, subjectIds[0]])).rows;
    expect(rows).toEqual([
      { subject_id: subjectIds[0], location: 2, url: 'https://images.example.org/broken/0.jpg', user_id: account.id },
      { subject_id: subjectIds[0], location: 3, url: 'https://sounds.example.org/0.mp3', user_id: account.id },
      { subject_id: subjectIds[1], location: 2, url: 'https://images.example.org/moved/1.jpg', user_id: account.id },
    ]);
    expect(await stack.client.mediaFailures(workflowId)).toMatchObject({ subjects: 2, failures: 3 });
    // Told again by the account: still once.
    expect(await account.client.mediaFailed(workflowId, { subjectId: subjectIds[1]!, location: 2 })).toMatchObject({ replayed: true });
  });

  it('keep the time the guest first failed where it did before the account: the subject keeps its place in the researchers’ list', async () => {
    const { workflowId, subjectIds } = await mediaWorkflow(2);
    const account = await newAccount(stack, 'Later');
    const asGuest = await guest();
    const guests = await asGuest.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 });
    await account.client.mediaFailed(workflowId, { subjectId: subjectIds[1]!, location: 2 });
    const accounts = await account.client.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 }); // the same failure, later
    expect(Date.parse(accounts.failedAt)).toBeGreaterThan(Date.parse(guests.failedAt));
    const listed = async () => (await stack.client.mediaFailures(workflowId)).failed.map(({ subjectId, failures, firstFailedAt }) => ({ subjectId, failures, firstFailedAt }));
    const before = await listed();
    expect(before.map(({ subjectId }) => subjectId)).toEqual([subjectIds[1], subjectIds[0]]);

    await asGuest.login({ email: account.email, password: ACCOUNT_PASSWORD });
    expect(await listed()).toEqual(before.map((subject) => (subject.subjectId === subjectIds[0] ? { ...subject, failures: 1 } : subject)));
    expect(before.find(({ subjectId }) => subjectId === subjectIds[0])?.firstFailedAt).toBe(guests.failedAt);
    expect(await account.client.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 })).toMatchObject({ failedAt: guests.failedAt, replayed: true });
  });
});

describe("a workflow's media failures, as its researchers see them", () => {
  it('counts the subjects and failed loads, says when the last was, and lists the subjects with their addresses, the most recently first failed first', async () => {
    const { workflowId, subjectIds } = await mediaWorkflow(3);
    const [a, b] = [await guest(), await guest()];
    expect(await stack.client.mediaFailures(workflowId)).toEqual({ subjects: 0, failures: 0, lastFailedAt: null, failed: [], next: null });
    await a.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 });
    await b.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 });
    await a.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 }); // said again: nothing more
    const last = await a.mediaFailed(workflowId, { subjectId: subjectIds[1]!, location: 3 });

    const view = await stack.client.mediaFailures(workflowId);
    expect(workflowMediaFailuresSchema.parse(view)).toEqual(view);
    expect(view).toMatchObject({ subjects: 2, failures: 3, lastFailedAt: last.failedAt });
    expect(view.failed.map(({ subjectId, externalId, failures, retired }) => ({ subjectId, externalId, failures, retired }))).toEqual([
      { subjectId: subjectIds[1], externalId: 'm1', failures: 1, retired: false },
      { subjectId: subjectIds[0], externalId: 'm0', failures: 2, retired: false },
    ]);
    expect(view.failed[1]!.locations[1]).toEqual({ type: 'image', url: 'https://images.example.org/broken/0.jpg' });
  });

  it('lists the subjects a page at a time, the most recently first failed first, a later failure moving none, and names a bad cursor', async () => {
    const { workflowId, subjectIds } = await mediaWorkflow(3);
    const volunteer = await guest();
    for (const subjectId of subjectIds) await volunteer.mediaFailed(workflowId, { subjectId, location: 2 });
    const first = await stack.client.mediaFailures(workflowId, { limit: 2 });
    expect(first.failed.map((subject) => subject.subjectId)).toEqual([subjectIds[2], subjectIds[1]]);
    expect(first.next).toEqual(expect.any(String));
    // The first subject fails again while the researcher pages: it stays on the page still to read, and is read once.
    await (await guest()).mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 3 });
    const second = await stack.client.mediaFailures(workflowId, { limit: 2, after: first.next! });
    expect(workflowMediaFailuresSchema.parse(second)).toEqual(second);
    expect(second).toMatchObject({ subjects: 3, failures: 4, next: null });
    expect(second.failed.map(({ subjectId, failures }) => ({ subjectId, failures }))).toEqual([{ subjectId: subjectIds[0], failures: 2 }]);
    expect(second.failed[0]!.lastFailedAt > second.failed[0]!.firstFailedAt).toBe(true);
    // Twenty to a page unless asked.
    expect((await stack.client.mediaFailures(workflowId)).next).toBeNull();

    for (const query of ['after=yesterday', 'limit=101']) {
      const response = await fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/media-failures?${query}`, { headers: { authorization: `Bearer ${stack.client.token}` } });
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await response.json()) as { errors: { pointer: string }[] }).errors.map((error) => error.pointer)).toEqual([`/query/${query.split('=')[0]}`]);
    }
  });

  it('stops counting a subject’s failures once researchers correct its addresses, and counts those after', async () => {
    const { workflowId, subjectIds } = await mediaWorkflow(2);
    const volunteer = await guest();
    await volunteer.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 });
    await volunteer.mediaFailed(workflowId, { subjectId: subjectIds[1]!, location: 2 });
    const { locations } = (await stack.client.mediaFailures(workflowId)).failed.find((subject) => subject.subjectId === subjectIds[0])!;
    const moved = locations.map((location) => (location.type === 'image' ? { ...location, url: 'https://images.example.org/moved/0.jpg' } : location));
    await stack.client.correctSubjectLocations(subjectIds[0]!, { locations: moved, reason: 'The image server moved' });

    const after = await stack.client.mediaFailures(workflowId);
    expect(after).toMatchObject({ subjects: 1, failures: 1 });
    expect(after.failed.map((subject) => subject.subjectId)).toEqual([subjectIds[1]]);

    // The corrected address fails too, for another volunteer: counted again, with when it was corrected.
    await (await guest()).mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 });
    const again = await stack.client.mediaFailures(workflowId);
    expect(again).toMatchObject({ subjects: 2, failures: 2 });
    expect(again.failed[0]).toMatchObject({ subjectId: subjectIds[0], failures: 1, locationsCorrectedAt: expect.any(String) });
  });

  it('counts anew a volunteer’s failure after a correction, in the place of theirs before it, whichever location changed', async () => {
    const { workflowId, subjectIds } = await mediaWorkflow(1);
    const volunteer = await guest();
    await volunteer.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 });
    await volunteer.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 3 });
    const { locations } = (await stack.client.mediaFailures(workflowId)).failed[0]!;
    // The recording's address is corrected; the image's stays, and still fails for the same volunteer.
    const moved = locations.map((location) => (location.type === 'audio' ? { ...location, url: 'https://sounds.example.org/moved/0.mp3' } : location));
    await stack.client.correctSubjectLocations(subjectIds[0]!, { locations: moved, reason: 'The sound server moved' });
    expect(await stack.client.mediaFailures(workflowId)).toMatchObject({ subjects: 0, failures: 0 });
    expect(await volunteer.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2, url: 'https://images.example.org/broken/0.jpg' })).toMatchObject({ replayed: false });
    expect(await volunteer.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 3, url: 'https://sounds.example.org/moved/0.mp3' })).toMatchObject({ replayed: false });
    expect(await stack.client.mediaFailures(workflowId)).toMatchObject({ subjects: 1, failures: 2 });
    expect(await volunteer.mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 })).toMatchObject({ replayed: true }); // said again: nothing more
    expect(await failuresOf(workflowId)).toHaveLength(2);
  });

  it('counts nothing for an address researchers corrected since the page loaded the subject, naming url', async () => {
    const { workflowId, subjectIds } = await mediaWorkflow(1);
    const { locations } = (await stack.client.subjectsOf((await stack.db.query('SELECT subject_set_id FROM subject_set_members WHERE subject_id = $1', [subjectIds[0]])).rows[0].subject_set_id)).subjects[0]!;
    const moved = locations.map((location) => (location.type === 'image' ? { ...location, url: 'https://images.example.org/moved/0.jpg' } : location));
    await stack.client.correctSubjectLocations(subjectIds[0]!, { locations: moved, reason: 'The image server moved' });
    const refused = await postFailure(workflowId, (await stack.anonymous.guest()).token, { subjectId: subjectIds[0], location: 2, url: 'https://images.example.org/broken/0.jpg' });
    expect(refused).toMatchObject({ status: 422, body: { errors: [{ pointer: '/url' }] } });
    expect(refused.contentType).toMatch(/^application\/problem\+json/);
    expect(await failuresOf(workflowId)).toEqual([]);
  });

  it('is for the project’s researchers only', async () => {
    const { workflowId, projectId, subjectIds } = await mediaWorkflow(1);
    await (await guest()).mediaFailed(workflowId, { subjectId: subjectIds[0]!, location: 2 });
    const outsider = await newAccount(stack, 'Outsider');
    const moderator = await newMember(stack, projectId, 'moderator', 'Moderator');
    for (const client of [outsider.client, moderator.client, await guest()]) {
      const refused = await client.mediaFailures(workflowId).then(() => undefined, (error: ChorusApiError) => error);
      expect(refused?.status).toBe(403);
    }
    const scientist = await newMember(stack, projectId, 'scientist', 'Scientist');
    expect((await scientist.client.mediaFailures(workflowId)).subjects).toBe(1);
  });
});
