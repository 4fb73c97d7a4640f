import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
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

/** A request sent with its path as written (fetch would resolve `%2e%2e` and `..` before sending it). */
function ask(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ statusCode: number; headers: IncomingHttpHeaders; rawPayload: Buffer; body: string }> {
  return new Promise((resolve, reject) => {
    const sent = request(`${stack.baseUrl}/`, { method, path, headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const rawPayload = Buffer.concat(chunks);
        resolve({ statusCode: answer.statusCode ?? 0, headers: answer.headers, rawPayload, body: rawPayload.toString() });
      });
    });
    sent.on('error', reject);
    sent.end();
  });
}

describe("the build's assets", () => {
  const script = `console.log('${'an asset, long enough to be worth compressing; '.repeat(20)}');`;
  beforeAll(() => {
    writeFileSync(join(dir, 'assets', 'index-assets1.js'), script);
    writeFileSync(join(dir, 'assets', 'index-assets1.js.br'), brotliCompressSync(script));
    writeFileSync(join(dir, 'assets', '.env'), 'SECRET=1');
    mkdirSync(join(dir, 'assets', 'nested'));
    writeFileSync(join(dir, 'assets', 'nested', 'index-assets1.js'), script);
  });

  it('serves a file of assets/ by its name: kept for good, Brotli to a browser that takes it, HEAD, ranges and a 304 for its ETag', async () => {
    const plain = await ask('/assets/index-assets1.js');
    expect([plain.statusCode, plain.headers['content-type'], plain.headers['cache-control'], plain.headers['content-encoding'], plain.body]).toEqual([
      200,
      expect.stringMatching(/^(application|text)\/javascript/),
      'public, max-age=31536000, immutable',
      undefined,
      script,
    ]);
    expect(String(plain.headers.vary)).toMatch(/accept-encoding/i);

    const brotli = await ask('/assets/index-assets1.js', { 'accept-encoding': 'gzip, br' });
    expect([brotli.statusCode, brotli.headers['content-type'], brotli.headers['content-encoding'], brotli.headers['cache-control']]).toEqual([
      200,
      plain.headers['content-type'],
      'br',
      'public, max-age=31536000, immutable',
    ]);
    expect(String(brotli.headers.vary)).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(brotli.rawPayload).toString()).toBe(script);
    expect(brotli.headers.etag).toBeDefined();
    expect(brotli.headers.etag).not.toBe(plain.headers.etag); // another file's bytes

    const head = await ask('/assets/index-assets1.js', {}, 'HEAD');
    expect([head.statusCode, head.headers['content-length'], head.body]).toEqual([200, String(Buffer.byteLength(script)), '']);

    const range = await ask('/assets/index-assets1.js', { range: 'bytes=0-10' });
    expect([range.statusCode, range.headers['content-range'], range.body]).toEqual([206, `bytes 0-10/${Buffer.byteLength(script)}`, script.slice(0, 11)]);

    const again = await ask('/assets/index-assets1.js', { 'if-none-match': String(plain.headers.etag) });
    expect([again.statusCode, again.body]).toEqual([304, '']);
  });

  it('answers anything else under /assets with the 404 problem, which no cache keeps: a way out of assets/, a dotfile, a folder, a file not there', async () => {
    for (const url of [
      '/assets/%2e%2e/index.html',
      '/assets/%2E%2E%2Findex.html',
      '/assets/..%2findex.html',
      '/assets/..%2f..%2fetc%2fpasswd',
      '/assets/../index.html',
      '/assets/.env',
      '/assets/%2eenv',
      '/assets/nested/index-assets1.js',
      '/assets/nested',
      '/assets/',
      '/assets',
      '/assets/index-assets1.js%20',
      '/assets/index-gone000.js',
    ]) {
      const answer = await ask(url, { 'accept-encoding': 'gzip, br' });
      expect([url, answer.statusCode, answer.headers['content-type'], answer.headers['cache-control']]).toEqual([url, 404, expect.stringMatching(/^application\/problem\+json/), 'no-store']);
      expect((JSON.parse(answer.body) as { detail: string }).detail).toContain('another build of Chorus');
    }
  });
});

describe('the files beside the page', () => {
  const isPage = (answer: { statusCode: number; headers: IncomingHttpHeaders; body: string }) =>
    answer.statusCode === 200 && String(answer.headers['content-type']).startsWith('text/html') && answer.headers['content-security-policy'] !== undefined && answer.body.includes('<div id="root">');

  const isMissing = (answer: { statusCode: number; headers: IncomingHttpHeaders; body: string }) =>
    answer.statusCode === 404 && String(answer.headers['content-type']).startsWith('application/problem+json') && answer.headers['cache-control'] === 'no-store' && !answer.body.includes('SECRET');

  it('serves a file a rebuild adds or renames beside the page at once, without a restart; a name no longer there is the 404 problem', async () => {
    expect(isMissing(await ask('/robots.txt'))).toBe(true); // not built yet
    const robots = `User-agent: *\nDisallow: /api/\n${'# a comment long enough to be worth compressing\n'.repeat(20)}`;
    writeFileSync(join(dir, 'robots.txt'), robots);
    writeFileSync(join(dir, 'robots.txt.br'), brotliCompressSync(robots));
    const plain = await ask('/robots.txt');
    expect([plain.statusCode, plain.headers['content-type'], plain.headers['cache-control'], plain.body]).toEqual([200, expect.stringMatching(/^text\/plain/), 'public, max-age=0', robots]);
    const brotli = await ask('/robots.txt', { 'accept-encoding': 'gzip, br' });
    expect([brotli.statusCode, brotli.headers['content-encoding'], brotliDecompressSync(brotli.rawPayload).toString()]).toEqual([200, 'br', robots]);
    expect((await ask('/robots.txt', {}, 'HEAD')).headers['content-length']).toBe(String(Buffer.byteLength(robots)));
    expect((await ask('/robots.txt', { 'if-none-match': String(plain.headers.etag) })).statusCode).toBe(304);

    renameSync(join(dir, 'robots.txt'), join(dir, 'crawlers.txt'));
    rmSync(join(dir, 'robots.txt.br'));
    expect((await ask('/crawlers.txt')).body).toBe(robots);
    expect(isMissing(await ask('/robots.txt', { 'accept-encoding': 'gzip, br' }))).toBe(true);
    // Typed into a browser's address bar, a name not there gets the classifier, which says it has no such page.
    const navigation = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
    expect(isPage(await ask('/robots.txt', navigation))).toBe(true);
    expect(isMissing(await ask('/.env', navigation))).toBe(true);
  });

  it('answers a name without a dot with the page, never a file of that name: a route of the classifier, not looked for on the disk', async () => {
    writeFileSync(join(dir, 'lab'), 'SECRET=1');
    for (const url of ['/lab', '/sign-in']) expect([url, isPage(await ask(url))]).toEqual([url, true]);
  });

  it('sends the page only as the page, with its policy, and answers a dotfile or a way out of the folder with the 404 problem, which no cache keeps', async () => {
    writeFileSync(join(dir, 'index.html.br'), brotliCompressSync(pageNaming('brotli11')));
    writeFileSync(join(dir, '.env'), 'SECRET=1');
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'nested', 'secret.txt'), 'SECRET=1');
    for (const url of ['/index.html', '/index.html.br', '/index.html.gz', '/INDEX.HTML', '/Index.Html.br']) expect([url, isPage(await ask(url, { 'accept-encoding': 'gzip, br' }))]).toEqual([url, true]);
    for (const url of [
      '/.env',
      '/%2eenv',
      '/%2e%2e',
      '/..%2fetc%2fpasswd',
      '/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
      '/.',
      '/a%2f..%2f..%2fetc%2fpasswd',
      '/a%2f..%2f.env',
      '/nested%2fsecret.txt',
      '/nested%5csecret.txt',
      '/%5c..',
      '/%5c',
    ]) {
      expect([url, isMissing(await ask(url, { 'accept-encoding': 'gzip, br' }))]).toEqual([url, true]);
    }
    // NUL is refused before routing, in any address (`refuseNulInAddress`).
    const nul = await ask('/robots.txt%00');
    expect([nul.statusCode, nul.headers['content-type']]).toEqual([422, expect.stringMatching(/^application\/problem\+json/)]);
  });

  it('answers a file the send does not find after the look found it (a rebuild emptying the folder between them) with the 404 problem', async () => {
    // The send, not the look, finds its Brotli copy to be no file, as it would find a file a rebuild removed meanwhile.
    writeFileSync(join(dir, 'manifest.json'), '{}');
    mkdirSync(join(dir, 'manifest.json.br'));
    expect(isMissing(await ask('/manifest.json', { 'accept-encoding': 'br' }))).toBe(true);
  });
});

describe('the classifier deployed by moving a symlink to a build made elsewhere (as the README says)', () => {
  let deployed: Stack;
  let builds: string;
  const moveTo = (build: string) => {
    symlinkSync(join(builds, build), join(builds, 'next'));
    renameSync(join(builds, 'next'), join(builds, 'current'));
  };
  beforeAll(async () => {
    builds = mkdtempSync(join(tmpdir(), 'chorus-builds-'));
    for (const hash of ['builda11', 'buildb22']) {
      mkdirSync(join(builds, hash));
      build(join(builds, hash), hash);
    }
    moveTo('builda11');
    deployed = await startStack({ worker: false, env: { CLASSIFIER_DIR: join(builds, 'current') } });
  });
  afterAll(async () => {
    await deployed.stop();
    rmSync(builds, { recursive: true, force: true });
  });

  it('serves the new build once the symlink is moved, its page and its scripts, and the old scripts no more', async () => {
    expect(await scriptOf(deployed, '/')).toBe('/assets/index-builda11.js');
    moveTo('buildb22');
    await until(async () => (await scriptOf(deployed, '/')) === '/assets/index-buildb22.js', 'the page of the build the symlink was moved to', 10_000);
    const [now, before] = [await fetch(`${deployed.baseUrl}/assets/index-buildb22.js`), await fetch(`${deployed.baseUrl}/assets/index-builda11.js`)];
    expect([now.status, await now.text(), before.status]).toEqual([200, "console.log('buildb22');", 404]);
  });
});
