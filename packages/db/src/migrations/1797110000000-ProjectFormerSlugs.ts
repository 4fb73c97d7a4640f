import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Old slugs of projects whose administrators changed theirs, so that old addresses still lead to them. */
export class ProjectFormerSlugs1797110000000 implements MigrationInterface {
  name = 'ProjectFormerSlugs1797110000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"project_former_slugs\" (\"slug\" character varying(100) NOT NULL, \"project_id\" uuid NOT NULL, \"replaced_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_6f05694ffdc329dfcd244f03e80\" PRIMARY KEY (\"slug\"))");
    await queryRunner.query("CREATE INDEX \"project_former_slugs_project_idx\" ON \"project_former_slugs\"  (\"project_id\") ");
    await queryRunner.query("ALTER TABLE \"project_former_slugs\" ADD CONSTRAINT \"FK_fc74817de184b9b9ff3e6be37a5\" FOREIGN KEY (\"project_id\") REFERENCES \"projects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"project_former_slugs\" DROP CONSTRAINT \"FK_fc74817de184b9b9ff3e6be37a5\"");
    await queryRunner.query("DROP INDEX \"public\".\"project_former_slugs_project_idx\"");
    await queryRunner.query("DROP TABLE \"project_former_slugs\"");
  }
}
