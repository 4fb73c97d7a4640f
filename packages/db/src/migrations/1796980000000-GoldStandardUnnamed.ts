import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ASSIGN_PICKED_SUBJECTS_WITH_EARLIEST } from './1796950000000-HoldsNearRetirement';

const SERVED_AS_IS = 'SELECT a.workflow_id, a.user_id, s.id, s.external_id, s.locations';
/** A gold-standard subject is served without its external id, which may tell volunteers it is one (`GOLD-2`). */
const GOLD_UNNAMED = 'SELECT a.workflow_id, a.user_id, s.id, CASE WHEN s.gold_standard IS NULL THEN s.external_id END, s.locations';

/** `assign_picked_subjects` as before, but for the external id of the gold-standard subjects it serves. */
export class GoldStandardUnnamed1796980000000 implements MigrationInterface {
  name = 'GoldStandardUnnamed1796980000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (!ASSIGN_PICKED_SUBJECTS_WITH_EARLIEST.includes(SERVED_AS_IS)) throw new Error('assign_picked_subjects no longer selects what this migration changes');
    await queryRunner.query(ASSIGN_PICKED_SUBJECTS_WITH_EARLIEST.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION').replace(SERVED_AS_IS, GOLD_UNNAMED));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(ASSIGN_PICKED_SUBJECTS_WITH_EARLIEST.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
  }
}
