import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { aggregationJob } from '@chorus/jobs';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { WORKER_CONFIG, type WorkerConfig } from '../config/config';

/**
 * Finds every workflow with subjects long in the aggregation outbox and enqueues its aggregation. The API enqueues
 * after each submit, but that can fail (Redis away, a crash between commit and enqueue); the database knows what is
 * owed, so this closes the gap with no manual step. An outbox table rather than a relay that publishes each row: the
 * submit writes the row in the statement that stores the classification, and aggregation deletes it in the
 * transaction that accounts for it, so the outbox is exactly the work still owed and the queue only says "look".
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
