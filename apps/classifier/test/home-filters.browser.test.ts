import { until } from '../../../test/support/waiting';
import { newcomerPage, seriousViolations, useStackAndBrowser, waitToSee } from './support/browser';

/**
 * The home page's language and status selects: the languages of the listed projects by their names in the interface's
 * language, with how many projects each has; a choice is in the address with the search (to share or reload), shows
 * its first page at once (the pages read before left behind), and a draft is never among them.
 */

jest.setTimeout(90_000);

describe('classifier in a browser: the project list by language and status', () => {
  const suite = useStackAndBrowser();

  it('narrows the list to a language and a status, kept in the address with the search, from its first page', async () => {
    const word = `Vestry${Date.now()}`;
    const client = suite.stack.client;
    await client.createProject({ title: `${word} lettres`, language: 'fr', status: 'live' });
    const registres = await client.createProject({ title: `${word} registres`, language: 'fr-CA', status: 'live' });
    await client.updateProject(registres.id, { status: 'finished' });
    await client.createProject({ title: `${word} brouillon`, language: 'fr' });
    // A page and more of English ones, made last: the first page of every project is theirs.
    for (let n = 1; n <= 25; n++) await client.createProject({ title: `${word} minutes ${n}`, language: 'en', status: 'live' });

    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/?${new URLSearchParams({ search: word })}`);
    const cards = page.locator('.project-list article');
    const language = page.getByRole('combobox', { name: 'Language' });
    const status = page.getByRole('combobox', { name: 'Status' });
    await until(async () => (await cards.count()) === 24, 'the first page of the search');
    await waitToSee(language.locator('option', { hasText: 'Canadian French' }), { state: 'attached' });
    expect(await language.locator('option').allTextContents()).toEqual(['Any language', 'Canadian French (1)', 'English (25)', 'French (2)']);
    expect(await status.locator('option').allTextContents()).toEqual(['Any status', 'Live', 'Finished']);
    await page.getByRole('button', { name: 'Show more projects' }).click();
    await until(async () => (await cards.count()) === 27, 'the page after');

    // A language: `fr` is French and Canadian French (as its count says); the search stays, the pages read before go.
    // A select's choice takes the place of the address shown: arrowing through its options adds nothing to the history.
    const entries = () => page.evaluate(() => window.history.length);
    const before = await entries();
    await language.selectOption('fr');
    await until(async () => new URL(page.url()).searchParams.get('language') === 'fr', 'the language in the address');
    expect(new URL(page.url()).searchParams.get('search')).toBe(word);
    await until(async () => (await cards.count()) === 2, 'the French projects alone');
    // Their draft is not, a newcomer seeing only what is listed.
    expect(await cards.allTextContents()).toEqual([expect.stringContaining(`${word} registres`), expect.stringContaining(`${word} lettres`)]);
    expect(await page.getByRole('button', { name: 'Show more projects' }).count()).toBe(0);

    await status.selectOption('finished');
    await until(async () => new URL(page.url()).searchParams.get('status') === 'finished', 'the status in the address');
    await until(async () => (await cards.count()) === 1, 'the finished French project alone');
    expect(await cards.first().textContent()).toContain(`${word} registres`);
    expect(await entries()).toBe(before);

    // Reloaded (or shared), the address shows the same choice.
    await page.reload();
    await until(async () => (await cards.count()) === 1, 'the same project after a reload');
    expect(await language.inputValue()).toBe('fr');
    expect(await status.inputValue()).toBe('finished');
    expect(await page.getByRole('searchbox', { name: 'Search projects by title or address' }).inputValue()).toBe(word);
    expect(await seriousViolations(page)).toEqual([]);

    await language.selectOption('en');
    // Said to screen readers, the page staying where it is.
    await waitToSee(page.getByRole('status').filter({ hasText: `No project of the language and status chosen has the words “${word}”` }));
    const searched = await entries();
    await page.getByRole('searchbox', { name: 'Search projects by title or address' }).fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await waitToSee(page.getByRole('status').filter({ hasText: 'No project matches the language and status chosen.' }));
    // The Search button opens a new address, which Back leaves.
    expect(await entries()).toBe(searched + 1);

    // "Any" takes the choice out of the address: every project again.
    await language.selectOption('');
    await status.selectOption('');
    await until(async () => new URL(page.url()).search === '', 'no choice in the address');
    await until(async () => (await cards.count()) === 24, 'the first page of every project again');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a search of more than 8 different words in the form: said, nothing sent, the words typed kept', async () => {
    await suite.stack.client.createProject({ title: `Register ${Date.now()}`, language: 'de', status: 'live' });
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/`);
    const language = page.getByRole('combobox', { name: 'Language' });
    await waitToSee(language.locator('option', { hasText: 'German' }), { state: 'attached' });
    const searched: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.endsWith('/projects') && url.searchParams.has('search')) searched.push(url.search);
    });
    const typed = 'Letters  ships Diaries maps Logs wills deeds Census letters Ledgers';
    const field = page.getByRole('searchbox', { name: 'Search projects by title or address' });
    await field.fill(typed);
    await page.getByRole('button', { name: 'Search' }).click();
    await waitToSee(page.getByText('A search has at most 8 different words: a few are enough.'));
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.inputValue()).toBe(typed);
    expect(new URL(page.url()).search).toBe('');
    // A language chosen meanwhile sends nothing either.
    await language.selectOption('de');
    expect(new URL(page.url()).search).toBe('');
    expect(searched).toEqual([]);
    expect(await field.inputValue()).toBe(typed);

    // Eight different words (a repeated one counting once) are sent as typed.
    await field.fill('Letters ships diaries maps logs wills deeds letters census');
    await page.getByRole('button', { name: 'Search' }).click();
    await until(async () => searched.length === 1, 'the search sent');
    expect(new URLSearchParams(searched[0]).get('search')).toBe('Letters ships diaries maps logs wills deeds letters census');
    expect(await page.getByText('A search has at most 8 different words: a few are enough.').count()).toBe(0);
    expect(await field.inputValue()).toBe('Letters ships diaries maps logs wills deeds letters census');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('names the languages in the interface’s language', async () => {
    await suite.stack.client.createProject({ title: `Briefe ${Date.now()}`, language: 'de', status: 'live' });
    const { page, errors } = await newcomerPage(suite);
    await page.evaluate(() => window.localStorage.setItem('chorus.language', 'fr'));
    await page.goto(`${suite.stack.baseUrl}/`);
    const language = page.getByRole('combobox', { name: 'Langue' });
    await until(async () => (await language.locator('option', { hasText: 'allemand' }).count()) === 1, 'German named in French');
    expect(await page.getByRole('combobox', { name: 'État' }).locator('option').allTextContents()).toEqual(['Tous les états', 'En ligne', 'Terminés']);
    expect(errors).toEqual([]);
    await page.close();
  });
});
