/**
 * The timestamp of a new migration: now, or just after the newest migration when that one is stamped later than now
 * (several were stamped ahead of the clock by hand). Migrations run in the order of their timestamps, so a new one must
 * come last.
 */
export function nextMigrationTimestamp(migrationFiles: readonly string[], now: number): number {
  const newest = Math.max(0, ...migrationFiles.map((file) => Number(file.split('-')[0])));
  return Math.max(now, newest + 1000);
}
