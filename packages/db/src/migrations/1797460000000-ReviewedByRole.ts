import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The role a review was made in (a reviewer, or a researcher), kept with it. Until now only researchers could review:
 * reviews made before are given their reviewer's role now when it is still a researcher's, else none (they left the
 * team, or are no longer a researcher, and the role they reviewed in is not known).
 */
export class ReviewedByRole1797460000000 implements MigrationInterface {
  name = 'ReviewedByRole1797460000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "consensus_reviews" ADD "reviewed_by_role" character varying(16)');
    await queryRunner.query(
      `UPDATE consensus_reviews r SET reviewed_by_role = m.role
       FROM workflows w JOIN project_members m ON m.project_id = w.project_id
       WHERE w.id = r.workflow_id AND m.user_id = r.reviewed_by AND m.role IN ('owner', 'collaborator', 'scientist')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "consensus_reviews" DROP COLUMN "reviewed_by_role"');
  }
}
