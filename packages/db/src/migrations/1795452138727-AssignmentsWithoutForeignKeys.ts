import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AssignmentsWithoutForeignKeys1795452138727 implements MigrationInterface {
  name = 'AssignmentsWithoutForeignKeys1795452138727';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"assignments\" DROP CONSTRAINT \"FK_f5f5c6c40369544a54891d86834\"");
    await queryRunner.query("ALTER TABLE \"assignments\" DROP CONSTRAINT \"FK_3e96b2dc80534b727b58b87b85f\"");
    await queryRunner.query("ALTER TABLE \"assignments\" DROP CONSTRAINT \"FK_d8007d24dc3d9da492b2a094ee3\"");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Written by hand: rows left by deleted workflows, volunteers or subjects would fail the restored keys.
    await queryRunner.query(
      "DELETE FROM assignments a WHERE NOT EXISTS (SELECT 1 FROM workflows w WHERE w.id = a.workflow_id) OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.user_id) OR NOT EXISTS (SELECT 1 FROM subjects s WHERE s.id = a.subject_id)",
    );
    await queryRunner.query("ALTER TABLE \"assignments\" ADD CONSTRAINT \"FK_d8007d24dc3d9da492b2a094ee3\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"assignments\" ADD CONSTRAINT \"FK_3e96b2dc80534b727b58b87b85f\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"assignments\" ADD CONSTRAINT \"FK_f5f5c6c40369544a54891d86834\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }
}
