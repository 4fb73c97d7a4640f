import { ChorusApiError } from '@chorus/client';
import { liveYesNoWorkflow, newcomerPage, useStackAndBrowser, waitToSee } from './support/browser';

/**
 * A visitor from an address that has made all the guests it may this hour (a school behind one address, say) still
 * sees the public projects on the home page: the list is read without a guest when none can be made.
 */

jest.setTimeout(60_000);

describe('classifier in a browser: the home page when no guest can be made', () => {
  // The stack's researcher's sign-up counts as one new volunteer of the address.
  const suite = useStackAndBrowser({ env: { NEW_VOLUNTEERS_PER_ADDRESS_PER_HOUR: '2' } });

  it('lists the public projects, and says why a workflow cannot start', async () => {
    const { project, path } = await liveYesNoWorkflow(suite.stack, 'Listed without a guest', [{ externalId: 'a', locations: [{ type: 'text', text: 'Soap for sale' }] }]);
    // The address's guests used up: the next is refused.
    let refused: ChorusApiError | undefined;
    for (let tries = 0; tries < 5 && !refused; tries++) {
      await suite.stack.anonymous.guest().catch((error: unknown) => {
        if (error instanceof ChorusApiError && error.status === 429) refused = error;
        else throw error;
      });
    }
    expect(refused).toBeDefined();

    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/`);
    await waitToSee(page.getByRole('heading', { name: project.title, exact: true }));
    expect(await page.locator('[role="alert"]').textContent()).toBe(''); // the list's region, empty
    expect(await page.evaluate(() => window.localStorage.getItem('chorus.token'))).toBeNull();

    // A workflow needs a volunteer: the page says why there is none.
    await page.goto(`${suite.stack.baseUrl}${path}`);
    await waitToSee(page.getByText(/Too many new volunteers from your address/));
    expect(errors).toEqual([]);
  });
});
