import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { ACCOUNT_PASSWORD, signUp } from '../../../test/support/accounts';
import { answerByKey, liveYesNoWorkflow, newcomerPage, seriousViolations, signedInPage, skipTutorial, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * A volunteer, after classifying, makes a collection from the classify page's "Add to collection" dialog by keyboard,
 * which holds the subject; opens it, makes it public, and its share link shows it to a reader signed out. A volunteer
 * shows their public profile from the account page, and a reader goes there from their comment, and back from their
 * collection.
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

  it('takes subjects out by keyboard, focus going to the next one, and says why when it cannot', async () => {
    const { project } = await liveYesNoWorkflow(suite.stack, 'Taking out', ['a', 'b', 'c'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `Letter ${externalId}` }] })));
    const account = await signUp(suite.stack, { email: `take-out-${randomUUID().slice(0, 8)}@example.org`, password: ACCOUNT_PASSWORD, displayName: 'Col' });
    const client = suite.stack.anonymous.withToken(account.token);
    const { id } = await client.createCollection({ name: 'Letters' });
    const subjects: string[] = (await suite.stack.db.query('SELECT id FROM subjects WHERE project_id = $1 ORDER BY external_id', [project.id])).rows.map((row) => row.id);
    for (const subjectId of subjects) await client.addToCollection(id, subjectId);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/collections/${id}`);
    // The latest added first: c, b, a.
    const takeOut = (subjectId: string) => page.locator(`[data-subject-id="${subjectId}"] [data-testid="collection-take-out"]`);
    await waitToSee(takeOut(subjects[2]!));
    await takeOut(subjects[2]!).focus();
    await page.keyboard.press('Enter');
    await waitForFocus(page, `[data-subject-id="${subjects[1]}"]`);
    expect(await page.locator(`[data-subject-id="${subjects[2]}"]`).count()).toBe(0);

    // Gone meanwhile (deleted in another tab): the volunteer is told, and the subject stays shown.
    await suite.stack.db.query('DELETE FROM collections WHERE id = $1', [id]);
    await takeOut(subjects[1]!).focus();
    await page.keyboard.press('Enter');
    await waitToSee(page.getByRole('alert').getByText('collection', { exact: false }));
    expect(await page.locator(`[data-subject-id="${subjects[1]}"]`).count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('focuses the first collection once listed, and lists a new one unchecked, saying why, when the subject cannot go in it', async () => {
    const { project, workflow, path } = await liveYesNoWorkflow(suite.stack, 'Choosing', [{ externalId: 'ship', locations: [{ type: 'text', text: 'The good ship Endeavour' }] }]);
    await skipTutorial(suite.context, workflow.id);
    const account = await signUp(suite.stack, { email: `choose-${randomUUID().slice(0, 8)}@example.org`, password: ACCOUNT_PASSWORD, displayName: 'Col' });
    await suite.stack.anonymous.withToken(account.token).createCollection({ name: 'Ships' });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}${path}`);
    await answerByKey(page, '1');
    const recent = page.getByTestId('recent');
    await recent.locator('summary').click();
    await recent.getByTestId('add-to-collection').focus();
    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-testid="collection-choices"] input[type="checkbox"]');

    // The project closed to volunteers meanwhile: the collection is made, the subject cannot go in it.
    await suite.stack.client.updateProject(project.id, { status: 'draft' });
    const dialog = page.getByTestId('collections-dialog');
    await tabTo(page, '[data-testid="collections-dialog"] input[type="text"], [data-testid="collections-dialog"] input:not([type])');
    await page.keyboard.type('Closed ones');
    await page.keyboard.press('Enter');
    await waitToSee(dialog.getByTestId('collections-message').getByText('Not saved:', { exact: false }));
    const box = dialog.getByRole('checkbox', { name: 'Closed ones' });
    await waitToSee(box);
    expect(await box.isChecked()).toBe(false);
    expect(errors).toEqual([]);
  });

  it('names no owner it does not know, leads to “Your collections” from the owner’s own only, and says a failed delete in its dialog', async () => {
    const account = await signUp(suite.stack, { email: `unnamed-${randomUUID().slice(0, 8)}@example.org`, password: ACCOUNT_PASSWORD, displayName: 'Col' });
    const { id } = await suite.stack.anonymous.withToken(account.token).createCollection({ name: 'Shared', public: true });
    await suite.stack.db.query("UPDATE users SET display_name = '' WHERE id = $1", [account.user.id]);
    const yourCollections = (page: Page) => page.locator('.breadcrumb').getByRole('link', { name: 'Your collections' });

    const { page, errors } = await signedInPage(suite, account);
    await page.route(`**/api/v1/collections/${id}`, (route) =>
      route.request().method() === 'DELETE'
        ? route.fulfill({
            status: 500,
            headers: { 'content-type': 'application/problem+json' },
            body: JSON.stringify({ type: 'urn:chorus:problem:internal', title: 'Internal Server Error', status: 500, detail: 'The collection could not be deleted: try again in a minute.' }),
          })
        : route.continue(),
    );
    await page.goto(`${suite.stack.baseUrl}/collections/${id}`);
    await waitToSee(yourCollections(page));
    await page.getByTestId('collection-delete').click();
    await page.getByTestId('collection-delete-confirm').click();
    await waitToSee(page.getByTestId('collection-delete-dialog').getByRole('alert').getByText('could not be deleted', { exact: false }));
    expect(errors).toEqual([]);

    const reader = await newcomerPage(suite);
    await reader.page.goto(`${suite.stack.baseUrl}/collections/${id}`);
    await waitToSee(reader.page.getByTestId('collection-about').getByText('A public collection by a volunteer'));
    expect(await yourCollections(reader.page).count()).toBe(0);
    expect(reader.errors).toEqual([]);
  });

  it('shows a volunteer’s public profile once they turn it on, reached by keyboard from their comment and their collection', async () => {
    const { project } = await liveYesNoWorkflow(suite.stack, 'Profiles', [{ externalId: 'ship', locations: [{ type: 'text', text: 'The good ship Endeavour' }] }]);
    const [{ id: subjectId }] = (await suite.stack.db.query('SELECT id FROM subjects WHERE project_id = $1', [project.id])).rows;
    const account = await signUp(suite.stack, { email: `profile-${randomUUID().slice(0, 8)}@example.org`, password: ACCOUNT_PASSWORD, displayName: 'Ada' });
    const client = suite.stack.anonymous.withToken(account.token);
    const { id: collectionId } = await client.createCollection({ name: 'Ships', public: true });
    await client.addToCollection(collectionId, subjectId);
    await client.postComment(subjectId, { projectId: project.id, body: 'What a ship!' });
    await suite.stack.db.query("INSERT INTO subject_comments (project_id, subject_id, user_id, body, created_at) SELECT $1, $2, $3, 'Earlier ' || n, now() - n * interval '1 hour' FROM generate_series(1, 11) n", [project.id, subjectId, account.user.id]);

    const { page, errors } = await signedInPage(suite, account);
    // Their own profile, not shown yet, links to the account page's section, whose heading takes the focus.
    await page.goto(`${suite.stack.baseUrl}/volunteers/${account.user.id}`);
    await waitToSee(page.getByTestId('volunteer-not-shown'));
    await tabTo(page, '[data-testid="volunteer-not-shown"] a');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'account-public-profile-heading', undefined, { timeout: 10_000 });
    const box = page.locator('#settings-public-profile');
    await waitToSee(box);
    expect(await box.isChecked()).toBe(false);
    await box.focus();
    await page.keyboard.press('Space');
    await tabTo(page, '#public-profile button[type="submit"]');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('account-status').getByText('Saved: your profile is public now.'), { timeout: 10_000 });
    expect(errors).toEqual([]);

    const reader = await newcomerPage(suite);
    await reader.page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/subjects/${subjectId}`);
    await waitToSee(reader.page.getByTestId('comment').locator('.comment-author').getByRole('link', { name: 'Ada' }).first());
    await tabTo(reader.page, '[data-testid="comment"] .comment-author a', 80);
    await reader.page.keyboard.press('Enter');
    await waitToSee(reader.page.getByTestId('volunteer-name').getByText('Ada'));
    await waitToSee(reader.page.getByTestId('volunteer-comment').getByText('What a ship!'));
    expect(await reader.page.locator('#volunteer-comments-heading').textContent()).toBe('The latest 10 of 12 comments');
    expect(await reader.page.getByTestId('volunteer-joined').textContent()).toMatch(/^Joined in \w+ \d{4}$/);
    expect(await reader.page.getByTestId('volunteer-not-shown').count()).toBe(0);
    expect(await seriousViolations(reader.page)).toEqual([]);
    await tabTo(reader.page, '[data-testid="volunteer-collection"] a');
    await reader.page.keyboard.press('Enter');
    await waitToSee(reader.page.getByTestId('collection-name').getByText('Ships'));
    const owner = reader.page.getByTestId('collection-about').getByRole('link', { name: 'Ada' });
    expect(await owner.getAttribute('href')).toBe(`/volunteers/${account.user.id}`);
    expect(reader.errors).toEqual([]);
  });
});
