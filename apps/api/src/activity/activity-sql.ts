import { countedClassificationSql, countedRetirementSql } from '../workflows/workflow-stats-sql';

/** The start of a day ($n, a date) in the time zone ($4), as a moment. */
const startOf = (day: string) => `(${day})::timestamp AT TIME ZONE $4`;
/** Whether a moment (`column`) falls in the days $2 to $3 (dates) of the time zone $4. */
const inDays = (column: string) => `${column} >= ${startOf('$2::date')} AND ${column} < ${startOf('$3::date + 1')}`;
/** The day of the time zone $4 a moment (`column`) falls in. */
const dayOf = (column: string) => `(${column} AT TIME ZONE $4)::date`;
/** The days from $2 to $3, one row each (`day`). */
const DAYS = `SELECT generate_series($2::date, $3::date, interval '1 day')::date AS day`;

/**
 * The workflows' ($1, uuid[]) figures per day from $2 to $3 (dates) in the time zone $4, one row a day, zeros for days
 * with nothing. Classifications and their volunteers are read from `classifications_activity_idx` alone (the range of
 * each workflow's entries in the days, draft tries left out as the index leaves them out); a volunteer of the days is
 * new on their first day in them unless they classified in the workflows before (a probe of
 * `classifications_user_recent_idx` each); retirements from `subject_workflow_status_figures_idx`.
 */
export const ACTIVITY_PER_DAY = `
  WITH made AS (
    SELECT ${dayOf('c.created_at')} AS day, c.user_id
    FROM classifications c
    WHERE c.workflow_id = ANY($1::uuid[]) AND ${countedClassificationSql('c')} AND ${inDays('c.created_at')}
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
    SELECT ${dayOf('st.retired_at')} AS day, count(*) AS retired
    FROM subject_workflow_status st
    WHERE st.workflow_id = ANY($1::uuid[]) AND ${countedRetirementSql('st')} AND ${inDays('st.retired_at')}
    GROUP BY 1
  )
  SELECT to_char(d.day, 'YYYY-MM-DD') AS date,
         coalesce(m.classifications, 0) AS classifications, coalesce(m.volunteers, 0) AS volunteers,
         coalesce(n.new_volunteers, 0) AS new_volunteers, coalesce(r.retired, 0) AS retired,
         (SELECT count(*) FROM firsts) AS all_volunteers
  FROM (${DAYS}) d
  LEFT JOIN made_per_day m ON m.day = d.day
  LEFT JOIN new_per_day n ON n.day = d.day
  LEFT JOIN retired_per_day r ON r.day = d.day
  ORDER BY d.day`;

/**
 * The volunteer's ($1) own classifications per day from $2 to $3 (dates) in the time zone $4, one row a day, zeros for
 * days with nothing; `inProject`: with $5, a project's id, those in that project's workflows only. Every one they made, as
 * `GET /account/contribution` counts them (their tries in a draft too, and those a sign-in carried in from a guest,
 * which are theirs by `user_id`). Read from `classifications_user_all_recent_idx`'s range of the days, or in a project
 * from `classifications_user_recent_idx`'s range of each of its workflows and the days: its workflows as an array, not
 * a subquery, which the planner would read as a filter on every classification the volunteer ever made.
 */
export const ownActivityPerDaySql = (inProject: boolean) => `
  WITH made_per_day AS (
    SELECT ${dayOf('c.created_at')} AS day, count(*) AS classifications
    FROM classifications c
    WHERE c.user_id = $1 AND ${inDays('c.created_at')}
      ${inProject ? 'AND c.workflow_id = ANY (ARRAY(SELECT w.id FROM workflows w WHERE w.project_id = $5))' : ''}
    GROUP BY 1
  )
  SELECT to_char(d.day, 'YYYY-MM-DD') AS date, coalesce(m.classifications, 0) AS classifications
  FROM (${DAYS}) d
  LEFT JOIN made_per_day m ON m.day = d.day
  ORDER BY d.day`;
