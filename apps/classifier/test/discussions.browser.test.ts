import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { ACCOUNT_PASSWORD, newAccount, newMember } from '../../../test/support/accounts';
import { answerByKey, checkScreen, liveYesNoWorkflow, newcomerPage, seriousViolations, signedInPage, skipTutorial, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * Talk in a real browser against the real API: a signed-in volunteer classifies, follows "Discuss this subject" from
 * their recent classifications, and comments on the subject's page by keyboard (an empty comment is refused at the
 * field first), edits it, and deletes a second one; a guest reads it and is asked to sign in; the project's moderator hides it in the lab by keyboard, with
 * a reason, and volunteers no longer see it. A #hashtag leads to the project's recent discussions with that tag, whose
 * filter takes another tag or none by keyboard, and whose search finds comments by their words or says none matched; a researcher saves the comments download from the lab. What the pages
 * did is read back through Postgres.
 */

jest.setTimeout(180_000);

describe('classifier in a browser: subjects’ discussions', () => {
  const suite = useStackAndBrowser();

  /** Presses a button or follows a link by keyboard: Tab to it, then Enter. */
  async function press(page: Page, selector: string, backwards = false): Promise<void> {
    await tabTo(page, selector, 120, backwards);
    await page.keyboard.press('Enter');
  }
  const storedComments = async (subjectId: string) =>
    (await suite.stack.db.query('SELECT body, hashtags, hidden_reason FROM subject_comments WHERE subject_id = $1 ORDER BY created_at', [subjectId])).rows;

  it('lets a signed-in volunteer comment from the subject’s page by keyboard, and a moderator hide the comment in the lab', async () => {
    const { project, workflow, path } = await liveYesNoWorkflow(suite.stack, 'Talk', [
      { externalId: 'stamp', locations: [{ type: 'text', text: 'A small square with a crown, top right.' }] },
      { externalId: 'other', locations: [{ type: 'text', text: 'Fine teas of every kind.' }] },
    ]);
    await skipTutorial(suite.context, workflow.id);
    const volunteer = await newAccount(suite.stack, 'Vera');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: volunteer.email, password: ACCOUNT_PASSWORD }));
    await page.goto(`${suite.stack.baseUrl}${path}`);

    // Done, then "Discuss this subject" beside it among the recent classifications.
    const classified = await answerByKey(page);
    await press(page, '[data-testid="recent"] summary');
    await waitToSee(page.getByTestId('discuss-subject').first());
    await press(page, '[data-testid="discuss-subject"]');
    await waitToSee(page.getByTestId('subject-discussion').getByRole('heading', { level: 1 }));
    expect(new URL(page.url()).pathname).toBe(`/projects/${project.slug}/subjects/${classified}`);
    await waitForFocus(page, 'h1');
    await waitToSee(page.getByTestId('no-comments'));

    // An empty comment is refused at the field, which takes focus; then a comment is posted, and takes focus.
    await tabTo(page, '#comment-body');
    await press(page, '.comment-form button[type="submit"]');
    await waitForFocus(page, '#comment-body');
    expect(await page.getByTestId('comment-body-error').textContent()).toBe('Write your comment first.');
    expect(await page.locator('#comment-body').getAttribute('aria-describedby')).toBe('comment-body-hint comment-body-error');
    await page.keyboard.type('Is this a **stamp** or a postmark? #Stamp');
    await press(page, '.comment-form button[type="submit"]');
    await waitForFocus(page, '[data-testid="comment"]');
    const comment = page.getByTestId('comment');
    expect(await comment.locator('.comment-author').textContent()).toBe('Vera');
    await waitToSee(comment.locator('.comment-body strong').getByText('stamp'));
    expect(await page.locator('#comment-body').inputValue()).toBe('');
    expect(await storedComments(classified)).toEqual([{ body: 'Is this a **stamp** or a postmark? #Stamp', hashtags: ['stamp'], hidden_reason: null }]);
    await checkScreen(page, 'talk-subject');

    // Its author opens the edit form and leaves it by Escape: focus is back on Edit, not lost to the page.
    await press(page, '[data-testid="edit-comment-button"]');
    await waitForFocus(page, '[data-testid="edit-comment"] textarea');
    await page.keyboard.press('Escape');
    await waitForFocus(page, '[data-testid="edit-comment-button"]');

    // Its author edits it in the page, by keyboard: saved, it takes focus again, marked edited.
    await press(page, '[data-testid="edit-comment-button"]');
    await waitForFocus(page, '[data-testid="edit-comment"] textarea');
    expect(await page.locator('[data-testid="edit-comment"] textarea').inputValue()).toBe('Is this a **stamp** or a postmark? #Stamp');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Is this a **stamp** or a postmark? #Stamp #crown');
    await press(page, '[data-testid="edit-comment"] button[type="submit"]');
    await waitForFocus(page, '[data-testid="comment"]');
    expect(await comment.locator('.comment-meta').textContent()).toContain('(edited)');
    expect(await storedComments(classified)).toEqual([{ body: 'Is this a **stamp** or a postmark? #Stamp #crown', hashtags: ['stamp', 'crown'], hidden_reason: null }]);

    // A second thought, posted and deleted by keyboard (asked first): focus goes back to the discussion's heading.
    await tabTo(page, '#comment-body');
    await page.keyboard.type('Never mind');
    await press(page, '.comment-form button[type="submit"]');
    await waitForFocus(page, '[data-testid="comment"]:nth-child(2)');
    await press(page, '[data-testid="comment"]:nth-child(2) .comment-actions button');
    await waitForFocus(page, '[data-testid="delete-comment-question"]');
    await press(page, '[data-testid="delete-comment-question"] button[type="submit"]');
    await waitForFocus(page, '#discussion-heading');
    expect(await page.getByTestId('comment').count()).toBe(1);
    expect((await storedComments(classified)).map(({ body }) => body)).toEqual(['Is this a **stamp** or a postmark? #Stamp #crown']);
    expect(errors).toEqual([]);

    // A guest reads it, and is asked to sign in to write.
    const guest = await newcomerPage(suite);
    await guest.page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/subjects/${classified}`);
    await waitToSee(guest.page.getByTestId('comment'));
    expect(await guest.page.getByTestId('comment-sign-in').textContent()).toMatch(/^Sign in to join the discussion/);
    expect(await guest.page.locator('#comment-body').count()).toBe(0);

    // The project's page links its recent discussions, which list the comment.
    await guest.page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    await press(guest.page, '.project-discussions a');
    await waitToSee(guest.page.getByTestId('project-discussions').getByTestId('comment').locator('.comment-body').getByText('or a postmark? #Stamp'));
    // Its link says, visibly and to a screen reader, which subject it is about: not "this subject" for every comment.
    const [{ external_id: classifiedId }] = (await suite.stack.db.query('SELECT external_id FROM subjects WHERE id = $1', [classified])).rows;
    const subjectNamed = classifiedId === 'stamp' ? '“A small square with a crown,…”' : '“Fine teas of every kind.”';
    const subjectLink = guest.page.getByTestId('project-discussions').getByRole('link', { name: `Open the discussion of ${subjectNamed}`, exact: true });
    expect(await subjectLink.textContent()).toBe(`Open the discussion of ${subjectNamed}`);

    // The moderator hides it in the lab, by keyboard, with a reason (the other pages closed: this browser's tabs share one session).
    await page.close();
    await guest.page.close();
    const moderator = await newMember(suite.stack, project.id, 'moderator', 'Mona');
    const lab = await signedInPage(suite, await suite.stack.anonymous.login({ email: moderator.email, password: ACCOUNT_PASSWORD }));
    await lab.page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await waitToSee(lab.page.getByTestId('lab-discussions').getByTestId('comment'));
    // Named by how it starts (its Markdown's stars not read out) and when, as its author may have written many.
    const posted = await lab.page.getByTestId('lab-discussions').getByTestId('comment').locator('time').textContent();
    const hideName = `Hide the comment “Is this a stamp or a…” by Vera, ${posted}`;
    expect(await lab.page.getByRole('button', { name: hideName, exact: true }).count()).toBe(1);
    await press(lab.page, `[data-testid="lab-discussions"] button[aria-label="${hideName}"]`);
    await waitForFocus(lab.page, '[data-testid="lab-comment-hide"] input');
    await lab.page.keyboard.type('Not about the subject');
    await lab.page.keyboard.press('Enter');
    await waitToSee(lab.page.getByTestId('lab-discussions-result').getByText('The comment by Vera is hidden from volunteers.'));
    await waitForFocus(lab.page, '[data-testid="lab-discussions-result"]');
    expect(await storedComments(classified)).toEqual([{ body: 'Is this a **stamp** or a postmark? #Stamp #crown', hashtags: ['stamp', 'crown'], hidden_reason: 'Not about the subject' }]);
    // The team still sees it, marked, with a way to show it again.
    await waitToSee(lab.page.getByTestId('lab-discussions').getByTestId('comment-hidden').getByText('Hidden from volunteers: Not about the subject'));
    expect(await lab.page.getByRole('button', { name: `Show again the comment “Is this a stamp or a…” by Vera, ${posted}`, exact: true }).count()).toBe(1);
    await checkScreen(lab.page, 'talk-lab');
    expect(lab.errors).toEqual([]);
    await lab.page.close();

    // Volunteers no longer see it.
    const later = await newcomerPage(suite);
    await later.page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/subjects/${classified}`);
    await waitToSee(later.page.getByTestId('no-comments'));
    expect(await later.page.getByTestId('comment').count()).toBe(0);
    await later.page.close();

    // Its author still sees it, told that the moderators hid it (not why: the reason is the team's), with nothing to edit or delete (round 26 F13).
    const author = await signedInPage(suite, await suite.stack.anonymous.login({ email: volunteer.email, password: ACCOUNT_PASSWORD }));
    await author.page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/subjects/${classified}`);
    const own = author.page.getByTestId('comment');
    await waitToSee(own.getByTestId('comment-hidden'));
    expect(await own.getByTestId('comment-hidden').textContent()).toBe(
      'Hidden by the project’s moderators. Other volunteers no longer see it, and it can no longer be edited or deleted.',
    );
    expect(await own.locator('button').count()).toBe(0);
    await checkScreen(author.page, 'talk-own-hidden');
    expect(author.errors).toEqual([]);
  });

  it('links a comment’s #hashtags to the recent discussions with that tag, filtered by keyboard, and lets a researcher save every comment', async () => {
    const { project } = await liveYesNoWorkflow(suite.stack, 'Tags', [
      { externalId: 'stamp', locations: [{ type: 'text', text: 'A small square with a crown, top right.' }] },
      { externalId: 'other', locations: [{ type: 'text', text: 'Fine teas of every kind.' }] },
    ]);
    const [first, second] = (await suite.stack.db.query('SELECT id FROM subjects WHERE project_id = $1 ORDER BY external_id DESC', [project.id])).rows.map((row) => row.id as string);
    const volunteer = await newAccount(suite.stack, 'Tess');
    await volunteer.client.postComment(first!, { projectId: project.id, body: 'Is this a #Stamp? See [the catalogue](https://example.org/#stamps).' });
    await volunteer.client.postComment(second!, { projectId: project.id, body: 'No tag here' });
    await volunteer.client.postComment(second!, { projectId: project.id, body: 'Another #stamp, with a #crown' });

    // From a subject's discussion, the hashtag is a link, followed by keyboard: the project's comments with that tag.
    const { page, errors } = await newcomerPage(suite);
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/subjects/${first}`);
    await waitToSee(page.getByTestId('comment').locator('.markdown'));
    expect(await page.locator('[data-testid="comment"] a.hashtag').allTextContents()).toEqual(['#Stamp']);
    await tabTo(page, '[data-testid="comment"] a.hashtag', 120);
    await page.keyboard.press('Enter');
    const status = page.getByTestId('tag-status');
    await waitToSee(status.getByText('2 comments tagged #stamp.'));
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(`/projects/${project.slug}/discussions?tag=stamp`);
    expect(await page.locator('#comment-tag').inputValue()).toBe('stamp');
    expect(await page.getByTestId('comment').locator('.comment-body').allTextContents()).toEqual(['Another #stamp, with a #crown', 'Is this a #Stamp? See the catalogue.']);
    expect(await status.getAttribute('aria-live')).toBe('polite');
    await checkScreen(page, 'talk-tagged');

    // Another hashtag followed while its answer is held: #stamp's list and count go at once and the heading takes focus
    // from the link that went with them; Back to #stamp before #crown answers, and #crown's late answer replaces nothing.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const crown = (url: URL) => url.pathname.endsWith('/comments') && url.searchParams.get('tag') === 'crown';
    await page.route(crown, async (route) => {
      await held;
      await route.continue();
    });
    await tabTo(page, '[data-testid="comment"] a.hashtag[href$="tag=crown"]', 120);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => new URLSearchParams(window.location.search).get('tag') === 'crown');
    await waitForFocus(page, 'h1');
    expect([await page.getByTestId('comment').count(), await status.textContent()]).toEqual([0, '']);
    await page.evaluate(() => window.history.back());
    await waitToSee(status.getByText('2 comments tagged #stamp.'));
    const lateAnswer = page.waitForResponse((response) => crown(new URL(response.url())));
    release();
    await lateAnswer;
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    expect([await status.textContent(), await page.getByTestId('comment').count()]).toEqual(['2 comments tagged #stamp.', 2]);
    await page.unroute(crown);

    // Another tag, typed with its #; a tag that is none is refused at the field, which keeps focus.
    await tabTo(page, '#comment-tag', 30, true);
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('no spaces');
    await page.keyboard.press('Enter');
    await waitForFocus(page, '#comment-tag');
    expect(await page.locator('#comment-tag').getAttribute('aria-invalid')).toBe('true');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('#Crown');
    await page.keyboard.press('Enter');
    await waitToSee(status.getByText('1 comment tagged #crown.'));
    expect(await page.getByTestId('comment').count()).toBe(1);
    // Searched within the hashtag: "Show every comment" then clears the search too.
    await tabTo(page, '#comment-search', 30);
    await page.keyboard.type('another');
    await page.keyboard.press('Enter');
    await waitToSee(status.getByText('1 comment tagged #crown matches “another”.'));

    // Cleared: every comment again (the search gone too), and focus back in the field.
    await press(page, '[data-testid="clear-tag"]', true);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="comment"]').length === 3);
    await waitForFocus(page, '#comment-tag');
    expect([await status.textContent(), await page.locator('#comment-tag').inputValue(), new URL(page.url()).search]).toEqual(['', '', '']);

    // Searched by words, sent by Enter and kept in the address; nothing found is said; cleared, every comment again.
    await tabTo(page, '#comment-search', 30);
    await page.keyboard.type('CROWN another');
    await page.keyboard.press('Enter');
    await waitToSee(status.getByText('1 comment matches “CROWN another”.'));
    expect([new URL(page.url()).searchParams.get('q'), await page.getByTestId('comment').locator('.comment-body').allTextContents()]).toEqual(['CROWN another', ['Another #stamp, with a #crown']]);
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('zeppelin');
    await page.keyboard.press('Enter');
    await waitToSee(status.getByText('No comment matches “zeppelin”.'));
    expect(await page.getByTestId('comment').count()).toBe(0);
    await press(page, '[data-testid="clear-search"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="comment"]').length === 3);
    await waitForFocus(page, '#comment-search');
    expect([await status.textContent(), await page.locator('#comment-search').inputValue(), new URL(page.url()).search]).toEqual(['', '', '']);
    expect(errors).toEqual([]);
    await page.close();

    // A researcher saves every comment from the lab's project page, as NDJSON, by keyboard.
    const scientist = await newMember(suite.stack, project.id, 'scientist', 'Sam');
    const lab = await signedInPage(suite, await suite.stack.anonymous.login({ email: scientist.email, password: ACCOUNT_PASSWORD }));
    await lab.page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    const section = lab.page.getByTestId('lab-comments-download');
    await waitToSee(section.getByRole('heading', { name: 'Download the comments' }));
    await section.getByLabel('Format').selectOption('ndjson');
    const [download] = await Promise.all([lab.page.waitForEvent('download'), press(lab.page, '[data-testid="lab-comments-download"] button')]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^comments-tags-\\d+-${project.id}-\\d{8}T\\d{6}Z\\.ndjson$`, 'i'));
    const rows = readFileSync((await download.path())!, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { body: string });
    expect(rows.map((row) => row.body)).toEqual(['Is this a #Stamp? See [the catalogue](https://example.org/#stamps).', 'No tag here', 'Another #stamp, with a #crown']);
    await waitToSee(section.getByText('Saving the comments as NDJSON (a JSON object per line): your browser shows the file as it arrives.'));
    // Changed since a moment: a moment it cannot read is said at the field, nothing saved; one to come, an empty file.
    const since = section.getByLabel('Changed since (optional)');
    await since.fill('yesterday');
    await press(lab.page, '[data-testid="lab-comments-download"] button');
    await waitForFocus(lab.page, '#lab-comments-download-since');
    expect(await since.getAttribute('aria-invalid')).toBe('true');
    await since.fill(' 2999-01-01T09:30:00+01:00 ');
    const [later] = await Promise.all([lab.page.waitForEvent('download'), press(lab.page, '[data-testid="lab-comments-download"] button')]);
    expect([new URL(later.url()).searchParams.get('since'), readFileSync((await later.path())!, 'utf8')]).toEqual(['2999-01-01T09:30:00+01:00', '']);
    // No link to be had (the server failed): said in the section's alert, and no longer that a file is saving.
    const links = `**/api/v1/projects/${project.id}/comments/download-links`;
    await lab.page.route(links, (route) => route.fulfill({ status: 500, contentType: 'application/problem+json', body: '{"status":500}' }));
    await press(lab.page, '[data-testid="lab-comments-download"] button');
    await waitToSee(section.getByRole('alert').getByText('The server answered 500.'));
    expect(await section.getByRole('status').textContent()).toBe('');
    // Asked again: the problem goes as the link is asked for, before it comes.
    let answer = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    await lab.page.unroute(links);
    await lab.page.route(links, async (route) => {
      await answered;
      await route.continue();
    });
    await press(lab.page, '[data-testid="lab-comments-download"] button');
    await waitToSee(section.getByText('The server answered 500.'), { state: 'detached' });
    const [again] = await Promise.all([lab.page.waitForEvent('download'), Promise.resolve().then(answer)]);
    expect(new URL(again.url()).searchParams.get('since')).toBe('2999-01-01T09:30:00+01:00');
    await lab.page.unroute(links);
    expect(lab.errors).toEqual([]);
  });

  it('keeps the lab’s page of comments when a moderator hides or shows one on it, and tells moderators they do', async () => {
    const { project } = await liveYesNoWorkflow(suite.stack, 'Pages', [{ externalId: 'p1', locations: [{ type: 'text', text: 'A postcard.' }] }]);
    const [{ id: subjectId }] = (await suite.stack.db.query('SELECT id FROM subjects WHERE project_id = $1', [project.id])).rows;
    const volunteer = await newAccount(suite.stack, 'Wren');
    // 23 comments, newest first in the lab: "comment 1" is the oldest, on the second page.
    await suite.stack.db.query(
      `INSERT INTO subject_comments (project_id, subject_id, user_id, body, created_at) SELECT $1, $2, $3, 'comment ' || n, now() - (24 - n) * interval '1 minute' FROM generate_series(1, 23) n`,
      [project.id, subjectId, volunteer.id],
    );
    const moderator = await newMember(suite.stack, project.id, 'moderator', 'Mo');
    const lab = await signedInPage(suite, await suite.stack.anonymous.login({ email: moderator.email, password: ACCOUNT_PASSWORD }));
    // Whether "no comments" ever shows, even for a render, in a project that has some.
    await lab.page.addInitScript(() => {
      const saw = window as unknown as { sawNone: boolean };
      saw.sawNone = false;
      new MutationObserver(() => {
        if (document.body?.textContent?.includes('Nobody has said anything about this project’s subjects yet.')) saw.sawNone = true;
      }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    await lab.page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    expect(await lab.page.getByTestId('lab-moderator-lead').textContent()).toContain('hide a comment in the subjects’ discussions from volunteers, with a reason the team sees');
    const comments = lab.page.getByTestId('lab-discussions').getByTestId('comment');
    await lab.page.waitForFunction(() => document.querySelectorAll('[data-testid="lab-discussions"] [data-testid="comment"]').length === 20);
    expect(await lab.page.evaluate(() => (window as unknown as { sawNone: boolean }).sawNone)).toBe(false);
    // "Show more" clicked twice while its page is read (held a moment): one page read, its comments added once.
    const nextPages: string[] = [];
    const secondPage = (url: URL) => url.pathname.endsWith(`/projects/${project.id}/comments`) && url.searchParams.has('after');
    await lab.page.route(secondPage, async (route) => {
      nextPages.push(route.request().url());
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue();
    });
    await lab.page.locator('[data-testid="lab-discussions"] > button').dblclick();
    await lab.page.waitForFunction(() => document.querySelectorAll('[data-testid="lab-discussions"] [data-testid="comment"]').length === 23);
    await lab.page.unroute(secondPage);
    expect(nextPages).toHaveLength(1);

    // Hidden on the second page: the 23 stay, the last one marked, and no page is read again.
    // Every one of Wren's comments has its own name: how it starts and when.
    const names = await lab.page.locator('[data-testid="lab-discussions"] [data-testid="comment"] button').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label')));
    expect(new Set(names).size).toBe(23);
    const lastPosted = await comments.last().locator('time').textContent();
    await press(lab.page, `[data-testid="lab-discussions"] [data-testid="comment"]:last-child button[aria-label="Hide the comment “comment 1” by Wren, ${lastPosted}"]`, true);
    await waitForFocus(lab.page, '[data-testid="lab-comment-hide"] input');
    await lab.page.keyboard.type('Off topic');
    await lab.page.keyboard.press('Enter');
    await waitToSee(lab.page.getByTestId('lab-discussions-result').getByText('The comment by Wren is hidden from volunteers.'));
    expect(await comments.count()).toBe(23);
    expect(await comments.last().getByTestId('comment-hidden').textContent()).toBe('Hidden from volunteers: Off topic');
    expect(await comments.last().locator('.comment-body').textContent()).toBe('comment 1');

    // Shown again: still every comment of both pages.
    await press(lab.page, `[data-testid="lab-discussions"] button[aria-label="Show again the comment “comment 1” by Wren, ${lastPosted}"]`, true);
    await waitToSee(lab.page.getByTestId('lab-discussions-result').getByText('The comment by Wren is shown to volunteers again.'));
    await lab.page.waitForFunction(() => document.querySelectorAll('[data-testid="lab-discussions"] [data-testid="comment-hidden"]').length === 0);
    expect(await comments.count()).toBe(23);
    expect((await suite.stack.db.query('SELECT count(*)::int AS hidden FROM subject_comments WHERE project_id = $1 AND hidden_at IS NOT NULL', [project.id])).rows).toEqual([{ hidden: 0 }]);
    expect(lab.errors).toEqual([]);
  });

  it('lets a volunteer reply to a comment by keyboard, and tells its author, who opens the notification and marks it read', async () => {
    const { project } = await liveYesNoWorkflow(suite.stack, 'Replies', [{ externalId: 'stamp', locations: [{ type: 'text', text: 'A small square with a crown, top right.' }] }]);
    const [{ id: subjectId }] = (await suite.stack.db.query('SELECT id FROM subjects WHERE project_id = $1', [project.id])).rows;
    const grace = await newAccount(suite.stack, 'Grace');
    const question = await grace.client.postComment(subjectId, { projectId: project.id, body: 'Is this a stamp?' });
    const ida = await newAccount(suite.stack, 'Ida');
    const replier = await signedInPage(suite, await suite.stack.anonymous.login({ email: ida.email, password: ACCOUNT_PASSWORD }));
    const page = replier.page;
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/subjects/${subjectId}`);
    await waitToSee(page.getByTestId('comment'));

    // Reply: the form says to whom and takes focus; Escape makes it a comment again, focus back on Reply.
    await press(page, 'button[aria-label="Reply to Grace"]');
    await waitForFocus(page, '#comment-body');
    expect(await page.locator('#new-comment-heading').textContent()).toBe('Replying to Grace');
    await page.keyboard.press('Escape');
    await waitForFocus(page, 'button[aria-label="Reply to Grace"]');
    expect(await page.locator('#new-comment-heading').textContent()).toBe('Add a comment');
    // Cancel the reply by its button, the same.
    await page.keyboard.press('Enter');
    await waitForFocus(page, '#comment-body');
    await press(page, '[data-testid="replying-to"] button');
    await waitForFocus(page, 'button[aria-label="Reply to Grace"]');

    await page.keyboard.press('Enter');
    await waitForFocus(page, '#comment-body');
    await page.keyboard.type('A postmark: see the date in the ring.');
    // Ctrl+Enter posts it, as Post does (and as it sends a transcription).
    await page.keyboard.press('Control+Enter');
    await waitForFocus(page, '[data-testid="comment"]:nth-child(2)');
    const reply = page.getByTestId('comment').nth(1);
    expect(await reply.getByTestId('comment-reply-to').textContent()).toBe('In reply to Grace');
    expect(await page.locator('#new-comment-heading').textContent()).toBe('Add a comment');
    const [stored] = (await suite.stack.db.query('SELECT id, reply_to FROM subject_comments WHERE subject_id = $1 AND user_id = $2', [subjectId, ida.id])).rows;
    expect(stored.reply_to).toBe(question.id);
    // Its link takes focus to the comment it answers, which the address names.
    await press(page, '[data-testid="comment-reply-to"] a');
    await waitForFocus(page, `#comment-${question.id}`);
    expect(new URL(page.url()).hash).toBe(`#comment-${question.id}`);
    expect(replier.errors).toEqual([]);
    await page.close();

    // Grace is told: the header counts it, in the link's name.
    const author = await signedInPage(suite, await suite.stack.anonymous.login({ email: grace.email, password: ACCOUNT_PASSWORD }));
    await author.page.goto(`${suite.stack.baseUrl}/`);
    const link = author.page.getByRole('link', { name: 'Notifications, 1 unread' });
    await waitToSee(link);
    await press(author.page, '[data-account-link="notifications"]');
    await waitToSee(author.page.getByTestId('notification'));
    await waitForFocus(author.page, 'h1');
    const notification = author.page.getByTestId('notification');
    expect(await notification.locator('.notification-what a').textContent()).toBe('Ida replied to your comment');
    expect(await notification.locator('.notification-excerpt').textContent()).toBe('A postmark: see the date in the ring.');
    await checkScreen(author.page, 'talk-notifications');

    // Mark all as read: said in the status, and the header's count goes. Its first try fails: "Try again" marks them
    // again (not the next notifications).
    let failOnce = true;
    await author.page.route('**/api/v1/account/notifications/read', (route) => {
      if (!failOnce || route.request().method() !== 'POST') return route.fallback();
      failOnce = false;
      return route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"type":"about:blank","title":"Service unavailable","status":503,"detail":"Down a moment."}' });
    });
    await press(author.page, '[data-testid="mark-all-read"]');
    await waitToSee(author.page.getByRole('button', { name: 'Try again' }));
    expect(failOnce).toBe(false);
    await press(author.page, '.alert button', true);
    await waitToSee(author.page.getByTestId('notifications-status').getByText('All your notifications are marked as read.'));
    await waitToSee(author.page.getByRole('link', { name: 'Notifications', exact: true }));
    expect((await suite.stack.db.query('SELECT read_at IS NOT NULL AS read FROM comment_notifications WHERE user_id = $1', [grace.id])).rows).toEqual([{ read: true }]);

    // The notification opens the reply in its discussion, focused.
    await press(author.page, '.notification-what a');
    await waitForFocus(author.page, `#comment-${stored.id}`);
    expect(new URL(author.page.url()).pathname).toBe(`/projects/${project.slug}/subjects/${subjectId}`);
    expect(author.errors).toEqual([]);
  });

  it('lets a volunteer follow a discussion by keyboard without commenting, tells them of a new comment there, and unfollow it', async () => {
    const { project } = await liveYesNoWorkflow(suite.stack, 'Following', [{ externalId: 'moth', locations: [{ type: 'text', text: 'A grey moth on bark.' }] }]);
    const [{ id: subjectId }] = (await suite.stack.db.query('SELECT id FROM subjects WHERE project_id = $1', [project.id])).rows;
    const grace = await newAccount(suite.stack, 'Grace');
    await grace.client.postComment(subjectId, { projectId: project.id, body: 'Which moth?' });
    const jo = await newAccount(suite.stack, 'Jo');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: jo.email, password: ACCOUNT_PASSWORD }));
    const discussionPath = `/projects/${project.slug}/subjects/${subjectId}`;
    await page.goto(`${suite.stack.baseUrl}${discussionPath}`);
    const follow = page.getByTestId('follow-discussion');
    await waitToSee(follow);
    expect([await follow.textContent(), await follow.getAttribute('aria-pressed')]).toEqual(['Follow', 'false']);
    await press(page, '[data-testid="follow-discussion"]');
    await waitToSee(page.getByTestId('follow-discussion-message').getByText('Following: you will be told of each new comment here.'));
    expect([await follow.textContent(), await follow.getAttribute('aria-pressed')]).toEqual(['Following', 'true']);
    expect((await suite.stack.db.query('SELECT following FROM discussion_follows WHERE user_id = $1', [jo.id])).rows).toEqual([{ following: true }]);

    // Grace answers: Jo, who never commented, is told.
    const answer = await grace.client.postComment(subjectId, { projectId: project.id, body: 'A peppered moth, I think.' });
    await page.goto(`${suite.stack.baseUrl}/notifications`);
    const notification = page.getByTestId('notification');
    await waitToSee(notification);
    expect(await notification.locator('.notification-what a').textContent()).toBe('Grace commented in a discussion you follow');
    expect(await notification.locator('.notification-excerpt').textContent()).toBe('A peppered moth, I think.');
    await checkScreen(page, 'talk-notification-discussion');
    await press(page, '.notification-what a');
    await waitForFocus(page, `#comment-${answer.id}`);

    // Unfollowed: the button says so, and the next comment tells Jo nothing.
    await press(page, '[data-testid="follow-discussion"]', true);
    await waitToSee(page.getByTestId('follow-discussion-message').getByText(/^Unfollowed/));
    expect([await follow.textContent(), await follow.getAttribute('aria-pressed')]).toEqual(['Follow', 'false']);
    const later = await grace.client.postComment(subjectId, { projectId: project.id, body: 'Or a birch moth.' });
    expect((await suite.stack.db.query('SELECT 1 FROM comment_notifications WHERE comment_id = $1', [later.id])).rows).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('lists a project’s boards on its page, and lets a volunteer start a titled discussion in one and comment there by keyboard', async () => {
    const project = await suite.stack.client.createProject({ title: `Boards ${Date.now()}`, status: 'live' });
    const board = await suite.stack.client.createBoard(project.id, { title: 'Help', description: 'Ask how to classify' });
    const ada = await newAccount(suite.stack, 'Ada');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: ada.email, password: ACCOUNT_PASSWORD }));
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    await waitToSee(page.getByTestId('project-boards').getByRole('heading', { name: 'Talk' }));
    await press(page, `[data-testid="project-boards"] a[href$="/boards/${board.id}"]`);
    await waitToSee(page.getByTestId('board').getByRole('heading', { level: 1, name: 'Help' }));
    await waitToSee(page.getByTestId('no-board-discussions'));
    expect(await seriousViolations(page)).toEqual([]);

    // A discussion without a title is refused at its field; then it starts, and its page opens.
    await tabTo(page, '#discussion-body');
    await page.keyboard.type('Is the crown part of the stamp?');
    await press(page, '.comment-form button[type="submit"]');
    await waitForFocus(page, '#discussion-title');
    expect(await page.getByTestId('discussion-title-error').textContent()).toBe('Give the discussion a title.');
    await page.keyboard.type('Marking stamps');
    await press(page, '.comment-form button[type="submit"]');
    const discussionPage = page.getByTestId('board-discussion-page');
    await waitToSee(discussionPage.getByRole('heading', { level: 1, name: 'Marking stamps' }));
    const [stored] = (await suite.stack.db.query('SELECT id, title FROM board_discussions WHERE board_id = $1', [board.id])).rows;
    expect(new URL(page.url()).pathname).toBe(`/projects/${project.slug}/talk/${stored.id}`);
    expect(await page.getByTestId('comment').locator('.comment-body').textContent()).toBe('Is the crown part of the stamp?');
    expect(await page.getByTestId('follow-discussion').getAttribute('aria-pressed')).toBe('true');
    expect(await seriousViolations(page)).toEqual([]);

    // A second comment, by keyboard, as on a subject's page; the board lists the discussion with its two comments.
    await tabTo(page, '#comment-body');
    await page.keyboard.type('Found it: yes, the whole square.');
    await press(page, '.comment-form button[type="submit"]');
    await waitForFocus(page, '[data-testid="comment"]:nth-child(2)');
    expect((await suite.stack.db.query('SELECT body FROM subject_comments WHERE board_discussion_id = $1 ORDER BY created_at', [stored.id])).rows.map((row: { body: string }) => row.body)).toEqual([
      'Is the crown part of the stamp?',
      'Found it: yes, the whole square.',
    ]);
    await press(page, `nav a[href$="/boards/${board.id}"]`, true);
    await waitToSee(page.getByTestId('board-discussion').getByText('2 comments', { exact: false }));

    // Twenty more: a next page; one that fails to come is said, and asked again by the same button.
    for (let n = 1; n <= 20; n += 1) await suite.stack.client.startBoardDiscussion(board.id, { title: `Question ${n}`, body: 'Hm' });
    await page.reload();
    await waitToSee(page.getByRole('button', { name: 'Show more discussions' }));
    const nextPage = (url: URL) => url.pathname.endsWith(`/boards/${board.id}/discussions`) && url.searchParams.has('after');
    await page.route(nextPage, (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"status":503,"detail":"Away a moment."}' }));
    await press(page, '#more-board-discussions');
    const said = page.getByTestId('board').locator('.alert:not(.alert-empty)');
    await waitToSee(said);
    await page.unroute(nextPage);
    await press(page, '#more-board-discussions');
    await waitForFocus(page, '[data-testid="board-discussion"]:nth-child(21)');
    expect(await page.getByTestId('board-discussion').count()).toBe(21);
    expect(await said.count()).toBe(0);

    // Stopped from commenting: said up front, in the place of the form that starts a discussion.
    await suite.stack.client.banFromComments(project.id, ada.id, 'Cooling off');
    await page.reload();
    await waitToSee(page.getByTestId('board-banned'));
    expect(await page.locator('#discussion-title').count()).toBe(0);
    expect(errors.filter((error) => !error.includes('503'))).toEqual([]);
  });

  it('offers "Done & Talk" to a signed-in volunteer by keyboard: it submits, opens the subject’s discussion, and the way back goes on with the session', async () => {
    const { project, workflow, path } = await liveYesNoWorkflow(
      suite.stack,
      'Done and talk',
      Array.from({ length: 4 }, (_, index) => ({ externalId: `talk-${index}`, locations: [{ type: 'text' as const, text: `Notice ${index}: a stamp, top right.` }] })),
    );
    await skipTutorial(suite.context, workflow.id);
    // A guest is not offered it: they could not write in the discussion.
    const guest = await newcomerPage(suite);
    await guest.page.goto(`${suite.stack.baseUrl}${path}`);
    await waitToSee(guest.page.getByTestId('subject'), { timeout: 10_000 });
    expect(await guest.page.getByTestId('done-talk').count()).toBe(0);
    await guest.page.close();

    const volunteer = await newAccount(suite.stack, 'Tess');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: volunteer.email, password: ACCOUNT_PASSWORD }));
    await page.goto(`${suite.stack.baseUrl}${path}`);
    const subject = page.getByTestId('subject');
    await waitToSee(subject, { timeout: 10_000 });
    const first = (await subject.getAttribute('data-subject-id'))!;
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="subject"] input[type="radio"]') === true);
    await page.keyboard.press('1');
    // Beside Done, the next stop of the keyboard.
    await tabTo(page, '[data-testid="subject"] button[type="submit"]');
    await page.keyboard.press('Tab');
    await waitForFocus(page, '[data-testid="done-talk"]');
    expect(await page.getByTestId('done-talk').textContent()).toBe('Done & Talk');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Enter');

    await waitToSee(page.getByTestId('subject-discussion').getByRole('heading', { level: 1 }), { timeout: 10_000 });
    expect(new URL(page.url()).pathname).toBe(`/projects/${project.slug}/subjects/${first}`);
    const stored = await suite.stack.db.query('SELECT annotations FROM classifications WHERE subject_id = $1 AND user_id = $2', [first, volunteer.id]);
    expect(stored.rows.map((row) => row.annotations)).toEqual([[{ task: 'T0', value: 'yes' }]]);
    expect(await seriousViolations(page)).toEqual([]);

    // Back to classifying: the session goes on, with the next subject, counted.
    await tabTo(page, '[data-testid="back-to-classifying"]');
    await page.keyboard.press('Enter');
    await waitToSee(subject, { timeout: 10_000 });
    expect(await subject.getAttribute('data-subject-id')).not.toBe(first);
    await waitToSee(page.locator('.session-count', { hasText: 'Classified this session: 1' }), { timeout: 10_000 });
    // Done alone stays where it is.
    const second = await answerByKey(page);
    expect(second).not.toBe(first);
    expect(new URL(page.url()).pathname).toBe(path);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps "Done & Talk" through the question about an empty answer: confirmed, it submits and opens the discussion', async () => {
    const { client } = suite.stack;
    const project = await client.createProject({ title: `Empty talk ${Date.now()}`, status: 'live' });
    const set = await client.createSubjectSet(project.id, { name: 'Notices' });
    await client.addSubjects(set.id, [1, 2].map((index) => ({ externalId: `blank-${index}`, locations: [{ type: 'text' as const, text: `Notice ${index}` }] })));
    const workflow = await client.createWorkflow(project.id, {
      name: 'Transcribe the notices',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Transcribe the notice, line by line.' } },
      subjectSetIds: [set.id],
    });
    await client.activateWorkflow(workflow.id);
    await skipTutorial(suite.context, workflow.id);
    const volunteer = await newAccount(suite.stack, 'Edith');
    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: volunteer.email, password: ACCOUNT_PASSWORD }));
    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}/workflows/${workflow.id}`);
    const subject = page.getByTestId('subject');
    await waitToSee(subject, { timeout: 10_000 });
    const first = (await subject.getAttribute('data-subject-id'))!;

    // Nothing transcribed: Done & Talk asks first, and confirming goes on to the discussion, the empty answer stored.
    await press(page, '[data-testid="done-talk"]');
    await waitForFocus(page, '[data-testid="empty-answer"]');
    await press(page, '[data-testid="empty-answer"] .button-primary');
    await waitToSee(page.getByTestId('subject-discussion').getByRole('heading', { level: 1 }), { timeout: 10_000 });
    expect(new URL(page.url()).pathname).toBe(`/projects/${project.slug}/subjects/${first}`);
    const stored = await suite.stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE subject_id = $1 AND user_id = $2', [first, volunteer.id]);
    expect(stored.rows).toEqual([{ n: 1 }]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a volunteer a subject its team took down as taken down, without its media or a comment form, its comments still there; the team sees it, marked', async () => {
    const { project, workflow } = await liveYesNoWorkflow(suite.stack, 'Taken down', [{ externalId: 'letter', locations: [{ type: 'text', text: 'Mrs Smith, 12 High Street' }] }]);
    const [{ id: subjectId }] = (await suite.stack.db.query('SELECT id FROM subjects WHERE project_id = $1', [project.id])).rows;
    const volunteer = await newAccount(suite.stack, 'Vic');
    await volunteer.client.postComment(subjectId, { projectId: project.id, body: 'Is this someone’s address?' });
    await volunteer.client.reportSubject(workflow.id, { subjectId, reason: 'sensitive-content' });
    await suite.stack.client.retireSubjects(workflow.id, { subjectIds: [subjectId], reason: 'A home address', takeDown: true });
    const discussion = `${suite.stack.baseUrl}/projects/${project.slug}/subjects/${subjectId}`;

    const { page, errors } = await signedInPage(suite, await suite.stack.anonymous.login({ email: volunteer.email, password: ACCOUNT_PASSWORD }));
    await page.goto(discussion);
    await waitToSee(page.getByTestId('comment').getByText('Is this someone’s address?'));
    expect(await page.getByTestId('subject-taken-down').textContent()).toBe("This subject was taken down by the project's team.");
    expect(await page.getByTestId('comments-closed').textContent()).toBe("This subject was taken down by the project's team, so its discussion takes no new comments; what was said stays here to read.");
    expect(await page.locator('.subject-media, #comment-body, [data-reply-button]').count()).toBe(0);
    expect(await page.getByText('12 High Street').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();

    // Its team sees it as it is, marked, and may still answer (this browser's tabs share one session: one at a time).
    const moderator = await newMember(suite.stack, project.id, 'moderator', 'Mo');
    const team = await signedInPage(suite, await suite.stack.anonymous.login({ email: moderator.email, password: ACCOUNT_PASSWORD }));
    await team.page.goto(discussion);
    await waitToSee(team.page.getByTestId('subject-taken-down-for-team').getByText('Taken down.'));
    await waitToSee(team.page.locator('.subject-media').getByText('Mrs Smith, 12 High Street'));
    expect(await team.page.locator('#comment-body').count()).toBe(1);
    expect(team.errors).toEqual([]);
    await team.page.close();
  });

  it('finds the comment the address names pages later without moving focus meanwhile: focused once found, or only scrolled to once the volunteer moved the focus (typing, or to a link)', async () => {
    const { project, workflow } = await liveYesNoWorkflow(suite.stack, 'Talk at length', [{ externalId: 'long-talk', locations: [{ type: 'text', text: 'A long discussion.' }] }]);
    const subjectId = (await suite.stack.db.query<{ id: string }>('SELECT id FROM subjects WHERE project_id = $1', [project.id])).rows[0]!.id;
    // Three pages of comments by the researcher (the team's comments are not counted against the hourly limit).
    const comments: string[] = [];
    for (let i = 1; i <= 45; i++) comments.push((await suite.stack.client.postComment(subjectId, { projectId: project.id, body: `Comment ${i}` })).id);
    const wanted = comments[20]!; // at the top of the second page, above the view once the page is read
    await skipTutorial(suite.context, workflow.id);
    const volunteer = await newAccount(suite.stack, 'Addressed');
    const session = await suite.stack.anonymous.login({ email: volunteer.email, password: ACCOUNT_PASSWORD });
    const address = `${suite.stack.baseUrl}/projects/${project.slug}/subjects/${subjectId}#comment-${wanted}`;

    /** A page at the comment's address whose pages after the first wait for `release`, recording every comment that takes focus. */
    async function opened() {
      const { page, errors } = await signedInPage(suite, session);
      await page.addInitScript(() => {
        const focused: string[] = [];
        (window as unknown as { focusedComments: string[] }).focusedComments = focused;
        document.addEventListener('focusin', (event) => {
          const comment = (event.target as Element).closest?.('[data-comment-id]');
          if (comment) focused.push(comment.getAttribute('data-comment-id')!);
        });
      });
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      await page.route(
        (url) => url.pathname === `/api/v1/subjects/${subjectId}/comments` && url.searchParams.has('after'),
        async (route) => {
          await released;
          await route.continue();
        },
      );
      await page.goto(address);
      await waitToSee(page.getByTestId('comment').first(), { timeout: 10_000 });
      const focusedComments = () => page.evaluate(() => (window as unknown as { focusedComments: string[] }).focusedComments);
      return { page, errors, release, focusedComments };
    }

    // Left alone, the page reads on and focuses the comment once found, and no other on the way.
    const alone = await opened();
    alone.release();
    await waitForFocus(alone.page, `[data-comment-id="${wanted}"]`);
    expect(await alone.page.getByTestId('comment').count()).toBe(40); // the third page is not read
    expect(await alone.focusedComments()).toEqual([wanted]);
    expect(alone.errors).toEqual([]);
    await alone.page.close();

    // Typing a comment meanwhile: the comment found is scrolled into view, and the text field keeps the focus.
    const typing = await opened();
    await typing.page.locator('#comment-body').click();
    await typing.page.keyboard.type('Half a thought');
    typing.release();
    const found = typing.page.locator(`[data-comment-id="${wanted}"]`);
    await waitToSee(found);
    await typing.page.waitForFunction((id) => {
      const box = document.querySelector(`[data-comment-id="${id}"]`)!.getBoundingClientRect();
      return box.top >= -1 && box.bottom <= window.innerHeight + 1; // 'nearest' may leave a fraction of a pixel out
    }, wanted, { timeout: 10_000 });
    await typing.page.keyboard.type(', and the rest.');
    expect(await typing.page.locator('#comment-body').inputValue()).toBe('Half a thought, and the rest.');
    expect(await typing.page.evaluate(() => document.activeElement?.id)).toBe('comment-body');
    expect(await typing.focusedComments()).toEqual([]);
    expect(typing.errors).toEqual([]);
    await typing.page.close();

    // Moving on by keyboard meanwhile (to a link): the focus stays there too.
    const tabbing = await opened();
    const link = tabbing.page.locator('main a[href]').first();
    await link.focus();
    tabbing.release();
    await tabbing.page.waitForFunction((id) => {
      const box = document.querySelector(`[data-comment-id="${id}"]`)?.getBoundingClientRect();
      return !!box && box.top >= -1 && box.bottom <= window.innerHeight + 1;
    }, wanted, { timeout: 10_000 });
    expect(await link.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await tabbing.focusedComments()).toEqual([]);
    expect(tabbing.errors).toEqual([]);
    await tabbing.page.close();
  });
});
