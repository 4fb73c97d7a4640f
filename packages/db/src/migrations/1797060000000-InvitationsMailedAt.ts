import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When each invitation was last mailed, kept on its row so that invitations made at once are mailed once. */
export class InvitationsMailedAt1797060000000 implements MigrationInterface {
  name = 'InvitationsMailedAt1797060000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"project_invitations\" ADD \"mailed_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()");
    // Until now the date an invitation was last made stood for when it was mailed.
    await queryRunner.query('UPDATE "project_invitations" SET "mailed_at" = "created_at"');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"project_invitations\" DROP COLUMN \"mailed_at\"");
  }
}
