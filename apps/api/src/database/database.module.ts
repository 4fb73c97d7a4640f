import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { type DatabaseOptions, dataSourceOptions, openDataSource } from '@chorus/db';
import { APP_CONFIG, type AppConfig } from '../config/config';

/** The shared data source: the database is created if absent and migrated once, under a lock, before use. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => dataSourceOptions(config.databaseUrl, config.databasePoolSize, config.databaseStatementTimeoutMs),
      dataSourceFactory: async (options) => openDataSource(options as DatabaseOptions),
    }),
  ],
})
export class DatabaseModule {}
