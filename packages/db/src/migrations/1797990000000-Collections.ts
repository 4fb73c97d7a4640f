import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Volunteers' collections of subjects and the subjects in each (new tables, built in the migration's transaction). */
export class Collections1797990000000 implements MigrationInterface {
  name = 'Collections1797990000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"collections\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"user_id\" uuid NOT NULL, \"name\" character varying(100) NOT NULL, \"description\" character varying(1000), \"public\" boolean NOT NULL DEFAULT false, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_21c00b1ebbd41ba1354242c5c4e\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"collections_user_recent_idx\" ON \"collections\"  (\"user_id\", \"created_at\", \"id\") ");
    await queryRunner.query("CREATE TABLE \"collection_subjects\" (\"collection_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_bd2f25b7f01df79df6affa20b78\" PRIMARY KEY (\"collection_id\", \"subject_id\"))");
    await queryRunner.query("CREATE INDEX \"collection_subjects_subject_idx\" ON \"collection_subjects\"  (\"subject_id\") ");
    await queryRunner.query("CREATE INDEX \"collection_subjects_recent_idx\" ON \"collection_subjects\"  (\"collection_id\", \"created_at\", \"subject_id\") ");
    await queryRunner.query("ALTER TABLE \"collections\" ADD CONSTRAINT \"FK_728c4a63e823bcd4c687fe46747\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"collection_subjects\" ADD CONSTRAINT \"FK_9874dd42c8e3ab6a94b86eb1a52\" FOREIGN KEY (\"collection_id\") REFERENCES \"collections\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"collection_subjects\" ADD CONSTRAINT \"FK_da2e83869093af62b91d20ac735\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"collection_subjects\" DROP CONSTRAINT \"FK_da2e83869093af62b91d20ac735\"");
    await queryRunner.query("ALTER TABLE \"collection_subjects\" DROP CONSTRAINT \"FK_9874dd42c8e3ab6a94b86eb1a52\"");
    await queryRunner.query("ALTER TABLE \"collections\" DROP CONSTRAINT \"FK_728c4a63e823bcd4c687fe46747\"");
    await queryRunner.query("DROP INDEX \"public\".\"collection_subjects_recent_idx\"");
    await queryRunner.query("DROP INDEX \"public\".\"collection_subjects_subject_idx\"");
    await queryRunner.query("DROP TABLE \"collection_subjects\"");
    await queryRunner.query("DROP INDEX \"public\".\"collections_user_recent_idx\"");
    await queryRunner.query("DROP TABLE \"collections\"");
  }
}
