import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Downloads stream straight from the database (`ExportStreams`): the table of requested exports was never used. */
export class DropExports1797100000000 implements MigrationInterface {
  name = 'DropExports1797100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "exports"');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"exports\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"workflow_id\" uuid NOT NULL, \"kind\" character varying(32) NOT NULL, \"format\" character varying(16) NOT NULL, \"state\" character varying(16) NOT NULL DEFAULT 'queued', \"failure_reason\" text, \"progress\" double precision NOT NULL DEFAULT '0', \"rows\" integer NOT NULL DEFAULT '0', \"requested_by\" uuid NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"finished_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_bcf8528d214cbfc68c01f337511\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("ALTER TABLE \"exports\" ADD CONSTRAINT \"FK_7ef391cc2b388db0534b008c7cc\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }
}
