import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Moderators learn of reports by mail: whether an account is mailed when a volunteer reports a comment or subject in a
 * project it moderates (on for every account, as a moderator must hear of them; its settings turn it off), and when a
 * member was last mailed of its project's reports (null: never), so that it is mailed at most once an hour per project.
 * Constant defaults and a nullable column: no rewrite of either table.
 */
export class ReportMails1797890000000 implements MigrationInterface {
  name = 'ReportMails1797890000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD "report_mails" boolean NOT NULL DEFAULT true');
    await queryRunner.query('ALTER TABLE "project_members" ADD "reports_mailed_at" timestamptz');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "project_members" DROP COLUMN "reports_mailed_at"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "report_mails"');
  }
}
