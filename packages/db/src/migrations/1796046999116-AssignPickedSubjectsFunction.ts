import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `assign_picked_subjects`: assigns the subjects a queue pick has locked, so that the pick and the assignment run as
 * one statement (one round trip, no explicit transaction). Being VOLATILE, the function's statement reads a fresh
 * snapshot, taken after the calling pick has locked its rows: it counts assignments that other transactions
 * committed while the pick ran, which the pick's own snapshot could not see.
 *
 * Given the picks as parallel arrays ($1 take, $2 workflow, $3 volunteer, $4 subject, $5 cap, null for no cap) and $6
 * the assignment lifetime in seconds, it re-checks each pick: the subject is still unretired, the volunteer has not
 * classified it, and it is not held by as many volunteers as its cap allows. Within the picks, a subject picked twice
 * by one volunteer goes to their first take, and a subject goes to no more volunteers than its cap allows, in take
 * order. A live assignment of the volunteer's (made by a concurrent batch) is left alone and not returned, so two of
 * their batches never share a subject; an expired one is renewed. Returns the assigned subjects with their workflow
 * and volunteer. The hot row is read through a LATERAL with OFFSET 0 so it stays a probe of its key: joined, the
 * planner would read the whole workflow's rows for a small workflow.
 */
export class AssignPickedSubjectsFunction1796046999116 implements MigrationInterface {
  name = 'AssignPickedSubjectsFunction1796046999116';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION assign_picked_subjects(int[], uuid[], uuid[], uuid[], int[], float8)
  RETURNS TABLE (workflow_id uuid, user_id uuid, id uuid, external_id varchar, locations jsonb, metadata jsonb)
  LANGUAGE plpgsql VOLATILE AS $body$
#variable_conflict use_column
BEGIN
  RETURN QUERY WITH picked AS (
    SELECT DISTINCT ON (workflow_id, user_id, subject_id) *
    FROM unnest($1, $2, $3, $4, $5) AS p(take, workflow_id, user_id, subject_id, cap)
    ORDER BY workflow_id, user_id, subject_id, take
  ), eligible AS (
    SELECT e.workflow_id, e.user_id, e.subject_id FROM (
      SELECT p.*, row_number() OVER (PARTITION BY p.workflow_id, p.subject_id ORDER BY p.take) AS nth,
        st.counted_count + (SELECT count(*) FROM assignments a WHERE a.workflow_id = p.workflow_id AND a.subject_id = p.subject_id AND a.expires_at > now()) AS held
      FROM picked p
      CROSS JOIN LATERAL (SELECT st.counted_count FROM subject_workflow_status st
                          WHERE st.workflow_id = p.workflow_id AND st.subject_id = p.subject_id AND st.retired_at IS NULL OFFSET 0) st
      WHERE NOT EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_id = p.workflow_id AND c.subject_id = p.subject_id AND c.user_id = p.user_id OFFSET 0)
    ) e
    WHERE e.cap IS NULL OR e.held + e.nth <= e.cap
  ), assigned AS (
    INSERT INTO assignments AS a (workflow_id, user_id, subject_id, assigned_at, expires_at)
    SELECT workflow_id, user_id, subject_id, now(), now() + make_interval(secs => $6) FROM eligible
    ON CONFLICT (workflow_id, user_id, subject_id) DO UPDATE SET assigned_at = EXCLUDED.assigned_at, expires_at = EXCLUDED.expires_at
      WHERE a.expires_at <= now()
    RETURNING a.workflow_id, a.user_id, a.subject_id
  )
  SELECT a.workflow_id, a.user_id, s.id, s.external_id, s.locations, s.metadata FROM assigned a JOIN subjects s ON s.id = a.subject_id;
END
$body$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION assign_picked_subjects(int[], uuid[], uuid[], uuid[], int[], float8)');
  }
}
