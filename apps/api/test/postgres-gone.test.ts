import { type Stack, startStack } from '../../../test/support/stack';
import { type TcpProxy, tcpProxy } from '../../../test/support/tcp-proxy';

/** The API while its Postgres cannot be reached (a proxy before it, cut): it says so, and comes back with it. */
let stack: Stack;
let proxy: TcpProxy;

beforeAll(async () => {
  const database = new URL(process.env.CHORUS_TEST_DATABASE_URL!);
  proxy = await tcpProxy({ host: database.hostname, port: Number(database.port || 5432) });
  stack = await startStack({
    worker: false,
    databaseVia: (url) => {
      const through = new URL(url);
      through.port = String(proxy.port);
      return through.toString();
    },
  });
});
afterAll(async () => {
  await proxy?.restore();
  await stack?.stop();
  await proxy?.close();
});

it('answers 503 with Retry-After (health 503, down) while Postgres cannot be reached, keeps /metrics answering, and works again once it can', async () => {
  await stack.anonymous.guest();
  await proxy.cut();
  const refused = await fetch(`${stack.baseUrl}/api/v1/auth/guest`, { method: 'POST' });
  expect([refused.status, refused.headers.get('retry-after'), ((await refused.json()) as { type: string }).type]).toEqual([503, '5', 'urn:chorus:problem:service-unavailable']);
  const health = await fetch(`${stack.baseUrl}/api/v1/health`);
  expect([health.status, await health.json()]).toEqual([503, { status: 'down', postgres: 'down', redis: 'up', aggregationWorkers: expect.any(Number) }]);
  const metrics = await fetch(`${stack.baseUrl}/metrics`);
  const text = await metrics.text();
  expect(metrics.status).toBe(200);
  expect(text).toMatch(/^chorus_metrics_scrape_ok 0$/m);
  expect(text).toMatch(/^chorus_aggregation_lagging_subjects nan$/im); // as prom-client writes it ("Nan"); Prometheus reads any case

  await proxy.restore();
  expect((await stack.anonymous.guest()).token).toEqual(expect.any(String));
  expect((await fetch(`${stack.baseUrl}/api/v1/health`)).status).toBe(200);
});
