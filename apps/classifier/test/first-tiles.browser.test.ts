import { readFileSync } from 'node:fs';
import { transformSync } from '@swc/core';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './support/browser';

/**
 * `firstTileUrls` (the tiles fetched ahead of a IIIF subject) in a browser, beside OpenSeadragon itself opening the same
 * info.json in a viewer of the same size: it must name no tile fewer than the viewer asks for, and end however the
 * info.json is written.
 */

const OSD_SCRIPT = require.resolve('openseadragon/build/openseadragon/openseadragon.js', { paths: [join(__dirname, '..')] });
/** The module, as the page runs it: its imports are types only. */
const FIRST_TILES = `${transformSync(readFileSync(join(__dirname, '..', 'src', 'components', 'viewer', 'firstTiles.ts'), 'utf8'), { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }).code}\nwindow.firstTileUrls = firstTileUrls;`;
/** A 1×1 PNG: every tile. */
const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const HOST = 'http://tiles.test';
const MOST = 96;

const v3 = (info: object) => ({ '@context': 'http://iiif.io/api/image/3/context.json', id: `${HOST}/image`, '@id': `${HOST}/image`, type: 'ImageService3', protocol: 'http://iiif.io/api/image', ...info });
const v2 = (info: object) => ({ '@context': 'http://iiif.io/api/image/2/context.json', id: `${HOST}/image`, '@id': `${HOST}/image`, protocol: 'http://iiif.io/api/image', ...info });

interface Case {
  info: object;
  viewer: { width: number; height: number };
  dpr: number;
}

describe('the tiles fetched ahead of a IIIF subject, beside OpenSeadragon', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** The page of a viewer's size at `dpr`, with OpenSeadragon and `firstTileUrls` loaded, and the tiles it asked for. */
  async function pageFor({ viewer, dpr }: Case) {
    const context = await browser.newContext({ deviceScaleFactor: dpr });
    const page = await context.newPage();
    const asked = new Set<string>();
    await page.route(`${HOST}/**`, (route) => {
      asked.add(route.request().url());
      return route.fulfill({ body: TILE, contentType: 'image/png' });
    });
    await page.setContent(`<html><body style="margin:0"><div id="viewer" style="width:${viewer.width}px;height:${viewer.height}px"></div></body></html>`);
    await page.addScriptTag({ path: OSD_SCRIPT });
    await page.addScriptTag({ content: FIRST_TILES, type: 'module' });
    await page.waitForFunction(() => 'firstTileUrls' in window);
    return { context, page, asked };
  }

  /** What `firstTileUrls` names for `info`, or what went wrong; a page that does not answer in 5 s is stuck. */
  async function firstTiles({ info, viewer }: Case, page: Awaited<ReturnType<typeof pageFor>>['page']): Promise<string[] | string> {
    const named = page.evaluate(
      ([info, viewer, most]) => {
        const loaded = window as unknown as { OpenSeadragon: unknown; firstTileUrls(OSD: unknown, info: object, size: object, most: number): string[] };
        return loaded.firstTileUrls(loaded.OpenSeadragon, info, viewer, most);
      },
      [info, viewer, MOST] as const,
    );
    return Promise.race([named, new Promise<string>((resolve) => setTimeout(() => resolve('no answer in 5 s: the page is stuck'), 5_000).unref())]);
  }

  it.each([
    ['Image API 3, level 0 with neither tiles nor sizes', { info: v3({ profile: 'level0', width: 40000, height: 30000 }), viewer: { width: 640, height: 500 }, dpr: 1 }],
    ['Image API 3, tiles without a width', { info: v3({ profile: 'level1', width: 40000, height: 30000, tiles: [{ scaleFactors: [1, 2, 4] }] }), viewer: { width: 640, height: 500 }, dpr: 1 }],
  ])('ends, naming nothing, when the info.json gives no tile size (%s)', async (_name, example: Case) => {
    const { context, page } = await pageFor(example);
    try {
      expect(await firstTiles(example, page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  /** The tiles OpenSeadragon asks for when it opens `info` whole, as the classifier's viewer does, until all are drawn. */
  async function tilesAsked({ info }: Case, { page, asked }: Awaited<ReturnType<typeof pageFor>>): Promise<string[]> {
    await page.evaluate(
      (info) =>
        new Promise<void>((resolve, reject) => {
          const OSD = (window as unknown as { OpenSeadragon: (options: object) => { addHandler(name: string, handler: (event: { fullyLoaded?: boolean }) => void): void } }).OpenSeadragon;
          const viewer = OSD({ element: document.getElementById('viewer'), tileSources: info, drawer: 'canvas', showNavigationControl: false, animationTime: 0.4, springStiffness: 10, visibilityRatio: 0.5 });
          viewer.addHandler('fully-loaded-change', (event) => event.fullyLoaded && resolve());
          viewer.addHandler('open-failed', () => reject(new Error('open-failed')));
        }),
      info,
    );
    return [...asked];
  }

  const page3000x4500 = v3({ profile: 'level0', width: 3000, height: 4500, tiles: [{ width: 256, scaleFactors: [1, 2, 4, 8, 16] }] });
  it.each([
    ['Image API 3, the browser tests’ service', { info: v3({ profile: 'level0', width: 1024, height: 1536, tiles: [{ width: 256, scaleFactors: [1, 2, 4] }] }), viewer: { width: 640, height: 500 }, dpr: 1 }],
    ['Image API 3, a page at twice the density', { info: page3000x4500, viewer: { width: 600, height: 700 }, dpr: 2 }],
    ['Image API 3, a page', { info: page3000x4500, viewer: { width: 600, height: 700 }, dpr: 1 }],
    ['Image API 2, wider than the viewer', { info: v2({ profile: ['http://iiif.io/api/image/2/level1.json'], width: 2048, height: 1024, tiles: [{ width: 256, scaleFactors: [1, 2, 4, 8] }] }), viewer: { width: 1024, height: 600 }, dpr: 1 }],
    ['Image API 2, level 2 without tiles', { info: v2({ profile: ['http://iiif.io/api/image/2/level2.json'], width: 5000, height: 3500 }), viewer: { width: 800, height: 600 }, dpr: 1 }],
    [
      'Image API 3, level 0 with sizes only',
      { info: v3({ profile: 'level0', width: 6000, height: 4000, sizes: [{ width: 375, height: 250 }, { width: 750, height: 500 }, { width: 1500, height: 1000 }, { width: 6000, height: 4000 }] }), viewer: { width: 640, height: 500 }, dpr: 1 },
    ],
  ])('names the tiles OpenSeadragon asks for as it opens the image (%s)', async (_name, example: Case) => {
    const opened = await pageFor(example);
    try {
      const named = await firstTiles(example, opened.page);
      const asked = await tilesAsked(example, opened);
      expect(Array.isArray(named) && [...named].sort()).toEqual([...asked].sort());
      expect(named.length).toBeLessThanOrEqual(MOST);
    } finally {
      await opened.context.close();
    }
  });

  it('names whole levels, the smaller first, and no more than the bound, when the viewer would ask for more', async () => {
    // A little over the bound (OpenSeadragon asks for 128 tiles: 96 of the full size, then 24, 6 and 2), so that it runs quickly.
    const info = v3({ profile: 'level0', width: 2000, height: 3000, tiles: [{ width: 256, scaleFactors: [1, 2, 4, 8] }] });
    const example: Case = { info, viewer: { width: 600, height: 800 }, dpr: 2 };
    const opened = await pageFor(example);
    try {
      const named = await firstTiles(example, opened.page);
      const asked = await tilesAsked(example, opened);
      expect(asked.length).toBeGreaterThan(MOST);
      expect(Array.isArray(named) && named.length).toBeGreaterThan(0);
      expect(named.length).toBeLessThanOrEqual(MOST);
      expect(asked).toEqual(expect.arrayContaining([...named]));
      // A tile's level is its scale: its region's width over its size's (…/x,y,w,h/w,h/0/…). Each named, whole.
      const levelOf = (url: string) => {
        const [region, size] = url.split('/').slice(-4, -2).map((part) => Number(part.split(',')[part.split(',').length === 4 ? 2 : 0]));
        return Math.round(region! / size!);
      };
      const levels = new Set([...named].map(levelOf));
      expect([...named].sort()).toEqual(asked.filter((url) => levels.has(levelOf(url))).sort());
    } finally {
      await opened.context.close();
    }
  });
});
