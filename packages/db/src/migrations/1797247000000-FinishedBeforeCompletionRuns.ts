import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Workflows finished before Chorus re-aggregated a workflow on its completion count as completed already: else the
 * reconciler's sweep, finding their completion unrecorded, would re-learn the skills and recompute (and re-route) every
 * finished project's subjects at once, long after their researchers took their final downloads.
 */
export class FinishedBeforeCompletionRuns1797247000000 implements MigrationInterface {
  name = 'FinishedBeforeCompletionRuns1797247000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "workflows" SET "completed_at" = now() WHERE "completed_at" IS NULL AND "status" = 'finished'`);
  }

  async down(): Promise<void> {
    // Nothing to undo: which completions this stamped cannot be told from those the worker recorded.
  }
}
