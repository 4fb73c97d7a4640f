import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { signUp } from '../../../test/support/accounts';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { penguinMarkingWorkflow } from '../../../test/support/workflows';
import { onPage, onPageNow, useColonyImages } from './support/colonyImage';
import { checkScreen, seriousViolations, signedInPage, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';
import { approveStoredInAnotherOrder } from './support/reviews';

/**
 * A researcher corrects a marking task's consensus on the subject's page, in a real browser against the real API and
 * worker: the consensus marks drawn on an image of its own (named apart from the media section's, its keys its own),
 * too few refused (the tool focused, nothing stored), marks placed by pointer and by keyboard, a thing the consensus
 * left out named with its votes, listed and drawn on the image (turning with it), and added back within the tool's max
 * from either by pointer or keyboard, the correction saved and said by counts, shown again and in the results list;
 * then an approval of a consensus a later volunteer changed since the page was read, refused and said so, the new
 * consensus shown and the marks being edited kept; then its approval, which sets them aside.
 */

jest.setTimeout(150_000);

/** How many marks the review's list shows. */
const listed = (page: Page, count: number) =>
  page.waitForFunction((n) => document.querySelectorAll('[data-testid="lab-result-reviews"] [data-testid="marking-entry"]').length === n, count);

describe('classifier in a browser: a marking consensus reviewed in the lab', () => {
  const suite = useStackAndBrowser();
  const images = useColonyImages();

  /** A researcher's page of a subject the volunteers marked as `answers` (1 to 3 penguins a classification), its correction's image ready. */
  const correcting = async (name: string, answers: Parameters<typeof penguinMarkingWorkflow>[3]) => {
    const account = await signUp(suite.stack, { email: `lab-marking-${name}-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const { workflowId, colony } = await penguinMarkingWorkflow(suite.stack, researcher, `${images.base()}/colony.svg`, answers, { min: 1, max: 3 });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${colony}`);
    const review = page.getByTestId('lab-result-reviews').locator('fieldset[data-task="T0"]');
    const layer = review.getByTestId('marking-layer');
    await waitToSee(layer, { state: 'attached', timeout: 15_000 });
    const correction = review.getByRole('figure', { name: 'Image to correct, T0: Penguins on the ice' });
    await page.waitForFunction((figure) => figure?.getAttribute('data-status') === 'ready', await correction.elementHandle(), { timeout: 15_000 });
    return { page, errors, review, layer };
  };

  it('corrects the marks from the consensus by pointer and keyboard, adds back one left out within the max, refuses too few, and approves setting edits aside', async () => {
    const account = await signUp(suite.stack, { email: `lab-marking-review-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    // A penguin all four marked (kept), one two of four marked (left out) inside a sign two of four drew (left out too),
    // and two a volunteer alone marked (strays).
    const { workflowId, colony } = await penguinMarkingWorkflow(
      suite.stack,
      researcher,
      `${images.base()}/colony.svg`,
      [
        [{ tool: 'penguin', x: 100, y: 100 }, { tool: 'penguin', x: 300, y: 300 }, { tool: 'sign', x: 250, y: 250, width: 120, height: 100 }],
        [{ tool: 'penguin', x: 104, y: 100 }, { tool: 'penguin', x: 302, y: 302 }, { tool: 'sign', x: 250, y: 250, width: 120, height: 100 }],
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
    expect(await leftOut.locator('li').allTextContents()).toEqual(['Penguin at 301, 301: marked by 2 of 4 volunteers Add back', 'Sign at 250, 250, 120 × 100: marked by 2 of 4 volunteers Add back']);
    // Drawn on the image too, where it is, under the marks' one transform: a button named as left out (the marks kept
    // are not met there by screen readers: their list names them), hollow and dashed, where a mark kept is filled and whole.
    const drawnName = 'Left out: Penguin at 301, 301, marked by 2 of 4 volunteers';
    const drawn = layer.getByRole('button', { name: drawnName });
    await waitToSee(drawn);
    const signName = 'Left out: Sign at 250, 250, 120 × 100, marked by 2 of 4 volunteers';
    const sign = layer.getByRole('button', { name: signName });
    expect(await layer.getByRole('button').evaluateAll((things) => things.map((thing) => thing.getAttribute('aria-label')))).toEqual([drawnName, signName]);
    expect(await drawn.evaluate((thing) => document.getElementById(thing.getAttribute('aria-describedby') ?? '')?.textContent)).toMatch(/^Each is drawn dashed and hollow on the image/);
    expect(await drawn.evaluate((thing) => thing.closest('[data-testid="marking-view"]') !== null && thing.closest('[aria-hidden="true"]') === null)).toBe(true);
    const looks = (shapes: Locator) => shapes.evaluateAll((paths) => paths.map((path) => `${path.getAttribute('fill')} ${path.getAttribute('stroke-dasharray')}`));
    expect(await looks(drawn.locator('path'))).toEqual(['none 3 3', 'none 3 3']);
    // The sign's outline likewise, pressed 12 px either side of it (a target of 24).
    expect(await looks(sign.locator('rect'))).toEqual(['none null', 'none 3 3', 'none 3 3']);
    expect(await sign.locator('rect').first().getAttribute('stroke-width')).toBe('24');
    // Not to be pressed while the correction is disabled (being saved): no hand over it then.
    expect(await drawn.evaluate((thing) => getComputedStyle(thing).cursor)).toBe('pointer');
    expect(
      await drawn.evaluate((thing) => {
        thing.setAttribute('aria-disabled', 'true');
        const cursor = getComputedStyle(thing).cursor;
        thing.removeAttribute('aria-disabled');
        return cursor;
      }),
    ).toBe('default');
    expect(await looks(layer.locator('.marking-mark path'))).toEqual(['none null', '#0072B2 null']);
    const centre = async (thing: Locator) => {
      const box = (await thing.boundingBox())!;
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    };
    const near = (a: { x: number; y: number }, b: { x: number; y: number }) => expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeLessThan(2);
    near(await centre(drawn), await onPage(layer, 301, 301));
    expect(await seriousViolations(page)).toEqual([]);

    // Two images, each named for what it is, each turned and zoomed by the keys pressed where it is.
    const media = page.getByRole('figure', { name: 'Subject image: Penguins on the ice' });
    const correction = review.getByRole('figure', { name: 'Image to correct, T0: Penguins on the ice' });
    for (const viewer of [media, correction]) await page.waitForFunction((figure) => figure?.getAttribute('data-status') === 'ready', await viewer.elementHandle(), { timeout: 15_000 });
    await review.locator('#lab-review-T0-marking-tool-penguin').focus();
    await page.keyboard.press('r');
    await page.waitForFunction((figure) => figure?.getAttribute('data-rotation') === '90', await correction.elementHandle());
    expect(await media.getAttribute('data-rotation')).toBe('0');
    // The thing left out turns with the image: where the view puts 301, 301 (turned a quarter right), as the marks.
    await page.waitForTimeout(1_000);
    const [a, b, c, d, e, f] = (await layer.getByTestId('marking-view').getAttribute('transform'))!.match(/-?[\d.e-]+/g)!.map(Number);
    expect([Math.abs(a!) < 1e-6, b! > 0]).toEqual([true, true]);
    const box = (await layer.boundingBox())!;
    near(await centre(drawn), { x: box.x + a! * 301 + c! * 301 + e!, y: box.y + b! * 301 + d! * 301 + f! });
    await page.keyboard.press('r'); // one turn more, then the layer's keys: the rest of the test marks the image upright
    await page.keyboard.press('r');
    await page.keyboard.press('r');
    await page.waitForFunction((figure) => figure?.getAttribute('data-rotation') === '0', await correction.elementHandle());
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('+');
    await page.waitForFunction((figure) => Number(figure?.getAttribute('data-zoom')) > 100, await media.elementHandle());
    expect([await correction.getAttribute('data-zoom'), await correction.getAttribute('data-rotation'), await media.getAttribute('data-rotation')]).toEqual(['100', '0', '0']);

    // Zoomed in and panned away from it, the thing left out is off screen; focused (as Tab reaches it from the image),
    // it is brought into view, as a chosen mark is, its halo then solid, thicker, in the focus colour.
    const canvas = correction.getByRole('img');
    await canvas.focus();
    for (let step = 0; step < 4; step += 1) await page.keyboard.press('+');
    await page.waitForFunction((figure) => Number(figure?.getAttribute('data-zoom')) > 100, await correction.elementHandle());
    const inView = async (thing: Locator) => {
      const at = await centre(thing);
      const box = (await layer.boundingBox())!;
      return at.x >= box.x && at.x <= box.x + box.width && at.y >= box.y && at.y <= box.y + box.height;
    };
    // Panned right until it is out of view (each press panning on from where the last one ended).
    for (let step = 0; step < 40 && (await inView(drawn)); step += 1) {
      await page.keyboard.press('ArrowRight');
      await page.waitForTimeout(200);
    }
    await page.waitForTimeout(1_000);
    expect(await inView(drawn)).toBe(false);
    await drawn.focus();
    await page.waitForFunction((thing) => {
      const box = thing!.getBoundingClientRect();
      const layerBox = thing!.closest('[data-testid="marking-layer"]')!.getBoundingClientRect();
      return box.left >= layerBox.left && box.right <= layerBox.right && box.top >= layerBox.top && box.bottom <= layerBox.bottom;
    }, await drawn.elementHandle());
    const halo = (thing: Locator) => thing.locator('.marking-left-out-halo').evaluate((line) => [getComputedStyle(line).strokeDasharray, getComputedStyle(line).strokeWidth, getComputedStyle(line).stroke]);
    expect(await halo(drawn)).toEqual(['none', '8px', 'rgb(253, 186, 116)']);
    expect(await halo(sign)).toEqual(['3px, 3px', '5px', 'rgb(255, 255, 255)']);
    await canvas.focus();
    await page.keyboard.press('0');
    await page.waitForFunction((figure) => figure?.getAttribute('data-zoom') === '100', await correction.elementHandle());
    await page.waitForTimeout(1_000);

    // The sign added back by a click just outside its outline (the penguin tool chosen: no point placed there); it is a
    // mark kept then, and removed, left out again; by keyboard, focus then goes to the one left out next (the penguin).
    const said = review.getByTestId('lab-review-T0-marking-left-out-said');
    /** What the correction says of `act`: its words anew, not those said before. */
    const saidOf = async (act: () => Promise<void>) => {
      await said.evaluate((status) => status.querySelector('span')?.setAttribute('data-said-before', ''));
      await act();
      return said.locator('span:not([data-said-before])').textContent();
    };
    await layer.scrollIntoViewIfNeeded();
    const signEdge = await onPage(layer, 250, 300);
    expect(await saidOf(() => page.mouse.click(signEdge.x - 10, signEdge.y))).toBe('Added back Sign at 250, 250, 120 × 100.');
    await listed(page, 2);
    expect(await entries()).toEqual(['Penguin 1 at 102, 102Remove', 'Sign 1 at 250, 250, 120 × 100Remove']);
    await waitToSee(sign, { state: 'detached' });
    // Chosen with no tool, the sign's inside takes the pointer (to drag it), but not over the penguin left out in it.
    await review.getByText('None: choose, move and zoom').click();
    await review.getByRole('button', { name: /^Sign 1 at/ }).click();
    await page.waitForFunction(() => document.querySelector('.marking-selected') !== null);
    expect(await saidOf(() => drawn.click())).toBe('Added back Penguin at 301, 301.');
    await listed(page, 3);
    await review.getByRole('button', { name: /^Remove Penguin 2 at 301, 301$/ }).click();
    await listed(page, 2);
    await review.locator('#lab-review-T0-marking-tool-penguin').check();
    await review.getByRole('button', { name: /^Remove Sign 1 at/ }).click();
    await listed(page, 1);
    await sign.focus();
    expect(await saidOf(() => page.keyboard.press('Enter'))).toBe('Added back Sign at 250, 250, 120 × 100.');
    await listed(page, 2);
    await waitForFocus(page, `[aria-label="${drawnName}"]`);

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
    await listed(page, 3);
    await layer.focus();
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Enter');
    await listed(page, 4);
    expect((await entries())[3]).toMatch(/^Penguin 3 at \d+, \d+Remove$/);
    const crosshairBefore = await layer.getAttribute('data-crosshair');

    // The one left out, refused at the tool's max, pressed on the image (the penguin tool chosen: no point placed there)
    // or in the list, by pointer or keyboard: said each time, the thing pressed keeping focus.
    const addBack = leftOut.getByRole('button', { name: 'Add back Penguin at 301, 301' });
    const atMost = 'Penguin: at most 3 marks; remove one first.';
    const markingSaid = review.getByTestId('marking-said');
    const markingSaidBefore = await markingSaid.textContent();
    expect(await saidOf(() => drawn.click())).toBe(atMost);
    // The task said nothing: no point was placed, nor refused, where the press was.
    expect(await markingSaid.textContent()).toBe(markingSaidBefore);
    await waitForFocus(page, `[aria-label="${drawnName}"]`);
    expect(await saidOf(() => page.keyboard.press('Space'))).toBe(atMost);
    await waitForFocus(page, `[aria-label="${drawnName}"]`);
    await addBack.focus();
    expect(await saidOf(() => page.keyboard.press('Enter'))).toBe(atMost);
    await waitForFocus(page, 'button[aria-label="Add back Penguin at 301, 301"]');
    expect(await entries()).toHaveLength(4);
    const pointed = (await entries())[2]!;
    expect(pointed).toMatch(/^Penguin 2 at (499|500|501), (399|400|401)Remove$/);
    await review.getByRole('button', { name: `Remove ${pointed.replace(/Remove$/, '')}` }).focus();
    await page.keyboard.press('Enter');
    await listed(page, 3);

    // Added back from the image by keyboard: listed, drawn as a mark kept where it was, no longer as left out; focus on
    // the image, none other being left out, its crosshair on the penguin added (not where it was: the view kept still).
    await drawn.focus();
    expect(await saidOf(() => page.keyboard.press('Enter'))).toBe('Added back Penguin at 301, 301.');
    await listed(page, 4);
    await waitToSee(drawn, { state: 'detached' });
    await waitToSee(leftOut, { state: 'detached' });
    await waitForFocus(page, 'fieldset[data-task="T0"] [data-testid="marking-layer"]');
    expect(crosshairBefore).not.toBe('301,301');
    expect(await layer.getAttribute('data-crosshair')).toBe('301,301');
    expect(await layer.locator('.marking-mark').count()).toBe(4);
    near(await centre(layer.locator('.marking-mark').nth(3).locator('path').first()), await onPage(layer, 301, 301));
    const removeAddedBack = () => review.getByRole('button', { name: /^Remove Penguin 3 at 301, 301$/ }).click();
    // Removed, it is left out again, and added back by a click on the image (the tool still chosen).
    await removeAddedBack();
    await listed(page, 3);
    expect(await saidOf(() => drawn.click())).toBe('Added back Penguin at 301, 301.');
    await listed(page, 4);
    await waitToSee(drawn, { state: 'detached' });
    // And by the list's Add back, whose focus then goes to the list of marks.
    await removeAddedBack();
    await listed(page, 3);
    await addBack.focus();
    expect(await saidOf(() => page.keyboard.press('Enter'))).toBe('Added back Penguin at 301, 301.');
    await listed(page, 4);
    await waitToSee(leftOut, { state: 'detached' });
    await waitForFocus(page, '#lab-review-T0-marking-list');

    // Saved by keyboard: the state counts the marks by tool, not each of them.
    await review.getByRole('button', { name: 'Save correction' }).focus();
    await page.keyboard.press('Enter');
    await waitToSee(state.getByText('Corrected to “3 Penguin, 1 Sign” by Maria Mitchell (owner),'));
    await waitForFocus(page, '[data-testid="lab-review-T0-state"]');
    const { rows: [stored] } = await suite.stack.db.query('SELECT state, value FROM consensus_reviews WHERE subject_id = $1', [colony]);
    expect(stored.state).toBe('corrected');
    expect(stored.value).toEqual([{ tool: 'penguin', x: 102, y: 102 }, { tool: 'sign', x: 250, y: 250, width: 120, height: 100 }, expect.objectContaining({ tool: 'penguin' }), { tool: 'penguin', x: 301, y: 301 }]);
    await checkScreen(page, 'lab-result-marking-review');

    // Read again: the correction's marks, not the consensus's, and the hint says whose they are.
    await page.reload();
    await waitToSee(state.getByText('Corrected to “3 Penguin, 1 Sign”', { exact: false }));
    await waitToSee(layer, { state: 'attached', timeout: 15_000 });
    expect(await entries()).toEqual(['Penguin 1 at 102, 102Remove', 'Sign 1 at 250, 250, 120 × 100Remove', expect.stringMatching(/^Penguin 2 at /), 'Penguin 3 at 301, 301Remove']);
    await waitToSee(review.getByText('The marks of the correction saved are drawn on the image', { exact: false }));

    // Approved while its marks are being edited, once a fifth volunteer has marked the penguin at 301, 301 too since
    // the page was read: refused, said so, the consensus shown now (that penguin kept), the marks being edited kept.
    await review.getByRole('button', { name: /^Remove Penguin 3 at 301, 301$/ }).click();
    await listed(page, 3);
    const fifth = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    await fifth.classify({ workflowId, workflowVersion: 1, subjectId: colony, annotations: [{ task: 'T0', value: [{ tool: 'penguin', x: 100, y: 100 }, { tool: 'penguin', x: 300, y: 300 }] }] }, randomUUID());
    await until(async () => (await laggingSubjects(suite.stack.db, workflowId)) === 0, 'aggregation');
    await review.getByRole('button', { name: 'Approve' }).click();
    await waitToSee(review.getByText('The consensus of T0 changed since this page was read: classifications came in since. It is shown now in place of the one you saw, and nothing was approved: look at it again before you approve it. Your correction, not saved yet, is kept as you left it.'));
    await waitToSee(page.getByTestId('marking-consensus').getByText('marked by 3 of 5 volunteers'));
    expect(await entries()).toEqual(['Penguin 1 at 102, 102Remove', 'Sign 1 at 250, 250, 120 × 100Remove', expect.stringMatching(/^Penguin 2 at /)]);
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
    const [row] = JSON.parse(await researcher.consensus(workflowId, { format: 'json' })) as Record<string, unknown>[];
    expect(row).toMatchObject({ T0_reviewed: 'approved', 'T0.penguin': 2, 'T0.sign': 0, 'T0_reviewed.penguin': 2, 'T0_reviewed.sign': 0 });
    expect(errors).toEqual([]);
  });

  it('gives a press on a kept mark to it, not to a thing left out under it, a press inside a rectangle left out, where no mark kept is, to that rectangle with no tool (a drag and the wheel moving the image), to the tool with one', async () => {
    // Two penguins all four marked (kept), one on the left edge of a sign two of four drew (left out), one inside it.
    const kept = [{ tool: 'penguin', x: 250, y: 300 }, { tool: 'penguin', x: 310, y: 300 }];
    const sign = { tool: 'sign', x: 250, y: 250, width: 120, height: 100 };
    const { page, errors, review, layer } = await correcting('overlap', [[...kept, sign], [...kept, sign], kept, kept]);
    const leftOut = layer.getByRole('button', { name: 'Left out: Sign at 250, 250, 120 × 100, marked by 2 of 4 volunteers' });
    await waitToSee(leftOut);
    const entries = () => review.getByTestId('marking-entry').allTextContents();
    expect(await entries()).toEqual(['Penguin 1 at 250, 300Remove', 'Penguin 2 at 310, 300Remove']);
    const chosen = () => layer.locator('.marking-selected').getAttribute('data-mark');

    // No tool: the penguin on the sign's outline is chosen, and dragged, the sign still left out; the one inside it, chosen.
    await review.getByText('None: choose, move and zoom').click();
    await layer.scrollIntoViewIfNeeded();
    const onEdge = await onPage(layer, 250, 300);
    await page.mouse.click(onEdge.x, onEdge.y);
    await page.waitForFunction(() => document.querySelector('.marking-selected')?.getAttribute('data-mark') === '0');
    await page.mouse.move(onEdge.x, onEdge.y);
    await page.mouse.down();
    await page.mouse.move(onEdge.x - 20, onEdge.y - 20, { steps: 5 });
    await page.mouse.move(onEdge.x - 50, onEdge.y - 50, { steps: 5 });
    await page.mouse.up();
    // Up and left by 50 pixels of the screen (about 54 of the image, shown smaller than it is).
    await page.waitForFunction(() => {
      const [x, y] = (document.querySelector('[data-testid="lab-result-reviews"] [data-testid="marking-entry"]')?.textContent?.match(/\d+/g) ?? []).slice(1).map(Number);
      return x! < 210 && y! < 260;
    });
    expect(await leftOut.count()).toBe(1);
    const inside = await onPage(layer, 310, 300);
    await page.mouse.click(inside.x, inside.y);
    await page.waitForFunction(() => document.querySelector('.marking-selected')?.getAttribute('data-mark') === '1');
    expect([await chosen(), await leftOut.count(), (await entries()).length]).toEqual(['1', 1, 2]);

    // A drag inside the sign pans the image, and the wheel there zooms it, as anywhere else: the sign not added back.
    const view = () => layer.getByTestId('marking-view').getAttribute('transform');
    /** Until the view rests (the image's pan and zoom ease in). */
    const settled = async () => {
      for (let was = await view(), step = 0; step < 20; step += 1) {
        await page.waitForTimeout(300);
        const now = await view();
        if (now === was) return;
        was = now;
      }
    };
    const before = await view();
    const empty = await onPage(layer, 340, 330);
    await page.mouse.move(empty.x, empty.y);
    await page.mouse.down();
    await page.mouse.move(empty.x + 20, empty.y + 12, { steps: 5 });
    await page.mouse.move(empty.x + 40, empty.y + 24, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(([element, was]) => element?.getAttribute('transform') !== was, [await layer.getByTestId('marking-view').elementHandle(), before] as const);
    await settled();
    const panned = await view();
    const stillInside = await onPageNow(layer, 340, 330);
    await page.mouse.move(stillInside.x, stillInside.y);
    await page.mouse.wheel(0, -200);
    await page.waitForFunction(([element, was]) => element?.getAttribute('transform') !== was, [await layer.getByTestId('marking-view').elementHandle(), panned] as const);
    await settled();
    expect([await leftOut.count(), (await entries()).length]).toEqual([1, 2]);

    // Focused by keyboard, the sign's halo is drawn again over the marks (the penguin inside it would hide it there).
    await layer.focus();
    await page.keyboard.press('Tab');
    await waitForFocus(page, '.marking-left-out');
    await waitToSee(layer.locator('[data-testid="marking-view"] ~ g [data-testid="marking-left-out-focus"] polygon'));
    await page.keyboard.press('Shift+Tab');
    await waitToSee(layer.getByTestId('marking-left-out-focus'), { state: 'detached' });

    // The penguin tool chosen, a press inside the sign places a penguin there: the sign stays left out.
    await review.locator('#lab-review-T0-marking-tool-penguin').check();
    await layer.scrollIntoViewIfNeeded();
    await settled();
    const pressed = await onPageNow(layer, 340, 330);
    await page.mouse.click(pressed.x, pressed.y);
    await listed(page, 3);
    expect(await entries()).toEqual([expect.stringMatching(/^Penguin 1 at /), 'Penguin 2 at 310, 300Remove', expect.stringMatching(/^Penguin 3 at 3[34]\d, 3[23]\dRemove$/)]);
    expect(await leftOut.count()).toBe(1);

    // No tool again, a press inside the sign that does not move adds it back.
    await review.getByText('None: choose, move and zoom').click();
    await layer.scrollIntoViewIfNeeded();
    await settled();
    const added = await onPageNow(layer, 335, 270);
    await page.mouse.click(added.x, added.y);
    await waitToSee(review.getByTestId('lab-review-T0-marking-left-out-said').getByText('Added back Sign at 250, 250, 120 × 100.'));
    expect((await entries()).at(-1)).toBe('Sign 1 at 250, 250, 120 × 100Remove');
    await waitToSee(leftOut, { state: 'detached' });
    expect(errors).toEqual([]);
  });

  it('adds back the innermost of two rectangles left out, one inside the other, at a press inside both', async () => {
    const kept = [{ tool: 'penguin', x: 100, y: 100 }];
    const large = { tool: 'sign', x: 200, y: 200, width: 200, height: 160 };
    // One corner shared: the smaller listed first (drawn first), as the consensus lists things by place, then by size.
    const small = { tool: 'sign', x: 200, y: 200, width: 50, height: 40 };
    const { page, errors, review, layer } = await correcting('nested', [[...kept, large, small], [...kept, large, small], kept, kept]);
    await waitToSee(layer.getByRole('button', { name: 'Left out: Sign at 200, 200, 50 × 40, marked by 2 of 4 volunteers' }));
    await waitToSee(layer.getByRole('button', { name: 'Left out: Sign at 200, 200, 200 × 160, marked by 2 of 4 volunteers' }));
    await review.getByText('None: choose, move and zoom').click();
    await layer.scrollIntoViewIfNeeded();
    const inBoth = await onPage(layer, 225, 220);
    await page.mouse.click(inBoth.x, inBoth.y);
    await waitToSee(review.getByTestId('lab-review-T0-marking-left-out-said').getByText('Added back Sign at 200, 200, 50 × 40.'));
    expect(await layer.getByRole('button', { name: /^Left out: / }).count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('approves marks the API stores in another order since the page was read as the marks shown: not refused, nothing said to have changed', async () => {
    const account = await signUp(suite.stack, { email: `lab-marking-order-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const kept = [{ tool: 'penguin', x: 100, y: 100 }, { tool: 'penguin', x: 300, y: 300 }];
    const { workflowId, colony } = await penguinMarkingWorkflow(suite.stack, researcher, `${images.base()}/colony.svg`, [kept, kept, kept]);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${colony}`);
    await waitToSee(page.getByTestId('lab-review-T0-state').getByText('Not reviewed yet.'));
    const { rows: [{ answer }] } = await suite.stack.db.query("SELECT answer FROM consensus WHERE workflow_id = $1 AND task = 'T0'", [workflowId]);
    const reordered = JSON.stringify(JSON.parse(answer).reverse());
    expect(reordered).not.toBe(answer);
    await approveStoredInAnotherOrder(suite.stack, page, workflowId, colony, reordered);
    expect(errors).toEqual([]);
  });
});
