import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // A workflow's tries in draft by volunteer (few: its team's), so that its progress counts everything else from the
  // once-per-volunteer key alone and subtracts these, rather than reading every classification's row.
  ['classifications_draft_tries_idx', 'classifications', '("workflow_id", "user_id") WHERE made_in_draft'],
];

/** The draft tries' own index, built concurrently (every submit writes classifications). */
export class DraftTriesIndex1797315000000 implements MigrationInterface {
  name = 'DraftTriesIndex1797315000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
