import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // The deleted accounts whose classifications are owed their stamp: the reconciler's look reads only them.
  ['users_classifications_stamp_owed_idx', 'users', '("classifications_stamp_owed_at") WHERE classifications_stamp_owed_at IS NOT NULL'],
];

/**
 * Since when a deleted account's classifications are owed their stamp for incremental downloads, recorded with the
 * deletion, so that a stamping cut short is finished. Its index built concurrently: accounts keep being made meanwhile.
 */
export class ClassificationStampsOwed1797225100000 implements MigrationInterface {
  name = 'ClassificationStampsOwed1797225100000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "classifications_stamp_owed_at" TIMESTAMP WITH TIME ZONE');
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN IF EXISTS "classifications_stamp_owed_at"');
  }
}
