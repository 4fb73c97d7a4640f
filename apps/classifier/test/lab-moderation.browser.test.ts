import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { ChorusClient } from '@chorus/client';
import type { Page } from 'playwright-core';
import { ACCOUNT_PASSWORD, newAccount, newMember } from '../../../test/support/accounts';
import { voteWorkflow } from '../../../test/support/workflows';
import { checkScreen, signedInPage, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * A project's moderator in the lab, in a real browser against the real API: they find the project and its workflows,
 * and on a workflow's page only what they may use (the subjects volunteers reported, the tags volunteers proposed);
 * from a subject reported for an offensive tag they open its tags and hide the tag, by keyboard, with a reason, then show
 * it again. What the page did is read back through the API and Postgres.
 */

jest.setTimeout(120_000);

describe('classifier in a browser: moderating in the lab', () => {
  const suite = useStackAndBrowser();

  /** Presses a button or follows a link by keyboard: Tab (or Shift+Tab) to it, then Enter. */
  async function press(page: Page, selector: string, backwards = false): Promise<void> {
    await tabTo(page, selector, 120, backwards);
    await page.keyboard.press('Enter');
  }

  async function guest(): Promise<ChorusClient> {
    return suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
  }

  it('gives researchers on the project’s page the count of contributors to credit and their download, CSV or JSON, by keyboard', async () => {
    const project = await suite.stack.client.createProject({ title: `Credits ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await suite.stack.client.createSubjectSet(project.id, { name: 'Set' });
    const { subjectIds: [subjectId] } = await suite.stack.client.addSubjects(set.id, [{ externalId: 'one', locations: [{ type: 'text', text: 'One' }] }]);
    const { id: workflowId } = await suite.stack.client.createWorkflow(project.id, {
      name: 'Dated?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Is it dated?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      subjectSetIds: [set.id],
    });
    await suite.stack.client.activateWorkflow(workflowId);
    const classify = (who: ChorusClient) => who.classify({ workflowId, workflowVersion: 1, subjectId: subjectId!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    const named = await newAccount(suite.stack, 'Noor');
    await named.client.changeAccount({ creditedName: '=Noor Haddad', namedInAcknowledgements: true });
    await classify(named.client);
    await classify(await guest());

    const scientist = await newMember(suite.stack, project.id, 'scientist', 'Sam');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: scientist.email, password: ACCOUNT_PASSWORD }));
    // The page shows the two numbers from the summary: only a button starts the download (it takes a download's place).
    const asked: string[] = [];
    page.on('request', (request) => asked.push(new URL(request.url()).pathname));
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    const section = page.getByTestId('lab-contributors');
    await waitToSee(section.getByRole('heading', { name: 'Contributors to credit' }), { timeout: 10_000 });
    await waitToSee(section.getByTestId('lab-contributors-count'));
    expect(await section.getByTestId('lab-contributors-count').textContent()).toBe('1 volunteer agreed to be named, and 1 other volunteer helped.');
    expect(asked.filter((path) => path.includes(`/projects/${project.id}/contributors`))).toEqual([`/api/v1/projects/${project.id}/contributors/summary`]);

    const [csv] = await Promise.all([page.waitForEvent('download'), press(page, '[data-testid="lab-contributors"] .button-row button:first-child')]);
    expect(csv.suggestedFilename()).toMatch(new RegExp(`^contributors-credits-.*-${project.id}-\\d{8}T\\d{6}Z\\.csv$`, 'i'));
    expect(readFileSync((await csv.path())!, 'utf8').split('\n').slice(0, 2)).toEqual(['credited_name,classifications,first_classified_at,last_classified_at', expect.stringMatching(/^'=Noor Haddad,1,/)]);
    await waitToSee(section.getByText('Saving the contributors as CSV: your browser shows the file as it arrives.'));
    const [json] = await Promise.all([page.waitForEvent('download'), press(page, '[data-testid="lab-contributors"] .button-row button:last-child')]);
    expect(JSON.parse(readFileSync((await json.path())!, 'utf8'))).toMatchObject({ contributors: [{ credited_name: '=Noor Haddad', classifications: 1 }], otherVolunteers: 1 });
    await checkScreen(page, 'lab-contributors');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a moderator in the lab’s list how many reports wait in their project, links to the reported comments and to the workflow’s reported subjects they follow by keyboard; a reviewer sees none', async () => {
    const { projectId, workflowId, subjectIds } = await voteWorkflow(suite.stack, 1);
    const author = await newAccount(suite.stack, 'Author');
    const comment = await author.client.postComment(subjectIds[0]!, { projectId, body: 'Buy cheap watches' });
    const volunteer = await newAccount(suite.stack, 'Volunteer');
    await volunteer.client.reportComment(comment.id, { reason: 'spam' });
    await volunteer.client.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'other' });
    const { slug } = await suite.stack.client.getProject(projectId);
    const openLab = async (role: 'moderator' | 'reviewer') => {
      const member = await newMember(suite.stack, projectId, role, role);
      const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: member.email, password: ACCOUNT_PASSWORD }));
      await page.goto(`${suite.stack.baseUrl}/lab`);
      const row = page.locator(`[data-testid="lab-projects"] tr[data-project-slug="${slug}"]`);
      await waitToSee(row);
      return { page, errors, row, member };
    };

    const moderator = await openLab('moderator');
    const comments = moderator.row.getByRole('link', { name: '1 reported comment' });
    await waitToSee(comments);
    expect(await comments.getAttribute('href')).toBe(`/lab/projects/${slug}#reported-comments`);
    const subjects = moderator.row.getByRole('link', { name: /^Reported subjects in / });
    expect(await subjects.getAttribute('href')).toBe(`/lab/workflows/${workflowId}#reported-subjects`);
    await checkScreen(moderator.page, 'lab-open-reports');
    await press(moderator.page, '[data-testid="lab-project-open-reports"] a:first-child');
    await waitForFocus(moderator.page, '#lab-reported-comments-heading');
    await moderator.page.goBack();
    await press(moderator.page, '[data-testid="lab-project-open-reports"] a:last-child');
    await waitForFocus(moderator.page, '#lab-reports-heading');
    // The comment hidden: only the workflow's reported subjects wait.
    await moderator.member.client.hideComment(comment.id, 'Spam');
    await moderator.page.goto(`${suite.stack.baseUrl}/lab`);
    await waitToSee(moderator.row.getByRole('link', { name: /^Reported subjects in / }));
    expect(await moderator.row.locator('[data-testid="lab-project-open-reports"] a').count()).toBe(1);
    expect(moderator.errors).toEqual([]);
    await moderator.page.close();

    const reviewer = await openLab('reviewer');
    expect(await reviewer.row.getByTestId('lab-project-open-reports').count()).toBe(0);
    expect(reviewer.errors).toEqual([]);
    await reviewer.page.close();
  });

  it('says on a workflow’s page who does what: researchers (owner, collaborators, scientists) edit it, moderators cannot; a researcher follows a link to the team', async () => {
    const project = await suite.stack.client.createProject({ title: `Roles ${randomUUID().slice(0, 8)}` });
    const workflow = await suite.stack.client.createWorkflow(project.id, {
      name: 'Dated?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Is it dated?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    });
    const signIn = async (role: 'scientist' | 'moderator') => {
      const member = await newMember(suite.stack, project.id, role, role);
      const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: member.email, password: ACCOUNT_PASSWORD }));
      await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflow.id}`);
      await waitToSee(page.getByRole('heading', { level: 1, name: /Dated\?/ }));
      return { page, errors };
    };

    const moderator = await signIn('moderator');
    expect(await moderator.page.locator('p.lead').textContent()).toBe(
      "As a moderator you see what volunteers reported and proposed here; you cannot edit this workflow. Its design, subjects and results are its researchers': the project's owner, collaborators and scientists.",
    );
    expect(await moderator.page.getByTestId('lab-workflow-roles').count()).toBe(0);
    expect(moderator.errors).toEqual([]);
    await moderator.page.close();

    const scientist = await signIn('scientist');
    expect(await scientist.page.getByTestId('lab-workflow-roles').textContent()).toBe(
      "Who does what: the project's researchers (its owner, collaborators and scientists) see this workflow's results and edit it; its moderators look after what volunteers send, and cannot edit it. See the project's team",
    );
    await press(scientist.page, '[data-testid="lab-workflow-roles"] a');
    await waitForFocus(scientist.page, '#lab-team-heading');
    expect(await scientist.page.getByTestId('lab-team-roles').textContent()).toMatch(/^The project's researchers are its owner, collaborators and scientists: they see results and edit workflows .* but cannot edit workflows or see results\. Reviewers are trusted volunteers who check transcriptions: .* and cannot edit, retire, download or see the team\.$/);
    expect(scientist.errors).toEqual([]);
    await scientist.page.close();
  });

  it('shows a moderator the reported subjects and proposed tags, and hides a reported subject’s tag by keyboard, and shows it again', async () => {
    const researcher = suite.stack.client;
    const project = await researcher.createProject({ title: `Notices ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Notices' });
    // With an image each, whose address the reported list shows (researchers correct it; moderators may not).
    await researcher.addSubjects(
      set.id,
      ['a', 'b'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `Notice ${externalId}` }, { type: 'image' as const, url: `https://example.invalid/${externalId}.jpg` }] })),
    );
    const workflow = await researcher.createWorkflow(project.id, {
      name: 'Tag the notices',
      firstTask: 'T0',
      tasks: { T0: { type: 'tagging', instruction: 'Tag it' } },
      retirement: { rule: 'count', count: 10 },
      subjectSetIds: [set.id],
    });
    await researcher.activateWorkflow(workflow.id);
    const { rows } = await suite.stack.db.query<{ id: string; external_id: string }>('SELECT id, external_id FROM subjects WHERE project_id = $1', [project.id]);
    const subjects = Object.fromEntries(rows.map((row) => [row.external_id, row.id])) as Record<string, string>;
    const tag = async (externalId: string, add: string[]) =>
      (await guest()).classify({ workflowId: workflow.id, workflowVersion: workflow.version, subjectId: subjects[externalId]!, annotations: [{ task: 'T0', value: { add } }] }, randomUUID());
    await tag('a', ['Idiot', 'horse']);
    await tag('b', ['cart']);
    await (await guest()).reportSubject(workflow.id, { subjectId: subjects.a!, reason: 'offensive-tag', note: 'A rude word' });
    const moderator = await newMember(suite.stack, project.id, 'moderator', 'Moderator');

    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: moderator.email, password: ACCOUNT_PASSWORD }));
    await page.goto(`${suite.stack.baseUrl}/lab`);
    const listed = page.locator(`[data-testid="lab-projects"] [data-project-slug="${project.slug}"]`);
    await waitToSee(listed);
    expect(await listed.locator('td').first().textContent()).toBe('moderator');
    await press(page, `[data-project-slug="${project.slug}"] a`);
    await waitToSee(page.getByTestId('lab-workflows'));
    // Only the workflows: no sets, no team, no new workflow.
    expect(await page.locator('#lab-workflow-name, #lab-team-heading, [data-testid="lab-sets"]').count()).toBe(0);
    await press(page, `[data-workflow-id="${workflow.id}"] a`);

    await waitToSee(page.getByTestId('lab-reports'));
    await waitToSee(page.getByTestId('lab-tag-proposals'));
    expect(await page.locator('main h2').allTextContents()).toEqual(['Reported subjects', 'Tags volunteers proposed']);
    expect(await page.locator('[data-testid="lab-reports"] .lab-report-media a').count()).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: /^Correct the address/ }).count()).toBe(0);
    const proposalRows = page.locator('[data-testid="lab-tag-proposals"] tbody tr');
    expect(await proposalRows.locator('th').allTextContents()).toEqual(['b', 'a']); // the most recent first
    await checkScreen(page, 'lab-moderation');

    // The subject reported for a tag: its own tags, the heading above them focused.
    await press(page, 'button[aria-label="Show its tags: those volunteers proposed for a"]');
    await waitForFocus(page, '#lab-tags-heading');
    expect(await page.getByTestId('lab-tags-subject').textContent()).toBe('Tags proposed for a.');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="lab-tag-proposals"] tbody tr').length === 1);

    // Asked first: Escape keeps it, focus back on its button; then hidden with a reason.
    await press(page, 'button[aria-label="Hide “Idiot” of a"]');
    await waitForFocus(page, '#lab-tag-hide-reason');
    await page.keyboard.press('Escape');
    await waitForFocus(page, 'button[aria-label="Hide “Idiot” of a"]');
    await page.keyboard.press('Enter');
    await waitForFocus(page, '#lab-tag-hide-reason');
    await page.keyboard.type('An insult');
    await checkScreen(page, 'lab-moderation-hide');
    await press(page, '[data-testid="lab-tag-hide"] button[type="submit"]');
    await waitForFocus(page, '[data-testid="lab-tags-result"]');
    expect(await page.getByTestId('lab-tags-result').textContent()).toBe('“Idiot” is hidden for a: volunteers are no longer shown it.');
    await waitToSee(page.locator('[data-testid="lab-tag-proposals"] li[data-tag="Idiot"]').getByText(/^Hidden on .*: An insult$/));
    expect(await page.locator('[data-testid="lab-tag-proposals"] li[data-tag="horse"] button').getAttribute('aria-label')).toBe('Hide “horse” of a');

    const { rows: hidden } = await suite.stack.db.query('SELECT subject_id, task, tag, hidden_by, reason FROM hidden_tags WHERE workflow_id = $1', [workflow.id]);
    expect(hidden).toEqual([{ subject_id: subjects.a, task: 'T0', tag: 'idiot', hidden_by: moderator.id, reason: 'An insult' }]);
    expect(await (await guest()).proposedTags(workflow.id, subjects.a!, 'T0')).toEqual({ tags: [{ tag: 'horse', up: 1, down: 0 }] });

    // Hidden by mistake: shown again, by keyboard, recorded.
    await checkScreen(page, 'lab-moderation-hidden');
    await press(page, 'button[aria-label="Show again “Idiot” of a"]');
    await waitForFocus(page, '[data-testid="lab-tags-result"]');
    expect(await page.getByTestId('lab-tags-result').textContent()).toBe('“Idiot” is shown again for a: later volunteers see it among the proposed tags.');
    await waitToSee(page.locator('[data-testid="lab-tag-proposals"] li[data-tag="Idiot"] button[aria-label="Hide “Idiot” of a"]'));
    expect(await page.locator('[data-testid="lab-tag-proposals"] li[data-tag="Idiot"]').getByText(/^Hidden on/).count()).toBe(0);
    await waitToSee(page.locator('[data-testid="lab-tag-proposals"] li[data-tag="Idiot"]').getByText(/^Shown again on .*, after a hiding for “An insult”$/));
    expect((await (await guest()).proposedTags(workflow.id, subjects.a!, 'T0')).tags.map((each) => each.tag)).toEqual(['horse', 'idiot']);
    const { rows: unhidden } = await suite.stack.db.query('SELECT tag, hidden_by, reason, unhidden_by FROM unhidden_tags WHERE workflow_id = $1', [workflow.id]);
    expect(unhidden).toEqual([{ tag: 'idiot', hidden_by: moderator.id, reason: 'An insult', unhidden_by: moderator.id }]);

    // Every subject's tags again.
    await press(page, '[data-testid="lab-tags-all"]', true);
    await waitForFocus(page, '#lab-tags-heading');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="lab-tag-proposals"] tbody tr').length === 2);
    // The first look offered no "only new" (nothing to be new since); on the next one, those proposed since the last
    // look alone, by keyboard, and all again.
    expect(await page.locator('#lab-tags-only-new').count()).toBe(0);
    await tag('b', ['wagon']);
    await page.reload();
    await waitToSee(page.getByTestId('lab-tag-proposals'));
    await waitToSee(page.locator('#lab-tags-only-new'));
    expect((await page.locator('label:has(#lab-tags-only-new)').textContent())?.trim()).toMatch(/^Only those proposed since my last look \(.+\)$/);
    await tabTo(page, '#lab-tags-only-new', 120);
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="lab-tag-proposals"] tbody tr').length === 1);
    expect(await page.locator('[data-testid="lab-tag-proposals"] li[data-tag]').evaluateAll((tags) => tags.map((each) => each.getAttribute('data-tag')))).toEqual(['wagon']);
    await checkScreen(page, 'lab-moderation-only-new');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="lab-tag-proposals"] tbody tr').length === 3);
    expect(errors).toEqual([]);
    await page.close();
  });
});
