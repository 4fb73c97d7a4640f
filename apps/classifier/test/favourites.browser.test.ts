import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { answerByKey, checkScreen, inWindowOf, liveYesNoWorkflow, newcomerPage, PHONE_WINDOW, skipTutorial, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * A volunteer marks the subject on screen a favourite by keyboard ("☆ Favourite", a toggle button), sees it so in their
 * recent classifications, and finds it on their favourites page, from the header, with its thumbnail described, and
 * opens it; the page fits a phone and a window zoomed to 200 %.
 */

jest.setTimeout(60_000);

/** A 1×1 PNG: what a thumbnail and the viewer load. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('classifier in a browser: favourites', () => {
  const suite = useStackAndBrowser();
  let images: Server;
  let imageBase = '';

  beforeAll(async () => {
    images = createServer((_request, response) => {
      response.setHeader('Content-Type', 'image/png');
      response.setHeader('Access-Control-Allow-Origin', '*');
      response.end(PIXEL);
    });
    await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
    imageBase = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => images.close(() => resolve())));

  const favouritesOf = async (workflowId: string) =>
    (await suite.stack.db.query('SELECT f.subject_id, u.kind FROM favourites f JOIN users u ON u.id = f.user_id WHERE f.workflow_id = $1', [workflowId])).rows;
  const pressed = (page: Page, selector: string) => page.locator(selector).getAttribute('aria-pressed');
  /** Nothing wider than the window: no sideways scrolling. */
  const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

  it('marks the subject on screen by keyboard and finds it on the favourites page, described, and opens it', async () => {
    const alts: Record<string, string> = { poster: 'A circus poster with an elephant', soap: 'An advertisement for soap' };
    const { project, workflow, path } = await liveYesNoWorkflow(
      suite.stack,
      'Favourites',
      Object.entries(alts).map(([externalId, alt]) => ({ externalId, locations: [{ type: 'image' as const, url: `${imageBase}/${externalId}.png`, alt }] })),
    );
    await skipTutorial(suite.context, workflow.id);
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}${path}`);
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    const shown = (await page.getByTestId('subject').getAttribute('data-subject-id'))!;
    const [{ external_id: externalId }] = (await suite.stack.db.query('SELECT external_id FROM subjects WHERE id = $1', [shown])).rows;
    // Called by what it shows, never by the researchers' id (`poster`), which means nothing to a volunteer.
    const name = alts[externalId]!;

    // The toggle below the subject, reached and pressed by keyboard: marked, unmarked, marked again.
    const toggle = '[data-testid="subject"] [data-testid="favourite"]';
    await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute('aria-disabled') === null, toggle);
    expect(await pressed(page, toggle)).toBe('false');
    await tabTo(page, toggle);
    expect(await page.locator(toggle).textContent()).toBe('☆ Favourite');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('favourite-message').getByText('Added to your favourites.'));
    expect(await pressed(page, toggle)).toBe('true');
    expect(await favouritesOf(workflow.id)).toEqual([{ subject_id: shown, kind: 'guest' }]);
    await page.keyboard.press('Space');
    await waitToSee(page.getByTestId('favourite-message').getByText('Removed from your favourites.'));
    expect(await pressed(page, toggle)).toBe('false');
    expect(await favouritesOf(workflow.id)).toEqual([]);
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('favourite-message').getByText('Added to your favourites.'));
    await checkScreen(page, 'favourite-classify');

    // Classified, it is among the recent classifications, marked.
    await tabTo(page, '[data-testid="subject"] input[type="radio"]', 30, true);
    await answerByKey(page);
    await tabTo(page, '[data-testid="recent"] summary');
    await page.keyboard.press('Enter');
    const recentToggle = page.getByTestId('recent').getByRole('button', { name: `Favourite: ${name}` });
    await waitToSee(recentToggle);
    expect(await recentToggle.getAttribute('aria-pressed')).toBe('true');
    // The next subject, not marked.
    expect(await pressed(page, toggle)).toBe('false');

    // From the header to the favourites page, by keyboard.
    await tabTo(page, '[data-account-link="favourites"]', 60, true);
    await page.keyboard.press('Enter');
    await waitToSee(page.getByRole('heading', { level: 1, name: 'Your favourites' }));
    await waitForFocus(page, 'h1');
    const item = page.locator(`[data-testid="favourites"] li[data-subject-id="${shown}"]`);
    await waitToSee(item);
    expect(await page.locator('[data-testid="favourites"] li').count()).toBe(1);
    expect(await item.getByRole('img').getAttribute('alt')).toBe(name);
    expect(await item.locator('.subject-card-where').textContent()).toMatch(new RegExp(`^${project.title}: Ad or not\\?Marked on `));
    expect(await item.getByRole('link', { name: 'Classify more in “Ad or not?”' }).getAttribute('href')).toBe(path);
    expect(await item.getByRole('button', { name: `Favourite: ${name}` }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('favourites-guest').count()).toBe(1); // a guest is told how to keep them
    await checkScreen(page, 'favourites');
    // A phone, and a 1280 px window zoomed to 200 % (640 CSS px): nothing wider than the screen.
    for (const size of [PHONE_WINDOW, { width: 640, height: 400 }]) expect(await inWindowOf(page, size, () => fitsWidth(page))).toBe(true);

    // Opened, by keyboard: the subject whole, described as the researchers describe it.
    await tabTo(page, `li[data-subject-id="${shown}"] h2 a`);
    await page.keyboard.press('Enter');
    await waitToSee(page.getByRole('heading', { level: 1, name }));
    await waitForFocus(page, 'h1');
    expect(new URL(page.url()).pathname).toBe(`/favourites/${shown}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-status') === 'ready', null, { timeout: 15_000 });
    expect(await page.getByTestId('image-viewer').getAttribute('aria-label')).toContain(name);
    await checkScreen(page, 'favourite-subject');
    expect(errors).toEqual([]);
  });

  it('keeps a favourite of a project taken back to draft on the favourites page, marked no longer open, as the volunteer’s classification there is kept', async () => {
    const { project, workflow } = await liveYesNoWorkflow(suite.stack, 'Withdrawn', [{ externalId: 'leaflet', locations: [{ type: 'text', text: 'A leaflet for a fair.' }] }]);
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/favourites`);
    await waitToSee(page.getByTestId('favourites-none'));
    const volunteer = suite.stack.anonymous.withToken((await page.evaluate(() => window.localStorage.getItem('chorus.token')))!);
    const [subject] = (await volunteer.queue(workflow.id, 1)).subjects;
    await volunteer.classify({ workflowId: workflow.id, workflowVersion: 1, subjectId: subject!.id, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    await volunteer.markFavourite(subject!.id, workflow.id);
    await suite.stack.client.updateProject(project.id, { status: 'draft' });

    await page.reload();
    const item = page.locator(`[data-testid="favourites"] li[data-subject-id="${subject!.id}"]`);
    await waitToSee(item);
    expect(await item.getByTestId('subject-card-closed').textContent()).toMatch(/^No longer open to volunteers/);
    expect(await item.getByRole('link', { name: /Classify more/ }).count()).toBe(0); // it would lead nowhere
    // Opened, the subject is there to look at, said the same way.
    await item.getByRole('link', { name: '“A leaflet for a fair.”' }).click();
    await waitToSee(page.getByRole('heading', { level: 1, name: '“A leaflet for a fair.”' }));
    await waitToSee(page.getByTestId('subject-card-closed'));
    await waitToSee(page.getByText('A leaflet for a fair.', { exact: true }));
    // The volunteer's classification there is theirs to see too, likewise marked.
    expect((await volunteer.myClassifications()).classifications.map((classification) => [classification.subject.id, classification.open])).toEqual([[subject!.id, false]]);
    expect(errors).toEqual([]);
  });

  it('names each favourite and recent classification uniquely to a screen reader when their texts start alike, shown cut as before (tester 26 F11)', async () => {
    const texts = ['She paid the money into the bank on Friday.', 'She paid the money into the river by mistake.'];
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Alike', [...texts, 'A third, to classify.'].map((text, n) => ({ externalId: `alike-${n}`, locations: [{ type: 'text' as const, text }] })));
    await skipTutorial(suite.context, workflow.id);
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/favourites`);
    await waitToSee(page.getByTestId('favourites-none'));
    const volunteer = suite.stack.anonymous.withToken((await page.evaluate(() => window.localStorage.getItem('chorus.token')))!);
    const { subjects } = await volunteer.queue(workflow.id, 3);
    for (const text of texts) {
      const subject = subjects.find((each) => each.locations[0]?.type === 'text' && each.locations[0].text === text)!;
      await volunteer.classify({ workflowId: workflow.id, workflowVersion: 1, subjectId: subject.id, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
      await volunteer.markFavourite(subject.id, workflow.id);
    }
    const named = texts.map((text) => `“${text}”`);

    await page.reload();
    const list = page.getByTestId('favourites');
    await waitToSee(list.locator('li').nth(1));
    expect(await list.locator('.subject-card-name a').allTextContents()).toEqual(['“She paid the money into the…”', '“She paid the money into the…”']);
    for (const name of named) {
      expect(await list.getByRole('link', { name, exact: true }).count()).toBe(1);
      expect(await list.getByRole('button', { name: `Favourite: ${name}`, exact: true }).count()).toBe(1);
    }

    await page.goto(`${suite.stack.baseUrl}${path}`);
    await waitToSee(page.getByTestId('subject'));
    await page.locator('[data-testid="recent"] summary').click();
    const recent = page.getByTestId('recent');
    await waitToSee(recent.locator('li.recent-item').nth(1));
    expect(await recent.locator('.recent-subject span').allTextContents()).toEqual(['“She paid the money into the…”', '“She paid the money into the…”']);
    for (const name of named) {
      expect(await recent.getByRole('link', { name: `Discuss this subject: ${name}`, exact: true }).count()).toBe(1);
      expect(await recent.getByRole('button', { name: `Favourite: ${name}`, exact: true }).count()).toBe(1);
    }
    expect(errors).toEqual([]);
  });

  it('keeps ☆ Favourite in view beside a transcription’s page kept on screen, at 1280 px with About this subject open', async () => {
    const metadata = Object.fromEntries(Array.from({ length: 30 }, (_, n) => [`Field ${n + 1}`, `Value ${n + 1} of the letter’s catalogue record`]));
    const project = await suite.stack.client.createProject({ title: `Letters ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await suite.stack.client.createSubjectSet(project.id, { name: 'Letters' });
    await suite.stack.client.addSubjects(set.id, [{ externalId: 'letter-1', metadata, locations: [{ type: 'image', url: `${imageBase}/letter.png`, alt: 'A letter' }] }]);
    const workflow = await suite.stack.client.createWorkflow(project.id, {
      name: 'Transcribe',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Copy the first line.' } },
      subjectSetIds: [set.id],
    });
    await suite.stack.client.activateWorkflow(workflow.id);
    await skipTutorial(suite.context, workflow.id);
    const { page, errors } = await newcomerPage(suite);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/workflows/${workflow.id}`);
    await page.getByTestId('subject-about').locator('summary').click();
    const toggle = page.locator('[data-testid="subject"] [data-testid="favourite"]');
    await waitToSee(toggle);
    await toggle.scrollIntoViewIfNeeded();
    // What a click at the button's centre reaches: the button, not the page kept in view over it.
    const reached = async () =>
      toggle.evaluate((button) => {
        const { left, top, width, height } = button.getBoundingClientRect();
        const found = document.elementFromPoint(left + width / 2, top + height / 2);
        return top >= 0 && top + height <= window.innerHeight && found !== null && button.contains(found);
      });
    expect(await reached()).toBe(true);
    // Scrolled on to the end of the page too.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await toggle.scrollIntoViewIfNeeded();
    expect(await reached()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
