import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who took a subject out of a set, on the effect membership their removal ended (`effect_memberships.removed_by`), so
 * that an upload into the set again (which deletes the `subject_set_removals` row that keeps routing off) no longer
 * erases the record. A nullable column (no rewrite); filled from the removals still stored, each on the membership it
 * ended (the same moment). Removals whose row an upload deleted before this migration are lost and stay empty.
 */
export class RemovalOnMembership1797236600000 implements MigrationInterface {
  name = 'RemovalOnMembership1797236600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "effect_memberships" ADD "removed_by" uuid');
    await queryRunner.query(
      `UPDATE effect_memberships e SET removed_by = r.removed_by FROM subject_set_removals r
       WHERE r.subject_set_id = e.subject_set_id AND r.subject_id = e.subject_id AND r.removed_at = e.left_at`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "effect_memberships" DROP COLUMN "removed_by"');
  }
}
