import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hidings of proposed tags undone (shown to volunteers again), each with the hiding it ended: a new table, small (an
 * undoing is rarer than a hiding), so built in the migration's transaction.
 */
export class UnhiddenTags1797221000000 implements MigrationInterface {
  name = 'UnhiddenTags1797221000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"unhidden_tags\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"workflow_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"task\" character varying(64) NOT NULL, \"tag\" text NOT NULL, \"hidden_by\" uuid NOT NULL, \"reason\" text, \"hidden_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"unhidden_by\" uuid NOT NULL, \"unhidden_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_debe7837f5f003fa3dc667f06ed\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"unhidden_tags_subject_idx\" ON \"unhidden_tags\"  (\"subject_id\") ");
    await queryRunner.query("CREATE INDEX \"unhidden_tags_workflow_idx\" ON \"unhidden_tags\"  (\"workflow_id\", \"subject_id\") ");
    await queryRunner.query("ALTER TABLE \"unhidden_tags\" ADD CONSTRAINT \"FK_4ff38725f225641e437f344206f\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"unhidden_tags\" ADD CONSTRAINT \"FK_7e9045676121c5baf13640a90b1\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"unhidden_tags\" DROP CONSTRAINT \"FK_7e9045676121c5baf13640a90b1\"");
    await queryRunner.query("ALTER TABLE \"unhidden_tags\" DROP CONSTRAINT \"FK_4ff38725f225641e437f344206f\"");
    await queryRunner.query("DROP INDEX \"public\".\"unhidden_tags_workflow_idx\"");
    await queryRunner.query("DROP INDEX \"public\".\"unhidden_tags_subject_idx\"");
    await queryRunner.query("DROP TABLE \"unhidden_tags\"");
  }
}
