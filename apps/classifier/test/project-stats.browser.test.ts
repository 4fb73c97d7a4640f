import { randomUUID } from 'node:crypto';
import type { ChorusClient } from '@chorus/client';
import { checkScreen, newcomerPage, tabTo, useStackAndBrowser, waitToSee } from './support/browser';

/**
 * A project's public statistics in a browser: from the project's page, by keyboard, a volunteer (a guest) reaches its
 * classifications and volunteers per day, in a table with bars beside it, and chooses the days and a workflow.
 */

jest.setTimeout(60_000);

/** A live project `title` with one active workflow, Entries, of one subject. */
async function projectOfOneWorkflow(client: ChorusClient, title: string) {
  const project = await client.createProject({ title: `${title} ${randomUUID().slice(0, 6)}`, status: 'live' });
  const set = await client.createSubjectSet(project.id, { name: 'Pages' });
  const { subjectIds } = await client.addSubjects(set.id, [{ externalId: 'p1', locations: [{ type: 'text' as const, text: 'Page' }] }]);
  const workflow = await client.createWorkflow(project.id, {
    name: 'Entries',
    firstTask: 'T0',
    tasks: { T0: { type: 'single' as const, question: 'An entry?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    subjectSetIds: [set.id],
  });
  await client.activateWorkflow(workflow.id);
  return { project, workflow, subjectId: subjectIds[0]! };
}

describe('classifier in a browser: project statistics', () => {
  const suite = useStackAndBrowser({ worker: false });

  it('shows a public project’s classifications and volunteers per day, for 7, 30 or 90 days, the whole project or one workflow', async () => {
    const { client } = suite.stack;
    const project = await client.createProject({ title: `Almanacs ${randomUUID().slice(0, 6)}`, status: 'live' });
    const set = await client.createSubjectSet(project.id, { name: 'Pages' });
    const { subjectIds } = await client.addSubjects(set.id, ['p1', 'p2'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `Page ${externalId}` }] })));
    const definition = (name: string) => ({
      name,
      firstTask: 'T0',
      tasks: { T0: { type: 'single' as const, question: 'A table?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      subjectSetIds: [set.id],
    });
    const [tables, tides] = [await client.createWorkflow(project.id, definition('Tables')), await client.createWorkflow(project.id, definition('Tides'))];
    for (const workflow of [tables, tides]) await client.activateWorkflow(workflow.id);
    const guest = async () => suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    const classify = async (who: ChorusClient, workflowId: string, subjectId: string, daysAgo: number) => {
      const { id } = await who.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
      await suite.stack.db.query("UPDATE classifications SET created_at = now() - $2 * interval '1 day' WHERE id = $1", [id, daysAgo]);
    };
    const [ann, bo] = [await guest(), await guest()];
    await classify(ann, tables.id, subjectIds[0]!, 0);
    await classify(bo, tables.id, subjectIds[0]!, 0);
    await classify(ann, tides.id, subjectIds[1]!, 10); // outside the last 7 days

    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    await tabTo(page, '[data-testid="project-stats-link"]', 60);
    expect(await page.locator(':focus').textContent()).toBe('Project statistics');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByRole('heading', { level: 1, name: `Statistics of ${project.title}` }));
    expect(new URL(page.url()).pathname).toBe(`/projects/${project.slug}/stats`);

    // The last 30 days by default, the whole project: the newest day first.
    const totals = page.getByTestId('stats-totals');
    await waitToSee(totals.getByText('Over these days — classifications: 3; volunteers: 2.'));
    const rows = page.getByTestId('stats-table').locator('tbody tr');
    expect(await rows.count()).toBe(30);
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual(['2', '2']);
    expect(await rows.nth(10).locator('td').allTextContents()).toEqual(['1', '1']);
    expect(await page.getByTestId('stats-chart').locator('rect').count()).toBe(30);
    await checkScreen(page, 'project-stats');

    await page.getByLabel('Days').selectOption({ label: 'Last 7 days' });
    await waitToSee(totals.getByText('Over these days — classifications: 2; volunteers: 2.'));
    expect(await rows.count()).toBe(7);
    await page.getByLabel('Workflow').selectOption({ label: 'Tides' });
    await waitToSee(totals.getByText('Over these days — classifications: 0; volunteers: 0.'));
    await page.getByLabel('Days').selectOption({ label: 'Last 90 days' });
    await waitToSee(totals.getByText('Over these days — classifications: 1; volunteers: 1.'));
    expect(await rows.count()).toBe(90);
    expect(errors).toEqual([]);
  });

  it('offers no workflow choice for a project of one workflow', async () => {
    const { client } = suite.stack;
    const { project } = await projectOfOneWorkflow(client, 'Ledgers');
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/stats`);
    await waitToSee(page.getByTestId('stats-totals').getByText('Over these days — classifications: 0; volunteers: 0.'));
    expect(await page.getByLabel('Workflow').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('reads the days in UTC, and says so, when the server does not know the browser’s time zone; asks again in UTC at once after', async () => {
    const { client } = suite.stack;
    const { project, workflow, subjectId } = await projectOfOneWorkflow(client, 'Logbooks');
    // Half an hour before midnight UTC yesterday: that day in UTC, today's date (12:45 or 13:45 later) in Pacific/Chatham.
    const today = new Date().toISOString().slice(0, 10);
    const day = (daysBefore: number) => new Date(Date.parse(today) - daysBefore * 86_400_000).toISOString().slice(0, 10);
    const guest = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    const { id } = await guest.classify({ workflowId: workflow.id, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    await suite.stack.db.query("UPDATE classifications SET created_at = $2::date - interval '30 minutes' WHERE id = $1", [id, today]);

    const { page, errors } = await newcomerPage(suite);
    // The browser in a zone of its own, which the API then hears as one its Postgres does not know (refused for real, 422).
    await (await page.context().newCDPSession(page)).send('Emulation.setTimezoneOverride', { timezoneId: 'Pacific/Chatham' });
    const asked: string[] = [];
    await page.route('**/api/v1/projects/*/activity?**', (route) => {
      asked.push(new URL(route.request().url()).searchParams.get('timeZone')!);
      return route.continue({ url: route.request().url().replace('timeZone=Pacific%2FChatham', 'timeZone=Mars%2FOlympus') });
    });
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/stats`);
    await waitToSee(page.getByTestId('stats-totals').getByText('Over these days — classifications: 1; volunteers: 1.'));
    expect(await page.getByTestId('time-zone-fallback').textContent()).toBe('Days of UTC: your time zone (Pacific/Chatham) is not known to the server.');
    expect(await page.getByText('Classifications and volunteers per day (days of UTC).').count()).toBe(1);
    // UTC's days: up to today in UTC, the classification on yesterday's date (Chatham's days would put it on today's).
    const table = page.getByTestId('stats-table');
    expect(await table.locator('caption').textContent()).toBe(`Classifications and volunteers per day, ${day(29)} to ${today}, the most recent first`);
    const rows = table.locator('tbody tr');
    expect(await rows.nth(0).locator('th').textContent()).toBe(today);
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual(['0', '0']);
    expect(await rows.nth(1).locator('th').textContent()).toBe(day(1));
    expect(await rows.nth(1).locator('td').allTextContents()).toEqual(['1', '1']);
    expect(asked).toEqual(['Pacific/Chatham', 'UTC']);
    expect(await page.getByRole('alert').count()).toBe(0);

    // The zone refused once, other days are asked for in UTC straight away: one request.
    await page.getByLabel('Days').selectOption({ label: 'Last 7 days' });
    await waitToSee(table.locator('caption').getByText(`Classifications and volunteers per day, ${day(6)} to ${today}, the most recent first`));
    expect(asked).toEqual(['Pacific/Chatham', 'UTC', 'UTC']);
    expect(await page.getByTestId('time-zone-fallback').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('shows, without asking again, a refusal that names another field than the time zone', async () => {
    const { client } = suite.stack;
    const project = await client.createProject({ title: `Ships ${randomUUID().slice(0, 6)}`, status: 'live' });
    const { page } = await newcomerPage(suite);
    let asked = 0;
    // A day the API refuses (422 naming /query/from), the browser's zone being one it knows.
    await page.route('**/api/v1/projects/*/activity?**', (route) => {
      asked += 1;
      return route.continue({ url: route.request().url().replace(/from=[^&]*/, 'from=1999-01-01') });
    });
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/stats`);
    await waitToSee(page.getByRole('alert'));
    expect(await page.getByRole('alert').textContent()).toContain('from');
    expect(asked).toBe(1);
    expect(await page.getByTestId('time-zone-fallback').count()).toBe(0);
    expect(await page.getByTestId('stats-totals').count()).toBe(0);
    await page.close();
  });
});
