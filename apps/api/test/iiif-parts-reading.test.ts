import { CanvasTooLarge, ExternalIdRepeated, iiifInParts, iiifInUploadWords, iiifUpload } from '@chorus/tasks';
import { subjectsFromIiif } from '../src/subject-sets/subject-files';

/**
 * The lab sends a IIIF upload longer than one upload takes in parts, each a list of manifests (a manifest of too many
 * canvases cut into copies with some of them); the API reads each part as any IIIF upload. Enough only if the parts
 * read as the whole does: the same subjects, in order, each manifest once.
 */

const V3 = 'http://iiif.io/api/presentation/3/context.json';
const V2 = 'http://iiif.io/api/presentation/2/context.json';
const v3 = (name: string, canvases: number) => ({
  id: `https://example.org/${name}`,
  type: 'Manifest',
  label: { en: [`Book ${name}`] },
  metadata: [{ label: { en: ['Shelfmark'] }, value: { none: [`MS ${name}`] } }],
  structures: [{ id: `https://example.org/${name}/range`, type: 'Range', items: [{ id: `https://example.org/${name}/canvas/1`, type: 'Canvas' }] }],
  items: Array.from({ length: canvases }, (_, at) => ({
    id: `https://example.org/${name}/canvas/${at + 1}`,
    type: 'Canvas',
    label: { none: [`p. ${at + 1}`] },
    width: 10,
    height: 10,
    items: [{ id: `https://example.org/${name}/page/${at + 1}`, type: 'AnnotationPage', items: [{ id: `https://example.org/${name}/anno/${at + 1}`, type: 'Annotation', motivation: 'painting', target: `https://example.org/${name}/canvas/${at + 1}`, body: { id: `https://example.org/${name}/${at + 1}.jpg`, type: 'Image', format: 'image/jpeg' } }] }],
  })),
});
const v2 = (name: string, canvases: number) => ({
  '@context': V2,
  '@id': `https://example.org/${name}`,
  '@type': 'sc:Manifest',
  label: `Letters ${name}`,
  sequences: [{ '@type': 'sc:Sequence', canvases: Array.from({ length: canvases }, (_, at) => ({ '@id': `https://example.org/${name}/canvas/${at + 1}`, '@type': 'sc:Canvas', width: 10, height: 10, images: [{ '@type': 'oa:Annotation', motivation: 'sc:painting', resource: { '@id': `https://example.org/${name}/${at + 1}.jpg`, '@type': 'dctypes:Image' } }] })) }],
});
const BYTES = 16 * 1024 * 1024;

describe('a IIIF upload the lab sends in parts', () => {
  it('reads as the whole: the same subjects in order, each manifest once, a long manifest cut into copies with its metadata', () => {
    const nested = { id: 'https://example.org/shelf', type: 'Collection', items: [v2('b', 4), v3('a', 7)] };
    const collection = { '@context': V3, id: 'https://example.org/all', type: 'Collection', items: [v3('a', 7), nested, v3('c', 2)] };
    const text = JSON.stringify(collection);
    const whole = subjectsFromIiif(collection);
    const { parts, rows, repeatedManifests } = iiifInParts(text, { rows: 3, bytes: BYTES });
    expect([rows, repeatedManifests, whole.subjects.length, whole.repeatedManifests]).toEqual([13, 1, 13, 1]);
    expect(parts.map((part) => [part.rows, part.firstRow, part.manifests])).toEqual([
      [3, 0, [{ name: 'https://example.org/a', said: 'https://example.org/a', firstCanvas: 1 }]],
      [3, 3, [{ name: 'https://example.org/a', said: 'https://example.org/a', firstCanvas: 4 }]],
      [3, 6, [{ name: 'https://example.org/a', said: 'https://example.org/a', firstCanvas: 7 }, { name: 'https://example.org/b', said: 'https://example.org/b', firstCanvas: 1 }]],
      [3, 9, [{ name: 'https://example.org/b', said: 'https://example.org/b', firstCanvas: 3 }, { name: 'https://example.org/c', said: 'https://example.org/c', firstCanvas: 1 }]],
      [1, 12, [{ name: 'https://example.org/c', said: 'https://example.org/c', firstCanvas: 2 }]],
    ]);
    const read = parts.map((part) => subjectsFromIiif(JSON.parse(part.text)));
    expect(read.flatMap((file) => file.subjects)).toEqual(whole.subjects);
    expect(read.every((file) => file.errors.length === 0)).toBe(true);
    // Within the limits, the upload goes whole, as it is (its repeats for the API to leave out).
    expect(iiifInParts(text, { rows: 13, bytes: BYTES }).parts).toEqual([{ text, rows: 13, firstRow: 0, manifests: [] }]);
    // And by bytes: each part under the limit.
    const bytes = 3000;
    expect(Buffer.byteLength(text)).toBeGreaterThan(bytes);
    const bySize = iiifInParts(text, { rows: 100, bytes });
    expect(bySize.parts.length).toBeGreaterThan(1);
    expect(bySize.parts.every((part) => Buffer.byteLength(part.text) <= bytes)).toBe(true);
    expect(bySize.parts.flatMap((part) => subjectsFromIiif(JSON.parse(part.text)).subjects)).toEqual(whole.subjects);
  });

  it('cuts the rest again from a part’s first canvas, under a lower limit (a 413’s), reading as the whole from there; what comes before is the same only for the same canvases and manifests', () => {
    const collection = { '@context': V3, id: 'https://example.org/all', type: 'Collection', items: [v3('a', 7), v2('b', 4), v3('c', 5)] };
    const text = JSON.stringify(collection);
    const whole = subjectsFromIiif(collection).subjects;
    const upload = iiifUpload(text);
    const [, second] = upload.inParts({ rows: 6, bytes: BYTES }).parts;
    // The part at canvas 6 refused with a 413 of 1500 bytes: the canvases from there cut again under it.
    const again = upload.inParts({ rows: 6, bytes: 1500 }, second!.firstRow);
    expect(again.rows).toBe(16);
    expect(again.parts[0]!.firstRow).toBe(6);
    expect(again.parts.length).toBeGreaterThan(2);
    expect(again.parts.every((part) => Buffer.byteLength(part.text) <= 1500)).toBe(true);
    expect(again.parts.map((part) => part.firstRow)).toEqual(again.parts.map((_, at) => 6 + again.parts.slice(0, at).reduce((sum, part) => sum + part.rows, 0)));
    expect(again.parts.flatMap((part) => subjectsFromIiif(JSON.parse(part.text)).subjects)).toEqual(whole.slice(6));
    // Canvas 7 of manifest a is the part's second: said by its number in its manifest.
    expect(again.parts[0]!.manifests[0]).toEqual({ name: 'https://example.org/a', said: 'https://example.org/a', firstCanvas: 7 });
    // A canvas over the lower limit is refused from where the cut starts on.
    expect(() => upload.inParts({ rows: 6, bytes: 600 }, 6)).toThrow(expect.objectContaining({ canvas: 7, manifest: 'https://example.org/a', limit: 600 }));
    // Before canvas 6: the same document, or one changed after it, has the same; one whose manifest's label changed has not.
    const after = JSON.stringify({ ...collection, items: [v3('a', 7), v2('b', 4), v3('c', 6)] });
    const relabelled = JSON.stringify({ ...collection, items: [{ ...v3('a', 7), label: { en: ['Another book'] } }, v2('b', 4), v3('c', 5)] });
    expect(iiifUpload(text).before(6)).toBe(upload.before(6));
    expect(iiifUpload(after).before(6)).toBe(upload.before(6));
    expect(iiifUpload(relabelled).before(6)).not.toBe(upload.before(6));
    // Canvas 12 (the first of manifest c) changed: the same before it, not before canvas 13.
    const c = v3('c', 5);
    c.items[0]!.label = { none: ['Title page'] };
    const changed = iiifUpload(JSON.stringify({ ...collection, items: [v3('a', 7), v2('b', 4), c] }));
    expect([changed.before(11) === upload.before(11), changed.before(12) === upload.before(12)]).toEqual([true, false]);
  });

  it('reads a version 2 manifest of several sequences as the API does: every sequence\'s canvases, each part one sequence', () => {
    const [first, second] = [v2('a', 5), v2('b', 5)].map(({ sequences }) => sequences[0]!);
    const manifest = { ...v2('m', 0), sequences: [first, second] };
    const text = JSON.stringify(manifest);
    const whole = subjectsFromIiif(manifest);
    const { parts, rows } = iiifInParts(text, { rows: 3, bytes: BYTES });
    expect([rows, whole.subjects.length]).toEqual([10, 10]);
    expect(parts.map((part) => part.rows)).toEqual([3, 3, 3, 1]);
    expect(parts.every((part) => JSON.parse(part.text)[0].sequences.length === 1)).toBe(true);
    expect(parts.flatMap((part) => subjectsFromIiif(JSON.parse(part.text)).subjects)).toEqual(whole.subjects);
    expect(iiifInParts(text, { rows: 10, bytes: BYTES }).parts).toEqual([{ text, rows: 10, firstRow: 0, manifests: [] }]);
  });

  it('says a part’s canvas as the whole manifest numbers it', () => {
    const { parts } = iiifInParts(JSON.stringify({ '@context': V3, ...v3('a', 7) }), { rows: 3, bytes: BYTES });
    expect(iiifInUploadWords(parts[1]!, 'is a canvas with nothing painted on it (canvas 2 of the manifest, https://example.org/a/canvas/5)')).toBe('is a canvas with nothing painted on it (canvas 5 of manifest https://example.org/a, https://example.org/a/canvas/5)');
    expect(iiifInUploadWords(parts[2]!, 'x (canvas 1 of manifest https://example.org/a, y)')).toBe('x (canvas 7 of manifest https://example.org/a, y)');
  });

  it('says the canvases of a manifest whose id has a comma, and of one without an id (named by its place in the part), as the whole upload', () => {
    const comma = { '@context': V3, ...v3('a,b', 4) };
    const { id: _, ...unnamed } = { '@context': V3, ...v3('c', 4) };
    const { parts } = iiifInParts(JSON.stringify([v3('x', 1), comma, unnamed].map((manifest) => ({ '@context': V3, ...manifest }))), { rows: 3, bytes: BYTES });
    expect(parts.map((part) => part.manifests.map((manifest) => manifest.name))).toEqual([['https://example.org/x', 'https://example.org/a,b'], ['https://example.org/a,b', '3'], ['3']]);
    expect(iiifInUploadWords(parts[1]!, 'x (canvas 2 of manifest https://example.org/a,b, y)')).toBe('x (canvas 4 of manifest https://example.org/a,b, y)');
    // The API names a manifest without an id by its place in what it read: the part.
    expect(iiifInUploadWords(parts[1]!, 'x (canvas 1 of manifest 2)')).toBe('x (canvas 1 of manifest 3)');
    expect(iiifInUploadWords(parts[2]!, 'x (canvas 1 of the manifest)')).toBe('x (canvas 2 of manifest 3)');
  });

  it('refuses, before any part is sent, a canvas over the bytes one upload takes with its manifest, naming it', () => {
    const a = v3('a', 5);
    a.items[3]!.label = { none: ['x'.repeat(5000)] };
    const refused = () => iiifInParts(JSON.stringify({ '@context': V3, ...a }), { rows: 3, bytes: 3000 });
    expect(refused).toThrow(CanvasTooLarge);
    expect(refused).toThrow(expect.objectContaining({ canvas: 4, manifest: 'https://example.org/a', limit: 3000, bytes: expect.any(Number) }));
  });

  it('refuses, before any part is sent, a canvas id given twice (as the API compares ids), which parts read apart would take for one sent again', () => {
    const a = v3('a', 5);
    a.items[4]!.id = 'https://example.org/a/canvas/1\u200f';
    const refused = () => iiifInParts(JSON.stringify([{ '@context': V3, ...a }]), { rows: 2, bytes: BYTES });
    expect(refused).toThrow(ExternalIdRepeated);
    expect(refused).toThrow(expect.objectContaining({ errors: [{ pointer: '/subjects/4/externalId', message: 'repeats canvas 1 of manifest https://example.org/a\'s externalId "https://example.org/a/canvas/1" (canvas 5 of manifest https://example.org/a)' }] }));
  });

  it('sends whole what only the API can say is wrong: a manifest named by id alone, or without its @context, or two different manifests under one id', () => {
    const referenced = JSON.stringify({ '@context': V3, id: 'https://example.org/c', type: 'Collection', items: [v3('a', 5), { id: 'https://example.org/x', type: 'Manifest' }] });
    expect(iiifInParts(referenced, { rows: 2, bytes: BYTES }).parts).toHaveLength(1);
    expect(iiifInParts(JSON.stringify([v3('a', 5)]), { rows: 2, bytes: BYTES }).parts).toHaveLength(1);
    // Two different manifests under one id: the API refuses the whole upload naming both.
    const shared = JSON.stringify([{ '@context': V3, ...v3('a', 5) }, { '@context': V3, ...v3('a', 6) }]);
    expect(iiifInParts(shared, { rows: 2, bytes: BYTES }).parts).toHaveLength(1);
  });
});
