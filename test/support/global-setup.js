// Once per test run: a migrated template database that every suite clones (CREATE DATABASE ... TEMPLATE is fast).
const { Client } = require('pg');

module.exports = async function globalSetup() {
  const base = process.env.CHORUS_TEST_DATABASE_URL;
  if (!base) throw new Error('CHORUS_TEST_DATABASE_URL is not set: run the tests with `pnpm test` (it starts Postgres and Redis or uses DATABASE_URL / REDIS_URL).');
  const template = `chorus_test_template_${process.pid}`;
  const admin = new Client({ connectionString: withDatabase(base, 'postgres') });
  await admin.connect();
  await dropTestDatabases(admin);
  await admin.query(`CREATE DATABASE "${template}"`);
  await admin.end();
  const { openDatabase } = require('../../packages/db/dist');
  const dataSource = await openDatabase(withDatabase(base, template), 2);
  await dataSource.destroy();
  process.env.CHORUS_TEST_TEMPLATE = template;
};

function withDatabase(url, name) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Leftovers of earlier runs that were killed. */
async function dropTestDatabases(admin) {
  const { rows } = await admin.query("SELECT datname FROM pg_database WHERE datname LIKE 'chorus\\_test\\_%'");
  for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
}

module.exports.withDatabase = withDatabase;
module.exports.dropTestDatabases = dropTestDatabases;
