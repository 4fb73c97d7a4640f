import type { Page } from 'playwright-core';
import { openWorkflow, PHONE, useStackAndBrowser, waitForFocus, waitForTask } from './support/browser';

/**
 * A long transcription on a phone (375 × 667), in a real browser: a letter of sixty lines in Hebrew, Thai without
 * spaces and unbroken addresses, typed with the on-screen keyboard open (which leaves 400 px of the screen, the page
 * shrunk for it: `interactive-widget=resizes-content`). Nothing scrolls sideways, the letter scrolls in its half of the
 * screen, the field being typed is wholly in view below it, and Done is reached and not hidden.
 */

jest.setTimeout(180_000);

const LETTER = Array.from({ length: 60 }, (_, index) =>
  [
    `שורה ${index + 1}: מכתב ארוך מאוד מן העיר הגדולה אל הכפר הקטן שבהרים`,
    `Line ${index + 1}: https://example.org/letters/${'very-long-address-without-a-break-'.repeat(3)}${index}`,
    `บรรทัด ${index + 1} ต้นฉบับภาษาไทยที่ยาวมากไม่มีช่องว่างระหว่างคำเลยแม้แต่น้อย`,
  ][index % 3],
).join('\n');

const KEYBOARD_OPEN = { width: PHONE.width, height: 400 };

describe('classifier in a browser: a long transcription on a phone', () => {
  const suite = useStackAndBrowser();

  async function openLetter(mode: 'lines' | 'free') {
    const { page } = await openWorkflow(
      suite,
      `Long letter ${mode}`,
      [{ externalId: `letter-${mode}`, locations: [{ type: 'text', text: LETTER }], metadata: { source: `archive/${'box-'.repeat(40)}` } }],
      { name: 'Transcribe the letter', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Transcribe every line of the letter, as it is written.', mode, language: 'he' } } },
      PHONE,
    );
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await waitForTask(page, 'transcription');
    return { page, errors, field: mode === 'lines' ? '.transcription-lines li:last-child input' : '.transcription-free' };
  }

  /** Whether the page scrolls sideways, and which elements reach beyond the screen's right edge. */
  const sideways = (page: Page) =>
    page.evaluate(() => ({
      scrolls: document.documentElement.scrollWidth > document.documentElement.clientWidth,
      beyond: [...document.querySelectorAll('main *')].filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5).map((element) => element.className || element.tagName),
    }));

  /** Where the field being typed is: wholly on screen below the letter kept at the top, or not. */
  const fieldInView = (page: Page) =>
    page.evaluate(() => {
      const field = document.activeElement!.getBoundingClientRect();
      const letter = document.querySelector('.subject-panel')!.getBoundingClientRect();
      // Rounded: a field scrolled to the screen's edge ends a fraction of a pixel beyond it.
      return Math.round(field.top) >= Math.round(letter.bottom) && Math.round(field.bottom) <= window.innerHeight;
    });

  /** Whether Done is on screen and is what a finger on its middle touches (not the letter kept above it). */
  const doneReachable = (page: Page) =>
    page.locator('.task-actions .button-primary').evaluate((done) => {
      const box = done.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight && document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2) === done;
    });

  for (const mode of ['lines', 'free'] as const) {
    it(`keeps a transcription in ${mode === 'lines' ? 'lines' : 'one text area'} usable: no sideways scrolling, the field typed in view above the keyboard, Done reachable`, async () => {
      const { page, errors, field } = await openLetter(mode);
      await waitForFocus(page, field);
      expect(await sideways(page)).toEqual({ scrolls: false, beyond: [] });
      // The letter takes at most half the screen, and scrolls in it.
      const letter = await page.locator('.subject-panel').evaluate((panel) => ({ half: panel.getBoundingClientRect().height <= window.innerHeight / 2 + 1, scrolls: panel.scrollHeight > panel.clientHeight }));
      expect(letter).toEqual({ half: true, scrolls: true });

      // Tapped, the field comes into view; the keyboard opens, and the volunteer types line after line.
      await page.locator(field).click();
      expect(await fieldInView(page)).toBe(true);
      await page.setViewportSize(KEYBOARD_OPEN);
      // What a phone's browser does as its keyboard opens (a desktop Chromium made smaller does not): the field focused
      // is scrolled into view, no further than needed.
      await page.evaluate(() => document.activeElement!.scrollIntoView({ block: 'nearest' }));
      for (let line = 1; line <= 12; line += 1) {
        await page.keyboard.type(`שורה ${line}`);
        await page.keyboard.press('Enter');
        expect([line, await fieldInView(page)]).toEqual([line, true]);
      }
      expect(await sideways(page)).toEqual({ scrolls: false, beyond: [] });

      // Done, by Tab from the field, is on screen and not under the letter.
      for (let presses = 0; presses < 20 && !(await page.evaluate(() => document.activeElement?.matches('.task-actions .button-primary'))); presses += 1) await page.keyboard.press('Tab');
      expect(await doneReachable(page)).toBe(true);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('shows the next subject\'s instruction below the page kept at the top, not under it, with its first line focused', async () => {
    const note = (externalId: string) => ({ externalId, locations: [{ type: 'text' as const, text: LETTER }], metadata: {} });
    const { page } = await openWorkflow(
      suite,
      'Two letters',
      [note('letter-a'), note('letter-b')],
      { name: 'Transcribe the letters', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Transcribe every line of the letter, as it is written, keeping its spelling and its line breaks.' } } },
      PHONE,
    );
    await waitForTask(page, 'transcription');
    const first = '.transcription-lines li:last-child input';
    await waitForFocus(page, first);
    // Line after line, the page scrolls down under the letter.
    for (let line = 1; line <= 8; line += 1) {
      await page.keyboard.type(`Line ${line}`);
      await page.keyboard.press('Enter');
    }
    await page.keyboard.press('Control+Enter');
    // The next letter is on screen, its one empty line focused.
    await page.waitForFunction(() => document.body.textContent?.includes('Classified this session: 1') && (document.activeElement as HTMLInputElement | null)?.value === '');
    const instruction = await page.evaluate(() => ({
      top: Math.round(document.querySelector('.task-question')!.getBoundingClientRect().top),
      pageBottom: Math.round(document.querySelector('.subject-panel')!.getBoundingClientRect().bottom),
    }));
    expect(instruction.top).toBeGreaterThanOrEqual(instruction.pageBottom);
    await page.close();
  });
});
