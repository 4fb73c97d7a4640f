import { seriousViolations, skipTutorial, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * A volunteer chooses, on the project's page, the subject set (a letter) they want to work on in a workflow that lets
 * them choose, is served its subjects only, and is told when the set is done for them, with the way back to the choice.
 */

jest.setTimeout(90_000);

describe('classifier in a browser: a subject set the volunteer chose', () => {
  const suite = useStackAndBrowser();

  it('lists the sets as links on the project page, serves the chosen set’s subject, then says the set is done and leads back', async () => {
    const { client } = suite.stack;
    const project = await client.createProject({ title: `Letters ${Date.now()}`, status: 'live' });
    const setIds: string[] = [];
    for (const [name, pages] of [['Letter 11', 2], ['Letter 12', 1]] as const) {
      const set = await client.createSubjectSet(project.id, { name });
      await client.addSubjects(set.id, Array.from({ length: pages }, (_, index) => ({ externalId: `${name}-p${index + 1}`, locations: [{ type: 'text' as const, text: `${name}, page ${index + 1}: Dear Sir…` }] })));
      setIds.push(set.id);
    }
    const workflow = await client.createWorkflow(project.id, {
      name: 'Ad or not?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      selection: { order: 'sequential', goldStandardRate: 0, volunteersChooseSubjectSet: true },
      subjectSetIds: setIds,
    });
    await client.activateWorkflow(workflow.id);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);

    // A list of links, named by the workflow and the invitation to choose, each set with what is left of it.
    const sets = page.getByRole('list', { name: 'Ad or not? Or choose a subject set to work on:' });
    await waitToSee(sets, { timeout: 15_000 });
    expect(await sets.getByRole('listitem').allTextContents()).toEqual(['Letter 11 2 of 2 left', 'Letter 12 1 of 1 left']);
    expect(await seriousViolations(page)).toEqual([]);
    // By keyboard: the link focused, Enter follows it.
    await sets.getByRole('link', { name: 'Letter 12' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === `/projects/${project.slug}/workflows/${workflow.id}` && url.searchParams.get('set') === setIds[1]);

    await waitToSee(page.getByTestId('chosen-set').getByText('Letter 12'), { timeout: 15_000 });
    expect(await page.getByTestId('chosen-set').textContent()).toBe('Subject set: Letter 12 Choose another set');
    const subject = page.getByTestId('subject');
    await waitToSee(subject, { timeout: 15_000 });
    expect(await subject.textContent()).toContain('Letter 12, page 1');
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');

    const done = page.getByTestId('set-finished');
    await waitToSee(done, { timeout: 15_000 });
    await waitForFocus(page, '#set-finished-heading');
    expect(await done.getByRole('heading').textContent()).toBe('This set is done for you');
    expect(await seriousViolations(page)).toEqual([]);
    await done.getByRole('link', { name: 'Choose another set' }).click();
    await page.waitForURL((url) => url.pathname === `/projects/${project.slug}`);
    await waitToSee(page.getByRole('link', { name: 'Letter 11' }), { timeout: 15_000 });
    await page.close();
  });
});
