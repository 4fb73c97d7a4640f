// Classifier benchmark (issue 7): in Debian's headless Chromium against a real API (and worker), the time from
// pressing Enter on a subject's last task to the next subject's first task being on screen and focused, from the
// prefetched batch, over 30 subjects (p50, p95), beside two baselines measured in the same run: the classifier's own
// input latency (a number key to its radio being checked) and the submit request itself (POST /classifications);
// then the built classifier's initial JavaScript against its lazily loaded chunks, raw and gzip.
// Usage: pnpm turbo run build --filter=@chorus/classifier... --filter=@chorus/api... --filter=@chorus/worker
//        DATABASE_URL=postgres://... REDIS_URL=redis://... node bench/classifier.mjs [--subjects=30]
// Without DATABASE_URL / REDIS_URL it starts an embedded Postgres and a redis-server, as `pnpm start` does.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { root } from '../infra/services.mjs';
import { CHROMIUM_ARGS, makeWorkflow, startSystem } from './classifier-system.mjs';

const MEASURED = Number(process.argv.find((a) => a.startsWith('--subjects='))?.split('=')[1] ?? 30);
const WARM_UP = 3;
const ASSETS = join(root, 'apps/classifier/dist/assets');

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const ms = (value) => `${value.toFixed(1)} ms`;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/**
 * In the page: resolves with the time from the next Enter keydown (its event timestamp) to a new subject in the DOM
 * with focus on its first answer, and to the frame after it (when it is painted).
 */
function armNextSubjectTimer(previous) {
  window.benchNext = new Promise((resolve) => {
    let pressed;
    document.addEventListener('keydown', (event) => { if (event.key === 'Enter') pressed = event.timeStamp; }, { capture: true, once: true });
    const shown = () => {
      const subject = document.querySelector('[data-testid="subject"]');
      return subject && subject.getAttribute('data-subject-id') !== previous && document.activeElement?.matches('[data-testid="subject"] input[type="radio"]');
    };
    const observer = new MutationObserver(() => {
      if (pressed === undefined || !shown()) return;
      observer.disconnect();
      const dom = performance.now() - pressed;
      requestAnimationFrame(() => resolve({ dom, frame: performance.now() - pressed }));
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true });
  });
}

/** In the page: the time from the next digit keydown to the radio with that number being checked. */
function armAnswerTimer() {
  window.benchAnswer = new Promise((resolve) => {
    document.addEventListener('keydown', (event) => {
      const pressed = event.timeStamp;
      const radio = document.querySelectorAll('[data-testid="subject"] input[type="radio"]')[Number(event.key) - 1];
      // After the app's own handler (this one runs first, in the capture phase) and React's update.
      const check = () => (radio?.checked ? resolve(performance.now() - pressed) : setTimeout(check, 0));
      setTimeout(check, 0);
    }, { capture: true, once: true });
  });
}

async function measureClassifying(system) {
  const { url, workflowId } = await makeWorkflow(system, MEASURED + WARM_UP + 2);
  const userDataDir = mkdtempSync(join(tmpdir(), 'chorus-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  try {
    // The first visit would open the tutorial: this volunteer has seen it.
    await context.addInitScript((id) => window.localStorage.setItem(`chorus.tutorialSeen.${id}`, 'bench'), workflowId);
    const page = context.pages()[0] ?? (await context.newPage());
    const scripts = [];
    page.on('request', (request) => request.resourceType() === 'script' && scripts.push(new URL(request.url()).pathname));
    await page.goto(url);
    const next = [];
    const answer = [];
    for (let round = 0; round < MEASURED + WARM_UP; round += 1) {
      const subject = page.getByTestId('subject');
      await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true, undefined, { timeout: 10_000 });
      const previous = await subject.getAttribute('data-subject-id');
      await page.evaluate(armAnswerTimer);
      await page.keyboard.press(round % 2 ? '1' : '2');
      const answered = await page.evaluate(() => window.benchAnswer);
      await page.evaluate(armNextSubjectTimer, previous);
      await page.keyboard.press('Enter');
      const shown = await page.evaluate(() => window.benchNext);
      if (round >= WARM_UP) {
        next.push(shown);
        answer.push(answered);
      }
    }
    const posts = await page.evaluate(() =>
      performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith('/api/v1/classifications')).map((entry) => entry.duration),
    );
    return { next, answer, posts: posts.slice(WARM_UP), scripts };
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

/** The entry chunk and what it imports statically (modulepreload) against every other chunk, raw and gzip. */
function bundleSizes() {
  const html = readFileSync(join(root, 'apps/classifier/dist/index.html'), 'utf8');
  const initialNames = new Set([...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((match) => match[1]));
  const size = (name) => {
    const code = readFileSync(join(ASSETS, name));
    // What the API sends a browser that takes Brotli: the copy the build made (or, from a build without, one made here).
    const built = join(ASSETS, `${name}.br`);
    const brotli = existsSync(built) ? readFileSync(built).length : brotliCompressSync(code).length;
    return { name, raw: code.length, gzip: gzipSync(code).length, brotli };
  };
  const chunks = readdirSync(ASSETS).filter((name) => name.endsWith('.js')).map(size);
  return { initial: chunks.filter((chunk) => initialNames.has(chunk.name)), lazy: chunks.filter((chunk) => !initialNames.has(chunk.name)) };
}

const sum = (chunks, key) => chunks.reduce((total, chunk) => total + chunk[key], 0);

const { initial, lazy } = bundleSizes();
const system = await startSystem();
let result;
try {
  result = await measureClassifying(system);
} finally {
  await system.stop();
}
const { next, answer, posts, scripts } = result;
const dom = next.map((each) => each.dom);
const frame = next.map((each) => each.frame);

console.log(`\nSubmit → next subject's first task on screen, ${next.length} subjects (after ${WARM_UP} warm-up), single task, two answers`);
console.log('| measure | p50 | p95 | max |\n|---|---:|---:|---:|');
console.log(`| Enter → next subject in the DOM, first answer focused | ${ms(percentile(dom, 50))} | ${ms(percentile(dom, 95))} | ${ms(Math.max(...dom))} |`);
console.log(`| Enter → the frame after it (painted) | ${ms(percentile(frame, 50))} | ${ms(percentile(frame, 95))} | ${ms(Math.max(...frame))} |`);
console.log(`| baseline: POST /classifications (resource timing) | ${ms(percentile(posts, 50))} | ${ms(percentile(posts, 95))} | ${ms(Math.max(...posts))} |`);
console.log(`| baseline: a number key → its answer checked | ${ms(percentile(answer, 50))} | ${ms(percentile(answer, 95))} | ${ms(Math.max(...answer))} |`);
console.log(`\nnext subject (painted) p95 / target 100 ms: ${(percentile(frame, 95) / 100).toFixed(2)}`);
console.log(`next subject (painted) p50 / POST p50: ${(percentile(frame, 50) / percentile(posts, 50)).toFixed(2)}; / answer-key p50: ${(percentile(frame, 50) / percentile(answer, 50)).toFixed(2)}`);

console.log('\nBuilt classifier JavaScript (apps/classifier/dist/assets)');
console.log('| chunk | loaded | raw | gzip | Brotli (as served) |\n|---|---|---:|---:|---:|');
for (const chunk of initial) console.log(`| ${chunk.name} | at start | ${kb(chunk.raw)} | ${kb(chunk.gzip)} | ${kb(chunk.brotli)} |`);
for (const chunk of lazy) console.log(`| ${chunk.name} | on use | ${kb(chunk.raw)} | ${kb(chunk.gzip)} | ${kb(chunk.brotli)} |`);
console.log(`| **initial total** | | ${kb(sum(initial, 'raw'))} | ${kb(sum(initial, 'gzip'))} | ${kb(sum(initial, 'brotli'))} |`);
console.log(`| **lazy total** | | ${kb(sum(lazy, 'raw'))} | ${kb(sum(lazy, 'gzip'))} | ${kb(sum(lazy, 'brotli'))} |`);
console.log(`\nlazy / initial (gzip): ${(sum(lazy, 'gzip') / sum(initial, 'gzip')).toFixed(2)}`);
const fetchedLazy = lazy.filter((chunk) => scripts.some((path) => path.endsWith(chunk.name))).map((chunk) => chunk.name);
console.log(`scripts the text-only single-task page loaded: ${scripts.length}; lazy chunks among them: ${fetchedLazy.length ? fetchedLazy.join(', ') : 'none'}`);
