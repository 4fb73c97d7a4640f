import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AssignPickedSubjectsFunction1796046999116 } from './1796046999116-AssignPickedSubjectsFunction';

/**
 * `assign_picked_subjects` takes, with each pick, the fewest counted classifications at which the workflow's rule
 * could retire a subject ($6 `earliest`). It re-checks the picks as before, with this limit to the volunteers who
 * have counted or hold a subject (the queue's picks apply the same one, `HOLDERS_AT_MOST` in the API's queue-sql.ts):
 * the rule's cap, and once the rule could retire the subject, one more than it has counted, so that near retirement
 * the subject is out with one volunteer at a time and no classification arrives after the one that retires it.
 * Gold-standard subjects, which their rule never retires, are limited by the cap only. $7 is the assignment lifetime.
 */
export class HoldsNearRetirement1796950000000 implements MigrationInterface {
  name = 'HoldsNearRetirement1796950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION assign_picked_subjects(int[], uuid[], uuid[], uuid[], int[], float8)');
    await queryRunner.query(ASSIGN_PICKED_SUBJECTS_WITH_EARLIEST);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION assign_picked_subjects(int[], uuid[], uuid[], uuid[], int[], int[], float8)');
    await new AssignPickedSubjectsFunction1796046999116().up(queryRunner);
  }
}

/** The function as this migration made it (a later migration derives its own from it). */
export const ASSIGN_PICKED_SUBJECTS_WITH_EARLIEST = `CREATE FUNCTION assign_picked_subjects(int[], uuid[], uuid[], uuid[], int[], int[], float8)
  RETURNS TABLE (workflow_id uuid, user_id uuid, id uuid, external_id varchar, locations jsonb, metadata jsonb)
  LANGUAGE plpgsql VOLATILE AS $body$
#variable_conflict use_column
BEGIN
  RETURN QUERY WITH picked AS (
    SELECT DISTINCT ON (workflow_id, user_id, subject_id) *
    FROM unnest($1, $2, $3, $4, $5, $6) AS p(take, workflow_id, user_id, subject_id, cap, earliest)
    ORDER BY workflow_id, user_id, subject_id, take
  ), eligible AS (
    SELECT e.workflow_id, e.user_id, e.subject_id FROM (
      SELECT p.*, row_number() OVER (PARTITION BY p.workflow_id, p.subject_id ORDER BY p.take) AS nth,
        st.counted_count + (SELECT count(*) FROM assignments a WHERE a.workflow_id = p.workflow_id AND a.subject_id = p.subject_id AND a.expires_at > now()) AS held,
        CASE WHEN st.gold_standard THEN p.cap ELSE least(p.cap, greatest(p.earliest, st.counted_count + 1)) END AS holders_at_most
      FROM picked p
      CROSS JOIN LATERAL (SELECT st.counted_count, st.gold_standard FROM subject_workflow_status st
                          WHERE st.workflow_id = p.workflow_id AND st.subject_id = p.subject_id AND st.retired_at IS NULL OFFSET 0) st
      WHERE NOT EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_id = p.workflow_id AND c.subject_id = p.subject_id AND c.user_id = p.user_id OFFSET 0)
    ) e
    WHERE e.cap IS NULL OR e.held + e.nth <= e.holders_at_most
  ), assigned AS (
    INSERT INTO assignments AS a (workflow_id, user_id, subject_id, assigned_at, expires_at)
    SELECT workflow_id, user_id, subject_id, now(), now() + make_interval(secs => $7) FROM eligible
    ON CONFLICT (workflow_id, user_id, subject_id) DO UPDATE SET assigned_at = EXCLUDED.assigned_at, expires_at = EXCLUDED.expires_at
      WHERE a.expires_at <= now()
    RETURNING a.workflow_id, a.user_id, a.subject_id
  )
  SELECT a.workflow_id, a.user_id, s.id, s.external_id, s.locations, s.metadata FROM assigned a JOIN subjects s ON s.id = a.subject_id;
END
$body$`;
