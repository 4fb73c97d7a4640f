import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FetchedDocument, IiifFetchFailed, addressProblem, fetchIiifDocument, iiifUploadBody } from '../src/lib/iiifAddress';

/** A IIIF manifest or collection at an address, and the documents a collection names there, read from `web` in order. */
const V2 = 'http://iiif.io/api/presentation/2/context.json';
const manifest = (id: string) => ({ '@context': V2, '@id': id, '@type': 'sc:Manifest', label: id, sequences: [{ '@type': 'sc:Sequence', canvases: [] }] });
const reference = (id: string, type = 'sc:Manifest') => ({ '@id': id, '@type': type, label: id });
const collection = (id: string, fields: Record<string, unknown>) => ({ '@context': V2, '@id': id, '@type': 'sc:Collection', label: id, ...fields });
const V3 = 'http://iiif.io/api/presentation/3/context.json';
const manifest3 = (id: string) => ({ '@context': V3, id, type: 'Manifest', label: { en: [id] }, items: [] });
const collection3 = (id: string, items: unknown[]) => ({ '@context': V3, id, type: 'Collection', label: { en: [id] }, items });
const fetchedOf = (address: string, document: Record<string, unknown>): FetchedDocument => ({ address, text: JSON.stringify(document), document });

/**
 * A web of documents by address: what the lab fetched, in order, kept in `asked`; an address not in it fails as
 * unreachable, and one longer than the bytes left as too large (as `fetchIiifDocument` does).
 */
function webOf(documents: Record<string, Record<string, unknown>>) {
  const asked: string[] = [];
  const fetchDocument = async (address: string, bytes: number) => {
    asked.push(address);
    const document = documents[address];
    if (!document) throw new IiifFetchFailed('unreachable', address);
    const fetched = fetchedOf(address, document);
    if (Buffer.byteLength(fetched.text) > bytes) throw new IiifFetchFailed('tooLarge', address);
    return fetched;
  };
  return { asked, fetchDocument };
}

const failureOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IiifFetchFailed) return { failure: error.failure, address: error.address, ...error.detail };
    throw error;
  }
  throw new Error('did not fail');
};

describe('a IIIF address in the lab', () => {
  it('takes http and https addresses only, refusing others before any request', () => {
    expect(addressProblem(' https://example.org/iiif/manifest.json ')).toBeNull();
    expect(addressProblem('http://example.org/m')).toBeNull();
    expect(addressProblem('   ')).toBe('missing');
    expect(addressProblem('file:///home/me/manifest.json')).toBe('notWeb');
    expect(addressProblem('javascript:alert(1)')).toBe('notWeb');
    expect(addressProblem('example.org/manifest.json')).toBe('notWeb');
  });

  it('sends a manifest, or a collection that embeds its manifests, as its server sent it, fetching nothing more', async () => {
    const { asked, fetchDocument } = webOf({});
    const alone = { address: 'https://a.example/m', text: ` ${JSON.stringify(manifest('https://a.example/m'))}\n`, document: manifest('https://a.example/m') };
    expect(await iiifUploadBody(alone, fetchDocument)).toBe(alone.text);
    const whole = fetchedOf('https://a.example/c', collection('https://a.example/c', { manifests: [manifest('https://a.example/m1')] }));
    expect(await iiifUploadBody(whole, fetchDocument)).toBe(whole.text);
    expect(asked).toEqual([]);
  });

  it('fetches the manifests a collection names by address, in order, and embeds each in its place', async () => {
    const { asked, fetchDocument } = webOf({ 'https://a.example/m1': manifest('https://a.example/m1'), 'https://a.example/m2': manifest('https://a.example/m2') });
    const top = fetchedOf('https://a.example/c', collection('https://a.example/c', { manifests: [reference('https://a.example/m1'), reference('https://a.example/m2')] }));
    const told: string[] = [];
    const body = await iiifUploadBody(top, fetchDocument, undefined, (n, address) => told.push(`${n} ${address}`));
    expect(asked).toEqual(['https://a.example/m1', 'https://a.example/m2']);
    expect(told).toEqual(['1 https://a.example/m1', '2 https://a.example/m2']);
    expect(JSON.parse(body)).toEqual({ ...top.document, manifests: [manifest('https://a.example/m1'), manifest('https://a.example/m2')] });
  });

  it('fetches the version 3 manifests, or version 2 ones, that a version 3 collection names in its items', async () => {
    const v3 = webOf({ 'https://a.example/m1': manifest3('https://a.example/m1'), 'https://a.example/m2': manifest3('https://a.example/m2') });
    const top = fetchedOf('https://a.example/c', collection3('https://a.example/c', [{ id: 'https://a.example/m1', type: 'Manifest', label: { en: ['one'] } }, { id: 'https://a.example/m2', type: 'Manifest' }]));
    expect(JSON.parse(await iiifUploadBody(top, v3.fetchDocument))).toEqual({ ...top.document, items: [manifest3('https://a.example/m1'), manifest3('https://a.example/m2')] });
    expect(v3.asked).toEqual(['https://a.example/m1', 'https://a.example/m2']);
    const v2 = webOf({ 'https://a.example/m1': manifest('https://a.example/m1') });
    const mixed = fetchedOf('https://a.example/c', collection3('https://a.example/c', [{ id: 'https://a.example/m1', type: 'Manifest' }]));
    expect(JSON.parse(await iiifUploadBody(mixed, v2.fetchDocument))).toEqual({ ...mixed.document, items: [manifest('https://a.example/m1')] });
  });

  it('refuses a member whose address is not an absolute http(s) one, naming it and its collection, before fetching it', async () => {
    for (const named of ['m2.json', '/iiif/m2', 'data:application/json,{}', 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66']) {
      const { asked, fetchDocument } = webOf({ 'https://a.example/m1': manifest('https://a.example/m1') });
      const top = fetchedOf('https://a.example/c', collection('https://a.example/c', { manifests: [reference('https://a.example/m1'), reference(named)] }));
      expect(await failureOf(iiifUploadBody(top, fetchDocument))).toEqual({ failure: 'memberNotWeb', address: named, collection: 'https://a.example/c' });
      expect(asked).toEqual(['https://a.example/m1']);
    }
  });

  it('reads a collection listed twice in its parent both times, leaving out only one that holds itself', async () => {
    const web = webOf({
      'https://a.example/c2': collection('https://a.example/c2', { collections: [reference('https://a.example/c2', 'sc:Collection')], manifests: [reference('https://a.example/m1')] }),
      'https://a.example/m1': manifest('https://a.example/m1'),
    });
    const top = fetchedOf('https://a.example/c1', collection('https://a.example/c1', { collections: [reference('https://a.example/c2', 'sc:Collection'), reference('https://a.example/c2', 'sc:Collection')] }));
    const read = JSON.parse(await iiifUploadBody(top, web.fetchDocument));
    const c2 = { ...collection('https://a.example/c2', { collections: [], manifests: [manifest('https://a.example/m1')] }) };
    expect(read.collections).toEqual([c2, c2]);
    expect(web.asked).toEqual(['https://a.example/c2', 'https://a.example/m1']);
  });

  it('follows collections named by address, leaving out one that holds a collection it is in (no loops), and none deeper than the API reads', async () => {
    const web = webOf({
      'https://a.example/c2': collection('https://a.example/c2', { collections: [reference('https://a.example/c1', 'sc:Collection'), reference('https://a.example/c3', 'sc:Collection')], manifests: [reference('https://a.example/m1')] }),
      'https://a.example/c3': collection('https://a.example/c3', { collections: [reference('https://a.example/c4', 'sc:Collection')] }),
      'https://a.example/m1': manifest('https://a.example/m1'),
    });
    const top = fetchedOf('https://a.example/c1', collection('https://a.example/c1', { collections: [reference('https://a.example/c2', 'sc:Collection')] }));
    const read = JSON.parse(await iiifUploadBody(top, web.fetchDocument));
    // c1 → c2 → c3 is 3 deep, as deep as the API reads: c4 is left as named, for the API's refusal to name it.
    expect(web.asked).toEqual(['https://a.example/c2', 'https://a.example/c3', 'https://a.example/m1']);
    expect(read.collections[0].collections).toEqual([{ ...collection('https://a.example/c3', { collections: [reference('https://a.example/c4', 'sc:Collection')] }) }]);
    expect(read.collections[0].manifests).toEqual([manifest('https://a.example/m1')]);
  });

  it('fails the whole, naming the member and its collection, when one member cannot be read', async () => {
    const { asked, fetchDocument } = webOf({ 'https://a.example/m1': manifest('https://a.example/m1') });
    const top = fetchedOf('https://a.example/c', collection('https://a.example/c', { manifests: [reference('https://a.example/m1'), reference('https://a.example/gone'), reference('https://a.example/m3')] }));
    expect(await failureOf(iiifUploadBody(top, fetchDocument))).toEqual({ failure: 'unreachable', address: 'https://a.example/gone', collection: 'https://a.example/c' });
    expect(asked).toEqual(['https://a.example/m1', 'https://a.example/gone']);
  });

  it('fetches at most as many members as its cap, and refuses more than the bytes one upload takes', async () => {
    const documents = Object.fromEntries(['m1', 'm2', 'm3'].map((name) => [`https://a.example/${name}`, manifest(`https://a.example/${name}`)]));
    const top = fetchedOf('https://a.example/c', collection('https://a.example/c', { manifests: Object.keys(documents).map((address) => reference(address)) }));
    const capped = webOf(documents);
    expect(await failureOf(iiifUploadBody(top, capped.fetchDocument, { bytes: 1_000_000, members: 2 }))).toEqual({ failure: 'tooManyMembers', address: 'https://a.example/m3', collection: 'https://a.example/c' });
    expect(capped.asked).toHaveLength(2);
    const all = webOf(documents);
    await iiifUploadBody(top, all.fetchDocument, { bytes: 1_000_000, members: 3 });
    expect(all.asked).toHaveLength(3);
    const budget = Buffer.byteLength(top.text) + 2.5 * Buffer.byteLength(JSON.stringify(documents['https://a.example/m1']));
    expect(await failureOf(iiifUploadBody(top, webOf(documents).fetchDocument, { bytes: budget, members: 3 }))).toEqual({ failure: 'tooLarge', address: 'https://a.example/m3', collection: 'https://a.example/c' });
  });

  describe('fetched from a server', () => {
    let server: Server;
    let base = '';
    beforeAll(async () => {
      server = createServer((request, response) => {
        const answers: Record<string, () => void> = {
          '/manifest': () => response.end(JSON.stringify(manifest('m'))),
          '/page': () => response.end('<!doctype html><title>viewer</title>'),
          '/other-json': () => response.end('{"name":"not iiif"}'),
          '/large': () => response.end(JSON.stringify({ ...manifest('large'), padding: 'x'.repeat(5_000) })),
          '/missing': () => response.writeHead(404).end('not found'),
          '/latin-1': () => response.end(Buffer.from(JSON.stringify({ ...manifest('latin-1'), label: 'Re\u00e7us' }), 'latin1')),
          // Never answers (the server's sockets are closed after the suite): nothing outlives it.
          '/slow': () => undefined,
        };
        (answers[request.url ?? ''] ?? answers['/missing']!)();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('reads a manifest, and refuses what is not UTF-8, not JSON, not IIIF, too large, missing, unreachable or too slow', async () => {
      expect((await fetchIiifDocument(`${base}/manifest`, 1_000_000)).document).toEqual(manifest('m'));
      expect(await failureOf(fetchIiifDocument(`${base}/page`, 1_000_000))).toEqual({ failure: 'notJson', address: `${base}/page` });
      expect(await failureOf(fetchIiifDocument(`${base}/other-json`, 1_000_000))).toMatchObject({ failure: 'notIiif' });
      expect(await failureOf(fetchIiifDocument(`${base}/large`, 4_000))).toMatchObject({ failure: 'tooLarge' });
      expect(await failureOf(fetchIiifDocument(`${base}/missing`, 1_000_000))).toMatchObject({ failure: 'status', status: 404 });
      expect(await failureOf(fetchIiifDocument('http://127.0.0.1:9/manifest', 1_000_000))).toMatchObject({ failure: 'unreachable' });
      expect(await failureOf(fetchIiifDocument(`${base}/slow`, 1_000_000, 200))).toMatchObject({ failure: 'timedOut' });
      expect(await failureOf(fetchIiifDocument(`${base}/latin-1`, 1_000_000))).toEqual({ failure: 'notUtf8', address: `${base}/latin-1` });
    });
  });
});
