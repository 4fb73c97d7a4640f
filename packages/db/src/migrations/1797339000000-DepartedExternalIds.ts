import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A departure keeps its subject's external id (`subject_workflow_departures.external_id`), so that the tombstone of a
 * deleted subject still names the row a data team keyed by external id must drop. Departures recorded before keep
 * none: their subjects, if deleted, are not known any more.
 */
export class DepartedExternalIds1797339000000 implements MigrationInterface {
  name = 'DepartedExternalIds1797339000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_workflow_departures" ADD "external_id" text');
    await queryRunner.query(`UPDATE subject_workflow_departures d SET external_id = s.external_id FROM subjects s WHERE s.id = d.subject_id`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_workflow_departures" DROP COLUMN "external_id"');
  }
}
