import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { preparedQuery } from '@chorus/db';
import type { DataSource } from 'typeorm';
import { RememberedReads } from './remembered-reads';
import { TokenNews } from './token-news';

export { GENERATIONS_REMEMBERED_AT_MOST, TOKEN_GENERATION_TRUSTED_MS } from './remembered-reads';

const GENERATIONS = 'SELECT id, token_generation AS generation FROM users WHERE id = ANY($1::uuid[])';

/**
 * Each user's token generation (`users.token_generation`), read for every request's token, so remembered for a
 * while (`RememberedReads`).
 */
@Injectable()
export class TokenGenerations {
  // Generations only go up, so an older read never undoes a raise.
  private readonly generations = new RememberedReads<number>((userIds) => this.read(userIds), Math.max);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly news: TokenNews,
  ) {
    news.on('raised', ({ userId, generation }) => this.remember(userId, generation));
  }

  /** The user's token generation, or undefined when there is no such user. */
  current(userId: string): Promise<number | undefined> {
    return this.generations.current(userId);
  }

  /**
   * The user's token generation as the database has it now, for a token about to be issued: a generation another
   * process raised within the trusted time must not go into a new token.
   */
  latest(userId: string): Promise<number | undefined> {
    return this.generations.latest(userId);
  }

  /** A raise of the user's generation that this process committed: remembered here, and told to the other processes. */
  raised(userId: string, generation: number): void {
    this.remember(userId, generation);
    this.news.tell('raised', { userId, generation });
  }

  /** What this process read or heard of. */
  remember(userId: string, generation: number): void {
    this.generations.remember(userId, generation);
  }

  private async read(userIds: string[]): Promise<(number | undefined)[]> {
    const rows = await preparedQuery<{ id: string; generation: number }>(this.db, GENERATIONS, [userIds]);
    const byId = new Map(rows.map((row) => [row.id, row.generation]));
    return userIds.map((id) => byId.get(id));
  }
}
