import type { SubjectInput, WorkflowStats } from '@chorus/client';
import type { Page } from 'playwright-core';
import { closeTutorial, screenshots, useStackAndBrowser } from './support/browser';

/**
 * A volunteer opens Chorus in a real browser, picks a project's workflow and classifies every subject with the
 * keyboard alone (1, Enter); the API then holds exactly one classification per subject.
 */


const SNIPPETS: { text: string; word: string }[] = [
  { text: 'WANTED: a steady boy to drive a carriage. Apply at 12 Mill Street.', word: 'carriage' },
  { text: 'The carriage of the Mayor was seen on the bridge at noon yesterday.', word: 'carriage' },
  { text: 'FOR SALE: one bicycle, nearly new, cheap for cash.\nEnquire within.', word: 'bicycle' },
];

function textSubject({ text, word }: { text: string; word: string }, index: number): SubjectInput {
  const start = text.indexOf(word);
  return {
    externalId: `snippet-${index + 1}`,
    locations: [{ type: 'text', text, highlights: [[start, start + word.length]] }],
    metadata: { newspaper: 'The Daily Test', '#secret': 'hidden from volunteers' },
  };
}

jest.setTimeout(60_000);

describe('classifier in a browser: single-choice workflow', () => {
  const suite = useStackAndBrowser();

  it('classifies every subject by keyboard alone, then shows the finished screen', async () => {
    const { client } = suite.stack;
    const project = await client.createProject({
      title: `Ads in the Daily Test ${Date.now()}`,
      description: 'Find the advertisements among newspaper snippets.',
      status: 'live',
    });
    const subjectSet = await client.createSubjectSet(project.id, { name: 'Snippets' });
    const added = await client.addSubjects(subjectSet.id, SNIPPETS.map(textSubject));
    expect(added.created).toBe(SNIPPETS.length);
    const workflow = await client.createWorkflow(project.id, {
      name: 'Ad or not?',
      firstTask: 'T0',
      tasks: {
        T0: {
          type: 'single',
          question: 'Is the highlighted word part of an advertisement?',
          help: 'Any paid notice counts, including classifieds.',
          answers: [
            { value: 'yes', label: 'Yes' },
            { value: 'no', label: 'No' },
          ],
        },
      },
      retirement: { rule: 'count', count: 3 },
      subjectSetIds: [subjectSet.id],
    });
    await client.activateWorkflow(workflow.id);

    const page: Page = suite.context.pages()[0] ?? (await suite.context.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(suite.stack.baseUrl);
    await page.locator(`a[href="/projects/${project.slug}/workflows/${workflow.id}"]`).click();
    // A newcomer's first visit starts with the tutorial; closing it (once the subject is there beneath) leads to the
    // task, not back to the page heading that the navigation focused.
    await page.getByTestId('subject').waitFor();
    await closeTutorial(page);

    const subject = page.getByTestId('subject');
    const finished = page.getByTestId('finished');
    const shown: string[] = [];
    for (let round = 0; round <= SNIPPETS.length; round += 1) {
      await subject.or(finished).first().waitFor({ timeout: 10_000 });
      if (await finished.isVisible()) break;

      const subjectId = (await subject.getAttribute('data-subject-id')) ?? '';
      expect(subjectId).not.toBe('');
      expect(shown).not.toContain(subjectId); // never the same subject twice
      shown.push(subjectId);

      // Text subjects are text, with the highlighted word marked, never an image.
      expect(await subject.locator('img').count()).toBe(0);
      const marked = await subject.locator('mark').allTextContents();
      expect(marked).toHaveLength(1);
      expect(SNIPPETS.map((snippet) => snippet.word)).toContain(marked[0]);
      // Focus lands on the first answer, ready for the keyboard.
      await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true, undefined, { timeout: 5_000 });

      await page.keyboard.press('1');
      expect(await subject.getByRole('radio', { name: 'Yes' }).isChecked()).toBe(true);
      if (round === 0) await screenshots(page, 'single');
      await page.keyboard.press('Enter');

      // Wait for the next subject or the finished screen.
      await page.waitForFunction(
        (previous) =>
          document.querySelector('[data-testid="finished"]') !== null ||
          document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') !== previous,
        subjectId,
        { timeout: 10_000 },
      );
    }

    expect(shown).toHaveLength(SNIPPETS.length);
    await finished.waitFor();
    expect(await finished.textContent()).toContain('You have classified every subject available to you in this workflow. Thank you!');
    expect(await finished.getByTestId('session-count').textContent()).toBe(String(SNIPPETS.length));
    expect(await page.getByTestId('announcer').textContent()).toContain('Classification submitted');
    expect(await page.locator('[role="alert"]').textContent()).toBe(''); // no problem reported
    expect(pageErrors).toEqual([]);

    // Through the API: three classifications stored, from one (guest) volunteer.
    let stats: WorkflowStats = await client.stats(workflow.id);
    for (const deadline = Date.now() + 5_000; stats.classifications < SNIPPETS.length && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stats = await client.stats(workflow.id);
    }
    expect(stats).toMatchObject({ subjects: SNIPPETS.length, classifications: SNIPPETS.length, volunteers: 1 });
  });
});
