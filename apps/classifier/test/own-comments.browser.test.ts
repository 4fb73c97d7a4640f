import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ACCOUNT_PASSWORD, newMember, signUp } from '../../../test/support/accounts';
import { checkScreen, liveYesNoWorkflow, newcomerPage, signedInPage, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * A volunteer finds what they wrote in discussions, in every project, on "Your comments", from their account's page, by
 * keyboard: newest first, a hidden one said to be hidden, older ones a button away, each a link to its discussion,
 * and every one to download.
 */

jest.setTimeout(90_000);

describe('classifier in a browser: your comments', () => {
  const suite = useStackAndBrowser();

  it('lists the volunteer’s comments, newest first, with older ones a button away, each leading to its discussion, and downloads them', async () => {
    const notices = await liveYesNoWorkflow(suite.stack, 'Notices', [{ externalId: 'n1', locations: [{ type: 'text', text: 'Wanted: a cook for a ship.' }] }]);
    const letters = await liveYesNoWorkflow(suite.stack, 'Letters', [{ externalId: 'l1', locations: [{ type: 'text', text: 'Dear Sir, your parcel has arrived.' }] }]);
    const subjectOf = async (projectId: string) => ((await suite.stack.db.query('SELECT id FROM subjects WHERE project_id = $1', [projectId])).rows[0] as { id: string }).id;
    const [noticeSubject, letterSubject] = [await subjectOf(notices.project.id), await subjectOf(letters.project.id)];
    const account = await signUp(suite.stack, { email: `talk-${randomUUID().slice(0, 8)}@example.org`, password: ACCOUNT_PASSWORD, displayName: 'Tal' });
    const volunteer = suite.stack.anonymous.withToken(account.token);
    // 21 older ones, then the three looked at: more than a page.
    await suite.stack.db.query(
      `INSERT INTO subject_comments (project_id, subject_id, user_id, body, created_at) SELECT $1, $2, $3, 'Older ' || n, now() - interval '1 day' - n * interval '1 minute' FROM generate_series(1, 21) n`,
      [notices.project.id, noticeSubject, account.user.id],
    );
    const rude = await volunteer.postComment(noticeSubject, { projectId: notices.project.id, body: 'Something rude' });
    const moderator = await newMember(suite.stack, notices.project.id, 'moderator', 'Mod');
    await moderator.client.hideComment(rude.id, 'rude to others');
    await volunteer.postComment(noticeSubject, { projectId: notices.project.id, body: 'Is this a #ship?' });
    const letter = await volunteer.postComment(letterSubject, { projectId: letters.project.id, body: 'A **parcel** of what?' });
    await suite.stack.anonymous.withToken((await signUp(suite.stack, { email: `other-${randomUUID().slice(0, 8)}@example.org`, password: ACCOUNT_PASSWORD, displayName: 'Ola' })).token).postComment(letterSubject, { projectId: letters.project.id, body: 'Not Tal’s' });

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/account`);
    await tabTo(page, '[data-testid="account-comments-link"]');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByRole('heading', { level: 1, name: 'Your comments' }));
    const items = page.getByTestId('own-comment');
    await waitToSee(items.nth(19));
    expect(await items.count()).toBe(20);
    // Newest first, the volunteer's alone, in Markdown; the hidden one said to be hidden, not why.
    await waitToSee(items.nth(0).locator('.comment-body strong'));
    expect(await items.nth(0).locator('.comment-body').textContent()).toBe('A parcel of what?');
    expect(await items.nth(0).locator('.comment-meta').textContent()).toMatch(new RegExp(`^${letters.project.title} `));
    expect(await items.nth(1).locator('.comment-body').textContent()).toBe('Is this a #ship?');
    expect(await items.nth(2).getByTestId('own-comment-hidden').textContent()).toMatch(/^Hidden by the project’s moderators/);
    expect(await page.getByTestId('own-comments').textContent()).not.toMatch(/Not Tal’s|rude to others/);
    await checkScreen(page, 'own-comments');

    // Older ones, a button away: the first new one takes focus.
    await tabTo(page, '[data-testid="own-comments"] > button', 80);
    await page.keyboard.press('Enter');
    await waitToSee(items.nth(23));
    expect(await items.count()).toBe(24);
    expect(await items.nth(23).locator('.comment-body').textContent()).toBe('Older 21');
    expect(await page.getByRole('button', { name: 'Show older ones' }).count()).toBe(0);

    // Every one, as CSV.
    await tabTo(page, '[data-testid="comments-download"]', 80, true);
    expect(await page.locator(':focus').textContent()).toBe('Download my comments (CSV)');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^own-comments-${account.user.id}-\\d{8}T\\d{6}Z\\.csv$`));
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toBe('comment_id,project_slug,project_title,subject_id,discussion_url,body,hashtags,reply_to,created_at,edited_at,hidden,hidden_at,hidden_reason,discussion_title');
    expect(csv.trim().split('\n')).toHaveLength(25);
    expect(csv).toContain(`${letter.id},${letters.project.slug},`);
    await waitToSee(page.getByRole('status').filter({ hasText: 'Saving your comments as CSV: your browser shows the file as it arrives.' }));

    // The letter's comment leads to it in its discussion.
    await tabTo(page, `li[data-comment-id="${letter.id}"] [data-testid="own-comment-discussion"]`);
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('subject-discussion'));
    expect(new URL(page.url()).pathname).toBe(`/projects/${letters.project.slug}/subjects/${letterSubject}`);
    await waitForFocus(page, `li[data-comment-id="${letter.id}"]`);
    expect(errors).toEqual([]);
  });

  it('tells a guest they write with an account, and only that: no list asked for, no download', async () => {
    const { page, errors } = await newcomerPage(suite);
    const asked: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/v1/account/comments')) asked.push(request.url());
    });
    await page.goto(`${suite.stack.baseUrl}/comments`);
    await waitToSee(page.getByTestId('comments-guest'));
    await page.waitForLoadState('networkidle');
    expect(asked).toEqual([]);
    expect(await page.getByTestId('comments-none').count()).toBe(0);
    expect(await page.getByTestId('comments-download').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
