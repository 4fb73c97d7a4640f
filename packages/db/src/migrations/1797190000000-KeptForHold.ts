import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const KEPT_FOR_HOLD: IndexBuilt = ['subject_workflow_status_kept_for_hold_idx', 'subject_workflow_status', '("workflow_id", "subject_id") WHERE kept_for_hold'];
const UNLINKED_UNCLASSIFIED: IndexBuilt = [
  'subject_workflow_status_unlinked_unclassified_idx',
  'subject_workflow_status',
  `("workflow_id", "subject_id") WHERE retirement_reason = 'unlinked' AND classification_count = 0`,
];

/**
 * The hot rows kept only for a volunteer's hold when their subject left the workflow are found by a marker of their
 * own, `kept_for_hold`, instead of by `classification_count`: an index whose predicate names `classification_count`
 * made every submit's update of its hot row a non-HOT one. The rows kept so far are marked (through the old index,
 * before it goes); the indexes are built and dropped concurrently, so that submits go on meanwhile. Each step may run
 * again after an interruption.
 */
export class KeptForHold1797190000000 implements MigrationInterface {
  name = 'KeptForHold1797190000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_workflow_status" ADD COLUMN IF NOT EXISTS "kept_for_hold" boolean NOT NULL DEFAULT false');
    await queryRunner.query(
      `UPDATE "subject_workflow_status" SET "kept_for_hold" = true
       WHERE retirement_reason = 'unlinked' AND classification_count = 0 AND (retirement_detail->>'unlinked')::boolean IS TRUE AND NOT kept_for_hold`,
    );
    await buildIndexesConcurrently(queryRunner, [KEPT_FOR_HOLD]);
    await dropIndexesConcurrently(queryRunner, [UNLINKED_UNCLASSIFIED]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, [UNLINKED_UNCLASSIFIED]);
    await dropIndexesConcurrently(queryRunner, [KEPT_FOR_HOLD]);
    await queryRunner.query('ALTER TABLE "subject_workflow_status" DROP COLUMN IF EXISTS "kept_for_hold"');
  }
}
