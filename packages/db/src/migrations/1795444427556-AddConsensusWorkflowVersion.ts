import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddConsensusWorkflowVersion1795444427556 implements MigrationInterface {
  name = 'AddConsensusWorkflowVersion1795444427556';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"consensus\" ADD \"workflow_version\" integer NOT NULL DEFAULT '1'");
    // Backfill (written by hand): the workflow's newest version at the time each result was computed.
    await queryRunner.query(
      "UPDATE consensus c SET workflow_version = v.version FROM (SELECT DISTINCT ON (c2.workflow_id, c2.subject_id, c2.task) c2.workflow_id, c2.subject_id, c2.task, wv.version FROM consensus c2 JOIN workflow_versions wv ON wv.workflow_id = c2.workflow_id AND wv.created_at <= c2.computed_at ORDER BY c2.workflow_id, c2.subject_id, c2.task, wv.version DESC) v WHERE c.workflow_id = v.workflow_id AND c.subject_id = v.subject_id AND c.task = v.task",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"consensus\" DROP COLUMN \"workflow_version\"");
  }
}
