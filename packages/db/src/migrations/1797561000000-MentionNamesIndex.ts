import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // Accounts by display name, for a comment's @mention: guests (most users) are left out.
  ['users_mention_name_idx', 'users', '("display_name") WHERE kind = \'registered\''],
];

/** The @mention index, built concurrently (every new guest and sign-up writes users). */
export class MentionNamesIndex1797561000000 implements MigrationInterface {
  name = 'MentionNamesIndex1797561000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
