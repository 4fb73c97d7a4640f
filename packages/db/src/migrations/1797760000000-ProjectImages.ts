import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A project's image (its cards and its page show it) and the words that describe it to those who cannot see it: both
 * null until its researchers set one. Two nullable columns: no table rewrite.
 */
export class ProjectImages1797760000000 implements MigrationInterface {
  name = 'ProjectImages1797760000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "projects" ADD "image_url" character varying(2000), ADD "image_alt" character varying(1000)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "projects" DROP COLUMN "image_url", DROP COLUMN "image_alt"');
  }
}
