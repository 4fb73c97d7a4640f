import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A workflow's linked sets in the order its `subjectSetIds` names them: `sequential` serves them in that order. Links
 * made before keep the order they were served in (the sets' creation).
 */
export class LinkedSetOrder1797130000000 implements MigrationInterface {
  name = 'LinkedSetOrder1797130000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "workflow_subject_sets" ADD "position" integer NOT NULL DEFAULT 0');
    await queryRunner.query(`UPDATE workflow_subject_sets l SET position = o.position
      FROM (SELECT l.workflow_id, l.subject_set_id, row_number() OVER (PARTITION BY l.workflow_id ORDER BY ss.created_at, ss.id) - 1 AS position
            FROM workflow_subject_sets l JOIN subject_sets ss ON ss.id = l.subject_set_id) o
      WHERE o.workflow_id = l.workflow_id AND o.subject_set_id = l.subject_set_id`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "workflow_subject_sets" DROP COLUMN "position"');
  }
}
