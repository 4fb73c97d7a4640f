import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { ChorusClient } from '@chorus/client';
import { ACCOUNT_PASSWORD, newAccount, signUp } from '../../../test/support/accounts';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { launchBrowser, newcomerPage, signedInPage, skipTutorial, useStackAndBrowser, waitForFocus, waitForTask, waitToSee } from './support/browser';

/**
 * Letters in Arabic, Hebrew, Persian and Yiddish, in a real browser: what volunteers type and what researchers wrote
 * take the direction of their own text, so that a line of Arabic reads right to left with its full stop at its end,
 * beside a line of English that reads left to right; the lab keeps a Hebrew id on one line and an answer apart from the
 * English around it; and an English interface says its times in English, whatever language the browser prefers.
 */

jest.setTimeout(120_000);

const ARABIC_LINE = 'إلى حضرة الأخ العزيز.';
const HEBREW_LINE = 'שלום רב לאחי';
const INSTRUCTION = 'انسخ الرسالة سطراً سطراً، كما كُتبت.';

/** The direction the browser gives the element `selector` finds (the `:dir()` it matches). */
const directionOf = (page: Page, selector: string) => page.locator(selector).evaluate((element) => (element.matches(':dir(rtl)') ? 'rtl' : 'ltr'));

/** Whether the text of the element `selector` finds sits against its right edge, as a right-to-left paragraph's does. */
const startsAtRight = (page: Page, selector: string) =>
  page.locator(selector).evaluate((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const [box, text] = [element.getBoundingClientRect(), range.getBoundingClientRect()];
    return Math.abs(box.right - text.right) < 2 && text.left - box.left > 20;
  });

describe('classifier in a browser: text in right-to-left scripts', () => {
  const suite = useStackAndBrowser();

  /** A live project with an active transcription workflow over `subjects`, made by the researcher `client` signs in. */
  async function transcriptionWorkflow(subjects: Parameters<ChorusClient['addSubjects']>[1], client = suite.stack.client, { language, title = 'Letters' }: { language?: string; title?: string } = {}) {
    const project = await client.createProject({ title: `${title} ${Date.now()}`, status: 'live' });
    const set = await client.createSubjectSet(project.id, { name: 'رسائل' });
    await client.addSubjects(set.id, subjects);
    const workflow = await client.createWorkflow(project.id, {
      name: 'Transcribe the letters',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: INSTRUCTION, help: 'اكتب ما تراه فقط.', textTags: ['unclear'], ...(language ? { language } : {}) } },
      retirement: { rule: 'count', count: 1 },
      subjectSetIds: [set.id],
    });
    await client.activateWorkflow(workflow.id);
    return { project, workflow };
  }

  it('gives each transcription line, the instruction, the help and the passage the direction of its own text; a text tag goes in where it was asked for', async () => {
    const { project, workflow } = await transcriptionWorkflow([
      { externalId: 'letter-1', locations: [{ type: 'text', text: `${ARABIC_LINE}\nDear brother,` }], metadata: { المرسل: 'يوسف' } },
    ]);
    await skipTutorial(suite.context, workflow.id);
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/workflows/${workflow.id}`);
    await waitForTask(page, 'transcription');
    const line = (n: number) => `.transcription-lines li:nth-child(${n}) input`;
    await waitForFocus(page, line(1));

    await page.keyboard.type(ARABIC_LINE);
    await page.keyboard.press('Enter');
    await page.keyboard.type('Dear brother,');
    await page.keyboard.press('Enter');
    await page.keyboard.type(HEBREW_LINE);
    expect(await directionOf(page, line(1))).toBe('rtl');
    expect(await directionOf(page, line(2))).toBe('ltr');
    expect(await directionOf(page, line(3))).toBe('rtl');
    // The browser's own measure: an Arabic line starts at the right of its box, its full stop at the left end.
    expect(await page.locator(line(1)).evaluate((input) => getComputedStyle(input).direction)).toBe('rtl');

    // "רב" chosen and wrapped: the tags stand round it in the text's own order, which reads right to left on screen.
    await page.locator(line(3)).evaluate((input: HTMLInputElement) => input.setSelectionRange(5, 7));
    await page.getByRole('button', { name: '[unclear]' }).click();
    expect(await page.locator(line(3)).inputValue()).toBe('שלום [unclear]רב[/unclear] לאחי');
    expect(await directionOf(page, line(3))).toBe('rtl');

    expect(await directionOf(page, '.task-question')).toBe('rtl');
    // The help is markdown, each paragraph of it taking its own direction: the Arabic line sits at the right.
    await page.locator('.task-help summary').click();
    await waitToSee(page.locator('.task-help .markdown p'));
    expect(await startsAtRight(page, '.task-help .markdown p')).toBe(true);
    expect(await directionOf(page, '[data-testid="subject"] .subject-text')).toBe('rtl');
    expect(await directionOf(page, '[data-testid="subject-about"] dd')).toBe('rtl');
    expect(errors).toEqual([]);
  });

  it('writes a task’s text in the language its workflow gives: Hebrew right to left from the first keystroke, marked for screen readers; Thai left to right', async () => {
    // The letter opens with a date in digits, which alone would leave it left to right.
    const letter = `1898 ${HEBREW_LINE}`;
    const open = async (language: string, title: string) => {
      const { project, workflow } = await transcriptionWorkflow([{ externalId: `letter-${language}`, locations: [{ type: 'text', text: letter }] }], suite.stack.client, { language, title });
      await skipTutorial(suite.context, workflow.id);
      const { page, errors } = await newcomerPage(suite);
      // The project's address keeps its title's letters, percent-encoded, as the classifier's own links write it.
      expect(project.slug).toMatch(new RegExp(`^${title.replace(' ', '-')}-\\d+$`));
      await page.goto(`${suite.stack.baseUrl}/projects/${encodeURIComponent(project.slug)}/workflows/${workflow.id}`);
      await waitForTask(page, 'transcription');
      await waitForFocus(page, '.transcription-lines li:nth-child(1) input');
      return { page, errors };
    };
    const marks = (page: Page, selector: string) => page.locator(selector).evaluate((element) => [element.getAttribute('lang'), getComputedStyle(element).direction]);

    const hebrew = await open('he', 'כתבי יד');
    const line = '.transcription-lines li:nth-child(1) input';
    // Empty, the line already starts at the right: the caret is where the first Hebrew letter goes.
    expect(await marks(hebrew.page, line)).toEqual(['he', 'rtl']);
    expect(await marks(hebrew.page, '[data-testid="subject"] .subject-text')).toEqual(['he', 'rtl']);
    await hebrew.page.keyboard.type('1898');
    expect(await marks(hebrew.page, line)).toEqual(['he', 'rtl']);
    await hebrew.page.keyboard.press('Enter');
    expect(await marks(hebrew.page, '.transcription-lines li:nth-child(2) input')).toEqual(['he', 'rtl']);
    // The instruction is the researcher's, in their project's language (English, left as it was), not the material's:
    // it keeps the direction of its text.
    expect(await marks(hebrew.page, '.task-question')).toEqual(['en', 'rtl']);
    // The project's page, by its link, at that address.
    await hebrew.page.locator('nav a', { hasText: 'כתבי יד' }).first().click();
    await waitToSee(hebrew.page.getByRole('heading', { level: 1, name: /^כתבי יד \d+$/ }));
    expect(decodeURIComponent(new URL(hebrew.page.url()).pathname)).toMatch(/^\/projects\/כתבי-יד-\d+$/);
    expect(hebrew.errors).toEqual([]);

    const thai = await open('th', 'ต้นฉบับ');
    expect(await marks(thai.page, line)).toEqual(['th', 'ltr']);
    expect(await marks(thai.page, '[data-testid="subject"] .subject-text')).toEqual(['th', 'ltr']);
    expect(thai.errors).toEqual([]);
  });

  it('names each transcription line by its label, and writes it in the language the subject’s metadata gives, before its task’s', async () => {
    const letter = `${HEBREW_LINE}\nא בריוו`;
    const { project, workflow } = await transcriptionWorkflow([{ externalId: 'brivl-1', locations: [{ type: 'text', text: letter }], metadata: { language: 'yi' } }], suite.stack.client, { language: 'he', title: 'Brivn' });
    await skipTutorial(suite.context, workflow.id);
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/workflows/${workflow.id}`);
    await waitForTask(page, 'transcription');
    const line = page.locator('.transcription-lines li:nth-child(1) input');
    await waitToSee(line);
    // Named by the line's label, an element of the page (which a page translator translates too), not a hidden attribute.
    const labelledBy = await line.getAttribute('aria-labelledby');
    expect(await page.locator(`[id="${labelledBy}"]`).textContent()).toBe('Line 1 of 1');
    expect(await line.getAttribute('aria-label')).toBeNull();
    expect(await page.getByRole('textbox', { name: 'Line 1 of 1' }).count()).toBe(1);
    await line.press('Enter');
    expect(await page.getByRole('textbox', { name: 'Line 2 of 2' }).count()).toBe(1);
    // Yiddish, as the subject's metadata says, rather than the workflow's Hebrew: marked for screen readers, right to left.
    const marks = (selector: string) => page.locator(selector).first().evaluate((element) => [element.getAttribute('lang'), getComputedStyle(element).direction]);
    expect(await marks('.transcription-lines input')).toEqual(['yi', 'rtl']);
    expect(await marks('[data-testid="subject"] .subject-text')).toEqual(['yi', 'rtl']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps a subject’s Hebrew id on one line in the lab’s results, and its consensus apart from the agreement after it', async () => {
    const account = await signUp(suite.stack, { email: `letters-${randomUUID()}@example.org`, displayName: 'Miriam Cohen' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const transcribed = `${HEBREW_LINE}, מכתב ארוך מאוד מן העיר הגדולה אל הכפר הקטן שבהרים, ובו חדשות על כל בני המשפחה`;
    const { workflow } = await transcriptionWorkflow([{ externalId: 'בריוו-4', locations: [{ type: 'text', text: transcribed.repeat(4) }] }], researcher);
    const guest = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    const { subjects } = await guest.queue(workflow.id);
    await guest.classify({ workflowId: workflow.id, workflowVersion: 1, subjectId: subjects[0]!.id, annotations: [{ task: 'T0', value: transcribed }] }, randomUUID());
    await until(async () => (await laggingSubjects(suite.stack.db, workflow.id)) === 0 && (await researcher.stats(workflow.id)).retired === 1, 'aggregation');

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflow.id}/results`);
    const row = page.getByTestId('lab-results-table').locator('tbody tr').first();
    await waitToSee(row);
    const name = row.locator('th a');
    expect(await name.textContent()).toBe('בריוו-4');
    // One line, not "בריוו-" over "4" (its Hebrew and its digit are two boxes, side by side).
    expect(await name.evaluate((link) => new Set([...link.getClientRects()].map((box) => Math.round(box.top))).size)).toBe(1);
    const answer = row.locator('.lab-consensus li bdi');
    expect(await answer.textContent()).toBe(transcribed);
    // One transcription is too few to trust: its consensus needs checking, said after the agreement, not inside the Hebrew.
    expect(await row.locator('.lab-consensus li').textContent()).toBe(`T0: ${transcribed} (100% agreement, 1 vote) Needs checking`);
    expect(errors).toEqual([]);
  });

  it('says dates and times in English, the interface’s language, in a browser that prefers Arabic (Egypt); offers the byte-order mark for any non-Latin script', async () => {
    const owner = await newAccount(suite.stack, 'Owner');
    const project = await owner.client.createProject({ title: `Letters ${Date.now()}`, status: 'live' });
    const set = await owner.client.createSubjectSet(project.id, { name: 'Letters' });
    await owner.client.addSubjects(set.id, [{ externalId: 'letter-1', locations: [{ type: 'text', text: ARABIC_LINE }] }]);
    const workflow = await owner.client.createWorkflow(project.id, {
      name: 'Ad or not?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'A letter?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      subjectSetIds: [set.id],
    });
    await owner.client.invite(project.id, { email: `colleague-${randomUUID()}@example.org`, role: 'scientist' });

    const session = await suite.stack.anonymous.login({ email: owner.email, password: ACCOUNT_PASSWORD });
    const arabic = await launchBrowser({ locale: 'ar-EG' });
    try {
      const { page, errors } = await signedInPage({ stack: suite.stack, context: arabic.context }, session);
      expect(await page.evaluate(() => new Date(0).toLocaleDateString())).toMatch(/[٠-٩]/); // the browser's own way: Arabic digits

      await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
      const invitedOn = page.locator('[data-testid="lab-invitations"] tbody tr td').nth(1);
      await waitToSee(invitedOn);
      expect(await invitedOn.textContent()).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}$/);

      await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflow.id}`);
      await page.getByLabel('Download', { exact: true }).selectOption('consensus');
      await page.locator('#lab-download-format').selectOption('csv');
      await page.getByLabel(/byte-order mark, which Excel needs to read accents and any non-Latin script \(Arabic, Hebrew/).check();
      await page.locator('form:has(#lab-download-kind) button[type="submit"]').click();
      const ready = page.locator('[data-testid="lab-downloads"] li[data-state="ready"]');
      await waitToSee(ready, { timeout: 20_000 });
      expect(await ready.getByRole('link').textContent()).toMatch(/^Save the file \(until \d{1,2}:\d{2}\s[AP]M; after that/);
      expect(errors).toEqual([]);
    } finally {
      await arabic.close();
    }
  });
});
