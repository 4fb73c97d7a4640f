import type { Page, Route } from 'playwright-core';
import { RECHECK_SECONDS } from '../src/components/EndOfSubjects';
import { answerByKey, checkScreen, liveYesNoWorkflow, skipTutorial, useStackAndBrowser } from './support/browser';

/**
 * The classify page when researchers retire, then unretire, the subjects a volunteer's page holds: what it leaves out
 * it gives back, the subject on screen never changes by itself, and its end page finds the work that comes back.
 */

jest.setTimeout(90_000);

const RENEWAL = /\/queue\/holds$/;

describe('classifier in a browser: subjects retired and unretired under a volunteer', () => {
  const suite = useStackAndBrowser();

  /** A live yes/no workflow of `subjects` text subjects, opened in a new page (with its clock under the test's control, `clock`). */
  async function openLive(title: string, subjects: number, { clock = false } = {}) {
    const inputs = Array.from({ length: subjects }, (_, index) => ({ externalId: `${title}-${index}`, locations: [{ type: 'text' as const, text: `Notice ${index}: FOR SALE, apply within.` }] }));
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, title, inputs, { rule: 'count', count: 3 });
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    if (clock) await page.clock.install();
    await page.goto(suite.stack.baseUrl + path);
    const { subjectSetIds } = await suite.stack.client.getWorkflow(workflow.id);
    return { page, workflowId: workflow.id, setId: subjectSetIds[0]! };
  }

  const shown = async (page: Page) => {
    const subject = page.getByTestId('subject');
    await subject.waitFor({ timeout: 10_000 });
    return (await subject.getAttribute('data-subject-id'))!;
  };
  const held = async (workflowId: string) => (await suite.stack.client.stats(workflowId)).held;

  it('keeps the subject on screen when a late renewal says it is gone, and gives back the holds of those it leaves out', async () => {
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
    const givenBack = page.waitForResponse((response) => response.url().endsWith(`/workflows/${workflowId}/queue/release`));
    await renewal!.continue();
    await page.unroute(RENEWAL);

    // Every subject of the set is gone from the workflow; the one on screen stays, its answer still taken.
    await page.getByTestId('notice').getByText('11 subjects that were waiting for you are no longer needed').waitFor({ timeout: 10_000 });
    expect(await shown(page)).toBe(onScreen);
    expect((await (await givenBack).json()).released).toHaveLength(11);

    const { unretired } = await suite.stack.client.unretireSubjects(workflowId, { subjectSetId: setId, reason: 'Retired by mistake' });
    expect(unretired).toBe(14);
    expect(await held(workflowId)).toBe(1); // the one on screen: the page gave back the rest
    await page.close();
  });

  it('says a complete workflow may have been retired by its researchers, and finds the subjects they unretire', async () => {
    const { page, workflowId, setId } = await openLive('Back again', 2, { clock: true });
    await shown(page);
    await suite.stack.client.retireSubjects(workflowId, { subjectSetId: setId, reason: 'Wrong collection' });
    await answerByKey(page); // the page ends: there is no next subject
    const finished = page.getByTestId('finished');
    await finished.getByRole('heading', { name: 'This workflow is complete' }).waitFor({ timeout: 10_000 });
    expect(await finished.textContent()).toContain('each has the answers it needs, or its researchers retired it');

    const check = finished.getByRole('button', { name: 'Check for new subjects' });
    const status = page.getByTestId('work-back');
    await check.click();
    await status.getByText('No new subjects for you yet').waitFor();

    await suite.stack.client.unretireSubjects(workflowId, { subjectSetId: setId, reason: 'Right collection after all' });
    const looked = page.waitForResponse((response) => response.url().endsWith(`/workflows/${workflowId}`));
    await page.clock.fastForward(RECHECK_SECONDS * 1000);
    await looked;
    await status.getByText('There are subjects to classify here again').waitFor();
    expect(await status.getAttribute('role')).toBe('status');
    await checkScreen(page, 'end-page-work-back');
    await check.click();
    await shown(page);
    await page.close();
  });
});
