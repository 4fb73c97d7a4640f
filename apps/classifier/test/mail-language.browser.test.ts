import type { Page, Route } from 'playwright-core';
import { ACCOUNT_PASSWORD, newAccount } from '../../../test/support/accounts';
import { until } from '../../../test/support/waiting';
import { LANGUAGE_SEND_MS } from '../src/lib/sendTimes';
import { checkScreen, createAccountByForm, launchBrowser, leaveSignedIn, newcomerPage, signedInPage, tabTo, useStackAndBrowser, waitToSee } from './support/browser';

/**
 * The account's language, which its mails are worded in, follows the interface's: a volunteer who switches an English
 * browser's classifier to French and signs up is mailed in French; signed in, switching back to English keeps English,
 * however quickly they switched; an account takes at sign-in the language chosen before it in that tab, but neither
 * an earlier volunteer's choice over its own (nor, for an account with none, a choice only kept on the device), nor the
 * English an Italian browser falls back to; the account's page sets it, saying whether it was saved; a change that is
 * never answered holds the next one back a few seconds only, one refused leaves the device's choice as it was (none, if
 * it had none), and a change goes only to the account it was chosen for.
 */

jest.setTimeout(120_000);

async function choose(page: Page, language: string): Promise<void> {
  await page.locator(`.language-choice button[lang="${language}"]`).click();
  await page.waitForFunction((wanted) => document.documentElement.lang === wanted, language);
}

/** A wait the test ends when it likes: `promise` settles once `letGo` is called. */
function held(): { promise: Promise<void>; letGo: () => void } {
  let letGo: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (letGo = resolve));
  return { promise, letGo };
}

/** Signs in with the form; answers how many changes of the account (PATCH) the page sent, once the account's page is idle. */
async function signInThroughForm(page: Page, email: string): Promise<() => Promise<number>> {
  let changes = 0;
  page.on('request', (request) => {
    if (request.method() === 'PATCH' && request.url().endsWith('/api/v1/account')) changes += 1;
  });
  await page.locator('#sign-in-email').fill(email);
  await page.locator('#sign-in-password').fill(ACCOUNT_PASSWORD);
  await page.locator('[data-testid="sign-in"] button[type="submit"]').click();
  await waitToSee(page.getByTestId('account-name'), { timeout: 10_000 });
  return async () => {
    await page.goto(`${page.url().split('/').slice(0, 3).join('/')}/account`);
    await page.waitForLoadState('networkidle');
    return changes;
  };
}

describe('classifier in a browser: the language of the account’s mails', () => {
  const suite = useStackAndBrowser();
  const languageOf = async (email: string) => (await suite.stack.db.query<{ language: string | null }>('SELECT language FROM users WHERE email = $1', [email])).rows[0]?.language;

  it('is the interface’s at sign-up, and changes when the signed-in volunteer chooses another', async () => {
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/create-account`);
    await choose(page, 'fr'); // over the browser's English, which its Accept-Language says
    const email = `camille-${Date.now()}@example.org`;
    await createAccountByForm(page, { displayName: 'Camille', email }, 'Créer le compte');
    await waitToSee(page.getByRole('heading', { level: 1, name: 'Se connecter' }), { timeout: 10_000 });

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
    await signInThroughForm(page, account.email);
    await until(async () => (await languageOf(account.email)) === 'fr', 'the account’s language kept as French', 10_000);
    expect(errors).toEqual([]);
  });

  it('is not an earlier volunteer’s choice on the device, nor the English an Italian browser falls back to', async () => {
    const account = await newAccount(suite.stack, 'Emil');
    await account.client.changeAccount({ language: 'en' });
    const earlier = await newcomerPage(suite);
    await earlier.page.goto(`${suite.stack.baseUrl}/sign-in`);
    await choose(earlier.page, 'fr'); // kept on the device, in a tab since closed
    await earlier.page.close();
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/sign-in`);
    expect(await (await signInThroughForm(page, account.email))()).toBe(0);
    expect(await languageOf(account.email)).toBe('en');

    const none = await newAccount(suite.stack, 'Jonas');
    const italian = await launchBrowser({ locale: 'it-IT' });
    try {
      const italianPage = await italian.context.newPage();
      await italianPage.goto(`${suite.stack.baseUrl}/sign-in`);
      expect(await (await signInThroughForm(italianPage, none.email))()).toBe(0);
    } finally {
      await italian.close();
    }
    expect(await languageOf(none.email)).toBeNull();
    expect(errors).toEqual([]);
  });

  it('is not a choice left on the device by an earlier volunteer, for an account that has none: the browser’s', async () => {
    const account = await newAccount(suite.stack, 'Grete');
    const earlier = await newcomerPage(suite);
    await earlier.page.goto(`${suite.stack.baseUrl}/sign-in`);
    await choose(earlier.page, 'fr'); // kept on the device (the interface stays French), in a tab since closed
    await earlier.page.close();
    const page = await suite.context.newPage(); // the same browser, as the earlier volunteer left it
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${suite.stack.baseUrl}/sign-in`);
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    await signInThroughForm(page, account.email);
    await until(async () => (await languageOf(account.email)) != null, 'the account’s language kept');
    expect(await languageOf(account.email)).toBe('en'); // the browser's (its Accept-Language), not the French left behind
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is set on the account’s page, which shows it, switches to it at once and says whether it was saved', async () => {
    const account = await newAccount(suite.stack, 'Hedda');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: account.email, password: ACCOUNT_PASSWORD }));
    await page.goto(`${suite.stack.baseUrl}/account`);
    const setting = page.getByLabel('Language Chorus speaks to you');
    await waitToSee(setting);
    expect(await setting.inputValue()).toBe(''); // none yet: mails in English
    expect(await setting.locator('option:checked').textContent()).toBe('Not chosen (mails in English)');
    await tabTo(page, '#settings-language');
    await setting.selectOption('fr');
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    const status = page.getByRole('status').filter({ hasText: 'Langue enregistrée' });
    await waitToSee(status);
    expect(await languageOf(account.email)).toBe('fr');
    expect(await page.getByLabel('Langue dans laquelle Chorus vous parle').inputValue()).toBe('fr');
    await checkScreen(page, 'account-language-saved');

    // Shown as the server has it, on the page opened anew.
    await page.reload();
    await waitToSee(page.getByLabel('Langue dans laquelle Chorus vous parle'));
    expect(await page.getByLabel('Langue dans laquelle Chorus vous parle').inputValue()).toBe('fr');

    // Refused: said so, and the account's language shown is still the one it has, which the interface speaks again.
    await page.route('**/api/v1/account', (route) => (route.request().method() === 'PATCH' ? route.fulfill({ status: 503 }) : route.continue()));
    await page.getByLabel('Langue dans laquelle Chorus vous parle').selectOption('en');
    await waitToSee(page.getByRole('status').filter({ hasText: 'Non enregistré\u00a0:' }));
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    expect(await page.getByLabel('Langue dans laquelle Chorus vous parle').inputValue()).toBe('fr');
    expect(await languageOf(account.email)).toBe('fr');
    expect(errors).toEqual([]);
  });

  it('leaves the device as it was when a change on the account’s page is refused: the browser’s language, none chosen', async () => {
    const account = await newAccount(suite.stack, 'Liv');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: account.email, password: ACCOUNT_PASSWORD }));
    await page.route('**/api/v1/account', (route) => (route.request().method() === 'PATCH' ? route.fulfill({ status: 503 }) : route.continue()));
    await page.goto(`${suite.stack.baseUrl}/account`);
    await page.locator('#settings-language').selectOption('fr');
    await waitToSee(page.getByRole('status').filter({ hasText: 'Not saved:' }));
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    // Nothing kept as chosen on the device: the interface goes on following the browser's language.
    expect(await page.evaluate(() => window.localStorage.getItem('chorus.language'))).toBeNull();
    expect(await languageOf(account.email)).toBeNull();
    expect(errors).toEqual([]);
  });

  it('puts the device back as it was when a change to a language whose catalogue is still on its way, or never comes, is refused', async () => {
    const frenchCatalogue = /\/assets\/fr-[^/]+\.js$/;
    for (const catalogue of ['on its way', 'out of reach'] as const) {
      const account = await newAccount(suite.stack, 'Noor');
      const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: account.email, password: ACCOUNT_PASSWORD }));
      const arrives = held();
      await page.route(frenchCatalogue, async (route) => {
        if (catalogue === 'out of reach') return route.abort('internetdisconnected');
        await arrives.promise;
        await route.continue();
      });
      // Refused while the catalogue is on its way; or once the page has given up on it and gone on in English.
      const givenUp = held();
      page.on('requestfailed', (request) => frenchCatalogue.test(request.url()) && setTimeout(givenUp.letGo, 300));
      await page.route('**/api/v1/account', async (route) => {
        if (route.request().method() !== 'PATCH') return route.continue();
        if (catalogue === 'out of reach') await givenUp.promise;
        await route.fulfill({ status: 503 });
      });
      await page.goto(`${suite.stack.baseUrl}/account`);
      await page.locator('#settings-language').selectOption('fr');
      await waitToSee(page.getByRole('status').filter({ hasText: 'Not saved:' }));
      arrives.letGo();
      await page.waitForTimeout(300); // the catalogue, had it been waited for, read meanwhile
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      expect(await page.evaluate(() => window.localStorage.getItem('chorus.language'))).toBeNull();
      expect(await page.locator('#settings-language').inputValue()).toBe('');
      expect(await languageOf(account.email)).toBeNull();
      expect(errors.filter((error) => !error.includes('503'))).toEqual([]);
      await page.close();
    }
  });

  it('puts back the language settled before two quick changes that are both refused', async () => {
    const account = await newAccount(suite.stack, 'Mira');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: account.email, password: ACCOUNT_PASSWORD }));
    const english = held();
    // Both refused; the French only once the English is chosen too.
    await page.route('**/api/v1/account', async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      if (route.request().postDataJSON().language === 'fr') await english.promise;
      await route.fulfill({ status: 503 });
    });
    await page.goto(`${suite.stack.baseUrl}/account`);
    const setting = page.locator('#settings-language');
    await setting.selectOption('fr');
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    await setting.selectOption('en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    english.letGo();
    await waitToSee(page.getByRole('status').filter({ hasText: 'Not saved:' }));
    // As before the changes: the browser's English, none chosen on the device, the account's language none.
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.evaluate(() => window.localStorage.getItem('chorus.language'))).toBeNull();
    expect(await setting.inputValue()).toBe('');
    expect(await languageOf(account.email)).toBeNull();
    expect(errors.filter((error) => !error.includes('503'))).toEqual([]);
  });

  it('keeps a language chosen in the footer meanwhile when a change on the account’s page is refused', async () => {
    const account = await newAccount(suite.stack, 'Noor');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: account.email, password: ACCOUNT_PASSWORD }));
    const french = held();
    // The French held, then refused; the footer's English goes after it.
    await page.route('**/api/v1/account', async (route) => {
      if (route.request().method() !== 'PATCH' || route.request().postDataJSON().language !== 'fr') return route.continue();
      await french.promise;
      await route.fulfill({ status: 503 });
    });
    await page.goto(`${suite.stack.baseUrl}/account`);
    const setting = page.locator('#settings-language');
    await setting.selectOption('fr');
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    await choose(page, 'en');
    french.letGo();
    await waitToSee(page.getByRole('status').filter({ hasText: 'Not saved:' }));
    // The footer's choice, kept on the device (not put back to none, the browser's); the account's language as it was.
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.evaluate(() => window.localStorage.getItem('chorus.language'))).toBe('en');
    expect(await setting.inputValue()).toBe('');
    expect(errors.filter((error) => !error.includes('503'))).toEqual([]);
  });

  /**
   * `steps` on the account's page of a new account (none chosen), in a browser of its own whose clock the test runs on
   * through the waits of the page (`LANGUAGE_SEND_MS`: a change goes that long after one not answered); each change of
   * the account's language (PATCH) is answered by `answer`, given its route and how many were sent before it.
   */
  const onAccountPage = async (name: string, answer: (route: Route, sentBefore: number) => Promise<void>, steps: (page: Page, email: string) => Promise<void>) => {
    const account = await newAccount(suite.stack, name);
    const device = await launchBrowser();
    try {
      const { page, errors } = await signedInPage({ stack: suite.stack, context: device.context }, await suite.stack.anonymous.login({ email: account.email, password: ACCOUNT_PASSWORD }));
      await page.clock.install();
      let sent = 0;
      await page.route('**/api/v1/account', (route) => (route.request().method() === 'PATCH' ? answer(route, sent++) : route.continue()));
      await page.goto(`${suite.stack.baseUrl}/account`);
      await waitToSee(page.locator('#settings-language'));
      await steps(page, account.email);
      expect(errors.filter((error) => !error.includes('503'))).toEqual([]);
    } finally {
      await device.close();
    }
  };
  const refuse = (route: Route) => route.fulfill({ status: 503 });
  /** Chooses `language` on the account's page; answers once the interface speaks it. */
  const select = async (page: Page, language: string) => {
    await page.locator('#settings-language').selectOption(language);
    await page.waitForFunction((wanted) => document.documentElement.lang === wanted, language);
  };
  const deviceLanguage = (page: Page) => page.evaluate(() => ({ spoken: document.documentElement.lang, chosen: window.localStorage.getItem('chorus.language') }));

  /** Chooses French then English on the account's page: the English, sent once the French waited its longest, saved. */
  const englishSavedAfterFrench = async (page: Page, email: string) => {
    await select(page, 'fr');
    await select(page, 'en');
    await page.clock.runFor(LANGUAGE_SEND_MS);
    await waitToSee(page.getByRole('status').filter({ hasText: 'Language saved' }));
    expect(await languageOf(email)).toBe('en');
  };

  it('shows an earlier change saved after the latest was refused, and says it saved: the account’s language', async () => {
    const french = held();
    // The French held; the English, sent after it waited its longest, refused.
    await onAccountPage('Oona', async (route, before) => (before === 0 ? french.promise.then(() => route.continue()) : refuse(route)), async (page, email) => {
      await select(page, 'fr');
      await select(page, 'en');
      await page.clock.runFor(LANGUAGE_SEND_MS);
      await waitToSee(page.getByRole('status').filter({ hasText: 'Not saved:' }));
      expect(await page.locator('#settings-language').inputValue()).toBe('');
      french.letGo();
      await until(async () => (await page.locator('#settings-language').inputValue()) === 'fr', 'the French saved shown');
      // Said saved (in the French it speaks again): the save answered last, not the refusal before it.
      await waitToSee(page.getByRole('status').filter({ hasText: 'Langue enregistrée' }), { timeout: 5_000 });
      expect(await languageOf(email)).toBe('fr');
      // The interface and the device as the French left them, before the English was chosen.
      expect(await deviceLanguage(page)).toEqual({ spoken: 'fr', chosen: 'fr' });
    });
  });

  it('goes back, when the latest change is refused, to the latest saved, not to an earlier one answered after it', async () => {
    const french = held();
    let frenchAnswered = false;
    const third = held();
    // The French saved at once but answered late, after the English saved; the third change refused after that.
    const answer = async (route: Route, before: number) => {
      if (before === 1) return route.continue();
      if (before > 1) return third.promise.then(() => refuse(route));
      const response = await route.fetch();
      await french.promise;
      await route.fulfill({ response });
      frenchAnswered = true;
    };
    await onAccountPage('Pia', answer, async (page, email) => {
      await englishSavedAfterFrench(page, email);
      await select(page, 'fr');
      french.letGo();
      await until(async () => frenchAnswered, 'the French answered');
      await page.evaluate(() => undefined); // the page has read that answer
      third.letGo();
      await waitToSee(page.getByRole('status').filter({ hasText: /Not saved:|Non enregistré\u00a0:/ }));
      expect(await page.locator('#settings-language').inputValue()).toBe('en');
      expect(await deviceLanguage(page)).toEqual({ spoken: 'en', chosen: 'en' });
    });
  });

  it('goes back, when the latest change is refused, to the device’s language as chosen in the footer after the last save, an earlier change never answered', async () => {
    // The French never answered; the English, sent after it waited its longest, saved; all after refused.
    await onAccountPage('Rhea', (route, before) => (before === 0 ? new Promise<void>(() => undefined) : before === 1 ? route.continue() : refuse(route)), async (page, email) => {
      await englishSavedAfterFrench(page, email);
      await choose(page, 'fr');
      await select(page, 'fr');
      await waitToSee(page.getByRole('status').filter({ hasText: /Not saved:|Non enregistré\u00a0:/ }));
      expect(await page.locator('#settings-language').inputValue()).toBe('en');
      expect(await deviceLanguage(page)).toEqual({ spoken: 'fr', chosen: 'fr' });
    });
  });

  it('speaks the language chosen last when an earlier change is refused after it', async () => {
    const account = await newAccount(suite.stack, 'Kaisa');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: account.email, password: ACCOUNT_PASSWORD }));
    await page.goto(`${suite.stack.baseUrl}/account`);
    const french = held();
    // The first change (French), tried again as often as the page does, is refused; those after it are saved.
    let englishSent = false;
    await page.route('**/api/v1/account', async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      englishSent ||= route.request().postDataJSON().language === 'en';
      if (englishSent) return route.continue();
      await french.promise;
      await route.fulfill({ status: 503 });
    });
    const setting = page.locator('#settings-language');
    await waitToSee(setting);
    const select = async (language: string) => {
      await setting.selectOption(language);
      await page.waitForFunction((wanted) => document.documentElement.lang === wanted, language);
    };
    await select('fr'); // refused, once two more changes are chosen
    await select('en');
    await select('fr');
    french.letGo();
    await until(async () => (await languageOf(account.email)) === 'fr', 'the last change saved', 10_000);
    await waitToSee(page.getByRole('status').filter({ hasText: 'Langue enregistrée' }));
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    expect(errors.filter((error) => !error.includes('503'))).toEqual([]);
  });

  it('goes on after a change that never answers, and never to the account that signed in after it was chosen', async () => {
    const [first, second] = [await newAccount(suite.stack, 'Ines'), await newAccount(suite.stack, 'Jules')];
    await second.client.changeAccount({ language: 'fr' });
    const secondSession = await suite.stack.anonymous.login({ email: second.email, password: ACCOUNT_PASSWORD });
    // In a browser of its own: the test runs its clock on through the waits of the page, and no later test gets it.
    const device = await launchBrowser();
    try {
      const { page, errors } = await signedInPage({ stack: suite.stack, context: device.context }, await suite.stack.anonymous.login({ email: first.email, password: ACCOUNT_PASSWORD }));
      await page.clock.install();
      await page.goto(`${suite.stack.baseUrl}/account`);
      const held: Route[] = []; // each first change of a pair: no answer until let go
      const changes: { language: string; by: string | undefined }[] = []; // every change sent, as whom
      await page.route('**/api/v1/account', async (route) => {
        if (route.request().method() !== 'PATCH') return route.continue();
        changes.push({ language: route.request().postDataJSON().language, by: route.request().headers().authorization });
        if (route.request().postDataJSON().language === 'fr') held.push(route);
        else await route.continue();
      });
      await choose(page, 'fr');
      await choose(page, 'en');
      await page.clock.runFor(LANGUAGE_SEND_MS); // the longest a change waits for the one before
      await until(async () => (await languageOf(first.email)) === 'en', 'English sent after the unanswered French', 10_000);

      await choose(page, 'fr');
      await choose(page, 'en'); // waits behind French, while another volunteer signs in on this device
      await until(async () => held.length === 2, 'French sent again');
      const elsewhere = await device.context.newPage();
      await elsewhere.goto(`${suite.stack.baseUrl}/api/v1/health`);
      await leaveSignedIn(elsewhere, secondSession);
      await waitToSee(page.getByTestId('account-name').filter({ hasText: 'Jules' }));
      const before = changes.length;
      await Promise.all(held.map((route) => route.continue()));
      await page.clock.runFor(LANGUAGE_SEND_MS); // past the longest the English waits
      // A change chosen now goes once the English is done with: what the page sent in between, it sent before it.
      await choose(page, 'fr');
      await until(async () => changes.length > before, 'the next change sent');
      expect(changes.slice(before)).toEqual([{ language: 'fr', by: `Bearer ${secondSession.token}` }]);
      expect(await languageOf(second.email)).toBe('fr');
      expect(errors).toEqual([]);
    } finally {
      await device.close();
    }
  });
});
