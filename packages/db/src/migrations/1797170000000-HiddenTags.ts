import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Proposed tags that moderators and researchers hid from volunteers: a new table, small (a hiding is rare), so built in
 * the migration's transaction.
 */
export class HiddenTags1797170000000 implements MigrationInterface {
  name = 'HiddenTags1797170000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"hidden_tags\" (\"workflow_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"task\" character varying(64) NOT NULL, \"tag\" text NOT NULL, \"hidden_by\" uuid NOT NULL, \"reason\" text, \"hidden_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_0583c8b7e250567244ef36ca550\" PRIMARY KEY (\"workflow_id\", \"subject_id\", \"task\", \"tag\"))");
    await queryRunner.query("CREATE INDEX \"hidden_tags_subject_idx\" ON \"hidden_tags\"  (\"subject_id\") ");
    await queryRunner.query("ALTER TABLE \"hidden_tags\" ADD CONSTRAINT \"FK_be654f6432b4d8183a18ffd1dd5\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"hidden_tags\" ADD CONSTRAINT \"FK_21bbb2f6edb5a1b413bee9f2cdc\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"hidden_tags\" DROP CONSTRAINT \"FK_21bbb2f6edb5a1b413bee9f2cdc\"");
    await queryRunner.query("ALTER TABLE \"hidden_tags\" DROP CONSTRAINT \"FK_be654f6432b4d8183a18ffd1dd5\"");
    await queryRunner.query("DROP INDEX \"public\".\"hidden_tags_subject_idx\"");
    await queryRunner.query("DROP TABLE \"hidden_tags\"");
  }
}
