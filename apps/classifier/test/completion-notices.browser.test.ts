import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { ACCOUNT_PASSWORD, newAccount } from '../../../test/support/accounts';
import { until } from '../../../test/support/waiting';
import { voteWorkflow } from '../../../test/support/workflows';
import { UnsubscribeLinks } from '../../api/src/unsubscriptions/unsubscribe-links';
import { newcomerPage, seriousViolations, signedInPage, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * A workflow's completion in a real browser against the real API: the volunteer whose answer completed it finds it
 * among their notifications (counted in the header), with thanks and how many subjects were done, and its link, by
 * keyboard, opens the project's page at the workflow, marked complete; its researcher's notification leads to its
 * downloads in the lab.
 */

jest.setTimeout(180_000);

describe('classifier in a browser: a workflow complete', () => {
  const suite = useStackAndBrowser();

  async function press(page: Page, selector: string): Promise<void> {
    await tabTo(page, selector, 120);
    await page.keyboard.press('Enter');
  }

  it('tells the volunteer in their notifications, whose link opens the workflow on its project’s page, marked complete', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(suite.stack, 1, 1);
    const volunteer = await newAccount(suite.stack, 'Vera');
    await volunteer.client.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[0]!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    await until(async () => (await volunteer.client.notifications()).unread === 1, 'the notification of the completion');
    const [{ slug, title }] = (await suite.stack.db.query('SELECT p.slug, p.title FROM projects p JOIN workflows w ON w.project_id = p.id WHERE w.id = $1', [workflowId])).rows;

    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: volunteer.email, password: ACCOUNT_PASSWORD }));
    await page.goto(`${suite.stack.baseUrl}/`);
    await waitToSee(page.getByRole('link', { name: 'Notifications, 1 unread' }));
    await press(page, '[data-account-link="notifications"]');
    const notification = page.getByTestId('notification');
    await waitToSee(notification);
    expect(await notification.locator('.notification-what a').textContent()).toBe(`W of ${title} is complete`);
    await waitToSee(notification.getByText('Thank you: 1 subject done.'));
    expect(await seriousViolations(page)).toEqual([]);

    // Its link opens the project's page at the workflow, which says it is complete; the notification is read.
    await press(page, '[data-testid="notification-workflow-link"]');
    await waitToSee(page.locator(`#workflow-${workflowId} [data-testid="workflow-complete"]`));
    const address = new URL(page.url());
    expect([address.pathname, address.hash]).toEqual([`/projects/${slug}`, `#workflow-${workflowId}`]);
    await until(async () => (await volunteer.client.notifications()).unread === 0, 'the notification marked read');

    // The project's researcher is led to its downloads in the lab (this browser's other page closed: it would follow the sign-in).
    await page.close();
    const team = await signedInPage(suite, await suite.stack.anonymous.login({ email: (await suite.stack.client.account()).email!, password: 'correct horse battery' }));
    await team.page.goto(`${suite.stack.baseUrl}/notifications`);
    const downloads = team.page.getByTestId('notification').filter({ hasText: title }).getByRole('link', { name: 'Download its results in the lab' });
    await waitToSee(downloads);
    expect(await downloads.getAttribute('href')).toBe(`/lab/workflows/${workflowId}#downloads`);
    expect([...errors, ...team.errors]).toEqual([]);
  });

  it('marks a workflow its researchers finished complete on its project’s page, with its anchor, and still once the project is finished', async () => {
    const { projectId, workflowId } = await voteWorkflow(suite.stack, 2, 1);
    await suite.stack.client.request('POST', `/workflows/${workflowId}/finish`);
    const [{ slug }] = (await suite.stack.db.query('SELECT slug FROM projects WHERE id = $1', [projectId])).rows;
    const volunteer = await newAccount(suite.stack, 'Vera');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: volunteer.email, password: ACCOUNT_PASSWORD }));
    await page.goto(`${suite.stack.baseUrl}/projects/${slug}#workflow-${workflowId}`);
    await waitToSee(page.locator(`#workflow-${workflowId} [data-testid="workflow-complete"]`).getByText('Complete'));
    await suite.stack.client.updateProject(projectId, { status: 'finished' });
    await page.reload();
    await waitToSee(page.getByText('This project is finished'));
    await waitToSee(page.locator(`#workflow-${workflowId} [data-testid="workflow-complete"]`));
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('lets an account choose, by keyboard, which mails of completed workflows it gets (a researcher’s, shown to researchers or at its anchor), and stop each by its mail’s one-click link, the other kept', async () => {
    const account = await newAccount(suite.stack, 'Cora');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: account.email, password: ACCOUNT_PASSWORD }));
    const team = page.getByLabel('Mail me when a workflow of a project I research is complete');
    const volunteer = page.getByLabel('Mail me when a workflow I classified in is complete');
    // A volunteer who researches no project is not offered the researchers' mails; one who does, is.
    await page.goto(`${suite.stack.baseUrl}/account`);
    await waitToSee(volunteer, { timeout: 10_000 });
    expect(await team.count()).toBe(0);
    // The address coming to name the section while the form is drawn, its boxes drawn again show the account's settings.
    await page.evaluate(() => {
      window.location.hash = 'completion-mails';
    });
    await tabTo(page, '#settings-volunteer-completion-mails', 120);
    await page.keyboard.press('Space');
    await tabTo(page, '#completion-mails button[type="submit"]', 10);
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('account-status').getByText('Completed workflows you classified in will be mailed to you.', { exact: true }), { timeout: 10_000 });
    await waitToSee(team);
    expect([await team.isChecked(), await volunteer.isChecked()]).toEqual([true, true]);
    const { projectId } = await voteWorkflow(suite.stack, 1, 1);
    await suite.stack.client.invite(projectId, { email: account.email, role: 'collaborator' });
    await account.client.acceptInvitation(projectId);
    await page.goto(`${suite.stack.baseUrl}/account`);
    await page.reload();
    await waitToSee(team, { timeout: 10_000 });
    await suite.stack.client.removeMember(projectId, account.id);
    // Researching no more, the researchers' mails are offered where a completion mail's link leads (it may still get them).
    await page.goto(`${suite.stack.baseUrl}/account#completion-mails`);
    await page.reload();
    await waitForFocus(page, '#account-completion-mails-heading');
    await waitToSee(team, { timeout: 10_000 });
    expect([await team.isChecked(), await volunteer.isChecked()]).toEqual([true, true]);
    expect(await volunteer.getAttribute('aria-describedby')).toBe('settings-volunteer-completion-mails-hint');
    await tabTo(page, '#completion-mails button[type="submit"]', 120);
    await page.keyboard.press('Enter');
    await waitToSee(
      page.getByTestId('account-status').getByText('Saved: completed workflows of the projects you research will be mailed to you. Completed workflows you classified in will be mailed to you.'),
      { timeout: 10_000 },
    );
    expect(await account.client.account()).toMatchObject({ completionMails: true, volunteerCompletionMails: true });
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();

    // A researcher's mail's one-click link, opened signed out, by keyboard: those stop, the volunteer's stay.
    const signedOut = await newcomerPage(suite);
    // Its link as mails sent before the one stop have it: the same page.
    const { page: link } = await suite.stack.app.get(UnsubscribeLinks).link(account.id, { mails: 'completionMails' });
    await signedOut.page.goto(`${suite.stack.baseUrl}/stop-completion-mails${new URL(link).hash}`);
    await tabTo(signedOut.page, '[data-testid="unsubscribe-button"]', 60);
    await signedOut.page.keyboard.press('Enter');
    await waitToSee(signedOut.page.getByRole('status').getByText('Done: completed workflows of the projects you research are no longer mailed to you.'));
    expect(await account.client.account()).toMatchObject({ completionMails: false, volunteerCompletionMails: true });
    expect(signedOut.errors).toEqual([]);
    await signedOut.page.close();
  });
});
