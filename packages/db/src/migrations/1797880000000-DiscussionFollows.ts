import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Volunteers' own choices to follow a subject's discussion in a project, or stop following it: one row per project,
 * subject and account (`following` false: stopped, which wins over having commented there). A new, empty table; its rows
 * go with the project, the subject or the account.
 */
export class DiscussionFollows1797880000000 implements MigrationInterface {
  name = 'DiscussionFollows1797880000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "discussion_follows" (
      "project_id" uuid NOT NULL REFERENCES "projects"("id") ON DELETE CASCADE,
      "subject_id" uuid NOT NULL REFERENCES "subjects"("id") ON DELETE CASCADE,
      "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      "following" boolean NOT NULL,
      "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "discussion_follows_pkey" PRIMARY KEY ("project_id", "subject_id", "user_id"))`);
    await queryRunner.query('CREATE INDEX "discussion_follows_user_idx" ON "discussion_follows" ("user_id")');
    await queryRunner.query('CREATE INDEX "discussion_follows_subject_idx" ON "discussion_follows" ("subject_id")');
    await queryRunner.query('ALTER TABLE "users" ADD "followed_discussion_mails" boolean NOT NULL DEFAULT false');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "followed_discussion_mails"');
    await queryRunner.query('DROP TABLE "discussion_follows"');
  }
}
