import type { Page } from 'playwright-core';
import { until } from '../../../test/support/waiting';
import { newcomerPage, signedInPage, useStackAndBrowser } from './support/browser';

/**
 * The account's language, which its mails are worded in, follows the interface's: a volunteer who switches an English
 * browser's classifier to French and signs up is mailed in French; signed in, switching back to English keeps English.
 */

jest.setTimeout(120_000);

const PASSWORD = 'a long enough password';

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
    await page.locator('#account-password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await page.getByRole('heading', { level: 1, name: 'Se connecter' }).waitFor({ timeout: 10_000 });

    const mail = await suite.stack.inbox.take(email);
    expect(mail.subject).toBe('Vérifiez votre adresse électronique pour Chorus');
    expect(await languageOf(email)).toBe('fr');

    await suite.stack.anonymous.verifyEmail(suite.stack.inbox.linkToken(mail));
    const account = await suite.stack.anonymous.login({ email, password: PASSWORD });
    const signedIn = await signedInPage(suite, account);
    await signedIn.page.goto(`${suite.stack.baseUrl}/account`);
    await choose(signedIn.page, 'en');
    await until(async () => (await languageOf(email)) === 'en', 'the account’s language kept as English', 10_000);
    expect([...errors, ...signedIn.errors]).toEqual([]);
  });
});
