import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When each account last changed its email, so that a password-reset link from before it stops working. */
export class EmailChangedAt1797080000000 implements MigrationInterface {
  name = 'EmailChangedAt1797080000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"users\" ADD \"email_changed_at\" TIMESTAMP WITH TIME ZONE");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"users\" DROP COLUMN \"email_changed_at\"");
  }
}
