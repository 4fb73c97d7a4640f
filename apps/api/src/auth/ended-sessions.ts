import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { preparedQuery } from '@chorus/db';
import type { DataSource } from 'typeorm';
import { everyHour } from '../common/every-hour';
import { RememberedReads } from './remembered-reads';
import { TokenNews } from './token-news';

const ENDED = 'SELECT session_id AS id FROM ended_sessions WHERE session_id = ANY($1::uuid[])';
/** Harmless twice: signing out again of a session signed out of changes nothing. */
const END = 'INSERT INTO ended_sessions (session_id, expires_at) VALUES ($1, to_timestamp($2)) ON CONFLICT (session_id) DO NOTHING';

/** The session a token belongs to: the tokens of one sign-in on one device, and when the token expires. */
export interface TokenSession {
  id: string;
  /** Seconds since the epoch (the token's `exp`). */
  expiresAt: number;
}

/**
 * The session of a token from before tokens named theirs (no `sid`): the token alone, named by a digest of it, so that
 * signing out ends it too.
 */
export function sessionOfTokenWithoutOne(token: string): string {
  const hex = createHash('sha256').update(token).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Sessions signed out of on their device (`ended_sessions`): their tokens are refused by every API process, by the
 * news of it at once (`TokenNews`), by its read otherwise (`RememberedReads`: an ended session stays ended, so once
 * known it is never read again). A row is kept until the session's token expires, then forgotten, every hour (and soon after the process starts), by each
 * API process (the same statement, harmless twice).
 */
@Injectable()
export class EndedSessions implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EndedSessions.name);
  private readonly sessions = new RememberedReads<boolean>((ids) => this.read(ids), (known, heard) => known || heard, { lasting: (ended) => ended });
  private stop?: () => void;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly news: TokenNews,
  ) {
    news.on('ended', ({ sessionId }) => this.sessions.remember(sessionId, true));
  }

  onApplicationBootstrap(): void {
    this.stop = everyHour(() => this.forgetExpired(), (error) => this.logger.warn(`could not forget expired ended sessions: ${error.message}`));
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }

  /** Whether the session was signed out of, as this process knows it or, `fresh`, as the database has it now. */
  async ended(sessionId: string, { fresh = false }: { fresh?: boolean } = {}): Promise<boolean> {
    return (await (fresh ? this.sessions.latest(sessionId) : this.sessions.current(sessionId))) ?? false;
  }

  /** Ends the session's tokens here, in the database and, by its news, in every other API process. */
  async end(session: TokenSession): Promise<void> {
    await this.db.query(END, [session.id, session.expiresAt]);
    this.sessions.remember(session.id, true);
    this.news.tell('ended', { sessionId: session.id });
  }

  /** How many ended sessions, whose tokens have all expired, it forgot. */
  async forgetExpired(): Promise<number> {
    const [, forgotten]: [unknown, number] = await this.db.query("DELETE FROM ended_sessions WHERE expires_at < now() - interval '5 minutes'");
    return forgotten;
  }

  private async read(ids: string[]): Promise<boolean[]> {
    const rows = await preparedQuery<{ id: string }>(this.db, ENDED, [ids]);
    const ended = new Set(rows.map((row) => row.id));
    return ids.map((id) => ended.has(id));
  }
}
