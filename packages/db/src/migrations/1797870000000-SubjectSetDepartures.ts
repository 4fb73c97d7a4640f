import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The subjects that left a subject set (`subject_set_departures`), for the tombstones of `since=` downloads of one set
 * (`subjectSetId`): a new table, empty (departures before it are not known), so built in the migration's transaction.
 * Its primary key leads with the set, so a download reads only its own set's departures.
 */
export class SubjectSetDepartures1797870000000 implements MigrationInterface {
  name = 'SubjectSetDepartures1797870000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"subject_set_departures\" (\"subject_set_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"external_id\" text, \"left_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_3fe73ca1addfd358e675fb6eaaf\" PRIMARY KEY (\"subject_set_id\", \"subject_id\"))");
    await queryRunner.query("ALTER TABLE \"subject_set_departures\" ADD CONSTRAINT \"FK_f190f92c6e9a551d05739c40e1d\" FOREIGN KEY (\"subject_set_id\") REFERENCES \"subject_sets\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"subject_set_departures\" DROP CONSTRAINT \"FK_f190f92c6e9a551d05739c40e1d\"");
    await queryRunner.query('DROP TABLE "subject_set_departures"');
  }
}
