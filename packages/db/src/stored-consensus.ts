/**
 * How the downloads and the results views read a subject's consensus: a lateral join on the hot row `alias` giving
 * `stored_consensus.tasks` (each task's stored consensus by task key; null before the subject's first aggregation) and
 * `stored_consensus.workflow_version` (the newest version any of it was computed with). `result: false` keeps of each
 * task's `result`, which a long transcription makes large, only its `counts` (a choice's or a sense's votes, a few
 * numbers), `offPath` (what volunteers gave off the consensus path) and `askedForCheck` (how many asked the team to
 * check), where a list does not show the rest: what `pluralityStanding` reads; `not_reached`, from it, stays. `task` (SQL), when given: that task's alone, not every
 * task's built to keep one.
 */
export const storedConsensusOf = (alias: string, { result = true, task }: { result?: boolean; task?: string } = {}) => `LEFT JOIN LATERAL (
    SELECT max(c.workflow_version) AS workflow_version,
           jsonb_object_agg(c.task, jsonb_build_object('answer', c.answer, 'agreement', c.agreement, 'votes', c.votes, 'algorithm', c.algorithm,
                                                       'workflow_version', c.workflow_version, 'not_reached', c.result->'notReached', 'needs_checking', c.needs_checking,
                                                       'result', ${result ? 'c.result' : "jsonb_strip_nulls(jsonb_build_object('counts', c.result->'counts', 'offPath', c.result->'offPath', 'askedForCheck', c.result->'askedForCheck'))"})) AS tasks
    FROM consensus c WHERE c.workflow_id = ${alias}.workflow_id AND c.subject_id = ${alias}.subject_id${task ? ` AND c.task = ${task}` : ''}) stored_consensus ON true`;
