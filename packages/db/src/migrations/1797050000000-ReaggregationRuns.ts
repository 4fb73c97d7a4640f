import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What researchers see of re-aggregations: each run as it is asked for, starts and ends. */
export class ReaggregationRuns1797050000000 implements MigrationInterface {
  name = 'ReaggregationRuns1797050000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"reaggregation_runs\" (\"id\" character varying(64) NOT NULL, \"job_id\" character varying(64), \"workflow_id\" uuid NOT NULL, \"scope\" character varying(16) NOT NULL, \"requested_by\" uuid, \"requested_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"started_at\" TIMESTAMP WITH TIME ZONE, \"finished_at\" TIMESTAMP WITH TIME ZONE, \"outcome\" character varying(16), \"subjects\" integer, \"failed_reason\" text, CONSTRAINT \"PK_b6a8904202cad7a48e5119739ee\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"reaggregation_runs_workflow_idx\" ON \"reaggregation_runs\"  (\"workflow_id\", \"requested_at\") ");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"reaggregation_runs_workflow_idx\"");
    await queryRunner.query("DROP TABLE \"reaggregation_runs\"");
  }
}
