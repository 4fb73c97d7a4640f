import { Injectable, Logger } from '@nestjs/common';
import { type AggregationOutcome, AggregationService, type SubjectKey } from './aggregation.service';

/** Subjects aggregated in one transaction at most. */
const MAX_BATCH = 100;
/** Batches in flight at once, so one batch's round trips overlap another's computing. */
const MAX_BATCHES_AT_ONCE = 2;

interface Waiting {
  key: SubjectKey;
  resolve: (outcome: AggregationOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the subjects of the aggregation jobs that run at the same moment into batches, like a database's group
 * commit: a batch starts as soon as one is free, with whatever has arrived meanwhile (jobs of one event-loop turn at least). The database's round trips so
 * grow with the number of batches, not with the rate of classifications. A batch that fails is retried subject by
 * subject, so one subject that cannot be aggregated fails only its own job.
 */
@Injectable()
export class AggregationBatcher {
  private readonly logger = new Logger(AggregationBatcher.name);
  private waiting: Waiting[] = [];
  private running = 0;
  private startScheduled = false;

  constructor(private readonly aggregation: AggregationService) {}

  aggregate(key: SubjectKey): Promise<AggregationOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      this.scheduleStart();
    });
  }

  /** Jobs that start in the same turn of the event loop join one batch. */
  private scheduleStart(): void {
    if (this.startScheduled) return;
    this.startScheduled = true;
    setImmediate(() => {
      this.startScheduled = false;
      this.startBatches();
    });
  }

  private startBatches(): void {
    while (this.running < MAX_BATCHES_AT_ONCE && this.waiting.length) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      this.running += 1;
      void this.run(batch).finally(() => {
        this.running -= 1;
        this.startBatches();
      });
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    try {
      const outcomes = await this.aggregation.aggregateSubjects(batch.map((waiting) => waiting.key));
      for (const waiting of batch) waiting.resolve(outcomes.get(`${waiting.key.workflowId}:${waiting.key.subjectId}`)!);
    } catch (error) {
      if (batch.length > 1) this.logger.warn(`a batch of ${batch.length} subjects failed (${(error as Error).message}); aggregating them one by one`);
      for (const waiting of batch) {
        await this.aggregation.aggregateSubject(waiting.key.workflowId, waiting.key.subjectId).then(waiting.resolve, waiting.reject);
      }
    }
  }
}
