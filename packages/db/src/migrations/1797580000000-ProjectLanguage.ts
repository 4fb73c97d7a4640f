import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The language a project's researchers write in (BCP 47), which the classifier marks their text with. Those made
 * before were written in English, the only language the lab had: a constant default, so no rewrite of the table.
 */
export class ProjectLanguage1797580000000 implements MigrationInterface {
  name = 'ProjectLanguage1797580000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "projects" ADD "language" character varying(100) NOT NULL DEFAULT 'en'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "projects" DROP COLUMN "language"');
  }
}
