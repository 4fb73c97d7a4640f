import type { Page } from 'playwright-core';
import { signUp } from '../../../test/support/accounts';
import { until } from '../../../test/support/waiting';
import { liveYesNoWorkflow, newcomerPage, signedInPage, skipTutorial, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * The Content-Security-Policy the API serves the built classifier (and its lab) with, in a real browser: the pages
 * work under it, breaking none of its rules, and a script injected into a page (say, through a field that failed to
 * escape it) does not run.
 */

jest.setTimeout(60_000);

describe('classifier in a browser: its Content-Security-Policy', () => {
  const suite = useStackAndBrowser();

  /** Records, in the page, every rule of the policy the page broke (set up before any of its scripts runs). */
  async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
    });
    return () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
  }

  it('classifies under the policy, breaking none of its rules, and refuses a script injected into the page', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Under a policy', [
      { externalId: 'one', locations: [{ type: 'text', text: 'A notice: FOR SALE.' }] },
      { externalId: 'two', locations: [{ type: 'text', text: 'Another notice.' }] },
    ]);
    await skipTutorial(suite.context, workflow.id);
    const { page, errors } = await newcomerPage(suite);
    const violations = await watchViolations(page);
    const answer = await page.goto(suite.stack.baseUrl + path);
    expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");

    const subject = page.getByTestId('subject');
    await waitToSee(subject, { timeout: 10_000 });
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await until(async () => (await suite.stack.db.query('SELECT 1 FROM classifications WHERE workflow_id = $1', [workflow.id])).rowCount === 1, 'the answer is stored');
    expect(await violations()).toEqual([]);

    // A script written into the page, inline or from another site, is refused.
    const ran = await page.evaluate(async () => {
      const inline = document.createElement('script');
      inline.textContent = 'window.injected = "inline"';
      document.body.append(inline);
      const elsewhere = document.createElement('script');
      elsewhere.src = 'https://scripts.example.org/steal.js';
      const refused = new Promise((resolve) => {
        elsewhere.onerror = resolve;
      });
      document.body.append(elsewhere);
      await refused;
      return (window as unknown as { injected?: string }).injected ?? null;
    });
    expect(ran).toBeNull();
    expect((await violations()).sort()).toEqual(['script-src-elem https://scripts.example.org/steal.js', 'script-src-elem inline']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens the lab under the policy, breaking none of its rules', async () => {
    const account = await signUp(suite.stack, { email: `policy-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Policy' });
    await suite.stack.anonymous.withToken(account.token).createProject({ title: `Policy lab ${Date.now()}` });
    const { page, errors } = await signedInPage(suite, account);
    const violations = await watchViolations(page);
    const answer = await page.goto(`${suite.stack.baseUrl}/lab`);
    expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
    await waitToSee(page.getByText(/^Policy lab/).first(), { timeout: 10_000 });
    expect(await violations()).toEqual([]);
    const ran = await page.evaluate(() => {
      const inline = document.createElement('script');
      inline.textContent = 'window.injected = "inline"';
      document.body.append(inline);
      return (window as unknown as { injected?: string }).injected ?? null;
    });
    expect([ran, await violations()]).toEqual([null, ['script-src-elem inline']]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
