import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // A volunteer's classifications in every workflow, newest last: "Your classifications" reads a page of them backward,
  // where `classifications_user_recent_idx` (by workflow first) would have them all sorted for each page.
  ['classifications_user_all_recent_idx', 'classifications', '("user_id", "created_at", "id")'],
];

/** Built concurrently: every submit writes classifications. */
export class UserClassificationsAcross1797641000000 implements MigrationInterface {
  name = 'UserClassificationsAcross1797641000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
