import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FetchedDocument, IiifFetchFailed, addressProblem, fetchIiifDocument, iiifUploadBody } from '../src/lib/iiifAddress';

/** A IIIF manifest or collection at an address, and the documents a collection names there, read from `web` in order. */
const V2 = 'http://iiif.io/api/presentation/2/context.json';
const manifest = (id: string) => ({ '@context': V2, '@id': id, '@type': 'sc:Manifest', label: id, sequences: [{ '@type': 'sc:Sequence', canvases: [] }] });
const reference = (id: string, type = 'sc:Manifest') => ({ '@id': id, '@type': type, label: id });
const collection = (id: string, fields: Record<string, unknown>) => ({ '@context': V2, '@id': id, '@type': 'sc:Collection', label: id, ...fields });
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
    expect(await iiifUploadBody(alone, fetchDocument)).toEqual({ body: alone.text, members: 0 });
    const whole = fetchedOf('https://a.example/c', collection('https://a.example/c', { manifests: [manifest('https://a.example/m1')] }));
    expect(await iiifUploadBody(whole, fetchDocument)).toEqual({ body: whole.text, members: 0 });
    expect(asked).toEqual([]);
  });

  it('fetches the manifests a collection names by address, in order, and embeds each in its place', async () => {
    const { asked, fetchDocument } = webOf({ 'https://a.example/m1': manifest('https://a.example/m1'), 'https://a.example/m2': manifest('https://a.example/m2') });
    const top = fetchedOf('https://a.example/c', collection('https://a.example/c', { manifests: [reference('https://a.example/m1'), reference('https://a.example/m2')] }));
    const { body, members } = await iiifUploadBody(top, fetchDocument);
    expect(asked).toEqual(['https://a.example/m1', 'https://a.example/m2']);
    expect(members).toBe(2);
    expect(JSON.parse(body)).toEqual({ ...top.document, manifests: [manifest('https://a.example/m1'), manifest('https://a.example/m2')] });
  });

  it('follows a collection named by address once, leaving out one it already holds (no loops), and none deeper than the API reads', async () => {
    const web = webOf({
      'https://a.example/c2': collection('https://a.example/c2', { collections: [reference('https://a.example/c1', 'sc:Collection'), reference('https://a.example/c3', 'sc:Collection')], manifests: [reference('https://a.example/m1')] }),
      'https://a.example/c3': collection('https://a.example/c3', { collections: [reference('https://a.example/c4', 'sc:Collection')] }),
      'https://a.example/m1': manifest('https://a.example/m1'),
    });
    const top = fetchedOf('https://a.example/c1', collection('https://a.example/c1', { collections: [reference('https://a.example/c2', 'sc:Collection')] }));
    const read = JSON.parse((await iiifUploadBody(top, web.fetchDocument)).body);
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
    expect(await failureOf(iiifUploadBody(top, capped.fetchDocument, { bytes: 1_000_000, members: 2 }))).toMatchObject({ failure: 'tooManyMembers', address: 'https://a.example/m3' });
    expect(capped.asked).toHaveLength(2);
    expect((await iiifUploadBody(top, webOf(documents).fetchDocument, { bytes: 1_000_000, members: 3 })).members).toBe(3);
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
          '/slow': () => setTimeout(() => response.end(JSON.stringify(manifest('slow'))), 2_000),
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

    it('reads a manifest, and refuses what is not JSON, not IIIF, too large, missing, unreachable or too slow', async () => {
      expect((await fetchIiifDocument(`${base}/manifest`, 1_000_000)).document).toEqual(manifest('m'));
      expect(await failureOf(fetchIiifDocument(`${base}/page`, 1_000_000))).toEqual({ failure: 'notJson', address: `${base}/page` });
      expect(await failureOf(fetchIiifDocument(`${base}/other-json`, 1_000_000))).toMatchObject({ failure: 'notIiif' });
      expect(await failureOf(fetchIiifDocument(`${base}/large`, 4_000))).toMatchObject({ failure: 'tooLarge' });
      expect(await failureOf(fetchIiifDocument(`${base}/missing`, 1_000_000))).toMatchObject({ failure: 'status', status: 404 });
      expect(await failureOf(fetchIiifDocument('http://127.0.0.1:9/manifest', 1_000_000))).toMatchObject({ failure: 'unreachable' });
      expect(await failureOf(fetchIiifDocument(`${base}/slow`, 1_000_000, 200))).toMatchObject({ failure: 'timedOut' });
    });
  });
});
