import { randomUUID } from 'node:crypto';
import type { ChorusClient } from '@chorus/client';
import { CanvasTooLarge } from '@chorus/tasks';
import { type Stack, startStack } from '../../../test/support/stack';
import { iiifAdded, iiifCutting } from '../src/lib/iiifParts';
import { FileChangedBeforeStop, type PartsUpload, type StoppedUpload, UploadStopped, sendInParts, sendWhole } from '../src/lib/partsUpload';
import { isKeptStop, withStop } from '../src/lib/stoppedUploads';
import { tableCutting } from '../src/lib/tableUpload';

// The warnings' wording only; the app's catalogues are found through Vite, which Jest is not.
jest.mock('../src/i18n', () => ({ i18n: { t: (key: string) => key } }));

/**
 * The one loop that sends a table and a IIIF document in parts (`sendInParts`), against a real API whose body limit
 * is below the lab's default (`BODY_LIMIT_BYTES`): a part the API refuses with a 413 naming it is cut again under it,
 * whatever the format, and an upload stopped at a part goes on from that part.
 */

const LIMIT = 200_000;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false, env: { BODY_LIMIT_BYTES: String(LIMIT) } });
});
afterAll(() => stack.stop());

/** A set of a new project, its members counted, and an upload into it whose new keys are counted. */
async function setToFill(title: string) {
  const project = await stack.client.createProject({ title });
  const set = await stack.client.createSubjectSet(project.id, { name: title });
  const members = async (): Promise<number> => (await stack.db.query('SELECT count(*)::int AS n FROM subject_set_members WHERE subject_set_id = $1', [set.id])).rows[0].n;
  const upload: PartsUpload & { made: number } = {
    setId: set.id,
    keys: new Map(),
    made: 0,
    newKey: () => {
      upload.made += 1;
      return randomUUID();
    },
  };
  return { members, upload };
}

const V3 = 'http://iiif.io/api/presentation/3/context.json';
const canvas = (n: number, painted = true, label = `p. ${n}`) => ({
  id: `https://example.org/register/canvas/${n}`,
  type: 'Canvas',
  label: { none: [label] },
  width: 10,
  height: 10,
  items: painted ? [{ id: `https://example.org/register/page/${n}`, type: 'AnnotationPage', items: [{ id: `https://example.org/register/anno/${n}`, type: 'Annotation', motivation: 'painting', target: `https://example.org/register/canvas/${n}`, body: { id: `https://example.org/register/${n}.jpg`, type: 'Image', format: 'image/jpeg' } }] }] : [],
});
/** A manifest of `count` canvases (about 560 bytes each), canvas `unpainted` painting nothing, `label` naming the manifest. */
const manifest = (count: number, { unpainted, label = 'A parish register', big }: { unpainted?: number; label?: string; big?: number } = {}) =>
  JSON.stringify({ '@context': V3, id: 'https://example.org/register', type: 'Manifest', label: { en: [label] }, items: Array.from({ length: count }, (_, at) => canvas(at + 1, at + 1 !== unpainted, at + 1 === big ? 'x'.repeat(LIMIT) : undefined)) });

/**
 * The API's client whose `lose`-th upload reaches the API, which stores it, and whose answer is lost on the way back
 * (fetch's `TypeError`); the `Idempotency-Key` of each upload kept in `keys`.
 */
function losingAnswer(lose: number) {
  const keys: string[] = [];
  const client: ChorusClient = Object.create(stack.client);
  client.uploadSubjects = async (...upload: Parameters<ChorusClient['uploadSubjects']>) => {
    keys.push(upload[5] ?? '');
    const added = await stack.client.uploadSubjects(...upload);
    if (keys.length === lose) throw new TypeError('Failed to fetch');
    return added;
  };
  return { client, keys };
}

/** A table of `count` rows without ids (about 27 bytes each): sent twice, a row is added twice. */
const tides = (count: number) => `text,port\n${Array.from({ length: count }, (_, at) => `High water ${at + 1},Bristol\n`).join('')}`;

/** A table of `count` rows (about 65 bytes each), row `bad` with an address the API refuses. */
const table = (count: number, { bad }: { bad?: number } = {}) =>
  `external_id,image_url,note\n${Array.from({ length: count }, (_, at) => `r${at + 1},${at + 1 === bad ? 'ftp' : 'https'}://example.org/rows/${at + 1}.jpg,row ${at + 1} of a long table\n`).join('')}`;

describe('a table and a IIIF document sent in parts by one loop', () => {
  it('cuts a table again under the lower limit a 413 names, and adds every row once', async () => {
    const { members, upload } = await setToFill('Table over a lower limit');
    const text = table(7_000);
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * LIMIT);
    const sent = await sendInParts(stack.client, tableCutting(text, 'text/csv'), upload, () => undefined);
    expect(sent).toMatchObject({ rows: 7_000, total: 7_000, parts: 3, places: { first: 2, last: 7_001 } });
    expect(await members()).toBe(7_000);
    expect(upload.made).toBe(4);
  });

  it('cuts a IIIF document again under the lower limit a 413 names, each manifest once in the answer', async () => {
    const { members, upload } = await setToFill('Document over a lower limit');
    const text = manifest(1_000);
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * LIMIT);
    const cutting = iiifCutting(text);
    // Under the lab's default limit the document goes in one part: the API's 413 says its own, to which it is cut again.
    expect(cutting.cut(16 * 1024 * 1024, 0).parts).toHaveLength(1);
    const sent = await sendInParts(stack.client, cutting, upload, () => undefined);
    expect(sent).toMatchObject({ rows: 1_000, total: 1_000, parts: 3, places: { first: 1, last: 1_000 } });
    expect(iiifAdded(sent, cutting)).toMatchObject({ created: 1_000, manifests: [{ id: 'https://example.org/register', subjects: 1_000 }] });
    expect(await members()).toBe(1_000);
    // Each part sent under the limit learnt, with a key of its own; the one the 413 refused had its own too.
    expect(upload.made).toBe(4);
  });

  it('refuses a IIIF document with a canvas over the lower limit a 413 names before adding any of it (CanvasTooLarge)', async () => {
    const { members, upload } = await setToFill('A canvas over a lower limit');
    const refused = await sendInParts(stack.client, iiifCutting(manifest(20, { big: 12 })), upload, () => undefined).catch((thrown: unknown) => thrown);
    expect(refused).toBeInstanceOf(CanvasTooLarge);
    expect(refused).toMatchObject({ canvas: 12, manifest: 'https://example.org/register', limit: LIMIT });
    expect(await members()).toBe(0);
  });

  it('goes on with a IIIF document from the part it stopped at, sending only the rest; refuses one that differs before it', async () => {
    const { members, upload } = await setToFill('A register stopped');
    // Three parts under the limit learnt; canvas 500, in the second, paints nothing.
    const [first, second] = iiifCutting(manifest(1_000)).cut(LIMIT, 0).parts.map((part) => part.rows);
    expect([first! < 500, first! + second! >= 500]).toEqual([true, true]);
    const stopped = await sendInParts(stack.client, iiifCutting(manifest(1_000, { unpainted: 500 })), upload, () => undefined).catch((thrown: unknown) => thrown);
    expect(stopped).toBeInstanceOf(UploadStopped);
    const { stopped: where } = stopped as UploadStopped;
    expect(where).toMatchObject({ bytes: LIMIT, from: first, at: first! + 1, sent: { rows: first, parts: 1 } });
    expect(await members()).toBe(first);
    const made = upload.made;

    // The label of every canvas's manifest is the subjects' metadata: a document changed before the stop is refused.
    const changed = await sendInParts(stack.client, iiifCutting(manifest(1_000, { label: 'Another register' })), { ...upload, stopped: where }, () => undefined).catch((thrown: unknown) => thrown);
    expect(changed).toBeInstanceOf(FileChangedBeforeStop);

    const corrected = iiifCutting(manifest(1_000));
    const told: number[] = [];
    const sent = await sendInParts(stack.client, corrected, { ...upload, stopped: where }, (far) => told.push(far.rows));
    expect(sent).toMatchObject({ rows: 1_000, total: 1_000, parts: 3, places: { first: 1, last: 1_000 } });
    expect(told).toEqual([first, first! + second!, 1_000]);
    expect(iiifAdded(sent, corrected)).toMatchObject({ created: 1_000, addedToSet: 1_000, manifests: [{ id: 'https://example.org/register', subjects: 1_000 }] });
    // Only the two parts from the stop on were sent, cut under the limit learnt (no 413 again).
    expect(upload.made - made).toBe(2);
    expect(await members()).toBe(1_000);
  });

  it('goes on with a table from the part it stopped at, sending only the rest', async () => {
    const { members, upload } = await setToFill('A table stopped');
    const stopped = await sendInParts(stack.client, tableCutting(table(7_000, { bad: 4_000 }), 'text/csv'), upload, () => undefined).catch((thrown: unknown) => thrown);
    expect(stopped).toBeInstanceOf(UploadStopped);
    const { stopped: where } = stopped as UploadStopped;
    expect(where).toMatchObject({ bytes: LIMIT, at: where.sent.rows + 2, withIds: true });
    const added = await members();
    expect(added).toBe(where.sent.rows);
    const made = upload.made;
    const sent = await sendInParts(stack.client, tableCutting(table(7_000), 'text/csv'), { ...upload, stopped: where }, () => undefined);
    expect(sent).toMatchObject({ rows: 7_000, places: { first: 2, last: 7_001 } });
    expect(upload.made - made).toBe(sent.parts - where.sent.parts);
    expect(await members()).toBe(7_000);
  });

  it('goes on from a stop kept on the device (another page, its keys gone) with the key of the part whose answer was lost: rows without ids added once', async () => {
    const { members, upload } = await setToFill('Tides stopped, page reloaded');
    const text = tides(12_000);
    // The whole table (413), its first part, then its second, whose answer is lost.
    const losing = losingAnswer(3);
    const stopped = await sendInParts(losing.client, tableCutting(text, 'text/csv'), upload, () => undefined).catch((thrown: unknown) => thrown);
    expect(stopped).toBeInstanceOf(UploadStopped);
    const { stopped: where } = stopped as UploadStopped;
    expect(where).toMatchObject({ withIds: false, sent: { parts: 1 }, partKey: { key: losing.keys[2] } });
    expect(await members()).toBeGreaterThan(where.sent.rows);
    // As the device keeps it (JSON, without the subject ids), read by a page with no keys of its own.
    const [kept] = JSON.parse(JSON.stringify(withStop([], { project: 'p', userId: 'u', stoppedAt: Date.now(), stop: { upload: where, kind: 'table', contentType: 'text/csv', set: 'Tides', file: 'f' } })));
    // Every field the page reads of it is there, as a stop read back from storage is checked (`isKeptStop`).
    expect(isKeptStop(kept)).toBe(true);
    const reloaded = { ...upload, keys: new Map<string, string>(), stopped: kept.stop.upload };
    const again = losingAnswer(0);
    const sent = await sendInParts(again.client, tableCutting(text, 'text/csv'), reloaded, () => undefined);
    expect(sent).toMatchObject({ rows: 12_000, places: { first: 2, last: 12_001 } });
    expect(again.keys[0]).toBe(losing.keys[2]);
    expect(await members()).toBe(12_000);
  });

  it('says where it is before each part goes out: a page gone while a part was out goes on from there under the part’s key, rows without ids added once', async () => {
    const { members, upload } = await setToFill('Tides interrupted, page closed');
    const text = tides(12_000);
    const going: StoppedUpload[] = [];
    // The whole table (413), its first part, then its second, which the API adds while the page goes away (never answered).
    const keys: string[] = [];
    const keptBefore: (string | undefined)[] = [];
    let pageGone = () => {};
    const gone = new Promise<void>((resolve) => (pageGone = resolve));
    const client: ChorusClient = Object.create(stack.client);
    client.uploadSubjects = async (...sent: Parameters<ChorusClient['uploadSubjects']>) => {
      keys.push(sent[5] ?? '');
      keptBefore.push(going.at(-1)?.partKey.key);
      const added = await stack.client.uploadSubjects(...sent);
      if (keys.length < 3) return added;
      pageGone();
      return new Promise<never>(() => undefined);
    };
    void sendInParts(client, tableCutting(text, 'text/csv'), { ...upload, sending: (at) => going.push(at) }, () => undefined);
    await gone;
    // Each part's place and key known before it went out, not what the table has before it (hashed once it stops there only).
    expect(keptBefore).toEqual(keys);
    expect(going.map((one) => one.before)).toEqual([null, null, null]);
    const at = going.at(-1)!;
    expect(at).toMatchObject({ withIds: false, sent: { parts: 1 }, partKey: { key: keys[2] } });
    expect(await members()).toBe(12_000);
    // As the device keeps it, read by a new page with no keys of its own: the part that was out goes under its key, answered from the API's store.
    const [kept] = JSON.parse(JSON.stringify(withStop([], { project: 'p', userId: 'u', stoppedAt: Date.now(), sending: true, stop: { upload: at, kind: 'table', contentType: 'text/csv', set: 'Tides', file: 'f' } })));
    expect(isKeptStop(kept)).toBe(true);
    const again = losingAnswer(0);
    const sent = await sendInParts(again.client, tableCutting(text, 'text/csv'), { ...upload, keys: new Map<string, string>(), stopped: kept.stop.upload }, () => undefined);
    expect(sent).toMatchObject({ rows: 12_000, places: { first: 2, last: 12_001 } });
    expect(again.keys).toEqual([keys[2]]);
    expect(await members()).toBe(12_000);
  });

  it('sends an upload whole with a key kept until answered: sent again after a lost answer, it adds nothing twice', async () => {
    const { members, upload } = await setToFill('Diaries sent whole');
    const diaries = JSON.stringify({ subjects: ['Walked to Halifax', 'Rain all day'].map((text) => ({ locations: [{ type: 'text', text }] })) });
    const losing = losingAnswer(1);
    await expect(sendWhole(losing.client, upload, diaries, 'application/json')).rejects.toBeInstanceOf(TypeError);
    expect(await members()).toBe(2);
    expect(await sendWhole(losing.client, upload, diaries, 'application/json')).toMatchObject({ created: 2, addedToSet: 2 });
    expect(losing.keys[1]).toBe(losing.keys[0]);
    expect(await members()).toBe(2);
    // Answered, the key is forgotten: the same file uploaded anew is a new upload (its subjects without ids added again).
    await sendWhole(losing.client, upload, diaries, 'application/json');
    expect(losing.keys[2]).not.toBe(losing.keys[1]);
    expect(await members()).toBe(4);
  });
});
