import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The subjects researchers took out of subject sets, which routing never puts back (`subject_set_removals`): a new table,
 * empty, so built in the migration's transaction.
 */
export class SubjectSetRemovals1797227000000 implements MigrationInterface {
  name = 'SubjectSetRemovals1797227000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"subject_set_removals\" (\"subject_set_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"removed_by\" uuid NOT NULL, \"removed_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_26c4483310ea693ad4b5d538f49\" PRIMARY KEY (\"subject_set_id\", \"subject_id\"))");
    await queryRunner.query("CREATE INDEX \"subject_set_removals_subject_idx\" ON \"subject_set_removals\"  (\"subject_id\") ");
    await queryRunner.query("ALTER TABLE \"subject_set_removals\" ADD CONSTRAINT \"FK_25a7d8a771e17fdda9e10ff7195\" FOREIGN KEY (\"subject_set_id\") REFERENCES \"subject_sets\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"subject_set_removals\" ADD CONSTRAINT \"FK_28cfd3b8d9031ea49dea12e9098\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"subject_set_removals\" DROP CONSTRAINT \"FK_28cfd3b8d9031ea49dea12e9098\"");
    await queryRunner.query("ALTER TABLE \"subject_set_removals\" DROP CONSTRAINT \"FK_25a7d8a771e17fdda9e10ff7195\"");
    await queryRunner.query("DROP INDEX \"public\".\"subject_set_removals_subject_idx\"");
    await queryRunner.query("DROP TABLE \"subject_set_removals\"");
  }
}
