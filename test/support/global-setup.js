// Once per test run: a migrated template database that every suite clones (CREATE DATABASE ... TEMPLATE is fast).
// Databases are named chorus_test_<pid of this run>_..., so runs sharing a server never touch each other's.
const { execFileSync } = require('node:child_process');
const { Client } = require('pg');
const { join } = require('node:path');

const PREFIX = 'chorus_test_';
const TEST_DATABASE = /^chorus_test_(\d+)_/;
const OBJECT_IN_USE = '55006';

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
  migrate(withDatabase(base, template));
  process.env.CHORUS_TEST_RUN = run;
  process.env.CHORUS_TEST_TEMPLATE = template;
};

/**
 * Migrates in a process of its own. Loaded here, TypeORM would keep its entities' metadata on this process's global,
 * which Jest copies into every suite's: each suite's entity classes (and all its modules with them) were kept to the end.
 */
function migrate(url) {
  const script = `require('./packages/db/dist').openDatabase(process.argv[1], 2).then((dataSource) => dataSource.destroy())`;
  execFileSync(process.execPath, ['-e', script, url], { cwd: join(__dirname, '..', '..'), stdio: 'inherit' });
}

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
 *
 * `force` cuts the connections still open to them: right for runs that have ended, wrong for the run ending now, whose
 * test processes may still hold a connection a suite failed to close (its clean-up ran out of time, say). Cut, that
 * connection's error is unhandled and kills Jest before it writes any result, so such a database is left instead (and
 * named), and the next run drops it as an ended run's.
 */
async function dropDatabases(admin, shouldDrop, { force = true } = {}) {
  const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX.replaceAll('_', '\\_')}%'`);
  for (const { datname } of rows) {
    const run = runOf(datname);
    if (run === undefined || !shouldDrop(run)) continue;
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}"${force ? ' WITH (FORCE)' : ''}`);
    } catch (error) {
      if (error.code !== OBJECT_IN_USE) throw error;
      console.warn(`${datname} is left for the next run to drop: a test still holds a connection to it`);
    }
  }
}

/** What runs that ended without their teardown (killed, say) left behind. */
function dropDatabasesOfEndedRuns(admin) {
  return dropDatabases(admin, (run) => !isAlive(run));
}

module.exports.withDatabase = withDatabase;
module.exports.dropDatabases = dropDatabases;
module.exports.dropDatabasesOfEndedRuns = dropDatabasesOfEndedRuns;
