import type { ChorusApiError } from '@chorus/client';
import { normalize } from '@iiif/parser';
import { randomUUID } from 'node:crypto';
import { newAccount } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';

let stack: Stack;
let workflowId: string;
/** The subjects' ids by name: the manifest's canvases p10, p2 and p1 (in that order), then "loose", a text subject of a later set. */
let idOf: Record<string, string>;

const canvas = (name: string) => `https://museum.example.org/iiif/letter/canvas/${name}`;
/** A IIIF Presentation 3 manifest of the canvases `names`, in that order (not their ids' nor their names' natural order). */
const manifest = (names: string[]) => ({
  '@context': 'http://iiif.io/api/presentation/3/context.json',
  id: 'https://museum.example.org/iiif/letter/manifest',
  type: 'Manifest',
  label: { en: ['A letter'] },
  items: names.map((name) => ({
    id: canvas(name),
    type: 'Canvas',
    label: { none: [name] },
    width: 100,
    height: 100,
    items: [{ id: `${canvas(name)}/page`, type: 'AnnotationPage', items: [{ id: `${canvas(name)}/image`, type: 'Annotation', motivation: 'painting', target: canvas(name), body: { id: `https://museum.example.org/${name}.jpg`, type: 'Image', format: 'image/jpeg' } }] }],
  })),
});

/** A refusal of the call, with its problem. */
const refusal = (call: Promise<unknown>) => call.then(() => undefined, (error: ChorusApiError) => error);

/** The text download's pages: each heading line, and the lines under it. */
const pagesOf = (text: string) =>
  text
    .trimEnd()
    .split('\n\n')
    .map((page) => {
      const [heading, ...lines] = page.split('\n');
      return { heading, text: lines.join('\n') };
    });

beforeAll(async () => {
  stack = await startStack();
  const project = await stack.client.createProject({ title: `Letters ${randomUUID().slice(0, 8)}`, status: 'live', language: 'fr' });
  const letter = await stack.client.createSubjectSet(project.id, { name: 'Letter' });
  await stack.client.uploadSubjects(letter.id, JSON.stringify(manifest(['p10', 'p2', 'p1'])), 'application/ld+json');
  const loose = await stack.client.createSubjectSet(project.id, { name: 'Loose pages' });
  await stack.client.addSubjects(loose.id, [{ externalId: 'loose', locations: [{ type: 'text', text: 'A loose page' }] }]);
  ({ id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'Transcribe the letter',
    firstTask: 'T0',
    tasks: { T0: { type: 'transcription', instruction: 'Type the page', next: 'T1' }, T1: { type: 'single', question: 'Is it signed?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 5 },
    subjectSetIds: [letter.id, loose.id],
  }));
  await stack.client.activateWorkflow(workflowId);
  const rows: { subject_id: string; external_id: string }[] = JSON.parse(await stack.client.consensus(workflowId, 'json'));
  idOf = Object.fromEntries(rows.map((row) => [row.external_id.replace(canvas(''), ''), row.subject_id]));
  const texts: Record<string, string> = { p10: 'Dear Mary,\nI write from Lyon.', p2: 'Yours ever', loose: 'A loose page' };
  for (let volunteer = 0; volunteer < 2; volunteer++) {
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    for (const [name, text] of Object.entries(texts)) {
      await guest.classify({ workflowId, workflowVersion: 1, subjectId: idOf[name]!, annotations: [{ task: 'T0', value: text }, { task: 'T1', value: 'yes' }] }, randomUUID());
    }
  }
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'every transcription aggregated');
});
afterAll(() => stack.stop());

describe('the transcriptions download', () => {
  it("gives a page per subject in its set's order, each headed by its name, its text's lines as they are, a marker where there is none", async () => {
    const pages = pagesOf(await stack.client.transcriptions(workflowId, 'T0'));
    expect(pages).toEqual([
      { heading: `=== ${canvas('p10')} ===`, text: 'Dear Mary,\nI write from Lyon.' },
      { heading: `=== ${canvas('p2')} ===`, text: 'Yours ever' },
      { heading: `=== ${canvas('p1')} ===`, text: '[not transcribed yet]' },
      { heading: '=== loose ===', text: 'A loose page' },
    ]);
  });

  it('gives the answer a review settles on, as the consensus download does', async () => {
    await stack.client.reviewConsensus(workflowId, idOf.p2!, 'T0', 'Yours ever,\nJohn');
    await stack.client.reviewConsensus(workflowId, idOf.loose!, 'T0');
    const consensus: Record<string, string | null>[] = JSON.parse(await stack.client.consensus(workflowId, 'json'));
    const settled = Object.fromEntries(consensus.map((row) => [row.external_id, row.T0_reviewed_answer ?? row.T0_answer ?? '[not transcribed yet]']));
    const pages = pagesOf(await stack.client.transcriptions(workflowId, 'T0'));
    expect(pages.map((page) => page.text)).toEqual([canvas('p10'), canvas('p2'), canvas('p1'), 'loose'].map((name) => settled[name]));
    expect(pages[1]!.text).toBe('Yours ever,\nJohn');
  });

  it('answers a IIIF Presentation 3 AnnotationPage of the canvases with a text, in the project language, that @iiif/parser reads', async () => {
    const link = await stack.client.downloadLink(workflowId, 'consensus');
    const response = await fetch(`${stack.baseUrl}${link.url.replace('/consensus?', '/transcriptions?')}&task=T0&format=iiif`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="transcriptions-t0-transcribe-the-letter-${workflowId}-\\d{8}T\\d{6}Z\\.json"`));
    const page = await response.json();
    const id = `${stack.baseUrl}/api/v1/workflows/${workflowId}/transcriptions?task=T0&format=iiif`;
    expect(page).toEqual({
      '@context': 'http://iiif.io/api/presentation/3/context.json',
      id,
      type: 'AnnotationPage',
      label: { en: ['Consensus transcriptions of task T0, workflow “Transcribe the letter”'] },
      items: [
        { id: `${id}#subject-${idOf.p10}`, type: 'Annotation', motivation: 'supplementing', body: { type: 'TextualBody', value: 'Dear Mary,\nI write from Lyon.', format: 'text/plain', language: 'fr' }, target: canvas('p10') },
        { id: `${id}#subject-${idOf.p2}`, type: 'Annotation', motivation: 'supplementing', body: { type: 'TextualBody', value: 'Yours ever,\nJohn', format: 'text/plain', language: 'fr' }, target: canvas('p2') },
      ],
      summary: { en: ['2 annotations, one per canvas with a text; left out: 1 canvas without a text yet (or a blank one), 1 subject not from a IIIF manifest (no canvas to annotate), 0 subjects taken down (withheld, as the consensus download withholds its media and metadata).'] },
    });
    const read = normalize(page);
    expect(read.resource).toEqual({ id, type: 'AnnotationPage' });
    const annotations = read.entities.Annotation as Record<string, { motivation: string[]; target: unknown; body: { id: string }[] }>;
    const annotation = annotations[`${id}#subject-${idOf.p2}`]!;
    expect(annotation.motivation).toEqual(['supplementing']);
    expect(annotation.target).toMatchObject({ type: 'SpecificResource', source: { id: canvas('p2'), type: 'Canvas' } });
    expect((read.entities.ContentResource as Record<string, unknown>)[annotation.body[0]!.id]).toMatchObject({ type: 'TextualBody', value: 'Yours ever,\nJohn', format: 'text/plain', language: 'fr' });
  });

  it("withholds a taken-down subject's canvas as the consensus download withholds its media and metadata, its text marked taken down", async () => {
    await stack.client.retireSubjects(workflowId, { subjectIds: [idOf.p10!], reason: 'A home address', takeDown: true });
    const consensus: Record<string, unknown>[] = JSON.parse(await stack.client.consensus(workflowId, 'json'));
    expect(consensus.find((row) => row.subject_id === idOf.p10)).toMatchObject({ taken_down: true, subject_metadata: null, subject_locations: null, T0_answer: 'Dear Mary,\nI write from Lyon.' });
    expect(pagesOf(await stack.client.transcriptions(workflowId, 'T0'))[0]).toEqual({ heading: `=== ${canvas('p10')} (taken down) ===`, text: 'Dear Mary,\nI write from Lyon.' });
    const page = JSON.parse(await stack.client.transcriptions(workflowId, 'T0', 'iiif'));
    expect(page.items.map((item: { target: string }) => item.target)).toEqual([canvas('p2')]);
    expect(page.summary.en[0]).toMatch(/^1 annotation, .* 1 subject taken down/);
  });

  it('is for the workflow’s researchers only, as the consensus download', async () => {
    expect((await refusal(stack.anonymous.transcriptions(workflowId, 'T0')))?.status).toBe(401);
    const stranger = await newAccount(stack, 'Stranger');
    expect((await refusal(stranger.client.transcriptions(workflowId, 'T0')))?.status).toBe(403);
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    expect((await refusal(guest.transcriptions(workflowId, 'T0', 'iiif')))?.status).toBe(403);
  });

  it('refuses a task that is none, or not a transcription, and a format it does not write, naming the field and the fix', async () => {
    const problemOf = async (task: string, format?: string, more: Record<string, string> = {}) => {
      const query = new URLSearchParams({ task, ...(format ? { format } : {}), ...more });
      const link = await stack.client.downloadLink(workflowId, 'consensus');
      const response = await fetch(`${stack.baseUrl}${link.url.replace('/consensus?', '/transcriptions?')}&${query}`);
      return { ...((await response.json()) as Record<string, unknown>), status: response.status, contentType: response.headers.get('content-type') };
    };
    expect(await problemOf('T1')).toMatchObject({ status: 422, contentType: expect.stringMatching(/^application\/problem\+json/), errors: [{ pointer: '/query/task', message: 'is "T1", a single task, not a transcription; name one of its transcription tasks: T0' }] });
    expect(await problemOf('T9')).toMatchObject({ status: 422, errors: [{ pointer: '/query/task', message: expect.stringMatching(/names no task of this workflow.*T0$/) }] });
    expect(await problemOf('T0', 'pdf')).toMatchObject({ status: 422, errors: [{ pointer: '/query/format', message: expect.stringMatching(/^must be text .* or iiif/) }] });
    expect((await problemOf('T0', 'IIIF')).status).toBe(200);
    expect(await problemOf('T0', 'text', { since: '2026-12-01' })).toMatchObject({ status: 422, errors: [{ pointer: '/query/since' }] });
    const missing = await refusal(stack.client.transcriptions(workflowId, ''));
    expect(missing?.problem).toMatchObject({ status: 422, errors: [{ pointer: '/query/task', message: expect.stringMatching(/^is empty/) }] });
  });
});

describe("the text download's markers", () => {
  it('says a page the consensus path does not lead to, and a blank one, apart from one not transcribed yet', async () => {
    const project = await stack.client.createProject({ title: `Markers ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Pages' });
    const names = ['away', 'blank', 'waiting'];
    const { subjectIds } = await stack.client.addSubjects(set.id, names.map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `Page ${externalId}` }] })));
    const { id } = await stack.client.createWorkflow(project.id, {
      name: 'Writing?',
      firstTask: 'Q',
      tasks: {
        Q: { type: 'single', question: 'Is there writing?', algorithm: 'vote', answers: [{ value: 'yes', label: 'Yes', next: 'T0' }, { value: 'no', label: 'No' }] },
        T0: { type: 'transcription', instruction: 'Type it' },
      },
      retirement: { rule: 'count', count: 5 },
      subjectSetIds: [set.id],
    });
    await stack.client.activateWorkflow(id);
    for (let volunteer = 0; volunteer < 2; volunteer++) {
      const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      await guest.classify({ workflowId: id, workflowVersion: 1, subjectId: subjectIds[0]!, annotations: [{ task: 'Q', value: 'no' }] }, randomUUID());
      await guest.classify({ workflowId: id, workflowVersion: 1, subjectId: subjectIds[1]!, annotations: [{ task: 'Q', value: 'yes' }, { task: 'T0', value: '' }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'every answer aggregated');
    expect(pagesOf(await stack.client.transcriptions(id, 'T0'))).toEqual([
      { heading: '=== away ===', text: '[not transcribed: the consensus path does not lead to this task]' },
      { heading: '=== blank ===', text: '[blank: the consensus is that there is no text]' },
      { heading: '=== waiting ===', text: '[not transcribed yet]' },
    ]);
  });
});
