import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiKeys } from '../src/auth/api-keys';
import { EndedSessions } from '../src/auth/ended-sessions';
import { TokenGenerations } from '../src/auth/token-generations';
import { TokenNews } from '../src/auth/token-news';
import { Tokens } from '../src/auth/tokens';
import { APP_CONFIG, type AppConfig } from '../src/config/config';
import type { Stack } from '../../../test/support/stack';

export interface AnotherProcess {
  tokens: Tokens;
  generations: TokenGenerations;
  endedSessions: EndedSessions;
  apiKeys: ApiKeys;
  /** Its Redis connections: call `onModuleDestroy` when the test is done with it. */
  news: TokenNews;
}

/**
 * Another API process's readers of tokens and API keys, over the stack's database: hearing the stack's news of ended
 * tokens, or (`newsLost`) on channels of its own, as when Redis was away while the news was told.
 */
export function anotherApiProcess(stack: Stack, { newsLost = false } = {}): AnotherProcess {
  const config = stack.app.get<AppConfig>(APP_CONFIG);
  const news = new TokenNews(newsLost ? { ...config, queuePrefix: `{lost-${randomUUID().slice(0, 8)}}` } : config);
  const db = stack.app.get<DataSource>(getDataSourceToken());
  const generations = new TokenGenerations(db, news);
  const endedSessions = new EndedSessions(db, news);
  const apiKeys = new ApiKeys(db, generations, endedSessions);
  return { tokens: new Tokens(stack.app.get(JwtService), generations, endedSessions, apiKeys), generations, endedSessions, apiKeys, news };
}
