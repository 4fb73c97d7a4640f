import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The loads of subjects' images and recordings that failed in volunteers' browsers, as their classifier says: one per
 * volunteer, subject, workflow and location, for researchers to hear of media that do not load.
 */
export class MediaFailures1797360000000 implements MigrationInterface {
  name = 'MediaFailures1797360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"media_failures\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"workflow_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"user_id\" uuid NOT NULL, \"location\" smallint NOT NULL, \"url\" text NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_188252405a74e81767f2cfd594f\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"media_failures_user_idx\" ON \"media_failures\"  (\"user_id\") ");
    await queryRunner.query("CREATE INDEX \"media_failures_subject_idx\" ON \"media_failures\"  (\"subject_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"media_failures_once_per_volunteer_key\" ON \"media_failures\"  (\"workflow_id\", \"subject_id\", \"user_id\", \"location\") ");
    await queryRunner.query("ALTER TABLE \"media_failures\" ADD CONSTRAINT \"FK_3c23c9a206381a32113171b1180\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"media_failures\" ADD CONSTRAINT \"FK_4bfadf41e71d159d9eaba7c3412\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"media_failures\" ADD CONSTRAINT \"FK_f908bf12f7c04f7e3af5ec78df0\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"media_failures\" DROP CONSTRAINT \"FK_f908bf12f7c04f7e3af5ec78df0\"");
    await queryRunner.query("ALTER TABLE \"media_failures\" DROP CONSTRAINT \"FK_4bfadf41e71d159d9eaba7c3412\"");
    await queryRunner.query("ALTER TABLE \"media_failures\" DROP CONSTRAINT \"FK_3c23c9a206381a32113171b1180\"");
    await queryRunner.query("DROP INDEX \"public\".\"media_failures_once_per_volunteer_key\"");
    await queryRunner.query("DROP INDEX \"public\".\"media_failures_subject_idx\"");
    await queryRunner.query("DROP INDEX \"public\".\"media_failures_user_idx\"");
    await queryRunner.query("DROP TABLE \"media_failures\"");
  }
}
