import { readFileSync } from 'node:fs';
import type { ChorusClient } from '@chorus/client';
import { signUp } from '../../../test/support/accounts';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { guestsClassify } from '../../../test/support/volunteers';
import { checkScreen, newcomerPage, signedInPage, useStackAndBrowser, waitToSee } from './support/browser';

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
    // Volunteers choose the same set in a workflow that transcribes nothing: no text to read there, so no Read link beside it.
    const dating = await client.createWorkflow(project.id, {
      name: 'Date',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Dated?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      selection: { order: 'sequential', goldStandardRate: 0, volunteersChooseSubjectSet: true },
      subjectSetIds: [set.id],
    });
    await client.activateWorkflow(dating.id);
    await guestsClassify(suite.stack.anonymous, workflow.id, [[first, second], [first, second]], [{ task: 'T0', value: 'Dear Sir,\nthe ship is in.' }]);
    await until(async () => (await laggingSubjects(suite.stack.db, workflow.id)) === 0, 'aggregation');
    await until(async () => (await suite.stack.db.query('SELECT count(*)::int AS n FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NOT NULL', [workflow.id])).rows[0].n === 2, 'retirement');
    await client.reviewConsensus(workflow.id, second, 'T0', 'Yours truly');

    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    const sets = page.getByTestId('choosable-sets');
    await waitToSee(sets.getByRole('link', { name: 'Letter 7' }).first(), { timeout: 15_000 });
    // Not published: nothing to read.
    expect(await page.getByTestId('read-set').count()).toBe(0);

    await client.updateProject(project.id, { resultsPublic: true });
    await page.reload();
    const read = sets.getByRole('link', { name: 'Read “Letter 7”' });
    await waitToSee(read, { timeout: 15_000 });
    expect(await page.getByTestId('read-set').count()).toBe(1);
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

    // A project anyone may read: a plain link to the file the server streams, not held in the page.
    expect(await page.getByTestId('read-download').evaluate((link) => link.tagName)).toBe('A');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('read-download').click()]);
    expect(download.suggestedFilename()).toMatch(/^published-text-Letter-7-.+\.txt$/);
    expect(readFileSync((await download.path())!, 'utf8')).toBe(
      [`=== Page 1 · ${first} ===\nDear Sir,\nthe ship is in.\n`, `=== Page 2 · ${second} ===\nYours truly\n`, `=== Page 3 · ${third} ===\n[not transcribed yet]\n`].join('\n'),
    );
    expect(errors).toEqual([]);
  });
});

describe('classifier in a browser: reaching and reading every readable set', () => {
  const suite = useStackAndBrowser();

  /** A project of `researcher`'s publishing its results, with a set of two pages and a workflow that transcribes it (volunteers do not choose sets). */
  async function transcribedSet(researcher: ChorusClient, name: string, status: 'draft' | 'live' = 'live') {
    const project = await researcher.createProject({ title: `${name} ${Date.now()}`, status });
    await researcher.updateProject(project.id, { resultsPublic: true });
    const set = await researcher.createSubjectSet(project.id, { name });
    const { subjectIds } = await researcher.addSubjects(set.id, [
      { externalId: `${name}-1`, locations: [{ type: 'text', text: 'One' }] },
      { externalId: `${name}-2`, locations: [{ type: 'text', text: 'Two' }] },
    ]);
    const workflow = await researcher.createWorkflow(project.id, {
      name: 'Transcribe',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Type the page' } },
      retirement: { rule: 'count', count: 1 },
      subjectSetIds: [set.id],
    });
    await researcher.activateWorkflow(workflow.id);
    return { project, set, workflow, subjectIds: subjectIds as [string, string] };
  }

  it('links a finished project’s sets to read, though no volunteer chooses them; a set of another project is not found; a workflow that transcribes nothing says so, without “Try again”', async () => {
    const { client } = suite.stack;
    const diary = await transcribedSet(client, 'Diary');
    const dating = await client.createWorkflow(diary.project.id, {
      name: 'Dated?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Dated?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      subjectSetIds: [diary.set.id],
    });
    await client.activateWorkflow(dating.id);
    const again = await client.createWorkflow(diary.project.id, { name: 'Transcribe again', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Type it again' } }, subjectSetIds: [diary.set.id] });
    await client.activateWorkflow(again.id);
    await client.updateProject(diary.project.id, { status: 'finished' });
    const other = await transcribedSet(client, 'Ledger');

    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/projects/${diary.project.slug}`);
    // Read in two workflows: each link named with its own, so that neither reads as the other.
    const read = page.getByTestId('readable-sets').getByRole('link', { name: 'Read “Diary” as “Transcribe” gives it', exact: true });
    await waitToSee(read, { timeout: 15_000 });
    expect(await page.getByTestId('readable-sets').getByRole('link').allTextContents()).toEqual(['Read “Diary” as “Transcribe” gives it', 'Read “Diary” as “Transcribe again” gives it']);
    await read.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === `/projects/${diary.project.slug}/sets/${diary.set.id}/read` && url.searchParams.get('workflowId') === diary.workflow.id);
    await waitToSee(page.getByRole('heading', { level: 1, name: 'Read “Diary”' }));
    expect(await page.getByTestId('read-page-item').count()).toBe(2);

    // Ledger's set under Diary's address: not found, nothing of it shown, not even its name in the title.
    await page.goto(`${suite.stack.baseUrl}/projects/${diary.project.slug}/sets/${other.set.id}/read?workflowId=${other.workflow.id}`);
    await waitToSee(page.getByTestId('read-not-found'));
    expect(await page.content()).not.toContain('Ledger');
    expect(await page.title()).not.toContain('Ledger');

    // A workflow without a transcription: what is wrong, in words, and no button that cannot help.
    await page.goto(`${suite.stack.baseUrl}/projects/${diary.project.slug}/sets/${diary.set.id}/read?workflowId=${dating.id}`);
    await waitToSee(page.getByRole('alert').getByText('There is no text to read here: this way to help does not transcribe the pages of this part of the collection.', { exact: false }));
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('downloads a draft project’s text for its member by a download link, saved as it streams, one click one download', async () => {
    const account = await signUp(suite.stack, { email: `read-draft-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Owner' });
    const owner = suite.stack.anonymous.withToken(account.token);
    const draft = await transcribedSet(owner, 'Notebook', 'draft');
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/projects/${draft.project.slug}/sets/${draft.set.id}/read?workflowId=${draft.workflow.id}`);
    await waitToSee(page.getByRole('heading', { level: 1, name: 'Read “Notebook”' }));
    // Not fetched into the page: a download link, followed, so that the browser saves the file as it streams.
    const opened: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/published-text')) opened.push(`${request.method()} ${new URL(request.url()).pathname}${new URL(request.url()).searchParams.has('token') ? ' with a token' : ''}`);
    });
    // The link held until the test lets it go: the button busy meanwhile, and a second click makes no second download.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/published-text\/download-links/, async (route) => {
      await held;
      await route.continue();
    });
    const button = page.getByRole('button', { name: 'Download as text' });
    const downloaded = page.waitForEvent('download');
    await button.click();
    await waitToSee(page.getByRole('status').getByText('Preparing the file…'));
    expect([await button.isDisabled(), await button.getAttribute('aria-busy')]).toEqual([true, 'true']);
    await button.click({ force: true });
    release();
    const download = await downloaded;
    await waitToSee(page.getByRole('status').getByText('Saving the text: your browser shows the file as it arrives.'));
    expect([await button.isDisabled(), await button.getAttribute('aria-busy')]).toEqual([false, 'false']);
    const path = `/api/v1/subject-sets/${draft.set.id}/published-text`;
    expect(opened.filter((request) => !request.startsWith('GET') || request.endsWith('with a token'))).toEqual([`POST ${path}/download-links`, `GET ${path} with a token`]);
    expect(download.suggestedFilename()).toMatch(/^published-text-Notebook-.+\.txt$/);
    const [first, second] = draft.subjectIds;
    expect(readFileSync((await download.path())!, 'utf8')).toBe(`=== Page 1 · ${first} ===\n[not transcribed yet]\n\n=== Page 2 · ${second} ===\n[not transcribed yet]\n`);
    expect(errors).toEqual([]);
  });
});
