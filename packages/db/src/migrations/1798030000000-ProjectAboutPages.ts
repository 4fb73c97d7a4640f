import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A project's About pages (research, team, results, education, faq): one row per page with content, written by its
 * administrators; emptying a page deletes its row. A new table, built in the migration's transaction.
 */
export class ProjectAboutPages1798030000000 implements MigrationInterface {
  name = 'ProjectAboutPages1798030000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "project_about_pages" (
      "project_id" uuid NOT NULL REFERENCES "projects"("id") ON DELETE CASCADE,
      "kind" character varying(16) NOT NULL CHECK ("kind" IN ('research', 'team', 'results', 'education', 'faq')),
      "content" text NOT NULL,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "project_about_pages_pkey" PRIMARY KEY ("project_id", "kind"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "project_about_pages"');
  }
}
