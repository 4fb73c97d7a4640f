import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether an account is mailed when someone replies to one of its comments or mentions it (`@name`, or `@team` on a
 * project's team): false for every account made before, as for every new one, until its volunteer asks for it. A
 * constant default: no rewrite of the table.
 *
 * A mail of a discussion kept in the outbox names the comment it tells of and the account it is to, so that it is
 * dropped unsent when the account stops the mails or is deleted, or the comment is hidden or deleted (null on other
 * mails: each index holds discussion mails only). Discussion mails are sent after account mails, as news is: the
 * outbox's order (`mail_outbox_news_last_idx`) becomes `mail_outbox_chosen_last_idx`. The outbox holds mails for
 * seconds to minutes: its rows need no backfill.
 */
export class DiscussionMails1797720000000 implements MigrationInterface {
  name = 'DiscussionMails1797720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD "discussion_mails" boolean NOT NULL DEFAULT false');
    await queryRunner.query('ALTER TABLE "mail_outbox" ADD "comment_id" uuid, ADD "user_id" uuid');
    await queryRunner.query(`CREATE INDEX "mail_outbox_comment_idx" ON "mail_outbox" ("comment_id") WHERE kind = 'discussion'`);
    await queryRunner.query(`CREATE INDEX "mail_outbox_user_idx" ON "mail_outbox" ("user_id") WHERE kind = 'discussion'`);
    await queryRunner.query('DROP INDEX "mail_outbox_news_last_idx"');
    await queryRunner.query(`CREATE INDEX "mail_outbox_chosen_last_idx" ON "mail_outbox" ((kind IN ('news', 'discussion')), "next_attempt_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "mail_outbox_chosen_last_idx"');
    await queryRunner.query(`CREATE INDEX "mail_outbox_news_last_idx" ON "mail_outbox" ((kind = 'news'), "next_attempt_at")`);
    await queryRunner.query('DROP INDEX "mail_outbox_user_idx"');
    await queryRunner.query('DROP INDEX "mail_outbox_comment_idx"');
    await queryRunner.query('ALTER TABLE "mail_outbox" DROP COLUMN "user_id", DROP COLUMN "comment_id"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "discussion_mails"');
  }
}
