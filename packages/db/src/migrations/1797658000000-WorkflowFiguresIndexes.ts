import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // A workflow's volunteers, in order (the stats read them so to count each once), their tries in draft left out as the stats leave them.
  ['classifications_volunteers_idx', 'classifications', `("workflow_id", "user_id") WHERE NOT made_in_draft`],
  // A workflow's subjects, retired ones and gold-standard ones, counted from the index alone by the stats. Its condition
  // is `isUnlinked`'s, negated, as the stats write it: the planner takes a partial index only where it finds the
  // index's condition among the query's, for such an expression by comparing expression trees.
  [
    'subject_workflow_status_figures_idx',
    'subject_workflow_status',
    `("workflow_id", "gold_standard", "retired_at") WHERE NOT ((retirement_detail->>'unlinked')::boolean IS TRUE)`,
  ],
];

/** Built concurrently: every submit writes classifications and the hot rows. */
export class WorkflowFiguresIndexes1797658000000 implements MigrationInterface {
  name = 'WorkflowFiguresIndexes1797658000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
