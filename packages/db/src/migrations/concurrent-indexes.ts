import type { QueryRunner } from 'typeorm';

/** An index to build: its name, its table, the rest of its definition (its columns, and any `WHERE`), and whether unique. */
export type IndexBuilt = readonly [name: string, table: string, definition: string, kind?: 'unique'];

/**
 * Builds indexes `CONCURRENTLY` (in a migration with `transaction = false`), so that the tables keep taking writes
 * while they build (a plain build holds off every write to the table until it ends), replacing any that an
 * interrupted build left invalid under the same name, which would never be used.
 */
export async function buildIndexesConcurrently(queryRunner: QueryRunner, indexes: readonly IndexBuilt[]): Promise<void> {
  await withoutLockTimeout(queryRunner, () => buildEach(queryRunner, indexes));
}

export async function dropIndexesConcurrently(queryRunner: QueryRunner, indexes: readonly IndexBuilt[]): Promise<void> {
  await withoutLockTimeout(queryRunner, async () => {
    for (const [index] of [...indexes].reverse()) await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS "public"."${index}"`);
  });
}

/**
 * Waits as long as the transactions before it take (migrations otherwise give up a lock after a moment): a concurrent
 * build or drop holds off no writer meanwhile, and one given up would leave an invalid index to build again, waiting as long.
 */
async function withoutLockTimeout(queryRunner: QueryRunner, work: () => Promise<void>): Promise<void> {
  const [{ lock_timeout: lockTimeout }]: { lock_timeout: string }[] = await queryRunner.query('SHOW lock_timeout');
  await queryRunner.query('SET lock_timeout = 0');
  try {
    await work();
  } finally {
    await queryRunner.query(`SET lock_timeout = '${lockTimeout}'`);
  }
}

async function buildEach(queryRunner: QueryRunner, indexes: readonly IndexBuilt[]): Promise<void> {
  for (const [index, table, definition, kind] of indexes) {
    const [{ invalid }]: { invalid: boolean }[] = await queryRunner.query(
      'SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1 AND NOT i.indisvalid) AS invalid',
      [index],
    );
    if (invalid) await queryRunner.query(`DROP INDEX CONCURRENTLY "${index}"`);
    await queryRunner.query(`CREATE ${kind === 'unique' ? 'UNIQUE ' : ''}INDEX CONCURRENTLY IF NOT EXISTS "${index}" ON "${table}" ${definition}`);
  }
}
