import type { MigrationInterface, QueryRunner } from 'typeorm';

export class GoldStandardOnHotRow1796038980497 implements MigrationInterface {
  name = 'GoldStandardOnHotRow1796038980497';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"subject_workflow_status\" ADD \"gold_standard\" boolean NOT NULL DEFAULT false");
    // Backfill (written by hand): the subjects that already have a known answer.
    await queryRunner.query(
      "UPDATE subject_workflow_status st SET gold_standard = true FROM subjects s WHERE s.id = st.subject_id AND s.gold_standard IS NOT NULL",
    );
    await queryRunner.query("CREATE INDEX \"subject_workflow_status_gold_idx\" ON \"subject_workflow_status\"  (\"workflow_id\", \"random\") WHERE retired_at IS NULL AND gold_standard");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"subject_workflow_status_gold_idx\"");
    await queryRunner.query("ALTER TABLE \"subject_workflow_status\" DROP COLUMN \"gold_standard\"");
  }
}
