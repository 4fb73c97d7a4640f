import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A build of the classifier as Vite leaves it: a page naming its hashed script, and the script. */
function build(dir: string, hash: string): void {
  rmSync(join(dir, 'assets'), { recursive: true, force: true }); // Vite empties the directory first
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', `index-${hash}.js`), `console.log('${hash}');`);
  writeFileSync(join(dir, 'index.html'), pageNaming(hash));
}

/** A page swapped in whole (written beside, then renamed over), as a reproducible build gives it: the same size and a fixed modification time. */
function swapPage(dir: string, hash: string): void {
  const next = join(dir, 'index.html.next');
  writeFileSync(next, pageNaming(hash));
  utimesSync(next, new Date('2000-01-01T00:00:00Z'), new Date('2000-01-01T00:00:00Z'));
  renameSync(next, join(dir, 'index.html'));
}

const pageNaming = (hash: string) => `<!doctype html><div id="root"></div><script type="module" crossorigin src="/assets/index-${hash}.js"></script>`;

const scriptOf = async (stack: Stack, path: string) => /src="(\/assets\/[^"]+)"/.exec(await (await fetch(`${stack.baseUrl}${path}`)).text())?.[1];

let stack: Stack;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-classifier-'));
  build(dir, 'first111');
  stack = await startStack({ worker: false, env: { CLASSIFIER_DIR: dir } });
});
afterAll(async () => {
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the classifier served while it is rebuilt', () => {
  it('serves the new build once it is written, without a restart, and says a script of the old one is of another build', async () => {
    expect(await scriptOf(stack, '/')).toBe('/assets/index-first111.js');
    expect((await fetch(`${stack.baseUrl}/assets/index-first111.js`)).status).toBe(200);

    build(dir, 'second22');
    // The API looks at the page's file about once a second, never on a request.
    await until(async () => (await scriptOf(stack, '/projects/x')) !== '/assets/index-first111.js', 'the page of the new build', 10_000);
    expect(await scriptOf(stack, '/projects/x')).toBe('/assets/index-second22.js');
    expect(await scriptOf(stack, '/')).toBe('/assets/index-second22.js');
    const served = await fetch(`${stack.baseUrl}/assets/index-second22.js`);
    expect([served.status, served.headers.get('cache-control'), await served.text()]).toEqual([200, 'public, max-age=31536000, immutable', "console.log('second22');"]);

    // A page opened before the rebuild asks for a script that is gone: a problem its loader tells from the page, saying why.
    const gone = await fetch(`${stack.baseUrl}/assets/index-first111.js`);
    expect([gone.status, gone.headers.get('content-type')]).toEqual([404, expect.stringMatching(/^application\/problem\+json/)]);
    expect(((await gone.json()) as { detail: string }).detail).toContain('another build of Chorus');
  });

  it('serves a page swapped in with the size and modification time of the one before (another file, not another time)', async () => {
    swapPage(dir, 'third333');
    await until(async () => (await scriptOf(stack, '/')) === '/assets/index-third333.js', 'the first page swapped in', 10_000);
    swapPage(dir, 'fourth44');
    await until(async () => (await scriptOf(stack, '/')) === '/assets/index-fourth44.js', 'the second page, as long as the first, dated the same', 10_000);
  });
});
