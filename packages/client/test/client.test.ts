import { ChorusApiError, ChorusClient } from '../src';

const answering = (status: number, body: string, contentType: string) =>
  (async () => new Response(body, { status, headers: { 'content-type': contentType } })) as typeof fetch;

describe('ChorusClient errors', () => {
  it('passes the server’s problem through', async () => {
    const problem = { type: 'urn:chorus:problem:conflict', title: 'Conflict', status: 409, detail: 'already classified' };
    const client = new ChorusClient({ fetch: answering(409, JSON.stringify(problem), 'application/problem+json') });
    await expect(client.guest()).rejects.toMatchObject({ status: 409, problem });
  });

  it('makes a problem up when a proxy answers with HTML', async () => {
    const client = new ChorusClient({ fetch: answering(502, '<html>Bad Gateway</html>', 'text/html') });
    const error = (await client.listProjects().catch((e: unknown) => e)) as ChorusApiError;
    expect(error).toBeInstanceOf(ChorusApiError);
    expect(error.problem).toMatchObject({ status: 502, detail: '<html>Bad Gateway</html>' });
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
