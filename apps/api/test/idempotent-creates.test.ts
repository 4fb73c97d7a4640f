import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type TestAccount, newAccount } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { IdempotentRequests } from '../src/idempotent-requests/idempotent-requests';

let stack: Stack;
let researcher: TestAccount;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  researcher = await newAccount(stack, 'Researcher');
});
afterAll(() => stack.stop());

/** A POST as a script sends it: JSON, the account's token, and the key when given. */
async function post(path: string, token: string, body: unknown, key?: string) {
  const response = await fetch(`${stack.baseUrl}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, type: response.headers.get('content-type'), etag: response.headers.get('etag'), body: (await response.json()) as Record<string, unknown> };
}

const count = async (sql: string, value: string): Promise<number> => (await stack.db.query(sql, [value])).rows[0].n;
const projectsNamed = (title: string) => count('SELECT count(*)::int AS n FROM projects WHERE title = $1', title);
const setsOf = (projectId: string) => count('SELECT count(*)::int AS n FROM subject_sets WHERE project_id = $1', projectId);
const workflowsOf = (projectId: string) => count('SELECT count(*)::int AS n FROM workflows WHERE project_id = $1', projectId);
const collectionsNamed = (name: string) => count('SELECT count(*)::int AS n FROM collections WHERE name = $1', name);

async function newProject(account = researcher): Promise<string> {
  return (await post('/projects', account.token, { title: `Letters ${randomUUID().slice(0, 8)}` })).body.id as string;
}

/** Takes a lock (`statement`) from a connection of the test's, as a long transaction would. Answers the release. */
async function holdWith(statement: string, parameters: unknown[]): Promise<() => Promise<void>> {
  const holder = new Client({ connectionString: stack.config.databaseUrl });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query(statement, parameters);
  return async () => {
    await holder.query('COMMIT');
    await holder.end();
  };
}

/** Holds a project's row: a set made in it waits (for the project, as its key). */
const hold = (projectId: string) => holdWith('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [projectId]);
/** Holds off every new subject set, even one whose name is taken (which a project's row would not hold: its name is refused first). */
const holdNewSets = () => holdWith('LOCK TABLE subject_sets IN SHARE MODE', []);

/** Until `n` requests wait for a lock (a held project's row). */
const waiting = (n: number) =>
  until(async () => (await stack.db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")).rows[0].n >= n, `${n} requests to wait`);

/** As if the request holding the key had started 11 minutes ago, unanswered: its process seems to have died. */
const abandon = (key: string) => stack.db.query("UPDATE idempotent_requests SET created_at = now() - interval '11 minutes' WHERE key = $1", [key]);

const definition = (subjectSetIds: string[]) => ({
  name: 'Ads',
  firstTask: 'T0',
  tasks: { T0: { type: 'single', question: 'An advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
  subjectSetIds,
});

describe('creations sent again with the same Idempotency-Key', () => {
  it('answer a retry of a project, a subject set, a workflow and a collection with the first creation, 200, and create nothing', async () => {
    const title = `Retried ${randomUUID().slice(0, 8)}`;
    const key = randomUUID();
    const project = await post('/projects', researcher.token, { title }, key);
    expect(project.status).toBe(201);
    expect(await post('/projects', researcher.token, { title }, key)).toMatchObject({ status: 200, body: project.body });
    expect(await projectsNamed(title)).toBe(1);

    const projectId = project.body.id as string;
    const set = await post(`/projects/${projectId}/subject-sets`, researcher.token, { name: 'Letters' }, key);
    expect(set.status).toBe(201);
    expect(await post(`/projects/${projectId}/subject-sets`, researcher.token, { name: 'Letters' }, key)).toMatchObject({ status: 200, body: set.body });
    expect(await setsOf(projectId)).toBe(1);

    const workflow = await post(`/projects/${projectId}/workflows`, researcher.token, definition([set.body.id as string]), key);
    expect(workflow.status).toBe(201);
    // The ETag too, which PUT /workflows/:id takes in If-Match.
    expect(await post(`/projects/${projectId}/workflows`, researcher.token, definition([set.body.id as string]), key)).toMatchObject({ status: 200, etag: workflow.etag, body: workflow.body });
    expect(await workflowsOf(projectId)).toBe(1);

    const collection = await post('/collections', researcher.token, { name: title }, key);
    expect(collection.status).toBe(201);
    expect(await post('/collections', researcher.token, { name: title }, key)).toMatchObject({ status: 200, body: collection.body });
    expect(await collectionsNamed(title)).toBe(1);

    // Without a key, each request creates, as before (a set's name being the project's once, each its own).
    await post(`/projects/${projectId}/subject-sets`, researcher.token, { name: 'Maps' });
    await post(`/projects/${projectId}/subject-sets`, researcher.token, { name: 'Postcards' });
    expect(await setsOf(projectId)).toBe(3);
  });

  it('refuses the same key with another body or route, 422 naming the header, and creates nothing', async () => {
    const projectId = await newProject();
    const key = randomUUID();
    expect((await post(`/projects/${projectId}/subject-sets`, researcher.token, { name: 'Letters' }, key)).status).toBe(201);
    const other = await post(`/projects/${projectId}/subject-sets`, researcher.token, { name: 'Postcards' }, key);
    expect(other).toMatchObject({ status: 422, type: expect.stringContaining('application/problem+json') });
    expect(other.body.errors).toEqual([{ pointer: '/headers/idempotency-key', message: expect.stringContaining('already used for a different request') }]);
    // The same body for another project is another request too.
    const elsewhere = await newProject();
    expect((await post(`/projects/${elsewhere}/subject-sets`, researcher.token, { name: 'Letters' }, key)).status).toBe(422);
    expect([await setsOf(projectId), await setsOf(elsewhere)]).toEqual([1, 0]);
    // A bad key is named, and creates nothing.
    const short = await post(`/projects/${projectId}/subject-sets`, researcher.token, { name: 'Maps' }, 'short');
    expect(short).toMatchObject({ status: 422, body: { errors: [{ pointer: '/headers/idempotency-key', message: 'must be at least 8 characters' }] } });
    expect(await setsOf(projectId)).toBe(1);
  });

  it('answers a retry sent while the first request is still being handled 409, to send again, and creates nothing', async () => {
    const projectId = await newProject();
    const key = randomUUID();
    const release = await hold(projectId);
    const first = post(`/projects/${projectId}/subject-sets`, researcher.token, { name: 'Letters' }, key);
    try {
      await waiting(1);
      const early = await post(`/projects/${projectId}/subject-sets`, researcher.token, { name: 'Letters' }, key);
      expect(early).toMatchObject({ status: 409, body: { type: 'urn:chorus:problem:request-in-progress', detail: expect.stringContaining('send the retry again in a moment') } });
    } finally {
      await release();
    }
    const created = await first;
    expect(created.status).toBe(201);
    expect(await post(`/projects/${projectId}/subject-sets`, researcher.token, { name: 'Letters' }, key)).toMatchObject({ status: 200, body: created.body });
    expect(await setsOf(projectId)).toBe(1);
    // A first request whose process died unanswered (here before its set was made) holds its key no longer than 10 minutes.
    await stack.db.query('DELETE FROM subject_sets WHERE id = $1', [created.body.id]);
    await stack.db.query('UPDATE idempotent_requests SET response = NULL WHERE key = $1', [key]);
    await abandon(key);
    const taken = await post(`/projects/${projectId}/subject-sets`, researcher.token, { name: 'Letters' }, key);
    expect(taken.status).toBe(201);
    expect(taken.body.id).not.toBe(created.body.id);
  });

  it('lets a request whose key was taken over (10 minutes unanswered) neither answer nor release it for the request that took it', async () => {
    const [slow, other] = [await newProject(), await newProject()];
    const key = randomUUID();
    const releaseSlow = await hold(slow);
    const late = post(`/projects/${slow}/subject-sets`, researcher.token, { name: 'Letters' }, key);
    let taken: Awaited<ReturnType<typeof post>>;
    try {
      await waiting(1);
      await abandon(key);
      taken = await post(`/projects/${other}/subject-sets`, researcher.token, { name: 'Letters' }, key);
      expect(taken.status).toBe(201);
    } finally {
      await releaseSlow();
    }
    expect((await late).status).toBe(201);
    // The late answer was not stored over the one of the request that took the key.
    expect(await post(`/projects/${other}/subject-sets`, researcher.token, { name: 'Letters' }, key)).toMatchObject({ status: 200, body: taken.body });

    // Refused late (the slow project has its Letters now), the first request does not release the key another holds.
    const again = randomUUID();
    const [releaseNewSets, releaseOther] = [await holdNewSets(), await hold(other)];
    const refused = post(`/projects/${slow}/subject-sets`, researcher.token, { name: 'Letters' }, again);
    let taking: ReturnType<typeof post>;
    try {
      await waiting(1);
      await abandon(again);
      taking = post(`/projects/${other}/subject-sets`, researcher.token, { name: 'Maps' }, again);
      await waiting(2);
      await releaseNewSets();
      expect((await refused).status).toBe(409);
    } finally {
      await releaseOther();
    }
    const maps = await taking;
    expect(maps.status).toBe(201);
    expect(await post(`/projects/${other}/subject-sets`, researcher.token, { name: 'Maps' }, again)).toMatchObject({ status: 200, body: maps.body });
    expect([await setsOf(slow), await setsOf(other)]).toEqual([1, 2]);
  });

  it('creates nothing when the answer cannot be kept (the creation rolls back with it), and lets the retry go ahead at once, creating once', async () => {
    // The answer is kept in the creation's own transaction: failing it fails the creation, as a crash between them would.
    await stack.db.query(`
      CREATE OR REPLACE FUNCTION test_unstorable_answer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the answer cannot be stored'; END $$;
      CREATE OR REPLACE TRIGGER test_unstorable_answer BEFORE UPDATE ON idempotent_requests FOR EACH ROW
        WHEN (NEW.response IS NOT NULL AND NEW.key LIKE 'unstorable-%') EXECUTE FUNCTION test_unstorable_answer()`);
    const title = `Unanswered ${randomUUID().slice(0, 8)}`;
    const projectId = await newProject();
    const setId = (await post(`/projects/${projectId}/subject-sets`, researcher.token, { name: 'Letters' })).body.id as string;
    const creations = [
      { path: '/projects', body: { title }, made: () => projectsNamed(title) },
      { path: `/projects/${projectId}/subject-sets`, body: { name: 'Maps' }, made: async () => (await setsOf(projectId)) - 1 },
      { path: `/projects/${projectId}/workflows`, body: definition([setId]), made: () => workflowsOf(projectId) },
      { path: '/collections', body: { name: title }, made: () => collectionsNamed(title) },
    ].map((creation) => ({ ...creation, key: `unstorable-${randomUUID()}` }));
    try {
      for (const { path, body, key, made } of creations) {
        expect(await post(path, researcher.token, body, key)).toMatchObject({ status: 500 });
        expect(await made()).toBe(0);
      }
    } finally {
      await stack.db.query('DROP TRIGGER test_unstorable_answer ON idempotent_requests; DROP FUNCTION test_unstorable_answer()');
    }
    // The failed request's key is free at once (not held for 10 minutes): the retry creates, and its own retry is answered with it.
    for (const { path, body, key, made } of creations) {
      const retried = await post(path, researcher.token, body, key);
      expect(retried.status).toBe(201);
      expect(await post(path, researcher.token, body, key)).toMatchObject({ status: 200, etag: retried.etag, body: retried.body });
      expect(await made()).toBe(1);
    }
  });

  it('keeps the key of a creation that committed with its answer, whatever fails after it: a retry is answered with it', async () => {
    const requests = stack.app.get(IdempotentRequests);
    const keyed = { accountId: researcher.id, route: 'POST /api/v1/projects', key: randomUUID(), requestHash: 'a'.repeat(64) };
    const first = await requests.claim(keyed);
    if (!('claimed' in first)) throw new Error('the key was new: its first request claims it');
    await requests.answered(first.claimed, { body: { id: 'made' } });
    await requests.release(first.claimed);
    expect(await requests.claim(keyed)).toEqual({ answer: { body: { id: 'made' } } });
  });

  it('keeps each account’s keys its own: another account with the same key creates its own', async () => {
    const other = await newAccount(stack, 'Other');
    const key = randomUUID();
    const title = `Shared key ${randomUUID().slice(0, 8)}`;
    const mine = await post('/projects', researcher.token, { title }, key);
    const theirs = await post('/projects', other.token, { title }, key);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await projectsNamed(title)).toBe(2);
  });

  it('lets a refused request’s key be used again (corrected), and forgets keys after a day', async () => {
    const projectId = await newProject();
    const key = randomUUID();
    expect((await post(`/projects/${projectId}/subject-sets`, researcher.token, { name: '' }, key)).status).toBe(422);
    const corrected = await post(`/projects/${projectId}/subject-sets`, researcher.token, { name: 'Letters' }, key);
    expect(corrected.status).toBe(201);

    await stack.db.query("UPDATE idempotent_requests SET created_at = now() - interval '25 hours' WHERE key = $1", [key]);
    expect(await stack.app.get(IdempotentRequests).forgetOld()).toBe(1);
    // Forgotten, the key takes another request (remembered, it would be refused 422 for another body).
    const again = await post(`/projects/${projectId}/subject-sets`, researcher.token, { name: 'Maps' }, key);
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(corrected.body.id);
    expect(await count('SELECT count(*)::int AS n FROM idempotent_requests WHERE key = $1', key)).toBe(1);
  });
});

describe('a part of a file uploaded again with the same Idempotency-Key', () => {
  /** A file's part as the lab sends it: its text as the body, with its type, query and key. */
  async function upload(setId: string, body: string, key: string, { type = 'text/csv', query = '' } = {}) {
    const response = await fetch(`${stack.baseUrl}/api/v1/subject-sets/${setId}/subjects${query}`, {
      method: 'POST',
      headers: { 'content-type': type, authorization: `Bearer ${researcher.token}`, 'idempotency-key': key },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  const subjectsIn = (setId: string) => count('SELECT count(*)::int AS n FROM subject_set_members WHERE subject_set_id = $1', setId);

   /** A new project's set named Letters. */
  const newSet = async () => (await post(`/projects/${await newProject()}/subject-sets`, researcher.token, { name: 'Letters' })).body.id as string;
 it('adds the rows of a file without external ids once: the retry after a lost answer is answered 200 with the first answer', async () => {
    const setId = await newSet();
    const part = 'text,title\nDear Sir,Letter 1\nDear Madam,Letter 2\n';
    const key = randomUUID();
    const first = await upload(setId, part, key);
    expect(first).toMatchObject({ status: 201, body: { created: 2, addedToSet: 2 } });
    expect(await upload(setId, part, key)).toEqual({ status: 200, body: first.body });
    expect(await subjectsIn(setId)).toBe(2);
    // The same text sent as another kind of file, or with another query, is another request.
    expect((await upload(setId, part, key, { type: 'text/plain' })).status).toBe(422);
    expect((await upload(setId, part, key, { query: '?replaceLocations=true&reason=moved' })).status).toBe(422);
    expect((await upload(setId, `${part}Dear Friend,Letter 3\n`, key)).status).toBe(422);
    // Without the key (or with a fresh one), the rows are added again, as the API's answer warned.
    expect((await upload(setId, part, randomUUID())).status).toBe(201);
    expect(await subjectsIn(setId)).toBe(4);
  });
});
