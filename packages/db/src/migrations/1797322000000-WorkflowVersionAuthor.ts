import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who saved each workflow version, for its history in the lab (null: saved before it was recorded). */
export class WorkflowVersionAuthor1797322000000 implements MigrationInterface {
  name = 'WorkflowVersionAuthor1797322000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "workflow_versions" ADD "created_by" uuid');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "workflow_versions" DROP COLUMN "created_by"');
  }
}
