import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddAggregationOutbox1795447294245 implements MigrationInterface {
  name = 'AddAggregationOutbox1795447294245';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"subject_workflow_status_lagging_idx\"");
    await queryRunner.query("CREATE TABLE \"aggregation_outbox\" (\"workflow_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"queued_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_05a4f7b8059676047ff57eedbe6\" PRIMARY KEY (\"workflow_id\", \"subject_id\"))");
    // Written by hand: what was owed under the lagging index moves to the outbox, and the hot row's pages keep room
    // for HOT updates (TypeORM has no entity option for a table's storage parameters).
    await queryRunner.query(
      "INSERT INTO aggregation_outbox (workflow_id, subject_id, queued_at) SELECT workflow_id, subject_id, updated_at FROM subject_workflow_status WHERE classification_count > aggregated_count",
    );
    await queryRunner.query("ALTER TABLE \"subject_workflow_status\" SET (fillfactor = 85)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"subject_workflow_status\" RESET (fillfactor)");
    await queryRunner.query("DROP TABLE \"aggregation_outbox\"");
    await queryRunner.query("CREATE INDEX \"subject_workflow_status_lagging_idx\" ON \"subject_workflow_status\" USING btree (\"updated_at\") WHERE (classification_count > aggregated_count)");
  }
}
