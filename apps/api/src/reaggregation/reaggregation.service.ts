import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { requestReaggregation } from '@chorus/db';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException, notFound } from '../common/problem';
import { JobProducer } from '../jobs/job-producer';
import type { ReaggregationRun } from '@chorus/client';
import { WorkflowsService } from '../workflows/workflows.service';
import type { ReaggregationRequest } from './dto/reaggregation.dto';

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
      return await this.jobs.reaggregate(workflowId, request.scope);
    } catch (error) {
      const then = request.scope === 'all' ? 'it will start by itself once the queue is back' : 'nothing was started, so try again in a minute';
      throw new ProblemException(503, `The job queue is unavailable (${(error as Error).message}); ${then}.`);
    }
  }

  async get(workflowId: string, jobId: string, user: AuthUser): Promise<ReaggregationRun> {
    await this.workflows.requireResearcher(workflowId, user);
    const run = await this.jobs.reaggregationRun(jobId);
    if (!run || run.workflowId !== workflowId) throw notFound(`Re-aggregation ${jobId} of workflow ${workflowId}`, '/params/jobId');
    return run;
  }
}
