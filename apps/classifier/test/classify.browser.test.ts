import type { SubjectInput, WorkflowStats } from '@chorus/client';
import type { Page, Route } from 'playwright-core';
import { ON_SCREEN_SUBMIT_MS, OUTBOX_RETRY_MS } from '../src/lib/sendTimes';
import { RENEW_HOLDS_EVERY_MS } from '../src/lib/useHoldsWhileAtWork';
import { signUp } from '../../../test/support/accounts';
import { answerByKey, answersKeptFor, checkScreen, closeTutorial, emptyOutbox, launchBrowser, launchBrowsers, liveYesNoWorkflow, pauseClock, screenshots, seriousViolations, signedInPage, skipTutorial, tabTo, touchScreen, useStackAndBrowser, waitForFocus, waitToSee, withClockPaused } from './support/browser';

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

/**
 * Notes in the page (`window.answersHandled`, as "<status> <address>") each API answer its code read, once what that code
 * did on it is done and rendered: the note waits for two posted messages after the body was read. Everything the code
 * does on it (its awaits and catches) are microtasks before the first arrives, and a render React schedules from them
 * is a posted message too, so it comes before the second.
 */
async function noteAnswersHandled(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const noted: string[] = [];
    Object.assign(window, { answersHandled: noted });
    const afterTwoMessages = (then: () => void) => {
      const channel = new MessageChannel();
      let arrived = 0;
      channel.port1.onmessage = () => {
        arrived += 1;
        if (arrived < 2) return channel.port2.postMessage(null);
        channel.port1.close();
        then();
      };
      channel.port2.postMessage(null);
    };
    const fetch = window.fetch.bind(window);
    window.fetch = async (...args) => {
      const response = await fetch(...args);
      const text = response.text.bind(response);
      response.text = () => text().finally(() => afterTwoMessages(() => noted.push(`${response.status} ${response.url}`)));
      return response;
    };
  });
}

/** Waits until the page noted (`noteAnswersHandled`) that it handled an answer whose note starts with `start`. */
async function answerHandled(page: Page, start: string): Promise<void> {
  await page.waitForFunction((wanted) => (window as unknown as { answersHandled: string[] }).answersHandled.some((note) => note.startsWith(wanted)), start);
}

// One stack and browser for every test of this file (each makes a project of its own), started once.
// biome-ignore lint/correctness/useHookAtTopLevel: Jest's set-up (beforeAll, afterAll), not a React hook
const suite = useStackAndBrowser();

describe('classifier in a browser: single-choice workflow', () => {
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

    const page = await suite.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(suite.stack.baseUrl);
    await page.locator(`a[href="/projects/${project.slug}/workflows/${workflow.id}"]`).click();
    // A newcomer's first visit starts with the tutorial; closing it (once the subject is there beneath) leads to the
    // task, not back to the page heading that the navigation focused.
    await waitToSee(page.getByTestId('subject'));
    await closeTutorial(page);

    const subject = page.getByTestId('subject');
    const finished = page.getByTestId('finished');
    const shown: string[] = [];
    for (let round = 0; round <= SNIPPETS.length; round += 1) {
      await waitToSee(subject.or(finished).first(), { timeout: 10_000 });
      if (await finished.isVisible()) break;

      const subjectId = (await subject.getAttribute('data-subject-id')) ?? '';
      expect(subjectId).not.toBe('');
      expect(shown).not.toContain(subjectId); // never the same subject twice
      // After an answer, the next subject's text is read out as it comes: focus lands on the same question every time,
      // so a screen reader would not otherwise say what the new one shows. Its region is named by its place in the
      // session, not by the researchers' id (snippet-2), which means nothing to a volunteer.
      const shownText = ((await subject.locator('.subject-text').first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
      if (shown.length) await waitToSee(page.getByTestId('announcer').getByText(`Classification submitted. Next: “${shownText}”`));
      expect(await subject.getByRole('heading').first().textContent()).toBe(`Subject ${shown.length + 1} of this session`);
      expect(await subject.textContent()).not.toMatch(/snippet-\d/);
      shown.push(subjectId);

      // Text subjects are text, with the highlighted word marked, never an image.
      expect(await subject.locator('img').count()).toBe(0);
      const marked = await subject.locator('mark').allTextContents();
      expect(marked).toHaveLength(1);
      expect(SNIPPETS.map((snippet) => snippet.word)).toContain(marked[0]);
      // Focus lands on the first answer, ready for the keyboard.
      await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true, undefined, { timeout: 5_000 });
      expect(await subject.locator('.task-progress').count()).toBe(0); // one task: no "Task 1"

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
    await waitToSee(finished);
    expect(await finished.textContent()).toContain('You have classified every subject available to you in this workflow. Thank you!');
    expect(await finished.getByTestId('session-count').textContent()).toBe(String(SNIPPETS.length));
    expect(await page.getByTestId('announcer').textContent()).toContain('Classification submitted');
    expect((await page.locator('[role="alert"]').allTextContents()).join('')).toBe(''); // no problem reported
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

describe('classifier in a browser: one volunteer in several tabs', () => {
  /** A live yes/no workflow of 30 text subjects, in a project of its own, and its classify page's address. */
  async function liveWorkflowOf(title: string, subjects = 30, retirement?: Parameters<typeof liveYesNoWorkflow>[3], selection?: Parameters<typeof liveYesNoWorkflow>[4]) {
    const subjectInputs = Array.from({ length: subjects }, (_, index) => textSubject(SNIPPETS[index % SNIPPETS.length]!, index));
    const { project, workflow, path } = await liveYesNoWorkflow(suite.stack, title, subjectInputs, retirement, selection);
    return { project, workflow, url: `${suite.stack.baseUrl}${path}` };
  }

  /** A page of a live workflow of 4 subjects, past its tutorial, in a browser keeping no answer on the device; its errors. */
  async function openWithEmptyOutbox(title: string, { before }: { before?: (page: Page) => Promise<void> } = {}) {
    const { project, workflow, url } = await liveWorkflowOf(title, 4);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await before?.(page);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await emptyOutbox(page, suite.stack.baseUrl);
    await page.goto(url);
    return { project, workflow, page, errors };
  }

  it('never shows two tabs the same subject, keeps each tab its own batch over a reload, and hands a closed tab’s batch to the next tab', async () => {
    const { workflow, url } = await liveWorkflowOf('Tabs');
    const shownIn = async (page: Page) => {
      const subject = page.getByTestId('subject');
      await waitToSee(subject);
      return (await subject.getAttribute('data-subject-id'))!;
    };
    const classifyShown = async (page: Page) => {
      const before = await shownIn(page);
      await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
      await page.keyboard.press('1');
      await page.keyboard.press('Enter');
      await page.waitForFunction((previous) => document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') !== previous, before);
      return before;
    };

    const first = await suite.context.newPage();
    await first.goto(url);
    await waitToSee(first.getByTestId('subject'));
    await closeTutorial(first);
    const second = await suite.context.newPage();
    await second.goto(url);
    const answered = new Set<string>();
    for (let round = 0; round < 3; round += 1) {
      answered.add(await classifyShown(first));
      answered.add(await classifyShown(second));
    }
    const [onFirst, onSecond] = [await shownIn(first), await shownIn(second)];
    expect(onFirst).not.toBe(onSecond);
    expect(answered.size).toBe(6); // no subject was shown in both tabs
    expect(answered.has(onFirst) || answered.has(onSecond)).toBe(false);

    await first.reload();
    expect(await shownIn(first)).toBe(onFirst);
    expect(await first.locator('.session-count strong').textContent()).toBe('3'); // this session's count survives a reload
    await second.close({ runBeforeUnload: true });
    const third = await suite.context.newPage();
    await third.goto(url);
    expect(await shownIn(third)).toBe(onSecond);
    expect(await first.getByTestId('notice').count()).toBe(0);

    // Classified elsewhere meanwhile (another device of the same volunteer): the answer is not stored again, the
    // volunteer is told, and the session count counts only what was stored.
    const count = first.locator('.session-count strong');
    const countBefore = await count.textContent();
    const token = (await first.evaluate(() => window.localStorage.getItem('chorus.token')))!;
    await suite.stack.anonymous.withToken(token).classify({ workflowId: workflow.id, workflowVersion: 1, subjectId: onFirst, annotations: [{ task: 'T0', value: 'no' }] }, `elsewhere-${onFirst}`);
    await classifyShown(first);
    await waitToSee(first.getByTestId('notice'));
    expect(await count.textContent()).toBe(countBefore);
    expect(countBefore).toBe('3');
    await Promise.all([first.close(), third.close()]);
  });

  it('gives a tab opened after two tabs closed the subjects they showed, starting with the subject the volunteer had begun, and the rest back to the pool', async () => {
    const { workflow, url } = await liveWorkflowOf('Two closed tabs');
    await skipTutorial(suite.context, workflow.id);
    const shownIn = async (page: Page) => (await page.getByTestId('subject').getAttribute('data-subject-id'))!;
    const first = await suite.context.newPage();
    await first.goto(url);
    await waitToSee(first.getByTestId('subject'));
    await first.keyboard.press('Tab'); // used, so the subject it shows is kept for the volunteer (an unused page gives it back)
    const shownFirst = await shownIn(first);
    const second = await suite.context.newPage();
    await second.goto(url);
    await waitToSee(second.getByTestId('subject'));
    // Begun in the second tab: an answer chosen, not sent (a draft).
    await second.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
    await second.keyboard.press('2');
    const begun = await shownIn(second);
    await second.waitForFunction((id) => Object.keys(window.localStorage).some((key) => key.startsWith('chorus.draft.') && key.endsWith(id)), begun);
    const batches = async (page: Page) =>
      page.evaluate((workflowId) => Object.keys(window.localStorage).filter((key) => key.startsWith(`chorus.queue.${workflowId}.`)).map((key) => JSON.parse(window.localStorage.getItem(key)!)), workflow.id);
    const held = (await batches(second)).flatMap((batch) => batch.subjects.map((subject: { id: string }) => subject.id));
    expect(held).toHaveLength(8);
    await first.close({ runBeforeUnload: true });
    await second.close({ runBeforeUnload: true });
    // The server holds only what the closed tabs showed; the rest went back to the pool as they closed.
    const heldNow = async () => (await suite.stack.db.query('SELECT subject_id FROM assignments WHERE workflow_id = $1 ORDER BY subject_id', [workflow.id])).rows.map((row) => row.subject_id as string);
    for (let i = 0; i < 50 && (await heldNow()).length > 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await heldNow()).toEqual([shownFirst, begun].sort());

    const third = await suite.context.newPage();
    await third.goto(url);
    await waitToSee(third.getByTestId('subject'));
    expect(await shownIn(third)).toBe(begun);
    expect(await third.getByRole('radio', { name: 'No' }).isChecked()).toBe(true);
    const left = await batches(third);
    expect(left.filter((batch) => batch.adopted)).toHaveLength(2);
    expect(left.find((batch) => batch.subjects?.length)?.subjects.map((subject: { id: string }) => subject.id).sort()).toEqual([shownFirst, begun].sort());
    await third.close();
  });

  it('lets a tab that wakes to find its batch adopted (it looked abandoned) go on without those subjects', async () => {
    const { workflow, url } = await liveWorkflowOf('Frozen tab');
    const subjectIn = async (page: Page) => (await page.getByTestId('subject').getAttribute('data-subject-id'))!;

    const sleeper = await suite.context.newPage();
    await sleeper.goto(url);
    await waitToSee(sleeper.getByTestId('subject'));
    await closeTutorial(sleeper);
    const before = await subjectIn(sleeper);
    // As a frozen tab's would, its record stops saying it is alive, and a new tab adopts its batch.
    await sleeper.evaluate((workflowId) => {
      const key = Object.keys(window.localStorage).find((k) => k.startsWith(`chorus.queue.${workflowId}.`))!;
      window.localStorage.setItem(key, JSON.stringify({ ...JSON.parse(window.localStorage.getItem(key)!), aliveAt: 1 }));
    }, workflow.id);
    const adopter = await suite.context.newPage();
    await adopter.goto(url);
    await waitToSee(adopter.getByTestId('subject'));
    expect(await subjectIn(adopter)).toBe(before);

    await sleeper.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await sleeper.waitForFunction((previous) => document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') !== previous, before);
    await waitToSee(sleeper.getByTestId('subject'));
    expect(await subjectIn(sleeper)).not.toBe(await subjectIn(adopter));
    await Promise.all([sleeper.close(), adopter.close()]);
  });

  it('never shows again a subject the volunteer answered, though a batch left behind (a page that died) still lists it', async () => {
    const { workflow, url } = await liveWorkflowOf('Stale batch');
    await skipTutorial(suite.context, workflow.id);
    const subjectIn = async (page: Page) => (await page.getByTestId('subject').getAttribute('data-subject-id'))!;
    const recordsOf = async (page: Page) =>
      page.evaluate((workflowId) => Object.fromEntries(Object.keys(window.localStorage).filter((key) => key.startsWith(`chorus.queue.${workflowId}.`)).map((key) => [key, JSON.parse(window.localStorage.getItem(key)!)])), workflow.id);
    const leaveBehind = async (page: Page, record: object) =>
      page.evaluate(([key, value]) => window.localStorage.setItem(key, value), [`chorus.queue.${workflow.id}.left-behind`, JSON.stringify({ ...record, aliveAt: 0, releasedAt: Date.now() })] as const);

    const first = await suite.context.newPage();
    await first.goto(url);
    await waitToSee(first.getByTestId('subject'));
    // A copy of this tab's batch as it is now, left behind as a page that died would leave it.
    const [own] = Object.values(await recordsOf(first)) as { subjects: { id: string }[] }[];
    await leaveBehind(first, own!);
    const answered: string[] = [];
    for (let round = 0; round < 2; round += 1) answered.push(await answerByKey(first, '1'));
    // Taken out of every batch kept on the device the moment it is answered, not only out of this tab's.
    const listed = Object.values(await recordsOf(first)).flatMap((record) => (record.subjects ?? []).map((subject: { id: string }) => subject.id));
    expect(listed.filter((id) => answered.includes(id))).toEqual([]);

    // However such a record came to list them, a page that adopts it shows only what the server says is still theirs.
    await leaveBehind(first, own!);
    const ownKey = Object.keys(await recordsOf(first)).find((key) => !key.endsWith('.left-behind'))!;
    await first.close();
    const next = await suite.context.newPage();
    await next.goto(suite.stack.baseUrl);
    // The tab's own record looks alive still, as a crash leaves it: the record left behind is the one adopted.
    await next.evaluate((key) => window.localStorage.setItem(key, JSON.stringify({ ...JSON.parse(window.localStorage.getItem(key)!), aliveAt: Date.now() })), ownKey);
    await next.goto(url);
    await waitToSee(next.getByTestId('subject'));
    expect(answered).not.toContain(await subjectIn(next));
    expect(own!.subjects.map((subject) => subject.id)).toContain(await subjectIn(next)); // the rest of the left batch, still held for them
    await next.close();
  });

  it('goes on with a batch left on the device when the server cannot be asked about it (offline), rather than wait for "Try again"', async () => {
    const { workflow, url } = await liveWorkflowOf('Kept offline');
    await skipTutorial(suite.context, workflow.id);
    const first = await suite.context.newPage();
    await first.goto(url);
    await waitToSee(first.getByTestId('subject'));
    // A copy of this tab's batch, left behind as a page that died would leave it.
    const left = await first.evaluate((workflowId) => {
      const key = Object.keys(window.localStorage).find((name) => name.startsWith(`chorus.queue.${workflowId}.`))!;
      const record = JSON.parse(window.localStorage.getItem(key)!);
      window.localStorage.setItem(`chorus.queue.${workflowId}.left-behind`, JSON.stringify({ ...record, aliveAt: 0, releasedAt: Date.now() }));
      return (record.subjects as { id: string }[]).map((subject) => subject.id);
    }, workflow.id);
    await first.close();
    const next = await suite.context.newPage();
    // The check of that batch fails as it does without a network.
    await next.route('**/queue/holds', (route) => route.abort('internetdisconnected'));
    await next.goto(url);
    await waitToSee(next.getByTestId('subject'));
    expect(left).toContain(await next.getByTestId('subject').getAttribute('data-subject-id'));
    await next.close();
  });

  it('finishes a subject begun before the researchers published a new version under the version it was begun with', async () => {
    const { client } = suite.stack;
    const project = await client.createProject({ title: `Versions ${Date.now()}`, status: 'live' });
    const set = await client.createSubjectSet(project.id, { name: 'Snippets' });
    await client.addSubjects(set.id, SNIPPETS.map(textSubject));
    const definition = (question: string) => ({
      name: 'Transcribe the adverts',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'single' as const, question, answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
        T1: { type: 'transcription' as const, instruction: 'Type the advert' },
      },
    });
    const workflow = await client.createWorkflow(project.id, { ...definition('Is it an advert?'), subjectSetIds: [set.id] });
    await client.activateWorkflow(workflow.id);
    const page = await suite.context.newPage();
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/workflows/${workflow.id}`);
    await waitToSee(page.getByTestId('subject'));
    await closeTutorial(page);
    const begun = (await page.getByTestId('subject').getAttribute('data-subject-id'))!;
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    const line = page.locator('.transcription-lines input').first();
    await waitToSee(line);
    await line.focus();
    await page.keyboard.type('FOR SALE');
    await page.waitForTimeout(100);

    expect((await client.updateWorkflow(workflow.id, definition('Is this a paid notice?'))).version).toBe(2);
    await page.reload();
    await waitToSee(line);
    expect(await page.getByTestId('subject').getAttribute('data-subject-id')).toBe(begun);
    expect(await line.inputValue()).toBe('FOR SALE');
    await line.focus();
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction((previous) => document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') !== previous, begun);
    // The next subject is asked with the new version's wording.
    await waitToSee(page.getByText('Is this a paid notice?'));
    const { rows } = await suite.stack.db.query('SELECT workflow_version, annotations FROM classifications WHERE workflow_id = $1', [workflow.id]);
    expect(rows).toEqual([{ workflow_version: 1, annotations: [{ task: 'T0', value: 'yes' }, { task: 'T1', value: 'FOR SALE' }] }]);
    await page.close();
  });

  it('shows the subject after the answer that learns of a new version under it, without waiting for the next batch', async () => {
    const { workflow, url } = await liveWorkflowOf('New version mid-batch', 20);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await page.goto(url);
    await waitToSee(page.getByText('Advertisement?'));
    await answerByKey(page);
    // The first answer brought the next batch: ten subjects wait on the page, fetched under version 1.
    const held = async () => (await suite.stack.db.query('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1', [workflow.id])).rows[0].n;
    for (let i = 0; i < 50 && (await held()) < 13; i += 1) await page.waitForTimeout(100);
    expect(await held()).toBe(13);
    const { definition } = await suite.stack.client.getWorkflow(workflow.id);
    const reworded = { ...definition, tasks: { T0: { ...definition.tasks.T0!, question: 'Is this a paid notice?' } } };
    expect((await suite.stack.client.updateWorkflow(workflow.id, reworded)).version).toBe(2);
    expect(await page.getByText('Advertisement?').count()).toBe(1); // on screen already: answered under version 1
    await answerByKey(page);
    await waitToSee(page.getByText('Is this a paid notice?'));
    const { rows } = await suite.stack.db.query('SELECT workflow_version FROM classifications WHERE workflow_id = $1', [workflow.id]);
    expect(rows).toEqual([{ workflow_version: 1 }, { workflow_version: 1 }]);
    expect(await held()).toBe(12); // no batch was fetched for it
    await page.close();
  });

  it('gives focus to "Try again" when the next subjects cannot be fetched after the last one on screen', async () => {
    const { workflow, url } = await liveWorkflowOf('Next fails', 1);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
    await page.route('**/queue*', (route) => route.abort('internetdisconnected'));
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByRole('button', { name: 'Try again' }), { timeout: 10_000 });
    expect(await page.getByTestId('subject').count()).toBe(0);
    await page.waitForFunction(() => document.activeElement?.textContent === 'Try again');
    await page.unroute('**/queue*');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('finished'), { timeout: 10_000 });
    await page.close();
  });

  it('waits by itself for a server that does not answer at all (restarting), not blaming the connection, and goes on as soon as a kept answer is sent', async () => {
    const { workflow, url } = await liveWorkflowOf('Server restarting', 1);
    // In a browser of its own, whose clock stands still from the answer on: the page's waits pass only as the test runs
    // its clock on, each at once.
    const device = await launchBrowser();
    try {
      await skipTutorial(device.context, workflow.id);
      const page = await device.context.newPage();
      await page.clock.install();
      await page.goto(url);
      await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
      // The API stops (its connections are refused; the browser stays online). It takes answers again once `back`, and
      // serves the queue again once an answer has come through, so that what the page does then shows.
      let back = false;
      let sentAt: number | undefined;
      const queueAsked: number[] = [];
      await page.route('**/queue*', (route) => {
        queueAsked.push(Date.now());
        return sentAt === undefined ? route.abort('connectionrefused') : route.fallback();
      });
      await page.route('**/api/v1/classifications', async (route) => {
        if (!back) return route.abort('connectionrefused');
        const response = await route.fetch();
        sentAt ??= Date.now();
        return route.fulfill({ response });
      });
      await page.keyboard.press('1');
      await page.clock.pauseAt(Date.now() + 500);
      await page.keyboard.press('Enter');
      const alert = page.locator('[role="alert"].alert');
      await waitToSee(alert, { timeout: 10_000 });
      expect(await alert.textContent()).toMatch(/^Chorus’s server is not answering just now\. It tries again by itself in [56] seconds\.Try again$/);
      // Nobody presses "Try again": the page asks again by itself, waiting longer each time (5 s, then 10 s, then 20 s).
      await page.clock.runFor(6_000);
      await page.waitForFunction(() => document.querySelector('.alert:not([role])')?.textContent?.startsWith('Chorus’s server is not answering just now. It tries again by itself in 1'));
      expect(queueAsked).toHaveLength(2);
      await page.clock.runFor(12_000);
      for (let i = 0; i < 200 && queueAsked.length < 3; i += 1) await page.waitForTimeout(100);
      expect(queueAsked).toHaveLength(3);
      // The server is back: the outbox sends the kept answer (within its 15 s), and the page asks for subjects at once,
      // not 20 s after its last try (a time its clock, stopped, never reaches).
      back = true;
      await page.clock.runFor(OUTBOX_RETRY_MS);
      await waitToSee(page.getByTestId('finished'), { timeout: 30_000 });
      const askedAfter = queueAsked.find((at) => at >= sentAt!)!;
      expect(askedAfter - sentAt!).toBeLessThan(3_000);
      expect(await page.locator('[role="alert"].alert:not(.alert-empty)').count()).toBe(0);
    } finally {
      await device.close();
    }
  });

  it('asks before the page is closed while answers wait to be sent on this device, and no longer once they have gone', async () => {
    const { workflow, url } = await liveWorkflowOf('Closing with answers waiting', 3);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
    let answering = false;
    await page.route('**/api/v1/classifications', (route) => (answering ? route.fallback() : route.abort('connectionrefused')));
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('outbox'), { timeout: 20_000 });
    expect(await page.getByTestId('outbox').textContent()).toContain('keep this page open until it has gone');
    const asked = new Promise<string>((resolve) => page.once('dialog', (dialog) => void dialog.dismiss().then(() => resolve(dialog.type()))));
    await page.close({ runBeforeUnload: true });
    expect(await asked).toBe('beforeunload');
    expect(page.isClosed()).toBe(false); // the volunteer chose to stay
    answering = true;
    // "Send now" rather than the outbox's own next try (up to 15 s later), which on a loaded machine ran this test past
    // its time.
    await page.getByTestId('outbox').getByRole('button', { name: 'Send now' }).click();
    await waitToSee(page.getByTestId('outbox'), { state: 'detached', timeout: 30_000 });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.accept(); // a wrong question must not hold the page open until the test's time runs out
    });
    const closed = new Promise((resolve) => page.once('close', resolve));
    await page.close({ runBeforeUnload: true });
    await closed;
    expect(dialogs).toEqual([]);
  });

  it('says in plain words that the server is busy when a proxy answers with its own page, and tries again by itself when it asks to, announcing it once', async () => {
    const { workflow, url } = await liveWorkflowOf('Behind a proxy', 2);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    let refused = 0;
    await page.route(`**/api/v1/workflows/${workflow.id}`, (route) => {
      if (refused++ > 1) return route.fallback();
      return route.fulfill({ status: 502, headers: { 'content-type': 'text/html', 'retry-after': '1' }, body: '<html><body><h1>502 Bad Gateway</h1>nginx</body></html>' });
    });
    await page.goto(url);
    const alert = page.locator('[role="alert"].alert');
    await waitToSee(alert);
    expect(await alert.textContent()).toContain('Chorus’s server is busy or restarting just now (502). It tries again by itself in 1 second.');
    expect(await alert.textContent()).not.toContain('<');
    expect(await page.locator('h1').textContent()).toBe('This workflow could not be loaded');
    expect(await page.getByTestId('open-tutorial').count()).toBe(0); // no tutorial to open yet
    // Nobody presses "Try again": the page asks again after the second the server asked for, is refused the same way,
    // and shows it without announcing it again (the alert region stays empty).
    await page.waitForFunction(() => document.querySelector('[role="alert"].alert-empty') && document.querySelector('.alert:not([role])'));
    expect(await page.locator('.alert:not([role])').textContent()).toContain('Chorus’s server is busy or restarting just now (502).');
    expect(refused).toBe(2);
    await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });
    expect(await page.locator('h1').textContent()).not.toBe('This workflow could not be loaded');
    expect(await page.locator('[role="alert"].alert:not(.alert-empty)').count()).toBe(0);
    await page.close();
  });

  it('tells a volunteer mid-batch that the researchers paused the workflow, that the last answer was saved, and leads to the project’s other workflows', async () => {
    const { client } = suite.stack;
    // A batch of 4 asks the queue again right after the first answer (3 left); a batch of 1 once it is empty.
    for (const subjects of [4, 1]) {
      const { project, workflow, url } = await liveWorkflowOf(`Paused ${subjects}`, subjects);
      await skipTutorial(suite.context, workflow.id);
      const page = await suite.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(url);
      const answered = (await page.getByTestId('subject').getAttribute('data-subject-id'))!;
      await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);

      await client.request('POST', `/workflows/${workflow.id}/pause`);
      await page.keyboard.press('1');
      await page.keyboard.press('Enter');
      const paused = page.getByTestId('paused');
      await waitToSee(paused, { timeout: 10_000 });
      await page.waitForFunction(() => document.activeElement?.id === 'paused-heading');
      expect(await paused.getByRole('heading').textContent()).toBe('This workflow has been paused');
      expect(await paused.textContent()).toContain('Your last answer was saved.');
      expect(await page.getByTestId('subject').count()).toBe(0);
      expect((await page.locator('[role="alert"]').allTextContents()).join('')).toBe(''); // not a failure
      expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
      // The answer given as the researchers paused is stored: the notice tells the truth.
      const { rows } = await suite.stack.db.query('SELECT subject_id, annotations FROM classifications WHERE workflow_id = $1', [workflow.id]);
      expect(rows).toEqual([{ subject_id: answered, annotations: [{ task: 'T0', value: 'yes' }] }]);
      if (subjects > 1) await checkScreen(page, 'paused');

      // The way on: the project's other workflows.
      await tabTo(page, '[data-testid="paused"] a');
      await page.keyboard.press('Enter');
      await waitToSee(page.getByRole('heading', { level: 1, name: project.title }));
      expect(new URL(page.url()).pathname).toBe(`/projects/${project.slug}`);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('keeps the answer of a volunteer whose project was taken back to draft mid-batch on the device, says so, and lets them give it up after asking', async () => {
    const { project, workflow, page, errors } = await openWithEmptyOutbox('Closed mid-batch');
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);

    await suite.stack.client.updateProject(project.id, { status: 'draft' });
    const refused = page.waitForResponse((response) => response.url().endsWith('/classifications') && response.request().method() === 'POST');
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    // The submit is what finds the project closed.
    expect((await refused).status()).toBe(422);
    const closed = page.getByTestId('closed');
    await waitToSee(closed, { timeout: 10_000 });
    await page.waitForFunction(() => document.activeElement?.id === 'closed-heading');
    // What became of the answer is said as the page says it is closed, not after: read at once, as a screen reader would.
    expect(await closed.getByRole('heading').textContent()).toBe('This project is no longer open to volunteers');
    expect(await closed.textContent()).toContain('Your last answer is kept on this device and will be sent if the researchers open the project to volunteers again within 30 days.');
    const waiting = page.getByTestId('outbox-awaiting-reopen');
    await waitToSee(waiting);
    expect(await waiting.locator('p').textContent()).toBe(
      '1 answer you gave waits for its project to be open to volunteers again. It is kept on this device and will be sent once the researchers reopen the project; if they have not within 30 days, it is dropped.',
    );
    expect(await page.getByTestId('subject').count()).toBe(0);
    // A plain notice, not the API's words: no alert, no JSON pointer.
    expect((await page.locator('[role="alert"]').allTextContents()).join('')).toBe('');
    expect(await page.locator('body').textContent()).not.toContain('/workflowId');
    const stored = async () => (await suite.stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE workflow_id = $1', [workflow.id])).rows[0].n;
    expect(await stored()).toBe(0);
    await checkScreen(page, 'closed');

    // Given up, after a question that Escape answers "keep waiting".
    const discard = waiting.getByRole('button', { name: 'Discard it…' });
    await discard.click();
    const question = page.getByTestId('discard-question');
    await waitForFocus(page, '[data-testid="discard-question"]');
    expect(await question.textContent()).toContain('Discard the answer that waits for its project to reopen?');
    await page.keyboard.press('Escape');
    await waitForFocus(page, '[data-testid="outbox-awaiting-reopen"] button');
    expect(await waiting.count()).toBe(1);
    await discard.click();
    await question.getByRole('button', { name: 'Discard it' }).click();
    const done = page.getByTestId('awaiting-reopen-discarded');
    await waitForFocus(page, '[data-testid="awaiting-reopen-discarded"]');
    expect(await done.textContent()).toBe('1 answer discarded.');
    expect(await waiting.count()).toBe(0);
    // Gone for good: the project open again, nothing is sent.
    await suite.stack.client.updateProject(project.id, { status: 'live' });
    await page.reload();
    await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });
    expect(await answersKeptFor(page, workflow.id)).toBe(0);
    expect(await stored()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps the answer a volunteer is giving when the next batch’s request learns that the project was taken back to draft, and stops after it', async () => {
    const { project, workflow, page } = await openWithEmptyOutbox('Closed under the next batch', { before: noteAnswersHandled });
    await waitToSee(page.getByTestId('subject'));
    // The next batch (asked for once the first answer leaves 3) is held until the project is closed.
    let release = () => {};
    const closedFirst = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route((address) => address.pathname.endsWith(`/workflows/${workflow.id}/queue`), async (route) => {
      await closedFirst;
      await route.continue();
    });
    const nextBatch = page.waitForEvent('requestfinished', (request) => request.url().includes(`/workflows/${workflow.id}/queue?`));
    const first = await answerByKey(page);
    const onScreen = (await page.getByTestId('subject').getAttribute('data-subject-id'))!;
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    await page.keyboard.press('2'); // the volunteer chooses an answer on the next subject
    await suite.stack.client.updateProject(project.id, { status: 'draft' });
    release();
    expect((await (await nextBatch).response())?.status()).toBe(404);
    await answerHandled(page, `404 ${suite.stack.baseUrl}/api/v1/workflows/${workflow.id}/queue?`);

    // The page learnt it in the background: the subject and the answer chosen stay, and its submit is kept on the device.
    expect(await page.locator(`[data-testid="subject"][data-subject-id="${onScreen}"]`).count()).toBe(1);
    expect(await page.getByTestId('closed').count()).toBe(0);
    await page.keyboard.press('Enter');
    const closed = page.getByTestId('closed');
    await waitToSee(closed, { timeout: 10_000 });
    expect(await closed.textContent()).toContain('Your last answer is kept on this device');
    expect(await answersKeptFor(page, workflow.id)).toBe(1);
    const { rows } = await suite.stack.db.query('SELECT subject_id FROM classifications WHERE workflow_id = $1', [workflow.id]);
    expect(rows).toEqual([{ subject_id: first }]);
    await page.close();
  });

  it('keeps an answer kept offline that the server refuses once sent, the project having been taken back to draft, says it waits, and sends it once the project is open again', async () => {
    const { project, workflow, page } = await openWithEmptyOutbox('Closed while offline');
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
    const answered = (await page.getByTestId('subject').getAttribute('data-subject-id'))!;
    try {
      await suite.context.setOffline(true);
      await page.keyboard.press('1');
      await page.keyboard.press('Enter');
      await waitToSee(page.getByTestId('outbox'), { timeout: 20_000 });
      await suite.stack.client.updateProject(project.id, { status: 'draft' });
    } finally {
      await suite.context.setOffline(false);
    }
    const closed = page.getByTestId('closed');
    await waitToSee(closed, { timeout: 20_000 });
    expect(await closed.textContent()).toContain('Your last answer is kept on this device and will be sent if the researchers open the project to volunteers again within 30 days.');
    const waiting = page.getByTestId('outbox-awaiting-reopen');
    await waitToSee(waiting);
    expect(await waiting.locator('p').textContent()).toContain('1 answer you gave waits for its project to be open to volunteers again. It is kept on this device');
    expect(await page.getByTestId('outbox').count()).toBe(0); // not said to wait for the connection
    expect((await page.locator('[role="alert"]').allTextContents()).join('')).toBe(''); // nothing dropped
    const stored = async () => (await suite.stack.db.query('SELECT subject_id FROM classifications WHERE workflow_id = $1', [workflow.id])).rows;
    expect(await stored()).toEqual([]);

    // Open again: the classify page, opened again, finds it open and sends the answer at once.
    await suite.stack.client.updateProject(project.id, { status: 'live' });
    await page.reload();
    for (let i = 0; i < 100 && (await stored()).length === 0; i += 1) await page.waitForTimeout(100);
    expect(await stored()).toEqual([{ subject_id: answered }]);
    await waitToSee(waiting, { state: 'detached' });
    const { rows } = await suite.stack.db.query('SELECT classification_count FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflow.id, answered]);
    expect(rows).toEqual([{ classification_count: 1 }]);
    await page.close();
  });

  it('says why the server refused an answer in words, never with the API’s JSON pointers', async () => {
    const { workflow, url } = await liveWorkflowOf('Refused answer', 2);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
    // As the API refuses a subject taken out of the workflow meanwhile.
    const problem = {
      type: 'urn:chorus:problem:validation-failed',
      title: 'Validation failed',
      status: 422,
      detail: 'One field is invalid: /subjectId is not a subject of this workflow',
      errors: [{ pointer: '/subjectId', message: 'is not a subject of this workflow' }],
    };
    await page.route('**/api/v1/classifications', (route) =>
      route.request().method() === 'POST' ? route.fulfill({ status: 422, contentType: 'application/problem+json', body: JSON.stringify(problem) }) : route.fallback(),
    );
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    const alert = page.locator('[role="alert"].alert');
    await waitToSee(alert);
    expect(await alert.textContent()).toBe('Chorus could not accept this answer, so it was not saved. This subject is no longer part of this workflow. Reload the page to go on.');
    await page.close();
  });

  it('takes subjects the researchers retired out of the volunteer’s batch after the first answer that comes after their retirement', async () => {
    const { workflow, url } = await liveWorkflowOf('Retired mid-batch', 20);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await page.goto(url);
    await answerByKey(page);
    const held = async () => (await suite.stack.db.query('SELECT subject_id FROM assignments WHERE workflow_id = $1', [workflow.id])).rows.map((row) => row.subject_id as string);
    for (let i = 0; i < 50 && (await held()).length < 13; i += 1) await page.waitForTimeout(100);
    const batch = await held(); // the one on screen, and the 12 waiting behind it
    expect(batch).toHaveLength(13);
    await suite.stack.client.request('POST', `/workflows/${workflow.id}/retire`, { subjectIds: batch, reason: 'Duplicates of another collection' });

    const late = await answerByKey(page); // retired while on screen: kept, and it tells the page to look again
    expect(batch).toContain(late);
    await waitToSee(page.getByTestId('notice').getByText('12 subjects that were waiting for you are no longer needed'), { timeout: 10_000 });
    await waitToSee(page.getByTestId('subject'));
    expect(batch).not.toContain(await page.getByTestId('subject').getAttribute('data-subject-id'));
    const { rows } = await suite.stack.db.query('SELECT count(*) FILTER (WHERE after_retirement)::int AS late, count(*)::int AS n FROM classifications WHERE workflow_id = $1', [workflow.id]);
    expect(rows).toEqual([{ late: 1, n: 2 }]);
    await page.close();
  });

  /** Records everything the page's announcer says, in order, from now on. */
  async function recordAnnouncements(page: Page): Promise<() => Promise<string[]>> {
    await page.evaluate(() => {
      const said: string[] = [];
      (window as unknown as { said: string[] }).said = said;
      const announcer = document.querySelector('[data-testid="announcer"]')!;
      new MutationObserver(() => {
        const text = announcer.textContent ?? '';
        if (text) said.push(text);
      }).observe(announcer, { childList: true, subtree: true, characterData: true });
    });
    return () => page.evaluate(() => (window as unknown as { said: string[] }).said);
  }

  it('focuses the waiting message that takes the place of the task when other volunteers hold the last subjects', async () => {
    const { workflow, url } = await liveWorkflowOf('Held by others', 3, { rule: 'count', count: 1 }); // one answer each: a subject held is held for one
    await skipTutorial(suite.context, workflow.id);
    const other = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    expect((await other.queue(workflow.id, 2, { hold: 600 })).subjects).toHaveLength(2);
    const page = await suite.context.newPage();
    await page.goto(url);
    await answerByKey(page); // no next subject: the wait for one
    const waiting = page.locator('main p.loading');
    await page.waitForFunction(() => /^Other volunteers are working/.test(document.querySelector('main p.loading')?.textContent ?? ''), null, { timeout: 10_000 });
    // Not lost to the page: a screen reader reads the message, and the keyboard goes on from there.
    await waitForFocus(page, 'main p.loading');
    expect(await waiting.getAttribute('role')).toBe('status');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  it('offers a volunteer with an account whose page died without giving its subjects back (a crash, a discarded tab) to classify them here, and says until when they are held', async () => {
    const { workflow, url } = await liveWorkflowOf('Dead page', 6, { rule: 'count', count: 1 });
    // An account, in a browser of its own: a page of theirs may live on another device, so a page that does not know of
    // one does not take their holds by itself (a guest's does: `goes on where a page that died was`).
    const own = await launchBrowser();
    try {
      const browser = { stack: suite.stack, context: own.context };
      await skipTutorial(own.context, workflow.id);
      const account = await signUp(suite.stack, { email: `dead-page-${Date.now()}@example.org`, displayName: 'Dora' });
      const heldIds = async () => (await suite.stack.db.query('SELECT subject_id FROM assignments WHERE workflow_id = $1 AND expires_at > now() ORDER BY subject_id', [workflow.id])).rows.map((row) => row.subject_id as string);
      const { page: dead } = await signedInPage(browser, account);
      await dead.goto(url);
      await waitToSee(dead.getByTestId('subject'));
      const answered = new Set([await answerByKey(dead)]);
      for (let i = 0; i < 50 && (await heldIds()).length < 5; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      const held = await heldIds();
      expect(held).toHaveLength(5);
      // Its renderer crashes (as a phone discarding the tab, or the OS killing the browser): no unload, nothing given back.
      const crashed = dead.waitForEvent('crash');
      void (await own.context.newCDPSession(dead)).send('Page.crash').catch(() => undefined);
      await crashed;
      await dead.close({ runBeforeUnload: false });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await heldIds()).toEqual(held);

      // The volunteer comes back in another browser of theirs (the same account, none of the dead page's storage).
      const page = await own.context.newPage();
      await page.goto(suite.stack.baseUrl);
      await page.evaluate((id) => Object.keys(window.localStorage).filter((key) => key.startsWith(`chorus.queue.${id}.`)).forEach((key) => {
          window.localStorage.removeItem(key);
        }), workflow.id);
      await page.goto(url);
      await page.waitForFunction(() => /^The last subjects you can classify here are held for you/.test(document.querySelector('main p.loading')?.textContent ?? ''), null, { timeout: 10_000 });
      const [{ until }] = (await suite.stack.db.query('SELECT min(expires_at) AS until FROM assignments WHERE workflow_id = $1', [workflow.id])).rows;
      const time = await page.evaluate((at) => new Date(at).toLocaleTimeString(document.documentElement.lang || 'en', { timeStyle: 'short' }), (until as Date).toISOString());
      expect(await page.locator('main p.loading').textContent()).toContain(`wait until about ${time}`);
      expect(await page.getByText('A tab of yours still open elsewhere will then find its subjects answered here or taken by other volunteers.').count()).toBe(1);
      await waitForFocus(page, 'main p.loading');
      await page.keyboard.press('Tab');
      await waitForFocus(page, 'main p.loading ~ button');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Classify them here');
      expect(await seriousViolations(page)).toEqual([]);
      await page.keyboard.press('Enter');
      await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });
      const servedHere: string[] = [];
      for (let i = 0; i < 5; i += 1) servedHere.push(await answerByKey(page));
      expect(new Set(servedHere).size).toBe(5); // none twice
      expect([...servedHere].sort()).toEqual(held);
      expect(servedHere.some((id) => answered.has(id))).toBe(false);
      await waitToSee(page.getByRole('heading', { name: 'This workflow is complete' }), { timeout: 10_000 });
    } finally {
      await own.close();
    }
  });

  /**
   * A guest's page of a sequential workflow (12 pages) that shows its first page, used, then dies as a crash kills it:
   * no unload, so its batch stays marked alive on the device and its holds stay on the server. Answers the page ids
   * in serving order and the four the page held.
   */
  async function pageThatDies(title: string) {
    const { workflow, url } = await liveWorkflowOf(title, 12, undefined, { order: 'sequential', goldStandardRate: 0 });
    await skipTutorial(suite.context, workflow.id);
    const inOrder = (await suite.stack.db.query('SELECT id FROM subjects WHERE external_id ~ $1 AND project_id = (SELECT project_id FROM workflows WHERE id = $2) ORDER BY substr(external_id, 9)::int', ['^snippet-', workflow.id])).rows.map((row) => row.id as string);
    const heldIds = async () => (await suite.stack.db.query('SELECT subject_id FROM assignments WHERE workflow_id = $1 AND expires_at > now()', [workflow.id])).rows.map((row) => row.subject_id as string).sort();
    const dead = await suite.context.newPage();
    await dead.goto(url);
    await waitToSee(dead.getByTestId('subject'));
    expect(await dead.getByTestId('subject').getAttribute('data-subject-id')).toBe(inOrder[0]);
    await dead.keyboard.press('Tab');
    const held = await heldIds();
    expect(held).toEqual(inOrder.slice(0, 4).sort());
    // Its batch as the page last kept it: marked alive moments ago, as a crash leaves it.
    const records = () =>
      dead.evaluate((id) => Object.keys(window.localStorage).filter((key) => key.startsWith(`chorus.queue.${id}.`)).map((key) => JSON.parse(window.localStorage.getItem(key)!)), workflow.id);
    expect((await records()).map((record) => Date.now() - record.aliveAt < 60_000)).toEqual([true]);
    const crashed = dead.waitForEvent('crash');
    void (await suite.context.newCDPSession(dead)).send('Page.crash').catch(() => undefined);
    await crashed;
    await dead.close({ runBeforeUnload: false });
    return { workflow, url, inOrder, held, heldIds };
  }

  it('goes on where a page that died (its renderer crashed) was, in a sequential workflow: its page first, then the next in order, taking no new subjects meanwhile', async () => {
    const { url, inOrder, held, heldIds } = await pageThatDies('Crashed tab');
    // The volunteer opens the workflow again, in a new tab, at once.
    const page = await suite.context.newPage();
    await page.goto(url);
    await waitToSee(page.getByTestId('subject'));
    expect(await page.getByTestId('subject').getAttribute('data-subject-id')).toBe(inOrder[0]);
    expect(await heldIds()).toEqual(held); // its batch, not four more: nobody else's pages skipped
    const answered: string[] = [];
    for (let i = 0; i < 6; i += 1) answered.push(await answerByKey(page));
    expect(answered).toEqual(inOrder.slice(0, 6));
    await page.close();
  });

  it('goes on where a page that died was when the browser lost its batch with it (killed before writing it down): the volunteer’s holds come first, in order', async () => {
    const { workflow, url, inOrder, held, heldIds } = await pageThatDies('Killed browser');
    const page = await suite.context.newPage();
    await page.goto(suite.stack.baseUrl);
    await page.evaluate((id) => Object.keys(window.localStorage).filter((key) => key.startsWith(`chorus.queue.${id}.`)).forEach((key) => {
        window.localStorage.removeItem(key);
      }), workflow.id);
    await page.goto(url);
    await waitToSee(page.getByTestId('subject'));
    expect(await page.getByTestId('subject').getAttribute('data-subject-id')).toBe(inOrder[0]);
    expect(await heldIds()).toEqual(held);
    const answered: string[] = [];
    for (let i = 0; i < 6; i += 1) answered.push(await answerByKey(page));
    expect(answered).toEqual(inOrder.slice(0, 6));
    await page.close();
  });

  it('gives what a page that died held to one tab only: a second tab opened while the first lives shows none of it, the next pages instead', async () => {
    const { workflow, url, inOrder, heldIds } = await pageThatDies('Crashed tab, two more');
    const batchOf = async (page: Page) => {
      const tab = await page.evaluate(() => window.sessionStorage.getItem('chorus.tab'));
      return page.evaluate((key) => (JSON.parse(window.localStorage.getItem(key) ?? '{}').subjects ?? []).map((subject: { id: string }) => subject.id) as string[], `chorus.queue.${workflow.id}.${tab}`);
    };
    const forget = (page: Page) =>
      page.evaluate((id) => Object.keys(window.localStorage).filter((key) => key.startsWith(`chorus.queue.${id}.`)).forEach((key) => {
          window.localStorage.removeItem(key);
        }), workflow.id);
    // Both ways: the dead page's batch on the device, adopted; then, the first tab lost too, the volunteer's holds.
    for (const lostOnDevice of [false, true]) {
      const first = await suite.context.newPage();
      if (lostOnDevice) {
        await first.goto(suite.stack.baseUrl);
        await forget(first);
      }
      await first.goto(url);
      await waitToSee(first.getByTestId('subject'));
      expect(await first.getByTestId('subject').getAttribute('data-subject-id')).toBe(inOrder[0]);
      const second = await suite.context.newPage();
      await second.goto(url);
      await waitToSee(second.getByTestId('subject'));
      const [inFirst, inSecond] = [await batchOf(first), await batchOf(second)];
      expect(inFirst).toEqual(inOrder.slice(0, 4));
      expect(inSecond).toEqual(inOrder.slice(4, 8));
      expect(await heldIds()).toEqual(inOrder.slice(0, 8).sort());
      // The second gives back what it fetched as it closes, and the first dies too: the next run starts as this one did.
      await second.close({ runBeforeUnload: true });
      for (let i = 0; i < 50 && (await heldIds()).length > 4; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await heldIds()).toEqual(inOrder.slice(0, 4).sort());
      const crashed = first.waitForEvent('crash');
      void (await suite.context.newCDPSession(first)).send('Page.crash').catch(() => undefined);
      await crashed;
      await first.close({ runBeforeUnload: false });
    }
  });

  it('says, when the subjects waiting were taken out as no longer needed, that they were, names none of them as next, and focuses the end', async () => {
    const { workflow, url } = await liveWorkflowOf('Gone then done', 4);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
    const held = async () => (await suite.stack.db.query('SELECT subject_id FROM assignments WHERE workflow_id = $1', [workflow.id])).rows.map((row) => row.subject_id as string);
    for (let i = 0; i < 50 && (await held()).length < 4; i += 1) await page.waitForTimeout(100);
    const onScreen = (await page.getByTestId('subject').getAttribute('data-subject-id'))!;
    const waiting = (await held()).filter((subjectId) => subjectId !== onScreen);
    expect(waiting).toHaveLength(3);
    await suite.stack.client.request('POST', `/workflows/${workflow.id}/retire`, { subjectIds: waiting, reason: 'Answered elsewhere' });

    await answerByKey(page); // not retired: the next, retired meanwhile, is shown (its answer is still accepted)
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
    const said = await recordAnnouncements(page);
    await page.keyboard.press('1');
    await page.keyboard.press('Enter'); // the answer after retirement: the other two leave the list before any is shown
    await waitToSee(page.getByTestId('finished'), { timeout: 10_000 });
    await waitForFocus(page, '#finished-heading');
    const gone = '2 subjects that were waiting for you are no longer needed (they have their answers, you classified them on another device or in another tab, or the researchers took them out), so they were taken out of your list.';
    expect(await page.getByTestId('notice').textContent()).toBe(gone);
    expect(await said()).toEqual([`Classification submitted. ${gone}`]);
    await page.close();
  });

  /** A page on a clock of its own, with its first batch: the subject on screen, and one waiting behind it. */
  async function pageWithBatch(title: string) {
    const { workflow, url } = await liveWorkflowOf(title, 20);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await page.clock.install();
    await page.goto(url);
    await waitToSee(page.getByTestId('subject'));
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
    const onScreen = (await page.getByTestId('subject').getAttribute('data-subject-id'))!;
    const batch = (await suite.stack.db.query('SELECT subject_id FROM assignments WHERE workflow_id = $1', [workflow.id])).rows.map((row) => row.subject_id as string);
    return { workflow, page, onScreen, waiting: batch.find((subjectId) => subjectId !== onScreen)! };
  }

  it('leaves out, when the volunteer comes back to a page left open past its holds, the subjects others retired meanwhile', async () => {
    const { workflow, page, onScreen, waiting } = await pageWithBatch('Back from lunch');
    // The holds lapse and the reconciler ends them; others' answers then retire the subject on screen and one more.
    await suite.stack.db.query('DELETE FROM assignments WHERE workflow_id = $1', [workflow.id]);
    const retired = [onScreen, waiting];
    await suite.stack.client.request('POST', `/workflows/${workflow.id}/retire`, { subjectIds: retired, reason: 'Answered by others' });

    await page.clock.runFor(RENEW_HOLDS_EVERY_MS + 1000);
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await waitToSee(page.getByTestId('notice').getByText('2 subjects that were waiting for you are no longer needed'), { timeout: 10_000 });
    expect(retired).not.toContain(await page.getByTestId('subject').getAttribute('data-subject-id'));
    await page.close();
  });

  it('keeps on screen, while the volunteer works on it, a subject retired meanwhile, and leaves out the others', async () => {
    const { workflow, page, onScreen, waiting } = await pageWithBatch('Retired under the pen');
    await suite.stack.client.request('POST', `/workflows/${workflow.id}/retire`, { subjectIds: [onScreen, waiting], reason: 'Answered by others' });

    // At work on it, without an answer yet (an answer would keep it as a draft): the renewal keeps it, drops the other.
    await page.keyboard.press('Shift');
    await page.clock.runFor(RENEW_HOLDS_EVERY_MS);
    await waitToSee(page.getByTestId('notice').getByText('A subject that was waiting for you is no longer needed'), { timeout: 10_000 });
    expect(await page.getByTestId('subject').getAttribute('data-subject-id')).toBe(onScreen);
    await page.close();
  });

  it('sends an answer kept on the device while offline from any page once back online, not only from a classify page', async () => {
    const { workflow, url } = await liveWorkflowOf('Sent from home', 3);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
    const stored = async () => (await suite.stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE workflow_id = $1', [workflow.id])).rows[0].n;
    try {
      await suite.context.setOffline(true);
      await page.keyboard.press('1');
      await page.keyboard.press('Enter');
      await waitToSee(page.getByTestId('outbox'), { timeout: 20_000 });
      await page.locator('header .brand').click(); // to the project list, in the app
      await waitToSee(page.getByRole('heading', { level: 1, name: 'Projects' }));
      expect(await stored()).toBe(0);
    } finally {
      await suite.context.setOffline(false);
    }
    for (let i = 0; i < 100 && (await stored()) === 0; i += 1) await page.waitForTimeout(100);
    expect(await stored()).toBe(1);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.close();
  });

  it('dates an answer by the server’s clock on a device whose clock runs an hour fast, so that it is stored, not refused', async () => {
    const { workflow, url } = await liveWorkflowOf('Fast clock', 3);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    // The device's clock, an hour ahead of the world's (and of the server's, whose allowance is ten minutes).
    await page.addInitScript(() => {
      const RealDate = Date;
      const ahead = 3_600_000;
      class FastDate extends RealDate {
        constructor(...args: unknown[]) {
          if (args.length === 0) super(RealDate.now() + ahead);
          else super(...(args as [string]));
        }
        static override now() {
          return RealDate.now() + ahead;
        }
      }
      (globalThis as { Date: DateConstructor }).Date = FastDate as DateConstructor;
    });
    await page.goto(url);
    expect((await page.evaluate(() => Date.now())) - Date.now()).toBeGreaterThan(3_500_000);
    await answerByKey(page);
    const stored = async () =>
      (await suite.stack.db.query('SELECT started_at, finished_at, now() AS server_now FROM classifications WHERE workflow_id = $1', [workflow.id])).rows as {
        started_at: Date;
        finished_at: Date;
        server_now: Date;
      }[];
    for (let i = 0; i < 100 && (await stored()).length === 0; i += 1) await page.waitForTimeout(100);
    const [row] = await stored();
    expect(row).toBeDefined();
    // Within a minute of the server's clock (the test's few seconds and the Date header's second), not an hour ahead.
    expect(Math.abs(row!.finished_at.getTime() - row!.server_now.getTime())).toBeLessThan(60_000);
    expect(row!.started_at.getTime()).toBeLessThanOrEqual(row!.finished_at.getTime());
    await page.close();
  });

  it('hands an answer whose submit hangs to the answers waiting on the device after a few seconds on screen, and stores it once', async () => {
    const { workflow, url } = await liveWorkflowOf('Hung submit', 3);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    let hung: Route | undefined;
    await page.route('**/api/v1/classifications', (route) => {
      if (hung || route.request().method() !== 'POST') return route.fallback();
      hung = route; // answered by nobody, until the test lets it through
    });
    await page.clock.install();
    await page.goto(url);
    const focusedOnSubject = () => page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
    await focusedOnSubject();
    const stored = async () => (await suite.stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE workflow_id = $1', [workflow.id])).rows[0].n;
    const first = await page.getByTestId('subject').getAttribute('data-subject-id');
    await page.keyboard.press('1');
    // The next subject once the answer has waited its few seconds on screen (run through on the page's clock, stopped
    // meanwhile): not before then, once what the page does meanwhile is done; the outbox sends it again under its key.
    await withClockPaused(page, async () => {
      const submitted = page.waitForRequest((request) => request.url().endsWith('/api/v1/classifications') && request.method() === 'POST');
      await page.keyboard.press('Enter');
      await submitted;
      await page.clock.runFor(ON_SCREEN_SUBMIT_MS - 500);
      await page.waitForTimeout(300);
      expect(await page.getByTestId('subject').getAttribute('data-subject-id')).toBe(first);
      await page.clock.runFor(1_000);
      await page.waitForFunction((id) => document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') !== id, first, { timeout: 5_000 });
    });
    await focusedOnSubject();
    for (let i = 0; i < 100 && (await stored()) === 0; i += 1) await page.waitForTimeout(100);
    const arrived = page.waitForResponse((response) => response.request() === hung!.request());
    await hung!.continue(); // and the first request arrives after all
    await arrived;
    expect(await stored()).toBe(1);
    await page.close();
  });

  it('holds only a few subjects, for ten minutes, for a visitor who looks and leaves, and prefetches a full batch once they answer, holding all for the lifetime', async () => {
    const { workflow, url } = await liveWorkflowOf('Passers-by', 30);
    await skipTutorial(suite.context, workflow.id);
    const held = async () => (await suite.stack.db.query('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1', [workflow.id])).rows[0].n;
    const heldFor = async () =>
      (await suite.stack.db.query("SELECT DISTINCT round(extract(epoch FROM expires_at - now()) / 60)::int AS minutes FROM assignments WHERE workflow_id = $1", [workflow.id])).rows.map((row) => row.minutes);
    const page = await suite.context.newPage();
    await page.goto(url);
    await waitToSee(page.getByTestId('subject'));
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
    expect(await held()).toBe(4);
    expect(await heldFor()).toEqual([10]); // for ten minutes, not the half hour of an assignment
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    for (let i = 0; i < 50 && (await held()) < 13; i += 1) await page.waitForTimeout(100);
    expect(await held()).toBe(13); // 3 left of the first batch, and the next 10
    expect(await heldFor()).toEqual([30]); // once they answer, what they hold is held for the half hour
    await page.close();
  });

  it('gives back at once the subjects of a page closed without being used, and those of a page that was used but the one it showed', async () => {
    const { workflow, url } = await liveWorkflowOf('Lookers', 30);
    await skipTutorial(suite.context, workflow.id);
    const heldIds = async () => (await suite.stack.db.query('SELECT subject_id FROM assignments WHERE workflow_id = $1 ORDER BY subject_id', [workflow.id])).rows.map((row) => row.subject_id as string);
    const looker = await suite.context.newPage();
    await looker.goto(url);
    await waitToSee(looker.getByTestId('subject'));
    const looked = await heldIds();
    expect(looked).toHaveLength(4);
    await looker.close({ runBeforeUnload: true });
    for (let i = 0; i < 50 && (await heldIds()).length > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await heldIds()).toEqual([]); // back in the pool at once, not in ten minutes

    // A first visit closes the tutorial: that is not working on a subject either.
    const { workflow: tutored, url: tutoredUrl } = await liveWorkflowOf('Lookers with a tutorial', 30);
    const first = await suite.context.newPage();
    await first.goto(tutoredUrl);
    await waitToSee(first.getByRole('dialog'));
    await first.keyboard.press('Escape');
    await waitToSee(first.getByRole('dialog'), { state: 'detached' });
    await waitToSee(first.getByTestId('subject'));
    const heldOf = async () => (await suite.stack.db.query('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1', [tutored.id])).rows[0].n;
    expect(await heldOf()).toBe(4);
    await first.close({ runBeforeUnload: true });
    for (let i = 0; i < 50 && (await heldOf()) > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await heldOf()).toBe(0);

    const batchIn = async (page: Page) =>
      page.evaluate((workflowId) => Object.keys(window.localStorage).filter((key) => key.startsWith(`chorus.queue.${workflowId}.`)).flatMap((key) => (JSON.parse(window.localStorage.getItem(key)!).subjects ?? []).map((subject: { id: string }) => subject.id)).sort(), workflow.id);
    const worker = await suite.context.newPage();
    await worker.goto(url);
    await waitToSee(worker.getByTestId('subject'));
    const fetched = await heldIds();
    expect(await batchIn(worker)).toEqual(fetched); // the looker's subjects left the device with their holds: none adopted
    const shown = (await worker.getByTestId('subject').getAttribute('data-subject-id'))!;
    await worker.keyboard.press('Tab'); // used: the subject it shows stays the volunteer's when the page goes away
    await worker.goto(`${suite.stack.baseUrl}/`);
    await waitToSee(worker.getByRole('heading', { level: 1, name: 'Projects' }));
    for (let i = 0; i < 50 && (await heldIds()).length > 1; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await heldIds()).toEqual([shown]);
    expect(await batchIn(worker)).toEqual([shown]);
    // Opened again and left unused, the page showed only the subject kept from before: it gives none back.
    await worker.goto(url);
    await waitToSee(worker.getByTestId('subject'));
    expect(await worker.getByTestId('subject').getAttribute('data-subject-id')).toBe(shown);
    await worker.goto(`${suite.stack.baseUrl}/`);
    await waitToSee(worker.getByRole('heading', { level: 1, name: 'Projects' }));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await heldIds()).toEqual([shown]);
    expect(await batchIn(worker)).toEqual([shown]);
    await worker.close();
  });

  it('keeps holding what a page shows while its volunteer works on one subject for longer than the first batch is held, and not while the page lies unused', async () => {
    const { workflow, url } = await liveWorkflowOf('Slow readers', 30);
    await skipTutorial(suite.context, workflow.id);
    const heldFor = async () =>
      (await suite.stack.db.query('SELECT DISTINCT round(extract(epoch FROM expires_at - now()) / 60)::int AS minutes FROM assignments WHERE workflow_id = $1', [workflow.id])).rows.map((row) => row.minutes);
    const page = await suite.context.newPage();
    await page.clock.install();
    await page.goto(url);
    await waitToSee(page.getByTestId('subject'));
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
    const renewals: string[] = [];
    page.on('request', (request) => request.method() === 'POST' && request.url().endsWith('/queue/holds') && renewals.push(request.postData() ?? ''));
    await page.clock.runFor(RENEW_HOLDS_EVERY_MS + 1000);
    await page.waitForTimeout(300);
    expect(renewals).toEqual([]); // nobody at work: the first batch's holds run out after their ten minutes
    expect(await heldFor()).toEqual([10]);

    await page.keyboard.press('1'); // at work on the first subject, not yet answered
    await page.clock.runFor(RENEW_HOLDS_EVERY_MS);
    for (let i = 0; i < 50 && renewals.length === 0; i += 1) await page.waitForTimeout(100);
    expect(JSON.parse(renewals[0]!).subjectIds).toHaveLength(4);
    for (let i = 0; i < 50 && (await heldFor())[0] !== 30; i += 1) await page.waitForTimeout(100);
    expect(await heldFor()).toEqual([30]);
    await page.close();
  });

  it('shows the volunteer their recent classifications with their answers, newest first, kept up to date while open', async () => {
    const { workflow, url } = await liveWorkflowOf('Recents', 30);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await page.goto(url);
    const subject = page.getByTestId('subject');
    const answered: string[] = [];
    const answer = async (key: '1' | '2') => {
      await waitToSee(subject);
      const id = await answerByKey(page, key);
      // Named by its opening words, never by the researchers' id (snippet-21), which means nothing to a volunteer.
      const { rows } = await suite.stack.db.query("SELECT locations->0->>'text' AS text FROM subjects WHERE id = $1", [id]);
      const words = (rows[0].text as string).split(/\s+/);
      answered.unshift(`“${words.slice(0, 6).join(' ')}${words.length > 6 ? '…' : ''}”`);
    };
    await answer('1');
    await answer('2');
    const recent = page.getByTestId('recent');
    const items = recent.locator('li.recent-item');
    await recent.locator('summary').click();
    await waitToSee(items.nth(1));
    expect(await recent.locator('summary').textContent()).toBe('Your recent classifications (2 in this workflow)');
    expect(await items.locator('.recent-subject span').allTextContents()).toEqual(answered);
    expect(await items.locator('.recent-answers').allTextContents()).toEqual(['Advertisement?No', 'Advertisement?Yes']);
    await checkScreen(page, 'recent-classifications');
    await page.locator('[data-testid="subject"] input[type="radio"]').first().focus();
    await answer('1');
    await waitToSee(items.nth(2));
    expect(await items.locator('.recent-subject span').allTextContents()).toEqual(answered);
    expect(await recent.locator('summary').textContent()).toBe('Your recent classifications (3 in this workflow)');

    // Nine more from another device of the same volunteer: twelve, ten a page. Showing the older ones puts focus on
    // the first of them, since the button goes with the last page.
    const token = await page.evaluate(() => window.localStorage.getItem('chorus.token'));
    const elsewhere = suite.stack.anonymous.withToken(token!);
    for (const subject of (await elsewhere.queue(workflow.id, 9)).subjects) {
      await elsewhere.classify({ workflowId: workflow.id, workflowVersion: workflow.version, subjectId: subject.id, annotations: [{ task: 'T0', value: 'no' }] }, `recent-${subject.id}`);
    }
    await recent.locator('summary').click(); // closed
    await recent.locator('summary').click(); // opened again: read afresh
    await page.waitForFunction(() => document.querySelector('[data-testid="recent"] summary')?.textContent?.includes('(12 in'));
    await waitToSee(items.nth(9));
    await recent.getByRole('button', { name: 'Show older ones' }).click();
    await waitToSee(items.nth(11));
    await page.waitForFunction(() => document.activeElement === document.querySelectorAll('[data-testid="recent"] li.recent-item')[10]);
    expect(await recent.getByRole('button', { name: 'Show older ones' }).count()).toBe(0);
    // The older page comes without the total (counted on the first page only): the first page's stands.
    expect(await recent.locator('summary').textContent()).toBe('Your recent classifications (12 in this workflow)');

    // An answer kept on the device while offline shows once it is sent.
    await page.context().setOffline(true);
    await page.locator('[data-testid="subject"] input[type="radio"]').first().focus();
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('outbox'));
    await page.context().setOffline(false);
    await page.waitForFunction(() => document.querySelector('[data-testid="recent"] summary')?.textContent?.includes('(13 in'), null, { timeout: 20_000 });
    // The reload of the first page keeps the older ones shown below it.
    await waitToSee(items.nth(12));
    expect(await items.count()).toBe(13);
    expect(await recent.getByRole('button', { name: 'Show older ones' }).count()).toBe(0);
    await page.close();
  });

  it('describes each recent classification with the workflow version it was answered under, reading each once it can', async () => {
    const { workflow, url } = await liveWorkflowOf('Recents across versions', 20);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    const versionsRead: string[] = [];
    page.on('requestfinished', (request) => {
      if (request.url().includes('/versions/')) versionsRead.push(request.url());
    });
    await page.goto(url);
    await answerByKey(page);
    const { definition } = await suite.stack.client.getWorkflow(workflow.id);
    const T0 = definition.tasks.T0 as Extract<(typeof definition.tasks)[string], { type: 'single' }>;
    const relabelled = { ...T0, question: 'Is this a paid notice?', answers: [{ value: 'yes', label: 'Paid notice' }, { value: 'no', label: 'News' }] };
    expect((await suite.stack.client.updateWorkflow(workflow.id, { ...definition, tasks: { T0: relabelled } })).version).toBe(2);
    await answerByKey(page); // on screen already: answered under version 1, and learns of version 2
    await waitToSee(page.getByText('Is this a paid notice?'));
    // Version 1 cannot be read at first (a lost connection): its answers are described with the current one meanwhile.
    await page.route('**/versions/1', (route) => route.abort('internetdisconnected'));
    const recent = page.getByTestId('recent');
    await recent.locator('summary').click();
    const answers = recent.locator('li.recent-item .recent-answers');
    const described = async (count: number) => {
      await waitToSee(answers.nth(count - 1));
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="recent"] .recent-answers[aria-busy]').length === 0);
      return answers.allTextContents();
    };
    expect(await described(2)).toEqual(['Is this a paid notice?Paid notice', 'Is this a paid notice?Paid notice']);
    await page.unroute('**/versions/1');
    await page.locator('[data-testid="subject"] input[type="radio"]').first().focus();
    await answerByKey(page); // the list changes, and version 1 is asked for again
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="recent"] .recent-answers')].some((item) => item.textContent === 'Advertisement?Yes'));
    expect(await described(3)).toEqual(['Is this a paid notice?Paid notice', 'Advertisement?Yes', 'Advertisement?Yes']);
    expect(versionsRead.filter((address) => address.endsWith('/versions/1'))).toHaveLength(1); // read once for both
    await page.close();
  });

  /**
   * Answers every subject of `page` while the server takes none (its submits fail): each waits on the device, to be sent
   * (`sendKeptThenComplete`). The page's clock is the test's to run on.
   */
  async function answerAllKeptOnDevice(page: Page, url: string, beforeLast?: (answered: string) => Promise<void>) {
    await page.route('**/api/v1/classifications', (route) => route.abort('connectionrefused'));
    await page.clock.install();
    await page.goto(url);
    await waitToSee(page.getByTestId('subject'));
    // The prefetch the first answer asks for has come back before the test goes on.
    const prefetched = page.waitForResponse((response) => response.url().includes('/queue?') && response.ok());
    const first = await answerByKey(page);
    await prefetched;
    await beforeLast?.(first);
    await answerByKey(page);
    await waitToSee(page.getByTestId('outbox'));
  }
  /**
   * The server takes answers again: the outbox's next try sends those kept on the device, its wait (`OUTBOX_RETRY_MS`)
   * run through at once on the page's clock, stopped meanwhile short of the page's own next look at the queue (30 s):
   * the page asks the queue again because they were sent, and finds the workflow complete.
   */
  async function sendKeptThenComplete(page: Page) {
    await withClockPaused(page, async () => {
      await page.unroute('**/api/v1/classifications');
      const askedAgain = page.waitForRequest((request) => request.url().includes('/queue?'), { timeout: 10_000 });
      await page.clock.runFor(OUTBOX_RETRY_MS);
      await askedAgain;
    });
    await waitToSee(page.getByRole('heading', { name: 'This workflow is complete' }), { timeout: 30_000 });
  }
  /** What the page says once it has asked for more: that it waits (and why), or that all is done. */
  async function saidWhenNoneLeft(page: Page): Promise<string | null> {
    const said = page.locator('main p.loading:not(:text("Loading subjects…")), [data-testid="finished"]').first();
    await waitToSee(said, { timeout: 10_000 });
    return said.textContent();
  }
  const LAST_BEING_SENT = /^Your last answers are still being sent\. More subjects may come once they arrive\. Chorus will look again in \d+ seconds?\.$/;

  it('says that its last answers are being sent, never that all is done, when the queue serves again a subject whose answer waits on this device, and goes on once they are sent', async () => {
    const { workflow, url } = await liveWorkflowOf('Served again while sending', 2, { rule: 'count', count: 1 });
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    // The first answer's hold ends while it waits to be sent (a slow server; "Classify them here" does the same): the
    // queue serves that subject again, which the page cannot show.
    await answerAllKeptOnDevice(page, url, (first) => suite.stack.db.query('DELETE FROM assignments WHERE workflow_id = $1 AND subject_id = $2', [workflow.id, first]).then(() => undefined));
    expect(await saidWhenNoneLeft(page)).toMatch(LAST_BEING_SENT);
    expect(await page.getByTestId('finished').count()).toBe(0);
    // The answers go through: the page asks again, and the workflow is complete.
    await sendKeptThenComplete(page);
    await page.close();
  });

  it('does not offer back as held for the volunteer the subjects whose answers wait on this device: it says they are being sent', async () => {
    const { workflow, url } = await liveWorkflowOf('Held while sending', 2, { rule: 'count', count: 1 });
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await answerAllKeptOnDevice(page, url);
    expect(await saidWhenNoneLeft(page)).toMatch(LAST_BEING_SENT);
    expect(await page.getByRole('button', { name: 'Classify them here' }).count()).toBe(0);
    await sendKeptThenComplete(page);
    await page.close();
  });

  it('tells a volunteer whose other tab holds the last subject so, rather than blaming other volunteers', async () => {
    const { workflow, url } = await liveWorkflowOf('Own tab', 1);
    await skipTutorial(suite.context, workflow.id);
    const first = await suite.context.newPage();
    await first.goto(url);
    await waitToSee(first.getByTestId('subject'));
    const second = await suite.context.newPage();
    const queueRequests: string[] = [];
    second.on('request', (request) => {
      if (request.url().includes('/queue')) queueRequests.push(request.url());
    });
    await second.goto(url);
    const waiting = second.locator('p.loading');
    await second.waitForFunction(() => /another tab or browser of yours/.test(document.querySelector('p.loading')?.textContent ?? ''), null, { timeout: 10_000 });
    expect(await waiting.textContent()).toMatch(/^The last subjects you can classify here are held for you: by another tab or browser of yours, .* wait until about .+, when the first of them comes back here by itself\.$/);
    expect(await second.getByTestId('subject').count()).toBe(0);
    // It asks again in 30 seconds, as it says, not at once and over and over.
    await second.waitForTimeout(1500);
    expect(queueRequests).toHaveLength(1);
    await Promise.all([first.close(), second.close()]);
  });

  it('asks again by itself, and soon, while the last subjects are held for the volunteer on another device, and shows them once that device gives them back, saying so', async () => {
    const { workflow, url } = await liveWorkflowOf('Held on another device', 3, { rule: 'count', count: 1 });
    const account = await signUp(suite.stack, { email: `held-elsewhere-${Date.now()}@example.org`, displayName: 'Hal' });
    const [deviceA, deviceB] = await launchBrowsers(2);
    try {
      await skipTutorial(deviceA.context, workflow.id);
      await skipTutorial(deviceB.context, workflow.id);
      const { page: a } = await signedInPage({ stack: suite.stack, context: deviceA.context }, account);
      await a.goto(url);
      await waitToSee(a.getByTestId('subject')); // its first batch holds all three
      const { page: b } = await signedInPage({ stack: suite.stack, context: deviceB.context }, account);
      await b.clock.install();
      await b.goto(url);
      await b.waitForFunction(() => /^The last subjects you can classify here are held for you/.test(document.querySelector('main p.loading')?.textContent ?? ''), null, { timeout: 10_000 });
      const said = await recordAnnouncements(b);
      // B asks again only when the test lets its clock run: not while A gives them back, however long that takes.
      await pauseClock(b);

      // Device A's page closes unused: it gives them back, and B, never reloaded, shows them within seconds (not the
      // 30 the server suggests), run through at once on its clock.
      await a.close({ runBeforeUnload: true });
      const given = async () => (await suite.stack.db.query('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1', [workflow.id])).rows[0].n === 0;
      for (let i = 0; i < 50 && !(await given()); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      await b.clock.runFor(12_000);
      await waitToSee(b.getByTestId('subject'), { timeout: 10_000 });
      expect(await said()).toContain('The subjects that were held for you are free again: you can classify them here.');
    } finally {
      await Promise.all([deviceA.close(), deviceB.close()]);
    }
  });

  it('says the subjects held for the volunteer are free again only when they are: not when others took them meanwhile and gave them back later', async () => {
    const { workflow, url } = await liveWorkflowOf('Free again only when true', 1, { rule: 'count', count: 1 }); // one answer: a subject held is held for one
    const account = await signUp(suite.stack, { email: `free-again-${Date.now()}@example.org`, displayName: 'Fran' });
    const hers = suite.stack.anonymous.withToken(account.token);
    const other = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    // Held for her, as by a page of hers on another device.
    const [held] = (await hers.queue(workflow.id, 1, { hold: 600 })).subjects;
    expect(held).toBeDefined();
    const device = await launchBrowser();
    try {
      await skipTutorial(device.context, workflow.id);
      const { page, errors } = await signedInPage({ stack: suite.stack, context: device.context }, account);
      await page.clock.install();
      await page.goto(url);
      const waiting = page.locator('main p.loading');
      await waitToSee(waiting.getByText(/^The last subjects you can classify here are held for you/), { timeout: 10_000 });
      const said = await recordAnnouncements(page);
      // The page asks again only when the test lets its clock run: not between the holds changing hands.
      await page.clock.pauseAt(Date.now() + 500);

      // Her other page gives them back, and another volunteer takes them before this page asks again: held by others now.
      await hers.releaseMyHolds(workflow.id);
      expect((await other.queue(workflow.id, 1, { hold: 600 })).subjects.map((subject) => subject.id)).toEqual([held!.id]);
      await page.clock.runFor(60_000); // a minute: longer than any wait between asks
      await waitToSee(waiting.getByText(/^Other volunteers are working/), { timeout: 10_000 });

      // They give them back: this page shows them when it next asks, without saying they were freed from her.
      await other.releaseHolds(workflow.id, [held!.id]);
      await page.clock.runFor(60_000);
      await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });
      await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
      expect(await said()).not.toContainEqual(expect.stringContaining('free again'));
      expect(errors).toEqual([]);
    } finally {
      await device.close();
    }
  });

  it('asks again at once when "Look again now" is pressed, or when the page comes back into view, while the last subjects are held for the volunteer', async () => {
    const { workflow, url } = await liveWorkflowOf('Held, asked again', 1);
    await skipTutorial(suite.context, workflow.id);
    // Both tabs on the browser's clock from the start (it is the browser's, not a tab's).
    await suite.context.clock.install();
    const first = await suite.context.newPage();
    await first.goto(url);
    await waitToSee(first.getByTestId('subject'));
    const second = await suite.context.newPage();
    const queueRequests: string[] = [];
    const queueAnswers: Promise<unknown>[] = [];
    second.on('request', (request) => {
      if (!request.url().includes('/queue?')) return;
      queueRequests.push(request.url());
      queueAnswers.push(request.response().then((response) => response?.finished()));
    });
    await second.goto(url);
    await second.waitForFunction(() => /^The last subjects you can classify here are held for you/.test(document.querySelector('main p.loading')?.textContent ?? ''), null, { timeout: 10_000 });
    expect(queueRequests).toHaveLength(1);
    // By itself 5 s after the first answer (not the 30 s the server suggests), then 10 s after that one: the clock stands
    // still from the first answer on, whatever the checks take, and runs through 6 s at once. In between, the button and
    // the page coming back into view ask at once (within 3 s), each once the answer before is in.
    await withClockPaused(second, async () => {
      await waitForFocus(second, 'main p.loading');
      await second.keyboard.press('Tab');
      await second.keyboard.press('Tab');
      expect(await second.evaluate(() => document.activeElement?.textContent)).toBe('Look again now');
      expect(await second.getByText('This page asks again by itself now and then, and as soon as you come back to it.').count()).toBe(1);
      const askedAgain = async (count: number, within: number) => {
        for (let i = 0; i < within / 100 && queueRequests.length < count; i += 1) await second.waitForTimeout(100);
        expect(queueRequests).toHaveLength(count);
        await queueAnswers[count - 1];
        await second.waitForTimeout(200); // and handled
      };
      await second.clock.runFor(6_000);
      await askedAgain(2, 3_000);
      await second.getByRole('button', { name: 'Look again now' }).click();
      await askedAgain(3, 3_000);
      await second.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
      await askedAgain(4, 3_000);
    });
    expect(await seriousViolations(second)).toEqual([]); // once the clock runs again: axe waits on timers of its own
    await Promise.all([first.close(), second.close()]);
  });

  it('goes on classifying when an answer of another volunteer of this device, kept on it, is refused because the workflow is not open to them, though it is to this one', async () => {
    const owner = await signUp(suite.stack, { email: `draft-member-${Date.now()}@example.org`, displayName: 'Mina' });
    const ownersStack = { ...suite.stack, client: suite.stack.anonymous.withToken(owner.token) };
    const { project, workflow, path } = await liveYesNoWorkflow(ownersStack, 'Tried in draft', Array.from({ length: 3 }, (_, index) => textSubject(SNIPPETS[index]!, index)));
    await ownersStack.client.updateProject(project.id, { status: 'draft' }); // open to its members only
    const { rows: [subject] } = await suite.stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 LIMIT 1', [workflow.id]);
    // A guest who used this device before left an answer to the workflow (given while the project was live).
    const before = await suite.stack.anonymous.guest();
    const device = await launchBrowser();
    try {
      await skipTutorial(device.context, workflow.id);
      const { page } = await signedInPage({ stack: suite.stack, context: device.context }, owner);
      const at = new Date().toISOString();
      const item = {
        idempotencyKey: `left-by-a-guest-${Date.now()}`,
        input: { workflowId: workflow.id, workflowVersion: (await ownersStack.client.getWorkflow(workflow.id)).version, subjectId: subject.subject_id, annotations: [{ task: 'T0', value: 'yes' }], startedAt: at, finishedAt: at },
        queuedAt: at,
        attempts: 1,
        owner: { userId: before.user.id, token: before.token },
      };
      await page.evaluate(
        (kept) =>
          new Promise<void>((resolve, reject) => {
            const open = indexedDB.open('chorus', 1);
            open.onupgradeneeded = () => open.result.createObjectStore('outbox', { keyPath: 'idempotencyKey' });
            open.onsuccess = () => {
              const put = open.result.transaction('outbox', 'readwrite');
              put.objectStore('outbox').put(kept);
              put.oncomplete = () => resolve(open.result.close());
              put.onerror = () => reject(put.error);
            };
          }),
        item,
      );
      const refused = page.waitForResponse((response) => response.url().endsWith('/classifications') && response.status() === 422);
      await page.goto(suite.stack.baseUrl + path);
      expect((await (await refused).json()).type).toBe('urn:chorus:problem:workflow-not-open');
      await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });
      await page.waitForTimeout(300); // what the page does on the refusal is done
      expect(await page.getByTestId('closed').count()).toBe(0);
      const answered = await answerByKey(page);
      for (let i = 0; i < 50 && (await suite.stack.db.query('SELECT 1 FROM classifications WHERE workflow_id = $1 AND subject_id = $2 AND user_id = $3', [workflow.id, answered, owner.user.id])).rowCount === 0; i += 1) await page.waitForTimeout(100);
      expect((await suite.stack.db.query('SELECT user_id FROM classifications WHERE workflow_id = $1', [workflow.id])).rows).toEqual([{ user_id: owner.user.id }]);
      expect(await page.getByTestId('closed').count()).toBe(0);
      expect(await answersKeptFor(page, workflow.id)).toBe(1); // the guest's answer waits for the project to reopen
    } finally {
      await device.close();
    }
  });

  it('moves the subjects another tab of this browser shows into the tab where the volunteer chose to classify them: that tab drops them at once, and closing either hands nobody a subject still on screen', async () => {
    const { workflow, url } = await liveWorkflowOf('Tab to tab', 4, { rule: 'count', count: 1 });
    await skipTutorial(suite.context, workflow.id);
    const subjectIn = async (page: Page) => (await page.getByTestId('subject').getAttribute('data-subject-id'))!;
    const holds = async () => (await suite.stack.db.query('SELECT subject_id, assigned_at FROM assignments WHERE workflow_id = $1 AND expires_at > now() ORDER BY subject_id', [workflow.id])).rows;
    const first = await suite.context.newPage();
    await first.goto(url);
    await waitToSee(first.getByTestId('subject'));
    const onScreen = await subjectIn(first);
    // The first tab holds all four: the second is offered to move them here, from the tab that shows them.
    const second = await suite.context.newPage();
    await second.goto(url);
    await waitToSee(second.getByText('Another tab of yours in this browser shows them: they move here, with any answer begun there, and that tab goes on without them.'), { timeout: 10_000 });
    const held = await holds();
    expect(held).toHaveLength(4);
    await second.getByRole('button', { name: 'Classify them here' }).click();
    await waitToSee(second.getByTestId('subject'), { timeout: 10_000 });
    expect(await subjectIn(second)).toBe(onScreen);
    // The first tab drops them at once, saying so; the server's holds are the same ones (nothing was given back).
    await waitToSee(first.getByTestId('notice').getByText('This subject moved to another tab of yours in this browser, with what you had begun.'), { timeout: 10_000 });
    expect(await first.getByTestId('subject').count()).toBe(0);
    expect(await holds()).toEqual(held);

    // The second tab answers one; the volunteer moves the three left back to the first tab, which gave them away before,
    // and closes the second: nobody else is served them, and the first shows them, without the one answered.
    const answered = await answerByKey(second);
    await waitToSee(second.getByTestId('subject'));
    await waitToSee(first.getByText('Another tab of yours in this browser shows them: they move here, with any answer begun there, and that tab goes on without them.'), { timeout: 10_000 });
    await first.getByRole('button', { name: 'Classify them here' }).click();
    await waitToSee(first.getByTestId('subject'), { timeout: 10_000 });
    await waitToSee(second.getByTestId('notice').getByText('This subject moved to another tab of yours in this browser, with what you had begun.'), { timeout: 10_000 });
    await second.close({ runBeforeUnload: true });
    const other = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    expect((await other.queue(workflow.id, 10)).subjects).toEqual([]);
    const servedAgain: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      await waitToSee(first.getByTestId('subject'), { timeout: 10_000 });
      servedAgain.push(await answerByKey(first));
    }
    expect(servedAgain).not.toContain(answered);
    expect([...servedAgain, answered].sort()).toEqual(held.map((row) => row.subject_id as string).sort());
    await waitToSee(first.getByRole('heading', { name: 'This workflow is complete' }), { timeout: 10_000 });
    await first.close();
  });

  it('takes out of a tab at once a subject the volunteer answered in another tab that also kept it, saying so', async () => {
    const { workflow, url } = await liveWorkflowOf('Answered elsewhere', 6);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await page.goto(url);
    await waitToSee(page.getByTestId('subject'));
    const onScreen = (await page.getByTestId('subject').getAttribute('data-subject-id'))!;
    // What `forget` does in a tab where the volunteer answered it: the subject is listed as answered lately, for the
    // tabs that live to drop it (a subject served to a page on another device, say, that this tab had kept as well).
    const other = await suite.context.newPage();
    await other.goto(suite.stack.baseUrl);
    await other.evaluate(([workflowId, subjectId]) => {
      const record = Object.keys(window.localStorage).find((k) => k.startsWith(`chorus.queue.${workflowId}.`))!;
      const { owner } = JSON.parse(window.localStorage.getItem(record)!);
      window.localStorage.setItem(`chorus.answered.${workflowId}`, JSON.stringify([{ id: subjectId, owner, at: Date.now() }]));
    }, [workflow.id, onScreen] as const);
    await waitToSee(page.getByTestId('notice').getByText('You answered this subject in another tab of yours, so this tab goes on to the next one.'), { timeout: 10_000 });
    await waitToSee(page.getByTestId('subject'));
    expect(await page.getByTestId('subject').getAttribute('data-subject-id')).not.toBe(onScreen);
    await Promise.all([page.close(), other.close()]);
  });

  it('tells a volunteer of a stage that waits for subjects from an earlier one so, rather than calling it complete', async () => {
    const { project, workflow: first } = await liveWorkflowOf('Stages', 2);
    const { client } = suite.stack;
    const notAds = await client.createSubjectSet(project.id, { name: 'Not advertisements' });
    const definition = (await client.getWorkflow(first.id)).definition;
    await client.updateWorkflow(first.id, { ...definition, effects: [{ when: { task: 'T0', answer: 'no' }, addToSubjectSet: notAds.id }] });
    const second = await client.createWorkflow(project.id, {
      name: 'Transcribe',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Type the notice.' } },
      subjectSetIds: [notAds.id],
    });
    await client.activateWorkflow(second.id);
    await skipTutorial(suite.context, second.id);
    const page = await suite.context.newPage();
    const queueRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/queue')) queueRequests.push(request.url());
    });
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/workflows/${second.id}`);
    await waitToSee(page.getByText('Subjects come to this workflow', { exact: false }), { timeout: 10_000 });
    expect(await page.locator('p.loading').textContent()).toBe(
      'Subjects come to this workflow once volunteers have finished them in “Ad or not?”. None is waiting for you now: Chorus will look again in 60 seconds.',
    );
    expect(await page.getByTestId('finished').count()).toBe(0);
    await page.waitForTimeout(1500);
    expect(queueRequests).toHaveLength(1);
    // In French, the earlier stage's name is quoted as French quotes it.
    await page.evaluate(() => window.localStorage.setItem('chorus.language', 'fr'));
    try {
      await page.reload();
      await waitToSee(page.getByText('Les sujets arrivent dans ce flux de travail', { exact: false }), { timeout: 10_000 });
      expect(await page.locator('p.loading').textContent()).toContain('terminés dans «\u00a0Ad or not?\u00a0».');
    } finally {
      await page.evaluate(() => window.localStorage.removeItem('chorus.language'));
    }

    // The earlier stage paused: no more are finished there, and more comes once its team goes on with it.
    await client.pauseWorkflow(first.id);
    await page.reload();
    await waitToSee(page.getByText('paused that work for now', { exact: false }), { timeout: 10_000 });
    expect(await page.locator('p.loading').textContent()).toBe(
      'Subjects come to this workflow once volunteers have finished them in “Ad or not?”, and the research team has paused that work for now, so no more are being finished there. More will come once they go on with it; Chorus will look again in 60 seconds.',
    );
    expect(await page.getByTestId('finished').count()).toBe(0);
    // The project's page says so beside the stage's figures.
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    const coming = page.locator('.workflow-list > li').filter({ has: page.getByRole('link', { name: 'Transcribe', exact: true }) }).getByTestId('workflow-coming');
    await waitToSee(coming, { timeout: 10_000 });
    expect(await coming.textContent()).toBe('More subjects come from “Ad or not?” once the research team goes on with that work: it is paused for now');
    await page.close();
  });

  it('tells a newcomer to a complete workflow so, with no tutorial and no thanks for work they did not do', async () => {
    const { project, workflow, url } = await liveWorkflowOf('Complete', 2);
    const { rows } = await suite.stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1', [workflow.id]);
    await suite.stack.client.request('POST', `/workflows/${workflow.id}/retire`, { subjectIds: rows.map((row) => row.subject_id), reason: 'done elsewhere' });
    const page = await suite.context.newPage();
    await page.goto(url);
    const finished = page.getByTestId('finished');
    await waitToSee(finished, { timeout: 10_000 });
    expect(await finished.getByRole('heading').textContent()).toBe('This workflow is complete');
    // The researchers retired them: the page says they took them out, not that they have their answers.
    expect(await finished.textContent()).toContain('the research team has taken the remaining subjects out.');
    expect(await finished.textContent()).not.toContain('You have classified');
    expect(await finished.getByTestId('session-count').count()).toBe(0);
    // The way on is the project's other workflows.
    expect(await finished.getByRole('link', { name: 'Back to the project' }).getAttribute('href')).toBe(`/projects/${project.slug}`);
    await page.waitForTimeout(300);
    expect(await page.getByTestId('tutorial').isVisible()).toBe(false);
    // The project list says so before anyone clicks: the workflow is listed as complete, not as a way in.
    await page.goto(suite.stack.baseUrl);
    const card = page.locator(`[data-project-slug="${project.slug}"]`);
    await waitToSee(card.getByTestId('workflow-complete'));
    expect(await card.getByTestId('workflow-complete').textContent()).toBe('Ad or not? complete: every subject has its answers, thank you');
    expect(await card.locator('a.workflow-link').count()).toBe(0);
    await page.close();
  });

  it('tells a newcomer to a workflow whose rule retired every subject that every subject has the answers it needs', async () => {
    const { workflow, url } = await liveWorkflowOf('Complete by consensus', 2, { rule: 'count', count: 1 });
    const others = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    const batch = await others.queue(workflow.id, 2);
    for (const { id } of batch.subjects) {
      await others.classify({ workflowId: workflow.id, workflowVersion: batch.workflowVersion, subjectId: id, annotations: [{ task: 'T0', value: 'yes' }] }, `consensus-${id}`);
    }
    for (let i = 0; i < 100 && (await suite.stack.client.stats(workflow.id)).retired < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    const page = await suite.context.newPage();
    await page.goto(url);
    const finished = page.getByTestId('finished');
    await waitToSee(finished.getByRole('heading', { name: 'This workflow is complete' }), { timeout: 10_000 });
    expect(await finished.textContent()).toContain('every subject has the answers it needs.');
    expect(await finished.textContent()).not.toContain('research team');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  it('gives each project a page of its own at the address researchers share, linked from the list and from its classify pages', async () => {
    const { project, url } = await liveWorkflowOf('Shared address', 2);
    await suite.stack.client.updateProject(project.id, { description: 'Adverts from 1890.\nHelp us find them.', fieldGuide: '# Adverts\nThey sell things.' });
    const page = await suite.context.newPage();
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    const title = page.getByRole('heading', { level: 1 });
    await waitToSee(title);
    expect(await title.textContent()).toBe(project.title);
    // Markdown, whose renderer loads when first shown; a line break written in a paragraph stays one.
    const description = page.locator('.project-page .project-description');
    await waitToSee(description.locator('.markdown p'));
    expect(await description.textContent()).toBe('Adverts from 1890.\nHelp us find them.');
    expect(await description.locator('.markdown p').evaluate((shown) => getComputedStyle(shown).whiteSpace)).toBe('pre-line');
    await checkScreen(page, 'project');
    await page.getByRole('button', { name: 'Read the field guide' }).click();
    await waitToSee(page.getByTestId('field-guide').getByRole('heading', { name: 'Adverts' }));
    await page.keyboard.press('Escape');
    // Its workflows lead to their classify pages, whose breadcrumb leads back.
    await page.locator('.project-page').getByRole('link', { name: /^Ad or not\?/ }).click();
    await page.waitForURL(url);
    await waitToSee(page.getByTestId('subject'));
    await closeTutorial(page);
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: project.title, exact: true }).click();
    await page.waitForURL(`${suite.stack.baseUrl}/projects/${project.slug}`);
    await waitToSee(title);
    // The project list's card names it with a link there too.
    await page.goto(suite.stack.baseUrl);
    await page.locator(`[data-project-slug="${project.slug}"]`).getByRole('link', { name: project.title, exact: true }).click();
    await page.waitForURL(`${suite.stack.baseUrl}/projects/${project.slug}`);
    expect(await title.textContent()).toBe(project.title);
    // Its researchers give it a new slug: the old address shows it at the new one, and Back does not return to the old.
    await suite.stack.client.updateProject(project.id, { slug: `${project.slug}-moved` });
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    await page.waitForURL(`${suite.stack.baseUrl}/projects/${project.slug}-moved`);
    await waitToSee(page.locator(`.project-page[data-project-slug="${project.slug}-moved"]`));
    expect(await title.textContent()).toBe(project.title);
    await page.goBack();
    await page.waitForURL(`${suite.stack.baseUrl}/`);
    // No such project: said so, with the way back.
    await page.goto(`${suite.stack.baseUrl}/projects/no-such-project`);
    await waitToSee(page.getByTestId('project-not-found'));
    expect(await page.title()).toContain('Project not found');
    await page.close();
  });

  it('tells the volunteer who gave the last answers that the workflow is complete, once the worker has retired their subjects', async () => {
    const { workflow, url } = await liveWorkflowOf('Finisher', 2, { rule: 'count', count: 1 });
    const page = await suite.context.newPage();
    await page.goto(url);
    await waitToSee(page.getByTestId('subject'));
    await closeTutorial(page);
    // Without the worker the last answers wait to be aggregated: the queue can only say "seen everything".
    await suite.stack.stopWorker();
    try {
      for (let answered = 0; answered < 2; answered += 1) {
        const shown = await page.getByTestId('subject').getAttribute('data-subject-id');
        await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
        await page.keyboard.press('1');
        await page.keyboard.press('Enter');
        await page.waitForFunction(
          (previous) => document.querySelector('[data-testid="finished"]') !== null || document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') !== previous,
          shown,
        );
      }
      const finished = page.getByTestId('finished');
      await waitToSee(finished);
      expect(await finished.getByRole('heading').textContent()).toBe('All done');
    } finally {
      await suite.stack.startWorker();
    }
    const finished = page.getByTestId('finished');
    await waitToSee(finished.getByRole('heading', { name: 'This workflow is complete' }), { timeout: 30_000 });
    expect(await finished.getByTestId('session-count').textContent()).toBe('2');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('This workflow is complete');
    expect((await suite.stack.client.stats(workflow.id)).retired).toBe(2);
    await page.close();
  });

  it('shows no keyboard hints or keys on a touch screen without a mouse, gives a finger 44 px targets, and shows the keys again with a mouse', async () => {
    const { url } = await liveWorkflowOf('Touch', 2);
    const page = await suite.context.newPage();
    await page.goto(url);
    await waitToSee(page.getByTestId('subject'));
    await closeTutorial(page);
    const keyboardOnly = () =>
      Promise.all(['.keyboard-hint', '.answer-key', '.page-tools kbd', '[data-testid="open-shortcuts"]'].map((selector) => page.locator(selector).first().isVisible()));
    expect(await keyboardOnly()).toEqual([true, true, true, true]);
    const finger = await touchScreen(page);
    expect(await keyboardOnly()).toEqual([false, false, false, false]);
    expect(await page.getByTestId('open-tutorial').isVisible()).toBe(true);
    // Links and disclosures in text are 44 px tall targets for a finger.
    const heights = await Promise.all(['.breadcrumb a', '.subject-about summary', '.recent summary'].map((selector) => page.locator(selector).first().evaluate((element) => element.getBoundingClientRect().height)));
    expect(heights.map((height) => height >= 44)).toEqual([true, true, true]);
    expect(await page.getByRole('radio', { name: 'Yes' }).isVisible()).toBe(true);
    await finger.lift();
    expect(await keyboardOnly()).toEqual([true, true, true, true]);
    await page.close();
  });

  it('says a finished project is finished, not that every subject has its answers', async () => {
    const { project, workflow, url } = await liveWorkflowOf('Finished project', 2);
    await skipTutorial(suite.context, workflow.id);
    await suite.stack.client.updateProject(project.id, { status: 'finished' });
    const page = await suite.context.newPage();
    await page.goto(url);
    const finished = page.getByTestId('finished');
    await waitToSee(finished, { timeout: 10_000 });
    expect(await finished.getByRole('heading').textContent()).toBe('This project has finished');
    expect(await finished.textContent()).toContain('Its researchers have finished it');
    expect(await finished.textContent()).not.toContain('all the answers it needs');
    expect(await finished.getByRole('link', { name: 'Choose another project' }).getAttribute('href')).toBe('/');
    // Its own page says so, and offers no way in.
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    await waitToSee(page.getByText('This project is finished: thank you to everyone who helped.'));
    expect(await page.locator('.project-page a.workflow-link').count()).toBe(0);
    await page.close();
  });

  it('says "paused", not "not found", on a page opened while the project is paused (its batch kept from before too), and carries on once it is open again', async () => {
    const { project, workflow, url } = await liveWorkflowOf('Paused project', 2);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await page.goto(url);
    await waitToSee(page.getByTestId('subject'));
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    await page.keyboard.press('Tab'); // used: the page keeps the subject it shows over a reload
    await suite.stack.client.updateProject(project.id, { status: 'paused' });
    await page.reload(); // the subject it kept is not shown: the project is paused
    const paused = page.getByTestId('paused');
    await waitToSee(paused, { timeout: 10_000 });
    expect(await paused.getByRole('heading').textContent()).toBe('This workflow has been paused');
    expect(await page.getByTestId('subject').count()).toBe(0);
    const projectPage = await suite.context.newPage();
    await projectPage.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    await waitToSee(projectPage.getByText('Its researchers have paused this project for now: please come back later.'));
    expect(await projectPage.locator('.project-page a.workflow-link').count()).toBe(0);
    await projectPage.close();
    // Opened again while the page waits: it carries on by itself, at the latest when the volunteer comes back to it.
    await suite.stack.client.updateProject(project.id, { status: 'live' });
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });
    expect(await page.getByTestId('paused').count()).toBe(0);
    expect(await page.getByTestId('announcer').textContent()).toBe('The researchers have opened this workflow again.');
    await page.close();
  });

  it('stops after the answer that learns the project was paused, with subjects of its batch left, and says the answer was saved', async () => {
    const { project, workflow, url } = await liveWorkflowOf('Paused as answered', 20);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await page.goto(url);
    await waitToSee(page.getByTestId('subject'));
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    // One answer while it is live, and the next batch in: the page has many subjects left when the project is paused.
    const nextBatch = page.waitForResponse((response) => response.url().includes('/queue?') && response.ok());
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await nextBatch;
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    await suite.stack.client.updateProject(project.id, { status: 'paused' });
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    const paused = page.getByTestId('paused');
    await waitToSee(paused, { timeout: 10_000 });
    expect(await paused.textContent()).toContain('Your last answer was saved.');
    expect(await page.getByTestId('subject').count()).toBe(0);
    expect((await suite.stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE workflow_id = $1', [workflow.id])).rows[0].n).toBe(2);
    await page.close();
  });

  it('says plainly when an address names no workflow of the project, and leads back to the projects', async () => {
    const { client } = suite.stack;
    const [here, elsewhere] = await Promise.all([1, 2].map((n) => client.createProject({ title: `Addresses ${n} ${Date.now()}`, status: 'live' })));
    const set = await client.createSubjectSet(elsewhere!.id, { name: 'Set' });
    await client.addSubjects(set.id, [textSubject(SNIPPETS[0]!, 0)]);
    const other = await client.createWorkflow(elsewhere!.id, { name: 'Elsewhere', firstTask: 'T0', tasks: { T0: { type: 'single', question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } }, subjectSetIds: [set.id] });
    await client.activateWorkflow(other.id);
    const page = await suite.context.newPage();
    for (const workflowId of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', other.id]) {
      await page.goto(`${suite.stack.baseUrl}/projects/${here!.slug}/workflows/${workflowId}`);
      const notFound = page.getByTestId('workflow-not-found');
      await waitToSee(notFound);
      expect(await notFound.getByRole('heading', { level: 1 }).textContent()).toBe('Workflow not found');
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
      expect(await page.title()).toMatch(/^Workflow not found/);
      expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
      expect(await page.getByTestId('subject').count()).toBe(0);
    }
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Choose a project' }).click();
    await waitToSee(page.locator(`a[href="/projects/${here!.slug}/workflows/${other.id}"], a[href="/projects/${elsewhere!.slug}/workflows/${other.id}"]`).first());
    await page.close();
  });
});
