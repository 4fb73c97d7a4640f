import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

/**
 * One notification per volunteer and completion of a workflow (the statement that tells of it inserts each once, a
 * job run twice tells no one again), and the index its foreign key's deletes look in; built concurrently, and the
 * foreign key of the migration before validated, while notifications of comments keep being written.
 */
const INDEXES: IndexBuilt[] = [['comment_notifications_completion_user_key', 'comment_notifications', '("workflow_id", "completed_at", "user_id") WHERE workflow_id IS NOT NULL', 'unique']];

export class WorkflowCompleteNotificationsIndex1797970000001 implements MigrationInterface {
  name = 'WorkflowCompleteNotificationsIndex1797970000001';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
    await queryRunner.query('ALTER TABLE "comment_notifications" VALIDATE CONSTRAINT "FK_630501ae4d416fda4c2aa7e74f2"');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
