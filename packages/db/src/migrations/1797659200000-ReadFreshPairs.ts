import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `read_fresh_pairs(query, projects, users)`: the (project, volunteer) pairs `query` selects, run with the parallel
 * arrays as its $1 and $2, read with a snapshot of its own, taken when it runs. VOLATILE because a volatile function's
 * queries take a fresh snapshot each (a stable one's reuse the calling statement's): a statement that waited for
 * locks after it began sees, through it, what committed while it waited. The query is the caller's (packages/db), so
 * the rule it applies has one home there.
 */
export class ReadFreshPairs1797659200000 implements MigrationInterface {
  name = 'ReadFreshPairs1797659200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION read_fresh_pairs(query text, projects uuid[], users uuid[])
  RETURNS TABLE (project_id uuid, user_id uuid)
  LANGUAGE plpgsql VOLATILE AS $body$
BEGIN
  RETURN QUERY EXECUTE query USING projects, users;
END
$body$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION read_fresh_pairs(text, uuid[], uuid[])');
  }
}
