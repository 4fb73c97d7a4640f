import type { QueryRunner } from 'typeorm';

/** An index to build: its name, its table, the rest of its definition (its columns, and any `WHERE`), and whether unique. */
export type IndexBuilt = readonly [name: string, table: string, definition: string, kind?: 'unique'];

/**
 * Builds indexes `CONCURRENTLY` (in a migration with `transaction = false`), so that the tables keep taking writes
 * while they build (a plain build holds off every write to the table until it ends), replacing any that an
 * interrupted build left invalid under the same name, which would never be used.
 */
export async function buildIndexesConcurrently(queryRunner: QueryRunner, indexes: readonly IndexBuilt[]): Promise<void> {
  for (const [index, table, definition, kind] of indexes) {
    const [{ invalid }]: { invalid: boolean }[] = await queryRunner.query(
      'SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1 AND NOT i.indisvalid) AS invalid',
      [index],
    );
    if (invalid) await queryRunner.query(`DROP INDEX CONCURRENTLY "${index}"`);
    await queryRunner.query(`CREATE ${kind === 'unique' ? 'UNIQUE ' : ''}INDEX CONCURRENTLY IF NOT EXISTS "${index}" ON "${table}" ${definition}`);
  }
}

export async function dropIndexesConcurrently(queryRunner: QueryRunner, indexes: readonly IndexBuilt[]): Promise<void> {
  for (const [index] of [...indexes].reverse()) await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS "public"."${index}"`);
}
