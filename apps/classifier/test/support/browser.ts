import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, errors, type Locator, type Page } from 'playwright-core';
import type { Session, SubjectInput, WorkflowInput } from '@chorus/client';
import { ACCOUNT_PASSWORD } from '../../../../test/support/accounts';
import { type Stack, type StackOptions, startStack } from '../../../../test/support/stack';

/**
 * Debian's Chromium headless shell (package `chromium-headless-shell`): the same Chromium (Blink, V8) in its headless
 * mode without the desktop browser's interface, which Playwright's own headless runs use too.
 * It launches on a third of the CPU the full `chromium` spends, and opens a page on two thirds (bench/README "Browser
 * tests' Chromium"): two suites share two cores in CI.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium-headless-shell';

/** Flags from TOOLCHAIN.md: quiet on a closed network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const SCREENSHOTS = join(__dirname, '..', '..', '..', '..', 'test-results', 'screenshots');

interface Size {
  width: number;
  height: number;
}
interface Point {
  x: number;
  y: number;
}

/** The window the browser opens with: a desktop's. */
const DESKTOP_WINDOW: Size = { width: 1280, height: 800 };
/** A phone's screen, in CSS px: the phone tests'. */
export const PHONE: Size = { width: 375, height: 667 };
/** A window of a phone's width, which the screenshots and the checks that nothing is wider than a phone take. */
export const PHONE_WINDOW: Size = { width: PHONE.width, height: 740 };

/** A running stack (started with `options`) and a browser for one suite: started before its tests, stopped after them. */
export function useStackAndBrowser(options?: StackOptions): { readonly stack: Stack; readonly context: BrowserContext } {
  let stack: Stack | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  // Side by side: neither waits for the other. Each is kept as soon as it starts, so that what started is stopped after,
  // even when beforeAll gave up waiting first.
  let starting: Promise<unknown>[] = [];
  beforeAll(async () => {
    starting = [startStack(options).then((started) => (stack = started)), launchBrowser().then((launched) => (browser = launched))];
    const failures = (await Promise.allSettled(starting)).flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    if (failures.length > 1) throw new AggregateError(failures, 'neither the stack nor the browser started');
    if (failures.length === 1) throw failures[0];
  });
  // A test that fails part-way leaves its pages open, and a page left open writes the shared localStorage under the
  // next test: each test's pages close after it, and the browser is online again.
  let openBefore = new Set<unknown>();
  beforeEach(() => {
    openBefore = new Set(browser?.context.pages());
  });
  afterEach(async () => {
    await printPagesIfFailed();
    if (!browser) return;
    await browser.context.setOffline(false);
    await Promise.all(browser.context.pages().filter((page) => !openBefore.has(page)).map((page) => page.close()));
  });
  afterAll(async () => {
    await Promise.allSettled(starting);
    await browser?.close();
    await stack?.stop();
  });
  return {
    get stack() {
      return stack!;
    },
    get context() {
      return browser!.context;
    },
  };
}

/**
 * A browser of its own; `locale` is the language and region it says it prefers (`navigator.languages`, Intl's default),
 * `reducedMotion` whether it asks pages for less motion (`prefers-reduced-motion`).
 */
export async function launchBrowser({ locale, reducedMotion }: { locale?: string; reducedMotion?: 'reduce' } = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'chorus-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: DESKTOP_WINDOW,
    locale,
    reducedMotion,
  });
  watch(context);
  return {
    context,
    async close() {
      // A test closes the browsers it launched itself (in a `finally`) before it is known to have failed.
      lastLooks.push(...(await Promise.all(context.pages().map(lookAt))));
      contexts.delete(context);
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** `count` browsers of their own, launched side by side; if one fails to start, those that started are closed again. */
export async function launchBrowsers(count: number): Promise<Awaited<ReturnType<typeof launchBrowser>>[]> {
  const launched = await Promise.allSettled(Array.from({ length: count }, () => launchBrowser()));
  const failed = launched.find((result) => result.status === 'rejected');
  if (!failed) return launched.map((result) => (result as PromiseFulfilledResult<Awaited<ReturnType<typeof launchBrowser>>>).value);
  await Promise.all(launched.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
  throw failed.reason;
}

/** Shows or hides the page, as a switch of tab does (headless, every page shows). */
export async function setShown(page: Page, shown: boolean): Promise<void> {
  await page.evaluate((shown) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (shown ? 'visible' : 'hidden') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => !shown });
    document.dispatchEvent(new Event('visibilitychange'));
  }, shown);
}

/**
 * How far ahead of the page's time its clock is stopped: more than the round trips between reading the page's time and
 * stopping it (its clock must not be set back), less than any wait of the page a test counts.
 */
const PAUSED_AHEAD_MS = 500;

/**
 * Stops the clock of the page's browser (of all its pages: a browser has one clock) just ahead of the page's time, which
 * may run ahead of the world's where earlier tests ran it on: from then on the page's waits pass only as the test runs
 * its clock on (`page.clock.runFor`).
 */
export async function pauseClock(page: Page): Promise<void> {
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + PAUSED_AHEAD_MS);
}

/**
 * `steps` with the clock of the page's browser stopped (`pauseClock`), and running again after, even when a step fails:
 * the browser's later pages (the next tests') share it.
 */
export async function withClockPaused<T>(page: Page, steps: () => Promise<T>): Promise<T> {
  await pauseClock(page);
  try {
    return await steps();
  } finally {
    await page.clock.resume();
  }
}

/** Of what a page showed, at most this many characters are printed. */
const TEXT_PRINTED = 1_500;
/** The browsers open, and the errors each page threw or logged (the last few). */
const contexts = new Set<BrowserContext>();
const problems = new WeakMap<Page, string[]>();
/** What the pages of browsers closed during the test showed as they closed. */
const lastLooks: string[] = [];

function watch(context: BrowserContext): void {
  contexts.add(context);
  const note = (page: Page, problem: string) => {
    const seen = problems.get(page) ?? [];
    problems.set(page, [...seen.slice(-19), problem.slice(0, 300)]);
  };
  const watchPage = (page: Page) => {
    page.on('pageerror', (error) => note(page, `page error: ${error.message}`));
    page.on('console', (message) => message.type() === 'error' && note(page, `console error: ${message.text()}`));
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
}

/** A page's address, its visible text (shortened) and the errors it threw or logged. */
async function lookAt(page: Page): Promise<string> {
  // A page that does not answer is not waited for long.
  // biome-ignore lint/performance/useDomNodeTextContent: what the volunteer sees, without the text of what is hidden
  const text = await page.locator('body').innerText({ timeout: 2_000 }).catch((error: Error) => `(unreadable: ${error.message.split('\n')[0]})`);
  const shown = text.replace(/[ \t]+/g, ' ').replace(/\s*\n\s*/g, '\n').trim();
  const shortened = shown.length > TEXT_PRINTED ? `${shown.slice(0, TEXT_PRINTED)}…` : shown;
  const errors = problems.get(page) ?? [];
  return [`page ${page.url()}`, ...shortened.split('\n').map((line) => `  | ${line}`), ...errors.map((error) => `  ! ${error}`)].join('\n');
}

/**
 * After a failed test (`chorusTestFailed`, set by the browser tests' environment, support/environment.js): what each
 * page showed, on stderr, so that a failure in CI says more than the selector it waited for.
 */
async function printPagesIfFailed(): Promise<void> {
  const looks = lastLooks.splice(0);
  if (!(globalThis as { chorusTestFailed?: boolean }).chorusTestFailed) return;
  const open = [...contexts].flatMap((context) => context.pages());
  looks.push(...(await Promise.all(open.map(lookAt))));
  process.stderr.write(`\n[browser] the test failed; what its pages showed:\n${looks.join('\n') || '(no page open)'}\n\n`);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** Runs axe-core on the page as it is; returns the serious and critical violations, described. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Run as the test's own script, not written into the page: the page's Content-Security-Policy refuses inline scripts.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return (violations as AxeViolation[])
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')})`);
}

/** What `measure` finds of the page in a window of `size` (`PHONE_WINDOW`, say), the desktop's window put back after. */
export async function inWindowOf<T>(page: Page, size: Size, measure: () => Promise<T>): Promise<T> {
  await page.setViewportSize(size);
  try {
    return await measure();
  } finally {
    await page.setViewportSize(DESKTOP_WINDOW);
  }
}

/** A finger on a page (`touchScreen`, `phone`): touch events, the clicks a browser makes of them, and `(pointer: coarse)`. */
export interface Finger {
  /** Touches the page at a point (CSS px of its window) and lifts. */
  tap(point: Point): Promise<void>;
  /** Where a finger touches the first element `selector` finds: its middle. */
  centreOf(selector: string): Promise<Point>;
  /** The page as a desktop's again: no touch, nor a phone's screen. */
  lift(): Promise<void>;
}

/** A touch screen on the page, its window as it was (a laptop's with a touch screen, say), by the DevTools protocol. */
export const touchScreen = (page: Page): Promise<Finger> => fingerOn(page);

/**
 * A phone on the page: its screen (`PHONE` unless given, twice as dense, a mobile browser's viewport) and a finger.
 * A screenshot would put the browser's own window back: measure under the phone's screen, not after one.
 */
export const phone = (page: Page, screen: Size = PHONE): Promise<Finger> => fingerOn(page, screen);

async function fingerOn(page: Page, screen?: Size): Promise<Finger> {
  const session = await page.context().newCDPSession(page);
  if (screen) await session.send('Emulation.setDeviceMetricsOverride', { ...screen, deviceScaleFactor: 2, mobile: true });
  await session.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
  return {
    async tap({ x, y }) {
      await session.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
      await session.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    },
    async centreOf(selector) {
      const box = (await page.locator(selector).boundingBox())!;
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    },
    async lift() {
      await session.send('Emulation.setTouchEmulationEnabled', { enabled: false });
      if (screen) await session.send('Emulation.clearDeviceMetricsOverride');
      await session.detach();
    },
  };
}

/**
 * Screenshots of the page at 1280 px and at 375 px (a phone) wide, for people to look at: none under CI (`CI` set, as
 * `.ci/run` does), where nobody does and they cost half a second each.
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  if (process.env.CI) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-1280.png`), fullPage: true });
  await inWindowOf(page, PHONE_WINDOW, () => page.screenshot({ path: join(SCREENSHOTS, `${name}-${PHONE_WINDOW.width}.png`), fullPage: true }));
}

/** Everything a task screen must pass: no serious accessibility violation, and its screenshots. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
  await screenshots(page, name);
}

/** A live project of these subjects and one workflow, opened in a new page (at `viewport`, if given) past its tutorial. */
export async function openWorkflow(
  suite: { readonly stack: Stack; readonly context: BrowserContext },
  title: string,
  subjects: SubjectInput[],
  definition: WorkflowInput,
  viewport?: Size,
): Promise<{ page: Page; workflow: { id: string } }> {
  const project = await suite.stack.client.createProject({ title: `${title} ${Date.now()}`, status: 'live' });
  const set = await suite.stack.client.createSubjectSet(project.id, { name: title });
  await suite.stack.client.addSubjects(set.id, subjects);
  const workflow = await suite.stack.client.createWorkflow(project.id, { ...definition, subjectSetIds: [set.id] });
  await suite.stack.client.activateWorkflow(workflow.id);
  await skipTutorial(suite.context, workflow.id);
  const page = await suite.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/workflows/${workflow.id}`);
  return { page, workflow };
}

/** Marks a workflow's tutorial as seen in this browser (the first visit opens it), for tests about something else. */
export async function skipTutorial(context: BrowserContext, workflowId: string): Promise<void> {
  await context.addInitScript((id) => window.localStorage.setItem(`chorus.tutorialSeen.${id}`, 'seen on an earlier visit'), workflowId);
}

/** How long `waitToSee` waits, at most, unless told: Playwright's own default. */
const SHOWN_WITHIN_MS = 30_000;
/**
 * Each of `waitToSee`'s waits: under 2.5 s, so that Playwright looks for the locator every 100 ms. A longer wait looks
 * every 500 ms once it has waited 270 ms, and a page that shows what was waited for a moment later is seen up to half a
 * second late: most of lab-results.browser's waits took 0.8 s where 0.4 s was enough.
 */
const SHOWN_STEP_MS = 2_000;

/**
 * Waits until the locator is visible (or `state`), as `locator.waitFor` does, for as long (`timeout`, 30 s unless
 * told), in waits of `SHOWN_STEP_MS` one after the other, so that it is seen within 100 ms of being so. The deadline is
 * kept by `performance.now()`, as `until`'s (test/support/waiting.ts).
 */
export async function waitToSee(locator: Locator, { state = 'visible', timeout = SHOWN_WITHIN_MS }: Parameters<Locator['waitFor']>[0] = {}): Promise<void> {
  const deadline = performance.now() + timeout;
  for (;;) {
    try {
      return await locator.waitFor({ state, timeout: Math.max(1, Math.min(SHOWN_STEP_MS, deadline - performance.now())) });
    } catch (error) {
      if (!(error instanceof errors.TimeoutError) || performance.now() >= deadline) {
        // Playwright's TimeoutError takes no cause: the last wait's message (its call log) is kept in the new one.
        throw error instanceof errors.TimeoutError ? new errors.TimeoutError(`${locator} was not ${state} after ${timeout} ms; the last wait: ${error.message}`) : error;
      }
    }
  }
}

/** Closes the tutorial that a first visit opens, by keyboard. */
export async function closeTutorial(page: Page): Promise<void> {
  const tutorial = page.getByTestId('tutorial');
  await waitToSee(tutorial, { timeout: 10_000 });
  await page.keyboard.press('Escape');
  await waitToSee(tutorial, { state: 'hidden' });
}

/** Presses Tab (or Shift+Tab, `backwards`) until the focused element matches `selector` (keyboard only, as a volunteer would). */
export async function tabTo(page: Page, selector: string, max = 30, backwards = false): Promise<void> {
  for (let i = 0; i < max; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) === true, selector)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

export async function waitForFocus(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((s) => document.activeElement?.matches(s) === true, selector, { timeout: 5_000 });
}

/** Waits until the subject on screen shows a task of `type`, and returns the subject's id. */
export async function waitForTask(page: Page, type: string): Promise<string> {
  const subject = page.locator(`[data-testid="subject"][data-task-type="${type}"]`);
  await waitToSee(subject, { timeout: 10_000 });
  return (await subject.getAttribute('data-subject-id')) ?? '';
}

/**
 * Answers the single-choice task on screen by keyboard (`key` chooses the answer, Enter submits it), once it has focus,
 * and waits for the next subject; returns the id of the subject answered.
 */
export async function answerByKey(page: Page, key = '1'): Promise<string> {
  const shown = (await page.getByTestId('subject').getAttribute('data-subject-id'))!;
  await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
  await page.keyboard.press(key);
  await page.keyboard.press('Enter');
  await page.waitForFunction((previous) => document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') !== previous, shown);
  return shown;
}

/** A live project with one active yes/no workflow ("Ad or not?") over `subjects` (in `selection`'s order), and the address of its classify page. */
export async function liveYesNoWorkflow(stack: Stack, title: string, subjects: SubjectInput[], retirement?: WorkflowInput['retirement'], selection?: WorkflowInput['selection']) {
  const { client } = stack;
  const project = await client.createProject({ title: `${title} ${Date.now()}`, status: 'live' });
  const set = await client.createSubjectSet(project.id, { name: 'Snippets' });
  await client.addSubjects(set.id, subjects);
  const workflow = await client.createWorkflow(project.id, {
    name: 'Ad or not?',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement,
    selection,
    subjectSetIds: [set.id],
  });
  await client.activateWorkflow(workflow.id);
  return { project, workflow, path: `/projects/${project.slug}/workflows/${workflow.id}` };
}

/** A 1×1 PNG, as a routed image's body. */
export const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** A page of a volunteer new to this browser (no session, nothing waiting), and the errors the page throws. */
export async function newcomerPage(suite: { readonly stack: Stack; readonly context: BrowserContext }): Promise<{ page: Page; errors: string[] }> {
  const page = await suite.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${suite.stack.baseUrl}/api/v1/health`); // the origin, without the app
  await page.evaluate(() => window.localStorage.clear());
  return { page, errors };
}

/** A page of this browser where the account is signed in (as a sign-in on this device would have left it). */
export async function signedInPage(suite: { readonly stack: Stack; readonly context: BrowserContext }, account: Session): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await newcomerPage(suite);
  await leaveSignedIn(page, account);
  return { page, errors };
}

/** The browser as a sign-in of the account from `page` leaves it: its other pages of the origin follow. */
export async function leaveSignedIn(page: Page, account: Session): Promise<void> {
  await page.evaluate(({ token, user }) => {
    window.localStorage.setItem('chorus.token', token);
    window.localStorage.setItem('chorus.tokenKind', 'registered');
    window.localStorage.setItem('chorus.user', JSON.stringify(user));
  }, account);
}

/**
 * Signs in from the header's link, by keyboard, as a volunteer would: with the guest's work on this device carried into
 * the account (`carry`, the form's default) or not; `beforeSubmit` runs on the filled form. Resolves once signed in.
 */
export async function signInByKeyboard(
  page: Page,
  { email, password }: { email: string; password: string },
  { carry = true, beforeSubmit }: { carry?: boolean; beforeSubmit?: () => Promise<void> } = {},
): Promise<void> {
  await tabTo(page, '[data-account-link="sign-in"]', 30, true);
  await page.keyboard.press('Enter');
  await tabTo(page, '#sign-in-email');
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Tab');
  await waitForFocus(page, '#sign-in-carry');
  expect(await page.locator('#sign-in-carry').getAttribute('aria-describedby')).toBe('sign-in-carry-hint');
  if (!carry) await page.keyboard.press('Space');
  expect(await page.locator('#sign-in-carry').isChecked()).toBe(carry);
  await beforeSubmit?.();
  await page.keyboard.press('Tab');
  await waitForFocus(page, '[data-testid="sign-in"] button[type="submit"]');
  await page.keyboard.press('Enter');
  await waitToSee(page.getByTestId('account-name'), { timeout: 10_000 });
}

/**
 * How many answers the page's outbox (IndexedDB) keeps for a workflow: of that workflow only, since the browser's other
 * pages (earlier tests) may have left answers of their own.
 */
export function answersKeptFor(page: Page, workflowId: string): Promise<number> {
  return page.evaluate(
    (id) =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open('chorus');
        open.onsuccess = () => {
          const all = open.result.transaction('outbox').objectStore('outbox').getAll();
          all.onsuccess = () => resolve(all.result.filter((item: { input: { workflowId: string } }) => item.input.workflowId === id).length);
        };
      }),
    workflowId,
  );
}

/**
 * Empties this browser's outbox (the answers kept on the device), for a test that counts what waits there: an earlier
 * test that failed part-way may have left answers of its own. Done from the origin without the app, before the test's
 * page opens; a browser with no outbox yet is left without one (the app makes it).
 */
export async function emptyOutbox(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/api/v1/health`);
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('chorus');
        open.onupgradeneeded = () => open.transaction?.abort();
        open.onerror = () => resolve();
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('outbox')) return resolve(db.close());
          const emptied = db.transaction('outbox', 'readwrite');
          emptied.objectStore('outbox').clear();
          emptied.oncomplete = () => resolve(db.close());
          emptied.onerror = () => reject(emptied.error);
        };
      }),
  );
}

/** Fills the create-account form the page shows and sends it, by its button's name in the page's language. */
export async function createAccountByForm(page: Page, { displayName, email }: { displayName: string; email: string }, submit = 'Create account'): Promise<void> {
  await page.locator('#account-name').fill(displayName);
  await page.locator('#account-email').fill(email);
  await page.locator('#account-password').fill(ACCOUNT_PASSWORD);
  await page.getByRole('button', { name: submit }).click();
}
