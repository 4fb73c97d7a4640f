import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { preparedQuery } from '@chorus/db';
import type { DataSource } from 'typeorm';
import { GroupCommit } from '../common/group-commit';
import { TokenGenerationNews } from './token-generation-news';

/**
 * How long an API process goes by an account's token generation as it read it: a sign-out everywhere made through
 * another process ends the tokens here at once by its news (`TokenGenerationNews`), and within this time when the
 * news was lost (Redis away).
 */
export const TOKEN_GENERATION_TRUSTED_MS = 30_000;
/** Accounts remembered at most; the longest remembered are forgotten first. */
export const GENERATIONS_REMEMBERED_AT_MOST = 100_000;

const GENERATIONS = 'SELECT id, token_generation AS generation FROM users WHERE id = ANY($1::uuid[])';

/**
 * Each user's token generation (`users.token_generation`), read for every request's token, so remembered for a
 * while: the reads of concurrent requests share one statement, and a user's read serves their next requests for
 * `TOKEN_GENERATION_TRUSTED_MS`.
 */
@Injectable()
export class TokenGenerations {
  private readonly known = new Map<string, { generation: number; readAt: number }>();
  private readonly reads = new GroupCommit((userIds: string[]) => this.read(userIds), { maxBatch: 500, maxBatchesAtOnce: 2 });

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly news: TokenGenerationNews,
  ) {
    news.onRaised((userId, generation) => this.remember(userId, generation));
  }

  /** The user's token generation, or undefined when there is no such user. */
  async current(userId: string): Promise<number | undefined> {
    const known = this.known.get(userId);
    if (known && Date.now() - known.readAt < TOKEN_GENERATION_TRUSTED_MS) return known.generation;
    return this.latest(userId);
  }

  /**
   * The user's token generation as the database has it now, for a token about to be issued: a generation another
   * process raised within the trusted time must not go into a new token.
   */
  async latest(userId: string): Promise<number | undefined> {
    const generation = await this.reads.submit(userId);
    if (generation !== undefined) this.remember(userId, generation);
    return generation;
  }

  /** A raise of the user's generation that this process committed: remembered here, and told to the other processes. */
  raised(userId: string, generation: number): void {
    this.remember(userId, generation);
    this.news.tell(userId, generation);
  }

  /** What this process read or heard of. Generations only go up, so an older read never undoes a raise. */
  remember(userId: string, generation: number): void {
    const known = this.known.get(userId);
    this.known.delete(userId);
    this.known.set(userId, { generation: Math.max(generation, known?.generation ?? generation), readAt: Date.now() });
    if (this.known.size > GENERATIONS_REMEMBERED_AT_MOST) this.known.delete(this.known.keys().next().value!);
  }

  private async read(userIds: string[]): Promise<(number | undefined)[]> {
    const rows = await preparedQuery<{ id: string; generation: number }>(this.db, GENERATIONS, [userIds]);
    const byId = new Map(rows.map((row) => [row.id, row.generation]));
    return userIds.map((id) => byId.get(id));
  }
}
