import { nextMigrationTimestamp } from '../src/cli/migration-timestamp';

describe('a generated migration', () => {
  const files = ['1795430134753-Initial.ts', '1797410000000-LastUnretirementKept.ts', '1797391000000-PassagesNamed.ts'];

  it('is stamped after the newest migration when that one is stamped ahead of the clock, so it runs last', () => {
    expect(nextMigrationTimestamp(files, 1796436304370)).toBe(1797410001000);
  });

  it('is stamped now when every migration is older', () => {
    expect(nextMigrationTimestamp(files, 1797500000000)).toBe(1797500000000);
  });

  it('is stamped now when there is no migration yet', () => {
    expect(nextMigrationTimestamp([], 1797500000000)).toBe(1797500000000);
  });
});
