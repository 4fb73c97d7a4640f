import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The language an account's mails are worded in (`en`, `fr`: `LANGUAGES` of @chorus/client). Null, English, for the
 * accounts made before, which were all mailed in English: no rewrite of the table.
 */
export class AccountLanguage1797655000000 implements MigrationInterface {
  name = 'AccountLanguage1797655000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD "language" character varying(8)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "language"');
  }
}
