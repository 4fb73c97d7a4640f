import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

const NOT_UNDER_PNPM_TEST = 'run the tests with `pnpm test`: it provides Postgres, Redis and the template database';

/** The run's Postgres, its `postgres` database: for a query that needs no table (a new database needs `createTestDatabase`). */
export function testPostgresUrl(): string {
  const base = process.env.CHORUS_TEST_DATABASE_URL;
  if (!base) throw new Error(NOT_UNDER_PNPM_TEST);
  return withDatabase(base, 'postgres');
}

/** A fresh database cloned from the run's migrated template, for one suite. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.CHORUS_TEST_DATABASE_URL;
  const template = process.env.CHORUS_TEST_TEMPLATE;
  const run = process.env.CHORUS_TEST_RUN;
  if (!base || !template || !run) throw new Error(NOT_UNDER_PNPM_TEST);
  const name = testDatabaseName();
  const admin = new Client({ connectionString: testPostgresUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  await admin.end();
  return {
    url: withDatabase(base, name),
    drop: async () => {
      const client = new Client({ connectionString: testPostgresUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Redis for the suite, and a queue prefix of its own so suites never see each other's jobs. */
export function testRedis(): { url: string; queuePrefix: string } {
  const url = process.env.CHORUS_TEST_REDIS_URL;
  if (!url) throw new Error(NOT_UNDER_PNPM_TEST);
  return { url, queuePrefix: `{test-${randomUUID().slice(0, 8)}}` };
}

/** A database name that the run's teardown will drop. */
export function testDatabaseName(): string {
  return `chorus_test_${process.env.CHORUS_TEST_RUN}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
