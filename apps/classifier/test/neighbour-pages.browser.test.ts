import { until } from '../../../test/support/waiting';
import { openWorkflow, PHONE_WINDOW, seriousViolations, skipTutorial, useStackAndBrowser, waitForFocus, waitForTask, waitToSee } from './support/browser';

/**
 * A transcriber looks at the page before and the page after the one they type (a sentence running over the page
 * break), each in a dialog to look at only: the subject and what they typed stay, and focus comes back where it was.
 */

jest.setTimeout(90_000);

describe('classifier in a browser: the pages next to the one transcribed', () => {
  const suite = useStackAndBrowser();

  /** A live, sequential transcription workflow over a diary of four text pages; the first page is held by another volunteer. */
  async function diary() {
    const { client, anonymous } = suite.stack;
    const project = await client.createProject({ title: `Diary ${Date.now()}`, status: 'live' });
    const set = await client.createSubjectSet(project.id, { name: 'Diary' });
    await client.addSubjects(
      set.id,
      [1, 2, 3, 4].map((page) => ({ externalId: `diary-p${page}`, locations: [{ type: 'text' as const, text: `Diary page ${page}: the weather was fine and` }], metadata: { title: `Folio ${page}` } })),
    );
    const workflow = await client.createWorkflow(project.id, {
      name: 'Transcribe the diary',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Type the page as it is written.', mode: 'free' } },
      retirement: { rule: 'count', count: 1 },
      selection: { order: 'sequential', goldStandardRate: 0 },
      subjectSetIds: [set.id],
    });
    await client.activateWorkflow(workflow.id);
    // Another volunteer holds the first page: this one is served the second, which has a page on either side.
    await anonymous.withToken((await anonymous.guest()).token).queue(workflow.id, 1);
    await skipTutorial(suite.context, workflow.id);
    return `${suite.stack.baseUrl}/projects/${project.slug}/workflows/${workflow.id}`;
  }

  it('opens the page before while a transcription is typed, by keyboard; Escape closes it, the text and the subject stay, focus returns', async () => {
    const page = await suite.context.newPage();
    await page.goto(await diary());
    const subjectId = await waitForTask(page, 'transcription');
    const field = page.locator('.transcription-free');
    await waitForFocus(page, '.transcription-free');
    await page.keyboard.type('Monday. Rain all day, and the');
    const pages = page.getByRole('group', { name: 'Pages next to this one' });
    await waitToSee(pages, { timeout: 15_000 });
    expect(await pages.textContent()).toBe('Page 2 of 4 in this setSee the page beforeSee the page after');

    const previous = pages.getByRole('button', { name: 'See the page before' });
    await previous.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Page 1 of 4, the page before' });
    await waitToSee(dialog);
    expect(await dialog.textContent()).toContain('Diary page 1: the weather was fine and');
    await waitForFocus(page, 'dialog[data-testid="neighbour-page"] button');
    expect(await seriousViolations(page)).toEqual([]);

    await page.keyboard.press('Escape');
    await waitToSee(dialog, { state: 'hidden' });
    await waitForFocus(page, '[data-testid="previous-page"]');
    expect(await field.inputValue()).toBe('Monday. Rain all day, and the');
    expect(await page.getByTestId('subject').getAttribute('data-subject-id')).toBe(subjectId);

    // The page after, by Tab from the button before it; closed by its button, focus back on the one that opened it.
    await page.keyboard.press('Tab');
    await waitForFocus(page, '[data-testid="next-page"]');
    await page.keyboard.press('Enter');
    const after = page.getByRole('dialog', { name: 'Page 3 of 4, the page after' });
    await waitToSee(after);
    expect(await after.textContent()).toContain('Diary page 3');
    await page.keyboard.press('Enter');
    await waitToSee(after, { state: 'hidden' });
    await waitForFocus(page, '[data-testid="next-page"]');
    await field.focus();
    await page.keyboard.type(' wind.');
    expect(await field.inputValue()).toBe('Monday. Rain all day, and the wind.');
    await page.close();
  });

  it('shows the pages of the set the volunteer chose, for a page that is in two of the workflow’s sets', async () => {
    const { client, db } = suite.stack;
    const project = await client.createProject({ title: `Diary and letters ${Date.now()}`, status: 'live' });
    const diaryPages = await client.createSubjectSet(project.id, { name: 'Diary' });
    const letters = await client.createSubjectSet(project.id, { name: 'Letters' });
    const text = (externalId: string, words: string) => ({ externalId, locations: [{ type: 'text' as const, text: words }] });
    const { subjectIds } = await client.addSubjects(diaryPages.id, [1, 2, 3, 4].map((n) => text(`diary-p${n}`, `Diary page ${n}`)));
    await client.addSubjects(letters.id, [1, 2].map((n) => text(`letter-${n}`, `Letter ${n}: Dear Sir`)));
    // The diary's first page was sent as a letter too: the first of the letters.
    await db.query('INSERT INTO subject_set_members (subject_set_id, subject_id, position) SELECT $1, $2, min(position) - 1 FROM subject_set_members WHERE subject_set_id = $1', [letters.id, subjectIds[0]]);
    const workflow = await client.createWorkflow(project.id, {
      name: 'Transcribe',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Type the page as it is written.', mode: 'free' } },
      selection: { order: 'sequential', goldStandardRate: 0, volunteersChooseSubjectSet: true },
      subjectSetIds: [diaryPages.id, letters.id],
    });
    await client.activateWorkflow(workflow.id);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/workflows/${workflow.id}?set=${letters.id}`);
    expect(await waitForTask(page, 'transcription')).toBe(subjectIds[0]);
    const pages = page.getByRole('group', { name: 'Pages next to this one' });
    await waitToSee(pages, { timeout: 15_000 });
    // Its place among the letters, not in the diary (page 1 of 4, the diary's page 2 after it).
    expect(await pages.textContent()).toBe('Page 1 of 3 in this setSee the page after');
    await pages.getByRole('button', { name: 'See the page after' }).click();
    const after = page.getByRole('dialog', { name: 'Page 2 of 3, the page after' });
    await waitToSee(after);
    expect(await after.textContent()).toContain('Letter 1: Dear Sir');
    await page.close();
  });

  it('asks for the pages again when the browser comes back online after the request failed offline, once', async () => {
    const url = await diary();
    const page = await suite.context.newPage();
    const asked: string[] = [];
    page.on('request', (request) => request.url().includes('/neighbours') && asked.push(request.url()));
    await page.route('**/neighbours*', (route) => route.abort('internetdisconnected'));
    await page.goto(url);
    await waitForTask(page, 'transcription');
    await until(async () => asked.length === 1, 'the pages next to the subject asked');
    await page.waitForTimeout(500);
    expect(asked).toHaveLength(1);
    const pages = page.getByRole('group', { name: 'Pages next to this one' });
    expect(await pages.count()).toBe(0);

    // Offline still: coming back online asks once more; failing again, it waits for the next coming back.
    await suite.context.setOffline(true);
    await suite.context.setOffline(false);
    await until(async () => asked.length === 2, 'the pages asked again');
    await page.waitForTimeout(1_000);
    expect(asked).toHaveLength(2);

    await page.unroute('**/neighbours*');
    await suite.context.setOffline(true);
    await suite.context.setOffline(false);
    await waitToSee(pages, { timeout: 15_000 });
    expect(await pages.textContent()).toBe('Page 2 of 4 in this setSee the page beforeSee the page after');
    await page.waitForTimeout(500);
    expect(asked).toHaveLength(3);
    await page.close();
  });

  it('answers nothing by a finger swiping across the page shown in the dialog, in a yes/no workflow answered by swipes', async () => {
    const { page, workflow } = await openWorkflow(
      suite,
      'Swipe over a neighbour',
      [1, 2, 3].map((number) => ({ externalId: `ad-${number}`, locations: [{ type: 'text' as const, text: `Column ${number}: WANTED, a steady lad for the stables.` }] })),
      {
        name: 'Ad or not?',
        firstTask: 'T0',
        tasks: { T0: { type: 'single', question: 'An advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
        selection: { order: 'sequential', goldStandardRate: 0 },
      },
      PHONE_WINDOW,
    );
    await waitForTask(page, 'single');
    await page.getByTestId('next-page').click();
    const dialog = page.getByRole('dialog', { name: 'Page 2 of 3, the page after' });
    await waitToSee(dialog);
    // One finger moved 150 px to the left over the page shown, as the browser reports it.
    const text = dialog.locator('.subject-text');
    const box = (await text.boundingBox())!;
    const at = { pointerType: 'touch', pointerId: 7, isPrimary: true, bubbles: true, clientY: box.y + box.height / 2 };
    await text.dispatchEvent('pointerdown', { ...at, clientX: box.x + box.width - 10 });
    await text.dispatchEvent('pointerup', { ...at, clientX: box.x + box.width - 160 });
    await page.waitForTimeout(500);
    expect((await suite.stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE workflow_id = $1', [workflow.id])).rows[0].n).toBe(0);
    expect(await dialog.isVisible()).toBe(true);
    await page.close();
  });

  it('offers no neighbouring pages in a random-order yes/no workflow of photographs, and does not ask for them', async () => {
    const asked: string[] = [];
    const listen = (request: { url(): string }) => request.url().includes('/neighbours') && asked.push(request.url());
    suite.context.on('request', listen);
    const { page } = await openWorkflow(
      suite,
      'Photographs',
      [1, 2, 3].map((number) => ({ externalId: `photo-${number}`, locations: [{ type: 'image' as const, url: `https://example.invalid/photo-${number}.jpg`, alt: `Photograph ${number} of a hedge` }] })),
      {
        name: 'A bird?',
        firstTask: 'T0',
        tasks: { T0: { type: 'single', question: 'Is there a bird?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
        selection: { order: 'random', goldStandardRate: 0 },
      },
    );
    await waitForTask(page, 'single');
    await page.waitForLoadState('networkidle');
    expect(asked).toEqual([]);
    expect(await page.getByRole('group', { name: 'Pages next to this one' }).count()).toBe(0);
    expect(await page.getByTestId('neighbour-pages').count()).toBe(0);
    suite.context.off('request', listen);
    await page.close();
  });
});
