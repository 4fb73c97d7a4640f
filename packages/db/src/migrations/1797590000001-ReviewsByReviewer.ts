import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // A reviewer's own reviews in a workflow, one of the two reaches of their list of results, read by it alone rather
  // than through every review of the workflow.
  ['consensus_reviews_reviewer_idx', 'consensus_reviews', '("workflow_id", "reviewed_by", "subject_id")'],
];

/** The index of a reviewer's reviews, built concurrently (reviews keep coming). */
export class ReviewsByReviewer1797590000001 implements MigrationInterface {
  name = 'ReviewsByReviewer1797590000001';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
