import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Volunteers whose classifications a project's researchers keep out of its consensus (a vandal, a bot, a careless
 * account): one row per project and volunteer (a guest too: classifications are keyed to the user row either is).
 */
export class ExcludedVolunteers1797659100000 implements MigrationInterface {
  name = 'ExcludedVolunteers1797659100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "excluded_volunteers" (
      "project_id" uuid NOT NULL REFERENCES "projects"("id") ON DELETE CASCADE,
      "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      "reason" character varying(500) NOT NULL,
      "excluded_by" uuid REFERENCES "users"("id") ON DELETE SET NULL,
      "excluded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "excluded_volunteers_pkey" PRIMARY KEY ("project_id", "user_id"))`);
    await queryRunner.query('CREATE INDEX "excluded_volunteers_user_idx" ON "excluded_volunteers" ("user_id")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "excluded_volunteers"');
  }
}
