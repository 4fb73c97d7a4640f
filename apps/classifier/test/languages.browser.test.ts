import { LANGUAGES } from '@chorus/client';
import type { Page } from 'playwright-core';
import { answerByKey, launchBrowser, launchBrowsers, liveYesNoWorkflow, newcomerPage, screenshots, seriousViolations, skipTutorial, tabTo, useStackAndBrowser, waitForTask, waitToSee } from './support/browser';

/**
 * The interface in the volunteer's language: a browser that prefers French gets the classify page in French (one that
 * prefers Austrian German, in German), and the footer's language choice, by keyboard, switches it to English and back,
 * dates included; the choice is kept on this device, over the browser's preference, across a reload. What the page last
 * said in its live region is said again in the language switched to.
 */

jest.setTimeout(120_000);

const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);
/** The footer's button for `language`, which is named in its own words. */
const choice = (language: string) => `.language-choice button[lang="${language}"]`;

/** Moves to the footer's button for `language` by keyboard and presses it; resolves once the page is in that language. */
async function chooseByKeyboard(page: Page, language: string): Promise<void> {
  await tabTo(page, choice(language), 60);
  await page.keyboard.press('Enter');
  await page.waitForFunction((wanted) => document.documentElement.lang === wanted, language);
  expect(await page.locator(choice(language)).getAttribute('aria-pressed')).toBe('true');
}

/**
 * Opens `url` in `page` holding its catalogue (`catalogue`, the chunk's address) on its way; what the page shows
 * meanwhile (only its loading line, in the language wanted). The page goes on once the catalogue is let through.
 */
async function shownWhileCatalogueHeld(page: Page, catalogue: RegExp, url: string): Promise<string[]> {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(catalogue, async (route) => {
    await held;
    await route.continue();
  });
  const asked = page.waitForRequest(catalogue);
  const loaded = page.goto(url);
  await asked;
  await page.waitForTimeout(500); // what the page would render meanwhile, rendered
  const shown = await page.locator('#root > :visible').allTextContents();
  release();
  await loaded;
  return shown;
}

describe('classifier in a browser: the interface language', () => {
  const suite = useStackAndBrowser();

  it('shows a French browser the classify page in French, switches to English and back by keyboard, and keeps the choice across a reload', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Langues', [
      { externalId: 'fr-1', locations: [{ type: 'text', text: 'Grande vente de chapeaux' }] },
      { externalId: 'fr-2', locations: [{ type: 'text', text: 'Lettre au maire' }] },
    ]);
    const french = await launchBrowser({ locale: 'fr-FR' });
    try {
      await skipTutorial(french.context, workflow.id);
      const { page, errors } = await newcomerPage({ stack: suite.stack, context: french.context });
      await page.goto(`${suite.stack.baseUrl}${path}`);
      await waitForTask(page, 'single');

      expect(await htmlLang(page)).toBe('fr');
      await waitToSee(page.getByRole('button', { name: 'Terminé' }));
      expect(await page.locator('.site-footer nav').getAttribute('aria-label')).toBe('Langue');
      expect(await page.locator(choice('fr')).getAttribute('aria-pressed')).toBe('true');
      expect(await page.locator(choice('en')).textContent()).toBe('English');
      expect(await seriousViolations(page)).toEqual([]);
      await screenshots(page, 'classify-in-french');

      // A favourite's date, on the favourites page, in the interface's language.
      await page.locator('.favourite-button').click();
      await page.waitForSelector('.favourite-button[aria-pressed="true"]');
      await page.goto(`${suite.stack.baseUrl}/favourites`);
      const marked = page.locator('[data-testid="favourites"] time').first();
      await waitToSee(marked);
      expect(await marked.textContent()).toMatch(/^Marqué le \d{1,2} [a-zéû]+\.? \d{4}$/);

      await chooseByKeyboard(page, 'en');
      expect(await marked.textContent()).toMatch(/^Marked on [A-Z][a-z]{2} \d{1,2}, \d{4}$/);
      await page.goto(`${suite.stack.baseUrl}${path}`);
      await waitForTask(page, 'single');
      await waitToSee(page.getByRole('button', { name: 'Done', exact: true }));

      await page.reload();
      await waitForTask(page, 'single');
      expect(await htmlLang(page)).toBe('en'); // the choice, over the browser's French
      await waitToSee(page.getByRole('button', { name: 'Done', exact: true }));

      await chooseByKeyboard(page, 'fr');
      await waitToSee(page.getByRole('button', { name: 'Terminé' }));
      await page.reload();
      await waitForTask(page, 'single');
      expect(await htmlLang(page)).toBe('fr');
      await waitToSee(page.getByRole('button', { name: 'Terminé' }));
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await french.close();
    }
  });
  it('shows a browser that prefers Austrian German the classify page in German, from its loading line on, and lists Deutsch in the footer', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Sprachen', [{ externalId: 'de-1', locations: [{ type: 'text', text: 'Großer Hutverkauf' }] }]);
    const germanCatalogue = /\/assets\/de-[^/]+\.js$/;
    const german = await launchBrowser({ locale: 'de-AT' });
    try {
      await skipTutorial(german.context, workflow.id);
      const { page, errors } = await newcomerPage({ stack: suite.stack, context: german.context });
      // `de-AT` has no catalogue of its own: its base, `de`, has.
      expect(await shownWhileCatalogueHeld(page, germanCatalogue, `${suite.stack.baseUrl}${path}`)).toEqual(['Chorus wird geladen…']);
      await waitForTask(page, 'single');

      expect(await htmlLang(page)).toBe('de');
      await waitToSee(page.getByRole('button', { name: 'Fertig', exact: true }));
      expect(await page.locator('.site-footer nav').getAttribute('aria-label')).toBe('Sprache');
      expect(await page.locator(choice('de')).textContent()).toBe('Deutsch');
      expect(await page.locator(choice('de')).getAttribute('aria-pressed')).toBe('true');
      expect(await page.locator(choice('fr')).textContent()).toBe('Français');
      // in the order the account page's select lists them (`LANGUAGES`), not the catalogues' file order (de before fr)
      expect(await page.locator('.language-choice button').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('lang')))).toEqual([...LANGUAGES]);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshots(page, 'classify-in-german');
      expect(errors).toEqual([]);
    } finally {
      await german.close();
    }
  });

  it('reads the French catalogue only when French is wanted, shows a French browser nothing in English before it, English when it cannot be read, and reads it again when chosen', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Catalogues', [{ externalId: 'c-1', locations: [{ type: 'text', text: 'Avis au public' }] }]);
    const frenchCatalogue = /\/assets\/fr-[^/]+\.js$/;
    const [english, offline] = await launchBrowsers(2);
    const french = await launchBrowser({ locale: 'fr-FR' });
    try {
      // An English browser never downloads it; choosing French reads it, once.
      await skipTutorial(english.context, workflow.id);
      const { page, errors } = await newcomerPage({ stack: suite.stack, context: english.context });
      const read: string[] = [];
      page.on('request', (request) => frenchCatalogue.test(request.url()) && read.push(request.url()));
      await page.goto(`${suite.stack.baseUrl}${path}`);
      await waitForTask(page, 'single');
      expect(await htmlLang(page)).toBe('en');
      expect(read).toEqual([]);
      await chooseByKeyboard(page, 'fr');
      await waitToSee(page.getByRole('button', { name: 'Terminé' }));
      await chooseByKeyboard(page, 'en');
      await chooseByKeyboard(page, 'fr');
      expect(read).toHaveLength(1);
      expect(errors).toEqual([]);

      // A French browser: while its catalogue is on its way, the page shows only its loading line, in French.
      await skipTutorial(french.context, workflow.id);
      const { page: frenchPage } = await newcomerPage({ stack: suite.stack, context: french.context });
      expect(await shownWhileCatalogueHeld(frenchPage, frenchCatalogue, `${suite.stack.baseUrl}${path}`)).toEqual(['Chargement de Chorus…']);
      await waitForTask(frenchPage, 'single');
      expect(await htmlLang(frenchPage)).toBe('fr');
      await waitToSee(frenchPage.getByRole('button', { name: 'Terminé' }));

      // Its catalogue out of reach (the connection dropped as it came): the page in English rather than none at all.
      await skipTutorial(offline.context, workflow.id);
      const { page: cutOff } = await newcomerPage({ stack: suite.stack, context: offline.context });
      await cutOff.evaluate(() => window.localStorage.setItem('chorus.language', 'fr'));
      await cutOff.route(frenchCatalogue, (route) => route.abort('connectionreset'));
      await cutOff.goto(`${suite.stack.baseUrl}${path}`);
      await waitForTask(cutOff, 'single');
      await waitToSee(cutOff.getByRole('button', { name: 'Done', exact: true }));
      expect(await htmlLang(cutOff)).toBe('en');
      // Back in reach: French, when it is chosen again.
      await cutOff.unroute(frenchCatalogue);
      await chooseByKeyboard(cutOff, 'fr');
      await waitToSee(cutOff.getByRole('button', { name: 'Terminé' }));
    } finally {
      await Promise.all([english, french, offline].map((browser) => browser.close()));
    }
  });

  it('says the classify page’s last announcement again in the language the volunteer switches to, while it is recent', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Annonces', [
      { externalId: 'said-1', locations: [{ type: 'text', text: 'Grande vente de chapeaux' }] },
      { externalId: 'said-2', locations: [{ type: 'text', text: 'Lettre au maire' }] },
    ]);
    // A browser of its own: the language chosen is kept for the pages after this one.
    const browser = await launchBrowser();
    try {
      await skipTutorial(browser.context, workflow.id);
      const { page, errors } = await newcomerPage({ stack: suite.stack, context: browser.context });
      await page.clock.install();
      await page.goto(`${suite.stack.baseUrl}${path}`);
      await waitForTask(page, 'single');
      await answerByKey(page);
      const next = ((await page.getByTestId('subject').locator('.subject-text').first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
      const announcer = page.getByTestId('announcer');
      await waitToSee(announcer.getByText(`Classification submitted. Next: “${next}”`, { exact: true }));

      await page.locator(choice('fr')).click();
      await waitToSee(page.getByRole('button', { name: 'Terminé' }));
      // French puts a no-break space before its colon and inside its quotation marks.
      await page.waitForFunction(() => document.documentElement.lang === 'fr');
      expect((await announcer.textContent())?.replace(/\s/g, ' ')).toBe(`Classification envoyée. Suivant : « ${next} »`);

      // A minute later it is no longer said: switching back does not name a subject the volunteer may have left long ago.
      await page.clock.runFor(61_000);
      await page.locator(choice('en')).click();
      await waitToSee(page.getByRole('button', { name: 'Done', exact: true }));
      expect(await announcer.textContent()).toBe('');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
