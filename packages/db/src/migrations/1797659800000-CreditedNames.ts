import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The name an account is credited under in projects' acknowledgements (null: its display name), and whether it agreed
 * to be named there at all: false for every account made before, so that nobody is named without saying yes. A
 * constant default: no rewrite of the table.
 */
export class CreditedNames1797659800000 implements MigrationInterface {
  name = 'CreditedNames1797659800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD "credited_name" character varying(100), ADD "named_in_acknowledgements" boolean NOT NULL DEFAULT false');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "named_in_acknowledgements", DROP COLUMN "credited_name"');
  }
}
