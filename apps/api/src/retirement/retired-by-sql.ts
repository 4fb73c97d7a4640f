import { UNLINKED, isTakenDownSql, isUnlinked, moderatedRetirementSql, takeDownCarriedSql, takeDownMarkSql } from '@chorus/db';
import { isoTimeSql } from '../common/sql';

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

export { isTakenDownSql, moderatedRetirementSql };

/**
 * Whether subject `subject` (an SQL expression for its id) is taken down: retired by a take-down in any workflow of its
 * project (`isTakenDownSql`: asked for as such, not any retirement of a reported subject). Volunteers are then shown
 * neither its media nor its metadata anywhere (`subjectView`), and may no longer comment on it.
 */
export const takenDownSql = (subject: string) => `EXISTS (SELECT 1 FROM subject_workflow_status td WHERE td.subject_id = ${subject} AND ${isTakenDownSql('td')})`;

/**
 * `takenDownSql` asked of every row of a statement that reads many (a download's): the taken-down subjects, few, read
 * once into a hash, where the planner costs an EXISTS as a lookup per row (100,000 rows of a raw download costed
 * some 600,000 more, which compiled the statement (JIT) for a second and more before its first row).
 */
export const inTakenDownSql = (subject: string) => `${subject} IN (SELECT td.subject_id FROM subject_workflow_status td WHERE ${isTakenDownSql('td')})`;

/**
 * The retirement of hot row `st` as its unretirement keeps it (`unretired_retirement`): reason, when, and for one by
 * hand the words, who and their role; for a rule's, the classification that met the rule and the version whose rule it
 * was (`decidedBySql`), which the unretirement clears from the row; for a take-down, the retirement it took over
 * (`earlierKeptSql`).
 */
export const retirementKeptSql = (st: string, workflow: string) =>
  `jsonb_strip_nulls(jsonb_build_object('reason', ${st}.retirement_reason,
    'at', ${isoTimeSql(`${st}.retired_at`)},
    'note', CASE WHEN ${st}.retirement_reason = 'manual' THEN ${st}.retirement_detail->>'reason' END,
    'takenDown', CASE WHEN ${st}.retirement_reason = 'manual' AND ${st}.retirement_detail->>'takenDown' = 'true' THEN true END,
    'takenDownIn', CASE WHEN ${st}.retirement_reason = 'manual' THEN ${st}.retirement_detail->>'takenDownIn' END,
    ${retiredByColumns(st, workflow).map(([name, sql]) => `'${name === 'retired_by' ? 'by' : 'role'}', ${sql}`).join(', ')},
    'earlier', ${earlierKeptSql(st)})
    || CASE WHEN ${st}.retirement_reason <> 'manual' THEN ${decidedBySql(st)} ELSE '{}'::jsonb END)`;

/**
 * The classification that met a rule and the version whose rule it was, of hot row `st` (`retired_by_classification_id`,
 * `retired_under_version`), as an unretirement keeps them (`byClassificationId`, `underVersion`): a rule's retirement
 * keeps them in those columns, and a take-down of one too.
 */
const decidedBySql = (st: string) => `jsonb_build_object('byClassificationId', ${st}.retired_by_classification_id, 'underVersion', ${st}.retired_under_version)`;

/**
 * The retirement a take-down of hot row `st` took over (`retirement_detail.earlier`, the download's
 * `retired_before_take_down`), as the take-down's unretirement keeps it, for the record it was kept for: with a rule's
 * deciding classification and version (`decidedBySql`), which the take-down kept in the row and the unretirement clears.
 */
const earlierKeptSql = (st: string) => `CASE WHEN ${st}.retirement_reason = 'manual' THEN ${st}.retirement_detail->'earlier' || ${decidedBySql(st)} END`;

/**
 * What a take-down keeps of hot row `st`'s retirement before it (`earlier`, as an unretirement keeps one:
 * `retirementKeptSql`), for the record: nothing when it was not retired, or only as it left its sets (its `unlinked`
 * mark is kept apart). A rule's deciding classification and version stay out of it: they stay in the row's columns,
 * where the download gives them through the take-down, until its unretirement adds them to its `earlier`.
 */
const earlierRetirementSql = (st: string) =>
  `CASE WHEN ${st}.retired_at IS NOT NULL AND ${st}.retirement_reason <> '${UNLINKED}' THEN jsonb_build_object('earlier', ${retirementKeptSql(st, `${st}.workflow_id`)} - 'byClassificationId' - 'underVersion') ELSE '{}'::jsonb END`;

/** The `unlinked` mark of hot row `st`, kept by a take-down (the row left its workflow with its sets; linked again, it stays down). */
const unlinkedMarkSql = (st: string) => `CASE WHEN ${isUnlinked(st)} THEN '{"unlinked": true}'::jsonb ELSE '{}'::jsonb END`;

/**
 * The columns a take-down sets on hot row `st`, with `detail` (SQL) its own detail: retired by hand now, its earlier
 * retirement kept (`earlier`), and a rule's, if it was one, in the row too: the classification that met the rule and
 * the version whose rule it was (`retired_by_classification_id`, `retired_under_version`), which the consensus download
 * gives through the take-down.
 */
export const takeDownSetSql = (st: string, detail: string) =>
  `retired_at = now(), retirement_reason = 'manual', retirement_detail = ${detail} || ${unlinkedMarkSql(st)} || ${earlierRetirementSql(st)}, updated_at = now()`;

/**
 * Whether hot row `o`'s take-down was lifted by name: the retirement its last unretirement undid (kept as
 * `retirementKeptSql` keeps it, and kept through a later unretirement of its rule's retirement) was a take-down.
 */
const takeDownLiftedSql = (o: string) =>
  `(${o}.unretired_retirement IS NOT NULL AND ${takeDownMarkSql(`${o}.unretired_retirement->>'reason'`, `${o}.unretired_retirement`)})`;

/**
 * A take-down of the subjects $2 in workflow $1 (each taken down there), carried over to every other row of them
 * (every workflow of the project that holds them, retired there or not, and rows left as their sets were unlinked)
 * that is not taken down already: retired with the same reason and who did it (`takeDownCarriedSql`), the row's own
 * earlier retirement kept for the record (`earlier`), unretired by name there alone. Of a subject taken down in $1
 * before (not in $3, those it took down there now), a row whose take-down a researcher lifted by name stays lifted:
 * sent again, the take-down reaches only the rows an older one never did (a moderator's retirement made before
 * take-downs were carried over; one that left rows retired already as they were). Answers the workflows it took
 * subjects down in.
 */
export const TAKE_DOWN_ELSEWHERE = `
  UPDATE subject_workflow_status o SET ${takeDownSetSql('o', takeDownCarriedSql('st'))}
  FROM subject_workflow_status st, subject_workflow_status before
  WHERE st.workflow_id = $1 AND st.subject_id = ANY($2::uuid[]) AND ${isTakenDownSql('st')}
    AND o.subject_id = st.subject_id AND o.workflow_id <> st.workflow_id AND NOT ${isTakenDownSql('o')}
    AND (st.subject_id = ANY($3::uuid[]) OR NOT ${takeDownLiftedSql('o')})
    AND before.workflow_id = o.workflow_id AND before.subject_id = o.subject_id
  RETURNING o.workflow_id, o.subject_id, before.retired_at IS NULL AS newly`;
