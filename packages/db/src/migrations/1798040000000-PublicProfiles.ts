import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether an account shows its public profile (`GET /volunteers/:id`): off for every account there already, as for a
 * new one, until its volunteer turns it on (a constant default: no rewrite of the table).
 */
export class PublicProfiles1798040000000 implements MigrationInterface {
  name = 'PublicProfiles1798040000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD "public_profile" boolean NOT NULL DEFAULT false');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "public_profile"');
  }
}
