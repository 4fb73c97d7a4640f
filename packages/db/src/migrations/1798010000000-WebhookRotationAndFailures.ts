import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks, second round: the secret a rotation replaced, signed with too until `previous_secret_until` (a day after);
 * the deliveries given up on in a row since the last one delivered (`failures`), and when and why a webhook was turned
 * off (after too many, or by hand); a notification of the kind `webhook-disabled` naming its webhook. Nullable columns,
 * constant defaults and a foreign key not yet validated (the next migration validates it, and builds its index,
 * concurrently): no rewrite of either table.
 */
export class WebhookRotationAndFailures1798010000000 implements MigrationInterface {
  name = 'WebhookRotationAndFailures1798010000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "webhooks" ADD "previous_secret" character varying(64)');
    await queryRunner.query('ALTER TABLE "webhooks" ADD "previous_secret_until" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "webhooks" ADD "failures" integer NOT NULL DEFAULT 0');
    await queryRunner.query('ALTER TABLE "webhooks" ADD "disabled_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "webhooks" ADD "disabled_reason" text');
    await queryRunner.query('ALTER TABLE "comment_notifications" ADD "webhook_id" uuid');
    await queryRunner.query(
      'ALTER TABLE "comment_notifications" ADD CONSTRAINT "FK_e0af7383e9524fd934a25fe8afc" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE NO ACTION NOT VALID',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM "comment_notifications" WHERE "webhook_id" IS NOT NULL');
    await queryRunner.query('ALTER TABLE "comment_notifications" DROP CONSTRAINT "FK_e0af7383e9524fd934a25fe8afc"');
    await queryRunner.query('ALTER TABLE "comment_notifications" DROP COLUMN "webhook_id"');
    for (const column of ['disabled_reason', 'disabled_at', 'failures', 'previous_secret_until', 'previous_secret']) await queryRunner.query(`ALTER TABLE "webhooks" DROP COLUMN "${column}"`);
  }
}
