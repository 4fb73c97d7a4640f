import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Since when a workflow's unretired subjects are owed a run with the skills last learned, till a run starts. */
export class SkillsReaggregationOwed1797222000000 implements MigrationInterface {
  name = 'SkillsReaggregationOwed1797222000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "workflows" ADD "skills_reaggregation_owed_at" TIMESTAMP WITH TIME ZONE');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "workflows" DROP COLUMN "skills_reaggregation_owed_at"');
  }
}
