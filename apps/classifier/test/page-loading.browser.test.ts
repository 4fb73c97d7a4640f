import type { Page } from 'playwright-core';
import { signUp } from '../../../test/support/accounts';
import { liveYesNoWorkflow, newcomerPage, signedInPage, skipTutorial, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * What a page downloads before it can be used, in a real browser: a volunteer's pages load none of the lab's code
 * (researchers' pages load it when opened), and every script comes compressed and to be kept for good.
 */

jest.setTimeout(60_000);

interface Loaded {
  path: string;
  encoding: string | undefined;
  cacheControl: string | undefined;
}

/** The scripts the page loads from here on. */
function scriptsLoadedBy(page: Page): Loaded[] {
  const loaded: Loaded[] = [];
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (!path.endsWith('.js')) return;
    const headers = response.headers();
    loaded.push({ path, encoding: headers['content-encoding'], cacheControl: headers['cache-control'] });
  });
  return loaded;
}

describe('classifier in a browser: what its pages load', () => {
  const suite = useStackAndBrowser();

  it("loads a volunteer's classify page without the lab's code, compressed and kept for good", async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Loads light', [{ externalId: 'one', locations: [{ type: 'text', text: 'A notice: FOR SALE.' }] }]);
    await skipTutorial(suite.context, workflow.id);
    const { page, errors } = await newcomerPage(suite);
    const loaded = scriptsLoadedBy(page);
    await page.goto(suite.stack.baseUrl + path);
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.filter((script) => script.path.includes('LabRoutes'))).toEqual([]);
    for (const script of loaded) {
      expect(script).toEqual({ path: script.path, encoding: expect.stringMatching(/^(gzip|br)$/), cacheControl: 'public, max-age=31536000, immutable' });
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it("loads the lab's code when a researcher opens the lab", async () => {
    const account = await signUp(suite.stack, { email: `loading-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Loading' });
    await suite.stack.anonymous.withToken(account.token).createProject({ title: `Loading lab ${Date.now()}` });
    const { page, errors } = await signedInPage(suite, account);
    const loaded = scriptsLoadedBy(page);
    await page.goto(`${suite.stack.baseUrl}/lab`);
    await waitToSee(page.getByText(/^Loading lab/).first(), { timeout: 10_000 });
    expect(loaded.filter((script) => script.path.includes('LabRoutes'))).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says so, with a way to reload, when the lab's code cannot be loaded (an update since the page opened), instead of going blank", async () => {
    const account = await signUp(suite.stack, { email: `unloaded-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Unloaded' });
    const { page } = await signedInPage(suite, account);
    await page.route(/\/assets\/LabRoutes-/, (route) => route.fulfill({ status: 404, contentType: 'application/problem+json', body: '{}' }));
    await page.goto(`${suite.stack.baseUrl}/lab`);
    const alert = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
    await waitToSee(alert, { timeout: 10_000 });
    expect(await page.locator('.site-header').isVisible()).toBe(true);
    await page.unroute(/\/assets\/LabRoutes-/);
    await alert.getByRole('button', { name: 'Reload the page' }).click();
    await waitToSee(page.getByRole('heading', { name: 'Researcher lab' }), { timeout: 10_000 });
    await page.close();
  });
});
