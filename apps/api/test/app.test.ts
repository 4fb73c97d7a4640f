import { newAccount } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { showUnclaimedDemo } from '../src/demo/demo-handover';
import { DemoService } from '../src/demo/demo.service';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false, demoProject: false });
});
afterAll(() => stack.stop());

describe('the application', () => {
  it('answers health with both services up', async () => {
    const response = await fetch(`${stack.baseUrl}/api/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', postgres: 'up', redis: 'up', aggregationWorkers: 0 }); // no worker runs here
  });

  it('publishes its OpenAPI description with the zod-derived request schemas', async () => {
    const document = (await (await fetch(`${stack.baseUrl}/api/docs/openapi.json`)).json()) as { info: { title: string }; paths: Record<string, Record<string, { operationId: string; requestBody: { content: Record<string, { schema: { required: string[]; properties: Record<string, { description?: string }> } }> } }>> };
    expect(document.info.title).toBe('Chorus API');
    expect((document.info as { description?: string }).description).toContain('405 (method-not-allowed) with an Allow header');
    const submit = document.paths['/classifications'].post;
    expect(submit.operationId).toContain('submitClassification');
    expect(submit.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['workflowId', 'workflowVersion', 'subjectId', 'annotations']));
    // What each task type's answer looks like, which the schema cannot say (it depends on the workflow's tasks).
    expect(submit.requestBody.content['application/json'].schema.properties.annotations?.description).toMatch(/close-reading, \{ "sense": .*"unsure": true \}.*tagging, \{ "add"/);
  });

  it('takes an empty body labelled JSON as no body, as the routes without one expect', async () => {
    const guest = await fetch(`${stack.baseUrl}/api/v1/auth/guest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' });
    expect(guest.status).toBe(201);
    expect(await guest.json()).toMatchObject({ token: expect.any(String), user: { kind: 'guest' } });
  });

  it('refuses an address holding the NUL character, naming the part it is in', async () => {
    for (const [path, pointer] of [['/api/v1/projects/a%00b', '/params'], ['/api/v1/projects?q=%00', '/query']]) {
      const response = await fetch(`${stack.baseUrl}${path}`);
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await response.json()) as { errors: { pointer: string }[] }).errors.map((error) => error.pointer)).toEqual([pointer]);
    }
  });

  it('serves the classifier for client-side routes but never for unknown API routes, and nothing to be framed by other sites', async () => {
    const page = await fetch(`${stack.baseUrl}/projects/ad-or-not/workflows/x`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<div id="root">');
    const api = await fetch(`${stack.baseUrl}/api/v1/nothing-here`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/application\/problem\+json/);
    // Never inside another site's frame, where a volunteer could be led to click what they cannot see.
    for (const answer of [page, api, await fetch(`${stack.baseUrl}/`), await fetch(`${stack.baseUrl}/api/v1/health`)]) {
      expect([answer.headers.get('x-frame-options'), answer.headers.get('content-security-policy'), answer.headers.get('x-content-type-options')]).toEqual([
        'SAMEORIGIN',
        expect.stringContaining("frame-ancestors 'self'"),
        'nosniff',
      ]);
    }
    // The pages run only Chorus's own scripts and the page's one inline script (its "Loading…" in the interface's
    // language), named by the hash of the script the page holds: no other inline script, none from elsewhere.
    for (const path of ['/projects/ad-or-not/workflows/x', '/']) {
      const answer = await fetch(`${stack.baseUrl}${path}`);
      const inline = [...(await answer.text()).matchAll(/<script>([\s\S]*?)<\/script>/g)].map(([, script]) => script!);
      expect(inline).toHaveLength(1);
      const hash = createHash('sha256').update(inline[0]!).digest('base64');
      expect(answer.headers.get('content-security-policy')).toBe(`script-src 'self' 'sha256-${hash}'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'`);
    }
  });

  it('answers a known path asked with a method it does not take 405, naming those it takes, and an unknown path 404', async () => {
    const project = '/api/v1/projects/00000000-0000-4000-8000-000000000000';
    const cases: [string, string, string][] = [
      ['DELETE', '/api/v1/projects', 'GET, HEAD, POST'],
      // Parameterised paths, whatever the id (the route's own checks come only with a method it takes).
      ['PATCH', `${project}/workflows`, 'POST'],
      ['PUT', '/api/v1/workflows/not-even-a-uuid/queue', 'GET, HEAD'],
      ['PATCH', '/api/v1/workflows/00000000-0000-4000-8000-000000000000', 'DELETE, GET, HEAD, PUT'],
      ['DELETE', '/api/v1/classifications?x=1', 'GET, HEAD, POST'],
      // GET and HEAD of a path that takes neither: the classifier's fallback must not answer them 404 (or a page).
      ['GET', '/api/v1/auth/login', 'POST'],
      ['HEAD', '/api/v1/auth/login', 'POST'],
    ];
    for (const [method, path, allowed] of cases) {
      const response = await fetch(`${stack.baseUrl}${path}`, { method });
      expect([method, path, response.status, response.headers.get('allow'), response.headers.get('content-type')]).toEqual([method, path, 405, allowed, expect.stringMatching(/^application\/problem\+json/)]);
      if (method === 'HEAD') continue;
      const problem = (await response.json()) as { type: string; detail: string; errors: { pointer: string; message: string }[] };
      expect(problem.type).toBe('urn:chorus:problem:method-not-allowed');
      expect(problem.detail).toContain(`does not take ${method}; it takes ${allowed}`);
      expect(problem.errors).toEqual([{ pointer: '/method', message: `must be one of ${allowed}` }]);
    }
    // Unknown paths stay 404, whatever the method.
    for (const method of ['GET', 'DELETE', 'POST']) expect([method, (await fetch(`${stack.baseUrl}/api/v1/nothing-here/at-all`, { method })).status]).toEqual([method, 404]);
    // A method the path takes is answered by its route; HEAD where GET is; a CORS preflight as before.
    expect((await fetch(`${stack.baseUrl}/api/v1/projects`, { method: 'HEAD' })).status).toBe(200);
    const preflight = await fetch(`${stack.baseUrl}/api/v1/projects`, {
      method: 'OPTIONS',
      headers: { origin: 'https://transcribe.example.org', 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization' },
    });
    expect([preflight.status, preflight.headers.get('access-control-allow-origin')]).toEqual([204, 'https://transcribe.example.org']);
  });

  it('keeps private answers out of every cache, and leaves answers to anyone as they were', async () => {
    const guest = await stack.anonymous.guest();
    const withToken = (path: string) => fetch(`${stack.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${guest.token}` } });
    const signIn = await fetch(`${stack.baseUrl}/api/v1/auth/guest`, { method: 'POST' });
    const wrongPassword = await fetch(`${stack.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"nobody@example.org","password":"x"}' });
    for (const answer of [await withToken('/account'), await withToken('/projects'), await withToken('/account/favourites'), signIn, wrongPassword]) {
      expect([answer.url, answer.headers.get('cache-control')]).toEqual([answer.url, 'private, no-store']);
    }
    for (const answer of [await fetch(`${stack.baseUrl}/api/v1/projects`), await fetch(`${stack.baseUrl}/api/v1/health`)]) {
      expect([answer.url, answer.headers.get('cache-control')]).toEqual([answer.url, null]);
    }
  });

  it("serves the classifier's scripts compressed to browsers that take it, kept for good, and its page asked for again each time", async () => {
    const page = await fetch(`${stack.baseUrl}/projects/ad-or-not`);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const script = /<script type="module" crossorigin src="(\/assets\/index-[\w-]+\.js)">/.exec(await page.text())?.[1];
    expect(script).toBeDefined();
    const plain = await fetch(`${stack.baseUrl}${script}`, { headers: { 'accept-encoding': 'identity' } });
    const plainBytes = (await plain.arrayBuffer()).byteLength;
    for (const [accepted, sent] of [['identity', null], ['gzip', 'gzip'], ['gzip, deflate, br', 'br']]) {
      const answer = await fetch(`${stack.baseUrl}${script}`, { headers: { 'accept-encoding': accepted as string } });
      expect([accepted, answer.status, answer.headers.get('content-encoding'), answer.headers.get('cache-control'), answer.headers.get('vary')]).toEqual([
        accepted,
        200,
        sent,
        'public, max-age=31536000, immutable',
        expect.stringMatching(/accept-encoding/i),
      ]);
      expect(Number(answer.headers.get('content-length'))).toBeLessThan(sent ? plainBytes / 2 : plainBytes + 1);
      expect((await answer.arrayBuffer()).byteLength).toBe(plainBytes); // fetch undoes the compression
    }
    // A script of another build is missing, not the page (which a browser would refuse as a script, leaving it blank);
    // the page itself comes only with its policy.
    const gone = await fetch(`${stack.baseUrl}/assets/index-0ld8uild.js`);
    expect([gone.status, gone.headers.get('content-type')]).toEqual([404, expect.stringMatching(/^application\/problem\+json/)]);
    for (const path of ['/index.html', '/index.html.gz', '/index.html.br']) {
      const answer = await fetch(`${stack.baseUrl}${path}`);
      expect([path, answer.headers.get('content-type'), answer.headers.get('cache-control'), answer.headers.get('content-security-policy')]).toEqual([
        path,
        'text/html; charset=utf-8',
        'no-cache',
        expect.stringContaining("script-src 'self'"),
      ]);
    }
  });

  it('lets a page on another site read the headers its clients use: ETag, Retry-After, Date, a download’s name, Allow and the rate limits’', async () => {
    const origin = 'https://transcribe.example.org';
    const health = await fetch(`${stack.baseUrl}/api/v1/health`, { headers: { origin } });
    expect(health.headers.get('access-control-allow-origin')).toBe(origin);
    const exposed = (health.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['etag', 'retry-after', 'date', 'content-disposition', 'allow', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']));
  });

  it('seeds the demo project once, however many processes try at the same time', async () => {
    const demo = stack.app.get(DemoService);
    expect((await Promise.all([demo.seedIfEmpty(), demo.seedIfEmpty(), demo.seedIfEmpty()])).sort()).toEqual([false, false, true]);
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const { projects } = await guest.listProjects();
    expect(projects).toHaveLength(1);
    expect(projects[0]).toMatchObject({ slug: 'ad-or-not', status: 'live', workflows: [expect.objectContaining({ status: 'active', version: 1 })] });
    const queue = await guest.queue(projects[0]!.workflows[0]!.id, 50);
    expect(queue.subjects).toHaveLength(30);
    expect(queue.subjects.every((s) => s.locations[0]!.type === 'text' && s.metadata['#expected'] === undefined)).toBe(true);
  });

  it('pauses the demo nobody has been given when DEMO_PROJECT=false (this stack), and makes it live again when true', async () => {
    const demo = stack.app.get(DemoService);
    await demo.seedIfEmpty(); // done already when the test before ran
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const status = async () => (await stack.db.query("SELECT status FROM projects WHERE slug = 'ad-or-not'")).rows[0].status;
    await demo.onApplicationBootstrap();
    expect(await status()).toBe('paused');
    expect((await guest.listProjects()).projects.map((project) => project.slug)).not.toContain('ad-or-not');
    await demo.onApplicationBootstrap(); // a second process, or start, changes nothing more
    expect(await status()).toBe('paused');
    expect(await showUnclaimedDemo(stack.app.get(DataSource), true)).toBe(true);
    expect(await status()).toBe('live');
  });

  it('gives the demo project to the first verified account that makes a project of its own, who can then pause it in the lab like any project', async () => {
    await stack.app.get(DemoService).seedIfEmpty(); // done already when the test before ran
    // Not to an account whose email is unverified (anyone can sign up and make a draft), nor does its draft stand in the way.
    const stranger = await newAccount(stack, 'Stranger', { verified: false });
    await stranger.client.createProject({ title: 'Not verified' });
    expect((await stranger.client.listProjects({ member: true })).projects.map((project) => project.title)).toEqual(['Not verified']);
    const teacher = await newAccount(stack, 'Teacher');
    await teacher.client.createProject({ title: 'Our newspapers' });
    const mine = (await teacher.client.listProjects({ member: true })).projects;
    const demo = mine.find((project) => project.slug === 'ad-or-not');
    expect(demo).toMatchObject({ role: 'owner', status: 'live', cameWithChorus: true });
    expect(mine.find((project) => project.title === 'Our newspapers')?.cameWithChorus).toBe(false);
    await teacher.client.updateProject(demo!.id, { status: 'paused' });
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    expect((await guest.listProjects()).projects.map((project) => project.slug)).not.toContain('ad-or-not');
    // Given once: the next account to make a project is not given it.
    const colleague = await newAccount(stack, 'Colleague');
    await colleague.client.createProject({ title: 'Their letters' });
    expect((await colleague.client.listProjects({ member: true })).projects.map((project) => project.title)).toEqual(['Their letters']);
    // Handed over, it is its researcher's: DEMO_PROJECT=false on a later start leaves it live if they make it so.
    await teacher.client.updateProject(demo!.id, { status: 'live' });
    await stack.app.get(DemoService).onApplicationBootstrap();
    expect((await guest.listProjects()).projects.map((project) => project.slug)).toContain('ad-or-not');
  });
});

describe('metrics', () => {
  it('exposes queue depth, aggregation lag and submissions for Prometheus at /metrics', async () => {
    const response = await fetch(`${stack.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^chorus_classifications_submitted_total \d+$/m);
    expect(text).toMatch(/^chorus_aggregation_queue_jobs\{state="waiting"\} \d+$/m);
    expect(text).toMatch(/^chorus_reaggregation_queue_jobs\{state="waiting"\} \d+$/m);
    expect(text).toMatch(/^chorus_maintenance_queue_jobs\{state="delayed"\} \d+$/m);
    // No worker runs here: said as such, for every queue.
    for (const queue of ['aggregation', 'reaggregation', 'maintenance']) expect(text).toMatch(new RegExp(`^chorus_queue_workers\\{queue="${queue}"\\} 0$`, 'm'));
    expect(text).toMatch(/^chorus_aggregation_lagging_subjects \d+$/m);
    expect(text).toMatch(/^chorus_aggregation_lag_seconds [\d.e+-]+$/m);
    expect(text).toMatch(/^chorus_metrics_scrape_ok 1$/m);
    expect(text).toMatch(/^chorus_api_process_cpu_seconds_total /m);
  });

  it('answers only a scraper that sends METRICS_TOKEN, when it is set', async () => {
    const guarded = await startStack({ worker: false, env: { METRICS_TOKEN: 'a scraper secret of 32 characters' } });
    try {
      const scrape = (authorization?: string) => fetch(`${guarded.baseUrl}/metrics`, { headers: authorization ? { authorization } : {} });
      const refused = await scrape();
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((await scrape('Bearer not the secret')).status).toBe(401);
      const scraped = await scrape('Bearer a scraper secret of 32 characters');
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toMatch(/^chorus_metrics_scrape_ok 1$/m);
    } finally {
      await guarded.stop();
    }
  });
});
