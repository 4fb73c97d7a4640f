import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The retirement the last unretirement by hand undid (its reason, when, and for one by hand the words, who and in
 * which role), kept beside the unretirement's own columns: an unretirement clears the retirement's, and a moderator's
 * retirement of a reported subject (personal data on a label) must stay on the record once a researcher puts the
 * subject back (tester round 25). A new column without a default (no rewrite); those unretired before have none.
 */
export class UnretiredRetirementKept1797540000000 implements MigrationInterface {
  name = 'UnretiredRetirementKept1797540000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_workflow_status" ADD "unretired_retirement" jsonb');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_workflow_status" DROP COLUMN "unretired_retirement"');
  }
}
