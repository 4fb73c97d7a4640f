import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';
import { ASSIGN_PICKED_SUBJECTS_WITH_GOLD_STANDARD } from './1796980000000-ServedSubjectsGoldStandard';

const INDEXES: IndexBuilt[] = [
  // The live holds of an address's guests in a workflow, which are limited together.
  ['assignments_guest_address_idx', 'assignments', '("workflow_id", "guest_address") WHERE guest_address IS NOT NULL'],
];

const INSERTS = `INSERT INTO assignments AS a (workflow_id, user_id, subject_id, assigned_at, expires_at)
    SELECT workflow_id, user_id, subject_id, now(), now() + make_interval(secs => $7) FROM eligible
    ON CONFLICT (workflow_id, user_id, subject_id) DO UPDATE SET assigned_at = EXCLUDED.assigned_at, expires_at = EXCLUDED.expires_at
`;
const STAMPED = `INSERT INTO assignments AS a (workflow_id, user_id, subject_id, assigned_at, expires_at, guest_address)
    SELECT workflow_id, user_id, subject_id, now(), now() + make_interval(secs => $7), (SELECT u.guest_address FROM users u WHERE u.id = eligible.user_id) FROM eligible
    ON CONFLICT (workflow_id, user_id, subject_id) DO UPDATE SET assigned_at = EXCLUDED.assigned_at, expires_at = EXCLUDED.expires_at, guest_address = EXCLUDED.guest_address
`;
const orReplace = (definition: string) => definition.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION');

/** The function as this migration makes it (a later migration derives its own from it). */
export const ASSIGN_PICKED_SUBJECTS_STAMPING_ADDRESS = ASSIGN_PICKED_SUBJECTS_WITH_GOLD_STANDARD.replace(INSERTS, STAMPED);

/**
 * Each hold of a guest made from a known address carries that address (`assignments.guest_address`, null for
 * accounts and guests without one), so that the queue counts an address's live holds in a workflow by one partial
 * index, whatever the number of its guests (`MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST_ADDRESS`), instead of walking
 * them one by one. `assign_picked_subjects` stamps what it assigns (the same signature: replaced in one statement);
 * live holds made before are stamped once it does. A nullable column without a default is added without rewriting
 * the table; the index is built concurrently (every queue request writes assignments).
 */
export class GuestAddressHolds1797234000000 implements MigrationInterface {
  name = 'GuestAddressHolds1797234000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    if (!ASSIGN_PICKED_SUBJECTS_WITH_GOLD_STANDARD.includes(INSERTS)) throw new Error('assign_picked_subjects no longer reads as this migration expects');
    await queryRunner.query('ALTER TABLE "assignments" ADD COLUMN IF NOT EXISTS "guest_address" character varying(64)');
    await queryRunner.query(orReplace(ASSIGN_PICKED_SUBJECTS_STAMPING_ADDRESS));
    await queryRunner.query(
      `UPDATE assignments a SET guest_address = u.guest_address FROM users u
       WHERE u.id = a.user_id AND u.guest_address IS NOT NULL AND a.guest_address IS NULL AND a.expires_at > now()`,
    );
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(orReplace(ASSIGN_PICKED_SUBJECTS_WITH_GOLD_STANDARD));
    await dropIndexesConcurrently(queryRunner, INDEXES);
    await queryRunner.query('ALTER TABLE "assignments" DROP COLUMN IF EXISTS "guest_address"');
  }
}
