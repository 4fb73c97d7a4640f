import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Sessions signed out of on one device, kept until their tokens expire (a new, small table, built in the migration's transaction). */
export class EndedSessions1797235000000 implements MigrationInterface {
  name = 'EndedSessions1797235000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"ended_sessions\" (\"session_id\" uuid NOT NULL, \"expires_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_939cab093d4125ab9a3b3284711\" PRIMARY KEY (\"session_id\"))");
    await queryRunner.query("CREATE INDEX \"ended_sessions_expires_idx\" ON \"ended_sessions\"  (\"expires_at\") ");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"ended_sessions_expires_idx\"");
    await queryRunner.query("DROP TABLE \"ended_sessions\"");
  }
}
