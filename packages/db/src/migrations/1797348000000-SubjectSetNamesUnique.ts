import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A set's name is its project's only, compared trimmed and case aside, by a unique index (a check alone let two
 * requests at the same moment both pass). Sets that already share a name keep the first one made; each later one is
 * renamed with the first free number, `Letters (2)`, `letters (3)`, in the order they were made (a small table, built in
 * the migration's transaction, which holds off new sets until it ends).
 */
export class SubjectSetNamesUnique1797348000000 implements MigrationInterface {
  name = 'SubjectSetNamesUnique1797348000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('LOCK TABLE "subject_sets" IN SHARE ROW EXCLUSIVE MODE');
    await queryRunner.query(`
      DO $$
      DECLARE
        later record;
        number int;
        renamed text;
      BEGIN
        FOR later IN
          SELECT id, project_id, name FROM (
            SELECT id, project_id, name, created_at,
              row_number() OVER (PARTITION BY project_id, lower(btrim(name)) ORDER BY created_at, id) AS place
            FROM subject_sets) ranked
          WHERE place > 1 ORDER BY project_id, created_at, id
        LOOP
          number := 2;
          LOOP
            renamed := left(btrim(later.name), 200 - length(' (' || number || ')')) || ' (' || number || ')';
            EXIT WHEN NOT EXISTS (SELECT 1 FROM subject_sets WHERE project_id = later.project_id AND lower(btrim(name)) = lower(renamed));
            number := number + 1;
          END LOOP;
          UPDATE subject_sets SET name = renamed WHERE id = later.id;
        END LOOP;
      END $$`);
    await queryRunner.query('CREATE UNIQUE INDEX "subject_sets_project_name_key" ON "subject_sets" ("project_id", lower(btrim("name")))');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."subject_sets_project_name_key"');
  }
}
