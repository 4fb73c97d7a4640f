import type { MigrationInterface, QueryRunner } from 'typeorm';

// As the entity says it (`API_KEY_SCOPE_CHECK`), copied: a migration stays as it ran.
const API_KEY_SCOPE_CHECK = "scope IN ('full', 'read', 'downloads')";

/**
 * What each API key may do (`full`, `read`, `downloads`): keys made before may do all their account may, so they are
 * `full`, the column's default (a constant default: no table rewrite).
 */
export class ApiKeyScopes1797351000000 implements MigrationInterface {
  name = 'ApiKeyScopes1797351000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_keys" ADD "scope" character varying(16) NOT NULL DEFAULT 'full', ADD CONSTRAINT "api_keys_scope" CHECK (${API_KEY_SCOPE_CHECK})`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "api_keys" DROP CONSTRAINT "api_keys_scope", DROP COLUMN "scope"');
  }
}
