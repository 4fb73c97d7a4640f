import { randomUUID } from 'node:crypto';
import { signUp } from '../../../test/support/accounts';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { checkScreen, openWorkflow, signedInPage, tabTo, useStackAndBrowser, waitForTask, waitToSee } from './support/browser';

/**
 * A volunteer unsure of their transcription asks the team to check it ("I'm not sure: ask the team to check this"), in
 * a real browser: the checkbox is reached and toggled by keyboard alone, and its answer is sent with the annotation
 * (`unsure`), for that subject only; the lab's page of the subject says the volunteers asked.
 */

jest.setTimeout(120_000);

describe('classifier in a browser: asking the team to check a transcription', () => {
  const suite = useStackAndBrowser();

  it('reaches the checkbox by Tab, toggles it with Space, and sends "unsure" with the transcription it was ticked for only', async () => {
    const pages = ['page-1', 'page-2'].map((externalId) => ({ externalId, locations: [{ type: 'image' as const, url: `https://example.org/${externalId}.jpg`, alt: 'A handwritten page' }] }));
    const { page, workflow } = await openWorkflow(suite, 'Unsure transcriptions', pages, {
      name: 'Transcribe the pages',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Type the page' } },
      selection: { order: 'sequential', goldStandardRate: 0 },
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const stored = async (count: number) => {
      const read = () => suite.stack.db.query<{ annotations: unknown[] }>('SELECT annotations FROM classifications WHERE workflow_id = $1 ORDER BY created_at', [workflow.id]);
      await until(async () => (await read()).rows.length >= count, `${count} classifications`);
      return (await read()).rows.map((row) => row.annotations);
    };
    const checkbox = page.getByTestId('transcription-unsure');

    const first = await waitForTask(page, 'transcription');
    await page.keyboard.type('Dear Sir');
    expect(await page.getByLabel('I’m not sure: ask the team to check this').count()).toBe(1);
    expect(await checkbox.isChecked()).toBe(false);
    await tabTo(page, '[data-testid="transcription-unsure"]');
    await page.keyboard.press('Space');
    expect(await checkbox.isChecked()).toBe(true);
    await page.keyboard.press('Space');
    expect(await checkbox.isChecked()).toBe(false);
    await page.keyboard.press('Space');
    expect(await checkbox.isChecked()).toBe(true);
    await checkScreen(page, 'transcription-unsure');
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction((previous) => document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') !== previous, first);
    expect(await stored(1)).toEqual([[{ task: 'T0', value: 'Dear Sir', unsure: true }]]);

    // The next page starts unticked, and a transcription sent so carries no "unsure".
    await waitForTask(page, 'transcription');
    expect(await checkbox.isChecked()).toBe(false);
    await page.locator('.transcription-lines input').first().click();
    await page.keyboard.type('Yours truly');
    await page.keyboard.press('Control+Enter');
    expect(await stored(2)).toEqual([[{ task: 'T0', value: 'Dear Sir', unsure: true }], [{ task: 'T0', value: 'Yours truly' }]]);
    expect(errors).toEqual([]);
  });

  it('says on the subject’s page in the lab that volunteers asked the team to check its transcription', async () => {
    const account = await signUp(suite.stack, { email: `unsure-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Maria Mitchell' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Letters', status: 'live' });
    const set = await researcher.createSubjectSet(project.id, { name: 'Letters' });
    const { subjectIds: [letter] } = await researcher.addSubjects(set.id, [{ externalId: 'letter-1', locations: [{ type: 'text', text: 'Dear Sir' }] }]);
    const { id: workflowId } = await researcher.createWorkflow(project.id, { name: 'Letters', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Type the letter' } }, retirement: { rule: 'count', count: 5 }, subjectSetIds: [set.id] });
    await researcher.activateWorkflow(workflowId);
    for (const unsure of [true, false, true]) {
      const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
      await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: letter!, annotations: [{ task: 'T0', value: 'Dear Sir', unsure }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(suite.stack.db, workflowId)) === 0, 'aggregation');
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}/results/${letter}`);
    const asked = page.getByTestId('lab-result-consensus').getByTestId('asked-for-check');
    await waitToSee(asked);
    expect((await asked.textContent())?.trim()).toBe('2 volunteers asked the team to check this');
    // Each volunteer's row beside the consensus says whether they asked.
    const rows = page.getByTestId('lab-result-transcriptions').locator('tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.getByTestId('asked-for-check-mark').count()).toBe(2);
    expect(errors).toEqual([]);
  });
});
