import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Project webhooks: the addresses researchers registered, and each event for each, kept until delivered or given up on. */
export class Webhooks1797930000000 implements MigrationInterface {
  name = 'Webhooks1797930000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"webhooks\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"project_id\" uuid NOT NULL, \"url\" character varying(2000) NOT NULL, \"events\" text array NOT NULL, \"secret\" character varying(64) NOT NULL, \"created_by\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_9e8795cfc899ab7bdaa831e8527\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"webhooks_project_idx\" ON \"webhooks\"  (\"project_id\", \"created_at\") ");
    await queryRunner.query("CREATE TABLE \"webhook_deliveries\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"webhook_id\" uuid NOT NULL, \"event\" character varying(32) NOT NULL, \"data\" jsonb NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"attempts\" integer NOT NULL DEFAULT '0', \"status_code\" integer, \"error\" text, \"attempted_at\" TIMESTAMP WITH TIME ZONE, \"delivered_at\" TIMESTAMP WITH TIME ZONE, \"failed_at\" TIMESTAMP WITH TIME ZONE, \"claimed_until\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_535dd409947fb6d8fc6dfc0112a\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"webhook_deliveries_waiting_idx\" ON \"webhook_deliveries\"  (\"created_at\") WHERE delivered_at IS NULL AND failed_at IS NULL");
    await queryRunner.query("CREATE INDEX \"webhook_deliveries_recent_idx\" ON \"webhook_deliveries\"  (\"webhook_id\", \"created_at\", \"id\") ");
    await queryRunner.query("ALTER TABLE \"webhooks\" ADD CONSTRAINT \"FK_8b545b4c86913152b9da6e04b08\" FOREIGN KEY (\"project_id\") REFERENCES \"projects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"webhooks\" ADD CONSTRAINT \"FK_eb68180d7bcb926c84b0cafb447\" FOREIGN KEY (\"created_by\") REFERENCES \"users\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"webhook_deliveries\" ADD CONSTRAINT \"FK_a0286aeb96db651efd1ae2966f2\" FOREIGN KEY (\"webhook_id\") REFERENCES \"webhooks\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"webhook_deliveries\" DROP CONSTRAINT \"FK_a0286aeb96db651efd1ae2966f2\"");
    await queryRunner.query("ALTER TABLE \"webhooks\" DROP CONSTRAINT \"FK_eb68180d7bcb926c84b0cafb447\"");
    await queryRunner.query("ALTER TABLE \"webhooks\" DROP CONSTRAINT \"FK_8b545b4c86913152b9da6e04b08\"");
    await queryRunner.query("DROP INDEX \"public\".\"webhook_deliveries_recent_idx\"");
    await queryRunner.query("DROP INDEX \"public\".\"webhook_deliveries_waiting_idx\"");
    await queryRunner.query("DROP TABLE \"webhook_deliveries\"");
    await queryRunner.query("DROP INDEX \"public\".\"webhooks_project_idx\"");
    await queryRunner.query("DROP TABLE \"webhooks\"");
  }
}
