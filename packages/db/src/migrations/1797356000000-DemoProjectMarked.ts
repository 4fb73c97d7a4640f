import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Marks the demo project Chorus makes on its first start (`came_with_chorus`), so that whoever is given it is told what
 * it is. The demo made before is the one with the demo's slug and first snippet (its owner may have changed since).
 */
export class DemoProjectMarked1797356000000 implements MigrationInterface {
  name = 'DemoProjectMarked1797356000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "projects" ADD "came_with_chorus" boolean NOT NULL DEFAULT false');
    await queryRunner.query(
      `UPDATE "projects" p SET "came_with_chorus" = true WHERE p."slug" = 'ad-or-not' AND EXISTS (SELECT 1 FROM "subjects" s WHERE s."project_id" = p."id" AND s."external_id" = 'demo-01')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "projects" DROP COLUMN "came_with_chorus"');
  }
}
