import { randomUUID } from 'node:crypto';
import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { type ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { redisOptions } from '@chorus/jobs';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/config';
import { REDIS_AWAY_MS, withinRedisWait } from '../common/redis-wait';

/**
 * One sliding window in a sorted set of the requests it let through (score: when, in Redis's clock, so that every API
 * process reads the same time). A refused request is not recorded, so a client that keeps trying is let through again
 * as soon as its oldest counted request is older than the window, as `ThrottlerStorageService` does with no block.
 * Returns the requests in the window with this one, and the milliseconds until its oldest leaves it: when a refused
 * one could be let through, or one more than now.
 */
const SLIDING_WINDOW = `
local key, window, limit, id = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local counted = redis.call('ZCARD', key)
if counted < limit then
  redis.call('ZADD', key, now, id)
  redis.call('PEXPIRE', key, window)
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {counted + 1, tonumber(oldest[2]) + window - now}`;

/** A hit `take` counted: its id (for `giveBack`), the hits in its window with it, and the seconds until the oldest leaves. */
export interface TakenHit {
  id: string;
  counted: number;
  resetSeconds: number;
}

/**
 * Where the auth routes' limits per address are counted: in Redis, so that every API process counts the same requests
 * (kept in each process, a deployment of four would let an address try four times as many passwords). While Redis does
 * not answer, each process counts on its own, as before, rather than letting everyone through or refusing sign-ins.
 * The throttler's storage provider, so Nest closes its connection with the module.
 */
export class AddressLimitStore implements ThrottlerStorage, OnModuleDestroy {
  private readonly logger = new Logger(AddressLimitStore.name);
  private readonly redis: Redis & { countAddressHit(key: string, windowMs: number, limit: number, id: string): Promise<[number, number]> };
  private readonly inThisProcess = new ThrottlerStorageService();
  private readonly prefix: string;
  /**
   * Until when counts stay in this process, after Redis failed to answer (so that a hung Redis is not waited on each
   * time); 0 while Redis answers.
   */
  private awayUntil = 0;
  private readyWait?: Promise<void>;

  constructor(config: AppConfig) {
    const redis = new Redis(config.redisUrl, redisOptions('producer'));
    redis.on('error', () => undefined); // reported when a count falls back to this process
    // Sent once, then called by its digest (ioredis loads it again if Redis forgot it).
    redis.defineCommand('countAddressHit', { numberOfKeys: 1, lua: SLIDING_WINDOW });
    this.redis = redis as AddressLimitStore['redis'];
    this.prefix = `${config.queuePrefix}:address-limits:`;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): ReturnType<ThrottlerStorage['increment']> {
    if (Date.now() < this.awayUntil) return this.inThisProcess.increment(key, ttl, limit, blockDuration, throttlerName);
    try {
      const [counted, waitMs] = await this.inRedis(() => this.redis.countAddressHit(this.prefix + key, ttl, limit, randomUUID()));
      const blocked = counted > limit;
      const wait = Math.ceil(waitMs / 1000);
      return { totalHits: counted, timeToExpire: wait, isBlocked: blocked, timeToBlockExpire: blocked ? wait : 0 };
    } catch {
      return this.inThisProcess.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  /**
   * Counts a request in the window as `increment` does, as a hit that `giveBack` can take out again once the request
   * proves not to count (a sign-in that succeeds): answers the hit's id with the hits in the window (this one
   * included) and the seconds until the oldest leaves it, or, over the limit, the seconds until a request could be let
   * through (and counts nothing).
   */
  async take(key: string, windowMs: number, limit: number): Promise<TakenHit | { retryAfterSeconds: number }> {
    const id = randomUUID();
    let counted: number;
    let waitMs: number;
    if (Date.now() < this.awayUntil) [counted, waitMs] = this.takeInThisProcess(key, windowMs, limit, id);
    else {
      try {
        [counted, waitMs] = await this.inRedis(() => this.redis.countAddressHit(this.prefix + key, windowMs, limit, id));
      } catch {
        [counted, waitMs] = this.takeInThisProcess(key, windowMs, limit, id);
      }
    }
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return counted > limit ? { retryAfterSeconds: seconds } : { id, counted, resetSeconds: seconds };
  }

  /** Forgets every hit of the window `key` (an account's failed sign-ins, once one succeeds). */
  async forget(key: string): Promise<void> {
    this.takenHere.delete(key);
    if (Date.now() < this.awayUntil) return;
    await this.inRedis(() => this.redis.del(this.prefix + key)).catch(() => undefined);
  }

  /** Takes a hit `take` counted out of its window again (wherever it was counted: Redis, or this process). */
  async giveBack(key: string, id: string): Promise<void> {
    const here = this.takenHere.get(key);
    if (here?.delete(id) && here.size === 0) this.takenHere.delete(key);
    if (Date.now() < this.awayUntil) return;
    await this.inRedis(() => this.redis.zrem(this.prefix + key, id)).catch(() => undefined);
  }

  /** The hits `take` counted in this process while Redis was away, by key: id → when. */
  private readonly takenHere = new Map<string, Map<string, number>>();

  /** As the script counts in Redis: the hits in the window with this one, and the milliseconds until the oldest leaves it. */
  private takeInThisProcess(key: string, windowMs: number, limit: number, id: string): [number, number] {
    const now = Date.now();
    const hits = this.takenHere.get(key) ?? new Map<string, number>();
    for (const [hit, at] of hits) if (at <= now - windowMs) hits.delete(hit);
    if (hits.size >= limit) return [hits.size + 1, Math.min(...hits.values()) + windowMs - now];
    hits.set(id, now);
    this.takenHere.set(key, hits);
    // Addresses not seen for a window are forgotten now and then, so that a long outage does not keep every one.
    if (this.takenHere.size > 10_000) for (const [other, its] of this.takenHere) if (Math.max(...its.values()) <= now - windowMs) this.takenHere.delete(other);
    return [hits.size, Math.min(...hits.values()) + windowMs - now];
  }

  /** A command sent to Redis, with the fallback to this process noted (and logged) when Redis does not answer. */
  private async inRedis<T>(command: () => Promise<T>): Promise<T> {
    try {
      const answer = await withinRedisWait(this.connected().then(command));
      if (this.awayUntil) this.logger.log('limits per address counted in Redis again');
      this.awayUntil = 0;
      return answer;
    } catch (error) {
      if (!this.awayUntil) this.logger.warn(`limits per address counted in this process only until Redis answers: ${(error as Error).message}`);
      this.awayUntil = Date.now() + REDIS_AWAY_MS;
      throw error;
    }
  }

  /**
   * Resolves once the connection is up: a command sent while it is still being made would fail (no offline queue).
   * One wait for every count that asks meanwhile.
   */
  private connected(): Promise<void> {
    if (this.redis.status === 'ready') return Promise.resolve();
    this.readyWait ??= new Promise((resolve) =>
      this.redis.once('ready', () => {
        this.readyWait = undefined;
        resolve();
      }),
    );
    return this.readyWait;
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
    this.inThisProcess.onApplicationShutdown();
  }
}
