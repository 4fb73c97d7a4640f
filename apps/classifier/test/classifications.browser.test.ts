import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { ACCOUNT_PASSWORD, signUp } from '../../../test/support/accounts';
import { until } from '../../../test/support/waiting';
import { answerByKey, checkScreen, liveYesNoWorkflow, newcomerPage, signedInPage, skipTutorial, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * A volunteer (a guest) classifies in two projects' workflows, then finds both on "Your classifications", from the
 * header, by keyboard: each with its project, workflow, answer and a way to its subject's discussion.
 */

jest.setTimeout(60_000);

describe('classifier in a browser: your classifications', () => {
  const suite = useStackAndBrowser();

  /** Opens the page for the page's own guest, with nothing classified yet, and answers the guest's API client. */
  async function openedEmpty(page: Page) {
    await page.goto(`${suite.stack.baseUrl}/classifications`);
    await waitToSee(page.getByTestId('classifications-none'));
    return suite.stack.anonymous.withToken((await page.evaluate(() => window.localStorage.getItem('chorus.token')))!);
  }

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
    await waitToSee(page.getByRole('heading', { level: 1, name: 'Your classifications' }));
    const items = page.locator('[data-testid="classifications"] ol > li');
    await waitToSee(items.nth(1));
    expect(await items.count()).toBe(2);
    // Newest first: the letter, then the notice; each with its project, workflow and answer in words.
    expect(await items.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-subject-id')))).toEqual([classified[1], classified[0]]);
    for (const [index, { project }] of [letters, notices].entries()) {
      expect(await items.nth(index).locator('.subject-card-where').textContent()).toMatch(new RegExp(`^${project.title}: Ad or not\\?Classified on `));
    }
    await waitToSee(items.nth(0).locator('dd').getByText('Yes'));
    expect(await items.nth(0).locator('dt').textContent()).toBe('Advertisement?');
    // Its project in the link's name: each workflow here is "Ad or not?".
    expect(await items.nth(0).getByRole('link', { name: `Classify more in “Ad or not?”, ${letters.project.title}`, exact: true }).getAttribute('href')).toBe(letters.path);
    expect(await items.nth(1).getByRole('link', { name: `Classify more in “Ad or not?”, ${notices.project.title}`, exact: true }).getAttribute('href')).toBe(notices.path);
    expect(await page.getByTestId('classifications-guest').count()).toBe(1); // a guest is told how to keep them
    await checkScreen(page, 'classifications');

    // The letter's name leads to its discussion.
    await tabTo(page, `li[data-subject-id="${classified[1]}"] h2 a`);
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('subject-discussion'));
    expect(new URL(page.url()).pathname).toBe(`/projects/${letters.project.slug}/subjects/${classified[1]}`);
    expect(errors).toEqual([]);
  });

  it("saves a signed-in volunteer's classifications, every one, as CSV streamed to disk from a button a guest is not offered", async () => {
    const { workflow, project } = await liveYesNoWorkflow(suite.stack, 'Posters', [{ externalId: 'poster-1', locations: [{ type: 'text', text: 'Circus tonight!' }] }]);
    const account = await signUp(suite.stack, { email: `mine-${randomUUID().slice(0, 8)}@example.org`, password: ACCOUNT_PASSWORD, displayName: 'Mina' });
    const volunteer = suite.stack.anonymous.withToken(account.token);
    const [subject] = (await volunteer.queue(workflow.id, 1)).subjects;
    const { id } = await volunteer.classify({ workflowId: workflow.id, workflowVersion: 1, subjectId: subject!.id, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/classifications`);
    await waitToSee(page.locator(`[data-testid="classifications"] li[data-subject-id="${subject!.id}"]`));

    await tabTo(page, '[data-testid="classifications-download"]');
    expect(await page.locator(':focus').textContent()).toBe('Download my classifications (CSV)');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^own-classifications-${account.user.id}-\\d{8}T\\d{6}Z\\.csv$`));
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toBe('classification_id,project_slug,project_title,workflow_id,workflow_name,workflow_version,subject_id,external_id,subject_metadata,created_at,answers,asked_for_check');
    expect(csv).toContain(`${id},${project.slug},`);
    expect(csv).toContain('"{""T0"":""yes""}"');
    await waitToSee(page.getByRole('status').filter({ hasText: 'Saving your classifications as CSV: your browser shows the file as it arrives.' }));

    // A guest has no account to download from: no button.
    const guest = await newcomerPage(suite);
    await openedEmpty(guest.page);
    expect(await guest.page.getByTestId('classifications-download').count()).toBe(0);
    expect([...errors, ...guest.errors]).toEqual([]);
  });

  it('keeps a classification of a project taken back to draft listed, said to be no longer open, with nothing to classify more in', async () => {
    const { project, workflow } = await liveYesNoWorkflow(suite.stack, 'Withdrawn', [{ externalId: 'leaflet', locations: [{ type: 'text', text: 'A leaflet for a fair.' }] }]);
    const { page, errors } = await newcomerPage(suite);
    const volunteer = await openedEmpty(page);
    const [subject] = (await volunteer.queue(workflow.id, 1)).subjects;
    await volunteer.classify({ workflowId: workflow.id, workflowVersion: 1, subjectId: subject!.id, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    await suite.stack.client.updateProject(project.id, { status: 'draft' });

    await page.reload();
    const item = page.locator(`[data-testid="classifications"] li[data-subject-id="${subject!.id}"]`);
    await waitToSee(item);
    expect(await item.getByTestId('classification-closed').textContent()).toMatch(/^No longer open to volunteers/);
    expect(await item.locator('.subject-card-where').textContent()).toMatch(new RegExp(`^${project.title}: Ad or not\\?`));
    // Neither classifying more nor its discussion is open to volunteers: named, not linked.
    expect(await item.getByRole('link').count()).toBe(0);
    expect(await item.getByRole('heading', { level: 2 }).textContent()).toBe('“A leaflet for a fair.”');
    await checkScreen(page, 'classifications-closed');
    expect(errors).toEqual([]);
  });

  it('says a subject its team took down was taken down, showing nothing of it', async () => {
    const { workflow } = await liveYesNoWorkflow(suite.stack, 'Letters kept', [{ externalId: 'address', locations: [{ type: 'text', text: 'Mrs Jones, 3 Mill Lane.' }] }]);
    const { page, errors } = await newcomerPage(suite);
    const volunteer = await openedEmpty(page);
    const [subject] = (await volunteer.queue(workflow.id, 1)).subjects;
    await volunteer.classify({ workflowId: workflow.id, workflowVersion: 1, subjectId: subject!.id, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    await suite.stack.client.retireSubjects(workflow.id, { subjectIds: [subject!.id], reason: 'A home address', takeDown: true });

    await page.reload();
    const item = page.locator(`[data-testid="classifications"] li[data-subject-id="${subject!.id}"]`);
    await waitToSee(item.getByText("This subject was taken down by the project's team.", { exact: true }));
    expect(await item.getByText('Mill Lane').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('reads older ones a page at a time, once however often asked; says what is no longer open, names nothing of a project removed from Chorus, and reads no definition it may not', async () => {
    const notices = await liveYesNoWorkflow(
      suite.stack,
      'Notices',
      Array.from({ length: 25 }, (_, n) => ({ externalId: `n${n + 1}`, locations: [{ type: 'text' as const, text: `Notice number ${n + 1}.` }] })),
    );
    const drafted = await liveYesNoWorkflow(suite.stack, 'Drafted', ['b1', 'b2'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `Leaflet ${externalId}.` }] })));
    const removed = await liveYesNoWorkflow(suite.stack, 'Lottery', [{ externalId: 'ticket', locations: [{ type: 'text', text: 'Win a fortune with our lottery!' }] }]);
    const { page, errors } = await newcomerPage(suite);
    const versionsRead: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/versions/')) versionsRead.push(request.url());
    });
    // The notices' definition cannot be read: their answers are shown as given.
    await page.route(`**/api/v1/workflows/${notices.workflow.id}/versions/**`, (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"title":"Unavailable","status":503}' }));
    const volunteer = await openedEmpty(page);
    const classify = async (workflowId: string, subjectId: string) => volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    const { rows: noticeSubjects } = await suite.stack.db.query('SELECT id FROM subjects WHERE project_id = $1 ORDER BY external_id', [notices.project.id]);
    await classify(notices.workflow.id, noticeSubjects[0].id);
    const { rows: [{ user_id: userId }] } = await suite.stack.db.query('SELECT user_id FROM classifications WHERE workflow_id = $1', [notices.workflow.id]);
    // The other 24 notices, classified earlier.
    await suite.stack.db.query(
      `INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key, created_at)
       SELECT $1, 1, id, $2, '[{"task": "T0", "value": "no"}]', gen_random_uuid()::text, now() - interval '1 day' - row_number() OVER (ORDER BY external_id) * interval '1 minute'
       FROM subjects WHERE project_id = $3 AND id <> $4`,
      [notices.workflow.id, userId, notices.project.id, noticeSubjects[0].id],
    );
    const { subjects: leaflets } = await volunteer.queue(drafted.workflow.id, 2);
    for (const leaflet of leaflets) await classify(drafted.workflow.id, leaflet.id);
    await volunteer.markFavourite(leaflets[0]!.id, drafted.workflow.id);
    const [ticket] = (await volunteer.queue(removed.workflow.id, 1)).subjects;
    await classify(removed.workflow.id, ticket!.id);
    await suite.stack.client.updateProject(drafted.project.id, { status: 'draft' });
    await suite.stack.db.query("UPDATE projects SET taken_down_at = now(), taken_down_reason = 'Spam' WHERE id = $1", [removed.project.id]);

    await page.reload();
    const items = page.locator('[data-testid="classifications"] ol > li');
    await waitToSee(items.nth(19));
    expect(await page.locator('.lead').textContent()).toContain('28 classifications');
    const item = (subjectId: string) => page.locator(`[data-testid="classifications"] li[data-subject-id="${subjectId}"]`);

    // Removed from Chorus: said so, with nothing of the project, its workflow or its subject.
    const lottery = item(ticket!.id);
    expect(await lottery.getByTestId('classification-removed').textContent()).toBe('This project was removed from Chorus. Your classification is still counted as yours, but nothing of the project is shown any more.');
    expect([await lottery.getByRole('link').count(), await lottery.getByRole('button').count(), await lottery.locator('dl').count()]).toEqual([0, 0, 0]);
    expect(await lottery.locator('.subject-card-where').textContent()).toMatch(/^Classified on /);
    expect(await page.locator('main, body').first().textContent()).not.toMatch(/Lottery|fortune/);
    // Back to draft: the favourite may be unmarked; the other offers no marking (it would be refused).
    expect(await item(leaflets[0]!.id).getByRole('button', { name: /Favourite/ }).getAttribute('aria-pressed')).toBe('true');
    expect(await item(leaflets[1]!.id).getByRole('button').count()).toBe(0);
    expect(await item(leaflets[1]!.id).getByTestId('classification-closed').count()).toBe(1);
    // An open workflow's answers, as given when its definition cannot be read.
    const latestNotice = item(noticeSubjects[0].id);
    await waitToSee(latestNotice.locator('dl[aria-busy]'), { state: 'detached' });
    expect([await latestNotice.locator('dt').textContent(), await latestNotice.locator('dd').textContent()]).toEqual(['T0', '"yes"']);

    // Older ones: asked for twice at once, read once; the first they bring takes focus.
    const older = page.getByRole('button', { name: 'Show older ones' });
    await older.focus();
    await older.dblclick();
    await page.waitForFunction(() => document.activeElement === document.querySelectorAll('[data-testid="classifications"] ol > li')[20]);
    await waitToSee(items.nth(27));
    await until(async () => (await older.count()) === 0, 'the last page');
    const shown = await items.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-subject-id')));
    expect([shown.length, new Set(shown).size]).toEqual([28, 28]);
    // Only the open workflow's definition was asked for: the others' would be refused.
    expect(versionsRead.length).toBeGreaterThan(0);
    expect(versionsRead.filter((url) => !url.includes(notices.workflow.id))).toEqual([]);
    expect(errors).toEqual([]);
  });
  it('shows a signed-in volunteer how much they classified each of their last 30 days: bars, and a table to open, theirs only', async () => {
    const { workflow } = await liveYesNoWorkflow(suite.stack, 'Diaries', ['d1', 'd2', 'd3'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `Entry ${externalId}` }] })));
    const account = await signUp(suite.stack, { email: `days-${randomUUID().slice(0, 8)}@example.org`, password: ACCOUNT_PASSWORD, displayName: 'Dora' });
    const classifyDaysAgo = async (token: string, daysAgo: number) => {
      const who = suite.stack.anonymous.withToken(token);
      const [subject] = (await who.queue(workflow.id, 1)).subjects;
      const { id } = await who.classify({ workflowId: workflow.id, workflowVersion: 1, subjectId: subject!.id, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
      await suite.stack.db.query("UPDATE classifications SET created_at = now() - $2 * interval '1 day' WHERE id = $1", [id, daysAgo]);
    };
    await classifyDaysAgo(account.token, 0);
    await classifyDaysAgo(account.token, 3);
    await classifyDaysAgo((await suite.stack.anonymous.guest()).token, 0); // someone else's
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/classifications`);
    const section = page.getByTestId('own-activity');
    await waitToSee(section.getByRole('heading', { level: 2, name: 'Your last 30 days' }));
    await waitToSee(section.getByText('2 classifications over these days, in every project.'));
    expect(await section.getByTestId('own-activity-chart').locator('rect').count()).toBe(30);
    const rows = section.getByTestId('own-activity-table').locator('tbody tr');
    await section.getByText('Day by day').click();
    await waitToSee(rows.first());
    expect(await rows.count()).toBe(30);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')!.textContent))).toEqual(['1', '0', '0', '1', ...Array(26).fill('0')]);
    await checkScreen(page, 'own-activity');
    expect(errors).toEqual([]);
  });
});
