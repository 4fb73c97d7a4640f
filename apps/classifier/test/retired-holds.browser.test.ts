import type { Page, Route } from 'playwright-core';
import { RECHECK_SECONDS } from '../src/components/EndOfSubjects';
import { answerByKey, checkScreen, launchBrowser, liveYesNoWorkflow, skipTutorial, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * The classify page when researchers retire, then unretire, the subjects a volunteer's page holds: what it leaves out
 * its renewal ends the holds of, the subject on screen never changes by itself, and its end page finds the work that comes back.
 */

jest.setTimeout(90_000);

const RENEWAL = /\/queue\/holds$/;

describe('classifier in a browser: subjects retired and unretired under a volunteer', () => {
  const suite = useStackAndBrowser();

  /**
   * A live yes/no workflow of `subjects` text subjects, opened in a new page of `context` (with its clock under the
   * test's control, `clock`); `retired`: its researchers retired them all before it opened (its end page, at once).
   */
  async function openLive(title: string, subjects: number, { clock = false, retired = false, context = suite.context } = {}) {
    const inputs = Array.from({ length: subjects }, (_, index) => ({ externalId: `${title}-${index}`, locations: [{ type: 'text' as const, text: `Notice ${index}: FOR SALE, apply within.` }] }));
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, title, inputs, { rule: 'count', count: 3 });
    const { subjectSetIds } = await suite.stack.client.getWorkflow(workflow.id);
    if (retired) await suite.stack.client.retireSubjects(workflow.id, { subjectSetId: subjectSetIds[0]!, reason: 'Wrong collection' });
    await skipTutorial(context, workflow.id);
    const page = await context.newPage();
    if (clock) await page.clock.install();
    await page.goto(suite.stack.baseUrl + path);
    return { page, workflowId: workflow.id, setId: subjectSetIds[0]! };
  }

  const shown = async (page: Page) => {
    const subject = page.getByTestId('subject');
    await waitToSee(subject, { timeout: 10_000 });
    return (await subject.getAttribute('data-subject-id'))!;
  };
  const held = async (workflowId: string) => (await suite.stack.client.stats(workflowId)).held;

  it('keeps the subject on screen, and its hold, when a late renewal says it is gone, and the renewal ends the holds of those it leaves out', async () => {
    const { page, workflowId, setId } = await openLive('Late renewal', 14);
    const prefetched = page.waitForResponse((response) => response.url().includes(`/workflows/${workflowId}/queue?`) && response.url().includes('renew='));
    await answerByKey(page);
    await prefetched;
    expect(await held(workflowId)).toBe(13); // the one on screen and the 12 behind it

    await suite.stack.client.retireSubjects(workflowId, { subjectSetId: setId, reason: 'Duplicates of another collection' });
    // The renewal that the answer given after the retirement asks for is held back until the page gave up waiting for it.
    let renewal: Route | undefined;
    const asked = new Promise<void>((resolve) => {
      void page.route(RENEWAL, (route) => {
        renewal = route;
        resolve();
      });
    });
    await answerByKey(page); // the next subject shows once the page stops waiting for the renewal
    await asked;
    const onScreen = await shown(page);
    const releases: string[] = [];
    page.on('request', (request) => request.url().endsWith('/queue/release') && releases.push(request.url()));
    await renewal!.continue();
    await page.unroute(RENEWAL);

    // Every subject of the set is gone from the workflow; the one on screen stays, its answer still taken. The renewal
    // itself ended the holds of the 11 the page leaves out (it named the one on screen): the page gives nothing back.
    await waitToSee(page.getByTestId('notice').getByText('11 subjects that were waiting for you are no longer needed'), { timeout: 10_000 });
    expect(await shown(page)).toBe(onScreen);
    const { rows } = await suite.stack.db.query('SELECT subject_id FROM assignments WHERE workflow_id = $1', [workflowId]);
    expect(rows).toEqual([{ subject_id: onScreen }]);
    expect(releases).toEqual([]);

    const { unretired } = await suite.stack.client.unretireSubjects(workflowId, { subjectSetId: setId, reason: 'Retired by mistake' });
    expect(unretired).toBe(14);
    expect(await held(workflowId)).toBe(1); // the one on screen: the page gave back the rest
    await page.close();
  });

  it('says the research team took out the remaining subjects of a workflow they retired, and finds the subjects they unretire', async () => {
    const { page, workflowId, setId } = await openLive('Back again', 2, { clock: true });
    await shown(page);
    await suite.stack.client.retireSubjects(workflowId, { subjectSetId: setId, reason: 'Wrong collection' });
    await answerByKey(page); // the page ends: there is no next subject
    const finished = page.getByTestId('finished');
    await waitToSee(finished.getByRole('heading', { name: 'This workflow is complete' }), { timeout: 10_000 });
    expect(await finished.textContent()).toContain('the research team has taken the remaining subjects out');

    const check = finished.getByRole('button', { name: 'Check for new subjects' });
    const status = page.getByTestId('work-back');
    await check.click();
    await waitToSee(status.getByText('No new subjects for you yet'));

    await suite.stack.client.unretireSubjects(workflowId, { subjectSetId: setId, reason: 'Right collection after all' });
    const reads: string[] = [];
    page.on('request', (request) => request.url().endsWith(`/workflows/${workflowId}`) && reads.push(request.url()));
    const looked = page.waitForResponse((response) => response.url().endsWith(`/workflows/${workflowId}`));
    await page.clock.fastForward(RECHECK_SECONDS * 1000);
    await looked;
    await waitToSee(status.getByText('There are subjects to classify here again'));
    expect(await status.getAttribute('role')).toBe('status');
    await checkScreen(page, 'end-page-work-back');
    // Work is back: the page stops looking. A look due now would be asked before the check's request, and seen by then.
    await page.clock.fastForward(RECHECK_SECONDS * 1000);
    await check.click();
    await shown(page);
    expect(reads).toHaveLength(1);
    await page.close();
  });

  /** The end page of a live workflow whose researchers retired all its subjects, opened in a new page of `context`. */
  async function endPage(title: string, context = suite.context) {
    const opened = await openLive(title, 2, { retired: true, context });
    const finished = opened.page.getByTestId('finished');
    await waitToSee(finished.getByRole('heading', { name: 'This workflow is complete' }), { timeout: 10_000 });
    return { ...opened, finished };
  }

  it('shows the paused page when "Check for new subjects" learns that the researchers paused the workflow', async () => {
    const { page, workflowId, finished } = await endPage('Paused meanwhile');
    await suite.stack.client.pauseWorkflow(workflowId);
    await finished.getByRole('button', { name: 'Check for new subjects' }).click();
    await waitToSee(page.getByTestId('paused').getByRole('heading', { name: 'This workflow has been paused' }), { timeout: 10_000 });
    expect(await page.getByTestId('work-back').count()).toBe(0);
    await page.close();
  });

  it('leaves keyboard focus on the end page where the volunteer put it: on the language chosen, and on "Check for new subjects" as it checks', async () => {
    // A browser of its own: the language chosen is kept for the pages after this one.
    const browser = await launchBrowser();
    try {
      const { page, finished } = await endPage('Focus kept', browser.context);
      await waitForFocus(page, '#finished-heading'); // the heading takes focus as the page comes, saying why
      const french = '.language-choice button[lang="fr"]';
      await tabTo(page, french, 60);
      await page.keyboard.press('Enter');
      await waitToSee(finished.getByRole('heading', { name: 'Ce flux de travail est terminé' }));
      expect(await page.evaluate((selector) => document.activeElement?.matches(selector), french)).toBe(true);

      const check = '[data-testid="finished"] button.button-secondary';
      await tabTo(page, check, 60, true);
      await page.keyboard.press('Enter');
      await waitToSee(page.getByTestId('work-back').getByText('Pas encore de nouveaux sujets pour vous'));
      expect(await page.evaluate((selector) => document.activeElement?.matches(selector), check)).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
