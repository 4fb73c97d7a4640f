import type { MigrationInterface, QueryRunner } from 'typeorm';

// As the entity says it (`ANNOTATIONS_LIST_CHECK`), copied: a migration stays as it ran.
const ANNOTATIONS_LIST = 'classifications_annotations_list';
const ANNOTATIONS_LIST_CHECK = `jsonb_typeof(annotations) = 'array' AND NOT jsonb_path_exists(annotations, '$[*] ? (@.type() != "object" || !(@.task.type() == "string"))')`;

/**
 * A classification's annotations are a list of { task, … } (what submits store, and aggregation reads). Added
 * `NOT VALID` and validated apart, outside a transaction: validating scans every classification, under a lock that
 * lets the table keep taking classifications meanwhile. Safe to run again after an interruption.
 */
export class AnnotationsList1797225000000 implements MigrationInterface {
  name = 'AnnotationsList1797225000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    const [{ added }]: { added: boolean }[] = await queryRunner.query('SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = $1) AS added', [ANNOTATIONS_LIST]);
    if (!added) await queryRunner.query(`ALTER TABLE "classifications" ADD CONSTRAINT "${ANNOTATIONS_LIST}" CHECK (${ANNOTATIONS_LIST_CHECK}) NOT VALID`);
    await queryRunner.query(`ALTER TABLE "classifications" VALIDATE CONSTRAINT "${ANNOTATIONS_LIST}"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "classifications" DROP CONSTRAINT IF EXISTS "${ANNOTATIONS_LIST}"`);
  }
}
