import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Volunteers' reports of comments to their project's moderators, one per account and comment (a new, small table). */
export class CommentReports1797630000000 implements MigrationInterface {
  name = 'CommentReports1797630000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"comment_reports\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"comment_id\" uuid NOT NULL, \"project_id\" uuid NOT NULL, \"user_id\" uuid NOT NULL, \"reason\" character varying(32) NOT NULL, \"note\" text, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"reported_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"dismissed_at\" TIMESTAMP WITH TIME ZONE, \"dismissed_by\" uuid, \"dismissal_note\" text, CONSTRAINT \"PK_61b98c6ce36db288146bba85d29\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"comment_reports_user_idx\" ON \"comment_reports\"  (\"user_id\") ");
    await queryRunner.query("CREATE INDEX \"comment_reports_project_idx\" ON \"comment_reports\"  (\"project_id\", \"created_at\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"comment_reports_once_per_account_key\" ON \"comment_reports\"  (\"comment_id\", \"user_id\") ");
    await queryRunner.query("ALTER TABLE \"comment_reports\" ADD CONSTRAINT \"FK_45a6086948851a5e791f1b7964f\" FOREIGN KEY (\"comment_id\") REFERENCES \"subject_comments\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"comment_reports\" ADD CONSTRAINT \"FK_3b3434056f25d37b232c8d546aa\" FOREIGN KEY (\"project_id\") REFERENCES \"projects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"comment_reports\" ADD CONSTRAINT \"FK_bc1731e1299bae0acc22cc3c956\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"comment_reports\" DROP CONSTRAINT \"FK_bc1731e1299bae0acc22cc3c956\"");
    await queryRunner.query("ALTER TABLE \"comment_reports\" DROP CONSTRAINT \"FK_3b3434056f25d37b232c8d546aa\"");
    await queryRunner.query("ALTER TABLE \"comment_reports\" DROP CONSTRAINT \"FK_45a6086948851a5e791f1b7964f\"");
    await queryRunner.query("DROP INDEX \"public\".\"comment_reports_once_per_account_key\"");
    await queryRunner.query("DROP INDEX \"public\".\"comment_reports_project_idx\"");
    await queryRunner.query("DROP INDEX \"public\".\"comment_reports_user_idx\"");
    await queryRunner.query("DROP TABLE \"comment_reports\"");
  }
}
