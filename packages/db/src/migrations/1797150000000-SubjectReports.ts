import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Volunteers' reports of subjects they cannot classify as they are, one per volunteer, subject and workflow. */
export class SubjectReports1797150000000 implements MigrationInterface {
  name = 'SubjectReports1797150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"subject_reports\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"workflow_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"user_id\" uuid NOT NULL, \"reason\" character varying(32) NOT NULL, \"note\" text, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_b010d7ebc5aaa8ec9205f0c424c\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"subject_reports_user_idx\" ON \"subject_reports\"  (\"user_id\") ");
    await queryRunner.query("CREATE INDEX \"subject_reports_subject_idx\" ON \"subject_reports\"  (\"subject_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"subject_reports_once_per_volunteer_key\" ON \"subject_reports\"  (\"workflow_id\", \"subject_id\", \"user_id\") ");
    await queryRunner.query("ALTER TABLE \"subject_reports\" ADD CONSTRAINT \"FK_fb4cf4f0d64aaa849305dd783ba\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"subject_reports\" ADD CONSTRAINT \"FK_819977d5eebb1b992b40f1cabd4\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"subject_reports\" ADD CONSTRAINT \"FK_0d86353f33f8e444926aa368b84\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"subject_reports\" DROP CONSTRAINT \"FK_0d86353f33f8e444926aa368b84\"");
    await queryRunner.query("ALTER TABLE \"subject_reports\" DROP CONSTRAINT \"FK_819977d5eebb1b992b40f1cabd4\"");
    await queryRunner.query("ALTER TABLE \"subject_reports\" DROP CONSTRAINT \"FK_fb4cf4f0d64aaa849305dd783ba\"");
    await queryRunner.query("DROP INDEX \"public\".\"subject_reports_once_per_volunteer_key\"");
    await queryRunner.query("DROP INDEX \"public\".\"subject_reports_subject_idx\"");
    await queryRunner.query("DROP INDEX \"public\".\"subject_reports_user_idx\"");
    await queryRunner.query("DROP TABLE \"subject_reports\"");
  }
}
