import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReaggregationsOwed1797000000000 implements MigrationInterface {
  name = 'ReaggregationsOwed1797000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "workflows" ADD "reaggregations_requested" integer NOT NULL DEFAULT \'0\'');
    await queryRunner.query('ALTER TABLE "workflows" ADD "reaggregations_done" integer NOT NULL DEFAULT \'0\'');
    await queryRunner.query('ALTER TABLE "workflows" ADD "reaggregation_requested_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "workflows" ADD "reaggregation_restarts" integer NOT NULL DEFAULT \'0\'');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "workflows" DROP COLUMN "reaggregation_restarts"');
    await queryRunner.query('ALTER TABLE "workflows" DROP COLUMN "reaggregation_requested_at"');
    await queryRunner.query('ALTER TABLE "workflows" DROP COLUMN "reaggregations_done"');
    await queryRunner.query('ALTER TABLE "workflows" DROP COLUMN "reaggregations_requested"');
  }
}
