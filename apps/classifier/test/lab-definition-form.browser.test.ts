import type { WorkflowInput } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { until } from '../../../test/support/waiting';
import { checkScreen, signedInPage, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';
import { signUp } from '../../../test/support/accounts';

/**
 * The lab's workflow definition as a form, in a real browser against the real API, by keyboard only: a researcher
 * adds a task, branches an answer to it, changes the retirement rule and saves (the stored definition read back
 * through the API); a save the API refuses is said at the field its pointer names, which takes focus; Form and JSON
 * edit one draft; and what the form cannot show opens as JSON, saying why.
 */

jest.setTimeout(120_000);

const PASSWORD = 'correct horse battery';

const YES_NO: WorkflowInput = {
  name: 'Ad or not?',
  firstTask: 'T0',
  tasks: { T0: { type: 'single', question: 'Is this an advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
};

describe('classifier in a browser: a workflow definition edited as a form', () => {
  const suite = useStackAndBrowser();

  async function researcherWith(definition: WorkflowInput, name: string) {
    const account = await signUp(suite.stack, { email: `lab-form-${name}-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Henrietta Leavitt' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const { id } = await researcher.createWorkflow((await researcher.createProject({ title: `Definitions ${name}` })).id, definition);
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${id}`);
    await waitToSee(page.getByTestId('lab-workflow-version'));
    return { researcher, id, page, errors };
  }

  /** Tab (or Shift+Tab, when it comes before the focus) to a control. */
  async function focus(page: Page, selector: string): Promise<void> {
    const before = await page.evaluate((s) => {
      const target = document.querySelector(s);
      const active = document.activeElement;
      return !!target && !!active && active !== document.body && (active.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_PRECEDING) !== 0;
    }, selector);
    await tabTo(page, selector, 200, before);
  }

  async function press(page: Page, selector: string): Promise<void> {
    await focus(page, selector);
    await page.keyboard.press('Enter');
  }

  /** Replaces what a text field holds, typing. */
  async function typeInto(page: Page, selector: string, text: string): Promise<void> {
    await focus(page, selector);
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(text);
  }

  /** Chooses an option of a select by its words, with the arrow keys. */
  async function choose(page: Page, selector: string, words: string): Promise<void> {
    await focus(page, selector);
    const { at, wanted } = await page.evaluate(
      ({ s, w }) => {
        const select = document.querySelector<HTMLSelectElement>(s)!;
        return { at: select.selectedIndex, wanted: [...select.options].findIndex((option) => option.text === w) };
      },
      { s: selector, w: words },
    );
    expect(wanted).toBeGreaterThanOrEqual(0);
    for (let step = at; step !== wanted; step += wanted > at ? 1 : -1) await page.keyboard.press(wanted > at ? 'ArrowDown' : 'ArrowUp');
    expect(await page.locator(selector).evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.text)).toBe(words);
  }

  const save = 'form.def-form button[type="submit"]';
  const value = (page: Page, selector: string) => page.locator(selector).inputValue();

  it('adds a task, branches an answer to it, changes the retirement rule and saves; a refused save is said at its field', async () => {
    const { researcher, id, page, errors } = await researcherWith(YES_NO, 'branch');
    await waitToSee(page.locator('#lab-definition-as-form[aria-pressed="true"]'));
    expect(await value(page, '#lab-def-name')).toBe('Ad or not?');

    // A second single-choice task, added at the end with a free key that takes focus.
    expect(await page.locator('#lab-def-tasks-new-type').evaluate((select: HTMLSelectElement) => [...select.options].map((option) => option.value))).toEqual([
      'single',
      'multiple',
      'transcription',
      'close-reading',
      'tagging',
      'fields',
      'marking',
    ]);
    await press(page, '#lab-def-tasks-add');
    await waitForFocus(page, '#lab-def-tasks-t1-key');
    expect(await value(page, '#lab-def-tasks-t1-key')).toBe('T1');
    expect(await value(page, '#lab-def-tasks-t1-type')).toBe('single');
    await typeInto(page, '#lab-def-tasks-t1-question', 'Is something for sale?');
    await press(page, '#lab-def-tasks-t1-answers-add');
    await waitForFocus(page, '#lab-def-tasks-t1-answers-0-value');
    await page.keyboard.type('yes');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Yes');
    await press(page, '#lab-def-tasks-t1-answers-add');
    await waitForFocus(page, '#lab-def-tasks-t1-answers-1-value');
    await page.keyboard.type('no');
    await page.keyboard.press('Tab');
    await page.keyboard.type('No');
    // Enter in a line of the form saves nothing: a save makes a version.
    await page.keyboard.press('Enter');

    // "Yes" of T0 leads to T1; the rule becomes agreement on T0, with its fields.
    await choose(page, '#lab-def-tasks-t0-answers-0-next', 'T1: Is something for sale?');
    await choose(page, '#lab-def-retirement-rule', 'Agreement on a task');
    expect(await page.locator('#lab-def-retirement-count').count()).toBe(0);
    await choose(page, '#lab-def-retirement-task', 'T0: Is this an advertisement?');
    // What the rule counts: answers to its task, which a branch may skip, not classifications.
    expect(await page.locator('label[for="lab-def-retirement-minimum"]').textContent()).toBe('At least this many answers to this task');
    await typeInto(page, '#lab-def-retirement-minimum', '3');
    await typeInto(page, '#lab-def-retirement-threshold', '0.80');
    await typeInto(page, '#lab-def-retirement-maximum', '5');
    expect(await value(page, '#lab-def-retirement-threshold')).toBe('0.80');
    expect((await researcher.getWorkflow(id)).version).toBe(1);
    await checkScreen(page, 'lab-definition-form');

    await press(page, save);
    await waitToSee(page.getByTestId('lab-definition-saved').getByText('Saved: version 2 is now current.'));
    // Agreement on T0 retires on "yes" too, before T1 is answered: said at the rule's answer, left empty, with its hint.
    expect(await page.getByTestId('lab-def-retirement-answer-warning').textContent()).toMatch(/^Is not given, so the rule retires subjects whatever the consensus on T0, "yes" too.*give `answer` \(such as "no"\)/);
    expect(await page.locator('#lab-def-retirement-answer').getAttribute('aria-describedby')).toContain('lab-def-retirement-answer-hint');
    expect(await value(page, '#lab-def-retirement-answer')).toBe('');
    const stored = await researcher.getWorkflow(id);
    expect(stored.version).toBe(2);
    expect(stored.definition).toEqual({
      name: 'Ad or not?',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'single', question: 'Is this an advertisement?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
        T1: { type: 'single', question: 'Is something for sale?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
      },
      retirement: { rule: 'agreement', task: 'T0', minimum: 3, threshold: 0.8, maximum: 5 },
      selection: { order: 'random', goldStandardRate: 0 },
      effects: [],
    });

    // A next offers no task that would loop: T0's answers not T0, T1's neither T1 nor T0, which leads to it.
    const offered = (select: string) => page.locator(select).evaluate((element: HTMLSelectElement) => [...element.options].map((option) => option.text));
    expect(await offered('#lab-def-tasks-t0-answers-1-next')).toEqual(['None: the workflow ends', 'T1: Is something for sale?']);
    expect(await offered('#lab-def-tasks-t1-answers-0-next')).toEqual(['None: the workflow ends']);

    // T1 removed by its named button; T0's "Yes" still names it, which the API refuses: said at that answer's next,
    // which takes focus; nothing is saved.
    expect(await page.getByRole('button', { name: 'Remove answer 2 of T1' }).count()).toBe(1);
    await press(page, '[aria-label="Remove task T1"]');
    await waitForFocus(page, '#lab-def-tasks-add');
    expect(await page.locator('#lab-def-tasks-t1').count()).toBe(0);
    expect(await page.locator('#lab-def-tasks-t0-answers-0-next').evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.text)).toBe('T1 (no such task)');
    await press(page, save);
    await waitForFocus(page, '#lab-def-tasks-t0-answers-0-next');
    const next = page.locator('#lab-def-tasks-t0-answers-0-next');
    expect(await next.getAttribute('aria-invalid')).toBe('true');
    expect(await next.getAttribute('aria-describedby')).toContain('lab-def-tasks-t0-answers-0-next-error');
    expect(await page.getByTestId('lab-def-tasks-t0-answers-0-next-error').textContent()).toBe('"T1" is not a task of this workflow.');
    expect(await page.locator('section[aria-labelledby="lab-definition-heading"] [role="alert"]:not(.alert-empty)').count()).toBe(0); // every error has its field: no summary
    await checkScreen(page, 'lab-definition-form-error');
    expect((await researcher.getWorkflow(id)).version).toBe(2);

    // Chosen again (the end of the workflow), the save goes through.
    await choose(page, '#lab-def-tasks-t0-answers-0-next', 'None: the workflow ends');
    await press(page, save);
    await waitToSee(page.getByTestId('lab-definition-saved').getByText('Saved: version 3 is now current.'));
    expect(Object.keys((await researcher.getWorkflow(id)).definition.tasks)).toEqual(['T0']);
    // Saved, the draft is the version read back: nothing is kept as an unsaved edit.
    await waitToSee(page.getByTestId('lab-workflow-version').getByText('Version 3'));
    await page.reload();
    await waitToSee(page.getByTestId('lab-workflow-version').getByText('Version 3'));
    expect([await page.getByTestId('lab-definition-restored').count(), await value(page, '#lab-def-retirement-task')]).toEqual([0, 'T0']);
    expect(errors).toEqual([]);
  });

  it('adds a fields task and edits its fields: add, label, kind, required, choices, move and remove; a choice field without choices is refused at them', async () => {
    const { researcher, id, page, errors } = await researcherWith(YES_NO, 'fields');
    await waitToSee(page.locator('#lab-definition-as-form[aria-pressed="true"]'));
    await choose(page, '#lab-def-tasks-new-type', 'Fields (a form)');
    await press(page, '#lab-def-tasks-add');
    await waitForFocus(page, '#lab-def-tasks-t1-key');
    await choose(page, '#lab-def-tasks-t0-answers-0-next', 'T1');
    await typeInto(page, '#lab-def-tasks-t1-instruction', 'Copy the index card');
    const field = (n: number, name: string) => `#lab-def-tasks-t1-fields-${n}-${name}`;
    for (const [n, key, label] of [[0, 'parish', 'Parish'], [1, 'surname', 'Surname'], [2, 'notes', 'Notes']] as const) {
      await press(page, '#lab-def-tasks-t1-fields-add');
      await typeInto(page, field(n, 'key'), key);
      await typeInto(page, field(n, 'label'), label);
    }
    expect(await page.locator(`label[for="lab-def-tasks-t1-fields-0-kind"]`).textContent()).toBe('Kind');
    await choose(page, field(0, 'kind'), 'Choice');
    await focus(page, field(1, 'required'));
    await page.keyboard.press('Space');
    // Surname first: moved up by its named button, which keeps focus.
    await press(page, '[aria-label="Move field 2 of T1 up"]');
    await press(page, '[aria-label="Remove field 3 of T1"]');
    await checkScreen(page, 'lab-definition-form-fields');

    // Parish is a choice field with no choices yet: refused, said at its choices, which take focus.
    await press(page, save);
    await waitForFocus(page, field(1, 'choices'));
    expect(await page.getByTestId('lab-def-tasks-t1-fields-1-choices-error').textContent()).toMatch(/^Is required for a choice field/);
    expect((await researcher.getWorkflow(id)).version).toBe(1);
    await page.keyboard.type('St Mary');
    await page.keyboard.press('Enter');
    await page.keyboard.type('St John');
    await press(page, save);
    await waitToSee(page.getByTestId('lab-definition-saved').getByText('Saved: version 2 is now current.'));
    expect((await researcher.getWorkflow(id)).definition.tasks.T1).toEqual({
      type: 'fields',
      instruction: 'Copy the index card',
      fields: [
        { key: 'surname', label: 'Surname', kind: 'text', required: true },
        { key: 'parish', label: 'Parish', kind: 'choice', choices: ['St Mary', 'St John'], required: false },
      ],
    });
    expect(errors).toEqual([]);
  });

  it('adds a marking task and its tools: key, label, shape, min, max, tolerance; a tolerance on a rectangle is refused at it', async () => {
    const { researcher, id, page, errors } = await researcherWith(YES_NO, 'marking');
    await waitToSee(page.locator('#lab-definition-as-form[aria-pressed="true"]'));
    await choose(page, '#lab-def-tasks-new-type', 'Marking (points and rectangles on the image)');
    await press(page, '#lab-def-tasks-add');
    await waitForFocus(page, '#lab-def-tasks-t1-key');
    await choose(page, '#lab-def-tasks-t0-answers-0-next', 'T1');
    await typeInto(page, '#lab-def-tasks-t1-instruction', 'Mark each penguin and each sign');
    const tool = (n: number, name: string) => `#lab-def-tasks-t1-tools-${n}-${name}`;
    for (const [n, key, label, shape] of [[0, 'penguin', 'Penguin', 'Point'], [1, 'sign', 'Sign', 'Rectangle']] as const) {
      await press(page, '#lab-def-tasks-t1-tools-add');
      await typeInto(page, tool(n, 'key'), key);
      await typeInto(page, tool(n, 'label'), label);
      await choose(page, tool(n, 'shape'), shape);
    }
    expect(await page.locator(`label[for="lab-def-tasks-t1-tools-0-tolerance"]`).textContent()).toBe('Tolerance (pixels)');
    await typeInto(page, tool(0, 'min'), '1');
    await typeInto(page, tool(0, 'tolerance'), '25');
    await typeInto(page, tool(1, 'max'), '3');
    await typeInto(page, tool(1, 'tolerance'), '10');
    await checkScreen(page, 'lab-definition-form-marking');

    // A rectangle has no tolerance (rectangles are one thing by their overlap): refused, said at it, which takes focus.
    await press(page, save);
    await waitForFocus(page, tool(1, 'tolerance'));
    expect(await page.getByTestId('lab-def-tasks-t1-tools-1-tolerance-error').textContent()).toMatch(/^Is only for a point tool/);
    expect((await researcher.getWorkflow(id)).version).toBe(1);
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await press(page, save);
    await waitToSee(page.getByTestId('lab-definition-saved').getByText('Saved: version 2 is now current.'));
    expect((await researcher.getWorkflow(id)).definition.tasks.T1).toEqual({
      type: 'marking',
      instruction: 'Mark each penguin and each sign',
      tools: [
        { key: 'penguin', label: 'Penguin', shape: 'point', min: 1, tolerance: 25 },
        { key: 'sign', label: 'Sign', shape: 'rectangle', max: 3 },
      ],
    });
    expect(errors).toEqual([]);
  });

  it('shows every task type, a composed rule, the selection, effects and a tutorial; moves an answer; says a warning at its field', async () => {
    const account = await signUp(suite.stack, { email: `lab-form-all-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Williamina Fleming' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Every kind of task' });
    const pages = await researcher.createSubjectSet(project.id, { name: 'Pages' });
    const later = await researcher.createSubjectSet(project.id, { name: 'Second look' });
    const everything: WorkflowInput = {
      name: 'Everything',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'single', question: 'Printed?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No', next: 'T4' }] },
        T1: { type: 'multiple', question: 'What is shown?', answers: [{ value: 'ship', label: 'Ship' }, { value: 'train', label: 'Train' }], maxChoices: 2, next: 'T2' },
        T2: { type: 'transcription', instruction: 'Copy the caption', mode: 'free', textTags: ['unclear'], showLocation: 2, language: 'he', next: 'T3' },
        T3: { type: 'close-reading', question: 'Which vessel?', senses: [{ value: 'ship', label: 'A ship' }], allowUnsure: true, evidence: 'optional', next: 'T4' },
        T4: { type: 'tagging', instruction: 'Tag it', vocabulary: ['sea', 'land'], allowFreeTags: false, maxTags: 5 },
      },
      retirement: { rule: 'any', rules: [{ rule: 'posterior', task: 'T0', answer: 'yes', maximum: 20 }, { rule: 'agreement', task: 'T1', minimum: 3, threshold: 0.8, maximum: 10 }] },
      selection: { order: 'random', goldStandardRate: 0.1, setWeights: { [pages.id]: 2 }, training: { subjectSetId: pages.id, classifications: 3 }, volunteersChooseSubjectSet: true },
      effects: [{ when: { task: 'T0', answer: 'no' }, addToSubjectSet: later.id }],
      tutorial: [{ title: 'Welcome', body: 'Read the **caption**.' }],
      feedback: true,
    };
    const { id } = await researcher.createWorkflow(project.id, { ...everything, subjectSetIds: [pages.id] });
    const { page, errors } = await signedInPage(suite, account);
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${id}`);
    await waitToSee(page.locator('#lab-definition-as-form[aria-pressed="true"]'));
    const selected = (selector: string) => page.locator(selector).evaluate((select: HTMLSelectElement) => (select.selectedOptions ? select.selectedOptions[0]?.text : `not a select: ${select.outerHTML}`));
    expect([
      await selected('#lab-def-tasks-t1-type'),
      await value(page, '#lab-def-tasks-t1-maxChoices'),
      await selected('#lab-def-tasks-t2-mode'),
      await value(page, '#lab-def-tasks-t2-textTags'),
      await value(page, '#lab-def-tasks-t2-showLocation'),
      await value(page, '#lab-def-tasks-t2-language'),
      await page.locator('#lab-def-tasks-t3-allowUnsure').isChecked(),
      await selected('#lab-def-tasks-t3-evidence'),
      await value(page, '#lab-def-tasks-t4-vocabulary'),
      await page.locator('#lab-def-tasks-t4-allowFreeTags').isChecked(),
      await selected('#lab-def-retirement-rules-0-rule'),
      await value(page, '#lab-def-retirement-rules-0-low'),
      await selected('#lab-def-selection-training-subjectSetId'),
      await value(page, `#lab-def-selection-setWeights-${later.id}`),
      await value(page, `#lab-def-selection-setWeights-${pages.id}`),
      await selected('#lab-def-effects-0-addToSubjectSet'),
      await value(page, '#lab-def-tutorial-0-body'),
      await page.locator('#lab-def-feedback').isChecked(),
    ]).toEqual(['Multiple choice', '2', 'Free text', 'unclear', '2', 'he', true, 'Optional', 'sea\nland', false, 'Bayesian probability of an answer', '0.05', 'Pages', '', '2', 'Second look', 'Read the **caption**.', true]);
    // Each field has the hint of its place: an effect's answer is not the posterior rule's; a threshold says what the
    // agreement of its task's type counts, and follows the task chosen.
    const hint = (id: string) => page.locator(`#${id}-hint`).textContent();
    // Whether volunteers choose the subject set they work on: a checkbox, said in the researcher's words.
    expect(await page.locator('#lab-def-selection-volunteersChooseSubjectSet').isChecked()).toBe(true);
    expect(await page.getByLabel('Volunteers may choose a subject set to work on').count()).toBe(1);
    expect(await hint('lab-def-selection-volunteersChooseSubjectSet')).toMatch(/^Each linked set \(a letter, a diary\) is listed on the project’s page under the workflow/);
    expect(await hint('lab-def-effects-0-when-answer')).toMatch(/^The consensus answer that moves the subject/);
    // Where the set an effect fills is made (round 16a F1), and why the sets this workflow serves are not offered.
    expect(await hint('lab-def-effects-0-addToSubjectSet')).toMatch(/The sets this workflow serves are not offered: untick one under “Subject sets served” to route into it\. To make one that starts empty, use “Make an empty subject set” on the project's page/);
    expect(await hint('lab-def-tasks-t2-showLocation')).toMatch(/^Which of the subject’s images .* counted from 1 in the order they were uploaded: .* A subject with fewer opens on its first/);
    expect(await hint('lab-def-tasks-t2-language')).toMatch(/^A language tag such as he \(Hebrew\), ar \(Arabic\) or th \(Thai\)/);
    // A posterior rule weighs votes by the learned skills, an agreement rule counts them alike (round 18b F3).
    expect(await hint('lab-def-retirement-rules-0-answer')).toMatch(/^The answer whose probability is followed, such as yes\. For a Bayesian task, each volunteer’s answer is weighed by the skill Chorus learned for them .*unlike an agreement rule, which counts votes alike\.$/);
    expect(await hint('lab-def-retirement-rules-1-threshold')).toMatch(/^The share of volunteers who chose exactly the answers of the consensus/);
    await choose(page, '#lab-def-retirement-rules-1-task', 'T2: Copy the caption');
    expect(await hint('lab-def-retirement-rules-1-threshold')).toMatch(/^How far the transcriptions agree/);
    await choose(page, '#lab-def-retirement-rules-1-task', 'T0: Printed?');
    expect(await hint('lab-def-retirement-rules-1-threshold')).toMatch(/^The leading answer’s share of all the answers to the task, 0 to 1\. Votes are counted, every volunteer’s alike: under Bayesian too/);
    await choose(page, '#lab-def-retirement-rules-1-task', 'T1: What is shown?');
    await checkScreen(page, 'lab-definition-form-all');

    // The posterior rule removed, "Train" moved before "Ship", by keyboard, each button named with what it acts on.
    await press(page, '[aria-label="Remove rule 1"]');
    await waitForFocus(page, '#lab-def-retirement-rules-add');
    await press(page, '[aria-label="Move answer 2 of T1 up"]');
    await waitForFocus(page, '#lab-def-tasks-t1-answers-0-up');
    expect(await value(page, '#lab-def-tasks-t1-answers-0-value')).toBe('train');
    // A location no subject can have is refused at its field, saying why; the third is taken.
    await typeInto(page, '#lab-def-tasks-t2-showLocation', '0');
    await press(page, save);
    await waitForFocus(page, '#lab-def-tasks-t2-showLocation');
    expect(await page.getByTestId('lab-def-tasks-t2-showLocation-error').textContent()).toMatch(/^Must be at least 1: a subject's locations are counted from 1 in the order they were uploaded/);
    await typeInto(page, '#lab-def-tasks-t2-showLocation', '3');
    // So is a language written as no language tag is.
    await typeInto(page, '#lab-def-tasks-t2-language', 'he_IL');
    await press(page, save);
    await waitForFocus(page, '#lab-def-tasks-t2-language');
    expect(await page.getByTestId('lab-def-tasks-t2-language-error').textContent()).toMatch(/^Must be a language tag \(BCP 47\), such as "he" for Hebrew/);
    await typeInto(page, '#lab-def-tasks-t2-language', 'yi');
    await press(page, save);
    await waitToSee(page.getByTestId('lab-definition-saved').getByText('Saved: version 2 is now current.'));

    // The API's warning (a rule on a task a branch leads past) is said at that rule's task, read with it.
    const warning = page.getByTestId('lab-def-retirement-rules-0-task-warning');
    expect(await warning.textContent()).toMatch(/^Is a task volunteers can finish the workflow without reaching/);
    expect(await page.locator('#lab-def-retirement-rules-0-task').getAttribute('aria-describedby')).toContain('lab-def-retirement-rules-0-task-warning');
    const stored = (await researcher.getWorkflow(id)).definition;
    expect(stored.retirement).toEqual({ rule: 'any', rules: [{ rule: 'agreement', task: 'T1', minimum: 3, threshold: 0.8, maximum: 10 }] });
    expect(stored.tasks.T1).toMatchObject({ answers: [{ value: 'train', label: 'Train' }, { value: 'ship', label: 'Ship' }], maxChoices: 2, next: 'T2' });
    expect(stored.tasks.T2).toMatchObject({ showLocation: 3, language: 'yi' });
    expect(stored).toMatchObject({ selection: everything.selection, effects: everything.effects, tutorial: everything.tutorial, feedback: true });

    // The last effect removed, the save sends no effects (left out, the workflow's would be kept).
    await press(page, '#lab-def-effects-0-remove');
    await press(page, save);
    await waitToSee(page.getByTestId('lab-definition-saved').getByText('Saved: version 3 is now current.'));
    expect((await researcher.getWorkflow(id)).definition.effects).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('offers an effect no set the workflow serves; a later stage’s page says which workflows feed it, and a subject routed there where it came from', async () => {
    const account = await signUp(suite.stack, { email: `lab-form-stages-${Date.now()}@example.org`, password: PASSWORD, displayName: 'Annie Maunder' });
    const researcher = suite.stack.anonymous.withToken(account.token);
    const project = await researcher.createProject({ title: 'Two stages', status: 'live' });
    const pages = await researcher.createSubjectSet(project.id, { name: 'Pages' });
    const later = await researcher.createSubjectSet(project.id, { name: 'Second look' });
    await researcher.createSubjectSet(project.id, { name: 'Elsewhere' });
    const { subjectIds: [routed] } = await researcher.addSubjects(pages.id, [{ externalId: 'p1', locations: [{ type: 'text', text: 'Page one' }] }]);
    const effects = [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: later.id }];
    const first = await researcher.createWorkflow(project.id, { ...YES_NO, retirement: { rule: 'count', count: 1 }, subjectSetIds: [pages.id], effects });
    const second = await researcher.createWorkflow(project.id, { ...YES_NO, name: 'Transcribe', subjectSetIds: [later.id] });
    await researcher.activateWorkflow(first.id);
    await researcher.activateWorkflow(second.id);
    const { page, errors } = await signedInPage(suite, account);

    // The screening's effect may add to any set but the one it serves (which the API refuses), and no more to a set ticked to serve.
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${first.id}`);
    await waitToSee(page.locator('#lab-definition-as-form[aria-pressed="true"]'));
    const targets = () => page.locator('#lab-def-effects-0-addToSubjectSet option').allTextContents();
    await waitToSee(page.locator('#lab-def-effects-0-addToSubjectSet option', { hasText: 'Elsewhere' }), { state: 'attached' });
    expect(await targets()).toEqual(['Choose a subject set', 'Second look', 'Elsewhere']);
    await page.getByLabel('Elsewhere (0 subjects)').focus();
    await page.keyboard.press('Space');
    await waitToSee(page.locator('#lab-def-effects-0-addToSubjectSet option', { hasText: 'Elsewhere' }), { state: 'detached' });
    expect(await targets()).toEqual(['Choose a subject set', 'Second look']);
    // Nothing feeds the screening.
    expect(await page.getByTestId('lab-links-fed-by').count()).toBe(0);

    // The later stage's page says the screening feeds it, into which set, with a link to its page.
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${second.id}`);
    const fedBy = page.getByTestId('lab-links-fed-by');
    await waitToSee(fedBy);
    expect(await fedBy.locator('p').textContent()).toBe('Other workflows feed this one: their effects add subjects, by their consensus, to a set it serves.');
    expect(await fedBy.locator('li').allTextContents()).toEqual(['Ad or not? into “Second look”']);
    expect(await fedBy.locator('li a').getAttribute('href')).toBe(`/lab/workflows/${first.id}`);

    // A page the screening says yes to is routed there: its results in the later stage say where it came from.
    const volunteer = suite.stack.anonymous.withToken((await suite.stack.anonymous.guest()).token);
    await volunteer.classify({ workflowId: first.id, workflowVersion: 1, subjectId: routed!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    await until(async () => (await researcher.subjectResults(second.id, {})).subjects.length === 1, 'the routing');
    await page.goto(`${suite.stack.baseUrl}/lab/workflows/${second.id}/results/${routed}`);
    const routedFrom = page.getByTestId('lab-result-routed-from');
    await waitToSee(routedFrom);
    expect(await routedFrom.locator('h2').textContent()).toBe('Routed here by other workflows');
    // In the screening's words (its question, its answer's label), as the lead says: the question is that workflow's.
    expect(await routedFrom.locator('p').textContent()).toContain('What decided each names that workflow’s question and answers.');
    await waitToSee(routedFrom.getByText('on “Is this an advertisement?”'));
    expect(await routedFrom.locator('li').allTextContents()).toEqual([
      expect.stringMatching(/^Ad or not\?: into “Second look”, moved in .+; still there; decided by the consensus “Yes” on “Is this an advertisement\?”, agreement 100% \(the effect asked for “Yes”\)$/),
    ]);
    expect(await routedFrom.locator('li a').getAttribute('href')).toBe(`/lab/workflows/${first.id}`);
    expect(await page.getByTestId('lab-result-routing').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('edits one draft as a form and as JSON, opens what the form cannot show as JSON saying why, and checks keys as typed', async () => {
    const { researcher, id, page, errors } = await researcherWith(YES_NO, 'views');
    await typeInto(page, '#lab-def-name', 'Ads and sales');
    await typeInto(page, '#lab-def-tasks-t0-answers-1-label', 'Not an ad');

    // To JSON: the form's unsaved edits are in the text; one more made there.
    await press(page, '#lab-definition-as-json');
    await waitToSee(page.locator('#lab-definition-as-json[aria-pressed="true"]'));
    const json = page.getByLabel('Workflow definition (JSON)');
    const text = await json.inputValue();
    expect(JSON.parse(text)).toMatchObject({ name: 'Ads and sales', tasks: { T0: { answers: [{ label: 'Yes' }, { label: 'Not an ad' }] } } });
    await json.fill(text.replace('Is this an advertisement?', 'Is this an advertisement, paid for?'));
    // Ctrl+Enter in the text saves nothing either (a comment box's would post): a save makes a version, and waits for Save.
    await json.press('Control+Enter');
    await page.waitForTimeout(500);
    expect((await researcher.getWorkflow(id)).version).toBe(1);

    // Back to the form: both edits are there.
    await press(page, '#lab-definition-as-form');
    await waitToSee(page.locator('#lab-definition-as-form[aria-pressed="true"]'));
    expect([await value(page, '#lab-def-name'), await value(page, '#lab-def-tasks-t0-answers-1-label'), await value(page, '#lab-def-tasks-t0-question')]).toEqual([
      'Ads and sales',
      'Not an ad',
      'Is this an advertisement, paid for?',
    ]);

    // A key left empty is said at once, and keeps the draft in the form, which JSON could not hold.
    await typeInto(page, '#lab-def-tasks-t0-key', '');
    expect(await page.getByTestId('lab-def-tasks-t0-key-error').textContent()).toBe('Give the task a key.');
    await press(page, '#lab-definition-as-json');
    await waitForFocus(page, '#lab-def-tasks-t0-key');
    expect(await page.locator('#lab-definition').count()).toBe(0);
    // Renamed, the task takes its references (the first task) with it.
    await page.keyboard.type('Q1');
    expect(await page.getByTestId('lab-def-tasks-t0-key-error').count()).toBe(0);
    expect(await value(page, '#lab-def-firstTask')).toBe('Q1');

    // A field no schema has: the form cannot show it, so the definition stays in JSON, saying where.
    await press(page, '#lab-definition-as-json');
    const withTypo = JSON.parse(await json.inputValue());
    expect(withTypo).toMatchObject({ firstTask: 'Q1', tasks: { Q1: { type: 'single' } } });
    withTypo.tasks.Q1.questoin = 'A misspelt field';
    await json.fill(JSON.stringify(withTypo, null, 2));
    await press(page, '#lab-definition-as-form');
    await waitToSee(page.getByTestId('lab-definition-note').getByText(/the form has no field “Task Q1, questoin”/));
    expect(await page.locator('#lab-definition-as-json').getAttribute('aria-pressed')).toBe('true');
    expect(await json.inputValue()).toContain('A misspelt field');

    // Kept over a reload, it opens as JSON there too, saying why.
    await page.reload();
    await waitToSee(page.getByTestId('lab-definition-note').getByText(/the form has no field “Task Q1, questoin”/));
    expect(await json.inputValue()).toContain('A misspelt field');
    expect((await researcher.getWorkflow(id)).version).toBe(1);

    // Text that is no JSON: the note says where it breaks, and goes once the text is edited (it was about the text before).
    await json.fill('{ "name" "x" }');
    await press(page, '#lab-definition-as-form');
    await waitToSee(page.getByTestId('lab-definition-note').getByText(/is not valid JSON \(.*position 9/));
    await json.press('End');
    await json.press('Space');
    expect(await page.getByTestId('lab-definition-note').textContent()).toBe('');
    expect(errors).toEqual([]);
  });
});
