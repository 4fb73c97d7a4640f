import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // The subjects taken down in one workflow (every take-down is carried to each workflow of the project), which the
  // pages next to a subject leave out of a set's count: read from this workflow's few take-downs, not from every
  // take-down of the installation nor every row of the workflow. Its condition is `isTakenDownSql`'s, written exactly
  // as the queries write it, or the planner would not match it.
  [
    'subject_workflow_status_workflow_taken_down_idx',
    'subject_workflow_status',
    `("workflow_id", "subject_id") WHERE (retired_at IS NOT NULL AND coalesce(retirement_reason = 'manual' AND (retirement_detail @> '{"takenDown": true}' OR retirement_detail @> '{"role": "moderator"}'), false))`,
  ],
];

/** Built concurrently: every answer writes the hot rows. */
export class WorkflowTakeDowns1797659500000 implements MigrationInterface {
  name = 'WorkflowTakeDowns1797659500000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
