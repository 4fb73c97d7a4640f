import type { DataSource, EntityManager } from 'typeorm';

// What Postgres keeps of whole-workflow re-aggregations (the queue alone forgets them with Redis's keys, and fails a run
// for good once its attempts are used up): how many were asked for, and the last a finished run answered. See `Workflow`.

/**
 * Records that a whole re-aggregation is owed, and who asked (null: Chorus, which leaves a researcher's request that is
 * still owed theirs), in the caller's transaction (with the change that calls for it).
 */
export async function requestReaggregation(manager: EntityManager | DataSource, workflowId: string, requestedBy: string | null): Promise<void> {
  await manager.query(
    `UPDATE workflows SET reaggregations_requested = reaggregations_requested + 1, reaggregation_restarts = 0,
       reaggregation_requested_by = CASE WHEN $2::uuid IS NULL AND reaggregations_done < reaggregations_requested THEN reaggregation_requested_by ELSE $2::uuid END,
       reaggregation_requested_at = CASE WHEN reaggregations_done < reaggregations_requested THEN reaggregation_requested_at ELSE now() END
     WHERE id = $1`,
    [workflowId, requestedBy],
  );
}

/** How often the reconciler starts an owed run again before it gives up (a run that fails every time). */
const MOST_RESTARTS = 5;

/**
 * The requests a run starting now answers: those committed before it reads anything, so every batch sees the
 * definition and rules they were made for. Undefined for a workflow that is gone.
 */
export async function reaggregationsRequested(db: DataSource, workflowId: string): Promise<number | undefined> {
  const [row]: { requested: number }[] = await db.query('SELECT reaggregations_requested AS requested FROM workflows WHERE id = $1', [workflowId]);
  return row?.requested;
}

/** A finished run answered the requests made before it started. */
export async function answerReaggregations(db: DataSource, workflowId: string, answered: number): Promise<void> {
  await db.query('UPDATE workflows SET reaggregations_done = greatest(reaggregations_done, $2) WHERE id = $1', [workflowId, answered]);
}

/**
 * Workflows owed a whole re-aggregation asked for at least `graceMs` ago, or started again by the reconciler at least
 * a minute, then 2, 4, 8 minutes ago; after `MOST_RESTARTS` restarts it is left owed (the stats say so) until asked for again.
 * Each with who asked for it last.
 */
export async function owedReaggregations(db: DataSource, graceMs: number): Promise<{ workflowId: string; requestedBy: string | null }[]> {
  return db.query(
    `SELECT id AS "workflowId", reaggregation_requested_by AS "requestedBy" FROM workflows WHERE reaggregations_done < reaggregations_requested AND reaggregation_restarts < $2
       AND reaggregation_requested_at < now() - CASE WHEN reaggregation_restarts = 0 THEN make_interval(secs => $1::double precision / 1000)
                                                     ELSE make_interval(mins => power(2, reaggregation_restarts - 1)::int) END`,
    [graceMs, MOST_RESTARTS],
  );
}

/**
 * The reconciler is starting an owed run again: counted, if it is still owed. False when a run answered it since the
 * reconciler read what is owed (a run records that before its job completes, so a reconciler that found no live job
 * and asks here after that sees the record).
 */
export async function restartedReaggregation(db: DataSource, workflowId: string): Promise<boolean> {
  const [, restarted] = await db.query(
    `UPDATE workflows SET reaggregation_restarts = reaggregation_restarts + 1, reaggregation_requested_at = now()
     WHERE id = $1 AND reaggregations_done < reaggregations_requested`,
    [workflowId],
  );
  return restarted > 0;
}

/**
 * Records, in the transaction that stores a workflow's moved skills, that its unretired subjects are owed a run with
 * them: a skills pass cut short before it enqueues the run (its process killed, Redis away) leaves it owed, and the
 * reconciler starts it (`owedSkillsReaggregations`) until a run starts (`skillsReaggregationStarting`).
 */
export async function oweSkillsReaggregation(manager: EntityManager, workflowId: string): Promise<void> {
  await manager.query('UPDATE workflows SET skills_reaggregation_owed_at = coalesce(skills_reaggregation_owed_at, now()) WHERE id = $1', [workflowId]);
}

/**
 * A run of the workflow is starting: its batches read the skills stored before this (a run of every subject recomputes
 * the unretired ones too), so no run is owed for them any longer; skills stored from now on are owed one again.
 */
export async function skillsReaggregationStarting(db: DataSource, workflowId: string): Promise<void> {
  await db.query('UPDATE workflows SET skills_reaggregation_owed_at = NULL WHERE id = $1 AND skills_reaggregation_owed_at IS NOT NULL', [workflowId]);
}

/** Workflows whose unretired subjects have been owed a run with their skills for at least `graceMs` (or since the reconciler last started one). */
export async function owedSkillsReaggregations(db: DataSource, graceMs: number): Promise<string[]> {
  const rows: { id: string }[] = await db.query(
    'SELECT id FROM workflows WHERE skills_reaggregation_owed_at < now() - make_interval(secs => $1::double precision / 1000)',
    [graceMs],
  );
  return rows.map((row) => row.id);
}

/**
 * The reconciler is starting an owed skills run, if it is still owed (false when a run started since it read what is
 * owed); owed from now, so that it waits `graceMs` again before it starts another.
 */
export async function restartedSkillsReaggregation(db: DataSource, workflowId: string): Promise<boolean> {
  const [, restarted] = await db.query('UPDATE workflows SET skills_reaggregation_owed_at = now() WHERE id = $1 AND skills_reaggregation_owed_at IS NOT NULL', [workflowId]);
  return restarted > 0;
}

/**
 * Runs of one workflow that researchers can look back on, of each kind: those researchers asked for, and those Chorus
 * started itself (`requested_by` null: after skills it re-learned moved, which can be every few minutes while
 * volunteers classify), so that Chorus's runs never push a researcher's out. The oldest of a kind go.
 */
const RUNS_KEPT = 100;

export interface ReaggregationRunRecorded {
  /** The run's own id (`reaggregationRunId`). */
  id: string;
  /** BullMQ's id of its job, when there is one yet. */
  jobId: string | null;
  workflowId: string;
  scope: 'all' | 'unretired';
  requestedBy: string | null;
  /** Why Chorus started it, if not for skills it re-learned (`completion`). */
  reason?: 'completion' | null;
}

/**
 * Runs are recorded only for a workflow that is still there: a job that waited in the queue while its workflow was
 * deleted (with its runs, `deleteUnclassifiedWorkflows`) must not bring its record back.
 */
const WORKFLOW_STILL_THERE = 'EXISTS (SELECT 1 FROM workflows WHERE id = $3)';

/**
 * A researcher asked for a run (it may wait for the one under way to end before it has a job), or joined Chorus's
 * own, which is theirs from then on, even if the worker recorded its start meanwhile.
 */
export async function recordReaggregationRequested(db: DataSource, run: ReaggregationRunRecorded): Promise<void> {
  await db.query(
    `INSERT INTO reaggregation_runs (id, job_id, workflow_id, scope, requested_by, requested_at)
     SELECT $1::varchar, $2::varchar, $3::uuid, $4::varchar, $5::uuid, now() WHERE ${WORKFLOW_STILL_THERE}
     ON CONFLICT (id) DO UPDATE SET requested_by = coalesce(reaggregation_runs.requested_by, EXCLUDED.requested_by)`,
    [run.id, run.jobId, run.workflowId, run.scope, run.requestedBy],
  );
  await forgetOldRuns(db, run.workflowId);
}

/**
 * The worker started a run: recorded now if no one asked for it (Chorus started it), with its job. An attempt after a
 * crash keeps the first start.
 */
export async function recordReaggregationStarted(db: DataSource, run: ReaggregationRunRecorded & { requestedAt: Date }): Promise<void> {
  await db.query(
    `INSERT INTO reaggregation_runs (id, job_id, workflow_id, scope, requested_by, requested_at, started_at, reason)
     SELECT $1::varchar, $2::varchar, $3::uuid, $4::varchar, $5::uuid, $6::timestamptz, now(), $7::varchar WHERE ${WORKFLOW_STILL_THERE}
     ON CONFLICT (id) DO UPDATE SET job_id = EXCLUDED.job_id, started_at = coalesce(reaggregation_runs.started_at, now()), reason = EXCLUDED.reason`,
    [run.id, run.jobId, run.workflowId, run.scope, run.requestedBy, run.requestedAt, run.reason ?? null],
  );
  await forgetOldRuns(db, run.workflowId);
}

async function forgetOldRuns(db: DataSource, workflowId: string): Promise<void> {
  await db.query(
    `DELETE FROM reaggregation_runs WHERE id IN (
       SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY requested_by IS NULL ORDER BY requested_at DESC) AS n FROM reaggregation_runs WHERE workflow_id = $1) runs
       WHERE n > ${RUNS_KEPT})`,
    [workflowId],
  );
}

/**
 * A run ended: completed, with the subjects it recomputed and how many of them routing took out of a set, or failed
 * for good.
 */
export async function recordReaggregationFinished(db: DataSource, id: string, outcome: { subjects: number; routedOut: number } | { failedReason: string }): Promise<void> {
  const [completed, failedReason] = 'subjects' in outcome ? [outcome, null] : [null, outcome.failedReason.slice(0, 2000)];
  await db.query('UPDATE reaggregation_runs SET finished_at = now(), outcome = $2, subjects = $3, routed_out = $4, failed_reason = $5 WHERE id = $1', [
    id,
    completed ? 'completed' : 'failed',
    completed?.subjects ?? null,
    completed?.routedOut ?? null,
    failedReason,
  ]);
}
