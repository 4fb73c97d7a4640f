import type { Page } from 'playwright-core';
import { signUp } from '../../../test/support/accounts';
import { checkScreen, inWindowOf, PHONE_WINDOW, signedInPage, useStackAndBrowser } from './support/browser';

/**
 * A project's status badge, on the home page's cards, the project's page and the lab, at 1280 and 375 px: its words
 * on one line, whole, with room around them (tester 22 F10: it was cramped).
 */

jest.setTimeout(90_000);

/**
 * Each badge shown: its text, on how many lines, whether all of it shows (not clipped), and the room inside its border
 * around the text (its padding), left and right and above and below (px).
 */
const badges = (page: Page) =>
  page.locator('.badge').evaluateAll((shown) =>
    shown.map((badge) => {
      const text = document.createRange();
      text.selectNodeContents(badge);
      const room = getComputedStyle(badge);
      return {
        text: badge.textContent,
        lines: new Set([...text.getClientRects()].map((line) => Math.round(line.top))).size,
        whole: badge.scrollWidth <= badge.clientWidth && badge.scrollHeight <= badge.clientHeight,
        across: Math.min(parseFloat(room.paddingLeft), parseFloat(room.paddingRight)),
        above: Math.min(parseFloat(room.paddingTop), parseFloat(room.paddingBottom)),
      };
    }),
  );

describe('classifier in a browser: project status badges', () => {
  const suite = useStackAndBrowser();

  it('keeps a project’s status badge on one line, whole, with room around its words, however long the title', async () => {
    const account = await signUp(suite.stack, { email: `badges-${Date.now()}@example.org`, password: 'a long enough password', displayName: 'Ada' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const title = `Letters of a parish vestry, eighteen-twenties to eighteen-forties ${Date.now()}`;
    const project = await researcher.createProject({ title, status: 'live' });
    await suite.stack.db.query("UPDATE projects SET status = 'paused', came_with_chorus = true WHERE id = $1", [project.id]);
    const { page, errors } = await signedInPage(suite, account);
    /** The badges, whole, with room around their words, on one line (but where `wrapsOnPhone`: a long one in a narrow column). */
    const expectRoomy = async (texts: string[], wrapsOnPhone = false) => {
      for (const [shown, phoneWidth] of [[await badges(page), false], [await inWindowOf(page, PHONE_WINDOW, () => badges(page)), true]] as const) {
        expect(shown.map((badge) => [badge.text, badge.whole])).toEqual(texts.map((text) => [text, true]));
        for (const badge of shown) {
          if (!(phoneWidth && wrapsOnPhone)) expect(badge.lines).toBe(1);
          expect(badge.across).toBeGreaterThanOrEqual(6);
          expect(badge.above).toBeGreaterThanOrEqual(2);
        }
      }
    };

    await page.goto(`${suite.stack.baseUrl}/`);
    const card = page.locator(`[data-project-slug="${project.slug}"]`);
    await card.waitFor();
    expect(await card.locator('.badge').textContent()).toBe('paused');
    await checkScreen(page, 'project-cards');
    await expectRoomy(['paused']);

    await page.goto(`${suite.stack.baseUrl}/projects/${project.slug}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await expectRoomy(['paused']);

    await page.goto(`${suite.stack.baseUrl}/lab`);
    await page.getByTestId('lab-projects').waitFor();
    await checkScreen(page, 'lab-project-list');
    await expectRoomy(['Demo that came with Chorus'], true);
    // Below the name it marks, from the same edge.
    const [name, badge] = [await page.locator(`[data-project-slug="${project.slug}"] th a`).boundingBox(), await page.locator('.lab-table .badge').boundingBox()];
    expect([badge!.x, badge!.y > name!.y + name!.height - 1]).toEqual([name!.x, true]);

    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    await page.getByTestId('lab-project').waitFor();
    await expectRoomy(['paused']);
    expect(errors).toEqual([]);
  });

  it('names a workflow’s link by the workflow alone: its arrow is not read out as "right arrow" (tester 26 F11)', async () => {
    const project = await suite.stack.client.createProject({ title: `Arrows ${Date.now()}`, status: 'live' });
    const set = await suite.stack.client.createSubjectSet(project.id, { name: 'Notices' });
    await suite.stack.client.addSubjects(set.id, [{ externalId: 'n-1', locations: [{ type: 'text', text: 'FOR SALE: one bicycle.' }], metadata: {} }]);
    const workflow = await suite.stack.client.createWorkflow(project.id, {
      name: 'Ad or not?',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'An advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      subjectSetIds: [set.id],
    });
    await suite.stack.client.activateWorkflow(workflow.id);
    const page = await suite.context.newPage();
    for (const [path, scope] of [['/', `[data-project-slug="${project.slug}"]`], [`/projects/${project.slug}`, '.project-page']]) {
      await page.goto(`${suite.stack.baseUrl}${path}`);
      const link = page.locator(scope!).locator('a.workflow-link');
      await link.waitFor();
      expect(await link.textContent()).toBe('Ad or not? →'); // still shown
      expect(await page.locator(scope!).getByRole('link', { name: 'Ad or not?', exact: true }).count()).toBe(1);
    }
    await page.close();
  });
});
