import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { newAccount, signUp, unverifiedAccount } from '../../../test/support/accounts';
import { checkScreen, newcomerPage, signedInPage, useStackAndBrowser, waitToSee } from './support/browser';

/**
 * A project's news in a browser: a researcher writes an item in the lab's News section, mailing it to the one volunteer
 * who asked for it (the count said beside the choice), edits and deletes one; a signed-in volunteer sees the latest on
 * the project's page (its Markdown rendered) and turns "Get this project's news by email" on and off (told when their
 * email is not verified); the link of a news mail ends the subscription signed out, in one click.
 */

jest.setTimeout(90_000);

describe('classifier in a browser: project news', () => {
  const suite = useStackAndBrowser({ worker: false });
  const toggleSays = (page: Page) => page.getByTestId('news-by-email').textContent();
  const subscribed = async (userId: string, projectId: string) =>
    (await suite.stack.db.query('SELECT 1 FROM news_subscriptions WHERE user_id = $1 AND project_id = $2', [userId, projectId])).rows.length === 1;

  it('lets a researcher write, mail, edit and delete news in the lab', async () => {
    const researcher = await signUp(suite.stack, { email: `news-lab-${randomUUID()}@example.org`, displayName: 'Rosalind' });
    const client = suite.stack.anonymous.withToken(researcher.token);
    const project = await client.createProject({ title: `Letters ${randomUUID().slice(0, 6)}`, status: 'live' });
    const volunteer = await newAccount(suite.stack, 'Vic');
    await volunteer.client.setNewsSubscription(project.id, true);

    const { page, errors } = await signedInPage(suite, researcher);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    const section = page.getByTestId('lab-news');
    await waitToSee(section.getByText('No news posted yet.'));
    const mail = section.getByLabel('Also mail it to the 1 volunteer who asked for this project\'s news by email');
    await waitToSee(mail);
    // Refused at the field, nothing posted.
    await section.getByRole('button', { name: 'Post', exact: true }).click();
    await waitToSee(section.getByText('Write a title: a line that says what the news is.'));
    await section.getByLabel('Title').fill('Volume 2 is here');
    await section.getByLabel('Text').fill('We added **300 letters** from 1872.');
    await mail.check();
    await section.getByRole('button', { name: 'Post and mail' }).click();
    await waitToSee(page.getByTestId('lab-news-result').getByText('Posted, and mailed to 1 volunteer.'));
    const sent = await suite.stack.inbox.take(volunteer.email, /Volume 2 is here/);
    expect(sent.text).toContain('We added **300 letters** from 1872.');
    await waitToSee(section.getByRole('heading', { name: 'Volume 2 is here' }));
    // Mailed today: the mail box is off, saying until when.
    await waitToSee(section.getByText(/This project mailed news less than a day ago: it may mail again/));
    expect(await mail.isDisabled()).toBe(true);
    await checkScreen(page, 'lab-news');

    await section.getByRole('button', { name: 'Edit' }).click();
    await section.locator('article').getByLabel('Title').fill('Volume 2 is out');
    await waitToSee(section.getByText('It was mailed already: the change is shown on the project\'s page, and not mailed again.'));
    await section.getByRole('button', { name: 'Save' }).click();
    await waitToSee(page.getByTestId('lab-news-result').getByText('Saved: the project\'s page shows it as it is now.'));
    // The edit closes, back on its Edit button.
    expect(await section.locator('article form').count()).toBe(0);
    await page.waitForFunction(() => document.activeElement?.textContent === 'Edit');
    expect((await client.projectNews(project.id)).news.map((item) => item.title)).toEqual(['Volume 2 is out']);

    await section.getByLabel('Title').first().fill('A typo');
    await section.getByLabel('Text').first().fill('Oops.');
    await section.getByRole('button', { name: 'Post', exact: true }).click();
    await waitToSee(page.getByTestId('lab-news-result').getByText('Posted: it is on the project\'s page.'));
    await section.locator('article', { hasText: 'A typo' }).getByRole('button', { name: 'Delete' }).click();
    await waitToSee(page.getByTestId('lab-news-delete-question'));
    await checkScreen(page, 'lab-news-delete');
    await page.getByTestId('lab-news-delete-question').getByRole('button', { name: 'Delete it' }).click();
    await waitToSee(page.getByTestId('lab-news-result').getByText('Deleted “A typo”.'));
    expect((await client.projectNews(project.id)).news.map((item) => item.title)).toEqual(['Volume 2 is out']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the lab a page of news at a time, with the older ones a click away', async () => {
    const researcher = await signUp(suite.stack, { email: `news-pages-${randomUUID()}@example.org`, displayName: 'Ada' });
    const client = suite.stack.anonymous.withToken(researcher.token);
    const project = await client.createProject({ title: `Pages ${randomUUID().slice(0, 6)}`, status: 'live' });
    for (let n = 1; n <= 21; n += 1) await client.postNews(project.id, { title: `Item ${n}`, body: 'B' });
    const { page, errors } = await signedInPage(suite, researcher);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    const section = page.getByTestId('lab-news');
    await waitToSee(section.getByRole('heading', { name: 'Item 21' }));
    expect(await section.getByRole('heading', { name: 'Item 1', exact: true }).count()).toBe(0);
    await section.getByRole('button', { name: 'Show older news' }).click();
    await waitToSee(section.getByRole('heading', { name: 'Item 1', exact: true }));
    expect(await section.getByRole('button', { name: 'Show older news' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a volunteer the latest news on the project’s page and lets them get it by email, and end it from the mail signed out', async () => {
    const researcher = await signUp(suite.stack, { email: `news-page-${randomUUID()}@example.org`, displayName: 'Marie' });
    const client = suite.stack.anonymous.withToken(researcher.token);
    const project = await client.createProject({ title: `Stars ${randomUUID().slice(0, 6)}`, status: 'live' });
    await client.postNews(project.id, { title: 'Older news', body: 'Before.' });
    await client.postNews(project.id, { title: 'New plates to classify', body: 'See the **new plates**, and [our blog](https://example.org).' });

    // A guest reads it, without the toggle (a guest has no email).
    const guest = await newcomerPage(suite);
    await guest.page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    const news = guest.page.getByTestId('project-news');
    await waitToSee(news.getByRole('heading', { name: 'New plates to classify' }));
    expect(await news.locator('strong').textContent()).toBe('new plates');
    expect(await news.getByText('Older news').count()).toBe(0);
    expect(await guest.page.getByTestId('news-by-email').count()).toBe(0);
    await guest.page.close();

    const volunteer = await newAccount(suite.stack, 'Vera');
    const session = await suite.stack.anonymous.login({ email: volunteer.email, password: 'a long enough password' });
    const { page, errors } = await signedInPage(suite, session);
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    await waitToSee(page.getByTestId('project-news').getByRole('heading', { name: 'New plates to classify' }));
    await page.waitForFunction(() => document.querySelector('[data-testid="news-by-email"]')?.getAttribute('aria-disabled') === null);
    expect(await toggleSays(page)).toBe('Get this project\'s news by email');
    await page.getByTestId('news-by-email').focus();
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('news-by-email-message').getByText('You will get this project\'s news by email.'));
    expect([await toggleSays(page), await subscribed(volunteer.id, project.id)]).toEqual(['Stop getting this project\'s news by email', true]);
    expect(await page.getByTestId('news-email-unverified').count()).toBe(0);
    await checkScreen(page, 'project-news');
    await page.getByRole('link', { name: 'All news of this project' }).click();
    await waitToSee(page.getByTestId('news-page').getByRole('heading', { name: 'Older news' }));
    await checkScreen(page, 'project-news-all');
    expect(errors).toEqual([]);
    await page.close();

    // The mail's link, opened signed out: one click, done.
    await client.postNews(project.id, { title: 'Mailed', body: 'Hello.', mail: true });
    const token = suite.stack.inbox.linkToken(await suite.stack.inbox.take(volunteer.email, /Mailed/));
    const signedOut = await newcomerPage(suite);
    await signedOut.page.goto(`${suite.stack.baseUrl}/unsubscribe#token=${token}`);
    await signedOut.page.getByTestId('unsubscribe-button').click();
    await waitToSee(signedOut.page.getByTestId('unsubscribe-done').getByText(`Done: the news of “${project.title}” is no longer mailed to you.`));
    expect(await subscribed(volunteer.id, project.id)).toBe(false);
    await checkScreen(signedOut.page, 'news-unsubscribed');
    expect(signedOut.errors).toEqual([]);
    await signedOut.page.close();
  });

  it('tells a volunteer whose email is not verified that news is mailed only to a verified email', async () => {
    const project = await suite.stack.client.createProject({ title: `Unverified ${randomUUID().slice(0, 6)}`, status: 'live' });
    const session = await unverifiedAccount(suite.stack, `news-unverified-${randomUUID()}@example.org`, 'Una');
    const { page, errors } = await signedInPage(suite, session);
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    await waitToSee(page.getByTestId('news-email-unverified').getByText('News is mailed only to a verified email: yours is not verified yet.'));
    await waitToSee(page.getByTestId('project-news').getByText('No news yet.'));
    expect(errors).toEqual([]);
    await page.close();
  });
});
