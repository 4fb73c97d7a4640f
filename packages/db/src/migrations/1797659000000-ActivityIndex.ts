import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // A workflow's classifications by when they were made, with their volunteers, draft tries left out as the figures
  // leave them out: a project's activity per day reads the days' range of it alone.
  ['classifications_activity_idx', 'classifications', `("workflow_id", "created_at", "user_id") WHERE NOT made_in_draft`],
];

/** Built concurrently: every submit writes classifications. */
export class ActivityIndex1797659000000 implements MigrationInterface {
  name = 'ActivityIndex1797659000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
