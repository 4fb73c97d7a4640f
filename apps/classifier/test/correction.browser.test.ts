import type { Page } from 'playwright-core';
import { signUp } from '../../../test/support/accounts';
import { until } from '../../../test/support/waiting';
import { checkScreen, openWorkflow, signedInPage, tabTo, useStackAndBrowser, waitForTask, waitToSee } from './support/browser';

/**
 * A transcription that starts from the subject's text (`startFrom: "subject-text"`, OCR correction), in a real
 * browser: the editor opens on the page's text, says it is a correction, tells an unchanged text from a corrected one,
 * resets to the original, and sends either as the answer; and the lab's definition form offers the option.
 */

jest.setTimeout(120_000);

const OCR = 'Tbe ship sailed at dawn\nfrom Hu11';
const STRAY = 'Struck [deletion] out by the clerk';

describe('classifier in a browser: correcting the subject’s text', () => {
  const suite = useStackAndBrowser();

  const lines = (page: Page) => page.locator('.transcription-lines input').evaluateAll((inputs: HTMLInputElement[]) => inputs.map((input) => input.value));
  const state = (page: Page) => page.getByTestId('correction-state').textContent();

  /** The values of T0 stored, oldest first, once there are `count` (the page sends each as it goes on). */
  async function stored(workflowId: string, count: number): Promise<unknown[]> {
    const read = () => suite.stack.db.query<{ annotations: { value: unknown }[] }>('SELECT annotations FROM classifications WHERE workflow_id = $1 ORDER BY created_at', [workflowId]);
    await until(async () => (await read()).rows.length >= count, `${count} classifications`);
    return (await read()).rows.map((row) => row.annotations[0]?.value);
  }

  it('opens on the page’s text, says so, resets to it, and sends a text left as it was as a valid answer', async () => {
    const page1 = { externalId: 'page-1', locations: [{ type: 'image' as const, url: 'https://example.org/page-1.jpg', alt: 'A printed page' }, { type: 'text' as const, text: OCR }] };
    const page2 = { ...page1, externalId: 'page-2' };
    const page3 = { externalId: 'page-3', locations: [page1.locations[0]!, { type: 'text' as const, text: STRAY }] };
    const { page, workflow } = await openWorkflow(suite, 'OCR correction', [page1, page2, page3], {
      name: 'Correct the pages',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Correct the text of the page', startFrom: 'subject-text', showLocation: 1 } },
      selection: { order: 'sequential', goldStandardRate: 0 },
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const first = await waitForTask(page, 'transcription');
    expect(await lines(page)).toEqual(['Tbe ship sailed at dawn', 'from Hu11']);
    expect(await page.getByTestId('correction-hint').textContent()).toContain('This starts from the subject’s text');
    // The hint is read with the editor, so a screen-reader user hears it is a correction.
    expect(await page.locator('fieldset.task-transcription').getAttribute('aria-describedby')).toContain(await page.getByTestId('correction-hint').getAttribute('id'));
    expect(await state(page)).toBe('Unchanged: going on says the text needs no change.');

    // A word corrected, then the whole reset by the button (keyboard only), and undone and redone as an edit.
    await page.locator('.transcription-lines input').first().click();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Delete');
    await page.keyboard.type('h');
    expect(await lines(page)).toEqual(['The ship sailed at dawn', 'from Hu11']);
    expect(await state(page)).toBe('Corrected: your changes will be sent.');
    await checkScreen(page, 'transcription-correction');
    await tabTo(page, '[data-testid="correction-reset"]');
    expect(await page.getByTestId('correction-reset').textContent()).toBe('Reset to the original text');
    await page.keyboard.press('Enter');
    expect(await lines(page)).toEqual(['Tbe ship sailed at dawn', 'from Hu11']);
    expect(await state(page)).toBe('Unchanged: going on says the text needs no change.');
    await page.keyboard.press('Control+z');
    expect(await lines(page)).toEqual(['The ship sailed at dawn', 'from Hu11']);
    await page.keyboard.press('Control+y');
    expect(await lines(page)).toEqual(['Tbe ship sailed at dawn', 'from Hu11']);

    // Left as it is, it goes on without asking: "no change needed" is an answer.
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction((previous) => document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') !== previous, first);
    expect(await stored(workflow.id, 1)).toEqual([OCR]);

    // The next page: "Hu11" corrected to "Hull" on its second line.
    expect(await lines(page)).toEqual(['Tbe ship sailed at dawn', 'from Hu11']);
    await page.locator('.transcription-lines input').nth(1).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('ll');
    await page.keyboard.press('Control+Enter');
    expect(await stored(workflow.id, 2)).toEqual([OCR, 'Tbe ship sailed at dawn\nfrom Hull']);

    // OCR with a stray tag-like marker, left as it is, goes on too: the text is the page's, not a misused tag.
    await until(async () => (await lines(page))[0] === STRAY, 'the third page');
    await page.locator('.transcription-lines input').first().click();
    await page.keyboard.press('Control+Enter');
    expect(await stored(workflow.id, 3)).toEqual([OCR, 'Tbe ship sailed at dawn\nfrom Hull', STRAY]);
    expect(errors).toEqual([]);
  });

  it('says nothing of the length of a text left as it was, longer than maxLength though it be, until it is changed, a space alone included', async () => {
    const page1 = { externalId: 'long-page', locations: [{ type: 'text' as const, text: OCR }] };
    const { page, workflow } = await openWorkflow(suite, 'Long OCR', [page1], {
      name: 'Correct the long page',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Correct the text of the page', startFrom: 'subject-text', maxLength: 30 } },
    });
    await waitForTask(page, 'transcription');
    const note = page.getByTestId('length-note');
    expect([OCR.length, await note.textContent(), await state(page)]).toEqual([33, '', 'Unchanged: going on says the text needs no change.']);
    // Changed, the most applies as to any new answer.
    await page.locator('.transcription-lines input').nth(1).click();
    await page.keyboard.press('End');
    await page.keyboard.type('.');
    expect(await note.textContent()).toBe('34 characters: this transcription can hold at most 30 characters. Shorten it before going on.');
    // A space alone changes it too, as the answer's validity counts it: corrected, and held to the most.
    await page.keyboard.press('Backspace');
    await page.keyboard.type(' ');
    expect([await state(page), await note.textContent()]).toEqual(['Corrected: your changes will be sent.', '34 characters: this transcription can hold at most 30 characters. Shorten it before going on.']);
    await page.getByTestId('correction-reset').click();
    expect(await note.textContent()).toBe('');
    await page.locator('.transcription-lines input').first().click();
    await page.keyboard.press('Control+Enter');
    expect(await stored(workflow.id, 1)).toEqual([OCR]);
  });

  it('is offered in the lab’s definition form with the transcription’s other fields, and saved', async () => {
    const account = await signUp(suite.stack, { email: `correction-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Ada Lovelace' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Corrections' });
    const { id } = await researcher.createWorkflow(project.id, { name: 'Type the pages', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Type the page' } } });
    const { page } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${id}`);
    const field = page.locator('#lab-def-tasks-t0-startFrom');
    await waitToSee(field);
    expect(await page.locator('label[for="lab-def-tasks-t0-startFrom"]').textContent()).toBe('Editor starts from');
    await field.selectOption('subject-text');
    await page.locator('form.def-form button[type="submit"]').click();
    await waitToSee(page.getByTestId('lab-definition-saved').getByText('Saved: version 2 is now current.'));
    expect((await researcher.getWorkflow(id)).definition.tasks.T0).toMatchObject({ startFrom: 'subject-text' });
  });
});
