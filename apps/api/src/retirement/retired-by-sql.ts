import { UNLINKED, isUnlinked, moderatedRetirementSql, takeDownCarriedSql } from '@chorus/db';

/**
 * Who retired the hot row `st`'s subject by hand, as columns `retired_by` (their user id) and `retired_by_role` (their
 * role then, kept with the retirement; for one retired before it was kept, their role in the project of workflow
 * `workflow` now, none if they left the team): null for every other retirement. The consensus download's, and the
 * results'.
 */
export const retiredBySql = (st: string, workflow: string) =>
  retiredByColumns(st, workflow)
    .map(([name, sql]) => `${sql} AS ${name}`)
    .join(', ');

/** The two columns of `retiredBySql`, each as its name and the SQL that reads it. */
export const retiredByColumns = (st: string, workflow: string) =>
  [
    ['retired_by', `CASE WHEN ${st}.retirement_reason = 'manual' THEN ${st}.retirement_detail->>'by' END`],
    ['retired_by_role', `CASE WHEN ${st}.retirement_reason = 'manual' THEN coalesce(${st}.retirement_detail->>'role', ${memberOf(st, workflow, 'pm.role')}) END`],
  ] as const;

/** The name of the member who retired `st`'s subject by hand (`retired_by_name`): null once they left the team. */
export const retiredByNameSql = (st: string, workflow: string) =>
  `CASE WHEN ${st}.retirement_reason = 'manual' THEN ${memberOf(st, workflow, 'u.display_name', 'JOIN users u ON u.id = pm.user_id')} END AS retired_by_name`;

/** `column` of the project member (of `workflow`'s project) who retired `st`'s subject by hand. */
const memberOf = (st: string, workflow: string, column: string, join = '') =>
  `(SELECT ${column} FROM project_members pm JOIN workflows w ON w.project_id = pm.project_id ${join} WHERE w.id = ${workflow} AND pm.user_id::text = ${st}.retirement_detail->>'by')`;

export { moderatedRetirementSql };

/**
 * Whether subject `subject` (an SQL expression for its id) is taken down: retired by moderation in any workflow of its
 * project (`moderatedRetirementSql`). Volunteers are then shown neither its media nor its metadata anywhere
 * (`subjectView`), and may no longer comment on it.
 */
export const takenDownSql = (subject: string) =>
  `EXISTS (SELECT 1 FROM subject_workflow_status td WHERE td.subject_id = ${subject} AND td.retired_at IS NOT NULL AND ${moderatedRetirementSql('td')})`;

/**
 * A take-down in workflow $1 of the chosen subjects (`chosen`, a condition on `st`), carried over to every other
 * workflow of the project that holds them and still serves them, or holds them only as they left it when their sets
 * were unlinked (linked again, they would be served): retired with the same reason and who did it
 * (`takeDownCarriedSql`, keeping a row's `unlinked` mark), unretired by name there alone. Answers the workflows it retired subjects in.
 */
export const TAKE_DOWN_ELSEWHERE = (chosen: string) => `
  UPDATE subject_workflow_status o SET retired_at = now(), retirement_reason = 'manual', retirement_detail = ${takeDownCarriedSql('st')} || CASE WHEN ${isUnlinked('o')} THEN '{"unlinked": true}'::jsonb ELSE '{}'::jsonb END,
    retired_by_classification_id = NULL, retired_under_version = NULL, updated_at = now()
  FROM subject_workflow_status st
  WHERE ${chosen} AND st.retired_at IS NOT NULL AND ${moderatedRetirementSql('st')}
    AND o.subject_id = st.subject_id AND o.workflow_id <> st.workflow_id AND ${STILL_SERVABLE('o')}
  RETURNING o.workflow_id`;

/** Whether hot row `o` is served, or would be once its sets are linked again (retired only as it left them). */
export const STILL_SERVABLE = (o: string) => `(${o}.retired_at IS NULL OR ${o}.retirement_reason = '${UNLINKED}')`;

/** The retirement of hot row `st` as its unretirement keeps it (`unretired_retirement`): reason, when, and for one by hand the words, who and their role. */
export const retirementKeptSql = (st: string, workflow: string) =>
  `jsonb_strip_nulls(jsonb_build_object('reason', ${st}.retirement_reason,
    'at', to_char(${st}.retired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'note', CASE WHEN ${st}.retirement_reason = 'manual' THEN ${st}.retirement_detail->>'reason' END,
    'takenDownIn', CASE WHEN ${st}.retirement_reason = 'manual' THEN ${st}.retirement_detail->>'takenDownIn' END,
    ${retiredByColumns(st, workflow).map(([name, sql]) => `'${name === 'retired_by' ? 'by' : 'role'}', ${sql}`).join(', ')}))`;
