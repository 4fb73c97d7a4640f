import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What decided a routing (`effect_memberships.decided_by`): the effect's condition that fired and the consensus that
 * met it. A nullable column (no rewrite); memberships made before stay empty: what decided them was not recorded.
 */
export class RoutingDecisions1797700000000 implements MigrationInterface {
  name = 'RoutingDecisions1797700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "effect_memberships" ADD "decided_by" jsonb');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "effect_memberships" DROP COLUMN "decided_by"');
  }
}
