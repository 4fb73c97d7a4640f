import type { WorkflowInput } from '@chorus/client';
import { signUp } from '../../../test/support/accounts';
import { checkScreen, signedInPage, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * A workflow's versions in the lab, in a real browser against the real API: an earlier version made current again (a
 * new version, asked first, by keyboard), one the API refuses (its problem said), and a new workflow started from a
 * version or from the current one, with the subject sets served or not. What the lab did is read back through the API.
 */

jest.setTimeout(120_000);

const FIRST: WorkflowInput = {
  name: 'Ad or not?',
  firstTask: 'T0',
  tasks: { T0: { type: 'single', question: 'Is this an advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
  retirement: { rule: 'count', count: 2 },
};
const EDITED: WorkflowInput = { ...FIRST, tasks: { T0: { ...FIRST.tasks.T0!, question: 'Is this a paid notice?' } }, retirement: { rule: 'count', count: 5 } } as WorkflowInput;

describe('classifier in a browser: a workflow’s versions in the lab', () => {
  const suite = useStackAndBrowser();

  /** A researcher's active workflow of two sets (`first`, as its version 1), edited into a version 2, and its lab page open. */
  async function editedWorkflow(name: string, first: (sets: { pages: string; more: string }) => WorkflowInput = () => FIRST, edited: WorkflowInput & { subjectSetIds?: string[] } = EDITED) {
    const account = await signUp(suite.stack, { email: `lab-versions-${name.toLowerCase()}-${Date.now()}@example.org`, password: 'correct horse battery', displayName: name });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: `${name} ${Date.now()}`, status: 'live' });
    const sets = { pages: (await researcher.createSubjectSet(project.id, { name: 'Pages' })).id, more: (await researcher.createSubjectSet(project.id, { name: 'More pages' })).id };
    await researcher.addSubjects(sets.pages, [{ externalId: 'p1', locations: [{ type: 'text', text: 'Page 1.' }] }]);
    const { id: workflowId } = await researcher.createWorkflow(project.id, { subjectSetIds: [sets.pages], ...first(sets) });
    await researcher.activateWorkflow(workflowId);
    await researcher.updateWorkflow(workflowId, edited);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await waitToSee(page.getByRole('table', { name: 'Versions' }).locator('tr[data-version="2"]'));
    return { researcher, workflowId, projectId: project.id, sets, page, errors };
  }

  const viewButton = (version: number) => `[data-testid="lab-versions"] tr[data-version="${version}"] button`;

  it('makes version 1 current again after an edit, as a new version, asked first and by keyboard', async () => {
    const { researcher, workflowId, page, errors } = await editedWorkflow('Lovelace');
    await tabTo(page, viewButton(1), 300);
    await page.keyboard.press('Enter');
    await waitForFocus(page, '#lab-version-definition h3');
    expect(await page.locator('#lab-version-restore').textContent()).toBe('Make version 1 current again');
    const restore = '#lab-version-restore';
    await tabTo(page, restore);
    await page.keyboard.press('Enter');
    const question = page.getByTestId('lab-version-restore-question');
    await waitToSee(question);
    expect(await question.getAttribute('role')).toBe('alertdialog');
    expect(await question.textContent()).toContain('is saved as a new version, version 3');
    await waitForFocus(page, '[data-testid="lab-version-restore-question"]');
    await checkScreen(page, 'lab-version-restore');
    // Escape goes back to the button it came from, saving nothing.
    await page.keyboard.press('Escape');
    await waitForFocus(page, restore);
    expect((await researcher.getWorkflow(workflowId)).version).toBe(2);

    await page.keyboard.press('Enter');
    await tabTo(page, '[data-testid="lab-version-restore-question"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-testid="lab-version-made-current"]');
    expect(await page.getByTestId('lab-version-made-current').textContent()).toBe('Version 1 is current again, as version 3.');

    const [first, third, workflow] = await Promise.all([researcher.getWorkflowVersion(workflowId, 1), researcher.getWorkflowVersion(workflowId, 3), researcher.getWorkflow(workflowId)]);
    expect(third.definition).toEqual(first.definition);
    expect(workflow.version).toBe(3);
    await waitToSee(page.getByTestId('lab-workflow-version').getByText('3'));
    const changed = page.getByRole('table', { name: 'Versions' }).locator('tr[data-version="3"] td').nth(3);
    await waitToSee(changed);
    expect(await changed.textContent()).toMatch(/^Version 1 again: retirement, task “T0”/);
    // The editor starts from the version now current, not from the one before it (which a save would have brought back).
    await page.click('#lab-definition-as-json');
    const editor = page.getByLabel('Workflow definition (JSON)');
    expect(JSON.parse(await editor.inputValue())).toEqual(first.definition);
    // The editor's next save is made from the version made current (its ETag), and what the restore said goes with it.
    await editor.fill(JSON.stringify({ ...first.definition, retirement: { rule: 'count', count: 4 } }, null, 2));
    await page.click('form:has(#lab-definition) button[type="submit"]');
    await waitToSee(page.getByTestId('lab-definition-saved').getByText('Saved: version 4 is now current.'));
    await waitToSee(page.getByTestId('lab-version-made-current'), { state: 'detached' });
    expect(errors).toEqual([]);
  });

  it('says the API’s problem when it refuses a version made current again, and saves nothing', async () => {
    // Version 1 routes subjects into "More pages"; version 2 serves that set itself, where an effect may not put subjects.
    const { researcher, workflowId, sets, page, errors } = await editedWorkflow(
      'Hopper',
      ({ more }) => ({ ...FIRST, effects: [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: more }] }),
      { ...EDITED, effects: [] },
    );
    await researcher.updateWorkflow(workflowId, { ...EDITED, effects: [], subjectSetIds: [sets.pages, sets.more] });
    await page.reload();
    await page.click(viewButton(1));
    await page.click('#lab-version-restore');
    await page.click('[data-testid="lab-version-restore-question"] button[type="submit"]');
    const alert = page.locator('#lab-version-definition [role="alert"]');
    await waitToSee(alert.getByText(/names a set this workflow serves/));
    await waitForFocus(page, '#lab-version-definition [role="alert"]');
    expect((await researcher.getWorkflow(workflowId)).version).toBe(2);
    expect(errors).toEqual([]);
  });

  it('keeps an edit not saved before a version is made current again as a draft begun on an earlier version, whose save is refused', async () => {
    const { researcher, workflowId, page, errors } = await editedWorkflow('Noether');
    await page.click('#lab-definition-as-json');
    const editor = page.getByLabel('Workflow definition (JSON)');
    const edit = { ...EDITED, retirement: { rule: 'count', count: 7 } };
    await editor.fill(JSON.stringify(edit, null, 2));
    await page.click(viewButton(1));
    await page.click('#lab-version-restore');
    await page.click('[data-testid="lab-version-restore-question"] button[type="submit"]');
    await waitToSee(page.getByTestId('lab-version-made-current'));
    const kept = page.getByTestId('lab-definition-restored');
    await waitToSee(kept.getByText('it was begun on an earlier version', { exact: false }));
    await page.click('form[aria-labelledby="lab-definition-heading"] button[type="submit"]');
    await waitToSee(page.getByRole('alert').getByText('Someone saved this workflow', { exact: false }));
    const [first, workflow] = await Promise.all([researcher.getWorkflowVersion(workflowId, 1), researcher.getWorkflow(workflowId)]);
    expect(workflow.version).toBe(3);
    expect(workflow.definition).toEqual(first.definition);
    expect(errors).toEqual([]);
  });

  it.each([
    ['as typed', 'Curie', false],
    ['read back after a reload', 'Meitner', true],
  ])('keeps an edit not saved (%s) a draft of the version it was begun on over a save of the subject sets, and saves it after', async (_, name, reload) => {
    const { researcher, workflowId, sets, page, errors } = await editedWorkflow(name);
    await page.click('#lab-definition-as-json');
    await page.getByLabel('Workflow definition (JSON)').fill(JSON.stringify({ ...EDITED, retirement: { rule: 'count', count: 7 } }, null, 2));
    if (reload) {
      await page.reload();
      await waitToSee(page.getByTestId('lab-definition-restored').getByText('Your unsaved edit of this definition is back', { exact: false }));
    }
    await page.getByRole('checkbox', { name: /^More pages/ }).check();
    await page.click('form[aria-labelledby="lab-links-heading"] button[type="submit"]');
    await waitToSee(page.getByTestId('account-status').getByText('The workflow now serves 2 subject sets.'));
    await page.click('form[aria-labelledby="lab-definition-heading"] button[type="submit"]');
    await waitToSee(page.getByTestId('lab-definition-saved').getByText('Saved: version 3 is now current.'));
    expect(await researcher.getWorkflow(workflowId)).toMatchObject({ version: 3, subjectSetIds: expect.arrayContaining([sets.pages, sets.more]), definition: { retirement: { rule: 'count', count: 7 } } });
    expect(errors).toEqual([]);
  });

  it('says the warnings of the save that made a version current again', async () => {
    // Version 1 gives slots to gold-standard subjects, of which the workflow has none.
    const { page, errors } = await editedWorkflow('Germain', () => ({ ...FIRST, selection: { order: 'random', goldStandardRate: 0.2 } }), {
      ...EDITED,
      selection: { order: 'random', goldStandardRate: 0 },
    });
    await page.click(viewButton(1));
    await page.click('#lab-version-restore');
    await page.click('[data-testid="lab-version-restore-question"] button[type="submit"]');
    await waitToSee(page.getByTestId('lab-version-made-current'));
    await waitToSee(page.getByTestId('lab-versions').getByText(/gives queue slots to gold-standard subjects/));
    expect(errors).toEqual([]);
  });

  it('says, when someone saved the workflow since the page read it, that the version was not made current', async () => {
    const { researcher, workflowId, page, errors } = await editedWorkflow('Meitner');
    await researcher.updateWorkflow(workflowId, { ...EDITED, retirement: { rule: 'count', count: 6 } });
    await page.click(viewButton(1));
    await page.click('#lab-version-restore');
    await page.click('[data-testid="lab-version-restore-question"] button[type="submit"]');
    const alert = page.locator('#lab-version-definition [role="alert"]');
    await waitToSee(alert.getByText('so version 1 was not made current again', { exact: false }));
    expect(await alert.textContent()).not.toContain('Your text is still here');
    expect((await researcher.getWorkflow(workflowId)).version).toBe(3);
    expect(errors).toEqual([]);
  });

  it('copies an old version whose selection names a set no longer served, leaving it out and saying so, and without any set when they are unticked', async () => {
    const training = ({ pages, more }: { pages: string; more: string }): WorkflowInput => ({
      ...FIRST,
      selection: { order: 'random', goldStandardRate: 0, setWeights: { [pages]: 2, [more]: 1 }, training: { subjectSetId: more, classifications: 1 } },
      subjectSetIds: [pages, more],
    } as WorkflowInput);
    const { researcher, workflowId, sets, page, errors } = await editedWorkflow('Somerville', training, { ...EDITED, selection: { order: 'random', goldStandardRate: 0 } });
    // The workflow stops serving "More pages", version 1's training set.
    await researcher.updateWorkflow(workflowId, { ...(await researcher.getWorkflow(workflowId)).definition, subjectSetIds: [sets.pages] });
    await page.reload();
    // Ticked, the copy serves "Pages" only: what version 1 says of "More pages" is left out, and said.
    await page.click(viewButton(1));
    await page.click('#lab-version-copy-open');
    await page.click('[data-testid="lab-copy-workflow-form"] button[type="submit"]');
    await page.waitForURL((url) => url.pathname.startsWith('/lab/workflows/') && !url.pathname.endsWith(workflowId));
    await waitToSee(page.getByText('2 settings naming subject sets it does not serve were left out', { exact: false }));
    const served = await researcher.getWorkflow(page.url().split('/').pop()!);
    expect(served).toMatchObject({ status: 'draft', subjectSetIds: [sets.pages] });
    expect(served.definition.selection).toEqual({ order: 'random', goldStandardRate: 0, setWeights: { [sets.pages]: 2 } });
    // Unticked, the copy leaves out what its selection says of the sets, and the hint says so.
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await page.click(viewButton(1));
    await page.click('#lab-version-copy-open');
    expect(await page.locator('[data-testid="lab-copy-workflow-form"]').textContent()).toContain('training set and the sets’ weights');
    await page.uncheck('#lab-version-copy-sets');
    await page.click('[data-testid="lab-copy-workflow-form"] button[type="submit"]');
    await page.waitForURL((url) => url.pathname.startsWith('/lab/workflows/') && !url.pathname.endsWith(workflowId) && !url.pathname.endsWith(served.id));
    const copy = await researcher.getWorkflow(page.url().split('/').pop()!);
    expect(copy).toMatchObject({ status: 'draft', subjectSetIds: [] });
    expect(copy.definition.selection).toEqual({ order: 'random', goldStandardRate: 0 });
    expect(errors).toEqual([]);
  });

  it('copies the workflow into another project the researcher works on, by keyboard, serving none of its sets', async () => {
    const { researcher, workflowId, sets, page, errors } = await editedWorkflow('Hopper');
    const other = await researcher.createProject({ title: `Second project ${Date.now()}` });
    await researcher.updateWorkflow(workflowId, { ...EDITED, selection: { order: 'random', goldStandardRate: 0, setWeights: { [sets.pages]: 2 } } });
    await page.reload();
    await tabTo(page, '#lab-copy-workflow-open', 400);
    await page.keyboard.press('Enter');
    await waitForFocus(page, '#lab-copy-workflow-name');
    // The projects it may go in, this one chosen first, then the sets it would serve here.
    await waitToSee(page.locator('#lab-copy-workflow-project'));
    expect(await page.locator('#lab-copy-workflow-project').inputValue()).toBe((await researcher.getWorkflow(workflowId)).projectId);
    expect(await page.locator('#lab-copy-workflow-sets').isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    await waitForFocus(page, '#lab-copy-workflow-project');
    await page.keyboard.type('Second project');
    expect(await page.locator('#lab-copy-workflow-project').inputValue()).toBe(other.id);
    // In another project, it serves none of this one's sets: nothing to tick.
    expect(await page.locator('#lab-copy-workflow-sets').count()).toBe(0);
    await checkScreen(page, 'lab-copy-workflow-project');
    await tabTo(page, '[data-testid="lab-copy-workflow-form"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname.startsWith('/lab/workflows/') && !url.pathname.endsWith(workflowId));
    await waitToSee(page.getByText('Workflow “Copy of Ad or not?” created as a draft from version 3 of “Ad or not?”.', { exact: false }));
    // The weight of this project's set is left out, and said.
    await waitToSee(page.getByText('One setting naming a subject set it does not serve was left out', { exact: false }));
    const copy = await researcher.getWorkflow(page.url().split('/').pop()!);
    expect(copy).toMatchObject({ projectId: other.id, status: 'draft', version: 1, name: 'Copy of Ad or not?', subjectSetIds: [] });
    const third = (await researcher.getWorkflowVersion(workflowId, 3)).definition;
    expect(copy.definition).toEqual({ ...third, name: 'Copy of Ad or not?', selection: { order: 'random', goldStandardRate: 0 } });
    expect(errors).toEqual([]);
  });

  it('starts a new draft workflow from a version, serving the same subject sets, or from the current one serving none', async () => {
    const { researcher, workflowId, projectId, sets, page, errors } = await editedWorkflow('Franklin');
    // The current version is current already: only an earlier one can be made current again; a workflow starts from any.
    await page.click(viewButton(2));
    await waitToSee(page.locator('#lab-version-copy-open'));
    expect(await page.locator('#lab-version-restore').count()).toBe(0);
    await page.click(viewButton(1));
    await tabTo(page, '#lab-version-copy-open');
    await page.keyboard.press('Enter');
    // The name it is given first, to keep or change; the sets served, ticked.
    await waitForFocus(page, '#lab-version-copy-name');
    expect(await page.locator('#lab-version-copy-name').inputValue()).toBe('Copy of Ad or not?');
    expect(await page.locator('#lab-version-copy-sets').isChecked()).toBe(true);
    await checkScreen(page, 'lab-version-copy');
    await tabTo(page, '[data-testid="lab-copy-workflow-form"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname.startsWith('/lab/workflows/') && !url.pathname.endsWith(workflowId));
    const copyId = page.url().split('/').pop()!;
    await waitToSee(page.getByText('Workflow “Copy of Ad or not?” created as a draft from version 1 of “Ad or not?”.', { exact: false }));
    const [copy, first] = await Promise.all([researcher.getWorkflow(copyId), researcher.getWorkflowVersion(workflowId, 1)]);
    expect(copy).toMatchObject({ projectId, status: 'draft', version: 1, name: 'Copy of Ad or not?', subjectSetIds: [sets.pages] });
    expect(copy.definition).toEqual({ ...first.definition, name: 'Copy of Ad or not?' });

    // From the current version, beside the workflow: renamed, serving no set.
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${workflowId}`);
    await tabTo(page, '#lab-copy-workflow-open', 400);
    await page.keyboard.press('Enter');
    await waitForFocus(page, '#lab-copy-workflow-name');
    // Escape, as Cancel, creates nothing and goes back to the button.
    await page.keyboard.press('Escape');
    await waitForFocus(page, '#lab-copy-workflow-open');
    await page.keyboard.press('Enter');
    await waitForFocus(page, '#lab-copy-workflow-name');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Phase 2');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    expect(await page.locator('#lab-copy-workflow-sets').isChecked()).toBe(false);
    await tabTo(page, '[data-testid="lab-copy-workflow-form"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByText('Workflow “Phase 2” created as a draft from version 2', { exact: false }));
    const phase2 = await researcher.getWorkflow(page.url().split('/').pop()!);
    expect(phase2).toMatchObject({ status: 'draft', name: 'Phase 2', subjectSetIds: [] });
    expect(phase2.definition).toEqual({ ...(await researcher.getWorkflowVersion(workflowId, 2)).definition, name: 'Phase 2' });
    expect((await researcher.getWorkflow(workflowId)).version).toBe(2);
    expect(errors).toEqual([]);
  });
});
