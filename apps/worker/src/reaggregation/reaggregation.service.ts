import { Injectable } from '@nestjs/common';
import type { ReaggregationProgress, ReaggregationScope } from '@chorus/jobs';
import { answerReaggregations, reaggregationsRequested, skillsReaggregationStarting } from '@chorus/db';
import { DataSource } from 'typeorm';
import { AggregationService, keyOf, nextBatchSize } from '../aggregation/aggregation.service';
import { SkillsService } from '../skills/skills.service';
import { WebhookDeliveries } from '../webhooks/webhook-deliveries.service';

/**
 * Subjects per step at most, aggregated in one transaction (fewer once a step runs out of its time: `nextBatchSize`);
 * progress is reported and checkpointed after each step.
 */
const BATCH = 100;

const SCOPE_FILTER: Record<ReaggregationScope, string> = {
  all: '',
  unretired: 'AND retired_at IS NULL',
};

/**
 * Re-aggregates a whole workflow in batches of subjects in id order, through the same `AggregationService` as single
 * jobs. It keeps no state of its own beyond a cursor: a run that resumes from its last progress (after a crash)
 * or runs twice recomputes the same results. A run over every subject first re-learns volunteer skill (a researcher
 * asking for it wants the best consensus now, not after the next scheduled estimate; one that resumes keeps the
 * skills its first batches used), and once finished marks the requests made before it started as answered. A batch
 * that retires subjects moves the retired fronts of a `sequential` workflow past them, as a drain does
 * (`advanceSequenceFronts`), so that its takes do not walk them again.
 */
@Injectable()
export class ReaggregationService {
  constructor(
    private readonly db: DataSource,
    private readonly aggregation: AggregationService,
    private readonly skills: SkillsService,
    private readonly webhooks: WebhookDeliveries,
  ) {}

  async reaggregate(
    workflowId: string,
    scope: ReaggregationScope,
    resumeFrom: ReaggregationProgress | undefined,
    report: (progress: ReaggregationProgress) => Promise<void>,
  ): Promise<ReaggregationProgress> {
    const progress = resumeFrom ?? (await this.begin(workflowId, scope));
    await report(progress);
    // The attempt that died may have retired subjects after its last report without moving the fronts past them.
    if (resumeFrom) await this.aggregation.advanceSequenceFronts(workflowId);
    if (!resumeFrom && scope === 'all') await this.skills.learnCurrent(workflowId);
    let limit = BATCH;
    for (;;) {
      const subjectIds = await this.nextBatch(workflowId, scope, progress.after, limit);
      if (!subjectIds.length) {
        if (progress.answers !== undefined) await answerReaggregations(this.db, workflowId, progress.answers);
        return progress;
      }
      const { outcomes, routedOut, workflows, deliveries } = await this.aggregation.aggregateSubjects(subjectIds.map((subjectId) => ({ workflowId, subjectId })));
      await this.webhooks.enqueue(deliveries);
      // The subjects a batch deferred (it ran out of time) are a tail of the id order: the next batch starts with them.
      const done = subjectIds.filter((subjectId) => outcomes.get(keyOf({ workflowId, subjectId })) !== 'deferred');
      if (done.some((subjectId) => outcomes.get(keyOf({ workflowId, subjectId })) === 'retired')) {
        await this.aggregation.advanceSequenceFronts(workflowId, workflows.get(workflowId));
      }
      progress.done += done.length;
      progress.routedOut = (progress.routedOut ?? 0) + routedOut;
      progress.after = done.at(-1)!;
      limit = nextBatchSize(limit, subjectIds.length, done.length, BATCH);
      await report(progress);
    }
  }

  /** A run of every subject answers the requests made before it starts; any run, the skills stored before it. */
  private async begin(workflowId: string, scope: ReaggregationScope): Promise<ReaggregationProgress> {
    await skillsReaggregationStarting(this.db, workflowId);
    const answers = scope === 'all' ? await reaggregationsRequested(this.db, workflowId) : undefined;
    return { done: 0, total: await this.count(workflowId, scope), after: null, ...(answers === undefined ? {} : { answers }) };
  }

  private async count(workflowId: string, scope: ReaggregationScope): Promise<number> {
    const [row]: { count: string }[] = await this.db.query(
      `SELECT count(*) FROM subject_workflow_status WHERE workflow_id = $1 AND classification_count > 0 ${SCOPE_FILTER[scope]}`,
      [workflowId],
    );
    return Number(row!.count);
  }

  private async nextBatch(workflowId: string, scope: ReaggregationScope, after: string | null, limit: number): Promise<string[]> {
    const rows: { subject_id: string }[] = await this.db.query(
      `SELECT subject_id FROM subject_workflow_status
       WHERE workflow_id = $1 AND classification_count > 0 ${SCOPE_FILTER[scope]} AND ($2::uuid IS NULL OR subject_id > $2::uuid)
       ORDER BY subject_id LIMIT $3`,
      [workflowId, after, limit],
    );
    return rows.map((row) => row.subject_id);
  }
}
