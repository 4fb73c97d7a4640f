import type { SubjectInput } from '@chorus/client';
import type { Page } from 'playwright-core';
import { checkScreen, closeTutorial, inWindowOf, phone, PHONE_WINDOW, seriousViolations, skipTutorial, tabTo, touchScreen, useStackAndBrowser, waitForFocus, waitForTask, waitToSee } from './support/browser';

/**
 * The task types, by keyboard alone, in a branching workflow; the outbox when the network goes away.
 * Each task screen is checked with axe-core (no serious or critical violation) and photographed at 1280 and
 * 375 px wide; what the classifier stored is read back from Postgres.
 */

jest.setTimeout(60_000);

const SNIPPETS = [
  { text: 'WANTED: a steady boy to drive a carriage. Apply at 12 Mill Street.', word: 'carriage' },
  { text: 'FOR SALE: one bicycle, nearly new, cheap for cash.', word: 'bicycle' },
];

function textSubject({ text, word }: { text: string; word: string }, index: number): SubjectInput {
  const start = text.indexOf(word);
  return { externalId: `snippet-${index + 1}`, locations: [{ type: 'text', text, highlights: [[start, start + word.length]] }], metadata: {} };
}

/** The [start, end) span from the word before the keyword to the end of the keyword. */
function previousWordToKeyword({ text, word }: { text: string; word: string }): [number, number] {
  const start = text.indexOf(word);
  const before = Array.from(text.slice(0, start).matchAll(/[\p{L}\p{N}]+/gu)).pop()!;
  return [before.index, start + word.length];
}

describe('classifier in a browser: every task type, keyboard only', () => {
  const suite = useStackAndBrowser();

  async function storedAnnotations(workflowId: string): Promise<Map<string, unknown>> {
    const { rows } = await suite.stack.db.query<{ subject_id: string; annotations: unknown }>('SELECT subject_id, annotations FROM classifications WHERE workflow_id = $1', [workflowId]);
    const bySubject = new Map<string, unknown>();
    for (const row of rows) {
      expect(bySubject.has(row.subject_id)).toBe(false); // exactly once per subject
      bySubject.set(row.subject_id, row.annotations);
    }
    return bySubject;
  }

  async function setUp(name: string, subjects: SubjectInput[], definition: Parameters<typeof suite.stack.client.createWorkflow>[1], language?: string) {
    const project = await suite.stack.client.createProject({ title: `${name} ${Date.now()}`, status: 'live', language });
    const set = await suite.stack.client.createSubjectSet(project.id, { name: 'Snippets' });
    const subjectSetIds = [set.id];
    await suite.stack.client.addSubjects(set.id, subjects);
    const workflow = await suite.stack.client.createWorkflow(project.id, { ...definition, subjectSetIds });
    await suite.stack.client.activateWorkflow(workflow.id);
    return { url: `${suite.stack.baseUrl}/projects/${project.slug}/workflows/${workflow.id}`, workflowId: workflow.id };
  }

  async function openPage(): Promise<{ page: Page; errors: string[] }> {
    const page = await suite.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return { page, errors };
  }

  it('completes single → close-reading → multiple → transcription → tagging and the other branch, with Back and a reload', async () => {
    const { url, workflowId } = await setUp('All task types', SNIPPETS.map(textSubject), {
      name: 'Read the notices',
      firstTask: 'T0',
      tasks: {
        T0: {
          type: 'single',
          question: 'Is the highlighted word part of an advertisement?',
          answers: [
            { value: 'yes', label: 'Yes', next: 'T1' },
            { value: 'no', label: 'No', next: 'T2' },
          ],
        },
        T1: {
          type: 'close-reading',
          question: 'In what sense is the highlighted word used?',
          senses: [
            { value: 'vehicle', label: 'A vehicle' },
            { value: 'bearing', label: 'The way someone carries themselves' },
          ],
          allowUnsure: true,
          evidence: 'optional',
          next: 'T2',
        },
        T2: {
          type: 'multiple',
          question: 'What else does the notice give?',
          answers: [
            { value: 'price', label: 'A price' },
            { value: 'address', label: 'An address' },
            { value: 'name', label: 'A name' },
            { value: 'date', label: 'A date' },
          ],
          minChoices: 1,
          maxChoices: 2,
          next: 'T3',
        },
        T3: { type: 'transcription', instruction: 'Transcribe the notice, line by line.', textTags: ['unclear', 'deletion'], next: 'T4' },
        T4: { type: 'tagging', instruction: 'Add tags that describe the notice.', vocabulary: ['transport', 'employment', 'sale'], allowFreeTags: true },
      },
      retirement: { rule: 'count', count: 3 },
    });
    const { page, errors } = await openPage();
    await page.goto(url);
    await closeTutorial(page); // a first visit starts with the tutorial; Escape closes it

    // Subject 1: "yes", which leads to the close reading.
    const first = await waitForTask(page, 'single');
    const taskNumber = page.locator('[data-testid="subject"] .task-progress');
    expect(await taskNumber.textContent()).toBe('Task 1 of this subject');
    expect(await page.getByTestId('back').count()).toBe(0); // nothing to go back to
    const shownText = await page.locator('[data-testid="subject"] .subject-text').textContent();
    const firstSnippet = SNIPPETS.find((s) => s.text === shownText)!;
    expect(firstSnippet).toBeDefined();
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    await page.keyboard.press('?');
    const dialog = page.getByTestId('shortcuts-dialog');
    await waitToSee(dialog, { state: 'visible' });
    expect(await dialog.textContent()).toContain('Ctrl + Shift + 1 – 9');
    await checkScreen(page, 'shortcuts');
    await page.keyboard.press('Escape');
    await waitToSee(dialog, { state: 'hidden' });
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    await page.keyboard.press('1');
    await checkScreen(page, 'single-branch');
    await page.keyboard.press('Enter');

    await waitForTask(page, 'close-reading');
    expect(await taskNumber.textContent()).toBe('Task 2 of this subject');
    expect(await page.locator('[data-testid="subject"] .keyboard-hint').textContent()).toBe('Press 1 or 2 to choose a sense, U if you are not sure, then Enter to continue.');
    // The question comes first, and takes focus as every task's does; then the passage, named briefly (the instruction
    // above it describes it, once), its keyword said to be the highlighted word.
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    const closeReading = page.locator('[data-testid="subject"] .task-close-reading');
    const read = await closeReading.ariaSnapshot();
    expect(read.indexOf('group "In what sense is the highlighted word used?"')).toBeGreaterThanOrEqual(0);
    expect(read.indexOf('group "In what sense is the highlighted word used?"')).toBeLessThan(read.indexOf('group "Words to mark as evidence"'));
    const evidenceGroup = closeReading.getByRole('group', { name: 'Words to mark as evidence', exact: true });
    expect(await evidenceGroup.evaluate((group) => (group.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent).join(' '))).toBe(
      'Optionally, mark the words that support your reading: click or tap them. With the keyboard, use ← → to move between words and Space to mark one. No words marked as evidence.',
    );
    // Mark the keyword and the word before it, then choose a sense and "unsure".
    await tabTo(page, '[data-testid="evidence-passage"] button.word');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(firstSnippet.word);
    expect(await evidenceGroup.getByRole('button', { name: `${firstSnippet.word}, the highlighted word`, exact: true }).evaluate((button) => button === document.activeElement)).toBe(true);
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Space');
    expect(await page.locator('[data-testid="evidence-passage"] [aria-pressed="true"]').count()).toBe(2);
    await page.emulateMedia({ forcedColors: 'active' });
    await page.locator('[data-testid="evidence-passage"]').screenshot({ path: 'test-results/screenshots/close-reading-forced-colors.png' });
    await page.emulateMedia({ forcedColors: 'none' });
    // On a touch screen the words are taller targets, and the instruction leaves out the keys.
    const wordHeight = () => page.locator('[data-testid="evidence-passage"] button.word').first().evaluate((word) => word.getBoundingClientRect().height);
    const keysSaid = page.locator('.evidence-instruction .keyboard-only');
    expect(await keysSaid.isVisible()).toBe(true);
    const heightWithMouse = await wordHeight();
    const finger = await touchScreen(page);
    expect(await keysSaid.isVisible()).toBe(false);
    expect(await wordHeight()).toBeGreaterThan(heightWithMouse + 8);
    await finger.lift();
    await page.keyboard.press('Enter'); // on a word, Enter goes on (it does not unmark it): evidence but no sense yet, told what to do
    expect(await page.getByTestId('answer-problem').textContent()).toContain('Choose a sense, or say you are not sure.');
    expect(await page.locator('[data-testid="evidence-passage"] [aria-pressed="true"]').count()).toBe(2);
    await page.keyboard.press('1');
    await page.keyboard.press('u');
    await checkScreen(page, 'close-reading');
    await page.keyboard.press('Enter');

    await waitForTask(page, 'multiple');
    // Back to the close reading, which kept its answer, then forward again.
    await tabTo(page, '[data-testid="back"]');
    await page.keyboard.press('Enter');
    await waitForTask(page, 'close-reading');
    expect(await page.getByRole('radio', { name: 'A vehicle' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'I am not sure' }).isChecked()).toBe(true);
    expect(await page.locator('[data-testid="evidence-passage"] [aria-pressed="true"]').count()).toBe(2);
    await page.keyboard.press('Control+Enter');

    await waitForTask(page, 'multiple');
    await page.keyboard.press('Enter'); // nothing ticked: told why, not silently refused
    expect(await page.getByTestId('answer-problem').textContent()).toContain('Choose between 1 and 2 answers.');
    await page.keyboard.press('1');
    await page.keyboard.press('2');
    await page.keyboard.press('3'); // one too many
    expect(await page.getByTestId('task-message').textContent()).toContain('at most 2');
    expect(await page.getByRole('checkbox', { name: 'A name' }).isChecked()).toBe(false);
    await checkScreen(page, 'multiple');
    await page.keyboard.press('Enter');

    // A fast typist's keys land in the first line at once (the editor's chunk, loaded when the workflow opened, does
    // not leave a moment of "Loading the task…" in which they would reach the image viewer's shortcuts instead).
    await page.keyboard.type('WANTED: a ');
    await waitForTask(page, 'transcription');
    expect(await page.locator('.transcription-lines input').first().inputValue()).toBe('WANTED: a ');
    await page.keyboard.press('Control+Shift+Digit1'); // [unclear]|[/unclear]
    await page.keyboard.type('steady');
    await page.keyboard.press('End');
    await page.keyboard.type(' boy');
    await page.keyboard.press('Enter'); // a new line
    await page.keyboard.type('Apply at 12 Mill Street');
    // Backspace at a line's start joins it to the line above; Ctrl+Z undoes the join, Ctrl+Y does it again.
    const lineValues = () => page.locator('.transcription-lines input').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    const twoLines = ['WANTED: a [unclear]steady[/unclear] boy', 'Apply at 12 Mill Street'];
    await page.keyboard.press('Home');
    await page.keyboard.press('Backspace');
    expect(await lineValues()).toEqual([twoLines.join('')]);
    await page.keyboard.press('Control+z');
    expect(await lineValues()).toEqual(twoLines);
    await page.keyboard.press('Control+y');
    expect(await lineValues()).toEqual([twoLines.join('')]);
    await page.keyboard.press('Control+z');
    expect(await lineValues()).toEqual(twoLines);
    expect(await page.evaluate(() => [(document.activeElement as HTMLInputElement).value, (document.activeElement as HTMLInputElement).selectionStart])).toEqual([twoLines[1], 0]);
    // Further back: the line typed, then the new line; forward again. The browser's own undo, whose history is the
    // whole page's, never runs (it wrote other lines' text into this one).
    await page.keyboard.press('Control+z');
    expect(await lineValues()).toEqual([twoLines[0], '']);
    await page.keyboard.press('Control+z');
    expect(await lineValues()).toEqual([twoLines[0]]);
    await page.keyboard.press('Control+Shift+z');
    expect(await lineValues()).toEqual([twoLines[0], '']);
    await page.keyboard.press('Control+Shift+z');
    expect(await lineValues()).toEqual(twoLines);
    // Undo and redo from the browser's menus arrive as `beforeinput`, and the editor's history serves them as well.
    const fromMenu = (inputType: string) =>
      page.evaluate((type) => document.activeElement!.dispatchEvent(new InputEvent('beforeinput', { inputType: type, bubbles: true, cancelable: true })), inputType);
    expect(await fromMenu('historyUndo')).toBe(false); // cancelled: the browser's own undo does not run
    expect(await lineValues()).toEqual([twoLines[0], '']);
    await fromMenu('historyRedo');
    expect(await lineValues()).toEqual(twoLines);
    await page.keyboard.press('End');
    for (let i = 0; i < ' Street'.length; i += 1) await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Control+Shift+Digit2'); // wraps the selection in [deletion], without the space before the word
    await checkScreen(page, 'transcription');
    await page.keyboard.press('Control+Enter');

    await waitForTask(page, 'tagging');
    await waitForFocus(page, '.tag-entry input');
    await page.keyboard.type('transport');
    await page.keyboard.press('Enter');
    // ";" separates tags in downloads: two tags typed as one are refused, and stay in the field to be split.
    await page.keyboard.type('horses; carts');
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('task-message').textContent()).toBe('Add one tag at a time: a tag cannot hold “;”.');
    expect(await page.getByTestId('task-message').getAttribute('class')).toBe('task-message'); // a refusal looks like one
    await page.locator('.tag-entry input').fill('');
    await page.keyboard.type('horses');
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('task-message').getAttribute('class')).toBe('task-message task-message-done'); // "Added", not a warning
    // The zero-width non-joiner is Persian spelling: the tag keeps it.
    await page.locator('.tag-entry input').fill('\u200fکتاب\u200cخانه');
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('task-message').textContent()).toBe('Added “کتاب\u200cخانه”.');
    await page.getByRole('button', { name: 'Remove “کتاب\u200cخانه”' }).click();
    await page.locator('.tag-entry input').focus();
    // A tag on the list already, typed again in another case: said, and the field cleared (else it would hold up Done).
    await page.keyboard.type('  HORSES ');
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('task-message').textContent()).toBe('“horses” is already on the list.');
    expect(await page.locator('.tag-entry input').inputValue()).toBe('');
    // The volunteer's own tags count as their votes: each offers only Remove.
    expect(await page.locator('.tag button').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label')))).toEqual(['Remove “transport”', 'Remove “horses”']);
    await checkScreen(page, 'tagging');
    // A tag typed but not added is not lost on Done: the volunteer is asked to add it or clear it, beside the buttons.
    await page.keyboard.type('a cart');
    await page.keyboard.press('Control+Enter');
    expect(await page.getByTestId('answer-problem').textContent()).toBe('“a cart” is typed but not added: press Enter (or Add) to add it, or clear the field, then go on.');
    expect(await waitForTask(page, 'tagging')).toBe(first);
    await page.locator('.tag-entry input').fill(''); // cleared by hand: the note goes with it
    await page.waitForFunction(() => document.querySelector('[data-testid="answer-problem"]')?.textContent === '');
    await page.locator('.tag-entry input').fill('a cart');
    await page.getByTestId('back').click(); // going back would lose it too
    expect(await page.getByTestId('answer-problem').textContent()).toMatch(/^“a cart” is typed but not added/);
    expect(await page.locator('[data-testid="subject"]').getAttribute('data-task-type')).toBe('tagging');
    await page.locator('.tag-entry input').focus();
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('answer-problem').textContent()).toBe('');
    await page.keyboard.press('Control+Enter');

    // Subject 2: "no" skips the close reading; a reload in the middle of the transcription loses nothing.
    const second = await waitForTask(page, 'single');
    expect(second).not.toBe(first);
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    expect(await page.getByTestId('announcer').textContent()).toContain('Classification submitted');
    await page.keyboard.press('2');
    await page.keyboard.press('Enter');
    await waitForTask(page, 'multiple');
    await page.keyboard.press('4');
    await page.keyboard.press('Enter');
    await waitForTask(page, 'transcription');
    await waitForFocus(page, '.transcription-lines input');
    await page.keyboard.type('FOR SALE');
    await page.waitForTimeout(100);
    await page.reload();
    expect(await waitForTask(page, 'transcription')).toBe(second);
    expect(await page.locator('.transcription-lines input').first().inputValue()).toBe('FOR SALE');
    await waitForFocus(page, '.transcription-lines input');
    await page.keyboard.press('End');
    await page.keyboard.type(': one bicycle');
    await page.keyboard.press('Control+Enter');
    await waitForTask(page, 'tagging');
    await waitForFocus(page, '.tag-entry input');
    await page.keyboard.type('sale');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Enter');
    await waitToSee(page.getByTestId('finished'));
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);

    const stored = await storedAnnotations(workflowId);
    expect(stored.size).toBe(2);
    expect(stored.get(first)).toEqual([
      { task: 'T0', value: 'yes' },
      { task: 'T1', value: { sense: 'vehicle', unsure: true, evidence: [previousWordToKeyword(firstSnippet)] } },
      { task: 'T2', value: ['price', 'address'] },
      { task: 'T3', value: 'WANTED: a [unclear]steady[/unclear] boy\nApply at 12 Mill [deletion]Street[/deletion]' },
      { task: 'T4', value: { add: ['transport', 'horses', 'a cart'], up: [], down: [] } },
    ]);
    expect(stored.get(second)).toEqual([
      { task: 'T0', value: 'no' },
      { task: 'T2', value: ['date'] },
      { task: 'T3', value: 'FOR SALE: one bicycle' },
      { task: 'T4', value: { add: ['sale'], up: [], down: [] } },
    ]);
    await page.close();
  });

  /** Single choice → close reading (senses only) → multiple choice, on text subjects. */
  const choiceTasks = {
    name: 'Choices',
    firstTask: 'T0',
    tasks: {
      T0: {
        type: 'single' as const,
        question: 'Is it an advertisement?',
        answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No', next: 'T1' }, { value: 'unsure', label: 'Cannot tell', next: 'T1' }],
      },
      T1: {
        type: 'close-reading' as const,
        question: 'In what sense is the highlighted word used?',
        senses: [{ value: 'vehicle', label: 'A vehicle' }, { value: 'bearing', label: 'The way someone carries themselves' }],
        allowUnsure: true,
        evidence: 'none' as const,
        next: 'T2',
      },
      T2: { type: 'multiple' as const, question: 'What else does the notice give?', answers: [{ value: 'price', label: 'A price' }, { value: 'address', label: 'An address' }], minChoices: 1 },
    },
  };
  const focusedValue = (page: Page) => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value);

  it('sits Favourite and the report right below the task on a transcription beside a long page, as on a choice (tester 22 F10)', async () => {
    const letter = Array.from({ length: 60 }, (_, line) => `Line ${line + 1} of a long letter, written in a slanted hand.`).join('\n');
    const { url, workflowId } = await setUp('Long letter', [{ externalId: 'letter-1', locations: [{ type: 'text', text: letter }], metadata: {} }], {
      name: 'Transcribe the letter',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'single', question: 'Is it a letter?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
        T1: { type: 'transcription', instruction: 'Transcribe the letter.' },
      },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    /** Where the task and the two buttons sit, and how far below the task and each other, at the window's width. */
    const layout = () =>
      page.locator('[data-testid="subject"]').evaluate((subject) => {
        const box = (selector: string) => subject.querySelector(selector)!.getBoundingClientRect();
        const [task, favourite, report] = [box('.task-panel'), box('.favourite-button'), box('[data-testid="report-problem"]')];
        return { taskLeft: task.left, favouriteLeft: favourite.left, reportLeft: report.left, belowTask: favourite.top - task.bottom, between: report.top - favourite.bottom };
      });
    await waitForTask(page, 'single');
    const choice = await layout();
    const choiceOnPhone = await inWindowOf(page, PHONE_WINDOW, layout);
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await waitForTask(page, 'transcription');
    const transcription = await layout();
    await checkScreen(page, 'transcription-long-page');
    // Beside the page (which is far taller than the task), in the task's column, one below the other as on a choice:
    // not spread down the page's height.
    expect(transcription.favouriteLeft).toBe(transcription.taskLeft);
    expect(transcription.reportLeft).toBe(transcription.taskLeft);
    // (A choice's buttons come below the page, across the width: there they are the grid's gap apart.)
    expect([transcription.belowTask, transcription.between]).toEqual([choice.between, choice.between]);
    expect(choice.between).toBeLessThan(30);
    // On a phone, below the task as on a choice.
    expect(await inWindowOf(page, PHONE_WINDOW, layout)).toEqual(choiceOnPhone);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('focuses the chosen answer, not the first, on going back to a choice and on a reload onto a draft', async () => {
    const { url, workflowId } = await setUp('Back to a choice', SNIPPETS.map(textSubject), choiceTasks);
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'single');
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    await page.keyboard.press('2');
    await page.keyboard.press('Enter');
    await waitForTask(page, 'close-reading');
    await page.keyboard.press('2');
    await page.keyboard.press('Enter');
    await waitForTask(page, 'multiple');
    await tabTo(page, '[data-testid="back"]');
    await page.keyboard.press('Enter');
    await waitForTask(page, 'close-reading');
    await waitForFocus(page, 'input[type="radio"]:checked');
    expect(await focusedValue(page)).toBe('bearing');
    await tabTo(page, '[data-testid="back"]');
    await page.keyboard.press('Enter');
    await waitForTask(page, 'single');
    await waitForFocus(page, 'input[type="radio"]:checked');
    expect(await focusedValue(page)).toBe('no');
    await page.reload();
    await waitForTask(page, 'single');
    await waitForFocus(page, 'input[type="radio"]:checked');
    expect(await focusedValue(page)).toBe('no');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows no single-key hints or keys once single-key shortcuts are turned off, and shows them again once on', async () => {
    const { url, workflowId } = await setUp('Keys off', SNIPPETS.map(textSubject), choiceTasks);
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'single');
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    const hint = page.locator('[data-testid="subject"] .keyboard-hint');
    const keys = page.locator('[data-testid="subject"] .answer-key, .page-tools kbd');
    expect(await keys.count()).toBe(5); // 1 2 3, T and ?
    await page.keyboard.press('?');
    await page.getByRole('checkbox', { name: 'Use single-key shortcuts' }).uncheck();
    await page.keyboard.press('Escape');
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');

    expect(await keys.count()).toBe(0);
    expect(await hint.textContent()).toBe('Use the arrow keys to choose an answer, then Enter to continue.');
    expect(await page.getByTestId('open-tutorial').textContent()).toBe('Tutorial');
    expect(await page.getByTestId('open-shortcuts').textContent()).toBe('Keyboard shortcuts');
    expect(await page.getByTestId('open-shortcuts').getAttribute('aria-keyshortcuts')).toBeNull();
    // Answered the way the hints say: arrows, Space, Enter.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await waitForTask(page, 'close-reading');
    expect(await keys.count()).toBe(0); // U neither
    expect(await hint.textContent()).toBe('Use the arrow keys to choose a sense, and Space on “I am not sure” if you are not sure, then Enter to continue.');
    await page.keyboard.press('Space');
    await page.keyboard.press('Enter');
    await waitForTask(page, 'multiple');
    expect(await hint.textContent()).toBe('Press Space on a focused answer to tick or untick it, then Enter to continue.');
    await page.getByTestId('open-tutorial').click();
    const tutorial = page.getByTestId('tutorial');
    await tutorial.getByRole('button', { name: 'Next' }).click();
    // The step's words come with the Markdown renderer, loaded on first use ("Loading…" until then, on a busy machine).
    await waitToSee(tutorial.getByText('lists the keys you can use'));
    expect(await tutorial.textContent()).toContain('**Keyboard shortcuts** lists the keys you can use'.replaceAll('**', ''));
    expect(await tutorial.textContent()).not.toContain('(G)');
    await page.keyboard.press('Escape');
    await waitToSee(tutorial, { state: 'hidden' });

    await page.getByTestId('open-shortcuts').click();
    await page.getByRole('checkbox', { name: 'Use single-key shortcuts' }).check();
    await page.keyboard.press('Escape');
    expect(await keys.count()).toBe(4); // 1 2, T and ?
    expect(await hint.textContent()).toBe('Press 1 or 2 (or Space on a focused answer) to tick or untick, then Enter to continue.');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('names the arrow keys in the hint of a choice of more than nine answers, which reach those the number keys do not', async () => {
    const numbered = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => ({ value: `${prefix}${i + 1}`, label: `${prefix.toUpperCase()} ${i + 1}` }));
    const { url, workflowId } = await setUp('Many answers', [textSubject(SNIPPETS[0]!, 0)], {
      name: 'Many answers',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'single', question: 'Which species?', answers: numbered('a', 12).map((answer) => ({ ...answer, next: 'T1' })) },
        T1: { type: 'close-reading', question: 'In what sense?', senses: numbered('s', 11), allowUnsure: true, evidence: 'none' },
      },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'single');
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    const hint = page.locator('[data-testid="subject"] .keyboard-hint');
    expect(await hint.textContent()).toBe('Press 1 to 9, or the arrow keys, to choose an answer, then Enter to continue.');
    // As the hint says: 9, then the arrow keys past it.
    await page.keyboard.press('9');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focusedValue(page)).toBe('a12');
    await page.keyboard.press('Enter');
    await waitForTask(page, 'close-reading');
    expect(await hint.textContent()).toBe('Press 1 to 9, or the arrow keys, to choose a sense, U if you are not sure, then Enter to continue.');
    await page.keyboard.press('9');
    await page.keyboard.press('ArrowDown');
    expect(await focusedValue(page)).toBe('s10');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('finished'), { timeout: 10_000 });
    const stored = [...(await storedAnnotations(workflowId)).values()];
    expect(stored).toEqual([[{ task: 'T0', value: 'a12' }, { task: 'T1', value: { sense: 's10' } }]]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lets a close reading that requires evidence be answered with a sense alone on a subject without text, saying why', async () => {
    const image: SubjectInput = { externalId: 'page-1', locations: [{ type: 'image', url: `${suite.stack.baseUrl}/no-such-page.jpg` }] };
    const { url, workflowId } = await setUp('Evidence without text', [image], {
      name: 'Senses of pictures',
      firstTask: 'T0',
      tasks: { T0: { type: 'close-reading', question: 'In what sense?', senses: [{ value: 'vehicle', label: 'A vehicle' }, { value: 'bearing', label: 'Bearing' }], evidence: 'required' } },
    });
    await skipTutorial(suite.context, workflowId);
    const { page } = await openPage();
    await page.goto(url);
    const subjectId = await waitForTask(page, 'close-reading');
    expect(await page.getByText('This subject has no text to mark as evidence: choosing a sense is enough.').count()).toBe(1);
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('finished'), { timeout: 10_000 });
    expect((await storedAnnotations(workflowId)).get(subjectId)).toEqual([{ task: 'T0', value: { sense: 'vehicle' } }]);
    await page.close();
  });

  it('puts the page a passage comes from beside the passage to mark, and a passage alone across the whole width', async () => {
    const [snippet] = SNIPPETS;
    const withPage: SubjectInput = { ...textSubject(snippet!, 0), locations: [{ type: 'image', url: `${suite.stack.baseUrl}/no-such-page.jpg` }, ...textSubject(snippet!, 0).locations] };
    const longWord = { text: `Apply to https://example.org/${'x'.repeat(120)} for a bicycle.`, word: 'bicycle' };
    const { url, workflowId } = await setUp('Passage and page', [withPage, textSubject(longWord, 1)], {
      name: 'Senses',
      firstTask: 'T0',
      tasks: { T0: { type: 'close-reading', question: 'In what sense?', senses: [{ value: 'vehicle', label: 'A vehicle' }, { value: 'bearing', label: 'Bearing' }], evidence: 'optional' } },
      selection: { order: 'sequential', goldStandardRate: 0 },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'close-reading');
    const subjectPanel = page.locator('[data-testid="subject"] .subject-panel');
    const passage = page.locator('[data-testid="subject"] .task-panel [data-testid="evidence-passage"]');
    expect(await subjectPanel.locator('img, [data-testid="image-viewer"]').count()).toBeGreaterThan(0);
    expect(await subjectPanel.getByText(snippet!.text).count()).toBe(0); // the passage is the task's, once
    expect(await passage.count()).toBe(1);
    const [pageBox, passageBox] = [(await subjectPanel.boundingBox())!, (await passage.boundingBox())!];
    expect(pageBox.x + pageBox.width).toBeLessThanOrEqual(passageBox.x); // side by side at 1280 px
    expect(passageBox.y).toBeLessThan(500); // the passage at the top, below its question, not below the page
    // The full stop stays with its word at the end of a line.
    const lastRun = passage.locator('.word-run').last();
    expect([await lastRun.textContent(), await lastRun.evaluate((run) => run.getClientRects().length)]).toEqual(['Street.', 1]);
    await checkScreen(page, 'close-reading-beside-page');
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');

    await page.waitForFunction(() => document.querySelector('[data-testid="subject"]')?.classList.contains('classify-full') === true);
    expect(await subjectPanel.count()).toBe(0);
    expect(await passage.count()).toBe(1);
    // A word longer than the line breaks inside the passage rather than running out of it.
    expect(await inWindowOf(page, PHONE_WINDOW, () => passage.evaluate((box) => box.scrollWidth <= box.clientWidth))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('starts the page strip again at its first page when the next task shows the subject\'s pages without its passage, or with it', async () => {
    const [snippet] = SNIPPETS;
    const pages: SubjectInput = {
      ...textSubject(snippet!, 0),
      locations: [{ type: 'image', url: `${suite.stack.baseUrl}/no-such-page-1.jpg` }, ...textSubject(snippet!, 0).locations, { type: 'image', url: `${suite.stack.baseUrl}/no-such-page-2.jpg` }],
    };
    const senses = [{ value: 'vehicle', label: 'A vehicle' }, { value: 'bearing', label: 'Bearing' }];
    const { url, workflowId } = await setUp('Pages between tasks', [pages], {
      name: 'Pages',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'close-reading', question: 'In what sense?', senses, evidence: 'optional', next: 'T1' },
        T1: { type: 'single', question: 'An advert?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
      },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'close-reading');
    const strip = page.locator('[data-testid="subject"] .subject-panel .page-strip');
    expect(await strip.locator('button').count()).toBe(2); // the two images; the passage is the task's
    await strip.locator('button').nth(1).click();
    expect(await strip.locator('[aria-current="page"]').textContent()).toBe('2');
    await page.locator('[data-testid="subject"] input[type="radio"]').first().check();
    await page.getByRole('button', { name: 'Next' }).click();
    await waitForTask(page, 'single');
    // Three pages now, the passage among them: page 2 would be the passage, not the image the volunteer was on.
    expect(await strip.locator('button').count()).toBe(3);
    expect(await strip.locator('[aria-current="page"]').textContent()).toBe('1');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('asks before an empty transcription goes: Escape and Go back return to its last line, a second confirm submits it', async () => {
    const { url, workflowId } = await setUp('Empty transcription', SNIPPETS.map(textSubject), {
      name: 'Transcribe the notices',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Transcribe the notice, line by line.' } },
      retirement: { rule: 'count', count: 3 },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    const firstLine = '.transcription-lines li:first-child input';
    const lastLine = '.transcription-lines li:last-child input';
    const check = page.getByRole('alertdialog', { name: 'Nothing is written here. Is it meant to be empty?' });

    // Subject 1: two lines of nothing but spaces. Done asks first; Escape, then Go back, return to the last line.
    const first = await waitForTask(page, 'transcription');
    await waitForFocus(page, firstLine);
    await page.keyboard.type('   ');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Enter');
    await waitForFocus(page, '[data-testid="empty-answer"]');
    expect(await check.textContent()).toContain('An empty answer is right for a blank page.');
    await checkScreen(page, 'transcription-empty');
    await page.keyboard.press('Escape');
    await waitToSee(check, { state: 'detached' });
    await waitForFocus(page, lastLine);
    await page.keyboard.press('Control+Enter');
    await waitForFocus(page, '[data-testid="empty-answer"]');
    await tabTo(page, '[data-testid="empty-answer"] .button-secondary');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Go back');
    await page.keyboard.press('Enter');
    await waitToSee(check, { state: 'detached' });
    await waitForFocus(page, lastLine);
    expect((await storedAnnotations(workflowId)).size).toBe(0); // nothing went without the volunteer's word
    await page.keyboard.press('Control+Enter');
    await waitForFocus(page, '[data-testid="empty-answer"]');
    await tabTo(page, '[data-testid="empty-answer"] .button-primary');
    await page.keyboard.press('Enter');

    // Subject 2, left untouched: Done, then Done again, submits it empty.
    const second = await nextSubject(page, first, 'transcription');
    await waitForFocus(page, firstLine);
    await page.keyboard.press('Control+Enter');
    await waitForFocus(page, '[data-testid="empty-answer"]');
    await page.keyboard.press('Control+Enter');
    await waitToSee(page.getByTestId('finished'));
    expect(errors).toEqual([]);

    const stored = await storedAnnotations(workflowId);
    expect(stored.get(first)).toEqual([{ task: 'T0', value: '   \n' }]);
    expect(stored.get(second)).toEqual([{ task: 'T0', value: '' }]);
    await page.close();
  });

  it('asks before a multiple choice goes with nothing ticked where none is required, and says how many to tick where one is (tester F8)', async () => {
    const answers = [{ value: 'price', label: 'A price' }, { value: 'address', label: 'An address' }];
    const { url, workflowId } = await setUp('Empty multiple choice', SNIPPETS.map(textSubject), {
      name: 'What the notices give',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'multiple', question: 'What does the notice give?', answers, next: 'T1' },
        T1: { type: 'multiple', question: 'What else does it give?', answers, minChoices: 1 },
      },
      retirement: { rule: 'count', count: 3 },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    const firstBox = '[data-testid="subject"] input[type="checkbox"]';
    const check = page.getByRole('alertdialog', { name: 'Nothing is ticked. Does none of these apply?' });

    // None required: Next with nothing ticked asks first; Escape returns to the first answer, nothing stored.
    const first = await waitForTask(page, 'multiple');
    await waitForFocus(page, firstBox);
    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-testid="empty-answer"]');
    expect(await check.textContent()).toContain('None ticked is a right answer when none applies.');
    await checkScreen(page, 'multiple-empty');
    await page.keyboard.press('Escape');
    await waitToSee(check, { state: 'detached' });
    await waitForFocus(page, firstBox);
    expect(await page.locator('[data-task="T0"]').count()).toBe(1); // still on the first question
    // Asked again, the second Enter goes on with none ticked.
    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-testid="empty-answer"]');
    await page.keyboard.press('Enter');

    // One required: Done with nothing ticked says how many, in the alert below the task, and asks nothing.
    await waitToSee(page.locator('[data-task="T1"]'));
    await waitForFocus(page, firstBox);
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('answer-problem').textContent()).toBe('Choose at least 1 answer.');
    expect(await page.getByRole('alert').filter({ hasText: 'Choose at least 1 answer.' }).count()).toBe(1);
    expect(await check.count()).toBe(0);
    expect((await storedAnnotations(workflowId)).size).toBe(0);
    await page.keyboard.press('2');
    await page.keyboard.press('Enter');
    await nextSubject(page, first, 'multiple');
    expect(errors).toEqual([]);
    expect((await storedAnnotations(workflowId)).get(first)).toEqual([{ task: 'T0', value: [] }, { task: 'T1', value: ['address'] }]);
    await page.close();
  });

  it('scrolls a long passage in its own box, so the question stays near the words to mark', async () => {
    const sentence = 'The carriage waited in the lane while the driver read the notice again. ';
    const text = `${sentence.repeat(200)}Then the carriage left.`;
    const start = text.lastIndexOf('carriage');
    const { url, workflowId } = await setUp('Long passage', [{ externalId: 'long', locations: [{ type: 'text', text, highlights: [[start, start + 8]] }] }], {
      name: 'Read closely',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'close-reading', question: 'In what sense?', senses: [{ value: 'vehicle', label: 'A vehicle' }, { value: 'bearing', label: 'Bearing' }], evidence: 'optional' },
      },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'close-reading');
    const passage = await page.getByTestId('evidence-passage').boundingBox();
    const viewport = page.viewportSize()!;
    expect(passage!.height).toBeLessThanOrEqual(viewport.height * 0.6 + 1);
    const question = await page.locator('legend.task-question').boundingBox();
    expect(question!.y).toBeLessThan(passage!.y + passage!.height + viewport.height);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('makes lines pasted into a line of the editor as many lines, from the caret on', async () => {
    const { url, workflowId } = await setUp('Pasted lines', SNIPPETS.slice(0, 1).map(textSubject), {
      name: 'Transcribe',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Transcribe the letter, line by line.' } },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'transcription');
    await waitForFocus(page, '.transcription-lines input');
    await page.keyboard.type('Dear Sir, Yours');
    for (let i = 0; i < ' Yours'.length; i += 1) await page.keyboard.press('ArrowLeft');
    await page.evaluate(() => {
      const clipboardData = new DataTransfer();
      clipboardData.setData('text/plain', '\r\nI write to say\r\nthat the vestry met\r\n');
      document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
    });
    await page.keyboard.type(' today');
    const lines = await page.locator('.transcription-lines input').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    expect(lines).toEqual(['Dear Sir,', 'I write to say', 'that the vestry met today Yours']);
    await page.keyboard.press('Control+Enter');
    await waitToSee(page.getByTestId('finished'));
    const { rows } = await suite.stack.db.query<{ annotations: unknown }>('SELECT annotations FROM classifications WHERE workflow_id = $1', [workflowId]);
    expect(rows.map((row) => row.annotations)).toEqual([[{ task: 'T0', value: 'Dear Sir,\nI write to say\nthat the vestry met today Yours' }]]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('tags by keyboard what is selected in the line in use, goes on after the tag, and restores a draft with the caret at its end', async () => {
    const { url, workflowId } = await setUp('Tag keys', SNIPPETS.slice(0, 1).map(textSubject), {
      name: 'Transcribe',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Transcribe the letter, line by line.', textTags: ['unclear', 'deletion'] } },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'transcription');
    await waitForFocus(page, '.transcription-lines input');
    const lines = () => page.locator('.transcription-lines input').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    await page.keyboard.type('Dear Sir,');
    await page.keyboard.press('Enter');
    // A word wrapped by its shortcut, then Enter: a new line after the tag, the word kept.
    await page.keyboard.type('the second line illegible');
    await page.keyboard.press('Control+Shift+ArrowLeft');
    await page.keyboard.press('Control+Shift+Digit1');
    await page.keyboard.press('Enter');
    await page.keyboard.type('third line');
    expect(await lines()).toEqual(['Dear Sir,', 'the second line [unclear]illegible[/unclear]', 'third line']);
    // Shift+Tab leaves the lines at once for the tag buttons, and the button wraps what is selected in the line left.
    for (let i = 0; i < 'line'.length; i += 1) await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('[deletion]');
    await page.keyboard.press('Enter');
    expect(await lines()).toEqual(['Dear Sir,', 'the second line [unclear]illegible[/unclear]', 'third [deletion]line[/deletion]']);
    // Reloaded, the draft comes back with the caret at the end of its last line: typing goes on there.
    await page.reload();
    await waitForTask(page, 'transcription');
    await page.waitForFunction(() => (document.activeElement as HTMLInputElement | null)?.value === 'third [deletion]line[/deletion]');
    await page.keyboard.type(' ends');
    expect((await lines())[2]).toBe('third [deletion]line[/deletion] ends');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('inserts a special character of the task at the caret, or in place of the selection, by its button, and typing goes on after it', async () => {
    const { url, workflowId } = await setUp('Special characters', SNIPPETS.slice(0, 1).map(textSubject), {
      name: 'Transcribe',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Transcribe the letter, line by line.', specialCharacters: ['ſ', 'æ'] } },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'transcription');
    await waitForFocus(page, '.transcription-lines input');
    const line = () => page.locator('.transcription-lines input').first().inputValue();
    await page.keyboard.type('the ');
    // Clicked with the mouse: pressing the button takes no focus from the line, and the caret stays after what it put in.
    const caretInLine = () => page.evaluate(() => (document.activeElement?.matches('.transcription-lines input') ? (document.activeElement as HTMLInputElement).selectionStart : null));
    const box = (await page.getByRole('button', { name: 'Insert ſ' }).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    expect(await caretInLine()).toBe('the '.length);
    await page.mouse.up();
    await page.waitForFunction(() => (document.querySelector('.transcription-lines input') as HTMLInputElement).value === 'the ſ');
    expect(await caretInLine()).toBe('the ſ'.length);
    await page.keyboard.type('ea of Aeneas');
    expect(await line()).toBe('the ſea of Aeneas');
    // "Ae" selected in the line is replaced, by keyboard: Shift+Tab reaches the toolbar, the selection kept.
    for (let i = 0; i < 'neas'.length; i += 1) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Insert æ');
    await page.keyboard.press('Enter');
    expect(await line()).toBe('the ſea of æneas');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).selectionStart)).toBe('the ſea of æ'.length);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a text tag never closed, saying which and where, and sends the transcription once it is closed', async () => {
    const { url, workflowId } = await setUp('Unclosed tags', SNIPPETS.slice(0, 1).map(textSubject), {
      name: 'Transcribe',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Transcribe the letter, line by line.', textTags: ['unclear'] } },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'transcription');
    await waitForFocus(page, '.transcription-lines input');
    await page.keyboard.type('Dear Sir,');
    await page.keyboard.press('Enter');
    await page.keyboard.type('the [unclear]vestry met');
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="answer-problem"]')?.textContent !== '');
    expect(await page.getByTestId('answer-problem').textContent()).toBe(
      'This answer is not valid: [unclear] on line 2 is never closed: add [/unclear] after the words it covers.',
    );
    await page.keyboard.type('[/unclear]');
    await page.keyboard.press('Control+Enter');
    await waitToSee(page.getByTestId('finished'));
    const { rows } = await suite.stack.db.query<{ annotations: unknown }>('SELECT annotations FROM classifications WHERE workflow_id = $1', [workflowId]);
    expect(rows.map((row) => row.annotations)).toEqual([[{ task: 'T0', value: 'Dear Sir,\nthe [unclear]vestry met[/unclear]' }]]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fills a form of fields by keyboard: labelled controls, required said in words, each problem under its field and the first focused, a draft kept over a reload', async () => {
    const { url, workflowId } = await setUp('Index cards', SNIPPETS.slice(0, 1).map(textSubject), {
      name: 'Copy the card',
      firstTask: 'T0',
      tasks: {
        T0: {
          type: 'fields',
          instruction: 'Copy the index card.',
          fields: [
            { key: 'surname', label: 'Surname', kind: 'text', required: true, help: 'As written, in capitals or not.' },
            { key: 'born', label: 'Date of birth', kind: 'date' },
            { key: 'age', label: 'Age', kind: 'number' },
            { key: 'parish', label: 'Parish', kind: 'choice', choices: ['St Mary', 'St John'] },
          ],
        },
      },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'fields');
    const surname = page.getByLabel('Surname (required)', { exact: true });
    const born = page.getByLabel('Date of birth', { exact: true });
    await waitForFocus(page, '[data-field="surname"]');
    expect(await page.getByLabel('Age', { exact: true }).getAttribute('inputmode')).toBe('decimal');
    expect(await born.getAttribute('inputmode')).toBeNull(); // a digits-only keypad would have no '-'
    const dateHint = (await born.getAttribute('aria-describedby'))!; // the format, read with the field
    expect(await page.locator(`[id="${dateHint}"]`).textContent()).toMatch(/^Write the date as YYYY, YYYY-MM or YYYY-MM-DD/);

    // Tab from field to field: the required one left blank, an unreal date, a number, a choice by the arrow keys.
    await page.keyboard.press('Tab');
    await page.keyboard.type('1881-02-30');
    await page.keyboard.press('Tab');
    await page.keyboard.type('34');
    await page.keyboard.press('Tab');
    await waitForFocus(page, 'select[data-field="parish"]');
    // Tabbing past a required field says nothing until going on is refused; a value typed wrong, once left, is said.
    expect(await page.locator('.field-error').allTextContents()).toEqual(['This date does not exist: check the month and the day.']);
    expect(await surname.getAttribute('aria-invalid')).toBeNull();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Control+Enter');
    await waitForFocus(page, '[data-field="surname"]');
    expect(await page.getByTestId('answer-problem').textContent()).toBe('Check “Surname”: the problem is shown under it.');
    expect(await surname.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').allTextContents()).toEqual(['Fill in this field: it is required.', 'This date does not exist: check the month and the day.']);
    await checkScreen(page, 'fields');
    expect((await storedAnnotations(workflowId)).size).toBe(0);

    // A reload keeps what was typed.
    await page.keyboard.type('  Smith ');
    await page.reload();
    await waitForTask(page, 'fields');
    await waitToSee(surname);
    expect([await surname.inputValue(), await born.inputValue(), await page.getByLabel('Parish', { exact: true }).inputValue()]).toEqual(['  Smith ', '1881-02-30', 'St Mary']);
    await born.fill('1881-04');
    await page.keyboard.press('Control+Enter');
    await waitToSee(page.getByTestId('finished'));
    expect([...(await storedAnnotations(workflowId)).values()]).toEqual([[{ task: 'T0', value: { surname: 'Smith', born: '1881-04', age: '34', parish: 'St Mary' } }]]);
    expect(errors).toEqual([]);
    await page.close();
  });

  /**
   * A form of one number field, "Âge", in a project in `language`, open on its first subject, the field focused;
   * `beforeOpening` may set the page up first. `sent` says what was stored once the form is sent.
   */
  async function numberForm(language: string, beforeOpening?: (page: Page) => Promise<unknown>) {
    const { url, workflowId } = await setUp(
      `Registres ${language}`,
      SNIPPETS.slice(0, 1).map(textSubject),
      { name: 'Copier la ligne', firstTask: 'T0', tasks: { T0: { type: 'fields', instruction: 'Copiez la ligne du registre.', fields: [{ key: 'age', label: 'Âge', kind: 'number' }] } } },
      language,
    );
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await beforeOpening?.(page);
    await page.goto(url);
    await waitForTask(page, 'fields');
    await waitForFocus(page, '[data-field="age"]');
    const sent = async () => {
      await page.keyboard.press('Control+Enter');
      await waitToSee(page.getByTestId('finished'));
      expect(errors).toEqual([]);
      return [...(await storedAnnotations(workflowId)).values()];
    };
    return { page, sent };
  }

  // The interface is in English, the project's documents in French or German: said in English, as the project writes numbers.
  it.each([
    ['takes a number typed with a comma in a French project ("12,5", sent as 12.5), and says a thousands separator is not one, naming the comma', 'fr', '1 250', 'Write a number in digits, with “,” for decimals (12,5), without spaces or thousands separators.', '12,5', '12.5'],
    ['refuses "1.250" typed in a German project (a thousand or a decimal?), saying both ways to write it, and sends a typed "1,250" as 1.250', 'de', '1.250', 'Is this a thousand or more, or a decimal? Write 1250, or 1,25: no “.” between thousands.', '1,250', '1.250'],
  ])('%s', async (_name, language, refused, refusal, typed, stored) => {
    const { page, sent } = await numberForm(language);
    await page.keyboard.type(refused);
    await page.keyboard.press('Tab');
    expect(await page.locator('.field-error').allTextContents()).toEqual([refusal]);
    await page.getByLabel('Âge', { exact: true }).fill(typed);
    await page.keyboard.press('Tab');
    expect(await page.locator('.field-error').count()).toBe(0);
    expect(await sent()).toEqual([[{ task: 'T0', value: { age: stored } }]]);
    await page.close();
  });

  it('shows a form once the project, whose language its numbers are typed in, is read: a French "12,5" sent at once is taken', async () => {
    // The project comes after the workflow and the subjects.
    const { page, sent } = await numberForm('fr', (page) =>
      page.route('**/api/v1/projects/*', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await route.continue();
      }),
    );
    await page.keyboard.type('12,5');
    expect(await sent()).toEqual([[{ task: 'T0', value: { age: '12.5' } }]]);
    await page.close();
  });

  it('asks before a form goes with every field blank, and sends it blank once confirmed', async () => {
    const { url, workflowId } = await setUp('Blank cards', SNIPPETS.slice(0, 1).map(textSubject), {
      name: 'Copy the card',
      firstTask: 'T0',
      tasks: { T0: { type: 'fields', instruction: 'Copy the card.', fields: [{ key: 'notes', label: 'Notes', kind: 'text' }, { key: 'year', label: 'Year', kind: 'date' }] } },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'fields');
    await waitForFocus(page, '[data-field="notes"]');
    await page.keyboard.type('   ');
    await page.keyboard.press('Control+Enter');
    await waitForFocus(page, '[data-testid="empty-answer"]');
    expect(await page.getByRole('alertdialog', { name: 'Every field is blank. Is there nothing to copy here?' }).count()).toBe(1);
    expect((await storedAnnotations(workflowId)).size).toBe(0);
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('finished'));
    expect([...(await storedAnnotations(workflowId)).values()]).toEqual([[{ task: 'T0', value: { notes: '', year: '' } }]]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says how much of a transcription’s most characters is used, and when it is full or too long', async () => {
    const { url, workflowId } = await setUp('Long transcriptions', SNIPPETS.slice(0, 2).map(textSubject), {
      name: 'Transcribe briefly',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Sum it up.', mode: 'free', maxLength: 20, textTags: ['unclear'] } },
      retirement: { rule: 'count', count: 3 },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    await waitForTask(page, 'transcription');
    await waitForFocus(page, 'textarea.transcription-free');
    const note = page.getByTestId('length-note');
    await page.keyboard.type('A boy wanted');
    expect(await note.textContent()).toBe('');
    await page.keyboard.type(' to ');
    expect(await note.textContent()).toBe('16 of 20 characters used.');
    // What is read out waits for a pause in typing: one announcement, not one per key.
    const spoken: string[] = [];
    await page.exposeFunction('noteSpoken', (text: string) => spoken.push(text));
    await page.evaluate(() => {
      const region = document.querySelector('[data-testid="length-note-spoken"]')!;
      new MutationObserver(() => (window as unknown as { noteSpoken(text: string): void }).noteSpoken(region.textContent ?? '')).observe(region, { childList: true, characterData: true, subtree: true });
    });
    await page.keyboard.type('drive a carriage');
    await page.waitForFunction(() => document.querySelector('[data-testid="length-note-spoken"]')?.textContent?.startsWith('This transcription is full'));
    // (The note of the text before it may come first, if this machine paused before the typing began.)
    expect(spoken.filter((text) => text !== '').slice(-1)).toEqual(['This transcription is full: it holds at most 20 characters, and nothing more typed or pasted is kept.']);
    expect(spoken.filter((text) => text !== '').length).toBeLessThanOrEqual(2);
    expect(await page.locator('textarea.transcription-free').inputValue()).toBe('A boy wanted to driv');
    expect(await note.textContent()).toBe('This transcription is full: it holds at most 20 characters, and nothing more typed or pasted is kept.');
    // A text tag is not typed: it can take the full text past its most, and the note says so.
    await page.keyboard.press('Control+Shift+Digit1');
    expect(await page.locator('textarea.transcription-free').inputValue()).toBe('A boy wanted to driv[unclear][/unclear]');
    expect(await note.textContent()).toBe('39 characters: this transcription can hold at most 20 characters. Shorten it before going on.');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('on a phone, ignores the second tap of a double tap on Next that lands on an answer of the next task; keys and a later tap still answer', async () => {
    const { url, workflowId } = await setUp('Double tap', SNIPPETS.map(textSubject), {
      name: 'Read the notices',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'single', question: 'Is this an advertisement?', answers: [{ value: 'yes', label: 'Yes', next: 'T2' }, { value: 'no', label: 'No', next: 'T2' }] },
        T2: {
          type: 'multiple',
          question: 'What else does the notice give?',
          answers: [{ value: 'price', label: 'A price' }, { value: 'address', label: 'An address' }, { value: 'name', label: 'A name' }],
          minChoices: 1,
          maxChoices: 2,
        },
      },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    // A phone: its width, and a finger (touch events, and the clicks a browser makes of them).
    const finger = await phone(page, { width: 360, height: 740 });
    const { tap, centreOf } = finger;
    const ticked = () => page.locator('[data-testid="subject"] input[type="checkbox"]:checked').evaluateAll((boxes) => boxes.map((box) => (box as HTMLInputElement).value));
    // The page's clock stands still: however slowly this machine runs the taps, the page sees them at the same moment.
    await page.clock.install();
    await page.goto(url);
    await waitForTask(page, 'single');
    // The clock is the browser context's, not the page's: it runs again after the test, for the tests after it.
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000);
    try {
      await tap(await centreOf('[data-testid="subject"] .answer:has(input[value="no"]) label'));
      expect(await page.locator('[data-testid="subject"] input[value="no"]').isChecked()).toBe(true);

      // A double tap on Next: the first goes on; the second lands on the next task, come on screen under the finger.
      const next = await centreOf('[data-testid="subject"] button[type="submit"]');
      await tap(next);
      await waitForTask(page, 'multiple');
      await waitForFocus(page, '[data-testid="subject"] input[type="checkbox"]');
      expect(await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('[data-task] .answer')?.querySelector('input')?.value ?? null, next)).toBe('address');
      await tap(next);
      await page.waitForTimeout(300);
      expect(await ticked()).toEqual([]);
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('price'); // focus stays where the task put it

      // Keys are pressed on purpose: one right after the change answers.
      await page.keyboard.press('3');
      expect(await ticked()).toEqual(['name']);
      // A tap a moment later is a choice.
      await page.clock.runFor(1000);
      await tap(next);
      expect(await ticked()).toEqual(['address', 'name']);
    } finally {
      await page.clock.resume();
    }
    await finger.lift();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('ignores the second click of a double click on Next or Back, which would go on or back a second time; Enter and a later click still do', async () => {
    const single = (question: string, next?: string) => ({ type: 'single' as const, question, answers: [{ value: 'yes', label: 'Yes', next }, { value: 'no', label: 'No', next }] });
    const { url, workflowId } = await setUp('Double click', SNIPPETS.map(textSubject), {
      name: 'Three questions',
      firstTask: 'T0',
      tasks: { T0: single('Is it a notice?', 'T1'), T1: single('Is it a sale?', 'T2'), T2: single('Is it signed?') },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    const onScreen = async () => {
      await waitToSee(page.locator('[data-testid="subject"] [data-task]'));
      return page.locator('[data-testid="subject"] [data-task]').getAttribute('data-task');
    };
    const centreOf = async (selector: string) => {
      const box = (await page.locator(`[data-testid="subject"] ${selector}`).boundingBox())!;
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    };
    const click = async (selector: string, times = 1) => {
      const { x, y } = await centreOf(selector);
      for (let time = 0; time < times; time++) await page.mouse.click(x, y);
    };
    // Past the moment a click on a task just come on screen is taken for a stray one.
    const settle = () => page.clock.runFor(1000);
    // The page's clock stands still (as in the test above): both clicks of a double click come at the same moment.
    await page.clock.install();
    await page.goto(url);
    await waitForTask(page, 'single');
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000);
    try {
      for (const task of ['T1', 'T2']) {
        await click('.answer:has(input[value="no"]) label');
        await click('button[type="submit"]');
        expect(await onScreen()).toBe(task);
        await settle();
      }
      // Back stays where it was, under the pointer, from one task to the one before.
      await click('[data-testid="back"]', 2);
      expect(await onScreen()).toBe('T1');
      await settle();
      await click('[data-testid="back"]');
      expect(await onScreen()).toBe('T0');
      await settle();
      // T1 keeps its answer: a second Next would have gone past it unseen.
      await click('button[type="submit"]', 2);
      expect(await onScreen()).toBe('T1');
      expect(await page.getByTestId('answer-problem').textContent()).toBe('');
      // Keys are pressed on purpose: Enter right after goes on.
      await page.keyboard.press('Enter');
      expect(await onScreen()).toBe('T2');
      // A click a moment later goes back.
      await settle();
      await click('[data-testid="back"]');
      expect(await onScreen()).toBe('T1');
    } finally {
      await page.clock.resume();
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps answers in the outbox while offline, then stores each exactly once', async () => {
    const snippets = [
      ...SNIPPETS,
      { text: 'LOST: a brown dog answering to Rex. Reward.', word: 'dog' },
      { text: 'The train from York arrived an hour late.', word: 'train' },
    ];
    const { url, workflowId } = await setUp('Offline', snippets.map(textSubject), {
      name: 'Ad or not, offline',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'single', question: 'Is this an advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
      },
      retirement: { rule: 'count', count: 3 },
    });
    await skipTutorial(suite.context, workflowId);
    const { page, errors } = await openPage();
    await page.goto(url);
    const first = await waitForTask(page, 'single');
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');

    await suite.context.setOffline(true);
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    const second = await waitForTask(page, 'single').then(async (id) => (id === first ? await nextSubject(page, first) : id));
    expect(await page.getByTestId('outbox-count').textContent()).toBe('1');
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    await page.keyboard.press('2');
    await page.keyboard.press('Enter');
    await nextSubject(page, second);
    expect(await page.getByTestId('outbox-count').textContent()).toBe('2');
    expect(await page.getByTestId('announcer').textContent()).toContain('saved on this device');
    expect((await page.locator('[role="alert"]').allTextContents()).join('')).toBe(''); // not shown as a failure
    await checkScreen(page, 'outbox');
    expect((await storedAnnotations(workflowId)).size).toBe(0);
    expect(await page.getByTestId('outbox').textContent()).toContain('you can keep classifying');
    // The first batch runs out while offline: the note no longer says to keep classifying.
    for (let answered = 2; answered < 4; answered += 1) {
      const shown = await waitForTask(page, 'single');
      await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
      await page.keyboard.press('2');
      await page.keyboard.press('Enter');
      if (answered < 3) await nextSubject(page, shown);
    }
    await waitToSee(page.getByTestId('outbox').getByText('they will be sent, and new subjects will come, as soon as Chorus answers'));
    expect(await page.getByTestId('subject').count()).toBe(0);

    await suite.context.setOffline(false); // the browser's `online` event sends the outbox
    await waitToSee(page.getByTestId('outbox'), { state: 'detached', timeout: 10_000 });
    const stored = await storedAnnotations(workflowId);
    expect(stored.size).toBe(4);
    expect(stored.get(first)).toEqual([{ task: 'T0', value: 'yes' }]);
    expect(stored.get(second)).toEqual([{ task: 'T0', value: 'no' }]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says how many answers kept on the device the server refused for good, with the first one’s reason', async () => {
    const { url, workflowId } = await setUp('Refused', [...SNIPPETS, ...SNIPPETS].map(textSubject), {
      name: 'Ad or not, refused',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Is this an advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      retirement: { rule: 'count', count: 3 },
    });
    await skipTutorial(suite.context, workflowId);
    const { page } = await openPage();
    await page.goto(url);
    let subject = await waitForTask(page, 'single');
    await suite.context.setOffline(true);
    for (const key of ['1', '2']) {
      await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
      await page.keyboard.press(key);
      await page.keyboard.press('Enter');
      subject = await nextSubject(page, subject);
    }
    expect(await page.getByTestId('outbox-count').textContent()).toBe('2');
    // The server answers both with a refusal for good (as one from a classifier that sent what it no longer takes).
    await page.route('**/api/v1/classifications', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 422, contentType: 'application/problem+json', body: JSON.stringify({ type: 'urn:chorus:problem:validation-failed', title: 'Validation failed', status: 422, detail: 'One field is invalid: /annotations/0/value is wrong', errors: [] }) })
        : route.continue(),
    );
    await suite.context.setOffline(false);
    await waitToSee(page.getByTestId('outbox'), { state: 'detached', timeout: 10_000 });
    await page.waitForFunction(() => [...document.querySelectorAll('[role="alert"]')].some((alert) => alert.textContent?.includes('refused')));
    expect((await page.locator('[role="alert"]').allTextContents()).join('')).toContain(
      // In words, not the API's pointers.
      "The server refused 2 answers saved on this device, so they were dropped. The first: It does not fit this workflow's tasks; tell the project's researchers if it happens again.",
    );
    expect((await storedAnnotations(workflowId)).size).toBe(0);
    await page.close();
  });
});

async function nextSubject(page: Page, previous: string, type = 'single'): Promise<string> {
  await page.waitForFunction((id) => document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') !== id, previous, { timeout: 10_000 });
  return waitForTask(page, type);
}
