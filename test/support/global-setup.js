// Once per test run: a migrated template database that every suite clones (CREATE DATABASE ... TEMPLATE is fast).
// Databases are named chorus_test_<pid of this run>_..., so runs sharing a server never touch each other's.
const { Client } = require('pg');

const PREFIX = 'chorus_test_';
const TEST_DATABASE = /^chorus_test_(\d+)_/;

module.exports = async function globalSetup() {
  const base = process.env.CHORUS_TEST_DATABASE_URL;
  if (!base) throw new Error('CHORUS_TEST_DATABASE_URL is not set: run the tests with `pnpm test` (it starts Postgres and Redis or uses DATABASE_URL / REDIS_URL).');
  const run = String(process.pid);
  const template = `${PREFIX}${run}_template`;
  const admin = new Client({ connectionString: withDatabase(base, 'postgres') });
  await admin.connect();
  await dropDatabasesOfEndedRuns(admin);
  await admin.query(`CREATE DATABASE "${template}"`);
  await admin.end();
  const { openDatabase } = require('../../packages/db/dist');
  const dataSource = await openDatabase(withDatabase(base, template), 2);
  await dataSource.destroy();
  process.env.CHORUS_TEST_RUN = run;
  process.env.CHORUS_TEST_TEMPLATE = template;
};

function withDatabase(url, name) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

function isAlive(pid) {
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM'; // another user's process
  }
}

/** The run (its pid) that made a test database, or undefined for any other database's name. */
function runOf(datname) {
  return TEST_DATABASE.exec(datname)?.[1];
}

/**
 * Drops test databases whose run matches, and no other database: `_` is LIKE's any-character wildcard, so unescaped
 * the pattern would list `chorus_testing` or `chorus_tester1` too, and drop them with every connection to them.
 */
async function dropDatabases(admin, shouldDrop) {
  const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX.replaceAll('_', '\\_')}%'`);
  for (const { datname } of rows) {
    const run = runOf(datname);
    if (run !== undefined && shouldDrop(run)) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

/** What runs that ended without their teardown (killed, say) left behind. */
function dropDatabasesOfEndedRuns(admin) {
  return dropDatabases(admin, (run) => !isAlive(run));
}

module.exports.withDatabase = withDatabase;
module.exports.dropDatabases = dropDatabases;
module.exports.dropDatabasesOfEndedRuns = dropDatabasesOfEndedRuns;
