import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Route } from 'playwright-core';
import { PHONE_WINDOW, checkScreen, inWindowOf, signedInPage, skipTutorial, tabTo, useStackAndBrowser, waitForFocus, waitToSee, withClockPaused } from './support/browser';
import { signUp } from '../../../test/support/accounts';

/**
 * A subject set's page in the researcher lab, in a real browser against the real API: its subjects page by page, one
 * taken out (deleted when nobody classified it, kept when somebody did), the set renamed, a set a workflow serves
 * refused deletion in the page's words, and an unused one deleted. What the page did is read back through the API.
 */

jest.setTimeout(120_000);

describe('classifier in a browser: a subject set in the lab', () => {
  const suite = useStackAndBrowser();

  /** A request that reaches the API, which handles it, and whose answer is lost on the way back (the connection dropped). */
  async function answerLost(route: Route): Promise<void> {
    await route.fetch();
    await route.abort('connectionreset');
  }

  /** Follows a link or presses a button by keyboard: Tab to it, then Enter. */
  async function press(page: Page, selector: string): Promise<void> {
    await tabTo(page, selector, 120);
    await page.keyboard.press('Enter');
  }

  /**
   * A new researcher's project with a set, its lab page open with the set chosen for an upload: each upload's
   * Idempotency-Key kept in `keys`, and each request handled by `handle` (given how many were sent), else let through.
   */
  async function uploadPage(who: { email: string; displayName: string; title: string; set: string }, handle?: (route: Route, sent: number) => Promise<void>) {
    const account = await signUp(suite.stack, { email: `${who.email}-${Date.now()}@example.org`, password: 'correct horse battery', displayName: who.displayName });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: who.title });
    const set = await researcher.createSubjectSet(project.id, { name: who.set });
    const { page, errors } = await signedInPage(suite, account);
    const keys: string[] = [];
    await page.route(`**/api/v1/subject-sets/${set.id}/subjects`, async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      await (handle ? handle(route, keys.length) : route.continue());
    });
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await waitToSee(page.locator('#lab-upload-set option', { hasText: who.set }), { state: 'attached' });
    await page.locator('#lab-upload-set').selectOption({ label: who.set });
    return { researcher, project, page, errors, keys };
  }

  /** Files in a folder of their own, given to the page by their paths, which Chromium reads itself (as bytes, Playwright hands them over as slow base64). */
  function filesOf(texts: Record<string, string>): { paths: Record<string, string>; remove: () => void } {
    const folder = mkdtempSync(join(tmpdir(), 'chorus-lab-files-'));
    const paths = Object.fromEntries(Object.keys(texts).map((name) => [name, join(folder, name)]));
    for (const [name, text] of Object.entries(texts)) writeFileSync(paths[name]!, text);
    return { paths, remove: () => rmSync(folder, { recursive: true, force: true }) };
  }

  it('fits a set of IIIF pages with long ids on a narrow or zoomed screen, naming each image by its page and identifier', async () => {
    const account = await signUp(suite.stack, { email: `lab-narrow-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Anne Lister' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Registers' });
    const set = await researcher.createSubjectSet(project.id, { name: 'IIIF registers' });
    const canvas = (n: number) => ({
      externalId: `https://example.invalid/iiif/register-of-baptisms-1821/canvas/p${n}`,
      metadata: { canvas_label: `p. ${n}` },
      locations: [{ type: 'image' as const, url: `https://example.invalid/iiif/3/reg-1821-p${n}/full/max/0/default.jpg` }],
    });
    await researcher.addSubjects(set.id, [canvas(1), canvas(2)]);
    const { page, errors } = await signedInPage(suite, account);
    await page.setViewportSize({ width: 640, height: 450 }); // 1280 px at 200 %
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}/subject-sets/${set.id}`);
    await waitToSee(page.getByTestId('lab-set-subjects'));
    expect(await page.locator('[data-testid="lab-set-subjects"] tbody tr td:nth-child(2)').allTextContents()).toEqual(['p. 1 (reg-1821-p1)', 'p. 2 (reg-1821-p2)']);
    const fits = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth <= window.innerWidth,
      table: [...document.querySelectorAll('[data-testid="lab-set-subjects"], [data-testid="lab-set-subjects"] button')].every((element) => element.getBoundingClientRect().right <= window.innerWidth),
    }));
    expect(fits).toEqual({ page: true, table: true });
    // On a phone the table scrolls sideways in its box, and the page itself does not (the words only screen readers read too).
    expect(await inWindowOf(page, PHONE_WINDOW, () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the project’s activity per day: loading, then its totals, a table of the days with today’s classification in it, and the same rows as CSV', async () => {
    const account = await signUp(suite.stack, { email: `lab-activity-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Caroline Herschel' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Comet sweeps', status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Sweeps' });
    const { subjectIds } = await researcher.addSubjects(set.id, [{ externalId: 'sweep-1', locations: [{ type: 'text' as const, text: 'A faint nebula' }] }]);
    const tasks = { T0: { type: 'single' as const, question: 'A comet?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } };
    const { id: workflowId } = await researcher.createWorkflow(project.id, { name: 'Comet?', firstTask: 'T0', tasks, retirement: { rule: 'count', count: 5 }, subjectSetIds: [set.id] });
    await researcher.activateWorkflow(workflowId);
    const guest = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    await guest.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[0]!, annotations: [{ task: 'T0', value: 'yes' }] }, `activity-${Date.now()}`);

    const { page, errors } = await signedInPage(suite, account);
    // The activity held until the loading line is seen, then let through.
    const activity = (url: URL) => url.pathname.endsWith(`/projects/${project.id}/activity`);
    const held = new Promise<Route>((resolve) => void page.route(activity, resolve));
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    const section = page.getByTestId('lab-activity');
    const request = await held;
    await waitToSee(section.getByRole('status').getByText('Loading the activity…'));
    expect(await section.getByTestId('lab-activity-totals').count()).toBe(0);
    await request.continue();
    await page.unroute(activity);
    await waitToSee(section.getByTestId('lab-activity-totals'));
    expect(await section.getByText('Loading the activity…').count()).toBe(0);
    expect(await section.getByTestId('lab-activity-totals').textContent()).toBe('Over these days — classifications: 1; volunteers: 1 (1 new); subjects retired: 0.');
    const rows = section.locator('[data-testid="lab-activity-table"] tbody tr');
    expect(await rows.count()).toBe(30);
    // The most recent day first: today's, in the browser's time zone.
    const today = await page.evaluate(() => new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date()));
    expect((await rows.first().locator('th, td').allTextContents()).map((text) => text.trim())).toEqual([today, '1', '1', '1', '0']);
    // The CSV: its header, then the table's rows, a day a line, the oldest first.
    const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Download CSV' }).click()]);
    const tableRows = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim()).join(',')));
    // Named by its days, the oldest (the table's last row) to today.
    expect(download.suggestedFilename()).toBe(`activity-${(await rows.last().locator('th').textContent())!.trim()}-${today}.csv`);
    expect(readFileSync((await download.path())!, 'utf8').split('\n')).toEqual(['date,classifications,volunteers,new_volunteers,retired', ...tableRows.reverse(), '']);
    // On a phone the table scrolls sideways in a region of its own, as the lab's other tables do, and the page does not.
    expect(await inWindowOf(page, PHONE_WINDOW, () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('makes an empty subject set, for a routing effect to fill, and says that a refused file still made its new set, empty (round 16a F1)', async () => {
    const account = await signUp(suite.stack, { email: `lab-empty-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Margaret Hale' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Postcards' });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await waitToSee(page.getByText('make an empty one below'));
    await tabTo(page, '#lab-empty-set-name', 120);
    await page.keyboard.type('Postcards with a building');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('lab-empty-set-result').getByText('Subject set “Postcards with a building” made, with no subjects'));
    await waitToSee(page.locator('[data-testid="lab-sets"] tr', { hasText: 'Postcards with a building' }).getByRole('cell', { name: '0' }));
    // The same name again: refused at the name, plainly (this form has no file to put into that set).
    await page.locator('#lab-empty-set-name').fill('postcards with a building');
    await page.locator('#lab-empty-set-name').press('Enter');
    await waitToSee(page.getByTestId('lab-empty-set-name-error'));
    expect(await page.getByTestId('lab-empty-set-name-error').textContent()).toBe(
      'Another subject set of this project is named “Postcards with a building” (names are compared without their case or spaces around them): choose another name.',
    );
    await page.locator('#lab-empty-set-name').fill('');
    expect((await researcher.subjectSets(project.id)).subjectSets).toEqual([expect.objectContaining({ name: 'Postcards with a building', subjects: 0 })]);

    // A header alone into a new set: the set is made (empty), and the page says so rather than "changed nothing".
    await page.locator('#lab-upload-name').fill('Second stage');
    await page.locator('#lab-upload-file').setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.from('external_id,image_url\n') });
    await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await waitForFocus(page, '[role="alert"].alert');
    const alert = page.locator('[role="alert"]:focus');
    expect(await alert.locator('.alert-detail').textContent()).toBe(
      'The subject set “Second stage” was made, and is empty: Chorus could not accept the file, and added no subject (the corrected file goes into this set, chosen below). What to correct:',
    );
    expect(await alert.locator('.alert-fields li').allTextContents()).toEqual([expect.stringMatching(/^holds no subject .*make the set without uploading a file$/)]);
    expect((await researcher.subjectSets(project.id)).subjectSets.map((set) => [set.name, set.subjects]).sort()).toEqual([
      ['Postcards with a building', 0],
      ['Second stage', 0],
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a new set named as one the project has, at the name, and uploads the file into that set instead at a press', async () => {
    const account = await signUp(suite.stack, { email: `lab-taken-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Emily Davies' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Correspondence' });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await waitToSee(page.getByText('make an empty one below'));
    // A colleague makes "Letters" meanwhile: this page's list of sets does not have it.
    const letters = await researcher.createSubjectSet(project.id, { name: 'Letters' });
    await researcher.addSubjects(letters.id, [{ externalId: 'l1', locations: [{ type: 'text', text: 'Dear Madam,' }] }]);

    // The same file uploaded again, into "a new set" named as the first, in other letters.
    await page.locator('#lab-upload-name').fill(' letters ');
    await page.locator('#lab-upload-file').setInputFiles({ name: 'letters.csv', mimeType: 'text/csv', buffer: Buffer.from('external_id,text\nl1,"Dear Madam,"\nl2,"Dear Sir,"\n') });
    await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await waitToSee(page.getByTestId('lab-upload-name-error'));
    expect(await page.getByTestId('lab-upload-name-error').textContent()).toBe(
      'This project already has a subject set named “Letters” (names are compared without their case or spaces around them): choose another name, or upload into “Letters”.',
    );
    expect(await page.locator('#lab-upload-name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.alert-detail').count()).toBe(0); // at the field, not in a banner
    // Another name typed: the taken set is offered no more; the same name again offers it again.
    expect(await page.locator('#lab-upload-into-taken').textContent()).toBe('Upload the file into “Letters” instead');
    await page.locator('#lab-upload-name').fill(' letters');
    await waitToSee(page.locator('#lab-upload-into-taken'), { state: 'detached' });
    await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await waitToSee(page.locator('#lab-upload-into-taken'));

    // The button chooses the existing set (focus on the choice), and the file goes there, though the list of sets
    // (reloaded then, and held back here) does not have it yet: no second set.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(`**/projects/${project.id}/subject-sets`, async (route) => {
      if (route.request().method() === 'GET') await held;
      await route.continue();
    });
    expect(await page.locator('#lab-upload-into-taken').textContent()).toBe('Upload the file into “Letters” instead');
    await press(page, '#lab-upload-into-taken');
    await waitForFocus(page, '#lab-upload-set');
    expect(await page.locator('#lab-upload-name').count()).toBe(0);
    await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await waitToSee(page.getByTestId('lab-upload-result').getByText('1 subject added to “Letters” (1 new, 1 already in the project).'));
    release();
    await waitToSee(page.locator('#lab-upload-set option', { hasText: 'Letters' }), { state: 'attached' });
    expect(await page.locator('#lab-upload-set').inputValue()).toBe(letters.id);
    expect((await researcher.subjectSets(project.id)).subjectSets.map((set) => [set.name, set.subjects])).toEqual([['Letters', 2]]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lists a set’s subjects page by page, takes one out, renames the set and deletes only a set no workflow serves', async () => {
    const subjects = Array.from({ length: 55 }, (_, index) => ({ externalId: `page-${String(index).padStart(2, '0')}`, locations: [{ type: 'text' as const, text: `Page ${index} of the diary.` }] }));
    const account = await signUp(suite.stack, { email: `lab-sets-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Anne Lister' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Diaries', status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Diaries' });
    const { subjectIds } = await researcher.addSubjects(set.id, subjects);
    const workflow = await researcher.createWorkflow(project.id, {
      name: 'Dated?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Is the page dated?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      subjectSetIds: [set.id],
    });
    await researcher.activateWorkflow(workflow.id);
    const spare = await researcher.createSubjectSet(project.id, { name: 'Spare pages' });
    await researcher.addSubjects(spare.id, [{ externalId: 'spare-1', locations: [{ type: 'text', text: 'A spare page.' }] }]);
    const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    const [classified] = (await volunteer.queue(workflow.id, 1)).subjects;
    await volunteer.classify({ workflowId: workflow.id, workflowVersion: 1, subjectId: classified!.id, annotations: [{ task: 'T0', value: 'yes' }] }, `k-${Date.now()}`);

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await waitToSee(page.getByTestId('lab-sets'));
    await press(page, `[data-set-id="${set.id}"] a`);
    // The page shows its heading once it has loaded, and focus goes to it then, as after any navigation.
    await waitForFocus(page, 'h1');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Diaries');
    await waitToSee(page.getByTestId('lab-set-subjects'));
    const rows = page.locator('[data-testid="lab-set-subjects"] tbody tr');
    expect(await rows.count()).toBe(50);
    expect(await page.getByTestId('lab-set').textContent()).toContain('55 subjects.');
    await checkScreen(page, 'lab-subject-set');
    // The set as the CSV file an upload reads, every subject in the set's order, not the page shown, saved as it streams (a download link).
    const [file] = await Promise.all([page.waitForEvent('download'), press(page, '[data-testid="lab-set-download"]')]);
    expect(file.suggestedFilename()).toMatch(/^subjects-Diaries-[\da-f-]{36}-\d{8}T\d{6}Z\.csv$/);
    expect(file.url()).toContain('/subjects.csv?token=');
    const lines = readFileSync((await file.path())!, 'utf8').trim().split('\n');
    expect(lines).toEqual(['external_id,text', ...subjects.map((subject) => `${subject.externalId},${subject.locations[0]!.text}`)]);
    await press(page, '#lab-set-more');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="lab-set-subjects"] tbody tr').length === 55);

    // Never classified: taken out and deleted. Classified: taken out, kept.
    const unclassifiedId = subjectIds.find((id) => id !== classified!.id)!;
    const unclassified = subjects[subjectIds.indexOf(unclassifiedId)]!.externalId;
    // Asked first: Escape keeps it (focus back on its button), then Take it out.
    await press(page, `[data-subject-id="${unclassifiedId}"] button`);
    await waitForFocus(page, '[data-testid="lab-set-remove-question"]');
    expect(await page.getByTestId('lab-set-remove-question').textContent()).toContain(`Take ${unclassified} out of this set?`);
    await page.keyboard.press('Escape');
    await waitForFocus(page, `#lab-set-remove-${unclassifiedId}`);
    expect(await rows.count()).toBe(55);
    await page.keyboard.press('Enter');
    await press(page, '#lab-set-remove-confirm');
    await waitForFocus(page, '[data-testid="lab-set-status"]');
    expect(await page.getByTestId('lab-set-status').textContent()).toContain(`${unclassified} was taken out of the set and deleted`);
    await press(page, `[data-subject-id="${classified!.id}"] button`);
    await press(page, '#lab-set-remove-confirm');
    await waitToSee(page.getByText(`${classified!.externalId} was taken out of the set. It is kept`));
    expect(await rows.count()).toBe(53);
    const left = [];
    for (let after: string | undefined, more = true; more; ) {
      const page = await researcher.subjectsOf(set.id, { limit: 100, ...(after ? { after } : {}) });
      left.push(...page.subjects.map((subject) => subject.externalId));
      after = page.next ?? undefined;
      more = page.next !== null;
    }
    expect(left).toHaveLength(53);
    expect(left).not.toContain(unclassified);
    expect(left).not.toContain(classified!.externalId);
    expect((await suite.stack.db.query('SELECT count(*)::int AS n FROM subjects WHERE id = $1', [classified!.id])).rows).toEqual([{ n: 1 }]);

    // Refused the name of another set of the project, plainly; renamed; then refused deletion, in the page's words, while the workflow serves it.
    await tabTo(page, '#lab-set-name', 200);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('SPARE PAGES');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('lab-set-name-error'));
    expect(await page.getByTestId('lab-set-name-error').textContent()).toBe(
      'Another subject set of this project is named “Spare pages” (names are compared without their case or spaces around them): choose another name.',
    );
    await page.locator('#lab-set-name').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Diaries, volume 1');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByRole('heading', { level: 1, name: 'Diaries, volume 1' }));
    await waitToSee(page.getByText('The subject set is now called “Diaries, volume 1”.'));
    expect((await researcher.subjectSets(project.id)).subjectSets.find((one) => one.id === set.id)?.name).toBe('Diaries, volume 1');
    await press(page, '#lab-set-delete');
    await press(page, '#lab-set-delete-confirm');
    await waitToSee(page.getByText('A workflow serves this set'));
    expect((await researcher.subjectSets(project.id)).subjectSets.map((one) => one.id)).toContain(set.id);

    // A set no workflow serves is deleted, and the project's page says what became of its subjects.
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}/subject-sets/${spare.id}`);
    await waitToSee(page.getByRole('heading', { level: 1, name: 'Spare pages' }));
    await press(page, '#lab-set-delete');
    await press(page, '#lab-set-delete-confirm');
    await waitToSee(page.getByTestId('lab-project'));
    await waitToSee(page.getByText('The subject set “Spare pages” was deleted: 1 of its subjects deleted, 0 kept'));
    expect((await researcher.subjectSets(project.id)).subjectSets.map((one) => one.id)).not.toContain(spare.id);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('uploads two IIIF manifest files at once, in one request (all or nothing), and says how many subjects each gave', async () => {
    const account = await signUp(suite.stack, { email: `lab-manifests-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Gertrude Bell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Albums' });
    const manifest = (name: string, canvases: number[]) => ({
      '@context': 'http://iiif.io/api/presentation/3/context.json',
      id: `https://example.invalid/${name}`,
      type: 'Manifest',
      label: { en: [`Album ${name}`] },
      items: canvases.map((n) => ({
        id: `https://example.invalid/${name}/canvas/${n}`,
        type: 'Canvas',
        width: 10,
        height: 10,
        items: [{ id: `https://example.invalid/${name}/page/${n}`, type: 'AnnotationPage', items: [{ id: `https://example.invalid/${name}/anno/${n}`, type: 'Annotation', motivation: 'painting', target: `https://example.invalid/${name}/canvas/${n}`, body: { id: `https://example.invalid/${name}/${n}.jpg`, type: 'Image', format: 'image/jpeg' } }] }],
      })),
    });
    const file = (name: string, body: unknown) => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(body)) });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await page.locator('#lab-upload-name').fill('Albums');
    // A canvas in both files: refused, naming it and both manifests, and nothing of either is stored.
    const copy = { ...manifest('b', [1]), id: 'https://example.invalid/b-copy' };
    await page.locator('#lab-upload-file').setInputFiles([file('b.json', manifest('b', [1])), file('b-copy.json', copy)]);
    await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await waitForFocus(page, '[role="alert"].alert');
    expect(await page.locator('[role="alert"]:focus .alert-fields li').allTextContents()).toEqual([
      expect.stringContaining('"https://example.invalid/b/canvas/1", a canvas of both manifest https://example.invalid/b and manifest https://example.invalid/b-copy'),
    ]);
    expect((await researcher.subjectSets(project.id)).subjectSets.map((set) => [set.name, set.subjects])).toEqual([['Albums', 0]]);

    await page.locator('#lab-upload-file').setInputFiles([file('a.json', manifest('a', [1, 2])), file('b.json', manifest('b', [1]))]);
    await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
    const result = page.getByTestId('lab-upload-result');
    await waitToSee(result.getByText('3 subjects added to “Albums” (3 new, 0 already in the project).'));
    expect(await result.locator('[data-testid="lab-upload-manifests"] li').allTextContents()).toEqual(['Album a: 2 subjects', 'Album b: 1 subject']);
    expect((await researcher.subjectSets(project.id)).subjectSets.map((set) => [set.name, set.subjects])).toEqual([['Albums', 3]]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a IIIF file over 256 MiB before reading it; sends one again in parts under the lower limit a 413 names (another installation’s), and adds all of it', async () => {
    const LIMIT = 100_000;
    const canvas = (n: number) => ({
      id: `https://example.invalid/register/canvas/${n}`,
      type: 'Canvas',
      width: 10,
      height: 10,
      items: [{ id: `https://example.invalid/register/page/${n}`, type: 'AnnotationPage', items: [{ id: `https://example.invalid/register/anno/${n}`, type: 'Annotation', motivation: 'painting', target: `https://example.invalid/register/canvas/${n}`, body: { id: `https://example.invalid/register/${n}.jpg`, type: 'Image', format: 'image/jpeg' } }] }],
    });
    const manifest = { '@context': 'http://iiif.io/api/presentation/3/context.json', id: 'https://example.invalid/register', type: 'Manifest', label: { en: ['Register of burials'] }, items: Array.from({ length: 300 }, (_, at) => canvas(at + 1)) };
    const files = filesOf({ 'register.json': JSON.stringify(manifest), 'huge.json': '', 'half-a.json': '', 'half-b.json': '' });
    expect(readFileSync(files.paths['register.json']!).length).toBeGreaterThan(LIMIT);
    // 257 MiB (a sparse file: no disk taken, and the lab reads none of it).
    truncateSync(files.paths['huge.json']!, 257 * 1024 * 1024);
    // Two of 280 MiB: read to make their list, they would come to more than the longest text the browser holds.
    for (const half of ['half-a.json', 'half-b.json']) truncateSync(files.paths[half]!, 280 * 1024 * 1024);
    // The whole file is refused as another installation's API would, naming its limit; the parts after it go through.
    const sizes: number[] = [];
    const lowerLimit = async (route: Route, sent: number) => {
      sizes.push(route.request().postDataBuffer()?.length ?? 0);
      if (sent > 1) return route.continue();
      return route.fulfill({ status: 413, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Payload Too Large', status: 413, detail: 'The body is too large.', limitBytes: LIMIT }) });
    };
    const { researcher, project, page, errors, keys } = await uploadPage({ email: 'lab-iiif-limit', displayName: 'Anne Lister', title: 'Burials', set: 'Burials' }, lowerLimit);
    // A JSON file larger than the lab reads to cut in parts is refused at the file, before it is read or anything sent.
    await page.locator('#lab-upload-file').setInputFiles(files.paths['huge.json']!);
    await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await waitToSee(page.getByTestId('lab-upload-file-error'));
    expect(await page.getByTestId('lab-upload-file-error').textContent()).toBe(
      'The file is 257 MiB: more than the 256 MiB the lab reads to send a IIIF manifest or collection in parts (reading one takes several times its size in the browser’s memory). Split it into smaller manifests or collections, each under 256 MiB, and upload them one after another into the same set.',
    );
    // Several files chosen at once: their sizes together, compared before any is read.
    await page.locator('#lab-upload-file').setInputFiles([files.paths['half-a.json']!, files.paths['half-b.json']!]);
    await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await waitToSee(page.getByTestId('lab-upload-file-error').getByText(/^The files chosen/));
    expect(await page.getByTestId('lab-upload-file-error').textContent()).toBe(
      'The files chosen come to 560 MiB together: more than the 256 MiB the lab reads to send IIIF manifests or collections in parts (reading them takes several times their size in the browser’s memory). Choose fewer at once, under 256 MiB together, and upload them one after another into the same set.',
    );
    expect(keys).toEqual([]);

    await page.locator('#lab-upload-file').setInputFiles(files.paths['register.json']!);
    await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await waitToSee(page.getByTestId('lab-upload-result').getByText('300 subjects added to “Burials” (300 new, 0 already in the project).'));
    expect((await researcher.subjectSets(project.id)).subjectSets.map((set) => set.subjects)).toEqual([300]);
    // The whole document, then its parts, each under the limit learnt and with a key of its own.
    expect(sizes.length).toBeGreaterThan(2);
    expect(sizes[0]).toBeGreaterThan(LIMIT);
    expect(sizes.slice(1).every((size) => size <= LIMIT)).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    files.remove();
    expect(errors).toEqual([]);
    await page.close();
  });

  /**
   * A new researcher's project, its lab page open with a new set named for an upload, whose first request's answer (and
   * each of `lost`'s) is lost on its way back (the API stored it); each upload's Idempotency-Key kept in `keys`.
   */
  async function firstAnswerLost(who: { email: string; title: string; set: string }, lost = [1]) {
    const account = await signUp(suite.stack, { email: `${who.email}-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Anne Lister' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: who.title });
    const { page, errors } = await signedInPage(suite, account);
    const keys: string[] = [];
    // By its path: a text corpus's upload has a query (its file's name).
    await page.route((url) => /^\/api\/v1\/subject-sets\/[^/]+\/subjects$/.test(url.pathname), async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (!lost.includes(keys.length)) return route.continue();
      await answerLost(route);
    });
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await page.locator('#lab-upload-name').fill(who.set);
    /** Uploads the file at `path`: what its refusal says (focused), then, pressed again, once the page says `done`. */
    const uploadedTwice = async (path: string, done: string): Promise<string | null> => {
      await page.locator('#lab-upload-file').setInputFiles(path);
      await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
      await waitForFocus(page, '[role="alert"].alert');
      const refused = await page.locator('[role="alert"]:focus .alert-detail').textContent();
      await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
      await waitToSee(page.getByTestId('lab-upload-result').getByText(done));
      return refused;
    };
    return { researcher, project, page, errors, keys, uploadedTwice };
  }

  it('says of a new set whose upload’s first part got no answer that the part may have been added, not that the set is empty; sent again, it goes with the same key', async () => {
    // The first part's answer is lost on its way back: the API added its rows.
    const { researcher, project, page, errors, keys, uploadedTwice } = await firstAnswerLost({ email: 'lab-first-lost', title: 'Crews', set: 'Crews' });
    const files = filesOf({ 'crews.csv': 'external_id,image_url\ncrew-1,https://example.org/1.jpg\ncrew-2,https://example.org/2.jpg\n' });
    // Then sent again, its first part going with the same key.
    expect(await uploadedTwice(files.paths['crews.csv']!, '2 subjects added to “Crews” (2 new, 0 already in the project).')).toBe(
      'The subject set “Crews” was made, but the answer to the upload’s first part was lost on its way: Chorus may have added that part or not. Press “Upload” again (the set is chosen below): that part goes again under the same key, so its subjects are not added twice.',
    );
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect((await researcher.subjectSets(project.id)).subjectSets.map((set) => [set.name, set.subjects])).toEqual([['Crews', 2]]);
    files.remove();
    expect(errors).toEqual([]);
    await page.close();
  });

  /**
   * A IIIF server of the test's own, on another origin than the lab's: a version 3 manifest, a version 2 collection
   * naming two version 2 manifests by address, one naming a missing manifest, a manifest served without CORS headers,
   * JSON that is not IIIF, and a manifest that never comes. Each path asked for is kept in `asked`, in order.
   */
  async function iiifServer() {
    const V2 = 'http://iiif.io/api/presentation/2/context.json';
    const asked: string[] = [];
    let base = '';
    const v3 = (name: string, canvases: number[]) => ({
      '@context': 'http://iiif.io/api/presentation/3/context.json',
      id: `${base}/${name}`,
      type: 'Manifest',
      label: { en: [`Register ${name}`] },
      items: canvases.map((n) => ({
        id: `${base}/${name}/canvas/${n}`,
        type: 'Canvas',
        width: 10,
        height: 10,
        items: [{ id: `${base}/${name}/page/${n}`, type: 'AnnotationPage', items: [{ id: `${base}/${name}/anno/${n}`, type: 'Annotation', motivation: 'painting', target: `${base}/${name}/canvas/${n}`, body: { id: `https://example.invalid/${name}/${n}.jpg`, type: 'Image', format: 'image/jpeg' } }] }],
      })),
    });
    const v2 = (name: string, canvases: number[]) => ({
      '@context': V2,
      '@id': `${base}/${name}`,
      '@type': 'sc:Manifest',
      label: `Letters ${name}`,
      sequences: [
        {
          '@type': 'sc:Sequence',
          canvases: canvases.map((n) => ({
            '@id': `${base}/${name}/canvas/${n}`,
            '@type': 'sc:Canvas',
            label: `f. ${n}`,
            width: 10,
            height: 10,
            images: [{ '@type': 'oa:Annotation', motivation: 'sc:painting', on: `${base}/${name}/canvas/${n}`, resource: { '@id': `https://example.invalid/${name}/${n}.jpg`, '@type': 'dctypes:Image', format: 'image/jpeg' } }],
          })),
        },
      ],
    });
    const collection = (name: string, members: string[]) => ({ '@context': V2, '@id': `${base}/${name}`, '@type': 'sc:Collection', label: name, manifests: members.map((member) => ({ '@id': `${base}/${member}`, '@type': 'sc:Manifest', label: member })) });
    const documents: Partial<Record<string, () => unknown>> = {
      '/register-1821': () => v3('register-1821', [1, 2]),
      '/letters': () => collection('letters', ['letters-a', 'letters-b']),
      '/letters-a': () => v2('letters-a', [1, 2]),
      '/letters-b': () => v2('letters-b', [1]),
      '/letters-gap': () => collection('letters-gap', ['letters-a', 'missing']),
      '/letters-c': () => v2('letters-c', [1]),
      '/register-long': () => v3('register-long', Array.from({ length: 10_001 }, (_, at) => at + 1)),
      '/letters-twice': () => collection('letters-twice', ['letters-b', 'letters-c', 'letters-b']),
      '/letters-slow': () => collection('letters-slow', ['letters-b', 'slow']),
      '/catalogue': () => ({ name: 'a catalogue', records: 3 }),
    };
    const server: Server = createServer((request, response) => {
      const path = request.url ?? '';
      asked.push(path);
      if (path === '/slow') return; // never answers
      if (path === '/no-cors') return response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(v3('no-cors', [1])));
      const document = documents[path];
      response.writeHead(document ? 200 : 404, { 'content-type': 'application/ld+json', 'access-control-allow-origin': '*' }).end(document ? JSON.stringify(document()) : 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const close = async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    };
    return { base, asked, documents, close };
  }

  it('adds the subjects of IIIF manifests and collections by their addresses, read by the browser, and refuses in words what it cannot read, adding nothing', async () => {
    const iiif = await iiifServer();
    // The first add's answer is lost on its way back (the API added the subjects): the retry goes with the same key.
    // The fifth and the eighth are refused by the API as too large (a smaller limit than the browser's, as an
    // installation may set): under the first, each canvas with its manifest fits; under the second, none does.
    const tooLarge = (limitBytes: number) => JSON.stringify({ type: 'about:blank', title: 'Payload Too Large', status: 413, detail: 'The body is too large.', limitBytes });
    const { researcher, project, page, errors, keys } = await uploadPage({ email: 'lab-iiif-address', displayName: 'Anne Lister', title: 'Registers by address', set: 'Registers' }, async (route, sent) => {
      if (sent === 5 || sent === 8) return route.fulfill({ status: 413, contentType: 'application/problem+json', body: tooLarge(sent === 5 ? 1_000 : 300) });
      if (sent !== 1) return route.continue();
      await answerLost(route);
    });
    const address = page.locator('#lab-upload-address');
    const fieldError = page.getByTestId('lab-upload-address-error');
    const result = page.getByTestId('lab-upload-result');
    const subjectsInSet = async () => (await researcher.subjectSets(project.id)).subjectSets.map((set) => [set.name, set.subjects]);
    /** Adds from the address typed, by keyboard (Enter in the field), and waits for the field's refusal, focused. */
    const refused = async (typed: string) => {
      await address.fill(typed);
      await address.press('Enter');
      await waitForFocus(page, '#lab-upload-address[aria-invalid="true"]');
      return fieldError.textContent();
    };

    expect(await refused('ftp://example.org/manifest.json')).toBe('Give an address that starts with https:// or http://: the lab reads manifests from the web only.');
    expect(await refused(`${iiif.base}/no-cors`)).toBe(`${iiif.base}/no-cors could not be read: its server did not answer, or it does not let other sites read it (its CORS policy). Download the manifest and upload the file instead.`);
    expect(await refused(`${iiif.base}/catalogue`)).toContain(`${iiif.base}/catalogue is JSON, but not a IIIF manifest or collection`);
    expect(await refused(`${iiif.base}/letters-gap`)).toBe(
      `Nothing was added: a manifest or collection that ${iiif.base}/letters-gap names could not be read. ${iiif.base}/missing answered 404 instead of the document: check the address (or download the manifest and upload the file instead).`,
    );
    expect(await withClockPaused(page, async () => {
      await address.fill(`${iiif.base}/letters-slow`);
      await tabTo(page, '#lab-upload-address-submit');
      await page.keyboard.press('Enter');
      // Each member said as it is read; each button says its own state: the file's is not uploading.
      await waitToSee(result.getByText(`Reading 2 of at most 100: ${iiif.base}/slow…`));
      expect(await page.locator('#lab-upload-address-submit').textContent()).toBe('Adding…');
      expect(await page.locator('form:has(#lab-upload-address) button[type="submit"]').textContent()).toBe('Upload');
      await page.clock.runFor(30_000);
      await waitForFocus(page, '#lab-upload-address[aria-invalid="true"]');
      return fieldError.textContent();
    })).toBe(`Nothing was added: a manifest or collection that ${iiif.base}/letters-slow names could not be read. ${iiif.base}/slow did not answer within 30 seconds. Try again later, or download the manifest and upload the file instead.`);
    expect(iiif.asked).toEqual(['/no-cors', '/catalogue', '/letters-gap', '/letters-a', '/missing', '/letters-slow', '/letters-b', '/slow']);
    expect(keys).toEqual([]);
    expect(await subjectsInSet()).toEqual([['Registers', 0]]);

    // A version 3 manifest; its first answer lost, the add pressed again sends it with the same key, adding nothing twice.
    await address.fill(`${iiif.base}/register-1821`);
    await press(page, '#lab-upload-address-submit');
    // Said as any upload whose answer did not come, the summary focused.
    await waitForFocus(page, '[role="alert"].alert');
    await waitToSee(page.locator('[role="alert"]:focus .alert-detail'));
    await press(page, '#lab-upload-address-submit');
    await waitToSee(result.getByText('2 subjects added to “Registers” (2 new, 0 already in the project).'));
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(await subjectsInSet()).toEqual([['Registers', 2]]);

    // A version 2 collection naming its manifests by address: each read, in order, and the subjects added in one upload.
    iiif.asked.length = 0;
    await address.fill(`${iiif.base}/letters`);
    await press(page, '#lab-upload-address-submit');
    await waitToSee(result.getByText('3 subjects added to “Registers” (3 new, 0 already in the project).'));
    expect(await result.locator('[data-testid="lab-upload-manifests"] li').allTextContents()).toEqual(['Letters letters-a: 2 subjects', 'Letters letters-b: 1 subject']);
    expect(iiif.asked).toEqual(['/letters', '/letters-a', '/letters-b']);
    expect(keys).toHaveLength(3);
    expect(await subjectsInSet()).toEqual([['Registers', 5]]);
    // A collection naming a manifest twice: each taken once (a document read once), the repeat said.
    iiif.asked.length = 0;
    await address.fill(`${iiif.base}/letters-twice`);
    await press(page, '#lab-upload-address-submit');
    await waitToSee(result.getByText('1 subject added to “Registers” (1 new, 1 already in the project).'));
    expect(await result.getByTestId('lab-upload-repeated-manifests').textContent()).toBe('1 repeated manifest left out: a manifest named more than once is added once, where it first appears.');
    expect(iiif.asked).toEqual(['/letters-twice', '/letters-b', '/letters-c']);
    expect(keys).toHaveLength(4);
    expect(await subjectsInSet()).toEqual([['Registers', 6]]);
    // Refused by the API as too large, naming a lower limit: cut again under it and sent in two parts, each with its key.
    await address.fill(`${iiif.base}/register-1821`);
    await press(page, '#lab-upload-address-submit');
    // Both already in the set: none added again.
    await waitToSee(result.getByText('0 subjects added to “Registers” (0 new, 2 already in the project).'));
    expect(keys).toHaveLength(7);
    expect(new Set(keys.slice(4)).size).toBe(3);
    // Under a limit no canvas fits with its manifest: said as the manifest's, with the API's limit, not as a file's.
    expect(await refused(`${iiif.base}/register-1821`)).toBe(`${iiif.base}/register-1821 is larger than 300 bytes, the most one upload takes: split the manifest into smaller ones (each under 300 bytes) and upload them as files.`);
    expect(keys).toHaveLength(8);
    expect(await subjectsInSet()).toEqual([['Registers', 6]]);
    const { subjects } = await researcher.subjectsOf((await researcher.subjectSets(project.id)).subjectSets[0]!.id, { limit: 10 });
    expect(subjects.map((subject) => subject.externalId)).toEqual([
      `${iiif.base}/register-1821/canvas/1`,
      `${iiif.base}/register-1821/canvas/2`,
      `${iiif.base}/letters-a/canvas/1`,
      `${iiif.base}/letters-a/canvas/2`,
      `${iiif.base}/letters-b/canvas/1`,
      `${iiif.base}/letters-c/canvas/1`,
    ]);
    expect(errors).toEqual([]);
    await page.close();
    await iiif.close();
  });

  it('describes a subject’s images from its row, a field per image, and the classifier names each image by its description', async () => {
    const account = await signUp(suite.stack, { email: `lab-describe-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Anne Lister' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Postcards', status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Postcards' });
    const front = { type: 'image' as const, url: 'https://example.invalid/postcards/1-front.jpg' };
    const back = { type: 'image' as const, url: 'https://example.invalid/postcards/1-back.jpg', alt: 'A postcard’s back' };
    const { subjectIds } = await researcher.addSubjects(set.id, [
      { externalId: 'card-1', metadata: { title: 'Card 1' }, locations: [front, back, { type: 'text', text: 'Greetings from Halifax' }] },
      { externalId: 'note-1', locations: [{ type: 'text', text: 'A note without images' }] },
    ]);
    const workflow = await researcher.createWorkflow(project.id, {
      name: 'Dated?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Is the card dated?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      // The card first, as uploaded: the volunteer's first subject is the one described.
      selection: { order: 'sequential', goldStandardRate: 0 },
      subjectSetIds: [set.id],
    });
    await researcher.activateWorkflow(workflow.id);

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}/subject-sets/${set.id}`);
    await waitToSee(page.getByTestId('lab-set-subjects'));
    // Only a subject with images offers it.
    expect(await page.getByRole('button', { name: /^Describe images/ }).count()).toBe(1);
    await press(page, `#lab-set-describe-${subjectIds[0]}`);
    const form = page.getByTestId('lab-describe-images');
    await waitToSee(form);
    expect(await form.getByRole('textbox').count()).toBe(2);
    expect(await form.getByRole('textbox', { name: 'Description of image 2' }).inputValue()).toBe('A postcard’s back');
    await form.getByRole('textbox', { name: 'Description of image 1' }).fill('The Piece Hall, Halifax, in snow');
    await form.getByRole('textbox', { name: 'Description of image 2' }).fill('');
    await form.getByRole('button', { name: 'Save the descriptions' }).click();
    await waitToSee(page.getByTestId('lab-set-status').getByText('The images of Card 1 are described'));
    expect(await form.count()).toBe(0);
    const [described] = (await researcher.subjectsOf(set.id)).subjects;
    expect(described?.locations).toEqual([{ ...front, alt: 'The Piece Hall, Halifax, in snow' }, { type: 'image', url: back.url }, { type: 'text', text: 'Greetings from Halifax' }]);

    // A volunteer's classifier reads the description out as the image's name.
    await skipTutorial(suite.context, workflow.id);
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/workflows/${workflow.id}`);
    await waitToSee(page.getByTestId('image-viewer'), { state: 'attached' });
    // Its address (example.invalid) does not load: once the viewer knows, the name says so after the description.
    expect(await page.getByTestId('image-viewer').getAttribute('aria-label')).toMatch(/^Subject, page 1 of 3: The Piece Hall, Halifax, in snow(\. The image could not be loaded\.)?$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sends a table of more than 10,000 rows in parts, saying how far it is; stops at a refused part naming the file’s line, and goes on from there once corrected', async () => {
    // 10,050 rows, each tenth with a note in quotes holding a comma and a line break; row 10,020 with a bad address or not.
    const rows = Array.from({ length: 10_050 }, (_, index) => ({ id: `crew-${index + 1}`, note: index % 10 === 0 ? '"Able seaman, Hull\nsigned off"' : 'cook' }));
    const table = (badRow: number | null) =>
      `${['external_id,image_url,note', ...rows.map((row, index) => `${row.id},${index + 1 === badRow ? 'ftp://example.org/bad.jpg' : `https://example.org/${row.id}.jpg`},${row.note}`)].join('\n')}\n`;
    /** The line of the file row `n` (from 1) starts on: after the header's, one a row, two for a note on two lines. */
    const lineOf = (n: number) => 2 + rows.slice(0, n - 1).reduce((lines, row) => lines + (row.note.includes('\n') ? 2 : 1), 0);
    const files = filesOf({ 'crews.csv': table(10_020), 'crews-corrected.csv': table(null), 'crews-twice.csv': table(null).replace('crew-10040,', 'crew-3,') });
    // The second part held until its progress is seen.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const hold = async (route: Route, sent: number) => {
      if (sent === 2) await held;
      await route.continue();
    };
    const { researcher, project, page, errors, keys } = await uploadPage({ email: 'lab-parts', displayName: 'Florence Nightingale', title: 'Crew lists', set: 'Crews 1860' }, hold);
    // An external_id given twice, in rows that would go in different parts: refused before any part is sent, as one upload of the file is.
    await page.locator('#lab-upload-file').setInputFiles(files.paths['crews-twice.csv']!);
    await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await waitForFocus(page, '[role="alert"].alert');
    const twice = page.locator('[role="alert"]:focus');
    expect(await twice.locator('.alert-detail').textContent()).toBe('Chorus could not accept this, and changed nothing. What to correct:');
    expect(await twice.locator('.alert-fields li').allTextContents()).toEqual([`Line ${lineOf(10_040)} of the CSV, column "external_id": repeats line ${lineOf(3)}'s externalId "crew-3"`]);
    expect(keys).toEqual([]);

    await page.locator('#lab-upload-file').setInputFiles(files.paths['crews.csv']!);
    await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
    // The first part added, the status says how far the upload is (politely: a status region).
    const status = page.getByTestId('lab-upload-result');
    expect(await status.getAttribute('role')).toBe('status');
    await waitToSee(status.getByText('Added 10,000 of 10,050 subjects…'));
    release();

    // The second part refused: which lines were added, which not, and the API's problem at the file's own line.
    // Uploading 10,000 rows takes a while on a loaded machine: the refusal is waited for, then its focus.
    await waitToSee(page.locator('[role="alert"] .alert-detail'));
    await waitForFocus(page, '[role="alert"].alert');
    const alert = page.locator('[role="alert"]:focus');
    const resumeLine = lineOf(10_001);
    expect(await alert.locator('.alert-detail').textContent()).toBe(
      `The 10,000 subjects of lines 2 to ${lineOf(10_000)} of the file were added. ` +
        `The 50 subjects from line ${resumeLine} on were not: Chorus refused the part of the file that starts there, and the upload stopped. ` +
        `Correct the file from line ${resumeLine} on (or, if Chorus could not be reached, wait a moment), choose it again if you changed it, and press “Try again from line ${resumeLine}”. ` +
        'What to correct:',
    );
    expect(await alert.locator('.alert-fields li').allTextContents()).toEqual([expect.stringMatching(new RegExp(`^Line ${lineOf(10_020)} of the CSV, column "image_url": `))]);
    expect((await researcher.subjectSets(project.id)).subjectSets).toEqual([expect.objectContaining({ name: 'Crews 1860', subjects: 10_000 })]);

    // Corrected, chosen again: "Try again" sends the rest only.
    expect(await page.getByTestId('lab-upload-try-again').textContent()).toBe(`Try again from line ${resumeLine}`);
    await page.locator('#lab-upload-file').setInputFiles(files.paths['crews-corrected.csv']!);
    await press(page, '[data-testid="lab-upload-try-again"]');
    await waitToSee(status.getByText('10,050 subjects added to “Crews 1860” (10,050 new, 0 already in the project).'));
    // A warning each part gave in its own words is said with the part's lines.
    expect(await status.getByTestId('lab-upload-warning').allTextContents()).toEqual([
      expect.stringMatching(new RegExp(`^Lines 2 to ${lineOf(10_000)} of the file: 10000 of the 10000 images have no description \\(alt\\)`)),
      expect.stringMatching(new RegExp(`^Lines ${resumeLine} to ${lineOf(10_050)} of the file: 50 of the 50 images have no description \\(alt\\)`)),
    ]);
    expect((await researcher.subjectSets(project.id)).subjectSets).toEqual([expect.objectContaining({ name: 'Crews 1860', subjects: 10_050 })]);
    // A key per part, fresh for the corrected part (a retry of the same part would have had its own again).
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
    expect(keys.every((key) => /^[0-9a-f-]{36}$/.test(key))).toBe(true);
    files.remove();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sends again, with its key, a part whose answer was lost: rows without an external_id are added once, and the page says the whole file again would add them twice', async () => {
    const files = filesOf({ 'tides.csv': `text,port\n${Array.from({ length: 10_001 }, (_, index) => `High water ${index + 1},Bristol\n`).join('')}` });
    // The second part reaches the API, which adds it; its answer is lost on the way back.
    const loseSecond = async (route: Route, sent: number) => {
      if (sent !== 2) return route.continue();
      await answerLost(route);
    };
    const { researcher, project, page, errors, keys } = await uploadPage({ email: 'lab-lost', displayName: 'Mary Somerville', title: 'Tide tables', set: 'Tides' }, loseSecond);
    await page.locator('#lab-upload-file').setInputFiles(files.paths['tides.csv']!);
    await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
    // Uploading 10,000 rows takes a while on a loaded machine: the refusal is waited for, then its focus.
    await waitToSee(page.locator('[role="alert"] .alert-detail'));
    await waitForFocus(page, '[role="alert"].alert');
    expect(await page.locator('[role="alert"]:focus .alert-detail').textContent()).toMatch(
      /^The 10,000 subjects of lines 2 to 10001 of the file were added\. The subject of line 10002 was not: .* Its rows have no external_id: uploading the whole file again would add the 10,000 subjects already added a second time\. .*“Try again from line 10002”, which sends only the rest\./,
    );
    // Added after all: the retry, with the part's key, is answered with the first answer and adds nothing.
    expect((await researcher.subjectSets(project.id)).subjectSets).toEqual([expect.objectContaining({ subjects: 10_001 })]);
    await press(page, '[data-testid="lab-upload-try-again"]');
    // The button goes with the refusal: the focus goes to where the progress is said, not back to the page's start.
    await waitForFocus(page, '[data-testid="lab-upload-result"]');
    await waitToSee(page.getByTestId('lab-upload-result').getByText('10,001 subjects added to “Tides” (10,001 new, 0 already in the project).'));
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('lab-upload-result');
    expect((await researcher.subjectSets(project.id)).subjectSets).toEqual([expect.objectContaining({ subjects: 10_001 })]);
    expect(keys).toHaveLength(3);
    expect(keys[2]).toBe(keys[1]);
    files.remove();
    expect(errors).toEqual([]);
    await page.close();
  });

  /** The texts of a set's subjects, every page of them, read through the API. */
  async function textsOf(researcher: Awaited<ReturnType<typeof uploadPage>>['researcher'], setId: string): Promise<string[]> {
    const texts: string[] = [];
    for (let after: string | undefined, more = true; more; ) {
      const page = await researcher.subjectsOf(setId, { limit: 100, ...(after ? { after } : {}) });
      texts.push(...page.subjects.flatMap((subject) => subject.locations.map((location) => ('text' in location ? String(location.text) : ''))));
      after = page.next ?? undefined;
      more = page.next !== null;
    }
    return texts;
  }

  /** The project's one set holds each of the file's rows (`texts`) once, and the upload, gone to its end, is forgotten on the device. */
  async function expectEachRowOnceAndForgotten(researcher: Awaited<ReturnType<typeof uploadPage>>['researcher'], projectId: string, page: Page, texts: string[]): Promise<void> {
    const [set] = (await researcher.subjectSets(projectId)).subjectSets;
    expect((await textsOf(researcher, set!.id)).sort()).toEqual([...texts].sort());
    expect(await page.evaluate(() => window.localStorage.getItem('chorus.stoppedUploads.v1'))).toBeNull();
  }

  /**
   * An upload of the file at `path` into a new researcher's set that stops at its second part: the whole file refused
   * as another installation's API would, naming a lower limit (1,000 bytes); of its parts, the second dropped on its
   * way there, or (`answerToo`) on its way back, after the API added it. The line "Try again" goes on from.
   */
  async function stoppedAtSecondPart(who: { email: string; title: string; set: string }, path: string, { answerToo }: { answerToo: boolean }) {
    const upload = await uploadPage({ ...who, displayName: 'Mary Somerville' }, async (route, sent) => {
      if (sent === 1) return route.fulfill({ status: 413, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Payload Too Large', status: 413, detail: 'The body is too large.', limitBytes: 1_000 }) });
      if (sent !== 3) return route.continue();
      await (answerToo ? answerLost(route) : route.abort('connectionreset'));
    });
    await upload.page.locator('#lab-upload-file').setInputFiles(path);
    await press(upload.page, 'form:has(#lab-upload-file) button[type="submit"]');
    await waitForFocus(upload.page, '[role="alert"].alert');
    const line = Number((await upload.page.getByTestId('lab-upload-try-again').textContent())!.replace('Try again from line ', ''));
    return { ...upload, line };
  }

  /** The page reloaded (its "Try again" gone with it), the file at `path` chosen again: the stop kept offered, in its words. */
  async function reloadedAndChosen(page: Page, set: string, path: string): Promise<string | null> {
    await page.reload();
    await waitToSee(page.locator('#lab-upload-set option', { hasText: set }), { state: 'attached' });
    await page.locator('#lab-upload-file').setInputFiles(path);
    await waitToSee(page.getByTestId('lab-upload-kept').getByTestId('lab-upload-continue'));
    return page.getByTestId('lab-upload-kept').locator('p').textContent();
  }

  it('keeps where an upload stopped across a reload: the same file chosen again continues from there, its part whose answer was lost under the same key, adding every row once', async () => {
    const texts = Array.from({ length: 120 }, (_, index) => `High water ${index + 1}`);
    const files = filesOf({ 'tides.csv': `text,port\n${texts.map((text) => `${text},Bristol\n`).join('')}` });
    const who = { email: 'lab-kept-stop', title: 'Tide tables', set: 'Tides' };
    const { researcher, project, page, errors, keys, line } = await stoppedAtSecondPart(who, files.paths['tides.csv']!, { answerToo: true });
    expect(line).toBeGreaterThan(2);
    expect(keys).toHaveLength(3);
    // Kept on this device: where it stopped and the lost part's key, never the file's text.
    const stored = (await page.evaluate(() => window.localStorage.getItem('chorus.stoppedUploads.v1')))!;
    expect(stored).toContain(keys[2]);
    expect(stored).not.toContain('High water');

    // Reloaded, the same file chosen again: the stop is offered, whatever set is chosen.
    const offer = `^This file was stopped at subject ${line - 1} of 120 \\(line ${line}\\) on [A-Z][a-z]{2} \\d{1,2}, \\d{4}, \\d{1,2}:\\d{2}\\s[AP]M, uploaded into “Tides”: continue from there \\(the subjects before it were added\\), or start again\\. `;
    const withoutIds = 'Its rows have no external_id: started again, it would add the subjects before that line a second time\\.';
    expect(await reloadedAndChosen(page, 'Tides', files.paths['tides.csv']!)).toMatch(new RegExp(`${offer}${withoutIds}$`));

    // Gone from this device since it was offered (another page went on from it): Continue sends nothing, and says so.
    await page.evaluate(() => window.localStorage.removeItem('chorus.stoppedUploads.v1'));
    await press(page, '[data-testid="lab-upload-continue"]');
    await waitToSee(page.locator('[role="alert"]').getByText('This upload is no longer stopped here'));
    expect(keys).toHaveLength(3);
    expect(await page.getByTestId('lab-upload-continue').count()).toBe(0);

    // Kept into a set the project no longer has: forgotten once a file is chosen, not offered.
    await page.evaluate((kept) => window.localStorage.setItem('chorus.stoppedUploads.v1', kept.replaceAll(/"setId":"[^"]+"/g, '"setId":"00000000-0000-4000-8000-000000000000"')), stored);
    await page.reload();
    await waitToSee(page.locator('#lab-upload-set option', { hasText: 'Tides' }), { state: 'attached' });
    await page.locator('#lab-upload-file').setInputFiles(files.paths['tides.csv']!);
    await page.waitForFunction(() => window.localStorage.getItem('chorus.stoppedUploads.v1') === null);
    expect(await page.getByTestId('lab-upload-continue').count()).toBe(0);

    // Stopped more than a day ago (when the API forgets a key): the lost part may be added twice, and the offer says so.
    await page.evaluate((kept) => window.localStorage.setItem('chorus.stoppedUploads.v1', kept.replace(/"stoppedAt":\d+/, `"stoppedAt":${Date.now() - 25 * 3_600_000}`)), stored);
    expect(await reloadedAndChosen(page, 'Tides', files.paths['tides.csv']!)).toMatch(
      new RegExp(`${offer}${withoutIds} It stopped more than a day ago, and Chorus no longer knows the part from line ${line} it was sending: if that part was added before its answer was lost, continuing adds it a second time\\.$`),
    );
    await press(page, '[data-testid="lab-upload-continue"]');
    await waitToSee(page.getByTestId('lab-upload-result').getByText('120 subjects added to “Tides” (120 new, 0 already in the project).'));
    // The part whose answer was lost went again under its key (answered from the API's store), the parts before it not at all.
    expect(keys[3]).toBe(keys[2]);
    expect(new Set(keys).size).toBe(keys.length - 1);
    await expectEachRowOnceAndForgotten(researcher, project.id, page, texts);
    files.remove();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('forgets a stop kept when the researcher starts the file again, which is sent from its start into the stop’s set', async () => {
    const ids = Array.from({ length: 60 }, (_, index) => `crew-${index + 1}`);
    const files = filesOf({ 'crews.csv': `image_url\n${ids.map((id) => `https://example.org/${id}.jpg\n`).join('')}` });
    const { researcher, project, page, errors, keys, line } = await stoppedAtSecondPart({ email: 'lab-start-again', title: 'Crew lists', set: 'Crews' }, files.paths['crews.csv']!, { answerToo: false });
    const before = line - 2; // the rows of the first part, added
    expect(await reloadedAndChosen(page, 'Crews', files.paths['crews.csv']!)).toMatch(new RegExp(`^This file was stopped at subject ${before + 1} of 60 \\(line ${line}\\) on .*, uploaded into “Crews”: continue from there \\(the subjects before it were added\\), or start again\\. Its rows have no external_id: started again, it would add the subjects before that line a second time\\.$`));
    // The set chosen after the reload is a new one: started again, the file goes into the stop's set all the same.
    expect(await page.locator('#lab-upload-set').inputValue()).toBe('new');
    // Cut in parts again (the lower limit named), its first part held on its way: while parts go out, closing the page asks first.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let restarted = 0;
    await page.route('**/api/v1/subject-sets/*/subjects', async (route) => {
      restarted += 1;
      if (restarted === 1) return route.fulfill({ status: 413, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Payload Too Large', status: 413, detail: 'The body is too large.', limitBytes: 1_000 }) });
      if (restarted === 2) await held;
      await route.fallback();
    });
    await press(page, '[data-testid="lab-upload-start-again"]');
    await waitToSee(page.getByTestId('lab-upload-progress'));
    const asked = new Promise<string>((resolve) => page.once('dialog', (dialog) => void dialog.dismiss().then(() => resolve(dialog.type()))));
    const closed = page.waitForEvent('close').then(() => 'closed without asking');
    await page.close({ runBeforeUnload: true });
    expect(await Promise.race([asked, closed])).toBe('beforeunload');
    expect(page.isClosed()).toBe(false);
    release();
    await waitToSee(page.getByTestId('lab-upload-result').getByText('60 subjects added to “Crews” (60 new, 0 already in the project).'));
    expect(await page.locator('#lab-upload-set option:checked').textContent()).toBe('Crews');
    // Sent anew from its start: its first part under a new key (rows without ids: those of the first part added again, as the offer said).
    expect(keys.length).toBeGreaterThan(3);
    expect(keys.slice(3)).not.toContain(keys[1]);
    expect(await page.evaluate(() => window.localStorage.getItem('chorus.stoppedUploads.v1'))).toBeNull();
    expect((await researcher.subjectSets(project.id)).subjectSets).toEqual([expect.objectContaining({ name: 'Crews', subjects: 60 + before })]);
    files.remove();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps an upload whose page closed while a part was out: the file chosen in another page continues from that part under its key, adding every row once; not while a page still sends it', async () => {
    const texts = Array.from({ length: 120 }, (_, index) => `Low water ${index + 1}`);
    const files = filesOf({ 'tides.csv': `text,port\n${texts.map((text) => `${text},Avonmouth\n`).join('')}` });
    const path = files.paths['tides.csv']!;
    // Cut in parts under a lower limit (another installation's); its second part reaches the API, which adds it, and its answer never comes back.
    let out = () => {};
    const partOut = new Promise<void>((resolve) => (out = resolve));
    const { researcher, project, page, keys } = await uploadPage({ email: 'lab-interrupted', displayName: 'Mary Somerville', title: 'Tide tables', set: 'Tides' }, async (route, sent) => {
      if (sent === 1) return route.fulfill({ status: 413, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Payload Too Large', status: 413, detail: 'The body is too large.', limitBytes: 1_000 }) });
      if (sent !== 3) return route.continue();
      await route.fetch();
      out();
    });
    await page.locator('#lab-upload-file').setInputFiles(path);
    await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await partOut;
    // Kept before the part went out: where the upload is and the part's key, never the file's text.
    const stored = (await page.evaluate(() => window.localStorage.getItem('chorus.stoppedUploads.v1')))!;
    expect(stored).not.toContain('Low water');
    const [going] = JSON.parse(stored) as { sending?: boolean; stop: { upload: { at: number; partKey: { key: string } } } }[];
    expect(going).toMatchObject({ sending: true, stop: { upload: { partKey: { key: keys[2] } } } });
    const line = going!.stop.upload.at;
    expect(line).toBeGreaterThan(2);

    // Another page of this browser, while the first one still sends it: the file chosen there is not offered as interrupted.
    const other = await suite.context.newPage();
    const errors: string[] = [];
    other.on('pageerror', (error) => errors.push(error.message));
    const otherKeys: string[] = [];
    await other.route('**/api/v1/subject-sets/*/subjects', async (route) => {
      otherKeys.push(route.request().headers()['idempotency-key'] ?? '');
      await route.continue();
    });
    await other.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await waitToSee(other.locator('#lab-upload-set option', { hasText: 'Tides' }), { state: 'attached' });
    await other.locator('#lab-upload-file').setInputFiles(path);
    // Nothing to wait for when nothing is offered: the file's SHA-256 and the locks are read well within this.
    await other.waitForTimeout(2_000);
    expect(await other.getByTestId('lab-upload-continue').count()).toBe(0);

    // The sending page closed, its part's answer never read: reloaded, the other page offers to continue it, in its words.
    await page.close();
    expect(await reloadedAndChosen(other, 'Tides', path)).toMatch(
      new RegExp(`^The upload of this file into “Tides” was interrupted at subject ${line - 1} of 120 \\(line ${line}\\) on .*, while a part was going out \\(its page closed, or the part’s answer was lost\\): continue from there .*, or start again\\. Its rows have no external_id: `),
    );
    await press(other, '[data-testid="lab-upload-continue"]');
    await waitToSee(other.getByTestId('lab-upload-result').getByText('120 subjects added to “Tides” (120 new, 0 already in the project).'));
    // The part that was out went again under its key (answered from the API's store), the parts before it not at all.
    expect(otherKeys[0]).toBe(keys[2]);
    expect(otherKeys).not.toContain(keys[1]);
    await expectEachRowOnceAndForgotten(researcher, project.id, other, texts);
    files.remove();
    expect(errors).toEqual([]);
    await other.close();
  });

  /** A table of 120 rows cut in three parts under a lower limit (another installation's 413 of the whole, naming 1,000 bytes), each request after the 413 handled by `part` (given which part). */
  async function tideTable(who: { email: string; displayName: string }, part: (route: Route, at: number) => Promise<void>) {
    const texts = Array.from({ length: 120 }, (_, index) => `Neap tide ${index + 1}`);
    const files = filesOf({ 'tides.csv': `text,port\n${texts.map((text) => `${text},Swansea\n`).join('')}` });
    const sent = await uploadPage({ ...who, title: 'Tide tables', set: 'Tides' }, async (route, at) => {
      if (at === 1) return route.fulfill({ status: 413, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Payload Too Large', status: 413, detail: 'The body is too large.', limitBytes: 1_000 }) });
      return part(route, at - 1);
    });
    return { ...sent, texts, files, path: files.paths['tides.csv']! };
  }

  const storedStops = (page: Page) => page.evaluate(() => window.localStorage.getItem('chorus.stoppedUploads.v1'));

  it('keeps an upload whose first part’s answer was lost (that part may have been added): reloaded, it continues from that part under its key, adding every row once', async () => {
    const { researcher, project, page, errors, keys, texts, files, path } = await tideTable({ email: 'lab-first-lost', displayName: 'Inge Lehmann' }, (route, part) => (part === 1 ? answerLost(route) : route.continue()));
    await page.locator('#lab-upload-file').setInputFiles(path);
    await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await waitForFocus(page, '[role="alert"].alert');
    const [kept] = JSON.parse((await storedStops(page))!) as { sending?: boolean; stop: { upload: { sent: { parts: number }; partKey: { key: string } } } }[];
    expect(kept).toMatchObject({ sending: true, stop: { upload: { sent: { parts: 0 }, partKey: { key: keys[1] } } } });
    expect(await reloadedAndChosen(page, 'Tides', path)).toMatch(/^The upload of this file into “Tides” was interrupted at subject 1 of 120 \(line 2\) on .*, while a part was going out \(its page closed, or the part’s answer was lost\): /);
    await press(page, '[data-testid="lab-upload-continue"]');
    await waitToSee(page.getByTestId('lab-upload-result').getByText('120 subjects added to “Tides” (120 new, 0 already in the project).'));
    // The first part went again under its key (answered from the API's store).
    expect(keys[2]).toBe(keys[1]);
    await expectEachRowOnceAndForgotten(researcher, project.id, page, texts);
    files.remove();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps nothing of an upload once its account signed out in another page while its parts went out', async () => {
    let out = () => {};
    const partOut = new Promise<void>((resolve) => (out = resolve));
    let signedOut = () => {};
    const goOn = new Promise<void>((resolve) => (signedOut = resolve));
    let secondAnswered = () => {};
    const second = new Promise<void>((resolve) => (secondAnswered = resolve));
    const { page, errors, files, path, project } = await tideTable({ email: 'lab-signed-out', displayName: 'Marie Tharp' }, async (route, part) => {
      if (part !== 2) return route.continue();
      out();
      await goOn;
      await route.fulfill({ response: await route.fetch() });
      secondAnswered();
    });
    await page.locator('#lab-upload-file').setInputFiles(path);
    await press(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await partOut;
    expect(await storedStops(page)).toContain('"sending":true');
    const other = await suite.context.newPage();
    await other.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await other.locator('[data-testid="account-nav"] button', { hasText: 'Sign out' }).click();
    await waitToSee(other.getByTestId('account-status').filter({ hasText: 'signed out' }), { timeout: 10_000 });
    expect(await storedStops(other)).toBeNull();
    // Its second part goes on, refused (its account's sign-in ended): the upload stops there, and is not kept.
    signedOut();
    await second;
    // Nothing to wait for when nothing is kept (the lab asks to sign in): its refusal is read, and its stop worked out, well within this.
    await page.waitForTimeout(2_000);
    expect(await storedStops(page)).toBeNull();
    files.remove();
    expect(errors).toEqual([]);
    await other.close();
    await page.close();
  });

  it('says of a file sent whole whose answer was lost (into a new set, then into that one) that it may have been added, not that its set is empty; sent again, it goes with the same key', async () => {
    // The upload reaches the API, which adds its subjects; its answer is lost on the way back.
    // So is the third's, a text corpus's into the set then made.
    const { researcher, project, page, errors, keys, uploadedTwice } = await firstAnswerLost({ email: 'lab-whole-lost', title: 'Diaries', set: 'Diaries' }, [1, 3]);
    // Subjects without external ids: a second upload of them would add them again.
    const subjects = ['Walked to Halifax', 'Rain all day'].map((text) => ({ locations: [{ type: 'text', text }] }));
    const files = filesOf({ 'diaries.json': JSON.stringify({ subjects }), 'letters.txt': 'Dear Mariana\n\nShibden, Tuesday\n\nYours ever' });
    expect(await uploadedTwice(files.paths['diaries.json']!, '2 subjects added to “Diaries” (2 new, 0 already in the project).')).toBe(
      'The subject set “Diaries” was made, but the answer to the upload was lost on its way: Chorus may have added its subjects or not. Press “Upload” again (the set is chosen below): the upload goes again under the same key, so its subjects are not added twice.',
    );
    expect(await uploadedTwice(files.paths['letters.txt']!, '3 subjects added to “Diaries” (3 new, 0 already in the project).')).toBe(
      'The answer to the upload was lost on its way: Chorus may have added its subjects or not. Press “Upload” again: the upload goes again under the same key, so its subjects are not added twice.',
    );
    expect(keys).toHaveLength(4);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[3]).toBe(keys[2]);
    expect(keys[2]).not.toBe(keys[0]);
    const [set] = (await researcher.subjectSets(project.id)).subjectSets;
    expect((await textsOf(researcher, set!.id)).sort()).toEqual(['Dear Mariana', 'Rain all day', 'Shibden, Tuesday', 'Walked to Halifax', 'Yours ever']);
    files.remove();
    expect(errors).toEqual([]);
    await page.close();
  });

  // Last: the API is busy a while after reading 10,000 canvases, which would slow the tests after it.
  it('adds a manifest of more canvases than one upload takes, read from its address, in parts; a part whose answer was lost is sent again with its key', async () => {
    const iiif = await iiifServer();
    // The second part's answer is lost (it reaches the API, which adds it, then the connection drops): the upload stops
    // there, saying what was added.
    const { researcher, project, page, errors, keys } = await uploadPage({ email: 'lab-iiif-long', displayName: 'Anne Lister', title: 'A long register', set: 'Long' }, async (route, sent) => {
      if (sent !== 2) return route.continue();
      return answerLost(route);
    });
    const result = page.getByTestId('lab-upload-result');
    await page.locator('#lab-upload-address').fill(`${iiif.base}/register-long`);
    await press(page, '#lab-upload-address-submit');
    await waitToSee(result.getByText('Added 0 of 10,001 subjects…'));
    // Reading 10,000 canvases is the API's longest upload: waited for long, on a loaded machine.
    await waitToSee(page.locator('[role="alert"] .alert-detail'), { timeout: 240_000 });
    await waitForFocus(page, '[role="alert"].alert');
    expect(await page.locator('[role="alert"] .alert-detail').textContent()).toMatch(
      /^10,000 of the 10,001 subjects of the document were added, in order; those from subject 10,001 on were not: Chorus refused the part of the document that starts there, or did not answer, and the upload stopped\. Correct the document from subject 10,001 on .* and press “Try again from subject 10,001”, which sends only the rest\. /,
    );
    // The part whose answer was lost was added all the same.
    expect((await researcher.subjectSets(project.id)).subjectSets.map((set) => set.subjects)).toEqual([10_001]);
    // Tried again: the address read again, the part it stopped at sent again with its key (the API answers it as
    // before, adding nothing twice), the parts added not sent at all.
    expect(await page.getByTestId('lab-upload-try-again').textContent()).toBe('Try again from subject 10,001');
    // The document at the address changed before the stop (its label, which each of its subjects has): said of the
    // address, not of a file to choose, and nothing sent.
    const served = iiif.documents['/register-long']!;
    iiif.documents['/register-long'] = () => ({ ...(served() as object), label: { en: ['Another register'] } });
    await press(page, '[data-testid="lab-upload-try-again"]');
    await waitToSee(page.locator('[role="alert"] .alert-detail').getByText(/ changed before subject /));
    expect(await page.locator('[role="alert"] .alert-detail').textContent()).toBe(
      `The document at ${iiif.base}/register-long changed before subject 10,001: its manifests or canvases there differ from those added, so going on from that subject could skip or repeat subjects. Try again once the document there is the one you were adding (changed from subject 10,001 on only), or add the whole document anew.`,
    );
    expect(keys).toHaveLength(2);
    iiif.documents['/register-long'] = served;
    await press(page, '[data-testid="lab-upload-try-again"]');
    await waitToSee(result.getByText('10,001 subjects added to “Long” (10,001 new, 0 already in the project).'), { timeout: 240_000 });
    expect(keys).toHaveLength(3);
    expect(keys[2]).toBe(keys[1]);
    expect(new Set(keys).size).toBe(2);
    expect((await researcher.subjectSets(project.id)).subjectSets.map((set) => set.subjects)).toEqual([10_001]);
    expect(errors).toEqual([]);
    await page.close();
    await iiif.close();
  }, 600_000);
});
