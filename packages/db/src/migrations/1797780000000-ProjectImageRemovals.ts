import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When and why the operators of this Chorus last removed a project's image (`PUT /projects/:id/image-removal`), for its
 * members to read until its administrators set another. Two nullable columns: no table rewrite.
 */
export class ProjectImageRemovals1797780000000 implements MigrationInterface {
  name = 'ProjectImageRemovals1797780000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "projects" ADD "image_removed_at" TIMESTAMP WITH TIME ZONE, ADD "image_removed_reason" character varying(1000)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "projects" DROP COLUMN "image_removed_at", DROP COLUMN "image_removed_reason"');
  }
}
