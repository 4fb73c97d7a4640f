import { countedClassificationSql, countedRetirementSql } from '../workflows/workflow-stats-sql';

/** The start of a day ($n, a date) in the time zone ($4), as a moment. */
const startOf = (day: string) => `(${day})::timestamp AT TIME ZONE $4`;

/**
 * The workflows' ($1, uuid[]) figures per day from $2 to $3 (dates) in the time zone $4, one row a day, zeros for days
 * with nothing. Classifications and their volunteers are read from `classifications_activity_idx` alone (the range of
 * each workflow's entries in the days, draft tries left out as the index leaves them out); a volunteer of the days is
 * new on their first day in them unless they classified in the workflows before (a probe of
 * `classifications_user_recent_idx` each); retirements from `subject_workflow_status_figures_idx`.
 */
export const ACTIVITY_PER_DAY = `
  WITH made AS (
    SELECT (c.created_at AT TIME ZONE $4)::date AS day, c.user_id
    FROM classifications c
    WHERE c.workflow_id = ANY($1::uuid[]) AND ${countedClassificationSql('c')}
      AND c.created_at >= ${startOf('$2::date')} AND c.created_at < ${startOf('$3::date + 1')}
  ),
  firsts AS (SELECT user_id, min(day) AS day FROM made GROUP BY user_id),
  made_per_day AS (SELECT day, count(*) AS classifications, count(DISTINCT user_id) AS volunteers FROM made GROUP BY day),
  new_per_day AS (
    SELECT f.day, count(*) AS new_volunteers FROM firsts f
    WHERE NOT EXISTS (
      SELECT 1 FROM classifications e
      WHERE e.user_id = f.user_id AND e.workflow_id = ANY($1::uuid[]) AND e.created_at < ${startOf('$2::date')} AND ${countedClassificationSql('e')}
    )
    GROUP BY f.day
  ),
  retired_per_day AS (
    SELECT (st.retired_at AT TIME ZONE $4)::date AS day, count(*) AS retired
    FROM subject_workflow_status st
    WHERE st.workflow_id = ANY($1::uuid[]) AND ${countedRetirementSql('st')}
      AND st.retired_at >= ${startOf('$2::date')} AND st.retired_at < ${startOf('$3::date + 1')}
    GROUP BY 1
  )
  SELECT to_char(d.day, 'YYYY-MM-DD') AS date,
         coalesce(m.classifications, 0) AS classifications, coalesce(m.volunteers, 0) AS volunteers,
         coalesce(n.new_volunteers, 0) AS new_volunteers, coalesce(r.retired, 0) AS retired,
         (SELECT count(*) FROM firsts) AS all_volunteers
  FROM (SELECT generate_series($2::date, $3::date, interval '1 day')::date AS day) d
  LEFT JOIN made_per_day m ON m.day = d.day
  LEFT JOIN new_per_day n ON n.day = d.day
  LEFT JOIN retired_per_day r ON r.day = d.day
  ORDER BY d.day`;
