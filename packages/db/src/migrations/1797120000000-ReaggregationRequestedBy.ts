import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who asked for a workflow's owed re-aggregation, so that a run the reconciler starts later is recorded as theirs. */
export class ReaggregationRequestedBy1797120000000 implements MigrationInterface {
  name = 'ReaggregationRequestedBy1797120000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"workflows\" ADD \"reaggregation_requested_by\" uuid");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"workflows\" DROP COLUMN \"reaggregation_requested_by\"");
  }
}
