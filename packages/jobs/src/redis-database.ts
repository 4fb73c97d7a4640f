import { invalidConfiguration } from '@chorus/runtime';
import { Redis } from 'ioredis';

/**
 * Stops a process whose REDIS_URL names a database the Redis server does not have (`redis://…/16` on a server of 16,
 * numbered 0–15): ioredis would log the refused SELECT and go on in database 0, where another installation's queues
 * may be. A server that cannot be reached is not judged here: the process starts and waits for it, as ever.
 */
export async function refuseMissingRedisDatabase(url: string): Promise<void> {
  const parsed = new URL(url);
  // ioredis reads the database from the path, or from `?db=` over it.
  const database = Number(parsed.searchParams.get('db') ?? (parsed.pathname.slice(1) || 0));
  if (!database) return;
  parsed.pathname = '/0';
  parsed.searchParams.delete('db');
  const redis = new Redis(parsed.toString(), { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch {
    return;
  }
  try {
    await redis.select(database);
  } catch (error) {
    if (!/DB index is out of range/i.test((error as Error).message)) return;
    const { host, port } = redis.options;
    throw invalidConfiguration([{ variable: 'REDIS_URL', message: `the Redis server at ${host}:${port} has no database ${database} (${await numberedUpTo(redis)}); choose one that exists, or raise \`databases\` in its redis.conf` }]);
  } finally {
    redis.disconnect();
  }
}

/** What the server says of its databases' numbers, where it lets CONFIG be read. */
async function numberedUpTo(redis: Redis): Promise<string> {
  try {
    const [, count] = (await redis.config('GET', 'databases')) as [string, string];
    return `its ${count} are numbered 0 to ${Number(count) - 1}`;
  } catch {
    return 'its `databases` setting, 16 by default, numbers them from 0';
  }
}
