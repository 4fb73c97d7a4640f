import { randomUUID } from 'node:crypto';
import { ACCOUNT_PASSWORD, signUp } from '../../../test/support/accounts';
import { answerByKey, liveYesNoWorkflow, newcomerPage, signedInPage, skipTutorial, tabTo, useStackAndBrowser, waitToSee } from './support/browser';

/**
 * A volunteer, after classifying, makes a collection from the classify page's "Add to collection" dialog by keyboard,
 * which holds the subject; opens it, makes it public, and its share link shows it to a reader signed out.
 */

jest.setTimeout(60_000);

describe('classifier in a browser: collections', () => {
  const suite = useStackAndBrowser();

  it('creates a collection from the classify page, adds the subject, makes it public, and shows it signed out', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Collecting', [
      { externalId: 'ship', locations: [{ type: 'text', text: 'The good ship Endeavour sailed at dawn' }] },
      { externalId: 'soap', locations: [{ type: 'text', text: 'Pears soap for a clean complexion' }] },
    ]);
    await skipTutorial(suite.context, workflow.id);
    const account = await signUp(suite.stack, { email: `collect-${randomUUID().slice(0, 8)}@example.org`, password: ACCOUNT_PASSWORD, displayName: 'Col' });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}${path}`);
    const classified = await answerByKey(page, '1');

    const recent = page.getByTestId('recent');
    await recent.locator('summary').click();
    const add = recent.getByTestId('add-to-collection');
    await waitToSee(add);
    await add.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('collections-dialog');
    await waitToSee(dialog.getByText('You have no collections yet.', { exact: false }));
    await tabTo(page, '[data-testid="collections-dialog"] input[type="text"], [data-testid="collections-dialog"] input:not([type])');
    await page.keyboard.type('Ships’ names');
    await page.keyboard.press('Enter');
    await waitToSee(dialog.getByTestId('collections-message').getByText('Added to “Ships’ names”.'));
    const box = dialog.getByRole('checkbox', { name: 'Ships’ names' });
    expect(await box.isChecked()).toBe(true);
    // Unchecked and checked again by keyboard: out and back in.
    await box.focus();
    await page.keyboard.press('Space');
    await waitToSee(dialog.getByTestId('collections-message').getByText('Taken out of “Ships’ names”.'));
    await page.keyboard.press('Space');
    await waitToSee(dialog.getByTestId('collections-message').getByText('Added to “Ships’ names”.'));
    const [{ id: collectionId }] = (await suite.stack.db.query('SELECT id FROM collections WHERE user_id = $1', [account.user.id])).rows;
    expect((await suite.stack.db.query('SELECT subject_id FROM collection_subjects WHERE collection_id = $1', [collectionId])).rows).toEqual([{ subject_id: classified }]);
    await page.keyboard.press('Escape');

    await page.goto(`${suite.stack.baseUrl}/collections`);
    await page.getByRole('link', { name: 'Ships’ names' }).click();
    await waitToSee(page.getByTestId('collection-name').getByText('Ships’ names'));
    const card = page.locator(`[data-subject-id="${classified}"]`);
    await waitToSee(card);
    // By keyboard; checked once the server has made it public.
    await page.getByTestId('collection-public').focus();
    await page.keyboard.press('Space');
    await waitToSee(page.getByTestId('collection-message').getByText('The collection is public now.'));
    expect(await page.getByTestId('collection-public').isChecked()).toBe(true);
    const link = (await page.getByTestId('collection-share').locator('a').getAttribute('href'))!;
    expect(link).toBe(`${suite.stack.baseUrl}/collections/${collectionId}`);
    expect(errors).toEqual([]);

    const reader = await newcomerPage(suite);
    await reader.page.goto(link);
    await waitToSee(reader.page.getByTestId('collection-name').getByText('Ships’ names'));
    await waitToSee(reader.page.locator(`[data-subject-id="${classified}"]`));
    expect(await reader.page.getByTestId('collection-public').count()).toBe(0);
    expect(reader.errors).toEqual([]);
  });
});
