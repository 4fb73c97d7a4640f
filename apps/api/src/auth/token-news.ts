import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { redisOptions } from '@chorus/jobs';
import { throttledWarning } from '@chorus/runtime';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/config';

/** What is told of tokens ended: each kind on a channel of its own (a process that knows only the first hears only it). */
export interface TokenNewsKinds {
  /** An account's token generation raised: its tokens issued before end. */
  raised: { userId: string; generation: number };
  /** A session signed out of on its device: its tokens end. */
  ended: { sessionId: string };
}
type Kind = keyof TokenNewsKinds;

const KINDS: { [K in Kind]: { channel: string; valid: (news: Record<string, unknown>) => boolean; whose: (news: TokenNewsKinds[K]) => string } } = {
  raised: { channel: 'token-generations', valid: (news) => typeof news.userId === 'string' && Number.isInteger(news.generation), whose: (news) => `of ${news.userId}` },
  ended: { channel: 'ended-sessions', valid: (news) => typeof news.sessionId === 'string', whose: (news) => `of session ${news.sessionId}` },
};

function parsed(message: string): Record<string, unknown> {
  try {
    const news: unknown = JSON.parse(message);
    return typeof news === 'object' && news !== null ? (news as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * News, between API processes, of tokens ended (an account's token generation raised: a sign-out everywhere, a
 * password changed or reset, an account deleted, a guest carried into an account; or one session signed out of), over
 * Redis pub/sub: every process then refuses those tokens at once rather than within the time it trusts what it read
 * (`TokenGenerations`, `EndedSessions`). News sent while Redis is away is lost; that time still bounds it.
 */
@Injectable()
export class TokenNews implements OnModuleDestroy {
  private readonly logger = new Logger(TokenNews.name);
  private readonly warn = throttledWarning((message) => this.logger.warn(message));
  /** Fails at once while Redis is away (no offline queue): the news is then lost, not held up. */
  private readonly publisher: Redis;
  /** Waits for Redis and subscribes again after every reconnection. */
  private readonly subscriber: Redis;
  private readonly channels = new Map<string, Kind>();
  private readonly listeners: { [K in Kind]: Set<(news: TokenNewsKinds[K]) => void> } = { raised: new Set(), ended: new Set() };
  private readonly subscribed: Promise<unknown>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    for (const kind of Object.keys(KINDS) as Kind[]) this.channels.set(this.channelOf(kind), kind);
    this.publisher = new Redis(config.redisUrl, redisOptions('producer'));
    this.publisher.on('error', () => undefined); // said when a news item is lost
    this.subscriber = new Redis(config.redisUrl, redisOptions('worker'));
    this.subscriber.on('error', (error: Error) => this.warn(`news of ended tokens from other API processes waits for Redis: ${error.message}`));
    this.subscriber.on('message', (channel: string, message: string) => this.heard(channel, message));
    this.subscribed = this.subscriber.subscribe(...this.channels.keys()).catch((error: Error) => this.warn(`could not listen for news of ended tokens: ${error.message}`));
  }

  /** Calls `listener` with each piece of news of the kind that another process (or this one) tells. */
  on<K extends Kind>(kind: K, listener: (news: TokenNewsKinds[K]) => void): void {
    this.listeners[kind].add(listener);
  }

  tell<K extends Kind>(kind: K, news: TokenNewsKinds[K]): void {
    this.publisher.publish(this.channelOf(kind), JSON.stringify(news)).catch((error: Error) => {
      this.warn(`other API processes go by ended tokens ${KINDS[kind].whose(news)} for up to 30 s more: Redis did not take the news (${error.message})`);
    });
  }

  private channelOf(kind: Kind): string {
    return `${this.config.queuePrefix}:${KINDS[kind].channel}`;
  }

  private heard(channel: string, message: string): void {
    const kind = this.channels.get(channel);
    const news = parsed(message);
    if (!kind || !KINDS[kind].valid(news)) {
      this.warn(`ignored news of ended tokens that is not Chorus's: ${message.slice(0, 100)}`);
      return;
    }
    for (const listener of this.listeners[kind]) (listener as (news: unknown) => void)(news);
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
