import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

// A volunteer's comments by project, newest last: the team's list of one volunteer's comments in a project reads a
// page of them backward, where `subject_comments_user_idx` (by author alone) had every comment of theirs in every
// project read and sorted for each page. It serves the foreign key (deleting an account) as the narrower one did.
const WIDENED: IndexBuilt[] = [['subject_comments_user_project_idx', 'subject_comments', '("user_id", "project_id", "created_at", "id")']];
const NARROW: IndexBuilt[] = [['subject_comments_user_idx', 'subject_comments', '("user_id")']];

/** The wide index built before the narrow one goes, both concurrently: volunteers keep commenting. */
export class CommentsByAuthorInProject1797860000000 implements MigrationInterface {
  name = 'CommentsByAuthorInProject1797860000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, WIDENED);
    await dropIndexesConcurrently(queryRunner, NARROW);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, NARROW);
    await dropIndexesConcurrently(queryRunner, WIDENED);
  }
}
