import { randomUUID } from 'node:crypto';
import { signUp } from '../../../test/support/accounts';
import { liveYesNoWorkflow, signedInPage, skipTutorial, useStackAndBrowser } from './support/browser';

/**
 * A volunteer signed in on a phone (375 × 667, touch): the first subject of a yes/no workflow opens with both answers
 * and Done on screen, without scrolling, under a header kept short.
 */

jest.setTimeout(60_000);

describe('classifier in a browser: on a phone', () => {
  const suite = useStackAndBrowser();

  it('shows a signed-in volunteer a yes/no subject’s answers and Done without scrolling', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Phone', [
      { externalId: 'ad-1', locations: [{ type: 'text', text: 'WANTED: a steady boy to drive a carriage. Apply at 12 Mill Street, any weekday before noon.' }], metadata: {} },
    ]);
    const email = `phone-${randomUUID()}@example.org`;
    const account = await signUp(suite.stack, { email, password: 'correct horse battery', displayName: 'Margaret Hamilton-Smythe' });
    await skipTutorial(suite.context, workflow.id);
    const { page, errors } = await signedInPage(suite, account);
    const screen = await suite.context.newCDPSession(page);
    await screen.send('Emulation.setDeviceMetricsOverride', { width: 375, height: 667, deviceScaleFactor: 2, mobile: true });
    await screen.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
    await page.goto(`${suite.stack.baseUrl}${path}`);
    await page.getByTestId('account-name').waitFor();
    const subject = page.getByTestId('subject');
    await subject.waitFor();
    expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true);

    const bottomOf = async (locator: ReturnType<typeof page.locator>) => (await locator.boundingBox())!.y + (await locator.boundingBox())!.height;
    const height = await page.evaluate(() => window.innerHeight);
    // Measured under the phone's metrics: a screenshot would put the context's own viewport back.
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    expect(await bottomOf(subject.locator('label', { hasText: 'No' }))).toBeLessThanOrEqual(height);
    expect(await bottomOf(subject.getByRole('button', { name: 'Done' }))).toBeLessThanOrEqual(height);
    // Short, but all there: the account's name, its links and Sign out.
    expect(await bottomOf(page.locator('.site-header'))).toBeLessThanOrEqual(120);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await screen.send('Emulation.clearDeviceMetricsOverride');
    await page.close();
    expect(errors).toEqual([]);
  });
});
