import { randomUUID } from 'node:crypto';
import { signUp } from '../../../test/support/accounts';
import { penguinMarkingWorkflow } from '../../../test/support/workflows';
import { onPage, useColonyImages } from './support/colonyImage';
import { checkScreen, signedInPage, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * A researcher corrects a marking task's consensus on the subject's page, in a real browser against the real API and
 * worker: the consensus marks drawn on the image, a thing the consensus left out added back, one placed on the image,
 * too many refused (the tool focused, nothing stored), one removed by keyboard, the correction saved and shown, then
 * marked in the results list.
 */

jest.setTimeout(120_000);

describe('classifier in a browser: a marking consensus reviewed in the lab', () => {
  const suite = useStackAndBrowser();
  const images = useColonyImages();

  it('corrects the marks from the consensus, adding back one left out and placing one, refuses too many, and shows the correction in the results', async () => {
    const account = await signUp(suite.stack, { email: `lab-marking-review-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    // A penguin all four marked (kept), one two of four marked (left out), and one a volunteer alone marked (a stray).
    const { workflowId, colony } = await penguinMarkingWorkflow(
      suite.stack,
      researcher,
      `${images.base()}/colony.svg`,
      [
        [{ tool: 'penguin', x: 100, y: 100 }, { tool: 'penguin', x: 300, y: 300 }],
        [{ tool: 'penguin', x: 104, y: 100 }, { tool: 'penguin', x: 302, y: 302 }],
        [{ tool: 'penguin', x: 100, y: 104 }, { tool: 'penguin', x: 700, y: 500 }],
        [{ tool: 'penguin', x: 104, y: 104 }],
      ],
      2,
    );

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${colony}`);
    const review = page.getByTestId('lab-result-reviews').locator('fieldset[data-task="T0"]');
    const state = page.getByTestId('lab-review-T0-state');
    await waitToSee(state.getByText('Not reviewed yet.'));
    // The consensus's marks, drawn on the image and listed, to correct.
    const layer = review.getByTestId('marking-layer');
    await waitToSee(layer, { state: 'attached', timeout: 15_000 });
    const entries = () => review.getByTestId('marking-entry').allTextContents();
    expect(await entries()).toEqual(['Penguin 1 at 102, 102Remove']);
    expect(await review.getByTestId('marking-count-penguin').textContent()).toBe('1 of at most 2');
    // The thing two of four marked, offered to add back; the stray is not.
    const leftOut = review.getByTestId('lab-review-T0-marking-left-out');
    expect(await leftOut.locator('li').allTextContents()).toEqual(['Penguin 1 at 301, 301 Add back']);

    // A penguin placed on the image with the pointer, the tool chosen as the task opens.
    await layer.scrollIntoViewIfNeeded();
    const placed = await onPage(layer, 500, 400);
    await page.mouse.click(placed.x, placed.y);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="lab-result-reviews"] [data-testid="marking-entry"]').length === 2);
    // The one left out, added back by keyboard: three penguins, one more than the task takes.
    await leftOut.getByRole('button', { name: 'Add back Penguin 1 at 301, 301' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="lab-result-reviews"] [data-testid="marking-entry"]').length === 3);
    await waitToSee(leftOut, { state: 'detached' });
    await review.getByRole('button', { name: 'Save correction' }).click();
    await waitToSee(review.getByText('Penguin: at most 2 marks (you have 3); remove some.'));
    await waitForFocus(page, '#lab-review-T0-marking-tool-penguin');
    expect(await state.textContent()).toBe('Not reviewed yet.');
    expect((await suite.stack.db.query('SELECT 1 FROM consensus_reviews WHERE subject_id = $1', [colony])).rowCount).toBe(0);

    // The penguin placed, removed by keyboard; saved by keyboard.
    const entry = (await entries())[1]!;
    expect(entry).toMatch(/^Penguin 2 at (499|500|501), (399|400|401)Remove$/);
    await review.getByRole('button', { name: `Remove ${entry.replace(/Remove$/, '')}` }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="lab-result-reviews"] [data-testid="marking-entry"]').length === 2);
    await review.getByRole('button', { name: 'Save correction' }).focus();
    await page.keyboard.press('Enter');
    await waitToSee(state.getByText('Corrected to “Penguin 1 at 102, 102; Penguin 2 at 301, 301” by Maria Mitchell (owner),'));
    await waitForFocus(page, '[data-testid="lab-review-T0-state"]');
    const { rows: [stored] } = await suite.stack.db.query('SELECT state, value FROM consensus_reviews WHERE subject_id = $1', [colony]);
    expect(stored).toEqual({ state: 'corrected', value: [{ tool: 'penguin', x: 102, y: 102 }, { tool: 'penguin', x: 301, y: 301 }] });
    await checkScreen(page, 'lab-result-marking-review');

    // Read again: the correction's marks, not the consensus's.
    await page.reload();
    await waitToSee(state.getByText('Corrected to “Penguin 1 at 102, 102; Penguin 2 at 301, 301”', { exact: false }));
    await waitToSee(layer, { state: 'attached', timeout: 15_000 });
    expect(await entries()).toEqual(['Penguin 1 at 102, 102Remove', 'Penguin 2 at 301, 301Remove']);

    // The results list marks it corrected; the download counts the corrected penguins.
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results`);
    const table = page.getByTestId('lab-results-table');
    await waitToSee(table);
    expect(await table.locator(`tr[data-subject-id="${colony}"]`).getByTestId('reviewed').allTextContents()).toEqual(['Corrected']);
    const [row] = JSON.parse(await researcher.consensus(workflowId, 'json')) as Record<string, unknown>[];
    expect(row).toMatchObject({ T0_reviewed: 'corrected', 'T0.penguin': 2, 'T0.sign': 0 });
    expect(errors).toEqual([]);
  });
});
