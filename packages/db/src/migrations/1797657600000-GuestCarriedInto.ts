import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // The guests carried into an account, looked up by each of its submits.
  ['users_carried_into_idx', 'users', '("carried_into") WHERE carried_into IS NOT NULL'],
];

/**
 * The account a guest's work was carried into at its sign-in: a submit of the guest's stored after that (under way
 * then) is the account's too, for its replays and once-per-subject rule. A new nullable column (null for guests carried
 * before: their late submits, if any, stay theirs), and a partial index built concurrently (`users` holds every guest ever).
 */
export class GuestCarriedInto1797657600000 implements MigrationInterface {
  name = 'GuestCarriedInto1797657600000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "carried_into" uuid');
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN IF EXISTS "carried_into"');
  }
}
