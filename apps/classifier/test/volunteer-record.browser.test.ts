import type { SubjectInput } from '@chorus/client';
import type { Page } from 'playwright-core';
import { signUp } from '../../../test/support/accounts';
import { until } from '../../../test/support/waiting';
import { answerByKey, closeTutorial, launchBrowser, liveYesNoWorkflow, newcomerPage, signedInPage, signInByKeyboard, skipTutorial, useStackAndBrowser, waitToSee } from './support/browser';

/**
 * A volunteer's record kept by their account, in a real browser against the real API: the classify page counts what
 * the account classified in the workflow on every device beside this session's count (which a guest who signs in
 * keeps), thanks them at milestones of that count, once each, and does not show a tutorial the account has seen
 * on another device.
 */

jest.setTimeout(90_000);

const PASSWORD = 'correct horse battery';

const textSubject = (index: number): SubjectInput => ({
  externalId: `record-${index}`,
  locations: [{ type: 'text', text: `Notice number ${index}: LOST, a grey umbrella.` }],
});

describe('classifier in a browser: a volunteer’s record', () => {
  const suite = useStackAndBrowser();

  const countOf = (page: Page) => page.locator('.session-count').textContent();

  it('keeps the session’s count when a guest signs in, counts the account’s classifications in all, and thanks them at 10, once', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Record', Array.from({ length: 12 }, (_, index) => textSubject(index)));
    await skipTutorial(suite.context, workflow.id);
    const email = `record-${Date.now()}@example.org`;
    const account = await signUp(suite.stack, { email, password: PASSWORD, displayName: 'Annie Cannon' });

    // A guest classifies two subjects here.
    const { page, errors } = await newcomerPage(suite);
    await page.goto(suite.stack.baseUrl + path);
    const asGuest = [await answerByKey(page), await answerByKey(page)];
    expect(await countOf(page)).toBe('Classified this session: 2');
    // The account classified seven others on another device.
    const { rows } = await suite.stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY subject_id', [workflow.id]);
    const elsewhere = rows.map((row) => row.subject_id as string).filter((id) => !asGuest.includes(id)).slice(0, 7);
    const otherDevice = suite.stack.anonymous.withToken(account.token);
    for (const subjectId of elsewhere) await otherDevice.classify({ workflowId: workflow.id, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'no' }] }, `elsewhere-${subjectId}`);

    // Signed in, the guest's two become the account's: this session still counts them, and the account has nine in all.
    await signInByKeyboard(page, { email, password: PASSWORD });
    await waitToSee(page.locator('.session-count', { hasText: 'in all' }), { timeout: 10_000 });
    expect(await countOf(page)).toBe('Classified this session: 2 (9 in all)');
    expect(await page.getByTestId('milestone').count()).toBe(0);

    // The tenth: thanked, visibly and in the page's polite live region.
    await answerByKey(page);
    expect(await countOf(page)).toBe('Classified this session: 3 (10 in all)');
    expect(await page.getByTestId('milestone').textContent()).toBe('Thank you! That is 10 classifications of yours in this workflow.');
    const announced = () => page.getByTestId('announcer').textContent().then((text) => text ?? '');
    await until(async () => (await announced()).includes('That is 10 classifications of yours'), 'the thanks announced');
    const thanks = await announced();
    // The eleventh is no milestone: the thanks go, and are not said again (in the announcement of the eleventh, once made).
    await answerByKey(page);
    expect(await countOf(page)).toBe('Classified this session: 4 (11 in all)');
    expect(await page.getByTestId('milestone').count()).toBe(0);
    await until(async () => (await announced()) !== thanks && (await announced()).startsWith('Classification submitted.'), 'the eleventh announced');
    expect(await announced()).not.toContain('Thank you');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('decides on a newcomer’s tutorial before showing the first subject, however late the account’s record comes, so that it never opens over a subject begun', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Late record', Array.from({ length: 3 }, (_, index) => textSubject(index)));
    const { page, errors } = await newcomerPage(suite);
    // The account's record (which has whether the tutorial was seen) is held back until the subjects have come.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(`**/account/workflows/${workflow.id}`, async (route) => {
      await held;
      await route.continue();
    });
    const subjectsCame = page.waitForResponse((response) => response.url().includes(`/workflows/${workflow.id}/queue`));
    await page.goto(suite.stack.baseUrl + path);
    await subjectsCame;
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    expect(await page.getByTestId('subject').count()).toBe(0);
    expect(await page.locator('[data-tutorial-decided]').count()).toBe(0);

    // The record comes: the tutorial opens, focused, over a subject not begun; closed, it leads to the task.
    release();
    await waitToSee(page.getByTestId('tutorial'), { state: 'visible', timeout: 10_000 });
    expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="tutorial"]') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    await waitToSee(page.getByTestId('tutorial'), { state: 'hidden' });
    await answerByKey(page);
    expect(await page.getByTestId('tutorial').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('does not show the tutorial again to an account that closed it on another device, in a fresh browser', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Tutorial once', Array.from({ length: 3 }, (_, index) => textSubject(index)));
    const email = `tutorial-${Date.now()}@example.org`;
    const account = await signUp(suite.stack, { email, password: PASSWORD, displayName: 'Williamina Fleming' });

    // On the first device, the account's first visit opens the tutorial; closed, the account has seen it.
    const first = await signedInPage(suite, account);
    await first.page.goto(suite.stack.baseUrl + path);
    await closeTutorial(first.page);
    await until(async () => (await suite.stack.db.query('SELECT 1 FROM tutorials_seen WHERE user_id = $1 AND workflow_id = $2', [account.user.id, workflow.id])).rows.length === 1, 'the tutorial seen stored');
    expect(first.errors).toEqual([]);
    await first.page.close();
    // Closed without a subject begun, that page gives its subjects back as it goes (a request of its own, not waited
    // for, best effort: classify.browser tests it): until the server has it, the account holds them all, and a page of
    // it elsewhere is told so, not served them. On a loaded machine that request was lost as the page closed; so that
    // this test is about the tutorial, the account gives back what it still holds itself, again while it holds any (a
    // queue request the page sent as it closed may be answered after a first give-back).
    const held = async () => (await suite.stack.db.query('SELECT subject_id FROM assignments WHERE workflow_id = $1 AND user_id = $2 AND expires_at > now()', [workflow.id, account.user.id])).rows.map((row) => row.subject_id as string);
    await until(async () => {
      const stillHeld = await held();
      if (stillHeld.length) await suite.stack.anonymous.withToken(account.token).releaseHolds(workflow.id, stillHeld);
      return stillHeld.length === 0;
    }, 'the first device’s subjects given back');

    // A fresh browser, nothing in its storage: signed in, the workflow opens on its task, without the tutorial.
    const fresh = await launchBrowser();
    try {
      const page = await fresh.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(suite.stack.baseUrl);
      await signInByKeyboard(page, { email, password: PASSWORD });
      // The subject waits for the workflow and the account's record: their answers are the signal, given the time a
      // fresh browser's first page takes on a busy machine (Playwright's 30 s; seconds when two suites share two cores).
      // Once both have come the page decides on the tutorial at once, and shows the subject.
      const read = (ending: string) => page.waitForResponse((response) => response.url().endsWith(ending) && response.ok());
      const bothRead = Promise.all([read(`/api/v1/workflows/${workflow.id}`), read(`/account/workflows/${workflow.id}`)]);
      await page.goto(suite.stack.baseUrl + path);
      await bothRead;
      await waitToSee(page.locator('[data-tutorial-decided]'), { timeout: 5_000 });
      await waitToSee(page.getByTestId('subject'));
      // The account's record has come (the count in all shows).
      await waitToSee(page.locator('.session-count', { hasText: 'in all' }), { timeout: 5_000 });
      expect(await page.getByTestId('tutorial').isVisible()).toBe(false);
      // The tutorial is still there when asked for.
      await page.getByTestId('open-tutorial').click();
      await waitToSee(page.getByTestId('tutorial'), { state: 'visible' });
      expect(errors).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
