import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { everyHour } from '../common/every-hour';
import { APP_CONFIG, type AppConfig } from '../config/config';

/** The guest's token is issued a moment after the guest is made, so it may outlast `created_at + TOKEN_TTL_SECONDS` by that. */
const TOKEN_ISSUED_WITHIN_SECONDS = 60;

/**
 * The address each guest was made from is kept only while the guest can be given subjects, whose holds then carry it
 * and count towards its address's (`MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST_ADDRESS`): while the guest's token lasts.
 * Holds made before keep their own copy, which goes with them (the worker's reconciler deletes them once expired).
 * Then it is forgotten, every hour (and soon after the process starts), by each API process (the same statement, harmless twice): an address says who
 * someone is. The users' partial index on the address lets it read only the guests that still have one.
 */
@Injectable()
export class GuestAddresses implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GuestAddresses.name);
  private stop?: () => void;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.stop = everyHour(() => this.forgetOld(), (error) => this.logger.warn(`could not forget old guests' addresses: ${error.message}`));
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }

  /** How many guests' addresses it forgot. */
  async forgetOld(): Promise<number> {
    const [, forgotten]: [unknown, number] = await this.db.query(
      "UPDATE users SET guest_address = NULL WHERE guest_address IS NOT NULL AND kind = 'guest' AND created_at <= now() - make_interval(secs => $1)",
      [this.config.tokenTtlSeconds + TOKEN_ISSUED_WITHIN_SECONDS],
    );
    return forgotten;
  }
}
