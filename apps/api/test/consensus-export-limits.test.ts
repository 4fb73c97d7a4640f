import { Client } from 'pg';
import { researcherOf } from '../../../test/support/accounts';
import { download } from '../../../test/support/requests';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { BIG_CONSENSUS_SUBJECT_BYTES, bigConsensusDownload } from '../../../test/support/workflows';

/**
 * Downloads hold a database connection while they stream, so only EXPORTS_AT_ONCE may stream at a time (half of them
 * at most for one caller), and one whose client stops reading ends after EXPORT_IDLE_SECONDS.
 */
let stack: Stack;
/**
 * Long enough that a busy machine (one event loop for the API and the test's clients) never stretches a reader's
 * pause shorter than it into a stall; every wait for what it ends is bounded by a condition, not a count of polls.
 */
const IDLE_SECONDS = 5;
/**
 * How often a download held open while a test goes on is read (a chunk at a time): its large rows fill the socket
 * buffers within a second, after which only these reads let it move, so far more often than EXPORT_IDLE_SECONDS.
 */
const READ_EVERY_MS = 40;
/**
 * About 40 MB of CSV: the download streams while unread, and one read at that pace (some 25 KB a read, 600 KB a
 * second) lasts about a minute, far longer than the steps it is held open across on a busy machine.
 */
const SUBJECTS = Math.round(40e6 / BIG_CONSENSUS_SUBJECT_BYTES);
let url: string;
let authorization: string;
let projectId: string;

beforeAll(async () => {
  stack = await startStack({ worker: false, env: { EXPORTS_AT_ONCE: '2', EXPORT_IDLE_SECONDS: String(IDLE_SECONDS) } });
  ({ projectId, url } = await bigConsensusDownload(stack, 'Big export', SUBJECTS));
  authorization = `Bearer ${stack.client.token}`;
}, 240_000);
afterAll(() => stack.stop());

/** The download, asked for until it is no longer refused as busy (429 for the caller's own, 503 for the server's), within `what` and a bound. */
async function downloadOnceFree(as: string, what: string): Promise<Response> {
  let started: Response | undefined;
  await until(async () => {
    const response = await download(url, as);
    if (response.status !== 503 && response.status !== 429) started = response;
    else await response.body?.cancel();
    return started !== undefined;
  }, what, 60_000);
  return started!;
}

/**
 * Reads a chunk every READ_EVERY_MS until the download ends or is given up: a download held open while a test goes on
 * streams (and keeps its place) however long a busy machine takes meanwhile, instead of standing idle.
 */
function keepReading(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  const next = () => reader.read().then(({ done }) => done || setTimeout(next, READ_EVERY_MS), () => undefined);
  void next();
}

it('refuses a download beyond half of EXPORTS_AT_ONCE for one caller with 429 (their own limit), beyond EXPORTS_AT_ONCE with 503, and takes one again once a client goes away', async () => {
  const [scientist, latecomer] = [await researcherOf(stack, projectId), await researcherOf(stack, projectId)];
  const leaving = new AbortController();
  const first = await download(url, authorization, { signal: leaving.signal });
  expect(first.status).toBe(200);
  const reader = first.body!.getReader();
  expect((await reader.read()).value!.length).toBeGreaterThan(0); // streaming, read slowly
  keepReading(reader);

  const again = await download(url, authorization);
  // The caller's own limit: 429, which retry code reads as "slow down", not as the server being down.
  expect(again.status).toBe(429);
  expect(again.headers.get('retry-after')).toBe('10');
  expect((await again.json()) as { type: string; detail: string }).toMatchObject({ type: 'urn:chorus:problem:too-many-downloads', detail: expect.stringMatching(/^You have 1 download streaming already/) });

  const otherLeaving = new AbortController();
  const other = await download(url, scientist, { signal: otherLeaving.signal });
  expect(other.status).toBe(200); // another researcher's download starts beside it
  const otherReader = other.body!.getReader();
  expect((await otherReader.read()).value!.length).toBeGreaterThan(0);
  keepReading(otherReader);

  const full = await download(url, latecomer);
  expect(full.status).toBe(503); // the server's places all taken, none by this caller
  expect(full.headers.get('retry-after')).toBe('10');
  expect(full.headers.get('content-type')).toContain('application/problem+json');
  expect((await full.json()) as { type: string; detail: string }).toMatchObject({ type: 'urn:chorus:problem:exports-busy', detail: expect.stringContaining('(EXPORTS_AT_ONCE)') });

  for (const [controller, read] of [[leaving, reader], [otherLeaving, otherReader]] as const) {
    controller.abort(); // the clients go away: their connections must come back
    await read.cancel().catch(() => undefined);
  }
  const third = await downloadOnceFree(authorization, 'the places of the clients that went away');
  expect(third.status).toBe(200);
  const text = await third.text();
  expect(text.trim().split('\n')).toHaveLength(SUBJECTS + 1);
}, 180_000);

it('ends a download whose client stops reading, so that it cannot hold its place for ever', async () => {
  const stalled = await download(url, authorization);
  expect(stalled.status).toBe(200);
  const reader = stalled.body!.getReader();
  expect((await reader.read()).value!.length).toBeGreaterThan(0); // streaming, then left unread, the socket kept open
  expect((await download(url, authorization)).status).toBe(429); // their own place, still held
  const next = await downloadOnceFree(authorization, 'the stalled download to end and give its place up');
  expect(next.status).toBe(200);
  // The stalled client's file is broken, never a short file that looks complete.
  let ended: 'complete' | 'broken' = 'complete';
  try {
    while (!(await reader.read()).done);
  } catch {
    ended = 'broken';
  }
  expect(ended).toBe('broken');
  expect((await next.text()).trim().split('\n')).toHaveLength(SUBJECTS + 1);
}, 180_000);

it('does not end a download whose database is slow to give its first rows, nor one whose client reads slowly but reads', async () => {
  // The database holds the rows back for longer than EXPORT_IDLE_SECONDS: nothing waits for the client meanwhile.
  const locker = new Client({ connectionString: stack.config.databaseUrl });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE subject_workflow_status IN ACCESS EXCLUSIVE MODE');
  const slowDatabase = download(url, authorization).then((response) => response.text());
  await new Promise((resolve) => setTimeout(resolve, (IDLE_SECONDS + 1.5) * 1000));
  await locker.query('COMMIT');
  await locker.end();
  expect((await slowDatabase).trim().split('\n')).toHaveLength(SUBJECTS + 1);

  // A client that pauses three times, each time for well under EXPORT_IDLE_SECONDS, for longer than that in all.
  const slowReader = await download(url, authorization);
  const reader = slowReader.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const pauseAt = [2e6, 4e6, 6e6];
  const PAUSE_MS = 2000;
  expect(pauseAt.length * PAUSE_MS).toBeGreaterThan(IDLE_SECONDS * 1000);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (text.length >= pauseAt[0]!) {
      pauseAt.shift();
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }
  expect(pauseAt).toEqual([]);
  expect(text.trim().split('\n')).toHaveLength(SUBJECTS + 1);
}, 180_000);
