import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A report a moderator or researcher dismissed (handled: the subject stays served), when, by whom (their user id, kept
 * as a retirement by hand keeps it, without a foreign key) and with their optional note (tester round 26 F4). New
 * columns without defaults (no rewrite); every report stored before is open.
 */
export class SubjectReportDismissals1797610000000 implements MigrationInterface {
  name = 'SubjectReportDismissals1797610000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_reports" ADD "dismissed_at" timestamptz, ADD "dismissed_by" uuid, ADD "dismissal_note" text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_reports" DROP COLUMN "dismissal_note", DROP COLUMN "dismissed_by", DROP COLUMN "dismissed_at"');
  }
}
