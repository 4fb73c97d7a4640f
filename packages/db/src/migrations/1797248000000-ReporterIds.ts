import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each report keeps whose it was when it was made (`reporter_id`), for its pseudonym, which a guest's sign-in to an
 * account then leaves as it was: reports stored before take their volunteer now.
 */
export class ReporterIds1797248000000 implements MigrationInterface {
  name = 'ReporterIds1797248000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_reports" ADD "reporter_id" uuid');
    await queryRunner.query('UPDATE "subject_reports" SET "reporter_id" = "user_id"');
    await queryRunner.query('ALTER TABLE "subject_reports" ALTER COLUMN "reporter_id" SET NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_reports" DROP COLUMN "reporter_id"');
  }
}
