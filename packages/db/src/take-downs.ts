/**
 * Whether a retirement (its `reason` and `detail`, SQL expressions) is a take-down (personal data, sensitive content:
 * off every volunteer's screen, in every workflow of the project): one asked for as such (`takenDown`, which a
 * moderator's always is, and a researcher's when they ask: POST /workflows/:id/retire `takeDown`), or one carried over
 * from another workflow (which keeps the mark). A moderator's retirement made before take-downs were marked counts too:
 * moderators could only retire reported subjects. A researcher's retirement of a reported subject (a whole set, say)
 * is not one.
 */
export const takeDownMarkSql = (reason: string, detail: string) =>
  `coalesce(${reason} = 'manual' AND (${detail} @> '{"takenDown": true}' OR ${detail} @> '{"role": "moderator"}'), false)`;

/** Whether hot row `st` is retired by a take-down (`takeDownMarkSql`). */
export const isTakenDownSql = (st: string) => `(${st}.retired_at IS NOT NULL AND ${takeDownMarkSql(`${st}.retirement_reason`, `${st}.retirement_detail`)})`;

/**
 * Whether hot row `st`'s retirement (its `reason` and `detail`: `st`'s own by default; `unretired_retirement` for the
 * one an unretirement undid) is a moderated one, which unretiring its set leaves retired: a take-down
 * (`takeDownMarkSql`), one carried over from another workflow (`takenDownIn`), or a retirement by hand of a subject
 * volunteers reported in its workflow (a researcher's, who may not have meant it as a take-down, but whose set's
 * unretirement should not serve a reported subject again unlooked at).
 */
export const moderatedRetirementSql = (st: string, reason = `${st}.retirement_reason`, detail = `${st}.retirement_detail`) =>
  `(${takeDownMarkSql(reason, detail)} OR coalesce(${reason} = 'manual' AND (${detail} ? 'takenDownIn'
    OR EXISTS (SELECT 1 FROM subject_reports r WHERE r.workflow_id = ${st}.workflow_id AND r.subject_id = ${st}.subject_id)), false))`;

/**
 * The `retirement_detail` of a take-down carried over from hot row `st` (taken down) to the subject's row in another
 * workflow of the project: the same reason and who did it, marked a take-down, and the workflow it was taken down in
 * (`takenDownIn`); not `st`'s own earlier retirement (`earlier`) nor its `unlinked` mark.
 */
export const takeDownCarriedSql = (st: string) =>
  `((${st}.retirement_detail - 'unlinked' - 'takenDownIn' - 'earlier') || jsonb_build_object('takenDown', true, 'takenDownIn', coalesce(${st}.retirement_detail->>'takenDownIn', ${st}.workflow_id::text)))`;

/**
 * The advisory lock (two keys) a take-down holds exclusively, and a subject's joining of workflows shared, in a
 * project: a subject joining a workflow while it is being taken down elsewhere would otherwise read the take-down
 * before its commit (not there yet) and join open.
 */
export const TAKE_DOWN_LOCK = (project: string) => `hashtext('take-down'), hashtext(${project}::text)`;
