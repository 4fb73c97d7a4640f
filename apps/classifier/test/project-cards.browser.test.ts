import { randomUUID } from 'node:crypto';
import type { Locator, Page, Route } from 'playwright-core';
import { signUp } from '../../../test/support/accounts';
import { until } from '../../../test/support/waiting';
import { FIGURES_REFRESH_MS } from '../src/components/WorkflowProgress';
import { markdownChunks } from '../src/lib/markdownChunks';
import { PIXEL, checkScreen, inWindowOf, launchBrowser, newcomerPage, pauseClock, PHONE_WINDOW, seriousViolations, setShown, signedInPage, useStackAndBrowser, waitToSee } from './support/browser';

/**
 * A project's status badge, on the home page's cards, the project's page and the lab, at 1280 and 375 px: its words
 * on one line, whole, with room around them (tester 22 F10: it was cramped). Its workflows' links, and on its page how
 * far each has got, as its researchers see it in the lab: the subjects done as a progress bar a screen reader reads,
 * and the classifications and volunteers so far; fetched after the page shows, and left out quietly when they cannot be;
 * fetched again every minute while the page shows, in place.
 */

jest.setTimeout(90_000);

const YES_NO = { T0: { type: 'single' as const, question: 'A letter?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } };

/**
 * Each badge shown in `scope`: its text, on how many lines, whether all of it shows (not clipped), and the room inside
 * its border around the text (its padding), left and right and above and below (px).
 */
const badges = (scope: Page | Locator) =>
  scope.locator('.badge').evaluateAll((shown) =>
    shown.map((badge) => {
      const text = document.createRange();
      text.selectNodeContents(badge);
      const room = getComputedStyle(badge);
      return {
        text: badge.textContent,
        lines: new Set([...text.getClientRects()].map((line) => Math.round(line.top))).size,
        whole: badge.scrollWidth <= badge.clientWidth && badge.scrollHeight <= badge.clientHeight,
        across: Math.min(parseFloat(room.paddingLeft), parseFloat(room.paddingRight)),
        above: Math.min(parseFloat(room.paddingTop), parseFloat(room.paddingBottom)),
      };
    }),
  );

describe('classifier in a browser: project cards and pages', () => {
  const suite = useStackAndBrowser();

  it('keeps a project’s status badge on one line, whole, with room around its words, however long the title', async () => {
    const account = await signUp(suite.stack, { email: `badges-${Date.now()}@example.org`, password: 'a long enough password', displayName: 'Ada' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const title = `Letters of a parish vestry, eighteen-twenties to eighteen-forties ${Date.now()}`;
    const project = await researcher.createProject({ title, status: 'live' });
    await suite.stack.db.query("UPDATE projects SET status = 'paused', came_with_chorus = true WHERE id = $1", [project.id]);
    const { page, errors } = await signedInPage(suite, account);
    /**
     * The badges in `scope` (this project's: on the home page, its card, as the other tests' projects may be listed there
     * too), whole, with room around their words, on one line (but where `wrapsOnPhone`: a long one in a narrow column).
     */
    const expectRoomy = async (texts: string[], wrapsOnPhone = false, scope: Page | Locator = page) => {
      await waitToSee(scope.locator('.badge').first());
      for (const [shown, phoneWidth] of [[await badges(scope), false], [await inWindowOf(page, PHONE_WINDOW, () => badges(scope)), true]] as const) {
        expect(shown.map((badge) => [badge.text, badge.whole])).toEqual(texts.map((text) => [text, true]));
        for (const badge of shown) {
          if (!(phoneWidth && wrapsOnPhone)) expect(badge.lines).toBe(1);
          expect(badge.across).toBeGreaterThanOrEqual(6);
          expect(badge.above).toBeGreaterThanOrEqual(2);
        }
      }
    };

    await page.goto(`${suite.stack.baseUrl}/`);
    const card = page.locator(`[data-project-slug="${project.slug}"]`);
    await waitToSee(card);
    expect(await card.locator('.badge').textContent()).toBe('paused');
    await checkScreen(page, 'project-cards');
    await expectRoomy(['paused'], false, card);

    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    await waitToSee(page.getByRole('heading', { level: 1 }));
    await expectRoomy(['paused']);

    await page.goto(`${suite.stack.baseUrl}/lab`);
    await waitToSee(page.getByTestId('lab-projects'));
    await checkScreen(page, 'lab-project-list');
    await expectRoomy(['Demo that came with Chorus'], true);
    // Below the name it marks, from the same edge.
    const [name, badge] = [await page.locator(`[data-project-slug="${project.slug}"] th a`).boundingBox(), await page.locator('.lab-table .badge').boundingBox()];
    expect([badge!.x, badge!.y > name!.y + name!.height - 1]).toEqual([name!.x, true]);

    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await waitToSee(page.getByTestId('lab-project'));
    await expectRoomy(['paused']);
    expect(errors).toEqual([]);
  });

  it('shows a project’s image on its card and its page, lazily, named by its description, in a box kept for it, and its description where it does not load', async () => {
    const project = await suite.stack.client.createProject({ title: `Herbarium sheets ${Date.now()}`, status: 'live' });
    const [imageUrl, imageAlt] = [`https://images.example.org/${project.slug}.png`, 'A pressed fern on a herbarium sheet'];
    await suite.stack.client.updateProject(project.id, { imageUrl, imageAlt });
    const { page, errors } = await newcomerPage(suite);
    // From another site, over https: the page's policy lets it in (a 1×1 PNG).
    await page.route(imageUrl, (route) => route.fulfill({ contentType: 'image/png', body: PIXEL }));
    await page.goto(`${suite.stack.baseUrl}/`);
    const image = page.locator(`[data-project-slug="${project.slug}"]`).getByRole('img', { name: imageAlt, exact: true });
    await waitToSee(image);
    await until(async () => image.evaluate((shown: HTMLImageElement) => shown.complete && shown.naturalWidth > 0), 'the card’s image loaded');
    expect(await image.evaluate((shown: HTMLImageElement) => [shown.loading, shown.lang])).toEqual(['lazy', 'en']);
    // Its box has the card's proportions before and after it comes.
    expect(await image.evaluate((shown) => shown.parentElement!.clientWidth / shown.parentElement!.clientHeight)).toBeCloseTo(16 / 9, 1);

    // Gone from its site: the box stays, its description in it, and nothing is said amiss.
    await page.unroute(imageUrl);
    await page.route(imageUrl, (route) => route.fulfill({ status: 404, body: '' }));
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    const box = page.locator('.project-page .project-image');
    await waitToSee(box.locator('.project-image-failed'));
    expect(await box.textContent()).toBe(imageAlt);
    expect(await box.evaluate((shown) => shown.clientWidth / shown.clientHeight)).toBeCloseTo(3, 1);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lets the whole of a long description be read in a card’s box when its image does not load: wrapped, scrolled, none of it cut off', async () => {
    const project = await suite.stack.client.createProject({ title: `Long words ${Date.now()}`, status: 'live' });
    const words = Array.from({ length: 60 }, (_, index) => `word${index}`).join(' ');
    const imageAlt = `Start ${'Pneumonoultramicroscopicsilicovolcanoconiosis'.repeat(3)} ${words} end`;
    const imageUrl = `https://images.example.org/${project.slug}.png`;
    await suite.stack.client.updateProject(project.id, { imageUrl, imageAlt });
    const { page, errors } = await newcomerPage(suite);
    await page.route(imageUrl, (route) => route.fulfill({ status: 404, body: '' }));
    await page.goto(`${suite.stack.baseUrl}/`);
    const shown = page.locator(`[data-project-slug="${project.slug}"] .project-image-failed`);
    await waitToSee(shown);
    await shown.scrollIntoViewIfNeeded();
    expect(await shown.textContent()).toBe(imageAlt);
    /** Whether the first (or last) character of the description is inside the box as it is scrolled now. */
    const inside = (last: boolean) =>
      shown.evaluate((box, last) => {
        const text = box.querySelector('p')!.firstChild as Text;
        const range = document.createRange();
        const at = last ? text.length - 1 : 0;
        range.setStart(text, at);
        range.setEnd(text, at + 1);
        const [char, frame] = [range.getBoundingClientRect(), box.getBoundingClientRect()];
        return char.top >= frame.top - 1 && char.bottom <= frame.bottom + 1 && char.left >= frame.left - 1 && char.right <= frame.right + 1;
      }, last);
    // Longer than the box: it scrolls, from its start, and wraps even a word longer than a line.
    expect(await shown.evaluate((box) => [box.scrollHeight > box.clientHeight, box.scrollWidth <= box.clientWidth, getComputedStyle(box).overflowY])).toEqual([true, true, 'auto']);
    expect(await inside(false)).toBe(true);
    await shown.evaluate((box) => box.scrollTo(0, box.scrollHeight));
    expect(await inside(true)).toBe(true);
    // The keyboard reaches it too, by its name, to scroll it.
    await shown.evaluate((box) => box.scrollTo(0, 0));
    await page.locator(`[data-project-slug="${project.slug}"]`).getByRole('region', { name: 'The image\'s description' }).focus();
    expect(await shown.evaluate((box) => document.activeElement === box)).toBe(true);
    await page.keyboard.press('End');
    // The browser scrolls on a later frame (smoothly, where the volunteer asks for motion).
    await until(() => inside(true), 'End to scroll the description to its last character');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('names a workflow’s link by the workflow alone: its arrow is not read out as "right arrow" (tester 26 F11)', async () => {
    const project = await suite.stack.client.createProject({ title: `Arrows ${Date.now()}`, status: 'live' });
    const set = await suite.stack.client.createSubjectSet(project.id, { name: 'Notices' });
    await suite.stack.client.addSubjects(set.id, [{ externalId: 'n-1', locations: [{ type: 'text', text: 'FOR SALE: one bicycle.' }], metadata: {} }]);
    const workflow = await suite.stack.client.createWorkflow(project.id, {
      name: 'Ad or not?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'An advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      subjectSetIds: [set.id],
    });
    await suite.stack.client.activateWorkflow(workflow.id);
    const page = await suite.context.newPage();
    for (const [path, scope] of [['/', `[data-project-slug="${project.slug}"]`], [`/projects/${project.slug}`, '.project-page']]) {
      await page.goto(`${suite.stack.baseUrl}${path}`);
      const link = page.locator(scope!).locator('a.workflow-link');
      await waitToSee(link);
      expect(await link.textContent()).toBe('Ad or not? →'); // still shown
      expect(await page.locator(scope!).getByRole('link', { name: 'Ad or not?', exact: true }).count()).toBe(1);
    }
    await page.close();
  });

  /**
   * A live project with "Letters" (4 subjects, one retired by its researchers, classified once by each of two guests)
   * and "Notices" (its one subject retired: complete).
   */
  async function projectUnderWay() {
    const { client } = suite.stack;
    const project = await client.createProject({ title: `Parish papers ${Date.now()}`, status: 'live' });
    const workflowOver = async (name: string, count: number) => {
      const set = await client.createSubjectSet(project.id, { name });
      await client.addSubjects(set.id, Array.from({ length: count }, (_, n) => ({ externalId: `${name}-${n}`, locations: [{ type: 'text' as const, text: `${name} ${n}` }] })));
      const workflow = await client.createWorkflow(project.id, { name, firstTask: 'T0', tasks: YES_NO, retirement: { rule: 'count', count: 3 }, subjectSetIds: [set.id] });
      await client.activateWorkflow(workflow.id);
      return { id: workflow.id, setId: set.id };
    };
    const letters = await workflowOver('Letters', 4);
    const notices = await workflowOver('Notices', 1);
    const classified: string[] = [];
    for (const _ of [1, 2]) {
      const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
      const subjectId = (await volunteer.queue(letters.id)).subjects[0]!.id;
      await volunteer.classify({ workflowId: letters.id, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
      classified.push(subjectId);
    }
    await client.retireSubjects(letters.id, { subjectIds: [classified[0]!], reason: 'Read already' });
    await client.retireSubjects(notices.id, { subjectSetId: notices.setId, reason: 'All read' });
    return { project, letters, notices };
  }

  /** The stats requests the page makes, by workflow id. */
  const statsRequested = (page: Page) => {
    const requested: string[] = [];
    page.on('request', (request) => {
      const stats = /\/workflows\/([^/]+)\/stats$/.exec(new URL(request.url()).pathname);
      if (stats) requested.push(stats[1]!);
    });
    return requested;
  };

  /**
   * What the browser itself gives a screen reader (its DevTools protocol): each progress bar's name, value and
   * description, and the text it reads out (not hidden from it).
   */
  const readOut = async (page: Page) => {
    const { nodes } = await (await page.context().newCDPSession(page)).send('Accessibility.getFullAXTree');
    return {
      bars: nodes.filter((node) => node.role?.value === 'progressbar').map((node) => [node.name?.value, node.value?.value, node.description?.value]),
      text: nodes.filter((node) => node.role?.value === 'StaticText' && !node.ignored).map((node) => node.name?.value),
    };
  };

  it('shows a signed-out volunteer each workflow’s progress: a bar named by the workflow, described by its value in words, and the classifications and volunteers so far', async () => {
    const { project, letters, notices } = await projectUnderWay();
    const { page, errors } = await newcomerPage(suite);
    const requested = statsRequested(page);
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);

    const lettersBar = page.getByRole('progressbar', { name: 'Letters', exact: true });
    await waitToSee(lettersBar);
    expect(await lettersBar.evaluate((bar: HTMLProgressElement) => [bar.value, bar.max])).toEqual([1, 4]);
    const lettersItem = page.locator('.workflow-list > li').filter({ has: page.getByRole('link', { name: 'Letters', exact: true }) });
    expect(await lettersItem.getByTestId('workflow-figures').textContent()).toBe('1 of 4 subjects done, 25% · 2 classifications by 2 volunteers so far');

    // A finished workflow still says it is complete, with its figures.
    const noticesItem = page.locator('.workflow-list > li').filter({ has: page.getByTestId('workflow-complete') });
    await waitToSee(noticesItem.getByRole('progressbar', { name: 'Notices', exact: true }));
    expect(await noticesItem.getByTestId('workflow-figures').textContent()).toBe('1 of 1 subject done, 100% · No classifications yet: yours could be the first.');

    // To a screen reader: each bar named by its workflow, with its value, described by the words beside it, which it
    // also reads out where they are (they are not hidden from it: some leave out a progress bar's aria-valuetext).
    const read = await readOut(page);
    expect(read.bars).toEqual([
      ['Letters', 1, '1 of 4 subjects done, 25%'],
      ['Notices', 1, '1 of 1 subject done, 100%'],
    ]);
    expect(read.text).toEqual(expect.arrayContaining(['1 of 4 subjects done, 25%', '1 of 1 subject done, 100%']));
    await checkScreen(page, 'project-progress');

    // In the page's language and number format.
    await page.evaluate(() => window.localStorage.setItem('chorus.language', 'fr'));
    await page.reload();
    await waitToSee(page.getByRole('progressbar', { name: 'Letters', exact: true }));
    expect(await lettersItem.getByTestId('workflow-figures').textContent()).toMatch(/^1 sur 4 sujets traités, 25\s% · 2 classifications par 2 bénévoles jusqu’ici$/u);
    expect((await readOut(page)).bars[0]).toEqual(['Letters', 1, expect.stringMatching(/^1 sur 4 sujets traités, 25\s%$/u)]);
    expect(await seriousViolations(page)).toEqual([]);

    // One request for each active workflow, and no more, on each visit.
    expect(requested.sort()).toEqual([letters.id, letters.id, notices.id, notices.id].sort());
    expect(errors).toEqual([]);
  });

  it('shows the page at once, with room kept for the figures so that nothing below moves when they come, and leaves out quietly those it cannot fetch', async () => {
    const { project, letters, notices } = await projectUnderWay();
    const { page, errors } = await newcomerPage(suite);
    const requested = statsRequested(page);
    const held: Record<string, Route> = {};
    let bothAsked!: () => void;
    const asked = new Promise<void>((resolve) => (bothAsked = resolve));
    await page.route('**/workflows/*/stats', (route) => {
      held[new URL(route.request().url()).pathname.split('/').at(-2)!] = route;
      if (Object.keys(held).length === 2) bothAsked();
    });
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    await asked;
    // The page is there, the way in to classify with it, while the figures are still on their way.
    await waitToSee(page.getByRole('link', { name: 'Letters', exact: true }));
    await waitToSee(page.getByTestId('workflow-complete'));
    expect(await page.getByRole('progressbar').count()).toBe(0);
    const discussions = page.getByRole('link', { name: 'Recent discussions', exact: true });
    const before = await discussions.boundingBox();

    // The figures of Notices come: the link below them stays where it was (tester's layout shift).
    await held[notices.id]!.continue();
    await waitToSee(page.getByRole('progressbar', { name: 'Notices', exact: true }));
    expect((await discussions.boundingBox())!.y).toBeCloseTo(before!.y, 0); // within half a pixel (layout rounds to 1/64 px)

    // Those of Letters fail: the room kept for them goes.
    const failed = page.waitForResponse((response) => response.url().endsWith(`/workflows/${letters.id}/stats`));
    await held[letters.id]!.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503 }) });
    await failed;
    await waitToSee(page.locator('.workflow-list > li').first().locator('.workflow-figures'), { state: 'detached' });

    expect(await page.getByRole('progressbar').count()).toBe(1);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.locator('.workflow-list > li').first().textContent()).toBe('Letters →');
    expect(await page.getByRole('link', { name: 'Letters', exact: true }).getAttribute('href')).toBe(`/projects/${project.slug}/workflows/${letters.id}`);
    expect(await seriousViolations(page)).toEqual([]);
    // One request for each workflow: the one that failed is not asked again behind the volunteer's back.
    expect(requested.sort()).toEqual([letters.id, notices.id].sort());
    expect(errors).toEqual([]);
  });

  it.each([
    ['a paused project', "UPDATE projects SET status = 'paused' WHERE id = $1", 'Its researchers have paused this project for now'],
    ['a live project with no active workflow', "UPDATE workflows SET status = 'paused' WHERE project_id = $1", 'No workflow is open for volunteers right now.'],
  ])('runs no clock for the figures on the page of %s, which shows none', async (_project, update, said) => {
    const { project } = await projectUnderWay();
    await suite.stack.db.query(update, [project.id]);
    const { page, errors } = await newcomerPage(suite);
    // Counts the waits of about a minute the page sets: the figures' clock would set one.
    await page.addInitScript((refreshMs) => {
      const page = window as unknown as { minuteWaits: number };
      const set = window.setTimeout;
      page.minuteWaits = 0;
      window.setTimeout = ((handler: TimerHandler, ms?: number, ...rest: unknown[]) => {
        if ((ms ?? 0) > refreshMs / 2) page.minuteWaits += 1;
        return set(handler, ms, ...rest);
      }) as typeof window.setTimeout;
    }, FIGURES_REFRESH_MS);
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    await waitToSee(page.getByText(said));
    await page.waitForLoadState('networkidle');
    expect(await page.evaluate(() => (window as unknown as { minuteWaits: number }).minuteWaits)).toBe(0);
    expect(errors).toEqual([]);
  });

  it('fetches the figures again every minute while the page shows, and as it shows again after longer hidden, in place; never while hidden', async () => {
    const { project, letters, notices } = await projectUnderWay();
    // In a browser of its own: the test runs its clock on.
    const device = await launchBrowser();
    try {
      const page = await device.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const requested = statsRequested(page);
      // The sets to choose, asked once for each workflow not complete: none lets volunteers choose, so none is asked again.
      const setsAsked: string[] = [];
      page.on('request', (request) => {
        const sets = /\/workflows\/([^/]+)\/queue\/sets$/.exec(new URL(request.url()).pathname);
        if (sets) setsAsked.push(sets[1]!);
      });
      // The stats as the server has them, with `more` classifications by as many more volunteers.
      let more = 0;
      await page.route('**/workflows/*/stats', async (route) => {
        const response = await route.fetch();
        const stats = await response.json();
        await route.fulfill({ response, json: { ...stats, classifications: stats.classifications + more, volunteers: stats.volunteers + more } });
      });
      const lettersFigures = page.locator('.workflow-list > li').filter({ has: page.getByRole('link', { name: 'Letters', exact: true }) }).getByTestId('workflow-figures');
      /** Once Letters' figures say `count` classifications: the requests for stats so far (one for each workflow each time). */
      const refreshedTo = async (count: number) => {
        await until(async () => (await lettersFigures.textContent())?.endsWith(`${count} classifications by ${count} volunteers so far`) === true, `${count} classifications shown`);
        await waitToSee(page.getByRole('progressbar', { name: 'Notices', exact: true }));
        return [...requested].sort();
      };
      const each = (times: number) => Array.from({ length: times }, () => [letters.id, notices.id]).flat().sort();

      await page.clock.install();
      await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
      expect(await refreshedTo(2)).toEqual(each(1));
      await pauseClock(page);
      const discussions = page.getByRole('link', { name: 'Recent discussions', exact: true });
      const before = { figures: await lettersFigures.boundingBox(), below: await discussions.boundingBox() };

      more = 1;
      await page.clock.runFor(FIGURES_REFRESH_MS);
      expect(await refreshedTo(3)).toEqual(each(2));
      // In place: nothing moves.
      expect((await lettersFigures.boundingBox())!.y).toBeCloseTo(before.figures!.y, 0);
      expect((await discussions.boundingBox())!.y).toBeCloseTo(before.below!.y, 0);

      // Hidden for three minutes: nothing asked; shown again, the figures are fetched at once.
      more = 2;
      await setShown(page, false);
      await page.clock.runFor(3 * FIGURES_REFRESH_MS);
      await setShown(page, true);
      expect(await refreshedTo(4)).toEqual(each(3));

      // Hidden a few seconds: shown again, the figures wait for their minute, to the millisecond.
      more = 3;
      const hiddenMs = 10_000;
      await setShown(page, false);
      await page.clock.runFor(hiddenMs);
      await setShown(page, true);
      await page.clock.runFor(FIGURES_REFRESH_MS - hiddenMs - 1);
      expect(await refreshedTo(4)).toEqual(each(3));
      await page.clock.runFor(1);
      expect(await refreshedTo(5)).toEqual(each(4));
      expect(setsAsked.length).toBeGreaterThan(0);
      expect(setsAsked).toHaveLength(new Set(setsAsked).size);
      expect(errors).toEqual([]);
    } finally {
      await device.close();
    }
  });

  it('shows a project’s Markdown description rendered on its page, safely, and as plain words on its card in a search', async () => {
    const word = `Vestry${Date.now()}`;
    const description = [
      '# About the letters',
      'Help us read **old letters** from [the archive](https://example.org/archive).',
      '- Transcribe them\n- Tag names',
      '<img src="x" onerror="window.injected = true">',
      '[Not a link](javascript:window.injected=true)',
    ].join('\n\n');
    const project = await suite.stack.client.createProject({ title: `${word} letters`, status: 'live', description, language: 'fr' });
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/?${new URLSearchParams({ search: word })}`);
    const card = page.locator(`.project-list article[data-project-slug="${project.slug}"] .project-description`);
    await waitToSee(card);
    expect(await card.textContent()).toBe('About the letters\nHelp us read old letters from the archive.\nTranscribe them\nTag names\nNot a link');

    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    const shown = page.locator('.project-page .project-description');
    await waitToSee(shown.getByRole('heading', { level: 2, name: 'About the letters' }));
    expect(await shown.getAttribute('lang')).toBe('fr');
    expect(await shown.locator('strong').textContent()).toBe('old letters');
    const link = shown.getByRole('link', { name: 'the archive' });
    expect([await link.getAttribute('href'), await link.getAttribute('target')]).toEqual(['https://example.org/archive', '_blank']);
    expect(await shown.getByRole('listitem').allTextContents()).toEqual(['Transcribe them', 'Tag names']);
    // Raw HTML is left out, and an unsafe address leaves its words without a link to follow.
    expect(await shown.locator('img, [href^="javascript"]').count()).toBe(0);
    expect(await shown.textContent()).not.toContain('**');
    expect(await page.evaluate(() => (window as { injected?: boolean }).injected)).toBeUndefined();
    await checkScreen(page, 'project-markdown-description');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps a project’s page whatever the depth of a quote or list in its description, showing its text rendered or plain, never an error', async () => {
    for (const description of [`${'>'.repeat(1_500)} deep`, `${'>'.repeat(3_000)} deep`, `${'>'.repeat(4_980)} deep\n  and on`, `${'- '.repeat(3_000)}deep`]) {
      const project = await suite.stack.client.createProject({ title: `Deep ${Date.now()}`, status: 'live', description });
      const { page, errors } = await newcomerPage(suite);
      // The project comes after the renderer's chunk, as it usually does: the description is rendered by the loaded renderer.
      await page.route(`**/api/v1/projects/${project.slug}`, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await route.continue();
      });
      await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
      const shown = page.locator('.project-page .project-description');
      await waitToSee(shown.getByText('deep'));
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(project.title);
      expect(await shown.locator('[role="alert"], button').count()).toBe(0);
      const plain = shown.locator('.markdown-plain');
      if ((await plain.count()) > 0) expect(await plain.evaluate((element) => [element.textContent, getComputedStyle(element).whiteSpace])).toEqual([description, 'pre-wrap']);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('renders a long description whole as Markdown, chunk by chunk, its reference links resolved anywhere, and only a block too long to render plain', async () => {
    const parts = Array.from({ length: 40 }, (_, n) => `## Part ${n}\n\nSome **words** of part ${n}, from [the archive][Archive], a part among many of the guide:\n\n- one\n\n  more of one\n- two\n`);
    const setext = 'a\n=\n'.repeat(1_500); // one block of 6,000 characters the parser takes seconds over
    const description = ['# Guide', '[archive]: https://example.org/archive', ...parts, setext].join('\n\n');
    expect(description.length).toBeGreaterThan(2 * 5_000); // three chunks and more
    const project = await suite.stack.client.createProject({ title: `Long ${Date.now()}`, status: 'live', description });
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    const shown = page.locator('.project-page .project-description');
    // The plain block is the last chunk: once it is shown, every chunk is.
    await waitToSee(shown.locator('.markdown-plain'));
    await waitToSee(shown.getByRole('heading', { level: 3, name: 'Part 39' }));
    expect(await shown.getByRole('heading', { level: 3 }).count()).toBe(40);
    expect(await shown.locator('strong').count()).toBe(40);
    expect(new Set(await shown.getByRole('link', { name: 'the archive' }).evaluateAll((links) => links.map((link) => link.getAttribute('href'))))).toEqual(new Set(['https://example.org/archive']));
    expect(await shown.getByRole('link', { name: 'the archive' }).count()).toBe(40);
    expect(await shown.locator('.markdown-plain').allTextContents()).toEqual([setext]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders a description a chunk at a time, busy until the last, and shows plain on any device the chunks of a shape the parser is slow on', async () => {
    // A guide, quotes and lists ten deep on every line, setext headings by the hundred, the guide again: a chunk or so each.
    const guide = (from: number, parts: number) => Array.from({ length: parts }, (_, n) => `## Part ${from + n}\n\nSome **words** of part ${from + n}.\n`).join('\n');
    const description = [guide(0, 30), `${'> - '.repeat(5)}x\n`.repeat(200).trim(), 'a\n=\n'.repeat(1200).trim(), guide(30, 60), 'The end.\n'].join('\n\n');
    const { chunks } = markdownChunks(description);
    expect(chunks.map((chunk) => chunk.kind)).toEqual(['markdown', 'plain', 'plain', 'markdown']);
    const project = await suite.stack.client.createProject({ title: `Hostile ${Date.now()}`, status: 'live', description });
    const { page, errors } = await newcomerPage(suite);
    await page.addInitScript(() => {
      // The blocks shown and whether the text is busy, after each task that changed them: one a chunk, if rendered one by one.
      const seen: [number, string | null][] = [];
      (window as { seen?: typeof seen }).seen = seen;
      new MutationObserver(() => {
        const markdown = document.querySelector('.project-description .markdown');
        if (markdown) seen.push([markdown.children.length, markdown.getAttribute('aria-busy')]);
      }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-busy'] });
    });
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    const shown = page.locator('.project-page .project-description');
    await waitToSee(shown.locator('.markdown[aria-busy="false"]'), { timeout: 60_000 });
    expect(await shown.getByText('The end.').count()).toBe(1);
    expect(await shown.locator('.markdown-plain').allTextContents()).toEqual([chunks[1]!.text, chunks[2]!.text]);
    const rendered = chunks.filter((chunk) => chunk.kind === 'markdown').map((chunk) => chunk.text);
    expect(await shown.getByRole('heading', { name: /^Part \d+$/ }).count()).toBe(rendered.join('').split('## Part').length - 1);
    const blocks = await shown.locator('.markdown > *').count();
    const seen = await page.evaluate(() => (window as { seen?: [number, string | null][] }).seen!);
    expect(seen.some(([count, busy]) => count > 0 && count < blocks && busy === 'true')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a project’s Markdown description at once, its renderer fetched as the page opens, with no "Loading…" before it', async () => {
    const project = await suite.stack.client.createProject({ title: `Swift ${Date.now()}`, status: 'live', description: 'Help us read **old letters**.' });
    const { page, errors } = await newcomerPage(suite);
    await page.addInitScript(() => {
      new MutationObserver(() => {
        if (document.querySelector('.project-description .loading')) (window as { flashed?: boolean }).flashed = true;
      }).observe(document, { childList: true, subtree: true });
    });
    // The renderer's chunk takes a while, but less than the project does: fetched from the start, it is there in time.
    await page.route('**/assets/Markdown-*.js', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue();
    });
    await page.route(`**/api/v1/projects/${project.slug}`, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    await waitToSee(page.locator('.project-page .project-description strong'));
    expect(await page.evaluate(() => (window as { flashed?: boolean }).flashed)).toBeUndefined();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('finds projects by words of their title, kept in the address, and shows more a page at a time, focus on the first card added and said politely', async () => {
    const word = `Herbarium${Date.now()}`;
    for (let n = 1; n <= 50; n++) await suite.stack.client.createProject({ title: `${word} sheets ${n}`, status: 'live' });
    const [older] = (await suite.stack.anonymous.listProjects({ search: word, limit: 1, before: (await suite.stack.anonymous.listProjects({ search: word, limit: 24 })).next! })).projects;
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/`);
    const field = page.getByRole('searchbox', { name: 'Search projects by title or address' });
    await waitToSee(field);
    await field.fill(`  ${word.toLowerCase()} SHEETS `);
    await field.press('Enter');
    await until(async () => new URL(page.url()).searchParams.get('search') === `${word.toLowerCase()} SHEETS`, 'the search in the address');
    expect(await field.evaluate((input) => input === document.activeElement)).toBe(true);
    const cards = page.locator('.project-list article');
    await until(async () => (await cards.count()) === 24 && (await cards.first().textContent())!.includes(`${word} sheets 50`), 'the first page of the search');
    expect(await page.locator('[role="status"]', { hasText: 'more project' }).count()).toBe(0);

    // Reloaded (or shared), the address shows the same search.
    await page.reload();
    await waitToSee(cards.nth(23));
    expect(await field.inputValue()).toBe(`${word.toLowerCase()} SHEETS`);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Show more projects' }).click();
    await until(async () => (await cards.count()) === 48, 'the page after');
    await until(async () => (await page.evaluate(() => document.activeElement?.getAttribute('data-project-slug'))) === older!.slug, 'focus on the first card added');
    expect(await page.getByTestId('home-more-status').textContent()).toBe('24 more projects shown.');

    // The status empties while the next page is read, so that each read is said, a full page after a full page too.
    let answer = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    await page.route(/\/api\/v1\/projects\?.*before=/, async (route) => {
      await answered;
      await route.continue();
    });
    await page.getByRole('button', { name: 'Show more projects' }).click();
    await until(async () => (await page.getByTestId('home-more-status').textContent()) === '', 'the status emptied while the page is read');
    answer();
    await until(async () => (await cards.count()) === 50, 'the third page');
    expect(await page.getByTestId('home-more-status').textContent()).toBe('2 more projects shown.');
    expect(await page.getByRole('button', { name: 'Show more projects' }).count()).toBe(0);

    await field.fill(`${word} 100%`);
    await field.press('Enter');
    await waitToSee(page.getByText(`No project’s title or address has the words “${word} 100%”.`, { exact: false }));
    expect(await page.getByTestId('home-more-status').textContent()).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('drops a next page asked for while a new search was read, answered or failed after it: the new search shows alone, without a problem', async () => {
    const word = `Vestry${Date.now()}`;
    for (const kind of ['letters', 'minutes']) for (let n = 1; n <= 30; n++) await suite.stack.client.createProject({ title: `${word} ${kind} ${n}`, status: 'live' });
    const { page, errors } = await newcomerPage(suite);
    const cards = page.locator('.project-list article');
    const more = page.getByRole('button', { name: 'Show more projects' });
    const field = page.getByRole('searchbox', { name: 'Search projects by title or address' });
    const shownOnly = async (kind: string) => (await cards.allTextContents()).every((text) => text.includes(`${word} ${kind} `));
    await page.goto(`${suite.stack.baseUrl}/?${new URLSearchParams({ search: word })}`);
    await until(async () => (await cards.count()) === 24, 'the first page of every project of the word');

    /**
     * Searches `words`, holding its first page back while "Show more projects" asks for the next page of the search
     * shown; answers the first page, and only then the next one, as `settle` does; waits until that next page is done with.
     */
    const showMoreWhileSearching = async (words: string, settle: (route: Route) => Promise<void>) => {
      const held: { first?: () => void; next?: Route } = {};
      await page.route(
        (url) => url.pathname === '/api/v1/projects' && url.searchParams.get('search') === words,
        (route) => new Promise<void>((resolve) => (held.first = resolve)).then(() => route.continue()),
      );
      await page.route(
        (url) => url.pathname === '/api/v1/projects' && url.searchParams.has('before') && url.searchParams.get('search') !== words,
        (route) => {
          held.next = route;
        },
      );
      await field.fill(words);
      await field.press('Enter');
      await until(async () => held.first !== undefined, 'the new search asked for');
      await more.click();
      await until(async () => held.next !== undefined, 'the next page of the search shown asked for');
      held.first!();
      await until(async () => (await cards.count()) === 24 && shownOnly(words.replace(`${word} `, '')), 'the new search shown');
      await settle(held.next!);
      // The new search has a next page too: its button, busy while the old next page was read, is free again once that is done with.
      await until(async () => (await more.getAttribute('aria-disabled')) === null, 'the old next page done with');
      await page.unrouteAll();
    };

    // Answered after the new search showed: not appended to it, and none of its rows takes the focus from the button.
    await showMoreWhileSearching(`${word} letters`, (route) => route.continue());
    expect(await cards.count()).toBe(24);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Show more projects');
    expect(await shownOnly('letters')).toBe(true);
    expect(await page.getByTestId('home-more-status').textContent()).toBe('');
    expect(await page.locator('.alert:not(.alert-empty)').count()).toBe(0);

    // Failed after the new search showed: no problem said about a page nobody sees any more.
    await showMoreWhileSearching(`${word} minutes`, (route) => route.abort('connectionfailed'));
    expect(await shownOnly('minutes')).toBe(true);
    expect(await page.locator('.alert:not(.alert-empty)').count()).toBe(0);
    await more.click();
    await until(async () => (await cards.count()) === 30, 'the new search’s own next page');
    expect(errors).toEqual([]);
    await page.close();
  });
});
