import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { keptOnlyForHold, owedClassificationStamps, owedReaggregations, owedSkillsReaggregations, recordDepartures, restartedReaggregation, restartedSkillsReaggregation, stampDeletedClassifications } from '@chorus/db';
import { RUN_LIVE_STATES, RUN_WAITING_STATES, aggregationJob, reaggregationJob, stateOfReaggregation } from '@chorus/jobs';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { WORKER_CONFIG, type WorkerConfig } from '../config/config';

/** A hot row `st` retired by the unlink of its subject's sets, never classified there, and not linked again since. */
const KEPT_ONLY_FOR_A_HOLD = keptOnlyForHold('st');

/** The states of a run that will still happen, or is happening. */

/**
 * Finds every workflow with subjects long in the aggregation outbox and enqueues its aggregation. The API enqueues
 * after each submit, but that can fail (Redis away, a crash between commit and enqueue); the database knows what is
 * owed, so this closes the gap with no manual step. An outbox table rather than a relay that publishes each row: the
 * submit writes the row in the statement that stores the classification, and aggregation deletes it in the
 * transaction that accounts for it, so the outbox is exactly the work still owed and the queue only says "look".
 */
@Injectable()
export class ReconcilerService {
  private readonly logger = new Logger(ReconcilerService.name);

  constructor(
    private readonly db: DataSource,
    @InjectQueue('aggregation') private readonly aggregation: Queue,
    @InjectQueue('reaggregation') private readonly reaggregation: Queue,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {}

  /** Expired assignments no longer reserve anything; deleting them keeps the table to what is outstanding. */
  async sweepExpiredAssignments(): Promise<void> {
    await this.db.query('DELETE FROM assignments WHERE expires_at < now()');
    await this.dropUnlinkedLeftovers();
  }

  /**
   * Removes the hot rows kept, retired as unlinked, only because a volunteer held their subject when its set was
   * unlinked (or it was taken out of its set): once the hold has ended unanswered, they were never classified there
   * and serve nothing. A submit or a link made meanwhile changes the row, which the delete then reads again; such a
   * row is kept, and loses its mark, so that each sweep reads only the marked rows (`kept_for_hold`), not every row
   * ever unlinked. Each row removed is recorded as a departure, for the tombstones of `since=` downloads.
   */
  private async dropUnlinkedLeftovers(): Promise<void> {
    await this.db.query(
      `WITH gone AS (
         DELETE FROM subject_workflow_status st WHERE st.kept_for_hold AND ${KEPT_ONLY_FOR_A_HOLD}
           AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.workflow_id = st.workflow_id AND a.subject_id = st.subject_id AND a.expires_at > now())
         RETURNING st.workflow_id, st.subject_id)
       ${recordDepartures('gone')}`,
    );
    await this.db.query(`UPDATE subject_workflow_status st SET kept_for_hold = false WHERE st.kept_for_hold AND (${KEPT_ONLY_FOR_A_HOLD}) IS NOT TRUE`);
  }

  /**
   * Enqueues the re-aggregations Postgres says are owed and the queue has no run for: whole ones (Redis lost the job,
   * or a run failed for good: its attempts used up, or its worker died under it three times; one that keeps failing is
   * started again less and less often, then left, `owedReaggregations`), and the runs of the unretired subjects that
   * skills stored without one starting since call for (the skills pass was cut short before it enqueued it, or Redis
   * lost it before it started, `owedSkillsReaggregations`). How many it enqueued.
   */
  async enqueueOwedReaggregations(): Promise<number> {
    let enqueued = 0;
    for (const { workflowId, requestedBy } of await owedReaggregations(this.db, this.config.reconcileGraceMs)) {
      if (await this.enqueueUnlessLive(reaggregationJob(workflowId, 'all', requestedBy ?? undefined), () => restartedReaggregation(this.db, workflowId))) enqueued += 1;
    }
    for (const workflowId of await owedSkillsReaggregations(this.db, this.config.reconcileGraceMs)) {
      // A whole run waiting to start will read the skills stored by then (and clear what is owed as it starts).
      if (RUN_WAITING_STATES.has(await stateOfReaggregation(this.reaggregation, workflowId, 'all'))) continue;
      if (await this.enqueueUnlessLive(reaggregationJob(workflowId, 'unretired'), () => restartedSkillsReaggregation(this.db, workflowId))) enqueued += 1;
    }
    return enqueued;
  }

  /** Enqueues a run the queue has none of waiting or under way, if it is `stillOwed`; whether it did. */
  private async enqueueUnlessLive(job: ReturnType<typeof reaggregationJob>, stillOwed: () => Promise<boolean>): Promise<boolean> {
    if (RUN_LIVE_STATES.has(await stateOfReaggregation(this.reaggregation, job.data.workflowId, job.data.scope))) return false;
    // Asked again after the queue: one that a run answered between the two reads is not started again.
    if (!(await stillOwed())) return false;
    // A finished job's key goes with it (BullMQ 6), and one left behind is replaced by the add.
    await this.reaggregation.add(job.name, job.data, job.opts);
    return true;
  }

  /**
   * Stamps the classifications of the deleted accounts still owed theirs a while after their deletion (the API that
   * deleted one died while it stamped them, `stampDeletedClassifications`). One that fails stays owed for the next
   * run and holds up no other. How many accounts it finished.
   */
  async finishClassificationStamps(): Promise<number> {
    let finished = 0;
    for (const userId of await owedClassificationStamps(this.db, this.config.reconcileGraceMs)) {
      try {
        await stampDeletedClassifications(this.db, userId);
        finished += 1;
      } catch (error) {
        this.logger.warn(`the classifications of deleted account ${userId} stay owed their stamp: ${(error as Error).message}`);
      }
    }
    return finished;
  }

  /** How many workflows it enqueued. */
  async enqueueLagging(): Promise<number> {
    const rows: { workflow_id: string }[] = await this.db.query(
      `SELECT workflow_id FROM aggregation_outbox GROUP BY workflow_id
       HAVING min(queued_at) < now() - make_interval(secs => $1::double precision / 1000)`,
      [this.config.reconcileGraceMs],
    );
    if (!rows.length) return 0;
    await this.aggregation.addBulk(rows.map((row) => aggregationJob(row.workflow_id)));
    return rows.length;
  }
}
