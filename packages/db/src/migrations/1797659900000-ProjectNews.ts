import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Project news (what a project's researchers tell its volunteers: new subjects, results), each item mailed at most once
 * (`mailed_at`, with how many mails were kept), and volunteers' opt-in to get a project's news by mail (off until they
 * say yes: one row per account and project). A mailing records only its recipients (`news_deliveries`, one row per
 * account, in the post's transaction); the mails are written as they are sent, a batch at a time. When the project
 * last mailed news is kept apart (`project_news_mailings`, one row a project), which deleting an item does not touch. Mails kept in the
 * outbox may carry headers (a news mail's `List-Unsubscribe`), and are claimed account mails first (news last).
 * New tables and a column without a default: no rewrite.
 */
export class ProjectNews1797659900000 implements MigrationInterface {
  name = 'ProjectNews1797659900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "project_news" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "project_id" uuid NOT NULL REFERENCES "projects"("id") ON DELETE CASCADE,
      "author_id" uuid REFERENCES "users"("id") ON DELETE SET NULL,
      "title" character varying(200) NOT NULL,
      "body" text NOT NULL,
      "mailed_at" TIMESTAMP WITH TIME ZONE,
      "mailed_to" integer,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "edited_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "project_news_pkey" PRIMARY KEY ("id"))`);
    await queryRunner.query('CREATE INDEX "project_news_recent_idx" ON "project_news" ("project_id", "created_at", "id")');
    await queryRunner.query('CREATE INDEX "project_news_mailed_idx" ON "project_news" ("project_id", "mailed_at") WHERE "mailed_at" IS NOT NULL');
    await queryRunner.query('CREATE INDEX "project_news_author_idx" ON "project_news" ("author_id")');
    await queryRunner.query(`CREATE TABLE "news_subscriptions" (
      "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      "project_id" uuid NOT NULL REFERENCES "projects"("id") ON DELETE CASCADE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "news_subscriptions_pkey" PRIMARY KEY ("user_id", "project_id"))`);
    await queryRunner.query('CREATE INDEX "news_subscriptions_project_idx" ON "news_subscriptions" ("project_id")');
    await queryRunner.query(`CREATE TABLE "news_deliveries" (
      "news_id" uuid NOT NULL REFERENCES "project_news"("id") ON DELETE CASCADE,
      "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      CONSTRAINT "news_deliveries_pkey" PRIMARY KEY ("news_id", "user_id"))`);
    await queryRunner.query('CREATE INDEX "news_deliveries_user_idx" ON "news_deliveries" ("user_id")');
    await queryRunner.query(`CREATE TABLE "project_news_mailings" (
      "project_id" uuid NOT NULL REFERENCES "projects"("id") ON DELETE CASCADE,
      "mailed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "project_news_mailings_pkey" PRIMARY KEY ("project_id"))`);
    await queryRunner.query('ALTER TABLE "mail_outbox" ADD "headers" jsonb');
    await queryRunner.query(`CREATE INDEX "mail_outbox_news_last_idx" ON "mail_outbox" ((kind = 'news'), "next_attempt_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "mail_outbox_news_last_idx"');
    await queryRunner.query('ALTER TABLE "mail_outbox" DROP COLUMN "headers"');
    await queryRunner.query('DROP TABLE "project_news_mailings"');
    await queryRunner.query('DROP TABLE "news_deliveries"');
    await queryRunner.query('DROP TABLE "news_subscriptions"');
    await queryRunner.query('DROP TABLE "project_news"');
  }
}
