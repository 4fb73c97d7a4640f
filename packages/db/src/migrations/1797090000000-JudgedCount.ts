import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How many counted classifications aggregation last found while each subject stayed open (see `SubjectWorkflowStatus`). */
export class JudgedCount1797090000000 implements MigrationInterface {
  name = 'JudgedCount1797090000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_workflow_status" ADD "judged_count" integer NOT NULL DEFAULT \'0\'');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_workflow_status" DROP COLUMN "judged_count"');
  }
}
