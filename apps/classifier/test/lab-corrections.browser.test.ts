import type { SubjectInput } from '@chorus/client';
import { RENEW_HOLDS_EVERY_MS } from '../src/lib/useHoldsWhileAtWork';
import { checkScreen, liveYesNoWorkflow, signedInPage, skipTutorial, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';
import { signUp } from '../../../test/support/accounts';

/**
 * A subject whose image does not load (its server moved): the lab's reported subjects show its address, and a
 * researcher corrects it by keyboard, with a reason, and finds the correction listed on the subject's page of results;
 * a volunteer's page that kept the subject shows it at its new address once it renews its holds. Nothing serves the images: a failed image shows the address it tried.
 */

jest.setTimeout(60_000);

/** An address nothing answers on (the discard port), so the viewer fails at once and says which address it tried. */
const nowhere = (path: string) => `http://127.0.0.1:9/${path}`;
const page1 = (host: string): SubjectInput => ({ externalId: 'folio-1', locations: [{ type: 'image', url: nowhere(`${host}/folio-1.jpg`), alt: 'Folio 1 of the register' }] });

describe('classifier in a browser: correcting the address of a reported subject', () => {
  const suite = useStackAndBrowser();

  it('shows a reported subject’s media addresses in the lab, and corrects one by keyboard with a reason', async () => {
    const account = await signUp(suite.stack, { email: `lab-correct-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Ada Lovelace' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: `Registers ${Date.now()}`, status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Folios' });
    const { subjectIds: [folio, note] } = await researcher.addSubjects(set.id, [page1('old-server'), { externalId: 'note', locations: [{ type: 'text', text: 'A note.' }] }]);
    const { id: workflowId } = await researcher.createWorkflow(project.id, {
      name: 'Entry?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Any entry?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      subjectSetIds: [set.id],
    });
    await researcher.activateWorkflow(workflowId);
    for (const subjectId of [folio!, note!]) {
      await suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token).reportSubject(workflowId, { subjectId, reason: 'media-does-not-load' });
    }

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    const row = page.getByTestId('lab-reports').locator(`tr[data-subject-id="${folio}"]`);
    await waitToSee(row);
    expect(await row.locator('.lab-report-media a').getAttribute('href')).toBe(nowhere('old-server/folio-1.jpg'));
    expect(await row.locator('.lab-report-media').textContent()).toBe(`Image 1: ${nowhere('old-server/folio-1.jpg')}`);
    // A text has no address to correct.
    const textRow = page.getByTestId('lab-reports').locator(`tr[data-subject-id="${note}"]`);
    expect(await textRow.getByText('Text only').count()).toBe(1);
    expect(await textRow.getByRole('button', { name: 'Correct the address of note' }).count()).toBe(0);

    await tabTo(page, `tr[data-subject-id="${folio}"] button[aria-label="Correct the address of folio-1"]`, 400);
    await page.keyboard.press('Enter');
    // Focus on its first field, the address.
    await waitForFocus(page, '#lab-correct-url-0');
    await checkScreen(page, 'lab-report-correct');
    // Sent without a reason: said at the field, which takes focus.
    await page.keyboard.press('Control+A');
    await page.keyboard.type(nowhere('new-server/folio-1.jpg'));
    await page.keyboard.press('Enter');
    await waitForFocus(page, '#lab-correct-reason');
    expect(await page.locator('#lab-correct-reason-error').textContent()).toBe('Say why the address changed, for the record.');
    await page.keyboard.type('The library moved its image server');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('lab-reports-result').getByText('The address of folio-1 is corrected'));
    await waitToSee(row.locator(`.lab-report-media a[href="${nowhere('new-server/folio-1.jpg')}"]`));
    await waitToSee(row.getByText(/^Address corrected /));

    const { rows } = await suite.stack.db.query('SELECT previous_locations, locations, changed_by, reason FROM subject_location_changes WHERE subject_id = $1', [folio]);
    expect(rows).toEqual([
      {
        previous_locations: page1('old-server').locations,
        locations: page1('new-server').locations,
        changed_by: account.user.id,
        reason: 'The library moved its image server',
      },
    ]);

    // The subject's page of results lists its corrections: when, by whom, why.
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${folio}`);
    const corrections = page.getByTestId('lab-corrections');
    await waitToSee(corrections);
    expect(await corrections.locator('li').allTextContents()).toEqual([expect.stringMatching(/^Address corrected on .+ by Ada Lovelace \(The library moved its image server\)$/)]);
    expect(await page.getByRole('list', { name: 'Address corrections' }).count()).toBe(1);
    await checkScreen(page, 'lab-result-corrections');
    // A subject never corrected lists none.
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${note}`);
    await waitToSee(page.getByTestId('lab-result-facts'));
    expect(await page.getByTestId('lab-corrections').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('uploads a corrected file whose subjects take the new addresses only when the researcher says it corrects them, with a reason', async () => {
    const account = await signUp(suite.stack, { email: `lab-reupload-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Grace Hopper' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: `Re-upload ${Date.now()}` });
    const set = await researcher.createSubjectSet(project.id, { name: 'Folios' });
    await researcher.addSubjects(set.id, [page1('old-server')]);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await page.locator('#lab-upload-set').selectOption(set.id);
    const corrected = { name: 'folios.csv', mimeType: 'text/csv', buffer: Buffer.from(`external_id,image_url\nfolio-1,${nowhere('new-server/folio-1.jpg')}\n`) };
    const upload = async () => {
      await tabTo(page, 'form:has(#lab-upload-file) button[type="submit"]', 40);
      await page.keyboard.press('Enter');
    };
    await page.locator('#lab-upload-file').setInputFiles(corrected);
    await upload();
    await page.waitForFunction(() => document.activeElement?.matches('[role="alert"].alert') === true);
    expect(await page.evaluate(() => document.activeElement?.textContent ?? '')).toContain('replaceLocations=true');

    // From the refusal, on down the form to the choice it names.
    await tabTo(page, '#lab-upload-correcting', 40);
    await page.keyboard.press('Space');
    await upload();
    await waitForFocus(page, '#lab-upload-reason');
    await page.keyboard.type('The library moved its image server');
    await upload();
    await waitToSee(page.getByTestId('lab-upload-result').getByText('One subject already in the project took the new addresses sent.'));
    expect((await researcher.subjectsOf(set.id)).subjects.map((subject) => subject.locations)).toEqual([page1('new-server').locations]);
    const { rows } = await suite.stack.db.query("SELECT reason FROM subject_location_changes c JOIN subjects s ON s.id = c.subject_id WHERE s.external_id = 'folio-1' AND s.project_id = $1", [project.id]);
    expect(rows).toEqual([{ reason: 'The library moved its image server' }]);
    expect(errors).toEqual([]);
  });

  it('shows a volunteer, once their page renews its holds, the subject it kept at the address researchers corrected', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Moved images', [page1('old-server')]);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    await page.clock.install();
    await page.goto(`${suite.stack.baseUrl}${path}`);
    const opened = page.getByTestId('subject').getByRole('link', { name: 'Open the image' });
    await waitToSee(opened, { timeout: 15_000 });
    expect(await opened.getAttribute('href')).toBe(nowhere('old-server/folio-1.jpg'));

    const subjectId = (await page.getByTestId('subject').getAttribute('data-subject-id'))!;
    await suite.stack.client.correctSubjectLocations(subjectId, { locations: page1('new-server').locations, reason: 'Moved' });
    // Back at the page after a while: its renewal says where the subject is now.
    await page.clock.runFor(RENEW_HOLDS_EVERY_MS + 1000);
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await waitToSee(page.getByTestId('subject').locator(`a[href="${nowhere('new-server/folio-1.jpg')}"]`), { timeout: 10_000 });
    // Kept so over a reload too: the page's stored batch has the new address.
    await page.reload();
    await waitToSee(page.getByTestId('subject').locator(`a[href="${nowhere('new-server/folio-1.jpg')}"]`), { timeout: 15_000 });
    await page.close();
  });
});
