import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Volunteers' favourite subjects, one per volunteer and subject, with the workflow that showed it (a small table, built in the migration's transaction). */
export class Favourites1797223000000 implements MigrationInterface {
  name = 'Favourites1797223000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"favourites\" (\"user_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"workflow_id\" uuid NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_a0bdaf7f806b722d051e8a239d1\" PRIMARY KEY (\"user_id\", \"subject_id\"))");
    await queryRunner.query("CREATE INDEX \"favourites_workflow_idx\" ON \"favourites\"  (\"workflow_id\") ");
    await queryRunner.query("CREATE INDEX \"favourites_subject_idx\" ON \"favourites\"  (\"subject_id\") ");
    await queryRunner.query("CREATE INDEX \"favourites_user_recent_idx\" ON \"favourites\"  (\"user_id\", \"created_at\", \"subject_id\") ");
    await queryRunner.query("ALTER TABLE \"favourites\" ADD CONSTRAINT \"FK_ffb0866c42b7ff4d6e5131f3dcc\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"favourites\" ADD CONSTRAINT \"FK_51d410478512c8e6425203f69c1\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"favourites\" ADD CONSTRAINT \"FK_aee5be9e29d8c11069b911d8b8b\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"favourites\" DROP CONSTRAINT \"FK_aee5be9e29d8c11069b911d8b8b\"");
    await queryRunner.query("ALTER TABLE \"favourites\" DROP CONSTRAINT \"FK_51d410478512c8e6425203f69c1\"");
    await queryRunner.query("ALTER TABLE \"favourites\" DROP CONSTRAINT \"FK_ffb0866c42b7ff4d6e5131f3dcc\"");
    await queryRunner.query("DROP INDEX \"public\".\"favourites_user_recent_idx\"");
    await queryRunner.query("DROP INDEX \"public\".\"favourites_subject_idx\"");
    await queryRunner.query("DROP INDEX \"public\".\"favourites_workflow_idx\"");
    await queryRunner.query("DROP TABLE \"favourites\"");
  }
}
