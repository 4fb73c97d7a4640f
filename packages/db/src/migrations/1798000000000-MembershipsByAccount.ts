import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

/**
 * An account's memberships across projects (GET /account says whether it moderates or researches any): the primary
 * key (project, user) cannot find them without reading every project's. Built concurrently: memberships keep changing
 * meanwhile.
 */
const INDEXES: IndexBuilt[] = [['project_members_user_idx', 'project_members', '("user_id")']];

export class MembershipsByAccount1798000000000 implements MigrationInterface {
  name = 'MembershipsByAccount1798000000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
