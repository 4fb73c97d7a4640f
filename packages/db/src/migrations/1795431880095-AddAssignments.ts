import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddAssignments1795431880095 implements MigrationInterface {
  name = 'AddAssignments1795431880095';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"assignments\" (\"workflow_id\" uuid NOT NULL, \"user_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"assigned_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"expires_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_8c77f21673c9f5f7f09b29d9f9a\" PRIMARY KEY (\"workflow_id\", \"user_id\", \"subject_id\"))");
    await queryRunner.query("CREATE INDEX \"assignments_subject_idx\" ON \"assignments\"  (\"workflow_id\", \"subject_id\", \"expires_at\") ");
    await queryRunner.query("CREATE INDEX \"subject_workflow_status_priority_idx\" ON \"subject_workflow_status\"  (\"workflow_id\", \"priority\", \"random\") WHERE retired_at IS NULL");
    await queryRunner.query("ALTER TABLE \"assignments\" ADD CONSTRAINT \"FK_f5f5c6c40369544a54891d86834\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"assignments\" ADD CONSTRAINT \"FK_3e96b2dc80534b727b58b87b85f\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"assignments\" ADD CONSTRAINT \"FK_d8007d24dc3d9da492b2a094ee3\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"assignments\" DROP CONSTRAINT \"FK_d8007d24dc3d9da492b2a094ee3\"");
    await queryRunner.query("ALTER TABLE \"assignments\" DROP CONSTRAINT \"FK_3e96b2dc80534b727b58b87b85f\"");
    await queryRunner.query("ALTER TABLE \"assignments\" DROP CONSTRAINT \"FK_f5f5c6c40369544a54891d86834\"");
    await queryRunner.query("DROP INDEX \"public\".\"subject_workflow_status_priority_idx\"");
    await queryRunner.query("DROP INDEX \"public\".\"assignments_subject_idx\"");
    await queryRunner.query("DROP TABLE \"assignments\"");
  }
}
