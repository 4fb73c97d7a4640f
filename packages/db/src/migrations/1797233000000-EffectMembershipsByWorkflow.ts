import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // A workflow's effect memberships: the routing columns of its consensus download, and its deletion's cascade.
  ['effect_memberships_workflow_idx', 'effect_memberships', '("workflow_id", "subject_id")'],
];

/**
 * Finds a workflow's effect memberships by index: without it, a download of a few changed rows read every workflow's
 * memberships (the primary key leads with the subject). Built concurrently: routing keeps writing meanwhile.
 */
export class EffectMembershipsByWorkflow1797233000000 implements MigrationInterface {
  name = 'EffectMembershipsByWorkflow1797233000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
