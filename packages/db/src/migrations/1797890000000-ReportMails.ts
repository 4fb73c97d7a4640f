import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Moderators learn of reports by mail: whether an account is mailed when a volunteer reports a comment or subject in a
 * project it moderates, and when a member was last mailed of its project's reports (null: never), so that it is mailed
 * at most once an hour per project. Accounts made from now on are mailed (their settings turn it off); of the accounts
 * there already, only those that moderate or research a project now (`MODERATION_ROLES`), who took on that work:
 * nobody else is sent a mail they never asked for. Constant defaults, a nullable column and those accounts' rows alone
 * updated: no rewrite of either table. Partial indexes of the open reports, which the moderators' counts read rather than every report made.
 */
export class ReportMails1797890000000 implements MigrationInterface {
  name = 'ReportMails1797890000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD "report_mails" boolean NOT NULL DEFAULT false');
    await queryRunner.query("UPDATE \"users\" SET \"report_mails\" = true WHERE \"id\" IN (SELECT \"user_id\" FROM \"project_members\" WHERE \"role\" IN ('owner', 'collaborator', 'scientist', 'moderator'))");
    await queryRunner.query('ALTER TABLE "users" ALTER COLUMN "report_mails" SET DEFAULT true');
    await queryRunner.query('ALTER TABLE "project_members" ADD "reports_mailed_at" timestamptz');
    await queryRunner.query('CREATE INDEX "comment_reports_open_idx" ON "comment_reports" ("project_id", "comment_id") WHERE dismissed_at IS NULL');
    await queryRunner.query('CREATE INDEX "subject_reports_open_idx" ON "subject_reports" ("workflow_id", "subject_id") WHERE dismissed_at IS NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."subject_reports_open_idx"');
    await queryRunner.query('DROP INDEX "public"."comment_reports_open_idx"');
    await queryRunner.query('ALTER TABLE "project_members" DROP COLUMN "reports_mailed_at"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "report_mails"');
  }
}
