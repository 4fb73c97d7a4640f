import type { Page } from 'playwright-core';
import { ACCOUNT_PASSWORD, newAccount, newMember } from '../../../test/support/accounts';
import { leaveSignedIn, liveYesNoWorkflow, seriousViolations, signedInPage, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * Reporting a comment in a real browser against the real API: a signed-in volunteer reports another's comment from
 * the subject's discussion by keyboard (a reason is asked for first; focus comes back to Report, and a status says it
 * was sent, or, reported again while the first report is open, that the report now says what was just sent), and the project's moderator hides it from the lab's reported comments, by keyboard, with a reason. What
 * the pages did is read back through Postgres. On the discussion page, the moderator has Hide in the place of Report, and
 * the lab says when the reported comment was changed after its report, and stops its author commenting (who is then
 * refused in words) and lets them again, but offers no such thing for a former volunteer's comment; two comments' Hide forms open at once each have
 * a field of their own, and a comment hidden there is shown again there.
 */

jest.setTimeout(180_000);

describe('classifier in a browser: reporting a comment', () => {
  const suite = useStackAndBrowser();

  /** Presses a button by keyboard: Tab to it, then Enter. */
  async function press(page: Page, selector: string): Promise<void> {
    await tabTo(page, selector, 120);
    await page.keyboard.press('Enter');
  }
  const storedReports = async (commentId: string) => (await suite.stack.db.query('SELECT reason, note FROM comment_reports WHERE comment_id = $1', [commentId])).rows;

  it('lets a volunteer report a comment from its discussion by keyboard, and the moderator hide it from the lab’s reported comments', async () => {
    const { project } = await liveYesNoWorkflow(suite.stack, 'Reported talk', [{ externalId: 'page-7', locations: [{ type: 'text', text: 'A letter from Lyon.' }] }]);
    const [{ id: subjectId }] = (await suite.stack.db.query('SELECT id FROM subjects WHERE project_id = $1', [project.id])).rows;
    const author = await newAccount(suite.stack, 'Spammer');
    const comment = await author.client.postComment(subjectId, { projectId: project.id, body: 'Cheap watches at example.com' });
    const reporter = await newAccount(suite.stack, 'Rita');
    const question = await reporter.client.postComment(subjectId, { projectId: project.id, body: 'Is this Lyon?' });

    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: reporter.email, password: ACCOUNT_PASSWORD }));
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/subjects/${subjectId}`);
    await waitToSee(page.getByTestId('comment').nth(1));
    // Only the other volunteer's comment offers Report.
    expect(await page.getByRole('button', { name: /^Report the comment/ }).count()).toBe(1);
    const report = '[aria-label="Report the comment by Spammer"]';
    // Opened, focus is on its first field, the first reason; Escape closes it, focus back on Report.
    await press(page, report);
    await waitForFocus(page, '[data-testid="report-comment-form"] input[value="spam"]');
    await page.keyboard.press('Escape');
    await waitForFocus(page, report);
    expect(await page.getByTestId('report-comment-form').count()).toBe(0);
    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-testid="report-comment-form"] input[value="spam"]');
    // Sent without a reason: asked for one, at the first.
    await press(page, '[data-testid="report-comment-form"] button[type="submit"]');
    await waitToSee(page.getByTestId('report-comment-message').getByText('Choose why before sending the report.'));
    await waitForFocus(page, '[data-testid="report-comment-form"] input[value="spam"]');
    await page.keyboard.press('Space');
    await tabTo(page, '[data-testid="report-comment-form"] textarea');
    await page.keyboard.type('An advert for watches');
    await press(page, '[data-testid="report-comment-form"] button[type="submit"]');
    await waitToSee(page.getByTestId('report-comment-status').getByText('Thank you: the moderators will look at the comment by Spammer.'));
    await waitForFocus(page, report);
    expect(await page.getByTestId('report-comment-form').count()).toBe(0);
    expect(await storedReports(comment.id)).toEqual([{ reason: 'spam', note: 'An advert for watches' }]);
    // Reported again while the first report is open: the report now has this reason and note, and the volunteer is told so.
    await press(page, report);
    await waitForFocus(page, '[data-testid="report-comment-form"] input[value="spam"]');
    await page.keyboard.press('ArrowDown');
    await waitForFocus(page, '[data-testid="report-comment-form"] input[value="abuse"]:checked');
    await tabTo(page, '[data-testid="report-comment-form"] textarea');
    await page.keyboard.type('And rude to me');
    await press(page, '[data-testid="report-comment-form"] button[type="submit"]');
    await waitToSee(
      page
        .getByTestId('report-comment-status')
        .getByText('You had reported the comment by Spammer already: your report stands, with what you just sent, for the moderators to handle.'),
    );
    await waitForFocus(page, report);
    expect(await storedReports(comment.id)).toEqual([{ reason: 'abuse', note: 'And rude to me' }]);
    expect(errors).toEqual([]);
    await page.close();

    // Its author changes it after the report.
    await author.client.editComment(comment.id, 'Cheap watches at example.org');

    // On the discussion page the moderator has Hide where volunteers have Report, and hides Rita's comment there, by keyboard.
    const moderator = await newMember(suite.stack, project.id, 'moderator', 'Mona');
    const lab = await signedInPage(suite, await suite.stack.anonymous.login({ email: moderator.email, password: ACCOUNT_PASSWORD }));
    await lab.page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/subjects/${subjectId}`);
    await waitToSee(lab.page.getByTestId('comment').nth(1));
    expect(await lab.page.getByRole('button', { name: /^Report the comment/ }).count()).toBe(0);
    expect(await lab.page.getByRole('button', { name: /^Hide the comment/ }).count()).toBe(2);
    // Opened, focus is on its one field, the reason, typed at once; Escape closes it, focus back on Hide.
    const hideRita = '[aria-label="Hide the comment by Rita"]';
    await press(lab.page, hideRita);
    await waitForFocus(lab.page, '[data-testid="lab-comment-hide"] input');
    await lab.page.keyboard.press('Escape');
    await waitForFocus(lab.page, hideRita);
    expect(await lab.page.getByTestId('lab-comment-hide').count()).toBe(0);
    await lab.page.keyboard.press('Enter');
    await waitForFocus(lab.page, '[data-testid="lab-comment-hide"] input');
    await lab.page.keyboard.type('Off topic');
    await lab.page.keyboard.press('Enter');
    const hiddenHere = `[data-comment-id="${question.id}"]`;
    await waitToSee(lab.page.locator(hiddenHere).getByTestId('comment-hidden').getByText('Hidden from volunteers: Off topic'));
    await waitForFocus(lab.page, hiddenHere);
    expect(await lab.page.getByRole('button', { name: /^Hide the comment/ }).count()).toBe(1);

    // The moderator hides the reported one from the lab's reported comments, by keyboard, with a reason, told that it changed since it was reported.
    await lab.page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    const reported = lab.page.getByTestId('lab-reported-comments');
    await waitToSee(reported.getByText('Cheap watches at example.org'));
    expect(await reported.getByTestId('lab-reported-comments-total').textContent()).toBe('1 comment to handle.');
    await waitToSee(reported.getByText('“And rude to me”'));
    // In French, the note is quoted as French quotes it.
    await lab.page.evaluate(() => window.localStorage.setItem('chorus.language', 'fr'));
    await lab.page.reload();
    await waitToSee(reported.getByText('«\u00a0And rude to me\u00a0»'));
    await lab.page.evaluate(() => window.localStorage.removeItem('chorus.language'));
    await lab.page.reload();
    await waitToSee(reported.getByText('“And rude to me”'));
    expect(await reported.getByTestId('lab-reported-comment-edited').textContent()).toBe('Edited after it was reported: the words reported may differ.');
    // Beside Hide: Stop them commenting, asked first with a reason; the volunteer is listed below.
    const bans = lab.page.getByTestId('lab-comment-bans');
    await waitToSee(bans.getByText('Nobody is stopped from commenting in this project.'));
    await press(lab.page, '[aria-label="Stop them commenting (Spammer, in this project)"]');
    await waitForFocus(lab.page, '[data-testid="lab-comment-ban"] input');
    await lab.page.keyboard.type('Spam, again and again');
    await lab.page.keyboard.press('Enter');
    await waitToSee(reported.getByTestId('lab-reported-comments-result').getByText('Spammer can no longer comment in this project.'));
    await waitToSee(bans.locator(`tr[data-volunteer-id="${author.id}"]`).getByText('Spam, again and again'));
    expect(await bans.getByRole('columnheader').first().textContent()).toBe('Volunteer');
    expect((await suite.stack.db.query('SELECT reason, banned_by FROM comment_bans WHERE project_id = $1 AND user_id = $2', [project.id, author.id])).rows).toEqual([{ reason: 'Spam, again and again', banned_by: moderator.id }]);
    await press(lab.page, '[aria-label="Hide the comment by Spammer on page-7"]');
    await waitForFocus(lab.page, '[data-testid="lab-comment-hide"] input');
    await lab.page.keyboard.type('Advertising');
    await lab.page.keyboard.press('Enter');
    await waitToSee(reported.getByTestId('lab-reported-comments-result').getByText('The comment by Spammer is hidden from volunteers.'));
    await waitForFocus(lab.page, '[data-testid="lab-reported-comments-result"]');
    await waitToSee(reported.getByTestId('lab-reported-comments-total').getByText('0 comments to handle.'));
    const [stored] = (await suite.stack.db.query('SELECT hidden_reason FROM subject_comments WHERE id = $1', [comment.id])).rows;
    expect(stored).toEqual({ hidden_reason: 'Advertising' });
    // The recent discussions below are read again: the comment is marked hidden there too.
    await waitToSee(lab.page.getByTestId('lab-discussions').getByTestId('comment-hidden').getByText('Hidden from volunteers: Advertising'));
    expect(await suite.stack.db.query('SELECT hidden_reason FROM subject_comments WHERE id = $1', [question.id]).then(({ rows }) => rows)).toEqual([{ hidden_reason: 'Off topic' }]);
    // Let them comment again, from the list.
    await press(lab.page, '[aria-label="Let them comment again (Spammer)"]');
    await waitToSee(bans.getByTestId('lab-comment-bans-result').getByText('Spammer can comment in this project again.'));
    await waitToSee(bans.getByText('Nobody is stopped from commenting in this project.'));
    expect((await suite.stack.db.query('SELECT 1 FROM comment_bans WHERE project_id = $1', [project.id])).rows).toEqual([]);
    // A former volunteer's reported comment (their account deleted) can be hidden, but there is no one left to stop.
    const leaver = await newAccount(suite.stack, 'Leaver');
    const left = await leaver.client.postComment(subjectId, { projectId: project.id, body: 'Words left behind' });
    await reporter.client.reportComment(left.id, { reason: 'spam' });
    await leaver.client.deleteAccount(ACCOUNT_PASSWORD);
    await lab.page.reload();
    await waitToSee(reported.getByText('Words left behind'));
    expect(await reported.getByRole('button', { name: /^Hide the comment/ }).count()).toBe(1);
    expect(await reported.getByRole('button', { name: /^Stop them commenting/ }).count()).toBe(0);
    expect(lab.errors).toEqual([]);

    // Stopped again while on the discussion page, the volunteer is told so in words, in their language, when they post.
    await leaveSignedIn(lab.page, await suite.stack.anonymous.login({ email: author.email, password: ACCOUNT_PASSWORD }));
    // In French: the words are the classifier's, not the API's English detail.
    await lab.page.evaluate(() => window.localStorage.setItem('chorus.language', 'fr'));
    await lab.page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/subjects/${subjectId}`);
    await waitToSee(lab.page.locator('#comment-body'));
    await moderator.client.banFromComments(project.id, author.id, 'Spam');
    await lab.page.locator('#comment-body').fill('Cheaper watches');
    await press(lab.page, '.comment-form button[type="submit"]');
    const banned = 'Vous ne pouvez pas commenter dans ce projet\u00a0: ses modérateurs vous en ont empêché. Vous pouvez toujours lire ses discussions et classifier\u202f; écrivez à l’équipe du projet si vous pensez que c’est une erreur.';
    await waitToSee(lab.page.getByText(banned));
    // Come back, the page says so up front, in the place of the form.
    await lab.page.reload();
    await waitToSee(lab.page.getByTestId('comments-banned').getByText(banned));
    expect(await lab.page.locator('#comment-body').count()).toBe(0);
  });

  it('shows one volunteer’s comments from a reported comment and from a ban, and hides all of them when stopping them, if asked', async () => {
    const { project } = await liveYesNoWorkflow(suite.stack, 'Spam cleanup', [{ externalId: 'page-3', locations: [{ type: 'text', text: 'A letter from Lille.' }] }]);
    const [{ id: subjectId }] = (await suite.stack.db.query('SELECT id FROM subjects WHERE project_id = $1', [project.id])).rows;
    const [spammer, bystander] = [await newAccount(suite.stack, 'Flooder'), await newAccount(suite.stack, 'Bea')];
    const spam = [await spammer.client.postComment(subjectId, { projectId: project.id, body: 'Cheap rings' }), await spammer.client.postComment(subjectId, { projectId: project.id, body: 'Cheap pearls' })];
    await bystander.client.postComment(subjectId, { projectId: project.id, body: 'A fine letter' });
    await bystander.client.reportComment(spam[0]!.id, { reason: 'spam' });
    const moderator = await newMember(suite.stack, project.id, 'moderator', 'Moe');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: moderator.email, password: ACCOUNT_PASSWORD }));
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    const reported = page.getByTestId('lab-reported-comments');
    const discussions = page.getByTestId('lab-discussions');
    await waitToSee(discussions.getByText('A fine letter'));

    // Their comments, from the reported one: only theirs, under a heading that takes focus, until everyone's are shown again.
    await press(page, '[data-testid="lab-reported-comments"] [aria-label="Their comments (Flooder, in this project)"]');
    await waitForFocus(page, '[data-testid="lab-discussions-author"] h3');
    expect(await discussions.getByTestId('lab-discussions-author').getByRole('heading').textContent()).toBe('Comments by Flooder');
    await page.waitForFunction(() => !document.querySelector('[data-testid="lab-discussions"]')!.textContent!.includes('A fine letter'));
    expect(await discussions.getByTestId('comment').allTextContents()).toEqual([expect.stringContaining('Cheap pearls'), expect.stringContaining('Cheap rings')]);
    expect(await seriousViolations(page)).toEqual([]);
    // Asked again, from the same row, after focus has moved on: taken to the heading again.
    await page.locator('[data-testid="lab-reported-comments"] [aria-label="Their comments (Flooder, in this project)"]').focus();
    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-testid="lab-discussions-author"] h3');
    // Everyone's again: the button goes away, and focus goes to the section's heading, not to the page's body.
    await press(page, '[data-testid="lab-discussions-author"] button');
    await waitToSee(discussions.getByText('A fine letter'));
    await waitForFocus(page, '#lab-discussions-heading');
    expect(await discussions.getByTestId('lab-discussions-author').count()).toBe(0);

    // The checkbox when stopping them, in French and German too.
    for (const [language, stop, label] of [
      ['fr', 'L’empêcher de commenter (Flooder, dans ce projet)', 'Masquer aussi tous ses commentaires dans ce projet'],
      ['de', 'Kommentieren untersagen (Flooder, in diesem Projekt)', 'Auch alle Kommentare der Person in diesem Projekt ausblenden'],
    ] as const) {
      await page.evaluate((chosen) => window.localStorage.setItem('chorus.language', chosen), language);
      await page.reload();
      await reported.getByRole('button', { name: stop }).click();
      await waitToSee(page.getByLabel(label));
    }
    await page.evaluate(() => window.localStorage.removeItem('chorus.language'));
    await page.reload();
    await waitToSee(discussions.getByText('A fine letter'));

    // Stopped, with all their comments hidden too (asked by a checkbox), with the ban's reason.
    await press(page, '[aria-label="Stop them commenting (Flooder, in this project)"]');
    await waitForFocus(page, '[data-testid="lab-comment-ban"] input');
    await page.keyboard.type('Spam');
    await page.getByLabel('Also hide all their comments in this project').check();
    await page.keyboard.press('Enter');
    await waitToSee(reported.getByTestId('lab-reported-comments-result').getByText('Flooder can no longer comment in this project, and 2 comments of theirs are hidden from volunteers.'));
    const hidden = await suite.stack.db.query('SELECT body, hidden_reason FROM subject_comments WHERE project_id = $1 ORDER BY created_at', [project.id]);
    expect(hidden.rows).toEqual([
      { body: 'Cheap rings', hidden_reason: 'Spam' },
      { body: 'Cheap pearls', hidden_reason: 'Spam' },
      { body: 'A fine letter', hidden_reason: null },
    ]);
    // The recent discussions are read again, both marked hidden; from the ban, their comments again.
    await waitToSee(discussions.getByTestId('comment-hidden').nth(1));
    await press(page, '[data-testid="lab-comment-bans"] [aria-label="Their comments (Flooder, in this project)"]');
    await waitForFocus(page, '[data-testid="lab-discussions-author"] h3');
    await page.waitForFunction(() => !document.querySelector('[data-testid="lab-discussions"]')!.textContent!.includes('A fine letter'));
    expect(await discussions.getByTestId('comment-hidden').count()).toBe(2);
    expect(errors).toEqual([]);
  });

  it('gives each of two comments’ Hide forms on a discussion page its own field, each label naming its own, and shows a comment hidden there again there', async () => {
    const { project } = await liveYesNoWorkflow(suite.stack, 'Two hidings', [{ externalId: 'page-9', locations: [{ type: 'text', text: 'A letter from Nantes.' }] }]);
    const [{ id: subjectId }] = (await suite.stack.db.query('SELECT id FROM subjects WHERE project_id = $1', [project.id])).rows;
    const ada = await newAccount(suite.stack, 'Ada');
    const ben = await newAccount(suite.stack, 'Ben');
    await ada.client.postComment(subjectId, { projectId: project.id, body: 'Buy watches' });
    const bens = await ben.client.postComment(subjectId, { projectId: project.id, body: 'Buy rings' });
    const moderator = await newMember(suite.stack, project.id, 'moderator', 'Mona');
    // The moderator's own comment, hidden by the project's researcher: as any author, she reads it marked and changes nothing.
    const monas = await moderator.client.postComment(subjectId, { projectId: project.id, body: 'Mine, off topic' });
    await suite.stack.client.hideComment(monas.id, 'Off topic');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: moderator.email, password: ACCOUNT_PASSWORD }));
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/subjects/${subjectId}`);
    await waitToSee(page.getByTestId('comment').nth(2));
    await waitToSee(page.locator(`[data-comment-id="${monas.id}"]`).getByTestId('comment-hidden'));
    expect(await page.getByRole('button', { name: /^Show the comment/ }).count()).toBe(0);
    // Both opened, one after the other: the first stays open.
    await press(page, '[aria-label="Hide the comment by Ada"]');
    await waitForFocus(page, '[data-testid="lab-comment-hide"] input');
    await press(page, '[aria-label="Hide the comment by Ben"]');
    await waitToSee(page.getByTestId('lab-comment-hide').nth(1));

    // Each form's label is for its own field, found by that id alone; no id on the page is used twice (axe puts an id
    // used twice only among the results to review, duplicate-id-aria, not among the violations that seriousViolations reads).
    const forms = await page.getByTestId('lab-comment-hide').evaluateAll((boxes) =>
      boxes.map((box) => {
        const label = box.querySelector('label')!;
        const field = box.querySelector('input')!;
        return { id: field.id, labelFor: label.htmlFor, labelsItsField: label.control === field, found: document.querySelectorAll(`#${CSS.escape(field.id)}`).length };
      }),
    );
    expect(forms).toEqual([
      { id: expect.any(String), labelFor: forms[0]!.id, labelsItsField: true, found: 1 },
      { id: expect.any(String), labelFor: forms[1]!.id, labelsItsField: true, found: 1 },
    ]);
    expect(forms[0]!.id).not.toBe(forms[1]!.id);
    const ids = await page.evaluate(() => [...document.querySelectorAll('[id]')].map((element) => element.id));
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);

    // Ben's field, reached by its label, hides Ben's comment, Ada's form left as it was.
    await page.getByTestId('lab-comment-hide').nth(1).locator('label').click();
    await page.keyboard.type('Advertising rings');
    await page.keyboard.press('Enter');
    await waitToSee(page.locator(`[data-comment-id="${bens.id}"]`).getByTestId('comment-hidden').getByText('Hidden from volunteers: Advertising rings'));
    expect(await page.getByTestId('lab-comment-hide').count()).toBe(1);
    expect((await suite.stack.db.query('SELECT u.display_name, c.hidden_reason FROM subject_comments c JOIN users u ON u.id = c.user_id WHERE c.subject_id = $1 ORDER BY c.created_at', [subjectId])).rows).toEqual([
      { display_name: 'Ada', hidden_reason: null },
      { display_name: 'Ben', hidden_reason: 'Advertising rings' },
      { display_name: 'Mona', hidden_reason: 'Off topic' },
    ]);

    // Hidden by mistake: shown again where it was hidden, by keyboard, the button busy until the answer comes, then focus
    // on the comment, which has Hide again.
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(new RegExp(`/comments/${bens.id}/hidden$`), async (route) => {
      const response = await route.fetch();
      await released;
      await route.fulfill({ response });
    });
    const showAgain = '[aria-label="Show the comment by Ben to volunteers again"]';
    await press(page, showAgain);
    await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute('aria-disabled') === 'true', showAgain);
    release();
    const bensHere = `[data-comment-id="${bens.id}"]`;
    await waitToSee(page.locator(bensHere).getByRole('button', { name: 'Hide the comment by Ben' }));
    await waitForFocus(page, bensHere);
    expect(await page.locator(bensHere).getByTestId('comment-hidden').count()).toBe(0);
    expect((await suite.stack.db.query('SELECT hidden_at FROM subject_comments WHERE id = $1', [bens.id])).rows).toEqual([{ hidden_at: null }]);
    expect(await page.getByRole('button', { name: /^Show the comment/ }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
