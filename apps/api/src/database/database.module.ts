import { type DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { type DatabaseOptions, dataSourceOptions, openDataSource } from '@chorus/db';
import type { AppConfig } from '../config/config';

const logger = new Logger('Database');

/**
 * The shared data source: the database is created if absent (`DATABASE_CREATE`) and migrated once, under a lock, before use. A Postgres
 * that does not answer yet is waited for as the worker waits for it (`openDataSource`), not by TypeORM's own retries.
 */
@Global()
@Module({})
export class DatabaseModule {
  static of(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(config.databaseUrl, config.databasePoolSize, config.databaseStatementTimeoutMs), toRetry: () => false }),
          dataSourceFactory: async (options) => openDataSource(options as DatabaseOptions, {
              waitMs: config.databaseWaitMs,
              create: config.databaseCreate,
              warn: (message) => logger.warn(message),
              info: (message) => logger.log(message),
            }),
        }),
      ],
    };
  }
}
