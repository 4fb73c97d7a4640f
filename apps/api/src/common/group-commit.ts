import { QUERY_CANCELED } from './sql';

interface Waiting<I, O> {
  item: I;
  resolve: (result: O) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Items in one batch at most. */
  maxBatch: number;
  /** Batches running at once, so one batch's round trips overlap the gathering of the next. */
  maxBatchesAtOnce: number;
}

/**
 * Runs the database work of concurrent requests together, like a database's group commit: the items that arrive
 * while batches run (those of one event-loop turn at least) share the next batch, so round trips and commits grow
 * with batches, not with requests. `run` answers one result per item, in order. Each caller is answered when its
 * batch is done. A batch that fails is run again one item at a time, so a failure reaches only its own caller,
 * with the error the work gave; except a batch the database ended for running too long
 * (DATABASE_STATEMENT_TIMEOUT_MS), whose callers all get that at once: each item again could take as long.
 */
export class GroupCommit<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private running = 0;
  private startScheduled = false;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.scheduleStart();
    });
  }

  private scheduleStart(): void {
    if (this.startScheduled) return;
    this.startScheduled = true;
    setImmediate(() => {
      this.startScheduled = false;
      this.startBatches();
    });
  }

  private startBatches(): void {
    while (this.running < this.options.maxBatchesAtOnce && this.waiting.length) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.running += 1;
      void this.runBatch(batch).finally(() => {
        this.running -= 1;
        this.startBatches();
      });
    }
  }

  private async runBatch(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const results = await this.run(batch.map((waiting) => waiting.item));
      for (const [index, waiting] of batch.entries()) waiting.resolve(results[index]!);
    } catch (error) {
      if (batch.length === 1 || (error as { code?: string }).code === QUERY_CANCELED) {
        for (const { reject } of batch) reject(error);
        return;
      }
      for (const { item, resolve, reject } of batch) {
        await this.run([item]).then(([result]) => resolve(result!), reject);
      }
    }
  }
}
