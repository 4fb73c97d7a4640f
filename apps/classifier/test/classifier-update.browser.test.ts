import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signUp } from '../../../test/support/accounts';
import { until } from '../../../test/support/waiting';
import { signedInPage, useStackAndBrowser, waitToSee } from './support/browser';

/**
 * A deploy while volunteers have the classifier open: the API (CLASSIFIER_DIR, a copy of the build) serves the new
 * build without a restart, and a page opened before it that asks for a part the new build no longer has says so.
 */

jest.setTimeout(60_000);

const dir = mkdtempSync(join(tmpdir(), 'chorus-deploy-'));
cpSync(join(__dirname, '../dist'), dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A new build as the build leaves it: every asset under a new name (as changed content renames it), the page and the
 * scripts naming the new ones, the old ones gone; once the API serves its page.
 */
async function deployNewBuild(baseUrl: string): Promise<void> {
  const assets = join(dir, 'assets');
  for (const name of readdirSync(assets).filter((file) => /\.(br|gz|map)$/.test(file))) rmSync(join(assets, name));
  const names = readdirSync(assets);
  const renamed = (text: string) => names.reduce((out, name) => out.replaceAll(name, `new-${name}`), text);
  for (const name of names) {
    writeFileSync(join(assets, `new-${name}`), renamed(readFileSync(join(assets, name), 'utf8')));
    rmSync(join(assets, name));
  }
  writeFileSync(join(dir, 'index.html'), renamed(readFileSync(join(dir, 'index.html'), 'utf8')));
  await until(async () => (await (await fetch(`${baseUrl}/`)).text()).includes('/assets/new-'), 'the API to serve the new page', 10_000);
}

describe('classifier in a browser: a deploy while its page is open', () => {
  const suite = useStackAndBrowser({ env: { CLASSIFIER_DIR: dir } });

  it('tells a volunteer whose page is older than the deploy to reload when a part of it is gone, and the reload brings the new build', async () => {
    const account = await signUp(suite.stack, { email: `deploy-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Deployed' });
    const { page } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/`);
    const lab = page.locator('[data-account-link="lab"]');
    await waitToSee(lab, { timeout: 10_000 });

    await deployNewBuild(suite.stack.baseUrl);
    // The page asks for the lab's code by the old build's name: gone, and said so, with a way to reload.
    await lab.click();
    const alert = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
    await waitToSee(alert, { timeout: 10_000 });
    expect(await alert.textContent()).toContain('Chorus was updated since this page opened. Reload the page to go on');
    // Reloaded, it is the new build's page, and the lab loads.
    await alert.getByRole('button', { name: 'Reload the page' }).click();
    await waitToSee(page.getByRole('heading', { name: 'Researcher lab' }), { timeout: 10_000 });
    expect(await page.evaluate(() => [...document.scripts].filter((script) => script.src).map((script) => new URL(script.src).pathname))).toEqual([expect.stringMatching(/^\/assets\/new-index-/)]);
    await page.close();
  });
});
