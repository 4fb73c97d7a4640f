import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each classification says whether it was made while its workflow was a draft (a try by the project's team), which
 * then counts toward neither consensus nor retirement. Those stored before are left unmarked: whether their workflow
 * was a draft then is not recorded anywhere.
 */
export class MadeInDraft1797251055000 implements MigrationInterface {
  name = 'MadeInDraft1797251055000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "classifications" ADD "made_in_draft" boolean NOT NULL DEFAULT false');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "classifications" DROP COLUMN "made_in_draft"');
  }
}
