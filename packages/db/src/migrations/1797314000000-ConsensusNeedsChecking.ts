import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // A workflow's transcriptions whose consensus is worth a review (the results' `needsChecking=true`): few, once most
  // agree, so that a page of them read every hot row of the workflow to find them. The worker rewrites a subject's
  // consensus row on each aggregation, so the index costs it nothing a row of `consensus` did not already.
  ['consensus_needs_checking_idx', 'consensus', `("workflow_id", "subject_id") WHERE (result ->> 'lowConsensus') = 'true'`],
];

/** The index of the consensus flagged for review, for a workflow's results filtered to those. Built concurrently, as classifications keep coming. */
export class ConsensusNeedsChecking1797314000000 implements MigrationInterface {
  name = 'ConsensusNeedsChecking1797314000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
