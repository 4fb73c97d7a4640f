import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SubjectSetOrder1796960000000 implements MigrationInterface {
  name = 'SubjectSetOrder1796960000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE INDEX \"subject_set_members_order_idx\" ON \"subject_set_members\"  (\"subject_set_id\", \"position\", \"subject_id\") ");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"subject_set_members_order_idx\"");
  }
}
