import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `excluded_volunteers_now`: of the pairs given as parallel arrays ($1 project, $2 volunteer), those the project keeps
 * out of its consensus (`excluded_volunteers`). Being VOLATILE, its statement reads a fresh snapshot: a submit calls it
 * once it holds its volunteers' exclusion locks (shared), and so reads an exclusion or a lift committed while it
 * waited for them, which its own statement's snapshot, taken before, could not see.
 */
export class ExclusionsReadFresh1797659200000 implements MigrationInterface {
  name = 'ExclusionsReadFresh1797659200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION excluded_volunteers_now(uuid[], uuid[])
  RETURNS TABLE (project_id uuid, user_id uuid)
  LANGUAGE plpgsql VOLATILE AS $body$
#variable_conflict use_column
BEGIN
  RETURN QUERY SELECT e.project_id, e.user_id FROM excluded_volunteers e JOIN unnest($1, $2) AS k(project_id, user_id) USING (project_id, user_id);
END
$body$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION excluded_volunteers_now(uuid[], uuid[])');
  }
}
