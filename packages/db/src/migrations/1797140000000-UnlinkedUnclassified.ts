import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hot rows kept, retired as `unlinked`, only because a volunteer held their subject when its set was unlinked:
 * the reconciler finds them here, and removes them once the hold has ended unanswered.
 */
export class UnlinkedUnclassified1797140000000 implements MigrationInterface {
  name = 'UnlinkedUnclassified1797140000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "subject_workflow_status_unlinked_unclassified_idx" ON "subject_workflow_status" ("workflow_id", "subject_id") WHERE retirement_reason = 'unlinked' AND classification_count = 0`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."subject_workflow_status_unlinked_unclassified_idx"');
  }
}
