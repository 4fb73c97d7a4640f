import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a project publishes its retired subjects' results to volunteers and the public (off until its administrators
 * turn it on). A constant default: no table rewrite.
 */
export class ProjectResultsPublic1797790000000 implements MigrationInterface {
  name = 'ProjectResultsPublic1797790000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "projects" ADD "results_public" boolean NOT NULL DEFAULT false');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "projects" DROP COLUMN "results_public"');
  }
}
