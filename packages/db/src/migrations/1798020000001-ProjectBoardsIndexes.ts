import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

/**
 * A board discussion's comments by time (its page, and its foreign key's deletes), and one follow per account of a
 * subject's discussion or a board's: unique indexes built concurrently, which then stand in for the follows' primary
 * key (whose `subject_id` a board discussion's follow leaves null); the constraints of the migration before validated.
 */
const INDEXES: IndexBuilt[] = [
  ['subject_comments_board_discussion_idx', 'subject_comments', '("board_discussion_id", "created_at", "id")'],
  ['discussion_follows_subject_key', 'discussion_follows', '("project_id", "subject_id", "user_id")', 'unique'],
  ['discussion_follows_board_key', 'discussion_follows', '("board_discussion_id", "user_id")', 'unique'],
];

export class ProjectBoardsIndexes1798020000001 implements MigrationInterface {
  name = 'ProjectBoardsIndexes1798020000001';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
    await queryRunner.query('ALTER TABLE "discussion_follows" DROP CONSTRAINT IF EXISTS "discussion_follows_pkey"');
    await queryRunner.query('ALTER TABLE "discussion_follows" ALTER COLUMN "subject_id" DROP NOT NULL');
    await queryRunner.query(`DO $$ BEGIN
      ALTER TABLE "discussion_follows" ADD CONSTRAINT "discussion_follows_one_discussion" CHECK (num_nonnulls(subject_id, board_discussion_id) = 1) NOT VALID;
    EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
    await queryRunner.query('ALTER TABLE "discussion_follows" VALIDATE CONSTRAINT "discussion_follows_one_discussion"');
    await queryRunner.query('ALTER TABLE "discussion_follows" VALIDATE CONSTRAINT "discussion_follows_board_discussion_fkey"');
    await queryRunner.query('ALTER TABLE "subject_comments" VALIDATE CONSTRAINT "subject_comments_one_discussion"');
    await queryRunner.query('ALTER TABLE "subject_comments" VALIDATE CONSTRAINT "FK_ab356418bd486f35b7f2f456014"');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM "discussion_follows" WHERE "subject_id" IS NULL');
    await queryRunner.query('ALTER TABLE "discussion_follows" DROP CONSTRAINT IF EXISTS "discussion_follows_one_discussion"');
    await queryRunner.query('ALTER TABLE "discussion_follows" ALTER COLUMN "subject_id" SET NOT NULL');
    await queryRunner.query('ALTER TABLE "discussion_follows" ADD CONSTRAINT "discussion_follows_pkey" PRIMARY KEY USING INDEX "discussion_follows_subject_key"');
    await dropIndexesConcurrently(queryRunner, INDEXES.filter(([name]) => name !== 'discussion_follows_subject_key'));
  }
}
