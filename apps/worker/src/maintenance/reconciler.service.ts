import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { aggregationJob } from '@chorus/jobs';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { WORKER_CONFIG, type WorkerConfig } from '../config/config';

const BATCH = 5_000;

/**
 * Finds every subject whose aggregation lags its classifications and enqueues it. The API enqueues after each
 * submit, but that can fail (Redis away, a crash between commit and enqueue); the database knows what is owed, so
 * this closes the gap with no manual step. Chosen over an outbox table: the lag is already on the hot row
 * (`classification_count > aggregated_count`, partially indexed), so submits write nothing extra.
 */
@Injectable()
export class ReconcilerService {
  constructor(
    private readonly db: DataSource,
    @InjectQueue('aggregation') private readonly aggregation: Queue,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {}

  /** Expired assignments no longer reserve anything; deleting them keeps the table to what is outstanding. */
  async sweepExpiredAssignments(): Promise<void> {
    await this.db.query('DELETE FROM assignments WHERE expires_at < now()');
  }

  async enqueueLagging(): Promise<number> {
    const rows: { workflow_id: string; subject_id: string }[] = await this.db.query(
      `SELECT workflow_id, subject_id FROM subject_workflow_status
       WHERE classification_count > aggregated_count AND updated_at < now() - make_interval(secs => $1::double precision / 1000)
       ORDER BY updated_at LIMIT $2`,
      [this.config.reconcileGraceMs, BATCH],
    );
    if (!rows.length) return 0;
    await this.aggregation.addBulk(rows.map((row) => aggregationJob(row.workflow_id, row.subject_id)));
    return rows.length;
  }
}
