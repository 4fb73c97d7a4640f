import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { requestReaggregation } from '@chorus/db';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException, notFound } from '../common/problem';
import { JobProducer, type ReaggregationJob } from '../jobs/job-producer';
import type { ReaggregationRecord, ReaggregationRun } from '@chorus/client';
import { WorkflowsService } from '../workflows/workflows.service';
import type { ReaggregationRequest } from './dto/reaggregation.dto';

/** A run as the worker recorded it (or, not started yet, as the queue has it). */
interface RunRow {
  id: string;
  scope: ReaggregationRun['scope'];
  requestedBy: string | null;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  outcome: 'completed' | 'failed' | null;
  subjects: number | null;
  failedReason: string | null;
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
    if (request.scope === 'all') await requestReaggregation(this.db, workflowId);
    try {
      return await this.jobs.reaggregate(workflowId, request.scope, user.id);
    } catch (error) {
      const then = request.scope === 'all' ? 'it will start by itself once the queue is back' : 'nothing was started, so try again in a minute';
      throw new ProblemException(503, `The job queue is unavailable (${(error as Error).message}); ${then}.`);
    }
  }

  /**
   * The workflow's re-aggregations, newest first: those waiting or running in the queue, and the runs the worker
   * recorded (the last 100). Without Redis, the recorded ones, those not ended in state `unknown`.
   */
  async list(workflowId: string, user: AuthUser): Promise<{ runs: ReaggregationRecord[] }> {
    await this.workflows.requireResearcher(workflowId, user);
    const rows = await this.db.query<RunRow[]>(
      `SELECT id, scope, requested_by AS "requestedBy", requested_at AS "requestedAt", started_at AS "startedAt", finished_at AS "finishedAt",
         outcome, subjects, failed_reason AS "failedReason"
       FROM reaggregation_runs WHERE workflow_id = $1 ORDER BY requested_at DESC`,
      [workflowId],
    );
    const live = await this.jobs.liveReaggregations(workflowId).catch(() => []);
    const recorded = new Set(rows.map((row) => row.id));
    const notStarted: RunRow[] = live
      .filter((job) => !recorded.has(job.run.id))
      .map(({ run, requestedAt, requestedBy }) => ({ id: run.id, scope: run.scope, requestedBy, requestedAt, startedAt: null, finishedAt: null, outcome: null, subjects: null, failedReason: null }));
    const all = [...notStarted, ...rows];
    const names = await this.requesterNames(all);
    const runs = await Promise.all(all.map(async (row) => this.record(workflowId, row, names, row.outcome ? undefined : await this.liveRun(row.id, live))));
    return { runs };
  }

  async get(workflowId: string, jobId: string, user: AuthUser): Promise<ReaggregationRun> {
    await this.workflows.requireResearcher(workflowId, user);
    const run = await this.jobs.reaggregationRun(jobId);
    if (!run || run.workflowId !== workflowId) throw notFound(`Re-aggregation ${jobId} of workflow ${workflowId}`, '/params/jobId');
    return run;
  }

  /** A run not ended, as the queue has it now (undefined once Redis has forgotten it, or while Redis is away). */
  private async liveRun(id: string, live: ReaggregationJob[]): Promise<ReaggregationRun | undefined> {
    return live.find((job) => job.run.id === id)?.run ?? (await this.jobs.reaggregationRun(id).catch(() => undefined));
  }

  private record(workflowId: string, row: RunRow, names: Map<string, string>, live: ReaggregationRun | undefined): ReaggregationRecord {
    const ended = row.outcome ? { state: row.outcome, progress: null } : { state: live?.state ?? ('unknown' as const), progress: live?.progress ?? null };
    const failedReason = row.failedReason ?? live?.failedReason;
    return {
      id: row.id,
      workflowId,
      scope: row.scope,
      ...ended,
      ...(failedReason ? { failedReason } : {}),
      requestedBy: row.requestedBy ? { id: row.requestedBy, displayName: names.get(row.requestedBy) ?? '' } : null,
      requestedAt: row.requestedAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      finishedAt: row.finishedAt?.toISOString() ?? null,
      subjects: row.subjects,
    };
  }

  private async requesterNames(rows: RunRow[]): Promise<Map<string, string>> {
    const ids = [...new Set(rows.flatMap((row) => (row.requestedBy ? [row.requestedBy] : [])))];
    if (!ids.length) return new Map();
    const users = await this.db.query<{ id: string; name: string }[]>('SELECT id, display_name AS name FROM users WHERE id = ANY($1)', [ids]);
    return new Map(users.map((found) => [found.id, found.name]));
  }
}
