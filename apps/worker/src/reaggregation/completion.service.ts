import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { RESEARCHER_ROLES } from '@chorus/client';
import { LEFT_TO_CLASSIFY, completeWorkflows, requestReaggregation, tellCompletion, workflowCompleting } from '@chorus/db';
import { RUN_LIVE_STATES, reaggregationJob, stateOfReaggregation } from '@chorus/jobs';
import { type WorkflowDefinition, skillWeightedTasks } from '@chorus/tasks';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import type { DrainReport } from '../aggregation/aggregation.service';
import { WorkflowDefinitions } from '../aggregation/workflow-definitions';
import { WebhookDeliveries } from '../webhooks/webhook-deliveries.service';

const weighsBySkill = (definition: WorkflowDefinition) => skillWeightedTasks(definition).length > 0;

/**
 * Records a workflow's completion (every subject retired and none to come, or finished by its researchers) once, tells
 * its team and volunteers of it in the same transaction (`tellCompletion`: once per completion, a job run twice tells
 * nobody twice; a workflow reopened by an unretirement and complete again is a new completion, told again), and
 * re-aggregates a workflow that weighs answers by volunteers' skill whole, once: after the first skills, a retired
 * subject keeps the consensus computed with the skills of its last aggregation, so the download would mix the skills
 * of when each subject retired. The run re-learns the skills first, so every row is computed with the final ones. It
 * changes what any whole run changes: consensus, and the routing of a retired subject whose consensus it changes;
 * retirement stays (a finished workflow's unretired subjects retire if their rule says so).
 *
 * A drain of the workflow's outbox asks when it can have completed it (`reaggregateAfterDrain`); the reconciler's sweep
 * (`reaggregateCompleted`) records the completions no drain did: a workflow whose feeders ran out, or one finished while
 * its signal could not reach the queue.
 */
@Injectable()
export class CompletionService {
  private readonly logger = new Logger(CompletionService.name);

  constructor(
    private readonly db: DataSource,
    private readonly definitions: WorkflowDefinitions,
    @InjectQueue('reaggregation') private readonly reaggregation: Queue,
    private readonly webhooks: WebhookDeliveries,
  ) {}

  /**
   * Records the workflow's completion if it completes now (`workflowCompleting`: told once, however often it is asked,
   * its webhooks told with it), and starts the run of one weighing by skill; a whole run already waiting or under way is
   * the one. Whether it started one.
   */
  async reaggregateIfCompleting(workflowId: string): Promise<boolean> {
    const [workflow]: { version: number }[] = await this.db.query('SELECT version FROM workflows WHERE id = $1', [workflowId]);
    if (!workflow) return false;
    return this.startIfCompleting(workflowId, weighsBySkill(await this.definitions.of(this.db.manager, workflowId, workflow.version)));
  }

  /**
   * After a drain: asks whether the workflow completes (`startIfCompleting`) only if the drain can have changed that:
   * it retired subjects, or found the workflow finished with its completion not yet recorded, or recorded and open to
   * more (its completion is forgotten once it is found open again). Whether it weighs by skill it reads from the
   * definition the drain read; a drain that read nothing (a job run again, or the API's signal that a workflow was
   * finished or had subjects retired by hand) asks in full. An open workflow not found complete before that has subjects
   * left, as most drains find, is let be by one cheap look first, with no transaction.
   */
  async reaggregateAfterDrain(workflowId: string, { retired, workflow }: Pick<DrainReport, 'retired' | 'workflow'>): Promise<boolean> {
    if (!workflow) return this.reaggregateIfCompleting(workflowId);
    const mayHaveChanged = retired > 0 || (workflow.finished && !workflow.completionRecorded) || (!workflow.finished && workflow.completionRecorded);
    if (!mayHaveChanged || (!workflow.finished && !workflow.completionRecorded && (await this.subjectsLeft(workflowId)))) return false;
    return this.startIfCompleting(workflowId, weighsBySkill(workflow.definition));
  }

  private async subjectsLeft(workflowId: string): Promise<boolean> {
    const [{ left }]: { left: boolean }[] = await this.db.query(`SELECT EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = $1 AND ${LEFT_TO_CLASSIFY}) AS left`, [workflowId]);
    return left;
  }

  /**
   * The sweep: records the completion of every workflow that is complete or finished and whose completion is not
   * recorded (no drain asked, or the one that would have was lost), and starts the run of each weighing by skill. How
   * many runs it started; one that fails stays owed and holds up no other. Safe to run at once with a drain or another
   * sweep: the completion is recorded once (`workflowCompleting`).
   */
  async reaggregateCompleted(): Promise<number> {
    const unrecorded: { id: string; version: number; finished: boolean }[] = await this.db.query(
      `SELECT id, version, status = 'finished' AS finished FROM workflows WHERE completed_at IS NULL AND status <> 'draft'`,
    );
    const complete = await completeWorkflows(this.db, unrecorded.filter((workflow) => !workflow.finished).map((workflow) => workflow.id));
    let started = 0;
    for (const { id, version, finished } of unrecorded) {
      if (!finished && !complete.has(id)) continue;
      try {
        if (await this.startIfCompleting(id, weighsBySkill(await this.definitions.of(this.db.manager, id, version)))) started += 1;
      } catch (error) {
        this.logger.warn(`the run on completion of workflow ${id} stays owed, for the next sweep: ${(error as Error).message}`);
      }
    }
    return started;
  }

  private async startIfCompleting(workflowId: string, bySkill: boolean): Promise<boolean> {
    // Owed in Postgres in the transaction that records the completion: should the queue not get the run, the reconciler starts it.
    const { owed, deliveries } = await this.db.transaction(async (manager) => {
      const deliveries = await workflowCompleting(manager, workflowId);
      if (!deliveries) return { owed: false, deliveries: [] };
      await tellCompletion(manager, workflowId, RESEARCHER_ROLES);
      if (!bySkill || RUN_LIVE_STATES.has(await stateOfReaggregation(this.reaggregation, workflowId, 'all'))) return { owed: false, deliveries };
      await requestReaggregation(manager, workflowId, null);
      return { owed: true, deliveries };
    });
    // Its webhooks' deliveries, kept with the completion (one whose job is lost here the reconciler enqueues).
    await this.webhooks.enqueue(deliveries);
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
