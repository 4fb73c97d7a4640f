import type { SubjectInput } from '@chorus/client';
import type { MarkingTask } from '@chorus/tasks';
import type { Locator, Page } from 'playwright-core';
import { until } from '../../../test/support/waiting';
import { HEIGHT, onPage, useColonyImages, WIDTH } from './support/colonyImage';
import { checkScreen, openWorkflow, PHONE, phone, tabTo, useStackAndBrowser, waitForFocus, waitForTask, waitToSee } from './support/browser';

/**
 * The marking task in a real browser: points and rectangles placed by mouse and by keyboard alone over an image of a
 * known size, one removed each way, the refusal of too few marks, the draft kept over a reload, and the answer stored in
 * the image's own pixels.
 */

jest.setTimeout(90_000);

describe('classifier in a browser: the marking task', () => {
  const suite = useStackAndBrowser();
  const images = useColonyImages();

  const colony = (): SubjectInput => ({ externalId: 'colony-1', locations: [{ type: 'image', url: `${images.base()}/colony.svg`, alt: 'Penguins on the ice' }], metadata: {} });

  /** How many pixels of the image one pixel of the screen is, the image shown whole. */
  async function imagePerScreen(layer: Locator, times = 1): Promise<number> {
    const box = (await layer.boundingBox())!;
    return 1 / Math.min(box.width / (WIDTH * times), box.height / (HEIGHT * times));
  }
  const entries = (page: Page) => page.getByTestId('marking-entry').allTextContents();
  const said = (page: Page) => page.getByTestId('marking-said').textContent();
  /** The cursor over each corner handle of the chosen rectangle, by corner. */
  const handleCursors = (page: Page) =>
    page.evaluate(() => Object.fromEntries([...document.querySelectorAll('.marking-handle')].map((handle) => [handle.getAttribute('data-handle'), getComputedStyle(handle).cursor])));
  const crosshair = async (layer: Locator) => (await layer.getAttribute('data-crosshair'))!.split(',').map(Number) as [number, number];

  /** A live workflow of this one marking task on `subjects`, opened at its first subject once the layer is over its image. */
  async function openMarking(subjects: SubjectInput[], task: MarkingTask) {
    const { page, workflow } = await openWorkflow(suite, 'Penguins', subjects, { name: 'Mark the penguins', firstTask: 'T0', tasks: { T0: task }, retirement: { rule: 'count', count: 3 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await waitForTask(page, 'marking');
    const layer = page.getByTestId('marking-layer');
    await waitToSee(layer, { state: 'attached', timeout: 15_000 });
    return { page, workflow, errors, layer };
  }

  it('places points and rectangles by mouse and by keyboard, removes them both ways, refuses too few, and stores image pixels', async () => {
    const { page, workflow, errors, layer } = await openMarking([colony()], {
      type: 'marking',
      instruction: 'Mark each penguin, and draw a box around each sign.',
      tools: [
        { key: 'penguin', label: 'Penguin', shape: 'point', min: 2, max: 5 },
        { key: 'sign', label: 'Sign', shape: 'rectangle', max: 3 },
      ],
    });
    expect(await page.getByTestId('marking-count-penguin').textContent()).toBe('0, from 2 to 5');
    expect(await page.getByTestId('marking-count-sign').textContent()).toBe('0 of at most 3');

    // A click with the first tool (chosen as the task opens) places a penguin where the pointer is, in image pixels.
    const penguin = await onPage(layer, 200, 150);
    await page.mouse.click(penguin.x, penguin.y);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="marking-entry"]').length === 1);
    expect(await entries(page)).toEqual([expect.stringMatching(/^Penguin 1 at (199|200|201), (149|150|151)Remove$/)]);
    expect(await said(page)).toMatch(/^Placed Penguin 1 at/);
    expect(await page.getByTestId('marking-count-penguin').textContent()).toBe('1, from 2 to 5');

    // One penguin is too few: going on is refused, saying how many, the tool focused.
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="answer-problem"]')?.textContent === 'Penguin: at least 2 marks (you have 1).');
    await waitForFocus(page, 'input[type="radio"][value="penguin"]');

    // The draft keeps the marks over a reload.
    await page.reload();
    await waitForTask(page, 'marking');
    await waitToSee(layer, { state: 'attached', timeout: 15_000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="marking-entry"]').length === 1);

    // A drag with the rectangle tool draws a sign from corner to corner.
    await page.getByText('Sign', { exact: true }).click();
    const from = await onPage(layer, 400, 300);
    const to = await onPage(layer, 600, 450);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2);
    await page.mouse.move(to.x, to.y);
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="marking-entry"]').length === 2);
    expect((await entries(page))[1]).toMatch(/^Sign 1 at (399|400|401), (299|300|301), (199|200|201) × (149|150|151)Remove$/);

    // The sign chosen in the list: the crosshair goes to its middle.
    await page.getByRole('button', { name: /^Sign 1 at/ }).click();
    await page.locator('input[type="radio"][value="sign"]').focus();

    // The keyboard alone: the penguin tool by its radio, then the image, where the arrows move the crosshair from the
    // middle and Enter places.
    await page.keyboard.press('ArrowUp');
    await waitForFocus(page, 'input[type="radio"][value="penguin"]');
    await tabTo(page, '[data-testid="marking-layer"]', 30, true);
    // The crosshair starts where the sign chosen was; another tool chosen let it go, so the arrows move the crosshair, not it.
    const [cx, cy] = await crosshair(layer);
    expect([cx, cy]).toEqual([500, 375]);
    expect(await page.locator('.marking-select[aria-pressed="true"]').count()).toBe(0);
    const step = await imagePerScreen(layer);
    await page.keyboard.press('Shift+ArrowRight'); // 50 px of the screen
    await page.keyboard.press('ArrowUp'); // 10 px
    const [kx, ky] = [cx + 50 * step, cy - 10 * step];
    expect((await crosshair(layer)).map((n, i) => Math.abs(n - [kx, ky][i]!) <= 1)).toEqual([true, true]);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="marking-entry"]').length === 3);
    expect((await entries(page))[2]).toBe(`Penguin 2 at ${Math.round(kx)}, ${Math.round(ky)}Remove`);
    expect(await said(page)).toBe(`Placed Penguin 2 at ${Math.round(kx)}, ${Math.round(ky)}.`);
    expect(await page.getByTestId('subject').getAttribute('data-subject-id')).not.toBeNull(); // Enter placed, did not go on

    // A rectangle by keyboard: Enter starts it, Escape cancels it; started again, a second Enter ends it at the crosshair.
    await tabTo(page, 'input[type="radio"][value="penguin"]');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, '[data-testid="marking-layer"]', 30, true);
    await page.keyboard.press('Enter');
    expect(await said(page)).toMatch(/^Sign rectangle started/);
    await page.keyboard.press('Escape');
    expect(await said(page)).toBe('Rectangle cancelled.');
    await page.keyboard.press(' ');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="marking-entry"]').length === 4);
    expect((await entries(page))[3]).toMatch(/^Sign 2 at /);
    const sign2 = (await entries(page))[3]!;

    // Ctrl+Z undoes the sign drawn, Ctrl+Y draws it again.
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="marking-entry"]').length === 3);
    expect(await said(page)).toMatch(/^Undone: Placed Sign 2 at/);
    await page.keyboard.press('Control+y');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="marking-entry"]').length === 4);
    expect(await said(page)).toMatch(/^Redone: Placed Sign 2 at/);
    expect((await entries(page))[3]).toBe(sign2);

    // With no tool, Enter chooses the mark under the crosshair (the sign's far corner); the arrows move it, Alt and the
    // arrows resize it, said once the keys rest, and one Ctrl+Z takes back the whole run of keys.
    await page.locator('input[type="radio"][value=""]').check();
    await page.locator('button.marking-to-image').click();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /^Sign 2 at/.test(document.querySelector('.marking-select[aria-pressed="true"]')?.textContent ?? ''));
    expect(await said(page)).toMatch(/^Chosen: Sign 2 at/);
    const numbers = (text: string) => text.match(/\d+/g)!.slice(1).map(Number);
    const [sx, sy, sw, sh] = numbers(sign2);
    await page.keyboard.press('ArrowRight'); // 10 px of the screen
    await page.keyboard.press('Shift+ArrowDown'); // 50 px
    await page.keyboard.press('Alt+ArrowRight'); // 10 px wider
    await page.keyboard.press('Alt+ArrowUp'); // 10 px shorter
    await page.waitForFunction(() => /^Resized Sign 2 at/.test(document.querySelector('[data-testid="marking-said"]')?.textContent ?? ''));
    const [mx, my, mw, mh] = numbers((await entries(page))[3]!);
    const near = (a: number, b: number) => Math.abs(a - b) <= 1;
    expect([near(mx!, sx! + 10 * step), near(my!, sy! + 50 * step), near(mw!, sw! + 10 * step), near(mh!, sh! - 10 * step)]).toEqual([true, true, true, true]);
    await checkScreen(page, 'marking');
    await page.keyboard.press('Control+z');
    await page.waitForFunction((sign) => document.querySelectorAll('[data-testid="marking-entry"]')[3]?.textContent === sign, sign2);
    expect(await said(page)).toMatch(/^Undone: Resized Sign 2 at/);

    // Moves undone, the sign is still chosen: Delete removes it; a Remove button removes another.
    expect(await page.locator('.marking-select[aria-pressed="true"]').textContent()).toMatch(/^Sign 2 at/);
    await page.keyboard.press('Delete');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="marking-entry"]').length === 3);
    expect(await said(page)).toMatch(/^Removed Sign 2 at/);
    await page.getByRole('button', { name: /^Remove Sign 1 at/ }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="marking-entry"]').length === 2);
    expect(await said(page)).toMatch(/^Removed Sign 1 at/);

    await page.getByRole('button', { name: 'Done', exact: true }).click();
    type Stored = { task: string; value: { tool: string; x: number; y: number }[] }[];
    let stored: Stored = [];
    await until(async () => {
      const { rows } = await suite.stack.db.query<{ annotations: Stored }>('SELECT annotations FROM classifications WHERE workflow_id = $1', [workflow.id]);
      stored = rows[0]?.annotations ?? [];
      return rows.length > 0;
    }, 'the classification stored');
    expect(stored).toHaveLength(1);
    const [first, second] = stored[0]!.value;
    expect(stored[0]!.task).toBe('T0');
    expect(stored[0]!.value).toHaveLength(2);
    // In pixels of the 800 × 600 image, whatever the size it is shown at.
    expect(first!.tool).toBe('penguin');
    expect(Math.abs(first!.x - 200)).toBeLessThanOrEqual(1);
    expect(Math.abs(first!.y - 150)).toBeLessThanOrEqual(1);
    expect(second).toEqual({ tool: 'penguin', x: expect.any(Number), y: expect.any(Number) });
    expect(Math.abs(second!.x - kx)).toBeLessThanOrEqual(1);
    expect(Math.abs(second!.y - ky)).toBeLessThanOrEqual(1);
    expect(errors).toEqual([]);
  });

  it('opens on the subject’s first image, wherever it is among its pages, says where the marks go when another is shown, and places no more than a tool’s most', async () => {
    const letter: SubjectInput = {
      externalId: 'letter-1',
      locations: [
        { type: 'text', text: 'A letter about the colony.' },
        { type: 'image', url: `${images.base()}/letter.svg`, alt: 'The colony drawn in the letter' },
      ],
      metadata: {},
    };
    const { page, errors, layer } = await openMarking([letter], { type: 'marking', instruction: 'Mark each penguin in the drawing.', tools: [{ key: 'penguin', label: 'Penguin', shape: 'point', max: 1 }] });
    expect(await page.locator('.page-button[aria-current="page"]').textContent()).toBe('2');
    const note = page.locator('.task-marking .notice');
    expect(await note.count()).toBe(0);

    await page.locator('.page-button').first().click();
    await waitToSee(note);
    expect(await note.textContent()).toBe('Marks go on the subject’s first image: turn to it to mark.');
    expect(await layer.count()).toBe(0);
    await page.locator('.page-button').nth(1).click();
    await waitToSee(layer, { state: 'attached', timeout: 15_000 });
    const point = await onPage(layer, 400, 300);
    await page.mouse.click(point.x, point.y);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="marking-entry"]').length === 1);
    // One more than its most is not placed, and said so.
    const another = await onPage(layer, 100, 100);
    await page.mouse.click(another.x, another.y);
    await page.waitForFunction(() => document.querySelector('[data-testid="marking-said"]')?.textContent === 'Penguin: at most 1 mark; remove one first.');
    expect(await page.getByTestId('marking-entry').count()).toBe(1);
    expect(await page.getByTestId('marking-count-penguin').textContent()).toBe('1 of at most 1');
    expect(errors).toEqual([]);
  });

  it('marks in the plain image’s pixels when a IIIF service of a larger full size is shown', async () => {
    const subject: SubjectInput = { externalId: 'colony-iiif', locations: [{ type: 'image', url: `${images.base()}/iiif/colony/full/max/0/default.svg`, iiifService: `${images.base()}/iiif/colony`, alt: 'Penguins on the ice' }], metadata: {} };
    const { page, errors, layer } = await openMarking([subject], { type: 'marking', instruction: 'Mark each penguin.', tools: [{ key: 'penguin', label: 'Penguin', shape: 'point' }] });
    const penguin = await onPage(layer, 200, 150);
    await page.mouse.click(penguin.x, penguin.y);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="marking-entry"]').length === 1);
    expect(await entries(page)).toEqual([expect.stringMatching(/^Penguin 1 at (199|200|201), (149|150|151)Remove$/)]);
    expect(errors).toEqual([]);
  });

  const PENGUINS_AND_SIGNS: MarkingTask = {
    type: 'marking',
    instruction: 'Mark each penguin, and draw a box around each sign.',
    tools: [
      { key: 'penguin', label: 'Penguin', shape: 'point' },
      { key: 'sign', label: 'Sign', shape: 'rectangle' },
    ],
  };

  it('places a point beside another, selects only with no tool, keeps the page still under the wheel, and takes the keyboard to the image by a button', async () => {
    const { page, errors, layer } = await openMarking([colony()], PENGUINS_AND_SIGNS);
    const count = (n: number) => page.waitForFunction((n) => document.querySelectorAll('[data-testid="marking-entry"]').length === n, n);
    const first = await onPage(layer, 200, 150);
    await page.mouse.click(first.x, first.y);
    await count(1);
    // A click moves the crosshair there, and does not draw it (it is the keyboard's).
    expect((await crosshair(layer)).map((n, i) => Math.abs(n - [200, 150][i]!) <= 1)).toEqual([true, true]);
    expect(await page.getByTestId('marking-crosshair').count()).toBe(0);
    // A point on the first's glyph is a second point, not a selection of the first.
    await page.mouse.click(first.x + 8, first.y);
    await count(2);
    // With no tool, a click on a mark selects it.
    await page.getByText('None: choose, move and zoom').click();
    await page.mouse.click(first.x - 5, first.y);
    await page.waitForFunction(() => /^Penguin 1 /.test(document.querySelector('.marking-select[aria-pressed="true"]')?.textContent ?? ''));

    // The wheel zooms the image with a tool chosen, and does not scroll the page.
    await page.getByText('Penguin', { exact: true }).click();
    await page.evaluate(() => {
      document.body.style.minHeight = '5000px';
      window.scrollTo(0, 0);
    });
    await page.mouse.move(first.x, first.y);
    await page.mouse.wheel(0, 300);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);

    // The keyboard: from the tools, Tab reaches "Mark on the image", which takes it to the image; the crosshair is
    // drawn, its place said.
    await page.locator('input[type="radio"][value="penguin"]').focus();
    await tabTo(page, 'button.marking-to-image', 5);
    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-testid="marking-layer"]');
    // Penguin 1 was let go as the tool was chosen: the arrows move the crosshair.
    await page.keyboard.press('ArrowRight');
    await waitToSee(page.getByTestId('marking-crosshair'), { state: 'attached' });
    await page.waitForFunction(() => /^Crosshair at \d+, \d+/.test(document.querySelector('[data-testid="marking-said"]')?.textContent ?? ''));
    // Over the subject, the layer's focus ring and the crosshair are in one colour, the stage's, whatever the theme.
    const stageFocus = () =>
      page.evaluate(() => [getComputedStyle(document.querySelector('[data-testid="marking-layer"]')!).outlineColor, getComputedStyle(document.querySelector('.marking-crosshair path:last-child')!).stroke]);
    const light = await stageFocus();
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    const dark = await stageFocus();
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    expect(new Set([...light, ...dark]).size).toBe(1);

    // A rectangle begun, then another tool chosen: the rectangle is gone.
    await page.locator('input[type="radio"][value="sign"]').check();
    await page.locator('button.marking-to-image').click();
    await page.keyboard.press('Enter');
    await waitToSee(page.locator('.marking-drawn'), { state: 'attached' });
    await page.locator('input[type="radio"][value="penguin"]').check();
    await waitToSee(page.locator('.marking-drawn'), { state: 'detached' });

    // A click with the rectangle tool draws nothing, and says so.
    await page.locator('input[type="radio"][value="sign"]').check();
    await page.mouse.click(first.x + 40, first.y + 40);
    await page.waitForFunction(() => document.querySelector('[data-testid="marking-said"]')?.textContent === 'Nothing drawn: a rectangle needs a width and a height.');
    await page.locator('input[type="radio"][value="penguin"]').check();

    // Under rotation the arrows go the screen's way: turned right a quarter, right on screen is up the image.
    await page.getByRole('button', { name: 'Rotate right' }).click();
    await page.waitForTimeout(1_000);
    await page.locator('button.marking-to-image').click();
    const [x0, y0] = await crosshair(layer);
    await page.keyboard.press('ArrowRight');
    const [x1, y1] = await crosshair(layer);
    expect(Math.abs(x1 - x0)).toBeLessThanOrEqual(1);
    expect(y1).toBeLessThan(y0 - 5);

    // Removing a mark by its button gives focus to the next one's; the last, to the list's heading.
    await page.getByRole('button', { name: /^Remove Penguin 1 at/ }).focus();
    await page.keyboard.press('Enter');
    await count(1);
    await waitForFocus(page, 'button[aria-label^="Remove Penguin 1 at"]');
    await page.keyboard.press('Enter');
    await count(0);
    await waitForFocus(page, '.marking-list-heading');
    expect(errors).toEqual([]);
  });

  it('moves a chosen mark and resizes a chosen rectangle by mouse, under rotation too, with Undo and Redo', async () => {
    const { page, errors, layer } = await openMarking([colony()], PENGUINS_AND_SIGNS);
    const ips = await imagePerScreen(layer);
    const drag = async (from: { x: number; y: number }, by: { x: number; y: number }) => {
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      for (const part of [0.25, 0.5, 0.75, 1]) await page.mouse.move(from.x + by.x * part, from.y + by.y * part);
      await page.mouse.up();
    };
    /** Does `act`, then gives the numbers of mark `n` in the list once it has changed: x, y (and width, height). */
    const afterChange = async (n: number, act: () => Promise<void>) => {
      const before = (await entries(page))[n];
      await act();
      await page.waitForFunction(([n, before]) => document.querySelectorAll('[data-testid="marking-entry"]')[n as number]?.textContent !== before, [n, before] as const);
      return (await entries(page))[n]!.match(/\d+(\.\d+)?/g)!.slice(1).map(Number);
    };
    const near = (got: number[], want: number[]) => expect(got.map((n, i) => Math.abs(n - want[i]!) <= 1.5)).toEqual(want.map(() => true));

    const penguin = await onPage(layer, 200, 150);
    await afterChange(0, () => page.mouse.click(penguin.x, penguin.y));
    // With the tool still chosen, a drag from the mark placed (not chosen) moves nothing: a point is placed only by a click.
    await drag(penguin, { x: 60, y: 40 });
    await page.waitForTimeout(300);
    expect((await entries(page))[0]).toMatch(/^Penguin 1 at (199|200|201), (149|150|151)Remove$/);
    // With no tool, a press chooses a mark, and a drag of the chosen mark moves it, in the image's pixels.
    await page.getByText('None: choose, move and zoom').click();
    await page.mouse.click(penguin.x, penguin.y);
    await page.waitForFunction(() => /^Penguin 1 at/.test(document.querySelector('.marking-select[aria-pressed="true"]')?.textContent ?? ''));
    near(await afterChange(0, () => drag(penguin, { x: 60, y: 40 })), [200 + 60 * ips, 150 + 40 * ips]);
    expect(await said(page)).toMatch(/^Moved Penguin 1 at/);
    expect(await page.locator('.marking-select[aria-pressed="true"]').textContent()).toMatch(/^Penguin 1 at/);

    // A rectangle drawn, chosen in the list: its corner handle resizes it; with no tool, a drag inside moves it, within the image.
    await page.getByText('Sign', { exact: true }).click();
    near(await afterChange(1, async () => drag(await onPage(layer, 450, 300), { x: 100 / ips, y: 100 / ips })), [450, 300, 100, 100]);
    await page.getByRole('button', { name: /^Sign 1 at/ }).click();
    // Upright, each handle's cursor is its corner's diagonal.
    expect(await handleCursors(page)).toEqual({ topLeft: 'nwse-resize', topRight: 'nesw-resize', bottomRight: 'nwse-resize', bottomLeft: 'nesw-resize' });
    near(await afterChange(1, async () => drag(await onPage(layer, 550, 400), { x: 50 / ips, y: 50 / ips })), [450, 300, 150, 150]);
    expect(await said(page)).toMatch(/^Resized Sign 1 at/);
    // A corner dragged past its opposite stops short of it: the rectangle keeps an area.
    near(await afterChange(1, async () => drag(await onPage(layer, 450, 300), { x: 400 / ips, y: 10 / ips })), [599, 310, 1, 140]);
    near(await afterChange(1, () => page.getByRole('button', { name: 'Undo', exact: true }).click()), [450, 300, 150, 150]);
    expect(await said(page)).toMatch(/^Undone: Resized Sign 1 at 599, 310/);
    // Dragged past the image's edge, it stops at the edge, whole.
    await page.getByText('None: choose, move and zoom').click();
    await page.getByRole('button', { name: /^Sign 1 at/ }).click();
    near(await afterChange(1, async () => drag(await onPage(layer, 500, 350), { x: 300 / ips, y: 0 })), [650, 300, 150, 150]);
    near(await afterChange(1, () => page.getByRole('button', { name: 'Undo', exact: true }).click()), [450, 300, 150, 150]);
    near(await afterChange(1, () => page.getByRole('button', { name: 'Redo', exact: true }).click()), [650, 300, 150, 150]);
    expect(await said(page)).toMatch(/^Redone: Moved Sign 1 at/);

    // Under rotation a drag goes the screen's way: turned right a quarter, right on screen is up the image.
    await page.getByRole('button', { name: /^Penguin 1 at/ }).click();
    const [px, py] = (await entries(page))[0]!.match(/\d+(\.\d+)?/g)!.slice(1).map(Number);
    await page.getByRole('button', { name: 'Rotate right' }).click();
    await page.waitForTimeout(1_000);
    const { at, scale } = await page.evaluate(() => {
      const glyph = document.querySelector('.marking-selected path')!.getBoundingClientRect();
      const [a, b] = document.querySelector('[data-testid="marking-view"]')!.getAttribute('transform')!.match(/-?[\d.e-]+/g)!.map(Number);
      return { at: { x: glyph.x + glyph.width / 2, y: glyph.y + glyph.height / 2 }, scale: Math.hypot(a!, b!) };
    });
    const [rx, ry] = await afterChange(0, () => drag(at, { x: 40, y: 0 }));
    expect(Math.abs(rx! - px!)).toBeLessThanOrEqual(2);
    expect(Math.abs(ry! - (py! - 40 / scale))).toBeLessThanOrEqual(2);

    // Turned, the handles' cursors turn too: the image's top left corner is at the screen's top right, dragged up and
    // right or down and left, and the cursor stays so while it is dragged.
    await page.getByRole('button', { name: /^Sign 1 at/ }).click();
    await page.waitForFunction(() => document.querySelectorAll('.marking-handle').length === 4);
    await page.waitForTimeout(1_000); // brought into view as it is chosen
    expect(await handleCursors(page)).toEqual({ topLeft: 'nesw-resize', topRight: 'nwse-resize', bottomRight: 'nesw-resize', bottomLeft: 'nwse-resize' });
    const corner = await page.evaluate(() => {
      const box = document.querySelector('.marking-handle-topLeft rect')!.getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    });
    await page.mouse.move(corner.x, corner.y);
    await page.mouse.down();
    await page.mouse.move(corner.x + 10, corner.y - 10);
    await page.mouse.move(corner.x + 20, corner.y - 20);
    expect(await layer.evaluate((element) => getComputedStyle(element).cursor)).toBe('nesw-resize');
    await page.mouse.up();
    expect(errors).toEqual([]);
  });

  /** A mouse drag from `from` by `by` (pixels of the screen), in steps. */
  const dragOn = (page: Page) => async (from: { x: number; y: number }, by: { x: number; y: number }) => {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (const part of [0.25, 0.5, 0.75, 1]) await page.mouse.move(from.x + by.x * part, from.y + by.y * part);
    await page.mouse.up();
  };
  /** Does `act`, then gives the numbers of mark `n` in the list once it has changed: x, y (and width, height). */
  const changed = (page: Page) => async (n: number, act: () => Promise<void>) => {
    const before = (await entries(page))[n];
    await act();
    await page.waitForFunction(([n, before]) => document.querySelectorAll('[data-testid="marking-entry"]')[n as number]?.textContent !== before, [n, before] as const);
    return (await entries(page))[n]!.match(/\d+(\.\d+)?/g)!.slice(1).map(Number);
  };
  const nearly = (got: number[], want: number[], within = 1.5) => expect(got.map((n, i) => Math.abs(n - want[i]!) <= within)).toEqual(want.map(() => true));
  const chosenIs = (page: Page, name: RegExp) => page.waitForFunction((source) => new RegExp(source).test(document.querySelector('.marking-select[aria-pressed="true"]')?.textContent ?? ''), name.source);

  it('with no tool a drag from a mark not chosen only chooses it; Redo with nothing to redo keeps Undo; a row keeps focus as its move is undone; Alt and an arrow are taken; the upright rule is the layer’s own', async () => {
    const { page, errors, layer } = await openMarking([colony()], PENGUINS_AND_SIGNS);
    const drag = dragOn(page);
    const count = (n: number) => page.waitForFunction((n) => document.querySelectorAll('[data-testid="marking-entry"]').length === n, n);
    const penguin = await onPage(layer, 200, 150);
    await page.mouse.click(penguin.x, penguin.y);
    await count(1);
    // Redo with nothing to redo does nothing: Undo still takes the penguin back, and Redo places it again.
    // (Forced: the button says it is disabled, and a click on it still comes.)
    await page.getByRole('button', { name: 'Redo', exact: true }).click({ force: true });
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await count(0);
    await page.getByRole('button', { name: 'Redo', exact: true }).click();
    await count(1);

    // The glyphs' upright rule is this layer's own: another layer's marks (a copy under another id) are not turned by it.
    const upright = await page.evaluate(() => {
      const shown = document.querySelector('[data-testid="marking-layer"]')!;
      const copy = shown.cloneNode(true) as HTMLElement;
      copy.setAttribute('data-marking-layer', 'another');
      document.body.append(copy);
      const other = getComputedStyle(copy.querySelector('.marking-upright')!).transform;
      copy.remove();
      return { own: getComputedStyle(shown.querySelector('.marking-upright')!).transform, other };
    });
    expect(upright.own).toMatch(/^matrix\(/);
    expect(upright.other).toBe('none');

    // No tool: a drag from the penguin, not chosen, chooses it and leaves it where it is; chosen, a drag moves it.
    await page.getByText('None: choose, move and zoom').click();
    await drag(penguin, { x: 60, y: 40 });
    await chosenIs(page, /^Penguin 1 at/);
    await page.waitForTimeout(300);
    expect((await entries(page))[0]).toMatch(/^Penguin 1 at (199|200|201), (149|150|151)Remove$/);
    const ips = await imagePerScreen(layer);
    nearly(await changed(page)(0, () => drag(penguin, { x: 60, y: 40 })), [200 + 60 * ips, 150 + 40 * ips]);

    // Focus on its row, Ctrl+Z undoes the move: the row is the same, and keeps focus.
    await page.getByRole('button', { name: /^Penguin 1 at/ }).focus();
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => document.activeElement?.classList.contains('marking-select') && /^Penguin 1 at (199|200|201), /.test(document.activeElement.textContent ?? ''));
    // Ctrl+Y and Ctrl+Z with focus in the image's viewer (on a button of its own) redo and undo too, once each.
    await page.getByRole('button', { name: 'Rotate right' }).focus();
    nearly(await changed(page)(0, () => page.keyboard.press('Control+y')), [200 + 60 * ips, 150 + 40 * ips]);
    nearly(await changed(page)(0, () => page.keyboard.press('Control+z')), [200, 150]);

    // Alt and an arrow with a point chosen: taken (not the browser's Back), and said what they do.
    await page.locator('button.marking-to-image').click();
    await page.evaluate(() => window.addEventListener('keydown', (event) => Object.assign(window, { lastKey: event }), { capture: true }));
    await page.keyboard.press('Alt+ArrowLeft');
    await page.waitForFunction(() => document.querySelector('[data-testid="marking-said"]')?.textContent === 'Only a chosen rectangle is resized.');
    expect(await page.evaluate(() => (window as unknown as { lastKey: KeyboardEvent }).lastKey.defaultPrevented)).toBe(true);
    nearly((await entries(page))[0]!.match(/\d+/g)!.slice(1).map(Number), [200, 150]);
    expect(errors).toEqual([]);
  });

  it('draws inside a chosen rectangle with the rectangle tool, keeps the view still as its corner is dragged, and resizes it with Alt and the arrows the screen’s way', async () => {
    const large: SubjectInput = { externalId: 'colony-large', locations: [{ type: 'image', url: `${images.base()}/large.svg`, alt: 'Penguins on the ice' }], metadata: {} };
    const { page, errors, layer } = await openMarking([large], PENGUINS_AND_SIGNS);
    const drag = dragOn(page);
    const ips = await imagePerScreen(layer, 4);
    await page.getByText('Sign', { exact: true }).click();
    nearly(await changed(page)(0, async () => drag(await onPage(layer, 400, 400, 4), { x: 2400 / ips, y: 1600 / ips })), [400, 400, 2400, 1600], 2 * ips);
    await page.getByRole('button', { name: /^Sign 1 at/ }).click();
    // A drag inside the chosen sign, with the tool, draws another.
    nearly(await changed(page)(1, async () => drag(await onPage(layer, 1200, 1000, 4), { x: 400 / ips, y: 400 / ips })), [1200, 1000, 400, 400], 2 * ips);

    // Zoomed in about the first sign's corner (its middle out of view), the view stays still as the corner is dragged.
    await page.getByRole('button', { name: /^Sign 1 at/ }).click();
    const corner = await onPage(layer, 400, 400, 4);
    await page.mouse.move(corner.x, corner.y);
    for (let i = 0; i < 12; i += 1) {
      await page.mouse.wheel(0, -100);
      await page.waitForTimeout(200);
    }
    await page.waitForTimeout(1_000);
    const handle = await page.locator('.marking-handle-topLeft rect').boundingBox();
    const view = await page.getByTestId('marking-view').getAttribute('transform');
    // The sign's middle (1600, 1200) is out of view.
    const middle = await page.evaluate(() => {
      const [a, b, c, d, e, f] = document.querySelector('[data-testid="marking-view"]')!.getAttribute('transform')!.match(/-?[\d.e-]+/g)!.map(Number);
      const box = document.querySelector('[data-testid="marking-layer"]')!.getBoundingClientRect();
      const [x, y] = [a! * 1600 + c! * 1200 + e!, b! * 1600 + d! * 1200 + f!];
      return { x, y, width: box.width, height: box.height };
    });
    expect(middle.x > middle.width || middle.y > middle.height).toBe(true);
    await changed(page)(0, () => drag({ x: handle!.x + handle!.width / 2, y: handle!.y + handle!.height / 2 }, { x: -20, y: -20 }));
    await page.waitForTimeout(1_000);
    expect(await page.getByTestId('marking-view').getAttribute('transform')).toBe(view);

    // Turned right a quarter, Alt and ← make the second sign narrower on screen: its top (now the screen's right side) comes down.
    await page.getByRole('button', { name: /^Sign 2 at/ }).click();
    await page.getByRole('button', { name: 'Rotate right' }).click();
    await page.waitForTimeout(1_000);
    const scale = await page.evaluate(() => {
      const [a, b] = document.querySelector('[data-testid="marking-view"]')!.getAttribute('transform')!.match(/-?[\d.e-]+/g)!.map(Number);
      return Math.hypot(a!, b!);
    });
    await page.locator('button.marking-to-image').click();
    nearly(await changed(page)(1, () => page.keyboard.press('Alt+ArrowLeft')), [1200, 1000 + 10 / scale, 400, 400 - 10 / scale]);
    expect(errors).toEqual([]);
  });

  it('brings the image on screen as "Mark on the image" takes the keyboard to it on a phone, the page scrolled below it', async () => {
    const { page } = await openWorkflow(suite, 'Penguins on a phone', [colony()], { name: 'Mark the penguins', firstTask: 'T0', tasks: { T0: PENGUINS_AND_SIGNS } }, PHONE);
    await waitForTask(page, 'marking');
    const layer = page.getByTestId('marking-layer');
    await waitToSee(layer, { state: 'attached', timeout: 15_000 });
    // The page scrolled down to the button, the image mostly above the screen.
    await page.locator('button.marking-to-image').evaluate((button) => button.scrollIntoView({ block: 'end' }));
    expect((await layer.boundingBox())!.y).toBeLessThan(0);
    await page.locator('button.marking-to-image').focus();
    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-testid="marking-layer"]');
    const box = (await layer.boundingBox())!;
    expect([Math.round(box.y) >= 0, Math.round(box.y + box.height) <= PHONE.height]).toEqual([true, true]);
    await page.close();
  });

  /** The penguins' task on a phone: its page, its layer, a finger, and touches sent to it (points of the page). */
  async function openByTouch() {
    const opened = await openMarking([colony()], { type: 'marking', instruction: 'Mark each penguin.', tools: [{ key: 'penguin', label: 'Penguin', shape: 'point' }] });
    const finger = await phone(opened.page);
    await opened.page.waitForTimeout(500);
    const session = await opened.page.context().newCDPSession(opened.page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', touchPoints: { x: number; y: number }[]) => session.send('Input.dispatchTouchEvent', { type, touchPoints });
    return { ...opened, finger, session, touch };
  }

  it('by touch with no tool: a pan from a mark not chosen, or a pinch from the chosen one, moves nothing', async () => {
    const { page, errors, layer, finger, session, touch } = await openByTouch();
    const at = await onPage(layer, 200, 150);
    await touch('touchStart', [at]);
    await touch('touchEnd', []);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="marking-entry"]').length === 1);
    await page.getByText('None: choose, move and zoom').click();
    await layer.scrollIntoViewIfNeeded();
    const glyph = await page.evaluate(() => {
      const box = document.querySelector('.marking-mark path')!.getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    });
    const inPlace = async () => {
      await page.waitForTimeout(500);
      expect(await entries(page)).toEqual([expect.stringMatching(/^Penguin 1 at (199|200|201), (149|150|151)Remove$/)]);
    };
    // A pan from the penguin, not chosen: chosen, not moved.
    await touch('touchStart', [glyph]);
    for (const dx of [10, 20, 30, 40]) await touch('touchMove', [{ x: glyph.x + dx, y: glyph.y }]);
    await touch('touchEnd', []);
    await chosenIs(page, /^Penguin 1 at/);
    await inPlace();
    // A pinch from the chosen penguin: the second finger ends the drag.
    const other = { x: glyph.x + 60, y: glyph.y + 60 };
    await touch('touchStart', [glyph]);
    await touch('touchStart', [glyph, other]);
    for (const d of [10, 20, 30, 40]) await touch('touchMove', [{ x: glyph.x - d, y: glyph.y - d }, { x: other.x + d, y: other.y + d }]);
    await touch('touchEnd', [other]);
    await touch('touchEnd', []);
    await inPlace();
    await session.detach();
    await finger.lift();
    expect(errors).toEqual([]);
  });

  it('by touch: a tap that moves a little is a point, two fingers place nothing', async () => {
    const { page, errors, layer, finger, session, touch } = await openByTouch();
    const at = await onPage(layer, 200, 150);
    await touch('touchStart', [at]);
    await touch('touchMove', [{ x: at.x + 6, y: at.y }]);
    await touch('touchEnd', []);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="marking-entry"]').length === 1);
    const other = await onPage(layer, 500, 400);
    // Two fingers down, lifted one by one without moving: neither is a tap.
    await touch('touchStart', [other]);
    await touch('touchStart', [other, { x: other.x + 60, y: other.y + 60 }]);
    await touch('touchEnd', [other]);
    await touch('touchEnd', []);
    await page.waitForTimeout(500);
    expect(await page.getByTestId('marking-entry').count()).toBe(1);
    // The point chosen in the list (below the image on a phone), a finger drags it.
    await page.getByRole('button', { name: /^Penguin 1 at/ }).click();
    await layer.scrollIntoViewIfNeeded();
    const glyph = await page.evaluate(() => {
      const box = document.querySelector('.marking-selected path')!.getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    });
    await touch('touchStart', [glyph]);
    for (const dx of [10, 20, 30, 40]) await touch('touchMove', [{ x: glyph.x + dx, y: glyph.y }]);
    await touch('touchEnd', []);
    await page.waitForFunction(() => /^Moved Penguin 1 at/.test(document.querySelector('[data-testid="marking-said"]')?.textContent ?? ''));
    const [tx] = (await entries(page))[0]!.match(/\d+/g)!.slice(1).map(Number);
    expect(Math.abs(tx! - (200 + 40 * (await imagePerScreen(layer))))).toBeLessThanOrEqual(2);
    expect(await page.getByTestId('marking-entry').count()).toBe(1);
    await session.detach();
    await finger.lift();
    expect(errors).toEqual([]);
  });
});
