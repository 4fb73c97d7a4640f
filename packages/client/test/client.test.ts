import { ChorusApiError, ChorusClient } from '../src';

const answering = (status: number, body: string, contentType: string) =>
  (async () => new Response(body, { status, headers: { 'content-type': contentType } })) as typeof fetch;

describe('ChorusClient errors', () => {
  it('passes the server’s problem through', async () => {
    const problem = { type: 'urn:chorus:problem:conflict', title: 'Conflict', status: 409, detail: 'already classified' };
    const client = new ChorusClient({ fetch: answering(409, JSON.stringify(problem), 'application/problem+json') });
    await expect(client.guest()).rejects.toMatchObject({ status: 409, problem, contentType: 'application/problem+json' });
  });

  it('makes a problem up when a proxy answers with HTML', async () => {
    const client = new ChorusClient({ fetch: answering(502, '<html>Bad Gateway</html>', 'text/html') });
    const error = (await client.listProjects().catch((e: unknown) => e)) as ChorusApiError;
    expect(error).toBeInstanceOf(ChorusApiError);
    expect(error.problem).toMatchObject({ status: 502, detail: '<html>Bad Gateway</html>' });
    expect(error.contentType).toBe('text/html');
  });

  it('sends the token and the idempotency key, and reports replays', async () => {
    const seen: Headers[] = [];
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      seen.push(new Headers(init.headers));
      return new Response(JSON.stringify({ id: 'c1' }), { status: seen.length === 1 ? 201 : 200 });
    }) as typeof fetch;
    const client = new ChorusClient({ token: 't0k3n', fetch: fetchImpl });
    const input = { workflowId: 'w', workflowVersion: 1, subjectId: 's', annotations: [{ task: 'T0', value: 'yes' }] };
    expect(await client.classify(input, 'key-1')).toEqual({ id: 'c1', replayed: false });
    expect(await client.classify(input, 'key-1')).toEqual({ id: 'c1', replayed: true });
    expect(seen[0]!.get('authorization')).toBe('Bearer t0k3n');
    expect(seen[0]!.get('idempotency-key')).toBe('key-1');
  });

  it('sends a subject file as it is, with its media type, not as JSON', async () => {
    const sent: RequestInit[] = [];
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      sent.push(init);
      return new Response(JSON.stringify({ created: 1, existing: 0, addedToSet: 1, updated: 0, subjectIds: ['s1'] }), { status: 201 });
    }) as typeof fetch;
    const client = new ChorusClient({ token: 't0k3n', fetch: fetchImpl });
    const csv = 'external_id,text\nn-1,"FOR SALE, a bicycle"\n';
    expect(await client.uploadSubjects('set-1', csv, 'text/csv')).toMatchObject({ addedToSet: 1 });
    expect(sent[0]!.body).toBe(csv);
    expect(new Headers(sent[0]!.headers).get('content-type')).toBe('text/csv');
  });
});

describe('ChorusClient.everyProject', () => {
  /** A fetch answering `pages` in turn (the last again and again), and the `before` of each request; a loop stops at 10. */
  const paging = (pages: { projects: { id: string }[]; next: string | null }[]) => {
    const sent: (string | null)[] = [];
    const fetchImpl = (async (url: string) => {
      sent.push(new URL(url, 'http://chorus.test').searchParams.get('before'));
      if (sent.length > 10) throw new Error('asked for a page again and again');
      return new Response(JSON.stringify(pages[Math.min(sent.length, pages.length) - 1]), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    return { client: new ChorusClient({ fetch: fetchImpl }), sent };
  };

  it('follows each page’s next until the last', async () => {
    const { client, sent } = paging([
      { projects: [{ id: 'p3' }, { id: 'p2' }], next: 'c2' },
      { projects: [{ id: 'p1' }], next: null },
    ]);
    expect((await client.everyProject({ limit: 2 })).map((project) => project.id)).toEqual(['p3', 'p2', 'p1']);
    expect(sent).toEqual([null, 'c2']);
  });

  it('stops with an error naming the cursor when a page gives back the cursor it was asked with, as a broken proxy may', async () => {
    const { client, sent } = paging([
      { projects: [{ id: 'p3' }], next: 'c2' },
      { projects: [{ id: 'p2' }], next: 'c2' },
    ]);
    await expect(client.everyProject()).rejects.toThrow('GET /projects gave back the cursor it was asked with ("c2"), so its pages would never end');
    expect(sent).toEqual([null, 'c2']);
  });

  it('stops with an error when a page is empty but names a next one', async () => {
    const { client, sent } = paging([
      { projects: [{ id: 'p3' }], next: 'c2' },
      { projects: [], next: 'c3' },
    ]);
    await expect(client.everyProject()).rejects.toThrow('GET /projects answered an empty page with a next one ("c3"), so its pages would never end');
    expect(sent).toEqual([null, 'c2']);
  });
});

describe('ChorusClient downloads', () => {
  /** A client whose fetch records each request's path, query and JSON body, and answers `{}`. */
  const recording = () => {
    const sent: { path: string; query: Record<string, string>; body?: unknown }[] = [];
    const fetchImpl = (async (url: string, init: RequestInit = {}) => {
      const { pathname, searchParams } = new URL(url, 'http://chorus.test');
      sent.push({ path: pathname, query: Object.fromEntries(searchParams), ...(init.body ? { body: JSON.parse(String(init.body)) } : {}) });
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    return { client: new ChorusClient({ token: 't0k3n', fetch: fetchImpl }), sent };
  };

  it('sends each download’s options as its query, JSON when no format is given', async () => {
    const { client, sent } = recording();
    await client.consensus('w1');
    await client.consensus('w1', { format: 'csv', since: '2026-12-01T00:00:00Z', sort: 'externalId', metadata: 'columns', subjectSetId: 's1' });
    await client.classifications('w1', { since: '2026-12-01T00:00:00Z', subjectSetId: 's1' });
    await client.classifications('w1', { format: 'ndjson', metadata: 'columns', sort: 'externalId' });
    await client.transcriptions('w1', { task: 'T0' });
    await client.transcriptions('w1', { task: 'T1', format: 'tei', subjectSetId: 's1' });
    expect(sent).toEqual([
      { path: '/api/v1/workflows/w1/consensus', query: { format: 'json' } },
      { path: '/api/v1/workflows/w1/consensus', query: { format: 'csv', since: '2026-12-01T00:00:00Z', sort: 'externalId', metadata: 'columns', subjectSetId: 's1' } },
      { path: '/api/v1/workflows/w1/classifications', query: { format: 'json', since: '2026-12-01T00:00:00Z', subjectSetId: 's1' } },
      { path: '/api/v1/workflows/w1/classifications', query: { format: 'ndjson', metadata: 'columns', sort: 'externalId' } },
      { path: '/api/v1/workflows/w1/transcriptions', query: { format: 'text', task: 'T0' } },
      { path: '/api/v1/workflows/w1/transcriptions', query: { format: 'tei', task: 'T1', subjectSetId: 's1' } },
    ]);
  });

  it('sends a download link’s options as its body, leaving out those not given', async () => {
    const { client, sent } = recording();
    await client.downloadLink('w1', { kind: 'subject-reports' });
    await client.downloadLink('w1', { kind: 'consensus', format: 'ndjson', subjectSetId: 's1' });
    await client.myClassificationsDownloadLink();
    await client.myClassificationsDownloadLink({ format: 'json' });
    expect(sent).toEqual([
      { path: '/api/v1/workflows/w1/download-links', query: {}, body: { kind: 'subject-reports' } },
      { path: '/api/v1/workflows/w1/download-links', query: {}, body: { kind: 'consensus', format: 'ndjson', subjectSetId: 's1' } },
      { path: '/api/v1/account/download-links', query: {}, body: {} },
      { path: '/api/v1/account/download-links', query: {}, body: { format: 'json' } },
    ]);
  });
});
