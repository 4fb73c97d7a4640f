import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddCountedCount1795436939154 implements MigrationInterface {
  name = 'AddCountedCount1795436939154';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"subject_workflow_status\" ADD \"counted_count\" integer NOT NULL DEFAULT '0'");
    // Backfill (written by hand): what already counts toward retirement.
    await queryRunner.query(
      "UPDATE subject_workflow_status st SET counted_count = c.n FROM (SELECT workflow_id, subject_id, count(*) FILTER (WHERE NOT (gold_standard OR after_retirement))::int AS n FROM classifications GROUP BY workflow_id, subject_id) c WHERE st.workflow_id = c.workflow_id AND st.subject_id = c.subject_id",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"subject_workflow_status\" DROP COLUMN \"counted_count\"");
  }
}
