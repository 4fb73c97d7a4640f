import { randomUUID } from 'node:crypto';
import { ChorusApiError } from '@chorus/client';
import { type Stack, startStack } from '../../../test/support/stack';
import { iiifAdded, iiifCutting } from '../src/lib/iiifParts';
import { type PartsSent, UploadStopped, sendInParts } from '../src/lib/partsUpload';

// The warnings' wording only; the app's catalogues are found through Vite, which Jest is not.
jest.mock('../src/i18n', () => ({ i18n: { t: (_key: string, { first, last, warning }: Record<string, unknown>) => `${first}-${last}: ${warning}` } }));

/**
 * A IIIF manifest of more canvases than one upload takes, sent by the lab in parts to a real API, which reads each:
 * the same logic with parts of 3 canvases (the API's own limits only make the test slower).
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

const V3 = 'http://iiif.io/api/presentation/3/context.json';
const canvas = (n: number, painted = true) => ({
  id: `https://example.org/big/canvas/${n}`,
  type: 'Canvas',
  width: 10,
  height: 10,
  items: painted ? [{ id: `https://example.org/big/page/${n}`, type: 'AnnotationPage', items: [{ id: `https://example.org/big/anno/${n}`, type: 'Annotation', motivation: 'painting', target: `https://example.org/big/canvas/${n}`, body: { id: `https://example.org/big/${n}.jpg`, type: 'Image', format: 'image/jpeg' } }] }] : [],
});
/** Parts of 3 canvases. */
const cutting = (text: string) => iiifCutting(text, 3);
const manifest = (canvases: number, unpainted?: number) => JSON.stringify({ '@context': V3, id: 'https://example.org/big', type: 'Manifest', label: { en: ['A long register'] }, items: Array.from({ length: canvases }, (_, at) => canvas(at + 1, at + 1 !== unpainted)) });

it('adds a manifest of 7 canvases in parts of 3, each with its key; a refused part stops it, and the same document added again adds nothing twice', async () => {
  const project = await stack.client.createProject({ title: 'A long register' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Register' });
  const members = async () => (await stack.db.query('SELECT count(*)::int AS n FROM subject_set_members WHERE subject_set_id = $1', [set.id])).rows[0].n;
  const keys = new Map<string, string>();
  let made = 0;
  const newKey = () => {
    made += 1;
    return randomUUID();
  };
  const upload = { setId: set.id, keys, newKey };

  // The last canvas paints nothing: its part is refused, the first added.
  const broken = cutting(manifest(7, 7));
  expect(broken.cut(16 * 1024 * 1024, 0).parts.map((part) => part.rows)).toEqual([3, 3, 1]);
  const told: PartsSent[] = [];
  const stopped = await sendInParts(stack.client, broken, upload, (sent) => told.push(sent)).catch((thrown: unknown) => thrown);
  expect(stopped).toBeInstanceOf(UploadStopped);
  const { stopped: { sent, from, at }, refusal } = stopped as UploadStopped;
  expect([sent.rows, sent.total, sent.parts, from, at]).toEqual([6, 7, 2, 6, 7]);
  expect(told.map((far) => far.rows)).toEqual([0, 3, 6]);
  expect((refusal as ChorusApiError).problem.errors).toEqual([
    { pointer: '/subjects/6/locations', message: expect.stringMatching(/^is a canvas with nothing painted on it .*\(canvas 7 of manifest https:\/\/example.org\/big, https:\/\/example.org\/big\/canvas\/7\)$/) },
  ]);
  expect(await members()).toBe(6);
  expect(made).toBe(3);
  // Each part's key is kept by a digest of what it sent, not by a copy of its text (up to 16 MiB a part).
  expect([...keys.keys()]).toEqual([0, 3, 6].map((place) => expect.stringMatching(new RegExp(`^${set.id} null ${place} [0-9a-f]{64}$`))));

  // Corrected and added again whole: the first parts, unchanged, go with their keys (answered as before), the last is added.
  const whole = cutting(manifest(7));
  const added = iiifAdded(await sendInParts(stack.client, whole, upload, () => undefined), whole)!;
  expect(made).toBe(4);
  expect(added).toMatchObject({ created: 7, addedToSet: 7, manifests: [{ id: 'https://example.org/big', label: 'A long register', subjects: 7 }] });
  expect(await members()).toBe(7);
  // Each part's warning in its own words, with its subjects (a warning every part gave alike would be said once).
  expect(added.warnings?.map((warning) => warning.message)).toEqual([
    expect.stringMatching(/^1-3: 3 of the 3 images have no description/),
    expect.stringMatching(/^4-6: 3 of the 3 images have no description/),
    expect.stringMatching(/^7-7: The image has no description/),
  ]);
  const { rows: [last] } = await stack.db.query("SELECT external_id, metadata->>'manifest_label' AS label FROM subjects WHERE project_id = $1 AND external_id = 'https://example.org/big/canvas/7'", [project.id]);
  expect(last).toEqual({ external_id: 'https://example.org/big/canvas/7', label: 'A long register' });
});

it('refuses an upload whose first part is refused as any upload refused: nothing was added, so it did not stop part-way', async () => {
  const project = await stack.client.createProject({ title: 'A register refused' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Refused' });
  const refused = await sendInParts(stack.client, cutting(manifest(7, 2)), { setId: set.id, keys: new Map(), newKey: randomUUID }, () => undefined).catch((thrown: unknown) => thrown);
  expect(refused).toBeInstanceOf(ChorusApiError);
  expect((refused as ChorusApiError).problem.errors).toEqual([{ pointer: '/subjects/1/locations', message: expect.stringMatching(/\(canvas 2 of manifest https:\/\/example.org\/big, /) }]);
});

it('counts a manifest a collection names twice once when the document fits one upload: the API, sent it whole, says the repeat', async () => {
  const project = await stack.client.createProject({ title: 'A collection naming a manifest twice' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Twice' });
  const register = { '@context': V3, id: 'https://example.org/big', type: 'Manifest', label: { en: ['A register'] }, items: [canvas(1), canvas(2)] };
  const text = JSON.stringify({ '@context': V3, id: 'https://example.org/registers', type: 'Collection', label: { en: ['Registers'] }, items: [register, register] });
  const whole = iiifCutting(text);
  const sent = await sendInParts(stack.client, whole, { setId: set.id, keys: new Map(), newKey: randomUUID }, () => undefined);
  expect(sent.parts).toBe(1);
  expect(iiifAdded(sent, whole)).toMatchObject({ created: 2, repeatedManifests: 1 });
  // Cut in parts (of 1 canvas), the lab leaves the repeat out and counts it.
  const inOnes = iiifCutting(text.replaceAll('example.org/big', 'example.org/cut'), 1);
  const inParts = await sendInParts(stack.client, inOnes, { setId: set.id, keys: new Map(), newKey: randomUUID }, () => undefined);
  expect(inParts.parts).toBe(2);
  expect(iiifAdded(inParts, inOnes)).toMatchObject({ created: 2, repeatedManifests: 1 });
});
