import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { signUp } from '../../../test/support/accounts';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { penguinMarkingWorkflow } from '../../../test/support/workflows';
import { onPage, useColonyImages } from './support/colonyImage';
import { checkScreen, signedInPage, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * A researcher corrects a marking task's consensus on the subject's page, in a real browser against the real API and
 * worker: the consensus marks drawn on an image of its own (named apart from the media section's, its keys its own),
 * too few refused (the tool focused, nothing stored), marks placed by pointer and by keyboard, a thing the consensus
 * left out named with its votes and added back within the tool's max, the correction saved and said by counts, shown
 * again and in the results list; then an approval of a consensus a later volunteer changed since the page was read,
 * refused and said so, the new consensus shown and the marks being edited kept; then its approval, which sets them aside.
 */

jest.setTimeout(150_000);

/** How many marks the review's list shows. */
const listed = (page: Page, count: number) =>
  page.waitForFunction((n) => document.querySelectorAll('[data-testid="lab-result-reviews"] [data-testid="marking-entry"]').length === n, count);

describe('classifier in a browser: a marking consensus reviewed in the lab', () => {
  const suite = useStackAndBrowser();
  const images = useColonyImages();

  it('corrects the marks from the consensus by pointer and keyboard, adds back one left out within the max, refuses too few, and approves setting edits aside', async () => {
    const account = await signUp(suite.stack, { email: `lab-marking-review-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    // A penguin all four marked (kept), one two of four marked (left out), and two a volunteer alone marked (strays).
    const { workflowId, colony } = await penguinMarkingWorkflow(
      suite.stack,
      researcher,
      `${images.base()}/colony.svg`,
      [
        [{ tool: 'penguin', x: 100, y: 100 }, { tool: 'penguin', x: 300, y: 300 }],
        [{ tool: 'penguin', x: 104, y: 100 }, { tool: 'penguin', x: 302, y: 302 }],
        [{ tool: 'penguin', x: 100, y: 104 }, { tool: 'penguin', x: 700, y: 500 }],
        [{ tool: 'penguin', x: 104, y: 104 }, { tool: 'penguin', x: 600, y: 100 }],
      ],
      { min: 2, max: 3 },
    );

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${colony}`);
    const review = page.getByTestId('lab-result-reviews').locator('fieldset[data-task="T0"]');
    const state = page.getByTestId('lab-review-T0-state');
    await waitToSee(state.getByText('Not reviewed yet.'));
    // The consensus's marks, drawn on the image and listed, to correct; the hint says so, and describes the review.
    const layer = review.getByTestId('marking-layer');
    await waitToSee(layer, { state: 'attached', timeout: 15_000 });
    const entries = () => review.getByTestId('marking-entry').allTextContents();
    expect(await entries()).toEqual(['Penguin 1 at 102, 102Remove']);
    expect(await review.getByTestId('marking-count-penguin').textContent()).toBe('1, from 2 to 3');
    const hint = 'The consensus marks are drawn on the image: add the things it missed, remove those that are not there, then save your correction.';
    expect(await review.evaluate((fieldset) => document.getElementById(fieldset.getAttribute('aria-describedby') ?? '')?.textContent)).toBe(hint);
    // The tools' legend does not say the task again: the review's legend names it.
    expect(await review.locator('fieldset legend').allTextContents()).toEqual(['Tool to mark with']);
    expect(await review.locator(':scope > legend').textContent()).toContain('Mark each penguin and each sign');
    // The list is of the marks the correction keeps, not the researcher's own "Your marks".
    expect(await review.locator('.marking-list-heading').textContent()).toBe('Marks to keep: 1');
    // The thing two of four marked, named by its place and votes, offered to add back; the strays are not.
    const leftOut = review.getByTestId('lab-review-T0-marking-left-out');
    expect(await leftOut.locator('li').allTextContents()).toEqual(['Penguin at 301, 301: marked by 2 of 4 volunteers Add back']);

    // Two images, each named for what it is, each turned and zoomed by the keys pressed where it is.
    const media = page.getByRole('figure', { name: 'Subject image: Penguins on the ice' });
    const correction = review.getByRole('figure', { name: 'Image to correct, T0: Penguins on the ice' });
    for (const viewer of [media, correction]) await page.waitForFunction((figure) => figure?.getAttribute('data-status') === 'ready', await viewer.elementHandle(), { timeout: 15_000 });
    await review.locator('#lab-review-T0-marking-tool-penguin').focus();
    await page.keyboard.press('r');
    await page.waitForFunction((figure) => figure?.getAttribute('data-rotation') === '90', await correction.elementHandle());
    expect(await media.getAttribute('data-rotation')).toBe('0');
    await page.keyboard.press('r'); // one turn more, then the layer's keys: the rest of the test marks the image upright
    await page.keyboard.press('r');
    await page.keyboard.press('r');
    await page.waitForFunction((figure) => figure?.getAttribute('data-rotation') === '0', await correction.elementHandle());
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('+');
    await page.waitForFunction((figure) => Number(figure?.getAttribute('data-zoom')) > 100, await media.elementHandle());
    expect([await correction.getAttribute('data-zoom'), await correction.getAttribute('data-rotation'), await media.getAttribute('data-rotation')]).toEqual(['100', '0', '0']);

    // Too few penguins: said, the tool focused, nothing stored.
    await review.getByRole('button', { name: 'Save correction' }).click();
    await waitToSee(review.getByText('Penguin: at least 2 marks (you have 1).'));
    await waitForFocus(page, '#lab-review-T0-marking-tool-penguin');
    expect(await state.textContent()).toBe('Not reviewed yet.');
    expect((await suite.stack.db.query('SELECT 1 FROM consensus_reviews WHERE subject_id = $1', [colony])).rowCount).toBe(0);

    // A penguin placed on the image with the pointer, the tool chosen as the task opens; another by keyboard alone.
    await layer.scrollIntoViewIfNeeded();
    const placed = await onPage(layer, 500, 400);
    await page.mouse.click(placed.x, placed.y);
    await listed(page, 2);
    await layer.focus();
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Enter');
    await listed(page, 3);
    expect((await entries())[2]).toMatch(/^Penguin 3 at \d+, \d+Remove$/);

    // The one left out, refused at the tool's max (said, the button keeps focus); added once a penguin is removed.
    const addBack = leftOut.getByRole('button', { name: 'Add back Penguin at 301, 301' });
    const said = review.getByTestId('lab-review-T0-marking-left-out-said');
    await addBack.focus();
    await page.keyboard.press('Enter');
    await waitToSee(said.getByText('Penguin: at most 3 marks; remove one first.'));
    await waitForFocus(page, 'button[aria-label="Add back Penguin at 301, 301"]');
    expect(await entries()).toHaveLength(3);
    const pointed = (await entries())[1]!;
    expect(pointed).toMatch(/^Penguin 2 at (499|500|501), (399|400|401)Remove$/);
    await review.getByRole('button', { name: `Remove ${pointed.replace(/Remove$/, '')}` }).focus();
    await page.keyboard.press('Enter');
    await listed(page, 2);
    await addBack.focus();
    await page.keyboard.press('Enter');
    await listed(page, 3);
    await waitToSee(said.getByText('Added back Penguin at 301, 301.'));
    await waitToSee(leftOut, { state: 'detached' });
    await waitForFocus(page, '#lab-review-T0-marking-list');

    // Saved by keyboard: the state counts the marks by tool, not each of them.
    await review.getByRole('button', { name: 'Save correction' }).focus();
    await page.keyboard.press('Enter');
    await waitToSee(state.getByText('Corrected to “3 Penguin” by Maria Mitchell (owner),'));
    await waitForFocus(page, '[data-testid="lab-review-T0-state"]');
    const { rows: [stored] } = await suite.stack.db.query('SELECT state, value FROM consensus_reviews WHERE subject_id = $1', [colony]);
    expect(stored.state).toBe('corrected');
    expect(stored.value).toEqual([{ tool: 'penguin', x: 102, y: 102 }, expect.objectContaining({ tool: 'penguin' }), { tool: 'penguin', x: 301, y: 301 }]);
    await checkScreen(page, 'lab-result-marking-review');

    // Read again: the correction's marks, not the consensus's, and the hint says whose they are.
    await page.reload();
    await waitToSee(state.getByText('Corrected to “3 Penguin”', { exact: false }));
    await waitToSee(layer, { state: 'attached', timeout: 15_000 });
    expect(await entries()).toEqual(['Penguin 1 at 102, 102Remove', expect.stringMatching(/^Penguin 2 at /), 'Penguin 3 at 301, 301Remove']);
    await waitToSee(review.getByText('The marks of the correction saved are drawn on the image', { exact: false }));

    // Approved while its marks are being edited, once a fifth volunteer has marked the penguin at 301, 301 too since
    // the page was read: refused, said so, the consensus shown now (that penguin kept), the marks being edited kept.
    await review.getByRole('button', { name: /^Remove Penguin 3 at 301, 301$/ }).click();
    await listed(page, 2);
    const fifth = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    await fifth.classify({ workflowId, workflowVersion: 1, subjectId: colony, annotations: [{ task: 'T0', value: [{ tool: 'penguin', x: 100, y: 100 }, { tool: 'penguin', x: 300, y: 300 }] }] }, randomUUID());
    await until(async () => (await laggingSubjects(suite.stack.db, workflowId)) === 0, 'aggregation');
    await review.getByRole('button', { name: 'Approve' }).click();
    await waitToSee(review.getByText('The consensus of T0 changed since this page was read: classifications came in since. It is shown now in place of the one you saw, and nothing was approved: look at it again before you approve it. Your correction, not saved yet, is kept as you left it.'));
    await waitToSee(page.getByTestId('marking-consensus').getByText('marked by 3 of 5 volunteers'));
    expect(await entries()).toEqual(['Penguin 1 at 102, 102Remove', expect.stringMatching(/^Penguin 2 at /)]);
    expect((await suite.stack.db.query('SELECT state FROM consensus_reviews WHERE subject_id = $1', [colony])).rows).toEqual([{ state: 'corrected' }]);
    // Looked at again and approved: the consensus's marks shown again, the edits set aside.
    await review.getByRole('button', { name: 'Approve' }).click();
    await waitToSee(state.getByText('Approved by Maria Mitchell (owner),'));
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="lab-result-reviews"] [data-testid="marking-entry"]')].some((entry) => /^Penguin 2 at 30\d, 30\d/.test(entry.textContent ?? '')));
    expect(await entries()).toEqual([expect.stringMatching(/^Penguin 1 at 10\d, 10\dRemove$/), expect.stringMatching(/^Penguin 2 at 30\d, 30\dRemove$/)]);
    expect((await suite.stack.db.query('SELECT state FROM consensus_reviews WHERE subject_id = $1', [colony])).rows).toEqual([{ state: 'approved' }]);

    // The results list marks it reviewed; the download keeps the consensus's count beside the review.
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results`);
    const table = page.getByTestId('lab-results-table');
    await waitToSee(table);
    expect(await table.locator(`tr[data-subject-id="${colony}"]`).getByTestId('reviewed').allTextContents()).toEqual(['Approved']);
    const [row] = JSON.parse(await researcher.consensus(workflowId, 'json')) as Record<string, unknown>[];
    expect(row).toMatchObject({ T0_reviewed: 'approved', 'T0.penguin': 2, 'T0.sign': 0, 'T0_reviewed.penguin': 2, 'T0_reviewed.sign': 0 });
    expect(errors).toEqual([]);
  });
});
