import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The memberships workflows' effects made (`effect_memberships`), which routing may undo when a consensus changes: a new
 * table, empty, so built in the migration's transaction; and the subjects a re-aggregation run moved out of such sets.
 */
export class EffectMemberships1797220000000 implements MigrationInterface {
  name = 'EffectMemberships1797220000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"effect_memberships\" (\"subject_id\" uuid NOT NULL, \"workflow_id\" uuid NOT NULL, \"subject_set_id\" uuid NOT NULL, \"added_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"left_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_028e800df6b01eabffb3c1a9bc7\" PRIMARY KEY (\"subject_id\", \"workflow_id\", \"subject_set_id\"))");
    await queryRunner.query("CREATE INDEX \"effect_memberships_set_subject_idx\" ON \"effect_memberships\"  (\"subject_set_id\", \"subject_id\") ");
    await queryRunner.query("ALTER TABLE \"reaggregation_runs\" ADD \"routed_out\" integer");
    await queryRunner.query("ALTER TABLE \"effect_memberships\" ADD CONSTRAINT \"FK_b2fc6c139a7b016ff1e8ec3cf23\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"effect_memberships\" ADD CONSTRAINT \"FK_8e73e7422e822039e29d14f2a58\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"effect_memberships\" ADD CONSTRAINT \"FK_4d3e2c8a941c6959f15e33feb89\" FOREIGN KEY (\"subject_set_id\") REFERENCES \"subject_sets\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"effect_memberships\" DROP CONSTRAINT \"FK_4d3e2c8a941c6959f15e33feb89\"");
    await queryRunner.query("ALTER TABLE \"effect_memberships\" DROP CONSTRAINT \"FK_8e73e7422e822039e29d14f2a58\"");
    await queryRunner.query("ALTER TABLE \"effect_memberships\" DROP CONSTRAINT \"FK_b2fc6c139a7b016ff1e8ec3cf23\"");
    await queryRunner.query("ALTER TABLE \"reaggregation_runs\" DROP COLUMN \"routed_out\"");
    await queryRunner.query("DROP INDEX \"public\".\"effect_memberships_set_subject_idx\"");
    await queryRunner.query("DROP TABLE \"effect_memberships\"");
  }
}
