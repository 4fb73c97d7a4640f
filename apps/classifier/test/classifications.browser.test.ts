import { randomUUID } from 'node:crypto';
import { until } from '../../../test/support/waiting';
import { answerByKey, checkScreen, liveYesNoWorkflow, newcomerPage, skipTutorial, tabTo, useStackAndBrowser, waitForFocus } from './support/browser';

/**
 * A volunteer (a guest) classifies in two projects' workflows, then finds both on "Your classifications", from the
 * header, by keyboard: each with its project, workflow, answer and a way to its subject's discussion.
 */

jest.setTimeout(60_000);

describe('classifier in a browser: your classifications', () => {
  const suite = useStackAndBrowser();

  it('lists what the volunteer classified in every workflow, newest first, each with its project and a link to its discussion', async () => {
    const notices = await liveYesNoWorkflow(suite.stack, 'Notices', [{ externalId: 'n1', locations: [{ type: 'text', text: 'Wanted: a cook for a ship.' }] }]);
    const letters = await liveYesNoWorkflow(suite.stack, 'Letters', [{ externalId: 'l1', locations: [{ type: 'text', text: 'Dear Sir, your parcel has arrived.' }] }]);
    for (const { workflow } of [notices, letters]) await skipTutorial(suite.context, workflow.id);
    const { page, errors } = await newcomerPage(suite);
    const stored = async (workflowId: string) => (await suite.stack.db.query('SELECT 1 FROM classifications WHERE workflow_id = $1', [workflowId])).rowCount === 1;
    const classified: string[] = [];
    for (const { workflow, path } of [notices, letters]) {
      await page.goto(`${suite.stack.baseUrl}${path}`);
      await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
      classified.push(await answerByKey(page));
      await until(() => stored(workflow.id), 'the classification to be stored');
    }

    // From the header, by keyboard.
    await tabTo(page, '[data-account-link="classifications"]', 60, true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Your classifications' }).waitFor();
    const items = page.locator('[data-testid="classifications"] ol > li');
    await items.nth(1).waitFor();
    expect(await items.count()).toBe(2);
    // Newest first: the letter, then the notice; each with its project, workflow and answer in words.
    expect(await items.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-subject-id')))).toEqual([classified[1], classified[0]]);
    for (const [index, { project }] of [letters, notices].entries()) {
      expect(await items.nth(index).locator('.favourite-where').textContent()).toMatch(new RegExp(`^${project.title}: Ad or not\\?Classified on `));
    }
    await items.nth(0).locator('dd').getByText('Yes').waitFor();
    expect(await items.nth(0).locator('dt').textContent()).toBe('Advertisement?');
    expect(await items.nth(0).getByRole('link', { name: 'Classify more in “Ad or not?”' }).getAttribute('href')).toBe(letters.path);
    expect(await page.getByTestId('classifications-guest').count()).toBe(1); // a guest is told how to keep them
    await checkScreen(page, 'classifications');

    // The letter's name leads to its discussion.
    await tabTo(page, `li[data-subject-id="${classified[1]}"] h2 a`);
    await page.keyboard.press('Enter');
    await page.getByTestId('subject-discussion').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/projects/${letters.project.slug}/subjects/${classified[1]}`);
    expect(errors).toEqual([]);
  });

  it('keeps a classification of a project taken back to draft listed, said to be no longer open, with nothing to classify more in', async () => {
    const { project, workflow } = await liveYesNoWorkflow(suite.stack, 'Withdrawn', [{ externalId: 'leaflet', locations: [{ type: 'text', text: 'A leaflet for a fair.' }] }]);
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/classifications`);
    await page.getByTestId('classifications-none').waitFor();
    const volunteer = suite.stack.anonymous.withToken((await page.evaluate(() => window.localStorage.getItem('chorus.token')))!);
    const [subject] = (await volunteer.queue(workflow.id, 1)).subjects;
    await volunteer.classify({ workflowId: workflow.id, workflowVersion: 1, subjectId: subject!.id, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    await suite.stack.client.updateProject(project.id, { status: 'draft' });

    await page.reload();
    const item = page.locator(`[data-testid="classifications"] li[data-subject-id="${subject!.id}"]`);
    await item.waitFor();
    expect(await item.getByTestId('classification-closed').textContent()).toMatch(/^No longer open to volunteers/);
    expect(await item.locator('.favourite-where').textContent()).toMatch(new RegExp(`^${project.title}: Ad or not\\?`));
    // Neither classifying more nor its discussion is open to volunteers: named, not linked.
    expect(await item.getByRole('link').count()).toBe(0);
    expect(await item.getByRole('heading', { level: 2 }).textContent()).toBe('“A leaflet for a fair.”');
    await checkScreen(page, 'classifications-closed');
    expect(errors).toEqual([]);
  });
});
