import { createTestDatabase, testDatabaseName, withDatabase } from '../../../test/support/services';
import { openDatabase, pendingSchemaChanges } from '../src';

describe('migrations', () => {
  it('leave nothing between the entities and the database (run `pnpm migration:generate <Name>` when this fails)', async () => {
    const database = await createTestDatabase();
    const dataSource = await openDatabase(database.url, 2);
    try {
      const { up } = await pendingSchemaChanges(dataSource);
      expect(up).toEqual([]);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });

  it('run once when several processes start together', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    const sources = await Promise.all([openDatabase(url, 1), openDatabase(url, 1), openDatabase(url, 1)]);
    try {
      const [{ count }] = await sources[0]!.query('SELECT count(*)::int AS count FROM migrations');
      expect(count).toBe(sources[0]!.migrations.length);
      expect(count).toBeGreaterThan(0);
    } finally {
      await Promise.all(sources.map((source) => source.destroy()));
    }
  });
});
