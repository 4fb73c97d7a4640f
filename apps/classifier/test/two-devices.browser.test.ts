import type { SubjectInput } from '@chorus/client';
import type { Page } from 'playwright-core';
import { signUp } from '../../../test/support/accounts';
import { until } from '../../../test/support/waiting';
import { answerByKey, emptyOutbox, liveYesNoWorkflow, signedInPage, skipTutorial, useStackAndBrowser, waitToSee } from './support/browser';

/**
 * A volunteer signed in on two devices (a laptop's page here; their phone, the same account, through the API): the
 * laptop's page drops what the phone classified, at the first answer refused as already given and as soon as the
 * volunteer comes back to it, and counts "in all" what both did.
 */

jest.setTimeout(90_000);

const textSubject = (index: number): SubjectInput => ({
  externalId: `devices-${index}`,
  locations: [{ type: 'text', text: `Notice number ${index}: FOUND, a pair of spectacles.` }],
});

describe('classifier in a browser: a volunteer on two devices', () => {
  const suite = useStackAndBrowser();

  /** The laptop's page on a live workflow, signed in, with its first batch held; and the phone, the same account. */
  async function laptopAndPhone(title: string) {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, title, Array.from({ length: 40 }, (_, index) => textSubject(index)), { rule: 'count', count: 3 });
    await skipTutorial(suite.context, workflow.id);
    const account = await signUp(suite.stack, { email: `${title.toLowerCase().replace(/\W+/g, '-')}-${Date.now()}@example.org`, password: 'correct horse battery', displayName: 'Henrietta Leavitt' });
    const { page, errors } = await signedInPage(suite, account);
    await emptyOutbox(page, suite.stack.baseUrl); // answers an earlier test left waiting would hold this page's back
    await page.goto(suite.stack.baseUrl + path);
    await waitToSee(page.getByTestId('subject'), { timeout: 10_000 });
    const held = async () => (await suite.stack.db.query('SELECT subject_id FROM assignments WHERE workflow_id = $1 AND user_id = $2', [workflow.id, account.user.id])).rows.map((row) => row.subject_id as string);
    await until(async () => (await held()).length === 4, 'the first batch held');
    const phone = suite.stack.anonymous.withToken(account.token);
    const classifyOnPhone = async (subjectIds: string[]) => {
      for (const subjectId of subjectIds) await phone.classify({ workflowId: workflow.id, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'no' }] }, `phone-${subjectId}`);
    };
    return { workflow, page, errors, held, classifyOnPhone };
  }

  const onScreen = async (page: Page) => (await page.getByTestId('subject').getAttribute('data-subject-id'))!;
  /** The volunteer turns to another window (their phone) and back to the page. */
  const awayAndBack = (page: Page) =>
    page.evaluate(() => {
      window.dispatchEvent(new Event('blur'));
      window.dispatchEvent(new Event('focus'));
    });

  it('drops, at the first answer refused as given on another device, the rest of its batch classified there, and says so', async () => {
    const { page, errors, held, classifyOnPhone } = await laptopAndPhone('Refused once');
    const shown = await onScreen(page);
    const waiting = (await held()).filter((subjectId) => subjectId !== shown);
    const onPhone = [shown, ...waiting.slice(0, 2)];
    await classifyOnPhone(onPhone);

    await answerByKey(page); // refused: the phone classified it
    const notice = page.getByTestId('notice');
    await waitToSee(notice.getByText('2 subjects that were waiting for you are no longer needed'), { timeout: 10_000 });
    expect(await notice.textContent()).toBe(
      'You had already classified this subject, on another device or in another tab, so this answer was not stored again. Here is the next one. 2 subjects that were waiting for you are no longer needed (they have their answers, you classified them on another device or in another tab, or the researchers took them out), so they were taken out of your list.',
    );
    // No other answer is wasted: none of those the phone classified comes on screen.
    for (let round = 0; round < 4; round += 1) expect(onPhone).not.toContain(await answerByKey(page));
    expect(await page.getByText('You had already classified this subject').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('replaces, as the volunteer comes back to the page, the subject on screen and those waiting that they classified on another device', async () => {
    const { page, errors, held, classifyOnPhone } = await laptopAndPhone('Back from the phone');
    const shown = await onScreen(page);
    const onPhone = [shown, (await held()).find((subjectId) => subjectId !== shown)!];
    await classifyOnPhone(onPhone);

    await awayAndBack(page);
    await page.waitForFunction((before) => document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') !== before, shown, { timeout: 10_000 });
    await waitToSee(page.getByTestId('notice').getByText('2 subjects that were waiting for you are no longer needed'), { timeout: 10_000 });
    for (let round = 0; round < 2; round += 1) expect(onPhone).not.toContain(await answerByKey(page));
    expect(await page.getByText('You had already classified this subject').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('counts "in all" the answers still waiting on this device once, those the server stored but whose answer was lost too, and reads it again once they are sent', async () => {
    const { workflow, page, errors, held, classifyOnPhone } = await laptopAndPhone('Waiting here');
    const countOf = () => page.locator('.session-count').textContent();
    await waitToSee(page.locator('.session-count', { hasText: 'in all' }), { timeout: 10_000 });
    await answerByKey(page);
    expect(await countOf()).toBe('Classified this session: 1 (1 in all)');

    // The server stores the next answer, but its answer never comes back (the train enters a tunnel): it stays on this
    // device, and a replay of it is answered as the one stored.
    let server: 'answer lost' | 'busy' | 'answering' = 'answer lost';
    await page.route('**/api/v1/classifications', async (route) => {
      if (route.request().method() !== 'POST' || server === 'answering') return route.continue();
      if (server === 'busy') {
        return route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'Busy.' }) });
      }
      await route.fetch();
      await route.abort('connectionreset');
    });
    await answerByKey(page);
    // Then the server is busy: the next two are kept on this device, never stored.
    server = 'busy';
    await answerByKey(page);
    await answerByKey(page);
    expect(await page.getByTestId('outbox-count').textContent()).toBe('3');
    expect(await countOf()).toBe('Classified this session: 4 (4 in all)');

    // The phone classifies one more; back on this page the count is read again: the server's 3 (the first answer, the one
    // whose answer was lost, the phone's) and the 2 it has not stored, the lost one not counted twice.
    const { rows } = await suite.stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY subject_id', [workflow.id]);
    const stored = async () => (await suite.stack.db.query('SELECT subject_id FROM classifications WHERE workflow_id = $1', [workflow.id])).rows.map((row) => row.subject_id as string);
    const kept = await page.evaluate(
      (id) =>
        new Promise<string[]>((resolve) => {
          const open = indexedDB.open('chorus');
          open.onsuccess = () => {
            const all = open.result.transaction('outbox').objectStore('outbox').getAll();
            all.onsuccess = () => resolve(all.result.filter((item: { input: { workflowId: string } }) => item.input.workflowId === id).map((item: { input: { subjectId: string } }) => item.input.subjectId));
          };
        }),
      workflow.id,
    );
    expect((await stored()).length).toBe(2);
    const busy = new Set([...(await held()), ...(await stored()), ...kept]);
    const free = rows.map((row) => row.subject_id as string).filter((subjectId) => !busy.has(subjectId));
    await classifyOnPhone(free.slice(0, 1));
    await awayAndBack(page);
    await waitToSee(page.locator('.session-count', { hasText: '(5 in all)' }), { timeout: 10_000 });
    expect(await countOf()).toBe('Classified this session: 4 (5 in all)');

    // The server answers again, and the phone classifies another: once the waiting answers are sent, the count is read again.
    server = 'answering';
    await classifyOnPhone(free.slice(1, 2));
    await page.getByTestId('outbox').getByRole('button', { name: 'Send now' }).click();
    await waitToSee(page.getByTestId('outbox'), { state: 'detached', timeout: 10_000 });
    await waitToSee(page.locator('.session-count', { hasText: '(6 in all)' }), { timeout: 10_000 });
    expect(await countOf()).toBe('Classified this session: 4 (6 in all)');
    expect((await stored()).length).toBe(6);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('counts "in all" what the phone classified once the volunteer is back, and thanks at 10 on the device whose answer reached it', async () => {
    const { workflow, page, errors, held, classifyOnPhone } = await laptopAndPhone('Counted in all');
    const countOf = () => page.locator('.session-count').textContent();
    await waitToSee(page.locator('.session-count', { hasText: 'in all' }), { timeout: 10_000 });
    await answerByKey(page);
    await answerByKey(page);
    expect(await countOf()).toBe('Classified this session: 2 (2 in all)');

    // The phone classifies subjects this page does not hold: three, then four more.
    const { rows } = await suite.stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY subject_id', [workflow.id]);
    const answeredHere = (await suite.stack.db.query('SELECT subject_id FROM classifications WHERE workflow_id = $1', [workflow.id])).rows.map((row) => row.subject_id as string);
    const busy = new Set([...(await held()), ...answeredHere]);
    const free = rows.map((row) => row.subject_id as string).filter((subjectId) => !busy.has(subjectId));
    await classifyOnPhone(free.slice(0, 3));
    await awayAndBack(page);
    await waitToSee(page.locator('.session-count', { hasText: '(5 in all)' }), { timeout: 10_000 });
    expect(await countOf()).toBe('Classified this session: 2 (5 in all)');

    await classifyOnPhone(free.slice(3, 7));
    await awayAndBack(page);
    await waitToSee(page.locator('.session-count', { hasText: '(9 in all)' }), { timeout: 10_000 });
    expect(await page.getByTestId('milestone').count()).toBe(0);
    await answerByKey(page);
    expect(await countOf()).toBe('Classified this session: 3 (10 in all)');
    expect(await page.getByTestId('milestone').textContent()).toBe('Thank you! That is 10 classifications of yours in this workflow.');
    await answerByKey(page);
    expect(await countOf()).toBe('Classified this session: 4 (11 in all)');
    expect(await page.getByTestId('milestone').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
