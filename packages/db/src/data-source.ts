import { setTimeout } from 'node:timers/promises';
import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource, MigrationExecutor } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import { entities } from './entities';
import { migrations } from './migrations';
import { SnakeNamingStrategy } from './naming';

/** A stable key for the advisory lock that serialises migrations between the API and workers. */
const MIGRATION_LOCK_KEY = 7_263_142_001;

/** Chorus's options for a data source: always Postgres, always by URL. */
export type DatabaseOptions = PostgresDataSourceOptions & { url: string };

/**
 * `statementTimeoutMs` (0: none) ends any statement that runs longer, so that a runaway one cannot hold a pooled
 * connection for ever; a connection that needs longer (a download's cursor) lifts it for itself.
 */
export function dataSourceOptions(url: string, poolSize = 10, statementTimeoutMs = 0): DatabaseOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    // No JIT: Chorus runs short statements, and on a table of a million subjects the planner's estimates cross
    // jit_above_cost, so that compiling a queue request's statement took 20 ms to save microseconds.
    // A timeout of 0 is left to the database's own settings (ALTER ROLE or DATABASE), which an option would override.
    extra: { max: poolSize, options: `-c jit=off${statementTimeoutMs ? ` -c statement_timeout=${statementTimeoutMs}` : ''}` },
  };
}

/**
 * How a process opens its database at start: it waits for a Postgres that does not answer yet (still starting after a
 * reboot, or its container not up yet) for up to `waitMs` (0: it tries once), with a warning at each try; it creates
 * the database when it does not exist, unless `create` is false (then it stops, naming DATABASE_URL: in production a
 * missing database is more likely a mistyped name than a first install); it says which migrations it applied (`info`).
 */
export interface DatabaseOpening {
  waitMs: number;
  warn: (message: string) => void;
  info?: (message: string) => void;
  /** Whether a database that does not exist is created (empty, then migrated); true unless said otherwise. */
  create?: boolean;
}

/** Errors that say Postgres is not there yet (down, starting, out of reach), rather than that it refused us. */
const NOT_THERE_YET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P03']);
const notThereYet = (error: { code?: string; message: string }) => NOT_THERE_YET.has(error.code ?? '') || error.message === 'Connection terminated unexpectedly';

/** Where `DATABASE_URL` points, without its user or password: what a message may show of it. */
export function databaseAddress(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || 5432}`;
}

/** Seconds between tries: quickly at first (a Postgres starting takes a few seconds), then every 5 s. */
const TRY_AGAIN_AFTER_S = [1, 2, 3, 5];

/**
 * `ensureDatabase`, tried again while Postgres is not there yet, for up to `wait.waitMs`; then, or at once when Postgres
 * refuses (a wrong password, say), an error naming DATABASE_URL.
 */
async function ensureDatabaseWhenUp(url: string, wait: DatabaseOpening): Promise<DatabaseFound> {
  const address = databaseAddress(url);
  const deadline = Date.now() + wait.waitMs;
  for (let tries = 0; ; tries++) {
    try {
      return await ensureDatabase(url, wait.create ?? true);
    } catch (error) {
      const { message } = error as Error;
      if (!notThereYet(error as Error)) throw new Error(`DATABASE_URL: Postgres at ${address} refused: ${message}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`DATABASE_URL: Postgres at ${address} did not answer within ${Math.round(wait.waitMs / 1000)} s (${message}); start it, or correct DATABASE_URL (DATABASE_WAIT_SECONDS sets how long to wait)`);
      }
      const after = Math.min(TRY_AGAIN_AFTER_S[Math.min(tries, TRY_AGAIN_AFTER_S.length - 1)]! * 1000, left);
      wait.warn(`Postgres at ${address} (DATABASE_URL) does not answer (${message}); trying again in ${Math.ceil(after / 1000)} s, giving up in ${Math.ceil(left / 1000)} s`);
      await setTimeout(after);
    }
  }
}

/** Whether the database was there, created by this call, or missing (and not to be created). */
export type DatabaseFound = 'existed' | 'created' | 'missing';

/** The name of the database `url` names. */
function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** Creates the database named in `url` when it does not exist yet, if `create`. */
export async function ensureDatabase(url: string, create = true): Promise<DatabaseFound> {
  const name = databaseName(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return 'existed';
    if (!create) return 'missing';
    return await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).then(
      () => 'created',
      (error: { code?: string }) => {
        // Created meanwhile by another process: 42P04, or 23505 when both inserts into pg_database race.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
        return 'existed';
      },
    );
  } finally {
    await client.end();
  }
}

/**
 * How long a migration waits for a table's lock before it lets go and tries again. A statement waiting for an exclusive
 * lock (an ALTER behind a long download's cursor) queues every later reader and writer of the table behind it: waiting
 * briefly, then stepping aside, keeps submits flowing while it waits its turn.
 */
export const MIGRATION_LOCK_WAIT_MS = 2000;

/**
 * Runs pending migrations once, under a lock held on its own connection, so that several processes can start together.
 * A migration refused a table's lock within `MIGRATION_LOCK_WAIT_MS` is rolled back and run again after a pause, with a
 * warning each time, for as long as it takes.
 */
export async function runMigrations(dataSource: DataSource, warn: (message: string) => void = () => undefined): Promise<string[]> {
  const lock = new Client({ connectionString: (dataSource.options as { url: string }).url });
  await lock.connect();
  try {
    // Tried again and again rather than waited for: a statement waiting on the lock holds a snapshot, and an index
    // built CONCURRENTLY by the process that holds it would wait for that snapshot to end, which never would.
    while (!(await lock.query('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_KEY])).rows[0].locked) await setTimeout(100);
    const runner = dataSource.createQueryRunner();
    try {
      // A migration may rightly take longer than the pool's statement timeout (an index over a million subjects).
      await runner.query('SET statement_timeout = 0');
      await runner.query(`SET lock_timeout = ${MIGRATION_LOCK_WAIT_MS}`);
      const applied = await executeUntilDone(new MigrationExecutor(dataSource, runner), warn);
      // Not reached when a migration fails, and then the data source is not used: opening it fails.
      await runner.query('RESET statement_timeout');
      await runner.query('RESET lock_timeout');
      return applied;
    } finally {
      await runner.release();
    }
  } finally {
    await lock.end();
  }
}

async function executeUntilDone(executor: MigrationExecutor, warn: (message: string) => void): Promise<string[]> {
  // Each migration in its own transaction, unless it says it needs none (an index built CONCURRENTLY).
  executor.transaction = 'each';
  const applied: string[] = [];
  for (let tries = 1; ; tries++) {
    try {
      applied.push(...(await executor.executePendingMigrations()).map((migration) => migration.name));
      return applied;
    } catch (error) {
      // 55P03: lock_not_available. The migrations before it stay applied; it and those after run again.
      if ((error as { code?: string }).code !== '55P03') throw error;
      const pause = Math.min(250 * 2 ** Math.min(tries, 6), 15_000);
      warn(`A migration waited ${MIGRATION_LOCK_WAIT_MS} ms for a table another session holds (${(error as Error).message}); trying again in ${pause} ms`);
      await setTimeout(pause);
    }
  }
}

/** Opens the database named in `url`, creating (`opening.create`) and migrating it as needed, once Postgres answers. */
export async function openDatabase(url: string, poolSize?: number, opening?: DatabaseOpening): Promise<DataSource> {
  return openDataSource(dataSourceOptions(url, poolSize), opening);
}

/** `openDatabase` for options made by `dataSourceOptions`. */
export async function openDataSource(options: DatabaseOptions, opening: DatabaseOpening = { waitMs: 0, warn: () => undefined }): Promise<DataSource> {
  const name = databaseName(options.url);
  const address = databaseAddress(options.url);
  const found = await ensureDatabaseWhenUp(options.url, opening);
  if (found === 'missing') {
    throw new Error(
      `DATABASE_URL: Postgres at ${address} has no database "${name}"; correct the name in DATABASE_URL, or create it (createdb ${name}, then restore a backup into it if it is the installation's), or set DATABASE_CREATE=true for Chorus to create it empty`,
    );
  }
  if (found === 'created') opening.warn(`database "${name}" did not exist on Postgres at ${address} (DATABASE_URL); created it`);
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  const applied = await runMigrations(dataSource, opening.warn);
  if (applied.length) opening.info?.(`applied ${applied.length} migration${applied.length === 1 ? '' : 's'} to database "${name}": ${applied.join(', ')}`);
  return dataSource;
}

/** The SQL that would bring the database in line with the entities: empty when migrations and entities agree. */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<{ up: string[]; down: string[] }> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return {
    up: sql.upQueries.map((query) => query.query),
    down: sql.downQueries.map((query) => query.query),
  };
}
