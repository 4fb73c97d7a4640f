import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';

/**
 * Downloads hold a database connection while they stream, so only EXPORTS_AT_ONCE may stream at a time (half of them
 * at most for one caller), and one whose client stops reading ends after EXPORT_IDLE_SECONDS.
 */
let stack: Stack;
let url: string;
let authorization: string;
let projectId: string;

beforeAll(async () => {
  stack = await startStack({ worker: false, env: { EXPORTS_AT_ONCE: '2', EXPORT_IDLE_SECONDS: '3' } });
  const project = await stack.client.createProject({ title: `Big export ${randomUUID().slice(0, 8)}`, status: 'live' });
  projectId = project.id;
  const set = await stack.client.createSubjectSet(project.id, { name: 'Many' });
  // Long external ids make a download of about 20 MB, far more than socket buffers hold: it streams while unread.
  // (Asked for uncompressed: gzipped, these repetitive ids would fit in them.)
  const padding = 'x'.repeat(450);
  for (let batch = 0; batch < 4; batch++) {
    await stack.client.addSubjects(set.id, Array.from({ length: 10_000 }, (_, i) => ({ externalId: `${padding}-${batch}-${i}`, locations: [{ type: 'text' as const, text: 't' }] })));
  }
  const { id } = await stack.client.createWorkflow(project.id, {
    name: 'W', firstTask: 'T0', tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] } }, subjectSetIds: [set.id],
  });
  url = `${stack.baseUrl}/api/v1/workflows/${id}/consensus?format=csv`;
  authorization = `Bearer ${stack.client.token}`;
}, 120_000);
afterAll(() => stack.stop());

/** A researcher of the project (a scientist), as the bearer header of their requests. */
const anotherResearcher = async () => `Bearer ${(await newMember(stack, projectId, 'scientist', 'Scientist')).token}`;

it('refuses a download beyond EXPORTS_AT_ONCE, or beyond half of them for one caller, with 503, and takes one again once a client goes away', async () => {
  const download = (as: string, signal?: AbortSignal) => fetch(url, { headers: { authorization: as, 'accept-encoding': 'identity' }, signal });
  const leaving = new AbortController();
  const first = await download(authorization, leaving.signal);
  expect(first.status).toBe(200);
  const reader = first.body!.getReader();
  expect((await reader.read()).value!.length).toBeGreaterThan(0); // streaming, then left unread

  const again = await download(authorization);
  expect(again.status).toBe(503);
  expect(again.headers.get('retry-after')).toBe('10');
  expect((await again.json()) as { type: string; detail: string }).toMatchObject({ type: 'urn:chorus:problem:exports-busy', detail: expect.stringMatching(/^You have 1 download streaming already/) });

  const [scientist, latecomer] = [await anotherResearcher(), await anotherResearcher()];
  const otherLeaving = new AbortController();
  const other = await download(scientist, otherLeaving.signal);
  expect(other.status).toBe(200); // another researcher's download starts beside it
  const otherReader = other.body!.getReader();
  expect((await otherReader.read()).value!.length).toBeGreaterThan(0);

  const full = await download(latecomer);
  expect(full.status).toBe(503);
  expect(full.headers.get('content-type')).toContain('application/problem+json');
  expect((await full.json()) as { type: string; detail: string }).toMatchObject({ type: 'urn:chorus:problem:exports-busy', detail: expect.stringContaining('(EXPORTS_AT_ONCE)') });

  for (const [controller, read] of [[leaving, reader], [otherLeaving, otherReader]] as const) {
    controller.abort(); // the clients go away: their connections must come back
    await read.cancel().catch(() => undefined);
  }
  let third = await download(authorization);
  for (let i = 0; i < 50 && third.status === 503; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    third = await download(authorization);
  }
  expect(third.status).toBe(200);
  const text = await third.text();
  expect(text.trim().split('\n')).toHaveLength(40_001);
}, 60_000);

it('ends a download whose client stops reading, so that it cannot hold its place for ever', async () => {
  const stalled = await fetch(url, { headers: { authorization, 'accept-encoding': 'identity' } });
  expect(stalled.status).toBe(200);
  const reader = stalled.body!.getReader();
  expect((await reader.read()).value!.length).toBeGreaterThan(0); // streaming, then left unread, the socket kept open
  expect((await fetch(url, { headers: { authorization, 'accept-encoding': 'identity' } })).status).toBe(503);
  let next = await fetch(url, { headers: { authorization, 'accept-encoding': 'identity' } });
  for (let i = 0; i < 100 && next.status === 503; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    next = await fetch(url, { headers: { authorization, 'accept-encoding': 'identity' } });
  }
  expect(next.status).toBe(200);
  // The stalled client's file is broken, never a short file that looks complete.
  let ended: 'complete' | 'broken' = 'complete';
  try {
    while (!(await reader.read()).done);
  } catch {
    ended = 'broken';
  }
  expect(ended).toBe('broken');
  expect((await next.text()).trim().split('\n')).toHaveLength(40_001);
}, 60_000);

it('does not end a download whose database is slow to give its first rows, nor one whose client reads slowly but reads', async () => {
  // The database holds the rows back for longer than EXPORT_IDLE_SECONDS: nothing waits for the client meanwhile.
  const locker = new Client({ connectionString: stack.config.databaseUrl });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE subject_workflow_status IN ACCESS EXCLUSIVE MODE');
  const slowDatabase = fetch(url, { headers: { authorization, 'accept-encoding': 'identity' } }).then((response) => response.text());
  await new Promise((resolve) => setTimeout(resolve, 4500));
  await locker.query('COMMIT');
  await locker.end();
  expect((await slowDatabase).trim().split('\n')).toHaveLength(40_001);

  // A client that pauses three times, each time for less than EXPORT_IDLE_SECONDS, for longer than that in all.
  const slowReader = await fetch(url, { headers: { authorization, 'accept-encoding': 'identity' } });
  const reader = slowReader.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const pauseAt = [2e6, 4e6, 6e6];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (text.length >= pauseAt[0]!) {
      pauseAt.shift();
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
  expect(pauseAt).toEqual([]);
  expect(text.trim().split('\n')).toHaveLength(40_001);
}, 60_000);
