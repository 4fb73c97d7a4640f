import { createHash, randomUUID } from 'node:crypto';
import { API_KEY_LIMITS, type ChorusApiError, type ChorusClient } from '@chorus/client';
import { LAST_USED_EVERY_MS, apiKeyDigest, newApiKeySecret } from '../src/auth/api-keys';
import { type AnotherProcess, anotherApiProcess } from './another-process';
import { ACCOUNT_PASSWORD, newAccount } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { voteWorkflow } from '../../../test/support/workflows';
import { refusal } from '../../../test/support/requests';

/**
 * Personal API keys against the real API, Postgres and Redis: made signed in (the secret answered once, only its
 * digest kept), used as a bearer token for downloads and the queue, refused where a session is needed, revoked at
 * once on every API process, refused when expired, and bad input refused naming the field.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

const others: AnotherProcess[] = [];
afterEach(() => {
  for (const other of others.splice(0)) other.news.onModuleDestroy();
});

const DAY_MS = 24 * 60 * 60 * 1000;
const keyClient = (secret: string) => stack.anonymous.withToken(secret);

async function keyRow(id: string) {
  return (await stack.db.query('SELECT name, hash, expires_at, last_used_at, revoked_at FROM api_keys WHERE id = $1', [id])).rows[0];
}

type Answer = { type: string; detail: string; errors?: { pointer: string; message: string }[]; id?: string; secret?: string; prefix?: string; apiKey?: unknown; keyScope?: string; neededScope?: string };

/** A raw request, to see the answer's status, content type and body (JSON, if it is) as a script's HTTP client would. */
async function send(method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
  const sent = { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers };
  const response = await fetch(`${stack.baseUrl}/api/v1${path}`, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  const type = response.headers.get('content-type');
  const text = await response.text();
  return { status: response.status, type, body: (type?.includes('json') && text ? JSON.parse(text) : {}) as Answer };
}

/** A raw POST (with `idempotencyKey`, under it). */
const post = (path: string, token: string, body: unknown, idempotencyKey?: string) => send('POST', path, token, body, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});

describe('personal API keys', () => {
  it('makes a key whose secret is answered once and kept only as a digest, and lists it without the secret', async () => {
    const { client, id } = await newAccount(stack, 'Data engineer');
    const made = await client.createApiKey({ name: '  Nightly download ' });
    expect(made).toEqual({
      id: expect.any(String),
      name: 'Nightly download',
      // Not asked for: a key does all its account may, as every key made before scopes.
      scope: 'full',
      prefix: expect.stringMatching(/^chorus_[A-Za-z0-9]{4}$/),
      secret: expect.stringMatching(/^chorus_[A-Za-z0-9]{43}$/),
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
      lastUsedAt: null,
    });
    // The secret's first characters, kept to tell keys apart (never enough of it to guess the rest).
    expect(made.secret.startsWith(made.prefix!)).toBe(true);
    // 90 days away by default.
    expect(Math.abs(Date.parse(made.expiresAt) - Date.now() - API_KEY_LIMITS.defaultDays * DAY_MS)).toBeLessThan(60_000);
    const row = await keyRow(made.id);
    expect(row.hash).toBe(createHash('sha256').update(made.secret).digest('hex'));
    const stored = JSON.stringify((await stack.db.query('SELECT * FROM api_keys WHERE user_id = $1', [id])).rows);
    expect(stored).not.toContain(made.secret.slice('chorus_'.length));

    const { secret: _, ...listed } = made;
    expect(await client.apiKeys()).toEqual({ apiKeys: [listed] });
    const later = await client.createApiKey({ name: 'Yearly report', expiresAt: new Date(Date.now() + 300 * DAY_MS).toISOString() });
    expect((await client.apiKeys()).apiKeys.map((key) => key.name)).toEqual(['Yearly report', 'Nightly download']);
    expect(later.secret).not.toBe(made.secret);
  });

  it('makes secrets of letters and digits only, so that a prefix never reads `chorus__-Ll`, each of the 62 drawn alike, 256 bits as before (tester 22 F10)', () => {
    const secrets = Array.from({ length: 3000 }, () => newApiKeySecret());
    for (const secret of secrets) expect(secret).toMatch(/^chorus_[A-Za-z0-9]{43}$/);
    expect(new Set(secrets).size).toBe(secrets.length);
    // Every character is drawn: none is left out, and none is drawn twice as often as another (a modulo bias would).
    const counts = new Map<string, number>();
    for (const character of secrets.join('').replaceAll('chorus_', '')) counts.set(character, (counts.get(character) ?? 0) + 1);
    expect(counts.size).toBe(62);
    expect(Math.max(...counts.values()) / Math.min(...counts.values())).toBeLessThan(1.5);
    expect(43 * Math.log2(62)).toBeGreaterThanOrEqual(256);
  });

  it('still takes a key made before secrets were letters and digits only (base64url, with _ and -)', async () => {
    const { id } = await newAccount(stack, 'Old script');
    const secret = `chorus__-Ll${'a_b-'.repeat(9)}xyz`;
    const [{ id: keyId }] = (await stack.db.query("INSERT INTO api_keys (user_id, name, hash, prefix, expires_at) VALUES ($1, 'Old', $2, 'chorus__-Ll', now() + interval '1 day') RETURNING id", [id, apiKeyDigest(secret)])).rows;
    expect((await keyClient(secret).account()).apiKey).toMatchObject({ id: keyId, prefix: 'chorus__-Ll', scope: 'full' });
  });

  it('tells a request sent with a key which key it is (GET /account: id, name, scope, prefix, expiry), and a session none (tester 21a F2)', async () => {
    const { client } = await newAccount(stack, 'Nightly puller');
    const expiresAt = new Date(Date.now() + 30 * DAY_MS).toISOString();
    const nightly = await client.createApiKey({ name: 'Nightly pull', scope: 'downloads', expiresAt });
    const weekly = await client.createApiKey({ name: 'Weekly report' });
    const seen = await keyClient(nightly.secret).account();
    // As the list gives it (its lastUsedAt written, or not yet, as the request was read).
    expect(seen.apiKey).toEqual({ id: nightly.id, name: 'Nightly pull', scope: 'downloads', prefix: nightly.prefix, createdAt: nightly.createdAt, expiresAt: nightly.expiresAt, lastUsedAt: seen.apiKey?.lastUsedAt ?? null });
    expect(seen.apiKey?.expiresAt).toBe(expiresAt);
    expect((await keyClient(weekly.secret).account()).apiKey).toMatchObject({ id: weekly.id, name: 'Weekly report', scope: 'full', prefix: weekly.prefix });
    expect((await client.apiKeys()).apiKeys.map((key) => [key.name, key.scope])).toEqual([['Weekly report', 'full'], ['Nightly pull', 'downloads']]);
    expect((await client.account()).apiKey).toBeNull();
    // A key made before prefixes were kept shows none, listed or sent.
    await stack.db.query('UPDATE api_keys SET prefix = NULL WHERE id = $1', [weekly.id]);
    expect((await client.apiKeys()).apiKeys.map((key) => [key.name, key.prefix])).toEqual([['Weekly report', null], ['Nightly pull', nightly.prefix]]);
    expect((await keyClient(weekly.secret).account()).apiKey).toMatchObject({ id: weekly.id, prefix: null });
  });

  it('refuses a retry under the same Idempotency-Key with 409 naming the key made, never a second key nor the secret again (tester 21a F2)', async () => {
    const { client, token, id: accountId } = await newAccount(stack, 'Retrying script');
    const idempotencyKey = randomUUID();
    const first = await post('/account/api-keys', token, { name: 'Nightly pull', scope: 'read' }, idempotencyKey);
    expect(first.status).toBe(201);
    const { id, prefix, secret } = first.body;
    for (let attempt = 0; attempt < 2; attempt++) {
      const retry = await post('/account/api-keys', token, { name: 'Nightly pull', scope: 'read' }, idempotencyKey);
      expect({ status: retry.status, type: retry.type }).toEqual({ status: 409, type: expect.stringContaining('application/problem+json') });
      expect(retry.body).toMatchObject({ type: 'urn:chorus:problem:api-key-already-made', apiKey: { id, name: 'Nightly pull', scope: 'read', prefix } });
      expect(retry.body.errors).toEqual([{ pointer: '/headers/idempotency-key', message: expect.stringContaining(id!) }]);
      expect(retry.body.detail).toContain(`DELETE /api/v1/account/api-keys/${id}`);
      expect(JSON.stringify(retry.body)).not.toContain(secret!.slice(prefix!.length));
    }
    expect((await client.apiKeys()).apiKeys.map((key) => key.id)).toEqual([id]);
    // What a retry is answered is kept without the secret.
    const kept = JSON.stringify((await stack.db.query('SELECT response FROM idempotent_requests WHERE account_id = $1', [accountId])).rows);
    expect(kept).toContain(id);
    expect(kept).not.toContain(secret!.slice(prefix!.length));
    // The key still works; the same Idempotency-Key with another body is refused as on every creation; a fresh one makes another key.
    expect((await keyClient(secret!).account()).apiKey?.id).toBe(id);
    const other = await post('/account/api-keys', token, { name: 'Another' }, idempotencyKey);
    expect([other.status, other.body.errors?.map((error) => error.pointer)]).toEqual([422, ['/headers/idempotency-key']]);
    expect((await post('/account/api-keys', token, { name: 'Nightly pull' }, randomUUID())).status).toBe(201);
    // A first request refused (a bad name) made nothing: its key serves the corrected request.
    const refusedKey = randomUUID();
    expect((await post('/account/api-keys', token, { name: '' }, refusedKey)).status).toBe(422);
    expect((await post('/account/api-keys', token, { name: 'Corrected' }, refusedKey)).status).toBe(201);
    expect((await client.apiKeys()).apiKeys).toHaveLength(3);
  });

  it('acts as its account for a download, a download link and the queue, noting when it was last used at most once a minute', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 3);
    const { secret, id } = await stack.client.createApiKey({ name: 'Nightly download' });
    const script = keyClient(secret);

    const csv = await script.consensus(workflowId, { format: 'csv' });
    expect(csv.split('\n')[0]).toContain('subject_id');
    expect(await script.consensus(workflowId, { format: 'csv' })).toBe(await stack.client.consensus(workflowId, { format: 'csv' }));
    const link = await script.downloadLink(workflowId, { kind: 'classifications' });
    expect((await fetch(`${stack.baseUrl}${link.url}&format=csv`)).status).toBe(200);
    // The key in the address, where a download link's token goes: told that it goes in the Authorization header.
    const inAddress = await fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/consensus?token=${secret}`);
    const told = (await inAddress.json()) as { detail: string; errors: unknown[] };
    expect([inAddress.status, told.errors]).toEqual([401, [{ pointer: '/query/token', message: 'is a personal API key; send it in the Authorization header instead' }]]);
    expect(told.detail).toMatch(/^A personal API key goes in the Authorization header/);
    const queue = await script.queue(workflowId, 3);
    expect(queue.subjects.map((subject) => subject.id).sort()).toEqual([...subjectIds].sort());

    await until(async () => (await keyRow(id)).last_used_at !== null, 'the key’s last use noted', 5_000);
    const firstNoted = (await keyRow(id)).last_used_at as Date;
    await script.account();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(LAST_USED_EVERY_MS).toBe(60_000);
    expect((await keyRow(id)).last_used_at).toEqual(firstNoted);
    expect((await stack.client.apiKeys()).apiKeys.find((key) => key.id === id)?.lastUsedAt).toBe(firstNoted.toISOString());
  });

  it('refuses with 403 session-required what only a session may do, and changes nothing', async () => {
    const { client, email } = await newAccount(stack, 'Careful');
    const kept = await client.createApiKey({ name: 'Kept' });
    const script = keyClient((await client.createApiKey({ name: 'Script' })).secret);
    const attempts: Record<string, Promise<unknown>> = {
      'make a key': script.createApiKey({ name: 'Another' }),
      'list keys': script.apiKeys(),
      'revoke a key': script.revokeApiKey(kept.id),
      'change the password': script.changePassword({ currentPassword: ACCOUNT_PASSWORD, newPassword: 'a new long password' }),
      'change the email': script.changeEmail({ email: `new-${randomUUID()}@example.org`, password: ACCOUNT_PASSWORD }),
      'delete the account': script.deleteAccount(ACCOUNT_PASSWORD),
      'sign out': script.signOut(),
      'sign out everywhere': script.signOutEverywhere(),
    };
    for (const [what, attempt] of Object.entries(attempts)) {
      const refused = await refusal(attempt);
      expect({ what, status: refused?.status, type: refused?.problem.type }).toEqual({ what, status: 403, type: 'urn:chorus:problem:session-required' });
      expect(refused?.problem.errors).toEqual([{ pointer: '/headers/authorization', message: expect.stringContaining('is an API key') }]);
    }
    expect((await client.apiKeys()).apiKeys.map((key) => key.name)).toEqual(['Script', 'Kept']);
    expect((await client.account()).email).toBe(email);
    await stack.anonymous.login({ email, password: ACCOUNT_PASSWORD });
    expect((await script.account()).email).toBe(email);
  });

  it('revokes a key at once, on another API process too, and the download links asked for with it', async () => {
    const { workflowId } = await voteWorkflow(stack, 1);
    const { secret, id } = await stack.client.createApiKey({ name: 'Leaked' });
    const script = keyClient(secret);
    const link = await script.downloadLink(workflowId, { kind: 'consensus' });
    const other = anotherApiProcess(stack);
    others.push(other);
    await other.news.listening();
    expect(await other.tokens.check(secret)).toMatchObject({ id: (await stack.client.account()).id, kind: 'registered', apiKeyId: id });

    await stack.client.revokeApiKey(id);
    // The other process read the key a moment ago, and would go by that for 30 s: the news ends it there at once.
    await until(async () => (await other.tokens.check(secret)) === 'revoked-key', 'the other process refusing the revoked key', 2_000);
    const refused = await refusal(script.account());
    expect(refused?.status).toBe(401);
    expect(refused?.problem.type).toBe('urn:chorus:problem:api-key-revoked');
    expect(refused?.problem.detail).toMatch(/revoked/);
    // The link says why it stopped: the key that made it was revoked (not a session's signing out).
    const ended = await fetch(`${stack.baseUrl}${link.url}&format=csv`);
    const endedProblem = (await ended.json()) as { detail: string; errors: unknown[] };
    expect([ended.status, endedProblem.errors]).toEqual([401, [{ pointer: '/query/token', message: 'is a link made with an API key that was revoked' }]]);
    expect(endedProblem.detail).toMatch(/^The download link was made with a personal API key that has since been revoked/);
    expect((await stack.client.apiKeys()).apiKeys.map((key) => key.id)).not.toContain(id);
    expect((await keyRow(id)).revoked_at).not.toBeNull();

    // Again: no error, nothing changes. Someone else's key, or none, is not found.
    await stack.client.revokeApiKey(id);
    const { client: stranger } = await newAccount(stack, 'Stranger');
    const othersKey = await stranger.createApiKey({ name: 'Theirs' });
    for (const attempt of [stack.client.revokeApiKey(othersKey.id), stack.client.revokeApiKey(randomUUID())]) {
      const notFound = await refusal(attempt);
      expect(notFound.status).toBe(404);
      expect(notFound.problem.errors?.[0]?.pointer).toBe('/params/id');
    }
    expect((await keyClient(othersKey.secret).account()).displayName).toBe('Stranger');
  });

  it('refuses an expired key with 401 saying so, and lists it as expired', async () => {
    const { client } = await newAccount(stack, 'Late');
    const { secret, id } = await client.createApiKey({ name: 'Old script' });
    await stack.db.query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", [id]);
    const refused = await refusal(keyClient(secret).account());
    expect(refused?.status).toBe(401);
    expect(refused?.problem.type).toBe('urn:chorus:problem:api-key-expired');
    expect(refused?.problem.detail).toMatch(/expired/);
    expect((await client.apiKeys()).apiKeys.map((key) => key.id)).toEqual([id]);
    // A key Chorus never made (mistyped, or cut short) is refused as a key, not as a session to sign in again to.
    const unknown = await refusal(keyClient(`chorus_${'A'.repeat(43)}`).account());
    expect(unknown.status).toBe(401);
    expect(unknown.problem.type).toBe('urn:chorus:problem:api-key-unknown');
    expect(unknown.problem.detail).toMatch(/copied whole/);
  });

  it('refuses bad input as a problem naming the field, making no key', async () => {
    const { client, token } = await newAccount(stack, 'Sloppy');
    const cases: [unknown, string][] = [
      [{ name: '' }, '/name'],
      [{ name: '   ' }, '/name'],
      [{ name: 'x'.repeat(API_KEY_LIMITS.nameLength + 1) }, '/name'],
      [{ name: 'two\nlines' }, '/name'],
      [{}, '/name'],
      [{ name: 'Script', expiresAt: new Date(Date.now() - 60_000).toISOString() }, '/expiresAt'],
      [{ name: 'Script', expiresAt: new Date(Date.now() + (API_KEY_LIMITS.maxDays + 1) * DAY_MS).toISOString() }, '/expiresAt'],
      [{ name: 'Script', expiresAt: 'next Tuesday' }, '/expiresAt'],
      [{ name: 'Script', scopes: ['all'] }, '/scopes'],
      [{ name: 'Script', scope: 'admin' }, '/scope'],
      [{ name: 'Script', scope: 'Read' }, '/scope'],
      [{ name: 'Script', scope: null }, '/scope'],
    ];
    for (const [body, pointer] of cases) {
      const answer = await post('/account/api-keys', token, body);
      expect({ body, status: answer.status, type: answer.type }).toEqual({ body, status: 422, type: expect.stringContaining('application/problem+json') });
      expect({ body, pointers: answer.body.errors?.map((error) => error.pointer) }).toEqual({ body, pointers: [pointer] });
    }
    const tooFar = await post('/account/api-keys', token, cases[6]![0]);
    expect(tooFar.body.errors?.[0]?.message).toMatch(/at most 365 days/);
    // The scopes it takes, each with what it lets a key do; a scope but for capitals, which it must be.
    const badScope = (await post('/account/api-keys', token, { name: 'Script', scope: 'admin' })).body.errors?.[0]?.message;
    expect(badScope).toMatch(/^must be full, read or downloads \(full: .+; read: .+; downloads: .+\)$/);
    expect((await post('/account/api-keys', token, { name: 'Script', scope: 'Read' })).body.errors?.[0]?.message).toMatch(/did you mean "read"\?/);
    expect((await client.apiKeys()).apiKeys).toEqual([]);
    const notUuid = await refusal(client.revokeApiKey('not-a-key'));
    expect(notUuid.status).toBe(422);
    expect(notUuid.problem.errors?.[0]?.pointer).toBe('/params/id');
  });

  it(`keeps at most ${API_KEY_LIMITS.perAccount} keys in force per account, even when made at once; a revoked one makes room`, async () => {
    const { client } = await newAccount(stack, 'Hoarder');
    const made = await Promise.allSettled(Array.from({ length: API_KEY_LIMITS.perAccount + 3 }, (_, i) => client.createApiKey({ name: `Key ${i}` })));
    const kept = made.filter((result) => result.status === 'fulfilled');
    expect(kept).toHaveLength(API_KEY_LIMITS.perAccount);
    const refused = made.find((result) => result.status === 'rejected')?.reason as ChorusApiError;
    expect(refused.status).toBe(409);
    expect(refused.problem.type).toBe('urn:chorus:problem:too-many-api-keys');
    await client.revokeApiKey((kept[0] as PromiseFulfilledResult<{ id: string }>).value.id);
    await client.createApiKey({ name: 'One more' });
  });

  it('has no keys for a guest, and revokes an account’s keys when it is deleted', async () => {
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    expect((await refusal(guest.createApiKey({ name: 'Guest script' }))).problem.type).toBe('urn:chorus:problem:account-required');

    const { client } = await newAccount(stack, 'Leaving');
    const { secret, id } = await client.createApiKey({ name: 'Script' });
    const script: ChorusClient = keyClient(secret);
    await script.account();
    await client.deleteAccount(ACCOUNT_PASSWORD);
    await refusal(script.account(), { status: 401 });
    expect((await keyRow(id)).revoked_at).not.toBeNull();
  });
});

describe('API key scopes', () => {
  /** What a key of each scope is answered, route by route: the status alone. */
  const statusOf = async (method: string, path: string, secret: string, body?: unknown) => (await send(method, path, secret, body)).status;
  const holdsOf = async (workflowId: string) => (await stack.db.query('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1', [workflowId])).rows[0].n as number;
  const workflowStatus = async (workflowId: string) => (await stack.db.query('SELECT status FROM workflows WHERE id = $1', [workflowId])).rows[0]?.status as string | undefined;

  it('lets a downloads key download the consensus and classifications, ask for links to them, find the workflows, read what their columns refer to and GET /account, and nothing else', async () => {
    const { projectId, workflowId } = await voteWorkflow(stack, 2);
    const [subjectSetId] = (await stack.client.getWorkflow(workflowId)).subjectSetIds;
    const key = await stack.client.createApiKey({ name: 'Nightly download', scope: 'downloads' });
    expect(key.scope).toBe('downloads');
    const script = keyClient(key.secret);
    expect((await script.consensus(workflowId, { format: 'csv' })).split('\n')[0]).toContain('subject_id');
    expect((await script.classifications(workflowId, { format: 'csv' })).split('\n')[0]).toContain('classification_id');
    for (const kind of ['consensus', 'classifications'] as const) {
      const link = await script.downloadLink(workflowId, { kind });
      expect((await fetch(`${stack.baseUrl}${link.url}&format=csv`)).status).toBe(200);
    }
    expect((await script.account()).apiKey).toMatchObject({ id: key.id, scope: 'downloads' });
    // What the downloads' columns refer to: workflow_version and the task keys, the names of subject_set_ids and routed_into.
    expect((await script.getWorkflow(workflowId)).subjectSetIds).toEqual([subjectSetId]);
    expect((await script.workflowVersions(workflowId)).versions.map((version) => version.version)).toEqual([1]);
    expect((await script.getWorkflowVersion(workflowId, 1)).definition.tasks).toHaveProperty('T0');
    expect((await script.subjectSets(projectId)).subjectSets.map((set) => set.id)).toEqual([subjectSetId]);
    // Which workflows there are to download: the account's projects, each with its workflows.
    expect((await script.listProjects({ member: true })).projects.map((project) => project.id)).toContain(projectId);
    expect((await script.getProject(projectId)).workflows.map((workflow) => workflow.id)).toContain(workflowId);
    // A kind that is none is refused naming it, as for any caller (not as beyond the key's scope).
    expect(await statusOf('POST', `/workflows/${workflowId}/download-links`, key.secret, { kind: 'everything' })).toBe(422);

    const refused: [string, string, unknown, string][] = [
      ['GET', `/workflows/${workflowId}/subject-reports?format=csv`, undefined, 'read'],
      ['POST', `/workflows/${workflowId}/download-links`, { kind: 'subject-reports' }, 'read'],
      ['GET', `/subject-sets/${subjectSetId}/subjects`, undefined, 'read'],
      ['GET', `/workflows/${workflowId}/stats`, undefined, 'read'],
      ['GET', `/projects/${projectId}/members`, undefined, 'read'],
      ['POST', `/workflows/${workflowId}/pause`, undefined, 'full'],
      ['DELETE', `/workflows/${workflowId}`, undefined, 'full'],
    ];
    for (const [method, path, body, needed] of refused) {
      const answer = await send(method, path, key.secret, body);
      expect({ method, path, status: answer.status, type: answer.type }).toEqual({ method, path, status: 403, type: expect.stringContaining('application/problem+json') });
      expect({ method, path, ...answer.body }).toMatchObject({
        method,
        path,
        type: 'urn:chorus:problem:api-key-scope',
        keyScope: 'downloads',
        neededScope: needed,
        errors: [{ pointer: '/headers/authorization', message: `is an API key of scope "downloads"; this needs scope "${needed}"` }],
      });
      expect(answer.body.detail).toContain(`Make a key with scope "${needed}"`);
      expect(answer.body.detail).toContain('POST /api/v1/account/api-keys');
    }
    // Nothing was changed: the workflow is neither paused nor deleted.
    expect(await workflowStatus(workflowId)).toBe('active');
    // What needs a session is refused as such, whatever the key's scope.
    expect((await refusal(script.apiKeys())).problem.type).toBe('urn:chorus:problem:session-required');
  });

  it('lets a read key make any GET request but the queue (it holds subjects) and ask for download links, but refuses a POST and a DELETE, changing nothing', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 2);
    const key = await stack.client.createApiKey({ name: 'Dashboard', scope: 'read' });
    const script = keyClient(key.secret);
    expect((await script.getWorkflow(workflowId)).id).toBe(workflowId);
    expect(await statusOf('GET', `/workflows/${workflowId}/subject-reports?format=csv`, key.secret)).toBe(200);
    expect(await statusOf('HEAD', `/workflows/${workflowId}`, key.secret)).toBe(200);
    expect((await script.downloadLink(workflowId, { kind: 'subject-reports' })).url).toContain('token=');
    expect((await script.account()).apiKey?.scope).toBe('read');

    const holdsBefore = await holdsOf(workflowId);
    for (const [method, path] of [
      ['GET', `/workflows/${workflowId}/queue`],
      ['POST', `/workflows/${workflowId}/pause`],
      ['DELETE', `/workflows/${workflowId}`],
      ['DELETE', `/subjects/${subjectIds[0]}/favourite`],
    ] as const) {
      const answer = await send(method, path, key.secret);
      expect({ method, path, status: answer.status, keyScope: answer.body.keyScope, neededScope: answer.body.neededScope }).toEqual({ method, path, status: 403, keyScope: 'read', neededScope: 'full' });
    }
    expect(await workflowStatus(workflowId)).toBe('active');
    expect(await holdsOf(workflowId)).toBe(holdsBefore);
  });

  it('lets a full key, the default, do all its account may (a POST, a DELETE) but what needs a session', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 2);
    const key = await stack.client.createApiKey({ name: 'Admin script' });
    expect(key.scope).toBe('full');
    const script = keyClient(key.secret);
    expect(await statusOf('DELETE', `/subjects/${subjectIds[0]}/favourite`, key.secret)).toBe(204);
    expect((await script.pauseWorkflow(workflowId)).status).toBe('paused');
    expect((await refusal(script.createApiKey({ name: 'Another' }))).problem.type).toBe('urn:chorus:problem:session-required');
  });
});

describe("a new API key's notice", () => {
  const utc = (iso: string) => `${new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso))} UTC`;
  const noticesTo = (email: string) => stack.inbox.mails.filter((mail) => mail.to === email && /new API key/.test(mail.subject));
  const keptFor = async (email: string) => (await stack.db.query(`SELECT count(*)::int AS n FROM mail_outbox WHERE "to" = $1 AND subject LIKE '%API key%'`, [email])).rows[0].n as number;

  it("is mailed to the account's verified email for every key made: its name, prefix and scope, when, its expiry and how to revoke it", async () => {
    const { client, email } = await newAccount(stack, 'Watchful');
    const made = await client.createApiKey({ name: 'Nightly download', scope: 'downloads', expiresAt: new Date(Date.now() + 30 * DAY_MS).toISOString() });
    const notice = await stack.inbox.take(email, /new API key/);
    expect(notice.subject).toBe('A new API key was made for your Chorus account');
    expect(notice.text).not.toContain(made.secret.slice(made.prefix!.length));
    for (const said of ['"Nightly download"', `starts ${made.prefix}…`, 'of scope downloads: only the downloads', utc(made.createdAt), utc(made.expiresAt), `${stack.config.publicUrl}/account#api-keys`, `DELETE /api/v1/account/api-keys/${made.id}`]) {
      expect(notice.text).toContain(said);
    }
    // Account mails are counted to at most a quarter of MAILS_PER_ADDRESS_PER_DAY (5) an hour: these are not held back.
    for (let i = 0; i < 5; i += 1) await client.createApiKey({ name: `Script ${i}` });
    await until(async () => noticesTo(email).length === 6, 'a notice of each key', 10_000);
  });

  it('is kept with the key in one transaction: neither is kept without the other', async () => {
    const { client, id, email } = await newAccount(stack, 'Unlucky');
    const keys = async () => (await stack.db.query('SELECT count(*)::int AS n FROM api_keys WHERE user_id = $1', [id])).rows[0].n as number;
    await stack.db.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
    try {
      // The notice cannot be kept: no key.
      await stack.db.query(`CREATE TRIGGER refuse_notice BEFORE INSERT ON mail_outbox FOR EACH ROW WHEN (NEW."to" = '${email}') EXECUTE FUNCTION refuse()`);
      await refusal(client.createApiKey({ name: 'Unseen' }), { status: 500 });
      expect(await keys()).toBe(0);
      await stack.db.query('DROP TRIGGER refuse_notice ON mail_outbox');
      // The key fails as its transaction commits, after its notice was kept: no notice.
      await stack.db.query(
        `CREATE CONSTRAINT TRIGGER refuse_key AFTER INSERT ON api_keys DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.name = 'Refused at commit') EXECUTE FUNCTION refuse()`,
      );
      await refusal(client.createApiKey({ name: 'Refused at commit' }), { status: 500 });
      expect(await keys()).toBe(0);
      expect(await keptFor(email)).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(noticesTo(email)).toEqual([]);
    } finally {
      await stack.db.query('DROP TRIGGER IF EXISTS refuse_notice ON mail_outbox; DROP TRIGGER IF EXISTS refuse_key ON api_keys; DROP FUNCTION refuse()');
    }
    await client.createApiKey({ name: 'Seen' });
    await stack.inbox.take(email, /new API key/);
  });

  it('is not mailed to an email the account has not verified', async () => {
    const { client, email } = await newAccount(stack, 'Unverified', { verified: false });
    await client.createApiKey({ name: 'Script' });
    expect(await keptFor(email)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(noticesTo(email)).toEqual([]);
  });
});

describe("a revoked API key's notice", () => {
  const revokedTo = (email: string) => stack.inbox.mails.filter((mail) => mail.to === email && /was revoked/.test(mail.subject));

  it("is mailed to the account's verified email once per key revoked, however often (or at once) the revocation is sent", async () => {
    const { client, email } = await newAccount(stack, 'Tidy');
    const key = await client.createApiKey({ name: 'Old dashboard', scope: 'read' });
    await stack.inbox.take(email, /new API key/);
    await client.revokeApiKey(key.id);
    const notice = await stack.inbox.take(email, /was revoked/);
    expect(notice.subject).toBe('An API key of your Chorus account was revoked');
    for (const said of ['"Old dashboard"', `starts ${key.prefix}…`, 'of scope read', `${stack.config.publicUrl}/account#api-keys`, 'change your password']) {
      expect({ said, found: notice.text.includes(said) }).toEqual({ said, found: true });
    }
    // Sent again, one after another and several at once: 204 each time, no second notice.
    await client.revokeApiKey(key.id);
    await Promise.all([client.revokeApiKey(key.id), client.revokeApiKey(key.id)]);
    const other = await client.createApiKey({ name: 'Racing' });
    await Promise.all([client.revokeApiKey(other.id), client.revokeApiKey(other.id), client.revokeApiKey(other.id)]);
    await until(async () => revokedTo(email).length === 2, "the second key's notice", 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(revokedTo(email).map((mail) => /"Racing"/.test(mail.text))).toEqual([false, true]);
  });

  it('is not mailed to an email the account has not verified, nor for a key not found', async () => {
    const { client, email } = await newAccount(stack, 'Unverified revoker', { verified: false });
    const key = await client.createApiKey({ name: 'Script' });
    await client.revokeApiKey(key.id);
    await refusal(client.revokeApiKey(randomUUID()), { status: 404 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(revokedTo(email)).toEqual([]);
  });
});
