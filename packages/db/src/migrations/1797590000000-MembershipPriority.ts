import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The priority an upload gave a subject of a set (a file's `#priority` column), kept on its membership, so that a
 * workflow linked to the set later starts its subjects at it, as those linked at the upload did. A new column without
 * a default (no rewrite); memberships uploaded before have none: their workflows keep the priorities they have, and a
 * workflow linked later starts them at 0, as it did, until the file is sent again.
 */
export class MembershipPriority1797590000000 implements MigrationInterface {
  name = 'MembershipPriority1797590000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_set_members" ADD "priority" double precision');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_set_members" DROP COLUMN "priority"');
  }
}
