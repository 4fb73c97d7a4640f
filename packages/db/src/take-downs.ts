/**
 * Whether hot row `st`'s subject was retired by a moderator, or by hand on a volunteer's report in its workflow (a
 * moderated retirement, a take-down: personal data, sensitive content), or is such a take-down carried over from
 * another workflow of its project (`takenDownIn`), from its retirement's `reason` and `detail` (`st`'s own by default;
 * `unretired_retirement` for the one an unretirement undid). Unretiring its set leaves it retired.
 */
export const moderatedRetirementSql = (st: string, reason = `${st}.retirement_reason`, detail = `${st}.retirement_detail`) =>
  `(${reason} = 'manual' AND (${detail}->>'role' = 'moderator' OR ${detail} ? 'takenDownIn'
    OR EXISTS (SELECT 1 FROM subject_reports r WHERE r.workflow_id = ${st}.workflow_id AND r.subject_id = ${st}.subject_id)))`;

/**
 * The `retirement_detail` of a take-down carried over from hot row `st` (retired by moderation) to the subject's row in
 * another workflow of the project: the same reason and who did it, and the workflow it was taken down in
 * (`takenDownIn`, which makes it a moderated retirement there too).
 */
export const takeDownCarriedSql = (st: string) =>
  `((${st}.retirement_detail - 'unlinked' - 'takenDownIn') || jsonb_build_object('takenDownIn', coalesce(${st}.retirement_detail->>'takenDownIn', ${st}.workflow_id::text)))`;
