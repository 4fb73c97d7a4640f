import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { signUp } from '../../../test/support/accounts';
import { until } from '../../../test/support/waiting';
import { launchBrowser, liveYesNoWorkflow, newcomerPage, seriousViolations, signedInPage, skipTutorial, useStackAndBrowser, waitForTask, waitToSee } from './support/browser';

/**
 * Languages done properly: what the page said before a switch of language (a notice, a field's error) is said again in
 * the new one; a project's own words are marked with the language its researchers write in (`lang`, and `dir`), so that
 * a French volunteer's screen reader reads an English project's question in English, and an Arabic one's right to left;
 * the researchers set that language in the lab; and the page's "Loading…", before the app's script has run, is in the
 * language the interface will open in.
 */

jest.setTimeout(120_000);

const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);
/** Its words, with French typography's narrow no-break spaces as spaces. */
const wordsOf = async (shown: { textContent(): Promise<string | null> }) => (await shown.textContent())?.replace(/\s/gu, ' ');

/** Presses the footer's button for `language`; resolves once the page is in it. */
async function switchTo(page: Page, language: string): Promise<void> {
  await page.locator(`.language-choice button[lang="${language}"]`).click();
  await page.waitForFunction((wanted) => document.documentElement.lang === wanted, language);
}

/** The `lang` and `dir` of the first element `selector` finds. */
const marks = (page: Page, selector: string) => page.locator(selector).first().evaluate((element) => ({ lang: element.getAttribute('lang'), dir: element.getAttribute('dir') }));

describe('classifier in a browser: languages done properly', () => {
  const suite = useStackAndBrowser();

  it('says a notice and a field error again in the language switched to, and back', async () => {
    const account = await signUp(suite.stack, { email: `switch-${randomUUID()}@example.org`, displayName: 'Switcher' });
    const project = await suite.stack.anonymous.withToken(account.token).createProject({ title: 'Letters home' });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    const title = page.locator('#lab-details-title');
    await waitToSee(title);

    // A notice: the project saved.
    await page.locator('#lab-details-save').click();
    const notice = page.getByTestId('account-status');
    await waitToSee(notice.getByText('Project “Letters home” saved; it is draft.'));
    // A field's error: no title.
    await title.fill('');
    await page.locator('#lab-details-save').click();
    const titleError = page.getByTestId('lab-details-title-error');
    await waitToSee(titleError.getByText('Give the project a title.'));

    await switchTo(page, 'fr');
    expect(await wordsOf(notice)).toBe('Projet « Letters home » enregistré ; son état : brouillon.');
    expect(await wordsOf(titleError)).toBe('Donnez un titre au projet.');
    expect(await page.locator('#lab-details-save').textContent()).toBe('Enregistrer les détails');

    await switchTo(page, 'en');
    expect(await notice.textContent()).toBe('Project “Letters home” saved; it is draft.');
    expect(await titleError.textContent()).toBe('Give the project a title.');
    expect(errors).toEqual([]);
  });

  it("sets the project's language in the lab, another by its tag, refusing one that is not a tag at its field", async () => {
    const account = await signUp(suite.stack, { email: `language-${randomUUID()}@example.org`, displayName: 'Linguist' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Barua' });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    const language = page.getByLabel("Language of the project's text");
    await waitToSee(language);
    expect(await language.inputValue()).toBe('en');
    expect(await seriousViolations(page)).toEqual([]);

    await language.selectOption('fr');
    await page.locator('#lab-details-save').click();
    await waitToSee(page.getByTestId('account-status').getByText('Project “Barua” saved; it is draft.'));
    expect((await researcher.getProject(project.id)).language).toBe('fr');

    // Yoruba is not among those named: its tag, typed; a name is refused at the tag's field, changing nothing.
    await page.getByLabel("Language of the project's text").selectOption('other');
    const tag = page.getByLabel('Language tag');
    await tag.fill('Yorùbá_NG');
    await page.locator('#lab-details-save').click();
    await waitToSee(page.getByTestId('lab-details-language-tag-error').getByText('Write a language tag (BCP 47), such as "sw" for Swahili or "pt-BR" for Brazilian Portuguese.'));
    await page.waitForFunction(() => document.activeElement?.id === 'lab-details-language-tag');
    expect(await seriousViolations(page)).toEqual([]);
    expect((await researcher.getProject(project.id)).language).toBe('fr');
    await tag.fill('yo');
    await page.locator('#lab-details-save').click();
    await until(async () => (await researcher.getProject(project.id)).language === 'yo', 'the language typed saved');

    // Read back: a language not among those named shows as its tag.
    await page.reload();
    await waitToSee(page.getByLabel('Language tag'));
    expect(await page.getByLabel("Language of the project's text").inputValue()).toBe('other');
    expect(await page.getByLabel('Language tag').inputValue()).toBe('yo');
    expect(errors).toEqual([]);
  });

  it("marks an English project's words with its language in the French interface, and an Arabic one's right to left", async () => {
    const { project, workflow, path } = await liveYesNoWorkflow(suite.stack, 'Gazette', [
      { externalId: 'lang-1', locations: [{ type: 'text', text: 'FOR SALE, one bicycle.' }], metadata: { newspaper: 'The Gazette' } },
      { externalId: 'lang-2', locations: [{ type: 'text', text: 'The mayor spoke at noon.' }], metadata: { newspaper: 'The Herald' } },
    ]);
    const french = await launchBrowser({ locale: 'fr-FR' });
    try {
      await skipTutorial(french.context, workflow.id);
      const { page, errors } = await newcomerPage({ stack: suite.stack, context: french.context });
      await page.goto(`${suite.stack.baseUrl}${path}`);
      await waitForTask(page, 'single');
      expect(await htmlLang(page)).toBe('fr');
      await waitToSee(page.getByRole('button', { name: 'Terminé' }));
      for (const selector of ['h1', '.breadcrumb li:nth-child(2) span', '.task-question', '.answer-label', '[data-testid="subject-about"] dd']) {
        expect({ selector, ...(await marks(page, selector)) }).toEqual({ selector, lang: 'en', dir: 'auto' });
      }
      // The interface's own words are not marked: they are in the page's language.
      expect(await page.getByRole('button', { name: 'Terminé' }).getAttribute('lang')).toBeNull();
      expect(await seriousViolations(page)).toEqual([]);

      await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
      await waitToSee(page.locator('.workflow-link'));
      expect(await marks(page, 'h1 span')).toEqual({ lang: 'en', dir: 'auto' });
      expect(await marks(page, '.workflow-link')).toEqual({ lang: 'en', dir: 'auto' });

      await suite.stack.client.updateProject(project.id, { language: 'ar' });
      await page.goto(`${suite.stack.baseUrl}${path}`);
      await waitForTask(page, 'single');
      expect(await marks(page, '.task-question')).toEqual({ lang: 'ar', dir: 'rtl' });
      expect(await marks(page, '.answer-label')).toEqual({ lang: 'ar', dir: 'rtl' });
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await french.close();
    }
  });

  it("says the page's Loading… before the app's script runs in the language it will open in, under the page's policy", async () => {
    const french = await launchBrowser({ locale: 'fr-FR' });
    try {
      const page = await french.context.newPage();
      await page.addInitScript(() => {
        const seen: string[] = [];
        (window as unknown as { violations: string[] }).violations = seen;
        document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
      });
      // The app's script never comes: the page as it is before React starts.
      await page.route(/\/assets\/.*\.js$/, (route) => route.abort());
      const loading = page.locator('#root p.loading');

      await page.goto(`${suite.stack.baseUrl}/`);
      expect(await loading.allTextContents()).toEqual(['Chargement de Chorus…']);
      expect(await loading.getAttribute('lang')).toBe('fr');
      expect(await htmlLang(page)).toBe('fr');

      // The language chosen on this device, over the browser's.
      await page.evaluate(() => window.localStorage.setItem('chorus.language', 'en'));
      await page.reload();
      expect(await loading.allTextContents()).toEqual(['Loading Chorus…']);
      expect(await htmlLang(page)).toBe('en');
      expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
    } finally {
      await french.close();
    }
  });
});
