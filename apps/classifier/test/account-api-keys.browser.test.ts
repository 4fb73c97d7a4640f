import { signUp } from '../../../test/support/accounts';
import { UnsubscribeLinks } from '../../api/src/unsubscriptions/unsubscribe-links';
import { checkScreen, newcomerPage, signedInPage, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * The account page's "API keys", in a real browser against the real API, by keyboard: a key is made, read only unless
 * another scope is chosen (its secret shown once, focused, and copied by its button), listed with its scope and prefix,
 * used by a script, and revoked after a question, after which the
 * script is refused; an empty name is refused at its field.
 */

jest.setTimeout(90_000);

describe('classifier in a browser: API keys on the account page', () => {
  const suite = useStackAndBrowser();

  it('makes a key by keyboard, shows its secret once with a copy button, and revokes it after asking', async () => {
    const email = `keys-${Date.now()}@example.org`;
    const account = await signUp(suite.stack, { email, password: 'correct horse battery', displayName: 'Grace' });
    const { page, errors } = await signedInPage(suite, account);
    await suite.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.stack.baseUrl });
    await page.goto(`${suite.stack.baseUrl}/account`);
    const section = page.getByTestId('api-keys');
    await waitToSee(section.getByText('You have no API keys.'), { timeout: 10_000 });

    // An empty name is refused at its field, which takes focus.
    await tabTo(page, '#settings-api-key-name', 80);
    await tabTo(page, '[aria-labelledby="account-api-key-new-heading"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('settings-api-key-name-error').getByText('Say what the key is for.'));
    await waitForFocus(page, '#settings-api-key-name');

    await page.keyboard.type('Nightly download');
    // What it may do: a radio group, read only unless another is chosen.
    await page.keyboard.press('Tab');
    await waitForFocus(page, '#settings-api-key-scope-read');
    expect(await page.locator('[name="settings-api-key-scope"]:checked').getAttribute('value')).toBe('read');
    expect(await page.locator('.api-key-scopes label').allTextContents()).toEqual(['Full access', 'Read only', 'Downloads only']);
    expect(await page.locator('#settings-api-key-scope-read').getAttribute('aria-describedby')).toBe('settings-api-key-scope-read-hint');
    await page.keyboard.press('Tab');
    await waitForFocus(page, '#settings-api-key-days');
    expect(await page.locator('#settings-api-key-days').inputValue()).toBe('90');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');

    // The secret, focused and selected, works as a bearer token.
    await waitToSee(page.getByTestId('api-key-secret'), { timeout: 10_000 });
    await waitForFocus(page, '#settings-api-key-secret');
    const secret = await page.locator('#settings-api-key-secret').inputValue();
    expect(secret).toMatch(/^chorus_/);
    expect(await page.getByTestId('api-key-secret').getByRole('paragraph').first().textContent()).toMatch(/^Your new key “Nightly download” works until .+ it is shown only this once\.$/);
    expect((await suite.stack.anonymous.withToken(secret).account()).apiKey).toMatchObject({ name: 'Nightly download', scope: 'read' });
    // Read only: a change is refused.
    const change = await suite.stack.anonymous.withToken(secret).createProject({ title: 'Not by a read-only key' }).then(() => undefined, (error: { status: number; problem: { type: string } }) => error);
    expect([change?.status, change?.problem.type]).toEqual([403, 'urn:chorus:problem:api-key-scope']);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('api-key-copied').getByText('Copied.'));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

    const listed = page.getByTestId('api-key-list').locator('li');
    await waitToSee(listed.first().getByText('Nightly download', { exact: true }));
    expect(await listed.count()).toBe(1);
    // Listed with its scope and the first characters of its secret, to tell which key a script holds.
    const prefix = secret.slice(0, 'chorus_'.length + 4);
    expect(await listed.first().getByRole('paragraph').textContent()).toMatch(new RegExp(`^Nightly download ${prefix}…, read only: expires on .+\\. (Never used yet\\.|Last used .+\\.)$`));
    expect(await listed.first().getByTestId('api-key-prefix').textContent()).toBe(`${prefix}…`);
    await checkScreen(page, 'account-api-keys');

    // Revoked by keyboard, after the question; focus back at the section's heading, the script refused.
    await tabTo(page, '[data-testid="api-key-list"] li button', 20);
    await page.keyboard.press('Enter');
    const question = page.getByTestId('api-key-revoke-question');
    await waitToSee(question.getByText('Revoke the key Nightly download?'));
    await tabTo(page, '[data-testid="api-key-revoke-question"] .button-danger', 10);
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('api-keys-result').getByText('The key Nightly download is revoked', { exact: false }), { timeout: 10_000 });
    await waitForFocus(page, '#account-api-keys-heading');
    await waitToSee(section.getByText('You have no API keys.'));
    expect(await page.getByTestId('api-key-secret').count()).toBe(0);
    expect(await suite.stack.anonymous.withToken(secret).account().then(() => 200, (error: { status: number }) => error.status)).toBe(401);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lets a volunteer say, by keyboard, whether projects may name them in their acknowledgements and under which name (a refused name is said at its field, nothing saved), and whether replies and mentions, new comments in the discussions they follow, and reports in the projects they moderate, are mailed to them (each apart)', async () => {
    const email = `credits-${Date.now()}@example.org`;
    const account = await signUp(suite.stack, { email, password: 'correct horse battery', displayName: 'Lin' });
    const client = suite.stack.anonymous.withToken(account.token);
    const { page, errors } = await signedInPage(suite, account);
    const accountReads: string[] = [];
    page.on('request', (request) => request.method() === 'GET' && new URL(request.url()).pathname === '/api/v1/account' && accountReads.push(request.url()));
    await page.goto(`${suite.stack.baseUrl}/account`);
    const section = page.locator('section[aria-labelledby="account-credits-heading"]');
    await waitToSee(section.getByRole('heading', { name: 'Credit in publications' }), { timeout: 10_000 });
    // Off until the volunteer says yes; empty, their display name.
    const consent = section.getByLabel('Name me in projects’ acknowledgements');
    await waitToSee(consent);
    await waitToSee(page.getByLabel('Language Chorus speaks to you'));
    // The language and credit settings share one read of the account.
    expect(accountReads).toHaveLength(1);
    expect([await consent.isChecked(), await section.getByLabel('Credited name').inputValue()]).toEqual([false, '']);
    expect(await page.locator('#settings-credited-name-hint').textContent()).toBe('The name researchers print, such as your full name. Leave it empty to be credited as Lin.');
    expect(await consent.getAttribute('aria-describedby')).toBe('settings-named-in-acknowledgements-hint');

    await tabTo(page, '#settings-credited-name', 80);
    await page.keyboard.type('Lin Okafor');
    await page.keyboard.press('Tab');
    await waitForFocus(page, '#settings-named-in-acknowledgements');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('account-status').getByText('Saved: projects may credit you as Lin Okafor.'), { timeout: 10_000 });
    expect(await client.account()).toMatchObject({ displayName: 'Lin', creditedName: 'Lin Okafor', namedInAcknowledgements: true });
    await checkScreen(page, 'account-credits');

    // A name the server refuses (longer than a display name may be) is said at its field, which takes focus; nothing changes.
    await page.locator('#settings-credited-name').evaluate((input) => input.removeAttribute('maxlength'));
    await page.locator('#settings-credited-name').fill('L'.repeat(101));
    await consent.uncheck();
    await section.getByRole('button', { name: 'Save credit settings' }).click();
    await waitToSee(page.getByTestId('settings-credited-name-error'), { timeout: 10_000 });
    await waitForFocus(page, '#settings-credited-name');
    expect(await client.account()).toMatchObject({ creditedName: 'Lin Okafor', namedInAcknowledgements: true });

    // Emptied and unticked: credited by their display name, and named nowhere.
    await page.locator('#settings-credited-name').fill('');
    await section.getByRole('button', { name: 'Save credit settings' }).click();
    await waitToSee(page.getByTestId('account-status').getByText('Saved: projects will not name you; they count you among their other volunteers.'), { timeout: 10_000 });
    expect(await client.account()).toMatchObject({ creditedName: null, namedInAcknowledgements: false });

    // Mails of replies and mentions: off until ticked and saved; shown ticked when the page is opened again.
    const mails = page.getByLabel('Mail me when someone replies to or mentions me', { exact: true });
    const followed = page.getByLabel('Mail me of each new comment in the discussions I follow', { exact: true });
    expect(await mails.isChecked()).toBe(false);
    expect(await followed.isChecked()).toBe(false);
    expect(await mails.getAttribute('aria-describedby')).toBe('settings-discussion-mails-hint');
    expect(await followed.getAttribute('aria-describedby')).toBe('settings-followed-discussion-mails-hint');
    await mails.check();
    await page.locator('#discussion-mails').getByRole('button', { name: 'Save mail settings' }).click();
    await waitToSee(
      page.getByTestId('account-status').getByText('Saved: replies and mentions will be mailed to you. New comments in the discussions you follow will not be mailed to you; your notifications still list them.'),
      { timeout: 10_000 },
    );
    expect(await client.account()).toMatchObject({ discussionMails: true, followedDiscussionMails: false, namedInAcknowledgements: false });
    await followed.check();
    await page.locator('#discussion-mails').getByRole('button', { name: 'Save mail settings' }).click();
    await waitToSee(page.getByTestId('account-status').getByText('Saved: replies and mentions will be mailed to you. New comments in the discussions you follow will be mailed to you.'), { timeout: 10_000 });
    expect(await client.account()).toMatchObject({ discussionMails: true, followedDiscussionMails: true });
    // Opened from the link in such a mail: at the box, its heading focused, ticked.
    await page.goto(`${suite.stack.baseUrl}/account#discussion-mails`);
    await page.reload(); // the address was the page's own, but its hash
    await waitForFocus(page, '#account-discussion-mails-heading');
    await waitToSee(mails, { timeout: 10_000 });
    expect(await mails.isChecked()).toBe(true);
    // Mails of reports: no section while they moderate no project; once they do, on until unticked and saved.
    const reportMails = page.getByLabel('Mail me when volunteers report something in a project I moderate');
    expect(await page.locator('#report-mails').count()).toBe(0);
    const moderated = await suite.stack.client.createProject({ title: `Moderated ${Date.now()}` });
    await suite.stack.db.query("INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'moderator')", [moderated.id, account.user.id]);
    await page.reload();
    await waitToSee(reportMails, { timeout: 10_000 });
    expect(await reportMails.isChecked()).toBe(true);
    expect(await reportMails.getAttribute('aria-describedby')).toBe('settings-report-mails-hint');
    await reportMails.uncheck();
    await page.locator('#report-mails').getByRole('button', { name: 'Save report mail settings' }).click();
    await waitToSee(page.getByTestId('account-status').getByText('Saved: reports will not be mailed to you; the lab’s list of your projects still shows them.'), { timeout: 10_000 });
    expect(await client.account()).toMatchObject({ reportMails: false, discussionMails: true });
    // Moderating no more, the section is shown only when a report mail's link names it.
    await suite.stack.db.query('DELETE FROM project_members WHERE project_id = $1 AND user_id = $2', [moderated.id, account.user.id]);
    await page.goto(`${suite.stack.baseUrl}/account`);
    await waitToSee(mails, { timeout: 10_000 });
    expect(await page.locator('#report-mails').count()).toBe(0);
    await page.goto(`${suite.stack.baseUrl}/account#report-mails`);
    await page.reload();
    await waitForFocus(page, '#account-report-mails-heading');
    expect(await reportMails.isChecked()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();

    // A mail's one-click link, opened signed out: one click stops them; a followed discussion's mail's, those only.
    const signedOut = await newcomerPage(suite);
    const { page: followedLink } = await suite.stack.app.get(UnsubscribeLinks).link(account.user.id, { mails: 'followedDiscussionMails' });
    await signedOut.page.goto(`${suite.stack.baseUrl}${new URL(followedLink).pathname}${new URL(followedLink).hash}`);
    await signedOut.page.getByTestId('unsubscribe-button').click();
    await waitToSee(signedOut.page.getByTestId('unsubscribe-done').getByText('Done: new comments in the discussions you follow are no longer mailed to you; replies and mentions still are, if you asked for them.'));
    expect(await client.account()).toMatchObject({ discussionMails: true, followedDiscussionMails: false });
    // A mail sent before the one stop links to its earlier page: the same page.
    const { page: link } = await suite.stack.app.get(UnsubscribeLinks).link(account.user.id, { mails: 'discussionMails' });
    await signedOut.page.goto(`${suite.stack.baseUrl}/stop-discussion-mails${new URL(link).hash}`);
    await signedOut.page.reload();
    await signedOut.page.getByTestId('unsubscribe-button').click();
    await waitToSee(signedOut.page.getByTestId('unsubscribe-done').getByText('Done: replies and mentions are no longer mailed to you.'));
    expect(await client.account()).toMatchObject({ discussionMails: false });
    // A report mail's, the same page: it stops those of reports, and leads to their setting.
    await client.changeAccount({ reportMails: true });
    const { page: reportsLink } = await suite.stack.app.get(UnsubscribeLinks).link(account.user.id, { mails: 'reportMails' });
    await signedOut.page.goto(`${suite.stack.baseUrl}${new URL(reportsLink).pathname}${new URL(reportsLink).hash}`);
    await signedOut.page.reload();
    await signedOut.page.getByTestId('unsubscribe-button').click();
    await waitToSee(signedOut.page.getByTestId('unsubscribe-done').getByText('Done: reports in the projects you moderate are no longer mailed to you; the lab’s list of your projects still shows them.'));
    expect(await signedOut.page.getByRole('link', { name: 'Go to your account page' }).getAttribute('href')).toBe('/account#report-mails');
    expect(await client.account()).toMatchObject({ reportMails: false });
    // An answer kept in this history entry before the one stop, in its shape then: reloaded, the page is drawn as its link is now (spent).
    await signedOut.page.evaluate(() => window.history.replaceState({ chorusLink: { discussionMails: false } }, '', window.location.href));
    await signedOut.page.reload();
    await waitToSee(signedOut.page.getByText('This link is incomplete. Open it again from the mail, or copy the whole address into the browser.'));
    expect(signedOut.errors).toEqual([]);
    await signedOut.page.close();
  });

  it("opens at the API keys, focused, from the link in a new key's notice", async () => {
    const email = `notice-${Date.now()}@example.org`;
    const account = await signUp(suite.stack, { email, password: 'correct horse battery', displayName: 'Grace' });
    await suite.stack.anonymous.withToken(account.token).createApiKey({ name: 'Not mine' });
    const notice = await suite.stack.inbox.take(email, /new API key/);
    const link = /\S+\/account#api-keys/.exec(notice.text)![0].replace(suite.stack.config.publicUrl, suite.stack.baseUrl);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(link);
    await waitForFocus(page, '#account-api-keys-heading');
    await waitToSee(page.getByTestId('api-key-list').getByText('Not mine', { exact: true }), { timeout: 10_000 });
    expect(errors).toEqual([]);
    await page.close();
  });
});
