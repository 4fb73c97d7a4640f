import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Subjects' discussions (Talk): volunteers' comments, their hashtags, and moderators' hidings (a new, small table). */
export class SubjectComments1797370000000 implements MigrationInterface {
  name = 'SubjectComments1797370000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"subject_comments\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"project_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"user_id\" uuid NOT NULL, \"body\" text NOT NULL, \"hashtags\" text array NOT NULL DEFAULT '{}', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"edited_at\" TIMESTAMP WITH TIME ZONE, \"hidden_at\" TIMESTAMP WITH TIME ZONE, \"hidden_by\" uuid, \"hidden_reason\" text, CONSTRAINT \"PK_f3ad6ae15222d93b3c2c0e0a4f9\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"subject_comments_user_idx\" ON \"subject_comments\"  (\"user_id\") ");
    await queryRunner.query("CREATE INDEX \"subject_comments_project_recent_idx\" ON \"subject_comments\"  (\"project_id\", \"created_at\", \"id\") ");
    await queryRunner.query("CREATE INDEX \"subject_comments_subject_idx\" ON \"subject_comments\"  (\"subject_id\", \"created_at\", \"id\") ");
    await queryRunner.query("ALTER TABLE \"subject_comments\" ADD CONSTRAINT \"FK_d4e78434fed407e218825e2dc63\" FOREIGN KEY (\"project_id\") REFERENCES \"projects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"subject_comments\" ADD CONSTRAINT \"FK_56938bc9c0a65fe0a3cc6ddb8cb\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"subject_comments\" ADD CONSTRAINT \"FK_de83e049234a71e75487ec85234\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"subject_comments\" DROP CONSTRAINT \"FK_de83e049234a71e75487ec85234\"");
    await queryRunner.query("ALTER TABLE \"subject_comments\" DROP CONSTRAINT \"FK_56938bc9c0a65fe0a3cc6ddb8cb\"");
    await queryRunner.query("ALTER TABLE \"subject_comments\" DROP CONSTRAINT \"FK_d4e78434fed407e218825e2dc63\"");
    await queryRunner.query("DROP INDEX \"public\".\"subject_comments_subject_idx\"");
    await queryRunner.query("DROP INDEX \"public\".\"subject_comments_project_recent_idx\"");
    await queryRunner.query("DROP INDEX \"public\".\"subject_comments_user_idx\"");
    await queryRunner.query("DROP TABLE \"subject_comments\"");
  }
}
