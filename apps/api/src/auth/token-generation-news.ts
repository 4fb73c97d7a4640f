import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { redisOptions } from '@chorus/jobs';
import { throttledWarning } from '@chorus/runtime';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/config';

type Listener = (userId: string, generation: number) => void;

function parsed(message: string): { userId?: unknown; generation?: unknown } {
  try {
    return JSON.parse(message) ?? {};
  } catch {
    return {};
  }
}

/**
 * News, between API processes, of an account's tokens ended (its token generation raised: a sign-out everywhere, a
 * password changed or reset, an account deleted, a guest carried into an account), over Redis pub/sub: every process
 * then refuses the old tokens at once rather than within the time it trusts what it read (`TokenGenerations`). News
 * sent while Redis is away is lost; that time still bounds it.
 */
@Injectable()
export class TokenGenerationNews implements OnModuleDestroy {
  private readonly logger = new Logger(TokenGenerationNews.name);
  private readonly warn = throttledWarning((message) => this.logger.warn(message));
  /** Fails at once while Redis is away (no offline queue): the news is then lost, not held up. */
  private readonly publisher: Redis;
  /** Waits for Redis and subscribes again after every reconnection. */
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly listeners = new Set<Listener>();
  private readonly subscribed: Promise<unknown>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.channel = `${config.queuePrefix}:token-generations`;
    this.publisher = new Redis(config.redisUrl, redisOptions('producer'));
    this.publisher.on('error', () => undefined); // said when a news item is lost
    this.subscriber = new Redis(config.redisUrl, redisOptions('worker'));
    this.subscriber.on('error', (error: Error) => this.warn(`news of ended tokens from other API processes waits for Redis: ${error.message}`));
    this.subscriber.on('message', (_channel: string, message: string) => this.heard(message));
    this.subscribed = this.subscriber.subscribe(this.channel).catch((error: Error) => this.warn(`could not listen for news of ended tokens: ${error.message}`));
  }

  /** Calls `listener` with each raise that another process (or this one) tells of. */
  onRaised(listener: Listener): void {
    this.listeners.add(listener);
  }

  tell(userId: string, generation: number): void {
    this.publisher.publish(this.channel, JSON.stringify({ userId, generation })).catch((error: Error) => {
      this.warn(`other API processes go by ended tokens of ${userId} for up to 30 s more: Redis did not take the news (${error.message})`);
    });
  }

  private heard(message: string): void {
    const { userId, generation } = parsed(message);
    if (typeof userId !== 'string' || !Number.isInteger(generation)) {
      this.warn(`ignored news of ended tokens that is not Chorus's: ${message.slice(0, 100)}`);
      return;
    }
    for (const listener of this.listeners) listener(userId, generation as number);
  }

  /** Resolves once news is heard: what is told before is not. */
  listening(): Promise<unknown> {
    return this.subscribed;
  }

  onModuleDestroy(): void {
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}
