import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

/**
 * A volunteer's own comments across projects, newest first a page at a time (GET /account/comments) and oldest first
 * for their download: read in order from their comments alone. The (user) index is replaced by (user, project, time)
 * in migration 1797860000000 CommentsByAuthorInProject; neither gives their comments in time order across projects
 * (every comment of theirs was read and sorted for each page); both serve the foreign key, as this one does too.
 * Built concurrently: comments keep being written meanwhile.
 */
const INDEXES: IndexBuilt[] = [['subject_comments_user_recent_idx', 'subject_comments', '("user_id", "created_at", "id")']];

export class OwnCommentsIndex1797920000000 implements MigrationInterface {
  name = 'OwnCommentsIndex1797920000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
