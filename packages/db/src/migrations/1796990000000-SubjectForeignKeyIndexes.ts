import type { MigrationInterface, QueryRunner } from 'typeorm';

const INDEXES = [
  ['classifications_subject_idx', 'classifications'],
  ['consensus_subject_idx', 'consensus'],
  ['subject_workflow_status_subject_idx', 'subject_workflow_status'],
] as const;

/**
 * Deleting a subject (its set deleted) makes Postgres look for the rows that refer to it, one subject at a time:
 * without an index on `subject_id` each look reads the whole table. Built `CONCURRENTLY`, outside a transaction, so
 * that a project with millions of classifications keeps taking them while it builds (a plain build holds off every
 * write to the table until it ends).
 */
export class SubjectForeignKeyIndexes1796990000000 implements MigrationInterface {
  name = 'SubjectForeignKeyIndexes1796990000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [index, table] of INDEXES) {
      // A concurrent build that was interrupted leaves an invalid index of that name, which would never be used.
      const [{ invalid }]: { invalid: boolean }[] = await queryRunner.query(
        'SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1 AND NOT i.indisvalid) AS invalid',
        [index],
      );
      if (invalid) await queryRunner.query(`DROP INDEX CONCURRENTLY "${index}"`);
      await queryRunner.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS "${index}" ON "${table}" ("subject_id")`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [index] of [...INDEXES].reverse()) await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS "public"."${index}"`);
  }
}
