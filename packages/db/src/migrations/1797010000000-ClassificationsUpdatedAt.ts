import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ClassificationsUpdatedAt1797010000000 implements MigrationInterface {
  name = 'ClassificationsUpdatedAt1797010000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "classifications" ADD "updated_at" TIMESTAMP WITH TIME ZONE');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "classifications" DROP COLUMN "updated_at"');
  }
}
