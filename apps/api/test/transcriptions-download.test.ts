import type { WorkflowInput } from '@chorus/client';
import { normalize } from '@iiif/parser';
import { randomUUID } from 'node:crypto';
import { newAccount } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { heldAbove, indexesOf, type PlanNode, planOf } from '../../../test/support/plans';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { childrenNamed, parseXml, type XmlElement } from '../../../test/support/xml';
import { xmlAttribute, xmlText } from '../src/common/xml-text';
import { TRANSCRIPTION_ROWS } from '../src/exports/exports.service';
import { refusal } from '../../../test/support/requests';

let stack: Stack;
let workflowId: string;
/**
 * The subjects' ids by name: the manifest's canvases p10, p2 and p1 (in that order), then "loose", a text subject of a
 * later set, and "folio-3", one with a canvas's metadata keys but no URI for an externalId.
 */
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

/**
 * The text download's pages, read back as its documentation says: a line that begins with `===` begins a page; its
 * text is the lines after it up to the next heading, less the one empty line before that heading, each line that
 * begins with `\` without that first `\`.
 */
const pagesOf = (text: string) => {
  const pages: { heading: string; lines: string[] }[] = [];
  for (const line of text.replace(/\n$/, '').split('\n')) {
    if (line.startsWith('===')) pages.push({ heading: line, lines: [] });
    else pages.at(-1)!.lines.push(line);
  }
  return pages.map(({ heading, lines }, index) => ({
    heading,
    text: (index < pages.length - 1 ? lines.slice(0, -1) : lines).map((line) => (line.startsWith('\\') ? line.slice(1) : line)).join('\n'),
  }));
};

/**
 * The TEI download's pages, read from its XML (which must be well-formed): each `<pb>`'s n and facs, and the `<ab>`
 * after it as text, each `<lb/>` a line break and a `<gap>` as `[gap <reason>]`.
 */
const teiPagesOf = (tei: XmlElement) => {
  const [body] = childrenNamed(childrenNamed(tei, 'text')[0]!, 'body');
  const blocks = body!.children.filter((child): child is XmlElement => typeof child !== 'string');
  expect(blocks.map((block) => block.name)).toEqual(blocks.map((_, index) => (index % 2 ? 'ab' : 'pb')));
  const lineOf = (child: XmlElement | string) => (typeof child === 'string' ? child : child.name === 'lb' ? '\n' : `[${child.name} ${child.attributes.reason}]`);
  return blocks.flatMap((pb, index): Record<string, string>[] => (index % 2 ? [] : [{ ...pb.attributes, text: blocks[index + 1]!.children.map(lineOf).join('') }]));
};

/** The TEI header's text at `path` (element names, each the first of its name). */
const headerText = (tei: XmlElement, ...path: string[]) =>
  path.reduce((element, name) => childrenNamed(element, name)[0]!, childrenNamed(tei, 'teiHeader')[0]!).children.filter((child) => typeof child === 'string').join('');

/** A download of this stack's, with the headers sent (`token`: a session's, an API key's, or none). */
const fetched = (path: string, token?: string) => fetch(`${stack.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** A live project titled `title` (made unique) with sets named `names`, made in that order (oldest first): their ids by name. */
async function projectWithSets(title: string, names: string[]): Promise<{ projectId: string; sets: Record<string, string> }> {
  const { id: projectId } = await stack.client.createProject({ title: `${title} ${randomUUID().slice(0, 8)}`, status: 'live' });
  const sets: Record<string, string> = {};
  for (const name of names) sets[name] = (await stack.client.createSubjectSet(projectId, { name })).id;
  return { projectId, sets };
}

/** Text subjects named `names` (their externalIds, and their texts) added to the set: their ids, by name. */
async function textSubjects(subjectSetId: string, names: string[]): Promise<Record<string, string>> {
  const { subjectIds } = await stack.client.addSubjects(subjectSetId, names.map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
  return Object.fromEntries(names.map((name, index) => [name, subjectIds[index]!]));
}

/** An active workflow of the project, fed by the sets, of one transcription task T0. */
async function transcribing(projectId: string, subjectSetIds: string[]): Promise<string> {
  const { id } = await stack.client.createWorkflow(projectId, { name: 'Type', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Type it' } }, retirement: { rule: 'count', count: 5 }, subjectSetIds });
  await stack.client.activateWorkflow(id);
  return id;
}

beforeAll(async () => {
  stack = await startStack();
  const project = await stack.client.createProject({ title: `Letters ${randomUUID().slice(0, 8)}`, status: 'live', language: 'fr' });
  const letter = await stack.client.createSubjectSet(project.id, { name: 'Letter' });
  await stack.client.uploadSubjects(letter.id, JSON.stringify(manifest(['p10', 'p2', 'p1'])), 'application/ld+json');
  const loose = await stack.client.createSubjectSet(project.id, { name: 'Loose pages' });
  await stack.client.addSubjects(loose.id, [
    { externalId: 'loose', locations: [{ type: 'text', text: 'A loose page' }] },
    { externalId: 'folio-3', locations: [{ type: 'text', text: 'Folio 3' }], metadata: { manifest: 'https://museum.example.org/iiif/letter/manifest', canvas_label: 'folio 3' } },
  ]);
  ({ id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'Transcribe the letter',
    firstTask: 'T0',
    tasks: { T0: { type: 'transcription', instruction: 'Type the page', next: 'T1' }, T1: { type: 'single', question: 'Is it signed?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 5 },
    subjectSetIds: [letter.id, loose.id],
  }));
  await stack.client.activateWorkflow(workflowId);
  const rows: { subject_id: string; external_id: string }[] = JSON.parse(await stack.client.consensus(workflowId, { format: 'json' }));
  idOf = Object.fromEntries(rows.map((row) => [row.external_id.replace(canvas(''), ''), row.subject_id]));
  const texts: Record<string, string> = { p10: 'Dear Mary,\nI write from Lyon.', p2: 'Yours ever', loose: 'A loose page', 'folio-3': 'Folio 3' };
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
    const pages = pagesOf(await stack.client.transcriptions(workflowId, { task: 'T0' }));
    expect(pages).toEqual([
      { heading: `=== ${canvas('p10')} ===`, text: 'Dear Mary,\nI write from Lyon.' },
      { heading: `=== ${canvas('p2')} ===`, text: 'Yours ever' },
      { heading: `=== ${canvas('p1')} ===`, text: '[not transcribed yet]' },
      { heading: '=== loose ===', text: 'A loose page' },
      { heading: '=== folio-3 ===', text: 'Folio 3' },
    ]);
  });

  it('gives the answer a review settles on, as the consensus download does', async () => {
    await stack.client.reviewConsensus(workflowId, idOf.p2!, 'T0', 'Yours ever,\nJohn');
    await stack.client.reviewConsensus(workflowId, idOf.loose!, 'T0');
    const consensus: Record<string, string | null>[] = JSON.parse(await stack.client.consensus(workflowId, { format: 'json' }));
    const settled = Object.fromEntries(consensus.map((row) => [row.external_id, row.T0_reviewed_answer ?? row.T0_answer ?? '[not transcribed yet]']));
    const pages = pagesOf(await stack.client.transcriptions(workflowId, { task: 'T0' }));
    expect(pages.map((page) => page.text)).toEqual([canvas('p10'), canvas('p2'), canvas('p1'), 'loose', 'folio-3'].map((name) => settled[name]));
    expect(pages[1]!.text).toBe('Yours ever,\nJohn');
  });

  it('answers a IIIF Presentation 3 AnnotationPage of the canvases with a text, that @iiif/parser reads, what it left out counted in its headers', async () => {
    const link = await stack.client.downloadLink(workflowId, { kind: 'consensus' });
    const response = await fetch(`${stack.baseUrl}${link.url.replace('/consensus?', '/transcriptions?')}&task=T0&format=iiif`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="transcriptions-t0-transcribe-the-letter-${workflowId}-\\d{8}T\\d{6}Z\\.json"`));
    // folio-3 has a canvas's metadata keys, but its externalId is no URI: no canvas, so no `target` that is not one.
    expect(['chorus-annotations', 'chorus-left-out-without-text', 'chorus-left-out-not-canvas', 'chorus-left-out-taken-down'].map((name) => response.headers.get(name))).toEqual(['2', '1', '2', '0']);
    const page = (await response.json()) as { items: unknown[] };
    // The counts, read apart from the page, add up to its annotations and to the workflow's subjects.
    const counts = ['chorus-annotations', 'chorus-left-out-without-text', 'chorus-left-out-not-canvas', 'chorus-left-out-taken-down'].map((name) => Number(response.headers.get(name)));
    expect(counts[0]).toBe(page.items.length);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe((JSON.parse(await stack.client.consensus(workflowId, { format: 'json' })) as unknown[]).length);
    const id = `${stack.baseUrl}/api/v1/workflows/${workflowId}/transcriptions?task=T0&format=iiif`;
    // Nothing but what the Presentation 3 schema's annotationPage allows (no `summary`); the body without `language`.
    expect(page).toEqual({
      '@context': 'http://iiif.io/api/presentation/3/context.json',
      id,
      type: 'AnnotationPage',
      label: { en: ['Consensus transcriptions of task T0, workflow “Transcribe the letter”'] },
      items: [
        { id: `${id}#subject-${idOf.p10}`, type: 'Annotation', motivation: 'supplementing', body: { type: 'TextualBody', value: 'Dear Mary,\nI write from Lyon.', format: 'text/plain' }, target: canvas('p10') },
        { id: `${id}#subject-${idOf.p2}`, type: 'Annotation', motivation: 'supplementing', body: { type: 'TextualBody', value: 'Yours ever,\nJohn', format: 'text/plain' }, target: canvas('p2') },
      ],
    });
    const read = normalize(page);
    expect(read.resource).toEqual({ id, type: 'AnnotationPage' });
    const annotations = read.entities.Annotation as Record<string, { motivation: string[]; target: unknown; body: { id: string }[] }>;
    const annotation = annotations[`${id}#subject-${idOf.p2}`]!;
    expect(annotation.motivation).toEqual(['supplementing']);
    expect(annotation.target).toMatchObject({ type: 'SpecificResource', source: { id: canvas('p2'), type: 'Canvas' } });
    expect((read.entities.ContentResource as Record<string, unknown>)[annotation.body[0]!.id]).toMatchObject({ type: 'TextualBody', value: 'Yours ever,\nJohn', format: 'text/plain' });
    const cors = await fetch(`${stack.baseUrl}${link.url.replace('/consensus?', '/transcriptions?')}&task=T0&format=iiif`, { headers: { origin: 'https://viewer.example.org' } });
    expect(cors.headers.get('access-control-expose-headers')).toContain('Chorus-Left-Out-Not-Canvas');
  });

  it("withholds a taken-down subject: its canvas as the consensus download withholds its media and metadata, its text in the text download, its page kept in its place", async () => {
    await stack.client.retireSubjects(workflowId, { subjectIds: [idOf.p10!], reason: 'A home address', takeDown: true });
    const consensus: Record<string, unknown>[] = JSON.parse(await stack.client.consensus(workflowId, { format: 'json' }));
    expect(consensus.find((row) => row.subject_id === idOf.p10)).toMatchObject({ taken_down: true, subject_metadata: null, subject_locations: null, T0_answer: 'Dear Mary,\nI write from Lyon.' });
    const text = await stack.client.transcriptions(workflowId, { task: 'T0' });
    expect(text).not.toContain('Lyon');
    expect(text.split('\n').slice(0, 2)).toEqual([`=== ${canvas('p10')} ===`, '[withheld: taken down]']);
    const response = await fetched(`/api/v1/workflows/${workflowId}/transcriptions?task=T0&format=iiif`, stack.client.token);
    expect([response.headers.get('chorus-annotations'), response.headers.get('chorus-left-out-taken-down')]).toEqual(['1', '1']);
    expect(((await response.json()) as { items: { target: string }[] }).items.map((item) => item.target)).toEqual([canvas('p2')]);
  });

  it('writes a TEI P5 document, well-formed: a header naming the workflow, project and sets, then the text download’s pages in its order, a taken-down page a gap without its canvas', async () => {
    const response = await fetched(`/api/v1/workflows/${workflowId}/transcriptions?task=T0&format=tei`, stack.client.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/tei+xml; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="transcriptions-t0-transcribe-the-letter-${workflowId}-\\d{8}T\\d{6}Z\\.tei\\.xml"`));
    const document = await response.text();
    expect(document.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">')).toBe(true);
    const tei = parseXml(document);
    expect(tei.children.filter((child) => typeof child !== 'string').map((child) => (child as XmlElement).name)).toEqual(['teiHeader', 'text']);
    expect(headerText(tei, 'fileDesc', 'titleStmt', 'title')).toBe('Consensus transcriptions of task T0, workflow “Transcribe the letter”');
    expect(childrenNamed(childrenNamed(childrenNamed(childrenNamed(tei, 'teiHeader')[0]!, 'fileDesc')[0]!, 'titleStmt')[0]!, 'title')[1]).toMatchObject({ attributes: { type: 'sub' }, children: [expect.stringMatching(/^Project “Letters [0-9a-f]{8}”$/)] });
    expect(headerText(tei, 'fileDesc', 'publicationStmt', 'p')).toMatch(/^Produced by Chorus on , from the consensus/);
    expect(childrenNamed(childrenNamed(childrenNamed(childrenNamed(tei, 'teiHeader')[0]!, 'fileDesc')[0]!, 'publicationStmt')[0]!, 'p')[0]!.children[1]).toMatchObject({ name: 'date', attributes: { when: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) } });
    const sources = childrenNamed(childrenNamed(childrenNamed(tei, 'teiHeader')[0]!, 'fileDesc')[0]!, 'sourceDesc')[0]!;
    expect(childrenNamed(sources, 'bibl').map((bibl) => [childrenNamed(bibl, 'title')[0]!.children, childrenNamed(bibl, 'idno')[0]!.attributes.type])).toEqual([[['Letter'], 'subject-set'], [['Loose pages'], 'subject-set']]);
    // p10 is taken down (the test before): its page kept in its place, its text a gap and its canvas withheld.
    expect(teiPagesOf(tei)).toEqual([
      { n: canvas('p10'), text: '[gap withheld]' },
      { n: canvas('p2'), facs: canvas('p2'), text: 'Yours ever,\nJohn' },
      { n: canvas('p1'), facs: canvas('p1'), text: '[gap not-transcribed-yet]' },
      { n: 'loose', text: 'A loose page' },
      { n: 'folio-3', text: 'Folio 3' },
    ]);
    expect(document).not.toContain('Lyon');
    // The text download's pages, in the same order.
    expect(teiPagesOf(tei).map((page) => `=== ${page.n} ===`)).toEqual(pagesOf(await stack.client.transcriptions(workflowId, { task: 'T0' })).map((page) => page.heading));
  });

  it('is for the workflow’s researchers only, as the consensus download', async () => {
    await refusal(stack.anonymous.transcriptions(workflowId, { task: 'T0' }), { status: 401 });
    const stranger = await newAccount(stack, 'Stranger');
    await refusal(stranger.client.transcriptions(workflowId, { task: 'T0' }), { status: 403 });
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await refusal(guest.transcriptions(workflowId, { task: 'T0', format: 'iiif' }), { status: 403 });
  });

  it('takes a downloads API key of a researcher (the narrowest scope, which every key has), not one of someone else, and gives no Chorus-Next-Since', async () => {
    const key = await stack.client.createApiKey({ name: 'Nightly transcriptions', scope: 'downloads' });
    const answer = await fetched(`/api/v1/workflows/${workflowId}/transcriptions?task=T0`, key.secret);
    expect(answer.status).toBe(200);
    expect(pagesOf(await answer.text()).map((page) => page.heading)).toContain('=== loose ===');
    // A download that takes no since= has no next one to give (the consensus download, the same rows, gives one).
    expect(answer.headers.get('chorus-next-since')).toBeNull();
    expect((await fetched(`/api/v1/workflows/${workflowId}/consensus?format=csv`, key.secret)).headers.get('chorus-next-since')).not.toBeNull();
    const stranger = await newAccount(stack, 'Key holder');
    const strangersKey = await stranger.client.createApiKey({ name: 'Mine', scope: 'downloads' });
    const refused = await fetched(`/api/v1/workflows/${workflowId}/transcriptions?task=T0`, strangersKey.secret);
    expect([refused.status, refused.headers.get('content-type')]).toEqual([403, 'application/problem+json; charset=utf-8']);
    await stack.client.revokeApiKey(key.id);
    expect((await fetched(`/api/v1/workflows/${workflowId}/transcriptions?task=T0`, key.secret)).status).toBe(401);
  });

  it("opens with a consensus download link of this workflow, its path changed (on purpose), and with no classifications link nor another workflow's", async () => {
    const transcriptionsOf = (url: string) => fetched(`${url.replace(/\/(consensus|classifications)\?/, '/transcriptions?')}&task=T0`);
    expect((await transcriptionsOf((await stack.client.downloadLink(workflowId, { kind: 'consensus' })).url)).status).toBe(200);
    expect((await transcriptionsOf((await stack.client.downloadLink(workflowId, { kind: 'classifications' })).url)).status).toBe(401);
    const { projectId } = await stack.client.getWorkflow(workflowId);
    const other = await transcribing(projectId, (await stack.client.getWorkflow(workflowId)).subjectSetIds);
    const othersLink = (await stack.client.downloadLink(other, { kind: 'consensus' })).url;
    expect((await transcriptionsOf(othersLink.replace(other, workflowId))).status).toBe(401);
    // A link that carries a format of the consensus download's is refused naming it: drop its format=.
    const csvLink = (await stack.client.downloadLink(workflowId, { kind: 'consensus', format: 'csv' })).url;
    const withCsv = await transcriptionsOf(csvLink);
    expect([withCsv.status, ((await withCsv.json()) as { errors: { pointer: string }[] }).errors]).toEqual([422, [expect.objectContaining({ pointer: '/query/format' })]]);
    expect((await transcriptionsOf(csvLink.replace(/&format=csv/, ''))).status).toBe(200);
  });

  it('refuses a task that is none, or not a transcription, and a format it does not write, naming the field and the fix', async () => {
    const problemOf = async (task: string, format?: string, more: Record<string, string> = {}) => {
      const query = new URLSearchParams({ task, ...(format ? { format } : {}), ...more });
      const link = await stack.client.downloadLink(workflowId, { kind: 'consensus' });
      const response = await fetch(`${stack.baseUrl}${link.url.replace('/consensus?', '/transcriptions?')}&${query}`);
      return { ...((await response.json()) as Record<string, unknown>), status: response.status, contentType: response.headers.get('content-type') };
    };
    expect(await problemOf('T1')).toMatchObject({ status: 422, contentType: expect.stringMatching(/^application\/problem\+json/), errors: [{ pointer: '/query/task', message: 'is "T1", a single task, not a transcription; name one of its transcription tasks: T0' }] });
    expect(await problemOf('T9')).toMatchObject({ status: 422, errors: [{ pointer: '/query/task', message: expect.stringMatching(/names no task of this workflow.*T0$/) }] });
    expect(await problemOf('T0', 'pdf')).toMatchObject({ status: 422, errors: [{ pointer: '/query/format', message: expect.stringMatching(/^must be text .*, iiif .* or tei/) }] });
    expect((await problemOf('T0', 'IIIF')).status).toBe(200);
    expect(await problemOf('T0', 'text', { since: '2026-12-01' })).toMatchObject({ status: 422, errors: [{ pointer: '/query/since' }] });
    const missing = await refusal(stack.client.transcriptions(workflowId, { task: '' }));
    expect(missing.problem).toMatchObject({ status: 422, errors: [{ pointer: '/query/task', message: expect.stringMatching(/^is empty/) }] });
  });
});

describe('the transcriptions download without a task', () => {
  it('asks for one by the key of a transcription task of the workflow, not of its first task, and says when it has none', async () => {
    const { projectId } = await projectWithSets('Which task', []);
    const workflowOf = async (tasks: WorkflowInput['tasks']) => (await stack.client.createWorkflow(projectId, { name: 'Signed?', firstTask: 'T0', tasks, retirement: { rule: 'count', count: 5 } })).id;
    const signed = { type: 'single' as const, question: 'Is it signed?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] };
    const signedFirst = await workflowOf({ T0: { ...signed, answers: signed.answers.map((answer) => ({ ...answer, next: 'T1' })) }, T1: { type: 'transcription', instruction: 'Type it' } });
    const untranscribed = await workflowOf({ T0: signed });
    const withoutTask = async (id: string) => {
      const link = await stack.client.downloadLink(id, { kind: 'consensus' });
      const response = await fetch(`${stack.baseUrl}${link.url.replace('/consensus?', '/transcriptions?')}`);
      return { ...((await response.json()) as Record<string, unknown>), status: response.status };
    };
    expect(await withoutTask(signedFirst)).toMatchObject({ status: 422, errors: [{ pointer: '/query/task', message: "is missing: name the transcription task whose consensus to download by its key, one of this workflow's: T1 (task=T1)" }] });
    expect((await refusal(stack.client.transcriptions(signedFirst, { task: '' }))).problem).toMatchObject({ status: 422, errors: [{ pointer: '/query/task', message: expect.stringMatching(/^is empty: .*: T1 \(task=T1\)$/) }] });
    expect(await withoutTask(untranscribed)).toMatchObject({ status: 422, errors: [{ pointer: '/query/task', message: expect.stringMatching(/^is missing: this workflow has no transcription task, so it has no transcriptions to download/) }] });
  });
});

describe("the text download's markers", () => {
  it('says a page the consensus path does not lead to, and a blank one, apart from one not transcribed yet', async () => {
    const { projectId, sets } = await projectWithSets('Markers', ['Pages']);
    const subjectIds = Object.values(await textSubjects(sets.Pages!, ['away', 'blank', 'waiting']));
    const { id } = await stack.client.createWorkflow(projectId, {
      name: 'Writing?',
      firstTask: 'Q',
      tasks: {
        Q: { type: 'single', question: 'Is there writing?', algorithm: 'vote', answers: [{ value: 'yes', label: 'Yes', next: 'T0' }, { value: 'no', label: 'No' }] },
        T0: { type: 'transcription', instruction: 'Type it' },
      },
      retirement: { rule: 'count', count: 5 },
      subjectSetIds: [sets.Pages!],
    });
    await stack.client.activateWorkflow(id);
    for (let volunteer = 0; volunteer < 2; volunteer++) {
      const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
      await guest.classify({ workflowId: id, workflowVersion: 1, subjectId: subjectIds[0]!, annotations: [{ task: 'Q', value: 'no' }] }, randomUUID());
      await guest.classify({ workflowId: id, workflowVersion: 1, subjectId: subjectIds[1]!, annotations: [{ task: 'Q', value: 'yes' }, { task: 'T0', value: '' }] }, randomUUID());
    }
    await until(async () => (await laggingSubjects(stack.db, id)) === 0, 'every answer aggregated');
    expect(pagesOf(await stack.client.transcriptions(id, { task: 'T0' }))).toEqual([
      { heading: '=== away ===', text: '[not transcribed: the consensus path does not lead to this task]' },
      { heading: '=== blank ===', text: '[blank: the consensus is that there is no text]' },
      { heading: '=== waiting ===', text: '[not transcribed yet]' },
    ]);
    // The TEI download says the same with a gap each, a blank page an empty <ab/>.
    expect(teiPagesOf(parseXml(await stack.client.transcriptions(id, { task: 'T0', format: 'tei' })))).toEqual([
      { n: 'away', text: '[gap not-reached]' },
      { n: 'blank', text: '' },
      { n: 'waiting', text: '[gap not-transcribed-yet]' },
    ]);
  });
});

describe('the TEI download', () => {
  it('is read by a check of well-formedness that refuses what XML 1.0 does', () => {
    expect(parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a b="1 &amp; 2"><c/>x &lt; y<d>&#x1F600;</d></a>\n')).toEqual({ name: 'a', attributes: { b: '1 & 2' }, children: [{ name: 'c', attributes: {}, children: [] }, 'x < y', { name: 'd', attributes: {}, children: ['😀'] }] });
    for (const bad of ['<a>Tom & Jerry</a>', '<a>1 < 2</a>', '<a b="<"/>', '<a b=1/>', '<a b="1" b="2"/>', '<a><b></a></b>', '<a>', '<a/><b/>', 'x<a/>', '<a>\u0007</a>', '<a>\ufffe</a>', '<a>]]></a>', '<a></b>', '<a>&#1;</a>', '<a>&#0;</a>', '<a>&#xFFFE;</a>', '<a b="&#x1;"/>', '<a>&#xD800;</a>', '<a>&#x110000;</a>']) {
      expect(() => parseXml(bad)).toThrow();
    }
    // As a reader: each tab and line break written as it is in an attribute's value a space; one written as a reference kept.
    expect(parseXml('<a b="1\t2\n3\r\n4&#9;5&#10;6&#13;"/>').attributes.b).toBe('1 2 3 4\t5\n6\r');
  });

  it('writes tab, line feed and carriage return in an attribute as references, so that a reader keeps them', () => {
    const value = 'a\tb\nc\rd "q" & <e>';
    expect(xmlAttribute(value)).toBe('a&#9;b&#10;c&#13;d &quot;q&quot; &amp; &lt;e&gt;');
    expect(parseXml(`<a b="${xmlAttribute(value)}"/>`).attributes.b).toBe(value);
  });

  it('is well-formed for a workflow without a page or a linked set: its header and its body each say so', async () => {
    const { projectId } = await projectWithSets('Empty', []);
    const { id } = await stack.client.createWorkflow(projectId, { name: 'Nothing yet', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Type it' } }, retirement: { rule: 'count', count: 5 }, subjectSetIds: [] });
    const tei = parseXml(await stack.client.transcriptions(id, { task: 'T0', format: 'tei' }));
    expect(headerText(tei, 'fileDesc', 'sourceDesc', 'p')).toBe('No subject set is linked to the workflow.');
    const [body] = childrenNamed(childrenNamed(tei, 'text')[0]!, 'body');
    expect(body!.children.filter((child) => typeof child !== 'string')).toEqual([{ name: 'p', attributes: {}, children: ['The workflow has no subject.'] }]);
  });

  it('escapes every text and name (< and & among them), writes each character XML 1.0 forbids as U+FFFD, and breaks lines where the text download does', async () => {
    const setName = 'Set "A" & <B>';
    const { projectId, sets } = await projectWithSets("Tom & <Jerry>'s", [setName]);
    const ids = await textSubjects(sets[setName]!, ['a<b & "c"\nverso', 'bell']);
    const image = 'https://images.example.org/scan.jpg?page=2&size=full';
    const { subjectIds: [scan, spaced] } = await stack.client.addSubjects(sets[setName]!, [
      { externalId: 'scan', locations: [{ type: 'text', text: 'Caption' }, { type: 'image', url: image }] },
      { externalId: 'spaced', locations: [{ type: 'image', url: 'https://images.example.org/two pages/scan 2.jpg' }] },
    ]);
    const id = await transcribing(projectId, [sets[setName]!]);
    await stack.client.reviewConsensus(id, scan!, 'T0', 'Scanned');
    await stack.client.reviewConsensus(id, spaced!, 'T0', 'Spaced');
    await stack.client.reviewConsensus(id, ids['a<b & "c"\nverso']!, 'T0', '<b>Tom & Jerry</b> &amp; ]]> \'\nline two\r\nthree\u2028four\vfive');
    await stack.client.reviewConsensus(id, ids.bell!, 'T0', 'ring\u0007 the\u0001 bell\u001b[0m\ufffe\ttab');
    const document = await stack.client.transcriptions(id, { task: 'T0', format: 'tei' });
    expect(document).toContain('&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; &amp;amp; ]]&gt;');
    expect([...'\u0001\u0007\u001b\ufffe'].filter((character) => document.includes(character))).toEqual([]);
    const tei = parseXml(document);
    expect(headerText(tei, 'fileDesc', 'titleStmt', 'title')).toBe('Consensus transcriptions of task T0, workflow “Type”');
    expect(childrenNamed(childrenNamed(childrenNamed(childrenNamed(tei, 'teiHeader')[0]!, 'fileDesc')[0]!, 'titleStmt')[0]!, 'title')[1]!.children.join('')).toMatch(/^Project “Tom & <Jerry>'s [0-9a-f]{8}”$/);
    expect(headerText(tei, 'fileDesc', 'sourceDesc', 'bibl', 'title')).toBe(setName);
    expect(teiPagesOf(tei)).toEqual([
      { n: 'a<b & "c" verso', text: "<b>Tom & Jerry</b> &amp; ]]> '\nline two\nthree\nfour\nfive" },
      { n: 'bell', text: 'ring\ufffd the\ufffd bell\ufffd[0m\ufffd\ttab' },
      // Not a canvas: its first image's URL, & escaped in the attribute.
      { n: 'scan', facs: image, text: 'Scanned' },
      // facs is a list of pointers split at whitespace: a URL's spaces percent-encoded, one pointer still.
      { n: 'spaced', facs: 'https://images.example.org/two%20pages/scan%202.jpg', text: 'Spaced' },
    ]);
    expect(document).toContain('facs="https://images.example.org/scan.jpg?page=2&amp;size=full"');
    // What no stored text can hold (Postgres refuses U+0000 and half a surrogate pair), the escaper replaces too.
    expect(xmlText('a\u0000b\ud800c\udc00d\ud83d\ude00 e\u0085')).toBe('a\ufffdb\ufffdc\ufffdd\ud83d\ude00 e\u0085');
  });
});

describe("the text download's rule", () => {
  it('cannot be forged by a text or a name: every line break made \\n, a line that begins with === or \\ escaped, a name on one line; read back as documented', async () => {
    const { projectId, sets } = await projectWithSets('Forged', ['Pages']);
    const subjectIds = Object.values(await textSubjects(sets.Pages!, ['one', 'Folio 3\n  verso\r\nrecto\u0085back\u001cside\u2029end', 'two']));
    const id = await transcribing(projectId, [sets.Pages!]);
    // What Python's str.splitlines (and a JavaScript ^ with the m flag) splits lines at, beside \n and \r.
    const breaks = '\u2028 \u2029 \u0085 \v \f \u001c \u001d \u001e'.split(' ');
    await stack.client.reviewConsensus(id, subjectIds[0]!, 'T0', `Line one\n=== two ===\n${breaks.map((lineBreak, index) => `A forged page${lineBreak}=== after break ${index}`).join('\n')}`);
    await stack.client.reviewConsensus(id, subjectIds[1]!, 'T0', 'Windows\r\nline\rold Mac\r\n\r\n\\=== not a heading\n\\\\ two slashes\n\nend\n');
    const text = await stack.client.transcriptions(id, { task: 'T0' });
    expect(text).toBe(
      [
        `=== one ===\nLine one\n\\=== two ===\n${breaks.map((_, index) => `A forged page\n\\=== after break ${index}`).join('\n')}\n`,
        '=== Folio 3 verso recto back side end ===\nWindows\nline\nold Mac\n\n\\\\=== not a heading\n\\\\\\ two slashes\n\nend\n\n',
        '=== two ===\n[not transcribed yet]\n',
      ].join('\n'),
    );
    // Every reader splits it into the same lines: only \n breaks one.
    expect([...text].filter((character) => character === '\r' || breaks.includes(character))).toEqual([]);
    expect(pagesOf(text)).toEqual([
      { heading: '=== one ===', text: `Line one\n=== two ===\n${breaks.map((_, index) => `A forged page\n=== after break ${index}`).join('\n')}` },
      { heading: '=== Folio 3 verso recto back side end ===', text: 'Windows\nline\nold Mac\n\n\\=== not a heading\n\\\\ two slashes\n\nend\n' },
      { heading: '=== two ===', text: '[not transcribed yet]' },
    ]);
  });

  it("cannot be forged into a marker: a text line equal to one escaped, a taken-down subject said by its marker alone, which no name reaches", async () => {
    const { projectId, sets } = await projectWithSets('Markers forged', ['Pages']);
    const ids = await textSubjects(sets.Pages!, ['letter', 'letter (taken down)']);
    const id = await transcribing(projectId, [sets.Pages!]);
    const markers = ['[withheld: taken down]', '[not transcribed yet]', '[not transcribed: the consensus path does not lead to this task]', '[blank: the consensus is that there is no text]'];
    await stack.client.reviewConsensus(id, ids['letter (taken down)']!, 'T0', `${markers.join('\n')}\n [not transcribed yet]`);
    await stack.client.retireSubjects(id, { subjectIds: [ids.letter!], reason: 'A home address', takeDown: true });
    const text = await stack.client.transcriptions(id, { task: 'T0' });
    expect(text).toBe(['=== letter ===\n[withheld: taken down]\n', `=== letter (taken down) ===\n${markers.map((marker) => `\\${marker}`).join('\n')}\n [not transcribed yet]\n`].join('\n'));
    expect(pagesOf(text)[1]).toEqual({ heading: '=== letter (taken down) ===', text: `${markers.join('\n')}\n [not transcribed yet]` });
  });
});

describe('the order of the pages', () => {
  it("is by the researchers' memberships in the workflow's sets (set age, then position), then other memberships, then subject id: an older unlinked set or a routing moves no page, an older linked set does", async () => {
    // Oldest first: a set the workflow is not fed by, one it is fed by that only routing fills, then its sets of pages.
    const { projectId, sets } = await projectWithSets('Order', ['unlinked', 'routed', 'first', 'second']);
    const ids = { ...(await textSubjects(sets.first!, ['a1', 'a2', 'a3'])), ...(await textSubjects(sets.second!, ['b1', 'b2'])) };
    const id = await transcribing(projectId, [sets.routed!, sets.first!, sets.second!]);
    const order = async () => pagesOf(await stack.client.transcriptions(id, { task: 'T0' })).map((page) => page.heading.slice(4, -4));
    expect(await order()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    // a3, last of its set, uploaded again to the older set the workflow is not fed by; b1 put by this workflow's routing
    // effect into the older set it is fed by (as `routeSubject` records it), then moved after b2 in its own.
    await stack.db.query('INSERT INTO subject_set_members (subject_set_id, subject_id, position) VALUES ($1, $2, 1)', [sets.unlinked, ids.a3]);
    await stack.db.query('INSERT INTO subject_set_members (subject_set_id, subject_id, position) VALUES ($1, $2, 1)', [sets.routed, ids.b1]);
    await stack.db.query('INSERT INTO effect_memberships (subject_id, workflow_id, subject_set_id, added_at) VALUES ($1, $2, $3, now())', [ids.b1, id, sets.routed]);
    await stack.db.query('UPDATE subject_set_members SET position = 7 WHERE subject_set_id = $1 AND subject_id = $2', [sets.second, ids.b1]);
    expect(await order()).toEqual(['a1', 'a2', 'a3', 'b2', 'b1']);
    // An upload of a2 to the older set the workflow is fed by moves its page there; so does linking the older set a3 is in.
    await stack.db.query('INSERT INTO subject_set_members (subject_set_id, subject_id, position) VALUES ($1, $2, 2)', [sets.routed, ids.a2]);
    expect(await order()).toEqual(['a2', 'a1', 'a3', 'b2', 'b1']);
    await stack.client.updateWorkflow(id, { ...(await stack.client.getWorkflow(id)).definition, subjectSetIds: [sets.unlinked!, sets.routed!, sets.first!, sets.second!] });
    expect(await order()).toEqual(['a3', 'a2', 'a1', 'b2', 'b1']);
  });
});

describe('the order of the pages, past the sets linked to the workflow', () => {
  it('gives the subjects with no membership a researcher made in a linked set by their first other membership (set age, position), then those in no set by subject id', async () => {
    const { projectId, sets } = await projectWithSets('Other memberships', ['older', 'linked', 'newer']);
    const ids = await textSubjects(sets.linked!, ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'y1', 'y2', 'y3']);
    const id = await transcribing(projectId, [sets.linked!]);
    const order = async () => pagesOf(await stack.client.transcriptions(id, { task: 'T0' })).map((page) => page.heading.slice(4, -4));
    const move = async (name: string, to: string | undefined, position: number) => {
      await stack.db.query('DELETE FROM subject_set_members WHERE subject_set_id = $1 AND subject_id = $2', [sets.linked, ids[name]]);
      if (to) await stack.db.query('INSERT INTO subject_set_members (subject_set_id, subject_id, position) VALUES ($1, $2, $3)', [sets[to], ids[name], position]);
    };
    // x1 and x2 moved to the newer set the workflow is not fed by (x2 placed first there), x3 to the older one; x4's
    // membership made this workflow's routing effect's; the ys taken out of every set.
    await move('x1', 'newer', 2);
    await move('x2', 'newer', 1);
    await move('x3', 'older', 9);
    await stack.db.query('INSERT INTO effect_memberships (subject_id, workflow_id, subject_set_id, added_at) VALUES ($1, $2, $3, now())', [ids.x4, id, sets.linked]);
    for (const name of ['y1', 'y2', 'y3']) await move(name, undefined, 0);
    const noSet = ['y1', 'y2', 'y3'].sort((a, b) => (ids[a]! < ids[b]! ? -1 : 1));
    expect(await order()).toEqual(['x5', 'x6', 'x3', 'x4', 'x2', 'x1', ...noSet]);
  });

  it('has a plan check that sees a sort, a hash join or a hash above the rows, and not one of a join’s other input', () => {
    const rows: PlanNode = { 'Node Type': 'Index Scan', Alias: 'm', 'Index Name': 'subject_set_members_order_idx' };
    const other: PlanNode = { 'Node Type': 'Seq Scan', Alias: 'earlier' };
    const hashJoin = (outer: PlanNode, inner: PlanNode): PlanNode => ({ 'Node Type': 'Hash Join', Plans: [outer, { 'Node Type': 'Hash', Plans: [inner] }] });
    expect(heldAbove({ Plan: hashJoin(rows, other) }, 'm')).toEqual(['Hash Join']);
    expect(heldAbove({ Plan: hashJoin(other, rows) }, 'm')).toEqual(['Hash Join', 'Hash']);
    expect(heldAbove({ Plan: { 'Node Type': 'Append', Plans: [rows, { 'Node Type': 'Sort', Plans: [{ ...rows, Alias: 'm_2' }] }] } }, 'm')).toEqual(['Sort']);
    expect(heldAbove({ Plan: { 'Node Type': 'Nested Loop', Plans: [{ 'Node Type': 'Sort', Plans: [other] }, rows] } }, 'm')).toEqual([]);
    expect(indexesOf({ Plan: { 'Node Type': 'Append', Plans: [rows, { 'Node Type': 'Bitmap Heap Scan', Alias: 'm_1' }] } }, 'm')).toEqual(['subject_set_members_order_idx', undefined]);
  });

  // Uploaded: 20,000 subjects, half in each of two linked sets. Routed (README's multi-stage workflows): uploaded to an
  // older set the workflow is not fed by, and routed into the one it is fed by. Each set in its upload order (not the
  // subjects' ids'), one subject in a hundred in no set.
  it.each([
    ['uploaded', true],
    ['routed', true],
    ['routed', false],
  ])('comes from its first page on with nothing sorted or hashed first, its sets walked along their members’ index: %s, other projects’ small sets %s', async (fed, sets2000) => {
    const { projectId, sets } = await projectWithSets('Walked', ['first', 'second']);
    const id = await transcribing(projectId, fed === 'uploaded' ? [sets.first!, sets.second!] : [sets.second!]);
    await stack.db.query('BEGIN');
    try {
      // What the planner weighs at scale, rolled back after.
      await stack.db.query(
        `WITH page AS (INSERT INTO subjects (project_id, locations, external_id) SELECT $1, '[{"type": "text", "text": "A page"}]', 'page-' || i FROM generate_series(1, 20000) i RETURNING id, external_id),
         numbered AS (SELECT id, substr(external_id, 6)::int AS n FROM page),
         member AS (INSERT INTO subject_set_members (subject_set_id, subject_id, position)
           SELECT CASE WHEN n <= 10000 OR $5 THEN $2::uuid ELSE $3::uuid END, id, n FROM numbered WHERE n % 100 <> 0
           UNION ALL SELECT $3::uuid, id, n FROM numbered WHERE $5 AND n % 100 <> 0),
         routed AS (INSERT INTO effect_memberships (subject_id, workflow_id, subject_set_id, added_at) SELECT id, $4, $3, now() FROM numbered WHERE $5 AND n % 100 <> 0)
         INSERT INTO subject_workflow_status (workflow_id, subject_id) SELECT $4, id FROM page`,
        [projectId, sets.first, sets.second, id, fed === 'routed'],
      );
      // And another project's 2,000 sets of ten subjects each: the planner takes a set to hold about as many members as
      // the average, so a sort of one set's seems cheap to it. Without them, a linked set seems to hold a large part of
      // every membership, and a hash of every routing effect cheap.
      if (sets2000) {
        const { id: other } = await stack.client.createProject({ title: `Small sets ${randomUUID().slice(0, 8)}`, status: 'live' });
        await stack.db.query(
          `WITH small AS (INSERT INTO subject_sets (project_id, name) SELECT $1, 'small ' || i FROM generate_series(1, 2000) i RETURNING id),
           page AS (INSERT INTO subjects (project_id, locations) SELECT $1, '[{"type": "text", "text": "A page"}]' FROM generate_series(1, 20000) i RETURNING id)
           INSERT INTO subject_set_members (subject_set_id, subject_id, position)
           SELECT small.id, page.id, page.n FROM (SELECT id, row_number() OVER () AS n FROM page) page JOIN (SELECT id, row_number() OVER () AS n FROM small) small ON small.n = 1 + page.n % 2000`,
          [other],
        );
      }
      await stack.db.query('ANALYZE subjects; ANALYZE subject_sets; ANALYZE subject_set_members; ANALYZE subject_workflow_status; ANALYZE effect_memberships');
      // The text and IIIF downloads' statement, and the TEI download's (with each page's facs).
      for (const rows of new Set(Object.values(TRANSCRIPTION_ROWS))) {
        const plan = await planOf(stack, rows, [id, 'T0']);
        // Sorted whole, every subject of the workflow was read and ordered before the first page went out; hashed, every
        // membership was read first. The walks (`m`) read their sets' members in order, by the index.
        expect([heldAbove(plan, 'st'), heldAbove(plan, 'm')]).toEqual([[], []]);
        expect(new Set(indexesOf(plan, 'm'))).toEqual(new Set(['subject_set_members_order_idx']));
      }
    } finally {
      await stack.db.query('ROLLBACK');
    }
  });
});

describe("the downloads' statements", () => {
  it("read a subject's locations for the TEI download's facs alone: the text and IIIF downloads never give them", async () => {
    /** The functions a statement's plan scans (`jsonb_array_elements` of a subject's locations, for its first image). */
    const functionsOf = async (rows: string) => {
      const scanned: string[] = [];
      const walk = (node: PlanNode & { 'Function Name'?: string }) => {
        if (node['Node Type'] === 'Function Scan') scanned.push(node['Function Name']!);
        for (const input of node.Plans ?? []) walk(input);
      };
      walk((await planOf(stack, rows, [workflowId, 'T0'])).Plan);
      return scanned;
    };
    expect([await functionsOf(TRANSCRIPTION_ROWS.text), await functionsOf(TRANSCRIPTION_ROWS.iiif)]).toEqual([[], []]);
    expect(await functionsOf(TRANSCRIPTION_ROWS.tei)).toContain('jsonb_array_elements');
  });
});

describe('a download that fails before its first byte', () => {
  it("is answered with a problem without the file's headers: its name, its counts", async () => {
    // Its counts read, its rows wait for a table only they read, and their query is cancelled there.
    await stack.db.query('BEGIN');
    await stack.db.query('LOCK TABLE effect_memberships IN ACCESS EXCLUSIVE MODE');
    let answer: Promise<Response>;
    try {
      answer = fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/transcriptions?task=T0&format=iiif`, { headers: { authorization: `Bearer ${stack.client.token}`, 'accept-encoding': 'identity' } });
      const waiting = "SELECT pid FROM pg_stat_clear_snapshot(), pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%effect_memberships%' AND pid <> pg_backend_pid()";
      await until(async () => (await stack.db.query(waiting)).rowCount === 1, 'the rows waiting for effect_memberships');
      await stack.db.query(`SELECT pg_cancel_backend(pid) FROM (${waiting}) rows`);
    } finally {
      await stack.db.query('COMMIT');
    }
    const response = await answer;
    // A cancelled statement is answered as one that timed out: 503.
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(['content-disposition', 'chorus-annotations', 'chorus-left-out-not-canvas', 'content-encoding'].map((name) => response.headers.get(name))).toEqual([null, null, null, null]);
  });
});
