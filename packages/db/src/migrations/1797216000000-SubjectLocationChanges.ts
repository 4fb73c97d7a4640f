import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Researchers' corrections of subjects' locations (the same content at a new address), each with the locations it
 * replaced, who made it, when and why; and a text corpus's passages' content keys, by which a corpus sent again finds
 * them (their unique index is built concurrently by the next migration). Every subject stored before has none.
 */
export class SubjectLocationChanges1797216000000 implements MigrationInterface {
  name = 'SubjectLocationChanges1797216000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"subject_location_changes\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"subject_id\" uuid NOT NULL, \"previous_locations\" jsonb NOT NULL, \"locations\" jsonb NOT NULL, \"changed_by\" uuid, \"reason\" text NOT NULL, \"changed_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_4d2f17e8cbf18dd2ce4f82b1224\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"subject_location_changes_subject_idx\" ON \"subject_location_changes\"  (\"subject_id\", \"changed_at\") ");
    await queryRunner.query("ALTER TABLE \"subjects\" ADD \"content_key\" character varying(80)");
    await queryRunner.query("ALTER TABLE \"subject_location_changes\" ADD CONSTRAINT \"FK_8448e2eb59c1a841013f2c6f445\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"subject_location_changes\" ADD CONSTRAINT \"FK_d94e677b3758263f33dc654dcd4\" FOREIGN KEY (\"changed_by\") REFERENCES \"users\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"subject_location_changes\" DROP CONSTRAINT \"FK_d94e677b3758263f33dc654dcd4\"");
    await queryRunner.query("ALTER TABLE \"subject_location_changes\" DROP CONSTRAINT \"FK_8448e2eb59c1a841013f2c6f445\"");
    await queryRunner.query("ALTER TABLE \"subjects\" DROP COLUMN \"content_key\"");
    await queryRunner.query("DROP INDEX \"public\".\"subject_location_changes_subject_idx\"");
    await queryRunner.query("DROP TABLE \"subject_location_changes\"");
  }
}
