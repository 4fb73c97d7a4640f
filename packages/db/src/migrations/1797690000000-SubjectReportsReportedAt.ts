import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each subject report was last made (`reported_at`): at first, or again with other words while open, or after a
 * dismissal, as a comment report's; `created_at` stays the first report, the list's order. Filled for the reports
 * before with the latest time they keep of it: an open report whose volunteer still has their account last moved
 * `updated_at` by being made again (a dismissal is followed by the reopening that moved it after; an erasure deletes the
 * account), any other its creation (a report made again before a dismissal kept no time of it). An open report a
 * guest's sign-in carried into an account under the releases from 13a8708c to before b309284c (which stamped
 * `updated_at` on a carried report) takes the carry's time instead, later than its volunteer's: accepted, as no row
 * tells the carry's stamp from a report made again. During a rolling deploy, the instances of the release before move
 * `updated_at` of a report made again but not `reported_at`, which keeps its time before until it is made again here.
 * A small table, so the fill's rewrite is done in the migration's transaction.
 */
export class SubjectReportsReportedAt1797690000000 implements MigrationInterface {
  name = 'SubjectReportsReportedAt1797690000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_reports" ADD "reported_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()');
    await queryRunner.query(`UPDATE subject_reports r SET reported_at = CASE
        WHEN r.dismissed_at IS NULL AND r.updated_at IS NOT NULL AND u.kind <> 'deleted' THEN greatest(r.created_at, r.updated_at)
        ELSE r.created_at END
      FROM users u WHERE u.id = r.user_id`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_reports" DROP COLUMN "reported_at"');
  }
}
