import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { requestReaggregation } from '@chorus/db';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException, notFound } from '../common/problem';
import { JobProducer, type ReaggregationJob } from '../jobs/job-producer';
import type { ReaggregationRecord, ReaggregationRun } from '@chorus/client';
import { WorkflowsService } from '../workflows/workflows.service';
import { type ReaggregationRequest, isJobId } from './dto/reaggregation.dto';

/** A run as recorded (or, not recorded yet, as the queue has it). */
interface RunRow {
  id: string;
  jobId: string | null;
  scope: ReaggregationRun['scope'];
  requestedBy: string | null;
  reason: ReaggregationRecord['reason'];
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  outcome: 'completed' | 'failed' | null;
  subjects: number | null;
  routedOut: number | null;
  failedReason: string | null;
}

/** A run the queue lost (before it started, or while it ran), and the run started after it was asked for that answers it, if any. */
interface LostRun {
  scope: RunRow['scope'];
  replacedBy: string | null;
}

/** What a lost run says: by which run it is answered, or whether Chorus starts one (only a run of every subject is owed). */
function lostNote({ scope, replacedBy }: LostRun): Pick<ReaggregationRecord, 'note' | 'replacedBy'> {
  const lost = 'The queue lost this run before it started (Redis lost its jobs)';
  if (replacedBy) return { note: `${lost}: run ${replacedBy}, started after it was asked for, answers it.`, replacedBy };
  if (scope === 'unretired') return { note: `${lost}: ask for it again.`, replacedBy };
  return { note: `${lost}: Chorus starts a run of every subject in its place (the stats say \`reaggregating\` while it is owed).`, replacedBy };
}

const NOT_STARTED = { startedAt: null, finishedAt: null, outcome: null, subjects: null, routedOut: null, failedReason: null } as const;

/**
 * What the queue says of a workflow's runs, asked once each; once Redis fails to answer, asked no more (the list
 * answers from Postgres alone, without waiting on Redis for every run).
 */
class QueueLookups {
  private away = false;

  /** Whether the queue answered every question asked so far (what it lacks is then lacking, not unknown). */
  get answered(): boolean {
    return !this.away;
  }

  constructor(private readonly jobs: JobProducer, private readonly workflowId: string) {}

  live(): Promise<ReaggregationJob[]> {
    return this.ask(() => this.jobs.liveReaggregations(this.workflowId), []);
  }

  /** A recorded run not ended, as the queue has it now: by its job, if that job is still this run's. */
  async run(row: RunRow, live: ReaggregationJob[]): Promise<ReaggregationRun | undefined> {
    const waiting = live.find((job) => job.runId === row.id);
    if (waiting || !row.jobId) return waiting?.run;
    const job = await this.ask(() => this.jobs.findReaggregation(row.jobId!), undefined);
    return job?.runId === row.id && job.run.workflowId === this.workflowId ? job.run : undefined;
  }

  private async ask<T>(question: () => Promise<T>, otherwise: T): Promise<T> {
    if (this.away) return otherwise;
    try {
      return await question();
    } catch {
      this.away = true;
      return otherwise;
    }
  }
}

/**
 * Researchers re-aggregate a whole workflow after changing its rules, and follow the run's progress. The worker
 * recomputes every subject through the same code as single subjects; retired subjects keep their retirement.
 */
@Injectable()
export class ReaggregationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workflows: WorkflowsService,
    private readonly jobs: JobProducer,
  ) {}

  /** A run of every subject is recorded as owed first, so that it happens even if the queue loses it (see `Workflow`). */
  async start(workflowId: string, request: ReaggregationRequest, user: AuthUser): Promise<ReaggregationRun> {
    await this.workflows.requireResearcher(workflowId, user);
    if (request.scope === 'all') await requestReaggregation(this.db, workflowId, user.id);
    try {
      return await this.jobs.reaggregate(workflowId, request.scope, user.id);
    } catch (error) {
      const then = request.scope === 'all' ? 'it will start by itself once the queue is back' : 'nothing was started, so try again in a minute';
      throw new ProblemException(503, `The job queue is unavailable (${(error as Error).message}); ${then}.`);
    }
  }

  /**
   * The workflow's re-aggregations, newest first: those recorded (asked for, started, ended: the last 100 of each kind,
   * researchers' and Chorus's own, `forgetOldRuns`), with the
   * queue's state and progress for those not ended, and those the queue has that no one recorded yet (Chorus started
   * them, and the worker has not). While Redis is away, the recorded ones, in state `unknown` unless ended.
   */
  async list(workflowId: string, user: AuthUser): Promise<{ runs: ReaggregationRecord[] }> {
    await this.workflows.requireResearcher(workflowId, user);
    return { runs: await this.records(workflowId) };
  }

  /**
   * A run's record by the run's own id (`runId` as `POST /reaggregate` answers it, `id` as the list gives it), or the run
   * as the queue has it by its job id, while that number names this run only.
   */
  async get(workflowId: string, key: string, user: AuthUser): Promise<ReaggregationRun | ReaggregationRecord> {
    await this.workflows.requireResearcher(workflowId, user);
    const found = isJobId(key) ? await this.byJob(workflowId, key) : (await this.records(workflowId, key))[0];
    if (!found || found.workflowId !== workflowId) throw notFound(`Re-aggregation ${key} of workflow ${workflowId}`, '/params/run');
    return found;
  }

  /**
   * BullMQ numbers jobs from 1 again once Redis loses its keys: a job number the workflow recorded for another run than
   * the job's now names two runs, and answers neither (the run asked about may be the one lost).
   */
  private async byJob(workflowId: string, jobId: string): Promise<ReaggregationRun | undefined> {
    const job = await this.jobs.findReaggregation(jobId);
    if (!job || job.run.workflowId !== workflowId) return undefined;
    const [other] = await this.db.query<{ id: string }[]>('SELECT id FROM reaggregation_runs WHERE workflow_id = $1 AND job_id = $2 AND id <> $3 LIMIT 1', [
      workflowId,
      jobId,
      job.runId,
    ]);
    if (!other) return job.run;
    throw new ProblemException(
      410,
      `Job ${jobId} names more than one re-aggregation of workflow ${workflowId} (the queue lost its jobs and numbered them from 1 again): follow a run by its own id, the runId the request answered (GET /workflows/${workflowId}/reaggregations lists them).`,
      [{ pointer: '/params/run', message: "is a job number used again: give the run's runId" }],
      'job-number-reused',
    );
  }

  /** The workflow's runs (or the one named), as the list describes them. */
  private async records(workflowId: string, runId?: string): Promise<ReaggregationRecord[]> {
    const rows = await this.db.query<RunRow[]>(
      `SELECT id, job_id AS "jobId", scope, requested_by AS "requestedBy", reason, requested_at AS "requestedAt", started_at AS "startedAt",
         finished_at AS "finishedAt", outcome, subjects, routed_out AS "routedOut", failed_reason AS "failedReason"
       FROM reaggregation_runs WHERE workflow_id = $1 AND ($2::varchar IS NULL OR id = $2) ORDER BY requested_at DESC`,
      [workflowId, runId ?? null],
    );
    const queue = new QueueLookups(this.jobs, workflowId);
    const live = await queue.live();
    const recorded = new Set(rows.map((row) => row.id));
    const notRecorded: RunRow[] = live
      .filter((job) => !recorded.has(job.runId) && (runId === undefined || job.runId === runId))
      .map(({ run, runId, requestedAt, requestedBy, reason }) => ({ ...NOT_STARTED, id: runId, jobId: run.id, scope: run.scope, requestedBy, reason, requestedAt }));
    const all = [...notRecorded, ...rows];
    const names = await this.requesterNames(all);
    const asked = new Map<RunRow, ReaggregationRun | undefined>();
    for (const row of all) asked.set(row, row.outcome ? undefined : await queue.run(row, live));
    const lost = await this.lostRuns(workflowId, rows.filter((row) => !row.outcome && !asked.get(row) && queue.answered && !this.behindActive(row, live)));
    return all.map((row) => this.record(workflowId, row, names, asked.get(row), lost.get(row.id)));
  }

  /** A run asked for while another of its scope runs has no job until that one ends (BullMQ keeps it as the last to add). */
  private behindActive(row: RunRow, live: ReaggregationJob[]): boolean {
    return row.jobId === null && live.some((job) => job.run.scope === row.scope && job.run.state === 'active');
  }

  /**
   * Of the recorded runs the queue answered it has no job for, those still unfinished when read again now that the
   * queue was asked (one the worker started or ended since is not lost): the queue lost their jobs (Redis lost its
   * keys), before they started or while they ran (a job keeps its place in the queue until its run's end is recorded).
   * Each with the first run started after it was asked for that covers its subjects (of every subject, or of its own
   * scope).
   */
  private async lostRuns(workflowId: string, absent: RunRow[]): Promise<Map<string, LostRun>> {
    if (!absent.length) return new Map();
    const rows = await this.db.query<(LostRun & { id: string })[]>(
      `SELECT lost.id, lost.scope,
         (SELECT later.id FROM reaggregation_runs later WHERE later.workflow_id = lost.workflow_id AND later.scope IN ('all', lost.scope)
            AND later.started_at IS NOT NULL AND later.requested_at > lost.requested_at ORDER BY later.requested_at LIMIT 1) AS "replacedBy"
       FROM reaggregation_runs lost WHERE lost.workflow_id = $1 AND lost.id = ANY($2::varchar[]) AND lost.outcome IS NULL
         AND (lost.started_at IS NULL OR lost.id = ANY($3::varchar[]))`,
      [workflowId, absent.map((row) => row.id), absent.filter((row) => row.startedAt).map((row) => row.id)],
    );
    return new Map(rows.map(({ id, ...lost }) => [id, lost]));
  }

  private record(
    workflowId: string,
    row: RunRow,
    names: Map<string, string>,
    live: ReaggregationRun | undefined,
    lost: LostRun | undefined,
  ): ReaggregationRecord {
    const failedReason = row.failedReason ?? live?.failedReason;
    return {
      id: row.id,
      jobId: row.jobId,
      workflowId,
      scope: row.scope,
      state: row.outcome ?? live?.state ?? (lost ? 'lost' : row.startedAt ? 'unknown' : 'waiting'),
      progress: row.outcome ? null : (live?.progress ?? null),
      ...(failedReason ? { failedReason } : {}),
      ...(lost ? lostNote(lost) : {}),
      requestedBy: row.requestedBy ? { id: row.requestedBy, displayName: names.get(row.requestedBy) ?? '' } : null,
      reason: row.reason,
      requestedAt: row.requestedAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      finishedAt: row.finishedAt?.toISOString() ?? null,
      subjects: row.subjects,
      routedOut: row.routedOut,
    };
  }

  private async requesterNames(rows: RunRow[]): Promise<Map<string, string>> {
    const ids = [...new Set(rows.flatMap((row) => (row.requestedBy ? [row.requestedBy] : [])))];
    if (!ids.length) return new Map();
    const users = await this.db.query<{ id: string; name: string }[]>('SELECT id, display_name AS name FROM users WHERE id = ANY($1)', [ids]);
    return new Map(users.map((found) => [found.id, found.name]));
  }
}
