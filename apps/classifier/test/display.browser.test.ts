import type { Page } from 'playwright-core';
import { ACCOUNT_PASSWORD, newAccount } from '../../../test/support/accounts';
import { until } from '../../../test/support/waiting';
import { checkScreen, createAccountByForm, inWindowOf, launchBrowser, newcomerPage, openWorkflow, PHONE_WINDOW, signedInPage, signInByKeyboard, tabTo, useStackAndBrowser, waitForFocus, waitForTask, waitToSee } from './support/browser';

/**
 * The display a volunteer chooses, by keyboard, from the header's Display button (a guest too) or the account's page:
 * Dark shows the dark palette with the browser's own controls dark (`color-scheme`), from the first paint of the next
 * visit, its quieter text as strong as the rest on a device asking for more contrast; Larger grows the text of the whole interface, a transcription's task and fields too, and nothing gets wider
 * than a phone; signed in, the choice follows the account to another browser, where it wins over that one's (an account
 * without one is not given a choice only kept on that browser, but takes one a guest made in the tab it signs up or in
 * from), unless the volunteer chose another while the sign-in was answered.
 */

jest.setTimeout(120_000);

/** The dark palette's canvas (`--canvas` of `:root[data-theme='dark']`), as the browser computes it. */
const DARK_CANVAS = 'rgb(19, 21, 24)';
const LIGHT_CANVAS = 'rgb(244, 245, 247)';

const looks = (page: Page) =>
  page.evaluate(() => {
    const root = getComputedStyle(document.documentElement);
    return { background: root.backgroundColor, colorScheme: root.colorScheme, fontSize: root.fontSize };
  });

/** Opens the header's Display button by keyboard, and answers with focus on the theme's choice now checked. */
async function openDisplayByKeyboard(page: Page): Promise<void> {
  await tabTo(page, '[data-testid="display-button"]');
  await page.keyboard.press('Enter');
  expect(await page.getByTestId('display-button').getAttribute('aria-expanded')).toBe('true');
  await page.keyboard.press('Tab');
  await waitForFocus(page, '.display-panel input[value="device"]');
}

/** Elements wider than the window, and whether the page scrolls sideways. */
const widerThanWindow = (page: Page) =>
  page.evaluate(() => ({
    scrolls: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    wider: [...document.querySelectorAll('body *')].filter((element) => element.getBoundingClientRect().width > window.innerWidth + 0.5).map((element) => element.className || element.tagName),
  }));

describe('classifier in a browser: the display', () => {
  const suite = useStackAndBrowser();

  it('is chosen by keyboard from the header by a guest: Dark and Large show at once and from the first paint of the next visit', async () => {
    const { page, errors } = await newcomerPage(suite);
    await page.goto(suite.stack.baseUrl);
    await waitToSee(page.getByRole('heading', { level: 1 }));
    expect(await looks(page)).toMatchObject({ background: LIGHT_CANVAS, colorScheme: 'light' });

    await openDisplayByKeyboard(page);
    // Arrow keys move through a group of radio buttons, checking each: As my device → Light → Dark.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await waitForFocus(page, '.display-panel input[value="dark"]:checked');
    expect(await looks(page)).toMatchObject({ background: DARK_CANVAS, colorScheme: 'dark' });
    await checkScreen(page, 'display-dark-menu');
    await tabTo(page, '.display-panel input[value="normal"]');
    await page.keyboard.press('ArrowDown');
    await waitForFocus(page, '.display-panel input[value="large"]:checked');
    // Escape closes the choices and gives focus back to the button.
    await page.keyboard.press('Escape');
    await waitForFocus(page, '[data-testid="display-button"]');
    expect(await page.locator('.display-panel').isHidden()).toBe(true);

    // The next visit is dark before the app's script runs: index.html's own script sets it, with the styles.
    await page.route('**/assets/*.js', (route) => route.abort());
    await page.reload();
    expect(await looks(page)).toMatchObject({ background: DARK_CANVAS, colorScheme: 'dark', fontSize: '20px' });
    await page.unroute('**/assets/*.js');
    await page.reload();
    await waitToSee(page.getByRole('heading', { level: 1 }));
    expect(await looks(page)).toMatchObject({ background: DARK_CANVAS, colorScheme: 'dark' });
    expect(await page.locator('.display-panel input[value="dark"]').isChecked()).toBe(true);

    // A device asking for more contrast: the quieter text is as strong as the rest, in the dark theme too.
    const leadAndBody = () => page.evaluate(() => [getComputedStyle(document.querySelector('.lead')!).color, getComputedStyle(document.body).color]);
    const [quiet, body] = await leadAndBody();
    expect(quiet).not.toBe(body);
    await page.emulateMedia({ contrast: 'more' });
    const [strong, same] = await leadAndBody();
    await page.emulateMedia({ contrast: null });
    expect(strong).toBe(same);
    expect(errors).toEqual([]);
  });

  it('grows every text with Larger, a transcription’s too, and nothing gets wider than a phone', async () => {
    const { page } = await openWorkflow(
      suite,
      'Larger text',
      [{ externalId: 'letter', locations: [{ type: 'text', text: 'Dear Sir,\nThe parcel arrived on Tuesday, with the seeds and a letter from the botanist.' }] }],
      { name: 'Transcribe', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Transcribe every line of the letter, as it is written.', mode: 'lines' } } },
    );
    // From the device's own display: the suite's earlier tests chose others in this browser.
    await page.evaluate(() => localStorage.removeItem('chorus.display'));
    await page.reload();
    await waitForTask(page, 'transcription');
    const sizes = () =>
      page.evaluate(() => ({
        root: getComputedStyle(document.documentElement).fontSize,
        field: getComputedStyle(document.querySelector('.transcription-lines input')!).fontSize,
      }));
    const normal = await sizes();
    expect(normal.root).toBe('16px');

    await page.locator('[data-testid="display-button"]').focus();
    await page.keyboard.press('Enter');
    await tabTo(page, '.display-panel input[value="normal"]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await waitForFocus(page, '.display-panel input[value="larger"]:checked');
    await page.keyboard.press('Escape');
    const larger = await sizes();
    expect(Number.parseFloat(larger.root)).toBeGreaterThanOrEqual(1.4 * 16);
    expect(Number.parseFloat(larger.field)).toBeGreaterThanOrEqual(1.4 * Number.parseFloat(normal.field));

    expect(await inWindowOf(page, PHONE_WINDOW, () => widerThanWindow(page))).toEqual({ scrolls: false, wider: [] });
    // The choices open on a phone too, within its width.
    await page.setViewportSize(PHONE_WINDOW);
    await page.locator('[data-testid="display-button"]').click();
    expect(await widerThanWindow(page)).toEqual({ scrolls: false, wider: [] });
    await checkScreen(page, 'display-larger-transcription');
  });

  it('chosen by a guest, goes into the account the guest creates, and into one without any the guest signs in to', async () => {
    const { page, errors } = await newcomerPage(suite);
    await page.goto(suite.stack.baseUrl);
    await waitToSee(page.getByRole('heading', { level: 1 }));
    await openDisplayByKeyboard(page);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await waitForFocus(page, '.display-panel input[value="dark"]:checked');
    await page.keyboard.press('Escape');

    await page.goto(`${suite.stack.baseUrl}/create-account`);
    const email = `dusk-${Date.now()}@example.org`;
    await createAccountByForm(page, { displayName: 'Dusk', email });
    await waitToSee(page.getByRole('heading', { level: 1, name: 'Sign in' }), { timeout: 10_000 });
    await suite.stack.anonymous.verifyEmail(suite.stack.inbox.linkToken(await suite.stack.inbox.take(email)));
    const stored = async (address: string) => (await suite.stack.db.query('SELECT display FROM users WHERE email = $1', [address])).rows[0]?.display;
    expect(await stored(email)).toEqual({ theme: 'dark', textSize: 'normal' });

    const other = await launchBrowser();
    try {
      const elsewhere = await other.context.newPage();
      await elsewhere.goto(suite.stack.baseUrl);
      await waitToSee(elsewhere.getByRole('heading', { level: 1 }));
      expect(await looks(elsewhere)).toMatchObject({ background: LIGHT_CANVAS });
      await signInByKeyboard(elsewhere, { email, password: ACCOUNT_PASSWORD });
      await elsewhere.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
      expect(await looks(elsewhere)).toMatchObject({ background: DARK_CANVAS, colorScheme: 'dark' });

      // Light chosen while the account is still being asked for at the next sign-in: its older Dark does not undo it.
      await elsewhere.evaluate(() => {
        for (const key of ['chorus.token', 'chorus.tokenKind', 'chorus.user']) window.localStorage.removeItem(key);
      });
      await elsewhere.reload();
      let letGo: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (letGo = resolve));
      // The account as the server has it at the sign-in (Dark), answered only once Light is chosen.
      await elsewhere.route('**/api/v1/account', async (route) => {
        if (route.request().method() !== 'GET') return route.continue();
        const response = await route.fetch();
        await held;
        return route.fulfill({ response });
      });
      await signInByKeyboard(elsewhere, { email, password: ACCOUNT_PASSWORD });
      await elsewhere.getByTestId('display-button').click();
      await elsewhere.locator('.display-panel input[value="light"]').check();
      const answered = elsewhere.waitForResponse((response) => response.url().endsWith('/api/v1/account') && response.request().method() === 'GET');
      letGo();
      await answered;
      await until(async () => (await stored(email))?.theme === 'light', 'the account keeps Light');
      expect(await looks(elsewhere)).toMatchObject({ background: LIGHT_CANVAS, colorScheme: 'light' });
    } finally {
      await other.close();
    }

    // Still a guest in the tab where Dark was chosen: an account without a display of its own takes it at sign-in.
    const dawn = await newAccount(suite.stack, 'Dawn');
    await page.goto(suite.stack.baseUrl);
    await signInByKeyboard(page, { email: dawn.email, password: ACCOUNT_PASSWORD });
    await until(async () => (await dawn.client.account()).display?.theme === 'dark', 'the account takes the guest’s Dark');
    expect((await dawn.client.account()).display).toEqual({ theme: 'dark', textSize: 'normal' });
    expect(errors).toEqual([]);
  });

  it('opens within a signed-in volunteer’s phone at Larger', async () => {
    const account = await newAccount(suite.stack, 'Pocket');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: account.email, password: ACCOUNT_PASSWORD }));
    // The narrowest phone the interface is made for.
    await page.setViewportSize({ width: 320, height: 640 });
    await page.evaluate(() => window.localStorage.setItem('chorus.display', JSON.stringify({ theme: 'device', textSize: 'larger' })));
    await page.goto(suite.stack.baseUrl);
    await waitToSee(page.getByTestId('account-nav'));
    await page.getByTestId('display-button').click();
    await waitToSee(page.locator('.display-panel'));
    expect(await page.evaluate(() => [document.documentElement.dataset.textSize, document.querySelector('[data-testid="account-name"]') !== null])).toEqual(['larger', true]);
    const outside = await page.evaluate(() =>
      [document.querySelector('.display-panel')!, ...document.querySelectorAll('.display-panel *')]
        .filter((element) => {
          const box = element.getBoundingClientRect();
          return box.left < 0 || box.right > window.innerWidth;
        })
        .map((element) => element.className || element.tagName),
    );
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('follows a signed-in volunteer to another browser, over that one’s own choice; an account without one takes none from a browser', async () => {
    const account = await newAccount(suite.stack, 'Night');
    const { page } = await signedInPage(suite, await suite.stack.anonymous.login({ email: account.email, password: ACCOUNT_PASSWORD }));
    await page.goto(`${suite.stack.baseUrl}/account`);
    const section = page.locator('section[aria-labelledby="account-display"]');
    await waitToSee(section);
    await tabTo(page, '#main section[aria-labelledby="account-display"] input[value="device"]', 80);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await looks(page)).toMatchObject({ background: DARK_CANVAS, colorScheme: 'dark' });
    const stored = async () => (await suite.stack.db.query('SELECT display FROM users WHERE id = $1', [account.id])).rows[0]?.display;
    await until(async () => (await stored())?.theme === 'dark', 'the account keeps Dark');
    expect(await stored()).toEqual({ theme: 'dark', textSize: 'normal' });

    const other = await launchBrowser();
    try {
      const elsewhere = await other.context.newPage();
      await elsewhere.goto(suite.stack.baseUrl);
      await elsewhere.evaluate(() => window.localStorage.setItem('chorus.display', JSON.stringify({ theme: 'light', textSize: 'large' })));
      await elsewhere.reload();
      await waitToSee(elsewhere.getByRole('heading', { level: 1 }));
      expect(await looks(elsewhere)).toMatchObject({ background: LIGHT_CANVAS, fontSize: '20px' });
      // An account with none keeps this browser's as it is, and is not sent it: not chosen in this tab, it may be another volunteer's.
      const newcomer = await newAccount(suite.stack, 'Day');
      await signInByKeyboard(elsewhere, { email: newcomer.email, password: ACCOUNT_PASSWORD });
      await elsewhere.waitForLoadState('networkidle');
      expect(await looks(elsewhere)).toMatchObject({ background: LIGHT_CANVAS, fontSize: '20px' });
      expect((await newcomer.client.account()).display).toBeNull();
      // Signed out here as if the session had never been (the session's keys gone): a guest again, the display kept.
      await elsewhere.evaluate(() => {
        for (const key of ['chorus.token', 'chorus.tokenKind', 'chorus.user']) window.localStorage.removeItem(key);
      });
      await elsewhere.reload();
      await waitToSee(elsewhere.locator('[data-account-link="sign-in"]'));
      await signInByKeyboard(elsewhere, { email: account.email, password: ACCOUNT_PASSWORD });
      await elsewhere.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
      expect(await looks(elsewhere)).toMatchObject({ background: DARK_CANVAS, colorScheme: 'dark', fontSize: '16px' });
    } finally {
      await other.close();
    }
  });
});
