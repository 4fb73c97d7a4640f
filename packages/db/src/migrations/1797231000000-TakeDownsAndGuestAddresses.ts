import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // The guests made from an address, whose holds in a workflow are limited together.
  ['users_guest_address_idx', 'users', '("guest_address") WHERE guest_address IS NOT NULL'],
];

/**
 * Operators' take-downs of projects (with their reason), and the address each guest was made from: new nullable
 * columns, and a partial index built concurrently (guests keep being made meanwhile; `users` holds every guest ever).
 */
export class TakeDownsAndGuestAddresses1797231000000 implements MigrationInterface {
  name = 'TakeDownsAndGuestAddresses1797231000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "guest_address" character varying(64)');
    await queryRunner.query('ALTER TABLE "projects" ADD COLUMN IF NOT EXISTS "taken_down_at" TIMESTAMP WITH TIME ZONE, ADD COLUMN IF NOT EXISTS "taken_down_reason" character varying(1000)');
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
    await queryRunner.query('ALTER TABLE "projects" DROP COLUMN IF EXISTS "taken_down_reason", DROP COLUMN IF EXISTS "taken_down_at"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN IF EXISTS "guest_address"');
  }
}
