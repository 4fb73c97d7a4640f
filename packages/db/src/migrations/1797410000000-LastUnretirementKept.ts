import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The last time a subject was unretired by hand (when, by whom, their role, their words), in columns of its own, so
 * that a later retirement, which replaces `retirement_detail`, no longer loses it (tester round 23 F7). New columns
 * without a default (no rewrite); the subjects unretired now get the note and the researcher their detail kept, not
 * the moment nor the role, which Chorus did not keep. Undone, the columns go and the detail is as it was.
 */
export class LastUnretirementKept1797410000000 implements MigrationInterface {
  name = 'LastUnretirementKept1797410000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "subject_workflow_status" ADD "unretired_at" TIMESTAMP WITH TIME ZONE, ADD "unretired_by" uuid, ADD "unretired_by_role" character varying(16), ADD "unretirement_note" text',
    );
    await queryRunner.query(
      `UPDATE subject_workflow_status SET unretirement_note = retirement_detail->>'unretired', unretired_by = (retirement_detail->>'by')::uuid
       WHERE retired_at IS NULL AND retirement_detail ? 'unretired'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "subject_workflow_status" DROP COLUMN "unretired_at", DROP COLUMN "unretired_by", DROP COLUMN "unretired_by_role", DROP COLUMN "unretirement_note"',
    );
  }
}
