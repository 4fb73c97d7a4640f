import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Volunteers a project's moderators and researchers stop from commenting in its discussions (a Talk ban): one row per
 * project and account, with why, by whom and when. A new, small table; its rows go with the project or the account.
 */
export class CommentBans1797730000000 implements MigrationInterface {
  name = 'CommentBans1797730000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "comment_bans" (
      "project_id" uuid NOT NULL REFERENCES "projects"("id") ON DELETE CASCADE,
      "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      "reason" character varying(500) NOT NULL,
      "banned_by" uuid REFERENCES "users"("id") ON DELETE SET NULL,
      "banned_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "comment_bans_pkey" PRIMARY KEY ("project_id", "user_id"))`);
    await queryRunner.query('CREATE INDEX "comment_bans_user_idx" ON "comment_bans" ("user_id")');
    await queryRunner.query('CREATE INDEX "comment_bans_project_recent_idx" ON "comment_bans" ("project_id", "banned_at" DESC, "user_id" DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "comment_bans"');
  }
}
