import type { SubjectInput, WorkflowInput } from '@chorus/client';
import type { Page } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkScreen, inWindowOf, PHONE_WINDOW, skipTutorial, tabTo, useStackAndBrowser, waitForFocus, waitForTask, waitToSee } from './support/browser';

/**
 * What helps a volunteer beyond the tasks: the tutorial on a first visit, the project's field guide and each task's
 * help (markdown, sanitised), the experts' answers after a gold-standard subject (also when the answer was sent from the outbox),
 * and the tags other volunteers proposed. Each new screen is checked with axe-core and photographed.
 */

jest.setTimeout(60_000);

const RADIO = '[data-testid="subject"] input[type="radio"]';

const text = (externalId: string, goldStandard?: Record<string, unknown>): SubjectInput => ({
  externalId,
  locations: [{ type: 'text', text: `Notice ${externalId}: FOR SALE, one bicycle, nearly new.` }],
  metadata: {},
  ...(goldStandard ? { goldStandard } : {}),
});

const adOrNot = {
  type: 'single' as const,
  question: 'Is this notice an advertisement?',
  help: 'Any paid notice counts, including classifieds.',
  answers: [
    { value: 'yes', label: 'Yes' },
    { value: 'no', label: 'No' },
  ],
};

describe('classifier in a browser: tutorial, field guide, feedback and proposed tags', () => {
  const suite = useStackAndBrowser();

  async function setUp(definition: Omit<WorkflowInput, 'subjectSetIds'>, subjects: SubjectInput[], fieldGuide = '') {
    const project = await suite.stack.client.createProject({ title: `Help ${randomUUID().slice(0, 8)}`, status: 'live', fieldGuide });
    const set = await suite.stack.client.createSubjectSet(project.id, { name: 'Notices' });
    await suite.stack.client.addSubjects(set.id, subjects);
    const workflow = await suite.stack.client.createWorkflow(project.id, { ...definition, subjectSetIds: [set.id] });
    await suite.stack.client.activateWorkflow(workflow.id);
    const { rows } = await suite.stack.db.query<{ id: string; external_id: string }>('SELECT id, external_id FROM subjects WHERE project_id = $1', [project.id]);
    return {
      url: `${suite.stack.baseUrl}/projects/${project.slug}/workflows/${workflow.id}`,
      workflowId: workflow.id,
      version: workflow.version,
      warnings: workflow.warnings ?? [],
      subjectIds: Object.fromEntries(rows.map((row) => [row.external_id, row.id])) as Record<string, string>,
    };
  }

  async function openPage(): Promise<{ page: Page; errors: string[] }> {
    const page = await suite.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return { page, errors };
  }

  const headingsIn = (page: Page, testId: string) => page.getByTestId(testId).locator('h3, h4').allTextContents();
  /** The headings once they read as expected, or as they are after 5 s: markdown renders a moment after the dialog. */
  async function settledHeadings(page: Page, testId: string, expected: string[]): Promise<string[]> {
    for (let i = 0; i < 50; i++) {
      const headings = await headingsIn(page, testId);
      if (JSON.stringify(headings) === JSON.stringify(expected)) return headings;
      await page.waitForTimeout(100);
    }
    return headingsIn(page, testId);
  }

  it('opens the researchers’ tutorial on a first visit, closes it by keyboard, remembers it, and opens it again with T', async () => {
    const { url, workflowId } = await setUp(
      {
        name: 'Spot the adverts',
        firstTask: 'T0',
        tasks: { T0: adOrNot },
        tutorial: [
          { title: 'What counts as an advert', body: '## Paid notices\n\nAny **paid** notice counts.' },
          { title: 'Take your time', body: 'Read the whole notice before you answer.' },
        ],
      },
      [text('a'), text('b')],
    );
    const { page, errors } = await openPage();
    await page.goto(url);
    const tutorial = page.getByTestId('tutorial');
    await waitToSee(tutorial, { state: 'visible' });
    await waitForFocus(page, '[data-testid="tutorial"] button.button-primary');
    expect(await tutorial.locator('h2').textContent()).toBe('How to classify: Spot the adverts');
    expect(await tutorial.textContent()).toContain('Step 1 of 2');
    expect(await settledHeadings(page, 'tutorial', ['What counts as an advert', 'Paid notices'])).toEqual(['What counts as an advert', 'Paid notices']);
    // The step's own heading is an h3; the researchers' headings sit below it.
    expect(await tutorial.locator('.markdown h4').allTextContents()).toEqual(['Paid notices']);
    expect(await tutorial.locator('strong').textContent()).toBe('paid');
    // On a short screen, a step read to its end: the next one opens at its top.
    await page.setViewportSize({ width: 1280, height: 260 });
    await tutorial.evaluate((dialog) => dialog.scrollTo(0, dialog.scrollHeight));
    expect(await tutorial.evaluate((dialog) => dialog.scrollTop)).toBeGreaterThan(0);
    await page.keyboard.press('Enter'); // Next
    expect(await settledHeadings(page, 'tutorial', ['Take your time'])).toEqual(['Take your time']);
    expect(await tutorial.evaluate((dialog) => dialog.scrollTop)).toBe(0);
    await page.setViewportSize({ width: 1280, height: 800 });
    // Back to the first step, where Back goes: focus moves to Next, not to the page; then on again.
    await tutorial.getByRole('button', { name: 'Back' }).focus();
    await page.keyboard.press('Enter');
    expect(await settledHeadings(page, 'tutorial', ['What counts as an advert', 'Paid notices'])).toEqual(['What counts as an advert', 'Paid notices']);
    await waitForFocus(page, '[data-testid="tutorial"] button.button-primary');
    await page.keyboard.press('Enter'); // Next
    expect(await settledHeadings(page, 'tutorial', ['Take your time'])).toEqual(['Take your time']);
    await waitForFocus(page, '[data-testid="tutorial"] button.button-primary');
    await checkScreen(page, 'tutorial');
    await waitForTask(page, 'single'); // beneath the dialog
    await page.keyboard.press('Enter'); // Start classifying
    await waitToSee(tutorial, { state: 'hidden' });
    await waitForFocus(page, RADIO);
    expect(await page.evaluate((id) => window.localStorage.getItem(`chorus.tutorialSeen.${id}`) !== null, workflowId)).toBe(true);

    // A later visit does not open it; T (or the button) does, and Escape closes it with focus back on the task.
    await page.reload();
    await waitForTask(page, 'single');
    await waitForFocus(page, RADIO);
    expect(await tutorial.isVisible()).toBe(false);
    await page.keyboard.press('t');
    await waitToSee(tutorial, { state: 'visible' });
    expect(await tutorial.textContent()).toContain('Step 1 of 2');
    await page.keyboard.press('Escape');
    await waitToSee(tutorial, { state: 'hidden' });
    await waitForFocus(page, RADIO);
    // "Skip the tutorial" closes it from any step but the last (a phone has no Escape key).
    await page.keyboard.press('t');
    await waitToSee(tutorial, { state: 'visible' });
    await waitForFocus(page, '[data-testid="tutorial"] button.button-primary');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip the tutorial');
    await page.keyboard.press('Enter');
    await waitToSee(tutorial, { state: 'hidden' });
    await waitForFocus(page, RADIO);
    // T reopens it even when pressed between its closing and its close event, which the browser sends a task later
    // (after putting focus back): it once found the tutorial still open then, and did nothing.
    await page.keyboard.press('t');
    await waitToSee(tutorial, { state: 'visible' });
    await page.evaluate(async () => {
      document.querySelector<HTMLButtonElement>('[data-testid="tutorial"] [data-action="skip-tutorial"]')?.click();
      for (let i = 0; i < 3; i++) await Promise.resolve(); // what React does at once, not the close event's task
      document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key: 't', bubbles: true, cancelable: true }));
    });
    await page.waitForTimeout(200);
    expect(await tutorial.isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps Tab inside an open dialog, and the page’s keys quiet beneath it, wherever focus is (tester 24 F1)', async () => {
    const { url, workflowId } = await setUp(
      { name: 'Keys under a dialog', firstTask: 'T0', tasks: { T0: adOrNot }, tutorial: [{ title: 'Read it all', body: 'Read the whole notice.' }, { title: 'Then answer', body: 'Yes or no.' }] },
      [text('a'), text('b')],
    );
    const stored = async () => Number((await suite.stack.db.query('SELECT count(*) FROM classifications WHERE workflow_id = $1', [workflowId])).rows[0].count);
    const focusIn = (page: Page) => page.evaluate(() => document.activeElement?.closest('dialog')?.getAttribute('data-testid') ?? document.activeElement?.tagName.toLowerCase());
    const { page, errors } = await openPage();
    await page.goto(url);
    const tutorial = page.getByTestId('tutorial');
    await waitToSee(tutorial, { state: 'visible' });
    await waitForTask(page, 'single'); // beneath the dialog
    await waitForFocus(page, '[data-testid="tutorial"] button.button-primary');
    // The tester's keys: Tab from the last button goes round to the first, Shift+Tab back; 2 and Enter answer nothing.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip the tutorial');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Next');
    // Focus lost to the page (<body>) beneath the dialog: its keys still do nothing there, and Tab comes back in.
    const answerKeys = async () => {
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      expect(await focusIn(page)).toBe('body');
      for (const key of ['2', 'Enter', 'Control+Enter', 'g', 't']) await page.keyboard.press(key);
      await page.waitForTimeout(500);
    };
    await answerKeys();
    expect(await tutorial.isVisible()).toBe(true);
    expect(await tutorial.textContent()).toContain('Step 1 of 2');
    expect(await page.getByTestId('field-guide').isVisible()).toBe(false);
    await page.keyboard.press('Tab');
    expect(await focusIn(page)).toBe('tutorial');
    await page.keyboard.press('Escape');
    await waitToSee(tutorial, { state: 'hidden' });
    await waitForFocus(page, RADIO);
    expect(await page.getByRole('radio', { name: 'No' }).isChecked()).toBe(false);
    expect(await stored()).toBe(0);
    // Every dialog the same: the shortcuts list.
    await page.keyboard.press('?');
    const shortcuts = page.getByTestId('shortcuts-dialog');
    await waitToSee(shortcuts, { state: 'visible' });
    await answerKeys();
    expect(await shortcuts.isVisible()).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await focusIn(page)).toBe('shortcuts-dialog');
    await page.keyboard.press('Escape');
    await waitToSee(shortcuts, { state: 'hidden' });
    expect(await page.getByRole('radio', { name: 'No' }).isChecked()).toBe(false);
    expect(await stored()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('makes a tutorial from the tasks’ help when the researchers wrote none', async () => {
    const { url } = await setUp({ name: 'Ads, no tutorial', firstTask: 'T0', tasks: { T0: adOrNot } }, [text('a')]);
    const { page } = await openPage();
    await page.goto(url);
    const tutorial = page.getByTestId('tutorial');
    await waitToSee(tutorial, { state: 'visible' });
    const expected = ['Welcome', 'Is this notice an advertisement?', 'Help is always at hand'];
    const titles: string[] = [];
    for (const title of expected) {
      titles.push(...(await settledHeadings(page, 'tutorial', [title])));
      await page.keyboard.press('Enter');
    }
    expect(titles).toEqual(expected);
    await waitToSee(tutorial, { state: 'hidden' });
    await page.close();
  });

  it('keeps a tall tutorial image to part of the screen, in its shape, with the step’s text beside it; a save warns of an image without a description', async () => {
    // A tall example (800 × 3000): shown at its full height, it pushed the step's text below the screen.
    const tall = '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="3000"><rect width="800" height="3000" fill="#a0522d"/></svg>';
    const images = createServer((_request, response) => response.writeHead(200, { 'Content-Type': 'image/svg+xml' }).end(tall));
    await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
    const address = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
    try {
      const { url, warnings } = await setUp(
        {
          name: 'Trees',
          firstTask: 'T0',
          tasks: { T0: adOrNot },
          tutorial: [
            { title: 'Bark', body: `![The bark of an oak, deeply furrowed](${address}/oak.svg)\n\nOak bark is furrowed from top to bottom.` },
            { title: 'Leaves', body: `![](${address}/leaf.svg)` },
          ],
        },
        [text('a')],
      );
      expect(warnings).toEqual([{ pointer: '/tutorial/1/body', message: expect.stringContaining(`shows an image (${address}/leaf.svg) without a description`) }]);
      const { page, errors } = await openPage();
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(url);
      const tutorial = page.getByTestId('tutorial');
      const image = tutorial.getByRole('img', { name: 'The bark of an oak, deeply furrowed' });
      await waitToSee(image);
      await page.waitForFunction(() => (document.querySelector('.tutorial-step img') as HTMLImageElement | null)?.naturalHeight === 3000);
      const shown = await image.evaluate((img) => img.getBoundingClientRect().toJSON() as DOMRect);
      expect(shown.height).toBeLessThanOrEqual(0.4 * 800 + 1);
      expect(shown.width / shown.height).toBeCloseTo(800 / 3000, 2);
      const words = tutorial.getByText('Oak bark is furrowed from top to bottom.');
      const below = await words.evaluate((paragraph) => paragraph.getBoundingClientRect().bottom);
      expect(below).toBeLessThanOrEqual(800);
      expect(await tutorial.evaluate((dialog) => dialog.scrollTop)).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      images.close();
    }
  });

  it('shows a task’s help as sanitised markdown: bold, a list and an example image with its alt text', async () => {
    // The species' example image, served from elsewhere as a project's images are.
    const pixel = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const images = createServer((_request, response) => response.writeHead(200, { 'Content-Type': 'image/png' }).end(pixel));
    await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
    const lion = `http://127.0.0.1:${(images.address() as AddressInfo).port}/lion.png`;
    try {
      const help = [
        'Look at the **coat**:',
        '- **Lion**: tawny, no spots\n- **Leopard**: rosettes',
        `![Lion example](${lion})`,
        '<img src="/nowhere.png" onerror="window.helpHacked = true">',
        '[More about big cats](https://example.org/cats)',
      ].join('\n\n');
      const { url, workflowId } = await setUp({ name: 'Cats', firstTask: 'T0', tasks: { T0: { ...adOrNot, question: 'Which cat is it?', help } } }, [text('a')]);
      await skipTutorial(suite.context, workflowId);
      const { page, errors } = await openPage();
      await page.goto(url);
      await waitForTask(page, 'single');
      const taskHelp = page.locator('.task-help');
      await taskHelp.locator('summary').click();
      const image = taskHelp.getByRole('img', { name: 'Lion example' });
      await waitToSee(image);
      expect(await taskHelp.locator('strong').allTextContents()).toEqual(['coat', 'Lion', 'Leopard']);
      expect((await taskHelp.locator('li').allTextContents()).map((item) => item.trim())).toEqual(['Lion: tawny, no spots', 'Leopard: rosettes']);
      expect(await image.getAttribute('src')).toBe(lion);
      await page.waitForFunction((alt) => (document.querySelector(`.task-help img[alt="${alt}"]`) as HTMLImageElement | null)?.naturalWidth === 1, 'Lion example');
      // The same rules as the field guide: raw HTML is dropped, a link opens beside the classifier.
      expect(await taskHelp.locator('img').count()).toBe(1);
      expect(await taskHelp.textContent()).not.toContain('**');
      expect(await taskHelp.getByRole('link', { name: 'More about big cats' }).getAttribute('target')).toBe('_blank');
      expect(await page.evaluate(() => (window as unknown as { helpHacked?: boolean }).helpHacked)).toBeUndefined();
      await checkScreen(page, 'task-help');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      images.close();
    }
  });

  it('shows the field guide as sanitised markdown, from its button or G, and lets single-key shortcuts be turned off and on', async () => {
    const fieldGuide = [
      '## Reading the notices',
      'Adverts are **paid** notices.',
      '<script>window.guideHacked = "script"</script>',
      '<img src="/nowhere.png" onerror="window.guideHacked = \'img\'">',
      '[A bad link](javascript:window.guideHacked="link")',
      '### Kinds of advert',
      '- Classifieds',
      '- Display adverts',
    ].join('\n\n');
    const { url, workflowId } = await setUp({ name: 'Ads with a guide', firstTask: 'T0', tasks: { T0: adOrNot } }, [text('a')], fieldGuide);
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'single');
    await waitForFocus(page, RADIO);

    // On a short screen the guide is longer than its dialog: it opens at its top, its Close button (with focus) in sight.
    await page.setViewportSize({ width: 1280, height: 360 });
    await page.keyboard.press('g');
    const guide = page.getByTestId('field-guide');
    await waitToSee(guide, { state: 'visible' });
    await waitToSee(guide.locator('.markdown'));
    const view = await guide.evaluate((dialog) => {
      const close = dialog.querySelector('.dialog-actions button')!.getBoundingClientRect();
      const box = dialog.getBoundingClientRect();
      return { scrollTop: dialog.scrollTop, overflows: dialog.scrollHeight > dialog.clientHeight, closeInSight: close.top >= box.top && close.bottom <= box.bottom, focused: document.activeElement?.textContent };
    });
    expect(view).toEqual({ scrollTop: 0, overflows: true, closeInSight: true, focused: 'Close' });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await settledHeadings(page, 'field-guide', ['Reading the notices', 'Kinds of advert'])).toEqual(['Reading the notices', 'Kinds of advert']);
    // The guide's highest headings sit just below the dialog's title (h2), whatever level the researchers began at.
    expect([await guide.locator('.markdown h3').allTextContents(), await guide.locator('.markdown h4').allTextContents()]).toEqual([['Reading the notices'], ['Kinds of advert']]);
    expect(await guide.locator('strong').textContent()).toBe('paid');
    expect((await guide.locator('li').allTextContents()).map((item) => item.trim())).toEqual(['Classifieds', 'Display adverts']);
    // Raw HTML is neither run nor rendered; the javascript: link leads nowhere.
    expect(await guide.locator('script, img, iframe').count()).toBe(0);
    expect(await guide.locator('a').getAttribute('href')).not.toMatch(/^javascript:/i);
    await guide.locator('a').click();
    await page.waitForTimeout(300); // let an onerror or a link run, were there any
    expect(await page.evaluate(() => (window as unknown as { guideHacked?: string }).guideHacked)).toBeUndefined();
    expect(await guide.textContent()).not.toContain('onerror');
    await checkScreen(page, 'field-guide');
    await page.keyboard.press('Escape');
    await waitToSee(guide, { state: 'hidden' });
    await waitForFocus(page, RADIO);

    // The button opens it too, and the ? list names both new keys.
    await tabTo(page, '[data-testid="open-field-guide"]');
    await page.keyboard.press('Enter');
    await waitToSee(guide, { state: 'visible' });
    await page.keyboard.press('Escape');
    await waitToSee(guide, { state: 'hidden' });
    await waitForFocus(page, '[data-testid="open-field-guide"]');
    await page.keyboard.press('?');
    // On a phone the list fits its dialog: no column pushed past the edge.
    const fits = await inWindowOf(page, PHONE_WINDOW, () => page.getByTestId('shortcuts-dialog').evaluate((dialog) => dialog.querySelector('table')!.scrollWidth <= dialog.clientWidth));
    expect(fits).toBe(true);
    const shortcuts = await page.getByTestId('shortcuts-dialog').textContent();
    expect(shortcuts).toContain("Open the project's field guide");
    expect(shortcuts).toContain('Open the tutorial again');

    // Single-key shortcuts can be turned off there (WCAG 2.1.4): then 1 – 9, G and ? do nothing, and turned on again.
    const singleKeys = page.getByRole('checkbox', { name: 'Use single-key shortcuts' });
    expect(await singleKeys.isChecked()).toBe(true);
    await singleKeys.uncheck();
    await page.keyboard.press('Escape');
    await waitToSee(page.getByTestId('shortcuts-dialog'), { state: 'hidden' });
    await page.locator(RADIO).first().focus();
    await page.keyboard.press('2');
    expect(await page.getByRole('radio', { name: 'No' }).isChecked()).toBe(false);
    await page.keyboard.press('g');
    await page.keyboard.press('?');
    await page.waitForTimeout(200);
    expect(await guide.isVisible()).toBe(false);
    expect(await page.getByTestId('shortcuts-dialog').isVisible()).toBe(false);
    await page.reload(); // the device remembers
    await waitToSee(page.locator(RADIO).first());
    await page.locator(RADIO).first().focus();
    await page.keyboard.press('1');
    expect(await page.getByRole('radio', { name: 'Yes' }).isChecked()).toBe(false);
    await page.getByTestId('open-shortcuts').click();
    await singleKeys.check();
    await page.keyboard.press('Escape');
    await page.locator(RADIO).first().focus();
    await page.keyboard.press('2');
    expect(await page.getByRole('radio', { name: 'No' }).isChecked()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('tells the experts’ answer after a gold-standard subject, and after an answer sent from the outbox', async () => {
    const { url, workflowId, subjectIds } = await setUp(
      { name: 'Ads with feedback', firstTask: 'T0', tasks: { T0: adOrNot }, feedback: true, selection: { order: 'sequential', goldStandardRate: 0 } },
      [text('gold-1', { T0: 'yes' }), text('plain'), text('gold-2', { T0: 'no' })],
    );
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    const feedback = page.getByTestId('feedback');

    // Gold 1, answered "No": the experts said Yes, in a dialog before the next subject.
    expect(await waitForTask(page, 'single')).toBe(subjectIds['gold-1']);
    await waitForFocus(page, RADIO);
    await page.keyboard.press('2');
    await page.keyboard.press('Enter');
    await waitToSee(feedback, { state: 'visible' });
    await waitForFocus(page, '[data-testid="feedback"] button');
    expect(await feedback.locator('.feedback-verdict').textContent()).toContain('The experts answered differently.');
    expect(await feedback.textContent()).toContain('Your answer: No');
    expect(await feedback.textContent()).toContain('The experts said: Yes');
    // Read out with the title as the dialog opens, not only "Continue".
    const description = await feedback.evaluate((dialog) => document.getElementById(dialog.getAttribute('aria-describedby') ?? '')?.textContent ?? '');
    expect(description).toContain('The experts answered differently.');
    await checkScreen(page, 'feedback');
    await page.keyboard.press('Enter'); // Continue
    await waitToSee(feedback, { state: 'hidden' });

    // The next subject is not gold: no dialog, and focus is on its first answer.
    await waitForFocus(page, RADIO);
    expect(await page.getByTestId('subject').getAttribute('data-subject-id')).toBe(subjectIds.plain);
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') === id, subjectIds['gold-2']);
    expect(await feedback.isVisible()).toBe(false);

    // Gold 2 answered offline: the experts' answer comes when the outbox sends it.
    await waitForFocus(page, RADIO);
    await suite.context.setOffline(true);
    await page.keyboard.press('2');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('outbox'));
    expect(await page.getByTestId('late-feedback').count()).toBe(0);
    await suite.context.setOffline(false);
    const late = page.getByTestId('late-feedback');
    await waitToSee(late, { timeout: 15_000 });
    expect(await late.textContent()).toContain('You agree with the experts.');
    expect(await late.textContent()).toContain('The experts said: No');
    await checkScreen(page, 'feedback-late');
    await late.getByRole('button', { name: 'Dismiss' }).press('Enter');
    expect(await late.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.closest('main') !== null)).toBe(true); // not lost to the page
    const { rows } = await suite.stack.db.query('SELECT subject_id FROM classifications WHERE workflow_id = $1', [workflowId]);
    expect(rows).toHaveLength(3);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lists the tags other volunteers proposed, with their votes, to vote up or down by keyboard', async () => {
    const { url, workflowId, version, subjectIds } = await setUp(
      { name: 'Tag the notices', firstTask: 'T0', tasks: { T0: { type: 'tagging', instruction: 'Add tags that describe the notice.', vocabulary: ['sale', 'transport'] } } },
      [text('a')],
    );
    for (const value of [{ add: ['transport'] }, { add: ['transport', 'sale'] }, { add: [], up: ['transport'], down: ['sale'] }]) {
      const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId, workflowVersion: version, subjectId: subjectIds.a!, annotations: [{ task: 'T0', value }] }, randomUUID());
    }
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'tagging');
    const votes = page.locator('.tag[data-tag="transport"] [data-testid="tag-votes"]');
    await waitToSee(votes);
    expect(await page.locator('.tag').evaluateAll((tags) => tags.map((tag) => tag.getAttribute('data-tag')))).toEqual(['transport', 'sale']);
    expect(await votes.locator('.visually-hidden').textContent()).toBe('Other volunteers: 3 agree, 0 disagree.');
    expect(await page.locator('.tag[data-tag="sale"] .visually-hidden').textContent()).toBe('Other volunteers: 1 agree, 1 disagree.');

    await waitForFocus(page, '.tag-entry input');
    await page.keyboard.type('horses');
    await page.keyboard.press('Enter');
    // Their own tag can only be taken back: proposing it was their vote.
    expect(await page.locator('.tag[data-tag="horses"] button').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label')))).toEqual(['Remove “horses”']);
    await tabTo(page, 'button[aria-label="Disagree with “transport”"]');
    await page.keyboard.press('Space');
    // Typing a tag someone proposed already agrees with it.
    await tabTo(page, '.tag-entry input');
    await page.keyboard.type('Sale');
    await page.keyboard.press('Enter');
    expect(await page.locator('button[aria-label="Agree with “sale”"]').getAttribute('aria-pressed')).toBe('true');
    await checkScreen(page, 'tagging-proposed');
    await page.keyboard.press('Control+Enter');
    await waitToSee(page.getByTestId('finished'));
    const { rows } = await suite.stack.db.query<{ annotations: unknown }>('SELECT annotations FROM classifications WHERE workflow_id = $1 ORDER BY created_at DESC LIMIT 1', [workflowId]);
    expect(rows[0]?.annotations).toEqual([{ task: 'T0', value: { add: ['horses'], up: ['sale'], down: ['transport'] } }]);
    expect(errors).toEqual([]);
    await page.close();
  });
  it('shows others’ tags, without their votes, only once the volunteer has added their own, when the task says so', async () => {
    const { url, workflowId, version, subjectIds } = await setUp(
      { name: 'Own tags first', firstTask: 'T0', tasks: { T0: { type: 'tagging', instruction: 'Add tags that describe the notice.', proposedTags: 'after-own-tags' } } },
      [text('a')],
    );
    const proposer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    await proposer.classify({ workflowId, workflowVersion: version, subjectId: subjectIds.a!, annotations: [{ task: 'T0', value: { add: ['transport', 'sale'] } }] }, randomUUID());
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    const asked: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/tags?task=')) asked.push(request.url());
    });
    await page.goto(url);
    await waitForTask(page, 'tagging');
    await waitForFocus(page, '.tag-entry input');
    const reveal = page.getByTestId('show-proposed-tags');
    expect(await reveal.textContent()).toBe("I have no tags to add: show other volunteers' tags");
    // The volunteer's own tags come first: a tag someone proposed, typed, is theirs too, not a vote.
    await page.keyboard.type('Transport');
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('task-message').textContent()).toBe('Added “Transport”.');
    expect(await page.locator('.tag').evaluateAll((tags) => tags.map((tag) => tag.getAttribute('data-tag')))).toEqual(['Transport']);
    expect(asked).toEqual([]); // not even asked for
    expect(await reveal.textContent()).toBe("Show other volunteers' tags");

    await tabTo(page, '[data-testid="show-proposed-tags"]');
    await page.keyboard.press('Enter');
    await waitToSee(page.locator('.tag[data-tag="sale"]'));
    await waitForFocus(page, '.tag-entry input'); // the button is gone: the keyboard goes on from the field
    expect(await page.getByTestId('task-message').textContent()).toBe("Other volunteers' tags are now on the list, to agree or disagree with.");
    // Without their votes; the volunteer's own tag listed once, as theirs.
    expect(await page.locator('.tag').evaluateAll((tags) => tags.map((tag) => tag.getAttribute('data-tag')))).toEqual(['sale', 'Transport']);
    expect(await page.getByTestId('tag-votes').count()).toBe(0);
    expect(asked).toHaveLength(1);
    await tabTo(page, 'button[aria-label="Agree with “sale”"]');
    await page.keyboard.press('Space');
    await checkScreen(page, 'tagging-own-first');
    await page.keyboard.press('Control+Enter');
    await waitToSee(page.getByTestId('finished'));
    const { rows } = await suite.stack.db.query<{ annotations: unknown }>('SELECT annotations FROM classifications WHERE workflow_id = $1 ORDER BY created_at DESC LIMIT 1', [workflowId]);
    expect(rows[0]?.annotations).toEqual([{ task: 'T0', value: { add: ['Transport'], up: ['sale'], down: [] } }]);
    expect(errors).toEqual([]);
    await page.close();
  });
  it('keeps the tags a volunteer applies (added or agreed with) within the task’s most tags, saying so, rather than refusing the answer at Done', async () => {
    const { url, workflowId, version, subjectIds } = await setUp(
      { name: 'One tag', firstTask: 'T0', tasks: { T0: { type: 'tagging', instruction: 'Add the tag that fits best.', maxTags: 1 } } },
      [text('a')],
    );
    const proposer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    await proposer.classify({ workflowId, workflowVersion: version, subjectId: subjectIds.a!, annotations: [{ task: 'T0', value: { add: ['sale'] } }] }, randomUUID());
    const other = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    await other.classify({ workflowId, workflowVersion: version, subjectId: subjectIds.a!, annotations: [{ task: 'T0', value: { add: ['transport'] } }] }, randomUUID());
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'tagging');
    await waitToSee(page.locator('.tag[data-tag="transport"]'));
    await page.locator('button[aria-label="Agree with “sale”"]').click();
    await page.locator('button[aria-label="Agree with “transport”"]').click();
    const tooMany = 'You can give a subject at most 1 tag, added or agreed with. Remove it, or take back your agreement, before giving another.';
    expect(await page.getByTestId('task-message').textContent()).toBe(tooMany);
    expect(await page.locator('button[aria-label="Agree with “transport”"]').getAttribute('aria-pressed')).toBe('false');
    // A tag of one's own is applied as an agreement is: one more passes the most tags too.
    await page.locator('.tag-entry input').fill('horses');
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('task-message').textContent()).toBe(tooMany);
    await page.locator('.tag-entry input').fill('');
    await page.locator('button[aria-label="Disagree with “transport”"]').click(); // allowed: the refusal no longer applies
    expect(await page.getByTestId('task-message').textContent()).toBe('');
    await page.keyboard.press('Control+Enter');
    await waitToSee(page.getByTestId('finished'));
    const { rows } = await suite.stack.db.query<{ annotations: unknown }>('SELECT annotations FROM classifications WHERE workflow_id = $1 ORDER BY created_at DESC LIMIT 1', [workflowId]);
    expect(rows[0]?.annotations).toEqual([{ task: 'T0', value: { add: [], up: ['sale'], down: ['transport'] } }]);
    expect(errors).toEqual([]);
    await page.close();
  });
  it('asks before a tagging answer with no tags goes: Escape returns to the tag field, a second confirm submits it', async () => {
    const { url, workflowId } = await setUp({ name: 'Tags', firstTask: 'T0', tasks: { T0: { type: 'tagging', instruction: 'Tag what you see.' } } }, [text('a')]);
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'tagging');
    await waitForFocus(page, '.tag-entry input');
    const check = page.getByRole('alertdialog', { name: 'No tags given. Is there nothing to tag here?' });
    await page.keyboard.press('Control+Enter');
    await waitForFocus(page, '[data-testid="empty-answer"]');
    expect(await check.textContent()).toContain('Press Enter to go on without tags');
    await page.keyboard.press('Escape');
    await waitToSee(check, { state: 'detached' });
    await waitForFocus(page, '.tag-entry input');
    const { rows: none } = await suite.stack.db.query('SELECT 1 FROM classifications WHERE workflow_id = $1', [workflowId]);
    expect(none).toHaveLength(0); // nothing went without the volunteer's word
    await page.keyboard.press('Control+Enter');
    await waitForFocus(page, '[data-testid="empty-answer"]');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('finished'));
    const { rows } = await suite.stack.db.query<{ annotations: unknown }>('SELECT annotations FROM classifications WHERE workflow_id = $1', [workflowId]);
    expect(rows.map((row) => row.annotations)).toEqual([[{ task: 'T0', value: { add: [], up: [], down: [] } }]]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
