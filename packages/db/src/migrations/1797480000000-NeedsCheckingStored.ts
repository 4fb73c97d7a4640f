import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

/** The index before: a transcription's `lowConsensus`, read from its result. */
const BY_LOW_CONSENSUS: IndexBuilt[] = [['consensus_needs_checking_idx', 'consensus', `("workflow_id", "subject_id") WHERE (result ->> 'lowConsensus') = 'true'`]];

/** The index after: the rows the worker stored as needing checking (the results' `needsChecking=true`), few once most agree. */
const BY_NEEDS_CHECKING: IndexBuilt[] = [['consensus_needs_checking_idx', 'consensus', `("workflow_id", "subject_id") WHERE needs_checking`]];

/** `needsChecking` of @chorus/consensus as it is now, in SQL. */
const NEEDS_CHECKING = `coalesce(c.votes > 0
  AND CASE WHEN c.result -> 'notReached' IS NULL THEN (c.result ->> 'lowConsensus') = 'true'
           ELSE NOT EXISTS (SELECT 1 FROM consensus q WHERE q.workflow_id = c.workflow_id AND q.subject_id = c.subject_id
                              AND q.task = c.result -> 'notReached' ->> 'task' AND q.answer IS NOT NULL AND q.agreement > 0.5) END, false)`;

/**
 * Whether a task's consensus needs checking (`needsChecking` of @chorus/consensus), stored on its row as the worker
 * writes it, and the index of those rebuilt on it. The rows stored before get it by the rule as it is now, from their
 * subject's other rows, so no re-aggregation is owed: a transcription on the consensus path with votes and
 * `lowConsensus` (as the results read it before), and, newly, a task off the path that volunteers answered, cut off by
 * a question with no answer or with agreement 0.5 or less (tester round 24, F2). Built concurrently, as classifications
 * keep coming: the new column has a constant default (no rewrite), and each step may be run again: the fill sets every row
 * to the rule, either way, so running it again also mends rows that a worker of an earlier release wrote after it.
 */
export class NeedsCheckingStored1797480000000 implements MigrationInterface {
  name = 'NeedsCheckingStored1797480000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "consensus" ADD COLUMN IF NOT EXISTS "needs_checking" boolean NOT NULL DEFAULT false');
    await queryRunner.query(
      `UPDATE consensus c SET needs_checking = ${NEEDS_CHECKING} WHERE needs_checking IS DISTINCT FROM ${NEEDS_CHECKING}`,
    );
    await dropIndexesConcurrently(queryRunner, BY_LOW_CONSENSUS);
    await buildIndexesConcurrently(queryRunner, BY_NEEDS_CHECKING);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, BY_NEEDS_CHECKING);
    await queryRunner.query('ALTER TABLE "consensus" DROP COLUMN IF EXISTS "needs_checking"');
    await buildIndexesConcurrently(queryRunner, BY_LOW_CONSENSUS);
  }
}
