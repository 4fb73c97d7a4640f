import { ACCOUNT_PASSWORD, newMember } from '../../../test/support/accounts';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { transcribeAndDateWorkflow } from '../../../test/support/workflows';
import { guestsClassify } from '../../../test/support/volunteers';
import { checkScreen, newcomerPage, signedInPage, useStackAndBrowser, waitToSee } from './support/browser';

/**
 * A project's published results in a real browser against the real API: a collaborator turns "Publish results" on in
 * the lab, and a visitor reads a finished workflow's retired subject's result on its discussion page, each task's answer in words (a
 * transcription's lines, a choice's label, the team's correction in place of the consensus); a subject not retired
 * shows no result, and no error.
 */

jest.setTimeout(180_000);

describe('classifier in a browser: published results', () => {
  const suite = useStackAndBrowser();

  it('shows a retired subject’s result, in a finished workflow, on its page once the lab publishes results, and nothing for one not retired', async () => {
    const { client } = suite.stack;
    const { project, workflowId, setId, idOf } = await transcribeAndDateWorkflow(client, [{ externalId: 'done', metadata: { '#shelfmark': 'SECRET-SHELF' } }, { externalId: 'open' }], 2);
    const { done, open } = idOf as Record<'done' | 'open', string>;
    await guestsClassify(suite.stack.anonymous, workflowId, [[done, open], [done]], [{ task: 'T0', value: 'Vestry met\nat seven' }, { task: 'T1', value: 'yes' }]);
    await until(async () => (await laggingSubjects(suite.stack.db, workflowId)) === 0, 'aggregation');
    await until(async () => (await suite.stack.db.query('SELECT retired_at FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflowId, done])).rows[0].retired_at !== null, 'retirement');
    await client.reviewConsensus(workflowId, done, 'T1', 'no');
    // Finished: volunteers no longer see the workflow in the project's view, its results stay published.
    await client.finishWorkflow(workflowId);

    // A collaborator publishes the project's results in the lab.
    const collaborator = await newMember(suite.stack, project.id, 'collaborator', 'Colette');
    const lab = await signedInPage(suite, await suite.stack.anonymous.login({ email: collaborator.email, password: ACCOUNT_PASSWORD }));
    await lab.page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    const publish = lab.page.getByRole('checkbox', { name: 'Publish results' });
    await waitToSee(publish);
    expect(await publish.isChecked()).toBe(false);
    expect(await publish.getAttribute('aria-describedby')).toBe('lab-details-results-public-hint');
    await publish.check();
    await lab.page.locator('#lab-details-save').click();
    await until(async () => (await suite.stack.db.query('SELECT results_public FROM projects WHERE id = $1', [project.id])).rows[0].results_public === true, 'results published');
    await lab.page.close();

    const { page, errors } = await newcomerPage(suite);
    const resultsAsked: string[] = [];
    page.on('request', (request) => {
      if (/\/subjects\/[^/]+\/results?$/.test(request.url())) resultsAsked.push(new URL(request.url()).pathname);
    });
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/subjects/${done}`);
    const result = page.getByTestId('published-results');
    await waitToSee(result.getByRole('heading', { level: 2, name: 'Result' }));
    await waitToSee(result.locator('dt', { hasText: 'Is it dated?' }));
    // Each answer's lines shown as lines (`pre-line`).
    const answers = await result.locator('dl > div').evaluateAll((rows) => rows.map((row) => [row.querySelector('dt')?.textContent, row.querySelector('dd')?.textContent, getComputedStyle(row.querySelector('dd')!).whiteSpace]));
    expect(answers).toEqual([
      ['Type the minute', 'Vestry met\nat seven', 'pre-line'],
      ['Is it dated?', 'Not dated', 'pre-line'],
    ]);
    expect(await page.content()).not.toContain('SECRET');
    await checkScreen(page, 'published-result');
    // One request for the whole project's results.
    expect(resultsAsked).toEqual([`/api/v1/projects/${project.id}/subjects/${done}/results`]);

    // Not retired: the discussion as ever, no result and no error.
    const asked = page.waitForResponse((response) => response.url().endsWith(`/subjects/${open}/results`));
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/subjects/${open}`);
    expect([(await asked).status(), await (await asked).json()]).toEqual([200, { results: [] }]);
    await waitToSee(page.getByTestId('no-comments'));
    expect(await page.getByTestId('published-results').count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);

    // Published by a second workflow too: each result under its workflow's name, the finished one's too.
    const { id: again } = await client.createWorkflow(project.id, { name: 'Transcribe again', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Type it again' } }, retirement: { rule: 'count', count: 2 }, subjectSetIds: [setId] });
    await client.activateWorkflow(again);
    await guestsClassify(suite.stack.anonymous, again, [[done], [done]], [{ task: 'T0', value: 'Vestry met' }]);
    await until(async () => (await suite.stack.db.query('SELECT retired_at FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [again, done])).rows[0]?.retired_at != null, 'retirement again');
    await until(async () => (await laggingSubjects(suite.stack.db, again)) === 0, 'aggregation again');
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/subjects/${done}`);
    await waitToSee(result.getByRole('heading', { level: 3, name: 'Transcribe again' }));
    expect(await result.getByRole('heading', { level: 3 }).allTextContents()).toEqual(['Transcribe and date', 'Transcribe again']);
    expect(errors).toEqual([]);
  });
});
