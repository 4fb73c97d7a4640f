import type { Session, SubjectInput } from '@chorus/client';
import type { Page } from 'playwright-core';
import { checkScreen, liveYesNoWorkflow, newcomerPage, signedInPage, skipTutorial, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';
import { signUp } from '../../../test/support/accounts';

/**
 * A volunteer reports the subject on screen ("Report a problem"), by keyboard alone, and moves on to the next one; an
 * image that fails to load offers the report itself. A report that cannot be sent keeps the volunteer on the subject.
 * The workflow's researchers find the reported subjects in the lab, and retire one with a reason.
 */

jest.setTimeout(60_000);

const text = (externalId: string, words: string): SubjectInput => ({ externalId, locations: [{ type: 'text', text: words }] });

describe('classifier in a browser: reporting a problem with a subject', () => {
  const suite = useStackAndBrowser();

  const reportsOf = async (workflowId: string) =>
    (await suite.stack.db.query('SELECT subject_id, reason, note FROM subject_reports WHERE workflow_id = $1', [workflowId])).rows;
  const shownId = (page: Page) => page.getByTestId('subject').getAttribute('data-subject-id');

  /** An active yes/no workflow of a new live project of the researcher `account`, over `subjects`; their ids in upload order. */
  async function researchersWorkflow(account: Session, title: string, subjects: SubjectInput[]) {
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: `${title} ${Date.now()}`, status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Plates' });
    const { subjectIds } = await researcher.addSubjects(set.id, subjects);
    const { id: workflowId } = await researcher.createWorkflow(project.id, {
      name: 'Stars?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Any stars?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      subjectSetIds: [set.id],
    });
    await researcher.activateWorkflow(workflowId);
    return { workflowId, subjectIds, projectSlug: project.slug };
  }

  it('reports the subject by keyboard, says so if it cannot be sent, and moves on to the next subject once sent', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Reports', [text('first', 'A page of smudges.'), text('second', 'FOR SALE: a bicycle.')]);
    await skipTutorial(suite.context, workflow.id);
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}${path}`);
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    const reported = (await shownId(page))!;

    // Opened from its button, then closed with Escape: focus goes back to the button.
    await tabTo(page, '[data-testid="report-problem"]');
    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-testid="report-form"] input[type="radio"]');
    await page.keyboard.press('Escape');
    await waitForFocus(page, '[data-testid="report-problem"]');
    expect(await page.getByTestId('report-form').count()).toBe(0);

    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-testid="report-form"] input[type="radio"]');
    // Sent without a reason: asked for one, nothing sent.
    await tabTo(page, '[data-testid="report-form"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('report-message').getByText('Choose what is wrong before sending the report.'));
    await waitForFocus(page, '[data-testid="report-form"] input[type="radio"]');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown'); // the second reason
    expect(await page.getByRole('radio', { name: 'It is blank or cannot be read' }).isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Only smudges, no words.');
    await checkScreen(page, 'report-form');

    // Offline: said so, and the volunteer stays on the subject with what they wrote.
    await suite.context.setOffline(true);
    await tabTo(page, '[data-testid="report-form"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('report-message').getByText(/The report could not be sent, so you are still on this subject/));
    expect(await shownId(page)).toBe(reported);
    expect(await reportsOf(workflow.id)).toEqual([]);

    await suite.context.setOffline(false);
    await page.keyboard.press('Enter');
    await page.waitForFunction((previous) => document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') !== previous, reported, { timeout: 10_000 });
    // The next subject's text is read out, and its region is named by its place in the session, never by the researchers' id.
    const nextText = await page.getByTestId('subject').locator('.subject-text').textContent();
    expect(['A page of smudges.', 'FOR SALE: a bicycle.']).toContain(nextText);
    await waitToSee(page.getByTestId('announcer').getByText(`Report sent, thank you. Next: “${nextText}”`));
    // Its own place in the session: the reported subject had the first.
    expect(await page.getByRole('region', { name: 'Subject 2 of this session' }).count()).toBe(1);
    expect(await reportsOf(workflow.id)).toEqual([{ subject_id: reported, reason: 'blank-or-unreadable', note: 'Only smudges, no words.' }]);
    // The next subject's task has focus, ready for the keyboard, and the report form is gone with the subject.
    await waitForFocus(page, '[data-testid="subject"] input[type="radio"]');
    expect(await page.getByTestId('report-form').count()).toBe(0);

    // The next one's report is stored, but its answer is lost on the way: said so. Sent again with more words, the
    // report (open still) says them, and the volunteer is told that it was reported already and is updated.
    const second = (await shownId(page))!;
    await tabTo(page, '[data-testid="report-problem"]');
    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-testid="report-form"] input[type="radio"]');
    await page.keyboard.press('Space');
    await page.route(
      /\/subject-reports$/,
      async (route) => {
        await route.fetch();
        await route.abort('failed');
      },
      { times: 1 },
    );
    await tabTo(page, '[data-testid="report-form"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('report-message').getByText(/The report could not be sent, so you are still on this subject/));
    expect((await reportsOf(workflow.id)).filter((row) => row.subject_id === second)).toEqual([{ subject_id: second, reason: expect.any(String), note: null }]);
    await tabTo(page, '[data-testid="report-form"] textarea');
    await page.keyboard.type('An advert, not a page.');
    await tabTo(page, '[data-testid="report-form"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('announcer').getByText('You had reported this subject already: your report stands, with what you just sent, thank you'));
    expect((await reportsOf(workflow.id)).filter((row) => row.subject_id === second)).toEqual([{ subject_id: second, reason: expect.any(String), note: 'An advert, not a page.' }]);
    expect(errors).toEqual([]);
  });

  it('offers the report, its reason chosen, where an image fails to load', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Broken images', [{ externalId: 'gone', locations: [{ type: 'image', url: 'http://127.0.0.1:9/gone.png' }] }]);
    await skipTutorial(suite.context, workflow.id);
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}${path}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="image-viewer"]')?.getAttribute('data-status') === 'failed', null, { timeout: 15_000 });
    expect(await page.locator('.viewer-message').textContent()).toBe('This image could not be shown. Open the image Report this subject: the image does not load');

    await tabTo(page, '[data-testid="report-media-failed"]', 60, true);
    await page.keyboard.press('Enter');
    // Focus on the reason chosen.
    await waitForFocus(page, '[data-testid="report-form"] input[value="media-does-not-load"]');
    expect(await page.getByRole('radio', { name: 'The image or recording does not load' }).isChecked()).toBe(true);
    await checkScreen(page, 'report-media-failed');
    await tabTo(page, '[data-testid="report-form"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('finished'), { timeout: 10_000 });
    expect(await reportsOf(workflow.id)).toEqual([{ subject_id: expect.any(String), reason: 'media-does-not-load', note: null }]);
    // Reloaded, the tab does not show the reported subject again: the queue no longer serves it to this volunteer, who
    // has seen everything, and holds nothing.
    await page.reload();
    await waitToSee(page.getByTestId('finished'), { timeout: 10_000 });
    expect(await page.getByTestId('subject').count()).toBe(0);
    expect((await suite.stack.db.query('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1', [workflow.id])).rows[0].n).toBe(0);
    expect(errors).toEqual([]);
  });

  it("lists a workflow's reported subjects to handle in the lab, each shown and linked to its page, takes one down by keyboard with a reason (gold standard too) and dismisses another's reports", async () => {
    const account = await signUp(suite.stack, { email: `lab-reports-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Annie Cannon' });
    const gold: SubjectInput = { ...text('snip-002', 'Call me on 07700 900123.'), goldStandard: { T0: 'no' } };
    const { workflowId, subjectIds, projectSlug } = await researchersWorkflow(account, 'Reported', [text('plate-1', 'Plate one.'), text('plate-2', 'Plate two.'), gold]);
    const idOf = (externalId: string) => subjectIds[['plate-1', 'plate-2', 'snip-002'].indexOf(externalId)]!;
    const volunteer = async () => suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    await (await volunteer()).reportSubject(workflowId, { subjectId: idOf('plate-1'), reason: 'sensitive-content', note: 'A private letter' });
    await (await volunteer()).reportSubject(workflowId, { subjectId: idOf('plate-1'), reason: 'sensitive-content' });
    // plate-2's one report was first made yesterday, and made again by its volunteer now.
    const plate2Reporter = await volunteer();
    await plate2Reporter.reportSubject(workflowId, { subjectId: idOf('plate-2'), reason: 'blank-or-unreadable' });
    await suite.stack.db.query("UPDATE subject_reports SET created_at = created_at - interval '1 day', reported_at = reported_at - interval '1 day' WHERE subject_id = $1", [idOf('plate-2')]);
    await plate2Reporter.reportSubject(workflowId, { subjectId: idOf('plate-2'), reason: 'blank-or-unreadable', note: 'Still blank' });
    await (await volunteer()).reportSubject(workflowId, { subjectId: idOf('snip-002'), reason: 'sensitive-content', note: 'A phone number' });

    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    const table = page.getByTestId('lab-reports');
    await waitToSee(table, { timeout: 20_000 });
    expect(await page.getByTestId('lab-reports-total').textContent()).toBe('3 subjects to handle.');
    const row = (externalId: string) => table.locator(`tr[data-subject-id="${idOf(externalId)}"]`);
    const plate1 = row('plate-1');
    expect(await plate1.locator('th a').textContent()).toBe('plate-1');
    expect(await plate1.locator('th a').getAttribute('href')).toBe(`/projects/${projectSlug}/subjects/${idOf('plate-1')}`);
    expect(await plate1.locator('.lab-report-excerpt').textContent()).toBe('Plate one.');
    expect(await plate1.locator('.lab-report-reasons').textContent()).toBe('It shows sensitive or upsetting content: 2');
    expect(await plate1.locator('.lab-report-notes').textContent()).toBe('“A private letter”');
    // Each row says when it was first and last reported, as the list tells it, in the page's words for moments.
    const told = (await suite.stack.anonymous.withToken(account.token).reportedSubjects(workflowId)).subjects.find((subject) => subject.subjectId === idOf('plate-2'))!;
    const inWords = (times: string[]) => page.evaluate((each) => each.map((time) => new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(time))), times);
    const [first, last] = await inWords([told.firstReportedAt, told.lastReportedAt]);
    expect(first).not.toBe(last);
    expect(await row('plate-2').locator('td').nth(3).textContent()).toBe(`${first} to ${last}`);
    await checkScreen(page, 'lab-reports');

    // The gold-standard subject with a phone number is taken down like any other (round 26 F2).
    await tabTo(page, `tr[data-subject-id="${idOf('snip-002')}"] button[aria-label="Take down snip-002"]`, 400);
    await page.keyboard.press('Enter');
    await waitForFocus(page, '#lab-report-retire-reason');
    await page.keyboard.type('A phone number');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('lab-reports-result').getByText('snip-002 is taken down: volunteers are no longer served it.'), { timeout: 10_000 });
    await waitToSee(row('snip-002'), { state: 'detached', timeout: 10_000 });
    const { rows } = await suite.stack.db.query('SELECT retirement_reason, retirement_detail->>\'reason\' AS note FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflowId, idOf('snip-002')]);
    expect(rows).toEqual([{ retirement_reason: 'manual', note: 'A phone number' }]);

    // Changing one's mind: Escape or Cancel gives focus back to the row's button that opened the form; one form at a time.
    const takeDown2 = 'button[aria-label="Take down plate-2"]';
    const dismiss2 = 'button[aria-label="Dismiss the reports of plate-2"]';
    await tabTo(page, takeDown2, 400);
    await page.keyboard.press('Enter');
    await waitForFocus(page, '#lab-report-retire-reason');
    await page.keyboard.press('Escape');
    await waitForFocus(page, takeDown2);
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    await page.keyboard.press('Enter');
    await waitForFocus(page, '#lab-report-retire-reason');
    await tabTo(page, dismiss2, 400, true);
    await page.keyboard.press('Enter');
    await waitForFocus(page, '#lab-report-dismiss-note');
    expect(await page.getByRole('alertdialog').count()).toBe(1);
    await tabTo(page, '[data-testid="lab-report-dismiss"] button[type="button"]');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Enter');
    await waitForFocus(page, dismiss2);
    expect(await page.getByRole('alertdialog').count()).toBe(0);

    // plate-2's reports are dismissed with a note (round 26 F4): it stays served, and leaves the list to handle.
    await tabTo(page, 'button[aria-label="Dismiss the reports of plate-2"]', 400);
    await page.keyboard.press('Enter');
    await waitForFocus(page, '#lab-report-dismiss-note');
    await page.keyboard.type('Faint, but readable');
    await checkScreen(page, 'lab-report-dismiss');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('lab-reports-result').getByText('The reports of plate-2 are dismissed: volunteers are still served it.'), { timeout: 10_000 });
    await waitToSee(row('plate-2'), { state: 'detached', timeout: 10_000 });
    expect(await page.getByTestId('lab-reports-total').textContent()).toBe('1 subject to handle.');
    expect((await suite.stack.db.query('SELECT dismissal_note FROM subject_reports WHERE subject_id = $1', [idOf('plate-2')])).rows).toEqual([{ dismissal_note: 'Faint, but readable' }]);

    // The handled ones, each saying how.
    await tabTo(page, '#lab-reports-status', 400);
    await page.selectOption('#lab-reports-status', 'handled');
    await waitToSee(row('snip-002'), { timeout: 10_000 });
    expect(await page.getByTestId('lab-reports-total').textContent()).toBe('2 subjects handled.');
    expect(await row('snip-002').locator('.lab-actions').textContent()).toBe('Taken down');
    expect(await row('plate-2').locator('.lab-actions').textContent()).toMatch(/^Dismissed .*: Faint, but readable/);
    // Dismissed, it may still be taken down; there is nothing left to dismiss.
    expect(await row('plate-2').locator('button').allTextContents()).toEqual(['Take down']);

    // Retired without a take-down (enough answers, a researcher's retirement), it is still to handle, and is taken down all the same (round 28).
    await suite.stack.anonymous.withToken(account.token).retireSubjects(workflowId, { subjectIds: [idOf('plate-1')], reason: 'Enough answers' });
    await page.selectOption('#lab-reports-status', 'open');
    await waitToSee(row('plate-1'), { timeout: 10_000 });
    await waitToSee(row('plate-1').locator('.lab-actions').getByText('Retired, not taken down'), { timeout: 10_000 });
    await tabTo(page, 'button[aria-label="Take down plate-1"]', 400);
    await page.keyboard.press('Enter');
    await waitForFocus(page, '#lab-report-retire-reason');
    await page.keyboard.type('A private letter');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('lab-reports-result').getByText('plate-1 is taken down: volunteers are no longer served it.'), { timeout: 10_000 });
    await waitToSee(row('plate-1'), { state: 'detached', timeout: 10_000 });
    expect((await suite.stack.db.query("SELECT retirement_detail->>'takenDown' AS taken_down FROM subject_workflow_status WHERE subject_id = $1", [idOf('plate-1')])).rows).toEqual([{ taken_down: 'true' }]);
    expect(errors).toEqual([]);
  }, 150_000);

  it('reads the next reported subjects by keyboard: the button says it is busy meanwhile, and the focus goes to the first subject it brought', async () => {
    const account = await signUp(suite.stack, { email: `lab-reports-more-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Annie Cannon' });
    const { workflowId, subjectIds } = await researchersWorkflow(account, 'Many reported', Array.from({ length: 21 }, (_, n) => text(`plate-${n}`, `Plate ${n}.`)));
    const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    for (const subjectId of subjectIds) await volunteer.reportSubject(workflowId, { subjectId, reason: 'blank-or-unreadable' });

    const { page, errors } = await signedInPage(suite, account);
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(/\/reported-subjects\?.*after=/, async (route) => {
      const response = await route.fetch();
      await released;
      await route.fulfill({ response });
    });
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    const rows = page.getByTestId('lab-reports').locator('tbody tr');
    await waitToSee(rows.first());
    expect(await rows.count()).toBe(20);
    await tabTo(page, 'section[aria-labelledby="lab-reports-heading"] > button', 400);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-disabled') === 'true');
    release();
    await waitForFocus(page, `tr[data-subject-id="${subjectIds[0]}"]`);
    expect(await rows.count()).toBe(21);
    expect(await page.getByRole('button', { name: 'Show more reported subjects' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
