import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config';

const FORGET_EVERY_MS = 60 * 60 * 1000;

/**
 * The address each guest was made from is kept only while it can count towards its address's holds
 * (`MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST_ADDRESS`): while the guest's token lasts, and its last holds after. Then it is
 * forgotten, every hour, by each API process (the same statement, harmless twice): an address says who someone is.
 */
@Injectable()
export class GuestAddresses implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GuestAddresses.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.forgetOld().catch((error: Error) => this.logger.warn(`could not forget old guests' addresses: ${error.message}`)), FORGET_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** How many guests' addresses it forgot. */
  async forgetOld(): Promise<number> {
    const [, forgotten]: [unknown, number] = await this.db.query(
      "UPDATE users SET guest_address = NULL WHERE guest_address IS NOT NULL AND kind = 'guest' AND created_at <= now() - make_interval(secs => $1)",
      [this.config.tokenTtlSeconds + this.config.assignmentTtlSeconds],
    );
    return forgotten;
  }
}
