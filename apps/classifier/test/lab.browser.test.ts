import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { WorkflowInput } from '@chorus/client';
import type { Page } from 'playwright-core';
import { ACCOUNT_PASSWORD, newAccount, signUp } from '../../../test/support/accounts';
import { until } from '../../../test/support/waiting';
import { PIXEL, checkScreen, launchBrowser, liveYesNoWorkflow, newcomerPage, seriousViolations, setShown, signedInPage, skipTutorial, tabTo, useStackAndBrowser, waitForFocus, waitForTask, waitToSee, withClockPaused } from './support/browser';

/**
 * The researcher lab, in a real browser against the real API and worker: a guest is sent to sign in; a researcher
 * creates a project by keyboard, uploads a CSV (a bad one's rows named first), creates a workflow, sees a bad
 * definition's pointer and then a good save's version and warning, links the set, activates the workflow, and
 * downloads its consensus through a working link; an owner invites a colleague, who accepts, then changes their role
 * and removes them; a researcher retires subjects, returns one to volunteers and sets a priority; an owner writes the
 * project's About pages, which a volunteer reads as tabs by keyboard. What the lab did is
 * read back through the API (and, for what it cannot show, Postgres).
 */

jest.setTimeout(120_000);

const PASSWORD = 'correct horse battery';

/**
 * Row 3 has an ftp URL, row 4 nothing volunteers could see, row 5 an image written into its cell (a data: URL): the
 * lab names each by its line (and column), not by the API's pointer.
 */
const BAD_CSV =
  'external_id,image_url,text\nsnippet-1,https://example.org/a.jpg,\nsnippet-2,ftp://example.org/b.jpg,\nsnippet-3,,\nsnippet-4,"data:image/png;base64,iVBORw0KGgo=",\n';
const GOOD_CSV = 'external_id,text,source\nsnippet-1,"FOR SALE, one bicycle, nearly new.",Gazette\nsnippet-2,The mayor spoke at noon.,Gazette\nsnippet-3,"WANTED, a cook.",Herald\n';

/** A valid definition whose retirement rule sits on a task a branch leads past: saved, with a warning at its pointer. */
const BRANCHING_DEFINITION: WorkflowInput = {
  name: 'Ad or not?',
  firstTask: 'T0',
  tasks: {
    T0: { type: 'single', question: 'Is this an advertisement?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
    T1: { type: 'single', question: 'Is something for sale?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
  },
  retirement: { rule: 'agreement', task: 'T1', minimum: 3, threshold: 0.8, maximum: 5 },
};

describe('classifier in a browser: the researcher lab', () => {
  const suite = useStackAndBrowser();


  /** Presses a button by keyboard: Tab (or Shift+Tab, when it comes before the focus) to it, then Enter. */
  async function submitByKeyboard(page: Page, button: string): Promise<void> {
    const before = await page.evaluate((s) => {
      const target = document.querySelector(s);
      const active = document.activeElement;
      return !!target && !!active && (active.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_PRECEDING) !== 0;
    }, button);
    await tabTo(page, button, 250, before); // the definition's form, open on the workflow's page, has many controls
    await page.keyboard.press('Enter');
  }

  /** The definition as JSON (the page opens on its form): the switch pressed by keyboard, then the text area. */
  async function definitionAsJson(page: Page) {
    await submitByKeyboard(page, '#lab-definition-as-json');
    await waitToSee(page.locator('#lab-definition-as-json[aria-pressed="true"]'));
    return page.getByLabel('Workflow definition (JSON)');
  }

  /** The words of `selector`'s cells broken across two lines (none, when every column is at least as wide as its longest word). */
  function wordsBrokenIn(page: Page, selector: string): Promise<string[]> {
    return page.evaluate((s) => {
      const broken: string[] = [];
      for (const cell of document.querySelectorAll(`${s} th, ${s} td`)) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (const word of (node as Text).data.matchAll(/\S+/g)) {
            const range = document.createRange();
            range.setStart(node, word.index);
            range.setEnd(node, word.index + word[0].length);
            if (new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size > 1) broken.push(word[0]);
          }
        }
      }
      return broken;
    }, selector);
  }

  /** The alert that has focus (an error summary), once it has, and the items it names. */
  async function focusedErrors(page: Page): Promise<string[]> {
    await page.waitForFunction(() => document.activeElement?.matches('[role="alert"].alert') === true, undefined, { timeout: 10_000 });
    return page.evaluate(() => [...document.activeElement!.querySelectorAll('.alert-fields li')].map((item) => item.textContent ?? ''));
  }

  it('tells a guest that the lab needs an account, with a link to sign in that comes back to it', async () => {
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/lab`);
    await waitToSee(page.getByTestId('lab-sign-in'));
    expect(await page.locator('[data-account-link="lab"]').count()).toBe(0); // no Lab in a guest's header
    const signIn = page.getByTestId('lab-sign-in').getByRole('link', { name: 'Sign in' });
    expect(await signIn.getAttribute('href')).toBe('/sign-in?next=%2Flab');
    await checkScreen(page, 'lab-sign-in');
    expect(errors).toEqual([]);
  });

  it('opens a project only to its researchers and moderators: a volunteer finds neither a live project in the lab nor its lab pages', async () => {
    const { project, workflow } = await liveYesNoWorkflow(suite.stack, 'Open to volunteers', [{ externalId: 'one', locations: [{ type: 'text', text: 'A notice.' }] }]);
    const { email } = await newAccount(suite.stack, 'Volunteer');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email, password: ACCOUNT_PASSWORD }));
    await page.goto(`${suite.stack.baseUrl}/lab`);
    await waitToSee(page.getByText('You do not work on any project yet'));
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await waitToSee(page.getByTestId('lab-project-not-found'));
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflow.id}`);
    await waitToSee(page.getByTestId('lab-workflow-not-found'));
    expect(await page.locator('form').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('says, as a project with no active workflow goes live, that volunteers will find nothing open', async () => {
    const account = await signUp(suite.stack, { email: `lab-empty-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Emmy Noether' });
    const project = await suite.stack.anonymous.withToken(account.token).createProject({ title: 'Nothing yet' });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await page.getByLabel('Status', { exact: true }).selectOption('live');
    await submitByKeyboard(page, 'form[aria-labelledby="lab-details-heading"] button[type="submit"]');
    await waitToSee(page.getByTestId('account-status').getByText('Project “Nothing yet” saved; it is live. No workflow of it is active yet, so volunteers who open it are told nothing is open'));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sets a project’s image in its details, previewed as its card shows it, only with words that describe it, and takes it away', async () => {
    const account = await signUp(suite.stack, { email: `lab-image-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Mary Anning' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Fossils of Lyme' });
    const imageUrl = 'https://images.example.org/ichthyosaur.png';
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    // Typed, the address is not loaded on the way (each address typed a request to its host); once left, it is previewed.
    const asked: string[] = [];
    await page.route(/^https:\/\//, (route) => {
      asked.push(route.request().url());
      return route.fulfill({ contentType: 'image/png', body: PIXEL });
    });
    await page.getByLabel('Image address', { exact: true }).pressSequentially(imageUrl);
    const preview = page.getByRole('figure', { name: 'Preview of the project’s image' });
    expect(await preview.count()).toBe(0);
    await page.keyboard.press('Tab');
    await waitToSee(preview.locator('img'));
    await preview.locator('img').scrollIntoViewIfNeeded(); // loaded lazily, as it comes near the screen
    await until(async () => asked.length > 0, 'the preview loaded');
    expect(asked).toEqual([imageUrl]);
    // Without a referrer: the image's host is not told which page showed it.
    expect(await preview.locator('img').getAttribute('referrerpolicy')).toBe('no-referrer');

    // Without its description: said at that field, nothing saved.
    await submitByKeyboard(page, 'form[aria-labelledby="lab-details-heading"] button[type="submit"]');
    await waitToSee(page.getByTestId('lab-details-image-alt-error'));
    expect(await page.getByTestId('lab-details-image-alt-error').textContent()).toBe('Say what the image shows, for volunteers who cannot see it.');
    expect((await researcher.getProject(project.id)).imageUrl).toBeNull();

    await page.getByLabel('What the image shows', { exact: true }).fill('An ichthyosaur skeleton in a cliff');
    await waitToSee(preview.getByRole('img', { name: 'An ichthyosaur skeleton in a cliff', exact: true }));
    await submitByKeyboard(page, 'form[aria-labelledby="lab-details-heading"] button[type="submit"]');
    await waitToSee(page.getByTestId('account-status').getByText('Project “Fossils of Lyme” saved'));
    expect(await researcher.getProject(project.id)).toMatchObject({ imageUrl, imageAlt: 'An ichthyosaur skeleton in a cliff' });

    // An address the API refuses is said at its field.
    await page.getByLabel('Image address', { exact: true }).fill('http://images.example.org/ichthyosaur.png');
    await submitByKeyboard(page, 'form[aria-labelledby="lab-details-heading"] button[type="submit"]');
    await waitToSee(page.getByTestId('lab-details-image-url-error'));
    expect(await page.getByTestId('lab-details-image-url-error').textContent()).toContain('https');

    // Emptied, the image goes, with its words: the researcher is told at the description, which the field reads out.
    await page.getByLabel('Image address', { exact: true }).fill('');
    expect(await preview.count()).toBe(0);
    const kept = page.getByTestId('lab-details-image-alt-warning');
    await waitToSee(kept);
    expect(await kept.textContent()).toBe('Saved only with an image address: without one, this description is not kept.');
    expect(await page.getByLabel('What the image shows', { exact: true }).getAttribute('aria-describedby')).toContain('lab-details-image-alt-warning');
    await submitByKeyboard(page, 'form[aria-labelledby="lab-details-heading"] button[type="submit"]');
    await until(async () => (await researcher.getProject(project.id)).imageUrl === null, 'the image taken away');
    expect((await researcher.getProject(project.id)).imageAlt).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('writes a project’s About pages in the lab, its length shown, which a volunteer reads as tabs by keyboard, each at an address of its own', async () => {
    const account = await signUp(suite.stack, { email: `lab-about-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Marie Curie' });
    const project = await suite.stack.anonymous.withToken(account.token).createProject({ title: 'Lettres de 1871', status: 'live', language: 'fr' });
    const lab = await signedInPage(suite, account);
    await lab.page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    const research = lab.page.getByLabel('Text of the “Research” page', { exact: true });
    await research.fill('## Pourquoi ?\n\nDes lettres de la [Commune](https://example.org/commune).');
    const hint = await research.getAttribute('aria-describedby');
    expect(await lab.page.locator(`#${hint}`).textContent()).toContain('72 of 20,000 characters');
    await submitByKeyboard(lab.page, 'form[aria-labelledby="lab-about-research-heading"] button[type="submit"]');
    await waitToSee(lab.page.getByTestId('lab-about-research-result').getByText('Saved: “Research” is shown'));
    await lab.page.getByLabel('Text of the “FAQ” page', { exact: true }).fill('Qui peut aider ? *Tout le monde.*');
    await submitByKeyboard(lab.page, 'form[aria-labelledby="lab-about-faq-heading"] button[type="submit"]');
    await waitToSee(lab.page.getByTestId('lab-about-faq-result'));
    expect((await suite.stack.anonymous.aboutPages(project.id)).pages.map((page) => page.kind)).toEqual(['research', 'faq']);
    expect(lab.errors).toEqual([]);
    await lab.page.close();

    const { page, errors } = await newcomerPage(suite);
    const aboutReads: string[] = [];
    page.on('request', (request) => request.url().endsWith('/pages') && aboutReads.push(new URL(request.url()).pathname));
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    await waitToSee(page.getByTestId('project-about-link'));
    await tabTo(page, '[data-testid="project-about-link"]');
    await page.keyboard.press('Enter');
    await waitForFocus(page, 'h1');
    expect(await page.locator('h1').textContent()).toBe('About Lettres de 1871');
    expect(await page.locator('h1 span').getAttribute('lang')).toBe('fr');
    await tabTo(page, '[role="tab"]');
    const selected = () => page.evaluate(() => [document.activeElement?.textContent, document.activeElement?.getAttribute('aria-selected'), window.location.pathname]);
    expect(await selected()).toEqual(['Research', 'true', `/projects/${project.slug}/about`]);
    await until(async () => (await page.title()) === 'Research – About Lettres de 1871 · Chorus', 'the chosen tab in the title', 5_000);
    const panel = page.getByRole('tabpanel');
    expect(await panel.getByRole('heading', { level: 2 }).textContent()).toBe('Pourquoi ?');
    expect(await panel.getAttribute('lang')).toBe('fr');
    expect(await panel.getByRole('link', { name: 'Commune' }).getAttribute('target')).toBe('_blank');
    // ← → move between the tabs (round at the ends) and choose as they go, each at its own address; focus stays on the tab.
    await page.keyboard.press('ArrowRight');
    expect(await selected()).toEqual(['FAQ', 'true', `/projects/${project.slug}/about/faq`]);
    expect(await panel.textContent()).toBe('Qui peut aider ? Tout le monde.');
    expect(await panel.getAttribute('aria-labelledby')).toBe('about-tab-faq');
    await until(async () => (await page.title()) === 'FAQ – About Lettres de 1871 · Chorus', 'the chosen tab in the title', 5_000);
    await page.keyboard.press('ArrowRight');
    expect(await selected()).toEqual(['Research', 'true', `/projects/${project.slug}/about/research`]);
    await page.keyboard.press('ArrowLeft');
    expect(await selected()).toEqual(['FAQ', 'true', `/projects/${project.slug}/about/faq`]);
    await page.keyboard.press('ArrowLeft');
    expect(await selected()).toEqual(['Research', 'true', `/projects/${project.slug}/about/research`]);
    await page.keyboard.press('End');
    expect(await selected()).toEqual(['FAQ', 'true', `/projects/${project.slug}/about/faq`]);
    await page.keyboard.press('Home');
    expect(await selected()).toEqual(['Research', 'true', `/projects/${project.slug}/about/research`]);
    await page.keyboard.press('End');
    expect(await selected()).toEqual(['FAQ', 'true', `/projects/${project.slug}/about/faq`]);
    expect(await page.getByRole('tab', { name: 'Research' }).getAttribute('tabindex')).toBe('-1');
    // The tab's Tab leads into its page, not to the other tabs.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('tabpanel');
    expect(await seriousViolations(page)).toEqual([]);
    // Its address opens that page.
    await page.reload();
    await waitToSee(page.getByRole('tab', { name: 'FAQ', selected: true }));
    expect(await page.getByRole('tabpanel').textContent()).toBe('Qui peut aider ? Tout le monde.');
    // An address naming a page without content (or none at all) shows the first, at its own address.
    for (const kind of ['team', 'nonsense']) {
      await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/about/${kind}`);
      await waitToSee(page.getByRole('tab', { name: 'Research', selected: true }));
      await until(async () => (await page.evaluate(() => window.location.pathname)) === `/projects/${project.slug}/about/research`, `/about/${kind} to be replaced by the shown tab's address`, 5_000);
    }
    // A project that says it has no About pages is not asked for them.
    const empty = await suite.stack.anonymous.withToken(account.token).createProject({ title: 'Sans pages', status: 'live' });
    await page.evaluate((to) => {
      window.history.pushState(null, '', to);
      window.dispatchEvent(new PopStateEvent('popstate'));
    }, `/projects/${empty.slug}/about`);
    await waitToSee(page.getByText('This project has no About pages yet.'));
    expect(new Set(aboutReads)).toEqual(new Set([`/api/v1/projects/${project.id}/pages`]));
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows a project's team that the operators took it down, and why", async () => {
    const account = await signUp(suite.stack, { email: `lab-taken-down-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Grace Hopper' });
    const project = await suite.stack.anonymous.withToken(account.token).createProject({ title: 'Casino', status: 'live' });
    // As PUT /projects/:id/take-down leaves it (the operators' route has its own API test).
    await suite.stack.db.query('UPDATE projects SET taken_down_at = now(), taken_down_reason = $2 WHERE id = $1', [project.id, 'Advertises gambling.']);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    const notice = page.getByTestId('lab-taken-down');
    await waitToSee(notice.getByRole('heading', { name: 'Taken down by the operators' }));
    expect(await notice.textContent()).toContain('only its team sees it');
    expect(await notice.locator('blockquote').textContent()).toBe('Advertises gambling.');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows a project's team that the operators removed its image, and why", async () => {
    const account = await signUp(suite.stack, { email: `lab-image-removed-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Grace Hopper' });
    const project = await suite.stack.anonymous.withToken(account.token).createProject({ title: 'Poster', status: 'live' });
    // As PUT /projects/:id/image-removal leaves it (the operators' route has its own API test).
    await suite.stack.db.query('UPDATE projects SET image_removed_at = now(), image_removed_reason = $2 WHERE id = $1', [project.id, 'A violent picture.']);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    const notice = page.getByTestId('lab-image-removed');
    await waitToSee(notice.getByRole('heading', { name: 'Image removed by the operators' }));
    expect(await notice.textContent()).toContain('may set another');
    expect(await notice.locator('blockquote').textContent()).toBe('A violent picture.');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('marks the demo that came with Chorus in the lab list and tells its researcher on its page what it is and what they may do with it (tester 22 F7)', async () => {
    const account = await signUp(suite.stack, { email: `lab-demo-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Ada Lovelace' });
    const client = suite.stack.anonymous.withToken(account.token);
    const demo = await client.createProject({ title: 'Demo handed over' });
    const own = await client.createProject({ title: 'Our own letters' });
    // As the demo's seeding leaves it, once given to its first researcher (the API test follows the whole handover).
    await suite.stack.db.query('UPDATE projects SET came_with_chorus = true WHERE id = $1', [demo.id]);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab`);
    const rowOf = (slug: string) => page.getByTestId('lab-projects').locator(`tr[data-project-slug="${slug}"]`);
    await waitToSee(rowOf(demo.slug).getByText('Demo that came with Chorus'));
    expect(await rowOf(own.slug).textContent()).not.toContain('came with Chorus');
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${demo.slug}`);
    const notice = page.getByTestId('lab-demo');
    await waitToSee(notice.getByRole('heading', { name: 'The demo that came with Chorus' }));
    expect(await notice.textContent()).toContain('It is yours');
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${own.slug}`);
    await waitToSee(page.getByRole('heading', { level: 1, name: /Our own letters/ }));
    expect(await page.getByTestId('lab-demo').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('names a text corpus’s passages by its file and their number, in the set’s page, Results and the classifier alike (tester 22 F9)', async () => {
    const account = await signUp(suite.stack, { email: `lab-passages-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Dorothy Wordsworth' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: `Grasmere ${Date.now()}`, status: 'live' });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await page.locator('#lab-upload-name').fill('Journals');
    const corpus = 'May 14th. A very cold morning.\n\nMay 15th. A fine day, William walked.';
    await page.locator('#lab-upload-file').setInputFiles({ name: 'journal-1800.txt', mimeType: 'text/plain', buffer: Buffer.from(corpus) });
    await submitByKeyboard(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await waitToSee(page.getByTestId('lab-upload-result').getByText(/2 subjects added/));
    const [set] = (await researcher.subjectSets(project.id)).subjectSets;
    const names = ['journal-1800#1', 'journal-1800#2'];
    expect((await researcher.subjectsOf(set!.id)).subjects.map((subject) => subject.externalId)).toEqual(names);
    // The same file again adds nothing, and renames nothing.
    expect(await researcher.uploadSubjects(set!.id, corpus, 'text/plain', undefined, 'journal-1800.txt')).toMatchObject({ created: 0, existing: 2 });
    expect((await researcher.subjectsOf(set!.id)).subjects.map((subject) => subject.externalId)).toEqual(names);

    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}/subject-sets/${set!.id}`);
    const setRows = page.locator('[data-testid="lab-set-subjects"] tbody tr');
    await waitToSee(setRows.first());
    expect((await setRows.locator('th').allTextContents()).map((text) => text.trim())).toEqual(names);

    const workflow = await researcher.createWorkflow(project.id, {
      name: 'Weather',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Does the entry say the weather?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      selection: { order: 'sequential', goldStandardRate: 0 },
      subjectSetIds: [set!.id],
    });
    await researcher.activateWorkflow(workflow.id);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflow.id}/results`);
    const resultRows = page.locator('[data-testid="lab-results-table"] tbody tr');
    await waitToSee(resultRows.first());
    expect((await resultRows.locator('a').allTextContents()).map((text) => text.trim())).toEqual(names);

    // A volunteer's subject is headed by its place in the session and its name.
    const volunteer = await newcomerPage(suite);
    await skipTutorial(suite.context, workflow.id);
    await volunteer.page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/workflows/${workflow.id}`);
    await waitForTask(volunteer.page, 'single');
    expect(await volunteer.page.getByRole('region', { name: 'Subject 1 of this session: journal-1800#1' }).count()).toBe(1);
    expect([...errors, ...volunteer.errors]).toEqual([]);
  });

  it('sends a file as its bytes (one in another charset than UTF-8, Excel on Windows, is refused, not stored with its accents lost), reads a tab-separated .txt as a table, and says how to describe images', async () => {
    const account = await signUp(suite.stack, { email: `lab-charset-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Rosa Bonheur' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Gravures' });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    // Several images per subject (a postcard's front and back) are columns the hint names (round 16a F8).
    await waitToSee(page.getByText(/for several images per subject, such as a front and a back, image_url_2, image_alt_2/));
    await page.locator('#lab-upload-name').fill('Gravures');
    const windows1252 = Buffer.from('external_id;text;Collection\ng1;Gravure n\xb01 \x96 \xe9glise Saint-\xc9tienne;Mus\xe9e\n', 'latin1');
    await page.locator('#lab-upload-file').setInputFiles({ name: 'gravures.csv', mimeType: 'text/csv', buffer: windows1252 });
    await submitByKeyboard(page, 'form:has(#lab-upload-file) button[type="submit"]');
    expect((await focusedErrors(page)).join(' ')).toMatch(/UTF-8/);
    const [set] = (await researcher.subjectSets(project.id)).subjectSets;
    expect((await researcher.subjectsOf(set!.id)).subjects).toEqual([]);
    // A file over the server's limit: said in the lab's words, with the size and what to do (not the operator's setting).
    // Given by its path, which Chromium reads itself: as bytes, Playwright hands them to the page as base64 to decode,
    // which took over 30 s on a loaded machine. A text passage is sent whole, so the server's 413 is what the lab says.
    const huge = join(mkdtempSync(join(tmpdir(), 'chorus-lab-')), 'huge.txt');
    writeFileSync(huge, `${'A long passage. '.repeat((17 * 1024 * 1024) / 16)}\n`);
    await page.locator('#lab-upload-file').setInputFiles(huge);
    await submitByKeyboard(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await focusedErrors(page);
    const said = await page.evaluate(() => document.activeElement?.textContent ?? '');
    // The limit that bit is the size's (this file is one subject): the advice names it, not the 10,000 subjects per upload.
    expect(said).toContain('The file is larger than the 16 MiB this Chorus takes at once (a limit on the file\'s size, whatever its number of subjects): split it into 2 files or more, each under 16 MiB');
    expect(said).not.toContain('10,000');
    expect(said).not.toContain('BODY_LIMIT_BYTES');
    // A table whose one row is over the limit: no split can send it, so the lab says so before sending anything.
    writeFileSync(huge.replace(/txt$/, 'csv'), `external_id,text\n${'h1,'.padEnd(17 * 1024 * 1024, 'x')}\n`);
    await page.locator('#lab-upload-file').setInputFiles(huge.replace(/txt$/, 'csv'));
    await submitByKeyboard(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await focusedErrors(page);
    const saidOfRow = await page.evaluate(() => document.activeElement?.textContent ?? '');
    rmSync(dirname(huge), { recursive: true, force: true });
    expect(saidOfRow).toContain('Line 2 of the file is 17.1 MiB by itself (with the header row), more than the 16 MiB this Chorus takes at once: no way of splitting the file can send it.');
    expect((await researcher.subjectsOf(set!.id)).subjects).toEqual([]);
    // Excel's "Text (Tab delimited)": a table in a .txt file, read as one, not as a passage of text.
    await page.locator('#lab-upload-file').setInputFiles({ name: 'gravures.txt', mimeType: 'text/plain', buffer: Buffer.from('external_id\ttext\ng1\tGravure 1\ng2\tGravure 2\n') });
    await submitByKeyboard(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await waitToSee(page.getByTestId('lab-upload-result').getByText(/2 subjects added/));
    expect((await researcher.subjectsOf(set!.id)).subjects.map((subject) => subject.externalId)).toEqual(['g1', 'g2']);
    // An image without a description (alt): the answer says so, and how a CSV file gives one.
    await page.locator('#lab-upload-file').setInputFiles({ name: 'plates.csv', mimeType: 'text/csv', buffer: Buffer.from('external_id,image_url\np1,https://example.org/p1.jpg\n') });
    await submitByKeyboard(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await waitToSee(page.getByTestId('lab-upload-result').getByText(/1 subject added/));
    expect(await page.getByTestId('lab-upload-warning').textContent()).toMatch(/^The image has no description \(alt\): screen readers name it only by the subject's title \(a canvas label, or a "title" column\), else just "Subject image" \(volunteers never see an externalId\)\. To describe it, add an image_alt column/);
    expect(errors).toEqual([]);
  });

  it('keeps an unsaved edit of a definition over a reload, until it is saved or put back', async () => {
    const account = await signUp(suite.stack, { email: `lab-draft-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Dorothy Hodgkin' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const { id } = await researcher.createWorkflow((await researcher.createProject({ title: 'Drafts' })).id, BRANCHING_DEFINITION);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${id}`);
    const editor = await definitionAsJson(page);
    const saved = await editor.inputValue();
    const edit = saved.replace('Is something for sale?', 'What is for sale?');
    await editor.fill(edit);
    await page.reload();
    await waitToSee(page.getByTestId('lab-definition-restored'));
    expect(await page.locator('#lab-def-tasks-t1-question').inputValue()).toBe('What is for sale?'); // in the form too
    await definitionAsJson(page);
    expect(await editor.inputValue()).toBe(edit);
    await page.getByTestId('lab-definition-restored').getByRole('button').click();
    expect(await editor.inputValue()).toBe(saved);
    await page.reload();
    await waitToSee(page.getByTestId('lab-workflow-version'));
    await definitionAsJson(page);
    expect([await editor.inputValue(), await page.getByTestId('lab-definition-restored').count()]).toEqual([saved, 0]);
    expect(errors).toEqual([]);
  });

  it('refuses an edit kept over a reload once a colleague has saved the workflow since it was begun, and says so, rather than saving over their version', async () => {
    const account = await signUp(suite.stack, { email: `lab-stale-draft-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Lise Meitner' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const { id } = await researcher.createWorkflow((await researcher.createProject({ title: 'Stale drafts' })).id, BRANCHING_DEFINITION);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${id}`);
    const editor = await definitionAsJson(page);
    const mine = (await editor.inputValue()).replace('Is something for sale?', 'What is for sale?');
    await editor.fill(mine);
    // A colleague saves version 2 while the edit waits unsaved; the researcher comes back to it later.
    await researcher.updateWorkflow(id, { ...BRANCHING_DEFINITION, name: 'Ad or not? (colleague)' });
    await page.reload();
    await waitToSee(page.getByTestId('lab-definition-restored').getByText(/begun on an earlier version/));
    await definitionAsJson(page);
    expect(await editor.inputValue()).toBe(mine);
    await submitByKeyboard(page, 'form:has(#lab-definition) button[type="submit"]');
    await waitToSee(page.getByRole('alert').getByText(/Someone saved this workflow/));
    expect(await researcher.getWorkflow(id)).toMatchObject({ version: 2, name: 'Ad or not? (colleague)' });
    // Put back, the saved version is the colleague's, and an edit of it saves.
    await page.getByTestId('lab-definition-restored').getByRole('button').click();
    expect(JSON.parse(await editor.inputValue())).toMatchObject({ name: 'Ad or not? (colleague)' });
    await editor.fill((await editor.inputValue()).replace('Is something for sale?', 'What is for sale?'));
    await submitByKeyboard(page, 'form:has(#lab-definition) button[type="submit"]');
    await waitToSee(page.getByTestId('lab-workflow-version').getByText('Version 3'));
    expect(await researcher.getWorkflow(id)).toMatchObject({ version: 3, name: 'Ad or not? (colleague)' });
    expect(errors).toEqual([]);
  });

  it('saves nothing, and says so, when someone else saved the workflow since the page read it', async () => {
    const account = await signUp(suite.stack, { email: `lab-conflict-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Rosalind Franklin' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Shared workflow' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Snippets' });
    await researcher.addSubjects(set.id, [{ externalId: 's1', locations: [{ type: 'text', text: 'A snippet.' }] }]);
    const { id } = await researcher.createWorkflow(project.id, { ...BRANCHING_DEFINITION, subjectSetIds: [set.id] });
    await researcher.activateWorkflow(id);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${id}`);
    await waitToSee(page.getByTestId('lab-workflow-version').getByText('Version 1'));

    // A colleague saves version 2 meanwhile, and this page, pausing the workflow, reads it again; its edit, made from
    // version 1, is refused all the same.
    await researcher.updateWorkflow(id, { ...BRANCHING_DEFINITION, name: 'Ad or not? (colleague)' });
    await page.getByRole('button', { name: 'Pause' }).click();
    await waitToSee(page.getByTestId('lab-workflow-version').getByText('Version 2'));
    const mine = JSON.stringify({ ...BRANCHING_DEFINITION, name: 'Ad or not? (mine)' }, null, 2);
    await (await definitionAsJson(page)).fill(mine);
    await submitByKeyboard(page, 'form:has(#lab-definition) button[type="submit"]');
    await focusedErrors(page);
    await waitToSee(page.getByRole('alert').getByText(/Someone saved this workflow/));
    expect(await page.getByLabel('Workflow definition (JSON)').inputValue()).toBe(mine);
    expect(await researcher.getWorkflow(id)).toMatchObject({ version: 2, name: 'Ad or not? (colleague)' });
    expect(errors).toEqual([]);
  });

  it('keeps what is typed into “Create a project” over a reload and Back, until the project is created', async () => {
    const account = await signUp(suite.stack, { email: `lab-new-project-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Emmy Noether' });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab`);
    const slug = `rings-${Date.now()}`;
    const fields = { '#lab-project-title': 'Ring theory letters', '#lab-project-slug': slug, '#lab-project-description': 'Letters on ideals.' };
    for (const [field, text] of Object.entries(fields)) await page.locator(field).fill(text);
    const typed = () => Promise.all(Object.keys(fields).map((field) => page.locator(field).inputValue()));
    // The description is Markdown, as its field says.
    expect(await page.locator('#lab-project-description').getAttribute('aria-describedby')).toBe('lab-project-description-hint');
    expect(await page.locator('#lab-project-description-hint').textContent()).toMatch(/^Markdown: \*\*bold\*\*/);

    await page.reload();
    await waitToSee(page.getByTestId('lab-create-restored'));
    expect(await typed()).toEqual(Object.values(fields));
    // Away by a link, and Back: still there.
    await page.locator('[data-account-link="account"]').click();
    await waitToSee(page.getByTestId('account-settings'));
    await page.goBack();
    await waitToSee(page.getByTestId('lab-create-restored'));
    expect(await typed()).toEqual(Object.values(fields));
    // Cleared on request (the keyboard goes on from the title), and kept again as it is typed.
    await page.getByTestId('lab-create-restored').getByRole('button', { name: 'Clear the form' }).click();
    await waitForFocus(page, '#lab-project-title');
    expect(await typed()).toEqual(['', '', '']);
    await page.reload();
    await waitToSee(page.getByTestId('lab'));
    expect([await typed(), await page.getByTestId('lab-create-restored').count()]).toEqual([['', '', ''], 0]);
    for (const [field, text] of Object.entries(fields)) await page.locator(field).fill(text);

    // Created, it is no longer kept: Back to the lab finds the form empty.
    await submitByKeyboard(page, '[data-testid="lab"] form button[type="submit"]');
    await page.waitForURL(`**/lab/projects/${slug}`);
    await page.goBack();
    await waitToSee(page.getByTestId('lab-projects').getByText('Ring theory letters'));
    expect([await typed(), await page.getByTestId('lab-create-restored').count()]).toEqual([['', '', ''], 0]);
    expect(await page.evaluate(() => Object.keys(window.localStorage).filter((key) => key.startsWith('chorus.lab.newProject.')))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('says where a save’s errors and warnings are in words, and that the save started a re-aggregation, which the list of runs shows at once', async () => {
    const account = await signUp(suite.stack, { email: `lab-words-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Grace Hopper' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: `Words ${Date.now()}`, status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Pages' });
    await researcher.addSubjects(set.id, [{ externalId: 'p1', locations: [{ type: 'text', text: 'Page 1.' }] }]);
    const training = await researcher.createSubjectSet(project.id, { name: 'Training' });
    const which: WorkflowInput = {
      name: 'Which?',
      firstTask: 'T0',
      tasks: { T0: { type: 'multiple', question: 'What is on the page?', answers: [{ value: 'ad', label: 'An ad' }, { value: 'news', label: 'News' }] } },
      retirement: { rule: 'count', count: 3 },
      subjectSetIds: [set.id],
    };
    const { id } = await researcher.createWorkflow(project.id, which);
    await researcher.activateWorkflow(id);
    // A volunteer's answer: a change of the answers offered now changes the consensus, which is computed again.
    const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    const [subject] = (await volunteer.queue(id, 1)).subjects;
    await volunteer.classify({ workflowId: id, workflowVersion: 1, subjectId: subject!.id, annotations: [{ task: 'T0', value: ['ad'] }] }, randomUUID());
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${id}`);
    await waitToSee(page.getByText('No re-aggregation has run yet.'));
    // The priorities' help names the form's fields, not the definition's JSON.
    expect(await page.getByTestId('lab-priorities-order').textContent()).toContain('under “Selection of subjects”, set “Order” to “By priority”');

    // A training set the workflow does not serve: refused, the place and the fix in the researcher's words.
    const editor = await definitionAsJson(page);
    const { subjectSetIds: _, ...definition } = which;
    await editor.fill(JSON.stringify({ ...definition, selection: { training: { subjectSetId: training.id, classifications: 2 } } }, null, 2));
    await submitByKeyboard(page, 'form:has(#lab-definition) button[type="submit"]');
    expect(await focusedErrors(page)).toEqual([
      'Selection of subjects, Training, Subject set: is a subject set this workflow does not serve: tick it under “Subject sets served” first',
    ]);

    // A third answer: saved, its warning at “Task T0, answer 3”, and the re-aggregation it started said and listed.
    const answers = [...(which.tasks.T0 as { answers: object[] }).answers, { value: 'other', label: 'Something else' }];
    await editor.fill(JSON.stringify({ ...definition, tasks: { T0: { ...which.tasks.T0, answers } } }, null, 2));
    await submitByKeyboard(page, 'form:has(#lab-definition) button[type="submit"]');
    await waitToSee(page.getByTestId('lab-definition-saved').getByText('Saved: version 2 is now current.'));
    expect(await page.getByTestId('lab-definition-warnings').textContent()).toMatch(/^Task T0, answer 3: is new/);
    await waitToSee(page.getByTestId('lab-definition-reaggregating').getByText(/Chorus is computing their consensus again/));
    await waitToSee(page.getByTestId('lab-runs').getByRole('cell', { name: 'Grace Hopper' }), { timeout: 10_000 });

    // An effect: saved, its warning says that subjects will move between sets, naming the set.
    const routed = { ...definition, tasks: { T0: { ...which.tasks.T0, answers } }, effects: [{ when: { task: 'T0', answer: 'ad' }, addToSubjectSet: training.id }] };
    await editor.fill(JSON.stringify(routed, null, 2));
    await submitByKeyboard(page, 'form:has(#lab-definition) button[type="submit"]');
    await waitToSee(page.getByTestId('lab-definition-saved').getByText('Saved: version 3 is now current.'));
    expect(await page.getByTestId('lab-definition-warnings').textContent()).toContain(`Effects: change how subjects are routed into subject set "Training" (${training.id}): every subject is routed again`);
    expect(errors).toEqual([]);
  });

  it('lists the versions after an edit (when, by whom, the classifications under each, what changed) and shows a past one’s definition read-only, by keyboard', async () => {
    const { workflowId, researcher, page, errors } = await researcherWithWorkflow('Lovelace', 2);
    const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    const [subject] = (await volunteer.queue(workflowId, 1)).subjects;
    await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: subject!.id, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    const versions = page.getByRole('table', { name: 'Versions' });
    await waitToSee(versions.getByText('The first version'));

    const editor = await definitionAsJson(page);
    const { definition } = await researcher.getWorkflow(workflowId);
    const T0 = { ...definition.tasks.T0, question: 'Is this a paid notice?' };
    await editor.fill(JSON.stringify({ ...definition, tasks: { ...definition.tasks, T0 } }, null, 2));
    await submitByKeyboard(page, 'form:has(#lab-definition) button[type="submit"]');
    await waitToSee(page.getByTestId('lab-definition-saved').getByText('Saved: version 2 is now current.'));
    await waitToSee(versions.locator('tr[data-version="2"]'));
    const rows = await versions.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].slice(0, 5).map((cell) => cell.textContent)));
    expect(rows.map(([version, , by, classifications, changed]) => [version, by, classifications, changed])).toEqual([
      ['2', 'Lovelace', '0', 'task “T0”'],
      ['1', 'Lovelace', '1', 'The first version'],
    ]);

    // The first version's definition, read-only, opened and closed by keyboard, the focus going there and back.
    const view = '[data-testid="lab-versions"] tr[data-version="1"] button';
    await submitByKeyboard(page, view);
    await waitForFocus(page, '#lab-version-definition h3');
    expect(await page.locator(view).getAttribute('aria-expanded')).toBe('true');
    const shown = page.getByLabel('Definition of version 1 (read-only)', { exact: true });
    expect(JSON.parse(await shown.inputValue())).toEqual((await researcher.getWorkflowVersion(workflowId, 1)).definition);
    expect(await shown.getAttribute('readonly')).not.toBeNull();
    await checkScreen(page, 'lab-workflow-versions');
    await tabTo(page, '#lab-version-definition button');
    await page.keyboard.press('Enter');
    await waitForFocus(page, view);
    expect(await page.getByTestId('lab-version-definition').count()).toBe(0);

    // A rule that asks for more, saved over the classification given: what it did to the answers given, in the lab's
    // words, each at its place in words: never the API's pointer (/retirement) nor its route (POST /workflows/:id/unretire) (tester 21b F3).
    await researcher.updateWorkflow(workflowId, { ...(await researcher.getWorkflow(workflowId)).definition, retirement: { rule: 'count', count: 3 } });
    await page.reload();
    const third = versions.locator('tr[data-version="3"] td').nth(3);
    await waitToSee(third);
    expect(await third.locator('li').allTextContents()).toEqual([
      'Retirement: asks for up to 3 classifications where it asked for 2: subjects retired already stay retired with what they have (return them to volunteers, under “Retire subjects, or return them to volunteers”, for more); the others go on to the new rule',
    ]);
    expect(await third.textContent()).toMatch(/^retirement \(changes how consensus and retirement come out: the classifications given before it were computed again under it\)/);
    // The table as wide as the page allows, its words whole: no heading reads "Clas sific atio ns" (tester 21b F6).
    expect(await wordsBrokenIn(page, '[data-testid="lab-versions"] table')).toEqual([]);
    expect(await page.evaluate(() => document.querySelector('[data-testid="lab-workflow"]')!.getBoundingClientRect().width)).toBeGreaterThan(1100);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    // On a narrow or zoomed screen (1280 px at 200 %), the table scrolls sideways in its own region, its words still
    // whole, and the page does not.
    await page.setViewportSize({ width: 640, height: 800 });
    expect(await wordsBrokenIn(page, '[data-testid="lab-versions"] thead')).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('warns of nothing computed again for a version saved before any classification, and says its changes in words (tester 21b F3)', async () => {
    const { workflowId, researcher, page, errors } = await researcherWithWorkflow('Hypatia', 1);
    await researcher.updateWorkflow(workflowId, { ...(await researcher.getWorkflow(workflowId)).definition, retirement: { rule: 'count', count: 3 } });
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    const second = page.getByRole('table', { name: 'Versions' }).locator('tr[data-version="2"] td').nth(3);
    await waitToSee(second);
    expect(await second.textContent()).toBe('retirement');
    expect(errors).toEqual([]);
  });

  it('saves the subject sets ticked with a new version of the definition, and keeps them ticked over the save (tester 21b F4)', async () => {
    const { workflowId, setId, researcher, page, errors } = await researcherWithWorkflow('Letters', 1);
    const { projectId } = await researcher.getWorkflow(workflowId);
    const more = await researcher.createSubjectSet(projectId, { name: 'More letters' });
    await researcher.addSubjects(more.id, [{ externalId: 'm1', locations: [{ type: 'text', text: 'Dear Sir,' }] }]);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    const box = page.getByRole('checkbox', { name: 'More letters (1 subject)' });
    await box.check();
    await waitToSee(page.getByTestId('lab-links-unsaved').getByText('Not saved yet: press “Save the subject sets”, or “Save a new version” above, which saves them with the definition.'));
    const editor = await definitionAsJson(page);
    const { definition } = await researcher.getWorkflow(workflowId);
    await editor.fill(JSON.stringify({ ...definition, name: 'Letters, dated?' }, null, 2));
    await submitByKeyboard(page, 'form:has(#lab-definition) button[type="submit"]');
    const answer = page.getByTestId('lab-definition-saved');
    await waitToSee(answer.getByText('Saved: version 2 is now current.'));
    await waitToSee(answer.getByText('The workflow now serves 2 subject sets.'));
    expect((await researcher.getWorkflow(workflowId)).subjectSetIds.sort()).toEqual([setId, more.id].sort());
    await waitToSee(page.getByTestId('lab-workflow-version').getByText('Version 2'));
    expect(await box.isChecked()).toBe(true);
    expect(await page.getByTestId('lab-links-unsaved').textContent()).toBe('');
    // Untick it and save the sets: the other button keeps what is ticked too, and the version saved.
    await box.uncheck();
    await submitByKeyboard(page, 'form[aria-labelledby="lab-links-heading"] button[type="submit"]');
    await waitToSee(page.getByTestId('account-status').getByText('The workflow now serves 1 subject set.'));
    expect(await researcher.getWorkflow(workflowId)).toMatchObject({ version: 2, name: 'Letters, dated?', subjectSetIds: [setId] });
    expect(errors).toEqual([]);
  });

  it('saves the subject sets pressed just after a new version, before the page read it back, with that version, not the one shown before', async () => {
    const { workflowId, setId, researcher, page, errors } = await researcherWithWorkflow('Quick', 1);
    const { projectId, definition } = await researcher.getWorkflow(workflowId);
    const more = await researcher.createSubjectSet(projectId, { name: 'More letters' });
    await researcher.addSubjects(more.id, [{ externalId: 'm1', locations: [{ type: 'text', text: 'Dear Sir,' }] }]);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await waitToSee(page.getByTestId('lab-workflow-version').getByText('Version 1'));
    // Once the new version is saved, the page's reads of the workflow wait until the sets are saved too.
    const held: (() => Promise<void>)[] = [];
    let holding = false;
    await page.route(`**/api/v1/workflows/${workflowId}`, async (route) => {
      if (holding && route.request().method() === 'GET') held.push(() => route.continue());
      else await route.continue();
    });
    const editor = await definitionAsJson(page);
    await editor.fill(JSON.stringify({ ...definition, name: 'Letters, dated?' }, null, 2));
    const versionSaved = page.waitForResponse((response) => response.request().method() === 'PUT' && response.url().endsWith(`/workflows/${workflowId}`));
    holding = true;
    await submitByKeyboard(page, 'form:has(#lab-definition) button[type="submit"]');
    expect((await versionSaved).status()).toBe(200);
    await page.getByRole('checkbox', { name: 'More letters (1 subject)' }).check();
    await page.locator('form[aria-labelledby="lab-links-heading"] button[type="submit"]').click();
    await waitToSee(page.getByTestId('account-status').getByText('The workflow now serves 2 subject sets.'));
    expect(await page.getByTestId('lab-workflow-version').textContent()).toBe('Version 1'); // not read back yet
    expect(await researcher.getWorkflow(workflowId)).toMatchObject({ version: 2, name: 'Letters, dated?', subjectSetIds: expect.arrayContaining([setId, more.id]) });
    holding = false;
    await Promise.all(held.map((release) => release()));
    await waitToSee(page.getByTestId('lab-workflow-version').getByText('Version 2'));
    expect(errors).toEqual([]);
  });

  /** A researcher's page (not opened yet), and their live project's active workflow over `count` subjects, retired after two answers. */
  async function researcherWithWorkflow(name: string, count: number, definition: WorkflowInput = BRANCHING_DEFINITION) {
    const account = await signUp(suite.stack, { email: `lab-${name.toLowerCase()}-${Date.now()}@example.org`, password: PASSWORD, displayName: name });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: `${name} ${Date.now()}`, status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Pages' });
    await researcher.addSubjects(set.id, Array.from({ length: count }, (_, i) => ({ externalId: `p${i}`, locations: [{ type: 'text' as const, text: `Page ${i}.` }] })));
    const { id: workflowId } = await researcher.createWorkflow(project.id, { ...definition, retirement: { rule: 'count', count: 2 }, subjectSetIds: [set.id] });
    await researcher.activateWorkflow(workflowId);
    return { workflowId, setId: set.id, researcher, ...(await signedInPage(suite, account)) };
  }

  it('lets a researcher build a project, upload subjects, design and activate a workflow and download its consensus', async () => {
    const email = `lab-${Date.now()}@example.org`;
    const account = await signUp(suite.stack, { email, password: PASSWORD, displayName: 'Marie Curie' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const { page, errors } = await signedInPage(suite, account);

    // The header's Lab link leads to the lab, where the researcher has no project yet.
    await page.goto(`${suite.stack.baseUrl}/`);
    await page.locator('[data-account-link="lab"]').click();
    await waitToSee(page.getByTestId('lab'));
    await waitToSee(page.getByText('You do not work on any project yet'));
    await checkScreen(page, 'lab');

    // A project, by keyboard only.
    const slug = `gazette-${Date.now()}`;
    await tabTo(page, '#lab-project-title', 40);
    await page.keyboard.type('The Evening Gazette');
    await page.keyboard.press('Tab');
    await page.keyboard.type(slug);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Small advertisements of 1890.');
    await submitByKeyboard(page, '[data-testid="lab"] form button[type="submit"]');
    await page.waitForURL(`**/lab/projects/${slug}`);
    await waitToSee(page.getByRole('heading', { level: 1, name: /The Evening Gazette/ }));
    await waitToSee(page.getByTestId('account-status').getByText('Project “The Evening Gazette” created.'));

    // A bad CSV into a new set: every row the API names is listed, the summary focused.
    await page.locator('#lab-upload-name').fill('Snippets');
    await page.locator('#lab-upload-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD_CSV) });
    await submitByKeyboard(page, 'form:has(#lab-upload-file) button[type="submit"]');
    const rowErrors = await focusedErrors(page);
    // Each by its line and column in the file (tester 21b F5), never by the API's pointer into the subjects it read.
    expect(rowErrors.sort()).toEqual([
      'Line 3 of the CSV, column "image_url": must be an http(s) URL',
      'Line 4 of the CSV: a subject needs at least one location: an image, a sound or a text',
      expect.stringMatching(/^Line 5 of the CSV, column "image_url": is a data: URL \(the file itself written into the cell\)/),
    ]);
    // Said once, in the list: the summary's sentence does not repeat it.
    // The set was made for the file, so the page does not say that nothing changed (round 16a F1).
    expect(await page.locator('[role="alert"]:focus .alert-detail').textContent()).toBe(
      'The subject set “Snippets” was made, and is empty: Chorus could not accept the file, and added no subject (the corrected file goes into this set, chosen below). What to correct:',
    );
    await checkScreen(page, 'lab-upload-errors');

    // The corrected file goes into the set the first attempt made, which the form now has chosen.
    await page.locator('#lab-upload-file').setInputFiles({ name: 'snippets.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD_CSV) });
    await submitByKeyboard(page, 'form:has(#lab-upload-file) button[type="submit"]');
    await waitToSee(page.getByTestId('lab-upload-result').getByText('3 subjects added to “Snippets” (3 new, 0 already in the project).'));
    await waitToSee(page.locator('[data-testid="lab-sets"] tr', { hasText: 'Snippets' }).getByRole('cell', { name: '3' }));

    // A workflow, by name; its page opens on the editor.
    await tabTo(page, '#lab-workflow-name', 60);
    await page.keyboard.type('Ad or not?');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/lab/workflows/*');
    const workflowId = page.url().split('/').pop()!;
    await waitToSee(page.getByTestId('lab-workflow-version').getByText('Version 1'));
    await checkScreen(page, 'lab-workflow');

    // A definition whose first task does not exist: the API's pointer is listed, the summary focused.
    const editor = await definitionAsJson(page);
    await editor.fill(JSON.stringify({ ...BRANCHING_DEFINITION, firstTask: 'T9' }, null, 2));
    await submitByKeyboard(page, 'form:has(#lab-definition) button[type="submit"]');
    expect(await focusedErrors(page)).toEqual([expect.stringMatching(/^First task: /)]); // its place in words, not its pointer
    await checkScreen(page, 'lab-definition-error');

    // Text that is not JSON is said at the field, and the API is not asked.
    await editor.fill('{ "name": ');
    await submitByKeyboard(page, 'form:has(#lab-definition) button[type="submit"]');
    await waitForFocus(page, '#lab-definition');
    await waitToSee(page.getByTestId('lab-definition-error').getByText(/not valid JSON/));

    // A good definition: version 2, and the warning the API gave, its place in words.
    await editor.fill(JSON.stringify(BRANCHING_DEFINITION, null, 2));
    await submitByKeyboard(page, 'form:has(#lab-definition) button[type="submit"]');
    await waitToSee(page.getByTestId('lab-definition-saved').getByText('Saved: version 2 is now current.'));
    expect(await page.getByTestId('lab-definition-warnings').textContent()).toMatch(/^Retirement, Task: /);
    await waitToSee(page.getByTestId('lab-workflow-version').getByText('Version 2'));

    // Activating before a set is linked is refused, and said in the lab's words (not the API's pointer and route).
    await submitByKeyboard(page, 'form[aria-label="Activate"] button');
    await focusedErrors(page);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('The workflow serves no subject set yet: tick one under “Subject sets served”, save the subject sets, then activate it.');

    // Link the set (a box ticked and not yet saved says so), then activate.
    const unsaved = page.getByTestId('lab-links-unsaved');
    expect(await unsaved.textContent()).toBe('');
    await page.getByRole('checkbox', { name: 'Snippets (3 subjects)' }).check();
    await waitToSee(unsaved.getByText(/^Not saved yet/));
    await submitByKeyboard(page, 'form[aria-labelledby="lab-links-heading"] button[type="submit"]');
    await waitToSee(page.getByTestId('account-status').getByText('The workflow now serves 1 subject set.'));
    await waitToSee(page.getByText(/no subject set yet/), { state: 'detached' }); // the refusal no longer holds
    expect(await unsaved.textContent()).toBe('');
    await submitByKeyboard(page, 'form[aria-label="Activate"] button');
    await waitToSee(page.getByTestId('lab-workflow-status').getByText('active'));
    expect(await page.locator('h1').textContent()).toMatch(/\S active$/); // a screen reader reads the status apart from the name
    await waitForFocus(page, '#lab-status-heading'); // the button pressed is gone
    expect(await page.getByTestId('lab-definition-saved').textContent()).toBe(''); // the save's answer said, it is not left beside the new status
    await waitToSee(page.getByTestId('workflow-progress').getByText('0 of 3 subjects retired, 0 classifications'));

    // A re-aggregation, asked for and said.
    await submitByKeyboard(page, 'form[aria-label="Re-aggregate"] button');
    await waitToSee(page.getByTestId('account-status').getByText(/^Re-aggregation asked for/));
    // Listed with who asked for it, and, once the worker has run it (Refresh reads the list again), what it did.
    const run = page.getByTestId('lab-runs').locator('tbody tr').first();
    await waitToSee(run);
    expect(await run.locator('td').nth(1).textContent()).toBe('Marie Curie');
    expect(await run.locator('td').nth(2).textContent()).toBe('all');
    // The worker runs it beside the other suites' work: a minute on a busy machine, not ten seconds.
    for (const until = Date.now() + 60_000; Date.now() < until && !(await run.locator('td').nth(3).textContent())?.startsWith('Done'); ) {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await run.locator('td').nth(3).textContent()).toBe('Done: 0 subjects recomputed');
    expect((await researcher.reaggregations(workflowId)).runs[0]).toMatchObject({ state: 'completed', subjects: 0, requestedBy: { displayName: 'Marie Curie' } });

    // The project's page lists the workflow with its status, version and progress; the project goes live from there.
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'The Evening Gazette' }).click();
    const row = page.locator(`[data-workflow-id="${workflowId}"]`);
    await waitToSee(row.getByText('active'));
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('2');
    await waitToSee(row.getByText('0 of 3 subjects retired'));
    await checkScreen(page, 'lab-project');
    await page.getByLabel('Status', { exact: true }).selectOption('live');
    await submitByKeyboard(page, 'form[aria-labelledby="lab-details-heading"] button[type="submit"]');
    await waitToSee(page.getByTestId('account-status').getByText('Project “The Evening Gazette” saved; it is live.'));
    expect(await page.getByTestId('account-status').textContent()).not.toContain('No workflow of it is active');

    // The lab lists the project with the researcher's role and its status.
    await page.locator('[data-account-link="lab"]').click();
    const listed = page.locator(`[data-testid="lab-projects"] tr[data-project-slug="${slug}"]`);
    await waitToSee(listed.getByText('owner'));
    expect(await listed.getByRole('cell').nth(1).textContent()).toBe('live');

    // Stored as the lab said, read back through the API.
    const project = await researcher.getProject(slug);
    expect(project).toMatchObject({ title: 'The Evening Gazette', description: 'Small advertisements of 1890.', status: 'live', ownerId: account.user.id });
    const { subjectSets } = await researcher.subjectSets(project.id);
    expect(subjectSets).toEqual([expect.objectContaining({ name: 'Snippets', subjects: 3 })]);
    const { subjects } = await researcher.subjectsOf(subjectSets[0]!.id);
    expect(subjects.map((subject) => [subject.externalId, subject.metadata.source])).toEqual([
      ['snippet-1', 'Gazette'],
      ['snippet-2', 'Gazette'],
      ['snippet-3', 'Herald'],
    ]);
    const workflow = await researcher.getWorkflow(workflowId);
    expect(workflow).toMatchObject({ projectId: project.id, name: 'Ad or not?', status: 'active', version: 2, subjectSetIds: [subjectSets[0]!.id] });
    expect(workflow.definition.retirement).toEqual(BRANCHING_DEFINITION.retirement);

    // A download of the consensus: asked for, ready, and its link saves the file the API made.
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await page.getByLabel('Download', { exact: true }).selectOption('consensus');
    await page.locator('#lab-download-format').selectOption('csv');
    await submitByKeyboard(page, 'form:has(#lab-download-kind) button[type="submit"]');
    const ready = page.locator('[data-testid="lab-downloads"] li[data-state="ready"]');
    await waitToSee(ready, { timeout: 20_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), ready.getByRole('link').click()]);
    // The browser saves it under RFC 6266's filename*, the workflow's name as written.
    expect(download.suggestedFilename()).toMatch(new RegExp(`^consensus-Ad-or-not-${workflowId}-\\d{8}T\\d{6}Z\\.csv$`));
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/^subject_id,external_id,/);
    expect(['snippet-1', 'snippet-2', 'snippet-3'].every((id) => csv.includes(id))).toBe(true);
    await checkScreen(page, 'lab-downloads');

    // Paused: stored, and the page offers to activate it again.
    await submitByKeyboard(page, 'form[aria-label="Pause"] button');
    await waitToSee(page.getByTestId('lab-workflow-status').getByText('paused'));
    await waitToSee(page.locator('form[aria-label="Activate"]'));
    expect((await researcher.getWorkflow(workflowId)).status).toBe('paused');
    expect(errors).toEqual([]);
  });

  it("lets an owner invite a colleague, who accepts, then change the colleague's role (handing over only once confirmed) and remove them (once confirmed)", async () => {
    const owner = await newAccount(suite.stack, 'Owner');
    const colleague = await newAccount(suite.stack, 'Colleague');
    const project = await owner.client.createProject({ title: `Team ${Date.now()}` });
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: owner.email, password: ACCOUNT_PASSWORD }));
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await waitToSee(page.locator(`[data-testid="lab-members"] tr[data-user-id="${owner.id}"]`).getByText('Owner (you)'));
    await waitToSee(page.getByText('No invitation is waiting for an answer.'));
    const result = page.getByTestId('lab-team-result');

    // An address that is not one is said at its field, which takes focus; nothing is sent.
    await tabTo(page, '#lab-invite-email', 80);
    await page.keyboard.type('colleague at example.org');
    await submitByKeyboard(page, 'form[aria-labelledby="lab-invite-heading"] button[type="submit"]');
    await waitForFocus(page, '#lab-invite-email');
    expect(await page.locator('#lab-invite-email').getAttribute('aria-describedby')).toBe('lab-invite-email-error');
    expect((await owner.client.invitations(project.id)).invitations).toEqual([]);

    // The invitation, by keyboard: said, focused, listed, and stored.
    await page.locator('#lab-invite-email').fill(colleague.email);
    await page.getByLabel('Role', { exact: true }).selectOption('scientist');
    await submitByKeyboard(page, 'form[aria-labelledby="lab-invite-heading"] button[type="submit"]');
    await waitToSee(result.getByText(`Invitation sent to ${colleague.email}, as a scientist.`));
    await waitForFocus(page, '[data-testid="lab-team-result"]');
    await waitToSee(page.locator(`[data-testid="lab-invitations"] tr[data-email="${colleague.email}"]`).getByText('scientist'));
    expect((await owner.client.invitations(project.id)).invitations).toEqual([expect.objectContaining({ email: colleague.email, role: 'scientist' })]);

    // The colleague, in a browser of their own (this one's storage is the owner's), accepts on their account's page; in
    // the lab they see the team and may leave it, but change nothing else.
    const elsewhere = await launchBrowser();
    try {
      const other = await signedInPage({ stack: suite.stack, context: elsewhere.context }, await suite.stack.anonymous.login({ email: colleague.email, password: ACCOUNT_PASSWORD }));
      await other.page.goto(`${suite.stack.baseUrl}/account`);
      await other.page.getByRole('button', { name: `Join ${project.title}` }).click();
      await waitToSee(other.page.getByTestId('invitations-result').getByText(`You are now a scientist of ${project.title}.`));
      await other.page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
      await waitToSee(other.page.locator(`[data-testid="lab-members"] tr[data-user-id="${colleague.id}"]`).getByRole('button', { name: 'Leave the project' }));
      expect(await other.page.locator('#lab-invite-email, #lab-role-member, [data-testid="lab-members"] button').count()).toBe(1);
      expect(other.errors).toEqual([]);
    } finally {
      await elsewhere.close();
    }

    // Back with the owner: the colleague is a member, and inviting them again is refused at the email, in words.
    await page.reload();
    const row = page.locator(`[data-testid="lab-members"] tr[data-user-id="${colleague.id}"]`);
    await waitToSee(row.getByText('scientist'));
    await page.locator('#lab-invite-email').fill(colleague.email);
    await submitByKeyboard(page, 'form[aria-labelledby="lab-invite-heading"] button[type="submit"]');
    await waitToSee(page.getByTestId('lab-invite-email-error').getByText(`${colleague.email} is a member of the project already: change their role above.`));
    await waitForFocus(page, '#lab-invite-email');
    await page.locator('#lab-invite-email').fill('');

    // A new role, by keyboard.
    await tabTo(page, '#lab-role-member', 80, true);
    await page.locator('#lab-role-member').selectOption(colleague.email);
    await page.locator('#lab-role-role').selectOption('collaborator');
    await submitByKeyboard(page, 'form[aria-labelledby="lab-role-heading"] button[type="submit"]');
    await waitToSee(result.getByText('Colleague is now a collaborator of the project.'));
    await waitForFocus(page, '[data-testid="lab-team-result"]');
    await waitToSee(row.getByText('collaborator'));
    expect((await owner.client.members(project.id)).members.find((member) => member.userId === colleague.id)?.role).toBe('collaborator');

    // Handing the project over asks first; Escape keeps it, and nothing is sent.
    await page.locator('#lab-role-member').selectOption(colleague.email);
    await page.locator('#lab-role-role').selectOption('owner');
    await submitByKeyboard(page, 'form[aria-labelledby="lab-role-heading"] button[type="submit"]');
    const question = page.getByTestId('lab-hand-over');
    await waitToSee(question.getByText(`Hand “${project.title}” over to Colleague?`));
    await waitForFocus(page, '[data-testid="lab-hand-over"]');
    await checkScreen(page, 'lab-team-hand-over');
    await page.keyboard.press('Escape');
    await waitToSee(question, { state: 'detached' });
    await waitForFocus(page, '#lab-role-role');
    expect((await owner.client.getProject(project.id)).ownerId).toBe(owner.id);
    expect((await owner.client.members(project.id)).members.map((member) => [member.userId, member.role])).toEqual([
      [owner.id, 'owner'],
      [colleague.id, 'collaborator'],
    ]);

    // Removing asks first, naming the member: Escape keeps them, focus goes back to the button, and nothing is sent.
    const removeButton = `[data-testid="lab-members"] tr[data-user-id="${colleague.id}"] button`;
    await submitByKeyboard(page, removeButton);
    const removal = page.getByTestId('lab-remove-question');
    await waitToSee(removal.getByText(`Remove Colleague (${colleague.email}) from “${project.title}”?`));
    await waitToSee(removal.getByText('They no longer work on it in the lab; their classifications stay in its results. They can be invited again.'));
    await waitForFocus(page, '[data-testid="lab-remove-question"]');
    await checkScreen(page, 'lab-team-remove');
    await page.keyboard.press('Escape');
    await waitToSee(removal, { state: 'detached' });
    await waitForFocus(page, removeButton);
    expect((await owner.client.members(project.id)).members.map((member) => member.userId)).toEqual([owner.id, colleague.id]);

    // Asked again and confirmed, by keyboard: said, focused, and gone from the project.
    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-testid="lab-remove-question"]');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitToSee(result.getByText('Colleague is no longer a member of the project.'));
    await waitForFocus(page, '[data-testid="lab-team-result"]');
    await waitToSee(row, { state: 'detached' });
    expect((await owner.client.members(project.id)).members.map((member) => member.userId)).toEqual([owner.id]);

    // An invitation withdrawn before it is answered.
    await page.locator('#lab-invite-email').fill('someone-else@example.org');
    await submitByKeyboard(page, 'form[aria-labelledby="lab-invite-heading"] button[type="submit"]');
    await waitToSee(page.locator('[data-testid="lab-invitations"] tr[data-email="someone-else@example.org"]'));
    await checkScreen(page, 'lab-team');
    // Withdrawing it asks first too; confirmed by keyboard.
    await submitByKeyboard(page, '[data-testid="lab-invitations"] tr[data-email="someone-else@example.org"] button');
    await waitToSee(page.getByTestId('lab-withdraw-question').getByText('Withdraw the invitation to someone-else@example.org?'));
    await waitForFocus(page, '[data-testid="lab-withdraw-question"]');
    expect((await owner.client.invitations(project.id)).invitations).toHaveLength(1);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitToSee(result.getByText('The invitation to someone-else@example.org is withdrawn.'));
    await waitForFocus(page, '[data-testid="lab-team-result"]');
    expect((await owner.client.invitations(project.id)).invitations).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('gives back every subject volunteers hold, once asked (by keyboard; Escape asks nothing), saying how many, none taken since, the progress following', async () => {
    const { workflowId, setId, researcher, page, errors } = await researcherWithWorkflow('Holds', 3);
    const volunteers = await Promise.all([0, 1].map(async () => suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token)));
    for (const volunteer of volunteers) expect((await volunteer.queue(workflowId, 3)).subjects).toHaveLength(3);
    const holds = async () => (await suite.stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1 AND expires_at > now()', [workflowId])).rows[0]!.n;
    expect(await holds()).toBe(6);

    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await waitToSee(page.getByText('Subjects held by volunteers now: 3.'));
    await submitByKeyboard(page, '#lab-holds-release');
    const question = page.getByTestId('lab-holds-question');
    await waitToSee(question.getByText('Give back every subject volunteers hold in this workflow?'));
    await waitToSee(question.getByText(/^Subjects held now: 3\. These go back to the queue at once \(a subject served to a volunteer after this question stays held\)/));
    await waitForFocus(page, '[data-testid="lab-holds-question"]');
    await checkScreen(page, 'lab-holds');
    await page.keyboard.press('Escape');
    await waitToSee(question, { state: 'detached' });
    await waitForFocus(page, '#lab-holds-release');
    expect(await holds()).toBe(6);

    // Asked again from the button, and confirmed: the holds counted in the question end, said and focused, and not one a
    // volunteer took while it was open; the progress is read again.
    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-testid="lab-holds-question"]');
    await researcher.addSubjects(setId, [{ externalId: 'p3', locations: [{ type: 'text', text: 'Page 3.' }] }]);
    const latecomer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    expect((await latecomer.queue(workflowId, 3)).subjects.map((subject) => subject.externalId)).toEqual(['p3']);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    // Counted in subjects, as the question counted them (tester 21b F7), and the holds as well where they differ.
    await waitToSee(page.getByTestId('lab-holds-result').getByText('Done. Subjects no longer held, back in the queue: 3. Holds ended: 6 (a subject can be held by several volunteers at once).'));
    await waitForFocus(page, '[data-testid="lab-holds-result"]');
    await waitToSee(page.getByText('Subjects held by volunteers now: 1.'));
    expect(await holds()).toBe(1);
    expect(errors).toEqual([]);
  });

  it("reads an active workflow's progress again by itself every 30 seconds while its page is shown (a teacher watching a class)", async () => {
    const { workflowId, page, errors } = await researcherWithWorkflow('Watching', 3);
    await page.clock.install();
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await waitToSee(page.getByText('Subjects held by volunteers now: 0.'));
    const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    expect((await volunteer.queue(workflowId, 2)).subjects).toHaveLength(2);
    await page.clock.runFor(25_000);
    expect(await page.getByText('Subjects held by volunteers now: 0.').count()).toBe(1); // not yet
    await page.clock.runFor(5_000);
    await waitToSee(page.getByText('Subjects held by volunteers now: 2.'));
    expect(errors).toEqual([]);
  });

  it("reads an active workflow's progress never while its page is hidden, and at once as it shows again after more than 30 seconds", async () => {
    const { workflowId, page, errors } = await researcherWithWorkflow('Elsewhere', 3);
    const statsRead: string[] = [];
    page.on('request', (request) => request.url().endsWith(`/workflows/${workflowId}/stats`) && statsRead.push(request.url()));
    await page.clock.install();
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await waitToSee(page.getByText('Subjects held by volunteers now: 0.'));
    const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    expect((await volunteer.queue(workflowId, 2)).subjects).toHaveLength(2);
    await withClockPaused(page, async () => {
      const readBefore = statsRead.length;
      await setShown(page, false);
      await page.clock.runFor(65_000);
      await setShown(page, true);
      await waitToSee(page.getByText('Subjects held by volunteers now: 2.'), { timeout: 10_000 });
      // Read once, as it showed: a read while hidden (at 30 s, at 60 s) would make two or more by now, its figures shown.
      expect(statsRead).toHaveLength(readBefore + 1);
    });
    expect(errors).toEqual([]);
  });

  it('says when too few volunteers have taken part for any subject to retire, until enough have (a class smaller than the rule)', async () => {
    const { workflowId, page, errors } = await researcherWithWorkflow('Class', 2); // retired after 2 classifications
    const classify = async () => {
      const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
      const [subject] = (await volunteer.queue(workflowId, 1)).subjects;
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: subject!.id, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    };
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    const warning = page.getByTestId('lab-too-few-volunteers');
    await waitToSee(page.getByText('Volunteers: 0.', { exact: false }));
    expect(await warning.count()).toBe(0); // a workflow just activated: nobody yet, nothing to tell
    await classify();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await waitToSee(warning.getByText('No subject can retire until at least 2 different volunteers have classified it (each volunteer classifies a subject once); so far 1 volunteer has taken part.', { exact: false }));
    await checkScreen(page, 'lab-too-few-volunteers');
    await classify();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await waitToSee(page.getByText('Volunteers: 2.', { exact: false }));
    expect(await warning.count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("makes a consensus or raw classifications download in the order of the subjects' external ids when asked, as a teacher's spreadsheet has them", async () => {
    const { workflowId, page, errors } = await researcherWithWorkflow('Spreadsheet', 8); // p0 … p7, their ids random
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await page.getByLabel('Download', { exact: true }).selectOption('consensus');
    await page.locator('#lab-download-format').selectOption('csv');
    await page.getByLabel("In the order of the subjects' external ids", { exact: false }).check();
    await page.getByLabel('Metadata as columns', { exact: false }).check();
    await page.locator('form:has(#lab-download-kind) button[type="submit"]').click();
    // The list says which file is in that order, and has the metadata as columns, beside one in Chorus's own.
    const ready = page.locator('[data-testid="lab-downloads"] li').first();
    await waitToSee(ready.getByText("Consensus, CSV, in the order of the subjects' external ids, metadata as columns: ready."), { timeout: 20_000 });
    const url = new URL((await ready.getByRole('link').getAttribute('href'))!, suite.stack.baseUrl);
    expect(url.searchParams.get('sort')).toBe('externalId');
    expect(url.searchParams.get('metadata')).toBe('columns');
    await page.getByLabel("In the order of the subjects' external ids", { exact: false }).uncheck();
    await page.getByLabel('Metadata as columns', { exact: false }).uncheck();
    await page.locator('form:has(#lab-download-kind) button[type="submit"]').click();
    await waitToSee(page.locator('[data-testid="lab-downloads"] li').first().getByText('Consensus, CSV: ready.'), { timeout: 20_000 });
    const [header, ...rows] = (await (await fetch(url)).text()).trim().split('\n');
    expect(header!.split(',')).not.toContain('subject_metadata');
    expect(rows.map((row) => row.split(',')[1])).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
    // The raw classifications too (tester 21a F1).
    const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    const classified: string[] = [];
    for (const subject of (await volunteer.queue(workflowId, 8)).subjects) {
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: subject.id, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
      classified.push(subject.externalId!);
    }
    await page.getByLabel('Download', { exact: true }).selectOption('classifications');
    await page.getByLabel("In the order of the subjects' external ids", { exact: false }).check();
    await page.locator('form:has(#lab-download-kind) button[type="submit"]').click();
    const raw = page.locator('[data-testid="lab-downloads"] li').first();
    await waitToSee(raw.getByText("Raw classifications, CSV, in the order of the subjects' external ids: ready."), { timeout: 20_000 });
    const rawUrl = new URL((await raw.getByRole('link').getAttribute('href'))!, suite.stack.baseUrl);
    expect(rawUrl.searchParams.get('sort')).toBe('externalId');
    const [, ...rawRows] = (await (await fetch(rawUrl)).text()).trim().split('\n');
    expect(rawRows.map((row) => row.split(',')[2])).toEqual(classified.sort());
    // Every workflow's classifications of the project in one file, saved as it streams.
    // Its fields labelled as its own, beside the workflow's download's "Format" and "Changed since (optional)".
    const whole = page.getByTestId('lab-project-classifications-download');
    const labels = ['Format', 'Changed since (optional)', 'Format of the project’s file', 'Project’s file changed since (optional)'];
    expect(await Promise.all(labels.map((label) => page.getByLabel(label, { exact: true }).count()))).toEqual([1, 1, 1, 1]);
    await page.getByLabel('Format of the project’s file', { exact: true }).selectOption('ndjson');
    const [download] = await Promise.all([page.waitForEvent('download'), submitByKeyboard(page, '[data-testid="lab-project-classifications-download"] button[type="submit"]')]);
    const everyWorkflow = readFileSync((await download.path())!, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { workflow_id: string; external_id: string });
    expect([everyWorkflow.map((row) => row.workflow_id), everyWorkflow.map((row) => row.external_id).sort()]).toEqual([classified.map(() => workflowId), classified.sort()]);
    await waitToSee(whole.getByText('Saving every workflow’s classifications as NDJSON', { exact: false }));
    expect(errors).toEqual([]);
  });

  it('makes the downloads of one subject set chosen in the Subject set select (all sets by default), the link keeping it', async () => {
    const { workflowId, setId, researcher, page, errors } = await researcherWithWorkflow('Archive', 3); // Pages: p0, p1, p2
    const { projectId } = await researcher.getWorkflow(workflowId);
    const diary = await researcher.createSubjectSet(projectId, { name: 'Diary' });
    await researcher.addSubjects(diary.id, [{ externalId: 'd0', locations: [{ type: 'text', text: 'Monday.' }] }, { externalId: 'p1', locations: [{ type: 'text', text: 'Page 1.' }] }]);
    await researcher.updateWorkflow(workflowId, { ...BRANCHING_DEFINITION, retirement: { rule: 'count', count: 2 }, subjectSetIds: [setId, diary.id] });
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    const select = page.getByRole('region', { name: 'Downloads' }).getByLabel('Subject set', { exact: true });
    await waitToSee(select);
    // The workflow's sets, once the project's are read.
    await until(async () => (await select.locator('option').count()) === 3, 'the sets listed');
    expect(await select.locator('option').allTextContents()).toEqual(['All sets', 'Pages', 'Diary']);
    expect(await select.inputValue()).toBe('');
    const submit = 'form:has(#lab-download-kind) button[type="submit"]';
    const linkOf = async (text: string) => {
      const ready = page.locator('[data-testid="lab-downloads"] li').first();
      await waitToSee(ready.getByText(text), { timeout: 20_000 });
      return new URL((await ready.getByRole('link').getAttribute('href'))!, suite.stack.baseUrl);
    };
    await select.selectOption({ label: 'Diary' });
    await page.locator('#lab-download-format').selectOption('json');
    // A set's download of what changed since a moment: the set asked for in its link, the moment added to it, both sent.
    await page.locator('#lab-download-since').fill('2000-01-01');
    const [asked] = await Promise.all([page.waitForRequest((request) => request.url().endsWith(`/workflows/${workflowId}/download-links`) && request.method() === 'POST'), page.locator(submit).click()]);
    expect(asked.postDataJSON()).toEqual({ kind: 'consensus', subjectSetId: diary.id });
    const sinceUrl = await linkOf('Consensus, JSON, changed since 2000-01-01, subject set “Diary”: ready.');
    expect([sinceUrl.searchParams.get('since'), sinceUrl.searchParams.get('subjectSetId')]).toEqual(['2000-01-01', diary.id]);
    expect(((await (await fetch(sinceUrl)).json()) as { external_id: string }[]).map((row) => row.external_id).sort()).toEqual(['d0', 'p1']);
    await page.locator('#lab-download-since').fill('');
    await page.locator(submit).click();
    const diaryUrl = await linkOf('Consensus, JSON, subject set “Diary”: ready.');
    expect(diaryUrl.searchParams.get('subjectSetId')).toBe(diary.id);
    // The diary's subjects alone, p1 too, which is in both sets.
    expect(((await (await fetch(diaryUrl)).json()) as { external_id: string }[]).map((row) => row.external_id).sort()).toEqual(['d0', 'p1']);
    await checkScreen(page, 'lab-downloads-subject-set');
    // The reports are of every set, whatever the select says.
    await page.getByLabel('Download', { exact: true }).selectOption('subject-reports');
    await page.locator(submit).click();
    expect((await linkOf("Volunteers' reports of subjects (a row per report), JSON: ready.")).searchParams.has('subjectSetId')).toBe(false);
    await page.getByLabel('Download', { exact: true }).selectOption('consensus');
    await select.selectOption({ label: 'All sets' });
    await page.locator(submit).click();
    const everyUrl = await linkOf('Consensus, JSON: ready.');
    expect(everyUrl.searchParams.has('subjectSetId')).toBe(false);
    expect(((await (await fetch(everyUrl)).json()) as { external_id: string }[]).map((row) => row.external_id).sort()).toEqual(['d0', 'p0', 'p1', 'p2']);
    expect(errors).toEqual([]);
  });

  it('makes a download of what changed since a moment: one that is not a moment said at its field, a good one in the link a script can fetch', async () => {
    const { workflowId, page, errors } = await researcherWithWorkflow('Since', 2);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await page.getByLabel('Download', { exact: true }).selectOption('consensus');
    await page.locator('#lab-download-format').selectOption('csv');
    expect(await page.getByRole('combobox', { name: 'Transcription task and document' }).count()).toBe(0); // no transcription task, no documents
    const since = page.locator('#lab-download-since');
    const submit = 'form:has(#lab-download-kind) button[type="submit"]';
    await since.fill('yesterday');
    await submitByKeyboard(page, submit);
    await waitToSee(page.getByTestId('lab-download-since-error').getByText(/^Write a date such as 2026-12-01/));
    await waitForFocus(page, '#lab-download-since');
    expect(await page.locator('[data-testid="lab-downloads"] li[data-state]').count()).toBe(0);
    await checkScreen(page, 'lab-downloads-since');

    /** The newest download's link, once ready, as a script would fetch it: the CSV's lines. */
    const fetchNewest = async (described: string) => {
      const ready = page.locator('[data-testid="lab-downloads"] li').first();
      await waitToSee(ready.getByText(`${described}: ready.`), { timeout: 20_000 });
      const url = new URL((await ready.getByRole('link').getAttribute('href'))!, suite.stack.baseUrl);
      return { since: url.searchParams.get('since'), lines: (await (await fetch(url)).text()).trim().split('\n') };
    };
    // A zone's "+" reaches the API as a "+", not as a space.
    await since.fill('2999-01-01T09:30:00+01:00');
    await submitByKeyboard(page, submit);
    const future = await fetchNewest('Consensus, CSV, changed since 2999-01-01T09:30:00+01:00');
    expect(future).toEqual({ since: '2999-01-01T09:30:00+01:00', lines: [expect.stringMatching(/^subject_id,external_id,/)] });
    await since.fill(' 2000-01-01 ');
    await submitByKeyboard(page, submit);
    const past = await fetchNewest('Consensus, CSV, changed since 2000-01-01');
    expect(past.since).toBe('2000-01-01');
    expect(past.lines).toHaveLength(3);
    // Left empty: the whole download, without `since`.
    await since.fill('');
    await submitByKeyboard(page, submit);
    expect((await fetchNewest('Consensus, CSV')).since).toBeNull();
    expect(errors).toEqual([]);
  });

  it("downloads a transcription task's documents, as text, IIIF annotations or TEI, from a consensus link", async () => {
    const transcribing: WorkflowInput = {
      name: 'Letters',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Is there a postscript?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No', next: 'T2' }] }, T1: { type: 'transcription', instruction: 'Type the postscript' }, T2: { type: 'transcription', instruction: 'Type the signature' } },
    };
    const { workflowId, page, errors } = await researcherWithWorkflow('Letters', 2, transcribing);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    const choice = page.getByRole('combobox', { name: 'Transcription task and document' });
    // Only the transcription task, in each form.
    await waitToSee(choice);
    expect(await choice.locator('option').allTextContents()).toEqual([
      'Type the postscript (T1): Text (a page per subject)',
      'Type the postscript (T1): IIIF annotations',
      'Type the postscript (T1): TEI (XML for digital editions)',
      'Type the signature (T2): Text (a page per subject)',
      'Type the signature (T2): IIIF annotations',
      'Type the signature (T2): TEI (XML for digital editions)',
    ]);
    const prepare = page.getByRole('button', { name: 'Prepare the documents' });

    /** The newest download, once ready, fetched from the page as the browser would: its content type and text. */
    const fetchNewest = async (described: string) => {
      const ready = page.locator('[data-testid="lab-downloads"] li').first();
      await waitToSee(ready.getByText(`${described}: ready.`), { timeout: 20_000 });
      const link = ready.getByRole('link', { name: /^Save the file/ });
      const href = (await link.getAttribute('href'))!;
      const fetched = await page.evaluate(async (address) => {
        const response = await fetch(address);
        return { type: response.headers.get('content-type'), text: await response.text() };
      }, href);
      return { link, href, ...fetched };
    };
    // The task chosen, not the first, is the one sent, and named in the list as the choice named it.
    await choice.selectOption({ label: 'Type the signature (T2): Text (a page per subject)' });
    await prepare.click();
    const text = await fetchNewest('Transcriptions of Type the signature (T2), Text (a page per subject)');
    expect(new URL(text.href, suite.stack.baseUrl).searchParams.get('task')).toBe('T2');
    expect(text.type).toBe('text/plain; charset=utf-8');
    expect(text.text.split('\n')[0]).toBe('=== p0 ===');
    await checkScreen(page, 'lab-downloads-transcriptions');
    const [download] = await Promise.all([page.waitForEvent('download'), text.link.click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^transcriptions-T2-Letters-${workflowId}-\\d{8}T\\d{6}Z\\.txt$`));

    await choice.selectOption({ label: 'Type the postscript (T1): TEI (XML for digital editions)' });
    await prepare.click();
    const tei = await fetchNewest('Transcriptions of Type the postscript (T1), TEI (XML for digital editions)');
    expect(Object.fromEntries(new URL(tei.href, suite.stack.baseUrl).searchParams)).toMatchObject({ task: 'T1', format: 'tei' });
    expect([tei.type, tei.text.split('\n')[1]]).toEqual(['application/tei+xml; charset=utf-8', '<TEI xmlns="http://www.tei-c.org/ns/1.0">']);

    await choice.selectOption({ label: 'Type the postscript (T1): IIIF annotations' });
    await prepare.click();
    const iiif = await fetchNewest('Transcriptions of Type the postscript (T1), IIIF annotations');
    expect(Object.fromEntries(new URL(iiif.href, suite.stack.baseUrl).searchParams)).toMatchObject({ task: 'T1', format: 'iiif' });
    expect(iiif.type).toMatch(/^application\/ld\+json;/);
    expect(JSON.parse(iiif.text)).toMatchObject({ type: 'AnnotationPage' });
    // A link the API made for another download is not changed into a transcriptions one: the download failed.
    await page.route('**/download-links', (route) => route.fulfill({ json: { url: `/api/v1/workflows/${workflowId}/classifications?token=x`, expiresAt: new Date(Date.now() + 600_000).toISOString() } }));
    await prepare.click();
    const failed = page.locator('[data-testid="lab-downloads"] li').first();
    await waitToSee(failed.getByText('Transcriptions of Type the postscript (T1), IIIF annotations: failed.'));
    await waitToSee(failed.getByText('The server sent an answer Chorus could not read.', { exact: false }));
    expect(await failed.getByRole('link').count()).toBe(0);
    await page.unroute('**/download-links');
    expect(errors).toEqual([]);
  });

  it('says an active workflow whose every subject is retired is complete, not that volunteers classify it, and follows a retirement by hand (round 16a F8)', async () => {
    const account = await signUp(suite.stack, { email: `lab-complete-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Margaret Hale' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Postcards', status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Fronts' });
    await researcher.addSubjects(set.id, ['PC-1', 'PC-2'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `Card ${externalId}.` }] })));
    const { id: workflowId } = await researcher.createWorkflow(project.id, { ...BRANCHING_DEFINITION, subjectSetIds: [set.id] });
    await researcher.activateWorkflow(workflowId);
    await researcher.retireSubjects(workflowId, { externalIds: ['PC-1'], reason: 'torn' });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    const explain = page.getByTestId('lab-status-explain');
    await waitToSee(explain.getByText('Active: volunteers classify its subjects (once the project is live).'));
    await page.getByRole('textbox', { name: 'Subjects', exact: true }).fill('PC-2');
    await page.getByLabel('Reason').fill('Torn too');
    await submitByKeyboard(page, 'form[aria-labelledby="lab-retire-heading"] button[data-action="retire"]');
    await waitToSee(explain.getByText(/^Active, and complete: every subject but those with known answers is retired .*nothing left to classify/));
    await page.reload();
    await waitToSee(explain.getByText(/^Active, and complete/));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('offers to try a draft workflow, saying that tries never count, and says so on its classify page while it is a draft (round 16a F9)', async () => {
    const account = await signUp(suite.stack, { email: `lab-try-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Mary Anning' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Fossil labels', status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Labels' });
    await researcher.addSubjects(set.id, [{ externalId: 'L-1', locations: [{ type: 'text' as const, text: 'Ichthyosaur, Lyme Regis.' }] }]);
    const { id: workflowId } = await researcher.createWorkflow(project.id, { ...BRANCHING_DEFINITION, subjectSetIds: [set.id] });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    const tries = page.getByTestId('lab-draft-tries');
    await waitToSee(tries.getByText(/never counted toward the consensus or retirement, now or once it is active/));
    await tries.getByRole('link', { name: 'Try it' }).click();
    await waitToSee(page.getByTestId('draft-tries').getByText(/^This workflow is a draft: .*Your tries here do not count toward the results/));
    await researcher.activateWorkflow(workflowId);
    await page.reload();
    await waitToSee(page.getByRole('heading', { level: 1, name: BRANCHING_DEFINITION.name }));
    expect(await page.getByTestId('draft-tries').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says on an active workflow’s page that its project is not live, with a link to the project’s status, until it is', async () => {
    const account = await signUp(suite.stack, { email: `lab-not-live-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Anna Atkins' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Harbour photographs', status: 'draft' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Harbour album' });
    await researcher.addSubjects(set.id, [{ externalId: 'PH-1', locations: [{ type: 'text' as const, text: 'The quay.' }] }]);
    const { id: workflowId } = await researcher.createWorkflow(project.id, { ...BRANCHING_DEFINITION, subjectSetIds: [set.id] });
    await researcher.activateWorkflow(workflowId);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    const notLive = page.getByTestId('lab-project-not-live');
    await waitToSee(notLive.getByText('The project is draft, not live: volunteers see none of its workflows, this one included, until it is.'));
    await notLive.getByRole('link', { name: 'Set the status of “Harbour photographs” to Live' }).click();
    await waitForFocus(page, '#lab-details-status');
    await page.selectOption('#lab-details-status', 'live');
    await page.getByRole('button', { name: 'Save the details' }).click();
    await until(async () => (await researcher.getProject(project.id)).status === 'live', 'the project to be live');
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await waitToSee(page.getByTestId('lab-status-explain').getByText('Active: volunteers classify its subjects (once the project is live).'));
    expect(await notLive.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('counts the tries in draft apart in the progress, marks them on the subject page, and deletes a draft with its tries once asked, saying how many', async () => {
    const account = await signUp(suite.stack, { email: `lab-tries-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Mary Somerville' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Tide tables', status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Tables' });
    const [subjectId] = (await researcher.addSubjects(set.id, [{ externalId: 'T-1', locations: [{ type: 'text' as const, text: 'High water at Leith, 4.12.' }] }])).subjectIds;
    const classify = (who: typeof researcher, workflowId: string) =>
      who.classify({ workflowId, workflowVersion: 1, subjectId: subjectId!, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    // Tried while a draft, then classified by a volunteer once active.
    const { id: workflowId } = await researcher.createWorkflow(project.id, { ...BRANCHING_DEFINITION, subjectSetIds: [set.id] });
    await classify(researcher, workflowId);
    await researcher.activateWorkflow(workflowId);
    await classify(suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token), workflowId);

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await waitToSee(page.getByTestId('workflow-progress').getByText('0 of 1 subjects retired, 1 classification'));
    await waitToSee(page.getByText(/^Volunteers: 1\./));
    await waitToSee(page.getByTestId('lab-progress-tries').getByText('Not counted above: 1 try made by the team while the workflow was a draft.'));
    expect(await page.getByRole('heading', { name: 'Delete the workflow' }).count()).toBe(0); // active
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${subjectId}`);
    const rows = page.getByRole('table', { name: /^Classifications of / }).locator('tbody tr');
    await waitToSee(rows.nth(1));
    expect(await rows.evaluateAll((each) => each.map((row) => row.textContent?.includes('A try in draft, not counted') ?? false))).toEqual([true, false]);

    // Paused, with a volunteer's classification: refused at once, nothing asked.
    await researcher.pauseWorkflow(workflowId);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await page.getByRole('button', { name: 'Delete the workflow' }).click();
    await waitToSee(page.getByText(/^Volunteers have classified in this workflow: their classifications are never deleted/));
    expect(await page.getByTestId('lab-workflow-delete-question').count()).toBe(0);

    // A draft holding only its try: deleted with it, once asked.
    const { id: draftId } = await researcher.createWorkflow(project.id, { ...BRANCHING_DEFINITION, name: 'Tide tables, first go', subjectSetIds: [set.id] });
    await classify(researcher, draftId);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${draftId}`);
    await page.getByRole('button', { name: 'Delete the workflow' }).click();
    await waitToSee(page.getByTestId('lab-workflow-delete-question').getByText('Delete “Tide tables, first go” and the 1 try made while it was a draft?'));
    await checkScreen(page, 'lab-workflow-delete');
    // Cancelled, the question gives focus back to the button it came from; asked again, it is deleted.
    await page.getByTestId('lab-workflow-delete-question').getByRole('button', { name: 'No, keep it' }).click();
    await waitForFocus(page, '#lab-workflow-delete');
    await page.getByRole('button', { name: 'Delete the workflow' }).click();
    await page.getByRole('button', { name: 'Yes, delete the workflow' }).click();
    await waitToSee(page.getByText('The workflow “Tide tables, first go” was deleted, with 1 try.'));
    expect(new URL(page.url()).pathname).toBe(`/lab/projects/${project.slug}`);
    expect((await researcher.getProject(project.id)).workflows.map((workflow) => workflow.id)).toEqual([workflowId]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lets a researcher retire listed subjects with a reason, return one to volunteers and set a priority, the progress following', async () => {
    const account = await signUp(suite.stack, { email: `lab-retire-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Caroline Herschel' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Torn pages', status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Pages' });
    await researcher.addSubjects(
      set.id,
      ['p1', 'p2', 'p3', 'p4'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `Page ${externalId}.` }] })),
    );
    const { subjects } = await researcher.subjectsOf(set.id);
    const idOf = (externalId: string) => subjects.find((subject) => subject.externalId === externalId)!.id;
    const { id: workflowId } = await researcher.createWorkflow(project.id, { ...BRANCHING_DEFINITION, subjectSetIds: [set.id] });
    await researcher.activateWorkflow(workflowId);
    const hotRows = async () =>
      (
        await suite.stack.db.query<{ subject_id: string; retired: boolean; reason: string | null; detail: { reason?: string } | null; priority: number }>(
          'SELECT subject_id, retired_at IS NOT NULL AS retired, retirement_reason AS reason, retirement_detail AS detail, priority FROM subject_workflow_status WHERE workflow_id = $1',
          [workflowId],
        )
      ).rows;
    const row = async (externalId: string) => (await hotRows()).find((status) => status.subject_id === idOf(externalId))!;

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    const progress = page.getByTestId('workflow-progress');
    await waitToSee(progress.getByText('0 of 4 subjects retired, 0 classifications'));
    const retire = 'form[aria-labelledby="lab-retire-heading"] button[data-action="retire"]';
    const list = page.getByRole('textbox', { name: 'Subjects', exact: true });

    // A subject the workflow does not have: the API refuses the whole list, said at the field by its line; nothing retires.
    const stranger = '0b5a4a8e-3f1c-4a57-9d43-2f0e7c1d9a11';
    await list.fill(`p1\n${stranger}\np99\nP3`);
    await page.getByLabel('Reason').fill('Torn pages');
    await submitByKeyboard(page, retire);
    // P3 differs from p3 in capitals alone: the page names it (round 16a F3).
    await waitToSee(
      page
        .getByTestId('lab-retire-subjects-error')
        .getByText(`Not subjects of this workflow, so nothing was changed: line 2 (${stranger}), line 3 (p99), and line 4 (P3: did you mean p3? External ids are matched with capitals and digits as written).`),
    );
    await waitForFocus(page, '#lab-retire-subjects');
    expect((await hotRows()).filter((status) => status.retired)).toEqual([]);

    // Two subjects by their externalIds, one per line: retired with the reason, counted, and the progress follows.
    await list.fill('p1\np2');
    await submitByKeyboard(page, retire);
    const retired = page.getByTestId('lab-retire-result');
    await waitToSee(retired.getByText('2 subjects retired.'));
    await waitToSee(retired.getByText('Each keeps the reason “Torn pages”, for the record.'));
    await waitForFocus(page, '[data-testid="lab-retire-result"]');
    await waitToSee(progress.getByText('2 of 4 subjects retired, 0 classifications'));
    // Its bar as before it was shared with the project page: named, its value read as a percentage (no words, which the
    // summary beside it says already).
    const bar = page.getByRole('progressbar', { name: 'Subjects retired', exact: true });
    expect(await bar.evaluate((shown: HTMLProgressElement) => [shown.value, shown.max, shown.getAttribute('aria-valuetext')])).toEqual([2, 4, null]);
    expect((await researcher.stats(workflowId)).retired).toBe(2);
    expect([await row('p1'), await row('p2')].map(({ retired, reason, detail }) => [retired, reason, detail?.reason])).toEqual([
      [true, 'manual', 'Torn pages'],
      [true, 'manual', 'Torn pages'],
    ]);
    expect((await row('p3')).retired).toBe(false);
    await checkScreen(page, 'lab-subjects');

    // One back to volunteers, by its Chorus id.
    await list.fill(idOf('p2'));
    await page.getByLabel('Reason').fill('Not torn after all');
    await submitByKeyboard(page, 'form[aria-labelledby="lab-retire-heading"] button[data-action="unretire"]');
    await waitToSee(retired.getByText('1 subject returned to volunteers.'));
    await waitForFocus(page, '[data-testid="lab-retire-result"]');
    await waitToSee(progress.getByText('1 of 4 subjects retired, 0 classifications'));
    expect((await researcher.stats(workflowId)).retired).toBe(1);
    expect([(await row('p1')).retired, (await row('p2')).retired]).toEqual([true, false]);

    // A priority: a line without a number is said at the field; then kept, and the page says it waits for priority
    // order, which this workflow does not use.
    await waitToSee(page.getByTestId('lab-priorities-order').getByText(/This one serves them at random:/));
    await page.getByLabel('Subjects and their priorities').fill('p3 first');
    await submitByKeyboard(page, 'form[aria-labelledby="lab-priorities-heading"] button[type="submit"]');
    await waitToSee(page.getByTestId('lab-priorities-error').getByText('Line 1 needs a subject and a number after it, such as “snippet-1, 1”.'));
    await waitForFocus(page, '#lab-priorities');
    await page.getByLabel('Subjects and their priorities').fill('p3, -5');
    await submitByKeyboard(page, 'form[aria-labelledby="lab-priorities-heading"] button[type="submit"]');
    const prioritised = page.getByTestId('lab-priorities-result');
    await waitToSee(prioritised.getByText('Priority set for 1 subject.'));
    await waitToSee(prioritised.getByText(/take effect once the workflow serves its subjects by priority \(it serves them at random now\)/));
    await waitForFocus(page, '[data-testid="lab-priorities-result"]');
    expect([(await row('p3')).priority, (await row('p4')).priority]).toEqual([-5, 0]);

    // A volunteer reports p4 (an address on it) and the researcher retires it on the report.
    const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    await volunteer.queue(workflowId);
    await volunteer.reportSubject(workflowId, { subjectId: idOf('p4'), reason: 'sensitive-content', note: 'home address visible' });
    await researcher.retireSubjects(workflowId, { externalIds: ['p4'], reason: 'personal data on label' });
    await page.reload();
    await waitToSee(progress.getByText('2 of 4 subjects retired, 0 classifications'));

    // A whole subject set back to volunteers, chosen by keyboard: p1 returns; p4, retired on a report, stays, and the page says why (round 25).
    await tabTo(page, 'input[name="lab-retire-which"]', 80, true);
    await page.keyboard.press('ArrowDown');
    await page.locator('#lab-retire-set').selectOption({ label: 'Pages (4 subjects)' });
    await page.getByLabel('Reason').fill('Not torn after all');
    await submitByKeyboard(page, 'form[aria-labelledby="lab-retire-heading"] button[data-action="unretire"]');
    await waitToSee(retired.getByText('1 subject returned to volunteers.'));
    await waitToSee(retired.getByText(/^1 stays retired: a moderator retired it, or a researcher did on a volunteer's report/));
    await waitToSee(progress.getByText('1 of 4 subjects retired, 0 classifications'));
    expect((await hotRows()).filter((status) => status.retired).map((status) => status.subject_id)).toEqual([idOf('p4')]);
    expect(errors).toEqual([]);
  });
});
