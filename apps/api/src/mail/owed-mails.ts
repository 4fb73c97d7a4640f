import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { throttledWarning } from '@chorus/runtime';
import type { DataSource, EntityManager } from 'typeorm';
import type { Mailer, ReaderMail } from './mailer';

const LOOK_EVERY_MS = 1_000;

/**
 * Writes mails owed to many readers at once (a news item's, a workflow's completion's: recorded in a table of their
 * own as what they tell of happens) into the outbox a batch at a time, in each API process every second or when told
 * to (`writeSoon`), one process at a time (an advisory lock named `lock`). A batch is written only when no mail of
 * its `kinds` waits in the outbox, so they never hold up an account's mails for more than a batch (and the outbox
 * claims those first anyway).
 */
export abstract class OwedMails implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(this.constructor.name);
  private readonly warn = throttledWarning((message) => this.logger.warn(message));
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;

  protected constructor(
    private readonly db: DataSource,
    private readonly mailer: Mailer,
    private readonly kinds: readonly ReaderMail['kind'][],
    private readonly lock: string,
  ) {}

  /** Takes up to a batch of the mails owed (deleting what records them) and makes them, in `manager`'s transaction. */
  protected abstract takeBatch(manager: EntityManager): Promise<ReaderMail[]>;

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.writeSoon(), LOOK_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.writing;
  }

  /** Writes the next batch, unless one is being written. */
  writeSoon(): void {
    this.writing ??= this.writeBatch()
      .then((written) => {
        if (written) this.mailer.sendKept();
      })
      .catch((error: Error) => this.warn(`could not write ${this.lock}: ${error.message}`))
      .finally(() => (this.writing = undefined));
  }

  /** Takes up to a batch and keeps its mails in the outbox, in one transaction; answers how many. */
  private async writeBatch(): Promise<number> {
    return this.db.transaction(async (manager) => {
      const [{ locked }] = await manager.query<{ locked: boolean }[]>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [this.lock]);
      if (!locked) return 0;
      const [{ waiting }] = await manager.query<{ waiting: boolean }[]>('SELECT EXISTS (SELECT 1 FROM mail_outbox WHERE kind = ANY($1::text[])) AS waiting', [this.kinds]);
      if (waiting) return 0;
      const mails = await this.takeBatch(manager);
      await this.mailer.keepAllInTransaction(manager, mails);
      return mails.length;
    });
  }
}
