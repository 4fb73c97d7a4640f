import { randomUUID } from 'node:crypto';
import type { ChorusClient, WorkflowInput } from '@chorus/client';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { advertisementAnswers, advertisementTasks, carefulMinorityWorkflow, penguinMarkingWorkflow, transcribeAndDateWorkflow, transcriptionWorkflow, twoRulesWorkflow } from '../../../test/support/workflows';
import { checkScreen, signedInPage, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';
import { approveStoredInAnotherOrder } from './support/reviews';
import { newAccount, signUp } from '../../../test/support/accounts';

/**
 * A workflow's results in the lab, in a real browser against the real API and worker: a researcher goes from the
 * workflow's page to its results by keyboard, reads each subject's status and consensus in the words of the
 * definition, filters the list, reads a page more, and opens a subject to see its consensus and every classification,
 * its volunteers named as the downloads name them; and a transcription's words that need checking, marked.
 */

jest.setTimeout(120_000);

describe('classifier in a browser: a workflow’s results in the lab', () => {
  const suite = useStackAndBrowser();
  /** `volunteers` more guests classify the letter of a `transcribeAndDateWorkflow` (T0 `text`, T1 `dated`), aggregated. */
  const classifyLetter = async (workflowId: string, letter: string, text: string, dated: string, volunteers: number) => {
    for (let each = 0; each < volunteers; each += 1) {
      const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: letter, annotations: [{ task: 'T0', value: text }, { task: 'T1', value: dated }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(suite.stack.db, workflowId)) === 0, 'aggregation');
  };

  it('lists the subjects with their status and consensus, filters them, reads more, and opens one with its classifications', async () => {
    const account = await signUp(suite.stack, { email: `lab-results-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Gazette ads', status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Snippets' });
    const adverts = await researcher.createSubjectSet(project.id, { name: 'Adverts' });
    // 27 subjects: a page of 25, and two more.
    const names = Array.from({ length: 27 }, (_, i) => `ad-${String(i + 1).padStart(2, '0')}`);
    const { subjectIds } = await researcher.addSubjects(set.id, names.map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `Snippet ${externalId}: FOR SALE, a bicycle.` }] })));
    const idOf = Object.fromEntries(names.map((name, index) => [name, subjectIds[index]!]));
    const { id: workflowId } = await researcher.createWorkflow(project.id, {
      name: 'Ad or not?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Is this an advertisement?', algorithm: 'vote', answers: [{ value: 'yes', label: 'Yes, an advert' }, { value: 'no', label: 'No' }] } },
      retirement: { rule: 'count', count: 2 },
      subjectSetIds: [set.id],
      effects: [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: adverts.id }],
    });
    await researcher.activateWorkflow(workflowId);
    const guests: { client: ChorusClient; id: string }[] = await Promise.all(
      [0, 1].map(async () => {
        const session = await suite.stack.anonymous.guest();
        return { client: suite.stack.anonymous.withToken(session.token), id: session.user.id };
      }),
    );
    const answer = (client: ChorusClient, name: string, value: string) => client.classify({ workflowId, workflowVersion: 1, subjectId: idOf[name]!, annotations: [{ task: 'T0', value }] }, randomUUID());
    const retiring = [await answer(guests[0]!.client, 'ad-01', 'yes'), await answer(guests[1]!.client, 'ad-01', 'yes')];
    const ad02 = await answer(guests[0]!.client, 'ad-02', 'no');
    // Two volunteers found ad-02 interesting; one marked ad-03 and changed their mind.
    await guests[0]!.client.markFavourite(idOf['ad-02']!, workflowId);
    await guests[1]!.client.markFavourite(idOf['ad-02']!, workflowId);
    await guests[1]!.client.markFavourite(idOf['ad-03']!, workflowId);
    await guests[1]!.client.unmarkFavourite(idOf['ad-03']!);
    await until(async () => (await laggingSubjects(suite.stack.db, workflowId)) === 0 && (await researcher.stats(workflowId)).retired === 1, 'aggregation');

    // From the workflow's page to its results, by keyboard; the results' heading takes focus.
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await waitToSee(page.getByTestId('lab-results-link'));
    await tabTo(page, '[data-testid="lab-results-link"]', 60);
    await page.keyboard.press('Enter');
    await waitForFocus(page, 'h1');
    expect(await page.locator('h1').textContent()).toBe('Results of “Ad or not?”');
    const status = page.getByTestId('lab-results-status');
    await waitToSee(status.getByText('25 subjects shown; there are more.'));
    const table = page.getByTestId('lab-results-table');
    expect(await table.locator('caption').textContent()).toBe('All subjects of “Ad or not?”, in the order of their external ids, numbers as numbers (those without one last)');
    const row = (name: string) => table.locator(`tr[data-subject-id="${idOf[name]}"]`);
    const cells = async (name: string) => (await row(name).locator('th, td').allTextContents()).map((text) => text.trim());
    // In the order of the researchers' own ids (ad-01 … ad-25), not of Chorus's.
    const inIdOrder = [...names].sort((a, b) => idOf[a]!.localeCompare(idOf[b]!));
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((each) => each.getAttribute('data-subject-id')))).toEqual(names.slice(0, 25).map((name) => idOf[name]));
    await checkScreen(page, 'lab-results');
    // A vote weighs nobody by skill: no skills to show.
    expect(await page.getByTestId('lab-skills').count()).toBe(0);

    // A page more, by keyboard: the first subject it brought takes focus, and the status line says how many are shown.
    await tabTo(page, '#lab-results-more', 120);
    await page.keyboard.press('Enter');
    await waitToSee(status.getByText('27 subjects shown.'));
    await waitForFocus(page, `tr[data-subject-id="${idOf[names[25]!]}"] th a`);
    expect(await page.locator('#lab-results-more').count()).toBe(0);
    // Each subject's name, what it shows, its classifications, its status and its consensus in the definition's words.
    expect(await cells('ad-01')).toEqual(['ad-01', '“Snippet ad-01: FOR SALE, a bicycle.”', '2', '0', expect.stringMatching(/^Retired by its rule \(count\), /), 'T0: Yes, an advert (100% agreement, 2 votes)']);
    expect(await cells('ad-02')).toEqual(['ad-02', '“Snippet ad-02: FOR SALE, a bicycle.”', '1', '2', 'Still served', 'T0: No (100% agreement, 1 vote)']);
    expect(await cells('ad-03')).toEqual(['ad-03', '“Snippet ad-03: FOR SALE, a bicycle.”', '0', '0', 'Still served', 'None yet']);

    // Filtered: the retired subjects only, then those whose external id starts with "ad-0".
    await page.getByLabel('Show', { exact: true }).selectOption('retired');
    await page.getByLabel('Show', { exact: true }).focus();
    await tabTo(page, 'form[aria-label="Which subjects"] button[type="submit"]', 20);
    await page.keyboard.press('Enter');
    await waitToSee(status.getByText('1 subject shown.'));
    expect(await table.locator('caption').textContent()).toBe('Retired subjects of “Ad or not?”, in the order of their external ids, numbers as numbers (those without one last)');
    expect(new URL(page.url()).search).toBe('?status=retired');
    await page.getByLabel('Show', { exact: true }).selectOption('all');
    await page.getByLabel('External id or subject id (optional)').fill('ad-0');
    await page.getByLabel('External id or subject id (optional)').press('Enter');
    await waitToSee(status.getByText('9 subjects shown.'));
    expect(await table.locator('caption').textContent()).toBe('All subjects of “Ad or not?” whose external id starts with “ad-0”, in the order of their external ids, numbers as numbers (those without one last)');
    await page.getByLabel('External id or subject id (optional)').fill('nothing-like-it');
    await page.getByLabel('External id or subject id (optional)').press('Enter');
    await waitToSee(status.getByText('No subject matches.'));
    expect(await table.count()).toBe(0);

    // The most favourites first: ad-02, which two volunteers marked, then the others in id order; the order stays in
    // the address.
    await page.getByLabel('External id or subject id (optional)').fill('');
    await page.getByLabel('Order').selectOption('favourites');
    await page.getByLabel('External id or subject id (optional)').press('Enter');
    await waitToSee(status.getByText('25 subjects shown; there are more.'));
    expect(await table.locator('caption').textContent()).toBe('All subjects of “Ad or not?”, those most volunteers marked a favourite first');
    const byFavourites = ['ad-02', ...inIdOrder.filter((name) => name !== 'ad-02')];
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((each) => each.getAttribute('data-subject-id')))).toEqual(byFavourites.slice(0, 25).map((name) => idOf[name]));
    expect(await cells('ad-02')).toEqual(['ad-02', '“Snippet ad-02: FOR SALE, a bicycle.”', '1', '2', 'Still served', 'T0: No (100% agreement, 1 vote)']);
    expect(new URL(page.url()).search).toBe('?sort=favourites');
    await page.locator('#lab-results-more').click();
    await waitToSee(status.getByText('27 subjects shown.'));
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((each) => each.getAttribute('data-subject-id')))).toEqual(byFavourites.map((name) => idOf[name]));
    // Chorus's id order, chosen by keyboard.
    await page.getByLabel('Order').focus();
    await page.keyboard.press('Home');
    await tabTo(page, 'form[aria-label="Which subjects"] button[type="submit"]', 20);
    await page.keyboard.press('Enter');
    await waitToSee(status.getByText('25 subjects shown; there are more.'));
    expect(await table.locator('caption').textContent()).toBe('All subjects of “Ad or not?”, in the order of their ids');
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((each) => each.getAttribute('data-subject-id')))).toEqual(inIdOrder.slice(0, 25).map((name) => idOf[name]));
    expect(new URL(page.url()).search).toBe('?sort=id');

    // One subject, opened by keyboard: its heading focused, its status, consensus and every classification.
    await page.getByLabel('External id or subject id (optional)').fill('ad-01');
    await page.getByLabel('External id or subject id (optional)').press('Enter');
    await waitToSee(status.getByText('1 subject shown.'));
    await tabTo(page, `tr[data-subject-id="${idOf['ad-01']}"] th a`, 10);
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('lab-result'));
    await waitForFocus(page, 'h1');
    expect(await page.locator('h1').textContent()).toBe('ad-01');
    const facts = await page.getByTestId('lab-result-facts').locator('dt, dd').allTextContents();
    expect(facts.slice(0, 8)).toEqual(['Subject id', idOf['ad-01'], 'External id', 'ad-01', 'Classifications', '2', 'Favourites', '0']);
    expect(facts[9]).toMatch(/^Retired by its rule \(count\), /);
    await waitToSee(page.getByText('Snippet ad-01: FOR SALE, a bicycle.'));
    const consensus = page.getByTestId('lab-result-consensus');
    expect(await consensus.locator('caption').textContent()).toBe('Consensus of ad-01, task by task');
    expect((await consensus.locator('tbody tr th, tbody tr td').allTextContents()).map((text) => text.trim())).toEqual([
      'Is this an advertisement? (T0)',
      'Yes, an advert',
      '100%',
      '2',
      'plurality-vote, version 1',
    ]);
    // Its effect moved it into Adverts, where it still is, and says what decided it.
    const routing = page.getByTestId('lab-result-routing');
    expect(await routing.locator('h2').textContent()).toBe("Moved by this workflow's effects");
    // In the words of the version that decided it: its question and its answer's label, each isolated (<bdi>).
    await waitToSee(routing.getByText('on “Is this an advertisement?”'));
    expect(await routing.locator('li').allTextContents()).toEqual([
      expect.stringMatching(/^Adverts: moved in .+; still there; decided by the consensus “Yes, an advert” on “Is this an advertisement\?”, agreement 100% \(the effect asked for “Yes, an advert”\)$/),
    ]);
    expect(await routing.locator('bdi').allTextContents()).toEqual(['Yes, an advert', 'Is this an advertisement?', 'Yes, an advert']);
    await waitToSee(page.getByTestId('lab-result-status').getByText('2 of 2 classifications shown.'));
    const classifications = page.getByTestId('lab-result-classifications');
    expect(await classifications.locator('caption').textContent()).toBe('Classifications of ad-01, oldest first');
    const rows = await classifications.locator('tbody tr').evaluateAll((each) =>
      each.map((tr) => [tr.getAttribute('data-classification-id'), ...[...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())]),
    );
    expect(rows).toEqual([
      [retiring[0]!.id, `A guest ${guests[0]!.id}`, '1', 'Is this an advertisement?Yes, an advert', '', 'Exclude from consensus'],
      [retiring[1]!.id, `A guest ${guests[1]!.id}`, '1', 'Is this an advertisement?Yes, an advert', 'Retired the subject', 'Exclude from consensus'],
    ]);
    expect(await page.content()).not.toContain(account.user.email!);
    await checkScreen(page, 'lab-result');

    // Back: the list as it was filtered.
    await page.goBack();
    await waitToSee(page.getByTestId('lab-results-status').getByText('1 subject shown.'));
    expect(await page.getByLabel('External id or subject id (optional)').inputValue()).toBe('ad-01');

    // The researcher takes ad-01 out of Adverts: its page says so, and that no effect puts it back.
    await researcher.removeSubject(adverts.id, idOf['ad-01']!);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${idOf['ad-01']}`);
    await waitToSee(page.getByTestId('lab-result-routing').getByText('on “Is this an advertisement?”'));
    expect(await page.getByTestId('lab-result-routing').locator('li').allTextContents()).toEqual([
      expect.stringMatching(/^Adverts: moved in .+; left .+; taken out by a researcher .+ \(no effect puts it back until it is uploaded there again\); decided by the consensus “Yes, an advert” on “Is this an advertisement\?”, agreement 100% \(the effect asked for “Yes, an advert”\)$/),
    ]);
    // A membership made before Chorus recorded what decided it says so.
    await suite.stack.db.query('UPDATE effect_memberships SET decided_by = NULL WHERE subject_id = $1', [idOf['ad-01']]);
    await page.reload();
    await waitToSee(page.getByTestId('lab-result-decided-by').getByText('what decided it was not recorded (moved in before Chorus recorded it)'));

    // Taken out of Snippets too, the set the workflow serves: it left the workflow, as the download says, and its page
    // still opens, saying so, with its retirement, consensus and classifications.
    await researcher.removeSubject(set.id, idOf['ad-01']!);
    await page.reload();
    await waitToSee(page.getByTestId('lab-result-left'));
    expect(await page.getByTestId('lab-result-left').textContent()).toMatch(/^This subject left the workflow: /);
    expect((await page.getByTestId('lab-result-facts').locator('dd').allTextContents())[4]).toMatch(/^Retired by its rule \(count\), /);
    expect(await page.getByTestId('lab-result-consensus').locator('tbody td').first().textContent()).toBe('Yes, an advert');
    await waitToSee(page.getByTestId('lab-result-status').getByText('2 of 2 classifications shown.'));

    // Retired by hand: by the researcher, named, and by a scientist who left the team since, by id; each in their role then.
    const scientist = await newAccount(suite.stack, 'Annie Cannon');
    await researcher.invite(project.id, { email: scientist.email, role: 'scientist' });
    await scientist.client.acceptInvitation(project.id);
    await researcher.retireSubjects(workflowId, { subjectIds: [idOf['ad-02']!], reason: 'Not an advert' });
    await scientist.client.retireSubjects(workflowId, { subjectIds: [idOf['ad-04']!], reason: 'Torn' });
    await researcher.removeMember(project.id, scientist.id);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results?status=retired`);
    await waitToSee(status.getByText('2 subjects shown.'));
    expect((await cells('ad-02'))[4]).toMatch(/^Retired by hand, .+, by Maria Mitchell \(owner\): “Not an advert”$/);
    expect((await cells('ad-04'))[4]).toMatch(new RegExp(`^Retired by hand, .+, by ${scientist.id}, no longer on the team \\(scientist\\): “Torn”$`));
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${idOf['ad-02']}`);
    await waitToSee(page.getByTestId('lab-result-facts'));
    expect((await page.getByTestId('lab-result-facts').locator('dd').allTextContents())[4]).toMatch(/, by Maria Mitchell \(owner\): “Not an advert”$/);

    // Taken down: marked so, on its page and in the list, as the team sees it everywhere.
    await researcher.retireSubjects(workflowId, { subjectIds: [idOf['ad-02']!], reason: 'A home address', takeDown: true });
    await page.reload();
    await waitToSee(page.getByTestId('lab-result-facts'));
    expect((await page.getByTestId('lab-result-facts').locator('dd').allTextContents())[4]).toMatch(/^Taken down\. Retired by hand, .+, by Maria Mitchell \(owner\): “A home address”$/);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results?status=retired`);
    await waitToSee(status.getByText('2 subjects shown.'));
    expect((await cells('ad-02'))[4]).toMatch(/^Taken down\. Retired by hand, /);
    expect((await cells('ad-04'))[4]).toMatch(/^Retired by hand, /);

    // Returned to volunteers here by name while another workflow of the project keeps it taken down: served nowhere,
    // so never "Still served".
    await researcher.createWorkflow(project.id, { name: 'Second look', firstTask: 'T0', tasks: { T0: { type: 'single', question: 'Readable?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } }, retirement: { rule: 'count', count: 2 }, subjectSetIds: [set.id] });
    await researcher.unretireSubjects(workflowId, { subjectIds: [idOf['ad-02']!], reason: 'Address covered' });
    const notServed = 'Taken down. Not served: another workflow of the project keeps it taken down (it was returned to volunteers here)';
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results?q=ad-02`);
    await waitToSee(status.getByText('1 subject shown.'));
    expect((await cells('ad-02'))[4]).toBe(notServed);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${idOf['ad-02']}`);
    await waitToSee(page.getByTestId('lab-result-facts'));
    expect((await page.getByTestId('lab-result-facts').locator('dd').allTextContents())[4]).toBe(notServed);

    // A volunteer spotted on the subject's page excluded from the consensus there, by keyboard, asked first with a
    // reason; their row then says so, focus on "Count them again", which counts them again, focus back on "Exclude".
    const excludedRow = `[data-testid="lab-result-classifications"] tr[data-classification-id="${ad02.id}"]`;
    const [excludeButton, liftButton] = [`${excludedRow} .lab-exclusion > button`, `${excludedRow} .lab-exclusion > form > button`];
    const exclusionStatus = page.getByTestId('lab-result-exclusion-status');
    await tabTo(page, excludeButton, 80);
    await page.keyboard.press('Enter');
    const question = page.getByTestId('lab-exclude-question');
    await waitForFocus(page, '[data-testid="lab-exclude-question"] textarea');
    // A guest has no name: the question says what they are, in a sentence of its own.
    expect(await question.getByRole('paragraph').allTextContents()).toEqual([
      'Leave this guest’s classifications out of this project’s consensus?',
      'Their classifications are kept and flagged in the raw download; the consensus of every subject they classified is recomputed without them. You can count them again from the project’s page, or from the results page of a subject they classified.',
    ]);
    await page.keyboard.press('Escape');
    await waitForFocus(page, excludeButton);
    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-testid="lab-exclude-question"] textarea');
    await page.keyboard.type('Answers every snippet no');
    await tabTo(page, '[data-testid="lab-exclude-question"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await waitForFocus(page, liftButton);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Count them again');
    expect(await exclusionStatus.textContent()).toBe('Excluded: the consensus of the subjects they classified is being recomputed.');
    expect(await page.locator(`${excludedRow} td:nth-child(5)`).textContent()).toBe('Not counted: its volunteer is excluded from this project’s consensus');
    expect((await researcher.excludedVolunteers(project.id)).excludedVolunteers.map((each) => [each.volunteerId, each.reason])).toEqual([[guests[0]!.id, 'Answers every snippet no']]);
    // Read again, the page shows the exclusion as the API has it. Another researcher lifts it meanwhile: counting
    // them again here finds it lifted, and says so as if it had lifted it.
    await page.reload();
    await waitToSee(page.locator(excludedRow).getByRole('button', { name: 'Count them again' }));
    expect(await page.locator(`${excludedRow} td:nth-child(5)`).textContent()).toBe('Not counted: its volunteer is excluded from this project’s consensus');
    await researcher.liftExclusion(project.id, guests[0]!.id);
    await tabTo(page, liftButton, 80);
    await page.keyboard.press('Enter');
    await waitToSee(exclusionStatus.getByText('Their classifications count again: the consensus of the subjects they classified is being recomputed.'));
    await waitForFocus(page, excludeButton);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Exclude from consensus');
    expect(await page.locator(`${excludedRow} td:nth-child(5)`).textContent()).toBe('');
    expect((await researcher.excludedVolunteers(project.id)).excludedVolunteers).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('marks a consensus that goes against most votes, in the list and on the subject’s page, with how many chose it', async () => {
    const account = await signUp(suite.stack, { email: `lab-minority-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Annie Cannon' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    // Under bayes, the careful volunteer's answer outweighs the two who answer wrongly every time: 1 vote of 3.
    const { workflowId, idOf } = await carefulMinorityWorkflow(suite.stack, researcher);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results?q=open-0`);
    await waitToSee(page.getByTestId('lab-results-status').getByText('1 subject shown.'));
    const row = page.getByTestId('lab-results-table').locator(`tr[data-subject-id="${idOf['open-0']}"]`);
    const badge = "Against most votes: 1 of 3 chose this answer, 2 the most chosen one; the volunteers' learned skills outweighed them";
    expect(await row.getByTestId('against-most-votes').textContent()).toBe(badge);
    expect((await row.locator('td').last().textContent())?.trim()).toBe(`T0: Yes, an advert (33% agreement, 3 votes) ${badge}`);
    await checkScreen(page, 'lab-results-against-most-votes');

    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${idOf['open-0']}`);
    const consensus = page.getByTestId('lab-result-consensus');
    await waitToSee(consensus);
    expect((await consensus.locator('tbody tr th, tbody tr td').allTextContents()).map((text) => text.trim())).toEqual([
      'Is this an advertisement? (T0)',
      `Yes, an advert ${badge}`,
      '33%',
      '3',
      'bayesian-confusion, version 1',
    ]);
    await checkScreen(page, 'lab-result-against-most-votes');

    // The workflow's page counts them (the open subject and the six gold ones, every one against its votes) and leads
    // to them, by keyboard, in the results filtered to those alone (F1 of tester round 22).
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    const warning = page.getByTestId('lab-against-most-votes');
    await waitToSee(warning, { timeout: 60_000 });
    expect(await warning.textContent()).toBe("7 subjects were decided against most volunteers' answers, as their learned skills weighed them; see them.");
    await warning.getByRole('link', { name: 'see them' }).focus();
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('lab-results-status').getByText('7 subjects shown.'), { timeout: 60_000 });
    expect(new URL(page.url()).searchParams.get('againstPlurality')).toBe('true');
    expect(await page.getByLabel('Only those decided against most votes').isChecked()).toBe(true);
    expect(await page.getByTestId('lab-results-table').locator('caption').textContent()).toContain(' decided against most votes');
    expect(errors).toEqual([]);
  });

  it('lists a bayes workflow’s volunteers by learned skill, the least accurate first, with what it rests on, and says an agreement rule counts votes alike', async () => {
    const account = await signUp(suite.stack, { email: `lab-skills-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Annie Cannon' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const [careful, ...contrary] = [await newAccount(suite.stack, 'Careful Carla'), await newAccount(suite.stack, 'Contrary Cid'), await newAccount(suite.stack, 'Contrary Dee')];
    const { workflowId } = await carefulMinorityWorkflow(suite.stack, researcher, 1, async () => [careful, ...contrary].map((volunteer) => volunteer.client));
    const { skills } = await researcher.skills(workflowId);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results`);
    const section = page.getByTestId('lab-skills');
    await waitToSee(section.getByRole('heading', { name: 'Volunteers’ skills' }));
    expect(await section.textContent()).toContain('An agreement rule counts votes, every volunteer’s alike, whatever their skill.');
    const table = section.getByTestId('lab-skills-T0');
    expect(await table.locator('caption').textContent()).toBe('Volunteers’ learned skills on Is this an advertisement? (T0), the least accurate first');
    const percent = (share: number) => `${Math.round(share * 100)}%`;
    const rows = await table.locator('tbody tr').evaluateAll((each) => each.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim())));
    // The two who answer every gold standard subject wrong first, then the careful one; each on their 7 answers.
    const byName = Object.fromEntries([careful, ...contrary].map((volunteer, index) => [volunteer.id, ['Careful Carla', 'Contrary Cid', 'Contrary Dee'][index]]));
    expect(rows).toEqual(
      skills.map((skill) => [
        `${byName[skill.volunteerId]} ${skill.volunteerId}`,
        percent(skill.accuracy),
        `Yes, an advert: ${percent(skill.confusion.yes!.yes!)}; No: ${percent(skill.confusion.no!.no!)}`,
        '7',
        `agreed with ${skill.volunteerId === careful.id ? 6 : 0} of 6 known answers`,
        'Exclude from consensus',
      ]),
    );
    expect(skills.map((skill) => skill.volunteerId).at(-1)).toBe(careful.id);
    await checkScreen(page, 'lab-results-skills');

    // A contrary volunteer excluded from the consensus, asked first with a reason; then counted again from the project's page.
    const cid = contrary[0]!;
    await table.locator(`tr[data-volunteer-id="${cid.id}"]`).getByRole('button', { name: 'Exclude from consensus' }).click();
    const question = page.getByTestId('lab-exclude-question');
    await waitToSee(question.getByText('Leave Contrary Cid’s classifications out of this project’s consensus?'));
    await question.getByRole('button', { name: 'Exclude them' }).click();
    await waitToSee(question.getByText('Say why they are excluded, for the rest of the team.'));
    await question.getByLabel('Reason').fill('Answers every known subject wrong');
    await question.getByRole('button', { name: 'Exclude them' }).click();
    await waitToSee(table.getByText('Excluded: the consensus of the subjects they classified is being recomputed.'));
    const { projectId } = await researcher.getWorkflow(workflowId);
    expect((await researcher.excludedVolunteers(projectId)).excludedVolunteers.map((each) => [each.volunteerId, each.reason])).toEqual([[cid.id, 'Answers every known subject wrong']]);
    const project = await researcher.getProject(projectId);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    const excluded = page.getByTestId('lab-excluded');
    await waitToSee(excluded.locator(`tr[data-volunteer-id="${cid.id}"]`).getByText('Answers every known subject wrong'));
    await excluded.getByRole('button', { name: 'Count them again' }).click();
    await waitToSee(excluded.getByText('No volunteer is excluded: every classification counts.'));
    expect(errors).toEqual([]);
  });

  it('says a task the crowd’s answers do not lead to was not reached, instead of a consensus of the few who answered it', async () => {
    const account = await signUp(suite.stack, { email: `lab-branching-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Branching ads', status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Snippets' });
    const { subjectIds: [news, tied] } = await researcher.addSubjects(set.id, ['news', 'tied'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `Snippet ${externalId}` }] })));
    const { id: workflowId } = await researcher.createWorkflow(project.id, {
      name: 'Ad or not?',
      firstTask: 'T0',
      tasks: advertisementTasks,
      retirement: { rule: 'count', count: 3 },
      subjectSetIds: [set.id],
    });
    await researcher.activateWorkflow(workflowId);
    const [yes, no] = [advertisementAnswers('soap'), advertisementAnswers()];
    for (const [onNews, onTied] of [[no, yes], [yes, no]]) {
      const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: news!, annotations: onNews! }, randomUUID());
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: tied!, annotations: onTied! }, randomUUID());
    }
    const third = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    await third.classify({ workflowId, workflowVersion: 1, subjectId: news!, annotations: no }, randomUUID());
    await until(async () => (await laggingSubjects(suite.stack.db, workflowId)) === 0 && (await researcher.stats(workflowId)).retired === 1, 'aggregation');

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results`);
    const table = page.getByTestId('lab-results-table');
    await waitToSee(table);
    const consensusOf = async (id: string) => (await table.locator(`tr[data-subject-id="${id}"] li`).allTextContents()).map((text) => text.trim());
    expect(await consensusOf(news!)).toEqual(['T0: No (67% agreement, 3 votes)', "T1: Not reached: the crowd's answer to T0 led elsewhere (1 vote kept aside)"]);
    expect(await consensusOf(tied!)).toEqual([
      'T0: No answer leads (50% agreement, 2 votes)',
      'T1: Not reached yet: the crowd has no answer to T0, which decides whether it is (1 vote kept aside) Needs checking',
    ]);

    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${news}`);
    const consensus = page.getByTestId('lab-result-consensus');
    await waitToSee(consensus);
    expect((await consensus.locator('tbody tr:nth-child(2) th, tbody tr:nth-child(2) td').allTextContents()).map((text) => text.trim())).toEqual([
      'What is advertised? (T1)',
      "Not reached: the crowd's answer to T0 led elsewhere 1 volunteer answered this, though the consensus for T0 did not lead here: Soap",
      '—',
      '1',
      'plurality-vote, version 1',
    ]);
    // What the one who said yes answered stays in view (its offPath), apart from the consensus (F1 of tester round 22).
    expect(await consensus.getByTestId('off-path').locator('bdi').textContent()).toBe('Soap');
    // One yes, one no: the crowd has no answer to T0, and the page says what the one who said yes gave is worth checking (tester round 24, F2).
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${tied}`);
    await waitToSee(consensus);
    expect((await consensus.locator('tbody tr:nth-child(2) td').first().textContent())?.trim()).toBe(
      'Not reached yet: the crowd has no answer to T0, which decides whether it is Needs checking 1 volunteer answered this, but the consensus for T0 — a tie — did not lead here: Soap',
    );
    expect(errors).toEqual([]);
  });

  it('shows a fields task\'s consensus field by field on the subject\'s page, each with its agreement and votes', async () => {
    const account = await signUp(suite.stack, { email: `lab-fields-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Index cards', status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Cards' });
    const { subjectIds: [card] } = await researcher.addSubjects(set.id, [{ externalId: 'card-1', locations: [{ type: 'text', text: 'SMITH, John. St Mary' }] }]);
    const fields: { key: string; label: string; kind: 'text' | 'number' | 'choice'; choices?: string[] }[] = [
      { key: 'surname', label: 'Surname', kind: 'text' },
      { key: 'parish', label: 'Parish', kind: 'choice', choices: ['St Mary', 'St John'] },
      { key: 'age', label: 'Age', kind: 'number' },
    ];
    const cards = (formFields: typeof fields): WorkflowInput => ({
      name: 'Cards',
      firstTask: 'T0',
      tasks: { T0: { type: 'fields', instruction: 'Copy the card', fields: formFields } },
      retirement: { rule: 'count', count: 5 },
      subjectSetIds: [set.id],
    });
    const { id: workflowId } = await researcher.createWorkflow(project.id, cards(fields));
    await researcher.activateWorkflow(workflowId);
    for (const value of [{ surname: 'Smith', parish: 'St Mary', age: '' }, { surname: 'smith ', parish: 'St John', age: '' }]) {
      const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: card!, annotations: [{ task: 'T0', value }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(suite.stack.db, workflowId)) === 0, 'aggregation');

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${card}`);
    const consensus = page.getByTestId('lab-result-consensus');
    await waitToSee(consensus.getByTestId('field-consensus'));
    expect((await consensus.getByTestId('field-consensus').locator('li').allTextContents()).map((text) => text.trim())).toEqual([
      'Surname: Smith (100% of 2 votes)',
      'Parish: no leader (a tie) (50% of 2 votes)',
      'Age: left blank (100% of 2 votes)',
    ]);
    expect((await consensus.locator('tbody tr:first-child td').nth(1).textContent())?.trim()).toBe('0%'); // a tied field: no agreement
    expect(await consensus.getByTestId('needs-checking').count()).toBe(1); // the parish has no majority
    await checkScreen(page, 'lab-result-fields');

    // The consensus corrected field by field, each control starting as the consensus gave it (the tied parish blank);
    // a value the task refuses is said, and changes nothing.
    const review = page.getByTestId('lab-result-reviews').locator('fieldset[data-task="T0"]');
    expect(await review.getByLabel('Corrected value of “Surname”').inputValue()).toBe('Smith');
    expect(await review.getByLabel('Corrected value of “Parish”').inputValue()).toBe('');
    await review.getByLabel('Corrected value of “Age”').fill('thirty');
    await review.getByRole('button', { name: 'Save correction' }).click();
    await waitForFocus(page, '#lab-review-T0-field-age');
    await waitToSee(review.getByText('Write a number in digits, with “.” for decimals (12.5), without spaces or thousands separators.'));
    expect(await page.getByTestId('lab-review-T0-state').textContent()).toBe('Not reviewed yet.');
    await review.getByLabel('Corrected value of “Age”').fill('34');
    await review.getByLabel('Corrected value of “Parish”').selectOption('St Mary');
    await review.getByRole('button', { name: 'Save correction' }).click();
    await waitToSee(page.getByTestId('lab-review-T0-state').getByText('Corrected to “Surname: Smith; Parish: St Mary; Age: 34” by Maria Mitchell (owner),'));
    const { rows: [corrected] } = await suite.stack.db.query('SELECT value FROM consensus_reviews WHERE subject_id = $1', [card]);
    expect(corrected.value).toEqual({ surname: 'Smith', parish: 'St Mary', age: '34' });

    // A field added by a later version has no votes from the answers given so far: said so, not as a tie.
    await researcher.updateWorkflow(workflowId, cards([...fields, { key: 'occupation', label: 'Occupation', kind: 'text' }]));
    const computedUnder = async () => (await suite.stack.db.query('SELECT workflow_version FROM consensus WHERE workflow_id = $1', [workflowId])).rows[0]?.workflow_version;
    await until(async () => (await laggingSubjects(suite.stack.db, workflowId)) === 0 && (await computedUnder()) === 2, 're-aggregation');
    await page.reload();
    await waitToSee(consensus.getByTestId('field-consensus'));
    expect((await consensus.getByTestId('field-consensus').locator('li').last().textContent())?.trim()).toBe('Occupation: no votes');
    // The correction's form follows the version: the field added since starts blank, and is sent with the others.
    const correction = async () => (await suite.stack.db.query('SELECT value FROM consensus_reviews WHERE subject_id = $1', [card])).rows[0]?.value;
    await review.getByRole('button', { name: 'Save correction' }).click();
    await until(async () => 'occupation' in ((await correction()) ?? {}), 'the correction under version 2');
    expect(await correction()).toEqual({ surname: 'Smith', parish: 'St Mary', age: '34', occupation: '' });

    // A result without its fields (as no aggregation writes it, but a row may hold) still shows the answer.
    await suite.stack.db.query(`UPDATE consensus SET result = '{}' WHERE workflow_id = $1`, [workflowId]);
    await page.reload();
    await waitToSee(consensus.locator('tbody tr:first-child'));
    expect(await consensus.locator('tbody tr:first-child td').first().textContent()).toContain('Smith');
    expect(errors).toEqual([]);
  });

  it("corrects a form's numbers as the project's language writes them: a German consensus 1.250 shown 1,250 and kept so, \"1.250\" typed refused, \"12,5\" stored 12.5", async () => {
    const account = await signUp(suite.stack, { email: `lab-zahlen-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Karteikarten', status: 'live', language: 'de' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Karten' });
    const { subjectIds: [card] } = await researcher.addSubjects(set.id, [{ externalId: 'karte-1', locations: [{ type: 'text', text: 'SCHMIDT, 1,25 kg' }] }]);
    const task = { type: 'fields' as const, instruction: 'Karte abschreiben', fields: [{ key: 'weight', label: 'Gewicht', kind: 'number' as const }] };
    const { id: workflowId } = await researcher.createWorkflow(project.id, { name: 'Karten', firstTask: 'T0', tasks: { T0: task }, retirement: { rule: 'count', count: 5 }, subjectSetIds: [set.id] });
    await researcher.activateWorkflow(workflowId);
    for (let count = 0; count < 2; count++) {
      const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: card!, annotations: [{ task: 'T0', value: { weight: '1.250' } }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(suite.stack.db, workflowId)) === 0, 'aggregation');
    const corrected = async () => (await suite.stack.db.query('SELECT value FROM consensus_reviews WHERE subject_id = $1', [card])).rows[0]?.value;

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${card}`);
    const review = page.getByTestId('lab-result-reviews').locator('fieldset[data-task="T0"]');
    const weight = review.getByLabel('Corrected value of “Gewicht”');
    await waitToSee(weight);
    expect(await weight.inputValue()).toBe('1,250');
    await review.getByRole('button', { name: 'Save correction' }).click();
    await until(async () => (await corrected()) !== undefined, 'the correction');
    expect(await corrected()).toEqual({ weight: '1.250' });
    await weight.fill('1.250');
    await review.getByRole('button', { name: 'Save correction' }).click();
    await waitToSee(review.getByText('Is this a thousand or more, or a decimal? Write 1250, or 1,25: no “.” between thousands.'));
    await weight.fill('12,5');
    await review.getByRole('button', { name: 'Save correction' }).click();
    await until(async () => (await corrected())?.weight === '12.5', 'the second correction');
    expect(errors).toEqual([]);
  });

  it('shows a marking task\'s consensus thing by thing on the subject\'s page, each with how many volunteers marked it', async () => {
    const account = await signUp(suite.stack, { email: `lab-marking-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const { workflowId, colony } = await penguinMarkingWorkflow(suite.stack, researcher, 'https://example.org/colony-1.png', [
      [{ tool: 'penguin', x: 100, y: 100 }, { tool: 'penguin', x: 300, y: 300 }],
      [{ tool: 'penguin', x: 105, y: 98 }, { tool: 'sign', x: 10, y: 10, width: 50, height: 40 }],
      [{ tool: 'penguin', x: 102, y: 103 }],
    ]);

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${colony}`);
    const consensus = page.getByTestId('lab-result-consensus');
    await waitToSee(consensus.getByTestId('marking-consensus'));
    expect((await consensus.getByTestId('marking-consensus').locator('li').allTextContents()).map((text) => text.trim())).toEqual([
      'Penguin 1 at 102, 100: marked by 3 of 3 volunteers',
      // Things one volunteer alone marked are counted, not listed (the result keeps only their number).
      '2 other things, each marked by one volunteer alone (left out: not marked by most)',
    ]);
    await checkScreen(page, 'lab-result-marking');
    expect(errors).toEqual([]);
  });

  it('marks a transcription that needs checking in the list, lists only those when asked, and marks its low-agreement words beside each volunteer’s transcription (round 17b F5)', async () => {
    const account = await signUp(suite.stack, { email: `lab-transcription-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const { workflowId, idOf } = await transcriptionWorkflow(researcher, ['letter-agreed', 'letter-disputed', 'letter-arabic']);
    // A registered volunteer, named; two guests.
    const grace = await newAccount(suite.stack, 'Grace Hopper');
    const volunteers = [grace.client, ...(await Promise.all([0, 1].map(async () => suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token))))];
    const texts: Record<string, string[]> = {
      'letter-agreed': ['Mary Brown of Leeds', 'Mary Brown of Leeds', 'Mary Brown of Leeds'],
      'letter-disputed': ['Mary Brown of Leeds', 'Mary Smith of Leeds', 'Mary Jones of Leeds'],
      'letter-arabic': ['رسالة من أحمد', 'رسالة إلى أحمد', 'رسالة عن أحمد'],
    };
    for (const [name, each] of Object.entries(texts)) {
      for (const [i, text] of each.entries()) await volunteers[i]!.classify({ workflowId, workflowVersion: 1, subjectId: idOf[name]!, annotations: [{ task: 'T0', value: text }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(suite.stack.db, workflowId)) === 0, 'aggregation');

    // The list: the disputed transcriptions marked, the agreed one not; then only those, by the form.
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results`);
    const table = page.getByTestId('lab-results-table');
    const status = page.getByTestId('lab-results-status');
    await waitToSee(status.getByText('3 subjects shown.'));
    const marked = (name: string) => table.locator(`tr[data-subject-id="${idOf[name]}"]`).getByTestId('needs-checking');
    expect(await marked('letter-agreed').count()).toBe(0);
    expect(await marked('letter-disputed').textContent()).toBe('Needs checking');
    expect(await marked('letter-arabic').textContent()).toBe('Needs checking');
    await page.getByLabel('Only those that need checking').check();
    await page.getByLabel('Only those that need checking').press('Enter');
    await waitToSee(status.getByText('2 subjects shown.'));
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((each) => each.getAttribute('data-subject-id')))).toEqual([idOf['letter-arabic'], idOf['letter-disputed']]);
    expect(await table.locator('caption').textContent()).toBe('All subjects of “Transcribe the letters” that need checking, in the order of their external ids, numbers as numbers (those without one last)');
    expect(new URL(page.url()).search).toBe('?needsChecking=true');
    await checkScreen(page, 'lab-results-needs-checking');
    // Searched by the text of their answers, capitals aside, with the filter kept; in the address too.
    await page.getByLabel('Text in the answers (optional)').fill(' LEEDS ');
    await page.getByLabel('Text in the answers (optional)').press('Enter');
    await waitToSee(status.getByText('1 subject shown.'));
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((each) => each.getAttribute('data-subject-id')))).toEqual([idOf['letter-disputed']]);
    expect(await table.locator('caption').textContent()).toBe('All subjects of “Transcribe the letters” whose answers contain “LEEDS” that need checking, in the order of their external ids, numbers as numbers (those without one last)');
    expect(new URL(page.url()).search).toBe('?text=LEEDS&needsChecking=true');

    // The disputed letter's page: the one word a third agreed on marked, with how many agreed in words; the rest not.
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${idOf['letter-disputed']}`);
    const section = page.getByTestId('lab-result-transcription');
    await waitToSee(section);
    expect(await page.getByTestId('lab-result-consensus').getByTestId('needs-checking').textContent()).toBe('Needs checking');
    const consensus = section.getByTestId('lab-result-transcription-consensus');
    const marks = consensus.locator('mark');
    expect(await marks.count()).toBe(1);
    const word = (await marks.locator('bdi').textContent())!;
    expect(['Brown', 'Smith', 'Jones']).toContain(word);
    expect(await marks.getAttribute('title')).toBe('1 of 3 volunteers agreed');
    expect(await marks.textContent()).toBe(`${word} (1 of 3 volunteers agreed)`);
    // Said without colour: its description is text a screen reader reads, hidden from the eye only.
    expect(await marks.locator('.visually-hidden').evaluate((hidden) => hidden.getBoundingClientRect().width <= 1)).toBe(true);
    expect(await consensus.locator('p').textContent()).toBe(`Mary ${word} (1 of 3 volunteers agreed) of Leeds`);
    // Each volunteer's own transcription beside it, the registered one by name, guests as such: never an email.
    const own = await section.getByTestId('lab-result-transcriptions').locator('tbody tr').evaluateAll((rows) =>
      rows.map((tr) => [tr.querySelector('th .lab-volunteer-name')?.textContent, tr.querySelector('td')?.textContent]),
    );
    expect(own).toEqual([
      ['Grace Hopper', 'Mary Brown of Leeds'],
      ['A guest', 'Mary Smith of Leeds'],
      ['A guest', 'Mary Jones of Leeds'],
    ]);
    expect(await page.content()).not.toContain(grace.email);
    await checkScreen(page, 'lab-result-transcription');

    // An Arabic letter: its line right to left, its marked word in place, read in the line's order.
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${idOf['letter-arabic']}`);
    const arabic = page.getByTestId('lab-result-transcription-consensus');
    await waitToSee(arabic.locator('mark'));
    const line = arabic.locator('p');
    expect(await line.evaluate((p) => p.matches(':dir(rtl)'))).toBe(true);
    expect(await arabic.locator('mark').getAttribute('title')).toBe('1 of 3 volunteers agreed');
    expect(await line.locator('mark bdi').textContent()).toMatch(/^(من|إلى|عن)$/);
    // Read right to left: the first word right of the marked one, the last left of it.
    const leftOf = (text: string) =>
      line.evaluate((p, wanted) => {
        const node = [...p.childNodes].find((each) => each.nodeType === Node.TEXT_NODE && each.textContent === wanted)!;
        const range = document.createRange();
        range.selectNodeContents(node);
        return range.getBoundingClientRect().left;
      }, text);
    const markedAt = (await arabic.locator('mark bdi').boundingBox())!.x;
    expect(await leftOf('رسالة')).toBeGreaterThan(markedAt);
    expect(await leftOf('أحمد')).toBeLessThan(markedAt);
    await checkScreen(page, 'lab-result-transcription-arabic');
    expect(errors).toEqual([]);
  });

  it('corrects a transcription and approves a choice on the subject’s page, by keyboard, shows who reviewed them, and lists the subjects not reviewed yet and those whose approval’s consensus changed since', async () => {
    const account = await signUp(suite.stack, { email: `lab-reviews-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const { workflowId, idOf } = await transcribeAndDateWorkflow(researcher, [{ externalId: 'letter-1' }, { externalId: 'letter-2' }], 5);
    const subjectIds = [idOf['letter-1']!, idOf['letter-2']!];
    for (const text of ['Dear Mary,\nI write in haste.', 'Dear Mary,\nI write in haste.']) {
      const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
      for (const subjectId of subjectIds) {
        await volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: text }, { task: 'T1', value: 'yes' }] }, randomUUID());
      }
    }
    await until(async () => (await laggingSubjects(suite.stack.db, workflowId)) === 0, 'aggregation');

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${subjectIds[0]}`);
    const reviews = page.getByTestId('lab-result-reviews');
    await waitToSee(reviews);
    const state = (task: string) => page.getByTestId(`lab-review-${task}-state`);
    expect(await state('T0').textContent()).toBe('Not reviewed yet.');
    expect(await state('T1').textContent()).toBe('Not reviewed yet.');
    // The consensus shows the transcription's lines as lines (tester 24 F5), as the downloads keep them.
    // biome-ignore lint/performance/useDomNodeTextContent: innerText is the text as rendered, where collapsed line breaks would be spaces
    expect(await page.getByTestId('lab-result-consensus').locator('tbody td').first().innerText()).toBe('Dear Mary,\nI write in haste.');
    // The transcription's text starts as the consensus; corrected, then saved by keyboard.
    const text = page.getByLabel('Corrected text for T0');
    expect(await text.inputValue()).toBe('Dear Mary,\nI write in haste.');
    await text.fill('Dear Marie,\nI write in haste.');
    await text.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Approve');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Save correction');
    await page.keyboard.press('Enter');
    await waitToSee(state('T0').getByText('Corrected to “Dear Marie, I write in haste.” by Maria Mitchell (owner),'));
    // biome-ignore lint/performance/useDomNodeTextContent: innerText is the text as rendered, where collapsed line breaks would be spaces
    expect(await state('T0').innerText()).toMatch(/^Corrected to “Dear Marie,\nI write in haste\.” by Maria Mitchell \(owner\), /);
    // Focus goes to what says so, not to the page (tester 23 F4).
    await waitForFocus(page, '[data-testid="lab-review-T0-state"]');
    // The choice approved as it is, by keyboard: focus on what says so too.
    await reviews.locator('fieldset[data-task="T1"]').getByRole('button', { name: 'Approve' }).focus();
    await page.keyboard.press('Enter');
    await waitToSee(state('T1').getByText('Approved by Maria Mitchell (owner),'));
    await waitForFocus(page, '[data-testid="lab-review-T1-state"]');
    expect(await page.getByLabel('Corrected answer for T1').locator('option:checked').textContent()).toBe('Dated');
    await checkScreen(page, 'lab-result-reviews');
    // Read again: kept.
    await page.reload();
    await waitToSee(state('T0').getByText('Corrected to “Dear Marie, I write in haste.” by Maria Mitchell (owner),'));
    expect(await page.getByLabel('Corrected text for T0').inputValue()).toBe('Dear Marie,\nI write in haste.');
    expect(await state('T1').textContent()).toMatch(/^Approved by Maria Mitchell \(owner\), /);
    // Undone by keyboard: not reviewed again, focus on what says so.
    await reviews.locator('fieldset[data-task="T1"]').getByRole('button', { name: 'Undo review' }).focus();
    await page.keyboard.press('Enter');
    await waitToSee(state('T1').getByText('Not reviewed yet.'));
    await waitForFocus(page, '[data-testid="lab-review-T1-state"]');
    await reviews.locator('fieldset[data-task="T1"]').getByRole('button', { name: 'Approve' }).click();
    await waitToSee(state('T1').getByText('Approved by Maria Mitchell (owner),'));
    // Two later volunteers say no: a tie. The approval keeps its answer, and says the consensus has changed since.
    for (let volunteers = 0; volunteers < 2; volunteers += 1) {
      const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[0]!, annotations: [{ task: 'T0', value: 'Dear Mary' }, { task: 'T1', value: 'no' }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(suite.stack.db, workflowId)) === 0, 'aggregation');
    await page.reload();
    await waitToSee(state('T1').getByText('Approved “Dated” by Maria Mitchell (owner) (the consensus has changed since),'));

    // The list: only the letter not reviewed yet, by the form.
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results`);
    const status = page.getByTestId('lab-results-status');
    await waitToSee(status.getByText('2 subjects shown.'));
    const table = page.getByTestId('lab-results-table');
    const marks = (subjectId: string) => table.locator(`tr[data-subject-id="${subjectId}"]`).getByTestId('reviewed').allTextContents();
    expect(await marks(subjectIds[0]!)).toEqual(['Corrected', 'Approved (the consensus has changed since)']);
    expect(await marks(subjectIds[1]!)).toEqual([]);
    await page.getByLabel('Only those not reviewed yet').check();
    await page.getByLabel('Only those not reviewed yet').press('Enter');
    await waitToSee(status.getByText('1 subject shown.'));
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((each) => each.getAttribute('data-subject-id')))).toEqual([subjectIds[1]]);
    expect(new URL(page.url()).search).toBe('?reviewed=false');
    // Only the approvals whose consensus changed since: the letter whose T1 is tied now, said in the caption too.
    await page.getByLabel('Only those not reviewed yet').uncheck();
    await page.getByLabel('Only approvals whose consensus changed since').check();
    await page.getByLabel('Only approvals whose consensus changed since').press('Enter');
    await waitToSee(table.locator('caption').getByText('whose approved consensus changed since', { exact: false }));
    await waitToSee(status.getByText('1 subject shown.'));
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((each) => each.getAttribute('data-subject-id')))).toEqual([subjectIds[0]]);
    expect(new URL(page.url()).search).toBe('?consensusChanged=true');
    // Unchecked again: every subject, the caption and the address without the filter.
    await page.getByLabel('Only approvals whose consensus changed since').uncheck();
    await page.getByLabel('Only approvals whose consensus changed since').press('Enter');
    await waitToSee(status.getByText('2 subjects shown.'));
    expect(await table.locator('caption').textContent()).not.toContain('whose approved consensus changed since');
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((each) => each.getAttribute('data-subject-id')))).toEqual(subjectIds);
    expect(new URL(page.url()).search).toBe('');
    expect(errors).toEqual([]);
  });

  it('approves only the consensus shown: one changed since the page was read is said so and shown in its place, nothing approved, a correction begun kept', async () => {
    const account = await signUp(suite.stack, { email: `lab-changed-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const {
      workflowId,
      project: { id: projectId },
      idOf: { letter },
    } = await transcribeAndDateWorkflow(researcher, [{ externalId: 'letter' }], 10);
    const scientist = await newAccount(suite.stack, 'Sam');
    await researcher.invite(projectId, { email: scientist.email, role: 'scientist' });
    await scientist.client.acceptInvitation(projectId);
    const classified = (text: string, dated: string, volunteers: number) => classifyLetter(workflowId, letter!, text, dated, volunteers);
    await classified('Dear Mary', 'yes', 2);

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${letter}`);
    const state = (task: string) => page.getByTestId(`lab-review-${task}-state`);
    await waitToSee(state('T1').getByText('Not reviewed yet.'));
    const consensusOf = (task: string) => page.getByTestId('lab-result-consensus').locator('tbody tr').filter({ hasText: task }).locator('td').first();
    expect(await consensusOf('T1').textContent()).toBe('Dated');
    expect(await page.getByTestId('lab-result-status').textContent()).toBe('2 of 2 classifications shown.');
    const text = page.getByLabel('Corrected text for T0');
    await text.fill('Dear Marie');
    // Three volunteers come meanwhile, and the worker aggregates them: the consensus is another; and Sam, another
    // researcher, corrects T0 of it.
    await classified('Dear Maria', 'no', 3);
    await scientist.client.reviewConsensus(workflowId, letter!, 'T0', 'Dear Mara');

    const dated = page.getByTestId('lab-result-reviews').locator('fieldset[data-task="T1"]');
    await dated.getByRole('button', { name: 'Approve' }).click();
    await waitToSee(dated.getByRole('alert').getByText('The consensus of T1 changed since this page was read: classifications came in since. It is shown now in place of the one you saw, and nothing was approved: look at it again before you approve it.'));
    await waitToSee(consensusOf('T1').getByText('Not dated'));
    expect(await page.getByLabel('Corrected answer for T1').locator('option:checked').textContent()).toBe('Not dated');
    expect(await state('T1').textContent()).toBe('Not reviewed yet.');
    expect((await suite.stack.db.query("SELECT 1 FROM consensus_reviews WHERE subject_id = $1 AND task = 'T1'", [letter])).rowCount).toBe(0);
    // The transcription changed too: said so, the correction begun kept as typed.
    await waitToSee(consensusOf('T0').getByText('Dear Maria'));
    expect(await page.getByTestId('lab-result-reviews').locator('fieldset[data-task="T0"]').getByRole('alert').textContent()).toBe(
      'The consensus of T0 changed since this page was read: classifications came in since. It is shown now in place of the one you saw, and nothing was approved: look at it again before you approve it. Your correction, not saved yet, is kept as you left it.',
    );
    expect(await text.inputValue()).toBe('Dear Marie');
    // Sam's correction, made since the page was read, is shown with the consensus read again.
    await waitToSee(state('T0').getByText('Corrected to “Dear Mara” by Sam (scientist),'));
    // The classifications read again with it: the three that changed it are listed.
    await waitToSee(page.getByTestId('lab-result-status').getByText('5 of 5 classifications shown.'));
    expect(await page.getByTestId('lab-result-classifications').locator('tbody tr').count()).toBe(5);
    // Looked at again, the answer shown now is approved.
    await dated.getByRole('button', { name: 'Approve' }).click();
    await waitToSee(state('T1').getByText('Approved by Maria Mitchell (owner),'));
    expect(await dated.getByText('The consensus of T1 changed', { exact: false }).count()).toBe(0);
    expect((await suite.stack.db.query('SELECT task, value FROM consensus_reviews WHERE subject_id = $1 ORDER BY task', [letter])).rows).toEqual([{ task: 'T0', value: 'Dear Mara' }, { task: 'T1', value: 'no' }]);
    expect(errors).toEqual([]);
  });

  it('says a consensus changed only once the subject read again shows another: one changed back meanwhile is said so, the other tasks nothing', async () => {
    const account = await signUp(suite.stack, { email: `lab-back-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const {
      workflowId,
      idOf: { letter },
    } = await transcribeAndDateWorkflow(researcher, [{ externalId: 'letter' }], 10);
    const classified = (dated: string, volunteers: number) => classifyLetter(workflowId, letter!, 'Dear Mary', dated, volunteers);
    await classified('yes', 2);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${letter}`);
    const reviews = page.getByTestId('lab-result-reviews');
    const dated = reviews.locator('fieldset[data-task="T1"]');
    await waitToSee(dated.getByTestId('lab-review-T1-state').getByText('Not reviewed yet.'));
    // No, 3 to 2, once the page was read: the approval of yes is refused, and the subject read again is held.
    await classified('no', 3);
    let release = () => {};
    let readAgain = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const requested = new Promise<void>((resolve) => (readAgain = resolve));
    await page.route(`**/api/v1/workflows/${workflowId}/subject-results/${letter}*`, async (route) => {
      readAgain();
      await held;
      await route.continue();
    });
    await dated.getByRole('button', { name: 'Approve' }).click();
    await requested;
    // Refused, and the results asked again: while they are on their way, nothing is said to have changed.
    await page.waitForTimeout(300);
    expect(await dated.getByText('changed since this page was read', { exact: false }).count()).toBe(0);
    // Yes again, 4 to 3, before the subject's results come: the answer shown is the consensus's again.
    await classified('yes', 2);
    release();
    await waitToSee(dated.getByRole('alert').getByText('The consensus of T1 changed while you approved it, and is the answer shown again: nothing was approved; approve it again if it is right.'));
    await waitToSee(page.getByTestId('lab-result-status').getByText('7 of 7 classifications shown.'));
    expect(await reviews.locator('fieldset[data-task="T0"]').getByRole('alert').count()).toBe(0);
    expect(await dated.getByText('changed since this page was read', { exact: false }).count()).toBe(0);
    await dated.getByRole('button', { name: 'Approve' }).click();
    await waitToSee(dated.getByTestId('lab-review-T1-state').getByText('Approved by Maria Mitchell (owner),'));
    expect((await suite.stack.db.query('SELECT value FROM consensus_reviews WHERE subject_id = $1', [letter])).rows).toEqual([{ value: 'yes' }]);
    expect(errors).toEqual([]);
  });

  it('approves a set of choices the API stores in another order since the page was read as the answer shown: not refused, nothing said to have changed', async () => {
    const account = await signUp(suite.stack, { email: `lab-order-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Posters', status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Posters' });
    const {
      subjectIds: [poster],
    } = await researcher.addSubjects(set.id, [{ externalId: 'poster', locations: [{ type: 'text' as const, text: 'A poster' }] }]);
    const { id: workflowId } = await researcher.createWorkflow(project.id, {
      name: 'Colours',
      firstTask: 'T0',
      tasks: { T0: { type: 'multiple', question: 'Which colours?', answers: ['red', 'blue', 'green'].map((value) => ({ value, label: `In ${value}` })) } },
      retirement: { rule: 'count', count: 10 },
      subjectSetIds: [set.id],
    });
    await researcher.activateWorkflow(workflowId);
    for (let each = 0; each < 2; each += 1) {
      const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: poster!, annotations: [{ task: 'T0', value: ['red', 'blue'] }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(suite.stack.db, workflowId)) === 0, 'aggregation');
    const { rows: [{ answer }] } = await suite.stack.db.query('SELECT answer FROM consensus WHERE workflow_id = $1', [workflowId]);
    expect(answer.split(';').sort()).toEqual(['blue', 'red']);

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${poster}`);
    await waitToSee(page.getByTestId('lab-review-T0-state').getByText('Not reviewed yet.'));
    await approveStoredInAnotherOrder(suite.stack, page, workflowId, poster!, answer.split(';').reverse().join(';'));
    expect(errors).toEqual([]);
  });

  it('says which rule of an any rule retired a subject: agreement on T1, or the most classifications of the rule on T0', async () => {
    const account = await signUp(suite.stack, { email: `lab-rules-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const { workflowId, idOf } = await twoRulesWorkflow(suite.stack, researcher);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results`);
    const table = page.getByTestId('lab-results-table');
    await waitToSee(table);
    const statusOf = async (id: string) => (await table.locator(`tr[data-subject-id="${id}"] td`).nth(3).textContent())?.trim();
    expect(await statusOf(idOf.agreed)).toMatch(/^Retired by its rule: agreement on T1, /);
    expect(await statusOf(idOf.capped)).toMatch(/^Retired at the most classifications of its rule on T0, /);

    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${idOf.agreed}`);
    await waitToSee(page.getByTestId('lab-result-facts'));
    expect((await page.getByTestId('lab-result-facts').locator('dd').allTextContents())[4]).toMatch(/^Retired by its rule: agreement on T1, /);
    const notes = async () => (await page.getByTestId('lab-result-classifications').locator('tbody tr td:nth-child(5)').allTextContents()).filter(Boolean);
    expect(await notes()).toEqual(['Retired the subject']);

    // Taken down since, retired by hand: the classification that met the rule retired it before, as the retirement says.
    await researcher.retireSubjects(workflowId, { subjectIds: [idOf.agreed], reason: 'A home address', takeDown: true });
    await page.reload();
    await waitToSee(page.getByTestId('lab-result-facts'));
    expect((await page.getByTestId('lab-result-facts').locator('dd').allTextContents())[4]).toMatch(/^Taken down\. Retired by hand, /);
    expect(await notes()).toEqual(['Met the retirement rule, which retired the subject before the team took it down']);
    expect(errors).toEqual([]);
  });

  it("keeps a letter's pages together: external ids in natural order, filtered by a metadata field and sorted by another, by keyboard (20a F2)", async () => {
    const account = await signUp(suite.stack, { email: `lab-letters-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Ada Lovelace' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Letters', status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Pages' });
    const pages: [string, Record<string, string>][] = [
      ['letter-2-page-10', { letter: '2', page: '10' }],
      ['letter-10-page-1', { letter: '10', page: '1' }],
      ['letter-2-page-2', { letter: '2', page: '2' }],
      ['letter-2-cover', { letter: '2' }],
      ['letter-2-page-1', { letter: '2', page: '1' }],
    ];
    const { subjectIds } = await researcher.addSubjects(set.id, pages.map(([externalId, metadata]) => ({ externalId, metadata, locations: [{ type: 'text' as const, text: `Page ${externalId}` }] })));
    const idOf = Object.fromEntries(pages.map(([name], index) => [name, subjectIds[index]!]));
    const { id: workflowId } = await researcher.createWorkflow(project.id, {
      name: 'Transcribe the letters',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Is there writing?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      subjectSetIds: [set.id],
    });
    await researcher.activateWorkflow(workflowId);

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results`);
    const status = page.getByTestId('lab-results-status');
    await waitToSee(status.getByText('5 subjects shown.'));
    const table = page.getByTestId('lab-results-table');
    const shown = () => table.locator('tbody tr').evaluateAll((rows) => rows.map((each) => each.getAttribute('data-subject-id')));
    // The external ids' numbers as numbers: page-2 before page-10, letter-2 before letter-10.
    expect(await shown()).toEqual(['letter-2-cover', 'letter-2-page-1', 'letter-2-page-2', 'letter-2-page-10', 'letter-10-page-1'].map((name) => idOf[name]));

    // Letter 2's pages in order, chosen by keyboard: the field named first (the page's fields are offered), then its value.
    expect(await page.locator('#lab-results-metadata-keys option').evaluateAll((options) => options.map((option) => option.getAttribute('value')))).toEqual(['letter', 'page']);
    await page.getByLabel('Order').focus();
    await page.keyboard.press('End');
    await waitToSee(page.getByLabel('Metadata field to sort by'));
    // Asked for without the field to sort by: said beside it, which takes focus.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitForFocus(page, '#lab-results-sort-key');
    expect(await page.getByTestId('lab-results-sort-key-error').textContent()).toBe('Name the metadata field to sort by (page, say).');
    await page.keyboard.type('page');
    await tabTo(page, '#lab-results-metadata-key', 4);
    await page.keyboard.type('letter');
    await page.keyboard.press('Tab');
    await page.keyboard.type('2');
    await page.keyboard.press('Enter');
    await waitToSee(status.getByText('4 subjects shown.'));
    expect(await table.locator('caption').textContent()).toBe('All subjects of “Transcribe the letters” whose letter is “2”, in the order of their page, numbers as numbers (those without it last)');
    const letterTwo = ['letter-2-page-1', 'letter-2-page-2', 'letter-2-page-10', 'letter-2-cover'].map((name) => idOf[name]);
    expect(await shown()).toEqual(letterTwo);
    expect(new URL(page.url()).search).toBe('?metadata.letter=2&sort=metadata.page');
    expect(await page.getByTestId('lab-results-sort-key-error').count()).toBe(0);

    // The same list from the address, as Back from a subject finds it.
    await page.reload();
    await waitToSee(status.getByText('4 subjects shown.'));
    expect(await shown()).toEqual(letterTwo);
    expect(await page.getByLabel('Metadata field to sort by').inputValue()).toBe('page');
    expect(await page.getByLabel('Its value (optional)').inputValue()).toBe('2');
    await checkScreen(page, 'lab-results-letters');
    expect(errors).toEqual([]);
  });

  it('takes a reviewer by keyboard from the project’s page to the transcriptions to check, and lets them correct one, named a reviewer, with nothing a researcher does', async () => {
    const project = await suite.stack.client.createProject({ title: `Diaries ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await suite.stack.client.createSubjectSet(project.id, { name: 'Diaries' });
    const { subjectIds } = await suite.stack.client.addSubjects(set.id, ['day-1', 'day-2'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `The ${externalId}` }] })));
    const { id: workflowId } = await suite.stack.client.createWorkflow(project.id, {
      name: 'Transcribe the diary',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Type the day' } },
      retirement: { rule: 'count', count: 5 },
      subjectSetIds: [set.id],
    });
    await suite.stack.client.activateWorkflow(workflowId);
    // day-1: two volunteers disagree (it needs checking); day-2: they agree.
    for (const [first, second] of [['Rainy morning', 'Rainy mourning'], ['Sunny', 'Sunny']]) {
      const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
      const another = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
      const subjectId = first === 'Sunny' ? subjectIds[1]! : subjectIds[0]!;
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: first }] }, randomUUID());
      await another.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: second }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(suite.stack.db, workflowId)) === 0, 'aggregation');
    const email = `reviewer-${randomUUID()}@example.org`;
    const reviewer = await signUp(suite.stack, { email, password: 'correct horse battery', displayName: 'Rosa Parks' });
    await suite.stack.client.invite(project.id, { email, role: 'reviewer' });
    await suite.stack.anonymous.withToken(reviewer.token).acceptInvitation(project.id);

    const { page, errors } = await signedInPage(suite, reviewer);
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    const toLab = page.getByTestId('project-check-transcriptions').getByRole('link');
    await waitToSee(toLab);
    await tabTo(page, '[data-testid="project-check-transcriptions"] a');
    await page.keyboard.press('Enter');
    // The lab shows a reviewer the workflows to check, and nothing they cannot do.
    await waitToSee(page.getByText('As a reviewer you check the volunteers’ transcriptions', { exact: false }));
    expect(await page.getByRole('heading', { name: 'Team' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Transcribe the diary' }).count()).toBe(0);
    await tabTo(page, 'a[href*="needsChecking=true"]');
    await page.keyboard.press('Enter');
    const status = page.getByTestId('lab-results-status');
    await waitToSee(status.getByText('1 subject shown.'));
    expect(new URL(page.url()).search).toBe('?needsChecking=true&reviewed=false');
    expect(await page.getByText('Volunteers’ skills', { exact: false }).count()).toBe(0);
    await tabTo(page, `tr[data-subject-id="${subjectIds[0]}"] a`);
    await page.keyboard.press('Enter');
    const state = page.getByTestId('lab-review-T0-state');
    await waitToSee(state.getByText('Not reviewed yet.'));
    await tabTo(page, '#lab-review-T0-text');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Rainy morning, then sun');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Save correction');
    await page.keyboard.press('Enter');
    await waitToSee(state.getByText('Corrected to “Rainy morning, then sun” by Rosa Parks (reviewer),'));
    await waitForFocus(page, '[data-testid="lab-review-T0-state"]');
    await checkScreen(page, 'lab-result-reviewer');
    // Their own review they may undo; the researcher sees it as a reviewer's.
    expect(await page.getByRole('button', { name: 'Undo review' }).count()).toBe(1);
    // Excluding a volunteer is the researchers' alone: no button, no column for it.
    expect(await page.getByRole('button', { name: 'Exclude from consensus' }).count()).toBe(0);
    expect(await page.getByRole('columnheader', { name: 'Actions' }).count()).toBe(0);
    // Volunteers by kind, not by id: a reviewer is a volunteer too.
    expect(await page.locator('.lab-volunteer-name').count()).toBeGreaterThan(0);
    expect(await page.locator('.lab-volunteer-id').count()).toBe(0);
    // Their list, whatever its filters, holds what waits for their check and what they reviewed: not day-2, nothing to check there.
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results`);
    await waitToSee(page.getByText('As a reviewer you see the subjects whose consensus waits for a check', { exact: false }));
    await waitToSee(status.getByText('1 subject shown.'));
    expect(await page.locator(`tr[data-subject-id="${subjectIds[1]}"]`).count()).toBe(0);
    expect((await suite.stack.client.subjectResult(workflowId, subjectIds[0]!)).reviews.T0).toMatchObject({ state: 'corrected', value: 'Rainy morning, then sun', reviewedBy: { name: 'Rosa Parks', role: 'reviewer' } });
    expect(errors).toEqual([]);
  });

  it('tells a member who is not a researcher that the results are not theirs', async () => {
    const project = await suite.stack.client.createProject({ title: `Not yours ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await suite.stack.client.createSubjectSet(project.id, { name: 'Set' });
    await suite.stack.client.addSubjects(set.id, [{ externalId: 's1', locations: [{ type: 'text', text: 'One' }] }]);
    const { id: workflowId } = await suite.stack.client.createWorkflow(project.id, {
      name: 'W',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      subjectSetIds: [set.id],
    });
    const outsider = await signUp(suite.stack, { email: `not-a-researcher-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Outsider' });
    const { page, errors } = await signedInPage(suite, outsider);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results`);
    await waitToSee(page.getByTestId('lab-results-not-found'));
    await waitForFocus(page, 'h1');
    expect(await page.locator('table').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
