import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync } from 'node:zlib';
import type { BrowserContext, Locator, Page, Request } from 'playwright-core';
import type { SubjectInput } from '@chorus/client';
import { answerByKey, inWindowOf, launchBrowser, openWorkflow, pauseClock, PHONE_WINDOW, screenshots, seriousViolations, skipTutorial, tabTo, useStackAndBrowser, waitForFocus, waitForTask, waitToSee } from './support/browser';
import { wav } from './support/media-files';
import { until } from '../../../test/support/waiting';
import { TILE_RETRY_MS, TILE_TRIES } from '../src/components/viewer/ImageViewer';

/**
 * The image viewer against a IIIF Image API 3 service served by this test (level 0, one PNG for every tile):
 * zoom and rotate by keyboard, transcribe a line, submit; the stored transcription is read back from Postgres
 * and the service's request log shows that the viewer read info.json and tiles.
 */

jest.setTimeout(60_000);

/** A yes/no question on the subject shown: the workflow of the tests about what is shown, not about the task. */
const ANY_GOOD = {
  name: 'Any good?',
  firstTask: 'T0',
  tasks: { T0: { type: 'single' as const, question: 'Is it clear?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
};

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A minimal valid PNG: `size`×`size`, 8-bit RGB, a solid colour with a darker band (so rotation shows). */
function png(size: number, [r, g, b]: [number, number, number]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 3); // filter byte 0, then pixels
    for (let x = 0; x < size; x += 1) {
      const band = y < size / 4 ? 0.4 : 1;
      row.set([Math.round(r * band), Math.round(g * band), Math.round(b * band)], 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

interface IiifServer {
  base: string;
  /** The paths asked for, in order. */
  requests: string[];
  /** The addresses asked for, queries included, in order. */
  asked: string[];
  /** Images every tile of which answers 503 for now (a tile server down). */
  down: Set<string>;
  /** Has each tile of `image` already asked for answer 503 once more (a `tiles-busy-once-` image's server busy again). */
  busyAgain(image: string): void;
  /** Images whose tiles are answered only once `answerHeld` is called (a slow server), as they would be then. */
  holding: Set<string>;
  /** How many tile requests wait for an answer. */
  held(): number;
  answerHeld(): void;
  close(): Promise<void>;
}

/** A tiny IIIF Image API 3 level-0 service on 127.0.0.1: /iiif/<image>/info.json and its tiles (one PNG for all) for any image name. */
async function startIiifServer(): Promise<IiifServer> {
  const tile = png(256, [222, 205, 160]);
  const tone = wav(3);
  const requests: string[] = [];
  const asked: string[] = [];
  let base = '';
  /**
   * The `busy-once-` images whose info.json, and the tiles of `tiles-busy-once-` images, that answered 503 already: the
   * next request for each is answered. Every tile of a `tiles-down-` image answers 503.
   */
  const busyOnce = new Set<string>();
  const down = new Set<string>();
  const holding = new Set<string>();
  const held: (() => void)[] = [];
  const answer = (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(path);
    asked.push(request.url ?? '/');
    response.setHeader('Access-Control-Allow-Origin', '*');
    const info = /^\/iiif\/([^/]+)\/info\.json$/.exec(path);
    if (info?.[1]?.startsWith('busy-once-') && !busyOnce.has(info[1])) {
      // A server restarting: its first answer an error, the next the info.json.
      busyOnce.add(info[1]);
      response.statusCode = 503;
      response.end();
    } else if (info?.[1]?.startsWith('not-json-')) {
      // A server's page in place of an info.json.
      response.setHeader('Content-Type', 'text/html');
      response.end('<html><body>Not here</body></html>');
    } else if (info) {
      response.setHeader('Content-Type', 'application/ld+json');
      response.end(
        JSON.stringify({
          id: `${base}/iiif/${info[1]}`,
          type: 'ImageService3',
          protocol: 'http://iiif.io/api/image',
          profile: 'level0',
          width: 1024,
          height: 1536,
          tiles: [{ width: 256, scaleFactors: [1, 2, 4] }],
        }),
      );
    } else if (path === '/audio/tone.wav') {
      response.setHeader('Content-Type', 'audio/wav');
      response.end(tone);
    } else if (down.has(path.split('/')[2] ?? '') && !path.endsWith('/info.json')) {
      response.statusCode = 503;
      response.end();
    } else if (/^\/iiif\/tiles-(down-|busy-once-)/.test(path) && !path.endsWith('/info.json') && !(path.startsWith('/iiif/tiles-busy-once-') && busyOnce.has(path))) {
      // A tile server failing: for good, or a moment (each tile's first request).
      busyOnce.add(path);
      response.statusCode = 503;
      response.end();
    } else if (/^\/iiif\/[^/]+\/[^/]+\/[^/]+\/0\/default\.(jpg|png)$/.test(path)) {
      // Whatever the extension, the bytes are PNG; browsers sniff image types.
      response.setHeader('Content-Type', 'image/png');
      response.end(tile);
    } else {
      response.statusCode = 404;
      response.end();
    }
  };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (holding.has(path.split('/')[2] ?? '') && !path.endsWith('/info.json')) held.push(() => answer(request, response));
    else answer(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const busyAgain = (image: string) => {
    for (const path of busyOnce) if (path.startsWith(`/iiif/${image}/`)) busyOnce.delete(path);
  };
  const answerHeld = () => {
    for (const next of held.splice(0)) next();
  };
  return { base, requests, asked, down, busyAgain, holding, held: () => held.length, answerHeld, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('classifier in a browser: the image viewer with a IIIF service, keyboard only', () => {
  const suite = useStackAndBrowser();
  let iiif: IiifServer;

  beforeAll(async () => {
    iiif = await startIiifServer();
  });

  afterAll(async () => {
    await iiif?.close();
  });

  /** A subject showing image `image` of the test's IIIF service (its own name: a retry asks the service for others). */
  const iiifSubject = (externalId: string, image: string, alt?: string): SubjectInput => ({
    externalId,
    locations: [{ type: 'image', url: `${iiif.base}/iiif/${image}/full/max/0/default.png`, iiifService: `${iiif.base}/iiif/${image}`, ...(alt ? { alt } : {}) }],
    metadata: {},
  });

  const viewerState = (page: Page, name: 'zoom' | 'rotation' | 'status') => page.getByTestId('image-viewer').getAttribute(`data-${name}`);

  it('loads the IIIF tiles lazily, zooms and rotates by keyboard, and stores the transcription once', async () => {
    const project = await suite.stack.client.createProject({ title: `IIIF ${Date.now()}`, status: 'live' });
    const set = await suite.stack.client.createSubjectSet(project.id, { name: 'Letters' });
    await suite.stack.client.addSubjects(set.id, [
      {
        // As a IIIF manifest's canvas comes: its id for externalId, its label in the metadata.
        externalId: `${iiif.base}/canvas/1`,
        locations: [{ type: 'image', url: `${iiif.base}/iiif/page1/full/max/0/default.png`, iiifService: `${iiif.base}/iiif/page1`, alt: 'A letter in a slanted hand' }],
        metadata: { canvas_label: 'f. 1r' },
      },
    ]);
    const workflow = await suite.stack.client.createWorkflow(project.id, {
      name: 'Transcribe the letters',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Transcribe the first line of the letter.', textTags: ['unclear'] } },
      retirement: { rule: 'count', count: 3 },
      subjectSetIds: [set.id],
    });
    await suite.stack.client.activateWorkflow(workflow.id);

    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(request.url());
    });
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/workflows/${workflow.id}`);

    await waitForTask(page, 'transcription');
    await waitForFocus(page, '.transcription-lines input');
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-status') === 'ready', null, { timeout: 15_000 });
    // OpenSeadragon and the transcription editor came as their own chunks, after the page.
    expect(scripts.some((url) => /\/assets\/openseadragon-[^/]*\.js$/.test(url))).toBe(true);
    expect(scripts.some((url) => /\/assets\/TranscriptionTask-[^/]*\.js$/.test(url))).toBe(true);
    expect(await page.locator('.subject-text').count()).toBe(0);
    expect(await page.locator('.page-strip').count()).toBe(0); // one location: no page strip
    // Named as the image it shows, with what it shows as the researchers wrote it; the caption (zoom, rotation)
    // describes it. The subject is named by its page's label.
    expect(await page.getByRole('figure', { name: 'Subject image: A letter in a slanted hand' }).count()).toBe(1);
    expect(await page.getByRole('region', { name: 'Subject 1 of this session: f. 1r' }).count()).toBe(1);
    await page.waitForFunction(() => document.querySelector('.viewer-canvas canvas') !== null);

    // While typing in the line, Alt + the key reaches the viewer; the plain key is typed.
    expect(await viewerState(page, 'zoom')).toBe('100');
    await page.keyboard.press('Alt+Equal');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-zoom')) > 100);
    expect(await page.locator('.transcription-lines input').first().inputValue()).toBe('');

    // From the toolbar: Tab to "Rotate right" and press it; then R on the page rotates once more.
    await tabTo(page, '[data-action="rotateRight"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-rotation') === '90');
    await page.keyboard.press('r');
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-rotation') === '180');
    await page.keyboard.press('Shift+R');
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-rotation') === '90');
    await page.keyboard.press('i');
    await page.keyboard.press('b');
    expect(await page.getByTestId('image-viewer').getAttribute('data-filter')).toBe('invert(1) brightness(1.25)');
    expect(await page.locator('.viewer-canvas').evaluate((element) => getComputedStyle(element).filter)).toContain('invert(1)');
    expect(await page.locator('.viewer-state').textContent()).toContain('rotated 90°');
    // Reset clears zoom, rotation and filters; then zoom in and rotate again for the screenshots.
    await page.keyboard.press('0');
    await page.waitForFunction(() => {
      const viewer = document.querySelector('[data-testid="image-viewer"]');
      return viewer?.getAttribute('data-rotation') === '0' && viewer.getAttribute('data-filter') === '';
    });
    await page.keyboard.press('+');
    await page.keyboard.press('r');
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-rotation') === '90');
    expect(Number(await viewerState(page, 'zoom'))).toBeGreaterThan(100);

    // On a phone the image's controls take one row (the colours and Reset come on asking), so the image starts near
    // the top of the page.
    const toolbar = await inWindowOf(page, PHONE_WINDOW, () => page.locator('.viewer-toolbar').evaluate((bar) => ({ height: bar.getBoundingClientRect().height, scrolls: bar.scrollWidth > bar.clientWidth })));
    expect(toolbar).toEqual({ height: expect.any(Number), scrolls: false });
    expect(toolbar.height).toBeLessThan(60);

    // At 1280 px the lines take half the width, room for a long manuscript line, and the page stays in view beside them.
    const lineWidth = await page.locator('.transcription-lines input').first().evaluate((input) => input.getBoundingClientRect().width);
    expect(lineWidth).toBeGreaterThan(440);
    // (A long list of lines, as the height given here makes it: scrolled 400 px down, the page image is still on screen.)
    const panelTopAfterScroll = await page.evaluate(() => {
      const lines = document.querySelector<HTMLElement>('.task-panel')!;
      lines.style.minHeight = '2000px';
      window.scrollTo(0, 400);
      const top = document.querySelector('.subject-panel')!.getBoundingClientRect().top;
      const scrolled = window.scrollY;
      lines.style.minHeight = '';
      window.scrollTo(0, 0);
      return scrolled === 400 ? Math.round(top) : Number.NaN;
    });
    expect(panelTopAfterScroll).toBeGreaterThanOrEqual(0);

    // Back to the line and transcribe it.
    await tabTo(page, '.transcription-lines input');
    await page.keyboard.type('Dear Sir, I write to you from Leeds');
    expect(await page.getByTestId('image-viewer').getAttribute('data-rotation')).toBe('90'); // "r" typed, not rotated
    await page.keyboard.press('Enter');
    await page.keyboard.type('this day');

    // The service answered info.json and tiles in the Image API 3 form (size w, or w,h; never "full" for level 0 tiles).
    expect(iiif.requests).toContain('/iiif/page1/info.json');
    const tiles = iiif.requests.filter((path) => /^\/iiif\/page1\/[^/]+\/[^/]+\/0\/default\.(jpg|png)$/.test(path));
    expect(tiles.length).toBeGreaterThan(0);

    expect(await seriousViolations(page)).toEqual([]);
    await page.waitForTimeout(300); // let the last tiles draw
    await screenshots(page, 'iiif-viewer');

    await page.keyboard.press('Control+Enter');
    let rows: { annotations: unknown }[] = [];
    for (const until = Date.now() + 30_000; Date.now() < until && rows.length === 0; ) {
      rows = (await suite.stack.db.query<{ annotations: unknown }>('SELECT annotations FROM classifications WHERE workflow_id = $1', [workflow.id])).rows;
      if (rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    rows = (await suite.stack.db.query<{ annotations: unknown }>('SELECT annotations FROM classifications WHERE workflow_id = $1', [workflow.id])).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.annotations).toEqual([{ task: 'T0', value: 'Dear Sir, I write to you from Leeds\nthis day' }]);
    // The recent list names the page by its label, and shows the transcription's lines as they were given.
    const recent = page.getByTestId('recent');
    await recent.locator('summary').click();
    await waitToSee(recent.locator('li.recent-item'));
    expect(await recent.locator('.recent-subject span').textContent()).toBe('f. 1r');
    // biome-ignore lint/performance/useDomNodeTextContent: innerText is the text as rendered, where collapsed line breaks would be spaces
    expect(await recent.locator('.recent-answers dd').innerText()).toBe('Dear Sir, I write to you from Leeds\nthis day');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says after an answer which page comes next by its title, from a spreadsheet’s “Title” column, not by its place in the session (tester 21b F7)', async () => {
    const letter = (n: number) => ({ externalId: `letter-${n}`, locations: [{ type: 'image' as const, url: `${iiif.base}/iiif/page1/full/max/0/default.png` }], metadata: { Title: `Letter ${n}, page 1` } });
    const { page } = await openWorkflow(suite, 'Letters', [letter(1), letter(2)], {
      name: 'Dated?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Is the letter dated?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    });
    await waitForTask(page, 'single');
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const first = (await page.getByTestId('subject').getByRole('heading').first().textContent()) ?? '';
    expect(first).toMatch(/^Subject 1 of this session: Letter [12], page 1$/);
    await answerByKey(page);
    const next = first.endsWith('Letter 1, page 1') ? 'Letter 2, page 1' : 'Letter 1, page 1';
    await waitToSee(page.getByTestId('announcer').getByText(`Classification submitted. Next: ${next}.`));
    expect(await page.getByTestId('subject').getByRole('heading').first().textContent()).toBe(`Subject 2 of this session: ${next}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('heads a page with no title by its place in the session and its image’s description, as the announcement names it (tester 23 F8, 26 F11)', async () => {
    const letter = (n: number) => ({ externalId: `letter-${n}`, locations: [{ type: 'image' as const, url: `${iiif.base}/iiif/page1/full/max/0/default.png`, alt: `Letter ${n}, page 3, handwritten` }], metadata: {} });
    const { page } = await openWorkflow(suite, 'Described letters', [letter(1), letter(2)], {
      name: 'Dated?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Is the letter dated?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    });
    await waitForTask(page, 'single');
    const first = (await page.getByTestId('subject').getByRole('heading').first().textContent()) ?? '';
    expect(first).toMatch(/^Subject 1 of this session: Letter [12], page 3, handwritten$/);
    await answerByKey(page);
    const next = first.includes('Letter 1') ? 'Letter 2, page 3, handwritten' : 'Letter 1, page 3, handwritten';
    await waitToSee(page.getByTestId('announcer').getByText(`Classification submitted. Next: ${next}.`));
    expect(await page.getByTestId('subject').getByRole('heading').first().textContent()).toBe(`Subject 2 of this session: ${next}`);
    await page.close();
  });

  it.each([
    ['image', '/iiif/page1/full/max/0/default.png', 'image-viewer'],
    ['audio', '/audio/tone.wav', 'audio-player'],
  ] as const)('says an %s that failed offline waits for the connection, not a report, and loads it once the connection is back, telling researchers nothing of it (tester 23 F3)', async (type, path, testId) => {
    // Each subject its own address (the query), so that the next one is not in the browser's cache.
    const subject = (n: number): SubjectInput => ({ externalId: `${type}-${n}`, locations: [{ type, url: `${iiif.base}${path}?subject=${n}` }], metadata: {} });
    // A volunteer saving data: the next image is not fetched while the first is on screen, so it fails offline as a
    // recording, never fetched ahead, does.
    const savingData = await suite.context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'connection', { get: () => ({ saveData: true }) }));
    const { page, workflow } = await openWorkflow(suite, `Offline ${type}`, [subject(1), subject(2)], ANY_GOOD);
    await savingData.dispose();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const medium = page.getByTestId(testId);
    await waitForTask(page, 'single');
    try {
      await suite.context.setOffline(true);
      await answerByKey(page);
      await waitToSee(medium.and(page.locator('[data-status="failed"]')), { timeout: 20_000 });
      expect(await medium.getByTestId('media-offline').textContent()).toContain('The connection is lost: it will be tried again when the connection is back.');
      expect(await page.getByTestId('report-media-failed').count()).toBe(0);
    } finally {
      await suite.context.setOffline(false);
    }
    // Back online: tried again, and it loads; the failure and its report button go.
    if (type === 'image') await waitToSee(medium.and(page.locator('[data-status="ready"]')), { timeout: 20_000 });
    else await page.waitForFunction(() => (document.querySelector<HTMLAudioElement>('[data-testid="audio-player"] audio')?.readyState ?? 0) >= 1, null, { timeout: 20_000 });
    expect(await medium.getAttribute('data-status')).toBe('ready');
    expect(await page.getByTestId('media-offline').count()).toBe(0);
    expect(await page.getByTestId('report-media-failed').count()).toBe(0);
    // A load that failed for want of a connection is not told to researchers, even once the page waited its two seconds.
    await page.waitForTimeout(2_500);
    expect((await suite.stack.db.query('SELECT 1 FROM media_failures WHERE workflow_id = $1', [workflow.id])).rows).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says a IIIF image whose tiles fail offline waits for the connection, and loads it once the connection is back, though its info.json was fetched ahead', async () => {
    const run = Date.now();
    const letter = (n: number): SubjectInput => iiifSubject(`letter-${n}`, `offline-${run}-${n}`, `Letter ${n}`);
    // The next image's info.json comes ahead, its tiles do not (the connection dropped as they were asked for, and is
    // lost until the end). Whichever subject comes first, its own tiles come.
    const tiles = (url: URL) => url.pathname.startsWith(`/iiif/offline-${run}-`) && !url.pathname.endsWith('/info.json');
    let shownFirst = (_image: string) => {};
    const first = new Promise<string>((resolve) => (shownFirst = resolve));
    let refused = 0;
    await suite.context.route(tiles, async (route) => {
      if (new URL(route.request().url()).pathname.startsWith(`/iiif/offline-${run}-${await first}/`)) return route.continue();
      refused += 1;
      return route.abort('internetdisconnected');
    });
    try {
      const { page } = await openWorkflow(suite, 'Offline tiles', [letter(1), letter(2)], ANY_GOOD);
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const medium = page.getByTestId('image-viewer');
      shownFirst(/Letter (\d)/.exec((await medium.getAttribute('aria-label')) ?? '')?.[1] ?? '');
      await waitToSee(medium.and(page.locator('[data-status="ready"][data-tiles="drawn"]')));
      const next = (await first) === '1' ? '2' : '1';
      await until(async () => iiif.requests.includes(`/iiif/offline-${run}-${next}/info.json`) && refused > 0, 'the next image’s info.json fetched ahead, not its tiles', 10_000);
      await suite.context.setOffline(true);
      await answerByKey(page);
      await waitToSee(page.getByTestId('subject').getByRole('heading').first().getByText('Subject 2 of this session'));
      await waitToSee(medium.and(page.locator('[data-status="failed"]')), { timeout: 20_000 });
      expect(await medium.getByTestId('media-offline').textContent()).toContain('The connection is lost: it will be tried again when the connection is back.');
      await suite.context.unroute(tiles);
      await suite.context.setOffline(false);
      await waitToSee(medium.and(page.locator('[data-status="ready"][data-tiles="drawn"]')), { timeout: 20_000 });
      expect(await page.getByTestId('media-offline').count()).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await suite.context.unroute(tiles);
      await suite.context.setOffline(false);
    }
  });

  it('keeps an image drawn whole once, and its zoom, when tiles of a closer view fail offline, and loads them once the connection is back without opening it again', async () => {
    const image = `zoom-offline-${Date.now()}`;
    const { page } = await openWorkflow(
      suite,
      'Zoom offline',
      [iiifSubject(image, image)],
      ANY_GOOD,
    );
    // Without animation, the view is still once its tiles were tried: no later frame of a zoom asks for them again.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.reload();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const medium = page.getByTestId('image-viewer');
    await waitToSee(medium.and(page.locator('[data-status="ready"][data-tiles="drawn"]')));
    // Full-size tiles (…/x,y,256,256/256,/…: the region as wide as its size): the view as it opens needs none.
    const fullSize = () => iiif.requests.filter((path) => new RegExp(`^/iiif/${image}/\\d+,\\d+,(\\d+),\\d+/\\1,`).test(path));
    expect(fullSize()).toEqual([]);
    try {
      await suite.context.setOffline(true);
      await page.keyboard.press('Alt+Equal');
      await page.keyboard.press('Alt+Equal');
      await page.keyboard.press('r');
      await waitToSee(medium.and(page.locator('[data-tiles="missing"][data-rotation="90"]')));
      const view = { zoom: await medium.getAttribute('data-zoom'), rotation: '90' };
      expect(Number(view.zoom)).toBeGreaterThan(200);
      // Still the image the volunteer works on, blurry where the tiles are missing: not said lost with the connection.
      expect(await medium.getAttribute('data-status')).toBe('ready');
      expect(await page.getByTestId('media-offline').count()).toBe(0);
      await suite.context.setOffline(false);
      await waitToSee(medium.and(page.locator('[data-tiles="drawn"]')), { timeout: 20_000 });
      expect(fullSize().length).toBeGreaterThan(0);
      expect({ zoom: await medium.getAttribute('data-zoom'), rotation: await medium.getAttribute('data-rotation') }).toEqual(view);
      expect(await medium.getAttribute('data-status')).toBe('ready');
    } finally {
      await suite.context.setOffline(false);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  describe('on a still clock', () => {
    /**
     * A browser for these tests alone, without animation (a zoom is one step), whose clock stands still in each test: it moves
     * only as the test moves it (`runUntil`), so that a retry comes when the test says however slow the machine, and no
     * test of another browser gets that clock.
     */
    let device: Awaited<ReturnType<typeof launchBrowser>> | undefined;
    beforeAll(async () => {
      device = await launchBrowser({ reducedMotion: 'reduce' });
      await device.context.clock.install();
    });
    // What a test before left (even one failing part-way, or this test's try before): its pages, the connection lost,
    // the clock still. Here rather than after it, where its pages would close before they are printed.
    beforeEach(async () => {
      const context = device!.context;
      await Promise.all(context.pages().map((page) => page.close()));
      await context.setOffline(false);
      await context.clock.resume();
    });
    afterAll(async () => {
      await device?.close();
    });

    /** `steps` on a workflow of `image` opened in that browser, its clock still from before it opens (its tiles may come quickly from this browser's cache). */
    const withClockStill = async (title: string, image: string, steps: (opened: { page: Page; medium: Locator; context: BrowserContext }) => Promise<void>) => {
      const { context } = device!;
      const origin = await context.newPage();
      await origin.goto(`${suite.stack.baseUrl}/api/v1/health`);
      await pauseClock(origin);
      const { page } = await openWorkflow({ stack: suite.stack, context }, title, [iiifSubject(image, image)], ANY_GOOD);
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await steps({ page, medium: page.getByTestId('image-viewer'), context });
      expect(await page.getByTestId('image-viewer').getAttribute('data-status')).toBe('ready');
      expect(errors).toEqual([]);
    };
    /** Moves a still clock on `step` ms at a time (a tenth of a second unless told) until `done`: at most `ms` of the page's time. */
    const runUntil = async (page: Page, what: string, done: () => Promise<boolean>, ms = 30_000, step = 100) => {
      for (let ran = 0; !(await done()); ran += step) {
        if (ran >= ms) throw new Error(`${what}: not so after ${ms} ms of the page's time`);
        await page.clock.runFor(step);
      }
    };
    /** The tiles of `image` asked for so far, and how often each was. */
    const tilesAsked = (image: string) => {
      const counts = new Map<string, number>();
      for (const path of iiif.requests) if (path.startsWith(`/iiif/${image}/`) && !path.endsWith('/info.json')) counts.set(path, (counts.get(path) ?? 0) + 1);
      return counts;
    };
    /** Whether every tile of `image` asked for since `before` (the tiles asked for then) was asked for `times` times. */
    const newTilesAsked = (image: string, before: Set<string>, times: number) => {
      const since = [...tilesAsked(image)].filter(([path]) => !before.has(path));
      return since.length > 0 && since.every(([, count]) => count === times);
    };
    const tilesSay = async (page: Page, state: string) => (await page.getByTestId('image-viewer').getAttribute('data-tiles')) === state;
    /** The opening view of `image` drawn, then its tile server down: zoomed in, the closer view's tiles run out of tries. Answers the opening view's tiles. */
    const closerViewOutOfTries = async (page: Page, image: string) => {
      await runUntil(page, 'the opening view drawn', () => tilesSay(page, 'drawn'));
      const opening = new Set(tilesAsked(image).keys());
      iiif.down.add(image);
      await page.keyboard.press('Alt+Equal');
      await page.keyboard.press('Alt+Equal');
      await runUntil(page, 'the closer view’s tiles out of tries', async () => newTilesAsked(image, opening, 1 + TILE_TRIES) && (await tilesSay(page, 'missing')));
      return opening;
    };

    /** The tiles of `image` the server refused and nobody asked for again yet (a `tiles-busy-once-` image's asked once). */
    const refusedTiles = (image: string) => [...tilesAsked(image)].filter(([, count]) => count === 1).map(([path]) => path);
    /** Once the viewer has asked again for every tile of `image` that was refused (all of them in view: no animation), and drawn them all. */
    const drawnAfterRefusals = async (page: Page, image: string, what: string) => {
      await runUntil(page, `${what}: tiles refused`, async () => refusedTiles(image).length > 0);
      await runUntil(page, `${what}: every refused tile asked for again`, async () => refusedTiles(image).length === 0).catch((error: Error) => {
        throw new Error(`${error.message}; not yet: ${refusedTiles(image).join(', ')}`);
      });
      await runUntil(page, `${what}: drawn`, () => tilesSay(page, 'drawn'));
    };

    it('asks again a moment later for tiles a busy server failed online, as the image opens and in a closer view, without opening it again', async () => {
      const image = `tiles-busy-once-${Date.now()}`;
      await withClockStill('Busy tiles', image, async ({ page, medium }) => {
        await drawnAfterRefusals(page, image, 'the opening view');
        await page.keyboard.press('Alt+Equal');
        await page.keyboard.press('Alt+Equal');
        await drawnAfterRefusals(page, image, 'the closer view');
        expect(Number(await medium.getAttribute('data-zoom'))).toBeGreaterThan(200);
        expect(iiif.requests.filter((path) => path === `/iiif/${image}/info.json`)).toHaveLength(1);
      });
    });

    it('says the view drawn when tiles it asks for again are no longer in view: zoomed out before the retry', async () => {
      await withClockStill('Busy zoomed out', `tiles-busy-once-${Date.now()}`, async ({ page, medium }) => {
        await runUntil(page, 'the opening view drawn', () => tilesSay(page, 'drawn'));
        await page.keyboard.press('Alt+Equal');
        await page.keyboard.press('Alt+Equal');
        await runUntil(page, 'tiles of the closer view refused', () => tilesSay(page, 'missing'));
        await page.keyboard.press('Alt+Minus');
        await page.keyboard.press('Alt+Minus');
        await runUntil(page, 'zoomed out', async () => (await medium.getAttribute('data-zoom')) === '100');
        await page.clock.runFor(TILE_RETRY_MS); // the closer view's tiles asked for again: none is in view
        await runUntil(page, 'the view said drawn', () => tilesSay(page, 'drawn'), 5_000);
      });
    });

    it('says the view drawn once back out of a closer one whose tiles ran out of tries, missing again back in it, and asks for them again once the connection is back, though out of view then', async () => {
      const image = `closer-out-of-tries-${Date.now()}`;
      await withClockStill('Out of tries, zoomed out', image, async ({ page, medium, context }) => {
        const opening = await closerViewOutOfTries(page, image);
        const zoomOut = async () => {
          await page.keyboard.press('Alt+Minus');
          await page.keyboard.press('Alt+Minus');
          await runUntil(page, 'zoomed out', async () => (await medium.getAttribute('data-zoom')) === '100', 1_000);
          await runUntil(page, 'the opening view said drawn', () => tilesSay(page, 'drawn'), 1_000);
        };
        await zoomOut();
        await page.keyboard.press('Alt+Equal');
        await page.keyboard.press('Alt+Equal');
        await runUntil(page, 'the closer view said missing again', () => tilesSay(page, 'missing'), 1_000);
        // Zoomed out, the connection lost and back, the tile server with it: back in, the closer view's tiles come.
        await zoomOut();
        await context.setOffline(true);
        iiif.down.delete(image);
        await context.setOffline(false);
        await page.keyboard.press('Alt+Equal');
        await page.keyboard.press('Alt+Equal');
        await runUntil(page, 'the closer view drawn', async () => newTilesAsked(image, opening, 2 + TILE_TRIES) && (await tilesSay(page, 'drawn')), 5_000);
      });
    });

    it('asks again for tiles refused once out of view, the view loaded whole by then, as they come back in view: not left blank', async () => {
      const image = `tiles-busy-once-${Date.now()}`;
      await withClockStill('Busy, answered late', image, async ({ page, medium }) => {
        await runUntil(page, 'the opening view drawn', () => tilesSay(page, 'drawn'));
        const opening = new Set(tilesAsked(image).keys());
        // A slow server: the closer view's tiles are all asked for, then refused only once the opening view is back, whole.
        const ofImage = (request: Request) => request.url().startsWith(`${iiif.base}/iiif/${image}/`);
        let closer = 0;
        let refused = 0;
        page.on('request', (request) => {
          if (ofImage(request)) closer += 1;
        });
        page.on('requestfinished', async (request) => {
          if (ofImage(request) && (await request.response())?.status() === 503) refused += 1;
        });
        iiif.holding.add(image);
        await page.keyboard.press('Alt+Equal');
        await page.keyboard.press('Alt+Equal');
        // Every one asked for by the page: as many a second later (the browser sends a server a few at a time).
        let asked = 0;
        await runUntil(page, 'every tile of the closer view asked for', async () => {
          const before = asked;
          asked = closer;
          return asked > 0 && asked === before;
        }, 30_000, 1_000);
        await page.keyboard.press('Alt+Minus');
        await page.keyboard.press('Alt+Minus');
        await page.clock.runFor(1_000); // the opening view walked again: loaded whole
        expect(await medium.getAttribute('data-zoom')).toBe('100');
        iiif.holding.delete(image);
        iiif.answerHeld();
        await until(async () => refused === closer, 'the closer view’s tiles refused');
        await page.clock.runFor(100);
        await page.keyboard.press('Alt+Equal');
        await page.keyboard.press('Alt+Equal');
        await runUntil(page, 'the closer view drawn', async () => newTilesAsked(image, opening, 2) && (await tilesSay(page, 'drawn')), 10_000);
      });
    });

    it('asks again for tiles of a closer view after those of the view before ran out of tries', async () => {
      const image = `tiles-down-${Date.now()}`;
      await withClockStill('Tiles down, closer', image, async ({ page }) => {
        await runUntil(page, 'the opening view’s tiles out of tries', async () => newTilesAsked(image, new Set(), 1 + TILE_TRIES) && (await tilesSay(page, 'missing')));
        const opening = new Set(tilesAsked(image).keys());
        await page.keyboard.press('Alt+Equal');
        await page.keyboard.press('Alt+Equal');
        await runUntil(page, 'the closer view’s tiles asked for again as often', async () => newTilesAsked(image, opening, 1 + TILE_TRIES));
        await page.clock.runFor(2 * TILE_RETRY_MS * 2 ** TILE_TRIES);
        expect([...tilesAsked(image).values()].every((count) => count === 1 + TILE_TRIES)).toBe(true);
      });
    });

    it('keeps asking again for the tiles in view when those that failed least often are out of view', async () => {
      const image = `closer-down-${Date.now()}`;
      await withClockStill('Closer down', image, async ({ page, medium }) => {
        await runUntil(page, 'the opening view drawn', () => tilesSay(page, 'drawn'));
        const opening = new Set(tilesAsked(image).keys());
        // The tile server down: at 225%, the tiles fail, and once more a second later.
        iiif.down.add(image);
        await page.keyboard.press('Alt+Equal');
        await page.keyboard.press('Alt+Equal');
        await runUntil(page, 'the closer view’s tiles refused', async () => newTilesAsked(image, opening, 1) && (await tilesSay(page, 'missing')));
        const closer = new Set([...tilesAsked(image).keys()].filter((path) => !opening.has(path)));
        await page.clock.runFor(TILE_RETRY_MS);
        await runUntil(page, 'the closer view’s tiles refused again', async () => newTilesAsked(image, opening, 2) && (await tilesSay(page, 'missing')), 1_000);
        // At 150% before their next try, fresh tiles fail: theirs comes first, and they are out of view by then.
        await page.keyboard.press('Alt+Minus');
        const seen = new Set(tilesAsked(image).keys());
        await runUntil(page, 'the 150% view’s tiles refused', async () => newTilesAsked(image, seen, 1) && (await tilesSay(page, 'missing')), 1_000);
        await page.keyboard.press('Alt+Equal');
        await runUntil(page, 'back at 225%', async () => (await medium.getAttribute('data-zoom')) === '225', 1_000);
        await runUntil(page, 'the closer view’s tiles out of tries', async () => [...closer].every((path) => tilesAsked(image).get(path) === 1 + TILE_TRIES));
      });
    });

    it('asks again a moment later for tiles a busy server fails as the connection comes back, though they ran out of tries before, the view as it was', async () => {
      const image = `tiles-busy-once-${Date.now()}`;
      await withClockStill('Busy after offline', image, async ({ page, medium, context }) => {
        const opening = await closerViewOutOfTries(page, image);
        const zoom = await medium.getAttribute('data-zoom');
        // Back, but busy: as the connection comes back, it refuses each tile once more, then serves it.
        await context.setOffline(true);
        iiif.down.delete(image);
        iiif.busyAgain(image);
        await context.setOffline(false);
        await runUntil(page, 'the closer view drawn', async () => newTilesAsked(image, opening, 3 + TILE_TRIES) && (await tilesSay(page, 'drawn')));
        expect(await medium.getAttribute('data-zoom')).toBe(zoom);
      });
    });

    it('asks a tile server that keeps failing again a few times only, each later than the one before', async () => {
      const image = `tiles-down-${Date.now()}`;
      await withClockStill('Tiles down', image, async ({ page }) => {
        const most = () => Math.max(0, ...tilesAsked(image).values());
        await runUntil(page, 'the first tiles asked for', async () => most() === 1);
        // A millisecond at a time: the moment the view is said missing is the one its retry is counted from.
        await runUntil(page, 'the first tiles refused', () => tilesSay(page, 'missing'), 1_000, 1);
        for (let retry = 0; retry < TILE_TRIES; retry += 1) {
          // Each retry waits twice as long as the one before, from the view said missing: none at nine tenths of its
          // wait (more than all of the one before), one by a tenth past it (a refusal arrives in real time, so the page
          // may say missing a little before the test sees it).
          const wait = TILE_RETRY_MS * 2 ** retry;
          await page.clock.runFor(wait * 0.9);
          expect(most()).toBe(1 + retry);
          await page.clock.runFor(wait * 0.2);
          await until(async () => most() === 2 + retry, `retry ${retry + 1}`);
          await runUntil(page, `retry ${retry + 1} refused`, () => tilesSay(page, 'missing'), 1_000, 1);
        }
        // No try after the last: none in twice the time the next would have waited.
        await page.clock.runFor(2 * TILE_RETRY_MS * 2 ** TILE_TRIES);
        expect(most()).toBe(1 + TILE_TRIES);
      });
    });
  });

  it('fetches the tiles of a IIIF image ahead once a viewer shows, when its info.json came while none did', async () => {
    const run = Date.now();
    const letter = (n: number): SubjectInput => iiifSubject(`letter-${n}`, `later-${run}-${n}`);
    // A recording first: no viewer to size the next images' tiles by.
    const { page } = await openWorkflow(suite, 'Tiles later', [{ externalId: 'dawn', locations: [{ type: 'audio', url: `${iiif.base}/audio/tone.wav` }], metadata: {} }, letter(2), letter(3)], {
      ...ANY_GOOD,
      selection: { order: 'sequential', goldStandardRate: 0 },
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const tilesOf = (n: number) => iiif.requests.filter((path) => path.startsWith(`/iiif/later-${run}-${n}/`) && !path.endsWith('/info.json'));
    await waitToSee(page.getByTestId('audio-player'));
    await until(async () => [2, 3].every((n) => iiif.requests.includes(`/iiif/later-${run}-${n}/info.json`)), 'the next images’ info.json fetched ahead', 10_000);
    expect(tilesOf(3)).toEqual([]);
    await answerByKey(page);
    await waitToSee(page.getByTestId('subject').getByRole('heading').first().getByText('Subject 2 of this session'));
    await waitToSee(page.getByTestId('image-viewer'));
    // The third's tiles, fetched ahead at the size of the viewer now on screen.
    await until(async () => tilesOf(3).length > 0, 'the third image’s tiles fetched ahead', 10_000);
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each([
    ['an info.json', 'shared'],
    ['a page that is not JSON', 'not-json'],
  ])('asks a IIIF service its subjects share for its info.json once a page, when it answers %s', async (_answer, kind) => {
    const service = `${iiif.base}/iiif/${kind}-${Date.now()}`;
    const page = (n: number): SubjectInput => ({ externalId: `page-${n}`, locations: [{ type: 'image', url: `${iiif.base}/iiif/page1/full/max/0/default.png?page=${n}`, iiifService: service }], metadata: {} });
    const { page: tab } = await openWorkflow(suite, `One info.json ${kind}`, [1, 2, 3].map(page), ANY_GOOD);
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    const medium = tab.getByTestId('image-viewer');
    const heading = tab.getByTestId('subject').getByRole('heading').first();
    for (const position of [1, 2, 3]) {
      if (position > 1) await answerByKey(tab);
      await waitToSee(heading.getByText(`Subject ${position} of this session`));
      await waitToSee(medium.and(tab.locator('[data-status="ready"]')));
    }
    // The viewer and the fetch ahead at once, then each subject: one request.
    expect(iiif.requests.filter((path) => `${iiif.base}${path}` === `${service}/info.json`)).toHaveLength(1);
    expect(errors).toEqual([]);
    await tab.close();
  });

  it('fetches the images of the next two subjects while one is on screen, so that the next shows at once, even once the connection is lost (F9)', async () => {
    const subject = (n: number): SubjectInput => ({ externalId: `ahead-${n}`, locations: [{ type: 'image', url: `${iiif.base}/iiif/page1/full/max/0/default.png?ahead=${n}` }], metadata: {} });
    const { page } = await openWorkflow(suite, 'Ahead', [1, 2, 3, 4].map(subject), ANY_GOOD);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const medium = page.getByTestId('image-viewer');
    await waitToSee(medium.and(page.locator('[data-status="ready"]')));
    const fetched = () => new Set(iiif.asked.filter((url) => url.includes('?ahead=')));
    // The one on screen and the next two, before any answer; not the fourth.
    await until(async () => fetched().size === 3, 'the next two subjects’ images fetched', 10_000);
    const heading = page.getByTestId('subject').getByRole('heading').first();
    try {
      await suite.context.setOffline(true);
      for (const position of [2, 3]) {
        await answerByKey(page);
        await waitToSee(heading.getByText(`Subject ${position} of this session`));
        await waitToSee(medium.and(page.locator('[data-status="ready"]')));
      }
      expect(fetched().size).toBe(3);
    } finally {
      await suite.context.setOffline(false);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fetches the info.json and first tiles of the next two subjects’ IIIF images while one is on screen, so that the next shows whole at once, even once the connection is lost', async () => {
    // Images named for this run: a retry asks the service for others.
    const run = Date.now();
    const subject = (n: number): SubjectInput => iiifSubject(`tiled-${n}`, `tiled-${run}-${n}`);
    const { page } = await openWorkflow(suite, 'Tiled ahead', [1, 2, 3, 4].map(subject), ANY_GOOD);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const medium = page.getByTestId('image-viewer');
    const shown = medium.and(page.locator('[data-status="ready"]:not([data-tiles="loading"])'));
    await waitToSee(shown);
    const imageOf = (path: string) => new RegExp(`^/iiif/(tiled-${run}-\\d)/`).exec(path)?.[1];
    const images = () => new Set(iiif.requests.map(imageOf).filter(Boolean));
    const tilesOf = (image: string) => iiif.requests.filter((path) => imageOf(path) === image && !path.endsWith('/info.json'));
    // The browser has the answers (not only the server the requests) of every tile asked for.
    const received = (image: string) =>
      page.evaluate((name) => performance.getEntriesByType('resource').filter((entry) => entry.name.includes(`/iiif/${name}/`) && !entry.name.endsWith('/info.json')).length, image);
    // The one on screen and the next two, before any answer, each its info.json and tiles.
    await until(
      async () => {
        const asked = [...images()] as string[];
        if (asked.length < 3 || !asked.every((image) => iiif.requests.includes(`/iiif/${image}/info.json`) && tilesOf(image).length > 0)) return false;
        for (const image of asked) if ((await received(image)) < new Set(tilesOf(image)).size) return false;
        return true;
      },
      'the next two subjects’ info.json and tiles fetched',
      10_000,
    );
    // Not the fourth: its info.json would have been asked for with the others', before their tiles came.
    expect(images().size).toBe(3);
    const heading = page.getByTestId('subject').getByRole('heading').first();
    try {
      await suite.context.setOffline(true);
      for (const position of [2, 3]) {
        await answerByKey(page);
        await waitToSee(heading.getByText(`Subject ${position} of this session`));
        await waitToSee(shown);
        // Every tile the view needs was drawn: none failed offline.
        expect(await medium.getAttribute('data-tiles')).toBe('drawn');
      }
      // The fourth was not fetched ahead: offline, it cannot be shown, and says so; it loads once the connection is back.
      await answerByKey(page);
      await waitToSee(heading.getByText('Subject 4 of this session'));
      await waitToSee(medium.and(page.locator('[data-status="failed"]')));
      expect(await medium.getByTestId('media-offline').count()).toBe(1);
    } finally {
      await suite.context.setOffline(false);
    }
    await waitToSee(shown.and(page.locator('[data-tiles="drawn"]')));
    expect(images().size).toBe(4);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fetches a IIIF image ahead again for a later subject when its service answered an error the first time', async () => {
    const run = Date.now();
    const letter = (n: number): SubjectInput => iiifSubject(`busy-${n}`, `busy-once-${run}-${n}`);
    const { page } = await openWorkflow(suite, 'Busy service', [1, 2, 3, 4].map(letter), { ...ANY_GOOD, selection: { order: 'sequential', goldStandardRate: 0 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const medium = page.getByTestId('image-viewer');
    const shown = medium.and(page.locator('[data-status="ready"]:not([data-tiles="loading"])'));
    const heading = page.getByTestId('subject').getByRole('heading').first();
    const third = `/iiif/busy-once-${run}-3/`;
    const infoAsked = () => iiif.requests.filter((path) => path === `${third}info.json`).length;
    // The third's service answers its first request, fetched ahead while the first subject is on screen, with 503.
    await waitToSee(shown);
    await until(async () => infoAsked() === 1, 'the third subject’s info.json asked for ahead', 10_000);
    await answerByKey(page);
    await waitToSee(heading.getByText('Subject 2 of this session'));
    // Still ahead: asked again, and its tiles fetched.
    const tilesReceived = () =>
      page.evaluate((path) => performance.getEntriesByType('resource').filter((entry) => entry.name.includes(path) && !entry.name.endsWith('/info.json')).length, third);
    await until(async () => infoAsked() === 2 && (await tilesReceived()) > 0, 'the third subject’s image fetched ahead again', 10_000);
    await until(async () => (await tilesReceived()) === new Set(iiif.requests.filter((path) => path.startsWith(third) && !path.endsWith('/info.json'))).size, 'its tiles received', 10_000);
    try {
      await suite.context.setOffline(true);
      await answerByKey(page);
      await waitToSee(heading.getByText('Subject 3 of this session'));
      await waitToSee(shown);
      expect(await medium.getAttribute('data-tiles')).toBe('drawn');
    } finally {
      await suite.context.setOffline(false);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps the page and the line being typed in view together on a phone, the lines scrolling under the page', async () => {
    const { page } = await openWorkflow(
      suite,
      'Phone',
      [{ externalId: 'letter', locations: [{ type: 'image', url: `${iiif.base}/iiif/page1/full/max/0/default.png`, iiifService: `${iiif.base}/iiif/page1` }], metadata: { writer: 'A. Smith' } }],
      { name: 'Transcribe on the go', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Transcribe the letter, line by line.' } } },
      PHONE_WINDOW,
    );
    await waitForTask(page, 'transcription');
    await waitForFocus(page, '.transcription-lines input');
    // Without a description (alt) or a title, the image is not named by the researchers' id (letter): it means nothing to a volunteer.
    expect(await page.getByRole('figure', { name: 'Subject image', exact: true }).count()).toBe(1);
    for (let line = 1; line <= 16; line += 1) {
      await page.keyboard.type(`line ${line} of the letter`);
      if (line < 16) await page.keyboard.press('Enter');
    }
    const inView = () =>
      page.evaluate(() => {
        const image = document.querySelector('.viewer-canvas')!.getBoundingClientRect();
        const panel = document.querySelector('.subject-panel')!.getBoundingClientRect();
        const line = document.activeElement!.getBoundingClientRect();
        return { scrolled: window.scrollY > 0, imageTop: Math.round(image.top), imageBottom: Math.round(image.bottom), panelBottom: Math.round(panel.bottom), lineTop: Math.round(line.top), lineBottom: Math.round(line.bottom) };
      });
    const typing = await inView();
    expect(typing.scrolled).toBe(true); // 16 lines do not fit under the page: they scrolled, the page did not
    expect(typing.imageTop).toBeGreaterThanOrEqual(0);
    expect(typing.imageBottom - typing.imageTop).toBeGreaterThan(150);
    expect(typing.lineTop).toBeGreaterThanOrEqual(typing.panelBottom); // not under the page
    expect(typing.lineBottom).toBeLessThanOrEqual(740);
    // Back up to the first line: it comes into view below the page too.
    for (let line = 16; line > 1; line -= 1) await page.keyboard.press('ArrowUp');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('line 1 of the letter');
    const first = await inView();
    expect(first.imageTop).toBeGreaterThanOrEqual(0);
    expect(first.lineTop).toBeGreaterThanOrEqual(first.panelBottom);
    expect(first.lineBottom).toBeLessThanOrEqual(740);
    // The image's controls, on screen above the lines, take focus without moving the page; they take one row.
    for (let line = 1; line < 8; line += 1) await page.keyboard.press('ArrowDown');
    const scrolled = await page.evaluate(() => window.scrollY);
    await page.locator('[data-action="zoomIn"]').focus();
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    expect(await page.locator('.viewer-toolbar').evaluate((bar) => bar.getBoundingClientRect().height)).toBeLessThan(60);
    // Pressed with a finger or the mouse while typing, an image control leaves the line focused (a phone's keyboard stays).
    await page.locator('.transcription-lines input').nth(7).click();
    await page.locator('[data-action="zoomOut"]').click();
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('line 8 of the letter');
    await screenshots(page, 'transcription-phone');
    await page.close();
  });

  /** A postcard: its picture side, then its message side (as a CSV's image_url and image_url_2 give them). */
  const postcard = (externalId: string, sides = ['The picture side', 'The message side']): SubjectInput => ({
    externalId,
    locations: sides.map((alt) => ({ type: 'image' as const, url: `${iiif.base}/iiif/page1/full/max/0/default.png`, iiifService: `${iiif.base}/iiif/page1`, alt })),
    metadata: {},
  });
  const signed = { type: 'single' as const, question: 'Is it signed?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] };

  it('opens each subject on the image its task names (a postcard’s back), on the first where a subject has fewer; a task naming none leaves the page as it is', async () => {
    const { page } = await openWorkflow(suite, 'Postcard backs', [postcard('card-1'), postcard('card-2', ['A card with one side'])], {
      name: 'Messages',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Transcribe the message.', showLocation: 2, next: 'T1' }, T1: signed },
      selection: { order: 'sequential', goldStandardRate: 0 },
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const current = () => page.locator('.page-strip [aria-current="page"]').textContent();
    await waitForTask(page, 'transcription');
    await waitForFocus(page, '.transcription-lines input');
    expect(await current()).toBe('2');
    expect(await page.getByRole('figure', { name: 'Subject, page 2 of 2: The message side' }).count()).toBe(1);
    await page.keyboard.type('Dear Mother,');
    await page.keyboard.press('Control+Enter');
    await waitForTask(page, 'single');
    expect(await current()).toBe('2');
    // Turned to the front, and back to the transcription: it opens on the message side again.
    await page.locator('.page-strip button').first().click();
    expect(await current()).toBe('1');
    await page.getByTestId('back').click();
    await waitForTask(page, 'transcription');
    expect(await current()).toBe('2');
    expect(await page.locator('.transcription-lines input').first().inputValue()).toBe('Dear Mother,');
    await page.keyboard.press('Control+Enter');
    await waitForTask(page, 'single');
    await waitForFocus(page, 'input[type="radio"]');
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    // A card with one side has no second image: it opens on its only one.
    await waitToSee(page.locator('[data-testid="subject"][data-task-type="transcription"]').getByRole('figure', { name: 'Subject image: A card with one side' }), { timeout: 10_000 });
    expect(await page.locator('.page-strip').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps a transcription’s instruction in view on a phone, never under the page, as the task opens and while its first lines are typed', async () => {
    const { page } = await openWorkflow(
      suite,
      'Instruction on a phone',
      [postcard('card')],
      {
        name: 'Messages on the go',
        firstTask: 'T0',
        tasks: {
          T0: { type: 'single', question: 'Is there a message?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
          T1: { type: 'transcription', instruction: 'Transcribe the message on the back of the postcard, line by line, as it is written.' },
        },
      },
      PHONE_WINDOW,
    );
    /** Whether the instruction's first line is on screen and what is drawn there is the instruction, not the page above it. */
    const instructionShown = () =>
      page.locator('.task-transcription .task-question').evaluate((legend) => {
        const words = document.createRange();
        words.selectNodeContents(legend);
        const firstLine = words.getClientRects()[0]!;
        const [x, y] = [firstLine.left + 2, firstLine.top + firstLine.height / 2];
        return y >= 0 && y < window.innerHeight && legend.contains(document.elementFromPoint(x, y));
      });
    /** Whether the line being typed is on screen below the page. */
    const lineShown = () =>
      page.evaluate(() => {
        const line = document.activeElement!.getBoundingClientRect();
        // Rounded: a line scrolled to the screen's edge ends a fraction of a pixel beyond it.
        return Math.round(line.top) >= Math.round(document.querySelector('.subject-panel')!.getBoundingClientRect().bottom) && Math.round(line.bottom) <= window.innerHeight;
      });
    await waitForTask(page, 'single');
    await waitForFocus(page, 'input[type="radio"]');
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await waitForTask(page, 'transcription');
    await waitForFocus(page, '.transcription-lines input');
    expect([await instructionShown(), await lineShown()]).toEqual([true, true]);
    await page.keyboard.type('Dear Mother,');
    await page.keyboard.press('Enter');
    await page.keyboard.type('the weather is fine');
    expect([await instructionShown(), await lineShown()]).toEqual([true, true]);
    // Lines further down scroll under the page as they must; back on the first, the instruction is in view again.
    for (let line = 3; line <= 12; line += 1) {
      await page.keyboard.press('Enter');
      await page.keyboard.type(`line ${line}`);
    }
    expect([await instructionShown(), await lineShown()]).toEqual([false, true]);
    for (let line = 12; line > 1; line -= 1) await page.keyboard.press('ArrowUp');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('Dear Mother,');
    expect([await instructionShown(), await lineShown()]).toEqual([true, true]);
    await page.close();
  });

  it('shows every image control, none cut off, in a window zoomed to 200 % and on a phone: what one row cannot hold comes on asking', async () => {
    const { page } = await openWorkflow(
      suite,
      'Zoomed in',
      [{ externalId: 'letter', locations: [{ type: 'image', url: `${iiif.base}/iiif/page1/full/max/0/default.png`, iiifService: `${iiif.base}/iiif/page1` }], metadata: {} }],
      { name: 'Transcribe zoomed in', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Transcribe the letter.' } } },
    );
    const screen = await page.context().newCDPSession(page);
    const emulate = (width: number, height: number, deviceScaleFactor: number) => screen.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor, mobile: false });
    /** The controls shown (by action; More as "more"), those not wholly inside the toolbar and the screen, and whether anything scrolls sideways. */
    const controls = () =>
      page.locator('.viewer-toolbar').evaluate((bar) => {
        const box = bar.getBoundingClientRect();
        const shown = [...bar.querySelectorAll('button')].filter((button) => button.getClientRects().length > 0);
        const name = (button: HTMLButtonElement) => button.dataset.action ?? (button.classList.contains('viewer-more') ? 'more' : button.outerHTML);
        return {
          shown: shown.map(name),
          cutOff: shown.filter((button) => {
            const { left, right } = button.getBoundingClientRect();
            return left < box.left || right > box.right || right > window.innerWidth;
          }).map(name),
          scrolls: bar.scrollWidth > bar.clientWidth || document.documentElement.scrollWidth > window.innerWidth,
          height: Math.round(box.height),
        };
      });
    const few = ['zoomIn', 'zoomOut', 'rotateLeft', 'rotateRight', 'more'];
    const all = [...few, 'invert', 'darker', 'brighter', 'lessContrast', 'moreContrast', 'reset'];

    // A window 1280 px wide at 200 %: the page beside the lines is narrow, and its controls take one row.
    await emulate(640, 450, 2);
    await waitForTask(page, 'transcription');
    await waitForFocus(page, '.transcription-lines input');
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-status') === 'ready', null, { timeout: 15_000 });
    expect(await controls()).toEqual({ shown: few, cutOff: [], scrolls: false, height: 44 });
    // More, by keyboard from the line, shows the rest, each whole.
    await tabTo(page, '.viewer-more', 30, true);
    expect(await page.locator('.viewer-more').getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('Enter');
    expect(await page.locator('.viewer-more').getAttribute('aria-expanded')).toBe('true');
    expect(await controls()).toMatchObject({ shown: all, cutOff: [], scrolls: false });
    await page.locator('[data-action="moreContrast"]').click();
    expect(await page.locator('.viewer-state').textContent()).toContain('contrast 125%');
    expect(await seriousViolations(page)).toEqual([]);

    // On a phone too; and at 1280 px all the controls are in their rows, with no More.
    await emulate(375, 740, 3);
    expect(await controls()).toMatchObject({ shown: all, cutOff: [], scrolls: false });
    await page.locator('.viewer-more').click();
    expect(await controls()).toEqual({ shown: few, cutOff: [], scrolls: false, height: 44 });
    await emulate(1280, 800, 1);
    expect(await controls()).toMatchObject({ shown: all.filter((action) => action !== 'more'), cutOff: [], scrolls: false });
    await screen.send('Emulation.clearDeviceMetricsOverride');
    await page.close();
  });

  it('reaches the image’s controls before the task by Tab, as they come on screen, at 1280 px and on a phone, their keys unchanged (tester F8)', async () => {
    const image = `${iiif.base}/iiif/page1/full/max/0/default.png`;
    /** The focused control: what it is (an action, a page, the image, an answer, Done), its panel and its box. */
    const focused = (page: Page) =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement;
        const panel = element.closest('.subject-panel') ? 'subject' : element.closest('.task-panel') ? 'task' : 'outside';
        const what =
          element.dataset.action ??
          (element.classList.contains('viewer-more') ? 'more' : element.classList.contains('page-button') ? `page ${element.textContent}` : element.closest('.viewer-canvas') ? 'image' : element.matches('input[type="radio"]') ? 'answer' : element.matches('button[type="submit"]') ? 'done' : element.outerHTML.slice(0, 60));
        const { top, left, bottom } = element.getBoundingClientRect();
        return { what, panel, top: top + scrollY, left, bottom: bottom + scrollY };
      });
    type Focused = Awaited<ReturnType<typeof focused>>;
    /** The subject's and the task's controls in Tab order: Shift+Tab from the task's first control out of the subject, then Tab to Done. */
    async function tabOrder(page: Page): Promise<Focused[]> {
      const before: Focused[] = [];
      for (let step = 0; step < 30; step++) {
        await page.keyboard.press('Shift+Tab');
        const control = await focused(page);
        if (control.panel === 'outside') break;
        before.unshift(control);
      }
      await tabTo(page, '[data-testid="subject"] input[type="radio"]');
      const after = [await focused(page)];
      while (after.at(-1)!.what !== 'done') {
        await page.keyboard.press('Tab');
        after.push(await focused(page));
      }
      return [...before, ...after];
    }
    /** Each control after the one before it as the page reads: further down, or on its row further right; the subject's panel before the task's. */
    const outOfReadingOrder = (controls: Focused[]) =>
      controls.slice(1).filter((control, index) => {
        const previous = controls[index]!;
        if (control.panel !== previous.panel) return previous.panel !== 'subject';
        const sameRow = Math.abs(control.top - previous.top) < 4;
        return sameRow ? control.left <= previous.left : control.top < previous.bottom - 4;
      });
    const few = ['zoomIn', 'zoomOut', 'rotateLeft', 'rotateRight'];
    const colours = ['invert', 'darker', 'brighter', 'lessContrast', 'moreContrast', 'reset'];

    for (const [viewport, controls] of [
      [{ width: 1280, height: 800 }, [...few, ...colours]],
      [PHONE_WINDOW, [...few, 'more']],
    ] as const) {
      const { page } = await openWorkflow(
        suite,
        `Tab order ${viewport.width}`,
        [{ locations: [{ type: 'image', url: image, alt: 'A poster' }, { type: 'image', url: image, alt: 'Its back' }] }],
        { name: 'Ads', firstTask: 'T0', tasks: { T0: { type: 'single', question: 'Is it an advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } } },
        viewport,
      );
      await waitForTask(page, 'single');
      await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
      await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-status') === 'ready', null, { timeout: 15_000 });
      const order = await tabOrder(page);
      expect(order.map((control) => control.what)).toEqual(['page 1', 'page 2', ...controls, 'image', 'answer', 'done']);
      expect(outOfReadingOrder(order)).toEqual([]);

      // The keys work wherever focus is, on the image's controls too: ] turns the page, R rotates, 1 answers.
      await tabTo(page, '[data-action="zoomIn"]', 30, true);
      await page.keyboard.press(']');
      await page.waitForFunction(() => document.querySelector('.page-strip [aria-current="page"]')?.textContent === '2');
      await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-status') === 'ready', null, { timeout: 15_000 });
      await page.keyboard.press('r');
      await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-rotation') === '90');
      await page.keyboard.press('1');
      await page.waitForFunction(() => (document.querySelector('[data-testid="subject"] input[type="radio"][value="yes"]') as HTMLInputElement | null)?.checked === true);
      await page.close();
    }
  });

  it('fits the page again, whole, when a branch into a transcription task narrows its panel', async () => {
    const { page } = await openWorkflow(
      suite,
      'Branch to lines',
      [{ externalId: 'letter', locations: [{ type: 'image', url: `${iiif.base}/iiif/page1/full/max/0/default.png`, iiifService: `${iiif.base}/iiif/page1` }], metadata: {} }],
      {
        name: 'Letter or not',
        firstTask: 'T0',
        tasks: {
          T0: { type: 'single', question: 'Is it a letter?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
          T1: { type: 'transcription', instruction: 'Transcribe it, line by line.' },
        },
      },
      { width: 1280, height: 800 },
    );
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-status') === 'ready', null, { timeout: 15_000 });
    const stageWidth = () => page.locator('.viewer-stage').evaluate((stage) => Math.round(stage.getBoundingClientRect().width));
    const before = await stageWidth();
    expect(await viewerState(page, 'zoom')).toBe('100');
    await waitForTask(page, 'single');
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await waitForTask(page, 'transcription');
    await page.waitForFunction((width) => Math.round(document.querySelector('.viewer-stage')!.getBoundingClientRect().width) !== width, before);
    // OpenSeadragon hears of the new size at its next frame.
    await page.waitForTimeout(300);
    expect(await stageWidth()).toBeLessThan(before);
    expect(await viewerState(page, 'zoom')).toBe('100');
    await page.close();
  });

  it('plays a subject’s recording in the browser’s player, P playing and pausing it from anywhere, and goes on by keyboard', async () => {
    const { page, workflow } = await openWorkflow(
      suite,
      'Bird song',
      [{ externalId: 'dawn-1', locations: [{ type: 'audio', url: `${iiif.base}/audio/tone.wav` }, { type: 'text', text: 'Recorded at dawn, Wytham Woods.' }], metadata: {} }],
      {
        name: 'Which bird?',
        firstTask: 'T0',
        tasks: { T0: { type: 'single', question: 'Is it a blackbird?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      },
    );
    await waitForTask(page, 'single');
    const player = page.getByTestId('audio-player');
    const status = () => player.getAttribute('data-status');
    await page.waitForFunction(() => (document.querySelector<HTMLAudioElement>('[data-testid="audio-player"] audio')?.duration ?? 0) > 0, null, { timeout: 15_000 });
    expect(await player.locator('audio').evaluate((audio) => Math.round((audio as HTMLAudioElement).duration))).toBe(3);
    expect(await page.getByRole('figure', { name: 'Subject, page 1 of 2' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Page 1 of 2, recording' }).count()).toBe(1);
    await page.keyboard.press('p');
    await page.waitForFunction(() => document.querySelector('[data-testid="audio-player"]')?.getAttribute('data-status') === 'playing');
    expect(await player.locator('figcaption').textContent()).toBe('Playing. Press P to pause.');
    await page.keyboard.press('p');
    await page.waitForFunction(() => document.querySelector('[data-testid="audio-player"]')?.getAttribute('data-status') === 'ready');
    expect(await seriousViolations(page)).toEqual([]);
    // Enter on the player is the player's (its own buttons report it as the target): it does not send the answer.
    await page.keyboard.press('1');
    await player.locator('audio').focus();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    expect(await page.getByTestId('subject').count()).toBe(1);
    expect(await status()).not.toBe('failed');
    await page.keyboard.press('Control+Enter');
    await waitToSee(page.getByTestId('finished'));
    const { rows } = await suite.stack.db.query('SELECT annotations FROM classifications WHERE workflow_id = $1', [workflow.id]);
    expect(rows).toEqual([{ annotations: [{ task: 'T0', value: 'yes' }] }]);
    await page.close();
  });

  it('says in its own words when an image cannot be shown, without OpenSeadragon’s raw message', async () => {
    const { page } = await openWorkflow(suite, 'Broken', [{ externalId: 'gone', locations: [{ type: 'image', url: `${iiif.base}/missing.jpg` }], metadata: {} }], {
      name: 'Look',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Anything?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    });
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-status') === 'failed', null, { timeout: 15_000 });
    expect(await page.locator('.viewer-message').textContent()).toBe('This image could not be shown. Open the image Report this subject: the image does not load');
    expect(await page.getByText(/Unable to open/).isVisible().catch(() => false)).toBe(false);
    await page.close();
  });

  it('tells, once per subject and politely, that a subject’s image could not be loaded: not pannable, every control off, the report offered (tester 22 F6)', async () => {
    const yesNo = {
      name: 'Look',
      firstTask: 'T0',
      tasks: { T0: { type: 'single' as const, question: 'Anything?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    };
    const failedName = 'Subject image: A ledger page. The image could not be loaded.';
    await suite.context.route('**/gone/*.png', (route) => route.fulfill({ status: 404, body: '' }));
    // Every time a live region's words change to the failure (or one appears saying it), as a screen reader would hear it.
    await suite.context.addInitScript(() => {
      const heard: string[] = [];
      const last = new WeakMap<Element, string>();
      (window as unknown as { heard: string[] }).heard = heard;
      new MutationObserver(() => {
        for (const region of document.querySelectorAll('[role="status"], [role="alert"], [aria-live]')) {
          const text = region.textContent ?? '';
          if (last.get(region) === text) continue;
          last.set(region, text);
          if (text.includes('could not be shown')) heard.push(`${region.getAttribute('role') ?? ''} ${region.getAttribute('aria-live') ?? ''}: ${text}`);
        }
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    const { page } = await openWorkflow(
      suite,
      'Gone',
      ['1', '2'].map((n) => ({ externalId: `gone-${n}`, locations: [{ type: 'image' as const, url: `${iiif.base}/gone/${n}.png`, alt: 'A ledger page' }], metadata: {} })),
      yesNo,
    );
    const heard = () => page.evaluate(() => (window as unknown as { heard: string[] }).heard);
    const failed = async () => {
      await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-status') === 'failed', null, { timeout: 15_000 });
      expect(await page.getByRole('figure', { name: failedName }).count()).toBe(1);
      expect(await page.getByTestId('image-viewer').getByRole('img').count()).toBe(0);
      expect(await page.getByText(/Arrow keys pan/).count()).toBe(0);
      const controls = page.getByRole('toolbar', { name: 'Image controls' }).getByRole('button');
      expect(await controls.count()).toBeGreaterThanOrEqual(10);
      for (const control of await controls.all()) expect(await control.getAttribute('aria-disabled')).toBe('true');
      expect(await page.getByRole('button', { name: 'Reset the image', disabled: true }).count()).toBe(1);
      expect(await page.getByText(/^Zoom \d+%/).filter({ visible: true }).count()).toBe(0);
      expect(await page.getByTestId('subject').getByRole('alert').count()).toBe(0);
      expect(await page.getByRole('status').filter({ hasText: 'This image could not be shown.' }).count()).toBe(1);
      // Heard once: nothing said again while the volunteer stays on the subject.
      await page.waitForTimeout(500);
    };

    await failed();
    expect(await heard()).toEqual(['status : This image could not be shown. Open the image Report this subject: the image does not load']);
    await tabTo(page, '[data-testid="report-media-failed"]', 60, true);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Report this subject: the image does not load');
    // The volunteer may still answer it instead.
    await tabTo(page, '[data-testid="subject"] input[type="radio"]', 60);
    await answerByKey(page);
    await failed();
    expect(await heard()).toHaveLength(2);
    expect((await heard())[1]).toMatch(/^status : This image could not be shown/);
    await page.close();
    await suite.context.unroute('**/gone/*.png');
  });

  it('says a recording that cannot be played in its polite caption, not an alert, and offers its report in words (tester 22 F6)', async () => {
    const { page } = await openWorkflow(suite, 'Silent', [{ externalId: 'silent', locations: [{ type: 'audio', url: `${iiif.base}/audio/gone.wav` }], metadata: {} }], {
      name: 'Listen',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Anything?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    });
    await page.waitForFunction(() => document.querySelector('[data-testid="audio-player"]')?.getAttribute('data-status') === 'failed', null, { timeout: 15_000 });
    const caption = page.getByTestId('audio-player').locator('figcaption');
    expect(await caption.getAttribute('aria-live')).toBe('polite');
    expect(await caption.textContent()).toBe('This recording could not be played. Open the recording Report this subject: the recording does not play');
    expect(await page.getByTestId('subject').getByRole('alert').count()).toBe(0);
    await page.close();
  });

  it('still names an image that loads as pannable, its controls working and its zoom read out (tester 22 F6)', async () => {
    const { page } = await openWorkflow(suite, 'Loads', [{ externalId: 'loads', locations: [{ type: 'image', url: `${iiif.base}/iiif/page1/full/max/0/default.png`, alt: 'A ledger page' }], metadata: {} }], {
      name: 'Look',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Anything?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    });
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-status') === 'ready', null, { timeout: 15_000 });
    expect(await page.getByRole('figure', { name: 'Subject image: A ledger page' }).count()).toBe(1);
    expect(await page.getByRole('img', { name: 'Subject image: A ledger page. Arrow keys pan; see the image controls and the keyboard shortcuts for more.' }).count()).toBe(1);
    for (const control of await page.getByRole('toolbar', { name: 'Image controls' }).getByRole('button').all()) expect(await control.getAttribute('aria-disabled')).toBeNull();
    expect(await page.getByText('Zoom 100%').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Rotate right' }).click();
    await waitToSee(page.getByText('Zoom 100%, rotated 90°'));
    await page.getByRole('button', { name: 'Reset the image' }).click();
    await waitToSee(page.getByText('Zoom 100%', { exact: true }));
    expect(await page.getByRole('status').filter({ hasText: 'could not be' }).count()).toBe(0);
    // In French, its description after the no-break space French puts before a colon.
    await page.locator('.language-choice button[lang="fr"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('aria-label')?.startsWith('Image du sujet'));
    expect(await page.getByTestId('image-viewer').getAttribute('aria-label')).toBe('Image du sujet\u00a0: A ledger page');
    await page.locator('.language-choice button[lang="en"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('aria-label')?.startsWith('Subject image'));
    await page.close();
  });

  it('answers a yes/no subject by a finger swipe, but never by a drag that pans its image', async () => {
    const { page, workflow } = await openWorkflow(
      suite,
      'Swipes',
      [
        { externalId: 'page', locations: [{ type: 'image', url: `${iiif.base}/iiif/page1/full/max/0/default.png`, iiifService: `${iiif.base}/iiif/page1` }] },
        { externalId: 'text', locations: [{ type: 'text', text: 'WANTED, a steady lad for the stables.' }], metadata: { newspaper: 'The Leeds Echo', '#box': 'B7' } },
      ],
      {
        name: 'Ad or not?',
        firstTask: 'T0',
        tasks: { T0: { type: 'single', question: 'An advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
        selection: { order: 'sequential', goldStandardRate: 0 },
      },
      PHONE_WINDOW,
    );
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-status') === 'ready', null, { timeout: 15_000 });
    /** One finger moved 150 px to the left (and `down` px down) over `selector`, as the browser reports it. */
    const swipeLeft = async (selector: string, down = 0) => {
      const box = (await page.locator(selector).boundingBox())!;
      const at = { pointerType: 'touch', pointerId: 7, isPrimary: true, bubbles: true };
      const clientY = box.y + box.height / 2;
      await page.locator(selector).dispatchEvent('pointerdown', { ...at, clientY, clientX: box.x + box.width - 20 });
      await page.locator(selector).dispatchEvent('pointerup', { ...at, clientY: clientY + down, clientX: box.x + box.width - 170 });
    };
    const stored = async () => (await suite.stack.db.query('SELECT annotations FROM classifications WHERE workflow_id = $1 ORDER BY created_at', [workflow.id])).rows.map((row) => row.annotations);

    await swipeLeft('.viewer-stage');
    await page.waitForTimeout(500);
    expect(await stored()).toEqual([]);
    expect(await page.getByTestId('subject').getAttribute('data-task-type')).toBe('single');
    expect(await page.locator('.subject-text').count()).toBe(0); // still the page, not answered

    await page.getByRole('radio', { name: 'Yes' }).check();
    await page.getByRole('button', { name: /^(Done|Submit|Next)$/ }).first().click();
    await waitToSee(page.locator('.subject-text'));
    // The subject's public metadata is there for the curious, folded away; the researchers' own (#) is not.
    const about = page.getByTestId('subject-about');
    await about.locator('summary').click();
    expect(await about.locator('dl > div').evaluateAll((rows) => rows.map((row) => [row.querySelector('dt')?.textContent, row.querySelector('dd')?.textContent]))).toEqual([['newspaper', 'The Leeds Echo']]);
    expect(await about.locator('dl').isVisible()).toBe(true);
    // A thumb scrolling loosely (150 px across, 60 down) answers nothing.
    await swipeLeft('.subject-text', 60);
    await page.waitForTimeout(500);
    expect(await stored()).toHaveLength(1);
    await swipeLeft('.subject-text');
    // Which answer the swipe gave is shown, and said, once the API has it.
    await waitToSee(page.getByTestId('notice').getByText('Your swipe answered “No”: classification submitted'));
    expect(await stored()).toEqual([[{ task: 'T0', value: 'yes' }], [{ task: 'T0', value: 'no' }]]);
    expect(await page.getByTestId('announcer').textContent()).toContain('Your swipe answered “No”: classification submitted');
    await page.close();
  });
});
