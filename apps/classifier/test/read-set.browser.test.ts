import { readFileSync } from 'node:fs';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { guestsClassify } from '../../../test/support/volunteers';
import { checkScreen, newcomerPage, useStackAndBrowser, waitToSee } from './support/browser';

/**
 * A subject set read as a document, in a real browser against the real API: once the project publishes its results, its
 * page links each set volunteers may choose to a page that shows the set's pages in order, the finished ones' texts,
 * a gap marked for the one not finished, each with a link to its discussion, and the whole as a text file.
 */

jest.setTimeout(180_000);

describe('classifier in a browser: a set read as a document', () => {
  const suite = useStackAndBrowser();

  it('is linked from the project page once results are public, and shows the set’s pages in order, gaps marked', async () => {
    const { client } = suite.stack;
    const project = await client.createProject({ title: `Letters ${Date.now()}`, status: 'live' });
    const set = await client.createSubjectSet(project.id, { name: 'Letter 7' });
    const { subjectIds } = await client.addSubjects(set.id, [
      { externalId: 'l7-p1', metadata: { title: 'The first sheet', '#shelfmark': 'SECRET-SHELF' }, locations: [{ type: 'text', text: 'Page one' }] },
      { externalId: 'l7-p2', locations: [{ type: 'text', text: 'Page two' }] },
      { externalId: 'l7-p3', locations: [{ type: 'text', text: 'Page three' }] },
    ]);
    const [first, second, third] = subjectIds as [string, string, string];
    const workflow = await client.createWorkflow(project.id, {
      name: 'Transcribe',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Type the page' } },
      retirement: { rule: 'count', count: 2 },
      selection: { order: 'sequential', goldStandardRate: 0, volunteersChooseSubjectSet: true },
      subjectSetIds: [set.id],
    });
    await client.activateWorkflow(workflow.id);
    await guestsClassify(suite.stack.anonymous, workflow.id, [[first, second], [first, second]], [{ task: 'T0', value: 'Dear Sir,\nthe ship is in.' }]);
    await until(async () => (await laggingSubjects(suite.stack.db, workflow.id)) === 0, 'aggregation');
    await until(async () => (await suite.stack.db.query('SELECT count(*)::int AS n FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NOT NULL', [workflow.id])).rows[0].n === 2, 'retirement');
    await client.reviewConsensus(workflow.id, second, 'T0', 'Yours truly');

    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    const sets = page.getByTestId('choosable-sets');
    await waitToSee(sets.getByRole('link', { name: 'Letter 7' }), { timeout: 15_000 });
    // Not published: nothing to read.
    expect(await page.getByTestId('read-set').count()).toBe(0);

    await client.updateProject(project.id, { resultsPublic: true });
    await page.reload();
    const read = sets.getByRole('link', { name: 'Read “Letter 7”' });
    await waitToSee(read, { timeout: 15_000 });
    // By keyboard: the link focused, Enter follows it.
    await read.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === `/projects/${project.slug}/sets/${set.id}/read` && url.searchParams.get('workflowId') === workflow.id);

    const pages = page.getByTestId('read-pages');
    await waitToSee(page.getByRole('heading', { level: 1, name: 'Read “Letter 7”' }));
    await waitToSee(pages);
    const shown = await pages.getByTestId('read-page-item').evaluateAll((items) =>
      items.map((item) => ({
        heading: item.querySelector('h2')?.textContent,
        texts: [...item.querySelectorAll('.read-text, [data-testid="read-gap"]')].map((text) => text.textContent),
        discussion: item.querySelector('a')?.getAttribute('href'),
      })),
    );
    expect(shown).toEqual([
      { heading: 'Page 1 · The first sheet', texts: ['Dear Sir,\nthe ship is in.'], discussion: `/projects/${project.slug}/subjects/${first}` },
      { heading: 'Page 2', texts: ['Yours truly'], discussion: `/projects/${project.slug}/subjects/${second}` },
      { heading: 'Page 3', texts: ['Not transcribed yet'], discussion: `/projects/${project.slug}/subjects/${third}` },
    ]);
    expect(await pages.getByRole('link', { name: 'Discuss this page' }).count()).toBe(3);
    expect(await page.content()).not.toContain('SECRET');
    await checkScreen(page, 'read-set');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('read-download').click()]);
    expect(download.suggestedFilename()).toMatch(/^published-text-Letter-7-.+\.txt$/);
    expect(readFileSync((await download.path())!, 'utf8')).toBe(
      [`=== Page 1 · ${first} ===\nDear Sir,\nthe ship is in.\n`, `=== Page 2 · ${second} ===\nYours truly\n`, `=== Page 3 · ${third} ===\n[not transcribed yet]\n`].join('\n'),
    );
    expect(errors).toEqual([]);
  });
});
