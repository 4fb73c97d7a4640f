// What every benchmark needs: a scratch database on the server of DATABASE_URL, and the API and worker as real
// processes against it.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const require = createRequire(import.meta.url);
const { openDatabase } = require('@chorus/db');

export const databaseUrl = process.env.DATABASE_URL;
export const redisUrl = process.env.REDIS_URL;
if (!databaseUrl || !redisUrl) throw new Error('set DATABASE_URL (any database on the server; a scratch one is made) and REDIS_URL');
const withDatabase = (name) => Object.assign(new URL(databaseUrl), { pathname: `/${name}` }).toString();

/** BENCH_PROFILE=dir writes a V8 CPU profile of the API and the worker into dir (open it in Chrome's DevTools). */
const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];

export async function admin(sql, params) {
  const client = new pg.Client({ connectionString: withDatabase('postgres') });
  await client.connect();
  const { rows } = await client.query(sql, params);
  await client.end();
  return rows;
}

/** The settings of the Postgres measured that decide how a table bigger than its buffers costs (see postgres-at-scale.sh). */
export async function postgresMemory() {
  const rows = await admin("SELECT name, setting FROM pg_settings WHERE name IN ('shared_buffers', 'huge_pages') ORDER BY name");
  const of = (name) => rows.find((row) => row.name === name);
  const buffers = of('shared_buffers');
  return `shared_buffers ${(Number(buffers.setting) * 8) / 1024} MB, huge_pages ${of('huge_pages').setting}`;
}

/**
 * A new, migrated database; `drop()` removes it unless BENCH_KEEP or `reuse` is set. With `reuse`, a database of that
 * name kept by an earlier run is taken as it is (`reused: true`), migrated to the current schema.
 */
export async function scratchDatabase(name, { reuse = false } = {}) {
  const kept = reuse && (await databaseExists(name));
  if (!kept) {
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin(`CREATE DATABASE "${name}"`);
  }
  const url = withDatabase(name);
  await (await openDatabase(url, 2)).destroy();
  return { url, reused: kept, drop: () => (process.env.BENCH_KEEP || reuse ? undefined : admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)) };
}

async function databaseExists(name) {
  return (await admin('SELECT 1 FROM pg_database WHERE datname = $1', [name])).length > 0;
}

export async function vacuumAnalyze(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('VACUUM ANALYZE');
  await client.end();
}

/** The API (bench/api-server.mjs) with a token per volunteer of `input.userIds`: resolves to { child, port, tokens, bodyBytes }. */
export function startApi(url, input, env = {}) {
  const inputFile = join(tmpdir(), `chorus-bench-${process.pid}.json`);
  writeFileSync(inputFile, JSON.stringify(input));
  const child = spawn(process.execPath, [...profile, new URL('./api-server.mjs', import.meta.url).pathname], {
    env: { ...process.env, DATABASE_URL: url, REDIS_URL: redisUrl, QUEUE_PREFIX: '{bench}', BENCH_INPUT: inputFile, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const line = buffer.split('\n').slice(0, -1).find((l) => l.startsWith('{"port"'));
      if (line) resolve({ child, ...JSON.parse(line) });
    });
    child.on('exit', (code) => reject(new Error(`bench API exited with ${code}`)));
  });
}

/** The worker's own entry point (apps/worker/dist/main.js) against the same database and queue prefix. */
export function startWorker(url, env = {}) {
  const child = spawn(process.execPath, [...profile, new URL('../apps/worker/dist/main.js', import.meta.url).pathname], {
    env: { ...process.env, DATABASE_URL: url, REDIS_URL: redisUrl, QUEUE_PREFIX: '{bench}', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      if (String(chunk).includes('Chorus worker running')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`bench worker exited with ${code}`)));
  });
}

export async function stop(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.on('exit', resolve));
}
