import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The index of a volunteer's reports gains the workflow, for the queue's workflow lookup: whether the volunteer reported
 * any subject of the workflow, one probe per queue request (the pick leaves reported subjects out only then). It still
 * serves the account's foreign key and a guest's carry, which look by volunteer alone. The table is small (a report is
 * rare beside a classification), so it is built in the migration's transaction.
 */
export class SubjectReportsByVolunteer1797160000000 implements MigrationInterface {
  name = 'SubjectReportsByVolunteer1797160000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE INDEX \"subject_reports_user_workflow_idx\" ON \"subject_reports\"  (\"user_id\", \"workflow_id\") ");
    await queryRunner.query("DROP INDEX \"public\".\"subject_reports_user_idx\"");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE INDEX \"subject_reports_user_idx\" ON \"subject_reports\"  (\"user_id\") ");
    await queryRunner.query("DROP INDEX \"public\".\"subject_reports_user_workflow_idx\"");
  }
}
