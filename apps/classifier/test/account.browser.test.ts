import type { Session, SubjectInput } from '@chorus/client';
import type { Page, Route } from 'playwright-core';
import { ON_SCREEN_SUBMIT_MS, SEND_FIRST_MS } from '../src/lib/sendTimes';
import { TokenGenerations } from '../../api/src/auth/token-generations';
import { Tokens } from '../../api/src/auth/tokens';
import { signUp, unverifiedAccount } from '../../../test/support/accounts';
import { until } from '../../../test/support/waiting';
import { answersKeptFor, checkScreen, emptyOutbox, inWindowOf, launchBrowser, liveYesNoWorkflow, newcomerPage, PHONE_WINDOW, signedInPage, signInByKeyboard, skipTutorial, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * Accounts in the classifier, in a real browser against the real API: a guest who creates an account from the header
 * keeps what they classified (the same user in Postgres), signing out and in again works, an answer waiting to be sent
 * when the volunteer signs out is still stored as theirs, the API's refusals show at the field they name, and an account
 * whose token expired is signed out and told so. An account renames itself, changes its password and deletes itself
 * from its own page, verifies and changes its email through mailed links, and sets a forgotten password through one.
 */

jest.setTimeout(90_000);

const PASSWORD = 'correct horse battery';

const textSubject = (index: number): SubjectInput => ({
  externalId: `notice-${index}`,
  locations: [{ type: 'text', text: `Notice number ${index}: FOR SALE, one bicycle, nearly new.` }],
});

describe('classifier in a browser: accounts', () => {
  const suite = useStackAndBrowser();

  /** A live yes/no workflow of 10 text subjects, its tutorial marked seen (in `context`), and its classify page's path. */
  async function liveWorkflow(title: string, context = suite.context) {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, title, Array.from({ length: 10 }, (_, index) => textSubject(index)));
    await skipTutorial(context, workflow.id);
    return { workflowId: workflow.id, path };
  }


  /** Answers "Yes" for the subject on screen by keyboard and waits for the next one; returns the subject answered. */
  async function classifyOne(page: Page): Promise<string> {
    const subject = page.getByTestId('subject');
    await waitToSee(subject, { timeout: 10_000 });
    const id = (await subject.getAttribute('data-subject-id'))!;
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await page.waitForFunction((previous) => document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') !== previous, id, { timeout: 10_000 });
    return id;
  }

  async function classificationsOf(workflowId: string): Promise<{ subject_id: string; user_id: string }[]> {
    const { rows } = await suite.stack.db.query('SELECT subject_id, user_id FROM classifications WHERE workflow_id = $1 ORDER BY created_at', [workflowId]);
    return rows;
  }

  /** The page's outbox (IndexedDB) items of a workflow (the browser's other pages may have left answers of their own). */
  function outboxOf(page: Page, workflowId: string): Promise<{ input: { subjectId: string }; owner?: { userId: string | null; token: string | null } }[]> {
    return page.evaluate(
      (id) =>
        new Promise((resolve) => {
          const open = indexedDB.open('chorus');
          open.onsuccess = () => {
            const all = open.result.transaction('outbox').objectStore('outbox').getAll();
            all.onsuccess = () => resolve(all.result.filter((item: { input: { workflowId: string } }) => item.input.workflowId === id));
          };
        }),
      workflowId,
    );
  }

  /** Everything the page's origin keeps in localStorage and in the outbox (IndexedDB), as one text. */
  function storedText(page: Page): Promise<string> {
    return page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const local = JSON.stringify(Object.entries(window.localStorage));
          const open = indexedDB.open('chorus');
          open.onsuccess = () => {
            const all = open.result.transaction('outbox').objectStore('outbox').getAll();
            all.onsuccess = () => resolve(local + JSON.stringify(all.result));
          };
        }),
    );
  }

  /** The page as screenshots, and whether it fits a 375 px phone without scrolling sideways. */
  async function checkScreenOnPhone(page: Page, name: string) {
    await checkScreen(page, name);
    expect(await inWindowOf(page, PHONE_WINDOW, () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth))).toBe(true);
  }

  it('lets a guest who has classified create an account from the header by keyboard, and carries their classification into it at the first sign-in', async () => {
    const { workflowId, path } = await liveWorkflow('Create an account');
    const { page, errors } = await newcomerPage(suite);
    await page.goto(suite.stack.baseUrl + path);
    const first = await classifyOne(page);
    const [asGuest] = await classificationsOf(workflowId);
    expect(asGuest?.subject_id).toBe(first);
    const guestId = asGuest!.user_id;
    expect((await suite.stack.db.query('SELECT kind FROM users WHERE id = $1', [guestId])).rows).toEqual([{ kind: 'guest' }]);

    // From the task, back up to the header's "Create an account" with the keyboard.
    const nav = page.getByTestId('account-nav');
    expect(await nav.getByRole('link', { name: 'Sign in' }).count()).toBe(1);
    await tabTo(page, '[data-account-link="create-account"]', 30, true);
    await page.keyboard.press('Enter');
    await waitToSee(page.getByRole('heading', { level: 1, name: 'Create an account' }));
    await waitForFocus(page, 'h1');
    expect(new URL(page.url()).pathname).toBe('/create-account');
    expect(await page.getByTestId('create-account').textContent()).toContain('Your classifications so far will be kept in your account');
    await checkScreen(page, 'create-account');

    // Sent empty: each field says what it needs, tied to it, and focus goes to the first.
    await page.keyboard.press('Tab');
    await waitForFocus(page, '#account-name');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('account-name-error'));
    await waitForFocus(page, '#account-name');
    expect(await page.locator('#account-name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#account-name').getAttribute('aria-describedby')).toContain('account-name-error');
    expect(await page.getByTestId('account-password-error').textContent()).toBe('Enter your password.');

    const email = `ada-${Date.now()}@example.org`;
    await page.keyboard.type('Ada Lovelace');
    await page.keyboard.press('Tab');
    await waitForFocus(page, '#account-email');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await waitForFocus(page, '#account-password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');

    // On to the sign-in page, told to open the link mailed first: nothing is signed in yet, the guest's work is the guest's.
    await waitToSee(page.getByRole('heading', { level: 1, name: 'Sign in' }), { timeout: 10_000 });
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.getByTestId('account-status').textContent()).toContain(`We mailed a link to ${email}. Open it to verify your address, then sign in here`);
    await checkScreen(page, 'account-created');
    const { rows: accounts } = await suite.stack.db.query('SELECT id, kind, display_name, email_verified_at IS NOT NULL AS verified FROM users WHERE email = $1', [email]);
    expect(accounts).toEqual([{ id: expect.any(String), kind: 'registered', display_name: 'Ada Lovelace', verified: false }]);
    const accountId = accounts[0].id as string;
    expect(accountId).not.toBe(guestId);
    expect(await classificationsOf(workflowId)).toEqual([{ subject_id: first, user_id: guestId }]);

    // The link opened (on a phone, say), the sign-in takes the guest's work into the account, and goes back to the task.
    await suite.stack.anonymous.verifyEmail(suite.stack.inbox.linkToken(await suite.stack.inbox.takeVerification(email)));
    expect(await page.locator('#sign-in-carry').isChecked()).toBe(true);
    await tabTo(page, '#sign-in-email');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('account-name'), { timeout: 10_000 });
    expect(await page.getByTestId('account-name').textContent()).toBe('Signed in as Ada Lovelace');
    expect(new URL(page.url()).pathname).toBe(path);
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    expect(await nav.getByRole('link', { name: 'Sign in' }).count()).toBe(0);
    expect(await classificationsOf(workflowId)).toEqual([{ subject_id: first, user_id: accountId }]);
    // And what they classify now is the account's too, never the first subject again.
    const second = await classifyOne(page);
    expect(second).not.toBe(first);
    expect(await classificationsOf(workflowId)).toEqual([
      { subject_id: first, user_id: accountId },
      { subject_id: second, user_id: accountId },
    ]);
    await checkScreenOnPhone(page, 'signed-in');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('signs in from the header, signs out (an answer not yet sent stays the account’s) and signs in again', async () => {
    const { workflowId, path } = await liveWorkflow('Sign in and out');
    const email = `grace-${Date.now()}@example.org`;
    const account = await signUp(suite.stack, { email, password: PASSWORD, displayName: 'Grace Hopper' });
    const { page, errors } = await newcomerPage(suite);
    await page.goto(suite.stack.baseUrl + path);
    await waitToSee(page.getByTestId('subject'));
    const guestToken = await page.evaluate(() => window.localStorage.getItem('chorus.token'));
    expect(guestToken).toBeTruthy();

    const signInByKeyboard = async (password: string) => {
      await tabTo(page, '[data-account-link="sign-in"]', 30, true);
      await page.keyboard.press('Enter');
      await waitToSee(page.getByRole('heading', { level: 1, name: 'Sign in' }));
      await waitForFocus(page, 'h1');
      expect(await page.locator('#sign-in-carry').isChecked()).toBe(true);
      await tabTo(page, '#sign-in-email');
      await page.keyboard.type(email);
      await page.keyboard.press('Tab');
      await waitForFocus(page, '#sign-in-password');
      await page.keyboard.type(password);
      await page.keyboard.press('Enter');
    };

    // A wrong password is said at the password field, which gets focus back.
    await signInByKeyboard('not the password');
    await waitToSee(page.getByTestId('sign-in-password-error'), { timeout: 10_000 });
    expect(await page.getByTestId('sign-in-password-error').textContent()).toContain('The email address or password is wrong');
    await waitForFocus(page, '#sign-in-password');
    expect(await page.locator('#sign-in-password').getAttribute('aria-describedby')).toBe('sign-in-password-error');
    await checkScreen(page, 'sign-in-error');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('account-name'), { timeout: 10_000 });
    expect(await page.getByTestId('account-name').textContent()).toBe('Signed in as Grace Hopper');
    expect(new URL(page.url()).pathname).toBe(path);
    expect(await page.evaluate(() => window.localStorage.getItem('chorus.token'))).not.toBe(guestToken);

    const online = await classifyOne(page);
    expect(await classificationsOf(workflowId)).toEqual([{ subject_id: online, user_id: account.user.id }]);

    // Offline, the next answer waits on this device; signing out asks what becomes of it, and keeps it, without Grace's token.
    const graceToken = (await page.evaluate(() => window.localStorage.getItem('chorus.token')))!;
    await suite.context.setOffline(true);
    const offline = await classifyOne(page);
    expect(await page.getByTestId('outbox-count').textContent()).toBe('1');
    await tabTo(page, '[data-testid="account-nav"] button', 30, true);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Sign out');
    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-testid="sign-out-waiting"]');
    expect(await page.getByTestId('sign-out-waiting').textContent()).toContain('1 answer you gave could not be sent yet');
    expect(await page.getByTestId('account-name').textContent()).toBe('Signed in as Grace Hopper'); // not yet signed out
    await checkScreen(page, 'sign-out-answers-waiting');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep and sign out');
    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-account-link="sign-in"]');
    expect(await page.getByTestId('account-name').count()).toBe(0);
    expect(await page.getByTestId('account-status').textContent()).toContain('You have signed out on this device. 1 answer you gave could not be sent yet: it stays on this device, without your sign-in');
    expect(await page.evaluate(() => window.localStorage.getItem('chorus.token'))).toBeNull();
    // No bearer token of Grace's is left on this device, in IndexedDB or localStorage: the answer is kept without it.
    const kept = await outboxOf(page, workflowId);
    expect(kept.map((item) => [item.input.subjectId, item.owner])).toEqual([[offline, { userId: account.user.id, token: null }]]);
    expect(await storedText(page)).not.toContain(graceToken);

    await suite.context.setOffline(false); // a fresh guest starts; the waiting answer waits for Grace, never sent as the guest's
    await waitToSee(page.getByTestId('subject'), { timeout: 15_000 });
    await waitToSee(page.getByTestId('outbox-awaiting-sign-in'), { timeout: 20_000 });
    const newGuest = await page.evaluate(() => JSON.parse(window.localStorage.getItem('chorus.user') ?? '{}').id as string);
    expect(newGuest).not.toBe(account.user.id);
    expect(await classificationsOf(workflowId)).toEqual([{ subject_id: online, user_id: account.user.id }]);
    expect(await storedText(page)).not.toContain(graceToken);

    // Signing in again: Grace's own again, her answer kept here goes as hers, and what she classifies is hers.
    await signInByKeyboard(PASSWORD);
    await waitToSee(page.getByTestId('account-name'), { timeout: 10_000 });
    expect(await page.getByTestId('account-status').textContent()).toContain('You are signed in as Grace Hopper.');
    await until(async () => (await classificationsOf(workflowId)).length === 2, 'the kept answer is stored');
    expect(await classificationsOf(workflowId)).toEqual([
      { subject_id: online, user_id: account.user.id },
      { subject_id: offline, user_id: account.user.id },
    ]);
    expect((await suite.stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE user_id = $1', [newGuest])).rows).toEqual([{ n: 0 }]);
    const again = await classifyOne(page);
    expect((await classificationsOf(workflowId)).find((row) => row.subject_id === again)?.user_id).toBe(account.user.id);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('ends this device’s session on the server when it signs out (not the other devices’: “Sign out everywhere” does), and discards the answers waiting if the volunteer says so', async () => {
    const { workflowId, path } = await liveWorkflow('Sign out ends the token');
    const account = await signUp(suite.stack, { email: `leaving-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Leaving' });
    const accountNow = (token: string) => fetch(`${suite.stack.baseUrl}/api/v1/account`, { headers: { authorization: `Bearer ${token}` } }).then((answer) => answer.status);
    expect(await accountNow(account.token)).toBe(200);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(suite.stack.baseUrl + path);
    await waitToSee(page.getByTestId('account-name'), { timeout: 10_000 });
    await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });

    // Offline: the answer cannot be sent; the volunteer may stay signed in, then chooses to discard it.
    await suite.context.setOffline(true);
    const offline = await classifyOne(page);
    const signOutButton = page.locator('[data-testid="account-nav"] button', { hasText: 'Sign out' });
    await signOutButton.click();
    await waitToSee(page.getByTestId('sign-out-waiting'), { timeout: 15_000 });
    await page.getByRole('button', { name: 'Stay signed in' }).click();
    expect(await page.getByTestId('account-name').textContent()).toBe('Signed in as Leaving');
    expect((await outboxOf(page, workflowId)).map((item) => item.input.subjectId)).toEqual([offline]);
    await signOutButton.click();
    await page.getByRole('button', { name: 'Discard it and sign out' }).click();
    await waitToSee(page.getByTestId('account-status').filter({ hasText: 'signed out' }), { timeout: 10_000 });
    expect(await page.getByTestId('account-status').textContent()).toContain('1 answer you gave, which could not be sent, was discarded.');
    // The server was not told: the volunteer learns that the sign-in is not ended, and how to end it.
    expect(await page.getByTestId('account-status').textContent()).toContain('use “Sign out everywhere” on your account page');
    expect(await outboxOf(page, workflowId)).toEqual([]);
    expect(await storedText(page)).not.toContain(account.token);
    await suite.context.setOffline(false);
    // Offline, the server could not be told: the token was only forgotten here.
    expect(await accountNow(account.token)).toBe(200);

    // Online, signing out ends this device's session on the server: a copy of its token left anywhere no longer works,
    // while the account's phone stays signed in.
    await page.close(); // (a page of the same origin follows another's sign-in)
    const again = await suite.stack.anonymous.login({ email: account.user.email!, password: PASSWORD });
    const phone = await suite.stack.anonymous.login({ email: account.user.email!, password: PASSWORD });
    const second = await signedInPage(suite, again);
    await second.page.goto(suite.stack.baseUrl + path);
    await waitToSee(second.page.getByTestId('account-name'), { timeout: 10_000 });
    await second.page.locator('[data-testid="account-nav"] button', { hasText: 'Sign out' }).click();
    await waitToSee(second.page.locator('[data-account-link="sign-in"]'), { timeout: 15_000 });
    expect(await second.page.getByTestId('account-status').textContent()).toContain('You have signed out on this device (your other devices stay signed in). You can go on classifying as a guest.');
    expect(await second.page.getByTestId('account-status').textContent()).not.toContain('Sign out everywhere');
    await until(async () => (await accountNow(again.token)) === 401, 'the token is refused');
    expect(await accountNow(phone.token)).toBe(200);
    expect(await storedText(second.page)).not.toContain(again.token);
    await second.page.close();

    // "Sign out everywhere", on the account's page, ends the phone's session too.
    const third = await signedInPage(suite, await suite.stack.anonymous.login({ email: account.user.email!, password: PASSWORD }));
    await third.page.goto(`${suite.stack.baseUrl}/account`);
    await third.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await waitToSee(third.page.getByTestId('account-status').getByText('You are signed out on every device.'), { timeout: 15_000 });
    await until(async () => (await accountNow(phone.token)) === 401, 'the phone’s token is refused');
    expect([...errors, ...second.errors, ...third.errors]).toEqual([]);
    await third.page.close();
  });

  it('carries what a guest classified into the account it signs in to, unless told not to (a shared computer)', async () => {
    const { workflowId, path } = await liveWorkflow('Guest work carried');
    const email = `mary-${Date.now()}@example.org`;
    const account = await signUp(suite.stack, { email, password: PASSWORD, displayName: 'Mary Anning' });
    const signIn = (page: Page, carry: boolean) =>
      signInByKeyboard(page, { email, password: PASSWORD }, { carry, beforeSubmit: carry ? () => checkScreen(page, 'sign-in-guest-work') : undefined });

    // Told not to: the guest's answer stays the guest's.
    const shared = await newcomerPage(suite);
    await shared.page.goto(suite.stack.baseUrl + path);
    const someoneElses = await classifyOne(shared.page);
    const someoneElse = await shared.page.evaluate(() => JSON.parse(window.localStorage.getItem('chorus.user')!).id as string);
    await signIn(shared.page, false);
    expect(await shared.page.getByTestId('account-status').textContent()).not.toContain('as a guest');
    expect(await classificationsOf(workflowId)).toEqual([{ subject_id: someoneElses, user_id: someoneElse }]);
    expect(shared.errors).toEqual([]);
    await shared.page.close();

    // By default: the guest's answers become the account's, which is told so and is not shown them again; one of a
    // subject the account had classified elsewhere stays the guest's, and that is said too.
    const { page, errors } = await newcomerPage(suite);
    await page.goto(suite.stack.baseUrl + path);
    const mine = [await classifyOne(page), await classifyOne(page)];
    const elsewhere = suite.stack.anonymous.withToken((await suite.stack.anonymous.login({ email, password: PASSWORD })).token);
    await elsewhere.classify({ workflowId, workflowVersion: 1, subjectId: mine[1]!, annotations: [{ task: 'T0', value: 'no' }] }, `elsewhere-${Date.now()}`);
    await signIn(page, true);
    expect(await page.getByTestId('account-status').textContent()).toContain(
      'The subject you classified as a guest is now in your account. One more you classified as a guest, your account had classified already: its own answer stands',
    );
    await checkScreenOnPhone(page, 'sign-in-guest-work-carried');
    const rows = await classificationsOf(workflowId);
    expect(rows.filter((row) => row.user_id === account.user.id).map((row) => row.subject_id).sort()).toEqual([...mine].sort());
    expect(rows).toHaveLength(4);
    await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });
    const next = await page.getByTestId('subject').getAttribute('data-subject-id');
    expect(mine).not.toContain(next); // the other guest's subject is still the account's to classify
    // The account's page counts them, by project.
    await page.goto(`${suite.stack.baseUrl}/account`);
    await waitToSee(page.getByTestId('contribution-total').getByText('You have classified 2 subjects. Thank you!'));
    expect(await page.locator('.contribution li').allTextContents()).toEqual([expect.stringMatching(/^Guest work carried \d+: 2 classifications, the last on /)]);
    await checkScreen(page, 'account-contribution');
    // In French, with the no-break space French puts before a colon.
    await page.locator('.language-choice button[lang="fr"]').click();
    await waitToSee(page.getByTestId('contribution-total').getByText(/^Vous avez classifié 2 sujets\./));
    expect(await page.locator('.contribution li').allTextContents()).toEqual([expect.stringMatching(/^Guest work carried \d+\u00a0: 2 classifications, la dernière le /)]);
    await page.locator('.language-choice button[lang="en"]').click();
    await waitToSee(page.getByTestId('contribution-total').getByText('You have classified 2 subjects. Thank you!'));
    const { subjects } = await suite.stack.anonymous.withToken((await suite.stack.anonymous.login({ email, password: PASSWORD })).token).queue(workflowId, 10);
    expect(subjects.map((subject) => subject.id)).not.toEqual(expect.arrayContaining([mine[0]]));
    expect(subjects.map((subject) => subject.id)).not.toEqual(expect.arrayContaining([mine[1]]));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('carries a guest’s answer still being sent when they sign in: sent first as the guest’s, or after as the account’s, never lost or stored twice', async () => {
    const email = `caroline-${Date.now()}@example.org`;
    const account = await signUp(suite.stack, { email, password: PASSWORD, displayName: 'Caroline Herschel' });
    // In a browser of its own: its clock (the context's) runs as time does, but the test runs it ahead through the
    // page's waits, and no later test gets it.
    const device = await launchBrowser();
    try {
      const { workflowId, path } = await liveWorkflow('Carried while sending', device.context);
      const { page, errors } = await newcomerPage({ stack: suite.stack, context: device.context });
      await page.clock.install();
      await page.goto(suite.stack.baseUrl + path);
      const first = await classifyOne(page);
      const [{ user_id: guestId }] = await classificationsOf(workflowId);
      // The next answer's requests reach the server only when let through: the page stops waiting for its own, the
      // answer joins those waiting, and the outbox sends it again (still held) before the volunteer signs in.
      const held: Route[] = [];
      let released = 0;
      await page.route('**/api/v1/classifications', (route) => void held.push(route));
      // What the server had of the guest's answers, and how many were still on their way, when the sign-in reached it.
      let atSignIn: { onTheirWay: number; stored: { subject_id: string; user_id: string }[] } | undefined;
      await page.route('**/api/v1/auth/login', async (route) => {
        atSignIn = { onTheirWay: held.length - released, stored: await classificationsOf(workflowId) };
        await route.continue();
      });
      const second = (await page.getByTestId('subject').getAttribute('data-subject-id'))!;
      await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
      await page.keyboard.press('1');
      await page.keyboard.press('Enter');
      await until(async () => held.length === 1, 'the answer sent');
      await page.clock.runFor(ON_SCREEN_SUBMIT_MS); // the page waits no longer: the answer joins those waiting
      await until(async () => held.length === 2, 'the answer sent again from those waiting');
      await page.locator('[data-account-link="sign-in"]').click();
      await page.locator('#sign-in-email').fill(email);
      await page.locator('#sign-in-password').fill(PASSWORD);
      await page.keyboard.press('Enter');
      await waitToSee(page.locator('button[type="submit"][aria-disabled="true"]'), { timeout: 10_000 });
      // The sign-in waits for the answer being sent, past the time it waits for those waiting (SEND_FIRST_MS): a sending
      // under way goes on with the guest's token, which the sign-in ends, so it reaches the server only once that has ended.
      await page.clock.runFor(SEND_FIRST_MS + 1_000);
      expect(atSignIn).toBeUndefined();
      for (const route of held) {
        released += 1;
        await route.continue();
      }
      await waitToSee(page.getByTestId('account-name'), { timeout: 30_000 });
      // Sent first as the guest's: the sign-in carried it with the rest of their work.
      expect(atSignIn).toEqual({ onTheirWay: 0, stored: expect.arrayContaining([{ subject_id: first, user_id: guestId }, { subject_id: second, user_id: guestId }]) });
      expect(atSignIn!.stored).toHaveLength(2);
      await until(async () => (await page.getByTestId('outbox').count()) === 0, 'none waiting', 30_000);
      expect((await classificationsOf(workflowId)).map((row) => row.subject_id).sort()).toEqual([first, second].sort());
      expect(new Set((await classificationsOf(workflowId)).map((row) => row.user_id))).toEqual(new Set([account.user.id]));
      expect(errors).toEqual([]);
    } finally {
      await device.close();
    }
  });

  it('never gives the account signed in after a guest the guest’s answer in progress (a shared computer)', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Shared computer', [textSubject(0)]);
    await skipTutorial(suite.context, workflow.id);
    const email = `ada-${Date.now()}@example.org`;
    await signUp(suite.stack, { email, password: PASSWORD, displayName: 'Ada Lovelace' });
    const { page, errors } = await newcomerPage(suite);
    await page.goto(suite.stack.baseUrl + path);
    const subjectId = await page.getByTestId('subject').getAttribute('data-subject-id');
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    await page.keyboard.press('1'); // the guest chooses "Yes" and walks away without sending it
    await page.waitForFunction(() => Object.keys(window.localStorage).some((key) => key.startsWith('chorus.draft.')));

    await page.locator('[data-account-link="sign-in"]').click();
    await page.locator('#sign-in-email').fill(email);
    await page.locator('#sign-in-password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('account-name'), { timeout: 10_000 });
    await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });
    expect(await page.getByTestId('subject').getAttribute('data-subject-id')).toBe(subjectId); // the only subject
    expect(await page.locator('[data-testid="subject"] input[type="radio"]:checked').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('gives back the subjects held for a guest when an account signs in in its place, so that nobody waits for them', async () => {
    const { workflowId, path } = await liveWorkflow('Guest holds');
    const email = `ada-${Date.now()}@example.org`;
    await signUp(suite.stack, { email, password: PASSWORD, displayName: 'Ada Lovelace' });
    const { page, errors } = await newcomerPage(suite);
    await page.goto(suite.stack.baseUrl + path);
    await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });
    const guestId = await page.evaluate(() => JSON.parse(window.localStorage.getItem('chorus.user')!).id as string);
    const held = async () => (await suite.stack.db.query('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1 AND user_id = $2 AND expires_at > now()', [workflowId, guestId])).rows[0].n as number;
    expect(await held()).toBeGreaterThan(0);

    await page.locator('[data-account-link="sign-in"]').click();
    await page.locator('#sign-in-email').fill(email);
    await page.locator('#sign-in-password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('account-name'), { timeout: 10_000 });
    await until(async () => (await held()) === 0, "the guest's holds to be given back", 10_000);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps signing in and creating an account open when no guest can be made (the API refuses more from one address)', async () => {
    const { path } = await liveWorkflow('No more guests');
    const email = `ada-${Date.now()}@example.org`;
    await signUp(suite.stack, { email, password: PASSWORD, displayName: 'Ada Lovelace' });
    const { page, errors } = await newcomerPage(suite);
    await page.route('**/api/v1/auth/guest', (route) =>
      route.fulfill({
        status: 429,
        headers: { 'content-type': 'application/problem+json', 'retry-after': '3599' },
        body: JSON.stringify({ type: 'urn:chorus:problem:too-many-requests', title: 'Too many requests', status: 429, detail: 'Too many new volunteers from your address (at most 300 an hour); try again in 60 minutes, or sign in to an account you already have.' }),
      }),
    );
    await page.goto(suite.stack.baseUrl + path);
    // Said under a heading that takes focus, with the way out beside "Try again".
    await waitToSee(page.getByTestId('session-failed'));
    await waitForFocus(page, 'h1');
    expect(await page.locator('h1').textContent()).toBe('Your session could not start');
    expect(await page.getByRole('alert').textContent()).toContain('Too many new volunteers from your address');
    await page.locator('main').getByRole('link', { name: 'Sign in' }).click();
    await waitToSee(page.getByRole('heading', { level: 1, name: 'Sign in' }));
    await page.locator('#sign-in-email').fill(email);
    await page.locator('#sign-in-password').fill(PASSWORD);
    await page.locator('#sign-in-password').press('Enter');
    // Signed in, back where they were: classifying as the account, no guest needed.
    await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });
    expect(await page.evaluate(() => window.localStorage.getItem('chorus.tokenKind'))).toBe('registered');

    // Creating an account works without a guest too.
    const other = await newcomerPage(suite);
    await other.page.route('**/api/v1/auth/guest', (route) => route.fulfill({ status: 429, contentType: 'application/problem+json', body: '{"type":"about:blank","title":"Too many requests","status":429,"detail":"Too many."}' }));
    await other.page.goto(`${suite.stack.baseUrl}/create-account`);
    await waitToSee(other.page.getByRole('heading', { level: 1, name: 'Create an account' }));
    await other.page.locator('#account-name').fill('Mary Somerville');
    await other.page.locator('#account-email').fill(`mary-${Date.now()}@example.org`);
    await other.page.locator('#account-password').fill(PASSWORD);
    await other.page.locator('#account-password').press('Enter');
    await waitToSee(other.page.getByRole('heading', { level: 1, name: 'Sign in' }), { timeout: 10_000 });
    expect(await other.page.getByTestId('account-status').textContent()).toContain('We mailed a link to mary-');
    expect([...errors, ...other.errors]).toEqual([]);
    await page.close();
    await other.page.close();
  });

  it('says the same of an email that already has an account as of a new one, and mails its owner instead', async () => {
    const email = `taken-${Date.now()}@example.org`;
    await suite.stack.anonymous.register({ email, password: PASSWORD, displayName: 'First' });
    await suite.stack.inbox.takeVerification(email); // the account is made after the answer, and then mailed
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/create-account`);
    await waitToSee(page.getByRole('heading', { level: 1, name: 'Create an account' }));
    const guestToken = await page.evaluate(() => window.localStorage.getItem('chorus.token'));

    await page.locator('#account-name').fill('Second');
    await page.locator('#account-email').fill(email.toUpperCase());
    await page.locator('#account-password').fill(PASSWORD);
    await page.locator('#account-password').press('Enter');

    await waitToSee(page.getByRole('heading', { level: 1, name: 'Sign in' }), { timeout: 10_000 });
    expect(await page.getByTestId('account-status').textContent()).toContain(`We mailed a link to ${email.toUpperCase()}. Open it to verify your address, then sign in here`);
    expect((await suite.stack.inbox.take(email, /tried to sign up/)).text).toContain(`${suite.stack.config.publicUrl}/forgot-password`);
    // Still the same guest, and the account as it was.
    expect(await page.evaluate(() => window.localStorage.getItem('chorus.token'))).toBe(guestToken);
    expect(await page.getByTestId('account-name').count()).toBe(0);
    expect((await suite.stack.db.query('SELECT display_name FROM users WHERE email = $1', [email])).rows).toEqual([{ display_name: 'First' }]);
    await checkScreenOnPhone(page, 'account-created-phone');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps an answer waiting on the device when the account’s sign-in expires before it is sent, and sends it once the account signs in again', async () => {
    const { workflowId, path } = await liveWorkflow('Sign-in expires offline');
    const account = await signUp(suite.stack, { email: `expiring-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Expiring' });
    const tokens = suite.stack.app.get(Tokens);
    const signedIn = (user: { id: string; token: string }) => {
      window.localStorage.setItem('chorus.token', user.token);
      window.localStorage.setItem('chorus.tokenKind', 'registered');
      window.localStorage.setItem('chorus.user', JSON.stringify({ id: user.id, displayName: 'Expiring', email: null }));
    };
    const { page, errors } = await newcomerPage(suite);
    const expiring = await tokens.issue({ id: account.user.id, kind: 'registered' }, 6);
    const expiresAt = Date.now() + 6_000;
    await page.evaluate(signedIn, { id: account.user.id, token: expiring });
    await page.goto(suite.stack.baseUrl + path);
    await waitToSee(page.getByTestId('account-name'), { timeout: 10_000 });
    await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });

    await suite.context.setOffline(true);
    const offline = await classifyOne(page);
    expect(await page.getByTestId('outbox-count').textContent()).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 1_000));
    await suite.context.setOffline(false); // sent with the expired token: refused (401), and kept
    await waitToSee(page.getByTestId('outbox-awaiting-sign-in'), { timeout: 20_000 });
    expect(await page.getByTestId('outbox-awaiting-sign-in').textContent()).toBe(
      '1 answer given with an account that is no longer signed in here is kept on this device. It will be sent once that account signs in here again, never as a guest’s.',
    );
    expect(await page.getByTestId('outbox').count()).toBe(0);
    expect(await classificationsOf(workflowId)).toEqual([]);

    // The account signs in again on this device: the answer goes, as theirs.
    await page.evaluate(signedIn, { id: account.user.id, token: await tokens.issue({ id: account.user.id, kind: 'registered' }) });
    await page.reload();
    await waitToSee(page.getByTestId('subject'), { timeout: 15_000 });
    await waitToSee(page.getByTestId('outbox-awaiting-sign-in'), { state: 'detached', timeout: 20_000 });
    await until(async () => (await classificationsOf(workflowId)).length > 0, 'the kept answer is stored');
    expect(await classificationsOf(workflowId)).toEqual([{ subject_id: offline, user_id: account.user.id }]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says, when the account was signed out elsewhere while this device was offline, what became of its waiting answers, opens no tutorial, and sends them as its own once it signs in again', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Signed out elsewhere', Array.from({ length: 10 }, (_, index) => textSubject(index)));
    const email = `elsewhere-${Date.now()}@example.org`;
    const account = await signUp(suite.stack, { email, password: PASSWORD, displayName: 'Elsewhere' });
    // The account saw the tutorial on the laptop; this browser (the phone) never did.
    await suite.stack.anonymous.withToken(account.token).markTutorialSeen(workflow.id);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(suite.stack.baseUrl + path);
    await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });
    expect(await page.getByTestId('tutorial').isVisible()).toBe(false);

    await suite.context.setOffline(true);
    await classifyOne(page);
    await classifyOne(page);
    expect(await page.getByTestId('outbox-count').textContent()).toBe('2');
    // The volunteer signs out everywhere on the laptop, which ends this device's sign-in too.
    const laptop = await suite.stack.anonymous.login({ email, password: PASSWORD });
    await suite.stack.anonymous.withToken(laptop.token).signOutEverywhere();
    await suite.context.setOffline(false); // the answers are sent with the ended sign-in: refused (401), and kept

    const signedOut = page.getByTestId('signed-out-here');
    await waitToSee(signedOut, { timeout: 20_000 });
    await waitToSee(signedOut.getByTestId('signed-out-kept'), { timeout: 10_000 });
    expect(await signedOut.locator('h2, p').allTextContents()).toEqual([
      'You were signed out',
      'Your sign-in on this device was ended before it expired (by “Sign out everywhere” or a new password on another device, say), so Chorus no longer takes answers from your account here.',
      'The 2 answers you gave that were not sent yet are kept on this device. They will be sent as yours once you sign in again here.',
      'You can also go on as a guest: what you classify then is the guest’s, and the answers kept for your account are not sent as the guest’s (they wait for you to sign in here).',
      'Sign in again Go on as a guest',
    ]);
    // Said in place of the task, with nothing classified meanwhile as the guest, and no tutorial in the middle of the
    // session (once the page has decided whether to open it).
    await waitToSee(page.locator('.page-classify[data-tutorial-decided]'), { timeout: 10_000 });
    expect(await page.getByTestId('subject').count()).toBe(0);
    expect(await page.getByTestId('tutorial').isVisible()).toBe(false);
    expect(await page.evaluate(() => window.localStorage.getItem('chorus.tokenKind'))).toBe('guest');
    expect(await classificationsOf(workflow.id)).toEqual([]);

    // Signing in again from there comes back to the workflow, and the answers go as the account's.
    await signedOut.getByRole('link', { name: 'Sign in again' }).click();
    await page.locator('#sign-in-email').fill(email);
    await page.locator('#sign-in-password').fill(PASSWORD);
    await page.locator('#sign-in-password').press('Enter');
    await waitToSee(page.getByTestId('account-name'), { timeout: 10_000 });
    await waitToSee(page.getByTestId('subject'), { timeout: 15_000 });
    await until(async () => (await classificationsOf(workflow.id)).length === 2, 'the kept answers are stored');
    expect((await classificationsOf(workflow.id)).map((row) => row.user_id)).toEqual([account.user.id, account.user.id]);
    await until(async () => (await answersKeptFor(page, workflow.id)) === 0, 'the sent answers are taken out of the outbox');
    expect(await page.getByTestId('signed-out-here').count()).toBe(0);
    expect(await page.getByTestId('tutorial').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lets the volunteer signed out elsewhere go on as a guest, their waiting answers kept for their account and not sent as the guest’s', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Guest after sign-out', Array.from({ length: 10 }, (_, index) => textSubject(index)));
    const email = `guest-after-${Date.now()}@example.org`;
    const account = await signUp(suite.stack, { email, password: PASSWORD, displayName: 'Guest After' });
    await suite.stack.anonymous.withToken(account.token).markTutorialSeen(workflow.id);
    const { page, errors } = await signedInPage(suite, account);
    await emptyOutbox(page, suite.stack.baseUrl); // the note counts every account's answers waiting in this browser
    await page.goto(suite.stack.baseUrl + path);
    await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });
    await suite.context.setOffline(true);
    await classifyOne(page);
    await suite.stack.anonymous.withToken(account.token).signOutEverywhere();
    await suite.context.setOffline(false);

    await waitToSee(page.getByTestId('signed-out-here').getByTestId('signed-out-kept'), { timeout: 20_000 });
    await page.getByTestId('signed-out-here').getByRole('button', { name: 'Go on as a guest' }).click();
    await waitToSee(page.locator('.page-classify[data-tutorial-decided]'), { timeout: 10_000 });
    const given = await classifyOne(page); // as the guest
    expect(await page.getByTestId('tutorial').isVisible()).toBe(false);
    expect(await page.getByTestId('outbox-awaiting-sign-in').textContent()).toBe(
      '1 answer given with an account that is no longer signed in here is kept on this device. It will be sent once that account signs in here again, never as a guest’s.',
    );
    const guestId = await page.evaluate(() => JSON.parse(window.localStorage.getItem('chorus.user')!).id as string);
    await until(async () => (await classificationsOf(workflow.id)).length === 1, 'the guest’s answer is stored');
    expect(await classificationsOf(workflow.id)).toEqual([{ subject_id: given, user_id: guestId }]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps focus on “You were signed out” when the classify page was reached by links, and fetches no subject for the guest behind it', async () => {
    const { project, workflow } = await liveYesNoWorkflow(suite.stack, 'Reached by links', Array.from({ length: 10 }, (_, index) => textSubject(index)));
    const email = `by-links-${Date.now()}@example.org`;
    const account = await signUp(suite.stack, { email, password: PASSWORD, displayName: 'By Links' });
    await suite.stack.anonymous.withToken(account.token).markTutorialSeen(workflow.id);
    const { page, errors } = await signedInPage(suite, account);
    const askedAsGuest: string[] = [];
    page.on('request', (request) => {
      if (/\/queue\b/.test(request.url()) && request.headers().authorization !== `Bearer ${account.token}`) askedAsGuest.push(request.url());
    });
    await page.goto(suite.stack.baseUrl);
    await page.getByRole('link', { name: project.title }).click();
    await waitToSee(page.getByRole('heading', { level: 1, name: project.title }), { timeout: 10_000 });
    // Signed out everywhere from another device while the volunteer reads the project's page.
    await suite.stack.anonymous.withToken(account.token).signOutEverywhere();
    await page.getByRole('link', { name: 'Ad or not?', exact: true }).click();

    await waitToSee(page.getByTestId('signed-out-here'), { timeout: 15_000 });
    await waitForFocus(page, '#signed-out-here-title');
    await waitToSee(page.locator('.page-classify[data-tutorial-decided]'), { timeout: 10_000 });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('signed-out-here-title');
    expect(askedAsGuest).toEqual([]);
    const guestId = await page.evaluate(() => JSON.parse(window.localStorage.getItem('chorus.user')!).id as string);
    expect((await suite.stack.db.query('SELECT subject_id FROM assignments WHERE user_id = $1', [guestId])).rows).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says “signed out”, not “expired”, on a page opened with a sign-in ended elsewhere, by the server’s clock (this device’s runs an hour fast), and opens no tutorial this browser never showed', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Opened after sign-out', Array.from({ length: 10 }, (_, index) => textSubject(index)));
    const account = await signUp(suite.stack, { email: `opened-after-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Opened After' });
    // Valid for half an hour more: by this device's clock, an hour fast, it has expired.
    const token = await suite.stack.app.get(Tokens).issue({ id: account.user.id, kind: 'registered' }, 1_800);
    await suite.stack.anonymous.withToken(account.token).signOutEverywhere();
    const { page, errors } = await signedInPage(suite, { ...account, token });
    await page.addInitScript(() => {
      const now = Date.now.bind(Date);
      Date.now = () => now() + 3_600_000;
    });
    await page.goto(suite.stack.baseUrl + path);

    const signedOut = page.getByTestId('signed-out-here');
    await waitToSee(signedOut, { timeout: 15_000 });
    expect(await signedOut.locator('p').first().textContent()).toContain('Your sign-in on this device was ended before it expired');
    // Opened fresh (nothing classified in this tab), the tutorial never seen in this browser nor by the account: the
    // guest behind the panel is not on a first visit of its own.
    await waitToSee(page.locator('.page-classify[data-tutorial-decided]'), { timeout: 10_000 });
    expect(await page.evaluate((id) => window.localStorage.getItem(`chorus.tutorialSeen.${id}`), workflow.id)).toBeNull();
    expect(await page.getByTestId('tutorial').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says “You were signed out” in every tab of the browser that had the account, once one of them finds its sign-in ended', async () => {
    const { path } = await liveWorkflow('Signed out in two tabs');
    const account = await signUp(suite.stack, { email: `two-tabs-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Two Tabs' });
    const first = await signedInPage(suite, account);
    await first.page.goto(suite.stack.baseUrl + path);
    await waitToSee(first.page.getByTestId('subject'), { timeout: 10_000 });
    const second = await suite.context.newPage();
    const secondErrors: string[] = [];
    second.on('pageerror', (error) => secondErrors.push(error.message));
    await second.goto(suite.stack.baseUrl + path);
    await waitToSee(second.getByTestId('subject'), { timeout: 10_000 });
    // Nothing the second tab asks of the server from here is refused: it learns of the ended sign-in from the first.
    const refusedInSecond: string[] = [];
    second.on('response', (response) => {
      if (response.status() === 401) refusedInSecond.push(response.url());
    });

    await suite.stack.anonymous.withToken(account.token).signOutEverywhere();
    // Back to the first tab, as the volunteer would be to answer there (in the background, its subject need not hold the focus).
    await first.page.bringToFront();
    await waitForFocus(first.page, '[data-testid="subject"] input[type="radio"]');
    await first.page.keyboard.press('1');
    await first.page.keyboard.press('Enter');
    await waitToSee(first.page.getByTestId('signed-out-here'), { timeout: 10_000 });

    const signedOut = second.getByTestId('signed-out-here');
    await waitToSee(signedOut, { timeout: 10_000 });
    expect(await signedOut.locator('p').first().textContent()).toContain('Your sign-in on this device was ended before it expired');
    expect(await second.getByTestId('subject').count()).toBe(0);
    expect(refusedInSecond).toEqual([]);
    expect(first.errors).toEqual([]);
    expect(secondErrors).toEqual([]);
    await second.close();
    await first.page.close();
  });

  it('sends the answers waiting when signing out during a read of the account’s count, and asks nothing of them', async () => {
    const { workflowId, path } = await liveWorkflow('Sign out during a count');
    const account = await signUp(suite.stack, { email: `count-read-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Counted' });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(suite.stack.baseUrl + path);
    await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });
    // The server fails for a moment: the answer waits on the device.
    await page.route('**/api/v1/classifications', (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"status":503}' }));
    const waiting = await classifyOne(page);
    await waitToSee(page.getByTestId('outbox-count'), { timeout: 10_000 });
    await page.unroute('**/api/v1/classifications');

    // Reopened, the page reads the account's count with no answer being sent; it answers a moment after "Sign out" is
    // pressed, when the sign-out has asked for the answer to be sent.
    let countAsked = () => {};
    const asked = new Promise<void>((resolve) => {
      countAsked = resolve;
    });
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(`**/api/v1/account/workflows/${workflowId}`, async (route) => {
      countAsked();
      await released;
      await route.continue();
    });
    await page.reload();
    await asked;
    await page.locator('[data-testid="account-nav"] button', { hasText: 'Sign out' }).click();
    setTimeout(release, 1_000);

    await waitToSee(page.locator('[data-account-link="sign-in"], [data-testid="sign-out-waiting"]').first(), { timeout: 15_000 });
    expect(await page.getByTestId('sign-out-waiting').count()).toBe(0);
    await waitToSee(page.getByTestId('account-status').filter({ hasText: 'signed out' }), { timeout: 10_000 });
    expect(await page.getByTestId('account-status').textContent()).toContain('You have signed out on this device (your other devices stay signed in).');
    expect(await classificationsOf(workflowId)).toEqual([{ subject_id: waiting, user_id: account.user.id }]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('signs out an account whose sign-in the server no longer accepts, says so, and goes on as a guest', async () => {
    const { page, errors } = await newcomerPage(suite);
    await page.evaluate(() => {
      window.localStorage.setItem('chorus.token', 'an.expired.token');
      window.localStorage.setItem('chorus.tokenKind', 'registered');
      window.localStorage.setItem('chorus.user', JSON.stringify({ id: '00000000-0000-4000-8000-000000000001', displayName: 'Old', email: null }));
    });
    await page.goto(suite.stack.baseUrl);
    await waitToSee(page.getByTestId('account-status').getByText('Your sign-in has expired'), { timeout: 10_000 });
    await waitToSee(page.getByRole('heading', { level: 1, name: 'Projects' }));
    expect(await page.getByTestId('account-name').count()).toBe(0);
    expect(await page.getByTestId('account-nav').getByRole('link', { name: 'Sign in' }).count()).toBe(1);
    expect((await page.locator('[role="alert"]').allTextContents()).join('')).toBe(''); // the refused request is not left on screen
    expect(await page.evaluate(() => window.localStorage.getItem('chorus.tokenKind'))).toBe('guest');
    expect(errors).toEqual([]);
    await page.close();
  });

  const guestOf = (page: Page) =>
    page.evaluate(() => ({ id: JSON.parse(window.localStorage.getItem('chorus.user')!).id as string, kind: window.localStorage.getItem('chorus.tokenKind') }));

  /** The subjects the volunteer holds in the workflow, and those of them that are not in their batch on this device. */
  async function heldFor(page: Page, workflowId: string, userId: string): Promise<{ held: string[]; notOnPage: string[] }> {
    const batch = await page.evaluate(
      ({ workflowId, owner }) =>
        Object.keys(window.localStorage)
          .filter((key) => key.startsWith(`chorus.queue.${workflowId}.`))
          .map((key) => JSON.parse(window.localStorage.getItem(key)!) as { owner?: string; subjects?: { id: string }[] })
          .filter((stored) => stored.owner === owner)
          .flatMap((stored) => (stored.subjects ?? []).map((subject) => subject.id)),
      { workflowId, owner: userId },
    );
    const { rows } = await suite.stack.db.query('SELECT subject_id FROM assignments WHERE workflow_id = $1 AND user_id = $2 AND expires_at > now()', [workflowId, userId]);
    const held = rows.map((row: { subject_id: string }) => row.subject_id);
    return { held, notOnPage: held.filter((subjectId) => !batch.includes(subjectId)) };
  }

  it('goes on as a guest with a subject on screen when the account’s sign-in ends on an answer, holding no subject it does not show', async () => {
    const { workflowId, path } = await liveWorkflow('Sign-in ends on an answer');
    const account = await signUp(suite.stack, { email: `ended-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Ended' });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(suite.stack.baseUrl + path);
    await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });

    // The new guest's first batch is asked for only once any batch asked for the account's page (renewing its
    // subjects) has been answered: the order that, when the two raced, took the guest's subjects from its page.
    let accountPageServed = () => {};
    const served = new Promise<void>((resolve) => {
      accountPageServed = resolve;
    });
    page.on('response', (response) => {
      if (/\/queue\?.*renew=/.test(response.url())) accountPageServed();
    });
    await page.route(/\/queue\?.*hold=/, async (route) => {
      await Promise.race([served, new Promise((resolve) => setTimeout(resolve, 3_000))]);
      await route.continue();
    });
    // Signed out from another device: the next answer is refused (401), kept for the account, and a guest goes on.
    await suite.stack.anonymous.withToken(account.token).signOutEverywhere();
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('outbox-awaiting-sign-in'), { timeout: 10_000 });
    // Said in place of the task, with the choice of signing in again: the volunteer goes on as the guest.
    await page.getByTestId('signed-out-here').getByRole('button', { name: 'Go on as a guest' }).click();
    await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });
    expect(await page.locator('main').textContent()).not.toContain('another tab');

    const guest = await guestOf(page);
    expect(guest.id).not.toBe(account.user.id);
    const { held, notOnPage } = await heldFor(page, workflowId, guest.id);
    expect(held).toContain(await page.getByTestId('subject').getAttribute('data-subject-id'));
    expect(notOnPage).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('gives back a batch sent for a guest page as the new guest that replaced it (the server stopped accepting the old one)', async () => {
    const { workflowId, path } = await liveWorkflow('Guest replaced on a prefetch');
    const old = await suite.stack.anonymous.guest();
    const { page, errors } = await newcomerPage(suite);
    await page.evaluate(
      ({ id, token }) => {
        window.localStorage.setItem('chorus.token', token);
        window.localStorage.setItem('chorus.tokenKind', 'guest');
        window.localStorage.setItem('chorus.user', JSON.stringify({ id, displayName: null, email: null }));
      },
      { id: old.user.id, token: old.token },
    );
    await page.goto(suite.stack.baseUrl + path);
    // The batch asked for after the first answer goes once the server has stopped accepting the old guest's token (its
    // generation raised, as a sign-in carrying a guest's work ends it, or as if it had expired): refused, it is sent
    // again as a new guest, whose page opens meanwhile.
    await page.route(
      /\/queue\?.*renew=/,
      async (route) => {
        const { rows } = await suite.stack.db.query<{ generation: number }>('UPDATE users SET token_generation = token_generation + 1 WHERE id = $1 RETURNING token_generation AS generation', [old.user.id]);
        suite.stack.app.get(TokenGenerations).raised(old.user.id, rows[0]!.generation);
        await route.continue();
      },
      { times: 1 },
    );
    const servedAsNewGuest = page.waitForResponse((response) => /\/queue\?.*renew=/.test(response.url()) && response.status() === 200, { timeout: 15_000 });
    await classifyOne(page);
    await servedAsNewGuest;
    const guest = await guestOf(page);
    expect(guest).toEqual({ id: expect.any(String), kind: 'guest' });
    expect(guest.id).not.toBe(old.user.id);
    await until(async () => (await heldFor(page, workflowId, guest.id)).notOnPage.length === 0, 'the new guest to hold only subjects its page has', 5_000);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lets an account accept an invitation, rename itself, change its password (ending its other sign-ins) and delete itself, from its page', async () => {
    const email = `settings-${Date.now()}@example.org`;
    const account = await signUp(suite.stack, { email, password: PASSWORD, displayName: 'Ada' });
    const otherDevice = suite.stack.anonymous.withToken((await suite.stack.anonymous.login({ email, password: PASSWORD })).token);
    const project = await suite.stack.client.createProject({ title: `Letters ${Date.now()}` });
    await suite.stack.client.invite(project.id, { email, role: 'scientist' });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(suite.stack.baseUrl);
    const accountLink = page.locator('[data-account-link="account"]');
    await waitToSee(page.getByText('Your account (1 invitation)'), { timeout: 10_000 });
    await tabTo(page, '[data-account-link="account"]');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('account-settings'), { timeout: 10_000 });
    expect(await page.getByText(`You sign in with ${email}.`).count()).toBe(1);
    await waitToSee(page.getByTestId('contribution-total').getByText('You have not classified anything yet'));
    // Every password form names the account, unseen, for password managers.
    const passwordForms = page.locator('form:has(input[type="password"])');
    expect(await passwordForms.count()).toBe(3);
    expect(await passwordForms.locator('input[autocomplete="username"]').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value))).toEqual([email, email, email]);
    await waitToSee(page.getByTestId('invitations'), { timeout: 10_000 });
    expect(await page.getByTestId('invitations').getByRole('paragraph').textContent()).toBe(`You are invited to join ${project.title} as a scientist.`);
    await checkScreenOnPhone(page, 'account-settings');
    await page.getByRole('button', { name: `Join ${project.title}` }).click();
    await waitToSee(page.getByTestId('invitations-result').getByText(`You are now a scientist of ${project.title}.`), { timeout: 10_000 });
    expect(await page.getByTestId('invitations').count()).toBe(0);
    await page.waitForFunction(() => document.querySelector('[data-account-link="account"]')?.textContent === 'Your account');
    expect(await accountLink.textContent()).toBe('Your account');
    expect((await suite.stack.client.members(project.id)).members.map((member) => [member.userId, member.role])).toContainEqual([account.user.id, 'scientist']);

    await page.locator('#settings-name').fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Save name' }).click();
    await waitToSee(page.getByTestId('account-status').getByText('Your name is now Ada Lovelace.'), { timeout: 10_000 });
    expect(await page.getByTestId('account-name').textContent()).toBe('Signed in as Ada Lovelace');

    await page.locator('#settings-current-password').fill('not my password');
    await page.locator('#settings-new-password').fill('a brand new password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await waitToSee(page.getByTestId('settings-current-password-error'), { timeout: 10_000 });
    expect(await page.getByTestId('settings-current-password-error').textContent()).toBe('That is not your password.');
    await waitForFocus(page, '#settings-current-password');
    await page.locator('#settings-current-password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await waitToSee(page.getByTestId('account-status').getByText('Your password is changed.', { exact: false }), { timeout: 10_000 });
    expect((await otherDevice.account().catch((error: { status: number }) => error)) as { status: number }).toMatchObject({ status: 401 });
    await page.reload(); // this device goes on with the new token
    expect(await page.getByTestId('account-name').textContent()).toBe('Signed in as Ada Lovelace');

    await page.locator('#settings-delete-password').fill('a brand new password');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await waitToSee(page.getByTestId('account-status').getByText('Your account is deleted.', { exact: false }), { timeout: 10_000 });
    expect(new URL(page.url()).pathname).toBe('/');
    await waitToSee(page.locator('[data-account-link="sign-in"]'));
    expect((await suite.stack.db.query('SELECT kind, email FROM users WHERE id = $1', [account.user.id])).rows).toEqual([{ kind: 'deleted', email: null }]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps the keyboard in the invitations after Decline or Join (the next invitation, then the heading), saying what was done in a live region', async () => {
    const email = `invited-${Date.now()}@example.org`;
    const account = await signUp(suite.stack, { email, password: PASSWORD, displayName: 'Hedy' });
    for (const title of ['Radio letters', 'Patent drafts']) {
      const project = await suite.stack.client.createProject({ title: `${title} ${Date.now()}` });
      await suite.stack.client.invite(project.id, { email, role: 'moderator' });
    }
    // In the order the page lists them.
    const [first, second] = (await suite.stack.anonymous.withToken(account.token).myInvitations()).invitations.map((invitation) => ({ id: invitation.projectId, title: invitation.projectTitle }));
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/account`);
    await waitToSee(page.getByTestId('invitations'), { timeout: 10_000 });
    const result = page.getByTestId('invitations-result');
    expect(await result.getAttribute('role')).toBe('status'); // on the page before anything is said in it, as a live region must be

    // Declined by keyboard: the keyboard goes on at the next invitation's Join, and the answer is said.
    await tabTo(page, `[data-project-id="${first!.id}"] .button-secondary`, 80);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(`Decline the invitation to ${first!.title}`);
    await page.keyboard.press('Enter');
    await waitToSee(result.getByText(`You declined to join ${first!.title}.`), { timeout: 10_000 });
    await waitForFocus(page, `[data-project-id="${second!.id}"] .button-primary`);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(`Join ${second!.title}`);
    // Joined, the last: the keyboard goes on from the section's heading, the answer said beneath it.
    await page.keyboard.press('Enter');
    await waitToSee(result.getByText(`You are now a moderator of ${second!.title}.`), { timeout: 10_000 });
    await waitForFocus(page, '#account-invitations-heading');
    expect(await page.getByText('No invitations wait for an answer.').count()).toBe(1);
    expect((await suite.stack.client.members(second!.id)).members.map((member) => member.userId)).toContain(account.user.id);
    expect(errors).toEqual([]);
  });

  it('deletes an account whose answer waits on the device for its project to reopen, discarding that answer and saying so', async () => {
    const email = `reopen-${Date.now()}@example.org`;
    const account = await signUp(suite.stack, { email, password: PASSWORD, displayName: 'Ada' });
    const { project, workflow, path } = await liveYesNoWorkflow(suite.stack, 'Closed before deletion', [textSubject(1), textSubject(2)]);
    await skipTutorial(suite.context, workflow.id);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}${path}`);
    await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    await suite.stack.client.updateProject(project.id, { status: 'draft' });
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('outbox-awaiting-reopen'), { timeout: 10_000 });

    await page.goto(`${suite.stack.baseUrl}/account`);
    await page.locator('#settings-delete-password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Delete my account' }).click();
    const said = page.getByTestId('account-status');
    await waitToSee(said.getByText('Your account is deleted.', { exact: false }), { timeout: 10_000 });
    expect(await said.textContent()).toContain('1 answer you gave, which waited on this device for its project to reopen, was discarded with it.');
    expect((await suite.stack.db.query('SELECT kind FROM users WHERE id = $1', [account.user.id])).rows).toEqual([{ kind: 'deleted' }]);
    expect(await answersKeptFor(page, workflow.id)).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sets a forgotten password from the sign-in page through the mailed link, which works once, and signs in with it', async () => {
    const email = `forgot-${Date.now()}@example.org`;
    await signUp(suite.stack, { email, password: PASSWORD, displayName: 'Ada' });
    await suite.stack.db.query("UPDATE users SET link_mailed_at = NULL WHERE email = $1", [email]); // the sign-up's link was a minute ago
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/sign-in`);
    await tabTo(page, 'a[href="/forgot-password"]');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('forgot-password'), { timeout: 10_000 });
    await page.locator('#forgot-email').fill('not an email');
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('forgot-email-error').textContent()).toBe('Enter an email address like name@example.org.');
    await page.locator('#forgot-email').fill(email);
    await page.keyboard.press('Enter');
    await waitToSee(page.getByRole('status').getByText(`If an account signs in with ${email}, we have mailed it a link`, { exact: false }), { timeout: 10_000 });
    await checkScreenOnPhone(page, 'forgot-password');

    const link = suite.stack.inbox.linkToken(await suite.stack.inbox.take(email, /new password/));
    // This device was signed in to the account, on a sign-in the server no longer takes: the page is drawn again as
    // the session ends, and keeps the link's token.
    const ended = await suite.stack.anonymous.login({ email, password: PASSWORD });
    await page.evaluate(({ token, user }) => {
      window.localStorage.setItem('chorus.token', `${token.slice(0, -4)}AAAA`);
      window.localStorage.setItem('chorus.tokenKind', 'registered');
      window.localStorage.setItem('chorus.user', JSON.stringify(user));
    }, ended);
    await page.goto(`${suite.stack.baseUrl}/reset-password#token=${link}`);
    // Refused before its time (its signature no longer holds): not said to have expired.
    await waitToSee(page.getByTestId('account-status').getByText('Your sign-in on this device was ended before it expired', { exact: false }), { timeout: 10_000 });
    await waitToSee(page.locator('#reset-new-password'), { timeout: 10_000 });
    expect(new URL(page.url()).hash).toBe(''); // the token is not kept in the address
    await checkScreen(page, 'reset-password');
    await page.locator('#reset-new-password').fill('short');
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('reset-new-password-error').textContent()).toBe('Use at least 8 characters.');
    await page.reload(); // say, the tab was discarded while the volunteer looked for a password: the link still works
    await waitToSee(page.locator('#reset-new-password'), { timeout: 10_000 });
    await page.locator('#reset-new-password').fill('a brand new password');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('account-status').getByText('Your new password is set, Ada, and you are signed in.'), { timeout: 10_000 });
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByTestId('account-name').textContent()).toBe('Signed in as Ada');
    await suite.stack.anonymous.login({ email, password: 'a brand new password' });
    // Back to the link's page: it says the link was used, not that it is broken.
    await page.goBack();
    await waitToSee(page.getByRole('status').getByText('You have set your password with this link already.', { exact: false }), { timeout: 10_000 });

    // The link is spent.
    await page.goto(`${suite.stack.baseUrl}/reset-password#token=${link}`);
    await page.locator('#reset-new-password').fill('yet another password');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByRole('alert').getByText('This link no longer works', { exact: false }), { timeout: 10_000 });

    // A link left for another page is forgotten: Back to it does not bring its form again.
    await suite.stack.db.query('UPDATE users SET link_mailed_at = NULL WHERE email = $1', [email]);
    await suite.stack.anonymous.requestPasswordReset(email);
    const left = suite.stack.inbox.linkToken(await suite.stack.inbox.take(email, /new password/));
    await page.goto(`${suite.stack.baseUrl}/reset-password#token=${left}`);
    await waitToSee(page.locator('#reset-new-password'), { timeout: 10_000 });
    expect(await page.getByRole('alert').getByText('This link no longer works', { exact: false }).count()).toBe(0);
    await page.getByRole('link', { name: 'Ask for a new link' }).click();
    await waitToSee(page.getByTestId('forgot-password'), { timeout: 10_000 });
    await page.goBack();
    await waitToSee(page.getByRole('alert').getByText('This link is incomplete', { exact: false }), { timeout: 10_000 });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('verifies the email through the mailed link (mailed again on request), then shows invitations, and changes the address through a link to the new one', async () => {
    const email = `verify-${Date.now()}@example.org`;
    const account = await unverifiedAccount(suite.stack, email, 'Ada', PASSWORD);
    const project = await suite.stack.client.createProject({ title: `Diaries ${Date.now()}` });
    await suite.stack.client.invite(project.id, { email, role: 'moderator' });
    // Stored as sessions were before they said whether the email is verified: the page finds out before it asks for
    // invitations, which the server refuses an unverified account.
    const { emailVerified: _, ...storedBefore } = account.user;
    const { page, errors } = await signedInPage(suite, { ...account, user: storedBefore as Session['user'] });
    const invitationAnswers: number[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/v1/account/invitations') invitationAnswers.push(response.status());
    });
    await page.goto(`${suite.stack.baseUrl}/account`);
    await waitToSee(page.getByTestId('email-unverified'), { timeout: 10_000 });
    expect(await page.getByTestId('invitations').count()).toBe(0);
    expect(await page.locator('[data-account-link="account"]').textContent()).toBe('Your account');
    await page.goto(suite.stack.baseUrl);
    await waitToSee(page.getByRole('heading', { level: 1, name: 'Projects' }), { timeout: 10_000 });
    expect(invitationAnswers).toEqual([]);
    await page.goto(`${suite.stack.baseUrl}/account`);
    await waitToSee(page.getByTestId('email-unverified'), { timeout: 10_000 });

    // The sign-up's link went less than a minute ago: the server says to wait.
    await page.getByRole('button', { name: 'Mail the link again' }).click();
    await waitToSee(page.getByRole('alert').getByText('less than a minute ago', { exact: false }), { timeout: 10_000 });
    await suite.stack.db.query('UPDATE users SET link_mailed_at = NULL WHERE id = $1', [account.user.id]);
    await page.getByRole('button', { name: 'Mail the link again' }).click();
    await waitToSee(page.getByTestId('account-status').getByText(`We mailed a new link to ${email}.`, { exact: false }), { timeout: 10_000 });
    await checkScreenOnPhone(page, 'account-email-unverified');
    await suite.stack.inbox.takeVerification(email);
    const link = suite.stack.inbox.linkToken(await suite.stack.inbox.takeVerification(email));

    await page.goto(`${suite.stack.baseUrl}/verify-email#token=${link}`);
    await waitToSee(page.getByRole('status').getByText(`Thank you: ${email} is verified.`, { exact: false }), { timeout: 10_000 });
    expect(new URL(page.url()).hash).toBe('');
    await checkScreen(page, 'verify-email');
    await page.reload(); // what the link did, again; not a link gone
    await waitToSee(page.getByRole('status').getByText(`Thank you: ${email} is verified.`, { exact: false }), { timeout: 10_000 });
    await page.getByRole('link', { name: 'Go to your account' }).click();
    await waitToSee(page.getByTestId('invitations'), { timeout: 10_000 });
    expect(await page.getByTestId('email-unverified').count()).toBe(0);
    expect(await page.locator('[data-account-link="account"]').textContent()).toBe('Your account (1 invitation)');
    expect(invitationAnswers.length).toBeGreaterThan(0);
    expect(invitationAnswers.filter((status) => status !== 200)).toEqual([]);

    const next = `verify-new-${Date.now()}@example.org`;
    await suite.stack.db.query('UPDATE users SET link_mailed_at = NULL WHERE id = $1', [account.user.id]);
    await page.locator('#settings-new-email').fill(next);
    await page.locator('#settings-email-password').fill('not my password');
    await page.getByRole('button', { name: 'Change email address' }).click();
    expect(await page.getByTestId('settings-email-password-error').textContent()).toBe('That is not your password.');
    await page.locator('#settings-email-password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Change email address' }).click();
    await waitToSee(page.getByTestId('account-status').getByText(`We mailed a link to ${next}.`, { exact: false }), { timeout: 10_000 });
    expect(await page.getByText(`You sign in with ${email}.`).count()).toBe(1);
    const change = suite.stack.inbox.linkToken(await suite.stack.inbox.take(next, /new email/));
    await page.goto(`${suite.stack.baseUrl}/verify-email#token=${change}`);
    await waitToSee(page.getByRole('status').getByText(`Thank you: ${next} is verified.`, { exact: false }), { timeout: 10_000 });
    await page.getByRole('link', { name: 'Go to your account' }).click();
    await waitToSee(page.getByText(`You sign in with ${next}.`), { timeout: 10_000 });

    // Another account's link opened here verifies its email, and does not say it is this account's.
    const other = `verify-other-${Date.now()}@example.org`;
    await suite.stack.anonymous.register({ email: other, password: PASSWORD, displayName: 'Grace' });
    const otherLink = suite.stack.inbox.linkToken(await suite.stack.inbox.takeVerification(other));
    await page.goto(`${suite.stack.baseUrl}/verify-email#token=${otherLink}`);
    await waitToSee(page.getByRole('status').getByText(`Thank you: ${other} is verified. Sign in with it`, { exact: false }), { timeout: 10_000 });
    expect(await page.getByRole('link', { name: 'Go to your account' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
