/**
 * The API process (its built entry point) told to listen where it cannot, or to serve a classifier that is not there:
 * it stops with a message naming the variable to change (`HOST`, `PORT`, `CLASSIFIER_DIR`), as it does for any other
 * bad variable.
 */
import { type Server, createServer } from 'node:net';
import { apiProcess, freePort, processesOnScratchDatabase } from '../support/processes';
import { testRedis } from '../support/services';

jest.setTimeout(60_000);

const { running, url: databaseUrl } = processesOnScratchDatabase();

/** What the API said as it stopped, having failed to start where `port` and `env` say. */
async function stoppedAt(port: number, env: NodeJS.ProcessEnv): Promise<string> {
  const redis = testRedis();
  const api = apiProcess(port, { DATABASE_URL: databaseUrl(), REDIS_URL: redis.url, QUEUE_PREFIX: redis.queuePrefix, AUTH_SECRET: 'api-address-secret-0123456789', ...env });
  running.push(api);
  await expect(api.start()).rejects.toThrow('did not start');
  expect(api.exitCode()).toBe(1);
  return api.output();
}

it('names HOST when it is a name this machine cannot resolve', async () => {
  expect(await stoppedAt(await freePort(), { HOST: 'notahost' })).toContain('invalid configuration:\n  HOST: notahost is not a name this machine can resolve (getaddrinfo ENOTFOUND notahost); use an address of this machine');
});

it('names HOST when it is not an address of this machine', async () => {
  // 192.0.2.1 is reserved for documentation (TEST-NET-1): no machine has it.
  expect(await stoppedAt(await freePort(), { HOST: '192.0.2.1' })).toContain('invalid configuration:\n  HOST: 192.0.2.1 is not an address of this machine; use an address of this machine');
});

it('names PORT when another server listens there', async () => {
  const port = await freePort();
  // It hangs up at once, so that waiting for the API to answer there does not wait on it.
  const other: Server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
  try {
    expect(await stoppedAt(port, {})).toContain(`invalid configuration:\n  PORT: ${port} is taken on 127.0.0.1 (another Chorus, or another server); choose another, e.g. PORT=${port + 1}`);
  } finally {
    other.close();
  }
});

it('names CLASSIFIER_DIR when it holds no built classifier, rather than serve volunteers a 404 at /', async () => {
  expect(await stoppedAt(await freePort(), { CLASSIFIER_DIR: '/nonexistent/dist' })).toContain('invalid configuration:\n  CLASSIFIER_DIR: /nonexistent/dist holds no built classifier (no index.html); build it');
});
