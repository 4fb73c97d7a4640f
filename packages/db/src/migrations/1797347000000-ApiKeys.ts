import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Personal API keys: a digest of each secret, its account, name, expiry, last use and revocation (a new, small table, built in the migration's transaction). */
export class ApiKeys1797347000000 implements MigrationInterface {
  name = 'ApiKeys1797347000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"api_keys\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"user_id\" uuid NOT NULL, \"name\" character varying(100) NOT NULL, \"hash\" character varying(64) NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"expires_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"last_used_at\" TIMESTAMP WITH TIME ZONE, \"revoked_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_5c8a79801b44bd27b79228e1dad\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"api_keys_hash_key\" ON \"api_keys\"  (\"hash\") ");
    await queryRunner.query("CREATE INDEX \"api_keys_user_idx\" ON \"api_keys\"  (\"user_id\", \"created_at\") ");
    await queryRunner.query("ALTER TABLE \"api_keys\" ADD CONSTRAINT \"FK_a3baee01d8408cd3c0f89a9a973\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"api_keys\" DROP CONSTRAINT \"FK_a3baee01d8408cd3c0f89a9a973\"");
    await queryRunner.query("DROP INDEX \"public\".\"api_keys_user_idx\"");
    await queryRunner.query("DROP INDEX \"public\".\"api_keys_hash_key\"");
    await queryRunner.query("DROP TABLE \"api_keys\"");
  }
}
