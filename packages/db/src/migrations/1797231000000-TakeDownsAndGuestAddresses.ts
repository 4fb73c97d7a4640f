import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators' take-downs of projects (with their reason), and the address each guest was made from, whose guests'
 * holds in a workflow are limited together: new nullable columns, and a partial index of none yet.
 */
export class TakeDownsAndGuestAddresses1797231000000 implements MigrationInterface {
  name = 'TakeDownsAndGuestAddresses1797231000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"users\" ADD \"guest_address\" character varying(64)");
    await queryRunner.query("ALTER TABLE \"projects\" ADD \"taken_down_at\" TIMESTAMP WITH TIME ZONE");
    await queryRunner.query("ALTER TABLE \"projects\" ADD \"taken_down_reason\" character varying(1000)");
    await queryRunner.query("CREATE INDEX \"users_guest_address_idx\" ON \"users\"  (\"guest_address\") WHERE guest_address IS NOT NULL");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"users_guest_address_idx\"");
    await queryRunner.query("ALTER TABLE \"projects\" DROP COLUMN \"taken_down_reason\"");
    await queryRunner.query("ALTER TABLE \"projects\" DROP COLUMN \"taken_down_at\"");
    await queryRunner.query("ALTER TABLE \"users\" DROP COLUMN \"guest_address\"");
  }
}
