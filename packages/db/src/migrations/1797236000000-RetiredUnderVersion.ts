import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The workflow version whose retirement rule retired each subject (`retired_under_version`). A new column without a
 * default (no rewrite). The subjects retired by their rule before it are given the newest version published at or
 * before their `retired_at`: the version aggregation read then, unless one was published in the moment between its read
 * and its commit (the worker then retired it under the one before), which the stored rows cannot tell. Retirements by
 * hand and by a set's unlinking stay empty, as they are from now on.
 */
export class RetiredUnderVersion1797236000000 implements MigrationInterface {
  name = 'RetiredUnderVersion1797236000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_workflow_status" ADD "retired_under_version" integer');
    await queryRunner.query(
      `UPDATE subject_workflow_status st SET retired_under_version = (
         SELECT max(v.version) FROM workflow_versions v WHERE v.workflow_id = st.workflow_id AND v.created_at <= st.retired_at)
       WHERE st.retired_at IS NOT NULL AND st.retirement_reason IN ('count', 'agreement', 'posterior', 'maximum')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_workflow_status" DROP COLUMN "retired_under_version"');
  }
}
