/**
 * The test run's own clean-up on a Postgres server it shares: it drops the databases that ended runs left behind, and
 * no other database, however close its name.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

const { dropDatabases, dropDatabasesOfEndedRuns, withDatabase } = require('../support/global-setup') as {
  dropDatabases: (admin: Client, shouldDrop: (run: string) => boolean, options?: { force?: boolean }) => Promise<void>;
  dropDatabasesOfEndedRuns: (admin: Client) => Promise<void>;
  withDatabase: (url: string, name: string) => string;
};

/** Above any pid Linux hands out (at most 4,194,304): a run that has surely ended. */
const ENDED_RUN = '999999999';
const suffix = randomUUID().replace(/-/g, '').slice(0, 12);
const LEFT_BEHIND = `chorus_test_${ENDED_RUN}_${suffix}`;
/**
 * A database of a run ending now, which a test still holds. Not this run's: its teardown-like clean-up would drop every
 * database of the run. pid 1 is always alive, so the ended runs' clean-up keeps it.
 */
const ENDING_RUN = '1';
const STILL_HELD = `chorus_test_${ENDING_RUN}_${suffix}`;
const NOT_TESTS = [`chorus_testing_${suffix}`, `chorus_tester_${suffix}`, `chorus_test_x${suffix}_a`, `chorus_testXdb_${suffix}`];

let admin: Client;

beforeAll(async () => {
  admin = new Client({ connectionString: withDatabase(process.env.CHORUS_TEST_DATABASE_URL as string, 'postgres') });
  await admin.connect();
  for (const name of [LEFT_BEHIND, STILL_HELD, ...NOT_TESTS]) await admin.query(`CREATE DATABASE "${name}"`);
});

afterAll(async () => {
  for (const name of [LEFT_BEHIND, STILL_HELD, ...NOT_TESTS]) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
});

async function existing(names: string[]): Promise<string[]> {
  const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1)', [names]);
  return rows.map((row) => row.datname).sort();
}

it("drops an ended run's databases and keeps databases whose names only look like a test's", async () => {
  await dropDatabasesOfEndedRuns(admin);
  expect(await existing([LEFT_BEHIND])).toEqual([]);
  expect(await existing(NOT_TESTS)).toEqual([...NOT_TESTS].sort());
});

it('keeps the databases of this run, which is alive', async () => {
  await dropDatabasesOfEndedRuns(admin);
  expect(await existing([process.env.CHORUS_TEST_TEMPLATE as string])).toEqual([process.env.CHORUS_TEST_TEMPLATE]);
});

it("leaves, at the run's end, a database a test still holds a connection to, without cutting it (a cut connection would kill Jest before it reports), and drops it once let go", async () => {
  const holder = new Client({ connectionString: withDatabase(process.env.CHORUS_TEST_DATABASE_URL as string, STILL_HELD) });
  await holder.connect();
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    await dropDatabases(admin, (run) => run === ENDING_RUN, { force: false });
    expect(await existing([STILL_HELD])).toEqual([STILL_HELD]);
    expect((await holder.query('SELECT 1 AS answer')).rows).toEqual([{ answer: 1 }]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(STILL_HELD));
  } finally {
    warn.mockRestore();
    await holder.end();
  }
  await dropDatabases(admin, (run) => run === ENDING_RUN, { force: false });
  expect(await existing([STILL_HELD])).toEqual([]);
});
