import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each account's token generation: a token carries the generation it was issued in, and one from an earlier
 * generation is refused, so that changing the password, signing out everywhere or deleting the account ends every
 * token issued before. A constant default: no table rewrite.
 */
export class AccountTokenGeneration1797020000000 implements MigrationInterface {
  name = 'AccountTokenGeneration1797020000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD "token_generation" integer NOT NULL DEFAULT 0');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "token_generation"');
  }
}
