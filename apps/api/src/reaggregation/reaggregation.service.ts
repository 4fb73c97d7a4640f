import { Injectable } from '@nestjs/common';
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
  constructor(private readonly workflows: WorkflowsService, private readonly jobs: JobProducer) {}

  async start(workflowId: string, request: ReaggregationRequest, user: AuthUser): Promise<ReaggregationRun> {
    await this.workflows.requireResearcher(workflowId, user);
    try {
      return await this.jobs.reaggregate(workflowId, request.scope);
    } catch (error) {
      throw new ProblemException(503, `The job queue is unavailable (${(error as Error).message}); nothing was started, so try again in a minute.`);
    }
  }

  async get(workflowId: string, jobId: string, user: AuthUser): Promise<ReaggregationRun> {
    await this.workflows.requireResearcher(workflowId, user);
    const run = await this.jobs.reaggregationRun(jobId);
    if (!run || run.workflowId !== workflowId) throw notFound(`Re-aggregation ${jobId} of workflow ${workflowId}`, '/params/jobId');
    return run;
  }
}
