import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A report stored without `reporter_id` was made as its volunteer (`user_id`): what a release before `reporter_id`
 * stores while it still runs beside a newer one in a rolling deploy, whose reports `ReporterIds1797248000000`'s
 * NOT NULL refused. A column's DEFAULT cannot read another column, hence a trigger; the API stores reports this way
 * too, so the rule has one home. It sets the id only where none is given, so the column stays NOT NULL and a guest's
 * sign-in, which moves `user_id` later, still leaves it.
 */
export class ReporterIdsOfEarlierReleases1797251058000 implements MigrationInterface {
  name = 'ReporterIdsOfEarlierReleases1797251058000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION subject_reports_reporter_id() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.reporter_id := NEW.user_id;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER subject_reports_reporter_id BEFORE INSERT ON subject_reports
      FOR EACH ROW WHEN (NEW.reporter_id IS NULL) EXECUTE FUNCTION subject_reports_reporter_id()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER subject_reports_reporter_id ON subject_reports');
    await queryRunner.query('DROP FUNCTION subject_reports_reporter_id()');
  }
}
