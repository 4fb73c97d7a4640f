import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

/**
 * The index a webhook's delete looks in for its notifications (`ON DELETE CASCADE`), built concurrently, and the foreign
 * key of the migration before validated, while notifications keep being written.
 */
const INDEXES: IndexBuilt[] = [['comment_notifications_webhook_idx', 'comment_notifications', '("webhook_id") WHERE webhook_id IS NOT NULL']];

export class WebhookNotificationsIndex1798010000001 implements MigrationInterface {
  name = 'WebhookNotificationsIndex1798010000001';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
    await queryRunner.query('ALTER TABLE "comment_notifications" VALIDATE CONSTRAINT "FK_e0af7383e9524fd934a25fe8afc"');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
