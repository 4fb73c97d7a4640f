import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // A workflow's consensus decided against most volunteers' answers (the results' `againstPlurality=true`, the lab's
  // warning count): few, so that finding them read every consensus row of the workflow.
  ['consensus_against_plurality_idx', 'consensus', `("workflow_id", "subject_id") WHERE against_plurality`],
];

/** The rule as it was when the column came (an answer nobody gave has 0 votes; no counts at all, not against). */
const AGAINST = `coalesce(c.answer IS NOT NULL AND c.algorithm IN ('plurality-vote', 'bayesian-confusion', 'sense-vote')
  AND COALESCE((c.result -> 'counts' ->> c.answer)::numeric, 0) < (SELECT max(votes.value::numeric) FROM jsonb_each_text(c.result -> 'counts') AS votes(key, value)), false)`;

/**
 * Whether a task's consensus is not among the answers most volunteers gave (`pluralityStanding`'s `against`), stored on
 * its row as the worker writes it, and its partial index. The rows stored before get it from their answer, algorithm
 * and counts, by the rule as it was then (an answer nobody gave has 0 votes). Built concurrently, as classifications
 * keep coming: the new column has a constant default (no rewrite), and each step may be run again: the fill sets every row
 to the rule, either way, so running it again also mends rows that a worker of an earlier release (which does not know
 the column) wrote after it.
 */
export class AgainstPluralityStored1797440000000 implements MigrationInterface {
  name = 'AgainstPluralityStored1797440000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "consensus" ADD COLUMN IF NOT EXISTS "against_plurality" boolean NOT NULL DEFAULT false');
    await queryRunner.query(
      `UPDATE consensus c SET against_plurality = ${AGAINST} WHERE against_plurality IS DISTINCT FROM ${AGAINST}`,
    );
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
    await queryRunner.query('ALTER TABLE "consensus" DROP COLUMN IF EXISTS "against_plurality"');
  }
}
