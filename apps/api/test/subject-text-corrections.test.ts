import type { WorkflowInput } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { refusal } from '../../../test/support/requests';

/**
 * A transcription that starts from the subject's text (`startFrom: "subject-text"`, OCR correction): refused for a
 * workflow whose subjects have no text, warned of where some lack it, and its consensus telling an unchanged text from
 * a corrected one in the download.
 */

let stack: Stack;
let projectId: string;

const OCR = 'Tbe ship sailed at dawn\nfrom Hu11';
const correction = (subjectSetIds: string[]): WorkflowInput & { subjectSetIds: string[] } => ({
  name: 'Correct the OCR',
  firstTask: 'T0',
  tasks: { T0: { type: 'transcription', instruction: 'Correct the text of the page', startFrom: 'subject-text', showLocation: 1 } },
  retirement: { rule: 'count', count: 3 },
  subjectSetIds,
});
async function setOf(name: string, subjects: Parameters<Stack['client']['addSubjects']>[1]): Promise<{ id: string; subjectIds: string[] }> {
  const { id } = await stack.client.createSubjectSet(projectId, { name });
  return { id, subjectIds: (await stack.client.addSubjects(id, subjects)).subjectIds };
}
const workflowsOfProject = async () => (await stack.db.query('SELECT name FROM workflows WHERE project_id = $1', [projectId])).rows.map((row) => row.name as string);
const scan = (externalId: string) => ({ type: 'image' as const, url: `https://example.org/${externalId}.jpg` });

beforeAll(async () => {
  stack = await startStack();
  projectId = (await stack.client.createProject({ title: `Pages ${randomUUID().slice(0, 8)}`, status: 'live' })).id;
});
afterAll(() => stack.stop());

describe('a transcription that starts from the subject’s text', () => {
  it('is refused, naming startFrom, for subjects without text, and nothing is saved; warned of where some lack it', async () => {
    const { id: images } = await setOf('Scans only', [{ externalId: 'scan-1', locations: [scan('scan-1')] }, { externalId: 'scan-2', locations: [scan('scan-2')] }]);
    const refused = await refusal(stack.client.createWorkflow(projectId, correction([images])));
    expect(refused.status).toBe(422);
    expect(refused.problem.errors).toEqual([{ pointer: '/tasks/T0/startFrom', message: expect.stringContaining("none of the workflow's 2 subjects has text") }]);
    expect(await workflowsOfProject()).toEqual([]);

    // A workflow saved before its sets are linked is checked when they are: the version and links stay as they were.
    const { id: pages } = await setOf('Pages', [{ externalId: 'page-1', locations: [scan('page-1'), { type: 'text', text: OCR }] }]);
    const { id } = await stack.client.createWorkflow(projectId, correction([pages]));
    const relinked = await refusal(stack.client.updateWorkflow(id, { ...correction([images]), name: 'Correct the OCR again' }));
    expect(relinked.problem.errors).toEqual([{ pointer: '/tasks/T0/startFrom', message: expect.stringContaining('only images or sounds') }]);
    expect(await stack.client.getWorkflow(id)).toMatchObject({ version: 1, name: 'Correct the OCR', subjectSetIds: [pages] });

    const mixed = await stack.client.updateWorkflow(id, correction([pages, images]));
    expect(mixed.warnings).toEqual([{ pointer: '/tasks/T0/startFrom', message: expect.stringMatching(/2 of the workflow's 3 subjects have none \(such as scan-[12]\)/) }]);
    // A save that neither links other sets nor starts a task from the text anew (a rename) is not checked again: the
    // check reads the subjects under the workflow's lock, which holds up classifications.
    const renamed = await stack.client.updateWorkflow(id, { ...correction([pages, images]), name: 'Correct the pages' });
    expect(renamed).toMatchObject({ version: 2 });
    expect(renamed.warnings).toBeUndefined();
  });

  it('aligns corrections as any transcription, and the download tells an unchanged text from a corrected one', async () => {
    const { id: pages, subjectIds } = await setOf('Two pages', [
      { externalId: 'corrected', locations: [scan('corrected'), { type: 'text', text: OCR }] },
      { externalId: 'left', locations: [scan('left'), { type: 'text', text: OCR }] },
    ]);
    const { id: workflowId } = await stack.client.createWorkflow(projectId, correction([pages]));
    await stack.client.activateWorkflow(workflowId);
    const fixed = 'The ship sailed at dawn\nfrom Hull';
    // On "corrected" two of three correct the page alike; on "left" two leave it as it was (no change needed).
    const answers: Record<string, string[]> = { corrected: [fixed, fixed, OCR], left: [OCR, OCR, fixed] };
    for (let volunteer = 0; volunteer < 3; volunteer += 1) {
      const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      for (const [index, externalId] of ['corrected', 'left'].entries()) {
        await guest.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[index]!, annotations: [{ task: 'T0', value: answers[externalId]![volunteer]! }] }, randomUUID());
      }
    }
    await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'aggregation');
    const rows: Record<string, unknown>[] = JSON.parse(await stack.client.consensus(workflowId, { format: 'json' }));
    const byId = Object.fromEntries(rows.map((row) => [row.external_id as string, row]));
    expect(byId.corrected).toMatchObject({ T0_answer: fixed, T0_votes: 3, T0_result: expect.objectContaining({ unchanged: 1, corrected: true }) });
    expect(byId.left).toMatchObject({ T0_answer: OCR, T0_votes: 3, T0_result: expect.objectContaining({ unchanged: 2, corrected: false }) });

    // Its text is what its consensus compares with, so an upload never replaces it, even one correcting locations:
    // new OCR is another subject. The consensus keeps comparing with the text the volunteers corrected.
    const replacing = { externalId: 'corrected', locations: [{ type: 'image' as const, url: 'https://images.example.org/corrected.jpg' }, { type: 'text' as const, text: fixed }] };
    const refused = await refusal(stack.client.uploadSubjects(pages, JSON.stringify({ subjects: [replacing] }), 'application/json', { replaceLocations: true, reason: 'Better OCR' }));
    expect([refused.status, refused.problem.errors?.map((error) => error.pointer)]).toEqual([422, ['/subjects/0/locations/1/text']]);
    expect((await stack.db.query('SELECT locations FROM subjects WHERE id = $1', [subjectIds[0]])).rows[0].locations[1]).toEqual({ type: 'text', text: OCR });
  });

  it("takes a text left as the subject's, stray tag-like markers and length beyond maxLength and all; a changed one keeps to the rules", async () => {
    const page = 'Struck out [deletion] by the clerk,\nand more than forty characters in all';
    const { id: pages, subjectIds } = await setOf('Marked pages', [{ externalId: 'marked', locations: [scan('marked'), { type: 'text', text: page }] }]);
    const task = { type: 'transcription', instruction: 'Correct the text of the page', startFrom: 'subject-text', maxLength: 40 } as const;
    const { id: workflowId } = await stack.client.createWorkflow(projectId, { ...correction([pages]), name: 'Marked', tasks: { T0: task } });
    await stack.client.activateWorkflow(workflowId);
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const submit = (value: string) => guest.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[0]!, annotations: [{ task: 'T0', value }] }, randomUUID());
    const changed = await refusal(submit(page.replace('clerk', 'scribe')));
    expect([changed.status, changed.problem.errors?.map((error) => error.message)]).toEqual([422, ['at most 40 characters']]);
    const marked = await refusal(submit('Struck out [deletion] by'));
    expect(marked.problem.errors?.[0]?.message).toMatch(/^\[deletion\] on line 1 is never closed/);
    await submit(page);
    const stored = await stack.db.query('SELECT annotations FROM classifications WHERE workflow_id = $1', [workflowId]);
    expect(stored.rows.map((row) => row.annotations)).toEqual([[{ task: 'T0', value: page }]]);
  });
});
