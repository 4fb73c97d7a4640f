import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { requestReaggregation, workflowCompleting } from '@chorus/db';
import { RUN_LIVE_STATES, reaggregationJob, stateOfReaggregation } from '@chorus/jobs';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { SkillsService } from '../skills/skills.service';

/**
 * Re-aggregates a workflow that weighs answers by volunteers' skill whole, once, when it completes (every subject
 * retired and none to come) or is finished: after the first skills, a retired subject keeps the consensus computed with
 * the skills of its last aggregation, so the download would mix the skills of when each subject retired. The run
 * re-learns the skills first, so every row is computed with the final ones. It changes what any whole run changes:
 * consensus, and the routing of a retired subject whose consensus it changes; retirement stays (a finished workflow's
 * unretired subjects retire if their rule says so).
 */
@Injectable()
export class CompletionService {
  private readonly logger = new Logger(CompletionService.name);

  constructor(
    private readonly db: DataSource,
    private readonly skills: SkillsService,
    @InjectQueue('reaggregation') private readonly reaggregation: Queue,
  ) {}

  /**
   * Starts the run if the workflow completes now (`workflowCompleting`: told once, however often it is asked); a whole
   * run already waiting or under way is the one. Whether it started one.
   */
  async reaggregateIfCompleting(workflowId: string): Promise<boolean> {
    if (!(await this.skills.weighsBySkill(workflowId))) return false;
    // Owed in Postgres in the transaction that records the completion: should the queue not get the run, the reconciler starts it.
    const owed = await this.db.transaction(async (manager) => {
      if (!(await workflowCompleting(manager, workflowId))) return false;
      if (RUN_LIVE_STATES.has(await stateOfReaggregation(this.reaggregation, workflowId, 'all'))) return false;
      await requestReaggregation(manager, workflowId, null);
      return true;
    });
    if (!owed) return false;
    const job = reaggregationJob(workflowId, 'all', undefined, 'completion');
    try {
      await this.reaggregation.add(job.name, job.data, job.opts);
    } catch (error) {
      this.logger.warn(`the whole run of completed workflow ${workflowId} stays owed, for the reconciler to start: ${(error as Error).message}`);
    }
    return true;
  }
}
