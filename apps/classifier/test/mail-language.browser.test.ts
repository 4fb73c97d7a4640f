import type { Page } from 'playwright-core';
import { ACCOUNT_PASSWORD, newAccount } from '../../../test/support/accounts';
import { until } from '../../../test/support/waiting';
import { newcomerPage, signedInPage, useStackAndBrowser } from './support/browser';

/**
 * The account's language, which its mails are worded in, follows the interface's: a volunteer who switches an English
 * browser's classifier to French and signs up is mailed in French; signed in, switching back to English keeps English,
 * however quickly they switched; an account without the language chosen on the device takes it at sign-in.
 */

jest.setTimeout(120_000);

async function choose(page: Page, language: string): Promise<void> {
  await page.locator(`.language-choice button[lang="${language}"]`).click();
  await page.waitForFunction((wanted) => document.documentElement.lang === wanted, language);
}

describe('classifier in a browser: the language of the account’s mails', () => {
  const suite = useStackAndBrowser();
  const languageOf = async (email: string) => (await suite.stack.db.query<{ language: string | null }>('SELECT language FROM users WHERE email = $1', [email])).rows[0]?.language;

  it('is the interface’s at sign-up, and changes when the signed-in volunteer chooses another', async () => {
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/create-account`);
    await choose(page, 'fr'); // over the browser's English, which its Accept-Language says
    const email = `camille-${Date.now()}@example.org`;
    await page.locator('#account-name').fill('Camille');
    await page.locator('#account-email').fill(email);
    await page.locator('#account-password').fill(ACCOUNT_PASSWORD);
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await page.getByRole('heading', { level: 1, name: 'Se connecter' }).waitFor({ timeout: 10_000 });

    const mail = await suite.stack.inbox.take(email);
    expect(mail.subject).toBe('Vérifiez votre adresse électronique pour Chorus');
    expect(await languageOf(email)).toBe('fr');

    await suite.stack.anonymous.verifyEmail(suite.stack.inbox.linkToken(mail));
    const account = await suite.stack.anonymous.login({ email, password: ACCOUNT_PASSWORD });
    const signedIn = await signedInPage(suite, account);
    await signedIn.page.goto(`${suite.stack.baseUrl}/account`);
    // French then English at once, the first change slower to reach the server: English is the one kept.
    let sent = 0;
    let answered = 0;
    await signedIn.page.route('**/api/v1/account', async (route) => {
      if (route.request().method() === 'PATCH' && ++sent === 1) await new Promise((resolve) => setTimeout(resolve, 500));
      await route.continue();
    });
    signedIn.page.on('response', (response) => {
      if (response.request().method() === 'PATCH') answered += 1;
    });
    await choose(signedIn.page, 'fr');
    await choose(signedIn.page, 'en');
    await until(async () => answered === 2, 'both changes answered', 10_000);
    expect(await languageOf(email)).toBe('en');
    expect([...errors, ...signedIn.errors]).toEqual([]);
  });

  it('is the one chosen on the device, for an account that had none, once it signs in', async () => {
    const account = await newAccount(suite.stack, 'Dominique');
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/sign-in`);
    await choose(page, 'fr'); // as a guest: nothing to send yet
    await page.locator('#sign-in-email').fill(account.email);
    await page.locator('#sign-in-password').fill(ACCOUNT_PASSWORD);
    await page.locator('[data-testid="sign-in"] button[type="submit"]').click();
    await page.getByTestId('account-name').waitFor({ timeout: 10_000 });
    await until(async () => (await languageOf(account.email)) === 'fr', 'the account’s language kept as French', 10_000);
    expect(errors).toEqual([]);
  });
});
