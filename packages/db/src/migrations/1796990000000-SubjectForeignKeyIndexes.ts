import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deleting a subject (its set deleted) makes Postgres look for the rows that refer to it, one subject at a time:
 * without an index on `subject_id` each look reads the whole table.
 */
export class SubjectForeignKeyIndexes1796990000000 implements MigrationInterface {
  name = 'SubjectForeignKeyIndexes1796990000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX "classifications_subject_idx" ON "classifications" ("subject_id") ');
    await queryRunner.query('CREATE INDEX "consensus_subject_idx" ON "consensus" ("subject_id") ');
    await queryRunner.query('CREATE INDEX "subject_workflow_status_subject_idx" ON "subject_workflow_status" ("subject_id") ');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."subject_workflow_status_subject_idx"');
    await queryRunner.query('DROP INDEX "public"."consensus_subject_idx"');
    await queryRunner.query('DROP INDEX "public"."classifications_subject_idx"');
  }
}
