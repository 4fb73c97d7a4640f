import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UserRecentClassifications1796970000000 implements MigrationInterface {
  name = 'UserRecentClassifications1796970000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"classifications_user_workflow_idx\"");
    await queryRunner.query("CREATE INDEX \"classifications_user_recent_idx\" ON \"classifications\"  (\"user_id\", \"workflow_id\", \"created_at\", \"id\") ");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"classifications_user_recent_idx\"");
    await queryRunner.query("CREATE INDEX \"classifications_user_workflow_idx\" ON \"classifications\" (\"user_id\", \"workflow_id\") ");
  }
}
