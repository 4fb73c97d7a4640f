import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hot row counts the team's tries made while the workflow was a draft (`made_in_draft`) apart, so that the consensus
 * download's `classification_count` can leave them out as everything else does, without a probe of the classifications
 * for each row. Tries stored before are counted from the classifications (few: a team's; read by their own index), and
 * their rows marked changed, so that a `since=` download gives them again with the count that leaves the tries out.
 */
export class DraftTriesPerSubject1797330000000 implements MigrationInterface {
  name = 'DraftTriesPerSubject1797330000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_workflow_status" ADD "draft_tries" integer NOT NULL DEFAULT 0');
    await queryRunner.query(`UPDATE subject_workflow_status st SET draft_tries = t.n, updated_at = now()
      FROM (SELECT workflow_id, subject_id, count(*)::int AS n FROM classifications WHERE made_in_draft GROUP BY workflow_id, subject_id) t
      WHERE st.workflow_id = t.workflow_id AND st.subject_id = t.subject_id`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_workflow_status" DROP COLUMN "draft_tries"');
  }
}
