import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ChorusClient } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createApp } from '../../apps/api/src/bootstrap';
import { type AppConfig, loadConfig } from '../../apps/api/src/config/config';
import { createWorker } from '../../apps/worker/src/bootstrap';
import type { WorkerConfig } from '../../apps/worker/src/config/config';
import { closeWorker } from '../../apps/worker/src/worker.module';
import { signUp } from './accounts';
import { type Inbox, startInbox } from './inbox';
import { createTestDatabase, testRedis } from './services';

export interface Stack {
  baseUrl: string;
  /** A registered researcher's client. */
  client: ChorusClient;
  /** An anonymous client, e.g. to create guests. */
  anonymous: ChorusClient;
  config: AppConfig;
  app: NestFastifyApplication;
  /** The SMTP server the API mails through (`SMTP_URL`): what Chorus mailed, with the links in it. */
  inbox: Inbox;
  /** A connection to the stack's database, for tests to look at (and set up) what the API cannot show. */
  db: Client;
  /** Starts a worker in this process (the stack starts one unless `worker: false`). */
  startWorker(overrides?: Partial<WorkerConfig>): Promise<INestApplicationContext>;
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  worker?: boolean;
  demoProject?: boolean;
  env?: Record<string, string>;
  /** Where the API reaches the stack's database (a proxy before it, say), given where it is. */
  databaseVia?: (url: string) => string;
}

/** A real API on a free port (serving the built classifier) with its own database and queue prefix, and a worker. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const database = await createTestDatabase();
  const redis = testRedis();
  const inbox = await startInbox();
  const env = {
    NODE_ENV: 'test',
    DATABASE_URL: options.databaseVia ? options.databaseVia(database.url) : database.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.queuePrefix,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.CHORUS_TEST_LOG_LEVEL ?? 'warn',
    DEMO_PROJECT: String(options.demoProject ?? false),
    DATABASE_POOL_SIZE: '10',
    // Tests make hundreds of volunteers from one address; the suite of the limits sets its own.
    NEW_VOLUNTEERS_PER_ADDRESS_PER_HOUR: '0',
    SIGN_INS_PER_ACCOUNT_PER_15_MINUTES: '0',
    // A sixteenth of the default's work for each of the thousands of sign-ups and sign-ins the tests make (auth.test
    // signs in with hashes of the default cost).
    PASSWORD_SCRYPT_N: '1024',
    SMTP_URL: inbox.url,
    // Tests' webhook receivers listen on 127.0.0.1.
    WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'true',
    ...options.env,
  };
  const config = loadConfig(env);
  const app = await createApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const db = new Client({ connectionString: database.url });
  await db.connect();
  let worker: INestApplicationContext | undefined;
  const stack: Stack = {
    baseUrl,
    config,
    app,
    inbox,
    db,
    anonymous: new ChorusClient({ baseUrl }),
    client: new ChorusClient({ baseUrl }),
    async startWorker(overrides = {}) {
      worker = await createWorker({
        databaseUrl: database.url,
        databasePoolSize: 5,
        databaseWaitMs: 0,
        databaseCreate: true,
        redisUrl: redis.url,
        queuePrefix: redis.queuePrefix,
        logLevel: env.LOG_LEVEL,
        reconcileEveryMs: 10_000,
        reconcileGraceMs: 2_000,
        skillsEveryMs: 5 * 60_000,
        drainDeadlineMs: 10_000,
        jobLockMs: 10_000,
        // Tests' webhook receivers listen on 127.0.0.1.
        webhooksAllowPrivateAddresses: true,
        ...overrides,
      });
      return worker;
    },
    async stopWorker() {
      if (worker) await closeWorker(worker);
      worker = undefined;
    },
    async stop() {
      await stack.stopWorker();
      await db.end();
      app.getHttpServer().closeAllConnections(); // a test's client may leave a keep-alive connection open
      await app.close();
      await inbox.stop();
      await database.drop();
    },
  };
  const email = `researcher-${randomUUID()}@example.org`;
  // Verified, as every account that signs in is.
  const session = await signUp(stack, { email, password: 'correct horse battery', displayName: 'Researcher' });
  stack.client = stack.anonymous.withToken(session.token);
  if (options.worker ?? true) await stack.startWorker();
  return stack;
}
