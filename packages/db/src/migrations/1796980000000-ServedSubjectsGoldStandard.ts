import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ASSIGN_PICKED_SUBJECTS_WITH_EARLIEST } from './1796950000000-HoldsNearRetirement';

const RETURNS = 'RETURNS TABLE (workflow_id uuid, user_id uuid, id uuid, external_id varchar, locations jsonb, metadata jsonb)';
const SERVES = 'SELECT a.workflow_id, a.user_id, s.id, s.external_id, s.locations, s.metadata FROM assigned a';

/** The function as this migration makes it (a later migration derives its own from it). */
export const ASSIGN_PICKED_SUBJECTS_WITH_GOLD_STANDARD = ASSIGN_PICKED_SUBJECTS_WITH_EARLIEST.replace(RETURNS, RETURNS.replace(')', ', is_gold_standard boolean)')).replace(
  SERVES,
  'SELECT a.workflow_id, a.user_id, s.id, s.external_id, s.locations, s.metadata, s.gold_standard IS NOT NULL FROM assigned a',
);

/**
 * `assign_picked_subjects` as before, and it says of each subject it serves whether it is gold standard: the queue
 * serves gold-standard subjects only alongside others.
 */
export class ServedSubjectsGoldStandard1796980000000 implements MigrationInterface {
  name = 'ServedSubjectsGoldStandard1796980000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (!ASSIGN_PICKED_SUBJECTS_WITH_EARLIEST.includes(RETURNS) || !ASSIGN_PICKED_SUBJECTS_WITH_EARLIEST.includes(SERVES)) {
      throw new Error('assign_picked_subjects no longer reads as this migration expects');
    }
    await queryRunner.query('DROP FUNCTION assign_picked_subjects(int[], uuid[], uuid[], uuid[], int[], int[], float8)');
    await queryRunner.query(ASSIGN_PICKED_SUBJECTS_WITH_GOLD_STANDARD);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION assign_picked_subjects(int[], uuid[], uuid[], uuid[], int[], int[], float8)');
    await queryRunner.query(ASSIGN_PICKED_SUBJECTS_WITH_EARLIEST);
  }
}
