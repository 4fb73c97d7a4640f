import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The subjects that left a workflow without keeping a row there (`subject_workflow_departures`), for the tombstones of
 * `since=` consensus downloads: a new table, empty (departures before it are not known), so built in the migration's
 * transaction.
 */
export class SubjectWorkflowDepartures1797236500000 implements MigrationInterface {
  name = 'SubjectWorkflowDepartures1797236500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"subject_workflow_departures\" (\"workflow_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"left_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_55a2382d04d285b32c3b8fb8460\" PRIMARY KEY (\"workflow_id\", \"subject_id\"))");
    await queryRunner.query("ALTER TABLE \"subject_workflow_departures\" ADD CONSTRAINT \"FK_a4808e61df51b9f4076a370c44e\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"subject_workflow_departures\" DROP CONSTRAINT \"FK_a4808e61df51b9f4076a370c44e\"");
    await queryRunner.query("DROP TABLE \"subject_workflow_departures\"");
  }
}
