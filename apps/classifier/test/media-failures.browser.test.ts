import { signUp } from '../../../test/support/accounts';
import type { Page } from 'playwright-core';
import type { SubjectInput } from '@chorus/client';
import { liveYesNoWorkflow, openWorkflow, signedInPage, skipTutorial, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * Images that do not load, told to researchers without volunteers doing anything: the classifier says each failed load
 * once to the API, and the lab warns of them with the subjects and their addresses (tester round 22, F5).
 */

jest.setTimeout(120_000);

/** An address nothing answers on (the discard port), so the viewer fails at once. */
const nowhere = (path: string) => `http://127.0.0.1:9/${path}`;
/** A 1×1 PNG, for an image that loads. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const yesNo = {
  name: 'Look',
  firstTask: 'T0',
  tasks: { T0: { type: 'single' as const, question: 'Anything?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
};

describe('classifier in a browser: media that do not load are told to researchers', () => {
  const suite = useStackAndBrowser();

  /**
   * A live yes/no project of these subjects, opened in a new page whose clock stands still: it moves only as the test
   * moves it (`viewerSays`, `runFor`), so a failure waits to be told however slowly this machine answers meanwhile.
   */
  async function openWithClockStill(title: string, subjects: SubjectInput[]): Promise<{ page: Page; workflow: { id: string } }> {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, title, subjects);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await page.clock.install();
    await page.clock.pauseAt(Date.now() + 1_000);
    await page.goto(suite.stack.baseUrl + path);
    return { page, workflow };
  }

  /** Moves a still clock on a tenth of a second at a time until the image viewer says `status`: no further. */
  async function viewerSays(page: Page, status: 'failed' | 'ready'): Promise<void> {
    const said = () => page.evaluate(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-status'));
    for (const until = Date.now() + 30_000; (await said()) !== status; ) {
      if (Date.now() > until) throw new Error(`the image viewer said ${await said()}, not ${status}`);
      await page.clock.runFor(100);
    }
  }

  it('tells the API once that a subject’s image failed to load, however often the volunteer turns back to it, and nothing of an image that loads', async () => {
    const working = `${suite.stack.baseUrl}/test-images/working.png`;
    await suite.context.route('**/test-images/working.png', (route) => route.fulfill({ status: 200, contentType: 'image/png', body: PIXEL }));
    const said: string[] = [];
    await suite.context.route('**/media-failures', async (route) => {
      said.push(route.request().postData() ?? '');
      await route.continue();
    });
    const { page, workflow } = await openWorkflow(
      suite,
      'Ledgers',
      [{ externalId: 'ledger', locations: [{ type: 'image', url: nowhere('ledger/1.jpg'), alt: 'Page 1' }, { type: 'image', url: working, alt: 'Page 2' }], metadata: {} }],
      yesNo,
    );
    const status = () => page.getByTestId('image-viewer').getAttribute('data-status');
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-status') === 'failed', null, { timeout: 30_000 });
    const counted = async () => (await suite.stack.db.query('SELECT subject_id, location, url FROM media_failures WHERE workflow_id = $1', [workflow.id])).rows;
    for (let tries = 0; tries < 100 && (await counted()).length === 0; tries += 1) await page.waitForTimeout(200);
    expect(await counted()).toEqual([{ subject_id: expect.any(String), location: 1, url: nowhere('ledger/1.jpg') }]);

    // The image that loads, then the broken one again: nothing more is said.
    await page.keyboard.press(']');
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-status') === 'ready', null, { timeout: 30_000 });
    await page.keyboard.press('[');
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-status') === 'failed', null, { timeout: 30_000 });
    expect(await status()).toBe('failed');
    await page.waitForTimeout(500);
    expect(said.map((body) => JSON.parse(body) as unknown)).toEqual([{ subjectId: expect.any(String), location: 1, url: nowhere('ledger/1.jpg') }]);
    expect(await counted()).toHaveLength(1);
    // The volunteer was told nothing of it: only the viewer's own words.
    expect(await page.getByRole('alert').count()).toBe(0);
    await suite.context.unroute('**/media-failures');
    await suite.context.unroute('**/test-images/working.png');
  });

  it('tells a failure the volunteer answered past at once: the page keeps it after the subject goes', async () => {
    const broken = (n: number) => ({ externalId: `quick-${n}`, locations: [{ type: 'image' as const, url: nowhere(`quick/${n}.jpg`) }], metadata: {} });
    const { page, workflow } = await openWithClockStill('Quick', [broken(1), broken(2)]);
    try {
      const subject = page.getByTestId('subject');
      await viewerSays(page, 'failed');
      const first = await subject.getAttribute('data-subject-id');
      await page.getByRole('radio', { name: /Yes/ }).check();
      await page.getByRole('button', { name: /Done/ }).click();
      await page.waitForFunction((previous) => document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') !== previous, first, { timeout: 30_000 });
      // Answered before the failure was due to be told: the subject, and its viewer, are gone from the page, nothing told yet.
      const counted = async () => (await suite.stack.db.query('SELECT location, url FROM media_failures WHERE workflow_id = $1 AND subject_id = $2', [workflow.id, first])).rows;
      expect(await counted()).toEqual([]);
      await page.clock.runFor(2_000);
      for (let tries = 0; tries < 100 && (await counted()).length === 0; tries += 1) await new Promise((resolve) => setTimeout(resolve, 200));
      const [{ external_id: name }] = (await suite.stack.db.query('SELECT external_id FROM subjects WHERE id = $1', [first])).rows;
      expect(await counted()).toEqual([{ location: 1, url: nowhere(`quick/${String(name).replace('quick-', '')}.jpg`) }]);
    } finally {
      await page.clock.resume();
    }
  });

  it.each(['offline', 'online'] as const)('tells nothing of a failure followed within two seconds by the browser saying it is %s: the load failed for want of a connection', async (event) => {
    // The image fails until the connection "comes back"; then the viewer's try again (on `online`) loads it.
    let failing = true;
    await suite.context.route(`**/test-images/flaky-${event}.png`, (route) =>
      failing ? route.fulfill({ status: 404, body: '' }) : route.fulfill({ status: 200, contentType: 'image/png', body: PIXEL }),
    );
    const { page, workflow } = await openWithClockStill(`Flaky ${event}`, [{ externalId: 'flaky', locations: [{ type: 'image', url: `${suite.stack.baseUrl}/test-images/flaky-${event}.png` }], metadata: {} }]);
    try {
      await viewerSays(page, 'failed');
      failing = false;
      await page.evaluate((type) => window.dispatchEvent(new Event(type)), event);
      await page.clock.runFor(3_500); // past the two seconds a failure waits before it is told
      await viewerSays(page, event === 'online' ? 'ready' : 'failed');
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // a report, were one sent, reaches the API
      expect((await suite.stack.db.query('SELECT 1 FROM media_failures WHERE workflow_id = $1', [workflow.id])).rows).toEqual([]);
    } finally {
      await page.clock.resume();
      await suite.context.unroute(`**/test-images/flaky-${event}.png`);
    }
  });

  it('keeps the volunteer at work, told nothing, when the API refuses to count a failure', async () => {
    let refusals = 0;
    await suite.context.route('**/media-failures', (route) => {
      refusals += 1;
      return route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ title: 'Unavailable', status: 503 }) });
    });
    const { page } = await openWorkflow(suite, 'Refused', [{ externalId: 'gone', locations: [{ type: 'image', url: nowhere('gone/1.jpg') }], metadata: {} }], yesNo);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-status') === 'failed', null, { timeout: 30_000 });
    for (let tries = 0; tries < 100 && refusals === 0; tries += 1) await page.waitForTimeout(200);
    expect(refusals).toBe(1);
    await page.waitForTimeout(500);
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.getByRole('radio', { name: /Yes/ }).check();
    await page.getByRole('button', { name: /Done/ }).click();
    await waitToSee(page.getByText(/Thank|no more|seen every/i).first(), { timeout: 30_000 });
    expect(errors).toEqual([]);
    await suite.context.unroute('**/media-failures');
  });

  it('warns researchers in the lab of the subjects whose images volunteers could not load, lists them with their addresses, and a corrected address clears its count', async () => {
    const account = await signUp(suite.stack, { email: `lab-media-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Ada Lovelace' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: `Registers ${Date.now()}`, status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Folios' });
    const { subjectIds: [broken, fine] } = await researcher.addSubjects(set.id, [
      { externalId: 'folio-1', locations: [{ type: 'image', url: nowhere('old-server/folio-1.jpg') }] },
      { externalId: 'folio-2', locations: [{ type: 'image', url: nowhere('old-server/folio-2.jpg') }] },
    ]);
    const { id: workflowId } = await researcher.createWorkflow(project.id, { ...yesNo, subjectSetIds: [set.id] });
    await researcher.activateWorkflow(workflowId);
    const { page } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await waitToSee(page.getByTestId('lab-workflow-status'));
    // Nothing failed yet: nothing said.
    await waitToSee(page.getByTestId('lab-workflow-version'));
    expect(await page.getByTestId('lab-media-failures').count()).toBe(0);

    for (let n = 0; n < 2; n += 1) {
      await suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token).mediaFailed(workflowId, { subjectId: broken!, location: 1 });
    }
    await page.reload();
    const warning = page.getByTestId('lab-media-failures-warning');
    await waitToSee(warning, { timeout: 30_000 });
    expect(await warning.textContent()).toMatch(/^Volunteers could not load the images or recordings of 1 subject \(2 failed loads, the last on .+\)\.$/);

    // Which subjects, by keyboard: the list opens, with the address each was loaded from.
    await tabTo(page, '[aria-controls="lab-media-failures-list"]', 200);
    await page.keyboard.press('Enter');
    const row = page.getByTestId('lab-media-failures-list').locator(`tr[data-subject-id="${broken}"]`);
    await waitToSee(row);
    expect(await row.locator('.lab-report-media').textContent()).toBe(`Image 1: ${nowhere('old-server/folio-1.jpg')}`);
    expect(await row.locator('td').nth(1).textContent()).toBe('2');
    expect(await page.getByTestId('lab-media-failures-list').locator(`tr[data-subject-id="${fine}"]`).count()).toBe(0);

    await tabTo(page, `tr[data-subject-id="${broken}"] button[aria-label="Correct the address of folio-1"]`, 200);
    await page.keyboard.press('Enter');
    await waitForFocus(page, '#lab-correct-url-0');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(nowhere('new-server/folio-1.jpg'));
    await page.locator('#lab-correct-reason').fill('The library moved its image server');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('lab-media-failures-result').getByText('The address of folio-1 is corrected'), { timeout: 30_000 });
    await waitToSee(warning, { state: 'detached', timeout: 30_000 });
    expect(await page.getByTestId('lab-media-failures-list').count()).toBe(0);
  });

  /** A researcher's lab page of a workflow whose 21 subjects each failed once, in order, its list of them open; the next page's answer waits for `release`. */
  async function twentyOneFailed(name: string) {
    const account = await signUp(suite.stack, { email: `lab-media-${name}-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Ada Lovelace' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: `Many folios ${Date.now()}`, status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Folios' });
    const { subjectIds } = await researcher.addSubjects(
      set.id,
      Array.from({ length: 21 }, (_, n) => ({ externalId: `folio-${n}`, locations: [{ type: 'image' as const, url: nowhere(`many/${n}.jpg`) }] })),
    );
    const { id: workflowId } = await researcher.createWorkflow(project.id, { ...yesNo, subjectSetIds: [set.id] });
    await researcher.activateWorkflow(workflowId);
    const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    for (const subjectId of subjectIds) await volunteer.mediaFailed(workflowId, { subjectId, location: 1 });

    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let answered = () => {};
    const nextAnswered = new Promise<void>((resolve) => {
      answered = resolve;
    });
    const { page, errors } = await signedInPage(suite, account);
    await page.route(/\/media-failures\?.*after=/, async (route) => {
      const response = await route.fetch();
      await released;
      await route.fulfill({ response });
      answered();
    });
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await waitToSee(page.getByTestId('lab-media-failures-warning').getByText(/of 21 subjects \(21 failed loads/), { timeout: 30_000 });
    await page.getByRole('button', { name: 'Show which subjects' }).click();
    const rows = page.getByTestId('lab-media-failures-list').locator('tbody tr');
    await waitToSee(rows.first());
    return { page, errors, subjectIds, rows, release, nextAnswered };
  }

  it('lists the subjects whose media failed twenty at a time in the lab, the next ones read with Show more, by keyboard', async () => {
    const { page, errors, subjectIds, rows, release } = await twentyOneFailed('pages');
    expect(await rows.count()).toBe(20);
    expect(await rows.first().getAttribute('data-subject-id')).toBe(subjectIds[20]); // the most recently first failed first
    expect(await page.getByTestId('lab-media-failures-list').locator('thead th').allTextContents()).toEqual(['Subject', 'Images and recordings', 'Failed loads', 'First failed', 'Last failed']);
    await tabTo(page, '#lab-media-failures-list > button', 200);
    await page.keyboard.press('Enter');
    // While the next page is read, the button stays focused and says it is busy: pressed again, it asks nothing more.
    const more = page.getByRole('button', { name: 'Show more subjects' });
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-disabled') === 'true');
    expect(await more.evaluate((button) => button === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    release();
    await waitToSee(rows.nth(20));
    expect(await rows.nth(20).getAttribute('data-subject-id')).toBe(subjectIds[0]);
    expect(await rows.count()).toBe(21);
    // The last page read: the button goes, and the focus is on the first subject it brought, not lost to the page.
    expect(await more.count()).toBe(0);
    await waitForFocus(page, `tr[data-subject-id="${subjectIds[0]}"]`);
    expect(errors).toEqual([]);
  });

  it('drops a next page answered after the list was read again (an address corrected meanwhile): no subject twice, none corrected back', async () => {
    const { page, errors, subjectIds, rows, release, nextAnswered } = await twentyOneFailed('late');
    await page.getByRole('button', { name: 'Show more subjects' }).click();
    await page.getByRole('button', { name: 'Correct the address of folio-20' }).click();
    await page.locator('#lab-correct-url-0').fill(nowhere('moved/20.jpg'));
    await page.locator('#lab-correct-reason').fill('The library moved its image server');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('lab-media-failures-result').getByText('The address of folio-20 is corrected'), { timeout: 30_000 });
    await waitToSee(page.getByTestId('lab-media-failures-warning').getByText(/of 20 subjects \(20 failed loads/), { timeout: 30_000 });
    release();
    await nextAnswered;
    await page.waitForTimeout(500);
    const listed = await rows.evaluateAll((each) => each.map((row) => row.getAttribute('data-subject-id')));
    expect(listed).toEqual(subjectIds.slice(0, 20).reverse());
    expect(await page.getByRole('button', { name: 'Show more subjects' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('previews each listed subject of a set in the lab, says in words which images did not load in the researcher’s browser and how many of the page’s, and asks first when the project is made live or a workflow activated', async () => {
    await suite.context.route('**/test-images/preview-*.png', (route) => route.fulfill({ status: 200, contentType: 'image/png', body: PIXEL }));
    const account = await signUp(suite.stack, { email: `lab-previews-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Ada Lovelace' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: `Previews ${Date.now()}` });
    const set = await researcher.createSubjectSet(project.id, { name: 'Mixed' });
    await researcher.addSubjects(set.id, [
      { externalId: 'a-loads', locations: [{ type: 'image', url: `${suite.stack.baseUrl}/test-images/preview-1.png`, alt: 'A ledger page' }] },
      { externalId: 'b-broken', metadata: { title: 'Register, folio 2' }, locations: [{ type: 'image', url: nowhere('moved/folio-2.jpg') }] },
      { externalId: 'c-loads', locations: [{ type: 'image', url: `${suite.stack.baseUrl}/test-images/preview-2.png` }, { type: 'image', url: nowhere('moved/back.jpg') }] },
      { externalId: 'd-sound', locations: [{ type: 'audio', url: nowhere('sound.mp3') }] },
      { externalId: 'e-text', locations: [{ type: 'text', text: 'Dear Sir,\nI write to you' }] },
    ]);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}/subject-sets/${set.id}`);
    const summary = page.getByTestId('lab-set-previews-failed');
    await waitToSee(summary.getByText('1 of 3 images on this page did not load in your browser.'), { timeout: 30_000 });
    expect(await summary.getAttribute('role')).toBe('status');
    const row = (externalId: string) => page.getByTestId('lab-set-subjects').locator('tr', { has: page.getByRole('rowheader', { name: externalId }) });
    // The broken one said in words, with what it shows; the others shown, small and lazily, named by their description.
    expect(await row('b-broken').locator('.lab-preview-failed').textContent()).toBe('Did not load in your browser: Register, folio 2');
    await page.waitForFunction(() => [...document.querySelectorAll('.lab-preview')].filter((preview) => preview.getAttribute('data-state') === 'loaded').length === 2, null, { timeout: 30_000 });
    const first = row('a-loads').getByRole('img', { name: 'A ledger page' });
    expect(await first.getAttribute('loading')).toBe('lazy');
    expect(await first.getAttribute('width')).toBe('64');
    expect(await row('a-loads').locator('.lab-preview-failed').count()).toBe(0);
    expect(await row('c-loads').locator('.lab-preview-failed').count()).toBe(0); // its first image only
    expect(await row('d-sound').getByText('Recording: not previewed').count()).toBe(1);
    expect(await row('e-text').locator('.lab-preview-text').textContent()).toBe('Dear Sir,');

    // Made live from the project's page in this tab: asked first, and nothing changed until confirmed.
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await page.locator('#lab-details-status').selectOption('live');
    await page.locator('#lab-details-save').click();
    const question = page.getByTestId('lab-previews-question');
    await waitToSee(question.getByText('The image of 1 subject did not load in your browser; make the project live anyway?'), { timeout: 30_000 });
    await question.getByRole('button', { name: 'Not yet' }).click();
    await waitForFocus(page, '#lab-details-save');
    expect((await researcher.getProject(project.slug)).status).toBe('draft');
    await page.keyboard.press('Enter');
    await question.getByRole('button', { name: 'Make it live anyway' }).click();
    for (let tries = 0; tries < 100 && (await researcher.getProject(project.slug)).status !== 'live'; tries += 1) await page.waitForTimeout(200);
    expect((await researcher.getProject(project.slug)).status).toBe('live');

    // A workflow of the project activated in this tab: asked first too.
    const { id: workflowId } = await researcher.createWorkflow(project.id, { ...yesNo, subjectSetIds: [set.id] });
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await page.locator('#lab-status-activate').click();
    await waitToSee(question.getByText('The image of 1 subject of this project did not load in your browser; activate the workflow anyway?'), { timeout: 30_000 });
    expect((await researcher.getWorkflow(workflowId)).status).toBe('draft');
    await question.getByRole('button', { name: 'Activate it anyway' }).click();
    await waitToSee(page.getByTestId('lab-workflow-status').getByText('active', { exact: true }), { timeout: 30_000 });
    expect((await researcher.getWorkflow(workflowId)).status).toBe('active');
    expect(errors).toEqual([]);
    await suite.context.unroute('**/test-images/preview-*.png');
  });
});
