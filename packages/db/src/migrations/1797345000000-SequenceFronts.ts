import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each link of a set to a workflow keeps a retired front: the member (position, then subject id) before which every
 * member of the set is retired in the workflow; null, the start of the set. `sequential` order walks each set from its
 * front, so a take no longer reads the subjects a sequential workflow has retired from the front.
 *
 * The invariant "everything before the front is retired" is kept by the database itself, whatever code changes a row:
 *
 * - Lowered at once, in the transaction that makes a member pickable again before the front: a subject unretired
 *   (trigger on `subject_workflow_status`), members added or moved (triggers on `subject_set_members`). Members placed
 *   lock their sets' link rows whether or not they lower the front: the advance below cannot see them until they
 *   commit, and must not pass their place meanwhile. An unretirement needs no such lock: the advance locks each row it
 *   passes, so it cannot pass a row being unretired, and one it has passed waits for its commit, then lowers.
 * - Advanced by `advance_sequence_fronts(workflow)` (the worker, after each aggregation of the workflow), only past
 *   members whose hot row is retired, each locked `FOR SHARE SKIP LOCKED` as it is passed: a row another transaction
 *   has locked (perhaps unretiring it) stops the front, and a row it passed cannot be unretired before it commits.
 *   The link rows are locked `SKIP LOCKED`: a link another advance or a lowering holds is advanced next time.
 *
 * Chosen over keeping each subject's place in the sequence on its hot row (as random and priority orders keep their
 * keys): that place depends on the set's link position and the member's, so every link, unlink, reorder, upload or move
 * would rewrite hot rows (a reorder of a 50,000-subject workflow, all of them), where the front is one row per link.
 */
export class SequenceFronts1797345000000 implements MigrationInterface {
  name = 'SequenceFronts1797345000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "workflow_subject_sets" ADD "front_position" bigint');
    await queryRunner.query('ALTER TABLE "workflow_subject_sets" ADD "front_subject_id" uuid');
    await queryRunner.query(`CREATE FUNCTION sequence_fronts_unretired() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  UPDATE workflow_subject_sets l SET front_position = m.position, front_subject_id = m.subject_id
  FROM subject_set_members m
  WHERE l.workflow_id = NEW.workflow_id AND m.subject_set_id = l.subject_set_id AND m.subject_id = NEW.subject_id
    AND (m.position, m.subject_id) < (l.front_position, l.front_subject_id);
  RETURN NULL;
END $body$`);
    await queryRunner.query(`CREATE TRIGGER sequence_fronts_unretired AFTER UPDATE OF retired_at ON subject_workflow_status
  FOR EACH ROW WHEN (OLD.retired_at IS NOT NULL AND NEW.retired_at IS NULL) EXECUTE FUNCTION sequence_fronts_unretired()`);
    await queryRunner.query(`CREATE FUNCTION sequence_fronts_members_placed() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  PERFORM 1 FROM workflow_subject_sets l WHERE l.subject_set_id IN (SELECT p.subject_set_id FROM placed p)
    ORDER BY l.workflow_id, l.subject_set_id FOR UPDATE OF l;
  UPDATE workflow_subject_sets l SET front_position = p.position, front_subject_id = p.subject_id
  FROM (SELECT DISTINCT ON (p.subject_set_id) p.subject_set_id, p.position, p.subject_id FROM placed p ORDER BY p.subject_set_id, p.position, p.subject_id) p
  WHERE l.subject_set_id = p.subject_set_id AND (p.position, p.subject_id) < (l.front_position, l.front_subject_id);
  RETURN NULL;
END $body$`);
    await queryRunner.query(`CREATE TRIGGER sequence_fronts_members_added AFTER INSERT ON subject_set_members
  REFERENCING NEW TABLE AS placed FOR EACH STATEMENT EXECUTE FUNCTION sequence_fronts_members_placed()`);
    await queryRunner.query(`CREATE TRIGGER sequence_fronts_members_moved AFTER UPDATE ON subject_set_members
  REFERENCING NEW TABLE AS placed FOR EACH STATEMENT EXECUTE FUNCTION sequence_fronts_members_placed()`);
    await queryRunner.query(ADVANCE_SEQUENCE_FRONTS);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION advance_sequence_fronts(uuid)');
    await queryRunner.query('DROP TRIGGER sequence_fronts_members_moved ON subject_set_members');
    await queryRunner.query('DROP TRIGGER sequence_fronts_members_added ON subject_set_members');
    await queryRunner.query('DROP FUNCTION sequence_fronts_members_placed()');
    await queryRunner.query('DROP TRIGGER sequence_fronts_unretired ON subject_workflow_status');
    await queryRunner.query('DROP FUNCTION sequence_fronts_unretired()');
    await queryRunner.query('ALTER TABLE "workflow_subject_sets" DROP COLUMN "front_subject_id"');
    await queryRunner.query('ALTER TABLE "workflow_subject_sets" DROP COLUMN "front_position"');
  }
}

/**
 * Moves each front of the workflow's links on to its set's first member not retired (or whose hot row another
 * transaction holds, or that has none), or, every member from it on being retired, to the set's last member. How many
 * fronts moved. A member the walk passed is not read again by a take; the walk reads the members from the front once.
 */
const ADVANCE_SEQUENCE_FRONTS = `CREATE FUNCTION advance_sequence_fronts(workflow uuid) RETURNS int LANGUAGE sql VOLATILE AS $body$
  WITH links AS (
    SELECT l.subject_set_id, coalesce(l.front_position, '-9223372036854775808'::bigint) AS front_position,
      coalesce(l.front_subject_id, '00000000-0000-0000-0000-000000000000'::uuid) AS front_subject_id
    FROM workflow_subject_sets l WHERE l.workflow_id = workflow FOR UPDATE SKIP LOCKED),
  fronts AS (
    SELECT links.subject_set_id, f.position, f.subject_id FROM links CROSS JOIN LATERAL (
      (SELECT w.position, w.subject_id FROM (
         SELECT m.position, m.subject_id, passed.retired FROM subject_set_members m
         LEFT JOIN LATERAL (
           SELECT true AS retired FROM subject_workflow_status st
           WHERE st.workflow_id = workflow AND st.subject_id = m.subject_id AND st.retired_at IS NOT NULL FOR SHARE OF st SKIP LOCKED) passed ON true
         WHERE m.subject_set_id = links.subject_set_id AND (m.position, m.subject_id) >= (links.front_position, links.front_subject_id)) w
       WHERE w.retired IS NULL ORDER BY w.position, w.subject_id LIMIT 1)
      UNION ALL
      (SELECT m.position, m.subject_id FROM subject_set_members m WHERE m.subject_set_id = links.subject_set_id ORDER BY m.position DESC, m.subject_id DESC LIMIT 1)
      LIMIT 1) f),
  advanced AS (
    UPDATE workflow_subject_sets l SET front_position = f.position, front_subject_id = f.subject_id FROM fronts f
    WHERE l.workflow_id = workflow AND l.subject_set_id = f.subject_set_id
      AND (f.position, f.subject_id) > (coalesce(l.front_position, '-9223372036854775808'::bigint), coalesce(l.front_subject_id, '00000000-0000-0000-0000-000000000000'::uuid))
    RETURNING 1)
  SELECT count(*)::int FROM advanced
$body$`;
