import { type ClientRequest, type IncomingMessage, get } from 'node:http';
import { researcherOf } from '../../../test/support/accounts';
import { download } from '../../../test/support/requests';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { BIG_CONSENSUS_SUBJECT_BYTES, bigConsensusDownload } from '../../../test/support/workflows';

/**
 * Two callers reading their downloads slowly (each within the per-caller limit, each reading often enough never to
 * stall for EXPORT_IDLE_SECONDS) cannot keep EXPORTS_AT_ONCE full for everyone: a download read slower than
 * EXPORT_MIN_BYTES_PER_SECOND is ended, and its caller cannot take the place back at once.
 */
let stack: Stack;
/**
 * The speed check's window as well as the idle limit. The first window of a download includes the megabytes that fill
 * the socket buffers on the way (some 10 MB on loopback), so a slow download is ended about this long after it starts:
 * the third caller must be refused before then, with the second download started in between, on a busy machine too.
 * Long enough as well that the slow readers never look stalled: the API's socket is told it may write again only once
 * a good part of its send buffer (megabytes on loopback) is read, every second or two at their pace.
 */
const IDLE_SECONDS = 10;
/** Five times what the slow readers below read (800 KB a second), far below what a reading client takes on loopback. */
const MIN_BYTES_PER_SECOND = 4 * 1024 * 1024;
let url: string;
let projectId: string;

beforeAll(async () => {
  stack = await startStack({
    worker: false,
    env: { EXPORTS_AT_ONCE: '2', EXPORT_IDLE_SECONDS: String(IDLE_SECONDS), EXPORT_MIN_BYTES_PER_SECOND: String(MIN_BYTES_PER_SECOND) },
  });
  // About 80 MB, 100 s at a slow reader's pace: far more than the socket buffers on the way hold, and the slow downloads
  // last longer than the wait below for them to be ended.
  ({ projectId, url } = await bigConsensusDownload(stack, 'Slow export', Math.round(80e6 / BIG_CONSENSUS_SUBJECT_BYTES)));
}, 240_000);
afterAll(() => stack.stop());

/**
 * How a slow download ended for its client: `complete` false when it was broken off; the longest its client went
 * without reading anything, between two reads or from its last read to the download's close.
 */
interface SlowDownloadEnd {
  complete: boolean;
  longestPauseMs: number;
}

/**
 * A download read 64 KB every 80 ms (800 KB a second): never idle long, but slow. Answers once its status is known;
 * `ended` tells how it ended, `stop` closes it.
 */
function slowDownload(authorization: string): Promise<{ status: number; ended: Promise<SlowDownloadEnd>; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const request: ClientRequest = get(url, { headers: { authorization, 'accept-encoding': 'identity' } }, (response: IncomingMessage) => {
      response.pause();
      response.on('error', () => undefined);
      let lastReadAt = Date.now();
      let longestPauseMs = 0;
      const pause = () => Math.max(longestPauseMs, Date.now() - lastReadAt);
      const timer = setInterval(() => {
        // read(0) asks the socket for more when nothing is buffered
        if (!response.read(Math.min(64 * 1024, response.readableLength))) return;
        longestPauseMs = pause();
        lastReadAt = Date.now();
      }, 80);
      const ended = new Promise<SlowDownloadEnd>((settle) =>
        response.on('close', () => {
          clearInterval(timer);
          settle({ complete: response.complete, longestPauseMs: pause() });
        }),
      );
      resolve({
        status: response.statusCode!,
        ended,
        stop: () => {
          clearInterval(timer);
          request.destroy();
        },
      });
    });
    request.on('error', reject);
  });
}

const ask = async (authorization: string) => {
  const response = await download(url, authorization);
  const problem = response.status === 503 || response.status === 429 ? ((await response.json()) as { type: string; detail: string }) : undefined;
  if (!problem) await response.body?.cancel();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), type: problem?.type ?? '', detail: problem?.detail ?? '' };
};

it('ends downloads read slower than EXPORT_MIN_BYTES_PER_SECOND, so that a third caller gets a place, and keeps their callers from taking it back at once', async () => {
  const first = `Bearer ${stack.client.token}`;
  const [second, third] = [await researcherOf(stack, projectId), await researcherOf(stack, projectId)];
  const firstStartedAt = Date.now();
  const slow = [await slowDownload(first), await slowDownload(second)];
  try {
    expect(slow.map((each) => each.status)).toEqual([200, 200]);
    const refused = await ask(third);
    // Shown with a failure: a 200 more than IDLE_SECONDS after the first download started is a machine too busy to set
    // the second one up in time, not a broken limit.
    const secondsSinceFirstStarted = (Date.now() - firstStartedAt) / 1000;
    expect({ ...refused, secondsSinceFirstStarted }).toMatchObject({
      status: 503,
      type: 'urn:chorus:problem:exports-busy',
      detail: expect.stringContaining('(EXPORTS_AT_ONCE)'),
      secondsSinceFirstStarted,
    });

    // The slow downloads are ended: the third caller, asking again, gets a place.
    await until(async () => (await ask(third)).status === 200, 'a place for the third caller', 75_000);

    // The first caller, asking again as soon as its download ends, is told why it must wait, never served at once.
    let told: Awaited<ReturnType<typeof ask>> | undefined;
    await until(async () => {
      const again = await ask(first);
      expect(again.status).toBe(429); // still streaming (one place a caller), then ended for its reading: the caller's own limit either way
      if (/read too slowly/.test(again.detail)) told = again;
      return told !== undefined;
    }, "the first caller's slow download to end", 90_000);
    expect(told!.type).toBe('urn:chorus:problem:too-many-downloads');
    expect(told!.detail).toContain('EXPORT_MIN_BYTES_PER_SECOND');
    expect(Number(told!.retryAfter)).toBeGreaterThan(0);
    expect(Number(told!.retryAfter)).toBeLessThanOrEqual(IDLE_SECONDS);

    // Broken off while it was being read, never left unread for long, up to its close: by the speed check, not for
    // standing idle (the 429 above names both).
    const end = await slow[0]!.ended;
    expect(end.complete).toBe(false);
    expect(end.longestPauseMs).toBeLessThan((IDLE_SECONDS * 1000) / 4);
  } finally {
    for (const each of slow) each.stop();
  }
}, 240_000);
