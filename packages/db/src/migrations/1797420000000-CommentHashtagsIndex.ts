import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

// A project's comments with a hashtag (`GET /projects/:id/comments?tag=`, `hashtags @> ARRAY[tag]`): a GIN index of
// the array, whose `@>` it serves; without it, a tag's page read every comment of the project, newest first.
const INDEXES: IndexBuilt[] = [['subject_comments_hashtags_idx', 'subject_comments', 'USING gin ("hashtags")']];

/** The comments by hashtag, read by index. Built concurrently, so that volunteers keep commenting while it builds. */
export class CommentHashtagsIndex1797420000000 implements MigrationInterface {
  name = 'CommentHashtagsIndex1797420000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
