import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // Whether a subject is taken down in any workflow of its project (`takenDownSql`), which the consensus download asks
  // of every row: an index-only probe that finds nothing for most subjects, where each probe read the subject's rows.
  // Its condition is `isTakenDownSql`'s, written exactly as the queries write it, or the planner would not match it.
  [
    'subject_workflow_status_taken_down_idx',
    'subject_workflow_status',
    `("subject_id") WHERE (retired_at IS NOT NULL AND coalesce(retirement_reason = 'manual' AND (retirement_detail @> '{"takenDown": true}' OR retirement_detail @> '{"role": "moderator"}'), false))`,
  ],
];

/** Built concurrently: every answer writes the hot rows. */
export class TakenDownSubjects1797656000000 implements MigrationInterface {
  name = 'TakenDownSubjects1797656000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
