import type { ChorusApiError } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';

let stack: Stack;
let workflowId: string;
let setId: string;
let idOf: Record<string, string>;

const RLM = '\u200F';
/** As typed on an Arabic or Persian keyboard, composed (NFC, as the subjects were uploaded). */
const [amr, risala, nama] = ['أمر-١', 'رسالة-٠١٢', 'نامه-۰۰۳'];

/** A request sent as it is, its refusal caught. */
const send = (method: 'GET' | 'POST', path: string, body?: unknown) => stack.client.request(method, path, body).catch((error: ChorusApiError) => error);
const subjectsNamed = async (externalIds: string[]) => (await stack.db.query('SELECT external_id FROM subjects WHERE id IN (SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1) AND external_id = ANY($2) ORDER BY 1', [workflowId, externalIds])).rows;

beforeAll(async () => {
  stack = await startStack();
  const project = await stack.client.createProject({ title: `Archive ${randomUUID().slice(0, 8)}`, status: 'live' });
  setId = (await stack.client.createSubjectSet(project.id, { name: 'Letters' })).id;
  const names = [amr, risala, nama];
  const { subjectIds } = await stack.client.addSubjects(setId, names.map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `Letter ${externalId}` }] })));
  idOf = Object.fromEntries(names.map((name, index) => [name, subjectIds[index]!]));
  ({ id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'W',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Q', algorithm: 'vote', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 5 },
    subjectSetIds: [setId],
  }));
  await stack.client.activateWorkflow(workflowId);
});
afterAll(() => stack.stop());

describe("subjects' external ids, composed and without direction marks at either end", () => {
  it('finds the subject uploaded composed (NFC) when its id comes decomposed (NFD, as from a Mac) or with an RLM, in JSON and in CSV', async () => {
    expect(amr.normalize('NFD')).not.toBe(amr);
    const json = await stack.client.addSubjects(setId, [{ externalId: amr.normalize('NFD'), locations: [{ type: 'text', text: `Letter ${amr}` }] }]);
    expect(json).toMatchObject({ created: 0, existing: 1, subjectIds: [idOf[amr]] });
    const csv = await stack.client.uploadSubjects(setId, `external_id,text\n${RLM}${amr.normalize('NFD')}${RLM},Letter ${amr}\n`, 'text/csv');
    expect(csv).toMatchObject({ created: 0, existing: 1, subjectIds: [idOf[amr]] });
    const { rows } = await stack.db.query('SELECT external_id FROM subjects WHERE id = ANY($1)', [[...json.subjectIds, ...csv.subjectIds]]);
    expect(rows).toEqual([{ external_id: amr }]);
  });

  it('retires and unretires by an id with direction marks or spaces at its ends, or decomposed', async () => {
    const retired = await stack.client.request('POST', `/workflows/${workflowId}/retire`, { externalIds: [`${risala}${RLM}`, ` \u202B${amr.normalize('NFD')}\u202C`], reason: 'blank' });
    expect(retired.body).toEqual({ retired: 2 });
    const unretired = await stack.client.request('POST', `/workflows/${workflowId}/unretire`, { externalIds: [`\u2067${risala}\u2069`, amr.normalize('NFD')], reason: 'not blank' });
    expect(unretired.body).toEqual({ unretired: 2 });
    expect(await stack.client.setPriorities(workflowId, [{ externalId: `${nama}${RLM}`, priority: 2 }])).toMatchObject({ updated: 1 });
  });

  it("names the subject meant by an id whose digits are another script's (or ASCII), changing nothing", async () => {
    const refused = (await send('POST', `/workflows/${workflowId}/retire`, { externalIds: ['رسالة-012', 'نامه-٠٠٣', 'رسالة-013'], reason: 'blank' })) as ChorusApiError;
    expect(refused.status).toBe(422);
    expect(refused.problem.errors).toEqual([
      { pointer: '/externalIds/0', message: `is not a subject of this workflow; did you mean "${risala}"? (external ids are matched with capitals and digits as written)` },
      { pointer: '/externalIds/1', message: `is not a subject of this workflow; did you mean "${nama}"? (external ids are matched with capitals and digits as written)` },
      { pointer: '/externalIds/2', message: 'is not a subject of this workflow' },
    ]);
    expect((await stack.db.query('SELECT count(*)::int AS n FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NOT NULL', [workflowId])).rows).toEqual([{ n: 0 }]);
    // Digits are never folded in what is stored: a subject may be uploaded under either.
    expect(await subjectsNamed(['رسالة-012'])).toEqual([]);
  });

  it('searches the results by the id as stored, whatever composition or marks the search came with, and with its digits in any script', async () => {
    const found = async (q: string) => (await stack.client.subjectResults(workflowId, { q })).subjects.map((subject) => subject.id);
    expect(await found(`${RLM}${amr.normalize('NFD')}`)).toEqual([idOf[amr]]);
    expect(await found('نامه-٠٠٣')).toEqual([idOf[nama]]);
    expect(await found('رسالة-01')).toEqual([idOf[risala]]);
    expect(await found('رسالة-02')).toEqual([]);
  });
});

describe('subjects of a IIIF manifest, named by their canvas label', () => {
  const canvas = (n: string) => `http://museum.example.org/iiif/canvas/${n}`;
  /** A manifest of photos, each canvas labelled with its object number (the last two share one). */
  const manifest = (labels: string[]) => ({
    '@context': 'http://iiif.io/api/presentation/3/context.json',
    id: 'http://museum.example.org/iiif/manifest/harbour',
    type: 'Manifest',
    label: { en: ['Harbour album'] },
    items: labels.map((label, index) => ({
      id: canvas(`${label}-${index}`),
      type: 'Canvas',
      label: { none: [label] },
      width: 100,
      height: 100,
      items: [{ id: `${canvas(`${index}`)}/page`, type: 'AnnotationPage', items: [{ id: `${canvas(`${index}`)}/a`, type: 'Annotation', motivation: 'painting', target: canvas(`${label}-${index}`), body: { id: `http://museum.example.org/${index}.jpg`, type: 'Image', format: 'image/jpeg' } }] }],
    })),
  });
  let photos: string;

  beforeAll(async () => {
    const project = await stack.client.createProject({ title: `Photos ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Harbour album' });
    await stack.client.uploadSubjects(set.id, JSON.stringify(manifest(['PH.1987.12.3', 'PH.1987.12.4', 'PH.1987.12.4'])), 'application/ld+json');
    ({ id: photos } = await stack.client.createWorkflow(project.id, {
      name: 'Photos',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Q', algorithm: 'vote', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
      retirement: { rule: 'count', count: 5 },
      subjectSetIds: [set.id],
    }));
  });
  const retiredWhy = async () =>
    (await stack.db.query("SELECT s.external_id, st.retirement_detail->>'reason' AS why FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1 AND st.retired_at IS NOT NULL", [photos])).rows;

  it('retires and unretires a photo by the object number its canvas is labelled with, the reason recorded', async () => {
    const retired = await stack.client.request('POST', `/workflows/${photos}/retire`, { externalIds: ['PH.1987.12.3'], reason: 'lent to another museum' });
    expect(retired.body).toEqual({ retired: 1 });
    expect(await retiredWhy()).toEqual([{ external_id: canvas('PH.1987.12.3-0'), why: 'lent to another museum' }]);
    const unretired = await stack.client.request('POST', `/workflows/${photos}/unretire`, { externalIds: ['PH.1987.12.3'], reason: 'back' });
    expect(unretired.body).toEqual({ unretired: 1 });
    expect(await retiredWhy()).toEqual([]);
  });

  it('refuses a label several canvases share, naming them, and changes nothing', async () => {
    const refused = (await send('POST', `/workflows/${photos}/retire`, { externalIds: ['PH.1987.12.3', 'PH.1987.12.4'], reason: 'lent' })) as ChorusApiError;
    expect(refused.status).toBe(422);
    expect(refused.problem.errors).toEqual([
      {
        pointer: '/externalIds/1',
        message: `is the canvas label of 2 subjects of this workflow ("${canvas('PH.1987.12.4-1')}", "${canvas('PH.1987.12.4-2')}"); name the one you mean by its external id`,
      },
    ]);
    expect(await retiredWhy()).toEqual([]);
  });
});
