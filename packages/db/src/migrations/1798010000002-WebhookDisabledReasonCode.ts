import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Why a webhook is off, as a code its researchers' interface words in their language (`failures`, `by-hand`), and the
 * last delivery's error apart (`disabled_error`), where the English sentence held both. A nullable column: no rewrite.
 */
export class WebhookDisabledReasonCode1798010000002 implements MigrationInterface {
  name = 'WebhookDisabledReasonCode1798010000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "webhooks" ADD "disabled_error" text');
    await queryRunner.query(
      `UPDATE webhooks SET disabled_error = CASE WHEN disabled_reason LIKE '% deliveries in a row were given up on; the last: %' THEN substring(disabled_reason FROM '; the last: (.*)$') END,
         disabled_reason = CASE WHEN disabled_reason LIKE '% deliveries in a row were given up on; the last: %' THEN 'failures' ELSE 'by-hand' END
       WHERE disabled_reason IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE webhooks SET disabled_reason = CASE WHEN disabled_reason = 'failures' THEN '20 deliveries in a row were given up on; the last: ' || coalesce(disabled_error, '') ELSE 'turned off by its project’s researchers' END
       WHERE disabled_reason IS NOT NULL`,
    );
    await queryRunner.query('ALTER TABLE "webhooks" DROP COLUMN "disabled_error"');
  }
}
