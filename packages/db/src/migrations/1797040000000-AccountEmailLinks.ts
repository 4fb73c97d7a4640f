import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether an account's email is its owner's (proved by opening a link mailed to it), when the last such link was
 * mailed (at most one a minute), and the email a change waits to make. Accounts made before this have an unverified
 * email until they verify it.
 */
export class AccountEmailLinks1797040000000 implements MigrationInterface {
  name = 'AccountEmailLinks1797040000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD "email_verified_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "users" ADD "link_mailed_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "users" ADD "pending_email" character varying(320)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "pending_email"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "link_mailed_at"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "email_verified_at"');
  }
}
