import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first characters of each new API key's secret (`chorus_AbC1`), kept so that its owner can tell which key a script
 * holds; keys made before have none (their secrets were never kept). A nullable column: no table rewrite.
 */
export class ApiKeyPrefixes1797350000000 implements MigrationInterface {
  name = 'ApiKeyPrefixes1797350000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "api_keys" ADD "prefix" character varying(16)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "api_keys" DROP COLUMN "prefix"');
  }
}
