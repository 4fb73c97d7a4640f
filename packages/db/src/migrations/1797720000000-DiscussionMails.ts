import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether an account is mailed when someone replies to one of its comments or mentions it (`@name`, or `@team` on a
 * project's team): false for every account made before, as for every new one, until its volunteer asks for it. A
 * constant default: no rewrite of the table.
 */
export class DiscussionMails1797720000000 implements MigrationInterface {
  name = 'DiscussionMails1797720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD "discussion_mails" boolean NOT NULL DEFAULT false');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "discussion_mails"');
  }
}
