import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Invitations to join a project, addressed to an email, looked up by it when its account signs in. */
export class ProjectInvitations1797030000000 implements MigrationInterface {
  name = 'ProjectInvitations1797030000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"project_invitations\" (\"project_id\" uuid NOT NULL, \"email\" character varying(320) NOT NULL, \"role\" character varying(16) NOT NULL, \"invited_by\" uuid NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_34eda7777cf88dda184cb485eab\" PRIMARY KEY (\"project_id\", \"email\"))");
    await queryRunner.query("ALTER TABLE \"project_invitations\" ADD CONSTRAINT \"FK_ff93e974f241ea13e6f7d5aa2d5\" FOREIGN KEY (\"project_id\") REFERENCES \"projects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query('CREATE INDEX "project_invitations_email_idx" ON "project_invitations" ("email")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "project_invitations_email_idx"');
    await queryRunner.query("ALTER TABLE \"project_invitations\" DROP CONSTRAINT \"FK_ff93e974f241ea13e6f7d5aa2d5\"");
    await queryRunner.query("DROP TABLE \"project_invitations\"");
  }
}
