import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The creations asked for with an `Idempotency-Key`, so that a retry creates nothing (a new, small table, built in the migration's transaction). */
export class IdempotentRequests1797343000000 implements MigrationInterface {
  name = 'IdempotentRequests1797343000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"idempotent_requests\" (\"account_id\" uuid NOT NULL, \"route\" character varying(200) NOT NULL, \"key\" character varying(200) NOT NULL, \"request_hash\" character(64) NOT NULL, \"claim\" uuid NOT NULL, \"response\" jsonb, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_581262990f452408ecbf468ef85\" PRIMARY KEY (\"account_id\", \"route\", \"key\"))");
    await queryRunner.query("CREATE INDEX \"idempotent_requests_created_idx\" ON \"idempotent_requests\"  (\"created_at\") ");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"idempotent_requests_created_idx\"");
    await queryRunner.query("DROP TABLE \"idempotent_requests\"");
  }
}
