import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Since when a workflow has been complete (or finished), as the worker found it when it started the whole run that
 * completion calls for (null while it is not, so that completing again starts another); and why Chorus started a run.
 */
export class CompletionReaggregation1797237000000 implements MigrationInterface {
  name = 'CompletionReaggregation1797237000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "workflows" ADD "completed_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "reaggregation_runs" ADD "reason" character varying(16)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "reaggregation_runs" DROP COLUMN "reason"');
    await queryRunner.query('ALTER TABLE "workflows" DROP COLUMN "completed_at"');
  }
}
