/**
 * The API and the worker (their built entry points) started while Postgres does not answer yet, as after a reboot:
 * both wait for it the same way, saying so in the same one-line warning, which names DATABASE_URL's host and port but
 * never its password; both start once it answers, and both stop, naming DATABASE_URL, when it never does.
 */
import { type ManagedProcess, apiProcess, freePort, linesNotJson, processesOnScratchDatabase, workerProcess } from '../support/processes';
import { testRedis } from '../support/services';
import { type TcpProxy, tcpProxy } from '../support/tcp-proxy';
import { until } from '../support/waiting';

jest.setTimeout(90_000);

const PASSWORD = 'not-for-the-log';
const { running, url: scratchUrl } = processesOnScratchDatabase();
let proxy: TcpProxy;

beforeAll(async () => {
  const url = new URL(scratchUrl());
  proxy = await tcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
});

afterAll(async () => {
  await proxy?.close();
});

/** The database's URL through the proxy (or to `port`), with a password (the test's Postgres trusts and ignores it). */
function databaseUrl(port = proxy.port): string {
  const url = new URL(scratchUrl());
  url.port = String(port);
  url.password = PASSWORD;
  return url.toString();
}

/** The API and a worker on the test's Redis and the given database. */
async function bothProcesses(env: NodeJS.ProcessEnv): Promise<{ api: ManagedProcess; worker: ManagedProcess }> {
  const redis = testRedis();
  const common = { ...env, REDIS_URL: redis.url, QUEUE_PREFIX: redis.queuePrefix, LOG_LEVEL: 'info', AUTH_SECRET: 'postgres-away-secret-0123456789' };
  const [api, worker] = [apiProcess(await freePort(), common), workerProcess(common)];
  running.push(api, worker);
  return { api, worker };
}

/** The process's warnings about Postgres, with their numbers (seconds, the port) written as #. */
function postgresWarnings(process: ManagedProcess): string[] {
  return process
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{"level":40,') && line.includes('"context":"Database"'))
    .map((line) => (JSON.parse(line).msg as string).replace(/\d+/g, '#'));
}

it('waits for Postgres, warning in one line that names where it looks, and starts once Postgres answers', async () => {
  await proxy.cut();
  const { api, worker } = await bothProcesses({ DATABASE_URL: databaseUrl(), DATABASE_WAIT_SECONDS: '60' });
  const started = Promise.all([api.start(), worker.start()]);
  await until(async () => postgresWarnings(api).length > 0 && postgresWarnings(worker).length > 0, 'both to warn that Postgres does not answer');
  const [apiWarning] = postgresWarnings(api);
  expect(apiWarning).toBe('Postgres at #.#.#.#:# (DATABASE_URL) does not answer (connect ECONNREFUSED #.#.#.#:#); trying again in # s, giving up in # s');
  expect(postgresWarnings(worker)[0]).toBe(apiWarning);
  expect(api.output()).toContain(`Postgres at 127.0.0.1:${proxy.port} (DATABASE_URL)`);

  await proxy.restore();
  await started;
  for (const process of [api, worker]) {
    expect(process.output()).not.toContain(PASSWORD);
    expect(linesNotJson(process.output())).toEqual([]);
  }
});

it('stops, naming DATABASE_URL, when Postgres has not answered within DATABASE_WAIT_SECONDS', async () => {
  const { api, worker } = await bothProcesses({ DATABASE_URL: databaseUrl(await freePort()), DATABASE_WAIT_SECONDS: '2' });
  const began = Date.now();
  const outcomes = await Promise.allSettled([api.start(), worker.start()]);
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
  expect(Date.now() - began).toBeLessThan(20_000);
  for (const process of [api, worker]) {
    expect(process.exitCode()).toBe(1);
    expect(postgresWarnings(process).length).toBeGreaterThan(0);
    expect(process.output()).toMatch(/DATABASE_URL: Postgres at 127\.0\.0\.1:\d+ did not answer within 2 s \(connect ECONNREFUSED [^)]*\); start it, or correct DATABASE_URL/);
    expect(process.output()).not.toContain(PASSWORD);
  }
});
