import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddLaggingIndex1795433857245 implements MigrationInterface {
  name = 'AddLaggingIndex1795433857245';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE INDEX \"subject_workflow_status_lagging_idx\" ON \"subject_workflow_status\"  (\"updated_at\") WHERE classification_count > aggregated_count");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"subject_workflow_status_lagging_idx\"");
  }
}
