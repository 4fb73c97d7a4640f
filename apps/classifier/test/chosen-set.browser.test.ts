import type { Page } from 'playwright-core';
import { FIGURES_REFRESH_MS } from '../src/components/WorkflowProgress';
import { until } from '../../../test/support/waiting';
import { launchBrowser, seriousViolations, skipTutorial, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * A volunteer chooses, on the project's page, the subject set (a letter) they want to work on in a workflow that lets
 * them choose, is served its subjects only, and is told when the set is done for them, with the way back to the choice.
 */

jest.setTimeout(90_000);

describe('classifier in a browser: a subject set the volunteer chose', () => {
  const suite = useStackAndBrowser();

  /**
   * A live project of the sets named, each of its pages (text subjects saying `<name>, page <n>: Dear Sir…`), served by
   * an active yes/no workflow, in `order`, that lets volunteers choose a set; its tutorial skipped in the suite's browser.
   */
  async function choosingProject(title: string, sets: (readonly [string, number])[], order: 'sequential' | 'random' = 'sequential') {
    const { client } = suite.stack;
    const project = await client.createProject({ title: `${title} ${Date.now()}`, status: 'live' });
    const setIds: string[] = [];
    for (const [name, pages] of sets) {
      const set = await client.createSubjectSet(project.id, { name });
      await client.addSubjects(set.id, Array.from({ length: pages }, (_, index) => ({ externalId: `${name}-p${index + 1}`, locations: [{ type: 'text' as const, text: `${name}, page ${index + 1}: Dear Sir…` }] })));
      setIds.push(set.id);
    }
    const workflow = await client.createWorkflow(project.id, {
      name: 'Ad or not?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      selection: { order, goldStandardRate: 0, volunteersChooseSubjectSet: true },
      subjectSetIds: setIds,
    });
    await client.activateWorkflow(workflow.id);
    await skipTutorial(suite.context, workflow.id);
    return { project, workflow, setIds };
  }

  it('lists the sets as links on the project page, serves the chosen set’s subject, then says the set is done and leads back', async () => {
    const { project, workflow, setIds } = await choosingProject('Letters', [['Letter 11', 2], ['Letter 12', 1]]);
    const page = await suite.context.newPage();
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);

    // A list of links, named by the workflow and the invitation to choose, each set with what is left of it.
    const sets = page.getByRole('list', { name: 'Ad or not? Or choose a part of the collection to work on:' });
    await waitToSee(sets, { timeout: 15_000 });
    expect(await sets.getByRole('listitem').allTextContents()).toEqual(['Letter 11 2 of 2 left', 'Letter 12 1 of 1 left']);
    expect(await seriousViolations(page)).toEqual([]);
    // By keyboard: the link focused, Enter follows it.
    await sets.getByRole('link', { name: 'Letter 12' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === `/projects/${project.slug}/workflows/${workflow.id}` && url.searchParams.get('set') === setIds[1]);

    await waitToSee(page.getByTestId('chosen-set').getByText('Letter 12'), { timeout: 15_000 });
    expect(await page.getByTestId('chosen-set').textContent()).toBe('Part of the collection: Letter 12 Choose another part');
    const subject = page.getByTestId('subject');
    await waitToSee(subject, { timeout: 15_000 });
    expect(await subject.textContent()).toContain('Letter 12, page 1');
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');

    const done = page.getByTestId('set-finished');
    await waitToSee(done, { timeout: 15_000 });
    await waitForFocus(page, '#set-finished-heading');
    expect(await done.getByRole('heading').textContent()).toBe('This part is done for you');
    expect(await seriousViolations(page)).toEqual([]);
    await done.getByRole('link', { name: 'Choose another part' }).click();
    await page.waitForURL((url) => url.pathname === `/projects/${project.slug}`);
    await waitToSee(page.getByRole('link', { name: 'Letter 11' }), { timeout: 15_000 });
    await page.close();
  });

  it('never shows a set’s tab and the whole workflow’s tab of one volunteer the same subject, and an answer in either leaves the other', async () => {
    const { project, workflow, setIds } = await choosingProject('Two kinds of tab', [['Letter 21', 3], ['Letter 22', 4]]);
    const url = `${suite.stack.baseUrl}/projects/${project.slug}/workflows/${workflow.id}`;
    const shownIn = async (page: Page) => {
      await waitToSee(page.getByTestId('subject'), { timeout: 15_000 });
      return (await page.getByTestId('subject').getAttribute('data-subject-id'))!;
    };
    const batchOf = (page: Page, queueId: string) =>
      page.evaluate((key) => (JSON.parse(window.localStorage.getItem(`${key}.${window.sessionStorage.getItem('chorus.tab')}`) ?? '{}').subjects ?? []).map((subject: { id: string }) => subject.id) as string[], `chorus.queue.${queueId}`);

    // The set's tab holds all of Letter 21; the whole workflow's, opened while it lives, is served none of it.
    const setTab = await suite.context.newPage();
    await setTab.goto(`${url}?set=${setIds[0]}`);
    const inSet = await shownIn(setTab);
    const wholeTab = await suite.context.newPage();
    await wholeTab.goto(url);
    const inWhole = await shownIn(wholeTab);
    const [setBatch, wholeBatch] = [await batchOf(setTab, `${workflow.id}~${setIds[0]}`), await batchOf(wholeTab, workflow.id)];
    expect(setBatch).toHaveLength(3);
    expect(wholeBatch.length).toBeGreaterThan(0);
    expect(wholeBatch.filter((id) => setBatch.includes(id))).toEqual([]);
    expect(inWhole).not.toBe(inSet);

    // An answer the whole workflow's tab lists (as its `forget` does) leaves the set's tab at once.
    await wholeTab.evaluate(([workflowId, subjectId]) => {
      const { owner } = JSON.parse(Object.entries(window.localStorage).find(([key]) => key.startsWith(`chorus.queue.${workflowId}.`))![1]);
      window.localStorage.setItem(`chorus.answered.${workflowId}`, JSON.stringify([{ id: subjectId, owner, at: Date.now() }]));
    }, [workflow.id, inSet] as const);
    await waitToSee(setTab.getByTestId('notice').getByText('You answered this subject in another tab of yours, so this tab goes on to the next one.'), { timeout: 10_000 });
    expect(await shownIn(setTab)).not.toBe(inSet);
    await Promise.all([setTab.close(), wholeTab.close()]);
  });

  it('never shows one subject in a set’s new tab and in the whole workflow’s page a guest moved to from that set in the same tab', async () => {
    const { project, workflow, setIds } = await choosingProject('Moved on', [['Letter 31', 2], ['Letter 32', 2]]);
    const url = `${suite.stack.baseUrl}/projects/${project.slug}/workflows/${workflow.id}`;
    const page = await suite.context.newPage();
    await page.goto(`${url}?set=${setIds[0]}`);
    await waitToSee(page.getByTestId('subject'), { timeout: 15_000 });
    // Back to the project's page and on to the whole workflow, in the app: the set's page is gone, its record stays.
    await page.getByTestId('chosen-set').getByRole('link', { name: 'Choose another part' }).click();
    await page.getByRole('link', { name: 'Ad or not?', exact: true }).click();
    await page.waitForURL((next) => next.pathname === `/projects/${project.slug}/workflows/${workflow.id}` && !next.searchParams.has('set'));
    await waitToSee(page.getByTestId('subject'), { timeout: 15_000 });
    const wholeBatch = await page.evaluate(
      (key) => (JSON.parse(window.localStorage.getItem(`${key}.${window.sessionStorage.getItem('chorus.tab')}`) ?? '{}').subjects ?? []).map((subject: { id: string }) => subject.id) as string[],
      `chorus.queue.${workflow.id}`,
    );

    const setTab = await suite.context.newPage();
    await setTab.goto(`${url}?set=${setIds[0]}`);
    const subject = setTab.getByTestId('subject');
    await waitToSee(subject.or(setTab.getByText('Another tab of yours in this browser shows them', { exact: false })), { timeout: 15_000 });
    if (await subject.isVisible()) expect(wholeBatch).not.toContain(await subject.getAttribute('data-subject-id'));
    expect(await setTab.getByText('Another tab of yours in this browser shows them', { exact: false }).isVisible()).toBe(true);
    await Promise.all([page.close(), setTab.close()]);
  });

  it('fetches what is left of each set again with the figures, every minute while the project page shows', async () => {
    const { project } = await choosingProject('Letters left', [['Letter 31', 3]], 'random');
    // In a browser of its own: the test runs its clock on.
    const device = await launchBrowser();
    try {
      const page = await device.context.newPage();
      // The list as the server has it, with `fewer` subjects left.
      let fewer = 0;
      await page.route('**/queue/sets', async (route) => {
        const response = await route.fetch();
        const { sets } = await response.json();
        await route.fulfill({ response, json: { sets: sets.map((listed: { left: number }) => ({ ...listed, left: listed.left - fewer })) } });
      });
      const item = page.getByTestId('choosable-sets').getByRole('listitem');
      const saying = (text: string) => until(async () => (await item.textContent()) === text, `"${text}" shown`);
      await page.clock.install();
      await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
      await saying('Letter 31 3 of 3 left');
      fewer = 2;
      await page.clock.runFor(FIGURES_REFRESH_MS);
      await saying('Letter 31 1 of 3 left');
    } finally {
      await device.close();
    }
  });
});
