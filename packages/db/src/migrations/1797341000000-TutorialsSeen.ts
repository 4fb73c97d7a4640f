import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The workflows whose tutorial each account has seen, so that none shows again on another device (a small table, built in the migration's transaction). */
export class TutorialsSeen1797341000000 implements MigrationInterface {
  name = 'TutorialsSeen1797341000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"tutorials_seen\" (\"user_id\" uuid NOT NULL, \"workflow_id\" uuid NOT NULL, \"seen_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_d4e2dd6265fc462463e0cf34a7d\" PRIMARY KEY (\"user_id\", \"workflow_id\"))");
    await queryRunner.query("CREATE INDEX \"tutorials_seen_workflow_idx\" ON \"tutorials_seen\"  (\"workflow_id\") ");
    await queryRunner.query("ALTER TABLE \"tutorials_seen\" ADD CONSTRAINT \"FK_d87a5299ef2ac8928e7024212eb\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"tutorials_seen\" ADD CONSTRAINT \"FK_500615435ceffb37507d95f3e25\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"tutorials_seen\" DROP CONSTRAINT \"FK_500615435ceffb37507d95f3e25\"");
    await queryRunner.query("ALTER TABLE \"tutorials_seen\" DROP CONSTRAINT \"FK_d87a5299ef2ac8928e7024212eb\"");
    await queryRunner.query("DROP INDEX \"public\".\"tutorials_seen_workflow_idx\"");
    await queryRunner.query("DROP TABLE \"tutorials_seen\"");
  }
}
